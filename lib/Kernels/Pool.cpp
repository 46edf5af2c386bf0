//===- Pool.cpp - Max, average and global pooling -------------------------===//
//
// Spatial dimensions are normalised to three (leading 1s); each (image,
// channel) plane is a parallel task that clips every window to the input
// once per output row, so the inner loops carry no bounds checks.
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Pool.h"

#include "KernelSupport.h"
#include "npu/Kernels/ElementTypes.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

namespace npu::kernels {

Status poolOutputShape(const std::vector<int64_t> &x, const PoolParams &p,
                       std::vector<int64_t> &out) {
  if (x.size() < 3)
    return Status::error("pooling needs rank >= 3");
  size_t n = x.size() - 2;
  if (p.kernel.size() != n || p.strides.size() != n ||
      p.dilations.size() != n || p.pads.size() != 2 * n)
    return Status::error("kernel_shape, strides and dilations need " +
                         std::to_string(n) + " entries and pads " +
                         std::to_string(2 * n));
  out = {x[0], x[1]};
  for (size_t i = 0; i < n; ++i) {
    if (p.kernel[i] < 1 || p.strides[i] < 1 || p.dilations[i] < 1)
      return Status::error("kernel, strides and dilations must be positive");
    int64_t eff = (p.kernel[i] - 1) * p.dilations[i] + 1;
    int64_t span = x[i + 2] + p.pads[i] + p.pads[n + i] - eff;
    if (span < 0)
      return Status::error("pooling window larger than the padded input");
    int64_t o = (p.ceilMode ? (span + p.strides[i] - 1) / p.strides[i]
                            : span / p.strides[i]) +
                1;
    if (p.ceilMode && (o - 1) * p.strides[i] >= x[i + 2] + p.pads[i])
      --o;
    out.push_back(o);
  }
  return Status::success();
}

namespace {

struct PoolGeometry {
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1};
  int64_t k[3] = {1, 1, 1}, s[3] = {1, 1, 1}, d[3] = {1, 1, 1};
  int64_t padB[3] = {0, 0, 0}, padE[3] = {0, 0, 0};
};

PoolGeometry geometry(const HostTensor &x, const HostTensor &y,
                      const PoolParams &p) {
  PoolGeometry g;
  size_t n = x.rank() - 2, off = 3 - n;
  for (size_t i = 0; i < n; ++i) {
    g.in[off + i] = x.dim(i + 2);
    g.out[off + i] = y.dim(i + 2);
    g.k[off + i] = p.kernel[i];
    g.s[off + i] = p.strides[i];
    g.d[off + i] = p.dilations[i];
    g.padB[off + i] = p.pads[i];
    g.padE[off + i] = p.pads[n + i];
  }
  return g;
}

/// Window taps of output position o along one dimension that fall inside
/// the input: first tap, count; and (for count_include_pad) the taps inside
/// the explicitly padded extent.
struct Taps {
  int64_t first, count, padded;
};
Taps taps(const PoolGeometry &g, int dim, int64_t o) {
  int64_t start = o * g.s[dim] - g.padB[dim];
  Taps t{0, 0, 0};
  bool firstSet = false;
  for (int64_t k = 0; k < g.k[dim]; ++k) {
    int64_t pos = start + k * g.d[dim];
    if (pos >= -g.padB[dim] && pos < g.in[dim] + g.padE[dim])
      ++t.padded;
    if (pos >= 0 && pos < g.in[dim]) {
      if (!firstSet) {
        t.first = k;
        firstSet = true;
      }
      ++t.count;
    }
  }
  return t;
}

/// Where max pooling reports the position of each maximum (optional): the
/// plane's first flat index and the order of the spatial dimensions.
struct IndexSink {
  int64_t *out = nullptr;
  int64_t base = 0;
  bool columnMajor = false;
};

template <typename T>
void poolPlane(bool isMax, bool includePad, const PoolGeometry &g, const T *x,
               T *y, IndexSink sink = {}) {
  using C = ComputeType<T>;
  for (int64_t od = 0; od < g.out[0]; ++od) {
    Taps td = taps(g, 0, od);
    for (int64_t oh = 0; oh < g.out[1]; ++oh) {
      Taps th = taps(g, 1, oh);
      for (int64_t ow = 0; ow < g.out[2]; ++ow) {
        Taps tw = taps(g, 2, ow);
        double sum = 0;
        C best = std::numeric_limits<C>::lowest();
        if constexpr (std::is_floating_point_v<C>)
          best = -std::numeric_limits<C>::infinity();
        bool nan = false;
        int64_t bd = 0, bh = 0, bw = 0; // position of the maximum
        for (int64_t kd = 0; kd < td.count; ++kd) {
          int64_t id = od * g.s[0] - g.padB[0] + (td.first + kd) * g.d[0];
          for (int64_t kh = 0; kh < th.count; ++kh) {
            int64_t ih = oh * g.s[1] - g.padB[1] + (th.first + kh) * g.d[1];
            const T *row = x + (id * g.in[1] + ih) * g.in[2];
            int64_t iw0 = ow * g.s[2] - g.padB[2] + tw.first * g.d[2];
            for (int64_t kw = 0; kw < tw.count; ++kw) {
              C v = loadElem(row[iw0 + kw * g.d[2]]);
              if (isMax) {
                // The first NaN, else the first strict maximum, wins.
                bool isNaN = v != v;
                if ((isNaN && !nan) || (!nan && v > best)) {
                  bd = id;
                  bh = ih;
                  bw = iw0 + kw * g.d[2];
                }
                nan |= isNaN;
                best = v > best ? v : best;
              } else {
                sum += static_cast<double>(v);
              }
            }
          }
        }
        const int64_t o = (od * g.out[1] + oh) * g.out[2] + ow;
        T &dst = y[o];
        if (isMax && sink.out)
          sink.out[o] = sink.base + (sink.columnMajor
                                         ? (bw * g.in[1] + bh) * g.in[0] + bd
                                         : (bd * g.in[1] + bh) * g.in[2] + bw);
        if (isMax) {
          if constexpr (std::is_floating_point_v<C>)
            if (nan)
              best = std::numeric_limits<C>::quiet_NaN();
          dst = storeElem<T>(best);
        } else {
          int64_t count = includePad ? td.padded * th.padded * tw.padded
                                     : td.count * th.count * tw.count;
          double avg = count ? sum / static_cast<double>(count) : 0.0;
          if constexpr (isIntStorage<T>)
            dst = static_cast<T>(avg);
          else
            dst = storeElem<T>(static_cast<C>(avg));
        }
      }
    }
  }
}

Status runPool(bool isMax, const HostTensor &x, const PoolParams &p,
               HostTensor &y, ThreadPool *pool, HostTensor *indices = nullptr,
               bool columnMajor = false) {
  std::vector<int64_t> shape;
  NPU_RETURN_IF_ERROR(poolOutputShape(x.shape(), p, shape));
  NPU_RETURN_IF_ERROR(expectShape(y, shape, "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(x, y, "pooling"));
  if (x.rank() > 5)
    return Status::error("pooling supports up to three spatial dimensions");
  if (x.dtype() == DType::Bool)
    return Status::error("pooling is not defined on booleans");
  if (indices) {
    NPU_RETURN_IF_ERROR(expectShape(*indices, shape, "indices"));
    if (indices->dtype() != DType::I64)
      return Status::error("max pooling indices must be i64");
  }
  PoolGeometry g = geometry(x, y, p);
  const int64_t planes = x.dim(0) * x.dim(1);
  const int64_t inPlane = g.in[0] * g.in[1] * g.in[2];
  const int64_t outPlane = g.out[0] * g.out[1] * g.out[2];
  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, bool>) {
      const T *src = x.data<T>();
      T *dst = y.data<T>();
      parallelFor(pool, planes, [&](int64_t i) {
        IndexSink sink;
        if (indices)
          sink = {indices->data<int64_t>() + i * outPlane, i * inPlane,
                  columnMajor};
        poolPlane<T>(isMax, p.countIncludePad, g, src + i * inPlane,
                     dst + i * outPlane, sink);
      });
    }
  });
  return Status::success();
}

} // namespace

