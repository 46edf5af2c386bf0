//===- TaskScheduler.cpp - Task queues and barriers from hazards ----------===//
//
// Each task carries a vector clock: for every queue, how many of its tasks
// are known to have finished when this task starts (the previous task of
// its own queue, plus everything the barriers it waits for imply). Earlier
// tasks are scanned newest first, so one barrier often covers the older
// conflicts too.
//
//===----------------------------------------------------------------------===//

#include "npu/Target/Blob/TaskScheduler.h"

#include <algorithm>
#include <numeric>

namespace npu::target {

Access accessOf(const blob::Program &program, const blob::TensorRef &ref,
                bool write) {
  const blob::Buffer &b = program.buffers[ref.buffer];
  Access a;
  a.space = b.space;
  a.index =
      b.space == blob::MemSpace::Scratch || b.space == blob::MemSpace::Weights
          ? 0
          : b.index;
  a.begin = b.offset + ref.offset;
  a.end = b.offset + ref.extent();
  a.write = write;
  a.setBox(b.offset, ref.offset, dtypeSize(ref.dtype), ref.shape, ref.strides);
  return a;
}

void Access::setBox(uint64_t base, uint64_t offset, uint64_t elemBytes,
                    const std::vector<uint32_t> &shape,
                    const std::vector<uint64_t> &strides) {
  boxRank = 0;
  size_t rank = shape.size();
  if (rank == 0 || rank > kMaxBoxRank || strides.size() != rank ||
      elemBytes == 0 || strides[rank - 1] != elemBytes ||
      offset % elemBytes != 0)
    return;
  for (size_t i = 0; i < rank; ++i)
    if (shape[i] == 0 || strides[i] == 0 ||
        (i > 0 && strides[i - 1] % strides[i] != 0))
      return;
  for (size_t i = 0; i < rank; ++i) {
    uint64_t within = i == 0 ? offset : offset % strides[i - 1];
    lo[i] = within / strides[i];
    hi[i] = lo[i] + shape[i];
    // The view must not wrap into the next index of the outer dimension.
    if (i > 0 && hi[i] > strides[i - 1] / strides[i])
      return;
    this->strides[i] = strides[i];
  }
  this->base = base;
  this->elemBytes = elemBytes;
  boxRank = unsigned(rank);
}

bool Access::overlaps(const Access &o) const {
  if (!(begin < o.end && o.begin < end))
    return false;
  if (boxRank == 0 || boxRank != o.boxRank || base != o.base ||
      elemBytes != o.elemBytes)
    return true;
  for (unsigned i = 0; i < boxRank; ++i)
    if (strides[i] != o.strides[i])
      return true;
  for (unsigned i = 0; i < boxRank; ++i)
    if (!(lo[i] < o.hi[i] && o.lo[i] < hi[i]))
      return false;
  return true;
}

void TaskScheduler::beginOp() {
  op_ = uint32_t(opTasks_.size());
  opTasks_.emplace_back();
  opOpen_ = true;
}

void TaskScheduler::endOp() {
  endStep();
  opOpen_ = false;
}

void TaskScheduler::beginStep() {
  step_ = uint32_t(stepTasks_.size());
  stepTasks_.emplace_back();
  stepOpen_ = true;
}

void TaskScheduler::endStep() { stepOpen_ = false; }

uint32_t TaskScheduler::queueOf(blob::Engine engine, uint32_t index) {
  for (uint32_t q = 0; q < queues_.size(); ++q)
    if (queues_[q] == std::pair{engine, index})
      return q;
  queues_.push_back({engine, index});
  queueTasks_.emplace_back();
  return uint32_t(queues_.size() - 1);
}

bool TaskScheduler::conflicts(const Entry &a, const std::vector<Access> &b,
                              bool sameOp) const {
  for (const Access &x : a.accesses)
    for (const Access &y : b) {
      if (!x.write && !y.write)
        continue;
      if (x.space != y.space || x.index != y.index)
        continue;
      if (sameOp && x.space != blob::MemSpace::Cmx)
        continue;
      if (x.overlaps(y))
        return true;
    }
  return false;
}

uint32_t TaskScheduler::barrierFor(GroupKey key,
                                   const std::vector<uint32_t> &members) {
  auto it = barrierOf_.find(key);
  if (it != barrierOf_.end())
    return it->second;
  uint32_t id = uint32_t(barrierGroups_.size());
  barrierGroups_.push_back(key);
  barrierOf_[key] = id;
  for (uint32_t m : members)
    tasks_[m].task.updateBarriers.push_back(id);
  return id;
}

uint32_t TaskScheduler::add(blob::Engine engine, uint32_t index,
                            blob::Task task, std::vector<Access> accesses) {
  if (!opOpen_)
    beginOp();
  bool implicitStep = !stepOpen_;
  if (implicitStep)
    beginStep();

  uint32_t q = queueOf(engine, index);
  Entry e;
  e.task = std::move(task);
  e.task.kind = engine;
  e.queue = q;
  e.position = uint32_t(queueTasks_[q].size());
  e.op = op_;
  e.step = step_;
  if (e.position > 0)
    e.clock = tasks_[queueTasks_[q].back()].clock;
  e.clock.resize(queues_.size(), 0);
  e.clock[q] = e.position;

  auto known = [&](const Entry &o) {
    return o.queue < e.clock.size() && e.clock[o.queue] > o.position;
  };
  auto absorb = [&](uint32_t id) {
    const Entry &o = tasks_[id];
    if (e.clock.size() < o.clock.size())
      e.clock.resize(o.clock.size(), 0);
    for (size_t i = 0; i < o.clock.size(); ++i)
      e.clock[i] = std::max(e.clock[i], o.clock[i]);
    e.clock[o.queue] = std::max(e.clock[o.queue], o.position + 1);
  };

  // The earlier tasks not known to have finished, newest first: per queue,
  // those at or past the clock's count (a queue's tasks are in id order, and
  // the clock only grows), the newest of the queues' next ones each time.
  // The same order as a scan of every earlier task, without visiting the
  // known ones (a long program's tasks are mostly known: the scan made
  // code generation quadratic in the tasks).
  std::vector<int64_t> next(queues_.size());
  for (uint32_t qi = 0; qi < queues_.size(); ++qi)
    next[qi] = deriveBarriers_ ? int64_t(queueTasks_[qi].size()) - 1 : -1;
  auto newestUnknown = [&]() -> int64_t {
    int64_t best = -1;
    for (uint32_t qi = 0; qi < queues_.size(); ++qi)
      if (next[qi] >= 0 && !known(tasks_[queueTasks_[qi][next[qi]]]))
        best = std::max<int64_t>(best, queueTasks_[qi][next[qi]]);
    return best;
  };
  for (int64_t i; (i = newestUnknown()) >= 0;) {
    const Entry &o = tasks_[i];
    --next[o.queue];
    bool sameOp = opOpen_ && o.op == op_;
    if (!conflicts(o, accesses, sameOp))
      continue;
    GroupKey key;
    std::vector<uint32_t> single;
    const std::vector<uint32_t> *members;
    // Another op's tasks: one barrier for the whole op when this task
    // depends on all of them that it does not know finished yet; else only
    // the steps it depends on, so that it can start while the rest of that
    // op still runs.
    const std::vector<uint32_t> &opTasks = opTasks_[o.op];
    bool wholeOp =
        !sameOp && std::all_of(opTasks.begin(), opTasks.end(), [&](uint32_t m) {
          return known(tasks_[m]) || conflicts(tasks_[m], accesses, false);
        });
    if (wholeOp) {
      key = {0, o.op};
      members = &opTasks_[o.op];
    } else if (!sameOp || !(stepOpen_ && o.step == step_)) {
      key = {1, o.step};
      members = &stepTasks_[o.step];
    } else {
      key = {2, uint32_t(i)};
      single = {uint32_t(i)};
      members = &single;
    }
    uint32_t b = barrierFor(key, *members);
    if (std::find(e.task.waitBarriers.begin(), e.task.waitBarriers.end(), b) ==
        e.task.waitBarriers.end())
      e.task.waitBarriers.push_back(b);
    for (uint32_t m : *members)
      absorb(m);
  }

  if (cycles_) {
    queueEnd_.resize(queues_.size(), 0);
    uint64_t start = estimatedReady(accesses, queueEnd_[q]);
    e.estimatedEnd = start + cycles_(e.task);
    queueEnd_[q] = e.estimatedEnd;
    endPrefixMax_.push_back(std::max(
        e.estimatedEnd, endPrefixMax_.empty() ? 0 : endPrefixMax_.back()));
  }

  uint32_t id = uint32_t(tasks_.size());
  e.accesses = std::move(accesses);
  tasks_.push_back(std::move(e));
  queueTasks_[q].push_back(id);
  opTasks_[op_].push_back(id);
  stepTasks_[step_].push_back(id);
  if (implicitStep)
    endStep();
  return id;
}

void TaskScheduler::enableEstimate(
    std::function<uint64_t(const blob::Task &)> cycles) {
  cycles_ = std::move(cycles);
  // Tasks added before count as ended at 0.
  endPrefixMax_.assign(tasks_.size(), 0);
}

uint64_t TaskScheduler::estimatedReady(const std::vector<Access> &accesses,
                                       uint64_t atLeast) const {
  uint64_t ready = atLeast;
  if (!cycles_)
    return ready;
  for (size_t i = tasks_.size(); i-- > 0;) {
    if (endPrefixMax_[i] <= ready)
      break;
    const Entry &o = tasks_[i];
    if (o.estimatedEnd > ready &&
        conflicts(o, accesses, opOpen_ && o.op == op_))
      ready = o.estimatedEnd;
  }
  return ready;
}

uint64_t TaskScheduler::estimatedQueueEnd(blob::Engine engine,
                                          uint32_t index) const {
  for (uint32_t q = 0; q < queues_.size() && q < queueEnd_.size(); ++q)
    if (queues_[q] == std::pair{engine, index})
      return queueEnd_[q];
  return 0;
}

void TaskScheduler::finalize(blob::Program &program,
                             ProgramSchedule *schedule) {
  std::vector<uint32_t> order(queues_.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return queues_[a] < queues_[b]; });
  program.taskLists.clear();
  program.barriers.assign(barrierGroups_.size(), blob::Barrier{});
  if (schedule)
    schedule->clear();
  for (uint32_t q : order) {
    blob::TaskList list;
    list.engine = queues_[q].first;
    list.index = queues_[q].second;
    if (schedule)
      schedule->emplace_back();
    for (uint32_t id : queueTasks_[q]) {
      if (schedule)
        schedule->back().push_back({id, tasks_[id].op, tasks_[id].step});
      blob::Task &t = tasks_[id].task;
      std::sort(t.waitBarriers.begin(), t.waitBarriers.end());
      std::sort(t.updateBarriers.begin(), t.updateBarriers.end());
      for (uint32_t b : t.waitBarriers)
        ++program.barriers[b].consumerCount;
      for (uint32_t b : t.updateBarriers)
        ++program.barriers[b].producerCount;
      list.tasks.push_back(std::move(t));
    }
    program.taskLists.push_back(std::move(list));
  }
  tasks_.clear();
  endPrefixMax_.clear();
  queueEnd_.clear();
}

} // namespace npu::target
