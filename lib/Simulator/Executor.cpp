//===- Executor.cpp - Scheduling and memory of the modelled NPU -----------===//
//
// The engines' queues run in order; a queue's head task starts once every
// barrier it waits for is released (all its producers finished) and its
// engine is free. Tasks are executed functionally in an order barriers
// allow, and timed afterwards by a separate event-driven pass: a task's
// modelled start is max(engine free, release time of its wait barriers),
// and DMA transfers with an end in DDR share the DDR bandwidth while they
// overlap (arch::SharedDdr). The timeline depends on the program only,
// never on the order the host happens to run ready tasks in.
//
//===----------------------------------------------------------------------===//

#include "npu/Simulator/Executor.h"

#include "npu/Blob/Timeline.h"

#include "npu/Arch/CostModel.h"

#include "npu/Device/Engines.h"

#include <algorithm>
#include <new>

namespace npu::sim {

using namespace npu::blob;
using namespace npu::device;

namespace {

/// Resolves operands to memory, checking every access against the bytes
/// really behind it.
class MemoryMap {
public:
  MemoryMap(const LoadedBlob &blob, const std::vector<ArgMemory> &inputs,
            const std::vector<ArgMemory> &outputs, DeviceState &state)
      : blob(blob), inputs(inputs), outputs(outputs), state(state) {}

  bool bindArguments(std::string &error) {
    const Program &p = blob.program;
    if (inputs.size() != p.inputs.size() ||
        outputs.size() != p.outputs.size()) {
      error = "the graph has " + std::to_string(p.inputs.size()) +
              " inputs and " + std::to_string(p.outputs.size()) + " outputs, " +
              std::to_string(inputs.size()) + " and " +
              std::to_string(outputs.size()) + " were bound";
      return false;
    }
    for (int io = 0; io < 2; ++io) {
      const auto &descs = io ? p.outputs : p.inputs;
      const auto &mems = io ? outputs : inputs;
      for (size_t i = 0; i < descs.size(); ++i) {
        const char *kind = io ? "output" : "input";
        if (!mems[i].data) {
          error = std::string(kind) + " '" + descs[i].name +
                  "' is not bound to memory";
          return false;
        }
        if (mems[i].size < descs[i].byteSize()) {
          error = std::string(kind) + " '" + descs[i].name + "' is bound to " +
                  std::to_string(mems[i].size) +
                  " bytes of memory, the graph "
                  "needs " +
                  std::to_string(descs[i].byteSize());
          return false;
        }
      }
    }
    const arch::HardwareDesc &hw = arch::hardware(p.platform);
    // Device memory is host memory; running out of it is a device error,
    // not an exception escaping the driver.
    try {
      state.cmx.resize(hw.numTiles);
      for (auto &c : state.cmx)
        if (c.size() != hw.cmxUsableBytes)
          c.assign(hw.cmxUsableBytes, 0);
      if (state.scratch.size() < p.memory.scratchSize)
        state.scratch.resize(p.memory.scratchSize, 0);
    } catch (const std::bad_alloc &) {
      error = "cannot allocate " + std::to_string(p.memory.scratchSize) +
              " bytes of DDR scratch";
      return false;
    }
    return true;
  }

