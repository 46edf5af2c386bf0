//===- FoldQDQ.cpp - A pre-quantized model's parameters as annotations ----===//
//
// The npu-fold-qdq pass (docs/prequantized.md): QuantizeLinear ->
// DequantizeLinear pairs and dequantized integer weights become the float
// graph plus the annotations of npu/Dialect/NPU/IR/QuantAnnotations.h, which
// calibration leaves alone and the int8 lowering uses instead of calibrated
// ranges and max|w| / 127 weight scales.
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/Transforms/Passes.h"

#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Interpreter/ConstantEvaluator.h"
#include "npu/Interpreter/TensorConversion.h"

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

  bool operator==(const QDQParams &o) const {
    return scale == o.scale && zeroPoint == o.zeroPoint &&
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
  if (auto mm = dyn_cast<MatMulOp>(user); mm && i == 1)
    return cast<RankedTensorType>(mm.getRhs().getType()).getRank() - 1;
  if (auto g = dyn_cast<GemmOp>(user); g && i == 1)
    return g.getTransB() ? 0 : 1;
  return std::nullopt;
}

struct NPUFoldQDQPass : npu::impl::NPUFoldQDQBase<NPUFoldQDQPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    moveDataMovementToFloat(func);
    foldConstantDequantize(func);
    foldActivationPairs(func);
    handBackThroughEpilogues(func);
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
    int64_t clamped = 0;
    for (size_t i = 0; i < q->size(); ++i) {
      size_t ch = params->perTensor() ? 0 : (i / inner) % outer;
      float zp = params->zeroPoint[params->zeroPoint.size() == 1 ? 0 : ch];
      float centered = (*q)[i] - zp;
      if (centered < -128 || centered > 127) {
        emitWarning(dq.getLoc())
            << "asymmetric weights (zero point " << int64_t(zp)
            << "): the device's weights are symmetric int8; requantized "
               "per output channel";
        return;
      }
      clamped += centered == -128;
    }
    if (clamped)
      emitWarning(dq.getLoc())
          << clamped
          << " weight value(s) of -128 are clamped to -127 (the device's "
             "symmetric weights)";
    SmallVector<float> scales;
    for (int64_t c = 0; c < k; ++c)
      scales.push_back(params->scale[params->perTensor() ? 0 : c]);
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
      if (!params)
        continue;
      SmallVector<DequantizeLinearOp> pairs;
      for (Operation *user : q->getUsers())
        if (auto dq = dyn_cast<DequantizeLinearOp>(user))
          if (dq.getType() == q.getInput().getType())
            if (auto p = paramsOf(dq, q.getType()); p && *p == *params)
              pairs.push_back(dq);
      if (pairs.empty())
        continue;
      Value x = reluBySaturation(q, *params);
      annotateActivation(q, x, *params);
      for (DequantizeLinearOp dq : pairs) {
        dq.getResult().replaceAllUsesWith(x);
        dq.erase();
      }
      if (q->use_empty())
        q.erase();
    }
  }

  /// QOperator models apply ReLU by saturation: a range starting at 0 (the
  /// zero point at the type's minimum) after a conv, matmul, gemm or add.
  /// The float graph makes it explicit with a npu.relu (fused into the DPU
  /// task); returns the value the pair's users read.
  Value reluBySaturation(QuantizeLinearOp q, const QDQParams &params) {
    Value x = q.getInput();
    Operation *producer = x.getDefiningOp();
    if (!params.perTensor() || !isInt8Storage(params.storage) ||
        params.deviceZeroPoint(0) != -128 || !producer ||
        !isa<ConvOp, MatMulOp, GemmOp, AddOp>(producer))
      return x;
    OpBuilder b(q);
    return ReluOp::create(b, q.getLoc(), x).getResult();
  }

  void annotateActivation(QuantizeLinearOp q, Value x,
                          const QDQParams &params) {
    if (!params.perTensor()) {
      emitWarning(q.getLoc())
          << "per-channel activation quantization (axis " << params.axis
          << ") cannot be represented (the DPU quantizes activations per "
             "tensor): the tensor's range is calibrated instead";
      return;
    }
    if (!isInt8Storage(params.storage)) {
      emitWarning(q.getLoc())
          << "activation quantization to " << params.storage
          << " cannot be represented (the DPU's activations are int8): the "
             "tensor's range is calibrated instead";
      return;
    }
    float scale = params.scale[0];
    int32_t zp = params.deviceZeroPoint(0);
    if (auto existing = quantAnnotationOf(x)) {
      if (existing[0] != scale || existing[1] != float(zp))
        emitWarning(q.getLoc()) << llvm::formatv(
            "the tensor is quantized twice, with scale {0} zero point {1} "
            "and here with scale {2} zero point {3}: the first is used",
            shortNumber(existing[0]), int64_t(existing[1]), shortNumber(scale),
            zp);
      return;
    }
    if (!setQuantAnnotation(x, scale, zp))
      emitWarning(q.getLoc())
          << "the quantized tensor is a result of a multi-result op: its "
             "range is calibrated instead";
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
      if (!in.hasOneUse() || quantAnnotationOf(in) || !in.getDefiningOp() ||
          isa<ConstantOp>(in.getDefiningOp()))
        continue;
      setQuantAnnotation(in, quant[0], int32_t(quant[1]));
    }
  }
};

} // namespace
