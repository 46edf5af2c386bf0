//===- BlobFuzzer.cpp - libFuzzer target for the blob reader -------------===//
//
// Feeds arbitrary bytes to the reader and verifier; any blob they accept
// (small enough) is also executed on the device model, which must report
// errors, never crash. Seeds: the sample blobs and blobs compiled from small
// models (fuzz/blob/corpus). Build and run it with `scripts/fuzz.sh blob`
// (docs/fuzzing.md).
//
//===----------------------------------------------------------------------===//

#include "npu/Blob/BlobReader.h"
#include "npu/Simulator/Executor.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

/// Every other input gets its size and checksums repaired, so that
/// mutations reach the FlatBuffers verifier and the semantic checks instead
/// of stopping at a CRC mismatch.
std::vector<uint8_t> repairChecksums(const uint8_t *data, size_t size) {
  using namespace npu::blob;
  std::vector<uint8_t> bytes(data, data + size);
  if (size < kHeaderSize)
    return bytes;
  FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof(h));
  h.fileSize = size;
  if (h.metadataOffset <= size && h.metadataSize <= size - h.metadataOffset)
    h.metadataCrc = crc32(bytes.data() + h.metadataOffset, h.metadataSize);
  if (h.weightsOffset <= size && h.weightsSize <= size - h.weightsOffset)
    h.weightsCrc = crc32(bytes.data() + h.weightsOffset, h.weightsSize);
  h.headerCrc = crc32(&h, offsetof(FileHeader, headerCrc));
  std::memcpy(bytes.data(), &h, sizeof(h));
  return bytes;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<uint8_t> repaired;
  if (size > 0 && (data[size - 1] & 1)) {
    repaired = repairChecksums(data, size);
    data = repaired.data();
  }
  npu::blob::LoadedBlob b;
  std::string error;
  if (!npu::blob::readBlob(data, size, {}, b, error))
    return 0;
  uint64_t bytes = b.program.memory.scratchSize;
  for (const auto *args : {&b.program.inputs, &b.program.outputs})
    for (const auto &d : *args)
      bytes += d.byteSize();
  if (bytes > (1u << 22))
    return 0;
  std::vector<std::vector<uint8_t>> mem;
  std::vector<npu::sim::ArgMemory> ins, outs;
  for (const auto &d : b.program.inputs) {
    mem.emplace_back(d.byteSize() + 1, 0x5A);
    ins.push_back({mem.back().data(), d.byteSize()});
  }
  for (const auto &d : b.program.outputs) {
    mem.emplace_back(d.byteSize() + 1, 0);
    outs.push_back({mem.back().data(), d.byteSize()});
  }
  npu::sim::DeviceState state;
  npu::sim::RunProfile profile;
  npu::sim::execute(b, ins, outs, state, &profile, error);
  return 0;
}
