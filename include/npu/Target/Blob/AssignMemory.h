//===- AssignMemory.h - Tasks stage to addressed program --------*- C++ -*-===//
//
// Memory assignment: the `tasks` stage's program (CMX and scratch buffers
// without offsets, no barriers, every task's schedule) becomes the
// addressed program the blob holds.
//
//   1. Live ranges. A CMX buffer lives from the schedule position of the
//      first task touching it to that of the last one; a scratch buffer
//      from the first to the last *op group* touching it (an op's tasks are
//      not ordered among themselves through DDR, TaskScheduler.h, so two
//      scratch buffers share bytes only across ops).
//   2. Placement with reuse (ScratchAllocator.h), 64-byte aligned. In each
//      tile's CMX, in order of birth, each buffer at the lowest of the
//      offsets whose reuse costs least: bytes never used, or whose reuse
//      the tasks' true dependencies already order (a replay with every
//      buffer apart), cost nothing; other reuse makes the new buffer's
//      first task wait for the old one's last, and costs the more the
//      later that is. Where that does not fit the tile's usable CMX
//      (HardwareDesc::cmxUsableBytes): the planned layout (the
//      `planned_offset` code generation's tiling was planned against), if
//      every buffer has one and it is valid for these live ranges; else
//      the long-lived buffers first from the top; else packed. The DDR
//      scratch: the cheapest reuse within 10 % more bytes than the tighter
//      of first fit and largest first (else that one). A buffer that
//      already has an offset keeps it and is live throughout.
//   3. Barriers, derived again from the tasks' memory hazards at their new
//      addresses by replaying the schedule through TaskScheduler with the
//      same op and step groups (the schedule is a legal serial execution,
//      so the result cannot deadlock): reusing bytes adds exactly the
//      waits it needs.
//   4. The memory plan: CMX bytes used per tile, scratch bytes.
//
// Plain C++ (the npu-assign-memory pass wraps it).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TARGET_BLOB_ASSIGNMEMORY_H
#define NPU_TARGET_BLOB_ASSIGNMEMORY_H

#include "npu/Blob/Program.h"
#include "npu/Target/Blob/TaskScheduler.h"

#include <cstdint>
#include <string>
#include <vector>

namespace npu::target {

/// How a tile's CMX buffers were placed (step 2 above, in order of
/// preference).
enum class CmxPlacement {
  None,           ///< The tile has no buffer to place.
  CheapestReuse,  ///< Where reuse costs least.
  Planned,        ///< The planned layout.
  LongLivedFirst, ///< Long-lived buffers first from the top.
  Packed,         ///< Largest first (or first fit).
};

/// What memory assignment did, for reports and tests.
struct MemoryAssignmentReport {
  /// Per tile of the platform: the most CMX bytes live at one position (no
  /// placement can use less), the bytes the placement uses, and how.
  std::vector<uint64_t> cmxLiveBytes, cmxUsed;
  std::vector<CmxPlacement> cmxPlacement;
  uint64_t scratchLiveBytes = 0, scratchSize = 0;
};

/// Places the unplaced buffers of `program` (a tasks-stage program with
/// `schedule`, [list][task] as in its task lists; `plannedOffsets` per
/// buffer, kUnassignedOffset or empty for none), derives its barriers and
/// its memory plan. On failure (a tile's buffers cannot fit its CMX, or a
/// malformed schedule), returns false with `error` and leaves `program`
/// unspecified.
bool assignMemory(blob::Program &program, const ProgramSchedule &schedule,
                  const std::vector<uint64_t> &plannedOffsets,
                  MemoryAssignmentReport &report, std::string &error);

} // namespace npu::target

#endif // NPU_TARGET_BLOB_ASSIGNMEMORY_H
