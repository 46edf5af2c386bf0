//===- FoldQDQ.cpp - A pre-quantized model's parameters as annotations ----===//
//
// The npu-fold-qdq pass (docs/prequantized.md): QuantizeLinear ->
// DequantizeLinear pairs and dequantized integer weights become the float
// graph plus the annotations of npu/Dialect/NPU/IR/QuantAnnotations.h, which
// calibration leaves alone and the int8 lowering uses instead of calibrated
// ranges and max|w| / 127 weight scales. ConvInteger / MatMulInteger whose
// int32 output is cast to float and multiplied by the scales (ONNX Runtime's
// quantize_dynamic) become the same float op on dequantized operands first;
// a DynamicQuantizeLinear's pairs leave the tensor to calibration.
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/Transforms/Passes.h"

#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/IR/ScalarAttr.h"
#include "npu/Dialect/NPU/IR/SplitSlices.h"
#include "npu/Interpreter/ConstantEvaluator.h"
#include "npu/Interpreter/TensorConversion.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

namespace npu {
#define GEN_PASS_DEF_NPUFOLDQDQ
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace {

/// A constant tensor as f32 values (integers converted exactly up to 2^24).
std::optional<std::vector<float>> constantFloats(Value v) {
  auto attr = evaluateConstant(v);
  if (failed(attr))
    return std::nullopt;
  std::string error;
  auto t = elementsAttrToHostTensor(*attr, error);
  if (failed(t))
    return std::nullopt;
  HostTensor f = t->castTo(DType::F32);
  return std::vector<float>(f.data<float>(), f.data<float>() + f.numElements());
}

/// The constant scale and zero point of a QuantizeLinear / DequantizeLinear
/// and the integer type they quantize to.
struct QDQParams {
  std::vector<float> scale, zeroPoint;
  int64_t axis = 0;
  IntegerType storage;

  /// The same parameters, as written: a NaN scale equals itself (a pair
  /// with one is folded, with the warning that its range is calibrated).
  bool operator==(const QDQParams &o) const {
    auto sameBits = [](const std::vector<float> &a,
                       const std::vector<float> &b) {
      return a.size() == b.size() &&
             std::equal(a.begin(), a.end(), b.begin(), [](float x, float y) {
               return llvm::bit_cast<uint32_t>(x) ==
                      llvm::bit_cast<uint32_t>(y);
             });
    };
    return sameBits(scale, o.scale) && sameBits(zeroPoint, o.zeroPoint) &&
           storage == o.storage && (scale.size() == 1 || axis == o.axis);
  }
  bool perTensor() const { return scale.size() == 1; }
  /// The device's int8 zero point of element `i` (uint8: minus 128).
  int32_t deviceZeroPoint(size_t i) const {
    int32_t zp = int32_t(zeroPoint[zeroPoint.size() == 1 ? 0 : i]);
    return storage.isUnsigned() ? zp - 128 : zp;
  }
};

template <typename OpT>
std::optional<QDQParams> paramsOf(OpT op, Type storageType) {
  auto s = constantFloats(op.getScale());
  auto z = constantFloats(op.getZeroPoint());
  auto storage = dyn_cast<IntegerType>(
      cast<RankedTensorType>(storageType).getElementType());
  if (!s || !z || !storage || (z->size() != s->size() && z->size() != 1))
    return std::nullopt;
  return QDQParams{*s, *z, int64_t(op.getAxis()), storage};
}

/// Whether `v` is a constant or a quantize / reshape / transpose of one: a
/// cheap test before evaluating it (evaluation would walk an activation's
/// whole backward slice).
bool isConstantLike(Value v) {
  Operation *op = v.getDefiningOp();
  if (!op)
    return false;
  if (isa<ConstantOp>(op))
    return true;
  return isa<QuantizeLinearOp, ReshapeOp, TransposeOp>(op) &&
         op->getOperand(0).getDefiningOp<ConstantOp>();
}

/// A scale as diagnostics print it (%g: "0.1").
std::string shortNumber(float v) {
  return llvm::formatv("{0}", llvm::format("%g", double(v))).str();
}

bool isInt8Storage(IntegerType t) { return t && t.getWidth() == 8; }

/// Which operand of `user` is a weight whose output channels lie along
/// which axis of the weight tensor; nullopt if `operand` is not a weight.
std::optional<int64_t> weightOutputAxis(OpOperand &operand) {
  Operation *user = operand.getOwner();
  unsigned i = operand.getOperandNumber();
  if (isa<ConvOp>(user) && i == 1)
    return 0;
  // [C, M / group, kh, kw]: the output channels of each group.
  if (isa<ConvTransposeOp>(user) && i == 1)
    return 1;
  if (auto mm = dyn_cast<MatMulOp>(user); mm && i == 1)
    return cast<RankedTensorType>(mm.getRhs().getType()).getRank() - 1;
  if (auto g = dyn_cast<GemmOp>(user); g && i == 1)
    return g.getTransB() ? 0 : 1;
  return std::nullopt;
}

/// Erases `op`, which has no uses, and then every producer this leaves
/// trivially dead (a DynamicQuantizeLinear's scale computation, the casts
/// and zero-point subtractions of an integer op).
void eraseWithDeadProducers(Operation *op) {
  SmallVector<Operation *> worklist{op};
  while (!worklist.empty()) {
    Operation *o = worklist.pop_back_val();
    llvm::SetVector<Operation *> producers;
    for (Value v : o->getOperands())
      if (Operation *p = v.getDefiningOp())
        producers.insert(p);
    o->erase();
    for (Operation *p : producers)
      if (isOpTriviallyDead(p))
        worklist.push_back(p);
  }
}

/// An operand of an integer conv / matmul as the importer writes
/// ConvInteger's and MatMulInteger's: cast<i32>(q) - cast<i32>(zp) (the
/// zero point possibly reshaped to broadcast per channel), or cast<i32>(q)
/// without a zero point (then `zeroPoint` is null).
struct CenteredOperand {
  Value quantized, zeroPoint;
};

Value integerCastInput(Value v) {
  auto c = v.getDefiningOp<CastOp>();
  if (!c || !isa<IntegerType>(getElementTypeOrSelf(c.getInput().getType())))
    return {};
  return c.getInput();
}

std::optional<CenteredOperand> centeredOperand(Value v) {
  if (auto sub = v.getDefiningOp<SubOp>()) {
    Value zp = sub.getRhs();
    if (auto r = zp.getDefiningOp<ReshapeOp>())
      zp = r.getInput();
    Value q = integerCastInput(sub.getLhs());
    zp = integerCastInput(zp);
    if (!q || !zp)
      return std::nullopt;
    return CenteredOperand{q, zp};
  }
  if (Value q = integerCastInput(v))
    return CenteredOperand{q, Value()};
  return std::nullopt;
}

/// Whether two zero points are the same: the same value, or constants of
/// equal values.
bool sameZeroPoint(Value a, Value b) {
  if (a == b)
    return true;
  if (!isConstantLike(a) || !isConstantLike(b))
    return false;
  auto x = constantFloats(a), y = constantFloats(b);
  return x && y && *x == *y;
}

bool isAllZero(Value v) {
  if (!isConstantLike(v))
    return false;
  auto z = constantFloats(v);
  return z && llvm::all_of(*z, [](float f) { return f == 0; });
}

/// `values` (1 or `k` of them) as a constant of `element`: a scalar when
/// `perTensor`, else 1-d of `k` elements (repeated if one).
Value quantParamConstant(OpBuilder &b, Location loc, ArrayRef<float> values,
                         bool perTensor, int64_t k, Type element) {
  SmallVector<int64_t> shape;
  if (!perTensor)
    shape.push_back(k);
  auto type = RankedTensorType::get(shape, element);
  int64_t n = perTensor ? 1 : k;
  DenseElementsAttr attr;
  if (auto it = dyn_cast<IntegerType>(element)) {
    SmallVector<APInt> ints;
    for (int64_t i = 0; i < n; ++i)
      ints.push_back(APInt(it.getWidth(),
                           int64_t(values[values.size() == 1 ? 0 : i]),
                           /*isSigned=*/!it.isUnsigned()));
    attr = DenseElementsAttr::get(type, ints);
  } else {
    SmallVector<float> floats;
    for (int64_t i = 0; i < n; ++i)
      floats.push_back(values[values.size() == 1 ? 0 : i]);
    attr = DenseElementsAttr::get(type, ArrayRef<float>(floats));
  }
  return ConstantOp::create(b, loc, attr).getResult();
}

/// The real values a per-tensor int8 pair of `scale` and device zero point
/// `zp` (in [-128, 127]) represents: [s (-128 - zp), s (127 - zp)].
std::pair<double, double> pairRange(float scale, int32_t zp) {
  return {double(scale) * (-128 - zp), double(scale) * (127 - zp)};
}

struct NPUFoldQDQPass : npu::impl::NPUFoldQDQBase<NPUFoldQDQPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // An Identity between two pairs (DQ(a) -> Identity -> Q(b)) would take
    // the second pair's parameters and be folded away with them: its
    // readers read its input.
    func.walk([](IdentityOp op) {
      op.getResult().replaceAllUsesWith(op.getInput());
      op.erase();
    });
    rewriteIntegerOps(func);
    moveDataMovementToFloat(func);
    foldConstantDequantize(func);
    foldActivationPairs(func);
    handBackThroughEpilogues(func);
    annotateViewsOfPairs(func);
  }

