//===- BlobReader.h - Verifying and decoding blobs -------------*- C++ -*-===//
//
// Loading verifies everything before use: the header (magic, version,
// target, section bounds, checksums), the metadata's FlatBuffer structure,
// and then the Program's semantics (Verifier.h). A blob that fails any check
// is rejected with a message saying what is wrong; nothing here crashes,
// throws or asserts on the blob's content.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_BLOB_BLOBREADER_H
#define NPU_BLOB_BLOBREADER_H

#include "npu/Blob/Format.h"
#include "npu/Blob/Program.h"

#include <optional>
#include <string>
#include <vector>

namespace npu::blob {

struct ReadOptions {
  /// Reject blobs compiled for another platform.
  std::optional<arch::Platform> expectedPlatform;
  /// Check the weights section's CRC now. A loader deferring weight loading
  /// passes false and calls verifyWeights later.
  bool verifyWeights = true;
};

/// A verified blob. `weights` points into the caller's bytes, which must
/// outlive this object.
struct LoadedBlob {
  FileHeader header{};
  Program program;
  const uint8_t *weights = nullptr;
  uint64_t weightsSize = 0;
};

/// Checks the header alone (magic, version, platform, section bounds,
/// header CRC). Used by tools that only peek.
bool readHeader(const void *data, size_t size, FileHeader &out,
                std::string &error);

/// Verifies and decodes a whole blob. On failure returns false and sets
/// `error`.
bool readBlob(const void *data, size_t size, const ReadOptions &options,
              LoadedBlob &out, std::string &error);

/// The state variables of a blob that was verified before (the runtime
/// reads them once the driver has accepted the blob): checks the header,
/// the metadata's checksum and structure, not the program's semantics.
bool readStateVars(const void *data, size_t size, std::vector<StateVar> &out,
                   std::string &error);

/// Checks the weights section's CRC against the header.
bool verifyWeights(const LoadedBlob &blob, std::string &error);

/// Reads a whole file into memory. On failure returns false and sets
/// `error`.
bool readFile(const std::string &path, std::vector<uint8_t> &out,
              std::string &error);

} // namespace npu::blob

#endif // NPU_BLOB_BLOBREADER_H
