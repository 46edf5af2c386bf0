//===- SampleInputs.h - Calibration samples for a function -------*- C++
//-*-===//
//
// The passes that run the reference interpreter on samples (npu-calibrate,
// npu-select-precision) open them the same way: one InputInfo per function
// argument (its ONNX name, dtype and static shape) and a directory of .npy /
// .npz samples, or generated standard-normal samples with a warning that
// int8 accuracy is unvalidated.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPU_TRANSFORMS_SAMPLEINPUTS_H
#define NPU_DIALECT_NPU_TRANSFORMS_SAMPLEINPUTS_H

#include "npu/Calibration/DataSource.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <memory>
#include <string>
#include <vector>

namespace npu {

/// The module's one function with a body, or the one named `main`; an
/// error at the module (naming `pass`) otherwise.
mlir::FailureOr<mlir::func::FuncOp> findModelFunction(mlir::ModuleOp module,
                                                      llvm::StringRef pass);

/// One InputInfo per argument of `func`; an error at the argument (naming
/// `pass`) when one is not a static tensor of a supported element type.
mlir::FailureOr<std::vector<calib::InputInfo>>
sampleInputsOf(mlir::func::FuncOp func, llvm::StringRef pass);

/// The samples in `dataDir` for `inputs`, or (empty `dataDir`)
/// `generatedCount` generated ones. With `warn`, a warning at the function
/// says that samples were generated, or names the files of `dataDir` (and
/// of its sub-folders read) that are not samples and were left out, and
/// the sub-folders left out but those named in `toolFolders` (a tool's own
/// output folders in `dataDir`). Errors are emitted at the function.
mlir::FailureOr<std::unique_ptr<calib::SampleSource>>
openSamples(mlir::func::FuncOp func,
            const std::vector<calib::InputInfo> &inputs,
            const std::string &dataDir, size_t generatedCount, bool warn = true,
            llvm::ArrayRef<std::string> toolFolders = {});

} // namespace npu

#endif // NPU_DIALECT_NPU_TRANSFORMS_SAMPLEINPUTS_H
