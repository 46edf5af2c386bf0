//===- StageTable.h - The stages and the passes that produce them -*- C++ -*-=//
//
// Private to lib/Pipeline: one entry per stage, in order, with its names and
// the function that adds the passes taking the previous stage to it. A back
// end stage is added by filling in its entry's builder in Stages.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_PIPELINE_STAGETABLE_H
#define NPU_LIB_PIPELINE_STAGETABLE_H

#include "npu/Pipeline/Pipeline.h"

#include "llvm/ADT/ArrayRef.h"

namespace npu {

struct StageInfo {
  Stage stage;
  /// The name with int8 precision.
  const char *name;
  /// The name with fp16 precision; nullptr if the stage does not exist then.
  const char *fp16Name;
  /// Adds the passes from the previous stage to this one; empty if the stage
  /// is not a separate stage yet (Origin has none: the importer produces
  /// it; Blob has none: it serialises the addressed stage).
  StageBuilder build;
};

/// Every stage, in pipeline order.
llvm::ArrayRef<StageInfo> stageTable();

/// The entry of `stage`.
const StageInfo &stageInfo(Stage stage);

/// False for the stages that are not separate MLIR stages yet (tasks: code
/// generation does its work on the way to addressed). The pipeline passes
/// through them; they cannot be compiled to or from, and have no dump.
bool isSeparateStage(Stage stage);

/// The canonical stage's passes (also registered as npu-canonical-pipeline).
void addCanonicalizationPasses(mlir::OpPassManager &pm);

} // namespace npu

#endif // NPU_LIB_PIPELINE_STAGETABLE_H
