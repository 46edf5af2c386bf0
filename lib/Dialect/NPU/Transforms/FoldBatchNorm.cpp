//===- FoldBatchNorm.cpp - Fold inference batch norm into its producer ----===//

#include "npu/Dialect/NPU/Transforms/ChannelConstant.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace npu {
#define GEN_PASS_DEF_NPUFOLDBATCHNORM
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace {
bool isConstant(Value v) { return v && matchPattern(v, m_Constant()); }

Value scalarConstant(PatternRewriter &rewriter, Location loc, Type element,
                     double value) {
  auto type = RankedTensorType::get({}, element);
  Attribute attr = isa<FloatType>(element)
                       ? Attribute(FloatAttr::get(element, value))
                       : Attribute(IntegerAttr::get(element, (int64_t)value));
  return ConstantOp::create(rewriter, loc, DenseElementsAttr::get(type, attr));
}

/// Reshapes a per-channel vector of C elements to rank `rank` with C at
/// dimension `dim` and 1 elsewhere.
Value channelVector(PatternRewriter &rewriter, Location loc, Value v,
                    int64_t rank, int64_t dim) {
  auto t = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(rank, 1);
  shape[dim] = t.getNumElements();
  return ReshapeOp::create(rewriter, loc,
                           RankedTensorType::get(shape, t.getElementType()), v);
}

/// x - mean per channel. A per-channel constant c added to x just before
/// (its producer's bias, used only here) absorbs the mean: y + (c - mean),
/// with c - mean folded from constants, instead of (y + c) - mean.
Value centered(PatternRewriter &rewriter, Location loc, Value x, Value mean,
               int64_t rank) {
  if (matchPattern(mean, m_AnyZeroFloat()))
    return x;
  Value m = channelVector(rewriter, loc, mean, rank, 1);
  if (auto add = x.getDefiningOp<AddOp>(); add && add->hasOneUse())
    for (unsigned i = 0; i < 2; ++i) {
      Value y = add->getOperand(i), c = add->getOperand(1 - i);
      if (y.getType() == x.getType() && isPerChannelConstant(c, rank))
        return AddOp::create(rewriter, loc, y,
                             SubOp::create(rewriter, loc, c, m));
    }
  return SubOp::create(rewriter, loc, x, m);
}

struct FoldBatchNormPattern : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    if (!isConstant(bn.getScale()) || !isConstant(bn.getBias()) ||
        !isConstant(bn.getMean()) || !isConstant(bn.getVariance()))
      return rewriter.notifyMatchFailure(bn, "parameters are not constant");
    auto xType = cast<RankedTensorType>(bn.getInput().getType());
    Type element = xType.getElementType();
    if (!isa<FloatType>(element))
      return rewriter.notifyMatchFailure(bn, "not a float batch norm");
    for (Value v :
         {bn.getScale(), bn.getBias(), bn.getMean(), bn.getVariance()})
      if (cast<RankedTensorType>(v.getType()).getElementType() != element)
        return rewriter.notifyMatchFailure(bn, "mixed element types");
    Location loc = bn.getLoc();

    // k = scale / sqrt(var + eps).
    Value eps = scalarConstant(rewriter, loc, element,
                               bn.getEpsilon().convertToDouble());
    Value var = AddOp::create(rewriter, loc, bn.getVariance(), eps);
    Value k = DivOp::create(rewriter, loc, bn.getScale(),
                            SqrtOp::create(rewriter, loc, var));

    // A convolution or transposed convolution read only here whose output
    // channel is one weight axis (ChannelConstant.h), maybe through an add
    // of a per-channel constant read only here (paddle2onnx writes a
    // transposed convolution's bias so), which joins its bias.
    Operation *conv = bn.getInput().getDefiningOp();
    AddOp biasAdd;
    Value addedBias;
    if (auto add = dyn_cast_or_null<AddOp>(conv); add && add->hasOneUse())
      for (unsigned i = 0; i < 2 && !biasAdd; ++i) {
        Operation *producer = add->getOperand(i).getDefiningOp();
        if (outputChannelAxis(producer) &&
            producer->getResult(0).getType() == add.getType() &&
            isPerChannelConstant(add->getOperand(1 - i), xType.getRank())) {
          biasAdd = add;
          conv = producer;
          addedBias = add->getOperand(1 - i);
        }
      }
    std::optional<int64_t> axis = outputChannelAxis(conv);
    Value convBias =
        axis && conv->getNumOperands() > 2 ? conv->getOperand(2) : Value();
    if (axis && conv->hasOneUse() && isConstant(conv->getOperand(1)) &&
        (!convBias || isConstant(convBias))) {
      if (addedBias) {
        // The constant as an [M] vector (a splat broadcasts), added to the
        // convolution's bias.
        auto t = cast<RankedTensorType>(addedBias.getType());
        Value flat = ReshapeOp::create(
            rewriter, loc,
            RankedTensorType::get({t.getNumElements()}, t.getElementType()),
            addedBias);
        int64_t m =
            cast<RankedTensorType>(conv->getResult(0).getType()).getDimSize(1);
        Value base =
            convBias
                ? convBias
                : ConstantOp::create(rewriter, loc,
                                     DenseElementsAttr::get(
                                         RankedTensorType::get({m}, element),
                                         rewriter.getFloatAttr(element, 0)));
        convBias = AddOp::create(rewriter, loc, base, flat);
      }
      // w' = w * k (per output channel); b' = (b - mean) * k + bias, or
      // bias - mean * k without b. (The convolution's float result carries a
      // rounding error of the size of the cancellation this fold can add.)
      Value weight = conv->getOperand(1);
      int64_t rank = cast<RankedTensorType>(weight.getType()).getRank();
      Value w = MulOp::create(rewriter, loc, weight,
                              channelVector(rewriter, loc, k, rank, *axis));
      Value b;
      if (convBias) {
        Value centered = SubOp::create(rewriter, loc, convBias, bn.getMean());
        b = AddOp::create(rewriter, loc,
                          MulOp::create(rewriter, loc, centered, k),
                          bn.getBias());
      } else {
        b = SubOp::create(rewriter, loc, bn.getBias(),
                          MulOp::create(rewriter, loc, bn.getMean(), k));
      }
      // The result holds the batch norm's output: FusedLoc[conv, bn] keeps
      // the convolution's name for keys and diagnostics and records the
      // node whose output it is (TensorKeys.h, heldNodeName).
      Location foldedLoc = rewriter.getFusedLoc({conv->getLoc(), bn.getLoc()});
      Value folded = withWeights(rewriter, foldedLoc, conv, w, b);
      rewriter.replaceOp(bn, folded);
      if (biasAdd)
        rewriter.eraseOp(biasAdd);
      rewriter.eraseOp(conv);
      return success();
    }

    // No foldable convolution: (x - mean) * k + bias per channel. Not
    // x * k + shift: with a large mean, x * k and shift are large and nearly
    // opposite, and their rounding errors swamp the result (and x == mean
    // would not give bias exactly).
    int64_t rank = xType.getRank();
    Value scaled = MulOp::create(
        rewriter, loc,
        centered(rewriter, loc, bn.getInput(), bn.getMean(), rank),
        channelVector(rewriter, loc, k, rank, 1));
    rewriter.replaceOpWithNewOp<AddOp>(
        bn, scaled, channelVector(rewriter, loc, bn.getBias(), rank, 1));
    return success();
  }
};

struct NPUFoldBatchNormPass
    : npu::impl::NPUFoldBatchNormBase<NPUFoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldBatchNormPattern>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
