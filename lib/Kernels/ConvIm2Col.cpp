//===- ConvIm2Col.cpp - Convolution as GEMM with on-the-fly im2col --------===//
//
// C[M/g, out pixels] = W_g[M/g, C/g * kvol] * im2col(x_g). The im2col matrix
// is never stored whole: the GEMM asks for one kc x nc block at a time and
// Im2ColRhs writes it straight into the packed panel layout. Within a panel
// the output pixels form a few runs along the output's last dimension; for
// each kernel tap the in-bounds part of a run is a (strided) copy of an
// input row and the rest is zero padding. 1x1 convolutions with unit
// strides and no padding read the input as the B matrix directly.
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

class Im2ColRhs final : public RhsPacker {
public:
  Im2ColRhs(const ConvGeometry &g, const float *x) : g_(g), x_(x) {}

  void pack(int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr,
            float *dst) const override;

private:
  struct Run {
    int64_t lane, len, od, oy, ox;
  };
  struct TapRun {
    int64_t src; // offset of lane 0 in the channel plane
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
  Run runs[64];
  TapRun *table = threadScratchOf<TapRun>(
      kScratchMisc, static_cast<size_t>(kvol) * 64);

  for (int64_t p = 0; p * nr < nc; ++p) {
    const int64_t cols = std::min<int64_t>(nr, nc - p * nr);
    float *panel = dst + p * kc * nr;
    // Runs of consecutive output pixels on one output row.
    int numRuns = 0;
    for (int64_t lane = 0, j = j0 + p * nr; lane < cols;) {
      Run r;
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
    // Where each tap reads for each run.
    for (int64_t t = 0; t < kvol; ++t) {
      int64_t kd = t / (g.kernel[1] * g.kernel[2]);
      int64_t ky = (t / g.kernel[2]) % g.kernel[1];
      int64_t kx = t % g.kernel[2];
      for (int r = 0; r < numRuns; ++r) {
        const Run &run = runs[r];
        TapRun &e = table[t * 64 + r];
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
    int64_t c = k0 / kvol, t = k0 % kvol;
    for (int64_t kk = 0; kk < kc; ++kk) {
      const float *xc = x_ + c * inPlane;
      float *d = panel + kk * nr;
      const TapRun *tr = table + t * 64;
      for (int r = 0; r < numRuns; ++r) {
        float *dr = d + runs[r].lane;
        const TapRun &e = tr[r];
        for (int64_t l = 0; l < e.lo; ++l)
          dr[l] = 0.0f;
        const float *src = xc + e.src;
        if (sw == 1) {
          if (e.hi > e.lo)
            std::memcpy(dr + e.lo, src + e.lo, (e.hi - e.lo) * sizeof(float));
        } else {
          for (int64_t l = e.lo; l < e.hi; ++l)
            dr[l] = src[l * sw];
        }
        for (int64_t l = e.hi; l < runs[r].len; ++l)
          dr[l] = 0.0f;
      }
      for (int64_t l = cols; l < nr; ++l)
        d[l] = 0.0f;
      if (++t == kvol) {
        t = 0;
        ++c;
      }
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

} // namespace

void convIm2ColF32(const ConvGeometry &g, const float *x, const float *w,
                   const float *bias, float *y, const GemmActivation &act,
                   ThreadPool *pool, const PackedConvWeights *packed) {
  const int64_t cPerG = g.inPerGroup(), mPerG = g.outPerGroup();
  const int64_t k = cPerG * g.kernelVolume();
  const int64_t inPlane = g.inPlane(), outPlane = g.outPlane();
  const bool pointwise = isPointwise(g);
  if (packed && packed->level() != activeSimdLevel())
    packed = nullptr; // packed for another micro-kernel: repack
  for (int64_t gi = 0; gi < g.group; ++gi) {
    PackedLhs local;
    const PackedLhs *a = packed ? &packed->group(gi) : nullptr;
    if (!a) {
      local = PackedLhs(w + gi * mPerG * k, k, false, mPerG, k);
      a = &local;
    }
    GemmEpilogue epi;
    epi.rowBias = bias ? bias + gi * mPerG : nullptr;
    epi.activation = act;
    for (int64_t b = 0; b < g.batch; ++b) {
      const float *xg = x + (b * g.inChannels + gi * cPerG) * inPlane;
      float *yg = y + (b * g.outChannels + gi * mPerG) * outPlane;
      if (pointwise) {
        MatrixRhs rhs(xg, inPlane, false);
        gemmPacked(*a, rhs, outPlane, yg, outPlane, epi, pool);
      } else {
        Im2ColRhs rhs(g, xg);
        gemmPacked(*a, rhs, outPlane, yg, outPlane, epi, pool);
      }
    }
  }
}

} // namespace npu::kernels
