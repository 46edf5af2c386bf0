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

/// The axes of a mean kept as size 1 (ReduceMean with keepdims) over a
/// static shape; nullopt for another reduction.
std::optional<ArrayRef<int64_t>> keptMeanAxes(ReduceMeanOp mean) {
  auto in = dyn_cast<RankedTensorType>(mean.getInput().getType());
  if (!in || !in.hasStaticShape() || mean.getAxes().empty() ||
      !mean.getKeepdims())
    return std::nullopt;
  return mean.getAxes();
}

/// The first of `axes` (sorted) when they are the trailing axes [a, ...,
/// rank - 1] of a rank-`rank` tensor.
std::optional<int64_t> trailingAxis(ArrayRef<int64_t> axes, int64_t rank) {
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
    return splatExponent(pow.getRhs()) == 2.0 ? pow.getLhs() : Value();
  return Value();
}

/// The deviation sqrt(mean((x - mean(x))^2) + epsilon) over some axes of
/// x, written out, with epsilon a non-negative splat constant.
struct Deviation {
  Value x;
  ReduceMeanOp mean;         ///< mean(x).
  SubOp centred;             ///< x - mean(x).
  Operation *square;         ///< centred^2.
  SmallVector<int64_t> axes; ///< The normalised axes, sorted.
  /// The first normalised axis when they are the trailing ones (a layer
  /// norm's); nullopt otherwise (another mean-variance normalisation).
  std::optional<int64_t> axis;
  double epsilon = 0;
  SmallVector<Operation *> ops; ///< mean(x) to the square root, in order.
};

/// Matches `v` as a Deviation whose ops after the centring are read only
/// inside it (the square root once); the readers of mean(x) and of the
/// centred values are the callers' to check.
std::optional<Deviation> matchDeviation(Value v) {
  auto sqrt = v.getDefiningOp<SqrtOp>();
  if (!sqrt || !sqrt->hasOneUse())
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
  Value centred = squared(varMean.getInput());
  auto sub = centred ? centred.getDefiningOp<SubOp>() : nullptr;
  if (!square || !square->hasOneUse() || !sub)
    return std::nullopt;
  auto mean = sub.getRhs().getDefiningOp<ReduceMeanOp>();
  Value x = sub.getLhs();
  // f32 only (an f16 model computes in f32 inside, npu-widen-float16): a
  // float64 chain stays as it is, so that each node reports its type.
  if (!mean || mean.getInput() != x || x.getType() != centred.getType() ||
      !getElementTypeOrSelf(x.getType()).isF32())
    return std::nullopt;
  std::optional<ArrayRef<int64_t>> axes = keptMeanAxes(mean);
  if (!axes || keptMeanAxes(varMean) != axes)
    return std::nullopt;
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  return Deviation{x,
                   mean,
                   sub,
                   square,
                   SmallVector<int64_t>(*axes),
                   trailingAxis(*axes, rank),
                   *epsilon,
                   {mean, sub, square, varMean, addEps, sqrt}};
}

/// True if every reader of `v` is one of `ops`.
bool readOnlyBy(Value v, std::initializer_list<Operation *> ops) {
  return llvm::all_of(v.getUsers(), [&](Operation *user) {
    return llvm::is_contained(ops, user);
  });
}

/// A written-out layer normalisation, from its last op on.
struct Normalisation {
  Deviation dev;
  Value scale, bias; ///< gamma and beta, where the form has them inside.
  SmallVector<Operation *> ops; ///< In graph order, the last one last.
};

/// The normalisation `last` computes as centred / `deviation`, or as
/// centred * `reciprocal` (1 / deviation), each intermediate read only
/// inside it (PyTorch's and paddle2onnx's form, ONNX's function body).
std::optional<Normalisation> match(Value centred, Value deviation,
                                   Operation *last,
                                   Operation *reciprocal = nullptr) {
  std::optional<Deviation> dev = matchDeviation(deviation);
  if (!dev || dev->centred.getResult() != centred || !dev->mean->hasOneUse() ||
      last->getResult(0).getType() != dev->x.getType() ||
      !readOnlyBy(centred, {dev->square, last}))
    return std::nullopt;
  Normalisation n{*dev, Value(), Value(), dev->ops};
  if (reciprocal)
    n.ops.push_back(reciprocal);
  n.ops.push_back(last);
  if (carriesModelQuantization(n.ops))
    return std::nullopt;
  return n;
}

