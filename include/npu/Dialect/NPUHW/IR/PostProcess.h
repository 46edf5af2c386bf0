//===- PostProcess.h - A DPU op's post-processing as the blob's -*- C++ -*-===//
//
// The post-processing attributes of npuhw.dpu_conv / npuhw.dpu_eltwise as
// npu::blob::PostProcess: what the op verifiers check (blob::
// verifyPostProcess), the interpreter executes and code generation writes,
// from one conversion.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPUHW_IR_POSTPROCESS_H
#define NPU_DIALECT_NPUHW_IR_POSTPROCESS_H

#include "npu/Blob/Program.h"

#include <cstdint>

namespace npu::hw {

/// `op`'s post-processing fields (a DpuConvOp or DpuEltwiseOp). Shifts are
/// stored in 8 bits: the op verifiers check their range first.
template <typename OpT> blob::PostProcess postProcessOf(OpT op) {
  blob::PostProcess p;
  p.activation = arch::Activation(uint8_t(op.getActivation()));
  p.leakyMult = int32_t(op.getLeakyMult());
  p.leakyShift = uint8_t(op.getLeakyShift());
  p.leakyAlpha = op.getLeakyAlpha().convertToFloat();
  p.outZeroPoint = int32_t(op.getOutZeroPoint());
  p.clampLow = int32_t(op.getClampLow());
  p.clampHigh = int32_t(op.getClampHigh());
  p.fclampLow = op.getFclampLow().convertToFloat();
  p.fclampHigh = op.getFclampHigh().convertToFloat();
  p.mult = uint32_t(op.getMult());
  p.shift = uint8_t(op.getShift());
  p.scale = op.getScale().convertToFloat();
  p.bias = int32_t(op.getBias());
  p.fbias = op.getFbias().convertToFloat();
  return p;
}

} // namespace npu::hw

#endif // NPU_DIALECT_NPUHW_IR_POSTPROCESS_H
