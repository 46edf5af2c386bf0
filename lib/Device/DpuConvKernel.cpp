//===- DpuConvKernel.cpp - Inner loop of the int8 DPU convolution ---------===//
//
// Three implementations of convBlock with identical results (integer sums
// modulo 2^32 do not depend on order): a portable one, one using AVX2's
// VPMADDWD and one using AVX-512 VNNI's VPDPWSSD, chosen at run time from
// what the host CPU has; and two of the fp16 convolution's sums
// (convPixelFp16), portable and AVX2, each output channel's sum in the same
// order in both. These loops are what make the simulator's functional speed
// comparable to a CPU inference library.
//
//===----------------------------------------------------------------------===//

#include "DpuConv.h"

#include <cstddef>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace npu::device {

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

/// The weights of the block's channels k .. k + kConvBlockChannels - 1;
/// missing channels of a partial block (j >= nk) recompute channel k, and
/// are discarded.
void blockWeights(const ConvProblem &p, uint32_t k, uint32_t nk,
                  const int16_t *w[kConvBlockChannels]) {
  const size_t perChannel = size_t(p.kh) * p.kw * p.channels;
  for (uint32_t j = 0; j < kConvBlockChannels; ++j)
    w[j] = p.weights + (k + (j < nk ? j : 0)) * perChannel;
}

/// The input rows the block's pixels ox .. ox + kConvBlockPixels - 1 read at
/// kernel row ky; missing pixels (i >= nx) read pixel ox's, and are
/// discarded.
void blockInputs(const ConvProblem &p, uint32_t oy, uint32_t ox, uint32_t nx,
                 uint32_t ky, const int16_t *in[kConvBlockPixels]) {
  in[0] = p.input + ((size_t(oy) * p.strideH + ky) * p.paddedWidth +
                     size_t(ox) * p.strideW) *
                        p.channels;
  for (uint32_t i = 1; i < kConvBlockPixels; ++i)
    in[i] = i < nx ? in[0] + size_t(i) * p.strideW * p.channels : in[0];
}

#if defined(__x86_64__)
__attribute__((target("avx512f,avx512bw,avx512vnni"))) void
convBlockVnni(const ConvProblem &p, uint32_t oy, uint32_t ox, uint32_t nx,
              uint32_t k, uint32_t nk,
              int32_t acc[kConvBlockPixels][kConvBlockChannels]) {
  const size_t seg = size_t(p.kw) * p.channels;
  __m512i a[kConvBlockPixels][kConvBlockChannels];
  for (auto &row : a)
    for (auto &v : row)
      v = _mm512_setzero_si512();
  const int16_t *w[kConvBlockChannels];
  blockWeights(p, k, nk, w);
  const size_t full = seg / 32 * 32;
  const __mmask32 tail = __mmask32((1ull << (seg - full)) - 1);
  constexpr uint32_t P = kConvBlockPixels, K = kConvBlockChannels;
  for (uint32_t ky = 0; ky < p.kh; ++ky) {
    const int16_t *in[P];
    blockInputs(p, oy, ox, nx, ky, in);
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

__attribute__((target("avx2"))) void
convBlockAvx2Impl(const ConvProblem &p, uint32_t oy, uint32_t ox, uint32_t nx,
                  uint32_t k, uint32_t nk,
                  int32_t acc[kConvBlockPixels][kConvBlockChannels]) {
  const size_t seg = size_t(p.kw) * p.channels;
  constexpr uint32_t P = kConvBlockPixels, K = kConvBlockChannels;
  __m256i a[P][K];
  for (auto &row : a)
    for (auto &v : row)
      v = _mm256_setzero_si256();
  uint32_t tailSum[P][K] = {};
  const int16_t *w[K];
  blockWeights(p, k, nk, w);
  const size_t full = seg / 16 * 16;
  for (uint32_t ky = 0; ky < p.kh; ++ky) {
    const int16_t *in[P];
    blockInputs(p, oy, ox, nx, ky, in);
    const size_t wo = ky * seg;
    for (size_t c = 0; c < full; c += 16) {
      __m256i x[P];
      for (uint32_t i = 0; i < P; ++i)
        x[i] = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(in[i] + c));
      for (uint32_t j = 0; j < K; ++j) {
        __m256i wv = _mm256_loadu_si256(
            reinterpret_cast<const __m256i *>(w[j] + wo + c));
        for (uint32_t i = 0; i < P; ++i)
          a[i][j] = _mm256_add_epi32(a[i][j], _mm256_madd_epi16(x[i], wv));
      }
    }
    for (size_t c = full; c < seg; ++c)
      for (uint32_t j = 0; j < K; ++j)
        for (uint32_t i = 0; i < P; ++i)
          tailSum[i][j] += uint32_t(int32_t(in[i][c]) * w[j][wo + c]);
  }
  // Sums modulo 2^32, as the portable loop's.
  for (uint32_t i = 0; i < nx; ++i)
    for (uint32_t j = 0; j < nk; ++j) {
      alignas(32) uint32_t lanes[8];
      _mm256_store_si256(reinterpret_cast<__m256i *>(lanes), a[i][j]);
      uint32_t sum = tailSum[i][j];
      for (uint32_t l = 0; l < 8; ++l)
        sum += lanes[l];
      acc[i][j] = int32_t(sum);
    }
}

__attribute__((target("avx2"))) void
convPixelFp16Avx2Impl(const Fp16ConvProblem &p, uint32_t oy, uint32_t ox,
                      uint32_t k, uint32_t nk, float acc[kFp16ConvChannels]) {
  static_assert(kFp16ConvChannels == 8, "one AVX vector of channels");
  // Each lane is one output channel's sum, taken in the portable loop's
  // order with a separate multiply and add (no FMA).
  __m256 sum = _mm256_setzero_ps();
  const size_t K = p.paddedK;
  for (uint32_t ky = 0; ky < p.kh; ++ky)
    for (uint32_t kx = 0; kx < p.kw; ++kx) {
      const float *ip =
          p.input + ((size_t(oy) * p.strideH + ky) * p.paddedWidth +
                     size_t(ox) * p.strideW + kx) *
                        p.channels;
      const float *wp =
          p.weightsT + (size_t(ky) * p.kw + kx) * p.channels * K + k;
      for (uint32_t c = 0; c < p.channels; ++c)
        sum = _mm256_add_ps(sum,
                            _mm256_mul_ps(_mm256_set1_ps(ip[c]),
                                          _mm256_loadu_ps(wp + size_t(c) * K)));
    }
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, sum);
  for (uint32_t j = 0; j < nk; ++j)
    acc[j] = lanes[j];
}

