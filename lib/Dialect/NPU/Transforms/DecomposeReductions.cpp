//===- DecomposeReductions.cpp - Reductions as sums, maxima and math ------===//
//
// ReduceL1, ReduceL2, ReduceSumSquare, ReduceLogSum and ReduceLogSumExp
// (and LpNormalization, which the importer writes with ReduceL1 / L2) have
// no SHAVE kernel of their own: each becomes the reduce_sum / reduce_max
// kernels with elementwise ops around them. The squares summed into a
// square root are then a power-domain chain that npu-fp32-islands keeps in
// fp32. LayerNormalization maps to one SHAVE mvn kernel when its scale and
// bias are constants and its Mean / InvStdDev results are not read; others
// (a scale given as an input, the statistics read, as in training graphs)
// become ONNX's own function body: means, a square root and products.
// Hardmax is the argmax kernel's index compared with the positions.
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/IR/TensorKeys.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

#include <limits>

namespace npu {
#define GEN_PASS_DEF_NPUDECOMPOSEREDUCTIONS
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace {

struct NPUDecomposeReductionsPass
    : npu::impl::NPUDecomposeReductionsBase<NPUDecomposeReductionsPass> {
  using Base::Base;

  void runOnOperation() override {
    // Each op is rewritten in place (its replacement built right before
    // it), so one walk collects them all.
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<ReduceL1Op, ReduceL2Op, ReduceSumSquareOp, ReduceLogSumOp,
              ReduceLogSumExpOp, HardmaxOp, LayerNormOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      if (auto hardmax = dyn_cast<HardmaxOp>(op))
        decomposeHardmax(hardmax);
      else if (auto norm = dyn_cast<LayerNormOp>(op))
        decomposeLayerNorm(norm);
      else
        decompose(op);
    }
  }

  /// hardmax(x) along `axis` = cast(argmax(x) == [0, 1, ..., n - 1]) to
  /// float: the first maximum's one-hot (the argmax kernel, then a
  /// comparison of the indices with the positions, exact in f32).
  static void decomposeHardmax(HardmaxOp op) {
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !type.hasStaticShape() ||
        !isa<FloatType>(type.getElementType()) || op->hasAttr(kQuantAttr))
      return;
    OpBuilder b(op);
    Location loc = op.getLoc();
    auto named = [&](StringRef s) { return suffixedLocation(loc, s); };
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    SmallVector<int64_t> kept(type.getShape()), positions(rank, 1);
    kept[axis] = 1;
    positions[axis] = type.getDimSize(axis);
    auto i64 = b.getI64Type();
    Value index = ArgMaxOp::create(
        b, named("argmax"), RankedTensorType::get(kept, i64), op.getInput(),
        b.getI64IntegerAttr(axis), b.getBoolAttr(true), b.getBoolAttr(false));
    SmallVector<int64_t> iota(positions[axis]);
    for (int64_t i = 0; i < positions[axis]; ++i)
      iota[i] = i;
    auto positionsType = RankedTensorType::get(positions, i64);
    Value at = ConstantOp::create(
        b, named("positions"),
        DenseElementsAttr::get(positionsType, ArrayRef<int64_t>(iota)));
    Value hit = EqualOp::create(
        b, named("one-hot"),
        RankedTensorType::get(type.getShape(), b.getI1Type()), index, at);
    op.getOutput().replaceAllUsesWith(CastOp::create(b, loc, type, hit));
    op.erase();
  }

  static bool isConstantValue(Value v) {
    return !v || v.getDefiningOp<ConstantOp>();
  }

