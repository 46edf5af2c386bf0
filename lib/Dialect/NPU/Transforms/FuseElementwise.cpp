//===- FuseElementwise.cpp - Fold elementwise chains into fewer ops -------===//
//
// Exported models spell some operations as chains of elementwise ops that
// each cost the device a pass over the tensor: hard-swish as add / clip /
// mul / div (paddle2onnx, older PyTorch exports), and a constant scale or
// shift right after a convolution (learnable affine blocks). This pass
// rewrites them into one op (see Passes.td, npu-fuse-elementwise).
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/IR/ScalarAttr.h"
#include "npu/Dialect/NPU/IR/TensorKeys.h"
#include "npu/Dialect/NPU/Transforms/ChannelConstant.h"
#include "npu/Dialect/NPU/Transforms/FusionMatch.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>
#include <optional>

namespace npu {
#define GEN_PASS_DEF_NPUFUSEELEMENTWISE
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace {

bool near(std::optional<double> v, double want, double tolerance = 1e-6) {
  return v && std::fabs(*v - want) <= tolerance * std::fabs(want);
}

/// The splat constant c of `op(x, c)` / `op(c, x)` and its operand x.
template <typename OpT>
std::optional<std::pair<Value, double>> withSplat(Value v) {
  auto op = v.getDefiningOp<OpT>();
  if (!op)
    return std::nullopt;
  for (unsigned i = 0; i < 2; ++i)
    if (auto c = splatFloatValue(op->getOperand(1 - i)))
      if (op->getOperand(i).getType() == op.getType())
        return std::make_pair(op->getOperand(i), *c);
  return std::nullopt;
}

/// `v` is min(max(x + 3, 0), 6) for some x: returns x.
Value relu6OfXPlus3(Value v) {
  auto clip = v.getDefiningOp<ClipOp>();
  if (!clip || !clip.getMinAttr() || !clip.getMaxAttr() ||
      scalarAttrToDouble(clip.getMinAttr()) != 0.0 ||
      scalarAttrToDouble(clip.getMaxAttr()) != 6.0)
    return Value();
  auto add = withSplat<AddOp>(clip.getInput());
  return add && add->second == 3.0 ? add->first : Value();
}

/// `v` is max(0, min(1, x / 6 + 1 / 2)) for some x (hard_sigmoid, or the
/// relu6 form divided by 6 / multiplied by 1/6): returns x.
Value hardSigmoidOf(Value v) {
  if (auto hs = v.getDefiningOp<HardSigmoidOp>())
    return near(hs.getAlpha().convertToDouble(), 1.0 / 6) &&
                   near(hs.getBeta().convertToDouble(), 0.5)
               ? hs.getInput()
               : Value();
  if (auto div = v.getDefiningOp<DivOp>())
    return splatFloatValue(div.getRhs()) == 6.0 ? relu6OfXPlus3(div.getLhs())
                                                : Value();
  if (auto mul = withSplat<MulOp>(v))
    return near(mul->second, 1.0 / 6) ? relu6OfXPlus3(mul->first) : Value();
  return Value();
}

/// Replaces the chain ending at `op` by `OpT(x)` when x was found (non-null)
/// and is a float tensor of the chain's type (`configure` sets its
/// attributes); keeps the `npu.quant` of `op`.
template <typename OpT>
LogicalResult replaceByUnary(PatternRewriter &rewriter, Operation *op, Value x,
                             llvm::function_ref<void(OpT)> configure = {}) {
  if (!x || x.getType() != op->getResult(0).getType() ||
      !isa<FloatType>(getElementTypeOrSelf(x.getType())))
    return failure();
  auto unary = OpT::create(rewriter, op->getLoc(), x.getType(), x);
  if (configure)
    configure(unary);
  if (Attribute q = op->getAttr(kQuantAttr))
    unary->setAttr(kQuantAttr, q);
  rewriter.replaceOp(op, unary.getResult());
  return success();
}

/// x * min(max(x + 3, 0), 6) / 6 (or * 1/6, or x * hard_sigmoid(x) with
/// alpha 1/6, beta 1/2, operands in either order) -> hard_swish(x).
struct FuseHardSwish : RewritePattern {
  FuseHardSwish(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    Value x;
    if (auto mul = dyn_cast<MulOp>(op)) {
      // x * hard_sigmoid(x) in any of its forms.
      for (unsigned i = 0; i < 2 && !x; ++i)
        if (Value h = hardSigmoidOf(mul->getOperand(1 - i));
            h && h == mul->getOperand(i))
          x = h;
      // (x * relu6(x + 3)) * 1/6.
      if (!x)
        if (auto scaled = withSplat<MulOp>(mul.getResult());
            scaled && near(scaled->second, 1.0 / 6))
          x = timesRelu6(scaled->first);
    } else if (auto div = dyn_cast<DivOp>(op)) {
      if (splatFloatValue(div.getRhs()) == 6.0)
        x = timesRelu6(div.getLhs());
    }
    return replaceByUnary<HardSwishOp>(rewriter, op, x);
  }

  /// `v` is x * min(max(x + 3, 0), 6): returns x.
  static Value timesRelu6(Value v) {
    auto mul = v.getDefiningOp<MulOp>();
    if (!mul)
      return Value();
    for (unsigned i = 0; i < 2; ++i)
      if (Value x = relu6OfXPlus3(mul->getOperand(1 - i));
          x && x == mul->getOperand(i))
        return x;
    return Value();
  }
};

/// The relative tolerance of a GELU's constants as exporters write them: to
/// 5 digits (1.4142, 0.70711), as hand-written models do, or stored in
/// float16 (an 11-bit significand, within 2^-12: sqrt(2) is 1.4140625, 1.5e-4
/// off). The fused kernel's exact constants differ by less.
constexpr double kWrittenConstant = 5e-4;

/// `v` is 1 + f(y), f an `OpT` (erf, tanh), with v, f(y) and y read only
/// by the chain: returns y.
template <typename OpT> Value onePlus(Value v) {
  auto plusOne = withSplat<AddOp>(v);
  if (!plusOne || plusOne->second != 1.0 || !v.hasOneUse() ||
      !plusOne->first.hasOneUse())
    return Value();
  auto f = plusOne->first.getDefiningOp<OpT>();
  if (!f || !f.getInput().hasOneUse())
    return Value();
  return f.getInput();
}

/// `v` is 1 + erf(x / sqrt(2)) (or erf(x * (1 / sqrt(2)))): returns x.
/// Every intermediate must be read only by the chain: else the fused
/// kernel would run beside the ops it replaces.
Value erfGateOf(Value v) {
  Value y = onePlus<ErfOp>(v);
  if (!y)
    return Value();
  if (auto div = y.getDefiningOp<DivOp>())
    return near(splatFloatValue(div.getRhs()), std::sqrt(2.0), kWrittenConstant)
               ? div.getLhs()
               : Value();
  if (auto mul = withSplat<MulOp>(y))
    return near(mul->second, 1.0 / std::sqrt(2.0), kWrittenConstant)
               ? mul->first
               : Value();
  return Value();
}

/// `v` is x^3, as Pow(x, 3) or x * x * x in any grouping: returns x.
Value cubeOf(Value v) {
  if (auto pow = v.getDefiningOp<PowOp>())
    return splatExponent(pow.getRhs()) == 3.0 && v.hasOneUse() ? pow.getLhs()
                                                               : Value();
  auto mul = v.getDefiningOp<MulOp>();
  if (!mul || !v.hasOneUse())
    return Value();
  for (unsigned i = 0; i < 2; ++i) {
    Value x = mul->getOperand(i);
    auto square = mul->getOperand(1 - i).getDefiningOp<MulOp>();
    if (square && square.getLhs() == x && square.getRhs() == x &&
        square->hasOneUse())
      return x;
  }
  return Value();
}

/// `v` is 1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)), the tanh
/// approximation's gate as GPT-2's exports spell it: returns x. The
/// constants may be written to 5 digits. Every intermediate must be read
/// only by the chain.
Value tanhGateOf(Value v) {
  Value y = onePlus<TanhOp>(v);
  auto scaled = y ? withSplat<MulOp>(y) : std::nullopt;
  if (!scaled ||
      !near(scaled->second, std::sqrt(2.0 / M_PI), kWrittenConstant) ||
      !scaled->first.hasOneUse())
    return Value();
  auto sum = scaled->first.getDefiningOp<AddOp>();
  if (!sum)
    return Value();
  for (unsigned i = 0; i < 2; ++i) {
    Value x = sum->getOperand(i);
    auto cubic = withSplat<MulOp>(sum->getOperand(1 - i));
    if (cubic && near(cubic->second, 0.044715, kWrittenConstant) &&
        sum->getOperand(1 - i).hasOneUse() && cubeOf(cubic->first) == x)
      return x;
  }
  return Value();
}

/// GELU as exporters spell it, x * 0.5 * gate(x) with the three products in
/// any grouping and order -> gelu(x), when no intermediate is read
/// elsewhere: the exact form, gate = 1 + erf(x / sqrt(2)), and the tanh
/// approximation (approximate = "tanh"), gate = 1 + tanh(sqrt(2 / pi) (x +
/// 0.044715 x^3)).
struct FuseGelu : RewritePattern {
  FuseGelu(MLIRContext *ctx)
      : RewritePattern(MulOp::getOperationName(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    for (auto approximate : {GeluApproximation::none, GeluApproximation::tanh})
      if (succeeded(fuse(op, approximate, rewriter)))
        return success();
    return failure();
  }

  /// x * 0.5 * gate(x) -> gelu(x), the gate of `approximate`'s form.
  LogicalResult fuse(Operation *op, GeluApproximation approximate,
                     PatternRewriter &rewriter) const {
    auto gateOf = [&](Value v) {
      return approximate == GeluApproximation::tanh ? tanhGateOf(v)
                                                    : ::erfGateOf(v);
    };
    auto mul = cast<MulOp>(op);
    Value x;
    for (unsigned i = 0; i < 2 && !x; ++i) {
      Value p = mul->getOperand(i), q = mul->getOperand(1 - i);
      Value gate = gateOf(q);
      // (x * 0.5) * gate(x).
      if (auto half = withSplat<MulOp>(p); gate && half &&
                                           half->second == 0.5 &&
                                           half->first == gate && p.hasOneUse())
        x = gate;
      // x * (gate(x) * 0.5).
      if (auto half = withSplat<MulOp>(q);
          !x && half && half->second == 0.5 && q.hasOneUse())
        if (Value g = gateOf(half->first); g && g == p)
          x = g;
    }
    // (x * gate(x)) * 0.5.
    if (auto half = withSplat<MulOp>(mul.getResult());
        !x && half && half->second == 0.5 && half->first.hasOneUse())
      if (auto inner = half->first.getDefiningOp<MulOp>())
        for (unsigned i = 0; i < 2 && !x; ++i)
          if (Value g = gateOf(inner->getOperand(1 - i));
              g && g == inner->getOperand(i))
            x = g;
    return replaceByUnary<GeluOp>(rewriter, op, x, [&](GeluOp gelu) {
      gelu.setApproximate(approximate);
    });
  }
};

/// True if `v` is a constant or computed from constants only (the
/// arithmetic an earlier fold left for npu-fold-constants), within a few
/// ops.
bool isCompileTime(Value v, int depth = 4) {
  if (matchPattern(v, m_Constant()))
    return true;
  Operation *def = v.getDefiningOp();
  if (!def || depth == 0 || def->getNumRegions() != 0 ||
      !isa<NPUDialect>(def->getDialect()))
    return false;
  return llvm::all_of(def->getOperands(), [&](Value operand) {
    return isCompileTime(operand, depth - 1);
  });
}

/// Reshapes the constant `c` (isPerChannelConstant) to a [K] vector (a splat
/// is broadcast by the arithmetic instead: reshaped to [1]).
Value channelVector(PatternRewriter &rewriter, Location loc, Value c) {
  auto t = cast<RankedTensorType>(c.getType());
  return ReshapeOp::create(
      rewriter, loc,
      RankedTensorType::get({t.getNumElements()}, t.getElementType()), c);
}

/// conv(x, w, b) * c -> conv(x, w * c, b * c) and conv(x, w, b) + c ->
/// conv(x, w, b + c), with c a splat or per-output-channel constant and
/// the convolution used only there; the same for a transposed convolution
/// (a decoder's BatchNorm after its upsampling), whose weights
/// [C, M / group, kh, kw] hold output channel m at axis 1 when ungrouped
/// and at axis 0 when depthwise (other groups take a splat only). The
/// arithmetic is npu ops on constants, which npu-fold-constants evaluates.
struct FoldIntoConv : RewritePattern {
  FoldIntoConv(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    bool isMul = isa<MulOp>(op);
    if (!isMul && !isa<AddOp>(op))
      return failure();
    for (unsigned i = 0; i < 2; ++i) {
      Operation *conv = op->getOperand(i).getDefiningOp();
      if (!isa_and_present<ConvOp, ConvTransposeOp>(conv))
        continue;
      Value c = op->getOperand(1 - i);
      Value w = conv->getOperand(1);
      Value b = conv->getNumOperands() > 2 ? conv->getOperand(2) : Value();
      auto convType = cast<RankedTensorType>(conv->getResult(0).getType());
      if (!conv->hasOneUse() || convType != op->getResultTypes()[0] ||
          !isCompileTime(w) || (b && !isCompileTime(b)) ||
          !isPerChannelConstant(c, convType.getRank()) ||
          carriesModelQuantization({conv, op}))
        continue;
      int64_t k = convType.getDimSize(1);
      auto cType = cast<RankedTensorType>(c.getType());
      if (cType.getNumElements() != 1 && cType.getNumElements() != k)
        continue;
      std::optional<int64_t> axis = outputChannelAxis(conv);
      if (isMul && !axis && cType.getNumElements() != 1)
        continue;
      Location loc = op->getLoc();
      Type element = convType.getElementType();
      Value cv = channelVector(rewriter, loc, c);
      auto kVector = RankedTensorType::get({k}, element);
      if (isMul) {
        auto wType = cast<RankedTensorType>(w.getType());
        SmallVector<int64_t> shape(wType.getRank(), 1);
        if (cv.getType() == kVector)
          shape[*axis] = k;
        Value cw = ReshapeOp::create(rewriter, loc,
                                     RankedTensorType::get(shape, element), cv);
        w = MulOp::create(rewriter, loc, w, cw);
        if (b)
          b = MulOp::create(rewriter, loc, b, cv);
      } else {
        Value zero = ConstantOp::create(
            rewriter, loc,
            DenseElementsAttr::get(kVector, rewriter.getFloatAttr(element, 0)));
        b = AddOp::create(rewriter, loc, b ? b : zero, cv);
      }
      Location fused = rewriter.getFusedLoc({conv->getLoc(), op->getLoc()});
      Value folded = withWeights(rewriter, fused, conv, w, b);
      rewriter.replaceOp(op, folded);
      rewriter.eraseOp(conv);
      return success();
    }
    return failure();
  }
};

/// conv(pad(x)) -> conv(x) with the pad's amounts added to the
/// convolution's, for a constant pad of zeros on the spatial dimensions only
/// (tf2onnx and Keras write a stride-2 convolution's "same" padding as a Pad
/// before it). The convolution's own padding is zeros too. The pad stays for
/// its other readers.
struct FoldPadIntoConv : OpRewritePattern<ConvOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvOp conv,
                                PatternRewriter &rewriter) const override {
    auto pad = conv.getInput().getDefiningOp<PadOp>();
    if (!pad || pad.getMode() != PadMode::constant ||
        (pad.getValueAttr() && !isZeroScalarAttr(pad.getValueAttr())) ||
        carriesModelQuantization({pad, conv}))
      return failure();
    auto inType = dyn_cast<RankedTensorType>(pad.getInput().getType());
    if (!inType || !inType.hasStaticShape() || inType.getRank() < 3)
      return failure();
    int64_t rank = inType.getRank(), n = rank - 2;
    ArrayRef<int64_t> padAmounts = pad.getPads(), convPads = conv.getPads();
    if (int64_t(padAmounts.size()) != 2 * rank ||
        int64_t(convPads.size()) != 2 * n)
      return failure();
    // Nothing on the batch and channel axes, nothing negative (a crop).
    for (int64_t d : {int64_t(0), int64_t(1)})
      if (padAmounts[d] != 0 || padAmounts[rank + d] != 0)
        return failure();
    auto wType = dyn_cast<RankedTensorType>(conv.getWeight().getType());
    ArrayRef<int64_t> dilations = conv.getDilations();
    if (!wType || wType.getRank() != rank || int64_t(dilations.size()) != n)
      return failure();
    SmallVector<int64_t> pads(convPads.begin(), convPads.end());
    for (int64_t i = 0; i < n; ++i) {
      int64_t begin = padAmounts[2 + i], end = padAmounts[rank + 2 + i];
      if (begin < 0 || end < 0)
        return failure();
      pads[i] += begin;
      pads[n + i] += end;
      // The DPU pads less than the (dilated) kernel on each side: a larger
      // pad stays a Pad, which DMA moves (npu-decompose-data-movement).
      int64_t extent = (wType.getDimSize(2 + i) - 1) * dilations[i] + 1;
      if (pads[i] >= extent || pads[n + i] >= extent)
        return failure();
    }
    // The convolution's name first: it names the result (calibration
    // tables, npu-compare, --fp16-layers), the pad's follows.
    Location fused = rewriter.getFusedLoc({conv.getLoc(), pad.getLoc()});
    auto folded = ConvOp::create(
        rewriter, fused, conv.getType(), pad.getInput(), conv.getWeight(),
        conv.getBias(), conv.getStridesAttr(), conv.getDilationsAttr(),
        rewriter.getDenseI64ArrayAttr(pads), conv.getGroupAttr());
    rewriter.replaceOp(conv, folded.getResult());
    if (pad->use_empty())
      rewriter.eraseOp(pad);
    return success();
  }
};

/// The inverse of FoldPadIntoConv where the DPU needs it: a convolution
/// padded by at least its (dilated) kernel extent on a side (PyTorch's
/// Conv2d(k=1, padding=1), or padding=3 around a 3x3) keeps extent - 1 and
/// reads an explicit zero Pad of the rest, which DMA moves
/// (npu-decompose-data-movement), named "NAME (padding)". The same
/// function: the output pixels in the excess border see only zeros either
/// way.
struct PadOutsideConv : OpRewritePattern<ConvOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvOp conv,
                                PatternRewriter &rewriter) const override {
    auto inType = dyn_cast<RankedTensorType>(conv.getInput().getType());
    auto wType = dyn_cast<RankedTensorType>(conv.getWeight().getType());
    if (!inType || !inType.hasStaticShape() || inType.getRank() < 3 || !wType ||
        wType.getRank() != inType.getRank() || carriesModelQuantization({conv}))
      return failure();
    int64_t rank = inType.getRank(), n = rank - 2;
    ArrayRef<int64_t> convPads = conv.getPads(),
                      dilations = conv.getDilations();
    if (int64_t(convPads.size()) != 2 * n || int64_t(dilations.size()) != n)
      return failure();
    SmallVector<int64_t> kept(convPads), outer(2 * rank, 0);
    SmallVector<int64_t> padded(inType.getShape());
    bool any = false;
    for (int64_t i = 0; i < n; ++i) {
      int64_t extent = (wType.getDimSize(2 + i) - 1) * dilations[i] + 1;
      for (int64_t side : {i, n + i}) {
        int64_t excess = convPads[side] - (extent - 1);
        if (excess <= 0)
          continue;
        kept[side] -= excess;
        outer[side < n ? 2 + i : rank + 2 + i] = excess;
        padded[2 + i] += excess;
        any = true;
      }
    }
    // A pad is a tensor of its own: not when it would be far larger than
    // the input (a stride that skips most of a huge padding; the DPU
    // lowering then reports the padding instead).
    double elements = 1, inElements = 1;
    for (auto [padDim, inDim] : llvm::zip(padded, inType.getShape())) {
      elements *= double(padDim);
      inElements *= double(inDim);
    }
    if (!any || elements > std::max(16 * inElements, double(1 << 20)))
      return failure();
    auto pad = PadOp::create(
        rewriter, suffixedLocation(conv.getLoc(), "padding"),
        RankedTensorType::get(padded, inType.getElementType()), conv.getInput(),
        rewriter.getDenseI64ArrayAttr(outer),
        PadModeAttr::get(rewriter.getContext(), PadMode::constant), nullptr);
    rewriter.modifyOpInPlace(conv, [&] {
      conv.getInputMutable().assign(pad.getResult());
      conv.setPads(kept);
    });
    return success();
  }
};

