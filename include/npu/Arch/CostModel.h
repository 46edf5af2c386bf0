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
#include <vector>

namespace npu::arch {

/// How the DPU computes a workload: the rate it runs at.
enum class DpuOpClass : uint8_t {
  Conv,      ///< Dense conv / matmul: int8 (or fp16) MAC rate.
  Depthwise, ///< Depthwise conv and average pooling.
  Eltwise,   ///< Elementwise add/sub: CMX bytes bound.
  MaxPool,   ///< Max pooling.
};

/// The shape of one DPU workload (one output box computed by one variant).
struct DpuWorkloadShape {
  DpuOpClass opClass = DpuOpClass::Conv;
  uint32_t outWidth = 1, outHeight = 1, outChannels = 1;
  uint32_t inChannels = 1; ///< Conv only: channels reduced per output.
  uint32_t kernelH = 1, kernelW = 1;
  uint32_t strideH = 1, strideW = 1;
  bool fp16 = false; ///< fp16 inputs run at half the int8 rate.
  /// Bytes per output element; 0: the input's (1 int8, 2 fp16).
  uint32_t outElementBytes = 0;
  MpeMode mpeMode = MpeMode::Cuboid16x16;
};

/// Output blocks of a workload: ceil(W/bw) * ceil(H/bh) * ceil(K/bk).
uint64_t dpuWorkloadBlocks(const DpuWorkloadShape &s);

/// MACs per DPU cycle of one tile for `opClass` (Conv: dense; Depthwise:
/// depthwise conv and average pooling; MaxPool: window elements): the
/// HardwareDesc figure, halved for the depthwise and pooling engines in fp16.
/// Not meaningful for Eltwise (bytes bound), which returns 1.
uint64_t dpuMacsPerCycle(const HardwareDesc &hw, DpuOpClass opClass, bool fp16);

/// Compute cycles of one workload, including its pipeline start-up but not
/// the descriptor load (dpuWorkloadCycles, charged by dpuTaskCycles).
/// With cells Wc = alignUp(W, cellW), Hc = alignUp(H, cellH), Kc =
/// alignUp(K, 16), Cc = alignUp(C, 16), bytes per element e (1 / 2):
///   Conv:      start + ceil(16 kh kw Cc e / fill)
///              + max(ceil(Wc Hc Kc kh kw Cc / rate * waste),
///                    ceil((inW inH Cc e + W H Kc eOut) / cmxBytes))
///   Depthwise: start' + ceil(Wc Hc max(Kc, minCh) kh kw / dwRate)
///   MaxPool:   start' + ceil(Wc Hc max(Kc, minCh) kh kw / poolRate)
///   Eltwise:   start' + max(ceil(W H Kc / lanes),
///                           ceil(W H Kc (2e + eOut) / eltwiseBytes))
/// where waste = 1 + dpuBlockWastePermille/1000 * (the share of the
/// workload's whole-MPE-block volume that is padding), dwRate and poolRate
/// halve for fp16, start is dpuStartCyclesInt8 / Fp16, start' the
/// dpuOtherStartCycles, inW = (W-1)sw + kw, inH = (H-1)sh + kh. See
/// docs/hardware-model.md.
uint64_t dpuWorkloadComputeCycles(const HardwareDesc &hw,
                                  const DpuWorkloadShape &s);

/// A DPU task with `numWorkloads` workloads whose compute cycles sum to
/// `computeCycles`: dpuTaskDispatchCycles + numWorkloads * dpuWorkloadCycles
/// + computeCycles.
uint64_t dpuTaskCycles(const HardwareDesc &hw, uint64_t numWorkloads,
                       uint64_t computeCycles);

/// A DMA task moving `bytes`, in DPU cycles, when it has DDR to itself:
///   dmaFixedCycles + dmaTransferCycles.
uint64_t dmaTaskCycles(const HardwareDesc &hw, uint64_t bytes, bool touchesDdr);

/// The part of a DMA task that moves no data: dmaTaskDispatchCycles plus the
/// latency (dmaDdrLatencyNs when either end is DDR, else dmaCmxLatencyCycles
/// CMX cycles). Its data moves only after that.
uint64_t dmaFixedCycles(const HardwareDesc &hw, bool touchesDdr);

/// The bandwidth (bytes per second) of one DMA transfer with nothing else in
/// flight: dmaBytesPerCycle * cmxClock, and at most ddrBytesPerSecond when
/// either end is DDR.
uint64_t dmaBytesPerSecond(const HardwareDesc &hw, bool touchesDdr);

/// Cycles to move `bytes` at dmaBytesPerSecond: ceil(bytes * f_dpu / bw).
uint64_t dmaTransferCycles(const HardwareDesc &hw, uint64_t bytes,
                           bool touchesDdr);

/// The DDR shared by every DMA transfer with an end in DDR, as a fluid
/// model: while n transfers move data at once each gets
///   min(dmaBytesPerSecond(hw, true), floor(ddrBytesPerSecond / n))
/// so n transfers together never beat the DDR. A transfer alone takes
/// exactly dmaTransferCycles(hw, bytes, true). Event driven and integer
/// only: the same calls give the same ends. The simulator's timeline uses
/// it; a compiler's scheduler can replay its schedule through it.
///
/// Work is counted in bytes * f_dpu (Hz) and a rate of r bytes/s does r of
/// it per DPU cycle, so no rounding happens between events.
class SharedDdr {
public:
  explicit SharedDdr(const HardwareDesc &hw);