  /// mean = ReduceMean(x), d = x - mean, inv = 1 / sqrt(ReduceMean(d d) +
  /// epsilon), y = d inv scale + bias over the axes from `axis` on (ONNX's
  /// function body of LayerNormalization), unless the op maps as it is;
  /// unread Mean / InvStdDev results are dropped.
  static void decomposeLayerNorm(LayerNormOp op) {
    auto inType = dyn_cast<RankedTensorType>(op.getInput().getType());
    if (!inType || !inType.hasStaticShape() ||
        !isa<FloatType>(inType.getElementType()) || op->hasAttr(kQuantAttr))
      return;
    Value mean = op.getMean(), inv = op.getInvStdDev();
    bool statsRead = (mean && !mean.use_empty()) || (inv && !inv.use_empty());
    OpBuilder b(op);
    Location loc = op.getLoc();
    if (!statsRead && isConstantValue(op.getScale()) &&
        isConstantValue(op.getBias())) {
      if (!mean && !inv)
        return;
      // The statistics nothing reads go: the one-result form maps.
      auto single = LayerNormOp::create(
          b, loc, op.getOutput().getType(), Type(), Type(), op.getInput(),
          op.getScale(), op.getBias(), op.getAxisAttr(), op.getEpsilonAttr());
      op.getOutput().replaceAllUsesWith(single.getOutput());
      op.erase();
      return;
    }
    auto named = [&](StringRef s) { return suffixedLocation(loc, s); };
    int64_t rank = inType.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    SmallVector<int64_t> axes, keptShape(inType.getShape());
    for (int64_t d = axis; d < rank; ++d) {
      axes.push_back(d);
      keptShape[d] = 1;
    }
    Type element = inType.getElementType();
    auto kept = RankedTensorType::get(keptShape, element);
    auto reduceMean = [&](Value v, Location at) {
      return ReduceMeanOp::create(b, at, kept, v, b.getDenseI64ArrayAttr(axes),
                                  b.getBoolAttr(true))
          .getResult();
    };
    Value m = reduceMean(op.getInput(), named("mean"));
    Value d = SubOp::create(b, named("centred"), inType, op.getInput(), m);
    Value var = reduceMean(MulOp::create(b, named("square"), inType, d, d),
                           named("variance"));
    SmallVector<int64_t> ones(rank, 1);
    Value eps = ConstantOp::create(
        b, named("epsilon"),
        DenseElementsAttr::get(
            RankedTensorType::get(ones, element),
            Attribute(
                b.getFloatAttr(element, op.getEpsilon().convertToFloat()))));
    Value sd =
        SqrtOp::create(b, named("deviation"), kept,
                       AddOp::create(b, named("variance"), kept, var, eps));
    Value invSd = ReciprocalOp::create(b, named("inverse deviation"), kept, sd);
    Value y = MulOp::create(b, named("normalised"), inType, d, invSd);
    y = MulOp::create(b, op.getBias() ? named("scaled") : loc, inType, y,
                      op.getScale());
    if (op.getBias())
      y = AddOp::create(b, loc, inType, y, op.getBias());
    op.getOutput().replaceAllUsesWith(y);
    if (mean)
      mean.replaceAllUsesWith(m);
    if (inv)
      inv.replaceAllUsesWith(invSd);
    op.erase();
  }

  static void decompose(Operation *op) {
    Value x = op->getOperand(0);
    auto inType = dyn_cast<RankedTensorType>(x.getType());
    auto outType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    // Float tensors only; a pre-quantized model's op keeps its parameters.
    if (!inType || !outType || !isa<FloatType>(inType.getElementType()) ||
        op->hasAttr(kQuantAttr))
      return;
    OpBuilder b(op);
    Location loc = op->getLoc();
    auto axes = op->getAttrOfType<DenseI64ArrayAttr>("axes");
    auto keepdims = op->getAttrOfType<BoolAttr>("keepdims");
    // No axes: the identity (the importer lists every axis ONNX reduces).
    if (!axes || axes.empty() || !keepdims)
      return;
    auto named = [&](StringRef s) { return suffixedLocation(loc, s); };
    auto sum = [&](Value v, Location at) {
      return ReduceSumOp::create(b, at, outType, v, axes, keepdims).getResult();
    };
    Value y;
    if (isa<ReduceL1Op>(op)) {
      y = sum(AbsOp::create(b, named("abs"), inType, x), loc);
    } else if (isa<ReduceL2Op, ReduceSumSquareOp>(op)) {
      Value sq = MulOp::create(b, named("square"), inType, x, x);
      if (isa<ReduceSumSquareOp>(op)) {
        y = sum(sq, loc);
      } else {
        y = SqrtOp::create(b, loc, outType, sum(sq, named("sum of squares")));
      }
    } else if (isa<ReduceLogSumOp>(op)) {
      y = LogOp::create(b, loc, outType, sum(x, named("sum")));
    } else {
      // log(sum(exp(x))) = m + log(sum(exp(x - m))), m the maximum: no
      // exp overflows. The maximum is kept (keepdims) to broadcast.
      SmallVector<int64_t> keptShape(inType.getShape());
      for (int64_t d : axes.asArrayRef())
        keptShape[d < 0 ? d + inType.getRank() : d] = 1;
      auto kept = RankedTensorType::get(keptShape, inType.getElementType());
      Value m = ReduceMaxOp::create(b, named("max"), kept, x, axes,
                                    b.getBoolAttr(true));
      // The shift stays finite, within the largest float (+-65504 on the
      // device): a row of -inf gives log(0) = -inf, one holding +inf gives
      // +inf, not NaN.
      SmallVector<int64_t> ones(keptShape.size(), 1);
      auto scalarType = RankedTensorType::get(ones, inType.getElementType());
      auto bound = [&](float v) -> Value {
        return ConstantOp::create(
            b, named("max"),
            DenseElementsAttr::get(
                scalarType,
                Attribute(b.getFloatAttr(inType.getElementType(), v))));
      };
      float largest = std::numeric_limits<float>::max();
      m = MaxOp::create(b, named("max"), kept, m, bound(-largest));
      m = MinOp::create(b, named("max"), kept, m, bound(largest));
      Value shifted = SubOp::create(b, named("shifted"), inType, x, m);
      Value e = ExpOp::create(b, named("exp"), inType, shifted);
      Value s = LogOp::create(b, named("log"), outType, sum(e, named("sum")));
      Value mOut =
          keepdims.getValue()
              ? m
              : ReshapeOp::create(b, named("max"), outType, m).getResult();
      y = AddOp::create(b, loc, outType, s, mOut);
    }
    op->getResult(0).replaceAllUsesWith(y);
    op->erase();
  }
};

} // namespace
