//===- DpuConvKernel.cpp - Inner loop of the int8 DPU convolution ---------===//
//
// Two implementations of convBlock with identical results (integer sums
// modulo 2^32 do not depend on order): a portable one, and one using
// AVX-512 VNNI's VPDPWSSD (32 int16 MACs per instruction) chosen at run time
// when the host CPU has it. This loop is what makes the simulator's
// functional speed comparable to a CPU inference library.
//
//===----------------------------------------------------------------------===//

#include "DpuConv.h"

#include <cstddef>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace npu::device {

namespace {} // namespace

void convBlockPortable(const ConvProblem &p, uint32_t oy, uint32_t ox,
                       uint32_t nx, uint32_t k, uint32_t nk,
                       int32_t acc[kConvBlockPixels][kConvBlockChannels]) {
  const size_t seg = size_t(p.kw) * p.channels;
  const size_t perChannel = size_t(p.kh) * seg;
  for (uint32_t i = 0; i < nx; ++i)
    for (uint32_t j = 0; j < nk; ++j) {
      uint32_t sum = 0;
      const int16_t *w = p.weights + (k + j) * perChannel;
      for (uint32_t ky = 0; ky < p.kh; ++ky) {
        const int16_t *in =
            p.input + ((size_t(oy) * p.strideH + ky) * p.paddedWidth +
                       size_t(ox + i) * p.strideW) *
                          p.channels;
        const int16_t *wk = w + ky * seg;
        for (size_t c = 0; c < seg; ++c)
          sum += uint32_t(int32_t(in[c]) * wk[c]);
      }
      acc[i][j] = int32_t(sum);
    }
}

namespace {

#if defined(__x86_64__)
__attribute__((target("avx512f,avx512bw,avx512vnni"))) void
convBlockVnni(const ConvProblem &p, uint32_t oy, uint32_t ox, uint32_t nx,
              uint32_t k, uint32_t nk,
              int32_t acc[kConvBlockPixels][kConvBlockChannels]) {
  const size_t seg = size_t(p.kw) * p.channels;
  const size_t perChannel = size_t(p.kh) * seg;
  __m512i a[kConvBlockPixels][kConvBlockChannels];
  for (auto &row : a)
    for (auto &v : row)
      v = _mm512_setzero_si512();
  // Missing pixels / channels of a partial block recompute valid ones and
  // are discarded.
  const int16_t *w[kConvBlockChannels];
  for (uint32_t j = 0; j < kConvBlockChannels; ++j)
    w[j] = p.weights + (k + (j < nk ? j : 0)) * perChannel;
  const size_t full = seg / 32 * 32;
  const __mmask32 tail = __mmask32((1ull << (seg - full)) - 1);
  constexpr uint32_t P = kConvBlockPixels, K = kConvBlockChannels;
  for (uint32_t ky = 0; ky < p.kh; ++ky) {
    const int16_t *in[P];
    in[0] = p.input + ((size_t(oy) * p.strideH + ky) * p.paddedWidth +
                       size_t(ox) * p.strideW) *
                          p.channels;
    for (uint32_t i = 1; i < P; ++i)
      in[i] = i < nx ? in[0] + size_t(i) * p.strideW * p.channels : in[0];
    const size_t wo = ky * seg;
    for (size_t c = 0; c < full; c += 32) {
      __m512i x[P];
      for (uint32_t i = 0; i < P; ++i)
        x[i] = _mm512_loadu_si512(in[i] + c);
      for (uint32_t j = 0; j < K; ++j) {
        __m512i wv = _mm512_loadu_si512(w[j] + wo + c);
        for (uint32_t i = 0; i < P; ++i)
          a[i][j] = _mm512_dpwssd_epi32(a[i][j], x[i], wv);
      }
    }
    if (tail) {
      __m512i x[P];
      for (uint32_t i = 0; i < P; ++i)
        x[i] = _mm512_maskz_loadu_epi16(tail, in[i] + full);
      for (uint32_t j = 0; j < K; ++j) {
        __m512i wv = _mm512_maskz_loadu_epi16(tail, w[j] + wo + full);
        for (uint32_t i = 0; i < P; ++i)
          a[i][j] = _mm512_dpwssd_epi32(a[i][j], x[i], wv);
      }
    }
  }
  for (uint32_t i = 0; i < nx; ++i)
    for (uint32_t j = 0; j < nk; ++j)
      acc[i][j] = _mm512_reduce_add_epi32(a[i][j]);
}

bool hasVnni() {
  static const bool yes = __builtin_cpu_supports("avx512vnni") &&
                          __builtin_cpu_supports("avx512bw");
  return yes;
}
#endif

} // namespace

void convBlock(const ConvProblem &p, uint32_t oy, uint32_t ox, uint32_t nx,
               uint32_t k, uint32_t nk,
               int32_t acc[kConvBlockPixels][kConvBlockChannels]) {
#if defined(__x86_64__)
  if (hasVnni())
    return convBlockVnni(p, oy, ox, nx, k, nk, acc);
#endif
  convBlockPortable(p, oy, ox, nx, k, nk, acc);
}

} // namespace npu::device
