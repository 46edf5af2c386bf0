//===- PhysicalFloor.h - The latency no schedule can beat --------*- C++
//-*-===//
//
// The physical floor of a model on a target: the larger of its MACs at the
// DPUs' peak rates on every tile in use and the bytes that must cross DDR at
// DDR bandwidth. Both come from the same hardware description the cost model
// and the simulator use (npu/Arch/Hardware.h, npu/Arch/CostModel.h), so a
// modelled latency below the floor is a simulator bug and the ratio of the
// two is what the back end still leaves on the table.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_PIPELINE_PHYSICALFLOOR_H
#define NPU_PIPELINE_PHYSICALFLOOR_H

#include "npu/Arch/Hardware.h"
#include "npu/Pipeline/CompileOptions.h"

#include <cstdint>

namespace mlir {
class ModuleOp;
} // namespace mlir

namespace npu {

/// What a model asks of the hardware, counted on the canonical stage (the
/// model as written: no channel padding, no recomputed halos).
struct ModelWork {
  /// Multiply-accumulates of dense convolutions (including transposed),
  /// MatMul and Gemm.
  uint64_t denseMacs = 0;
  /// Depthwise convolutions (one input channel per group) and average
  /// pooling: window elements per output.
  uint64_t depthwiseMacs = 0;
  /// Max pooling: window elements per output.
  uint64_t poolMacs = 0;
  /// Bytes of the constant operands of those ops (weights and biases) at the
  /// precision's storage (int8 weights: 1 byte, fp16: 2; biases: 4).
  uint64_t weightBytes = 0;
  /// Bytes of @main's arguments it reads and its results, at their boundary
  /// types (an unused input never crosses the DDR).
  uint64_t ioBytes = 0;
};

/// The floor, in seconds, and its two bounds.
struct PhysicalFloor {
  double computeSeconds = 0; ///< MACs at peak rate on `tiles` tiles.
  double ddrSeconds = 0;     ///< (weightBytes + ioBytes) / DDR bandwidth.
  double seconds() const {
    return computeSeconds > ddrSeconds ? computeSeconds : ddrSeconds;
  }
};

/// Counts the work of `module`'s @main (canonical stage: npu dialect).
/// Ops other than convolutions, matrix products and pooling count no MACs
/// (they bound nothing the floor claims); dynamic shapes count as zero.
ModelWork countModelWork(mlir::ModuleOp module, Precision precision);

/// The floor of `work` on `hw` with `tiles` tiles (at least 1) in
/// `precision`: dense MACs at the int8 or fp16 rate, depthwise and pooling
/// at theirs (dpuMacsPerCycle), DDR at ddrBytesPerSecond.
PhysicalFloor physicalFloor(const ModelWork &work, const arch::HardwareDesc &hw,
                            unsigned tiles, Precision precision);

} // namespace npu

#endif // NPU_PIPELINE_PHYSICALFLOOR_H
