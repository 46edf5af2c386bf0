//===- Version.h - The project's version -----------------------*- C++ -*-===//
//
// One version for every tool and for what the compiler records (the blob's
// compiler version, the cache key). Bump it with a release.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_SUPPORT_VERSION_H
#define NPU_SUPPORT_VERSION_H

namespace npu {

/// The version of npu-compile and its tools (semantic versioning).
inline constexpr const char *kVersion = "0.1.0";

} // namespace npu

#endif // NPU_SUPPORT_VERSION_H
