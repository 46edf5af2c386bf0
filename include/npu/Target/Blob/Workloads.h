//===- Workloads.h - Splitting a DPU task into MPE workloads ----*- C++ -*-===//
//
// A DPU task's output box is covered by workloads ("variants"), each run in
// one MPE mode. The mode and the split are chosen with the cost function
// the simulator charges (arch::dpuWorkloadComputeCycles plus the per
// workload fixed cost), under the blob verifier's rules: depthwise and
// pooling workloads have 16, 32 or 64 channels and use CUBOID_16x16;
// eltwise on NPU4000 uses CUBOID_8x16. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TARGET_BLOB_WORKLOADS_H
#define NPU_TARGET_BLOB_WORKLOADS_H

#include "npu/Arch/CostModel.h"
#include "npu/Blob/Program.h"

#include <utility>
#include <vector>

namespace npu::target {

/// What the workload split of one DPU task depends on.
struct DpuTaskShape {
  blob::DpuOp op = blob::DpuOp::Conv;
  uint32_t outHeight = 1, outWidth = 1, outChannels = 16;
  uint32_t inChannels = 16; ///< Conv: channels reduced per output.
  uint32_t kernelH = 1, kernelW = 1;
  bool fp16 = false;
};

struct WorkloadPlan {
  std::vector<blob::Workload> workloads;
  uint64_t cycles = 0; ///< Compute + per-workload fixed cost.
};

/// Covers the task's output with workloads of minimal modelled cycles:
/// channels in chunks the op allows, rows split where a cheaper mode
/// covers a part with less block padding, each part in its cheapest mode.
WorkloadPlan planWorkloads(const arch::HardwareDesc &hw,
                           const DpuTaskShape &shape);

/// Compute cycles of the whole output as one workload in its cheapest
/// allowed mode (a quick estimate for tiling decisions; planWorkloads can
/// only do better).
uint64_t singleWorkloadCycles(const arch::HardwareDesc &hw,
                              const DpuTaskShape &shape);

/// The pixel shapes [h, w] (h * w = rows * width) a pointwise task's
/// `rows` x `width` output pixels may also be computed as, for fewer pixels
/// of DPU cells than the original: w a multiple of the cell width, h at
/// most 64 (which bounds the workload planner's search). A 1x1, stride-1,
/// unpadded convolution computes each pixel alone, so it may take any of
/// them when its operands are spatially contiguous (EmitDpu.cpp); tiling
/// estimates its pieces the same way.
std::vector<std::pair<uint32_t, uint32_t>>
flatPixelShapes(const arch::HardwareDesc &hw, uint32_t rows, uint32_t width);

} // namespace npu::target

#endif // NPU_TARGET_BLOB_WORKLOADS_H
