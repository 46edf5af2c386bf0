//===- GemmMicroKernels.cpp - Register-tile kernels of the GEMM -----------===//
//
// One template written with Clang/GCC vector extensions, instantiated per
// SIMD level inside functions carrying the matching target attribute: the
// accumulators live in registers (AVX-512: 8 x 32 tile in 16 zmm; AVX2:
// 4 x 24 in 12 ymm; portable: 4 x 8), B is loaded as vectors and A
// broadcast, and the compiler contracts the multiply-adds into FMAs where
// the target has them.
//
//===----------------------------------------------------------------------===//

#include "GemmMicroKernels.h"
#include "KernelSupport.h"

#include <algorithm>
#include <cstring>

namespace npu::kernels {

namespace {

template <int W> struct VecOf {
  typedef float type __attribute__((vector_size(W * sizeof(float))));
};


NPU_ALWAYS_INLINE void activationBody(float *p, int64_t n,
                                      const GemmActivation &act) {
  switch (act.kind) {
  case GemmActivation::None:
    return;
  case GemmActivation::Clamp: {
    float lo = act.a, hi = act.b;
    for (int64_t i = 0; i < n; ++i)
      p[i] = std::min(std::max(p[i], lo), hi);
    return;
  }
  case GemmActivation::HardSwish:
    for (int64_t i = 0; i < n; ++i) {
      float x = p[i];
      p[i] = x * std::min(std::max(x * (1.0f / 6.0f) + 0.5f, 0.0f), 1.0f);
    }
    return;
  case GemmActivation::HardSigmoid: {
    float alpha = act.a, beta = act.b;
    for (int64_t i = 0; i < n; ++i)
      p[i] = std::min(std::max(alpha * p[i] + beta, 0.0f), 1.0f);
    return;
  }
  case GemmActivation::LeakyRelu: {
    float alpha = act.a;
    for (int64_t i = 0; i < n; ++i)
      p[i] = p[i] < 0 ? p[i] * alpha : p[i];
    return;
  }
  }
}

template <int W, int MR, int NV>
NPU_ALWAYS_INLINE void microKernelBody(int64_t kc, const float *__restrict a,
                                       const float *__restrict b,
                                       float *__restrict c, int64_t ldc,
                                       const float *bias, bool accumulate,
                                       const GemmActivation *activation) {
  using V = typename VecOf<W>::type;
  constexpr int NR = W * NV;
  V acc[MR][NV];
#pragma unroll
  for (int i = 0; i < MR; ++i)
#pragma unroll
    for (int v = 0; v < NV; ++v)
      acc[i][v] = V{};
  for (int64_t k = 0; k < kc; ++k) {
    V bv[NV];
#pragma unroll
    for (int v = 0; v < NV; ++v)
      std::memcpy(&bv[v], b + v * W, sizeof(V));
#pragma unroll
    for (int i = 0; i < MR; ++i) {
      V av = a[i] - V{}; // broadcast (x - 0 == x, folded away)
#pragma unroll
      for (int v = 0; v < NV; ++v)
        acc[i][v] += av * bv[v];
    }
    a += MR;
    b += NR;
  }
#pragma unroll
  for (int i = 0; i < MR; ++i) {
    float *row = c + i * ldc;
    V add = V{};
    if (!accumulate && bias)
      add = bias[i] - V{};
#pragma unroll
    for (int v = 0; v < NV; ++v) {
      V r = acc[i][v] + add;
      if (accumulate) {
        V old;
        std::memcpy(&old, row + v * W, sizeof(V));
        r += old;
      }
      std::memcpy(row + v * W, &r, sizeof(V));
    }
    if (activation)
      activationBody(row, NR, *activation);
  }
}

} // namespace

#define NPU_GEMM_UK_PARAMS                                                     \
  (int64_t kc, const float *a, const float *b, float *c, int64_t ldc,          \
   const float *bias, bool accumulate, const GemmActivation *activation)
#define NPU_GEMM_UK_ARGS (kc, a, b, c, ldc, bias, accumulate, activation)

static void ukGeneric NPU_GEMM_UK_PARAMS {
  microKernelBody<4, 4, 2> NPU_GEMM_UK_ARGS;
}
NPU_TARGET_AVX2 static void ukAvx2 NPU_GEMM_UK_PARAMS {
  microKernelBody<8, 4, 3> NPU_GEMM_UK_ARGS;
}
NPU_TARGET_AVX512 static void ukAvx512 NPU_GEMM_UK_PARAMS {
  microKernelBody<16, 8, 2> NPU_GEMM_UK_ARGS;
}

GemmBlocking gemmBlocking(SimdLevel level) {
  switch (level) {
  case SimdLevel::Avx512:
    return {8, 32, 256, 512};
  case SimdLevel::Avx2:
    return {4, 24, 256, 480};
  case SimdLevel::Generic:
    break;
  }
  return {4, 8, 256, 512};
}

GemmMicroKernel gemmMicroKernel(SimdLevel level) {
#if NPU_KERNELS_X86
  if (level == SimdLevel::Avx512)
    return &ukAvx512;
  if (level == SimdLevel::Avx2)
    return &ukAvx2;
#endif
  (void)level;
  return &ukGeneric;
}

NPU_MULTIVERSION(void, applyActivationImpl,
                 (float *p, int64_t n, const GemmActivation &act), (p, n, act),
                 activationBody)

void applyActivation(float *p, int64_t n, const GemmActivation &act) {
  if (act.kind != GemmActivation::None)
    applyActivationImpl(p, n, act);
}

} // namespace npu::kernels
