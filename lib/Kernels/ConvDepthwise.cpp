//===- ConvDepthwise.cpp - Direct depthwise 2-D convolution ---------------===//
//
// Depthwise convolutions (one input channel per group) do too little work
// per weight for a GEMM. Each (image, output channel) plane is a task: the
// input plane is copied once into a zero-padded scratch buffer, then every
// block of output pixels on a row accumulates all kernel taps in registers
// (the block is a local array the compiler keeps in vector registers) before
// it is stored. Multi-versioned for AVX-512, AVX2 and baseline SIMD. int32
// convolutions whose windows sum exactly in float use the same kernel on
// float copies of their operands and convert each plane back.
//
//===----------------------------------------------------------------------===//

#include "ConvInternal.h"
#include "ExactInt32.h"
#include "GemmMicroKernels.h"
#include "KernelSupport.h"

#include <algorithm>
#include <cstring>

namespace npu::kernels {

namespace {
/// Rows and columns of the zero-padded input plane the windows read.
int64_t paddedRows(const ConvGeometry &g) {
  return (g.out[1] - 1) * g.stride[1] + (g.kernel[1] - 1) * g.dilation[1] + 1;
}
int64_t paddedCols(const ConvGeometry &g) {
  return (g.out[2] - 1) * g.stride[2] + (g.kernel[2] - 1) * g.dilation[2] + 1;
}
} // namespace

bool isDepthwise2D(const ConvGeometry &g) {
  if (!(g.group > 1 && g.inPerGroup() == 1 && g.in[0] == 1 &&
        g.kernel[0] == 1 && g.out[0] == 1))
    return false;
  // The kernel copies the padded plane to scratch memory. Pads or strides
  // far larger than the input (a window that skips most of a huge padded
  // plane) would make that copy unbounded: im2col, whose scratch follows
  // the output, takes those.
  int64_t plane = 0;
  const int64_t limit = 4 * (g.inPlane() + g.outPlane()) + 4096;
  return !__builtin_mul_overflow(paddedRows(g), paddedCols(g), &plane) &&
         plane <= limit;
}

namespace {

struct PlaneArgs {
  const float *pad; // padded input plane
  int64_t padW;
  const float *w; // KH x KW taps
  int64_t kh, kw, sy, sx, dy, dx;
  float bias;
  float *out;
  int64_t outH, outW;
};

/// One output row block of BLOCK pixels (or fewer at the end of a row).
template <int BLOCK, int SX>
NPU_ALWAYS_INLINE void rowBlock(const PlaneArgs &a, const float *rowBase,
                                float *o, int64_t count) {
  float acc[BLOCK];
  for (int i = 0; i < BLOCK; ++i)
    acc[i] = a.bias;
  const int64_t sx = SX > 0 ? SX : a.sx;
  for (int64_t ky = 0; ky < a.kh; ++ky) {
    const float *r = rowBase + ky * a.dy * a.padW;
    for (int64_t kx = 0; kx < a.kw; ++kx) {
      const float wv = a.w[ky * a.kw + kx];
      const float *s = r + kx * a.dx;
      if (count == BLOCK) {
        for (int i = 0; i < BLOCK; ++i)
          acc[i] += wv * s[i * sx];
      } else {
        for (int64_t i = 0; i < count; ++i)
          acc[i] += wv * s[i * sx];
      }
    }
  }
  if (count == BLOCK)
    std::memcpy(o, acc, sizeof(acc));
  else
    std::memcpy(o, acc, count * sizeof(float));
}

template <int BLOCK> NPU_ALWAYS_INLINE void planeBody(const PlaneArgs &a) {
  for (int64_t oy = 0; oy < a.outH; ++oy) {
    const float *rowBase = a.pad + oy * a.sy * a.padW;
    float *o = a.out + oy * a.outW;
    for (int64_t ox = 0; ox < a.outW; ox += BLOCK) {
      int64_t count = std::min<int64_t>(BLOCK, a.outW - ox);
      const float *base = rowBase + ox * a.sx;
      if (a.sx == 1)
        rowBlock<BLOCK, 1>(a, base, o + ox, count);
      else if (a.sx == 2)
        rowBlock<BLOCK, 2>(a, base, o + ox, count);
      else
        rowBlock<BLOCK, 0>(a, base, o + ox, count);
    }
  }
}

void planeGeneric(const PlaneArgs &a) { planeBody<16>(a); }
NPU_TARGET_AVX2 void planeAvx2(const PlaneArgs &a) { planeBody<32>(a); }
NPU_TARGET_AVX512 void planeAvx512(const PlaneArgs &a) { planeBody<64>(a); }

/// Computes the output plane of (image b, output channel m) into `out`
/// (OH x OW floats), plus `bias`.
void depthwisePlane(const ConvGeometry &g, const float *x, const float *w,
                    int64_t b, int64_t m, float bias, float *out) {
  const int64_t H = g.in[1], W = g.in[2], OH = g.out[1], OW = g.out[2];
  const int64_t KH = g.kernel[1], KW = g.kernel[2];
  const int64_t padH = paddedRows(g), padW = paddedCols(g);
  const int64_t top = g.padBegin[1], left = g.padBegin[2];
  const float *xin = x + (b * g.inChannels + m / g.outPerGroup()) * H * W;
  // Zero-padded copy of the part of the input plane the windows read.
  float *pad =
      threadScratchOf<float>(kScratchConv, static_cast<size_t>(padH * padW));
  for (int64_t r = 0; r < padH; ++r) {
    float *dst = pad + r * padW;
    int64_t iy = r - top;
    if (iy < 0 || iy >= H) {
      std::fill(dst, dst + padW, 0.0f);
      continue;
    }
    int64_t c0 = std::max<int64_t>(0, left), cEnd = std::min(padW, W + left);
    std::fill(dst, dst + std::min(c0, padW), 0.0f);
    if (cEnd > c0)
      std::memcpy(dst + c0, xin + iy * W + (c0 - left),
                  (cEnd - c0) * sizeof(float));
    std::fill(dst + std::max(cEnd, c0), dst + padW, 0.0f);
  }
  PlaneArgs a;
  a.pad = pad;
  a.padW = padW;
  a.w = w + m * KH * KW;
  a.kh = KH;
  a.kw = KW;
  a.sy = g.stride[1];
  a.sx = g.stride[2];
  a.dy = g.dilation[1];
  a.dx = g.dilation[2];
  a.bias = bias;
  a.out = out;
  a.outH = OH;
  a.outW = OW;
  selectSimd(&planeGeneric, &planeAvx2, &planeAvx512)(a);
}

} // namespace

void depthwiseConvF32(const ConvGeometry &g, const float *x, const float *w,
                      const float *bias, float *y, const GemmActivation &act,
                      ThreadPool *pool, const OutputReady &ready) {
  const int64_t outPlane = g.outPlane();
  parallelFor(pool, g.batch * g.outChannels, [&](int64_t task) {
    const int64_t b = task / g.outChannels, m = task % g.outChannels;
    float *out = y + task * outPlane;
    depthwisePlane(g, x, w, b, m, bias ? bias[m] : 0.0f, out);
    applyActivation(out, outPlane, act);
    if (ready)
      ready(task * outPlane, (task + 1) * outPlane);
  });
}

void depthwiseConvInt32(const ConvGeometry &g, const float *x, const float *w,
                        const int32_t *bias, int32_t *y, ThreadPool *pool,
                        const OutputReady &ready) {
  const int64_t outPlane = g.outPlane();
  parallelFor(pool, g.batch * g.outChannels, [&](int64_t task) {
    const int64_t b = task / g.outChannels, m = task % g.outChannels;
    // The plane's sums are exact integers in float (the caller checked
    // that the kernel volume is within the exact block depth).
    float *sums =
        threadScratchOf<float>(kScratchMisc, static_cast<size_t>(outPlane));
    depthwisePlane(g, x, w, b, m, 0.0f, sums);
    int32_t *out = y + task * outPlane;
    const int32_t add = bias ? bias[m] : 0;
    for (int64_t i = 0; i < outPlane; ++i)
      out[i] = wrappingAdd(static_cast<int32_t>(sums[i]), add);
    if (ready)
      ready(task * outPlane, (task + 1) * outPlane);
  });
}

} // namespace npu::kernels
