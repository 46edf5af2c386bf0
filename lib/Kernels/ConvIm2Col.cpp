//===- ConvIm2Col.cpp - Convolution as GEMM with on-the-fly im2col --------===//
//
// C[M/g, out pixels] = W_g[M/g, C/g * kvol] * im2col(x_g). The im2col matrix
// is never stored whole: the GEMM asks for one kc x nc block at a time and
// Im2ColRhs writes it straight into the packed panel layout. Within a panel
// the output pixels form a few runs along the output's last dimension; for
// each kernel tap the in-bounds part of a run is a (strided) copy of an
// input row and the rest is zero padding. 1x1 convolutions with unit
// strides and no padding read the input as the B matrix directly. int32
// convolutions run the same GEMM on float copies in exact K blocks.
//
//===----------------------------------------------------------------------===//

#include "ConvInternal.h"
#include "KernelSupport.h"

#include <algorithm>
#include <cstring>

namespace npu::kernels {

namespace {

/// Floor division for possibly negative numerators.
int64_t floorDiv(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/// Copies n floats; the common panel widths are compile-time sizes, so the
/// copy is inlined instead of a call to memcpy.
inline void copyLanes(float *d, const float *s, int64_t n) {
  switch (n) {
  case 32:
    std::memcpy(d, s, 32 * sizeof(float));
    return;
  case 24:
    std::memcpy(d, s, 24 * sizeof(float));
    return;
  case 8:
    std::memcpy(d, s, 8 * sizeof(float));
    return;
  default:
    std::memcpy(d, s, n * sizeof(float));
  }
}

class Im2ColRhs final : public RhsPacker {
public:
  Im2ColRhs(const ConvGeometry &g, const float *x) : g_(g), x_(x) {}

  void pack(int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr,
            float *dst) const override;

private:
  /// Consecutive output pixels of one panel on one output row.
  struct Run {
    int64_t panel, lane, len, od, oy, ox;
  };
  /// Where one kernel tap reads for one run.
  struct TapRun {
    int64_t src;    // offset of the run's first pixel in a channel plane
    int64_t lo, hi; // lanes [lo, hi) of the run read the input
  };
  const ConvGeometry &g_;
  const float *x_;
};

void Im2ColRhs::pack(int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr,
                     float *dst) const {
  const ConvGeometry &g = g_;
  const int64_t kvol = g.kernelVolume(), inPlane = g.inPlane();
  const int64_t outHW = g.out[1] * g.out[2];
  const int64_t sw = g.stride[2];
  const int64_t numPanels = (nc + nr - 1) / nr;

  // Runs of all panels, in pixel order (so each kernel row below reads the
  // input sequentially), and the tap table [tap][run].
  Run *runs = threadScratchOf<Run>(kScratchMisc, static_cast<size_t>(nc));
  int64_t numRuns = 0;
  for (int64_t p = 0; p < numPanels; ++p) {
    const int64_t cols = std::min<int64_t>(nr, nc - p * nr);
    for (int64_t lane = 0, j = j0 + p * nr; lane < cols;) {
      Run r;
      r.panel = p;
      r.lane = lane;
      r.od = j / outHW;
      int64_t rem = j % outHW;
      r.oy = rem / g.out[2];
      r.ox = rem % g.out[2];
      r.len = std::min(cols - lane, g.out[2] - r.ox);
      runs[numRuns++] = r;
      lane += r.len;
      j += r.len;
    }
  }
  TapRun *table = threadScratchOf<TapRun>(kScratchMisc2,
                                          static_cast<size_t>(kvol * numRuns));
  for (int64_t t = 0; t < kvol; ++t) {
    const int64_t kd = t / (g.kernel[1] * g.kernel[2]);
    const int64_t ky = (t / g.kernel[2]) % g.kernel[1];
    const int64_t kx = t % g.kernel[2];
    for (int64_t r = 0; r < numRuns; ++r) {
      const Run &run = runs[r];
      TapRun &e = table[t * numRuns + r];
      int64_t id = run.od * g.stride[0] - g.padBegin[0] + kd * g.dilation[0];
      int64_t iy = run.oy * g.stride[1] - g.padBegin[1] + ky * g.dilation[1];
      int64_t ix0 = run.ox * sw - g.padBegin[2] + kx * g.dilation[2];
      e.src = (id * g.in[1] + iy) * g.in[2] + ix0;
      if (id < 0 || id >= g.in[0] || iy < 0 || iy >= g.in[1]) {
        e.lo = e.hi = 0;
        continue;
      }
      // Lanes l with 0 <= ix0 + l * sw < W.
      int64_t lo = ix0 >= 0 ? 0 : (-ix0 + sw - 1) / sw;
      int64_t hi = floorDiv(g.in[2] - 1 - ix0, sw) + 1;
      e.lo = std::min(std::max<int64_t>(lo, 0), run.len);
      e.hi = std::min(std::max<int64_t>(hi, e.lo), run.len);
    }
  }

  // Zero the lanes past nc in the last panel once per row of k.
  const int64_t lastCols = nc - (numPanels - 1) * nr;
  int64_t c = k0 / kvol, t = k0 % kvol;
  for (int64_t kk = 0; kk < kc; ++kk) {
    const float *xc = x_ + c * inPlane;
    const TapRun *tr = table + t * numRuns;
    for (int64_t r = 0; r < numRuns; ++r) {
      const Run &run = runs[r];
      float *d = dst + run.panel * kc * nr + kk * nr + run.lane;
      const TapRun &e = tr[r];
      const float *src = xc + e.src;
      if (sw == 1 && e.lo == 0 && e.hi == nr) {
        copyLanes(d, src, nr); // a whole panel from one input row
        continue;
      }
      for (int64_t l = 0; l < e.lo; ++l)
        d[l] = 0.0f;
      if (sw == 1) {
        if (e.hi > e.lo)
          std::memcpy(d + e.lo, src + e.lo, (e.hi - e.lo) * sizeof(float));
      } else {
        for (int64_t l = e.lo; l < e.hi; ++l)
          d[l] = src[l * sw];
      }
      for (int64_t l = e.hi; l < run.len; ++l)
        d[l] = 0.0f;
    }
    if (lastCols < nr) {
      float *d = dst + (numPanels - 1) * kc * nr + kk * nr;
      for (int64_t l = lastCols; l < nr; ++l)
        d[l] = 0.0f;
    }
    if (++t == kvol) {
      t = 0;
      ++c;
    }
  }
}

bool isPointwise(const ConvGeometry &g) {
  for (int i = 0; i < 3; ++i)
    if (g.kernel[i] != 1 || g.stride[i] != 1 || g.padBegin[i] != 0 ||
        g.in[i] != g.out[i])
      return false;
  return true;
}

/// Calls fn(b, rhs) for every image b with the B operand (im2col of the
/// image's channels of group `gi`) of the group's GEMM.
template <typename Fn>
void forEachImage(const ConvGeometry &g, const float *x, int64_t gi, Fn &&fn) {
  const int64_t inPlane = g.inPlane();
  const bool pointwise = isPointwise(g);
  for (int64_t b = 0; b < g.batch; ++b) {
    const float *xg = x + (b * g.inChannels + gi * g.inPerGroup()) * inPlane;
    if (pointwise) {
      fn(b, MatrixRhs(xg, inPlane, false));
    } else {
      fn(b, Im2ColRhs(g, xg));
    }
  }
}

/// Reports the finished blocks of one GEMM (rows: output channels from the
/// element offset `base`, columns: pixels) as output ranges.
GemmBlockDone blocksReady(const OutputReady &ready, int64_t base,
                          int64_t outPlane) {
  return
      [&ready, base, outPlane](int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
        for (int64_t r = r0; r < r1; ++r)
          ready(base + r * outPlane + c0, base + r * outPlane + c1);
      };
}

} // namespace

void convIm2ColF32(const ConvGeometry &g, const float *x, const float *w,
                   const float *bias, float *y, const GemmActivation &act,
                   ThreadPool *pool, const PackedConvWeights *packed,
                   const OutputReady &ready) {
  const int64_t mPerG = g.outPerGroup();
  const int64_t k = g.inPerGroup() * g.kernelVolume();
  const int64_t outPlane = g.outPlane();
  for (int64_t gi = 0; gi < g.group; ++gi) {
    PackedLhs local;
    const PackedLhs *a = &groupWeights(packed, gi, local, w + gi * mPerG * k, k,
                                       false, mPerG, k);
    GemmEpilogue epi;
    epi.rowBias = bias ? bias + gi * mPerG : nullptr;
    epi.activation = act;
    forEachImage(g, x, gi, [&](int64_t b, const RhsPacker &rhs) {
      const int64_t base = (b * g.outChannels + gi * mPerG) * outPlane;
      GemmBlockDone done = blocksReady(ready, base, outPlane);
      epi.blockDone = ready ? &done : nullptr;
      gemmPacked(*a, rhs, outPlane, y + base, outPlane, epi, pool);
    });
  }
}

void convIm2ColInt32(const ConvGeometry &g, const float *x, const float *w,
                     const int32_t *bias, int32_t *y, int64_t blockDepth,
                     ThreadPool *pool, const OutputReady &ready) {
  const int64_t mPerG = g.outPerGroup();
  const int64_t k = g.inPerGroup() * g.kernelVolume();
  const int64_t outPlane = g.outPlane();
  for (int64_t gi = 0; gi < g.group; ++gi) {
    PackedLhs a(w + gi * mPerG * k, k, false, mPerG, k, 1.0f, activeSimdLevel(),
                blockDepth);
    const int32_t *groupBias = bias ? bias + gi * mPerG : nullptr;
    forEachImage(g, x, gi, [&](int64_t b, const RhsPacker &rhs) {
      const int64_t base = (b * g.outChannels + gi * mPerG) * outPlane;
      GemmBlockDone done = blocksReady(ready, base, outPlane);
      gemmPackedInt32(a, rhs, outPlane, y + base, outPlane, groupBias,
                      ready ? &done : nullptr, pool);
    });
  }
}

} // namespace npu::kernels
