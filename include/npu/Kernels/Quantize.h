//===- Quantize.h - Linear quantization and dequantization ------*- C++ -*-===//
//
// ONNX QuantizeLinear / DequantizeLinear, per tensor or per axis:
// q = saturate(round_half_to_even(x / scale) + zero_point) and
// x = (q - zero_point) * scale. The division and the product are done in
// float, as ONNX Runtime does, so results match it bit for bit.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_QUANTIZE_H
#define NPU_KERNELS_QUANTIZE_H

#include "npu/Kernels/Status.h"
#include "npu/Kernels/ThreadPool.h"
#include "npu/Support/HostTensor.h"

namespace npu::kernels {

/// `scale` and `zeroPoint` hold one value, or one per element of x along
/// `axis`. y has zeroPoint's (integer) element type.
Status quantizeLinear(const HostTensor &x, const HostTensor &scale,
                      const HostTensor &zeroPoint, int64_t axis, HostTensor &y,
                      ThreadPool *pool = nullptr);
/// y has scale's (float) element type.
Status dequantizeLinear(const HostTensor &x, const HostTensor &scale,
                        const HostTensor &zeroPoint, int64_t axis,
                        HostTensor &y, ThreadPool *pool = nullptr);

} // namespace npu::kernels

#endif // NPU_KERNELS_QUANTIZE_H