  /// ConvInteger / MatMulInteger as ONNX Runtime's quantize_dynamic writes
  /// them: an integer conv / matmul of a quantized activation (QuantizeLinear
  /// or DynamicQuantizeLinear) and constant weights, cast to float and
  /// multiplied by the product of the activation's and the weights' scales,
  ///   cast(conv((a - za), (w - zw))) * (sa * sw)
  ///     == conv(DQ(a, sa, za), DQ(w, sw, zw)),
  /// becomes the float op on the dequantized operands, whose pairs then fold
  /// like a QDQ model's (sw per tensor or per output channel).
  void rewriteIntegerOps(func::FuncOp func) {
    SmallVector<Operation *> ops;
    func.walk([&](Operation *op) {
      if (isa<ConvOp, MatMulOp>(op) &&
          isa<IntegerType>(getElementTypeOrSelf(op->getResult(0).getType())))
        ops.push_back(op);
    });
    for (Operation *op : ops)
      rewriteIntegerOp(op);
  }

  void rewriteIntegerOp(Operation *op) {
    auto conv = dyn_cast<ConvOp>(op);
    if (conv && conv.getBias())
      return;
    // The int32 result, cast to float, multiplied by the scales.
    Value result = op->getResult(0);
    if (!result.hasOneUse())
      return;
    auto toFloat = dyn_cast<CastOp>(*result.getUsers().begin());
    if (!toFloat || !toFloat.getResult().hasOneUse())
      return;
    auto outType = cast<RankedTensorType>(toFloat.getType());
    auto mul = dyn_cast<MulOp>(*toFloat.getResult().getUsers().begin());
    if (!outType.getElementType().isF32() || !mul ||
        mul.getType() != toFloat.getType())
      return;
    Value scales =
        mul.getLhs() == toFloat.getResult() ? mul.getRhs() : mul.getLhs();

    // The activation: quantized per tensor, centered on its zero point.
    auto act = centeredOperand(op->getOperand(0));
    auto weight = centeredOperand(op->getOperand(1));
    if (!act || !weight)
      return;
    auto aq = act->quantized.getDefiningOp<QuantizeLinearOp>();
    if (!aq ||
        cast<RankedTensorType>(aq.getScale().getType()).getNumElements() != 1 ||
        !getElementTypeOrSelf(aq.getScale().getType()).isF32())
      return;
    if (act->zeroPoint ? !sameZeroPoint(act->zeroPoint, aq.getZeroPoint())
                       : !isAllZero(aq.getZeroPoint()))
      return;

    // The weights: 8-bit constants, zero points per tensor or per output
    // channel.
    auto wType = cast<RankedTensorType>(weight->quantized.getType());
    auto storage = dyn_cast<IntegerType>(wType.getElementType());
    // (A 1-d MatMulInteger B has no output channel axis.)
    if (!isInt8Storage(storage) || !isConstantLike(weight->quantized) ||
        wType.getRank() < 2)
      return;
    int64_t wAxis = conv ? 0 : wType.getRank() - 1;
    int64_t outAxis = conv ? 1 : outType.getRank() - 1;
    int64_t k = wType.getDimSize(wAxis);
    if (outType.getDimSize(outAxis) != k)
      return;
    std::vector<float> wzp{0.0f};
    if (weight->zeroPoint) {
      if (!isConstantLike(weight->zeroPoint))
        return;
      auto z = constantFloats(weight->zeroPoint);
      if (!z || (z->size() != 1 && int64_t(z->size()) != k))
        return;
      wzp = *z;
    }

    // The weights' scales: scales == sa * sw, sw broadcasting along the
    // output channels only.
    auto ws = weightScales(scales, aq.getScale(), outType, outAxis);
    if (!ws)
      return;

    OpBuilder b(op);
    Location wLoc = op->getLoc();
    bool perTensor = ws->size() == 1 && wzp.size() == 1;
    Value wScale =
        quantParamConstant(b, wLoc, *ws, perTensor, k, b.getF32Type());
    Value wZero = quantParamConstant(b, wLoc, wzp, perTensor, k, storage);
    auto wf = DequantizeLinearOp::create(
        b, wLoc, wType.clone(b.getF32Type()), weight->quantized, wScale, wZero,
        b.getI64IntegerAttr(perTensor ? 0 : wAxis));
    auto aType = cast<RankedTensorType>(aq.getType());
    auto af = DequantizeLinearOp::create(
        b, aq.getLoc(), aType.clone(b.getF32Type()), aq.getResult(),
        aq.getScale(), aq.getZeroPoint(), aq.getAxisAttr());
    // The float op holds the Mul's tensor (heldNodeName: the last name).
    Operation *floatOp = b.clone(*op);
    floatOp->setOperand(0, af.getResult());
    floatOp->setOperand(1, wf.getResult());
    floatOp->getResult(0).setType(outType);
    floatOp->setLoc(
        b.getFusedLoc({op->getLoc(), toFloat.getLoc(), mul.getLoc()}));
    mul.getResult().replaceAllUsesWith(floatOp->getResult(0));
    eraseWithDeadProducers(mul);
  }

