//===- Report.h - npu-run's --properties and --json reports -----*- C++ -*-===//
//
// What npu-run reports besides the outputs: the properties of a compiled
// model and its device (--properties), and the timings of a run as JSON
// (--json), read by npu-benchmark. The JSON keys are documented in
// docs/benchmark.md.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TOOLS_NPU_RUN_REPORT_H
#define NPU_TOOLS_NPU_RUN_REPORT_H

#include "npu/Runtime/Core.h"
#include "npu/Runtime/ModelProperties.h"

#include <cstdint>
#include <optional>
#include <string>

namespace npu::run {

/// The timings of one npu-run, in milliseconds of host wall time.
struct RunTimings {
  double runtimeInitMs = 0; ///< Level Zero and driver start (Core::create).
  /// Import (verify, create the graph, upload the weights unless deferred)
  /// and the infer requests with their inputs set.
  double loadMs = 0;
  double firstInferenceMs = 0; ///< Request 0's first inference.
  /// Mean of every later inference of every request; none with one
  /// inference per request.
  std::optional<double> steadyInferenceMs;
  /// All inferences of all requests over the wall time they took together.
  double loopMs = 0;
  int requests = 1, iterations = 1;
  uint64_t modelledCycles = 0;
  double modelledLatencyUs = 0;
};

/// Prints the properties on stdout; writes them as JSON to `jsonPath`
/// unless empty. Fails with the reason.
runtime::Status reportProperties(const runtime::ModelProperties &model,
                                 const runtime::DeviceInfo &device,
                                 const std::string &jsonPath);

/// Writes `t` as JSON to `path`.
runtime::Status writeRunJson(const std::string &path,
                             const std::string &blobPath,
                             const runtime::DeviceInfo &device,
                             const RunTimings &t);

} // namespace npu::run

#endif // NPU_TOOLS_NPU_RUN_REPORT_H