  /// Starts moving `bytes` at time `now`. The caller has first called
  /// advance(now), so now() == now <= nextFinish(). Returns the transfer's
  /// id (ids count from 0, in begin order).
  uint32_t begin(uint64_t now, uint64_t bytes);
  /// The time the first active transfer finishes if none begins before;
  /// UINT64_MAX when none is active.
  uint64_t nextFinish() const;
  /// Moves time to `t` (at most nextFinish()), appending the ids of the
  /// transfers that finish at `t` to `finished`, in id order.
  void advance(uint64_t t, std::vector<uint32_t> &finished);
  /// Transfers moving data now.
  size_t active() const { return flows.size(); }
  uint64_t now() const { return time; }

private:
  struct Flow {
    uint32_t id;
    unsigned __int128 remaining; ///< bytes * f_dpu still to move.
  };
  uint64_t rate() const; ///< Per-transfer bytes/s with flows.size() active.
  uint64_t portBw, ddrBw, fDpu;
  uint64_t time = 0;
  uint32_t nextId = 0;
  std::vector<Flow> flows;
};

/// Ends of DDR transfers given their data-phase starts (after
/// dmaFixedCycles) and sizes, sharing DDR by the SharedDdr rule; for a
/// schedule whose starts do not depend on the ends.
std::vector<uint64_t> sharedDdrEnds(const HardwareDesc &hw,
                                    const std::vector<uint64_t> &starts,
                                    const std::vector<uint64_t> &bytes);

/// A SHAVE task processing `elements` elements of `elementBytes` (2 for
/// fp16, 4 for fp32) bytes each, in DPU cycles:
///   toDpu(shaveLaunchCycles + ceil(elements / lanes) * cyclesPerVector)
/// with lanes = shaveVectorLanesF16 * 2 / elementBytes (at least 1).
uint64_t shaveTaskCycles(const HardwareDesc &hw, ShaveKernel k,
                         uint64_t elements, uint32_t elementBytes);

/// One kernel of a SHAVE chain: `elements` elements of `elementBytes` bytes
/// in its vector loop (as shaveTaskCycles takes them).
struct ShaveKernelWork {
  ShaveKernel kernel;
  uint64_t elements;
  uint32_t elementBytes;
};

/// Several kernels run in order in one SHAVE launch (a SHAVE chain), in DPU
/// cycles: the launch once, then each kernel's vector loop,
///   toDpu(shaveLaunchCycles + sum ceil(elements_i / lanes_i) *
///   cyclesPerVector_i)
/// (no saving for the data a kernel leaves where the next one reads it).
/// shaveTaskCycles is the chain of one kernel.
uint64_t shaveChainCycles(const HardwareDesc &hw,
                          const std::vector<ShaveKernelWork> &kernels);

/// The SHAVE tasks a matmul of `macs` multiply-accumulates is split into
/// over `extent` slabs of its outermost output dimension of size > 1 (the
/// heads, or A's rows), with `shaves` SHAVEs: one slab per SHAVE at most,
/// and at least `minTaskMacs` per task (by default kMatMulChunkMacs, about
/// 10x a launch at one vector per cycle); 1 when it is not split. Code
/// generation splits so (with a smaller `minTaskMacs` where it splits
/// SHAVE kernels by their work: matMulLaunchMacs), and the lowering
/// estimates the kernel's time with the default.
constexpr uint64_t kMatMulChunkMacs = 131072;
uint64_t matMulShaveTasks(uint64_t shaves, uint64_t extent, uint64_t macs,
                          uint64_t minTaskMacs = kMatMulChunkMacs);

/// The multiply-accumulates of an fp16 SHAVE matmul whose vector work lasts
/// as long as its launch (`shaveLaunchCycles` at shaveVectorLanesF16 lanes
/// a cycle): 12000 on NPU3720 and NPU4000.
uint64_t matMulLaunchMacs(const HardwareDesc &hw);

/// Cycles of the clock `fromKHz` converted to DPU cycles, rounded up.
uint64_t toDpuCycles(const HardwareDesc &hw, uint64_t cycles, uint32_t fromKHz);

/// DPU cycles -> nanoseconds (double, for reports only).
double dpuCyclesToNs(const HardwareDesc &hw, uint64_t cycles);

} // namespace npu::arch

#endif // NPU_ARCH_COSTMODEL_H
