//===- ExactInt32.h - int32 products on the float kernels -------*- C++ -*-===//
//
// int32 convolutions and matrix products (ConvInteger / MatMulInteger after
// the zero points are subtracted) run on the blocked float kernels: their
// operands are converted to float32, the products summed in float over K
// blocks short enough to be exact (see exactBlockDepth in Gemm.h), and the
// blocks added in int32 with wrap-around. The result is bit-identical to the
// reference loops. Private to lib/Kernels.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_KERNELS_EXACTINT32_H
#define NPU_LIB_KERNELS_EXACTINT32_H

#include "npu/Kernels/ThreadPool.h"
#include "npu/Support/HostTensor.h"

#include <cstdint>

namespace npu::kernels {

/// Two int32 operands as float32 and the depth of the K blocks in which
/// float sums of their products are exact. The floats live in the calling
/// thread's scratch buffers (reused, so that large operands do not cost
/// fresh pages every run) until the next prepareExactInt32 on that thread.
struct ExactInt32Operands {
  const float *a = nullptr, *b = nullptr;
  int64_t blockDepth = 0;
};

/// Fills `out` for the int32 tensors `a` and `b`; false (and `out` left
/// empty) when a single product of their values may not be exact in float,
/// in which case the caller runs the reference loops.
bool prepareExactInt32(const HostTensor &a, const HostTensor &b,
                       ThreadPool *pool, ExactInt32Operands &out);

/// a + b in int32 with wrap-around (what the reference loops' wider sums
/// give when stored).
inline int32_t wrappingAdd(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) +
                              static_cast<uint32_t>(b));
}

} // namespace npu::kernels

#endif // NPU_LIB_KERNELS_EXACTINT32_H
