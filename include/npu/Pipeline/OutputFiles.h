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

#include <string>
#include <vector>

namespace npu {

/// The files a compile of `modelPath` with `options` reads: the model, the
/// --use-calib-table file, and every calibration sample (each file under
/// --calib-data, or that path itself).
std::vector<NamedFile> compileInputFiles(const std::string &modelPath,
                                         const CompileOptions &options);

} // namespace npu

#endif // NPU_PIPELINE_OUTPUTFILES_H
