//===- Npy.h - Reading and writing NumPy .npy files ------------*- C++ -*-===//
//
// NumPy's .npy format (versions 1.0 to 3.0), little-endian, C order. Fortran
// order and object arrays are rejected with a message; nothing here throws.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_SUPPORT_NPY_H
#define NPU_SUPPORT_NPY_H

#include "npu/Support/HostTensor.h"

#include <string>

namespace npu {

/// Parses an in-memory .npy image. On failure returns false and sets `error`.
bool parseNpy(const void *data, size_t size, HostTensor &out,
              std::string &error);
/// Reads a .npy file. On failure returns false and sets `error` (which names
/// the file).
bool readNpy(const std::string &path, HostTensor &out, std::string &error);
/// Serialises a tensor as a version 1.0 .npy image.
std::string serializeNpy(const HostTensor &t);
/// Writes a .npy file (replacing it). On failure returns false and sets
/// `error`.
bool writeNpy(const std::string &path, const HostTensor &t, std::string &error);

} // namespace npu

#endif // NPU_SUPPORT_NPY_H
