//===- DecomposeBandedSums.cpp - LRN and CumSum as 0/1 matrix products ----===//
//
// LRN sums squares over a window of neighbouring channels and CumSum sums a
// running prefix of one axis. A running prefix is a product with a constant
// triangle of ones, which the DPU computes as a matmul with fp32
// accumulators; LRN's squares need fp32 throughout (they overflow fp16), so
// its window is a sum of shifted copies in an fp32 island on SHAVE.
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/IR/TensorKeys.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

#include <cmath>

namespace npu {
#define GEN_PASS_DEF_NPUDECOMPOSEBANDEDSUMS
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace {

/// The longest axis a CumSum is decomposed along: its [L, L] matrix takes
/// L^2 weights (2 MiB in fp16 at 1024).
constexpr int64_t kMaxCumSumLength = 1024;

RankedTensorType floatTensorOf(Operation *op) {
  auto t = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  // Float tensors only; a pre-quantized model's op keeps its parameters.
  if (!t || !t.hasStaticShape() || !isa<FloatType>(t.getElementType()) ||
      op->hasAttr(kQuantAttr))
    return {};
  return t;
}

Value constant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
               ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return ConstantOp::create(b, loc, DenseElementsAttr::get(type, values));
}

/// y = x * (bias + alpha / size * s)^-beta, s the sum of squares over the
/// channels [c - floor((size - 1) / 2), c + ceil((size - 1) / 2)], as an
/// fp32 island (`npu.fp32`, as npu-fp32-islands marks power-domain chains):
/// squares of activations past 256 overflow fp16, and int8 would round the
/// small squares of a wide range to 0. The window sum adds `size` copies of
/// the squares shifted along the channels (a slice joined with zeros); the
/// product with x leaves the island (y <= |x| / bias^beta).
void decomposeLrn(LRNOp op) {
  RankedTensorType type = floatTensorOf(op);
  if (!type || type.getRank() < 2 || type.getNumElements() == 0 ||
      op.getSize() < 1)
    return;
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto named = [&](StringRef s) { return suffixedLocation(loc, s); };
  UnitAttr fp32 = b.getUnitAttr();
  auto island = [&](Operation *o) {
    o->setAttr(kFp32Attr, fp32);
    return o->getResult(0);
  };
  int64_t channels = type.getDimSize(1);
  int64_t size = static_cast<int64_t>(op.getSize());
  int64_t before = (size - 1) / 2, after = size - 1 - before;
  float alpha = op.getAlpha().convertToFloat();
  float beta = op.getBeta().convertToFloat();
  float bias = op.getBias().convertToFloat();
  auto f32 = [&](ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, b.getF32Type());
  };
  SmallVector<int64_t> shape(type.getShape());
  auto channelRange = [&](int64_t n) {
    SmallVector<int64_t> s(shape);
    s[1] = n;
    return s;
  };

  Value x = op.getInput();
  Value squares = island(MulOp::create(b, named("square"), f32(shape), x, x));
  // Channel c of copy d holds the square of channel c + d (0 outside).
  Value sum;
  for (int64_t d = -before; d <= after; ++d) {
    Value shifted = squares;
    int64_t kept = channels - std::abs(d);
    if (d != 0 && kept <= 0)
      continue;
    if (d != 0) {
      SmallVector<int64_t> starts(shape.size(), 0), steps(shape.size(), 1);
      starts[1] = std::max<int64_t>(d, 0);
      Value part = island(SliceOp::create(
          b, named("window"), f32(channelRange(kept)), squares,
          b.getDenseI64ArrayAttr(starts), b.getDenseI64ArrayAttr(steps)));
      Value zeros = constant(
          b, named("window"), channelRange(std::abs(d)),
          std::vector<float>(
              size_t(ShapedType::getNumElements(channelRange(std::abs(d)))),
              0.0f));
      SmallVector<Value> parts = d > 0 ? SmallVector<Value>{part, zeros}
                                       : SmallVector<Value>{zeros, part};
      shifted = island(ConcatOp::create(b, named("window"), parts, 1));
    }
    sum = sum ? island(AddOp::create(b, named("window sum"), f32(shape), sum,
                                     shifted))
              : shifted;
  }
  Value scaled = island(MulOp::create(
      b, named("window sum"), f32(shape), sum,
      constant(b, named("window sum"), {1}, {alpha / float(size)})));
  Value shiftedSum =
      island(AddOp::create(b, named("denominator"), f32(shape), scaled,
                           constant(b, named("denominator"), {1}, {bias})));
  Value inverse =
      island(PowOp::create(b, named("denominator"), f32(shape), shiftedSum,
                           constant(b, named("denominator"), {1}, {-beta})));
  Value y = MulOp::create(b, loc, type, x, inverse);
  op.replaceAllUsesWith(y);
  op.erase();
}

