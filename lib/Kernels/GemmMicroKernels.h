//===- GemmMicroKernels.h - Register-tile kernels of the GEMM ---*- C++ -*-===//
//
// Private interface between the GEMM driver and its micro-kernels.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_KERNELS_GEMMMICROKERNELS_H
#define NPU_LIB_KERNELS_GEMMMICROKERNELS_H

#include "npu/Kernels/Gemm.h"

namespace npu::kernels {

/// Computes the full mr x nr tile C = A_panel * B_panel over kc steps.
/// `a` holds kc groups of mr values, `b` kc groups of nr values. When
/// `accumulate`, the product is added to C; otherwise C is overwritten and
/// `bias` (mr values, may be null) added. `activation` (may be null) is
/// applied last.
using GemmMicroKernel = void (*)(int64_t kc, const float *a, const float *b,
                                 float *c, int64_t ldc, const float *bias,
                                 bool accumulate,
                                 const GemmActivation *activation);

GemmMicroKernel gemmMicroKernel(SimdLevel level);

/// Applies `act` to n consecutive floats (shared with the epilogues of
/// other kernels).
void applyActivation(float *p, int64_t n, const GemmActivation &act);

} // namespace npu::kernels

#endif // NPU_LIB_KERNELS_GEMMMICROKERNELS_H
