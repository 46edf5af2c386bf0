//===- CostModel.cpp - Cycle formulas of the NPU engines ------------------===//

#include "npu/Arch/CostModel.h"

#include <algorithm>

namespace npu::arch {

namespace {
using u128 = unsigned __int128;

uint64_t ceilDiv(uint64_t a, uint64_t b) { return b ? (a + b - 1) / b : 0; }
uint64_t ceilDiv128(u128 a, u128 b) { return uint64_t((a + b - 1) / b); }
uint64_t alignUp(uint64_t v, uint64_t a) { return ceilDiv(v, a) * a; }
} // namespace

uint64_t dpuWorkloadBlocks(const DpuWorkloadShape &s) {
  MpeBlock b = mpeBlock(s.mpeMode);
  return ceilDiv(s.outWidth, b.width) * ceilDiv(s.outHeight, b.height) *
         ceilDiv(s.outChannels, b.channels);
}

uint64_t dpuWorkloadComputeCycles(const HardwareDesc &hw,
                                  const DpuWorkloadShape &s) {
  uint64_t align = std::max<uint64_t>(hw.channelAlignment, 1);
  uint64_t wc = alignUp(s.outWidth, std::max<uint64_t>(hw.dpuCellWidth, 1));
  uint64_t hc = alignUp(s.outHeight, std::max<uint64_t>(hw.dpuCellHeight, 1));
  uint64_t kc = alignUp(s.outChannels, align);
  uint64_t cc = alignUp(s.inChannels, align);
  uint64_t kernel = uint64_t(s.kernelH) * s.kernelW;
  uint64_t inBytes = s.fp16 ? 2 : 1;
  uint64_t outBytes = s.outElementBytes ? s.outElementBytes : inBytes;
  uint64_t start =
      s.opClass == DpuOpClass::Conv
          ? (s.fp16 ? hw.dpuStartCyclesFp16 : hw.dpuStartCyclesInt8)
          : (s.fp16 ? hw.dpuOtherStartCyclesFp16 : hw.dpuOtherStartCyclesInt8);
  uint64_t cmxBytes = std::max<uint64_t>(hw.dpuCmxBytesPerCycle, 1);

  // Padding to whole MPE blocks costs dpuBlockWastePermille of the padded
  // volume: cells * (1000 * blocks + waste * (blocks - cells)) / 1000
  // in units of the block volume.
  u128 cells = u128(wc) * hc * kc;
  u128 blocks = u128(dpuWorkloadBlocks(s)) * mpeBlock(s.mpeMode).volume();
  blocks = std::max(blocks, cells);
  u128 wasteNum =
      u128(1000) * blocks + u128(hw.dpuBlockWastePermille) * (blocks - cells);
  u128 wasteDen = u128(1000) * blocks;
  auto macCycles = [&](u128 macs, uint64_t rate) {
    return ceilDiv128(macs * wasteNum, wasteDen * std::max<uint64_t>(rate, 1));
  };

  switch (s.opClass) {
  case DpuOpClass::Conv: {
    uint64_t rate = dpuMacsPerCycle(hw, DpuOpClass::Conv, s.fp16);
    uint64_t mac = macCycles(cells * kernel * cc, rate);
    uint64_t inW = uint64_t(s.outWidth - 1) * s.strideW + s.kernelW;
    uint64_t inH = uint64_t(s.outHeight - 1) * s.strideH + s.kernelH;
    uint64_t mem =
        ceilDiv(inW * inH * cc * inBytes +
                    uint64_t(s.outWidth) * s.outHeight * kc * outBytes,
                cmxBytes);
    uint64_t fill =
        ceilDiv(align * kernel * cc * inBytes,
                std::max<uint64_t>(hw.dpuWeightFillBytesPerCycle, 1));
    return start + fill + std::max(mac, mem);
  }
  case DpuOpClass::Depthwise:
  case DpuOpClass::MaxPool: {
    // The cost follows the workload's own channels, not the MPE block, but
    // below depthwiseMinChannels the DPU runs part empty.
    uint64_t rate = dpuMacsPerCycle(hw, s.opClass, s.fp16);
    u128 chans = std::max<uint64_t>(kc, hw.depthwiseMinChannels);
    return start + ceilDiv128(u128(wc) * hc * chans * kernel, rate);
  }
  case DpuOpClass::Eltwise: {
    uint64_t outputs = uint64_t(s.outWidth) * s.outHeight * kc;
    uint64_t lanes = ceilDiv(outputs, std::max<uint32_t>(hw.eltwiseLanes, 1));
    uint64_t mem = ceilDiv(outputs * (2 * inBytes + outBytes),
                           std::max<uint64_t>(hw.eltwiseBytesPerCycle, 1));
    return start + std::max(lanes, mem);
  }
  }
  return 0;
}

uint64_t dpuMacsPerCycle(const HardwareDesc &hw, DpuOpClass opClass,
                         bool fp16) {
  switch (opClass) {
  case DpuOpClass::Conv:
    return std::max<uint64_t>(fp16 ? hw.fp16MacsPerCycle : hw.int8MacsPerCycle,
                              1);
  case DpuOpClass::Depthwise:
  case DpuOpClass::MaxPool: {
    uint64_t rate = opClass == DpuOpClass::MaxPool ? hw.maxPoolMacsPerCycle
                                                   : hw.depthwiseMacsPerCycle;
    return std::max<uint64_t>(fp16 ? rate / 2 : rate, 1);
  }
  case DpuOpClass::Eltwise:
    break;
  }
  return 1;
}

uint64_t dpuTaskCycles(const HardwareDesc &hw, uint64_t numWorkloads,
                       uint64_t computeCycles) {
  return hw.dpuTaskDispatchCycles + numWorkloads * hw.dpuWorkloadCycles +
         computeCycles;
}

uint64_t matMulShaveTasks(uint64_t shaves, uint64_t extent, uint64_t macs,
                          uint64_t minTaskMacs) {
  return std::max<uint64_t>(
      std::min<uint64_t>(
          {shaves, extent, macs / std::max<uint64_t>(minTaskMacs, 1)}),
      1);
}

uint64_t matMulLaunchMacs(const HardwareDesc &hw) {
  return uint64_t(hw.shaveLaunchCycles) * hw.shaveVectorLanesF16 /
         std::max<uint32_t>(shaveCyclesPerVector(ShaveKernel::MatMul), 1);
}

uint64_t toDpuCycles(const HardwareDesc &hw, uint64_t cycles,
                     uint32_t fromKHz) {
  return ceilDiv128(u128(cycles) * hw.dpuClockKHz, fromKHz);
}

uint64_t dmaFixedCycles(const HardwareDesc &hw, bool touchesDdr) {
  // ns * kHz / 10^6 = cycles.
  uint64_t latency =
      touchesDdr
          ? ceilDiv128(u128(hw.dmaDdrLatencyNs) * hw.dpuClockKHz, 1000000)
          : toDpuCycles(hw, hw.dmaCmxLatencyCycles, hw.cmxClockKHz);
  return hw.dmaTaskDispatchCycles + latency;
}

uint64_t dmaBytesPerSecond(const HardwareDesc &hw, bool touchesDdr) {
  uint64_t portBw = uint64_t(hw.dmaBytesPerCycle) * hw.cmxClockKHz * 1000;
  return touchesDdr ? std::min(portBw, hw.ddrBytesPerSecond) : portBw;
}

uint64_t dmaTransferCycles(const HardwareDesc &hw, uint64_t bytes,
                           bool touchesDdr) {
  // DPU cycles = bytes * f_dpu / bandwidth.
  return ceilDiv128(u128(bytes) * hw.dpuClockKHz * 1000,
                    dmaBytesPerSecond(hw, touchesDdr));
}

uint64_t dmaTaskCycles(const HardwareDesc &hw, uint64_t bytes,
                       bool touchesDdr) {
  return dmaFixedCycles(hw, touchesDdr) +
         dmaTransferCycles(hw, bytes, touchesDdr);
}

SharedDdr::SharedDdr(const HardwareDesc &hw)
    : portBw(dmaBytesPerSecond(hw, false)), ddrBw(hw.ddrBytesPerSecond),
      fDpu(uint64_t(hw.dpuClockKHz) * 1000) {}

uint64_t SharedDdr::rate() const {
  uint64_t n = std::max<uint64_t>(flows.size(), 1);
  return std::max<uint64_t>(1, std::min(portBw, ddrBw / n));
}

uint32_t SharedDdr::begin(uint64_t now, uint64_t bytes) {
  // The caller has advanced past every finish before `now` (now <=
  // nextFinish()), so the flows ran at one rate up to `now`.
  std::vector<uint32_t> finished;
  advance(now, finished);
  flows.push_back({nextId, u128(bytes) * fDpu});
  return nextId++;
}

uint64_t SharedDdr::nextFinish() const {
  if (flows.empty())
    return UINT64_MAX;
  u128 least = flows.front().remaining;
  for (const Flow &f : flows)
    least = std::min(least, f.remaining);
  return time + ceilDiv128(least, rate());
}

void SharedDdr::advance(uint64_t t, std::vector<uint32_t> &finished) {
  if (t < time)
    return;
  u128 moved = u128(rate()) * (t - time);
  time = t;
  std::vector<Flow> left;
  for (const Flow &f : flows) {
    if (f.remaining <= moved)
      finished.push_back(f.id);
    else
      left.push_back({f.id, f.remaining - moved});
  }
  flows.swap(left);
}

std::vector<uint64_t> sharedDdrEnds(const HardwareDesc &hw,
                                    const std::vector<uint64_t> &starts,
                                    const std::vector<uint64_t> &bytes) {
  std::vector<size_t> order(starts.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return starts[a] < starts[b]; });
  std::vector<uint64_t> ends(starts.size(), 0);
  std::vector<size_t> byId;
  SharedDdr ddr(hw);
  std::vector<uint32_t> done;
  size_t next = 0;
  while (next < order.size() || ddr.active()) {
    uint64_t t = ddr.nextFinish();
    bool starting = next < order.size() && starts[order[next]] < t;
    if (starting)
      t = starts[order[next]];
    ddr.advance(t, done);
    for (uint32_t id : done)
      ends[byId[id]] = t;
    done.clear();
    if (starting) {
      byId.push_back(order[next]);
      ddr.begin(t, bytes[order[next]]);
      ++next;
    }
  }
  return ends;
}

