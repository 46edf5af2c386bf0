//===- OutputFiles.cpp - The files a compile reads ------------------------===//

#include "npu/Pipeline/OutputFiles.h"

#include "npu/Support/Files.h"

#include "llvm/Support/FileSystem.h"

namespace npu {

std::vector<NamedFile> compileInputFiles(const std::string &modelPath,
                                         const CompileOptions &options) {
  std::vector<NamedFile> reads = {
      {modelPath, "the input model"},
      {options.calibration.tableInputPath, "the --use-calib-table input"}};
  const std::string &calibDir = options.calibration.dataDir;
  std::error_code ec;
  if (!calibDir.empty() && llvm::sys::fs::is_directory(calibDir))
    for (llvm::sys::fs::recursive_directory_iterator it(calibDir, ec), end;
         it != end && !ec; it.increment(ec))
      reads.push_back({it->path(), "a calibration sample"});
  else if (!calibDir.empty())
    reads.push_back({calibDir, "a calibration sample"});
  return reads;
}

} // namespace npu
