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
      std::vector<const blob::TensorRef *> reads;
      switch (task.kind) {
      case blob::Engine::Dma:
        reads.push_back(&task.dma.src);
        break;
      case blob::Engine::Dpu:
        reads.push_back(&task.dpu.input);
        if (task.dpu.input2)
          reads.push_back(&*task.dpu.input2);
        break;
      case blob::Engine::Shave:
        for (const blob::TensorRef &ref : task.shave.inputs)
          reads.push_back(&ref);
        break;
      }
      for (const blob::TensorRef *ref : reads) {
        InputReading *r = inputOf(*ref);
        if (!r)
          continue;
        const blob::ShaveTask &s = task.shave;
        bool quantize = task.kind == blob::Engine::Shave &&
                        s.kernel == arch::ShaveKernel::Quantize &&
                        ref->dtype == DType::F32 && s.outputs.size() == 1 &&
                        !s.fparams.empty() && !s.iparams.empty() &&
                        (s.outputs[0].dtype == DType::I8 ||
                         s.outputs[0].dtype == DType::U8);
        if (!quantize) {
          r->toFloat16 = true;
          continue;
        }
        double lo = s.outputs[0].dtype == DType::I8 ? -128 : 0;
        double hi = s.outputs[0].dtype == DType::I8 ? 127 : 255;
        double scale = s.fparams[0], zp = double(s.iparams[0]);
        r->quantizedRanges.push_back({(lo - zp) * scale, (hi - zp) * scale});
      }
    }
  return readings;
}

} // namespace npu::run
