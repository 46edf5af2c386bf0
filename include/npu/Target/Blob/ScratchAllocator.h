//===- ScratchAllocator.h - Liveness-based allocation -----------*- C++ -*-===//
//
// Places buffers with live ranges [first, last] (inclusive indices of a
// schedule) into one linear address space so that two buffers whose ranges
// intersect never overlap in memory, reusing the bytes of buffers that are
// dead. Three placements:
//   - first fit (allocateScratch): buffers in order of their first index
//     (then of their input order), each at the lowest aligned offset free
//     for its whole range;
//   - largest first (allocateLargestFirst): buffers by decreasing size
//     (then first index, then input order), each in the smallest free gap
//     that holds it for its whole range (the lowest such gap on ties),
//     which packs mixed sizes more tightly;
//   - cheapest reuse (allocateCheapestReuse): in order of birth, where
//     reusing bytes costs the least by a given measure, within a capacity.
// A range with `fixed` set keeps that offset and the others avoid it. Used
// for the DDR scratch and the CMX of each tile by memory assignment
// (AssignMemory.h); plain C++ so that it is unit-tested on its own.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TARGET_BLOB_SCRATCHALLOCATOR_H
#define NPU_TARGET_BLOB_SCRATCHALLOCATOR_H

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace npu::target {

/// One buffer to place: alive from index `first` to index `last`
/// inclusive, `size` bytes (0 counts as 1).
struct LiveRange {
  LiveRange() = default;
  LiveRange(uint64_t first, uint64_t last, uint64_t size,
            std::optional<uint64_t> fixed = std::nullopt)
      : first(first), last(last), size(size), fixed(fixed) {}

  uint64_t first = 0;
  uint64_t last = 0;
  uint64_t size = 0;
  /// An offset the buffer already has (not moved).
  std::optional<uint64_t> fixed;
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

/// Largest-first best-fit placement with reuse; offsets are multiples of
/// `alignment`. Deterministic like allocateScratch.
ScratchLayout allocateLargestFirst(const std::vector<LiveRange> &ranges,
                                   uint64_t alignment = 64);

/// The tighter of allocateScratch and allocateLargestFirst (first fit on
/// ties).
ScratchLayout allocatePacked(const std::vector<LiveRange> &ranges,
                             uint64_t alignment = 64);

/// What it costs to place buffer `next` on bytes buffer `previous` held
/// (`previous` died before `next` is born): 0 when nothing must wait for
/// it, more the worse.
using ReuseCost = std::function<uint64_t(size_t previous, size_t next)>;

/// Placement in order of birth, each buffer at the lowest offset among the
/// cheapest ones: a run of free bytes costs the most of `reuseCost` of the
/// buffers that last held its bytes (never-used bytes cost 0). Empty when
/// the buffers do not fit in `capacity` bytes this way. Ranges with
/// `fixed` keep their offset; before their birth they are obstacles to the
/// buffers whose ranges meet theirs.
std::optional<ScratchLayout>
allocateCheapestReuse(const std::vector<LiveRange> &ranges, uint64_t capacity,
                      const ReuseCost &reuseCost, uint64_t alignment = 64);

/// The most bytes (each size aligned) alive at one index: no placement of
/// the ranges can end lower.
uint64_t peakLiveBytes(const std::vector<LiveRange> &ranges,
                       uint64_t alignment = 64);

} // namespace npu::target

#endif // NPU_TARGET_BLOB_SCRATCHALLOCATOR_H
