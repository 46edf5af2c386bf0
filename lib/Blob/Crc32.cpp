//===- Crc32.cpp - CRC-32 of blob sections --------------------------------===//
//
// Slicing-by-8 table CRC-32 (polynomial 0xEDB88320): weights sections reach
// tens of megabytes, and a byte-at-a-time loop would dominate loading.
//
//===----------------------------------------------------------------------===//

#include "npu/Blob/Format.h"

#include <cstring>

namespace npu::blob {

namespace {
struct Tables {
  uint32_t t[8][256];
  Tables() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i)
      for (int s = 1; s < 8; ++s)
        t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
  }
};
const Tables &tables() {
  static const Tables tb;
  return tb;
}
} // namespace

uint32_t crc32(const void *data, size_t size, uint32_t crc) {
  const Tables &tb = tables();
  const uint8_t *p = static_cast<const uint8_t *>(data);
  crc = ~crc;
  while (size >= 8) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + 4, 4);
    lo ^= crc;
    crc = tb.t[7][lo & 0xFF] ^ tb.t[6][(lo >> 8) & 0xFF] ^
          tb.t[5][(lo >> 16) & 0xFF] ^ tb.t[4][lo >> 24] ^ tb.t[3][hi & 0xFF] ^
          tb.t[2][(hi >> 8) & 0xFF] ^ tb.t[1][(hi >> 16) & 0xFF] ^
          tb.t[0][hi >> 24];
    p += 8;
    size -= 8;
  }
  while (size--)
    crc = tb.t[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

} // namespace npu::blob
