//===- NpyFuzzer.cpp - libFuzzer target for the .npy reader ---------------===//
//
// Parses arbitrary bytes as a .npy image. An image the parser accepts must
// hold exactly the bytes its header declares, and must serialise and parse
// again to the same tensor; anything else is a bug the target aborts on.
//
//===----------------------------------------------------------------------===//

#include "npu/Support/Npy.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  npu::HostTensor t;
  std::string error;
  if (!npu::parseNpy(data, size, t, error)) {
    if (error.empty()) {
      std::fprintf(stderr, "npy fuzzer: rejected without an error\n");
      std::abort();
    }
    return 0;
  }
  std::string image = npu::serializeNpy(t);
  npu::HostTensor back;
  if (!npu::parseNpy(image.data(), image.size(), back, error) ||
      back.dtype() != t.dtype() || back.shape() != t.shape() ||
      back.byteSize() != t.byteSize() ||
      (t.byteSize() && std::memcmp(back.raw(), t.raw(), t.byteSize()))) {
    std::fprintf(stderr, "npy fuzzer: round trip failed: %s\n", error.c_str());
    std::abort();
  }
  return 0;
}
