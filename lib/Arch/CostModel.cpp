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
  uint64_t blocks = dpuWorkloadBlocks(s);
  uint64_t volume = mpeBlock(s.mpeMode).volume();
  uint64_t kernel = uint64_t(s.kernelH) * s.kernelW;
  switch (s.opClass) {
  case DpuOpClass::Conv: {
    uint64_t rate = s.fp16 ? hw.fp16MacsPerCycle : hw.int8MacsPerCycle;
    uint64_t macs = kernel * alignUp(s.inChannels, hw.channelAlignment);
    return blocks * ceilDiv(volume * macs, rate);
  }
  case DpuOpClass::Depthwise: {
    uint64_t rate = hw.depthwiseMacsPerCycle / (s.fp16 ? 2 : 1);
    return blocks * ceilDiv(volume * kernel, std::max<uint64_t>(rate, 1));
  }
  case DpuOpClass::Eltwise:
    return blocks * ceilDiv(volume, hw.eltwiseLanes);
  }
  return 0;
}

uint64_t dpuTaskCycles(const HardwareDesc &hw, uint64_t numWorkloads,
                       uint64_t computeCycles) {
  return hw.dpuTaskDispatchCycles + numWorkloads * hw.dpuWorkloadCycles +
         computeCycles;
}

uint64_t toDpuCycles(const HardwareDesc &hw, uint64_t cycles,
                     uint32_t fromKHz) {
  return ceilDiv128(u128(cycles) * hw.dpuClockKHz, fromKHz);
}

uint64_t dmaTaskCycles(const HardwareDesc &hw, uint64_t bytes,
                       bool touchesDdr) {
  // Bandwidths in bytes per second; DPU cycles = bytes * f_dpu / bandwidth.
  u128 portBw = u128(hw.dmaBytesPerCycle) * hw.cmxClockKHz * 1000;
  u128 fDpu = u128(hw.dpuClockKHz) * 1000;
  uint64_t latency, transfer;
  if (touchesDdr) {
    u128 bw = std::min<u128>(portBw, hw.ddrBytesPerSecond);
    // ns * kHz / 10^6 = cycles.
    latency = ceilDiv128(u128(hw.dmaDdrLatencyNs) * hw.dpuClockKHz, 1000000);
    transfer = ceilDiv128(u128(bytes) * fDpu, bw);
  } else {
    latency = toDpuCycles(hw, hw.dmaCmxLatencyCycles, hw.cmxClockKHz);
    transfer = ceilDiv128(u128(bytes) * fDpu, portBw);
  }
  return hw.dmaTaskDispatchCycles + latency + transfer;
}

uint64_t shaveTaskCycles(const HardwareDesc &hw, ShaveKernel k,
                         uint64_t elements, uint32_t elementBytes) {
  uint64_t lanes = std::max<uint64_t>(1, uint64_t(hw.shaveVectorLanesF16) * 2 /
                                             std::max(elementBytes, 1u));
  uint64_t shaveCycles =
      hw.shaveLaunchCycles + ceilDiv(elements, lanes) * shaveCyclesPerVector(k);
  return toDpuCycles(hw, shaveCycles, hw.shaveClockKHz);
}

double dpuCyclesToNs(const HardwareDesc &hw, uint64_t cycles) {
  return double(cycles) * 1e6 / double(hw.dpuClockKHz);
}

} // namespace npu::arch
