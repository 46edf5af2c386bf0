//===- Files.h - Small helpers the command-line tools share -----*- C++ -*-===//
//
// Plain C++ (no MLIR, no LLVM) so that the runtime's tools use them too.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_SUPPORT_FILES_H
#define NPU_SUPPORT_FILES_H

#include <string>

namespace npu {

/// Splits an option value "NAME=VALUE" at its first '='. False if there is
/// no '=' or NAME is empty.
bool splitNameValue(const std::string &spec, std::string &name,
                    std::string &value);

/// True if both paths name the same existing file (so that a tool never
/// writes over a file the user gave it to read).
bool isSameFile(const std::string &a, const std::string &b);

} // namespace npu

#endif // NPU_SUPPORT_FILES_H
