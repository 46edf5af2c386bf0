//===- ScratchAllocator.cpp - Liveness-based first-fit allocation ---------===//
//
// A buffer's candidate offsets are 0 and the aligned ends of the buffers
// already placed whose live ranges intersect it; the lowest candidate that
// overlaps none of them wins. Quadratic, which is fine for the few thousand
// tensors of a model.
//
//===----------------------------------------------------------------------===//

#include "npu/Target/Blob/ScratchAllocator.h"

#include <algorithm>
#include <numeric>

namespace npu::target {

ScratchLayout allocateScratch(const std::vector<LiveRange> &ranges,
                              uint64_t alignment) {
  ScratchLayout layout;
  layout.offsets.assign(ranges.size(), 0);
  std::vector<size_t> order(ranges.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return ranges[a].first < ranges[b].first;
  });

  std::vector<size_t> placed;
  for (size_t i : order) {
    const LiveRange &r = ranges[i];
    uint64_t size = alignTo(std::max<uint64_t>(r.size, 1), alignment);
    // Buffers alive at the same time as r, by offset.
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    for (size_t j : placed) {
      const LiveRange &o = ranges[j];
      if (o.first <= r.last && r.first <= o.last)
        busy.push_back({layout.offsets[j],
                        layout.offsets[j] +
                            alignTo(std::max<uint64_t>(o.size, 1), alignment)});
    }
    std::sort(busy.begin(), busy.end());
    uint64_t offset = 0;
    for (const auto &[lo, hi] : busy) {
      if (offset + size <= lo)
        break; // Fits in the gap before this buffer.
      offset = std::max(offset, hi);
    }
    layout.offsets[i] = offset;
    layout.totalSize = std::max(layout.totalSize, offset + size);
    placed.push_back(i);
  }
  return layout;
}

} // namespace npu::target
