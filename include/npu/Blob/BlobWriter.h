//===- BlobWriter.h - Serialising a Program into a blob --------*- C++ -*-===//
//
// Program + weights bytes -> blob bytes. The output is deterministic: the
// same Program and weights always give the same bytes. The writer does not
// verify; call verifyProgram (Verifier.h) first when the Program comes from
// an untrusted producer.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_BLOB_BLOBWRITER_H
#define NPU_BLOB_BLOBWRITER_H

#include "npu/Blob/Program.h"

#include <string>
#include <vector>

namespace npu::blob {

/// Serialises `program` with a weights section holding `weights`.
std::vector<uint8_t> writeBlob(const Program &program,
                               const std::vector<uint8_t> &weights);

/// Writes bytes to a file. On failure returns false and sets `error`.
bool writeFile(const std::string &path, const std::vector<uint8_t> &bytes,
               std::string &error);

} // namespace npu::blob

#endif // NPU_BLOB_BLOBWRITER_H
