//===- DeviceHandlers.cpp - npuhw ops run with the device's arithmetic ----===//
//
// From the int8 / fp16 stage on, compute ops are npuhw ops, and the
// interpreter executes each one as the device executes the task it becomes:
// it describes the op as a blob task over its host tensors and calls the
// same functional models the simulated NPU calls (lib/Device). Tiling a DPU
// op over rows, channels or tiles does not change any output element (the
// per-element arithmetic is fixed), so a compiled blob equals the
// interpreter's result on these stages bit for bit.
//
//===----------------------------------------------------------------------===//

#include "OpContext.h"

#include "npu/Blob/ProgramBuilder.h"
#include "npu/Device/Engines.h"
#include "npu/Dialect/NPUHW/IR/DeviceTypes.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"
#include "npu/Dialect/NPUHW/IR/PostProcess.h"

using namespace mlir;

namespace npu::interp {

namespace {

/// A dense device view of a host tensor (the tensor outlives the view).
device::View viewOf(const HostTensor &t) {
  device::View v;
  v.data = static_cast<uint8_t *>(const_cast<void *>(t.raw()));
  v.dtype = t.dtype();
  uint64_t stride = dtypeSize(t.dtype());
  v.shape.resize(t.shape().size());
  v.strides.resize(t.shape().size());
  for (size_t d = t.shape().size(); d-- > 0;) {
    v.shape[d] = uint32_t(t.shape()[d]);
    v.strides[d] = stride;
    stride *= uint64_t(t.shape()[d]);
  }
  return v;
}

blob::TensorRef refOf(const HostTensor &t) {
  std::vector<uint32_t> shape(t.shape().begin(), t.shape().end());
  return blob::TensorRef::dense(0, 0, t.dtype(), std::move(shape));
}

/// One workload per 64 output channels covers the output; the channel
/// limit of depthwise and pooling workloads (16/32/64) is respected, and
/// the MPE mode does not change any value.
std::vector<blob::Workload> coveringWorkloads(uint32_t h, uint32_t w,
                                              uint32_t k) {
  std::vector<blob::Workload> wls;
  for (uint32_t k0 = 0; k0 < k; k0 += 64) {
    blob::Workload wl;
    wl.k = k0;
    wl.width = w;
    wl.height = h;
    wl.channels = std::min<uint32_t>(64, k - k0);
    wls.push_back(wl);
  }
  return wls;
}

/// Allocates the result, covers it with workloads and runs the task.
LogicalResult runDpu(OpContext &ctx, blob::DpuTask &task,
                     device::DpuOperands &ops) {
  HostTensor &out = ctx.out(0);
  task.output = refOf(out);
  ops.output = viewOf(out);
  task.workloads = coveringWorkloads(uint32_t(out.dim(0)), uint32_t(out.dim(1)),
                                     uint32_t(out.dim(2)));
  std::string error;
  if (!device::runDpu(task, ops, error))
    return ctx.error() << "device error: " << error;
  return success();
}

LogicalResult dpuConvHandler(OpContext &ctx) {
  auto op = ctx.get<hw::DpuConvOp>();
  const HostTensor &input = ctx.in(0);
  blob::DpuTask task;
  task.op = blob::DpuOp(op.getKind());
  task.input = refOf(input);
  task.kernelH = uint8_t(op.getKernel()[0]);
  task.kernelW = uint8_t(op.getKernel()[1]);
  task.strideH = uint8_t(op.getStrides()[0]);
  task.strideW = uint8_t(op.getStrides()[1]);
  task.padTop = uint8_t(op.getPads()[0]);
  task.padLeft = uint8_t(op.getPads()[1]);
  task.padBottom = uint8_t(op.getPads()[2]);
  task.padRight = uint8_t(op.getPads()[3]);
  task.inZeroPoint = op.getInZeroPoint();
  task.ppe = hw::postProcessOf(op);

  device::DpuOperands ops;
  ops.input = viewOf(input);
  if (op.getWeights()) {
    const HostTensor *w = ctx.inOf(op.getWeights());
    const HostTensor *t = ctx.inOf(op.getWeightTable());
    task.weights = refOf(*w);
    task.weightTable = refOf(*t);
    ops.weights = viewOf(*w);
    ops.weightTable = viewOf(*t);
    ops.weightsBytes = w->byteSize();
  }
  return runDpu(ctx, task, ops);
}

LogicalResult dpuEltwiseHandler(OpContext &ctx) {
  auto op = ctx.get<hw::DpuEltwiseOp>();
  const HostTensor &a = ctx.in(0), &b = ctx.in(1);
  blob::DpuTask task;
  task.op = op.getKind() == hw::EltwiseKind::add ? blob::DpuOp::EltwiseAdd
                                                 : blob::DpuOp::EltwiseSub;
  task.input = refOf(a);
  task.input2 = refOf(b);
  task.inZeroPoint = op.getLhsZeroPoint();
  task.in2ZeroPoint = op.getRhsZeroPoint();
  task.inMultA = op.getLhsMult();
  task.inMultB = op.getRhsMult();
  task.ppe = hw::postProcessOf(op);
  device::DpuOperands ops;
  ops.input = viewOf(a);
  ops.input2 = viewOf(b);
  return runDpu(ctx, task, ops);
}

LogicalResult shaveHandler(OpContext &ctx) {
  auto op = ctx.get<hw::ShaveOp>();
  blob::ShaveTask task;
  // The op verifier has checked the kernel name and its contract.
  task.kernel = *arch::parseShaveKernel(op.getKernel().str());
  task.fparams.assign(op.getFparams().begin(), op.getFparams().end());
  task.iparams.assign(op.getIparams().begin(), op.getIparams().end());
  std::vector<device::View> ins, outs;
  for (unsigned i = 0; i < ctx.numInputs(); ++i) {
    task.inputs.push_back(refOf(ctx.in(i)));
    ins.push_back(viewOf(ctx.in(i)));
  }
  for (unsigned r = 0; r < ctx.numResults(); ++r) {
    HostTensor &out = ctx.out(r);
    task.outputs.push_back(refOf(out));
    outs.push_back(viewOf(out));
  }
  std::string error;
  if (!device::runShave(task, ins, outs, error))
    return ctx.error() << "device error: " << error;
  return success();
}

} // namespace

void registerDeviceHandlers(HandlerRegistry &r) {
  // The device handlers read quantized tensors as their storage, exactly as
  // the device does.
  r.add<hw::DpuConvOp>(&dpuConvHandler, /*quantSafe=*/true);
  r.add<hw::DpuEltwiseOp>(&dpuEltwiseHandler, /*quantSafe=*/true);
  r.add<hw::ShaveOp>(&shaveHandler, /*quantSafe=*/true);
}

} // namespace npu::interp
