//===- InputReadings.h - How the device reads graph inputs ------*- C++ -*-===//
//
// npu-run's warnings about float input values (FloatChecks.h) depend on
// what the device does with the input first, which the blob's tasks say:
// an fp16 or fp32 blob (and an int8 one whose input is moved before it is
// quantized) converts it to float16, where values beyond 65504 become
// infinite; an int8 blob quantizes it (SHAVE `quantize`), from f32
// directly or after its conversion to float16 and a change of layout (a
// first layer whose channels are padded in f16), where values beyond the
// calibrated range saturate.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TOOLS_NPU_RUN_INPUTREADINGS_H
#define NPU_TOOLS_NPU_RUN_INPUTREADINGS_H

#include "npu/Blob/Program.h"

#include <utility>
#include <vector>

namespace npu::run {

/// How the tasks read one graph input.
struct InputReading {
  /// Some task reads the input other than by quantizing it: a `convert`
  /// to float16, a DMA moving its bytes on (the device computes in f16).
  bool toFloat16 = false;
  /// [lo, hi] of each SHAVE `quantize` reading the input's values (the
  /// input itself, or a buffer holding them as they are: copied by DMA or
  /// converted between float types by a SHAVE `convert`, followed through
  /// the tasks) and the values its int8 / uint8 steps represent:
  /// (qmin - zero point) * scale to (qmax - zero point) * scale; values
  /// outside saturate.
  std::vector<std::pair<double, double>> quantizedRanges;
};

/// Per graph input of `program` (its order), how its tasks read it. An
/// input no task reads has neither.
std::vector<InputReading> inputReadings(const blob::Program &program);

} // namespace npu::run

#endif // NPU_TOOLS_NPU_RUN_INPUTREADINGS_H
