//===- TaskScheduler.h - Task queues and barriers from hazards --*- C++ -*-===//
//
// Collects the tasks of a program in a topological order of the function
// (the emission order) and derives the barriers from memory hazards: a task
// that reads bytes an earlier task writes (RAW), or writes bytes an earlier
// task reads or writes (WAR, WAW), must start after it. A dependency that
// the in-order queues and the barriers already chosen imply (tracked with
// one vector clock per task) costs nothing; otherwise the task waits for a
// barrier of the earlier task's group:
//   - the earlier task's *op* group once that op is complete, if the task
//     depends on every task of that op it does not know finished (one
//     barrier per producer op, updated by all its tasks),
//   - else its *step* group (e.g. the input DMAs of one DPU piece; a DPU
//     task or a store alone) once that step is complete: a consumer piece
//     reading some rows of a producer waits only for the pieces and copies
//     that wrote them,
//   - else a barrier of its own.
// A barrier's producers are always emitted before its consumers, so the
// emission order is a legal serial execution: the schedule cannot deadlock.
//
// Tasks of one op never conflict through DDR (an op's tasks write disjoint
// parts of its result and only read its operands); conflicts through CMX,
// where pieces reuse buffers, are always checked. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TARGET_BLOB_TASKSCHEDULER_H
#define NPU_TARGET_BLOB_TASKSCHEDULER_H

#include "npu/Blob/Program.h"

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

namespace npu::target {

/// The offset of a buffer of the `tasks` stage that memory assignment has
/// not placed yet (a CMX or scratch buffer; printed without `offset`).
inline constexpr uint64_t kUnassignedOffset = ~uint64_t(0);

/// Where a task of the `tasks` stage stands in its schedule (the task's
/// `schedule` attribute): `position` in the emission order, a legal serial
/// execution of the program (0 .. tasks - 1, increasing along each queue);
/// `op` and `step`, the groups whose tasks share a barrier (TaskScheduler
/// below), non-decreasing with the position.
struct TaskSchedule {
  uint32_t position = 0;
  uint32_t op = 0;
  uint32_t step = 0;
  bool operator==(const TaskSchedule &o) const {
    return position == o.position && op == o.op && step == o.step;
  }
};

/// The position of a task that has no `schedule` in a program where others
/// have one (an error verifyTasksStage reports).
inline constexpr uint32_t kNoSchedule = ~uint32_t(0);

/// The schedule of every task of a program, `[list][task]` as in
/// `blob::Program::taskLists`; empty for an addressed program.
using ProgramSchedule = std::vector<std::vector<TaskSchedule>>;

/// A byte range a task reads or writes.
struct Access {
  blob::MemSpace space = blob::MemSpace::Scratch;
  uint32_t index = 0; ///< Argument or tile.
  uint64_t begin = 0, end = 0;
  bool write = false;

  /// Up to this many dimensions are described as a box (below).
  static constexpr unsigned kMaxBoxRank = 5;
  /// When `boxRank` > 0, the exact elements: a box [lo, hi) per dimension
  /// of a row-major parent tensor of `elemBytes`-byte elements whose first
  /// byte is `base` and whose byte strides are `strides` (outermost first,
  /// the last one elemBytes). Two accesses to the same parent (space, index,
  /// base, element size and strides) conflict only if their boxes intersect
  /// (a channel slice of an [H, W, C] tensor and another one do not);
  /// otherwise their byte ranges [begin, end) are compared.
  unsigned boxRank = 0;
  uint64_t base = 0, elemBytes = 0;
  uint64_t strides[kMaxBoxRank] = {};
  uint64_t lo[kMaxBoxRank] = {}, hi[kMaxBoxRank] = {};

  /// Fills the box of the view at byte `base` + `offset` with `shape` and
  /// byte `strides`, if it is one of a row-major parent (each stride a
  /// multiple of the next, the last the element size, the view not
  /// wrapping); else leaves boxRank 0.
  void setBox(uint64_t base, uint64_t offset, uint64_t elemBytes,
              const std::vector<uint32_t> &shape,
              const std::vector<uint64_t> &strides);
  /// Whether the bytes of the two accesses (same space and index) overlap.
  bool overlaps(const Access &o) const;
};

/// The access of view `ref` of `program`'s buffer (read or write).
Access accessOf(const blob::Program &program, const blob::TensorRef &ref,
                bool write);

/// Calls `fn(ref, write)` for every view `task` touches: a DMA's source and
/// destination; a DPU task's input, second input, weights, weight table and
/// output; a SHAVE task's inputs and outputs, those of its chained kernels
/// too.
template <typename Fn> void forEachView(const blob::Task &task, Fn &&fn) {
  switch (task.kind) {
  case blob::Engine::Dma:
    fn(task.dma.src, false);
    fn(task.dma.dst, true);
    return;
  case blob::Engine::Dpu:
    fn(task.dpu.input, false);
    for (const auto *r :
         {&task.dpu.input2, &task.dpu.weights, &task.dpu.weightTable})
      if (*r)
        fn(**r, false);
    fn(task.dpu.output, true);
    return;
  case blob::Engine::Shave: {
    auto kernel = [&](const blob::ShaveTask &k) {
      for (const blob::TensorRef &r : k.inputs)
        fn(r, false);
      for (const blob::TensorRef &r : k.outputs)
        fn(r, true);
    };
    kernel(task.shave);
    for (const blob::ShaveTask &k : task.shave.chained)
      kernel(k);
    return;
  }
  }
}

class TaskScheduler {
public:
  /// With `deriveBarriers` false the scheduler only records the tasks in
  /// their queues, groups and emission order (the tasks stage's schedule):
  /// no hazard is checked and no barrier made (memory assignment derives
  /// them once buffers have addresses).
  explicit TaskScheduler(bool deriveBarriers = true)
      : deriveBarriers_(deriveBarriers) {}