namespace {
/// SHAVE cycles of a kernel's vector loop, without the launch.
uint64_t shaveVectorCycles(const HardwareDesc &hw, const ShaveKernelWork &w) {
  uint64_t lanes = std::max<uint64_t>(1, uint64_t(hw.shaveVectorLanesF16) * 2 /
                                             std::max(w.elementBytes, 1u));
  return ceilDiv(w.elements, lanes) * shaveCyclesPerVector(w.kernel);
}
} // namespace

uint64_t shaveTaskCycles(const HardwareDesc &hw, ShaveKernel k,
                         uint64_t elements, uint32_t elementBytes) {
  return shaveChainCycles(hw, {{k, elements, elementBytes}});
}

uint64_t shaveChainCycles(const HardwareDesc &hw,
                          const std::vector<ShaveKernelWork> &kernels) {
  uint64_t shaveCycles = hw.shaveLaunchCycles;
  for (const ShaveKernelWork &w : kernels)
    shaveCycles += shaveVectorCycles(hw, w);
  return toDpuCycles(hw, shaveCycles, hw.shaveClockKHz);
}

double dpuCyclesToNs(const HardwareDesc &hw, uint64_t cycles) {
  return double(cycles) * 1e6 / double(hw.dpuClockKHz);
}

} // namespace npu::arch
