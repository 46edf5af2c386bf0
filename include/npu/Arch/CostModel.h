//===- CostModel.h - Cycle formulas of the NPU engines ---------*- C++ -*-===//
//
// The cost of one DPU workload, DMA transfer or SHAVE kernel, computed from a
// HardwareDesc only. The simulator's timeline and the compiler's cost model
// call the same functions, so what the compiler optimises is what the
// simulated device spends. Every result is in DPU clock cycles of the
// platform (the common timebase of the timeline) and is exact integer
// arithmetic: the same inputs always give the same cycles.
//
// The formulas, with worked examples, are in docs/hardware-model.md.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_ARCH_COSTMODEL_H
#define NPU_ARCH_COSTMODEL_H

#include "npu/Arch/Hardware.h"
#include "npu/Arch/ShaveKernels.h"

#include <cstdint>

namespace npu::arch {

/// How the DPU computes a workload: the MAC rate it runs at.
enum class DpuOpClass : uint8_t {
  Conv,      ///< Dense conv / matmul: int8 (or fp16) MAC rate.
  Depthwise, ///< Depthwise conv, max and average pooling: the lower rate.
  Eltwise,   ///< Elementwise add/sub through the PPE lanes.
};

/// The shape of one DPU workload (one output box computed by one variant).
struct DpuWorkloadShape {
  DpuOpClass opClass = DpuOpClass::Conv;
  uint32_t outWidth = 1, outHeight = 1, outChannels = 1;
  uint32_t inChannels = 1; ///< Conv only: channels reduced per output.
  uint32_t kernelH = 1, kernelW = 1;
  bool fp16 = false; ///< fp16 inputs run at half the int8 rate.
  MpeMode mpeMode = MpeMode::Cuboid16x16;
};

/// Output blocks of a workload: ceil(W/bw) * ceil(H/bh) * ceil(K/bk).
uint64_t dpuWorkloadBlocks(const DpuWorkloadShape &s);

/// Compute cycles of one workload, without fixed costs:
///   blocks * ceil(blockVolume * macsPerOutput / rate)
/// where macsPerOutput = kh * kw * alignUp(inChannels, 16) for Conv and
/// kh * kw for Depthwise; Eltwise is blocks * ceil(blockVolume / lanes).
/// Rates: int8MacsPerCycle / depthwiseMacsPerCycle / eltwiseLanes, halved
/// for fp16 except Eltwise.
uint64_t dpuWorkloadComputeCycles(const HardwareDesc &hw,
                                  const DpuWorkloadShape &s);

/// A DPU task with `numWorkloads` workloads whose compute cycles sum to
/// `computeCycles`: dpuTaskDispatchCycles + numWorkloads * dpuWorkloadCycles
/// + computeCycles.
uint64_t dpuTaskCycles(const HardwareDesc &hw, uint64_t numWorkloads,
                       uint64_t computeCycles);

/// A DMA task moving `bytes`, in DPU cycles:
///   dmaTaskDispatchCycles + latency + ceil(bytes / bandwidth)
/// When either end is DDR the latency is dmaDdrLatencyNs and the bandwidth
/// min(ddrBytesPerSecond, dmaBytesPerCycle * cmxClock); CMX to CMX it is
/// dmaCmxLatencyCycles CMX cycles and dmaBytesPerCycle * cmxClock.
uint64_t dmaTaskCycles(const HardwareDesc &hw, uint64_t bytes, bool touchesDdr);

/// A SHAVE task processing `elements` elements of `elementBytes` (2 for
/// fp16, 4 for fp32) bytes each, in DPU cycles:
///   toDpu(shaveLaunchCycles + ceil(elements / lanes) * cyclesPerVector)
/// with lanes = shaveVectorLanesF16 * 2 / elementBytes (at least 1).
uint64_t shaveTaskCycles(const HardwareDesc &hw, ShaveKernel k,
                         uint64_t elements, uint32_t elementBytes);

/// Cycles of the clock `fromKHz` converted to DPU cycles, rounded up.
uint64_t toDpuCycles(const HardwareDesc &hw, uint64_t cycles, uint32_t fromKHz);

/// DPU cycles -> nanoseconds (double, for reports only).
double dpuCyclesToNs(const HardwareDesc &hw, uint64_t cycles);

} // namespace npu::arch

#endif // NPU_ARCH_COSTMODEL_H
