//===- Version.h - The project's version -----------------------*- C++ -*-===//
//
// One version for every tool and for what the compiler records (the blob's
// compiler version, the cache key). Bump it with a release. Plain C++, no
// LLVM: the runtime's tools (npu-run, npu-blob, npu-benchmark) print it too.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_SUPPORT_VERSION_H
#define NPU_SUPPORT_VERSION_H

#include <string>
#include <string_view>

namespace npu {

/// The version of npu-compile and its tools (semantic versioning).
inline constexpr const char *kVersion = "0.1.0";

/// The line every tool's --version prints: "TOOL VERSION (npu-compile)", or
/// "TOOL VERSION (npu-compile, MLIR X.Y.Z)" for a tool built on MLIR (the
/// runtime's tools link none, so they name none).
inline std::string versionLine(std::string_view tool,
                               std::string_view mlirVersion = {}) {
  std::string line(tool);
  line += " ";
  line += kVersion;
  line += " (npu-compile";
  if (!mlirVersion.empty()) {
    line += ", MLIR ";
    line += mlirVersion;
  }
  line += ")\n";
  return line;
}

} // namespace npu

#endif // NPU_SUPPORT_VERSION_H
