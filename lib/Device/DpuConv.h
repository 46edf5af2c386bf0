//===- DpuConv.h - Inner loop of the int8 DPU convolution ------*- C++ -*-===//
//
// Private to lib/Device. The dense int8 convolution computes blocks of
// kConvBlockPixels adjacent output pixels x kConvBlockChannels output
// channels at a time from a zero-padded int16 input (zero point already
// subtracted) and int16 weights [K][kh][kw][C]. Accumulators are 32-bit and
// wrap, as the hardware's do.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_SIMULATOR_DPUCONV_H
#define NPU_LIB_SIMULATOR_DPUCONV_H

#include <cstdint>

namespace npu::device {

constexpr uint32_t kConvBlockPixels = 4;
constexpr uint32_t kConvBlockChannels = 4;

struct ConvProblem {
  const int16_t *input;   ///< [PH][PW][C], padded.
  const int16_t *weights; ///< [K][kh][kw][C].
  uint32_t paddedWidth, channels, kh, kw, strideH, strideW;
};

/// acc[i][j] = sum over (ky, kx, c) of input(oy, ox + i) * weights(k + j),
/// for i < nx (<= kConvBlockPixels) and j < nk (<= kConvBlockChannels).
void convBlock(const ConvProblem &p, uint32_t oy, uint32_t ox, uint32_t nx,
               uint32_t k, uint32_t nk,
               int32_t acc[kConvBlockPixels][kConvBlockChannels]);

/// The portable implementation convBlock falls back to (exposed so tests
/// can check that the vectorised ones agree with it).
void convBlockPortable(const ConvProblem &p, uint32_t oy, uint32_t ox,
                       uint32_t nx, uint32_t k, uint32_t nk,
                       int32_t acc[kConvBlockPixels][kConvBlockChannels]);

/// The AVX2 implementation (VPMADDWD, 16 int16 MACs per instruction), the
/// one convBlock uses on a CPU with AVX2 but not AVX-512 VNNI. False (and
/// nothing computed) on a CPU without AVX2.
bool convBlockAvx2(const ConvProblem &p, uint32_t oy, uint32_t ox, uint32_t nx,
                   uint32_t k, uint32_t nk,
                   int32_t acc[kConvBlockPixels][kConvBlockChannels]);

/// The fp16 convolution's sums (dense, not depthwise) at one output pixel
/// for output channels [k, k + nk), nk <= kFp16ConvChannels, each in float
/// in (ky, kx, c) order, a product rounded to float then added (no fused
/// multiply-add): exactly the device's definition (Dpu.cpp).
constexpr uint32_t kFp16ConvChannels = 8;
struct Fp16ConvProblem {
  const float *input;    ///< [PH][PW][C], padded.
  const float *weightsT; ///< [kh][kw][C][Kp]: output channel innermost.
  uint32_t paddedWidth, channels, kh, kw, strideH, strideW;
  uint32_t paddedK; ///< Kp: a multiple of kFp16ConvChannels (zeros past K).
};
void convPixelFp16(const Fp16ConvProblem &p, uint32_t oy, uint32_t ox,
                   uint32_t k, uint32_t nk, float acc[kFp16ConvChannels]);
/// Its portable implementation, and the AVX2 one (false on a CPU without
/// AVX2), exposed so tests can check that they agree bit for bit.
void convPixelFp16Portable(const Fp16ConvProblem &p, uint32_t oy, uint32_t ox,
                           uint32_t k, uint32_t nk,
                           float acc[kFp16ConvChannels]);
bool convPixelFp16Avx2(const Fp16ConvProblem &p, uint32_t oy, uint32_t ox,
                       uint32_t k, uint32_t nk, float acc[kFp16ConvChannels]);

} // namespace npu::device

#endif // NPU_LIB_SIMULATOR_DPUCONV_H
