//===- Normalization.cpp - Normalisation and softmax kernels --------------===//
//
// Everything is written over the compute type of the float element types;
// statistics and softmax denominators accumulate in double. Softmax
// subtracts the maximum first, so large logits do not overflow.
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Normalization.h"

#include "KernelSupport.h"
#include "npu/Kernels/ElementTypes.h"

#include <cmath>
#include <limits>
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
    using C = ComputeType<T>;
    std::vector<C> a(c), b(c);
    for (int64_t i = 0; i < c; ++i) {
      double s = at<T>(scale, i) / std::sqrt(at<T>(var, i) + epsilon);
      a[i] = static_cast<C>(s);
      b[i] = static_cast<C>(at<T>(bias, i) - at<T>(mean, i) * s);
    }
    const T *src = x.data<T>();
    T *dst = y.data<T>();
    parallelFor(pool, n * c, [&](int64_t t) {
      const int64_t ch = t % c;
      const T *p = src + t * plane;
      T *q = dst + t * plane;
      for (int64_t i = 0; i < plane; ++i)
        q[i] = storeElem<T>(loadElem(p[i]) * a[ch] + b[ch]);
    });
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
    using C = ComputeType<T>;
    const T *src = x.data<T>();
    T *dst = y.data<T>();
    parallelFor(pool, n * c, [&](int64_t t) {
      const int64_t ch = t % c;
      const T *p = src + t * plane;
      T *q = dst + t * plane;
      double sum = 0, sq = 0;
      for (int64_t i = 0; i < plane; ++i)
        sum += static_cast<double>(loadElem(p[i]));
      double mu = sum / static_cast<double>(plane);
      for (int64_t i = 0; i < plane; ++i) {
        double d = static_cast<double>(loadElem(p[i])) - mu;
        sq += d * d;
      }
      double inv = 1.0 / std::sqrt(sq / static_cast<double>(plane) + epsilon);
      double s = at<T>(scale, ch) * inv, b = at<T>(bias, ch) - mu * s;
      for (int64_t i = 0; i < plane; ++i)
        q[i] = storeElem<T>(static_cast<C>(loadElem(p[i]) * s + b));
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
      double sum = 0, sq = 0;
      for (int64_t i = 0; i < inner; ++i)
        sum += static_cast<double>(loadElem(p[i]));
      double mu = sum / static_cast<double>(inner);
      for (int64_t i = 0; i < inner; ++i) {
        double d = static_cast<double>(loadElem(p[i])) - mu;
        sq += d * d;
      }
      double inv = 1.0 / std::sqrt(sq / static_cast<double>(inner) + epsilon);
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
            double v = static_cast<double>(loadElem(src[(b * c + k) * plane + i]));
            sq += v * v;
          }
          double v = static_cast<double>(loadElem(src[(b * c + ch) * plane + i]));
          dst[(b * c + ch) * plane + i] = storeElem<T>(static_cast<C>(
              v / std::pow(bias + alpha / static_cast<double>(size) * sq, beta)));
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
