//===- InputReadings.cpp - How the device reads float graph inputs --------===//

#include "InputReadings.h"

namespace npu::run {

namespace {

/// Per buffer of `program`: the graph input whose values it holds as they
/// are (the input's own buffer, or one a DMA copies them into or a SHAVE
/// `convert` converts them into, transitively), or -1. A buffer written
/// from two inputs keeps the first found.
std::vector<int64_t> inputCarriers(const blob::Program &program) {
  std::vector<int64_t> carries(program.buffers.size(), -1);
  for (size_t b = 0; b < program.buffers.size(); ++b)
    if (program.buffers[b].space == blob::MemSpace::Input &&
        program.buffers[b].index < program.inputs.size())
      carries[b] = program.buffers[b].index;
  auto carry = [&](const blob::TensorRef &from, const blob::TensorRef &to) {
    if (from.buffer >= carries.size() || to.buffer >= carries.size() ||
        carries[from.buffer] < 0 || carries[to.buffer] >= 0 ||
        program.buffers[to.buffer].space == blob::MemSpace::Input)
      return false;
    carries[to.buffer] = carries[from.buffer];
    return true;
  };
  // The task lists are per engine, not in dependency order: repeat until
  // nothing more is found (each pass marks at least one buffer).
  for (bool changed = true; changed;) {
    changed = false;
    for (const blob::TaskList &list : program.taskLists)
      for (const blob::Task &task : list.tasks) {
        if (task.kind == blob::Engine::Dma) {
          changed |= carry(task.dma.src, task.dma.dst);
          continue;
        }
        if (task.kind != blob::Engine::Shave)
          continue;
        auto convert = [&](const blob::ShaveTask &k) {
          if (k.kernel == arch::ShaveKernel::Convert && k.inputs.size() == 1 &&
              k.outputs.size() == 1 && isFloat(k.inputs[0].dtype) &&
              isFloat(k.outputs[0].dtype))
            changed |= carry(k.inputs[0], k.outputs[0]);
        };
        convert(task.shave);
        for (const blob::ShaveTask &k : task.shave.chained)
          convert(k);
      }
  }
  return carries;
}

} // namespace

std::vector<InputReading> inputReadings(const blob::Program &program) {
  std::vector<InputReading> readings(program.inputs.size());
  std::vector<int64_t> carries = inputCarriers(program);
  // The graph input a view reads, or null.
  auto inputOf = [&](const blob::TensorRef &ref) -> InputReading * {
    if (ref.buffer >= program.buffers.size())
      return nullptr;
    const blob::Buffer &b = program.buffers[ref.buffer];
    if (b.space != blob::MemSpace::Input || b.index >= readings.size())
      return nullptr;
    return &readings[b.index];
  };
  for (const blob::TaskList &list : program.taskLists)
    for (const blob::Task &task : list.tasks) {
      // Each view read, with the SHAVE kernel reading it (null for none).
      std::vector<std::pair<const blob::TensorRef *, const blob::ShaveTask *>>
          reads;
      switch (task.kind) {
      case blob::Engine::Dma:
        reads.push_back({&task.dma.src, nullptr});
        break;
      case blob::Engine::Dpu:
        reads.push_back({&task.dpu.input, nullptr});
        if (task.dpu.input2)
          reads.push_back({&*task.dpu.input2, nullptr});
        break;
      case blob::Engine::Shave:
        for (const blob::TensorRef &ref : task.shave.inputs)
          reads.push_back({&ref, &task.shave});
        for (const blob::ShaveTask &k : task.shave.chained)
          for (const blob::TensorRef &ref : k.inputs)
            reads.push_back({&ref, &k});
        break;
      }
      for (auto [ref, kernel] : reads) {
        bool quantize = kernel &&
                        kernel->kernel == arch::ShaveKernel::Quantize &&
                        isFloat(ref->dtype) && kernel->outputs.size() == 1 &&
                        !kernel->fparams.empty() && !kernel->iparams.empty() &&
                        (kernel->outputs[0].dtype == DType::I8 ||
                         kernel->outputs[0].dtype == DType::U8);
        InputReading *r = inputOf(*ref);
        if (!r) {
          // A quantize of the input's values moved or converted first.
          if (!quantize || ref->buffer >= carries.size() ||
              carries[ref->buffer] < 0)
            continue;
          r = &readings[carries[ref->buffer]];
        } else if (!quantize || ref->dtype != DType::F32) {
          r->toFloat16 = true;
          continue;
        }
        bool int8 = kernel->outputs[0].dtype == DType::I8;
        double lo = int8 ? -128 : 0, hi = int8 ? 127 : 255;
        double scale = kernel->fparams[0], zp = double(kernel->iparams[0]);
        r->quantizedRanges.push_back({(lo - zp) * scale, (hi - zp) * scale});
      }
    }
  return readings;
}

} // namespace npu::run
