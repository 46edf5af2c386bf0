//===- Dma.cpp - Functional model of a DMA transfer -----------------------===//
//
// A DMA descriptor moves an N-d box of elements between two strided views
// (this is how the compiler transposes NCHW <-> HWC and slices halos). The
// innermost dimension is copied as one contiguous run when both sides are
// contiguous there.
//
//===----------------------------------------------------------------------===//

#include "npu/Device/Engines.h"

#include <cstring>

namespace npu::device {

uint64_t View::numElements() const {
  uint64_t n = 1;
  for (uint32_t d : shape)
    n *= d;
  return n;
}

uint64_t View::offsetOf(uint64_t i) const {
  uint64_t off = 0;
  for (size_t d = shape.size(); d-- > 0;) {
    off += (i % shape[d]) * strides[d];
    i /= shape[d];
  }
  return off;
}

void runDma(const View &src, const View &dst) {
  size_t rank = src.shape.size();
  uint64_t elem = dtypeSize(src.dtype);
  uint64_t inner = src.shape[rank - 1];
  bool contiguous =
      src.strides[rank - 1] == elem && dst.strides[rank - 1] == elem;
  uint64_t outer = src.numElements() / inner;
  std::vector<uint32_t> idx(rank, 0);
  for (uint64_t row = 0; row < outer; ++row) {
    uint64_t so = 0, dof = 0;
    for (size_t d = 0; d + 1 < rank; ++d) {
      so += idx[d] * src.strides[d];
      dof += idx[d] * dst.strides[d];
    }
    const uint8_t *s = src.data + so;
    uint8_t *t = dst.data + dof;
    if (contiguous) {
      std::memmove(t, s, inner * elem);
    } else {
      for (uint64_t i = 0; i < inner; ++i)
        std::memmove(t + i * dst.strides[rank - 1],
                     s + i * src.strides[rank - 1], elem);
    }
    for (size_t d = rank - 1; d-- > 0;) {
      if (++idx[d] < src.shape[d])
        break;
      idx[d] = 0;
    }
  }
}

} // namespace npu::device
