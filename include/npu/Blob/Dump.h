//===- Dump.h - Human-readable and JSON views of a blob --------*- C++ -*-===//
//
// What `npu-blob dump` prints: the header, arguments, memory plan, buffers,
// barriers and every task with its operands. The JSON form is stable enough
// for scripts (keys are documented in docs/blob-format.md). JSON is written
// with nlohmann/json, also by the simulator's trace and npu-run's reports.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_BLOB_DUMP_H
#define NPU_BLOB_DUMP_H

#include "npu/Blob/BlobReader.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace npu::blob {

std::string dumpText(const LoadedBlob &blob);
std::string dumpJson(const LoadedBlob &blob);

/// `s` for a terminal: its well-formed UTF-8 characters (RFC 3629) as they
/// are, control characters and bytes of malformed UTF-8 (a corrupt blob's
/// names, or a model's in another encoding) as `\xNN`.
std::string printable(const std::string &s);

/// `j` as JSON text (nlohmann/json): compact, or with `indent` spaces per
/// level; malformed UTF-8 in strings becomes U+FFFD, so the text is always
/// valid JSON.
std::string jsonText(const nlohmann::ordered_json &j, int indent = -1);

} // namespace npu::blob

#endif // NPU_BLOB_DUMP_H
