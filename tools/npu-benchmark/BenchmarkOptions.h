//===- BenchmarkOptions.h - npu-benchmark's command line --------*- C++ -*-===//
//
// npu-benchmark's own options; every other argument is a compile option,
// passed to npu-compile unchanged (the benchmark does not link the
// compiler, so npu-compile validates them).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TOOLS_NPU_BENCHMARK_BENCHMARKOPTIONS_H
#define NPU_TOOLS_NPU_BENCHMARK_BENCHMARKOPTIONS_H

#include <string>
#include <vector>

namespace npu::bench {

extern const char *const kUsage;

struct BenchmarkOptions {
  std::string model; ///< -m: MODEL.onnx or MODEL.blob.
  bool modelIsBlob = false;
  std::string device;    ///< --device, passed to npu-run; empty: the blob's.
  int requests = 0;      ///< --requests; 0: the optimal number for the hint.
  int iterations = 20;   ///< --iterations per request in the steady state.
  int runs = 5;          ///< --runs: measured runs after the warm-up.
  std::string cacheDir;  ///< --cache-dir: also measure cache-hit FIL.
  std::string jsonPath;  ///< --json FILE.
  bool ort = true;       ///< --no-ort turns ONNX Runtime off.
  std::string ortScript; ///< --ort-script; default: the source tree's.
  /// "latency" / "throughput": --perf-hint among the compile options.
  std::string perfHint = "latency";
  /// Everything else, in order, for npu-compile.
  std::vector<std::string> compileArgs;
};

/// Version: --version, print the version line and exit 0.
enum class ParseResult { Run, Help, Version, UsageError };

/// Parses the arguments (without argv[0]). On UsageError `error` says why.
ParseResult parseBenchmarkArgs(const std::vector<std::string> &args,
                               BenchmarkOptions &options, std::string &error);

} // namespace npu::bench

#endif // NPU_TOOLS_NPU_BENCHMARK_BENCHMARKOPTIONS_H
