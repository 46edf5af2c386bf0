//===- FuseLayerNorm.cpp - Written-out layer norms as one op --------------===//
//
// Exporters below ONNX opset 17 (PyTorch, paddle2onnx) write LayerNorm as
// ReduceMean / Sub / Pow / ReduceMean / Add / Sqrt / Div / Mul / Add, about
// nine SHAVE passes over the tensor on the device. This pass rewrites the
// chain into one npu.layer_norm, which maps to one SHAVE kernel (see
// Passes.td, npu-fuse-layer-norm).
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/ShapeUtils.h"
#include "npu/Dialect/NPU/Transforms/FusionMatch.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <optional>

namespace npu {
#define GEN_PASS_DEF_NPUFUSELAYERNORM
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace {

/// The first normalised axis of a mean over the trailing axes of its
/// input, kept as size 1: ReduceMean(x, axes = [a, ..., rank - 1],
/// keepdims); nullopt for another reduction.
std::optional<int64_t> trailingMeanAxis(ReduceMeanOp mean) {
  auto in = dyn_cast<RankedTensorType>(mean.getInput().getType());
  ArrayRef<int64_t> axes = mean.getAxes();
  if (!in || !in.hasStaticShape() || axes.empty() || !mean.getKeepdims())
    return std::nullopt;
  int64_t rank = in.getRank();
  for (size_t i = 0; i < axes.size(); ++i)
    if (axes[i] != rank - int64_t(axes.size() - i))
      return std::nullopt;
  return axes.front();
}

/// d * d or d ^ 2: returns d.
Value squared(Value v) {
  if (auto mul = v.getDefiningOp<MulOp>())
    return mul.getLhs() == mul.getRhs() ? mul.getLhs() : Value();
  if (auto pow = v.getDefiningOp<PowOp>())
    return splatFloatValue(pow.getRhs()) == 2.0 ? pow.getLhs() : Value();
  return Value();
}

/// A written-out layer normalisation, from its last op on.
struct Normalisation {
  Value x;
  int64_t axis = 0;
  double epsilon = 0;
  SmallVector<Operation *> ops; ///< In graph order, the last one last.
};

/// `deviation` = sqrt(mean((x - mean(x))^2) + epsilon) over the trailing
/// axes and `centred` = x - mean(x): the normalisation `last` computes as
/// centred / deviation, or as centred * `reciprocal` (1 / deviation), each
/// intermediate read only inside it.
std::optional<Normalisation> match(Value centred, Value deviation,
                                   Operation *last,
                                   Operation *reciprocal = nullptr) {
  auto sqrt = deviation.getDefiningOp<SqrtOp>();
  auto sub = centred.getDefiningOp<SubOp>();
  if (!sqrt || !sub || !sqrt->hasOneUse())
    return std::nullopt;
  auto addEps = sqrt.getInput().getDefiningOp<AddOp>();
  if (!addEps || !addEps->hasOneUse())
    return std::nullopt;
  Value variance;
  std::optional<double> epsilon;
  for (unsigned i = 0; i < 2 && !epsilon; ++i)
    if ((epsilon = splatFloatValue(addEps->getOperand(1 - i))))
      variance = addEps->getOperand(i);
  auto varMean = variance ? variance.getDefiningOp<ReduceMeanOp>() : nullptr;
  if (!epsilon || !(*epsilon >= 0) || !varMean || !varMean->hasOneUse() ||
      variance.getType() != addEps.getType())
    return std::nullopt;
  Operation *square = varMean.getInput().getDefiningOp();
  if (!square || !square->hasOneUse() || squared(varMean.getInput()) != centred)
    return std::nullopt;
  auto mean = sub.getRhs().getDefiningOp<ReduceMeanOp>();
  Value x = sub.getLhs();
  if (!mean || mean.getInput() != x || !mean->hasOneUse() ||
      x.getType() != centred.getType() ||
      last->getResult(0).getType() != x.getType() ||
      !isa<FloatType>(getElementTypeOrSelf(x.getType())))
    return std::nullopt;
  std::optional<int64_t> axis = trailingMeanAxis(mean);
  if (!axis || trailingMeanAxis(varMean) != axis ||
      mean.getAxes() != varMean.getAxes())
    return std::nullopt;
  // The centred values feed the square and the division only.
  for (Operation *user : centred.getUsers())
    if (user != square && user != last)
      return std::nullopt;
  Normalisation n{
      x, *axis, *epsilon, {mean, sub, square, varMean, addEps, sqrt}};
  if (reciprocal)
    n.ops.push_back(reciprocal);
  n.ops.push_back(last);
  if (carriesModelQuantization(n.ops))
    return std::nullopt;
  return n;
}

/// (x - mean(x)) / sqrt(mean((x - mean(x))^2) + epsilon) over the trailing
/// axes (also times 1 / sqrt(...)) -> layer_norm(x, 1).
struct FuseLayerNorm : RewritePattern {
  FuseLayerNorm(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    std::optional<Normalisation> n;
    if (auto div = dyn_cast<DivOp>(op)) {
      n = match(div.getLhs(), div.getRhs(), op);
    } else if (auto mul = dyn_cast<MulOp>(op)) {
      for (unsigned i = 0; i < 2 && !n; ++i)
        if (auto recip = mul->getOperand(1 - i).getDefiningOp<ReciprocalOp>();
            recip && recip->hasOneUse())
          n = match(mul->getOperand(i), recip.getInput(), op, recip);
    }
    if (!n)
      return failure();
    auto type = cast<RankedTensorType>(n->x.getType());
    Type element = type.getElementType();
    // The scale: one, broadcast; an affine step after it folds into it
    // (FoldAffineIntoLayerNorm).
    Value one = ConstantOp::create(
        rewriter, op->getLoc(),
        DenseElementsAttr::get(RankedTensorType::get({1}, element),
                               rewriter.getFloatAttr(element, 1.0)));
    // Named by the last op, whose ONNX output it holds and whose name keys
    // it (TensorKeys.h): the chain's other tensors are gone.
    auto norm =
        LayerNormOp::create(rewriter, op->getLoc(), type, Type(), Type(), n->x,
                            one, Value(), rewriter.getI64IntegerAttr(n->axis),
                            rewriter.getF32FloatAttr(float(n->epsilon)));
    rewriter.replaceOp(op, norm.getOutput());
    return success();
  }
};

/// layer_norm(x, s, b) * c -> layer_norm(x, s * c, b * c) and
/// layer_norm(x, s, b) + c -> layer_norm(x, s, b + c), with c a constant
/// that varies along the normalised axes only and the norm read only there.
/// The arithmetic is npu ops on constants, which npu-fold-constants
/// evaluates.
struct FoldAffineIntoLayerNorm : RewritePattern {
  FoldAffineIntoLayerNorm(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    bool isMul = isa<MulOp>(op);
    if (!isMul && !isa<AddOp>(op))
      return failure();
    for (unsigned i = 0; i < 2; ++i) {
      auto norm = op->getOperand(i).getDefiningOp<LayerNormOp>();
      Value c = op->getOperand(1 - i);
      if (!norm || norm.getMean() || norm.getInvStdDev() ||
          !norm->hasOneUse() ||
          norm.getOutput().getType() != op->getResult(0).getType() ||
          !matchPattern(c, m_Constant()) ||
          carriesModelQuantization({norm, op}))
        continue;
      auto type = cast<RankedTensorType>(norm.getOutput().getType());
      auto cType = dyn_cast<RankedTensorType>(c.getType());
      ArrayRef<int64_t> normalised = type.getShape().drop_front(norm.getAxis());
      if (!cType || !cType.hasStaticShape() || cType.getRank() > type.getRank())
        continue;
      // Dimensions of c before the normalised ones must be 1.
      int64_t extra = cType.getRank() - int64_t(normalised.size());
      ArrayRef<int64_t> cShape = cType.getShape();
      if (extra > 0 && llvm::any_of(cShape.take_front(extra),
                                    [](int64_t d) { return d != 1; }))
        continue;
      Location loc = op->getLoc();
      if (extra > 0)
        c = ReshapeOp::create(rewriter, loc,
                              RankedTensorType::get(cShape.drop_front(extra),
                                                    cType.getElementType()),
                              c);
      if (!broadcastsTo(cast<RankedTensorType>(c.getType()).getShape(),
                        normalised))
        continue;
      Value scale = norm.getScale(), bias = norm.getBias();
      if (isMul) {
        scale = MulOp::create(rewriter, loc, scale, c);
        if (bias)
          bias = MulOp::create(rewriter, loc, bias, c);
      } else {
        bias = bias ? AddOp::create(rewriter, loc, bias, c).getResult() : c;
      }
      // Named by the multiply or add, as the fused norm is by its last op.
      auto folded = LayerNormOp::create(
          rewriter, loc, type, Type(), Type(), norm.getInput(), scale, bias,
          norm.getAxisAttr(), norm.getEpsilonAttr());
      rewriter.replaceOp(op, folded.getOutput());
      rewriter.eraseOp(norm);
      return success();
    }
    return failure();
  }
};

struct NPUFuseLayerNormPass
    : npu::impl::NPUFuseLayerNormBase<NPUFuseLayerNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseLayerNorm, FoldAffineIntoLayerNorm>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
