//===- Program.cpp - Helpers and comparisons of blob programs -------------===//

#include "npu/Blob/Program.h"

#include <algorithm>
#include <tuple>

namespace npu::blob {

const char *memSpaceName(MemSpace s) {
  switch (s) {
  case MemSpace::Input:
    return "input";
  case MemSpace::Output:
    return "output";
  case MemSpace::Scratch:
    return "scratch";
  case MemSpace::Weights:
    return "weights";
  case MemSpace::Cmx:
    return "cmx";
  }
  return "?";
}

const char *layoutName(Layout l) {
  switch (l) {
  case Layout::ND:
    return "ND";
  case Layout::NCHW:
    return "NCHW";
  case Layout::NHWC:
    return "NHWC";
  }
  return "?";
}

const char *engineName(Engine e) {
  switch (e) {
  case Engine::Dma:
    return "dma";
  case Engine::Dpu:
    return "dpu";
  case Engine::Shave:
    return "shave";
  }
  return "?";
}

const char *dpuOpName(DpuOp op) {
  switch (op) {
  case DpuOp::Conv:
    return "conv";
  case DpuOp::DepthwiseConv:
    return "depthwise_conv";
  case DpuOp::MaxPool:
    return "maxpool";
  case DpuOp::AvgPool:
    return "avgpool";
  case DpuOp::EltwiseAdd:
    return "eltwise_add";
  case DpuOp::EltwiseSub:
    return "eltwise_sub";
  }
  return "?";
}

uint64_t TensorDesc::byteSize() const {
  uint64_t n = dtypeSize(dtype);
  for (int64_t d : shape)
    n *= uint64_t(d < 0 ? 0 : d);
  return n;
}

TensorRef TensorRef::dense(uint32_t buffer, uint64_t offset, DType dtype,
                           std::vector<uint32_t> shape) {
  TensorRef r;
  r.buffer = buffer;
  r.offset = offset;
  r.dtype = dtype;
  r.strides.resize(shape.size());
  uint64_t stride = dtypeSize(dtype);
  for (size_t i = shape.size(); i-- > 0;) {
    r.strides[i] = stride;
    stride *= shape[i];
  }
  r.shape = std::move(shape);
  return r;
}

uint64_t TensorRef::numElements() const {
  uint64_t n = 1;
  for (uint32_t d : shape)
    n *= d;
  return n;
}

uint64_t TensorRef::extent() const {
  if (shape.size() != strides.size())
    return UINT64_MAX;
  unsigned __int128 last = offset;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0)
      return 0;
    last += (unsigned __int128)(shape[i] - 1) * strides[i];
  }
  last += dtypeSize(dtype);
  return last > UINT64_MAX ? UINT64_MAX : uint64_t(last);
}

bool TensorRef::isDense() const {
  return *this == dense(buffer, offset, dtype, shape);
}

