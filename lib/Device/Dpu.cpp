//===- Dpu.cpp - Functional model of the DPU ------------------------------===//
//
// Bit-exact model of a DPU task: the integer MAC array (int8/uint8 inputs
// minus their zero point, int8 weights, 32-bit wrapping accumulators) or the
// fp16 array (fp32 accumulation in (ky, kx, c) order), followed by the PPE
// (npu/Arch/PostProcess.h). Only the output boxes of the task's workloads
// are computed; workload rows are spread over host threads.
//
// The int8 convolution, which dominates real networks, has an AVX-512 VNNI
// inner loop (DpuConvKernel.cpp); everything else is plain C++.
//
//===----------------------------------------------------------------------===//

#include "DpuConv.h"
#include "npu/Device/Engines.h"

#include "npu/Arch/PostProcess.h"
#include "npu/Blob/ProgramBuilder.h"
#include "npu/Device/ThreadPool.h"

#include <algorithm>
#include <cstring>

namespace npu::device {

using namespace npu::blob;

namespace {

bool isQuant(DType t) { return t == DType::I8 || t == DType::U8; }

int32_t loadInt(const uint8_t *p, DType t) {
  return t == DType::I8 ? int32_t(int8_t(*p)) : int32_t(*p);
}

int32_t readWord(const View &table, uint32_t k, uint32_t j) {
  int32_t w;
  std::memcpy(&w, table.data + table.strides[0] * k + table.strides[1] * j, 4);
  return w;
}

struct Geometry {
  uint32_t H, W, C, OH, OW, K, kh, kw, sh, sw, pt, pl, PH, PW;
};

Geometry geometry(const DpuTask &t) {
  Geometry g;
  g.H = t.input.shape[0];
  g.W = t.input.shape[1];
  g.C = t.input.shape[2];
  g.OH = t.output.shape[0];
  g.OW = t.output.shape[1];
  g.K = t.output.shape[2];
  g.kh = t.kernelH;
  g.kw = t.kernelW;
  g.sh = t.strideH;
  g.sw = t.strideW;
  g.pt = t.padTop;
  g.pl = t.padLeft;
  g.PH = g.H + t.padTop + t.padBottom;
  g.PW = g.W + t.padLeft + t.padRight;
  return g;
}

/// Per-output-channel post-processing values.
struct ChannelPpe {
  uint32_t mult = 1;
  unsigned shift = 0;
  int32_t bias = 0;
  float scale = 1.0f;
  float fbias = 0.0f;
};

/// Reads the weight table; checks that every channel's weights lie inside
/// the bytes the task declared for them.
bool readWeightTable(const DpuTask &t, const DpuOperands &ops,
                     const Geometry &g, uint64_t channelBytes,
                     std::vector<int32_t> &offsets,
                     std::vector<ChannelPpe> &ppe, std::string &error) {
  bool floatPpe = !isQuant(t.output.dtype);
  offsets.resize(g.K);
  ppe.resize(g.K);
  for (uint32_t k = 0; k < g.K; ++k) {
    int32_t off = readWord(ops.weightTable, k, 0);
    int32_t rq = readWord(ops.weightTable, k, 2);
    int32_t bias = readWord(ops.weightTable, k, 3);
    if (off < 0 || uint64_t(off) + channelBytes > ops.weightsBytes) {
      error = "weight table entry " + std::to_string(k) +
              " points at weights bytes [" + std::to_string(off) + ", " +
              std::to_string(int64_t(off) + int64_t(channelBytes)) +
              "), outside the " + std::to_string(ops.weightsBytes) +
              " bytes the task declared";
      return false;
    }
    offsets[k] = off;
    if (floatPpe) {
      ppe[k].scale = wordFloat(rq);
      ppe[k].fbias = wordFloat(bias);
    } else {
      ppe[k].mult = requantMult(rq);
      ppe[k].shift = requantShift(rq);
    }
    ppe[k].bias = bias;
  }
  return true;
}

arch::IntPpeParams intParams(const PostProcess &q, DType out) {
  arch::IntPpeParams p;
  p.activation = q.activation;
  p.leakyMult = q.leakyMult;
  p.leakyShift = q.leakyShift;
  p.outZeroPoint = q.outZeroPoint;
  p.clampLow = q.clampLow;
  p.clampHigh = q.clampHigh;
  p.typeMin = out == DType::I8 ? -128 : 0;
  p.typeMax = out == DType::I8 ? 127 : 255;
  return p;
}

arch::FloatPpeParams floatParams(const PostProcess &q) {
  arch::FloatPpeParams p;
  p.activation = q.activation;
  p.leakyAlpha = q.leakyAlpha;
  p.clampLow = q.fclampLow;
  p.clampHigh = q.fclampHigh;
  return p;
}

/// Writes one output element from an integer accumulator (bias included)
/// or a float accumulator, through the PPE.
struct OutputWriter {
  const View &out;
  const PostProcess &q;
  arch::IntPpeParams ip;
  arch::FloatPpeParams fp;
  bool quantOut;

