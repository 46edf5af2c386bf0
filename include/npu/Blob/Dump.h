//===- Dump.h - Human-readable and JSON views of a blob --------*- C++ -*-===//
//
// What `npu-blob dump` prints: the header, arguments, memory plan, buffers,
// barriers and every task with its operands. The JSON form is stable enough
// for scripts (keys are documented in docs/blob-format.md).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_BLOB_DUMP_H
#define NPU_BLOB_DUMP_H

#include "npu/Blob/BlobReader.h"

#include <string>

namespace npu::blob {

std::string dumpText(const LoadedBlob &blob);
std::string dumpJson(const LoadedBlob &blob);

/// Escapes a string for inclusion in JSON (without the quotes).
std::string jsonEscape(const std::string &s);

} // namespace npu::blob

#endif // NPU_BLOB_DUMP_H