  /// sw with `scales` == `activationScale` * sw: the other factor of a Mul
  /// of the activation's scale, or (both constant) the quotient; one value
  /// per tensor or one per output channel (`outAxis` of `outType`).
  std::optional<std::vector<float>> weightScales(Value scales,
                                                 Value activationScale,
                                                 RankedTensorType outType,
                                                 int64_t outAxis) {
    Value factor;
    std::optional<float> divisor;
    if (auto m = scales.getDefiningOp<MulOp>()) {
      if (m.getLhs() == activationScale)
        factor = m.getRhs();
      else if (m.getRhs() == activationScale)
        factor = m.getLhs();
    }
    if (!factor) {
      if (!isConstantLike(scales) || !isConstantLike(activationScale))
        return std::nullopt;
      auto sa = constantFloats(activationScale);
      if (!sa || sa->size() != 1 || (*sa)[0] == 0)
        return std::nullopt;
      factor = scales;
      divisor = (*sa)[0];
    }
    if (!isConstantLike(factor))
      return std::nullopt;
    // Broadcasting along the output channels only.
    auto fType = cast<RankedTensorType>(factor.getType());
    int64_t rank = outType.getRank();
    if (fType.getRank() > rank || !fType.getElementType().isF32())
      return std::nullopt;
    for (int64_t i = 0; i < fType.getRank(); ++i) {
      int64_t d = rank - fType.getRank() + i, size = fType.getDimSize(i);
      if (size != 1 && (d != outAxis || size != outType.getDimSize(outAxis)))
        return std::nullopt;
    }
    auto values = constantFloats(factor);
    if (!values)
      return std::nullopt;
    if (divisor)
      for (float &v : *values)
        v /= *divisor;
    return values;
  }

