//===- Format.h - The blob container: header, sections, checksum -*- C++
//-*-===//
//
// A blob is: a 64-byte little-endian FileHeader, the metadata section (a
// FlatBuffer of schema/npu_blob.fbs) and the raw weights section, which
// starts at a multiple of kWeightsAlignment so that a loader can map it in
// place. docs/blob-format.md is the normative description, including the
// compatibility rules of the version numbers.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_BLOB_FORMAT_H
#define NPU_BLOB_FORMAT_H

#include <cstddef>
#include <cstdint>

namespace npu::blob {

/// "NPUBLOB" followed by a NUL.
constexpr char kMagic[8] = {'N', 'P', 'U', 'B', 'L', 'O', 'B', '\0'};
/// A reader accepts exactly its major version and any minor version (minor
/// versions only add optional fields that older readers may ignore).
constexpr uint16_t kFormatVersionMajor = 1;
/// The newest minor version this writer knows. The writer records the
/// oldest minor version that has every field a blob uses: 1.0 without
/// state variables, 1.1 with (docs/blob-format.md), 1.2 with SHAVE chains
/// (which a 1.1 reader rejects as an unknown task kind), so that a blob
/// without them keeps the bytes it had before.
constexpr uint16_t kFormatVersionMinor = 2;
constexpr uint16_t kFormatVersionMinorStates = 1;
constexpr uint16_t kFormatVersionMinorShaveChains = 2;
constexpr uint64_t kWeightsAlignment = 4096;
constexpr size_t kHeaderSize = 64;

/// The fixed header, as stored (little-endian, no padding).
struct FileHeader {
  char magic[8];
  uint16_t versionMajor;
  uint16_t versionMinor;
  uint32_t platform; ///< arch::Platform.
  uint64_t fileSize; ///< Total blob size in bytes.
  uint64_t metadataOffset;
  uint32_t metadataSize;
  uint32_t metadataCrc;   ///< CRC-32 of the metadata section.
  uint64_t weightsOffset; ///< Multiple of kWeightsAlignment.
  uint64_t weightsSize;
  uint32_t weightsCrc; ///< CRC-32 of the weights section.
  uint32_t headerCrc;  ///< CRC-32 of the 60 bytes before this field.
};
static_assert(sizeof(FileHeader) == kHeaderSize, "header layout");

/// CRC-32 (IEEE 802.3, reflected, as zlib's crc32), continuing from `crc`.
uint32_t crc32(const void *data, size_t size, uint32_t crc = 0);

} // namespace npu::blob

#endif // NPU_BLOB_FORMAT_H
