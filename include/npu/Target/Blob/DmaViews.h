//===- DmaViews.h - Strided copies as DMA tasks of rank <= 5 ----*- C++ -*-===//
//
// Data movement (transpose, slice, concat, result copies) is a strided copy
// between two byte-strided views of one shape. A DMA task takes views of
// rank 1-5, so a copy is first simplified (dimensions of size 1 dropped,
// dimensions contiguous in both views merged) and, if still deeper, split
// into one DMA per index of its outer dimensions. Large copies are split
// over their outer dimension into two halves so both DMA ports work.
// Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TARGET_BLOB_DMAVIEWS_H
#define NPU_TARGET_BLOB_DMAVIEWS_H

#include <cstdint>
#include <string>
#include <vector>

namespace npu::target {

/// One DMA: `shape` elements, source and destination byte offsets and
/// strides (outermost first).
struct CopyPiece {
  uint64_t srcOffset = 0, dstOffset = 0;
  std::vector<uint32_t> shape;
  std::vector<uint64_t> srcStrides, dstStrides;
};

struct CopyRequest {
  std::vector<uint64_t> shape;
  uint64_t srcOffset = 0, dstOffset = 0;
  std::vector<uint64_t> srcStrides, dstStrides;
  uint64_t elemBytes = 1;
  uint32_t maxRank = 5;
  uint64_t maxPieces = 65536;
  /// Copies of at least this many bytes are split in two (0: never).
  uint64_t splitBytes = 0;
};

/// Dense row-major byte strides of `shape`.
std::vector<uint64_t> denseStrides(const std::vector<uint64_t> &shape,
                                   uint64_t elemBytes);

/// Whether elements of `elemBytes` bytes seen with `shape` and byte
/// `strides` (one per dimension) are contiguous in row-major order: dense
/// but for the strides of dimensions of extent 1, which address nothing.
template <typename Extent>
bool isContiguous(const std::vector<Extent> &shape,
                  const std::vector<uint64_t> &strides, uint64_t elemBytes) {
  if (shape.size() != strides.size())
    return false;
  uint64_t stride = elemBytes;
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] == 1)
      continue;
    if (strides[d] != stride)
      return false;
    stride *= shape[d];
  }
  return true;
}

/// The DMAs of one copy. Fails with `error` when a dimension does not fit
/// 32 bits or more than `maxPieces` DMAs would be needed.
bool planCopies(const CopyRequest &req, std::vector<CopyPiece> &out,
                std::string &error);

} // namespace npu::target

#endif // NPU_TARGET_BLOB_DMAVIEWS_H
