//===- Engines.h - Functional models of the DMA, DPU and SHAVE --*- C++ -*-===//
//
// The device's arithmetic as plain C++: the DMA copy, the DPU (MAC array +
// PPE, npu/Arch/PostProcess.h) and the ACT-SHAVE kernel library. The
// simulator's executor resolves every operand of a blob task to a View (a
// pointer to element 0 plus the operand's shape and byte strides, already
// checked against the memory behind it) and calls these functions; the
// reference interpreter calls the same functions on host tensors for the
// hardware-op stages, so that a blob on the simulated device and the
// interpreter agree bit for bit by construction (shared code, not a copy).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DEVICE_ENGINES_H
#define NPU_DEVICE_ENGINES_H

#include "npu/Blob/Program.h"

#include <string>
#include <vector>

namespace npu::device {

/// A checked strided view of device memory.
struct View {
  uint8_t *data = nullptr;
  DType dtype = DType::I8;
  std::vector<uint32_t> shape;
  std::vector<uint64_t> strides;
  uint64_t numElements() const;
  /// Byte offset of the element with row-major linear index `i`.
  uint64_t offsetOf(uint64_t i) const;
};

/// DMA: copies src to dst element by element (same shapes, same element
/// size), contiguous runs at once.
void runDma(const View &src, const View &dst);

/// Operands of a DPU task. `weights` spans the bytes the task declared for
/// its weights (the weight table's offsets are checked against it).
struct DpuOperands {
  View input, input2, weights, weightTable, output;
  uint64_t weightsBytes = 0;
};

/// Executes the workloads of a DPU task. Fails (device error) when a weight
/// table entry points outside the declared weights.
bool runDpu(const blob::DpuTask &task, const DpuOperands &ops,
            std::string &error);

/// Executes a SHAVE kernel (operands already verified by verifyShaveTask).
/// Fails on data-dependent errors such as a gather index out of range.
bool runShave(const blob::ShaveTask &task, const std::vector<View> &inputs,
              const std::vector<View> &outputs, std::string &error);

/// Element access used by the SHAVE kernels and the DPU's float path.
float loadAsFloat(const uint8_t *p, DType t);
void storeFromFloat(uint8_t *p, DType t, float v);

} // namespace npu::device

#endif // NPU_DEVICE_ENGINES_H