  /// max_pool / reshape / transpose / identity of a quantized tensor (as
  /// QOperator models run them) become the float op between a DQ and a Q of
  /// the same parameters: op(Q(x)) -> Q(op(DQ(Q(x)))).
  void moveDataMovementToFloat(func::FuncOp func) {
    SmallVector<Operation *> ops;
    func.walk([&](Operation *op) {
      if (isa<MaxPoolOp, ReshapeOp, TransposeOp, IdentityOp>(op))
        ops.push_back(op);
    });
    OpBuilder b(func.getContext());
    for (Operation *op : ops) {
      auto q = op->getOperand(0).getDefiningOp<QuantizeLinearOp>();
      if (!q || op->getNumResults() != 1)
        continue;
      auto params = paramsOf(q, q.getType());
      if (!params || !params->perTensor())
        continue;
      b.setInsertionPoint(op);
      Type floatElement =
          cast<RankedTensorType>(q.getInput().getType()).getElementType();
      auto dq = DequantizeLinearOp::create(
          b, op->getLoc(), q.getInput().getType(), q.getResult(), q.getScale(),
          q.getZeroPoint(), q.getAxisAttr());
      Operation *floatOp = b.clone(*op);
      floatOp->setOperand(0, dq.getResult());
      auto oldType = cast<RankedTensorType>(op->getResult(0).getType());
      floatOp->getResult(0).setType(oldType.clone(floatElement));
      auto q2 = QuantizeLinearOp::create(b, op->getLoc(), oldType,
                                         floatOp->getResult(0), q.getScale(),
                                         q.getZeroPoint(), q.getAxisAttr());
      op->getResult(0).replaceAllUsesWith(q2.getResult());
      op->erase();
    }
  }

  /// DQ of integer constants (weights, biases) becomes the float constant;
  /// a weight's exact symmetric scales go to its consumer.
  void foldConstantDequantize(func::FuncOp func) {
    SmallVector<DequantizeLinearOp> dqs;
    func.walk([&](DequantizeLinearOp dq) { dqs.push_back(dq); });
    OpBuilder b(func.getContext());
    for (DequantizeLinearOp dq : dqs) {
      if (!isConstantLike(dq.getInput()))
        continue;
      auto value = evaluateConstant(dq.getResult());
      if (failed(value))
        continue;
      for (OpOperand &use : dq.getResult().getUses())
        if (auto axis = weightOutputAxis(use))
          annotateWeight(dq, use.getOwner(), *axis);
      b.setInsertionPoint(dq);
      auto cst = ConstantOp::create(b, dq.getLoc(), *value);
      dq.getResult().replaceAllUsesWith(cst.getResult());
      dq.erase();
    }
  }

