//===- ConvTranspose.cpp - Transposed convolution as GEMM + col2im --------===//
//
// For each image and group: cols[M/g * kvol, pixels] = W_g^T * x_g on the
// GEMM, then every column is scattered (added) into the output window it
// contributes to. Input pixels are processed in chunks so the column buffer
// stays small; the scatter runs in parallel over output channels, which
// never overlap. int32 runs the same steps with int32 columns (the GEMM in
// exact K blocks) and wrapping additions.
//
//===----------------------------------------------------------------------===//

#include "ConvInternal.h"
#include "ExactInt32.h"
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

inline float addValues(float a, float b) { return a + b; }
inline int32_t addValues(int32_t a, int32_t b) { return wrappingAdd(a, b); }

/// Scatters the column rows of output channel `co` into its output plane:
/// adds them, or with `store` writes them plus `bias`.
template <typename T>
void scatterChannel(const ConvGeometry &g, const T *cols, int64_t np,
                    int64_t pix0, int64_t co, T *yPlane, bool store, T bias) {
  const int64_t kvol = g.kernelVolume();
  const int64_t inHW = g.in[1] * g.in[2];
  for (int64_t t = 0; t < kvol; ++t) {
    const int64_t kd = t / (g.kernel[1] * g.kernel[2]);
    const int64_t ky = (t / g.kernel[2]) % g.kernel[1];
    const int64_t kx = t % g.kernel[2];
    const T *row = cols + (co * kvol + t) * np;
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
        T *orow = yPlane + (od * g.out[1] + oy) * g.out[2] + first;
        const T *src = row + p;
        if (store)
          for (int64_t i = lo; i < hi; ++i)
            orow[i * sx] = addValues(src[i], bias);
        else
          for (int64_t i = lo; i < hi; ++i)
            orow[i * sx] = addValues(orow[i * sx], src[i]);
      }
      p += len;
    }
  }
}

/// The transposed convolution with outputs of type T (float, or int32 from
/// exact float blocks): `lhs(gi, local)` gives group gi's packed W_g^T and
/// `gemm(a, rhs, np, cols)` computes a chunk of columns.
template <typename T, typename Lhs, typename Gemm>
void convTransposeImpl(const ConvGeometry &g, const float *x, const T *bias,
                       T *y, ThreadPool *pool, Lhs &&lhs, Gemm &&gemm) {
  const int64_t cPerG = g.inPerGroup(), mPerG = g.outPerGroup();
  const int64_t rows = mPerG * g.kernelVolume();
  const int64_t inPlane = g.inPlane(), outPlane = g.outPlane();

  // Start from the bias, unless every output is stored exactly once.
  const bool store = tilesExactly(g);
  if (!store)
    parallelFor(pool, g.batch * g.outChannels, [&](int64_t task) {
      T v = bias ? bias[task % g.outChannels] : T(0);
      std::fill(y + task * outPlane, y + (task + 1) * outPlane, v);
    });

  // Pixels per chunk: keep the column buffer around 4M elements.
  const int64_t chunk = std::max<int64_t>(
      1, std::min<int64_t>(inPlane, (int64_t(1) << 22) / rows));
  T *cols = threadScratchOf<T>(kScratchConv, static_cast<size_t>(rows * chunk));
  for (int64_t gi = 0; gi < g.group; ++gi) {
    PackedLhs local;
    const PackedLhs &a = lhs(gi, local);
    for (int64_t b = 0; b < g.batch; ++b) {
      const float *xg = x + (b * g.inChannels + gi * cPerG) * inPlane;
      T *yg = y + (b * g.outChannels + gi * mPerG) * outPlane;
      for (int64_t pix0 = 0; pix0 < inPlane; pix0 += chunk) {
        const int64_t np = std::min(chunk, inPlane - pix0);
        gemm(a, MatrixRhs(xg + pix0, inPlane, false), np, cols);
        parallelFor(pool, mPerG, [&](int64_t co) {
          scatterChannel<T>(g, cols, np, pix0, co, yg + co * outPlane, store,
                            bias ? bias[gi * mPerG + co] : T(0));
        });
      }
    }
  }
}

} // namespace

void convTransposeF32(const ConvGeometry &g, const float *x, const float *w,
                      const float *bias, float *y, const GemmActivation &act,
                      ThreadPool *pool, const PackedConvWeights *packed,
                      const OutputReady &ready) {
  const int64_t cPerG = g.inPerGroup();
  const int64_t rows = g.outPerGroup() * g.kernelVolume();
  // A = W_g^T, W_g being the group's (C/g) x (M/g * kvol) rows.
  auto lhs = [&](int64_t gi, PackedLhs &local) -> const PackedLhs & {
    return groupWeights(packed, gi, local, w + gi * cPerG * rows, rows, true,
                        rows, cPerG);
  };
  auto gemm = [&](const PackedLhs &a, const RhsPacker &rhs, int64_t np,
                  float *cols) {
    gemmPacked(a, rhs, np, cols, np, GemmEpilogue(), pool);
  };
  convTransposeImpl<float>(g, x, bias, y, pool, lhs, gemm);
  const int64_t outPlane = g.outPlane();
  if (act.kind != GemmActivation::None || ready)
    parallelFor(pool, g.batch * g.outChannels, [&](int64_t task) {
      applyActivation(y + task * outPlane, outPlane, act);
      if (ready)
        ready(task * outPlane, (task + 1) * outPlane);
    });
}

void convTransposeInt32(const ConvGeometry &g, const float *x, const float *w,
                        const int32_t *bias, int32_t *y, int64_t blockDepth,
                        ThreadPool *pool, const OutputReady &ready) {
  const int64_t cPerG = g.inPerGroup();
  const int64_t rows = g.outPerGroup() * g.kernelVolume();
  auto lhs = [&](int64_t gi, PackedLhs &local) -> const PackedLhs & {
    local = PackedLhs(w + gi * cPerG * rows, rows, true, rows, cPerG, 1.0f,
                      activeSimdLevel(), blockDepth);
    return local;
  };
  auto gemm = [&](const PackedLhs &a, const RhsPacker &rhs, int64_t np,
                  int32_t *cols) {
    gemmPackedInt32(a, rhs, np, cols, np, nullptr, nullptr, pool);
  };
  convTransposeImpl<int32_t>(g, x, bias, y, pool, lhs, gemm);
  if (ready && g.batch * g.outChannels * g.outPlane() > 0)
    ready(0, g.batch * g.outChannels * g.outPlane());
}

} // namespace npu::kernels