/// x ^ 2 -> x * x (LayerNorm as paddle2onnx writes it squares with Pow): a
/// SHAVE multiply costs 1 cycle per vector, pow 14. The value is the same:
/// the square of an f16 is exact in the kernels' f32, and both round it
/// once.
struct SquareAsMul : OpRewritePattern<PowOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(PowOp op,
                                PatternRewriter &rewriter) const override {
    Value x = op.getLhs();
    if (splatExponent(op.getRhs()) != 2.0 || x.getType() != op.getType())
      return failure();
    auto mul = MulOp::create(rewriter, op.getLoc(), x.getType(), x, x);
    if (Attribute q = op->getAttr(kQuantAttr))
      mul->setAttr(kQuantAttr, q);
    rewriter.replaceOp(op, mul.getResult());
    return success();
  }
};

/// matmul(a, b) * c (or / c), c a splat constant, where `a` or `b` is a
/// projection by constants read only there, through reshapes and
/// transposes each read only by the next: matmul(x, W) + B or matmul(x, W),
/// W and B computed from constants -> the projection by W * c and B * c
/// (divided by c for / c) and no scale: attention's scores scaled by
/// 1 / sqrt(d), where they come from the query's projection (batched, as
/// Hugging Face's exports write it), lose a SHAVE pass where their matmul
/// runs on SHAVE (the DPU's post-processing scaled them at no cost). The
/// projection and the views after it hold the scaled values, so they are
/// renamed `NAME (scaled)`; the scores' matmul takes the scale's location
/// (its result is that ONNX tensor now).
struct FoldScaleIntoProjection : RewritePattern {
  FoldScaleIntoProjection(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    bool isDiv = isa<DivOp>(op);
    if (!isDiv && !isa<MulOp>(op))
      return failure();
    for (unsigned i = 0; i < (isDiv ? 1u : 2u); ++i) {
      Value c = op->getOperand(1 - i);
      auto scores = op->getOperand(i).getDefiningOp<MatMulOp>();
      std::optional<double> value = splatFloatValue(c);
      auto cType = dyn_cast<RankedTensorType>(c.getType());
      if (!scores || !scores->hasOneUse() || !value || *value == 0 ||
          !std::isfinite(*value) || !cType || !cType.getElementType().isF32() ||
          scores.getType() != op->getResultTypes()[0] ||
          carriesModelQuantization({scores, op}))
        continue;
      for (Value side : {scores.getLhs(), scores.getRhs()})
        if (succeeded(fold(rewriter, op, scores, side, c, isDiv)))
          return success();
    }
    return failure();
  }