  void annotateWeight(DequantizeLinearOp dq, Operation *user, int64_t axis) {
    auto params = paramsOf(dq, dq.getInput().getType());
    auto q = constantFloats(dq.getInput());
    auto type = cast<RankedTensorType>(dq.getInput().getType());
    if (!params || !q || !isInt8Storage(params->storage)) {
      emitWarning(dq.getLoc())
          << "weights of " << type.getElementType()
          << " are not int8 / uint8: requantized to int8 per output channel";
      return;
    }
    int64_t k = type.getDimSize(axis);
    if (!params->perTensor() &&
        (params->axis != axis || int64_t(params->scale.size()) != k)) {
      emitWarning(dq.getLoc())
          << "weights quantized along axis " << params->axis
          << ", not along the output channels (axis " << axis
          << "): the device's weight scales are per output channel; "
             "requantized";
      return;
    }
    // Element i's channel along the quantization axis.
    int64_t inner = 1;
    for (int64_t d = params->perTensor() ? type.getRank() : axis + 1;
         d < type.getRank(); ++d)
      inner *= type.getDimSize(d);
    int64_t outer = params->perTensor() ? 1 : k;
    // The device's weight scales are positive: a channel of negative scale
    // keeps its float weights, scale * (q - zp), as |scale| * -(q - zp).
    for (float scale : params->scale)
      if (!std::isfinite(scale) || scale == 0) {
        emitWarning(dq.getLoc())
            << "weight scale " << shortNumber(scale)
            << " is not a finite non-zero number: requantized per output "
               "channel";
        return;
      }
    int64_t clamped = 0;
    for (size_t i = 0; i < q->size(); ++i) {
      size_t ch = params->perTensor() ? 0 : (i / inner) % outer;
      float zp = params->zeroPoint[params->zeroPoint.size() == 1 ? 0 : ch];
      float centered = (*q)[i] - zp;
      if (params->scale[params->perTensor() ? 0 : ch] < 0)
        centered = -centered;
      if (centered < -128 || centered > 128) {
        emitWarning(dq.getLoc())
            << "asymmetric weights (zero point " << int64_t(zp)
            << "): the device's weights are symmetric int8; requantized "
               "per output channel";
        return;
      }
      clamped += std::fabs(centered) == 128;
    }
    if (clamped)
      emitWarning(dq.getLoc())
          << clamped
          << " weight value(s) of magnitude 128 are clamped to 127 (the "
             "device's symmetric weights)";
    SmallVector<float> scales;
    for (int64_t c = 0; c < k; ++c)
      scales.push_back(std::fabs(params->scale[params->perTensor() ? 0 : c]));
    // A grouped transposed convolution's output channels are its groups'
    // M / group channels in turn, each group with the same scales.
    if (auto convT = dyn_cast<ConvTransposeOp>(user)) {
      SmallVector<float> group(scales);
      for (int64_t g = 1; g < convT.getGroup(); ++g)
        scales.append(group.begin(), group.end());
    }
    if (auto gemm = dyn_cast<GemmOp>(user))
      for (float &s : scales)
        s *= std::fabs(gemm.getAlpha().convertToFloat());
    user->setAttr(kWeightScalesAttr,
                  DenseF32ArrayAttr::get(user->getContext(), scales));
  }

  /// Q(x) -> DQ pairs of the same parameters: the DQ's users read x, which
  /// takes the parameters.
  void foldActivationPairs(func::FuncOp func) {
    SmallVector<QuantizeLinearOp> qs;
    func.walk([&](QuantizeLinearOp q) { qs.push_back(q); });
    for (QuantizeLinearOp q : qs) {
      auto params = paramsOf(q, q.getType());
      if (!params) {
        foldDynamicPairs(q);
        continue;
      }
      SmallVector<DequantizeLinearOp> pairs;
      for (Operation *user : q->getUsers())
        if (auto dq = dyn_cast<DequantizeLinearOp>(user))
          if (dq.getType() == q.getInput().getType())
            if (auto p = paramsOf(dq, q.getType()); p && *p == *params)
              pairs.push_back(dq);
      if (pairs.empty())
        continue;
      Value x = annotateActivation(q, reluBySaturation(q, *params), *params);
      for (DequantizeLinearOp dq : pairs) {
        dq.getResult().replaceAllUsesWith(x);
        dq.erase();
      }
      if (q->use_empty())
        q.erase();
    }
  }

  /// Q(x) -> DQ pairs of parameters computed at run time (a
  /// DynamicQuantizeLinear's, or after a ConvInteger / MatMulInteger
  /// rewrite): the DQ's users read x, whose range is calibrated; the
  /// parameters' computation goes when nothing else uses it.
  void foldDynamicPairs(QuantizeLinearOp q) {
    // Parameters that are graph inputs are the caller's: the pair stays
    // (the interpreter runs it; the device cannot, which the lowering
    // reports).
    if (isa<BlockArgument>(q.getScale()) ||
        (q.getZeroPoint() && isa<BlockArgument>(q.getZeroPoint())))
      return;
    SmallVector<DequantizeLinearOp> pairs;
    for (Operation *user : q->getUsers())
      if (auto dq = dyn_cast<DequantizeLinearOp>(user))
        if (dq.getType() == q.getInput().getType() &&
            dq.getScale() == q.getScale() &&
            dq.getZeroPoint() == q.getZeroPoint() &&
            dq.getAxis() == q.getAxis())
          pairs.push_back(dq);
    for (DequantizeLinearOp dq : pairs) {
      dq.getResult().replaceAllUsesWith(q.getInput());
      dq.erase();
    }
    if (!pairs.empty() && q->use_empty())
      eraseWithDeadProducers(q);
  }

