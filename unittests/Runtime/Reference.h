//===- Reference.h - Plain reference implementations for tests -*- C++ -*-===//
//
// Straightforward loops, written independently of the simulator's kernels,
// that the tests compare the device against. The integer post-processing
// is spelled out here again on purpose (not npu/Arch/PostProcess.h) so a
// mistake there cannot hide itself.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_UNITTESTS_RUNTIME_REFERENCE_H
#define NPU_UNITTESTS_RUNTIME_REFERENCE_H

#include "npu/Blob/Samples/Samples.h"
#include "npu/Support/HostTensor.h"

#include <cmath>
#include <cstdint>
#include <vector>

namespace npu::ref {

/// floor(v / 2^s + 1/2) computed with exact rational arithmetic.
inline int64_t roundHalfUp(int64_t v, unsigned s) {
  if (s == 0)
    return v;
  long double q = (long double)v / (long double)(1ull << s);
  return (int64_t)std::floor(q + 0.5L);
}

inline int32_t requant(int64_t acc, uint32_t mult, unsigned shift, int zp,
                       arch::Activation act, int32_t leakyMult,
                       unsigned leakyShift, int lo, int hi) {
  if (act == arch::Activation::Relu && acc < 0)
    acc = 0;
  if (act == arch::Activation::LeakyRelu && acc < 0)
    acc = roundHalfUp(acc * leakyMult, leakyShift);
  int64_t v = roundHalfUp(acc * int64_t(mult), shift) + zp;
  return int32_t(std::min<int64_t>(std::max<int64_t>(v, lo), hi));
}

/// Convolution of an NHWC or NCHW int8 tensor as described by `s`.
inline HostTensor convInt8(const blob::ConvBlobSpec &s, const HostTensor &in) {
  uint32_t H = s.height, W = s.width, C = s.inChannels, K = s.outChannels,
           k = s.kernel;
  uint32_t OH = (H + 2 * s.pad - k) / s.stride + 1;
  uint32_t OW = (W + 2 * s.pad - k) / s.stride + 1;
  HostTensor out(DType::I8, s.nchw ? std::vector<int64_t>{1, K, OH, OW}
                                   : std::vector<int64_t>{1, OH, OW, K});
  auto at = [&](uint32_t y, uint32_t x, uint32_t c) -> int32_t {
    size_t i =
        s.nchw ? (size_t(c) * H + y) * W + x : (size_t(y) * W + x) * C + c;
    return in.data<int8_t>()[i];
  };
  for (uint32_t o = 0; o < K; ++o)
    for (uint32_t oy = 0; oy < OH; ++oy)
      for (uint32_t ox = 0; ox < OW; ++ox) {
        int64_t acc = s.bias[o];
        for (uint32_t ky = 0; ky < k; ++ky)
          for (uint32_t kx = 0; kx < k; ++kx) {
            int64_t iy = int64_t(oy) * s.stride + ky - s.pad;
            int64_t ix = int64_t(ox) * s.stride + kx - s.pad;
            if (iy < 0 || ix < 0 || iy >= H || ix >= W)
              continue;
            for (uint32_t c = 0; c < C; ++c)
              acc +=
                  int64_t(at(uint32_t(iy), uint32_t(ix), c) - s.inZeroPoint) *
                  s.weights[((size_t(o) * k + ky) * k + kx) * C + c];
          }
        int32_t v = requant(acc, s.mult[o], s.shift[o], s.outZeroPoint,
                            s.activation, s.leakyMult, s.leakyShift, -128, 127);
        size_t i = s.nchw ? (size_t(o) * OH + oy) * OW + ox
                          : (size_t(oy) * OW + ox) * K + o;
        out.data<int8_t>()[i] = int8_t(v);
      }
  return out;
}

inline HostTensor randomTensor(DType t, std::vector<int64_t> shape,
                               uint64_t seed, double lo, double hi) {
  HostTensor x(t, std::move(shape));
  blob::SplitMix rng(seed);
  for (int64_t i = 0; i < x.numElements(); ++i) {
    double v = lo + (hi - lo) * double(rng.next() >> 11) / double(1ull << 53);
    x.setFromDouble(i, t == DType::F16 || t == DType::F32 ? v : std::round(v));
  }
  return x;
}

} // namespace npu::ref

#endif // NPU_UNITTESTS_RUNTIME_REFERENCE_H
