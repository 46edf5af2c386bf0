//===- OutputFiles.h - Checking the files a compile writes ------*- C++ -*-===//
//
// Before a tool that compiles starts its work: no file it writes may be a
// file it reads or another file it writes, and each one's directories exist.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_PIPELINE_OUTPUTFILES_H
#define NPU_PIPELINE_OUTPUTFILES_H

#include "npu/Pipeline/CompileOptions.h"

#include <string>
#include <vector>

namespace npu {

/// A file a tool reads or writes, and what it is to the user, as a message
/// names it ("the input model", "the --calib-table file").
struct NamedFile {
  std::string path;
  std::string what;
};

/// The files a compile of `modelPath` with `options` reads: the model, the
/// --use-calib-table file, and every calibration sample (each file under
/// --calib-data, or that path itself).
std::vector<NamedFile> compileInputFiles(const std::string &modelPath,
                                         const CompileOptions &options);

/// Checks `writes` before any work: fails with `error` when one is a file of
/// `reads` or of another entry of `writes` (the same file by any path), or
/// a directory; creates each one's missing directories
/// (prepareOutputFile). Empty paths, "-" (standard output) and /dev/...
/// are skipped.
bool checkOutputFiles(const std::vector<NamedFile> &writes,
                      const std::vector<NamedFile> &reads, std::string &error);

} // namespace npu

#endif // NPU_PIPELINE_OUTPUTFILES_H
