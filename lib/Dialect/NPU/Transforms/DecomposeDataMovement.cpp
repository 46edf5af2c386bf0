//===- DecomposeDataMovement.cpp - Layout ops as DMA-movable ops ----------===//
//
// DepthToSpace, SpaceToDepth, Tile, Expand and Pad move data only. Code
// generation moves data with DMA through reshapes, transposes, slices and
// concatenations (and constants for a pad's fill), so each of these ops is
// rewritten into those: bit for bit the same values, in every precision.
// So is a slice with negative steps (`x[:, ::-1]`, a BGR / RGB flip), whose
// DMA strides would be negative: the same elements in ascending order, then
// reversed: float and i32 / i64 data by a gather of the reversed positions,
// which canonicalization turns into one slice per position, concatenated
// backwards, where that takes few DMAs (a channel flip; npu.gather's
// canonicalizer), other data (booleans) by such slices (up to 256
// positions).
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/IR/ScalarAttr.h"
#include "npu/Dialect/NPU/IR/TensorKeys.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"
#include "npu/Support/RepeatByDoubling.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/TypeSwitch.h"

namespace npu {
#define GEN_PASS_DEF_NPUDECOMPOSEDATAMOVEMENT
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace {

/// Builds the replacement of one op: intermediate values are named
/// "NAME (suffix)", the last one takes the op's own location.
struct Rewriter {
  OpBuilder &b;
  Location loc;
  Type element;

  RankedTensorType type(ArrayRef<int64_t> shape) const {
    return RankedTensorType::get(shape, element);
  }
  static ArrayRef<int64_t> shapeOf(Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  }
  Location named(StringRef suffix) const {
    return suffixedLocation(loc, suffix);
  }
  Value reshape(Value v, ArrayRef<int64_t> shape, StringRef suffix) {
    if (shapeOf(v) == shape)
      return v;
    return ReshapeOp::create(b, named(suffix), type(shape), v);
  }
  Value transpose(Value v, ArrayRef<int64_t> perm, StringRef suffix) {
    return TransposeOp::create(b, named(suffix), v,
                               b.getDenseI64ArrayAttr(perm));
  }
  /// Elements [begin, end) of `axis`.
  Value slice(Value v, int64_t axis, int64_t begin, int64_t end,
              StringRef suffix) {
    SmallVector<int64_t> shape(shapeOf(v)), starts(shape.size(), 0),
        steps(shape.size(), 1);
    if (begin == 0 && end == shape[axis])
      return v;
    shape[axis] = end - begin;
    starts[axis] = begin;
    return SliceOp::create(b, named(suffix), type(shape), v,
                           b.getDenseI64ArrayAttr(starts),
                           b.getDenseI64ArrayAttr(steps));
  }
  Value concat(ArrayRef<Value> parts, int64_t axis, StringRef suffix) {
    if (parts.size() == 1)
      return parts.front();
    return ConcatOp::create(b, named(suffix), parts, axis);
  }
  /// `v` backwards along `axis`.
  Value reverse(Value v, int64_t axis, StringRef suffix) {
    SmallVector<int64_t> shape(shapeOf(v));
    int64_t n = shape[axis];
    if (n <= 1)
      return v;
    bool gathered = isa<FloatType>(element) || element.isInteger(32) ||
                    element.isInteger(64);
    if (!gathered && n <= kMaxReversedSlices) {
      SmallVector<Value> parts;
      for (int64_t i = n - 1; i >= 0; --i)
        parts.push_back(slice(v, axis, i, i + 1, suffix));
      return concat(parts, axis, suffix);
    }
    SmallVector<int64_t> positions;
    for (int64_t i = n - 1; i >= 0; --i)
      positions.push_back(i);
    auto indexType = RankedTensorType::get({n}, b.getI64Type());
    Value indices = ConstantOp::create(
        b, named(suffix), indexType,
        DenseElementsAttr::get(indexType, ArrayRef<int64_t>(positions)));
    return GatherOp::create(b, named(suffix), type(shape), v, indices,
                            b.getI64IntegerAttr(axis));
  }
  /// The most positions of other data than float and i32 / i64 reversed
  /// by DMA copies (as many slices; as `npu.gather`'s canonicalizer).
  static constexpr int64_t kMaxReversedSlices = 256;
  /// `count` copies of `v` along `axis` (of size 1 or more), joined by
  /// doubling: about twice the result's bytes move, in log2(count) joins.
  Value repeat(Value v, int64_t axis, int64_t count, StringRef suffix) {
    return repeatByDoubling(v, count, [&](const std::vector<Value> &parts) {
      return concat(parts, axis, suffix);
    });
  }
};

/// Records the ops a builder creates.
struct CreatedOps : OpBuilder::Listener {
  SmallVector<Operation *> ops;
  void notifyOperationInserted(Operation *op, OpBuilder::InsertPoint) override {
    ops.push_back(op);
  }
};

struct NPUDecomposeDataMovementPass
    : npu::impl::NPUDecomposeDataMovementBase<NPUDecomposeDataMovementPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<DepthToSpaceOp, SpaceToDepthOp, TileOp, ExpandOp, PadOp>(op))
        ops.push_back(op);
      if (auto slice = dyn_cast<SliceOp>(op))
        if (llvm::any_of(slice.getSteps(), [](int64_t s) { return s < 0; }))
          ops.push_back(op);
    });
    for (Operation *op : ops) {
      auto in = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
      auto out = dyn_cast<RankedTensorType>(op->getResult(0).getType());
      // Static shapes only.
      if (!in || !out || !in.hasStaticShape() || !out.hasStaticShape() ||
          in.getNumElements() == 0 || out.getNumElements() == 0)
        continue;
      OpBuilder b(op);
      // A pre-quantized model's op (`npu.quant`, its own Q/DQ parameters):
      // every op of the rewrite holds some of its elements (copies, slices,
      // joins, and a pad's constant, which the model's pad quantizes with
      // the same parameters), so each takes the parameters.
      CreatedOps created;
      Attribute quant = op->getAttr(kQuantAttr);
      if (quant)
        b.setListener(&created);
      Rewriter r{b, op->getLoc(), out.getElementType()};
      Value y = llvm::TypeSwitch<Operation *, Value>(op)
                    .Case([&](DepthToSpaceOp o) { return depthToSpace(r, o); })
                    .Case([&](SpaceToDepthOp o) { return spaceToDepth(r, o); })
                    .Case([&](TileOp o) { return tile(r, o); })
                    .Case([&](ExpandOp o) { return expand(r, o); })
                    .Case([&](PadOp o) { return pad(r, o); })
                    .Case([&](SliceOp o) { return backwardSlice(r, o); })
                    .Default([](Operation *) { return Value(); });
      if (!y || y.getType() != out) {
        for (Operation *made : llvm::reverse(created.ops))
          if (made->use_empty())
            made->erase();
        continue;
      }
      for (Operation *made : created.ops) {
        auto t = made->getNumResults() == 1
                     ? dyn_cast<RankedTensorType>(made->getResult(0).getType())
                     : nullptr;
        if (t && isa<FloatType>(t.getElementType()))
          made->setAttr(kQuantAttr, quant); // Not a gather's indices.
      }
      // The last op holds the ONNX tensor: it takes the node's name (unless
      // the rewrite made none: an all-zero pad is its input).
      if (y != op->getOperand(0))
        if (Operation *def = y.getDefiningOp())
          def->setLoc(op->getLoc());
      op->getResult(0).replaceAllUsesWith(y);
      op->erase();
    }
  }

  /// A slice with negative steps: the same elements in ascending order
  /// (the last one selected first, the step's magnitude), then reversed
  /// along each such axis.
  static Value backwardSlice(Rewriter &r, SliceOp op) {
    auto out = cast<RankedTensorType>(op.getType()).getShape();
    SmallVector<int64_t> starts(op.getStarts()), steps(op.getSteps());
    SmallVector<int64_t> reversed;
    for (size_t d = 0; d < steps.size(); ++d)
      if (steps[d] < 0) {
        starts[d] += (out[d] - 1) * steps[d];
        steps[d] = -steps[d];
        reversed.push_back(int64_t(d));
      }
    Value x = op.getInput();
    bool whole = Rewriter::shapeOf(x) == out &&
                 llvm::all_of(starts, [](int64_t v) { return v == 0; }) &&
                 llvm::all_of(steps, [](int64_t v) { return v == 1; });
    if (!whole)
      x = SliceOp::create(r.b, r.named("ascending"), r.type(out), x,
                          r.b.getDenseI64ArrayAttr(starts),
                          r.b.getDenseI64ArrayAttr(steps));
    for (int64_t d : reversed)
      x = r.reverse(x, d, "reversed");
    return x;
  }

  /// [N, C, H, W] -> [N, C/b^2, H b, W b]: DCR reads channel (by, bx, c),
  /// CRD channel (c, by, bx).
  static Value depthToSpace(Rewriter &r, DepthToSpaceOp op) {
    auto s = Rewriter::shapeOf(op.getInput());
    if (s.size() != 4)
      return Value();
    int64_t n = s[0], c = s[1], h = s[2], w = s[3], bs = op.getBlocksize();
    int64_t co = c / (bs * bs);
    bool dcr = op.getMode() == DepthToSpaceMode::DCR;
    Value x = dcr ? r.reshape(op.getInput(), {n, bs, bs, co, h, w}, "blocks")
                  : r.reshape(op.getInput(), {n, co, bs, bs, h, w}, "blocks");
    x = dcr ? r.transpose(x, {0, 3, 4, 1, 5, 2}, "blocks")
            : r.transpose(x, {0, 1, 4, 2, 5, 3}, "blocks");
    return r.reshape(x, {n, co, h * bs, w * bs}, "blocks");
  }

  /// [N, C, H, W] -> [N, C b^2, H/b, W/b], channel (by, bx, c).
  static Value spaceToDepth(Rewriter &r, SpaceToDepthOp op) {
    auto s = Rewriter::shapeOf(op.getInput());
    if (s.size() != 4)
      return Value();
    int64_t n = s[0], c = s[1], h = s[2], w = s[3], bs = op.getBlocksize();
    Value x =
        r.reshape(op.getInput(), {n, c, h / bs, bs, w / bs, bs}, "blocks");
    x = r.transpose(x, {0, 3, 5, 1, 2, 4}, "blocks");
    return r.reshape(x, {n, c * bs * bs, h / bs, w / bs}, "blocks");
  }

  static Value tile(Rewriter &r, TileOp op) {
    Value x = op.getInput();
    auto in = Rewriter::shapeOf(x);
    auto out = cast<RankedTensorType>(op.getType()).getShape();
    for (size_t d = 0; d < in.size(); ++d)
      if (in[d] > 0 && out[d] != in[d])
        x = r.repeat(x, int64_t(d), out[d] / in[d], "tiles");
    return x;
  }

  /// NumPy broadcasting: leading 1s, then each size-1 dimension repeated.
  static Value expand(Rewriter &r, ExpandOp op) {
    auto in = Rewriter::shapeOf(op.getInput());
    auto out = cast<RankedTensorType>(op.getType()).getShape();
    if (in.size() > out.size())
      return Value();
    SmallVector<int64_t> full(out.size() - in.size(), 1);
    full.append(in.begin(), in.end());
    Value x = r.reshape(op.getInput(), full, "broadcast");
    for (size_t d = 0; d < out.size(); ++d)
      if (full[d] != out[d])
        x = r.repeat(x, int64_t(d), out[d], "broadcast");
    return x;
  }

  static Value pad(Rewriter &r, PadOp op) {
    Value x = op.getInput();
    ArrayRef<int64_t> pads = op.getPads();
    size_t rank = Rewriter::shapeOf(x).size();
    if (pads.size() != 2 * rank)
      return Value();
    auto element = dyn_cast<FloatType>(r.element);
    // Negative pads crop first.
    for (size_t d = 0; d < rank; ++d) {
      int64_t size = Rewriter::shapeOf(x)[d];
      int64_t begin = std::max<int64_t>(0, -pads[d]);
      int64_t end = size - std::max<int64_t>(0, -pads[rank + d]);
      if (begin >= end)
        return Value();
      x = r.slice(x, int64_t(d), begin, end, "crop");
    }
    for (size_t d = 0; d < rank; ++d) {
      int64_t before = std::max<int64_t>(0, pads[d]);
      int64_t after = std::max<int64_t>(0, pads[rank + d]);
      if (before == 0 && after == 0)
        continue;
      int64_t size = Rewriter::shapeOf(x)[d];
      auto axis = int64_t(d);
      auto fill = [&](int64_t count) -> Value {
        SmallVector<int64_t> shape(Rewriter::shapeOf(x));
        shape[d] = count;
        // A float fill as the element type; an integer one (an int64 mask
        // padded) as its exact attribute, of the element type.
        Attribute value = op.getValueAttr();
        Attribute scalar =
            element ? Attribute(r.b.getFloatAttr(
                          element, value ? scalarAttrToDouble(value) : 0.0))
            : value ? value
                    : Attribute(r.b.getIntegerAttr(r.element, 0));
        return ConstantOp::create(
            r.b, r.named("fill"),
            DenseElementsAttr::get(r.type(shape), scalar));
      };
      SmallVector<Value> parts;
      switch (op.getMode()) {
      case PadMode::constant:
        if (before)
          parts.push_back(fill(before));
        parts.push_back(x);
        if (after)
          parts.push_back(fill(after));
        break;
      case PadMode::reflect:
        // x[before], ..., x[1], x, x[size - 2], ..., x[size - 1 - after].
        if (before >= size || after >= size)
          return Value();
        for (int64_t i = before; i >= 1; --i)
          parts.push_back(r.slice(x, axis, i, i + 1, "mirror"));
        parts.push_back(x);
        for (int64_t i = size - 2; i >= size - 1 - after; --i)
          parts.push_back(r.slice(x, axis, i, i + 1, "mirror"));
        break;
      case PadMode::edge:
        if (before)
          parts.push_back(
              r.repeat(r.slice(x, axis, 0, 1, "edge"), axis, before, "edge"));
        parts.push_back(x);
        if (after)
          parts.push_back(r.repeat(r.slice(x, axis, size - 1, size, "edge"),
                                   axis, after, "edge"));
        break;
      case PadMode::wrap:
        if (before > size || after > size)
          return Value();
        if (before)
          parts.push_back(r.slice(x, axis, size - before, size, "wrap"));
        parts.push_back(x);
        if (after)
          parts.push_back(r.slice(x, axis, 0, after, "wrap"));
        break;
      }
      x = r.concat(parts, axis, "pad");
    }
    return x;
  }
};

} // namespace
