//===- FloatChecks.h - npu-run's warnings about float values ----*- C++ -*-===//
//
// After an inference npu-run warns, on stderr, about an output with values
// that are not finite (inf or NaN), about an input that already holds such
// values, about each float input the device converts to float16
// (InputReadings.h) whose magnitude exceeds float16's largest value
// (65504), which becomes infinite there, the usual cause of an inf or NaN
// output (then it is a note after that warning), and about each float input
// an int8 blob quantizes directly of which more than 1 % of the values lie
// outside the calibrated range, where they saturate (inputs not
// preprocessed as the calibration samples were). Nothing is changed: the
// outputs are written as computed.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TOOLS_NPU_RUN_FLOATCHECKS_H
#define NPU_TOOLS_NPU_RUN_FLOATCHECKS_H

#include "InputReadings.h"

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

/// The share of inputs outside a quantized range above which npu-run warns
/// (a percentile calibration clips about 0.01 % of in-distribution values).
constexpr double kSaturatedWarnShare = 0.01;

/// A graph input's value and how the device reads it.
struct InputValue {
  std::string name;
  const HostTensor *value = nullptr;
  InputReading reading;
};

/// The warnings and notes (one line each, without the tool's prefix) about
/// `inputs` and `outputs` (name, value), in their order: an output with
/// non-finite values; an input with non-finite values; a float input
/// converted to float16 beyond float16's range (a note when some output is
/// non-finite, else a warning); a float input quantized directly with more
/// than kSaturatedWarnShare of its values outside the range.
std::vector<std::string> floatWarnings(
    const std::vector<InputValue> &inputs,
    const std::vector<std::pair<std::string, const HostTensor *>> &outputs);

} // namespace npu::run

#endif // NPU_TOOLS_NPU_RUN_FLOATCHECKS_H
