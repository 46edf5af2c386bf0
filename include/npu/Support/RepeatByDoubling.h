//===- RepeatByDoubling.h - Copies joined by doubling ----------*- C++ -*-===//
//
// Tile, Expand and nearest upsampling by whole factors repeat a tensor
// along an axis with concatenations (DMA copies on the device). Joined by
// doubling, `count` copies take about log2(count) + 1 concatenations and
// move about twice the result's bytes.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_SUPPORT_REPEATBYDOUBLING_H
#define NPU_SUPPORT_REPEATBYDOUBLING_H

#include <cstdint>
#include <vector>

namespace npu {

/// `count` (>= 1) copies of `v`, joined along one axis: `join(parts)`
/// concatenates the values in `parts` (2 or more) along that axis, in
/// order, and returns the result.
template <typename T, typename Join>
T repeatByDoubling(T v, int64_t count, Join join) {
  std::vector<T> parts;
  T power = v;
  for (int64_t k = count; k > 0; k >>= 1) {
    if (k & 1)
      parts.push_back(power);
    if (k > 1)
      power = join(std::vector<T>{power, power});
  }
  return parts.size() == 1 ? parts.front() : join(parts);
}

} // namespace npu

#endif // NPU_SUPPORT_REPEATBYDOUBLING_H