  OutputWriter(const View &out, const PostProcess &q)
      : out(out), q(q), ip(intParams(q, out.dtype)), fp(floatParams(q)),
        quantOut(isQuant(out.dtype)) {}

  uint8_t *at(uint32_t y, uint32_t x, uint32_t k) const {
    return out.data + y * out.strides[0] + x * out.strides[1] +
           k * out.strides[2];
  }
  void writeInt(uint32_t y, uint32_t x, uint32_t k, int32_t acc, uint32_t mult,
                unsigned shift, float scale) const {
    uint8_t *p = at(y, x, k);
    if (quantOut) {
      int32_t v = arch::ppeInt(acc, mult, shift, ip);
      *p = uint8_t(v);
    } else {
      storeFromFloat(p, out.dtype, arch::ppeFloat(float(acc), scale, fp));
    }
  }
  void writeFloat(uint32_t y, uint32_t x, uint32_t k, float acc,
                  float scale) const {
    storeFromFloat(at(y, x, k), out.dtype, arch::ppeFloat(acc, scale, fp));
  }
};

/// Spreads the rows of every workload over the host threads.
void forEachWorkloadRow(
    const DpuTask &t,
    const std::function<void(const Workload &, uint32_t oy)> &fn) {
  for (const Workload &w : t.workloads)
    ThreadPool::global().parallelFor(w.height, 1, [&](size_t b, size_t e) {
      for (size_t r = b; r < e; ++r)
        fn(w, w.y + uint32_t(r));
    });
}

/// Padded copy of the input in int16 with the zero point subtracted, so
/// that padding contributes exactly 0.
std::vector<int16_t> paddedIntInput(const View &in, const Geometry &g,
                                    int32_t zp) {
  std::vector<int16_t> p(size_t(g.PH) * g.PW * g.C, 0);
  ThreadPool::global().parallelFor(g.H, 8, [&](size_t b, size_t e) {
    for (size_t y = b; y < e; ++y)
      for (uint32_t x = 0; x < g.W; ++x) {
        int16_t *dst = &p[((y + g.pt) * g.PW + x + g.pl) * g.C];
        const uint8_t *src = in.data + y * in.strides[0] + x * in.strides[1];
        for (uint32_t c = 0; c < g.C; ++c)
          dst[c] = int16_t(loadInt(src + c * in.strides[2], in.dtype) - zp);
      }
  });
  return p;
}

std::vector<float> paddedFloatInput(const View &in, const Geometry &g) {
  std::vector<float> p(size_t(g.PH) * g.PW * g.C, 0.0f);
  for (uint32_t y = 0; y < g.H; ++y)
    for (uint32_t x = 0; x < g.W; ++x)
      for (uint32_t c = 0; c < g.C; ++c)
        p[((y + g.pt) * g.PW + x + g.pl) * g.C + c] = loadAsFloat(
            in.data + y * in.strides[0] + x * in.strides[1] + c * in.strides[2],
            in.dtype);
  return p;
}

bool runConvLike(const DpuTask &t, const DpuOperands &ops, std::string &error) {
  Geometry g = geometry(t);
  bool depthwise = t.op == DpuOp::DepthwiseConv;
  bool quant = isQuant(t.input.dtype);
  uint64_t perChannel = uint64_t(g.kh) * g.kw * (depthwise ? 1 : g.C);
  uint64_t elem = quant ? 1 : 2;
  std::vector<int32_t> offsets;
  std::vector<ChannelPpe> ppe;
  if (!readWeightTable(t, ops, g, perChannel * elem, offsets, ppe, error))
    return false;
  OutputWriter out(ops.output, t.ppe);

  if (quant) {
    std::vector<int16_t> in = paddedIntInput(ops.input, g, t.inZeroPoint);
    std::vector<int16_t> w(g.K * perChannel);
    for (uint32_t k = 0; k < g.K; ++k)
      for (uint64_t i = 0; i < perChannel; ++i)
        w[k * perChannel + i] = int8_t(ops.weights.data[offsets[k] + i]);
    if (!depthwise) {
      ConvProblem cp{in.data(), w.data(), g.PW, g.C, g.kh, g.kw, g.sh, g.sw};
      forEachWorkloadRow(t, [&](const Workload &wl, uint32_t oy) {
        int32_t acc[kConvBlockPixels][kConvBlockChannels];
        for (uint32_t ox = wl.x; ox < wl.x + wl.width; ox += kConvBlockPixels) {
          uint32_t nx = std::min(kConvBlockPixels, wl.x + wl.width - ox);
          for (uint32_t k = wl.k; k < wl.k + wl.channels;
               k += kConvBlockChannels) {
            uint32_t nk = std::min(kConvBlockChannels, wl.k + wl.channels - k);
            convBlock(cp, oy, ox, nx, k, nk, acc);
            for (uint32_t i = 0; i < nx; ++i)
              for (uint32_t j = 0; j < nk; ++j) {
                const ChannelPpe &c = ppe[k + j];
                int32_t a = int32_t(uint32_t(acc[i][j]) + uint32_t(c.bias));
                out.writeInt(oy, ox + i, k + j, a, c.mult, c.shift, c.scale);
              }
          }
        }
      });
    } else {
      forEachWorkloadRow(t, [&](const Workload &wl, uint32_t oy) {
        for (uint32_t ox = wl.x; ox < wl.x + wl.width; ++ox)
          for (uint32_t k = wl.k; k < wl.k + wl.channels; ++k) {
            uint32_t acc = 0;
            for (uint32_t ky = 0; ky < g.kh; ++ky)
              for (uint32_t kx = 0; kx < g.kw; ++kx)
                acc += uint32_t(
                    int32_t(
                        in[((oy * g.sh + ky) * g.PW + ox * g.sw + kx) * g.C +
                           k]) *
                    w[k * perChannel + ky * g.kw + kx]);
            const ChannelPpe &c = ppe[k];
            out.writeInt(oy, ox, k, int32_t(acc + uint32_t(c.bias)), c.mult,
                         c.shift, c.scale);
          }
      });
    }
    return true;
  }

  // fp16: products are exact in fp32; the sum runs in (ky, kx, c) order.
  std::vector<float> in = paddedFloatInput(ops.input, g);
  std::vector<float> w(g.K * perChannel);
  for (uint32_t k = 0; k < g.K; ++k)
    for (uint64_t i = 0; i < perChannel; ++i)
      w[k * perChannel + i] =
          loadAsFloat(ops.weights.data + offsets[k] + i * 2, DType::F16);
  if (!depthwise) {
    // Dense: kFp16ConvChannels output channels at a time (convPixelFp16,
    // the same sums), from the weights with the output channel innermost.
    uint32_t kp =
        (g.K + kFp16ConvChannels - 1) / kFp16ConvChannels * kFp16ConvChannels;
    std::vector<float> wT(perChannel * kp, 0.0f);
    for (uint32_t k = 0; k < g.K; ++k)
      for (uint64_t i = 0; i < perChannel; ++i)
        wT[i * kp + k] = w[k * perChannel + i];
    Fp16ConvProblem cp{in.data(), wT.data(), g.PW, g.C, g.kh,
                       g.kw,      g.sh,      g.sw, kp};
    forEachWorkloadRow(t, [&](const Workload &wl, uint32_t oy) {
      float acc[kFp16ConvChannels];
      for (uint32_t ox = wl.x; ox < wl.x + wl.width; ++ox)
        for (uint32_t k = wl.k; k < wl.k + wl.channels;
             k += kFp16ConvChannels) {
          uint32_t nk = std::min(kFp16ConvChannels, wl.k + wl.channels - k);
          convPixelFp16(cp, oy, ox, k, nk, acc);
          for (uint32_t j = 0; j < nk; ++j)
            out.writeFloat(oy, ox, k + j, acc[j] + ppe[k + j].fbias,
                           ppe[k + j].scale);
        }
    });
    return true;
  }
  forEachWorkloadRow(t, [&](const Workload &wl, uint32_t oy) {
    for (uint32_t ox = wl.x; ox < wl.x + wl.width; ++ox)
      for (uint32_t k = wl.k; k < wl.k + wl.channels; ++k) {
        float acc = 0.0f;
        const float *wk = &w[k * perChannel];
        for (uint32_t ky = 0; ky < g.kh; ++ky)
          for (uint32_t kx = 0; kx < g.kw; ++kx) {
            const float *ip =
                &in[((oy * g.sh + ky) * g.PW + ox * g.sw + kx) * g.C];
            acc += ip[k] * wk[ky * g.kw + kx];
          }
        out.writeFloat(oy, ox, k, acc + ppe[k].fbias, ppe[k].scale);
      }
  });
  return true;
}

bool runPool(const DpuTask &t, const DpuOperands &ops) {
  Geometry g = geometry(t);
  bool quant = isQuant(t.input.dtype);
  bool isMax = t.op == DpuOp::MaxPool;
  OutputWriter out(ops.output, t.ppe);
  const View &in = ops.input;
  forEachWorkloadRow(t, [&](const Workload &wl, uint32_t oy) {
    for (uint32_t ox = wl.x; ox < wl.x + wl.width; ++ox)
      for (uint32_t k = wl.k; k < wl.k + wl.channels; ++k) {
        int64_t iacc = isMax ? INT64_MIN : 0;
        float facc = isMax ? -INFINITY : 0.0f;
        for (uint32_t ky = 0; ky < g.kh; ++ky)
          for (uint32_t kx = 0; kx < g.kw; ++kx) {
            int64_t iy = int64_t(oy) * g.sh + ky - g.pt;
            int64_t ix = int64_t(ox) * g.sw + kx - g.pl;
            if (iy < 0 || ix < 0 || iy >= g.H || ix >= g.W)
              continue; // Padding: ignored by max, zero for the sum.
            const uint8_t *p = in.data + iy * in.strides[0] +
                               ix * in.strides[1] + k * in.strides[2];
            if (quant) {
              int64_t v = loadInt(p, in.dtype) - t.inZeroPoint;
              iacc = isMax ? std::max(iacc, v) : iacc + v;
            } else {
              float v = loadAsFloat(p, in.dtype);
              facc = isMax ? std::max(facc, v) : facc + v;
            }
          }
        if (quant)
          out.writeInt(oy, ox, k,
                       int32_t(uint32_t(iacc) + uint32_t(t.ppe.bias)),
                       t.ppe.mult, t.ppe.shift, t.ppe.scale);
        else
          out.writeFloat(oy, ox, k, facc + t.ppe.fbias, t.ppe.scale);
      }
  });
  return true;
}

bool runEltwise(const DpuTask &t, const DpuOperands &ops) {
  bool quant = isQuant(t.input.dtype);
  bool sub = t.op == DpuOp::EltwiseSub;
  OutputWriter out(ops.output, t.ppe);
  const View &a = ops.input, &b = ops.input2;
  forEachWorkloadRow(t, [&](const Workload &wl, uint32_t y) {
    for (uint32_t x = wl.x; x < wl.x + wl.width; ++x)
      for (uint32_t k = wl.k; k < wl.k + wl.channels; ++k) {
        const uint8_t *pa =
            a.data + y * a.strides[0] + x * a.strides[1] + k * a.strides[2];
        const uint8_t *pb =
            b.data + y * b.strides[0] + x * b.strides[1] + k * b.strides[2];
        if (quant) {
          int32_t va = (loadInt(pa, a.dtype) - t.inZeroPoint) * t.inMultA;
          int32_t vb = (loadInt(pb, b.dtype) - t.in2ZeroPoint) * t.inMultB;
          int32_t acc =
              int32_t(uint32_t(sub ? va - vb : va + vb) + uint32_t(t.ppe.bias));
          out.writeInt(y, x, k, acc, t.ppe.mult, t.ppe.shift, t.ppe.scale);
        } else {
          float va = loadAsFloat(pa, a.dtype), vb = loadAsFloat(pb, b.dtype);
          out.writeFloat(y, x, k, (sub ? va - vb : va + vb) + t.ppe.fbias,
                         t.ppe.scale);
        }
      }
  });
  return true;
}

} // namespace

bool runDpu(const DpuTask &task, const DpuOperands &ops, std::string &error) {
  switch (task.op) {
  case DpuOp::Conv:
  case DpuOp::DepthwiseConv:
    return runConvLike(task, ops, error);
  case DpuOp::MaxPool:
  case DpuOp::AvgPool:
    return runPool(task, ops);
  case DpuOp::EltwiseAdd:
  case DpuOp::EltwiseSub:
    return runEltwise(task, ops);
  }
  error = "unknown DPU operation";
  return false;
}

} // namespace npu::device