  /// QOperator models apply ReLU by saturation: a range starting at 0 (the
  /// zero point at the type's minimum) after a conv, matmul, gemm or add.
  /// The float graph makes it explicit with a npu.relu (fused into the DPU
  /// task); returns the value the pair's users read.
  Value reluBySaturation(QuantizeLinearOp q, const QDQParams &params) {
    Value x = q.getInput();
    Operation *producer = x.getDefiningOp();
    if (!params.perTensor() || !isInt8Storage(params.storage) ||
        !(params.scale[0] > 0) || params.deviceZeroPoint(0) != -128 ||
        !producer || !isa<ConvOp, MatMulOp, GemmOp, AddOp>(producer))
      return x;
    OpBuilder b(q);
    return ReluOp::create(b, q.getLoc(), x).getResult();
  }

  /// Gives `x` the pair's parameters; returns the value the pair's users
  /// read: `x`, or where `x` has other parameters already (a second pair
  /// on it, as DQ(a) -> Q(b) requantizes), a clip of `x` to the pair's
  /// range that takes them, so that its readers see the pair's grid.
  Value annotateActivation(QuantizeLinearOp q, Value x,
                           const QDQParams &params) {
    if (!params.perTensor()) {
      emitWarning(q.getLoc())
          << "per-channel activation quantization (axis " << params.axis
          << ") cannot be represented (the DPU quantizes activations per "
             "tensor): the tensor's range is calibrated instead";
      return x;
    }
    if (!isInt8Storage(params.storage)) {
      emitWarning(q.getLoc())
          << "activation quantization to " << params.storage
          << " cannot be represented (the DPU's activations are int8): the "
             "tensor's range is calibrated instead";
      return x;
    }
    float scale = params.scale[0];
    if (!std::isfinite(scale) || scale <= 0) {
      emitWarning(q.getLoc())
          << "activation scale " << shortNumber(scale)
          << " is not a positive finite number (the device's scales are "
             "positive): the tensor's range is calibrated instead";
      return x;
    }
    int32_t zp = params.deviceZeroPoint(0);
    // SHAVE kernels and the device's float graph inputs and outputs hold
    // the tensor in float16: say so when its grid does not fit there.
    double largest = double(scale) * std::max(127 - zp, zp + 128);
    if (largest > 65504.0)
      emitWarning(q.getLoc()) << llvm::formatv(
          "activation scale {0} (zero point {1}) reaches {2}, beyond "
          "float16's largest value 65504: where the device holds the tensor "
          "in float16 (SHAVE kernels, float graph inputs and outputs) values "
          "beyond it are infinite",
          shortNumber(scale), zp, shortNumber(float(largest)));
    else if (scale < 1e-6f)
      emitWarning(q.getLoc()) << llvm::formatv(
          "activation scale {0} is finer than float16 resolves (its "
          "smallest step is 6e-08): where the device holds the tensor in "
          "float16 (SHAVE kernels, float graph inputs and outputs) its "
          "values lose their int8 steps, and those below 3e-08 are 0",
          shortNumber(scale));
    // A split's part can carry parameters once it is a slice (as the
    // lowering makes it anyway).
    if (auto split = x.getDefiningOp<SplitOp>())
      x = replaceSplitBySlices(split)[cast<OpResult>(x).getResultNumber()];
    auto existing = quantAnnotationOf(x);
    if (existing && existing[0] == scale && existing[1] == float(zp))
      return x;
    if (existing || needsOwnValue(x, q, params, scale, zp)) {
      // Requantization, or readers that must not see the pair's grid, or
      // a value no op quantizes: the pair clamps to its range and rounds
      // to its grid; a clip does the first, its int8 result the second.
      OpBuilder b(q);
      auto [lo, hi] = pairRange(scale, zp);
      Value clipped =
          ClipOp::create(b, q.getLoc(), x.getType(), x, b.getF64FloatAttr(lo),
                         b.getF64FloatAttr(hi))
              .getResult();
      setQuantAnnotation(clipped, scale, zp);
      // Only quantizers of these parameters read x: it takes them too, as
      // they are its only grid (no calibration for it).
      if (!existing && llvm::all_of(x.getUsers(), [&](Operation *u) {
            if (u == clipped.getDefiningOp())
              return true;
            auto other = dyn_cast<QuantizeLinearOp>(u);
            auto p = other ? paramsOf(other, other.getType()) : std::nullopt;
            return p && *p == params;
          }))
        setQuantAnnotation(x, scale, zp);
      return clipped;
    }
    if (!setQuantAnnotation(x, scale, zp))
      emitWarning(q.getLoc())
          << "the quantized tensor is a result of a multi-result op: its "
             "range is calibrated instead";
    return x;
  }

