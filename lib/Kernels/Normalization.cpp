//===- Normalization.cpp - Normalisation and softmax kernels --------------===//
//
// Everything is written over the compute type of the float element types;
// statistics and softmax denominators accumulate in double. Variances are
// two-pass (the mean, then the squared deviations from it: never
// E[x^2] - E[x]^2, which cancels catastrophically when the mean is large),
// and normalised values are (x - mean) * a + b in double, rounded once.
// Softmax subtracts the maximum first, so large logits do not overflow.
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Normalization.h"

#include "KernelSupport.h"
#include "npu/Kernels/ElementTypes.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

namespace npu::kernels {

namespace {

/// Calls f(T{}) for float dtypes, or returns an error naming `what`.
template <typename F> Status dispatchFloat(DType t, const char *what, F &&f) {
  if (!isFloat(t))
    return Status::error(std::string(what) + " needs a float tensor, got " +
                         dtypeName(t));
  dispatchDType(t, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (isFloatStorage<T>)
      f(tag);
  });
  return Status::success();
}

/// Mean and 1 / sqrt(variance + epsilon) of n elements.
template <typename T>
std::pair<double, double> statistics(const T *p, int64_t n, double epsilon) {
  double sum = 0, sq = 0;
  if constexpr (std::is_same_v<T, float>) {
    sum = sumF32(p, n);
  } else {
    for (int64_t i = 0; i < n; ++i)
      sum += static_cast<double>(loadElem(p[i]));
  }
  double mu = sum / static_cast<double>(n);
  if constexpr (std::is_same_v<T, float>) {
    sq = sumSquaredDeviationsF32(p, n, mu);
  } else {
    for (int64_t i = 0; i < n; ++i) {
      double d = static_cast<double>(loadElem(p[i])) - mu;
      sq += d * d;
    }
  }
  return {mu, 1.0 / std::sqrt(sq / static_cast<double>(n) + epsilon)};
}

/// The normalisation y = (x - center) * a + b of one plane, computed in
/// double and rounded once: x - center is formed before scaling, so a large
/// common offset (center ~ x) cancels exactly instead of being scaled and
/// rounded into a large product first.
struct Affine {
  double center, a, b;
};

/// Applies per-plane normalisations to `planes` planes of `plane` elements,
/// with the Affine of each from coefficients(plane index, plane data).
template <typename T, typename Coefficients>
void affinePlanes(const HostTensor &x, HostTensor &y, int64_t planes,
                  int64_t plane, ThreadPool *pool, Coefficients coefficients) {
  using C = ComputeType<T>;
  const T *src = x.data<T>();
  T *dst = y.data<T>();
  parallelFor(pool, planes, [&](int64_t t) {
    const T *p = src + t * plane;
    T *q = dst + t * plane;
    const Affine f = coefficients(t, p);
    for (int64_t i = 0; i < plane; ++i)
      q[i] = storeElem<T>(static_cast<C>(
          (static_cast<double>(loadElem(p[i])) - f.center) * f.a + f.b));
  });
}

/// Element i of a float tensor as double.
template <typename T> double at(const HostTensor &t, int64_t i) {
  return static_cast<double>(loadElem(t.data<T>()[i]));
}

} // namespace

