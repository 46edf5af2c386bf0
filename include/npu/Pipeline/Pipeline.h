//===- Pipeline.h - The compile pipeline and its stages ---------*- C++ -*-===//
//
// The stages of npu-compile, their names (used by --compile-to, --compile-from
// and the stage dumps) and the pass pipeline between them.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_PIPELINE_PIPELINE_H
#define NPU_PIPELINE_PIPELINE_H

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace npu {

/// Stages in pipeline order. Each stage's IR can be dumped as <name>.mlir.
enum class Stage {
  Origin,    ///< the imported graph, faithful to the ONNX file
  Canonical, ///< compute-only graph: constants folded, BN folded, no identity
};

/// "origin", "canonical", ...
llvm::StringRef stageName(Stage stage);
/// Parses a stage name; nullopt if unknown.
std::optional<Stage> parseStage(llvm::StringRef name);
/// Every stage name, in order, for help texts and error messages.
std::vector<std::string> allStageNames();

struct CompileOptions {
  Stage compileTo = Stage::Canonical;
};

/// Adds the passes that take a module from stage `from` to stage `to`
/// (exclusive of `from`'s own passes) to `pm`.
void buildCompilePipeline(mlir::OpPassManager &pm, Stage from, Stage to,
                          const CompileOptions &options);

/// Registers `npu-canonical-pipeline` etc. with the pass registry.
void registerPipelines();

} // namespace npu

#endif // NPU_PIPELINE_PIPELINE_H
