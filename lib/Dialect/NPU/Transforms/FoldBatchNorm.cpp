//===- FoldBatchNorm.cpp - Fold inference batch norm into its producer ----===//

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
    Location loc = bn.getLoc();

    // k = scale / sqrt(var + eps); shift = bias - mean * k.
    Value eps = scalarConstant(rewriter, loc, element,
                               bn.getEpsilon().convertToDouble());
    Value var = AddOp::create(rewriter, loc, bn.getVariance(), eps);
    Value k = DivOp::create(rewriter, loc, bn.getScale(),
                            SqrtOp::create(rewriter, loc, var));
    Value shift = SubOp::create(rewriter, loc, bn.getBias(),
                                MulOp::create(rewriter, loc, bn.getMean(), k));

    auto conv = bn.getInput().getDefiningOp<ConvOp>();
    if (conv && conv->hasOneUse() && isConstant(conv.getWeight()) &&
        (!conv.getBias() || isConstant(conv.getBias()))) {
      // w' = w * k (per output channel); b' = b * k + shift.
      int64_t rank =
          cast<RankedTensorType>(conv.getWeight().getType()).getRank();
      Value w = MulOp::create(rewriter, loc, conv.getWeight(),
                              channelVector(rewriter, loc, k, rank, 0));
      Value b = shift;
      if (conv.getBias())
        b = AddOp::create(rewriter, loc,
                          MulOp::create(rewriter, loc, conv.getBias(), k),
                          shift);
      auto folded = ConvOp::create(rewriter, conv.getLoc(), conv.getType(),
                                   conv.getInput(), w, b, conv.getStridesAttr(),
                                   conv.getDilationsAttr(), conv.getPadsAttr(),
                                   conv.getGroupAttr());
      rewriter.replaceOp(bn, folded.getResult());
      rewriter.eraseOp(conv);
      return success();
    }

    // No foldable producer: a per-channel affine transform.
    Value scaled =
        MulOp::create(rewriter, loc, bn.getInput(),
                      channelVector(rewriter, loc, k, xType.getRank(), 1));
    rewriter.replaceOpWithNewOp<AddOp>(
        bn, scaled, channelVector(rewriter, loc, shift, xType.getRank(), 1));
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