  /// Groups: every task belongs to the current op and step.
  void beginOp();
  void endOp();
  void beginStep();
  void endStep();
  bool stepOpen() const { return stepOpen_; }

  /// Appends `task` to the queue (engine, index) after the barriers its
  /// accesses need. Returns the task's global id.
  uint32_t add(blob::Engine engine, uint32_t index, blob::Task task,
               std::vector<Access> accesses);

  /// Moves the queues and barriers into `program` (queues ordered DMA,
  /// DPU, SHAVE, each by index; barrier counts from the tasks). With
  /// `schedule`, also each task's position in the emission order and its
  /// op and step groups, [list][task] as in `program.taskLists`.
  void finalize(blob::Program &program, ProgramSchedule *schedule = nullptr);

  size_t numTasks() const { return tasks_.size(); }

  /// Estimates, as tasks are added, when each one ends: a task starts once
  /// its queue's previous task and every earlier task it conflicts with
  /// (the hazards above, barrier or not) have ended, and then lasts
  /// `cycles(task)` DPU cycles. It ignores that a barrier may make a task
  /// wait for more of an op than it reads, and that DMAs in flight on
  /// several ports share the DDR: an estimate for choosing between queues
  /// (Emitter::dma), not the device's timing. (Each DMA port alone nearly
  /// fills the DDR; an estimate that moved DDR data one transfer at a time
  /// charged every wait to the port queued first and put a ResNet-50's
  /// large weights loads all on one port: 2.6 % slower than by bytes,
  /// against 0.6 % faster without it, docs/codegen.md.)
  /// Tasks added before the call count as ended at 0.
  void enableEstimate(std::function<uint64_t(const blob::Task &)> cycles);
  /// With the estimate enabled: the estimated end of the earlier tasks a
  /// task with `accesses` of the current op would conflict with (0 if none,
  /// or without the estimate), or `atLeast` if that is later (the tasks
  /// that end by then are not looked at: a caller that waits for a queue
  /// anyway gives its end).
  uint64_t estimatedReady(const std::vector<Access> &accesses,
                          uint64_t atLeast = 0) const;
  /// With the estimate enabled: the estimated end of the last task queued
  /// on (engine, index) so far (0 if none).
  uint64_t estimatedQueueEnd(blob::Engine engine, uint32_t index) const;

  /// Task `id` (the id add returned, before finalize): its queue (numbered
  /// in order of first use), its position in that queue, and for each
  /// queue how many of its tasks are known to have finished when it starts
  /// (shorter than the number of queues: 0 for the rest).
  uint32_t queueOf(uint32_t id) const { return tasks_[id].queue; }
  uint32_t positionOf(uint32_t id) const { return tasks_[id].position; }
  const std::vector<uint32_t> &clockOf(uint32_t id) const {
    return tasks_[id].clock;
  }
  size_t numQueues() const { return queues_.size(); }
  size_t numBarriers() const { return barrierGroups_.size(); }

private:
  struct Entry {
    blob::Task task;
    uint32_t queue = 0, position = 0;
    uint32_t op = 0, step = 0;
    std::vector<Access> accesses;
    std::vector<uint32_t> clock; ///< Tasks per queue known finished.
    uint64_t estimatedEnd = 0;   ///< With the estimate enabled.
  };
  /// A group of tasks sharing a barrier: kind 0 op, 1 step, 2 single task.
  using GroupKey = std::pair<int, uint32_t>;

  uint32_t queueOf(blob::Engine engine, uint32_t index);
  bool conflicts(const Entry &a, const std::vector<Access> &b,
                 bool sameOp) const;
  uint32_t barrierFor(GroupKey key, const std::vector<uint32_t> &members);

  std::vector<Entry> tasks_;
  std::vector<std::pair<blob::Engine, uint32_t>> queues_;
  std::vector<std::vector<uint32_t>> queueTasks_;
  std::map<GroupKey, uint32_t> barrierOf_;
  std::vector<GroupKey> barrierGroups_;
  std::vector<std::vector<uint32_t>> opTasks_, stepTasks_;
  uint32_t op_ = 0, step_ = 0;
  bool deriveBarriers_ = true;
  std::function<uint64_t(const blob::Task &)> cycles_;
  /// Per task: the latest estimated end of it and every earlier task, so
  /// that estimatedReady stops scanning once nothing older can matter.
  std::vector<uint64_t> endPrefixMax_;
  std::vector<uint64_t> queueEnd_;
  bool opOpen_ = false, stepOpen_ = false;
};

} // namespace npu::target

#endif // NPU_TARGET_BLOB_TASKSCHEDULER_H
