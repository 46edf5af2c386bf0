//===- ProgramIdentity.h - The compile's options and state in the program -===//
//
// Private to lib/Pipeline: the last pass of the addressed stage. It records
// in the nputask.program what of the compile options changes the blob (as
// its options hash) and the model's state variables (--state or found by
// name), so that the addressed stage serialises to exactly the blob
// npu-compile writes.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_PIPELINE_PROGRAMIDENTITY_H
#define NPU_LIB_PIPELINE_PROGRAMIDENTITY_H

#include "npu/Pipeline/CompileOptions.h"

#include "mlir/Pass/Pass.h"

#include <memory>

namespace npu {

/// The pass; `options` must outlive it. The options hash covers code
/// generation's options (the program's hash on entry), the precision, the
/// calibration method and where ranges come from, the debug options and
/// the state pairs. Not the spelling of paths: the same data or table
/// named another way gives the same bytes (the model cache's key hashes
/// their contents, docs/cache.md).
std::unique_ptr<mlir::Pass>
createRecordProgramIdentityPass(const CompileOptions &options);

} // namespace npu

#endif // NPU_LIB_PIPELINE_PROGRAMIDENTITY_H
