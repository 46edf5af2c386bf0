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

/// True when every output element receives exactly one column element
/// (stride == kernel, no dilation, padding or output padding): the scatter
/// then stores instead of accumulating and the output needs no initial fill.
bool tilesExactly(const ConvGeometry &g) {
  for (int i = 0; i < 3; ++i)
    if (g.stride[i] != g.kernel[i] || g.dilation[i] != 1 ||
        g.padBegin[i] != 0 || g.out[i] != g.in[i] * g.stride[i])
      return false;
  return true;
}

/// Scatters the column rows of output channel `co` into its output plane:
/// adds them, or with `store` writes them plus `bias`.
void scatterChannel(const ConvGeometry &g, const float *cols, int64_t np,
                    int64_t pix0, int64_t co, float *yPlane, bool store,
                    float bias) {
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
        const int64_t sx = g.stride[2];
        // Output column of pixel i: (ix0 + i) * sx + oxBase; keep the i
        // whose column is inside the output, so the loop has no branch.
        const int64_t first = ix0 * sx - g.padBegin[2] + kx * g.dilation[2];
        int64_t lo = first >= 0 ? 0 : (-first + sx - 1) / sx;
        int64_t hi = first > g.out[2] - 1 ? 0 : (g.out[2] - 1 - first) / sx + 1;
        hi = std::min(hi, len);
        float *orow = yPlane + (od * g.out[1] + oy) * g.out[2] + first;
        const float *src = row + p;
        if (store)
          for (int64_t i = lo; i < hi; ++i)
            orow[i * sx] = src[i] + bias;
        else
          for (int64_t i = lo; i < hi; ++i)
            orow[i * sx] += src[i];
      }
      p += len;
    }
  }
}

} // namespace

void convTransposeF32(const ConvGeometry &g, const float *x, const float *w,
                      const float *bias, float *y, const GemmActivation &act,
                      ThreadPool *pool, const PackedConvWeights *packed,
                      const OutputReady &ready) {
  const int64_t cPerG = g.inPerGroup(), mPerG = g.outPerGroup();
  const int64_t kvol = g.kernelVolume();
  const int64_t rows = mPerG * kvol;
  const int64_t inPlane = g.inPlane(), outPlane = g.outPlane();

  // Start from the bias, unless every output is stored exactly once.
  const bool store = tilesExactly(g);
  if (!store)
    parallelFor(pool, g.batch * g.outChannels, [&](int64_t task) {
      float v = bias ? bias[task % g.outChannels] : 0.0f;
      std::fill(y + task * outPlane, y + (task + 1) * outPlane, v);
    });

  // Pixels per chunk: keep the column buffer around 4M floats.
  const int64_t chunk = std::max<int64_t>(
      1, std::min<int64_t>(inPlane, (int64_t(1) << 22) / rows));
  float *cols =
      threadScratchOf<float>(kScratchConv, static_cast<size_t>(rows * chunk));
  for (int64_t gi = 0; gi < g.group; ++gi) {
    // A = W_g^T, W_g being the group's (C/g) x (M/g * kvol) rows.
    PackedLhs local;
    const PackedLhs *a = &groupWeights(packed, gi, local, w + gi * cPerG * rows,
                                       rows, true, rows, cPerG);
    for (int64_t b = 0; b < g.batch; ++b) {
      const float *xg = x + (b * g.inChannels + gi * cPerG) * inPlane;
      float *yg = y + (b * g.outChannels + gi * mPerG) * outPlane;
      for (int64_t pix0 = 0; pix0 < inPlane; pix0 += chunk) {
        const int64_t np = std::min(chunk, inPlane - pix0);
        MatrixRhs rhs(xg + pix0, inPlane, false);
        gemmPacked(*a, rhs, np, cols, np, GemmEpilogue(), pool);
        parallelFor(pool, mPerG, [&](int64_t co) {
          scatterChannel(g, cols, np, pix0, co, yg + co * outPlane, store,
                         bias ? bias[gi * mPerG + co] : 0.0f);
        });
      }
    }
  }
  if (act.kind != GemmActivation::None || ready)
    parallelFor(pool, g.batch * g.outChannels, [&](int64_t task) {
      applyActivation(y + task * outPlane, outPlane, act);
      if (ready)
        ready(task * outPlane, (task + 1) * outPlane);
    });
}

} // namespace npu::kernels
