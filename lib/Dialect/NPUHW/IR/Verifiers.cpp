//===- Verifiers.cpp - Invariants of the npuhw ops ------------------------===//
//
// The shape and parameter rules of DPU tasks (docs/blob-format.md, "Tasks")
// and, for SHAVE kernels, the blob verifier's own contract check
// (blob::verifyShaveTask), so that an op that verifies here lowers to a task
// the blob verifier accepts.
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPUHW/IR/DeviceTypes.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"
#include "npu/Dialect/NPUHW/IR/PostProcess.h"

#include "npu/Arch/ShaveKernels.h"
#include "npu/Blob/Verifier.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace npu::hw {

namespace {

/// Channel counts of DPU tensors are multiples of this (HARDWARE.md).
constexpr int64_t kChannelAlignment = 16;

LogicalResult checkHwc(Operation *op, Value v, StringRef what) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() != 3 || !type.hasStaticShape())
    return op->emitOpError()
           << what << " must be a static [H, W, C] tensor, got " << type;
  if (!deviceDType(type.getElementType()))
    return op->emitOpError()
           << what << " has element type " << type.getElementType()
           << ", which the DPU does not handle";
  return success();
}

bool isFloatDevice(Type t) {
  auto d = deviceDType(t);
  return d && (*d == DType::F16 || *d == DType::F32 || *d == DType::BF16);
}

/// The task parameters, by the blob verifier's rules (blob::
/// verifyDpuParameters; the platform's own rules are checked with the
/// program, where the target is known).
template <typename OpT>
LogicalResult checkParameters(OpT op, blob::DpuTask &task, Type inElement,
                              Type outElement) {
  int64_t shift = int32_t(op.getShift()),
          leakyShift = int32_t(op.getLeakyShift());
  if (shift < 0 || shift > 63 || leakyShift < 0 || leakyShift > 31)
    return op.emitOpError("post-processing shift out of range (shift 0..63, "
                          "leaky_shift 0..31)");
  auto in = deviceDType(inElement), out = deviceDType(outElement);
  if (!in || !out)
    return success();
  task.ppe = postProcessOf(op);
  task.output.dtype = *out;
  std::string why;
  if (!blob::verifyDpuParameters(task, *in, std::nullopt, why))
    return op.emitOpError() << why;
  return success();
}

} // namespace

LogicalResult DpuConvOp::verify() {
  if (failed(checkHwc(*this, getInput(), "input")) ||
      failed(checkHwc(*this, getOutput(), "output")))
    return failure();
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getOutput().getType());
  ArrayRef<int64_t> k = getKernel(), s = getStrides(), p = getPads();
  if (k.size() != 2 || s.size() != 2 || p.size() != 4)
    return emitOpError("kernel and strides need 2 values and pads 4 (top, "
                       "left, bottom, right)");
  if (k[0] < 1 || k[0] > 11 || k[1] < 1 || k[1] > 11)
    return emitOpError("kernel must be 1..11 in each dimension");
  if (s[0] < 1 || s[0] > 8 || s[1] < 1 || s[1] > 8)
    return emitOpError("strides must be 1..8");
  if (p[0] < 0 || p[2] < 0 || p[1] < 0 || p[3] < 0 || p[0] >= k[0] ||
      p[2] >= k[0] || p[1] >= k[1] || p[3] >= k[1])
    return emitOpError("pads must be non-negative and smaller than the kernel");
  int64_t H = in.getDimSize(0), W = in.getDimSize(1), C = in.getDimSize(2);
  int64_t OH = (H + p[0] + p[2] - k[0]) / s[0] + 1;
  int64_t OW = (W + p[1] + p[3] - k[1]) / s[1] + 1;
  int64_t K = out.getDimSize(2);
  if (H + p[0] + p[2] < k[0] || W + p[1] + p[3] < k[1] ||
      out.getDimSize(0) != OH || out.getDimSize(1) != OW)
    return emitOpError() << "output must be " << OH << "x" << OW << "xK for "
                         << "this input, kernel, strides and pads, got " << out;
  if (K % kChannelAlignment != 0)
    return emitOpError() << "output channels must be a multiple of "
                         << kChannelAlignment << ", got " << K;
  bool hasWeights =
      getKind() == DpuConvKind::conv || getKind() == DpuConvKind::depthwise;
  if (hasWeights != bool(getWeights()) || hasWeights != bool(getWeightTable()))
    return emitOpError() << "a " << stringifyDpuConvKind(getKind()) << " task "
                         << (hasWeights ? "needs" : "has no")
                         << " weights and weight table";
  if (getKind() == DpuConvKind::conv) {
    if (C % kChannelAlignment != 0 && C != 4)
      return emitOpError() << "input channels must be a multiple of "
                           << kChannelAlignment << " (or 4), got " << C;
  } else {
    if (C != K)
      return emitOpError() << "a " << stringifyDpuConvKind(getKind())
                           << " task keeps the channels: input has " << C
                           << ", output " << K;
  }
  if (hasWeights) {
    auto w = cast<RankedTensorType>(getWeights().getType());
    int64_t wc = getKind() == DpuConvKind::conv ? C : 1;
    SmallVector<int64_t> want = {K, k[0], k[1], wc};
    if (w.getShape() != ArrayRef<int64_t>(want))
      return emitOpError() << "weights must be [" << K << ", " << k[0] << ", "
                           << k[1] << ", " << wc << "], got " << w;
    if (isFloatDevice(in.getElementType()) != isFloatDevice(w.getElementType()))
      return emitOpError("weights must be f16 for an f16 input and 8-bit for "
                         "a quantized one");
    auto t = cast<RankedTensorType>(getWeightTable().getType());
    if (t.getShape() != ArrayRef<int64_t>({K, 4}) ||
        !t.getElementType().isSignlessInteger(32))
      return emitOpError() << "weight table must be [" << K << ", 4] i32, got "
                           << t;
    // A constant table's weight pointers, as the device reads them: each
    // channel's weights inside the op's weights.
    DenseIntElementsAttr table;
    auto wType = deviceDType(w.getElementType());
    if (wType && matchPattern(getWeightTable(), m_Constant(&table))) {
      int64_t channelBytes = k[0] * k[1] * wc * int64_t(dtypeSize(*wType));
      int64_t weightsBytes = K * channelBytes;
      auto words = table.getValues<APInt>();
      for (int64_t c = 0; c < K; ++c) {
        int64_t off = words[c * 4].getSExtValue();
        if (off < 0 || off + channelBytes > weightsBytes)
          return emitOpError()
                 << "weight table entry " << c << " points at weights bytes ["
                 << off << ", " << off + channelBytes << "), outside the "
                 << weightsBytes << " bytes of the weights";
      }
    }
  }
  if (isFloatDevice(in.getElementType()) &&
      !isFloatDevice(out.getElementType()))
    return emitOpError("an f16 task cannot write a quantized output");
  blob::DpuTask task;
  task.op = blob::DpuOp(uint8_t(getKind()));
  task.inZeroPoint = int32_t(getInZeroPoint());
  return checkParameters(*this, task, in.getElementType(),
                         out.getElementType());
}

