//===- Conv.cpp - Convolution entry points and reference loops ------------===//
//
// Validates shapes, picks the path (depthwise, im2col GEMM, reference) and
// holds the reference nested loops used for non-float32 element types and
// by the tests.
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Conv.h"

#include "ConvInternal.h"
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
using AccumulatorOf =
    std::conditional_t<isIntStorage<T>,
                       std::conditional_t<std::is_signed_v<T>, int64_t,
                                          uint64_t>,
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
      int64_t g = m / mPerG;
      std::vector<int64_t> o(n, 0);
      do {
        Acc acc = bias ? static_cast<Acc>(loadElem(bias->data<T>()[m])) : Acc(0);
        for (int64_t c = 0; c < cPerG; ++c) {
          std::vector<int64_t> k(n, 0);
          do {
            int64_t xOff = b * xs[0] + (g * cPerG + c) * xs[1];
            bool inside = true;
            for (size_t i = 0; i < n && inside; ++i) {
              int64_t pos =
                  o[i] * p.strides[i] - p.pads[i] + k[i] * p.dilations[i];
              inside = pos >= 0 && pos < x.dim(i + 2);
              xOff += pos * xs[i + 2];
            }
            if (!inside)
              continue;
            int64_t wOff = m * ws[0] + c * ws[1];
            for (size_t i = 0; i < n; ++i)
              wOff += k[i] * ws[i + 2];
            acc += static_cast<Acc>(loadElem(xd[xOff])) *
                   static_cast<Acc>(loadElem(wd[wOff]));
          } while (nextIndex(k, kSp));
        }
        int64_t yOff = b * ys[0] + m * ys[1];
        for (size_t i = 0; i < n; ++i)
          yOff += o[i] * ys[i + 2];
        yd[yOff] = storeAcc<T>(acc, p.activation);
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
      int64_t g = c / cPerG;
      std::vector<int64_t> i(n, 0);
      do {
        int64_t xOff = b * xs[0] + c * xs[1];
        for (size_t d = 0; d < n; ++d)
          xOff += i[d] * xs[d + 2];
        Acc xv = static_cast<Acc>(loadElem(xd[xOff]));
        for (int64_t mm = 0; mm < mPerG; ++mm) {
          std::vector<int64_t> k(n, 0);
          do {
            int64_t yOff = b * ys[0] + (g * mPerG + mm) * ys[1];
            bool inside = true;
            for (size_t d = 0; d < n && inside; ++d) {
              int64_t pos =
                  i[d] * p.strides[d] - p.pads[d] + k[d] * p.dilations[d];
              inside = pos >= 0 && pos < y.dim(d + 2);
              yOff += pos * ys[d + 2];
            }
            if (!inside)
              continue;
            int64_t wOff = c * ws[0] + mm * ws[1];
            for (size_t d = 0; d < n; ++d)
              wOff += k[d] * ws[d + 2];
            acc[yOff] += xv * static_cast<Acc>(loadElem(wd[wOff]));
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

Status convReference(const HostTensor &x, const HostTensor &w,
                     const HostTensor *bias, HostTensor &y,
                     const ConvParams &p) {
  NPU_RETURN_IF_ERROR(validate(x, w, bias, y, p, false));
  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, bool>)
      convReferenceImpl<T>(x, w, bias, y, p);
  });
  return Status::success();
}

Status convTransposeReference(const HostTensor &x, const HostTensor &w,
                              const HostTensor *bias, HostTensor &y,
                              const ConvParams &p) {
  NPU_RETURN_IF_ERROR(validate(x, w, bias, y, p, true));
  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, bool>)
      convTransposeReferenceImpl<T>(x, w, bias, y, p);
  });
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

/// Runs `fn` on float32 copies of f16/bf16 operands and rounds the result
/// back; other types go straight to `fn`.
template <typename Fn>
static Status withFloat32(const HostTensor &x, const HostTensor &w,
                          const HostTensor *bias, HostTensor &y, Fn &&fn) {
  if (x.dtype() != DType::F16 && x.dtype() != DType::BF16)
    return fn(x, w, bias, y);
  HostTensor xf = x.castTo(DType::F32), wf = w.castTo(DType::F32);
  HostTensor bf = bias ? bias->castTo(DType::F32) : HostTensor();
  HostTensor yf(DType::F32, y.shape());
  NPU_RETURN_IF_ERROR(fn(xf, wf, bias ? &bf : nullptr, yf));
  y = yf.castTo(y.dtype());
  return Status::success();
}

Status conv(const HostTensor &x, const HostTensor &w, const HostTensor *bias,
            HostTensor &y, const ConvParams &p, ThreadPool *pool,
            const PackedConvWeights *packed) {
  NPU_RETURN_IF_ERROR(validate(x, w, bias, y, p, false));
  return withFloat32(x, w, bias, y, [&](const HostTensor &xf,
                                        const HostTensor &wf,
                                        const HostTensor *bf, HostTensor &yf) {
    ConvGeometry g;
    if (xf.dtype() != DType::F32 ||
        !makeConvGeometry(xf.shape(), wf.shape(), yf.shape(), p, false, g))
      return convReference(xf, wf, bf, yf, p);
    if (packed && (packed->transposed() || packed->weightShape() != wf.shape() ||
                   packed->numGroups() != p.group))
      return Status::error("packed weights do not match the weight tensor");
    const float *bd = bf ? bf->data<float>() : nullptr;
    if (yf.numElements() == 0)
      return Status::success();
    if (isDepthwise2D(g))
      depthwiseConvF32(g, xf.data<float>(), wf.data<float>(), bd,
                       yf.data<float>(), p.activation, pool);
    else
      convIm2ColF32(g, xf.data<float>(), wf.data<float>(), bd,
                    yf.data<float>(), p.activation, pool, packed);
    return Status::success();
  });
}

Status convTranspose(const HostTensor &x, const HostTensor &w,
                     const HostTensor *bias, HostTensor &y,
                     const ConvParams &p, ThreadPool *pool,
                     const PackedConvWeights *packed) {
  NPU_RETURN_IF_ERROR(validate(x, w, bias, y, p, true));
  return withFloat32(x, w, bias, y, [&](const HostTensor &xf,
                                        const HostTensor &wf,
                                        const HostTensor *bf, HostTensor &yf) {
    ConvGeometry g;
    if (xf.dtype() != DType::F32 ||
        !makeConvGeometry(xf.shape(), wf.shape(), yf.shape(), p, true, g))
      return convTransposeReference(xf, wf, bf, yf, p);
    if (packed && (!packed->transposed() ||
                   packed->weightShape() != wf.shape() ||
                   packed->numGroups() != p.group))
      return Status::error("packed weights do not match the weight tensor");
    if (yf.numElements() == 0)
      return Status::success();
    convTransposeF32(g, xf.data<float>(), wf.data<float>(),
                     bf ? bf->data<float>() : nullptr, yf.data<float>(),
                     p.activation, pool, packed);
    return Status::success();
  });
}

std::shared_ptr<const PackedConvWeights>
PackedConvWeights::create(const HostTensor &w, int64_t group,
                          bool transposed) {
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
