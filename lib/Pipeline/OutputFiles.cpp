//===- OutputFiles.cpp - Checking the files a compile writes --------------===//

#include "npu/Pipeline/OutputFiles.h"

#include "npu/Support/Files.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

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

namespace {
/// `path` absolute, without "." and ".." components.
std::string normalized(const std::string &path) {
  llvm::SmallString<256> p(path);
  llvm::sys::fs::make_absolute(p);
  llvm::sys::path::remove_dots(p, /*remove_dot_dot=*/true);
  return std::string(p);
}
} // namespace

bool checkOutputFiles(const std::vector<NamedFile> &writes,
                      const std::vector<NamedFile> &reads, std::string &error) {
  auto skipped = [](const std::string &path) {
    return path.empty() || path == "-" ||
           llvm::StringRef(path).starts_with("/dev/");
  };
  for (size_t i = 0; i < writes.size(); ++i) {
    const NamedFile &w = writes[i];
    if (skipped(w.path))
      continue;
    for (const NamedFile &r : reads)
      if (!r.path.empty() && isSameFile(w.path, r.path)) {
        error = w.what + " '" + w.path + "' is " + r.what +
                "; refusing to overwrite it";
        return false;
      }
    for (size_t j = 0; j < i; ++j) {
      const NamedFile &v = writes[j];
      // Neither exists yet: the same path is the same file.
      if (!skipped(v.path) && (normalized(v.path) == normalized(w.path) ||
                               isSameFile(v.path, w.path))) {
        error = w.what + " '" + w.path + "' is also " + v.what +
                "; give them different files";
        return false;
      }
    }
    if (!prepareOutputFile(w.path, error))
      return false;
  }
  return true;
}

} // namespace npu
