//===- CommandLine.h - The compile options every tool shares ----*- C++ -*-===//
//
// One registration of the compiler's command-line options (--target,
// --precision, --calib-*, --perf-hint, --tiles, --input-shape,
// --input-value, --state, --compile-to, --dump-stages, --timing, --progress)
// for npu-compile and npu-interpret, and their validation into CompileOptions:
// a bad value is an error naming the valid ones.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_PIPELINE_COMMANDLINE_H
#define NPU_PIPELINE_COMMANDLINE_H

#include "npu/Pipeline/CompileOptions.h"

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <vector>

namespace llvm::cl {
class OptionCategory;
} // namespace llvm::cl

namespace npu {

/// Which of the shared options a tool registers (a tool may have its own
/// option of the same name).
struct CommandLineConfig {
  /// --timing: pass timing. npu-interpret has its own --timing.
  bool timing = true;
  /// --fp16-if-faster: only compileToBlob (npu-compile) acts on it.
  bool fp16IfFaster = true;
  /// --input-value. npu-interpret takes values with its --input.
  bool inputValues = true;
  /// --stage as an alias of --compile-to (npu-interpret's older name).
  bool stageAlias = false;
  /// --state. npu-compare compares one inference, every argument the
  /// user's, and sets StateOptions::autoDetect off.
  bool state = true;
  /// Shared options registered but not listed by --help (nor
  /// --help-hidden), by name: the tool refuses them with its own error
  /// (npu-compare's --compile-to and --expose-tensors).
  std::vector<llvm::StringRef> unlisted;
};

/// Registers the shared options in `category`. Call once, before
/// llvm::cl::ParseCommandLineOptions.
void registerCompileCommandLine(llvm::cl::OptionCategory &category,
                                const CommandLineConfig &config = {});

/// Fills `options` from the parsed command line. Errors and warnings are
/// printed as "<tool>: error: ..." on stderr.
/// A tool's whole command line: registers the shared compile options in
/// `category` (with `config`), hides every option outside it, parses
/// argv (exiting on a usage error, as llvm::cl does) and fills `options`.
/// Fails, with the error printed, when the option values are invalid.
mlir::LogicalResult parseCompileCommandLine(
    int argc, char **argv, llvm::cl::OptionCategory &category,
    llvm::StringRef overview, llvm::StringRef tool, CompileOptions &options,
    const CommandLineConfig &config = {});

mlir::LogicalResult compileOptionsFromCommandLine(llvm::StringRef tool,
                                                  CompileOptions &options);

/// True if --compile-to (or its alias) was given on the command line.
bool isCompileToGiven();

/// Warns that --precision-report is not written when `options` (mixed
/// precision, a report path) stop before the calibrated stage, where the
/// layers are chosen; the same for --calib-table, which calibration
/// writes. compileOptionsFromCommandLine calls it when
/// --compile-to is given; without it, a tool calls it once it has settled
/// the last stage (npu-compile from -o).
void warnIfStageOutputsUnwritten(llvm::StringRef tool,
                                 const CompileOptions &options);

} // namespace npu

#endif // NPU_PIPELINE_COMMANDLINE_H
