//===- Benchmark.h - npu-benchmark's measurements ---------------*- C++ -*-===//
//
// The runs npu-benchmark makes and what it keeps of them (docs/benchmark.md):
// a warm-up, then --runs runs of npu-compile + npu-run (FEIL and FIL), with
// --cache-dir as many cache hits, the steady state, and ONNX Runtime's
// session creation + first run. Times are milliseconds of host wall time
// measured inside each process; the process wall times are kept too.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TOOLS_NPU_BENCHMARK_BENCHMARK_H
#define NPU_TOOLS_NPU_BENCHMARK_BENCHMARK_H

#include "BenchmarkOptions.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace npu::bench {

/// One run: a compile (none for a blob) and a load + first inference, each
/// in its own process.
struct Sample {
  /// npu-compile's phases ("read model", each stage, ..., "write blob").
  std::vector<std::pair<std::string, double>> compilePhases;
  double compileMs = 0;        ///< npu-compile's in-process total.
  double compileProcessMs = 0; ///< npu-compile's process wall time.
  double runtimeInitMs = 0;    ///< Level Zero + driver start.
  double loadMs = 0;           ///< Import, weights, infer request.
  double firstInferenceMs = 0;
  double runProcessMs = 0; ///< npu-run's process wall time.

  double fil() const { return runtimeInitMs + loadMs + firstInferenceMs; }
  double feil() const { return compileMs + fil(); }
};

struct SteadyState {
  double modelledLatencyUs = 0;
  uint64_t modelledCycles = 0;
  /// Simulator wall time per inference, one request, after its first.
  std::optional<double> hostMsPerInference;
  int throughputRequests = 1;
  double throughputPerSecond = 0;
};

struct OrtSample {
  double sessionCreateMs = 0;
  double firstRunMs = 0;
  double total() const { return sessionCreateMs + firstRunMs; }
};

struct Results {
  std::string device;
  int requests = 1;           ///< The --requests used for the throughput.
  std::vector<Sample> fresh;  ///< FEIL / FIL runs.
  std::vector<Sample> cached; ///< Cache-hit runs (--cache-dir).
  SteadyState steady;
  std::vector<OrtSample> ort; ///< Empty with --no-ort or a blob.
  /// npu-run --properties --json of the blob.
  llvm::json::Value properties = nullptr;
};

/// Runs every measurement the options ask for. `toolsDir` holds npu-compile
/// and npu-run; `workDir` (existing, empty) takes the blobs and reports.
/// Fails with the error of the step that failed.
llvm::Expected<Results> runBenchmark(const BenchmarkOptions &options,
                                     const std::string &toolsDir,
                                     const std::string &workDir);

/// The median of `values` (the mean of the middle two for an even count);
/// 0 for none.
double median(std::vector<double> values);

} // namespace npu::bench

#endif // NPU_TOOLS_NPU_BENCHMARK_BENCHMARK_H
