//===- ScratchAllocator.h - Liveness-based first-fit allocation -*- C++ -*-===//
//
// Places buffers with live ranges [first, last] (inclusive step indices of
// the schedule) into one linear address space so that two buffers whose
// ranges intersect never overlap in memory, reusing the bytes of buffers
// that are dead. First fit: buffers are placed in order of their first step
// (then of their index), each at the lowest aligned offset that is free for
// its whole range. Used for the DDR scratch of code generation; plain C++ so
// that it is unit-tested on its own.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TARGET_BLOB_SCRATCHALLOCATOR_H
#define NPU_TARGET_BLOB_SCRATCHALLOCATOR_H

#include <cstdint>
#include <vector>

namespace npu::target {

/// One buffer to place: alive from step `first` to step `last` inclusive.
struct LiveRange {
  uint64_t first = 0;
  uint64_t last = 0;
  uint64_t size = 0;
};

struct ScratchLayout {
  std::vector<uint64_t> offsets; ///< One per LiveRange, in input order.
  uint64_t totalSize = 0;        ///< End of the highest buffer, aligned.
};

/// Rounds `v` up to a multiple of `alignment` (a power of two or any > 0).
inline uint64_t alignTo(uint64_t v, uint64_t alignment) {
  return alignment <= 1 ? v : (v + alignment - 1) / alignment * alignment;
}

/// First-fit placement with reuse; offsets are multiples of `alignment`.
/// Deterministic: depends only on the ranges and their order.
ScratchLayout allocateScratch(const std::vector<LiveRange> &ranges,
                              uint64_t alignment = 64);

} // namespace npu::target

#endif // NPU_TARGET_BLOB_SCRATCHALLOCATOR_H