LogicalResult DpuEltwiseOp::verify() {
  if (failed(checkHwc(*this, getLhs(), "lhs")) ||
      failed(checkHwc(*this, getRhs(), "rhs")) ||
      failed(checkHwc(*this, getOutput(), "output")))
    return failure();
  auto a = cast<RankedTensorType>(getLhs().getType());
  auto b = cast<RankedTensorType>(getRhs().getType());
  auto out = cast<RankedTensorType>(getOutput().getType());
  if (a.getShape() != b.getShape() || a.getShape() != out.getShape())
    return emitOpError("lhs, rhs and output must have one shape");
  if (deviceDType(a.getElementType()) != deviceDType(b.getElementType()))
    return emitOpError("lhs and rhs must have one element type");
  if (a.getDimSize(2) % kChannelAlignment != 0)
    return emitOpError() << "channels must be a multiple of "
                         << kChannelAlignment;
  if (isFloatDevice(a.getElementType()) && !isFloatDevice(out.getElementType()))
    return emitOpError("an f16 task cannot write a quantized output");
  blob::DpuTask task;
  task.op = getKind() == EltwiseKind::add ? blob::DpuOp::EltwiseAdd
                                          : blob::DpuOp::EltwiseSub;
  task.inZeroPoint = int32_t(getLhsZeroPoint());
  task.in2ZeroPoint = int32_t(getRhsZeroPoint());
  task.inMultA = int32_t(getLhsMult());
  task.inMultB = int32_t(getRhsMult());
  return checkParameters(*this, task, a.getElementType(), out.getElementType());
}

LogicalResult ShaveOp::verify() {
  auto kernel = arch::parseShaveKernel(getKernel().str());
  if (!kernel)
    return emitOpError() << "unknown SHAVE kernel '" << getKernel() << "'";
  blob::ShaveTask task;
  task.kernel = *kernel;
  auto add = [&](Value v, std::vector<blob::TensorRef> &list) -> LogicalResult {
    auto ref = denseDeviceRef(cast<ShapedType>(v.getType()));
    if (!ref)
      return emitOpError() << "operand type " << v.getType()
                           << " is not a static tensor of a device type";
    list.push_back(*ref);
    return success();
  };
  for (Value v : getInputs())
    if (failed(add(v, task.inputs)))
      return failure();
  for (Value v : getOutputs())
    if (failed(add(v, task.outputs)))
      return failure();
  task.fparams.assign(getFparams().begin(), getFparams().end());
  task.iparams.assign(getIparams().begin(), getIparams().end());
  std::string error;
  if (!blob::verifyShaveTask(task, error))
    return emitOpError() << "'" << getKernel() << "': " << error;
  return success();
}

} // namespace npu::hw
