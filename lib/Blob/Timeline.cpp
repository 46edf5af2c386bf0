//===- Timeline.cpp - The modelled timeline of a program ------------------===//

#include "npu/Blob/Timeline.h"

#include <algorithm>

namespace npu::blob {

arch::DpuOpClass dpuOpClass(DpuOp op) {
  switch (op) {
  case DpuOp::Conv:
    return arch::DpuOpClass::Conv;
  case DpuOp::DepthwiseConv:
  case DpuOp::AvgPool:
    return arch::DpuOpClass::Depthwise;
  case DpuOp::MaxPool:
    return arch::DpuOpClass::MaxPool;
  case DpuOp::EltwiseAdd:
  case DpuOp::EltwiseSub:
    return arch::DpuOpClass::Eltwise;
  }
  return arch::DpuOpClass::Conv;
}

bool touchesDdr(const Program &p, const TensorRef &r) {
  return r.buffer < p.buffers.size() &&
         p.buffers[r.buffer].space != MemSpace::Cmx;
}

uint64_t ddrBytes(const Program &p, const Task &t) {
  auto bytesOf = [&](const TensorRef &r) {
    return touchesDdr(p, r) ? r.numElements() * dtypeSize(r.dtype) : 0;
  };
  if (t.kind == Engine::Dma)
    return bytesOf(t.dma.src) + bytesOf(t.dma.dst);
  if (t.kind != Engine::Shave)
    return 0;
  uint64_t bytes = 0;
  auto add = [&](const ShaveTask &k) {
    for (const TensorRef &r : k.inputs)
      bytes += bytesOf(r);
    for (const TensorRef &r : k.outputs)
      bytes += bytesOf(r);
  };
  add(t.shave);
  for (const ShaveTask &k : t.shave.chained)
    add(k);
  return bytes;
}

namespace {
/// The vector work of a SHAVE task's kernels, in DPU cycles with the
/// launch.
uint64_t shaveComputeCycles(const arch::HardwareDesc &hw, const Task &t) {
  std::vector<arch::ShaveKernelWork> work;
  auto add = [&](const ShaveTask &k) {
    work.push_back({k.kernel, k.workElements(), k.vectorElementBytes()});
  };
  add(t.shave);
  for (const ShaveTask &k : t.shave.chained)
    add(k);
  return arch::shaveChainCycles(hw, work);
}
} // namespace

uint64_t taskCycles(const Program &p, const Task &t) {
  const arch::HardwareDesc &hw = arch::hardware(p.platform);
  switch (t.kind) {
  case Engine::Dma: {
    uint64_t bytes = t.dma.src.numElements() * dtypeSize(t.dma.src.dtype);
    uint64_t ddr = ddrBytes(p, t);
    // A copy within DDR moves its bytes through the DDR twice.
    return arch::dmaTaskCycles(hw, std::max(bytes, ddr), ddr != 0);
  }
  case Engine::Dpu: {
    const DpuTask &d = t.dpu;
    arch::DpuWorkloadShape s;
    s.opClass = dpuOpClass(d.op);
    s.inChannels = d.input.shape.size() == 3 ? d.input.shape[2] : 1;
    s.kernelH = d.kernelH;
    s.kernelW = d.kernelW;
    s.strideH = d.strideH;
    s.strideW = d.strideW;
    s.fp16 = d.input.dtype == DType::F16;
    s.outElementBytes = uint32_t(dtypeSize(d.output.dtype));
    uint64_t compute = 0;
    for (const Workload &w : d.workloads) {
      s.outWidth = w.width;
      s.outHeight = w.height;
      s.outChannels = w.channels;
      s.mpeMode = w.mpeMode;
      compute += arch::dpuWorkloadComputeCycles(hw, s);
    }
    return arch::dpuTaskCycles(hw, d.workloads.size(), compute);
  }
  case Engine::Shave:
    // Its DDR operands cross the DDR at its bandwidth while it computes.
    return std::max(shaveComputeCycles(hw, t),
                    arch::dmaTransferCycles(hw, ddrBytes(p, t), true));
  }
  return 0;
}

bool computeTimeline(const Program &p, Timeline &tl) {
  const arch::HardwareDesc &hw = arch::hardware(p.platform);
  size_t lists = p.taskLists.size();
  tl.start.assign(lists, {});
  tl.end.assign(lists, {});
  for (size_t l = 0; l < lists; ++l) {
    tl.start[l].assign(p.taskLists[l].tasks.size(), 0);
    tl.end[l].assign(p.taskLists[l].tasks.size(), 0);
  }
  std::vector<uint32_t> pending(p.barriers.size());
  std::vector<uint64_t> released(p.barriers.size(), 0);
  for (size_t b = 0; b < p.barriers.size(); ++b)
    pending[b] = p.barriers[b].producerCount;

  // Per list: the head task's phase. Idle: not started. Fixed: ends at
  // `until`. Latency: a DDR DMA (or a SHAVE task with DDR operands) whose
  // data moves from `until` on. Moving: in the shared DDR as a flow; a
  // SHAVE task then ends once its flow has and its compute (`computeEnd`)
  // has.
  enum class Phase { Idle, Fixed, Latency, Moving };
  std::vector<Phase> phase(lists, Phase::Idle);
  std::vector<uint64_t> until(lists, 0), engineFree(lists, 0), bytes(lists, 0),
      computeEnd(lists, 0);
  std::vector<size_t> head(lists, 0);
  std::vector<size_t> flowList; // SharedDdr id -> list.
  arch::SharedDdr ddr(hw);
  std::vector<uint32_t> finished;
  uint64_t now = 0, remaining = countTasks(p);

  auto complete = [&](size_t l, uint64_t t) {
    tl.end[l][head[l]] = t;
    for (uint32_t b : p.taskLists[l].tasks[head[l]].updateBarriers) {
      released[b] = std::max(released[b], t);
      if (--pending[b] == 0)
        released[b] += hw.barrierCycles;
    }
    engineFree[l] = t;
    tl.total = std::max(tl.total, t);
    phase[l] = Phase::Idle;
    ++head[l];
    --remaining;
  };

  while (remaining > 0) {
    // Start every head task whose barriers are released.
    for (size_t l = 0; l < lists; ++l) {
      if (phase[l] != Phase::Idle || head[l] >= p.taskLists[l].tasks.size())
        continue;
      const Task &t = p.taskLists[l].tasks[head[l]];
      uint64_t start = std::max(engineFree[l], now);
      bool ready = true;
      for (uint32_t b : t.waitBarriers) {
        if (pending[b] != 0) {
          ready = false;
          break;
        }
        start = std::max(start, released[b]);
      }
      if (!ready)
        continue;
      tl.start[l][head[l]] = start;
      uint64_t ddr = ddrBytes(p, t);
      computeEnd[l] = 0;
      if (t.kind == Engine::Dma && ddr) {
        // A copy within DDR moves its bytes through the DDR twice.
        phase[l] = Phase::Latency;
        until[l] = start + arch::dmaFixedCycles(hw, true);
        bytes[l] = ddr;
      } else if (t.kind == Engine::Shave && ddr) {
        phase[l] = Phase::Latency;
        until[l] = start;
        bytes[l] = ddr;
        computeEnd[l] = start + shaveComputeCycles(hw, t);
      } else {
        phase[l] = Phase::Fixed;
        until[l] = start + taskCycles(p, t);
      }
    }
    // The next event: a fixed task ends, a DDR transfer starts moving data,
    // or one finishes moving it.
    uint64_t next = ddr.nextFinish();
    for (size_t l = 0; l < lists; ++l)
      if (phase[l] == Phase::Fixed || phase[l] == Phase::Latency)
        next = std::min(next, until[l]);
    if (next == UINT64_MAX)
      return false;
    now = next;
    ddr.advance(now, finished);
    for (uint32_t id : finished) {
      size_t l = flowList[id];
      if (computeEnd[l] > now) {
        phase[l] = Phase::Fixed;
        until[l] = computeEnd[l];
      } else {
        complete(l, now);
      }
    }
    finished.clear();
    for (size_t l = 0; l < lists; ++l) {
      if (phase[l] == Phase::Fixed && until[l] == now) {
        complete(l, now);
      } else if (phase[l] == Phase::Latency && until[l] == now) {
        phase[l] = Phase::Moving;
        flowList.push_back(l);
        ddr.begin(now, bytes[l]);
      }
    }
  }
  return true;
}

} // namespace npu::blob