Status maxPool(const HostTensor &x, const PoolParams &p, HostTensor &y,
               ThreadPool *pool) {
  return runPool(true, x, p, y, pool);
}

Status maxPoolWithIndices(const HostTensor &x, const PoolParams &p,
                          bool columnMajor, HostTensor &y, HostTensor &indices,
                          ThreadPool *pool) {
  return runPool(true, x, p, y, pool, &indices, columnMajor);
}

Status avgPool(const HostTensor &x, const PoolParams &p, HostTensor &y,
               ThreadPool *pool) {
  return runPool(false, x, p, y, pool);
}

Status globalPool(bool isMax, const HostTensor &x, HostTensor &y,
                  ThreadPool *pool) {
  if (x.rank() < 3)
    return Status::error("global pooling needs rank >= 3");
  std::vector<int64_t> shape(x.rank(), 1);
  shape[0] = x.dim(0);
  shape[1] = x.dim(1);
  NPU_RETURN_IF_ERROR(expectShape(y, shape, "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(x, y, "global pooling"));
  if (x.dtype() == DType::Bool)
    return Status::error("pooling is not defined on booleans");
  const int64_t planes = x.dim(0) * x.dim(1);
  const int64_t plane = planes ? x.numElements() / planes : 0;
  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, bool>) {
      using C = ComputeType<T>;
      const T *src = x.data<T>();
      T *dst = y.data<T>();
      parallelFor(pool, planes, [&](int64_t i) {
        const T *p = src + i * plane;
        if (isMax) {
          C best = plane ? loadElem(p[0]) : C(0);
          for (int64_t j = 1; j < plane; ++j) {
            C v = loadElem(p[j]);
            if (v != v || v > best)
              best = v;
            if (best != best)
              break;
          }
          dst[i] = storeElem<T>(best);
        } else {
          double sum = 0;
          if constexpr (std::is_same_v<T, float>)
            sum = sumF32(p, plane);
          else
            for (int64_t j = 0; j < plane; ++j)
              sum += static_cast<double>(loadElem(p[j]));
          double avg = plane ? sum / static_cast<double>(plane) : 0.0;
          if constexpr (isIntStorage<T>)
            dst[i] = static_cast<T>(avg);
          else
            dst[i] = storeElem<T>(static_cast<C>(avg));
        }
      });
    }
  });
  return Status::success();
}

} // namespace npu::kernels
