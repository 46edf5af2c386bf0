//===- Pipeline.h - The compile pipeline and its entry points ---*- C++ -*-===//
//
// One pass pipeline from the imported (origin) module to the blob, built
// stage by stage from CompileOptions (see CompileOptions.h for the stages),
// and the compiler's entry points: compileModel (ONNX file -> module at
// options.compileTo) and compileToBlob. The tools are flag parsing plus one
// call to these.
//
// Kept free of MLIR's pass headers: callers that build pipelines include
// mlir/Pass/PassManager.h themselves.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_PIPELINE_PIPELINE_H
#define NPU_PIPELINE_PIPELINE_H

#include "npu/Pipeline/CompileOptions.h"

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace mlir {
class MLIRContext;
class ScopedDiagnosticHandler;
class ModuleOp;
class OpPassManager;
template <typename OpTy> class OwningOpRef;
} // namespace mlir

namespace npu {

/// Adds the passes taking the previous stage's IR to one stage's. Stages
/// read the target from the module (npu::getHardware), everything else from
/// the options.
using StageBuilder = std::function<mlir::LogicalResult(mlir::OpPassManager &,
                                                       const CompileOptions &)>;

/// Adds the passes taking a module from options.compileFrom to
/// options.compileTo to `pm` (a pass manager on builtin.module), ending each
/// stage with a marker pass that StageInstrumentation turns into the stage's
/// dump and progress line. Fails, with an error on stderr, if a stage in the
/// range is not implemented yet or does not exist with the precision.
mlir::LogicalResult buildCompilePipeline(mlir::OpPassManager &pm,
                                         const CompileOptions &options);

/// Runs the pipeline from options.compileFrom to options.compileTo on
/// `module` with one pass manager: stage dumps, pass timing (options.timing)
/// and progress lines as the options ask.
mlir::LogicalResult runCompilePipeline(mlir::ModuleOp module,
                                       const CompileOptions &options);

/// Imports the ONNX model at `modelPath`, records the target on the module
/// (`npu.target`), writes the origin dump and runs the pipeline to
/// options.compileTo. Errors have been reported (diagnostics or stderr).
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
compileModel(llvm::StringRef modelPath, mlir::MLIRContext &context,
             const CompileOptions &options);

/// Compiles the ONNX model at `modelPath` to a blob. On failure returns
/// failure and sets `error` (diagnostics may have been printed too).
mlir::LogicalResult compileToBlob(llvm::StringRef modelPath,
                                  const CompileOptions &options,
                                  std::vector<uint8_t> &blobBytes,
                                  std::string &error);

/// Code generation of `module`, a module at the hwops stage (compileModel
/// with compileTo = HwOps), into blob bytes: what compileToBlob does after
/// the graph stages, for callers that also use the module (npu-compare runs
/// it on the interpreter). On failure sets `error`.
mlir::LogicalResult generateBlobFromModule(mlir::ModuleOp module,
                                           const CompileOptions &options,
                                           std::vector<uint8_t> &blobBytes,
                                           std::string &error);

/// Writes `module` as MLIR to `path` ("-" for stdout), creating missing
/// parent directories. On failure sets `error` (with the reason).
mlir::LogicalResult writeModule(mlir::ModuleOp module, llvm::StringRef path,
                                std::string &error, bool debugInfo = false);

/// The context a compile runs in: every dialect the compiler uses, and
/// diagnostics that name the ONNX node (ONNXDiagnosticHandler, printing to
/// diagnosticStream()), never the IR a user never needs printed.
class CompilerContext {
public:
  CompilerContext();
  ~CompilerContext();
  mlir::MLIRContext &get() { return *context_; }

private:
  std::unique_ptr<mlir::MLIRContext> context_;
  std::unique_ptr<mlir::ScopedDiagnosticHandler> diagnostics_;
};

/// Print "<tool>: error: <message>" / "<tool>: warning: <message>" on
/// diagnosticStream(): the form of every message the tools print themselves.
void printError(llvm::StringRef tool, const llvm::Twine &message);
void printWarning(llvm::StringRef tool, const llvm::Twine &message);

/// The stream every diagnostic is printed to: printError, printWarning and
/// the MLIR diagnostics (errors, warnings, notes, remarks) of a
/// CompilerContext. It writes to stderr, unbuffered (in order with the
/// other lines there), and appends to every DiagnosticRecorder alive.
/// Progress lines, timing reports and the cache's hit / miss lines are not
/// diagnostics: they go to llvm::errs() directly; the cache's warnings are
/// printed where no compile is recorded (ModelCache.cpp).
llvm::raw_ostream &diagnosticStream();

/// While it lives, keeps the text printed to diagnosticStream() (which is
/// still printed): what a compile said, for a cache hit to say again
/// (ModelCache.h). Recorders nest (each keeps what was printed in its
/// lifetime) and must be destroyed in the reverse order of construction.
class DiagnosticRecorder {
public:
  DiagnosticRecorder();
  ~DiagnosticRecorder();
  DiagnosticRecorder(const DiagnosticRecorder &) = delete;
  DiagnosticRecorder &operator=(const DiagnosticRecorder &) = delete;
  const std::string &text() const { return text_; }

private:
  friend class DiagnosticStream;
  DiagnosticRecorder *outer_;
  std::string text_;
};

/// Registers `npu-canonical-pipeline` etc. with the pass registry.
void registerPipelines();

} // namespace npu

#endif // NPU_PIPELINE_PIPELINE_H