Status batchNorm(const HostTensor &x, const HostTensor &scale,
                 const HostTensor &bias, const HostTensor &mean,
                 const HostTensor &var, double epsilon, HostTensor &y,
                 ThreadPool *pool) {
  if (x.rank() < 2)
    return Status::error("batch_norm needs rank >= 2");
  const int64_t c = x.dim(1);
  for (const HostTensor *p : {&scale, &bias, &mean, &var}) {
    NPU_RETURN_IF_ERROR(expectShape(*p, {c}, "batch_norm parameter"));
    NPU_RETURN_IF_ERROR(expectSameDType(x, *p, "batch_norm"));
  }
  NPU_RETURN_IF_ERROR(expectShape(y, x.shape(), "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(x, y, "batch_norm"));
  const int64_t n = x.dim(0), plane = c && n ? x.numElements() / (n * c) : 0;
  return dispatchFloat(x.dtype(), "batch_norm", [&](auto tag) {
    using T = decltype(tag);
    std::vector<Affine> f(c);
    for (int64_t i = 0; i < c; ++i)
      f[i] = {at<T>(mean, i),
              at<T>(scale, i) / std::sqrt(at<T>(var, i) + epsilon),
              at<T>(bias, i)};
    affinePlanes<T>(x, y, n * c, plane, pool,
                    [&](int64_t t, const T *) { return f[t % c]; });
  });
}

Status instanceNorm(const HostTensor &x, const HostTensor &scale,
                    const HostTensor &bias, double epsilon, HostTensor &y,
                    ThreadPool *pool) {
  if (x.rank() < 3)
    return Status::error("instance_norm needs rank >= 3");
  const int64_t c = x.dim(1);
  NPU_RETURN_IF_ERROR(expectShape(scale, {c}, "scale"));
  NPU_RETURN_IF_ERROR(expectShape(bias, {c}, "bias"));
  NPU_RETURN_IF_ERROR(expectShape(y, x.shape(), "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(x, y, "instance_norm"));
  NPU_RETURN_IF_ERROR(expectSameDType(x, scale, "instance_norm"));
  NPU_RETURN_IF_ERROR(expectSameDType(x, bias, "instance_norm"));
  const int64_t n = x.dim(0), plane = c && n ? x.numElements() / (n * c) : 0;
  return dispatchFloat(x.dtype(), "instance_norm", [&](auto tag) {
    using T = decltype(tag);
    affinePlanes<T>(x, y, n * c, plane, pool, [&](int64_t t, const T *p) {
      auto [mu, inv] = statistics(p, plane, epsilon);
      return Affine{mu, at<T>(scale, t % c) * inv, at<T>(bias, t % c)};
    });
  });
}

Status layerNorm(const HostTensor &x, const HostTensor &scale,
                 const HostTensor *bias, int64_t axis, double epsilon,
                 HostTensor &y, HostTensor *mean, HostTensor *invStdDev,
                 ThreadPool *pool) {
  const int64_t rank = x.rank();
  if (axis < 0 || axis >= rank)
    return Status::error("layer_norm axis out of range");
  NPU_RETURN_IF_ERROR(expectShape(y, x.shape(), "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(x, y, "layer_norm"));
  int64_t outer = 1, inner = 1;
  std::vector<int64_t> normShape(x.shape().begin() + axis, x.shape().end());
  std::vector<int64_t> statShape = x.shape();
  for (int64_t d = 0; d < rank; ++d) {
    if (d < axis)
      outer *= x.dim(d);
    else {
      inner *= x.dim(d);
      statShape[d] = 1;
    }
  }
  for (HostTensor *s : {mean, invStdDev})
    if (s)
      NPU_RETURN_IF_ERROR(expectShape(*s, statShape, "layer_norm statistics"));
  // Scale and bias broadcast to the normalised shape.
  auto expandParam = [&](const HostTensor &p, std::vector<double> &v) {
    const auto &ps = p.shape();
    if (ps.size() > normShape.size())
      return Status::error("layer_norm parameter " + shapeStr(ps) +
                           " does not broadcast to " + shapeStr(normShape));
    size_t off = normShape.size() - ps.size();
    for (size_t d = 0; d < ps.size(); ++d)
      if (ps[d] != 1 && ps[d] != normShape[off + d])
        return Status::error("layer_norm parameter " + shapeStr(ps) +
                             " does not broadcast to " + shapeStr(normShape));
    v.resize(inner);
    auto pstrides = stridesOf(ps);
    for (int64_t i = 0; i < inner; ++i) {
      int64_t rem = i, src = 0;
      for (size_t d = normShape.size(); d-- > 0;) {
        int64_t idx = rem % normShape[d];
        rem /= normShape[d];
        if (d >= off && ps[d - off] != 1)
          src += idx * pstrides[d - off];
      }
      v[i] = p.getAsDouble(src);
    }
    return Status::success();
  };
  std::vector<double> g, b(inner, 0.0);
  NPU_RETURN_IF_ERROR(expandParam(scale, g));
  if (bias)
    NPU_RETURN_IF_ERROR(expandParam(*bias, b));
  return dispatchFloat(x.dtype(), "layer_norm", [&](auto tag) {
    using T = decltype(tag);
    using C = ComputeType<T>;
    const T *src = x.data<T>();
    T *dst = y.data<T>();
    parallelFor(pool, outer, [&](int64_t o) {
      const T *p = src + o * inner;
      T *q = dst + o * inner;
      auto [mu, inv] = statistics(p, inner, epsilon);
      for (int64_t i = 0; i < inner; ++i)
        q[i] = storeElem<T>(static_cast<C>(
            (static_cast<double>(loadElem(p[i])) - mu) * inv * g[i] + b[i]));
      if (mean)
        mean->setFromDouble(o, mu);
      if (invStdDev)
        invStdDev->setFromDouble(o, inv);
    });
  });
}

Status mvn(const HostTensor &x, const std::vector<int64_t> &axes,
           double epsilon, bool epsInsideSqrt, HostTensor &y,
           ThreadPool *pool) {
  const int64_t rank = x.rank();
  std::vector<bool> reduced(rank, false);
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] < 0 || axes[i] >= rank || reduced[axes[i]] ||
        (i && axes[i] < axes[i - 1]))
      return Status::error("mvn axes must be sorted, distinct and in range");
    reduced[axes[i]] = true;
  }
  NPU_RETURN_IF_ERROR(expectShape(y, x.shape(), "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(x, y, "mvn"));
  const ReducedBlocks blocks(x.shape(), reduced);
  const auto &offs = blocks.offsets;
  const int64_t n = static_cast<int64_t>(offs.size());
  return dispatchFloat(x.dtype(), "mvn", [&](auto tag) {
    using T = decltype(tag);
    using C = ComputeType<T>;
    const T *src = x.data<T>();
    T *dst = y.data<T>();
    parallelForRange(
        pool, blocks.numBlocks(),
        std::max<int64_t>(1, (int64_t(1) << 14) / std::max<int64_t>(1, n)),
        [&](int64_t begin, int64_t end) {
          for (int64_t b = begin; b < end; ++b) {
            const T *p = src + blocks.base(b);
            T *q = dst + blocks.base(b);
            auto at = [&](int64_t i) {
              return static_cast<double>(loadElem(p[offs[i]]));
            };
            double sum = 0, sq = 0;
            for (int64_t i = 0; i < n; ++i)
              sum += at(i);
            const double mu = sum / static_cast<double>(n);
            for (int64_t i = 0; i < n; ++i)
              sq += (at(i) - mu) * (at(i) - mu);
            const double var = sq / static_cast<double>(n);
            const double inv = 1.0 / (epsInsideSqrt ? std::sqrt(var + epsilon)
                                                    : std::sqrt(var) + epsilon);
            for (int64_t i = 0; i < n; ++i)
              q[offs[i]] = storeElem<T>(static_cast<C>((at(i) - mu) * inv));
          }
        });
  });
}

Status lrn(const HostTensor &x, int64_t size, double alpha, double beta,
           double bias, HostTensor &y) {
  if (x.rank() < 3 || size < 1)
    return Status::error("lrn needs rank >= 3 and a positive size");
  NPU_RETURN_IF_ERROR(expectShape(y, x.shape(), "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(x, y, "lrn"));
  const int64_t n = x.dim(0), c = x.dim(1);
  const int64_t plane = n && c ? x.numElements() / (n * c) : 0;
  const int64_t before = (size - 1) / 2, after = size - 1 - before;
  return dispatchFloat(x.dtype(), "lrn", [&](auto tag) {
    using T = decltype(tag);
    using C = ComputeType<T>;
    const T *src = x.data<T>();
    T *dst = y.data<T>();
    for (int64_t b = 0; b < n; ++b)
      for (int64_t ch = 0; ch < c; ++ch)
        for (int64_t i = 0; i < plane; ++i) {
          double sq = 0;
          for (int64_t k = std::max<int64_t>(0, ch - before);
               k <= std::min(c - 1, ch + after); ++k) {
            double v =
                static_cast<double>(loadElem(src[(b * c + k) * plane + i]));
            sq += v * v;
          }
          double v =
              static_cast<double>(loadElem(src[(b * c + ch) * plane + i]));
          dst[(b * c + ch) * plane + i] = storeElem<T>(static_cast<C>(
              v /
              std::pow(bias + alpha / static_cast<double>(size) * sq, beta)));
        }
  });
}

Status softmax(SoftmaxKind kind, const HostTensor &x, int64_t axis,
               HostTensor &y, ThreadPool *pool) {
  if (axis < 0 || axis >= x.rank())
    return Status::error("softmax axis out of range");
  NPU_RETURN_IF_ERROR(expectShape(y, x.shape(), "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(x, y, "softmax"));
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= x.dim(d);
  for (int64_t d = axis + 1; d < x.rank(); ++d)
    inner *= x.dim(d);
  const int64_t n = x.dim(axis);
  return dispatchFloat(x.dtype(), "softmax", [&](auto tag) {
    using T = decltype(tag);
    using C = ComputeType<T>;
    const T *src = x.data<T>();
    T *dst = y.data<T>();
    parallelFor(pool, outer, [&](int64_t o) {
      std::vector<C> e(static_cast<size_t>(n));
      for (int64_t i = 0; i < inner; ++i) {
        const T *p = src + o * n * inner + i;
        T *q = dst + o * n * inner + i;
        if (n == 0)
          continue;
        // First maximum (hardmax picks it; softmax subtracts it).
        C m = loadElem(p[0]);
        int64_t argmax = 0;
        for (int64_t j = 1; j < n; ++j) {
          C v = loadElem(p[j * inner]);
          if (v > m) {
            m = v;
            argmax = j;
          }
        }
        if (kind == SoftmaxKind::Hardmax) {
          for (int64_t j = 0; j < n; ++j)
            q[j * inner] = storeElem<T>(C(j == argmax ? 1 : 0));
          continue;
        }
        double sum = 0;
        for (int64_t j = 0; j < n; ++j) {
          e[j] = std::exp(loadElem(p[j * inner]) - m);
          sum += static_cast<double>(e[j]);
        }
        if (kind == SoftmaxKind::Softmax) {
          C inv = static_cast<C>(1.0 / sum);
          for (int64_t j = 0; j < n; ++j)
            q[j * inner] = storeElem<T>(e[j] * inv);
        } else {
          C logSum = static_cast<C>(std::log(sum));
          for (int64_t j = 0; j < n; ++j)
            q[j * inner] = storeElem<T>(loadElem(p[j * inner]) - m - logSum);
        }
      }
    });
  });
}

} // namespace npu::kernels
