//===- AssignMemory.cpp - Tasks stage to addressed program ----------------===//

#include "npu/Target/Blob/AssignMemory.h"

#include "npu/Arch/Hardware.h"

#include "npu/Target/Blob/ScratchAllocator.h"

#include <algorithm>
#include <numeric>

namespace npu::target {
namespace {

/// Alignment of DDR scratch buffers (CMX: HardwareDesc::cmxAlignment).
constexpr uint64_t kScratchAlignment = 64;
/// The DDR scratch may grow by this many bytes (or 10 %, the more) past the
/// tightest packing so that a buffer need not reuse bytes whose readers may
/// still run: a small model's scratch is kilobytes, and packed tightly its
/// independent SHAVE tasks wait for each other through reused bytes.
constexpr uint64_t kScratchReuseSlack = uint64_t(1) << 20;

/// A task of the program by its list and index, with its schedule.
struct Slot {
  uint32_t list = 0, task = 0;
  TaskSchedule s;
};

struct Use {
  bool used = false;
  uint64_t firstPosition = 0, lastPosition = 0;
  uint64_t firstOp = 0, lastOp = 0;
};

/// Replays the schedule through `sched` (task id = schedule position), with
/// the op and step groups of the schedule; each view's access is
/// `accessFor(ref, write)`.
template <typename AccessFor>
void replay(const blob::Program &program, const std::vector<Slot> &order,
            TaskScheduler &sched, AccessFor accessFor) {
  for (size_t i = 0; i < order.size(); ++i) {
    const Slot &slot = order[i];
    bool newOp = i == 0 || slot.s.op != order[i - 1].s.op;
    if (newOp) {
      if (i > 0)
        sched.endOp();
      sched.beginOp();
    }
    if (newOp || slot.s.step != order[i - 1].s.step) {
      sched.endStep();
      sched.beginStep();
    }
    const blob::TaskList &list = program.taskLists[slot.list];
    blob::Task task = list.tasks[slot.task];
    task.waitBarriers.clear();
    task.updateBarriers.clear();
    std::vector<Access> accesses;
    forEachView(task, [&](const blob::TensorRef &r, bool write) {
      accesses.push_back(accessFor(r, write));
    });
    sched.add(list.engine, list.index, std::move(task), std::move(accesses));
  }
  if (!order.empty())
    sched.endOp();
}

/// Which buffers may share bytes for free: the order the tasks' true
/// dependencies (every buffer at its own addresses) already impose.
class ReuseOrder {
public:
  ReuseOrder(const blob::Program &program, const std::vector<Slot> &order) {
    // Every buffer apart: unplaced ones one after another above the rest
    // (accesses read only the program's buffers).
    blob::Program apart;
    apart.buffers = program.buffers;
    uint64_t next = uint64_t(1) << 40;
    for (blob::Buffer &buf : apart.buffers)
      if (buf.offset == kUnassignedOffset) {
        buf.offset = next;
        next += alignTo(std::max<uint64_t>(buf.size, 1), kScratchAlignment);
      }
    TaskScheduler sched;
    replay(program, order, sched, [&](const blob::TensorRef &r, bool write) {
      return accessOf(apart, r, write);
    });
    queues_ = sched.numQueues();
    lastTouch_.assign(program.buffers.size(), {});
    knownByAll_.assign(program.buffers.size(), {});
    for (uint32_t id = 0; id < order.size(); ++id) {
      uint32_t q = sched.queueOf(id), pos = sched.positionOf(id);
      const std::vector<uint32_t> &clock = sched.clockOf(id);
      forEachView(program.taskLists[order[id].list].tasks[order[id].task],
                  [&](const blob::TensorRef &r, bool) {
                    std::vector<int64_t> &last = lastTouch_[r.buffer];
                    if (last.empty())
                      last.assign(queues_, -1);
                    last[q] = std::max<int64_t>(last[q], pos);
                    std::vector<uint32_t> &known = knownByAll_[r.buffer];
                    if (known.empty())
                      known.assign(queues_, UINT32_MAX);
                    for (size_t k = 0; k < queues_; ++k)
                      known[k] = std::min(
                          known[k], k < clock.size() ? clock[k] : uint32_t(0));
                  });
    }
  }