/// tf2onnx's form of Keras' LayerNormalization, `last` = x * k + (beta -
/// mean(x) * k) with k = gamma / deviation (or 1 / deviation), the two
/// products and the sum in any operand order, each intermediate read only
/// inside it.
std::optional<Normalisation> matchFolded(AddOp last) {
  for (unsigned i = 0; i < 2; ++i) {
    auto scaled = last->getOperand(i).getDefiningOp<MulOp>();
    auto shift = last->getOperand(1 - i).getDefiningOp<SubOp>();
    if (!scaled || !shift || !scaled->hasOneUse() || !shift->hasOneUse())
      continue;
    auto meanScaled = shift.getRhs().getDefiningOp<MulOp>();
    Value beta = shift.getLhs();
    if (!meanScaled || !meanScaled->hasOneUse() ||
        !matchPattern(beta, m_Constant()))
      continue;
    for (unsigned a = 0; a < 2; ++a)
      for (unsigned b = 0; b < 2; ++b) {
        Value x = scaled->getOperand(a), k = scaled->getOperand(1 - a);
        if (meanScaled->getOperand(1 - b) != k)
          continue;
        // k = reciprocal * gamma or the reciprocal alone.
        Value gamma;
        auto kMul = k.getDefiningOp<MulOp>();
        auto recip = k.getDefiningOp<ReciprocalOp>();
        for (unsigned g = 0; kMul && g < 2 && !recip; ++g)
          if (matchPattern(kMul->getOperand(1 - g), m_Constant()))
            if ((recip = kMul->getOperand(g).getDefiningOp<ReciprocalOp>()))
              gamma = kMul->getOperand(1 - g);
        if (!recip || (gamma && !recip->hasOneUse()) ||
            !readOnlyBy(k, {scaled, meanScaled}))
          continue;
        std::optional<Deviation> dev = matchDeviation(recip.getInput());
        Value mean = meanScaled->getOperand(b);
        if (!dev || !dev->axis || dev->x != x ||
            dev->mean.getResult() != mean ||
            !readOnlyBy(mean, {dev->centred, meanScaled}) ||
            !readOnlyBy(dev->centred, {dev->square}) ||
            last.getType() != x.getType())
          continue;
        Normalisation n{*dev, gamma, beta, dev->ops};
        n.ops.push_back(recip);
        if (gamma)
          n.ops.push_back(kMul);
        n.ops.append({meanScaled, shift, scaled, last});
        if (carriesModelQuantization(n.ops))
          continue;
        return n;
      }
  }
  return std::nullopt;
}

/// (x - mean(x)) / sqrt(mean((x - mean(x))^2) + epsilon) over the trailing
/// axes (also times 1 / sqrt(...)) -> layer_norm(x, 1); tf2onnx's x * k +
/// (beta - mean(x) * k), k = gamma / sqrt(...) -> layer_norm(x, 1) * gamma
/// + beta, which FoldAffineIntoLayerNorm folds where gamma and beta vary
/// along the normalised axes only.
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
    } else if (auto add = dyn_cast<AddOp>(op)) {
      n = matchFolded(add);
    }
    if (!n)
      return failure();
    Location loc = op->getLoc();
    auto type = cast<RankedTensorType>(n->dev.x.getType());
    Type element = type.getElementType();
    if (!n->dev.axis) {
      // Over other axes (a LayerNorm2d over the channels of NCHW): one
      // mean-variance normalisation; an affine step after it stays.
      Value y = MVNOp::create(rewriter, loc, type, n->dev.x,
                              rewriter.getDenseI64ArrayAttr(n->dev.axes),
                              rewriter.getF32FloatAttr(float(n->dev.epsilon)),
                              rewriter.getUnitAttr());
      rewriter.replaceOp(op, y);
      return success();
    }
    // The scale: one, broadcast; an affine step after it folds into it
    // (FoldAffineIntoLayerNorm).
    Value one = ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(RankedTensorType::get({1}, element),
                               rewriter.getFloatAttr(element, 1.0)));
    // Named by the last op, whose ONNX output it holds and whose name keys
    // it (TensorKeys.h): the chain's other tensors are gone.
    Value y =
        LayerNormOp::create(rewriter, loc, type, Type(), Type(), n->dev.x, one,
                            Value(), rewriter.getI64IntegerAttr(*n->dev.axis),
                            rewriter.getF32FloatAttr(float(n->dev.epsilon)))
            .getOutput();
    if (n->scale)
      y = MulOp::create(rewriter, loc, type, y, n->scale);
    if (n->bias)
      y = AddOp::create(rewriter, loc, type, y, n->bias);
    rewriter.replaceOp(op, y);
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
      ArrayRef<int64_t> kept = cShape.drop_front(std::max<int64_t>(extra, 0));
      if (!broadcastsTo(kept, normalised))
        continue;
      Location loc = op->getLoc();
      if (extra > 0)
        c = ReshapeOp::create(
            rewriter, loc, RankedTensorType::get(kept, cType.getElementType()),
            c);
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
