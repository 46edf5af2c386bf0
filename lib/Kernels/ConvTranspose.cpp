//===- ConvTranspose.cpp - Transposed convolution as GEMM + col2im --------===//
//
// For each image and group: cols[M/g * kvol, pixels] = W_g^T * x_g on the
// GEMM, then every column is scattered (added) into the output window it
// contributes to. Input pixels are processed in chunks so the column buffer
// stays small; the scatter runs in parallel over output channels, which
// never overlap.
//
//===----------------------------------------------------------------------===//

#include "ConvInternal.h"
#include "GemmMicroKernels.h"
#include "KernelSupport.h"

#include <algorithm>

namespace npu::kernels {

namespace {

/// Adds column rows of output channel `co` into its output plane.
void scatterChannel(const ConvGeometry &g, const float *cols, int64_t np,
                    int64_t pix0, int64_t co, float *yPlane) {
  const int64_t kvol = g.kernelVolume();
  const int64_t inHW = g.in[1] * g.in[2];
  for (int64_t t = 0; t < kvol; ++t) {
    const int64_t kd = t / (g.kernel[1] * g.kernel[2]);
    const int64_t ky = (t / g.kernel[2]) % g.kernel[1];
    const int64_t kx = t % g.kernel[2];
    const float *row = cols + (co * kvol + t) * np;
    for (int64_t p = 0; p < np;) {
      // A run of input pixels on one input row.
      const int64_t pix = pix0 + p;
      const int64_t id = pix / inHW, iy = (pix % inHW) / g.in[2];
      const int64_t ix0 = pix % g.in[2];
      const int64_t len = std::min(np - p, g.in[2] - ix0);
      const int64_t od = id * g.stride[0] - g.padBegin[0] + kd * g.dilation[0];
      const int64_t oy = iy * g.stride[1] - g.padBegin[1] + ky * g.dilation[1];
      if (od >= 0 && od < g.out[0] && oy >= 0 && oy < g.out[1]) {
        float *orow = yPlane + (od * g.out[1] + oy) * g.out[2];
        const int64_t sx = g.stride[2];
        const int64_t oxBase = -g.padBegin[2] + kx * g.dilation[2];
        for (int64_t i = 0; i < len; ++i) {
          int64_t ox = (ix0 + i) * sx + oxBase;
          if (ox >= 0 && ox < g.out[2])
            orow[ox] += row[p + i];
        }
      }
      p += len;
    }
  }
}

} // namespace

void convTransposeF32(const ConvGeometry &g, const float *x, const float *w,
                      const float *bias, float *y, const GemmActivation &act,
                      ThreadPool *pool, const PackedConvWeights *packed) {
  const int64_t cPerG = g.inPerGroup(), mPerG = g.outPerGroup();
  const int64_t kvol = g.kernelVolume();
  const int64_t rows = mPerG * kvol;
  const int64_t inPlane = g.inPlane(), outPlane = g.outPlane();
  if (packed && packed->level() != activeSimdLevel())
    packed = nullptr;

  // Start from the bias.
  parallelFor(pool, g.batch * g.outChannels, [&](int64_t task) {
    float v = bias ? bias[task % g.outChannels] : 0.0f;
    std::fill(y + task * outPlane, y + (task + 1) * outPlane, v);
  });

  // Pixels per chunk: keep the column buffer around 4M floats.
  const int64_t chunk =
      std::max<int64_t>(1, std::min<int64_t>(inPlane, (int64_t(1) << 22) / rows));
  float *cols =
      threadScratchOf<float>(kScratchConv, static_cast<size_t>(rows * chunk));
  for (int64_t gi = 0; gi < g.group; ++gi) {
    PackedLhs local;
    const PackedLhs *a = packed ? &packed->group(gi) : nullptr;
    if (!a) {
      local = PackedLhs(w + gi * cPerG * rows, rows, true, rows, cPerG);
      a = &local;
    }
    for (int64_t b = 0; b < g.batch; ++b) {
      const float *xg = x + (b * g.inChannels + gi * cPerG) * inPlane;
      float *yg = y + (b * g.outChannels + gi * mPerG) * outPlane;
      for (int64_t pix0 = 0; pix0 < inPlane; pix0 += chunk) {
        const int64_t np = std::min(chunk, inPlane - pix0);
        MatrixRhs rhs(xg + pix0, inPlane, false);
        gemmPacked(*a, rhs, np, cols, np, GemmEpilogue(), pool);
        parallelFor(pool, mPerG, [&](int64_t co) {
          scatterChannel(g, cols, np, pix0, co, yg + co * outPlane);
        });
      }
    }
  }
  if (act.kind != GemmActivation::None)
    parallelFor(pool, g.batch * g.outChannels, [&](int64_t task) {
      applyActivation(y + task * outPlane, outPlane, act);
    });
}

} // namespace npu::kernels
