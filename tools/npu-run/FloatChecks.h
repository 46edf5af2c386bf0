//===- FloatChecks.h - npu-run's warnings about float values ----*- C++ -*-===//
//
// After an inference npu-run warns, on stderr, about an output with values
// that are not finite (inf or NaN), about an input that already holds such
// values, and about each float input whose magnitude exceeds float16's
// largest value (65504): the device converts float inputs to float16 in
// every precision (except where an fp32 island reads the input), so such
// values become infinite there, the usual cause of an inf or NaN output
// (then it is a note after that warning). Nothing is changed: the outputs
// are written as computed.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TOOLS_NPU_RUN_FLOATCHECKS_H
#define NPU_TOOLS_NPU_RUN_FLOATCHECKS_H

#include "npu/Support/HostTensor.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace npu::run {

/// The largest finite float16 value (IEEE 754 binary16).
constexpr double kFloat16Max = 65504.0;

/// The non-finite values of a float tensor and the largest magnitude of its
/// finite ones; zero and zero for a tensor of another element type.
struct FloatSummary {
  int64_t nonFinite = 0;
  double maxAbs = 0;
};
FloatSummary summarizeFloats(const HostTensor &t);

/// The warnings and notes (one line each, without the tool's prefix) about
/// `inputs` and `outputs` (name, value), in their order: an output with
/// non-finite values; an input with non-finite values; a float input beyond
/// float16's range (a note when some output is non-finite, else a
/// warning).
std::vector<std::string> floatWarnings(
    const std::vector<std::pair<std::string, const HostTensor *>> &inputs,
    const std::vector<std::pair<std::string, const HostTensor *>> &outputs);

} // namespace npu::run

#endif // NPU_TOOLS_NPU_RUN_FLOATCHECKS_H
