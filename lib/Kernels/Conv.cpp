//===- Conv.cpp - Convolution entry points and reference loops ------------===//
//
// Validates shapes, picks the path (depthwise, im2col GEMM, reference) and
// holds the reference nested loops used for non-float32 element types and
// by the tests.
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Conv.h"

#include "ConvInternal.h"
#include "ExactInt32.h"
#include "KernelSupport.h"
#include "npu/Kernels/ElementTypes.h"

#include <type_traits>

namespace npu::kernels {

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

static Status checkParams(const std::vector<int64_t> &x,
                          const std::vector<int64_t> &w, const ConvParams &p,
                          bool transposed) {
  if (x.size() < 3 || w.size() != x.size())
    return Status::error("input and weight must have the same rank >= 3, got " +
                         shapeStr(x) + " and " + shapeStr(w));
  size_t n = x.size() - 2;
  if (p.strides.size() != n || p.dilations.size() != n ||
      p.pads.size() != 2 * n || (transposed && p.outputPadding.size() != n))
    return Status::error("strides, dilations (and output_padding) need " +
                         std::to_string(n) + " entries and pads " +
                         std::to_string(2 * n));
  for (size_t i = 0; i < n; ++i)
    if (p.strides[i] < 1 || p.dilations[i] < 1)
      return Status::error("strides and dilations must be positive");
  if (p.group < 1 || x[1] % p.group != 0)
    return Status::error("group " + std::to_string(p.group) +
                         " does not divide the " + std::to_string(x[1]) +
                         " input channels");
  if (!transposed && (w[0] % p.group != 0 || w[1] * p.group != x[1]))
    return Status::error("weight " + shapeStr(w) + " does not fit " +
                         std::to_string(x[1]) + " input channels in " +
                         std::to_string(p.group) + " groups");
  if (transposed && w[0] != x[1])
    return Status::error("weight " + shapeStr(w) + " must have " +
                         std::to_string(x[1]) + " input channels");
  return Status::success();
}

Status convOutputShape(const std::vector<int64_t> &x,
                       const std::vector<int64_t> &w, const ConvParams &p,
                       std::vector<int64_t> &out) {
  NPU_RETURN_IF_ERROR(checkParams(x, w, p, false));
  size_t n = x.size() - 2;
  out = {x[0], w[0]};
  for (size_t i = 0; i < n; ++i) {
    int64_t eff = (w[i + 2] - 1) * p.dilations[i] + 1;
    int64_t span = x[i + 2] + p.pads[i] + p.pads[n + i] - eff;
    if (span < 0)
      return Status::error("kernel does not fit the padded input in "
                           "spatial dimension " +
                           std::to_string(i));
    out.push_back(span / p.strides[i] + 1);
  }
  return Status::success();
}

Status convTransposeOutputShape(const std::vector<int64_t> &x,
                                const std::vector<int64_t> &w,
                                const ConvParams &p,
                                std::vector<int64_t> &out) {
  NPU_RETURN_IF_ERROR(checkParams(x, w, p, true));
  size_t n = x.size() - 2;
  out = {x[0], w[1] * p.group};
  for (size_t i = 0; i < n; ++i) {
    int64_t o = p.strides[i] * (x[i + 2] - 1) + p.outputPadding[i] +
                (w[i + 2] - 1) * p.dilations[i] + 1 - p.pads[i] - p.pads[n + i];
    if (o < 1)
      return Status::error("empty output in spatial dimension " +
                           std::to_string(i));
    out.push_back(o);
  }
  return Status::success();
}

bool makeConvGeometry(const std::vector<int64_t> &x,
                      const std::vector<int64_t> &w,
                      const std::vector<int64_t> &y, const ConvParams &p,
                      bool transposed, ConvGeometry &g) {
  size_t n = x.size() - 2;
  if (n > 3)
    return false;
  g = ConvGeometry();
  g.batch = x[0];
  g.inChannels = x[1];
  g.outChannels = y[1];
  g.group = p.group;
  size_t off = 3 - n;
  for (size_t i = 0; i < n; ++i) {
    g.in[off + i] = x[i + 2];
    g.out[off + i] = y[i + 2];
    g.kernel[off + i] = w[i + 2];
    g.stride[off + i] = p.strides[i];
    g.dilation[off + i] = p.dilations[i];
    g.padBegin[off + i] = p.pads[i];
  }
  (void)transposed;
  return true;
}

static Status validate(const HostTensor &x, const HostTensor &w,
                       const HostTensor *bias, const HostTensor &y,
                       const ConvParams &p, bool transposed) {
  std::vector<int64_t> expected;
  NPU_RETURN_IF_ERROR(
      transposed ? convTransposeOutputShape(x.shape(), w.shape(), p, expected)
                 : convOutputShape(x.shape(), w.shape(), p, expected));
  NPU_RETURN_IF_ERROR(expectShape(y, expected, "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(x, w, "input and weight"));
  NPU_RETURN_IF_ERROR(expectSameDType(x, y, "input and output"));
  if (x.dtype() == DType::Bool)
    return Status::error("convolution of booleans is not supported");
  if (bias) {
    NPU_RETURN_IF_ERROR(expectSameDType(x, *bias, "input and bias"));
    NPU_RETURN_IF_ERROR(expectShape(*bias, {expected[1]}, "bias"));
  }
  if (p.activation.kind != GemmActivation::None && x.dtype() != DType::F32)
    return Status::error("fused activations need float32");
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Reference loops
//===----------------------------------------------------------------------===//

namespace {
/// Accumulator of the reference loops: exact 64-bit integers (wrapping on
/// the final store) or double.
template <typename T>
using AccumulatorOf = std::conditional_t<
    isIntStorage<T>, std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>,
    double>;

template <typename T> T storeAcc(AccumulatorOf<T> v, const GemmActivation &a) {
  if constexpr (isIntStorage<T>) {
    return static_cast<T>(v);
  } else {
    double d = static_cast<double>(v);
    if (a.kind != GemmActivation::None)
      d = a.apply(static_cast<float>(d));
    return storeElem<T>(static_cast<ComputeType<T>>(d));
  }
}

/// Odometer increment over `dims`; false after the last index.
bool nextIndex(std::vector<int64_t> &idx, const std::vector<int64_t> &dims) {
  for (size_t i = idx.size(); i-- > 0;) {
    if (++idx[i] < dims[i])
      return true;
    idx[i] = 0;
  }
  return false;
}

/// Offset of the element that kernel tap `k` of the window at `o` touches
/// in a tensor of `shape`/`strides` (spatial dimensions from 2 on), or -1
/// if it falls into the padding. Convolution windows slide over the input,
/// transposed convolution windows over the output.
int64_t tapOffset(const std::vector<int64_t> &o, const std::vector<int64_t> &k,
                  const ConvParams &p, const std::vector<int64_t> &shape,
                  const std::vector<int64_t> &strides) {
  int64_t off = 0;
  for (size_t i = 0; i < o.size(); ++i) {
    int64_t pos = o[i] * p.strides[i] - p.pads[i] + k[i] * p.dilations[i];
    if (pos < 0 || pos >= shape[i + 2])
      return -1;
    off += pos * strides[i + 2];
  }
  return off;
}

/// Offset of spatial index `k` (from dimension 2 on) in row-major strides.
int64_t spatialOffset(const std::vector<int64_t> &k,
                      const std::vector<int64_t> &strides) {
  int64_t off = 0;
  for (size_t i = 0; i < k.size(); ++i)
    off += k[i] * strides[i + 2];
  return off;
}

template <typename T>
void convReferenceImpl(const HostTensor &x, const HostTensor &w,
                       const HostTensor *bias, HostTensor &y,
                       const ConvParams &p) {
  using Acc = AccumulatorOf<T>;
  const size_t n = x.rank() - 2;
  const auto xs = stridesOf(x.shape()), ws = stridesOf(w.shape());
  const auto ys = stridesOf(y.shape());
  const std::vector<int64_t> outSp(y.shape().begin() + 2, y.shape().end());
  const std::vector<int64_t> kSp(w.shape().begin() + 2, w.shape().end());
  const int64_t cPerG = w.dim(1), mPerG = y.dim(1) / p.group;
  const T *xd = x.data<T>(), *wd = w.data<T>();
  T *yd = y.data<T>();
  for (int64_t b = 0; b < x.dim(0); ++b)
    for (int64_t m = 0; m < y.dim(1); ++m) {
      const int64_t g = m / mPerG;
      std::vector<int64_t> o(n, 0);
      do {
        Acc acc =
            bias ? static_cast<Acc>(loadElem(bias->data<T>()[m])) : Acc(0);
        for (int64_t c = 0; c < cPerG; ++c) {
          std::vector<int64_t> k(n, 0);
          do {
            int64_t tap = tapOffset(o, k, p, x.shape(), xs);
            if (tap < 0)
              continue;
            int64_t xOff = b * xs[0] + (g * cPerG + c) * xs[1] + tap;
            int64_t wOff = m * ws[0] + c * ws[1] + spatialOffset(k, ws);
            acc += static_cast<Acc>(loadElem(xd[xOff])) *
                   static_cast<Acc>(loadElem(wd[wOff]));
          } while (nextIndex(k, kSp));
        }
        yd[b * ys[0] + m * ys[1] + spatialOffset(o, ys)] =
            storeAcc<T>(acc, p.activation);
      } while (nextIndex(o, outSp));
    }
}

template <typename T>
void convTransposeReferenceImpl(const HostTensor &x, const HostTensor &w,
                                const HostTensor *bias, HostTensor &y,
                                const ConvParams &p) {
  using Acc = AccumulatorOf<T>;
  const size_t n = x.rank() - 2;
  const auto xs = stridesOf(x.shape()), ws = stridesOf(w.shape());
  const auto ys = stridesOf(y.shape());
  const std::vector<int64_t> inSp(x.shape().begin() + 2, x.shape().end());
  const std::vector<int64_t> kSp(w.shape().begin() + 2, w.shape().end());
  const int64_t cPerG = x.dim(1) / p.group, mPerG = w.dim(1);
  std::vector<Acc> acc(static_cast<size_t>(y.numElements()), Acc(0));
  const T *xd = x.data<T>(), *wd = w.data<T>();
  for (int64_t b = 0; b < x.dim(0); ++b)
    for (int64_t c = 0; c < x.dim(1); ++c) {
      const int64_t g = c / cPerG;
      std::vector<int64_t> i(n, 0);
      do {
        Acc xv = static_cast<Acc>(
            loadElem(xd[b * xs[0] + c * xs[1] + spatialOffset(i, xs)]));
        for (int64_t mm = 0; mm < mPerG; ++mm) {
          std::vector<int64_t> k(n, 0);
          do {
            int64_t tap = tapOffset(i, k, p, y.shape(), ys);
            if (tap < 0)
              continue;
            int64_t wOff = c * ws[0] + mm * ws[1] + spatialOffset(k, ws);
            acc[b * ys[0] + (g * mPerG + mm) * ys[1] + tap] +=
                xv * static_cast<Acc>(loadElem(wd[wOff]));
          } while (nextIndex(k, kSp));
        }
      } while (nextIndex(i, inSp));
    }
  T *yd = y.data<T>();
  const int64_t plane = y.numElements() / (y.dim(0) * y.dim(1));
  for (int64_t e = 0; e < y.numElements(); ++e) {
    int64_t m = (e / plane) % y.dim(1);
    Acc v = acc[e];
    if (bias)
      v += static_cast<Acc>(loadElem(bias->data<T>()[m]));
    yd[e] = storeAcc<T>(v, p.activation);
  }
}
} // namespace

static Status runReference(const HostTensor &x, const HostTensor &w,
                           const HostTensor *bias, HostTensor &y,
                           const ConvParams &p, bool transposed) {
  NPU_RETURN_IF_ERROR(validate(x, w, bias, y, p, transposed));
  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, bool>) {
      if (transposed)
        convTransposeReferenceImpl<T>(x, w, bias, y, p);
      else
        convReferenceImpl<T>(x, w, bias, y, p);
    }
  });
  return Status::success();
}

Status convReference(const HostTensor &x, const HostTensor &w,
                     const HostTensor *bias, HostTensor &y,
                     const ConvParams &p) {
  return runReference(x, w, bias, y, p, false);
}

Status convTransposeReference(const HostTensor &x, const HostTensor &w,
                              const HostTensor *bias, HostTensor &y,
                              const ConvParams &p) {
  return runReference(x, w, bias, y, p, true);
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

/// int32 on the float kernels (exact, see ExactInt32.h); false when the
/// operands' magnitudes are too large for that.
static bool convInt32(const ConvGeometry &g, const HostTensor &x,
                      const HostTensor &w, const HostTensor *bias,
                      HostTensor &y, bool transposed, ThreadPool *pool,
                      const OutputReady &ready) {
  ExactInt32Operands ops;
  if (!prepareExactInt32(x, w, pool, ops))
    return false;
  const float *xf = ops.a, *wf = ops.b;
  const int32_t *bd = bias ? bias->data<int32_t>() : nullptr;
  int32_t *yd = y.data<int32_t>();
  if (transposed)
    convTransposeInt32(g, xf, wf, bd, yd, ops.blockDepth, pool, ready);
  else if (isDepthwise2D(g) && g.kernelVolume() <= ops.blockDepth)
    depthwiseConvInt32(g, xf, wf, bd, yd, pool, ready);
  else
    convIm2ColInt32(g, xf, wf, bd, yd, ops.blockDepth, pool, ready);
  return true;
}

/// Validates, then runs the float32 fast path (f16/bf16 through float32
/// copies, int32 through exact float blocks) or the reference loops.
static Status runConv(const HostTensor &x, const HostTensor &w,
                      const HostTensor *bias, HostTensor &y,
                      const ConvParams &p, ThreadPool *pool,
                      const PackedConvWeights *packed, bool transposed) {
  NPU_RETURN_IF_ERROR(validate(x, w, bias, y, p, transposed));
  auto allReady = [&] {
    if (p.outputReady && y.numElements() > 0)
      p.outputReady(0, y.numElements());
  };
  if (x.dtype() == DType::F16 || x.dtype() == DType::BF16) {
    HostTensor xf = x.castTo(DType::F32), wf = w.castTo(DType::F32);
    HostTensor bf = bias ? bias->castTo(DType::F32) : HostTensor();
    HostTensor yf(DType::F32, y.shape());
    ConvParams pf = p;
    pf.outputReady = nullptr;
    NPU_RETURN_IF_ERROR(runConv(xf, wf, bias ? &bf : nullptr, yf, pf, pool,
                                nullptr, transposed));
    y = yf.castTo(y.dtype());
    allReady();
    return Status::success();
  }
  ConvGeometry g;
  const bool fast =
      makeConvGeometry(x.shape(), w.shape(), y.shape(), p, transposed, g);
  if (fast && x.dtype() == DType::I32 &&
      (y.numElements() == 0 ||
       convInt32(g, x, w, bias, y, transposed, pool, p.outputReady)))
    return Status::success();
  if (x.dtype() != DType::F32 || !fast) {
    NPU_RETURN_IF_ERROR(runReference(x, w, bias, y, p, transposed));
    allReady();
    return Status::success();
  }
  if (packed &&
      (packed->transposed() != transposed ||
       packed->weightShape() != w.shape() || packed->numGroups() != p.group))
    return Status::error("packed weights do not match the weight tensor");
  if (y.numElements() == 0)
    return Status::success();
  const float *bd = bias ? bias->data<float>() : nullptr;
  if (transposed)
    convTransposeF32(g, x.data<float>(), w.data<float>(), bd, y.data<float>(),
                     p.activation, pool, packed, p.outputReady);
  else if (isDepthwise2D(g))
    depthwiseConvF32(g, x.data<float>(), w.data<float>(), bd, y.data<float>(),
                     p.activation, pool, p.outputReady);
  else
    convIm2ColF32(g, x.data<float>(), w.data<float>(), bd, y.data<float>(),
                  p.activation, pool, packed, p.outputReady);
  return Status::success();
}

Status conv(const HostTensor &x, const HostTensor &w, const HostTensor *bias,
            HostTensor &y, const ConvParams &p, ThreadPool *pool,
            const PackedConvWeights *packed) {
  return runConv(x, w, bias, y, p, pool, packed, false);
}

Status convTranspose(const HostTensor &x, const HostTensor &w,
                     const HostTensor *bias, HostTensor &y, const ConvParams &p,
                     ThreadPool *pool, const PackedConvWeights *packed) {
  return runConv(x, w, bias, y, p, pool, packed, true);
}

const PackedLhs &groupWeights(const PackedConvWeights *packed, int64_t g,
                              PackedLhs &local, const float *w, int64_t lda,
                              bool trans, int64_t m, int64_t k) {
  if (packed && packed->level() == activeSimdLevel())
    return packed->group(g);
  local = PackedLhs(w, lda, trans, m, k);
  return local;
}

std::shared_ptr<const PackedConvWeights>
PackedConvWeights::create(const HostTensor &w, int64_t group, bool transposed) {
  if (w.dtype() != DType::F32 || w.rank() < 3 || group < 1 ||
      w.dim(0) % group != 0)
    return nullptr;
  auto packed = std::make_shared<PackedConvWeights>();
  packed->shape_ = w.shape();
  packed->transposed_ = transposed;
  packed->level_ = activeSimdLevel();
  int64_t kvol = 1;
  for (int64_t i = 2; i < w.rank(); ++i)
    kvol *= w.dim(i);
  const float *wd = w.data<float>();
  if (!transposed) {
    // Group g: rows [g*M/g, (g+1)*M/g) of the M x (C/g * kvol) matrix.
    int64_t mPerG = w.dim(0) / group, k = w.dim(1) * kvol;
    if (w.dim(1) == 1 && group > 1)
      return nullptr; // depthwise: direct kernel, no GEMM
    for (int64_t g = 0; g < group; ++g)
      packed->groups_.emplace_back(wd + g * mPerG * k, k, false, mPerG, k);
  } else {
    // Group g: A = W_g^T, W_g being (C/g) x (M/g * kvol).
    int64_t cPerG = w.dim(0) / group, cols = w.dim(1) * kvol;
    for (int64_t g = 0; g < group; ++g)
      packed->groups_.emplace_back(wd + g * cPerG * cols, cols, true, cols,
                                   cPerG);
  }
  return packed;
}

} // namespace npu::kernels
