//===- OutputFiles.h - The files a compile reads ---------------*- C++ -*-===//
//
// The files a compile reads, which no file a tool writes may be
// (npu::checkOutputFiles, Support/Files.h).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_PIPELINE_OUTPUTFILES_H
#define NPU_PIPELINE_OUTPUTFILES_H

#include "npu/Pipeline/CompileOptions.h"
#include "npu/Support/Files.h"

#include <optional>
#include <string>
#include <vector>

namespace npu {

/// The files a compile of `modelPath` with `options` reads: the model, its
/// external data files, the --use-calib-table file, the --input-value
/// files, and the calibration
/// samples (the .npy / .npz files directly in --calib-data, else in its
/// sub-folders, as calibration reads them; or that path itself when it is
/// not a folder).
std::vector<NamedFile> compileInputFiles(const std::string &modelPath,
                                         const CompileOptions &options);

/// The --calib-table and --precision-report files, in that order, each
/// with an empty path where the precision writes none (fp16 calibrates
/// nothing, only mixed chooses layers): a file named for both then is no
/// clash (found by a fresh user).
std::vector<NamedFile> compileOutputFiles(const CompileOptions &options);

/// The files --dump-stages writes (DIR/<stage>.mlir for every stage up to
/// `last`, by default --compile-to, at most the addressed stage; with
/// --precision mixed and --fp16-if-faster compiling a blob, also
/// DIR/fp16/<stage>.mlir); none without it.
std::vector<NamedFile> stageDumpFiles(const CompileOptions &options,
                                      std::optional<Stage> last = std::nullopt);

} // namespace npu

#endif // NPU_PIPELINE_OUTPUTFILES_H
