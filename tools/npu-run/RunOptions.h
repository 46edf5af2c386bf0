//===- RunOptions.h - npu-run's command line --------------------*- C++ -*-===//
//
// npu-run's argument parsing as a function, so that its fuzz target
// (fuzz/RunArgsFuzzer.cpp) runs exactly what the tool runs. Plain C++: it
// neither loads nor touches any file.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TOOLS_NPU_RUN_RUNOPTIONS_H
#define NPU_TOOLS_NPU_RUN_RUNOPTIONS_H

#include "npu/Runtime/Core.h"

#include <string>
#include <utility>
#include <vector>

namespace npu::run {

extern const char *const kUsage;

struct RunOptions {
  std::string blobPath;
  std::string outDir = ".";
  std::string tracePath;
  runtime::ModelConfig config;
  /// --input NAME=FILE, in the order given.
  std::vector<std::pair<std::string, std::string>> inputs;
  /// --json FILE: the run's timings as JSON (docs/benchmark.md); with
  /// --properties, the properties.
  std::string jsonPath;
  int iterations = 1;
  int requests = 1;
  /// --steps N: run a stream of N inferences on one request, carrying the
  /// state; every --input holds N steps stacked on its first axis, every
  /// output is written stacked the same way (0: not a stream).
  int steps = 0;
  /// --state-in NAME=FILE: the initial value of state variable NAME.
  std::vector<std::pair<std::string, std::string>> stateIn;
  /// --state-out DIR: write the final state values as DIR/<name>.npy.
  std::string stateOutDir;
  bool list = false;
  /// --properties: print the model's and the device's properties, run
  /// nothing.
  bool properties = false;
  /// --fill-inputs: inputs without --input get generated values.
  bool fillInputs = false;
  bool printProfile = false;
};

enum class ParseResult {
  Run,        ///< `options` is complete
  Help,       ///< -h / --help: print kUsage and exit 0
  Version,    ///< --version: print the version line and exit 0
  UsageError, ///< `error` says what is wrong: exit 2
};

/// Parses npu-run's arguments (without argv[0]). Stops at the first -h /
/// --help or error, as the tool does.
ParseResult parseRunArgs(const std::vector<std::string> &args,
                         RunOptions &options, std::string &error);

} // namespace npu::run

#endif // NPU_TOOLS_NPU_RUN_RUNOPTIONS_H