  /// Whether every task touching `previous` is known to have finished
  /// when each task touching `next` starts.
  bool ordered(size_t previous, size_t next) const {
    const std::vector<int64_t> &last = lastTouch_[previous];
    const std::vector<uint32_t> &known = knownByAll_[next];
    if (last.empty() || known.empty())
      return true;
    for (size_t q = 0; q < queues_; ++q)
      if (last[q] >= 0 && int64_t(known[q]) <= last[q])
        return false;
    return true;
  }

private:
  size_t queues_ = 0;
  /// Per buffer: per queue, the position of the last task touching it
  /// (-1: none).
  std::vector<std::vector<int64_t>> lastTouch_;
  /// Per buffer: per queue, the tasks known finished when every task
  /// touching it starts (the least over them).
  std::vector<std::vector<uint32_t>> knownByAll_;
};

/// What reusing buffer `previous`'s bytes for buffer `next` costs (indices
/// into `members`): nothing when the true dependencies already order them
/// (ReuseOrder), else the later the old buffer's last task, the more.
ReuseCost reuseCost(const std::vector<size_t> &members,
                    const std::vector<Use> &uses, const ReuseOrder &reuse) {
  return [&members, &uses, &reuse](size_t previous, size_t next) -> uint64_t {
    size_t a = members[previous], b = members[next];
    if (reuse.ordered(a, b))
      return 0;
    return 1 + uses[a].lastPosition;
  };
}

/// The planned layout of one tile's CMX (every unplaced buffer's planned
/// offset), if there is one and it is valid for these live ranges: aligned,
/// within `capacity`, and no two buffers alive at once sharing a byte.
std::optional<ScratchLayout> plannedLayout(const std::vector<size_t> &members,
                                           const std::vector<LiveRange> &ranges,
                                           const std::vector<uint64_t> &planned,
                                           uint64_t capacity,
                                           uint64_t alignment) {
  ScratchLayout layout;
  layout.offsets.resize(members.size());
  for (size_t k = 0; k < members.size(); ++k) {
    uint64_t offset = ranges[k].fixed               ? *ranges[k].fixed
                      : members[k] < planned.size() ? planned[members[k]]
                                                    : kUnassignedOffset;
    if (offset == kUnassignedOffset || offset % alignment != 0 ||
        offset + ranges[k].size > capacity)
      return std::nullopt;
    layout.offsets[k] = offset;
    layout.totalSize = std::max(layout.totalSize, offset + ranges[k].size);
  }
  std::vector<size_t> byOffset(members.size());
  std::iota(byOffset.begin(), byOffset.end(), 0);
  std::sort(byOffset.begin(), byOffset.end(), [&](size_t a, size_t b) {
    return layout.offsets[a] < layout.offsets[b];
  });
  for (size_t x = 0; x < byOffset.size(); ++x) {
    size_t a = byOffset[x];
    uint64_t end = layout.offsets[a] + std::max<uint64_t>(ranges[a].size, 1);
    for (size_t y = x + 1;
         y < byOffset.size() && layout.offsets[byOffset[y]] < end; ++y) {
      const LiveRange &p = ranges[a], &q = ranges[byOffset[y]];
      if (p.first <= q.last && q.first <= p.last)
        return std::nullopt;
    }
  }
  return layout;
}

/// One tile's CMX, in order of birth where reusing bytes costs the least
/// (ReuseOrder; else the longest ago). Where that does not fit: the
/// planned layout (code generation's own, which its tiling was planned
/// against), if every buffer has one and it is valid; else again with the
/// buffers that outlive their op group (activations kept in CMX, weights
/// loaded ahead) placed first from the top down, first fit in order of
/// birth; then with the others first fit from the bottom. Empty if none
/// fits.
std::optional<ScratchLayout>
placeCmx(const std::vector<size_t> &members, std::vector<LiveRange> ranges,
         const std::vector<Use> &uses, const ReuseOrder &reuse,
         const std::vector<uint64_t> &planned, uint64_t capacity,
         uint64_t alignment, CmxPlacement &how) {
  ReuseCost cost = reuseCost(members, uses, reuse);
  how = CmxPlacement::CheapestReuse;
  if (auto layout = allocateCheapestReuse(ranges, capacity, cost, alignment))
    return layout;
  how = CmxPlacement::Planned;
  if (auto layout =
          plannedLayout(members, ranges, planned, capacity, alignment))
    return layout;
  how = CmxPlacement::LongLivedFirst;
  uint64_t top = capacity / alignment * alignment;
  std::vector<size_t> longLived;
  std::vector<LiveRange> longRanges;
  for (size_t k = 0; k < members.size(); ++k) {
    if (ranges[k].fixed)
      return std::nullopt;
    const Use &u = uses[members[k]];
    if (u.used && u.firstOp != u.lastOp) {
      longLived.push_back(k);
      longRanges.push_back(ranges[k]);
    }
  }
  if (longLived.empty())
    return std::nullopt;
  ScratchLayout packed = allocateScratch(longRanges, alignment);
  if (packed.totalSize > top)
    return std::nullopt;
  for (size_t n = 0; n < longLived.size(); ++n)
    ranges[longLived[n]].fixed =
        top - packed.offsets[n] - alignTo(longRanges[n].size, alignment);
  if (auto layout = allocateCheapestReuse(ranges, capacity, cost, alignment))
    return layout;
  // The others first fit, bottom up (every reuse costing the same).
  return allocateCheapestReuse(
      ranges, capacity, [](size_t, size_t) { return uint64_t(0); }, alignment);
}

} // namespace

bool assignMemory(blob::Program &program, const ProgramSchedule &schedule,
                  const std::vector<uint64_t> &plannedOffsets,
                  MemoryAssignmentReport &report, std::string &error) {
  const arch::HardwareDesc &hw = arch::hardware(program.platform);
  // The tasks in schedule order.
  size_t total = 0;
  for (const blob::TaskList &l : program.taskLists)
    total += l.tasks.size();
  if (schedule.size() != program.taskLists.size()) {
    error = "the schedule does not cover the program's task lists";
    return false;
  }
  std::vector<Slot> order(total);
  std::vector<bool> seen(total, false);
  for (uint32_t l = 0; l < program.taskLists.size(); ++l) {
    if (schedule[l].size() != program.taskLists[l].tasks.size()) {
      error = "the schedule does not cover the tasks of every list";
      return false;
    }
    for (uint32_t i = 0; i < schedule[l].size(); ++i) {
      const TaskSchedule &s = schedule[l][i];
      if (s.position >= total || seen[s.position]) {
        error = "the schedule positions are not 0 .. tasks - 1";
        return false;
      }
      seen[s.position] = true;
      order[s.position] = {l, i, s};
    }
  }

  // 1. Live ranges.
  std::vector<Use> uses(program.buffers.size());
  for (const Slot &slot : order)
    forEachView(program.taskLists[slot.list].tasks[slot.task],
                [&](const blob::TensorRef &r, bool) {
                  if (r.buffer >= uses.size())
                    return;
                  Use &u = uses[r.buffer];
                  if (!u.used) {
                    u.used = true;
                    u.firstPosition = slot.s.position;
                    u.firstOp = slot.s.op;
                  }
                  u.lastPosition = slot.s.position;
                  u.lastOp = slot.s.op;
                });

  ReuseOrder reuse(program, order);

  // 2. Placement, one address space at a time: the scratch (index -1) and
  // each tile's CMX.
  report = {};
  report.cmxLiveBytes.assign(hw.numTiles, 0);
  report.cmxUsed.assign(hw.numTiles, 0);
  report.cmxPlacement.assign(hw.numTiles, CmxPlacement::None);
  for (int64_t space = -1; space < int64_t(hw.numTiles); ++space) {
    bool scratch = space < 0;
    std::vector<size_t> members;
    std::vector<LiveRange> ranges;
    bool anyUnplaced = false;
    for (size_t b = 0; b < program.buffers.size(); ++b) {
      const blob::Buffer &buf = program.buffers[b];
      if (scratch
              ? buf.space != blob::MemSpace::Scratch
              : buf.space != blob::MemSpace::Cmx || int64_t(buf.index) != space)
        continue;
      const Use &u = uses[b];
      LiveRange r;
      r.size = buf.size;
      if (buf.offset != kUnassignedOffset) {
        r.fixed = buf.offset;
        r.first = 0;
        r.last = UINT64_MAX - 1;
      } else {
        anyUnplaced = true;
        r.first = !u.used ? 0 : scratch ? u.firstOp : u.firstPosition;
        r.last = !u.used ? 0 : scratch ? u.lastOp : u.lastPosition;
      }
      members.push_back(b);
      ranges.push_back(r);
    }
    uint64_t live =
        peakLiveBytes(ranges, scratch ? kScratchAlignment : hw.cmxAlignment);
    ScratchLayout layout;
    if (anyUnplaced) {
      if (scratch) {
        // The tighter packing; then, within 10 % or 1 MiB more bytes (DDR
        // is plentiful, waits are not) and the DDR window, the cheapest
        // reuse.
        layout = allocatePacked(ranges, kScratchAlignment);
        uint64_t limit =
            layout.totalSize +
            std::max<uint64_t>(layout.totalSize / 10, kScratchReuseSlack);
        if (layout.totalSize <= arch::kDdrWindowBytes)
          limit = std::min<uint64_t>(limit, arch::kDdrWindowBytes);
        if (std::optional<ScratchLayout> spread = allocateCheapestReuse(
                ranges, limit, reuseCost(members, uses, reuse),
                kScratchAlignment))
          layout = std::move(*spread);
      } else if (std::optional<ScratchLayout> spread =
                     placeCmx(members, ranges, uses, reuse, plannedOffsets,
                              hw.cmxUsableBytes, hw.cmxAlignment,
                              report.cmxPlacement[space])) {
        layout = std::move(*spread);
      } else {
        report.cmxPlacement[space] = CmxPlacement::Packed;
        layout = allocatePacked(ranges, hw.cmxAlignment);
      }
      for (size_t k = 0; k < members.size(); ++k)
        program.buffers[members[k]].offset = layout.offsets[k];
    }
    uint64_t used = 0;
    for (size_t b : members)
      used =
          std::max(used, program.buffers[b].offset + program.buffers[b].size);
    if (scratch) {
      report.scratchLiveBytes = live;
      report.scratchSize = alignTo(used, kScratchAlignment);
      if (report.scratchSize > arch::kDdrWindowBytes) {
        error = "the DDR scratch of one inference takes " +
                std::to_string(report.scratchSize) + " bytes (" +
                std::to_string(live) + " live at once), more than the NPU's " +
                std::to_string(arch::kDdrWindowBytes >> 30) +
                " GiB DDR address window: the model's intermediate tensors "
                "do not fit";
        return false;
      }
      continue;
    }
    report.cmxLiveBytes[space] = live;
    report.cmxUsed[space] = used;
    if (used > hw.cmxUsableBytes) {
      error = "the CMX of tile " + std::to_string(space) +
              " cannot hold its buffers: placing them takes " +
              std::to_string(used) + " bytes (" + std::to_string(live) +
              " live at once), " + std::to_string(hw.cmxUsableBytes) +
              " are usable";
      return false;
    }
  }

  // 3. Barriers from the hazards at the new addresses.
  TaskScheduler sched;
  replay(program, order, sched, [&](const blob::TensorRef &r, bool write) {
    return accessOf(program, r, write);
  });
  sched.finalize(program);

  // 4. The memory plan.
  program.memory.cmxUsed = report.cmxUsed;
  program.memory.scratchSize = report.scratchSize;
  return true;
}

} // namespace npu::target