  /// Folds the scale into the projection `side` comes from, if it is one.
  LogicalResult fold(PatternRewriter &rewriter, Operation *scale,
                     MatMulOp scores, Value side, Value c, bool isDiv) const {
    SmallVector<Operation *> views;
    Value v = side;
    while (isa_and_present<ReshapeOp, TransposeOp>(v.getDefiningOp()) &&
           v.hasOneUse()) {
      views.push_back(v.getDefiningOp());
      v = v.getDefiningOp()->getOperand(0);
    }
    if (!v.hasOneUse())
      return failure();
    Operation *add = nullptr;
    Value bias;
    auto projection = v.getDefiningOp<MatMulOp>();
    if (auto a = v.getDefiningOp<AddOp>()) {
      for (unsigned j = 0; j < 2 && !projection; ++j)
        if (auto mm = a->getOperand(j).getDefiningOp<MatMulOp>();
            mm && mm->hasOneUse() && isCompileTime(a->getOperand(1 - j))) {
          projection = mm;
          add = a;
          bias = a->getOperand(1 - j);
        }
    }
    if (!projection || !isCompileTime(projection.getRhs()) ||
        !cast<RankedTensorType>(projection.getType())
             .getElementType()
             .isF32() ||
        carriesModelQuantization({projection, add}))
      return failure();
    auto scaled = [&](Value constant) -> Value {
      Location loc = suffixedLocation(constant.getLoc(), "scaled");
      if (isDiv)
        return DivOp::create(rewriter, loc, constant.getType(), constant, c);
      return MulOp::create(rewriter, loc, constant.getType(), constant, c);
    };
    rewriter.setInsertionPoint(projection);
    Value w = scaled(projection.getRhs());
    rewriter.modifyOpInPlace(projection, [&] {
      projection.getRhsMutable().assign(w);
      projection->setLoc(suffixedLocation(projection.getLoc(), "scaled"));
    });
    if (add) {
      rewriter.setInsertionPoint(add);
      Value b = scaled(bias);
      rewriter.modifyOpInPlace(add, [&] {
        add->setOperand(add->getOperand(0) == bias ? 0 : 1, b);
        add->setLoc(suffixedLocation(add->getLoc(), "scaled"));
      });
    }
    for (Operation *view : views)
      rewriter.modifyOpInPlace(view, [&] {
        view->setLoc(suffixedLocation(view->getLoc(), "scaled"));
      });
    rewriter.modifyOpInPlace(scores, [&] { scores->setLoc(scale->getLoc()); });
    rewriter.replaceOp(scale, scores.getResult());
    return success();
  }
};

struct NPUFuseElementwisePass
    : npu::impl::NPUFuseElementwiseBase<NPUFuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseHardSwish, FuseGelu, FoldIntoConv, FoldPadIntoConv,
                 PadOutsideConv, SquareAsMul, FoldScaleIntoProjection>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