  /// Whether the pair of `q` on `x` needs a value of its own (a clip of x)
  /// rather than x taking its parameters: when x is a graph input or a
  /// data-movement op's result whose sources do not carry the pair's
  /// parameters (no op puts it on the grid: its values pass unchanged, or
  /// are on another grid) and the pair's values reach a reader that does
  /// not put them on a grid itself (readersApplyGrid), or canonicalization
  /// would fold the data movement away (below). A tensor that float ops read
  /// too takes the parameters (its float readers read it on the grid: a clip
  /// would cost SHAVE kernels on every such tensor of a partly quantized model,
  /// whose pairs' ranges cover their tensors).
  bool needsOwnValue(Value x, QuantizeLinearOp q, const QDQParams &params,
                     float scale, int32_t zp) {
    Operation *producer = x.getDefiningOp();
    SmallVector<Value> sources;
    if (!producer)
      sources.push_back(x);
    else if (isa<ConcatOp>(producer))
      sources.append(producer->operand_begin(), producer->operand_end());
    else if (isDataMovement(producer))
      sources.push_back(producer->getOperand(0));
    else
      return false;
    auto same = [&](Value v) {
      auto quant = quantAnnotationOf(v);
      return quant && quant[0] == scale && quant[1] == float(zp);
    };
    if (llvm::all_of(sources, same))
      return false;
    // Values on another grid after a transpose of a transpose or a reshape
    // of a reshape: canonicalization would fold the two away with the
    // pairs between them; a clip keeps the requantization.
    if (producer && llvm::any_of(sources, [&](Value v) {
          return quantAnnotationOf(v) && !same(v);
        })) {
      Operation *before = producer->getOperand(0).getDefiningOp();
      if ((isa<TransposeOp>(producer) &&
           isa_and_nonnull<TransposeOp>(before)) ||
          (isa<ReshapeOp>(producer) && isa_and_nonnull<ReshapeOp>(before)))
        return true;
    }
    return !readersApplyGrid(q, params, 0);
  }

  static bool isDataMovement(Operation *op) {
    return isa<TransposeOp, ReshapeOp, SliceOp, PadOp, ExpandOp, TileOp,
               GatherOp, DepthToSpaceOp, SpaceToDepthOp>(op);
  }

  /// Whether the values the pair of `q` passes reach only readers that put
  /// them on a grid themselves: DPU ops that quantize their input, pairs of
  /// other parameters read directly (they requantize: ONNX Runtime, too,
  /// removes a DQ -> Q of other parameters and rounds once), and, followed
  /// to their readers, pairs of the same parameters and data-movement ops
  /// (a transposed input's pairs of the input's parameters, as tf2onnx and
  /// ONNX Runtime's quantizer write them, need no clip of the input). A
  /// pair of other parameters after data movement does not: ONNX Runtime
  /// rounds to both grids there (a Concat of inputs of two scales with a
  /// pair of its own), so the values must be on this pair's grid first.
  bool readersApplyGrid(Operation *q, const QDQParams &params, int depth,
                        bool afterDataMovement = false) {
    return llvm::all_of(q->getUsers(), [&](Operation *dq) {
      return dq->getNumResults() == 1 &&
             valueReachesGrid(dq->getResult(0), params, depth,
                              afterDataMovement);
    });
  }
  bool valueReachesGrid(Value v, const QDQParams &params, int depth,
                        bool afterDataMovement) {
    if (depth > 16)
      return false;
    return llvm::all_of(v.getUsers(), [&](Operation *reader) {
      if (isa<ConvOp, ConvTransposeOp, MaxPoolOp, AvgPoolOp, GlobalAvgPoolOp>(
              reader))
        return true;
      // A matmul or gemm of constant weights runs on the DPU; one of two
      // activations may run on SHAVE in f16. An add or subtract runs on the
      // DPU on 4-D tensors (other ranks on SHAVE).
      if (isa<MatMulOp, GemmOp>(reader))
        return llvm::all_of(reader->getOperands(), [&](Value o) {
          return o == v || o.getDefiningOp<ConstantOp>();
        });
      if (isa<AddOp, SubOp>(reader))
        return cast<ShapedType>(v.getType()).getRank() == 4;
      if (auto next = dyn_cast<QuantizeLinearOp>(reader)) {
        auto p = paramsOf(next, next.getType());
        if (!p)
          return true;
        if (!(*p == params))
          return !afterDataMovement;
        return readersApplyGrid(next, params, depth + 1, afterDataMovement);
      }
      if (isDataMovement(reader) || isa<ConcatOp>(reader))
        return valueReachesGrid(reader->getResult(0), params, depth + 1,
                                /*afterDataMovement=*/true);
      return false;
    });
  }