  /// The view of `r`; fails if it reaches past its buffer or the buffer
  /// past the memory behind it (never happens for a verified blob with
  /// properly bound arguments, but the device checks anyway).
  bool view(const TensorRef &r, View &out, uint64_t *extent,
            std::string &error) const {
    const Program &p = blob.program;
    if (r.buffer >= p.buffers.size()) {
      error = "operand names undeclared buffer " + std::to_string(r.buffer);
      return false;
    }
    const Buffer &b = p.buffers[r.buffer];
    uint8_t *base = nullptr;
    uint64_t capacity = 0;
    switch (b.space) {
    case MemSpace::Input:
      base = static_cast<uint8_t *>(inputs[b.index].data);
      capacity = inputs[b.index].size;
      break;
    case MemSpace::Output:
      base = static_cast<uint8_t *>(outputs[b.index].data);
      capacity = outputs[b.index].size;
      break;
    case MemSpace::Scratch:
      base = state.scratch.data();
      capacity = state.scratch.size();
      break;
    case MemSpace::Weights:
      // Read only: the verifier rejects writes into the weights section.
      base = const_cast<uint8_t *>(blob.weights);
      capacity = blob.weightsSize;
      break;
    case MemSpace::Cmx:
      if (b.index >= state.cmx.size()) {
        error = "operand is in the CMX of a tile the device does not have";
        return false;
      }
      base = state.cmx[b.index].data();
      capacity = state.cmx[b.index].size();
      break;
    }
    uint64_t end = r.extent();
    if (end > b.size) {
      error = "access to bytes up to " + std::to_string(end) + " of buffer '" +
              b.name + "', which declares " + std::to_string(b.size);
      return false;
    }
    if (b.offset > capacity || b.size > capacity - b.offset) {
      error = std::string("buffer '") + b.name + "' lies outside the " +
              std::to_string(capacity) + " bytes of " + memSpaceName(b.space) +
              " memory behind it";
      return false;
    }
    out.data = base + b.offset + r.offset;
    out.dtype = r.dtype;
    out.shape = r.shape;
    out.strides = r.strides;
    if (extent)
      *extent = end - r.offset;
    return true;
  }

private:
  const LoadedBlob &blob;
  const std::vector<ArgMemory> &inputs;
  const std::vector<ArgMemory> &outputs;
  DeviceState &state;
};

bool runTask(const Program &p, const MemoryMap &mem, const Task &t,
             std::string &error) {
  switch (t.kind) {
  case Engine::Dma: {
    View src, dst;
    if (!mem.view(t.dma.src, src, nullptr, error) ||
        !mem.view(t.dma.dst, dst, nullptr, error))
      return false;
    runDma(src, dst);
    return true;
  }
  case Engine::Dpu: {
    const DpuTask &d = t.dpu;
    DpuOperands ops;
    if (!mem.view(d.input, ops.input, nullptr, error) ||
        !mem.view(d.output, ops.output, nullptr, error))
      return false;
    if (d.input2 && !mem.view(*d.input2, ops.input2, nullptr, error))
      return false;
    if (d.weights &&
        !mem.view(*d.weights, ops.weights, &ops.weightsBytes, error))
      return false;
    if (d.weightTable &&
        !mem.view(*d.weightTable, ops.weightTable, nullptr, error))
      return false;
    return runDpu(d, ops, error);
  }
  case Engine::Shave: {
    // A chain's kernels run in order, each as a task of its own would.
    auto run = [&](const ShaveTask &k) {
      std::vector<View> ins(k.inputs.size()), outs(k.outputs.size());
      for (size_t i = 0; i < ins.size(); ++i)
        if (!mem.view(k.inputs[i], ins[i], nullptr, error))
          return false;
      for (size_t i = 0; i < outs.size(); ++i)
        if (!mem.view(k.outputs[i], outs[i], nullptr, error))
          return false;
      return runShave(k, ins, outs, error);
    };
    if (!run(t.shave))
      return false;
    for (const ShaveTask &k : t.shave.chained)
      if (!run(k))
        return false;
    return true;
  }
  }
  return false;
}

} // namespace

bool execute(const LoadedBlob &blob, const std::vector<ArgMemory> &inputs,
             const std::vector<ArgMemory> &outputs, DeviceState &state,
             RunProfile *profile, std::string &error) {
  const Program &p = blob.program;
  const arch::HardwareDesc &hw = arch::hardware(p.platform);
  MemoryMap mem(blob, inputs, outputs, state);
  if (!mem.bindArguments(error))
    return false;

  // Functional pass: run tasks in an order the barriers allow. Timing is
  // a separate pass (computeTimeline), independent of this order.
  std::vector<uint32_t> pending(p.barriers.size());
  for (size_t b = 0; b < p.barriers.size(); ++b)
    pending[b] = p.barriers[b].producerCount;
  std::vector<size_t> head(p.taskLists.size(), 0);
  uint64_t remaining = countTasks(p);
  std::vector<std::pair<size_t, size_t>> order; // (list, task) run order.
  order.reserve(remaining);

  while (remaining > 0) {
    bool progress = false;
    for (size_t l = 0; l < p.taskLists.size(); ++l) {
      const TaskList &list = p.taskLists[l];
      while (head[l] < list.tasks.size()) {
        const Task &t = list.tasks[head[l]];
        bool ready = true;
        for (uint32_t b : t.waitBarriers) {
          if (pending[b] != 0) {
            ready = false;
            break;
          }
        }
        if (!ready)
          break;
        if (!runTask(p, mem, t, error)) {
          error = "device error in " + std::string(engineName(list.engine)) +
                  "[" + std::to_string(list.index) + "] task " +
                  std::to_string(head[l]) +
                  (t.name.empty() ? "" : " '" + t.name + "'") + ": " + error;
          return false;
        }
        for (uint32_t b : t.updateBarriers)
          --pending[b];
        order.emplace_back(l, head[l]);
        ++head[l];
        --remaining;
        progress = true;
      }
    }
    if (!progress) {
      error = "device hang: no task can start (barriers never released)";
      return false;
    }
  }
  if (!profile)
    return true;
  Timeline tl;
  if (!computeTimeline(p, tl)) {
    error = "device hang: no task can start (barriers never released)";
    return false;
  }
  *profile = RunProfile();
  profile->tasks.reserve(order.size());
  std::vector<uint64_t> busy(p.taskLists.size(), 0);
  for (auto [l, i] : order) {
    const TaskList &list = p.taskLists[l];
    uint64_t start = tl.start[l][i], end = tl.end[l][i];
    profile->tasks.push_back(
        {list.tasks[i].name, list.engine, list.index, start, end});
    busy[l] += end - start;
  }
  profile->totalCycles = tl.total;
  profile->latencyNs = arch::dpuCyclesToNs(hw, tl.total);
  for (size_t l = 0; l < p.taskLists.size(); ++l)
    profile->engines.push_back(
        {p.taskLists[l].engine, p.taskLists[l].index, busy[l]});
  return true;
}

} // namespace npu::sim
