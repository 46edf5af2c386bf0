//===- InputReadings.cpp - How the device reads float graph inputs --------===//

#include "InputReadings.h"

namespace npu::run {

std::vector<InputReading> inputReadings(const blob::Program &program) {
  std::vector<InputReading> readings(program.inputs.size());
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
        InputReading *r = inputOf(*ref);
        if (!r)
          continue;
        bool quantize =
            kernel && kernel->kernel == arch::ShaveKernel::Quantize &&
            ref->dtype == DType::F32 && kernel->outputs.size() == 1 &&
            !kernel->fparams.empty() && !kernel->iparams.empty() &&
            (kernel->outputs[0].dtype == DType::I8 ||
             kernel->outputs[0].dtype == DType::U8);
        if (!quantize) {
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