  /// A ReLU or Clip `op` with a pair of its own reads `in`, which has a
  /// pair of parameters (scale, zp) too: the int8 lowering fuses it into
  /// in's producer, whose result then takes op's parameters, so the
  /// clamp of in's pair is kept by clipping to both ranges (ReLU: from 0)
  /// instead (in's rounding to its grid is skipped, as for a requantizing
  /// pair).
  void clampToProducerPair(Operation *op, Value in, float scale, int32_t zp) {
    auto [lo, hi] = pairRange(scale, zp);
    if (isa<ReluOp>(op)) {
      lo = std::max(lo, 0.0);
    } else {
      auto clip = cast<ClipOp>(op);
      if (clip.getMinAttr())
        lo = std::max(lo, scalarAttrToDouble(clip.getMinAttr()));
      if (clip.getMaxAttr())
        hi = std::min(hi, scalarAttrToDouble(clip.getMaxAttr()));
    }
    hi = std::max(hi, lo);
    OpBuilder b(op);
    auto clip = ClipOp::create(b, op->getLoc(), in.getType(), in,
                               b.getF64FloatAttr(lo), b.getF64FloatAttr(hi));
    clip->setAttrs(op->getDiscardableAttrDictionary());
    op->getResult(0).replaceAllUsesWith(clip.getResult());
    op->erase();
  }

  /// ReLU, Clip and constant adds are fused into their producer's DPU task;
  /// a single-use producer without parameters takes its consumer's
  /// (exact for ReLU and Clip: the saturation applies them).
  void handBackThroughEpilogues(func::FuncOp func) {
    SmallVector<Operation *> ops;
    func.walk([&](Operation *op) {
      if (isa<ReluOp, ClipOp, AddOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : llvm::reverse(ops)) {
      auto quant = quantAnnotationOf(op->getResult(0));
      if (!quant)
        continue;
      Value in = op->getOperand(0);
      if (auto add = dyn_cast<AddOp>(op)) {
        if (!add.getRhs().getDefiningOp<ConstantOp>()) {
          if (!add.getLhs().getDefiningOp<ConstantOp>())
            continue;
          in = add.getRhs();
        }
      }
      if (auto inQuant = quantAnnotationOf(in);
          inQuant && isa<ReluOp, ClipOp>(op) && in == op->getOperand(0)) {
        clampToProducerPair(op, in, inQuant[0], int32_t(inQuant[1]));
        continue;
      }
      if (!in.hasOneUse() || quantAnnotationOf(in) || !in.getDefiningOp() ||
          isa<ConstantOp>(in.getDefiningOp()))
        continue;
      if (setQuantAnnotation(in, quant[0], int32_t(quant[1])))
        in.getDefiningOp()->setAttr(kQuantFromConsumerAttr,
                                    UnitAttr::get(op->getContext()));
    }
  }

  /// A reshape or transpose of a tensor with parameters holds the same
  /// values: it takes them, unless it has its own (a tf2onnx NHWC input's
  /// Q -> DQ -> Transpose -> Conv has no pair after the transpose; the
  /// transpose was calibrated instead, and the input quantized with that
  /// range, not the model's). The other way, a graph input read only by
  /// such views of one parameter set (Transpose -> Q -> DQ -> Conv) takes
  /// it: nothing is calibrated for it.
  void annotateViewsOfPairs(func::FuncOp func) {
    auto isView = [](Operation *op) {
      return isa<ReshapeOp, TransposeOp>(op) &&
             isa<FloatType>(getElementTypeOrSelf(op->getResult(0).getType()));
    };
    SmallVector<Value> work;
    for (BlockArgument arg : func.getArguments())
      if (quantAnnotationOf(arg))
        work.push_back(arg);
    func.walk([&](Operation *op) {
      if (op->getNumResults() == 1 && quantAnnotationOf(op->getResult(0)))
        work.push_back(op->getResult(0));
    });
    while (!work.empty()) {
      Value v = work.pop_back_val();
      DenseF32ArrayAttr quant = quantAnnotationOf(v);
      Attribute fromConsumer = valueAnnotation(v, kQuantFromConsumerAttr);
      for (Operation *user : v.getUsers()) {
        if (!isView(user) || user->hasAttr(kQuantAttr))
          continue;
        user->setAttr(kQuantAttr, quant);
        if (fromConsumer)
          user->setAttr(kQuantFromConsumerAttr, fromConsumer);
        work.push_back(user->getResult(0));
      }
    }
    for (BlockArgument arg : func.getArguments()) {
      if (quantAnnotationOf(arg) || arg.use_empty() ||
          !isa<FloatType>(getElementTypeOrSelf(arg.getType())))
        continue;
      DenseF32ArrayAttr quant;
      bool same = llvm::all_of(arg.getUsers(), [&](Operation *user) {
        auto q = user->getAttrOfType<DenseF32ArrayAttr>(kQuantAttr);
        if (!isView(user) || !q || user->hasAttr(kQuantFromConsumerAttr) ||
            (quant && q != quant))
          return false;
        quant = q;
        return true;
      });
      if (same && quant)
        setQuantAnnotation(arg, quant[0], int32_t(quant[1]));
    }
  }
};

} // namespace
