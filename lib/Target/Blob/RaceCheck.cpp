//===- RaceCheck.cpp - Unordered conflicting tasks of a program -----------===//

#include "npu/Target/Blob/RaceCheck.h"

#include "npu/Target/Blob/TaskScheduler.h"

#include <algorithm>
#include <map>

namespace npu::target {

namespace {

struct TaskRef {
  const blob::TaskList *list;
  const blob::Task *task;
};

/// The byte intervals [begin, end) view `ref` of a buffer at `base`
/// touches, sorted; its hull alone past `maxRuns` intervals.
std::vector<std::pair<uint64_t, uint64_t>>
byteRuns(const blob::TensorRef &ref, uint64_t base, uint64_t hullEnd) {
  constexpr uint64_t maxRuns = uint64_t(1) << 22;
  const uint64_t elem = dtypeSize(ref.dtype);
  std::vector<uint32_t> shape = ref.shape;
  std::vector<uint64_t> strides = ref.strides;
  uint64_t run = elem;
  if (!shape.empty() && strides.back() == elem) {
    run = elem * shape.back();
    shape.pop_back();
    strides.pop_back();
  }
  uint64_t count = 1;
  for (uint32_t d : shape) {
    count *= d;
    if (count > maxRuns)
      return {{base + ref.offset, hullEnd}};
  }
  std::vector<std::pair<uint64_t, uint64_t>> runs;
  runs.reserve(count);
  std::vector<uint32_t> idx(shape.size(), 0);
  for (uint64_t k = 0; k < count; ++k) {
    uint64_t o = base + ref.offset;
    for (size_t d = 0; d < shape.size(); ++d)
      o += idx[d] * strides[d];
    runs.push_back({o, o + run});
    for (size_t d = shape.size(); d-- > 0;) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
  std::sort(runs.begin(), runs.end());
  return runs;
}

/// Whether Access::overlaps compared the two exactly (boxes of one
/// parent) rather than by byte range.
bool sameParent(const Access &a, const Access &b) {
  if (a.boxRank == 0 || a.boxRank != b.boxRank || a.base != b.base ||
      a.elemBytes != b.elemBytes)
    return false;
  for (unsigned i = 0; i < a.boxRank; ++i)
    if (a.strides[i] != b.strides[i])
      return false;
  return true;
}

std::string describe(const TaskRef &t) {
  return "'" + t.task->name + "' (" + blob::engineName(t.list->engine) + "[" +
         std::to_string(t.list->index) + "])";
}

} // namespace

bool checkRaces(const blob::Program &program, std::string &error) {
  // Tasks, each with its predecessor in its queue.
  std::vector<TaskRef> tasks;
  std::vector<std::vector<size_t>> preds;
  for (const blob::TaskList &list : program.taskLists)
    for (size_t k = 0; k < list.tasks.size(); ++k) {
      preds.push_back({});
      if (k > 0)
        preds.back().push_back(tasks.size() - 1);
      tasks.push_back({&list, &list.tasks[k]});
    }
  const size_t n = tasks.size();
  std::vector<std::vector<size_t>> producers(program.barriers.size());
  for (size_t i = 0; i < n; ++i)
    for (uint32_t b : tasks[i].task->updateBarriers)
      producers[b].push_back(i);
  for (size_t i = 0; i < n; ++i)
    for (uint32_t b : tasks[i].task->waitBarriers)
      preds[i].insert(preds[i].end(), producers[b].begin(), producers[b].end());

  // Happens-before as one bitset per task, in a topological order.
  const size_t words = (n + 63) / 64;
  std::vector<uint64_t> before(n * words, 0);
  std::vector<size_t> pending(n);
  std::vector<std::vector<size_t>> succs(n);
  for (size_t i = 0; i < n; ++i) {
    pending[i] = preds[i].size();
    for (size_t p : preds[i])
      succs[p].push_back(i);
  }
  std::vector<size_t> ready;
  for (size_t i = 0; i < n; ++i)
    if (!pending[i])
      ready.push_back(i);
  size_t done = 0;
  while (!ready.empty()) {
    size_t i = ready.back();
    ready.pop_back();
    ++done;
    uint64_t *row = &before[i * words];
    for (size_t p : preds[i]) {
      const uint64_t *prow = &before[p * words];
      for (size_t w = 0; w < words; ++w)
        row[w] |= prow[w];
      row[p / 64] |= uint64_t(1) << (p % 64);
    }
    for (size_t s : succs[i])
      if (--pending[s] == 0)
        ready.push_back(s);
  }
  if (done != n) {
    error = "some tasks can never start (their barriers wait on each other)";
    return false;
  }
  auto ordered = [&](size_t a, size_t b) {
    return (before[a * words + b / 64] >> (b % 64) & 1) ||
           (before[b * words + a / 64] >> (a % 64) & 1);
  };

  // Accesses by memory (space, index), sorted by first byte.
  struct Entry {
    Access access;
    size_t task;
    const blob::TensorRef *ref;
  };
  // Exact for two views of one parent; else by the bytes each touches.
  auto conflict = [&](const Entry &a, const Entry &b) {
    if (!a.access.overlaps(b.access))
      return false;
    if (sameParent(a.access, b.access))
      return true;
    auto ra =
        byteRuns(*a.ref, program.buffers[a.ref->buffer].offset, a.access.end);
    auto rb =
        byteRuns(*b.ref, program.buffers[b.ref->buffer].offset, b.access.end);
    for (size_t i = 0, j = 0; i < ra.size() && j < rb.size();) {
      if (ra[i].first < rb[j].second && rb[j].first < ra[i].second)
        return true;
      if (ra[i].second <= rb[j].second)
        ++i;
      else
        ++j;
    }
    return false;
  };
  std::map<std::pair<int, uint32_t>, std::vector<Entry>> byMemory;
  for (size_t i = 0; i < n; ++i) {
    const blob::Task &t = *tasks[i].task;
    auto add = [&](const blob::TensorRef &ref, bool write) {
      Access a = accessOf(program, ref, write);
      byMemory[{int(a.space), a.index}].push_back({a, i, &ref});
    };
    forEachView(t, add);
  }
  for (auto &[memory, entries] : byMemory) {
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry &a, const Entry &b) {
                       return a.access.begin < b.access.begin;
                     });
    for (size_t x = 0; x < entries.size(); ++x) {
      const Entry &a = entries[x];
      for (size_t y = x + 1;
           y < entries.size() && entries[y].access.begin < a.access.end; ++y) {
        const Entry &b = entries[y];
        if (a.task == b.task || !(a.access.write || b.access.write) ||
            ordered(a.task, b.task) || !conflict(a, b))
          continue;
        error = "tasks " + describe(tasks[a.task]) + " and " +
                describe(tasks[b.task]) + " race: both touch " +
                blob::memSpaceName(a.access.space) + " " +
                std::to_string(a.access.index) + " bytes [" +
                std::to_string(std::max(a.access.begin, b.access.begin)) +
                ", " + std::to_string(std::min(a.access.end, b.access.end)) +
                "), " + (a.access.write && b.access.write ? "both" : "one") +
                " writing, and neither waits (through its queue or its "
                "barriers) for the other";
        return false;
      }
    }
  }
  return true;
}

} // namespace npu::target
