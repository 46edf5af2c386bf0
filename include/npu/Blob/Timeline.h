//===- Timeline.h - The modelled timeline of a program ----------*- C++ -*-===//
//
// When each task of a program starts and ends on the modelled clock: the
// simulated device's timing (lib/Simulator) and the compiler's report of a
// blob's modelled latency are this one function, so a figure the compiler
// prints is the one `npu-run` measures. Plain C++ on blob::Program and the
// cost model (npu/Arch/CostModel.h).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_BLOB_TIMELINE_H
#define NPU_BLOB_TIMELINE_H

#include "npu/Arch/CostModel.h"
#include "npu/Blob/Program.h"

#include <cstdint>
#include <vector>

namespace npu::blob {

/// The cost model's class of a DPU task's operation (the rate it runs at).
arch::DpuOpClass dpuOpClass(DpuOp op);

/// Whether `r` is in DDR (a graph argument or scratch), not in a tile's CMX.
bool touchesDdr(const Program &p, const TensorRef &r);

/// Bytes task `t` moves across the DDR: a DMA's source and destination
/// that are in DDR (a copy within DDR counts twice), a SHAVE task's inputs
/// and outputs in DDR (of every kernel of its chain); 0 for DPU tasks.
uint64_t ddrBytes(const Program &p, const Task &t);

/// Modelled cycles of one task of `p` when it has its engine and the DDR
/// to itself, in DPU cycles: the cost model's figure for it. A SHAVE task
/// takes the longer of its kernels' cycles and its DDR bytes' transfer.
uint64_t taskCycles(const Program &p, const Task &t);

/// Start and end of every task, indexed [list][task], in DPU cycles from
/// the inference start; `total` is the modelled latency.
struct Timeline {
  std::vector<std::vector<uint64_t>> start, end;
  uint64_t total = 0;
};

/// The timing of a run: an event-driven pass over the task lists on the
/// modelled clock. A task starts at max(its engine free, release of its
/// wait barriers); DMA tasks with an end in DDR move their data (ddrBytes)
/// through one arch::SharedDdr after their fixed cycles, and SHAVE tasks
/// with operands in DDR from their start, ending when both that and their
/// kernels' cycles are done, so transfers that overlap in time share the
/// DDR bandwidth. Everything else lasts taskCycles(). Events
/// at one time are handled in list order, so the result depends only on the
/// program. Returns false when no task can start (a hang); a verified
/// program has none.
bool computeTimeline(const Program &p, Timeline &tl);

} // namespace npu::blob

#endif // NPU_BLOB_TIMELINE_H