bool hasVnni() {
  static const bool yes = __builtin_cpu_supports("avx512vnni") &&
                          __builtin_cpu_supports("avx512bw");
  return yes;
}

bool hasAvx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}
#endif

} // namespace

bool convBlockAvx2(const ConvProblem &p, uint32_t oy, uint32_t ox, uint32_t nx,
                   uint32_t k, uint32_t nk,
                   int32_t acc[kConvBlockPixels][kConvBlockChannels]) {
#if defined(__x86_64__)
  if (hasAvx2()) {
    convBlockAvx2Impl(p, oy, ox, nx, k, nk, acc);
    return true;
  }
#endif
  return false;
}

void convBlock(const ConvProblem &p, uint32_t oy, uint32_t ox, uint32_t nx,
               uint32_t k, uint32_t nk,
               int32_t acc[kConvBlockPixels][kConvBlockChannels]) {
#if defined(__x86_64__)
  if (hasVnni())
    return convBlockVnni(p, oy, ox, nx, k, nk, acc);
#endif
  if (!convBlockAvx2(p, oy, ox, nx, k, nk, acc))
    convBlockPortable(p, oy, ox, nx, k, nk, acc);
}

void convPixelFp16Portable(const Fp16ConvProblem &p, uint32_t oy, uint32_t ox,
                           uint32_t k, uint32_t nk,
                           float acc[kFp16ConvChannels]) {
  const size_t K = p.paddedK;
  for (uint32_t j = 0; j < nk; ++j) {
    float sum = 0.0f;
    for (uint32_t ky = 0; ky < p.kh; ++ky)
      for (uint32_t kx = 0; kx < p.kw; ++kx) {
        const float *ip =
            p.input + ((size_t(oy) * p.strideH + ky) * p.paddedWidth +
                       size_t(ox) * p.strideW + kx) *
                          p.channels;
        const float *wp =
            p.weightsT + (size_t(ky) * p.kw + kx) * p.channels * K + k + j;
        for (uint32_t c = 0; c < p.channels; ++c) {
          float product = ip[c] * wp[size_t(c) * K];
          sum += product;
        }
      }
    acc[j] = sum;
  }
}

bool convPixelFp16Avx2(const Fp16ConvProblem &p, uint32_t oy, uint32_t ox,
                       uint32_t k, uint32_t nk, float acc[kFp16ConvChannels]) {
#if defined(__x86_64__)
  if (hasAvx2()) {
    convPixelFp16Avx2Impl(p, oy, ox, k, nk, acc);
    return true;
  }
#endif
  return false;
}

void convPixelFp16(const Fp16ConvProblem &p, uint32_t oy, uint32_t ox,
                   uint32_t k, uint32_t nk, float acc[kFp16ConvChannels]) {
  if (!convPixelFp16Avx2(p, oy, ox, k, nk, acc))
    convPixelFp16Portable(p, oy, ox, k, nk, acc);
}

} // namespace npu::device