/// The running sum along the axis as a matmul of the rows (the axis moved
/// last) with an [L, L] 0/1 triangle: element j adds into i when j <= i
/// (j < i exclusive; j >= i, j > i in reverse).
void decomposeCumSum(CumSumOp op) {
  RankedTensorType type = floatTensorOf(op);
  if (!type || type.getRank() == 0)
    return;
  int64_t rank = type.getRank();
  int64_t axis = static_cast<int64_t>(op.getAxis()); // verified in range
  int64_t length = type.getDimSize(axis);
  if (length > kMaxCumSumLength || type.getNumElements() == 0)
    return;
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto named = [&](StringRef s) { return suffixedLocation(loc, s); };
  auto tensor = [&](ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, type.getElementType());
  };

  SmallVector<int64_t> perm, moved;
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      perm.push_back(d);
  perm.push_back(axis);
  for (int64_t d : perm)
    moved.push_back(type.getDimSize(d));
  Value x = op.getInput();
  if (axis != rank - 1)
    x = TransposeOp::create(b, named("axis last"), x,
                            b.getDenseI64ArrayAttr(perm));
  int64_t rows = type.getNumElements() / length;
  SmallVector<int64_t> rowsShape = {rows, length};
  if (ArrayRef<int64_t>(moved) != ArrayRef<int64_t>(rowsShape))
    x = ReshapeOp::create(b, named("rows"), tensor(rowsShape), x);
  std::vector<float> triangle(size_t(length * length), 0.0f);
  bool exclusive = op.getExclusive(), reverse = op.getReverse();
  for (int64_t j = 0; j < length; ++j)
    for (int64_t i = 0; i < length; ++i) {
      bool adds =
          reverse ? (exclusive ? j > i : j >= i) : (exclusive ? j < i : j <= i);
      triangle[size_t(j * length + i)] = adds ? 1.0f : 0.0f;
    }
  // The last op takes the node's location.
  bool last = axis == rank - 1 &&
              ArrayRef<int64_t>(moved) == ArrayRef<int64_t>(rowsShape);
  Location sumLoc = last ? loc : named("running sum");
  Value y = MatMulOp::create(
      b, sumLoc, tensor(rowsShape), x,
      constant(b, named("running sum"), {length, length}, triangle));
  if (axis == rank - 1) {
    if (!last)
      y = ReshapeOp::create(b, loc, type, y);
  } else {
    y = ReshapeOp::create(b, named("running sum rows"), tensor(moved), y);
    SmallVector<int64_t> inverse(rank);
    for (int64_t d = 0; d < rank; ++d)
      inverse[perm[d]] = d;
    y = TransposeOp::create(b, loc, y, b.getDenseI64ArrayAttr(inverse));
  }
  op.replaceAllUsesWith(y);
  op.erase();
}

struct NPUDecomposeBandedSumsPass
    : npu::impl::NPUDecomposeBandedSumsBase<NPUDecomposeBandedSumsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<LRNOp, CumSumOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      if (auto lrn = dyn_cast<LRNOp>(op))
        decomposeLrn(lrn);
      else
        decomposeCumSum(cast<CumSumOp>(op));
    }
  }
};

} // namespace