bool QuantParams::operator==(const QuantParams &o) const {
  return std::tie(scales, zeroPoints, axis) ==
         std::tie(o.scales, o.zeroPoints, o.axis);
}
bool TensorDesc::operator==(const TensorDesc &o) const {
  return std::tie(name, dtype, shape, layout, quant) ==
         std::tie(o.name, o.dtype, o.shape, o.layout, o.quant);
}
bool Buffer::operator==(const Buffer &o) const {
  return std::tie(name, space, index, offset, size) ==
         std::tie(o.name, o.space, o.index, o.offset, o.size);
}
bool TensorRef::operator==(const TensorRef &o) const {
  return std::tie(buffer, offset, dtype, shape, strides) ==
         std::tie(o.buffer, o.offset, o.dtype, o.shape, o.strides);
}
bool DmaTask::operator==(const DmaTask &o) const {
  return src == o.src && dst == o.dst;
}
bool Workload::operator==(const Workload &o) const {
  return std::tie(x, y, k, width, height, channels, mpeMode) ==
         std::tie(o.x, o.y, o.k, o.width, o.height, o.channels, o.mpeMode);
}
bool PostProcess::operator==(const PostProcess &o) const {
  return std::tie(activation, leakyMult, leakyShift, leakyAlpha, outZeroPoint,
                  clampLow, clampHigh, fclampLow, fclampHigh, mult, shift,
                  scale, bias, fbias) ==
         std::tie(o.activation, o.leakyMult, o.leakyShift, o.leakyAlpha,
                  o.outZeroPoint, o.clampLow, o.clampHigh, o.fclampLow,
                  o.fclampHigh, o.mult, o.shift, o.scale, o.bias, o.fbias);
}
bool DpuTask::operator==(const DpuTask &o) const {
  return std::tie(op, input, input2, weights, weightTable, output, kernelH,
                  kernelW, strideH, strideW, padTop, padLeft, padBottom,
                  padRight, inZeroPoint, in2ZeroPoint, inMultA, inMultB, ppe,
                  workloads) ==
         std::tie(o.op, o.input, o.input2, o.weights, o.weightTable, o.output,
                  o.kernelH, o.kernelW, o.strideH, o.strideW, o.padTop,
                  o.padLeft, o.padBottom, o.padRight, o.inZeroPoint,
                  o.in2ZeroPoint, o.inMultA, o.inMultB, o.ppe, o.workloads);
}
bool ShaveTask::operator==(const ShaveTask &o) const {
  return std::tie(kernel, inputs, outputs, fparams, iparams, chained) ==
         std::tie(o.kernel, o.inputs, o.outputs, o.fparams, o.iparams,
                  o.chained);
}
uint64_t ShaveTask::workElements() const {
  uint64_t in = 0, out = 0;
  for (const TensorRef &r : inputs)
    in += r.numElements();
  for (const TensorRef &r : outputs)
    out += r.numElements();
  // A gather reads each index and copies each output element: of its data
  // (an embedding table) only the gathered elements.
  if ((kernel == arch::ShaveKernel::Gather ||
       kernel == arch::ShaveKernel::GatherElements ||
       kernel == arch::ShaveKernel::GatherND) &&
      inputs.size() == 2)
    return inputs[1].numElements() + out;
  // Cubic resizing (modes 6-8) reads 16 taps per output where linear
  // reads 4.
  if (kernel == arch::ShaveKernel::Resize && !iparams.empty() &&
      iparams[0] >= 6)
    return 4 * std::max(in, out);
  if (kernel != arch::ShaveKernel::MatMul || inputs.empty() ||
      outputs.empty() || inputs[0].shape.size() < 2)
    return std::max(in, out);
  const std::vector<uint32_t> &a = inputs[0].shape;
  bool transA = !iparams.empty() && iparams[0] != 0;
  uint64_t k = transA ? a[a.size() - 2] : a.back();
  return outputs[0].numElements() * std::max<uint64_t>(k, 1);
}
uint32_t ShaveTask::vectorElementBytes() const {
  size_t bytes = outputs.empty() ? 2 : dtypeSize(outputs[0].dtype);
  if (!inputs.empty())
    bytes = std::max(bytes, dtypeSize(inputs[0].dtype));
  return uint32_t(bytes);
}
bool Task::operator==(const Task &o) const {
  if (std::tie(name, kind, waitBarriers, updateBarriers) !=
      std::tie(o.name, o.kind, o.waitBarriers, o.updateBarriers))
    return false;
  switch (kind) {
  case Engine::Dma:
    return dma == o.dma;
  case Engine::Dpu:
    return dpu == o.dpu;
  case Engine::Shave:
    return shave == o.shave;
  }
  return false;
}
bool Barrier::operator==(const Barrier &o) const {
  return producerCount == o.producerCount && consumerCount == o.consumerCount;
}
bool TaskList::operator==(const TaskList &o) const {
  return std::tie(engine, index, tasks) == std::tie(o.engine, o.index, o.tasks);
}
bool MemoryPlan::operator==(const MemoryPlan &o) const {
  return scratchSize == o.scratchSize && cmxUsed == o.cmxUsed;
}
bool StateVar::operator==(const StateVar &o) const {
  return std::tie(name, input, output) == std::tie(o.name, o.input, o.output);
}
bool Program::operator==(const Program &o) const {
  return std::tie(platform, compilerVersion, optionsHash, inputs, outputs,
                  memory, buffers, barriers, taskLists, states) ==
         std::tie(o.platform, o.compilerVersion, o.optionsHash, o.inputs,
                  o.outputs, o.memory, o.buffers, o.barriers, o.taskLists,
                  o.states);
}

uint64_t countTasks(const Program &p) {
  uint64_t n = 0;
  for (const TaskList &l : p.taskLists)
    n += l.tasks.size();
  return n;
}

} // namespace npu::blob
