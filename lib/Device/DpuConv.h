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
/// can check that the vectorised one agrees with it).
void convBlockPortable(const ConvProblem &p, uint32_t oy, uint32_t ox,
                       uint32_t nx, uint32_t k, uint32_t nk,
                       int32_t acc[kConvBlockPixels][kConvBlockChannels]);

} // namespace npu::device

#endif // NPU_LIB_SIMULATOR_DPUCONV_H
