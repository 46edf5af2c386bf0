//===- Reduce.cpp - Reductions, arg max/min, scans and top-k --------------===//
//
// Reductions precompute the offsets of one reduced block and walk the kept
// dimensions with an odometer, so any combination of axes costs one pass.
// Float sums accumulate in double; integer sums wrap in 64-bit unsigned
// arithmetic and are truncated to the element type.
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Reduce.h"

#include "KernelSupport.h"
#include "ReduceInternal.h"
#include "npu/Kernels/ElementTypes.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <type_traits>

namespace npu::kernels {

namespace {

const char *reduceName(ReduceOp op) {
  static const char *const names[] = {
      "sum", "mean", "max",        "min",     "prod",
      "l1",  "l2",   "sum_square", "log_sum", "log_sum_exp"};
  return names[static_cast<int>(op)];
}

template <typename T>
T reduceBlock(ReduceOp op, const T *base, const std::vector<int64_t> &offs) {
  const int64_t n = static_cast<int64_t>(offs.size());
  if constexpr (std::is_same_v<T, bool>) {
    bool r = op == ReduceOp::Min;
    for (int64_t i = 0; i < n; ++i)
      r = op == ReduceOp::Min ? (r && base[offs[i]]) : (r || base[offs[i]]);
    return r;
  } else if constexpr (isFloatStorage<T>) {
    using C = ComputeType<T>;
    auto at = [&](int64_t i) {
      return static_cast<double>(loadElem(base[offs[i]]));
    };
    double r = 0;
    switch (op) {
    case ReduceOp::Max:
    case ReduceOp::Min: {
      bool isMax = op == ReduceOp::Max;
      r = isMax ? -std::numeric_limits<double>::infinity()
                : std::numeric_limits<double>::infinity();
      for (int64_t i = 0; i < n; ++i) {
        double v = at(i);
        if (v != v) {
          r = v;
          break;
        }
        r = isMax ? std::max(r, v) : std::min(r, v);
      }
      break;
    }
    case ReduceOp::Sum:
    case ReduceOp::Mean:
    case ReduceOp::LogSum:
      for (int64_t i = 0; i < n; ++i)
        r += at(i);
      if (op == ReduceOp::Mean)
        r /= static_cast<double>(n);
      if (op == ReduceOp::LogSum)
        r = std::log(r);
      break;
    case ReduceOp::Prod:
      r = 1;
      for (int64_t i = 0; i < n; ++i)
        r *= at(i);
      break;
    case ReduceOp::L1:
      for (int64_t i = 0; i < n; ++i)
        r += std::fabs(at(i));
      break;
    case ReduceOp::L2:
    case ReduceOp::SumSquare:
      for (int64_t i = 0; i < n; ++i)
        r += at(i) * at(i);
      if (op == ReduceOp::L2)
        r = std::sqrt(r);
      break;
    case ReduceOp::LogSumExp: {
      double m = -std::numeric_limits<double>::infinity();
      for (int64_t i = 0; i < n; ++i) {
        double v = at(i);
        if (v != v) { // NaN propagates (std::max would drop it).
          m = v;
          break;
        }
        m = std::max(m, v);
      }
      if (std::isinf(m) || m != m) {
        r = m;
        break;
      }
      for (int64_t i = 0; i < n; ++i)
        r += std::exp(at(i) - m);
      r = m + std::log(r);
      break;
    }
    }
    return storeElem<T>(static_cast<C>(r));
  } else {
    using U = uint64_t;
    auto at = [&](int64_t i) { return base[offs[i]]; };
    switch (op) {
    case ReduceOp::Max: {
      T r = std::numeric_limits<T>::lowest();
      for (int64_t i = 0; i < n; ++i)
        r = std::max(r, at(i));
      return r;
    }
    case ReduceOp::Min: {
      T r = std::numeric_limits<T>::max();
      for (int64_t i = 0; i < n; ++i)
        r = std::min(r, at(i));
      return r;
    }
    case ReduceOp::Sum: {
      U r = 0;
      for (int64_t i = 0; i < n; ++i)
        r += static_cast<U>(at(i));
      return static_cast<T>(r);
    }
    case ReduceOp::Mean: {
      if (n == 0)
        return 0;
      using S = std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>;
      U r = 0;
      for (int64_t i = 0; i < n; ++i)
        r += static_cast<U>(at(i));
      return static_cast<T>(static_cast<S>(r) / static_cast<S>(n));
    }
    case ReduceOp::Prod: {
      U r = 1;
      for (int64_t i = 0; i < n; ++i)
        r *= static_cast<U>(at(i));
      return static_cast<T>(r);
    }
    case ReduceOp::L1: {
      U r = 0;
      for (int64_t i = 0; i < n; ++i) {
        T v = at(i);
        r += v < 0 ? U(0) - static_cast<U>(v) : static_cast<U>(v);
      }
      return static_cast<T>(r);
    }
    case ReduceOp::SumSquare: {
      U r = 0;
      for (int64_t i = 0; i < n; ++i)
        r += static_cast<U>(at(i)) * static_cast<U>(at(i));
      return static_cast<T>(r);
    }
    default: { // L2, LogSum, LogSumExp through double
      double r = 0;
      if (op == ReduceOp::LogSumExp) {
        double m = -std::numeric_limits<double>::infinity();
        for (int64_t i = 0; i < n; ++i)
          m = std::max(m, static_cast<double>(at(i)));
        for (int64_t i = 0; i < n; ++i)
          r += std::exp(static_cast<double>(at(i)) - m);
        r = m + std::log(r);
      } else {
        for (int64_t i = 0; i < n; ++i) {
          double v = static_cast<double>(at(i));
          r += op == ReduceOp::L2 ? v * v : v;
        }
        r = op == ReduceOp::L2 ? std::sqrt(r) : std::log(r);
      }
      return static_cast<T>(r);
    }
    }
  }
}

} // namespace

Status reduce(ReduceOp op, const HostTensor &in,
              const std::vector<int64_t> &axes, bool keepdims, HostTensor &out,
              ThreadPool *pool) {
  const int64_t rank = in.rank();
  std::vector<bool> reduced(rank, false);
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] < 0 || axes[i] >= rank || reduced[axes[i]])
      return Status::error("reduction axes must be distinct and in range");
    reduced[axes[i]] = true;
  }
  std::vector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    if (!reduced[d])
      shape.push_back(in.dim(d));
    else if (keepdims)
      shape.push_back(1);
  NPU_RETURN_IF_ERROR(expectShape(out, shape, "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(in, out, "reduction"));
  if (in.dtype() == DType::Bool && op != ReduceOp::Max && op != ReduceOp::Min)
    return Status::error(std::string("reduce_") + reduceName(op) +
                         " is not defined on booleans");
  if (reduceMinMaxTrailing(op, in, reduced, out, pool))
    return Status::success();
  const ReducedBlocks blocks(in.shape(), reduced);
  const auto &redOffs = blocks.offsets;
  dispatchDType(in.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *src = in.data<T>();
    T *dst = out.data<T>();
    parallelForRange(
        pool, blocks.numBlocks(),
        std::max<int64_t>(1, (int64_t(1) << 14) /
                                 std::max<int64_t>(1, redOffs.size())),
        [&](int64_t b, int64_t e) {
          for (int64_t o = b; o < e; ++o)
            dst[o] = reduceBlock<T>(op, src + blocks.base(o), redOffs);
        });
  });
  return Status::success();
}

namespace {
/// a > b for sorting, NaN above everything.
template <typename C> bool greaterNaN(C a, C b) {
  if constexpr (std::is_floating_point_v<C>) {
    if (a != a)
      return b == b;
    if (b != b)
      return false;
  }
  return a > b;
}
void outerInner(const HostTensor &in, int64_t axis, int64_t &outer,
                int64_t &inner) {
  outer = 1;
  inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= in.dim(d);
  for (int64_t d = axis + 1; d < in.rank(); ++d)
    inner *= in.dim(d);
}
} // namespace

Status argReduce(bool isMax, const HostTensor &in, int64_t axis, bool keepdims,
                 bool selectLastIndex, HostTensor &out) {
  if (axis < 0 || axis >= in.rank())
    return Status::error("axis out of range");
  std::vector<int64_t> shape = in.shape();
  if (keepdims)
    shape[axis] = 1;
  else
    shape.erase(shape.begin() + axis);
  NPU_RETURN_IF_ERROR(expectShape(out, shape, "output"));
  NPU_RETURN_IF_ERROR(expectDType(out, DType::I64, "output"));
  if (in.dim(axis) == 0)
    return Status::error("arg max/min over an empty dimension");
  int64_t outer, inner;
  outerInner(in, axis, outer, inner);
  const int64_t n = in.dim(axis);
  dispatchDType(in.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *src = in.data<T>();
    int64_t *dst = out.data<int64_t>();
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        const T *p = src + o * n * inner + i;
        auto best = loadElem(p[0]);
        int64_t bestIdx = 0;
        for (int64_t j = 1; j < n; ++j) {
          auto v = loadElem(p[j * inner]);
          bool better = isMax ? (selectLastIndex ? !greaterNaN(best, v)
                                                 : greaterNaN(v, best))
                              : (selectLastIndex ? !greaterNaN(v, best)
                                                 : greaterNaN(best, v));
          if (better) {
            best = v;
            bestIdx = j;
          }
        }
        dst[o * inner + i] = bestIdx;
      }
  });
  return Status::success();
}

Status cumSum(const HostTensor &in, int64_t axis, bool exclusive, bool reverse,
              HostTensor &out) {
  if (axis < 0 || axis >= in.rank())
    return Status::error("axis out of range");
  NPU_RETURN_IF_ERROR(expectShape(out, in.shape(), "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(in, out, "cumsum"));
  if (in.dtype() == DType::Bool)
    return Status::error("cumsum is not defined on booleans");
  int64_t outer, inner;
  outerInner(in, axis, outer, inner);
  const int64_t n = in.dim(axis);
  dispatchDType(in.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, bool>) {
      using C = std::conditional_t<isIntStorage<T>, uint64_t, ComputeType<T>>;
      const T *src = in.data<T>();
      T *dst = out.data<T>();
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < inner; ++i) {
          C acc = 0;
          for (int64_t s = 0; s < n; ++s) {
            int64_t j = reverse ? n - 1 - s : s;
            int64_t e = (o * n + j) * inner + i;
            C v = static_cast<C>(loadElem(src[e]));
            if (!exclusive)
              acc += v;
            if constexpr (isIntStorage<T>)
              dst[e] = static_cast<T>(acc);
            else
              dst[e] = storeElem<T>(static_cast<ComputeType<T>>(acc));
            if (exclusive)
              acc += v;
          }
        }
    }
  });
  return Status::success();
}

Status topK(const HostTensor &in, int64_t axis, int64_t k, bool largest,
            HostTensor &values, HostTensor &indices) {
  if (axis < 0 || axis >= in.rank())
    return Status::error("axis out of range");
  if (k < 0 || k > in.dim(axis))
    return Status::error("k = " + std::to_string(k) + " exceeds dimension " +
                         std::to_string(in.dim(axis)));
  std::vector<int64_t> shape = in.shape();
  shape[axis] = k;
  NPU_RETURN_IF_ERROR(expectShape(values, shape, "values"));
  NPU_RETURN_IF_ERROR(expectShape(indices, shape, "indices"));
  NPU_RETURN_IF_ERROR(expectSameDType(in, values, "topk"));
  NPU_RETURN_IF_ERROR(expectDType(indices, DType::I64, "indices"));
  int64_t outer, inner;
  outerInner(in, axis, outer, inner);
  const int64_t n = in.dim(axis);
  dispatchDType(in.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *src = in.data<T>();
    T *vals = values.data<T>();
    int64_t *idxs = indices.data<int64_t>();
    std::vector<int64_t> order(n);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        const T *p = src + o * n * inner + i;
        std::iota(order.begin(), order.end(), 0);
        auto before = [&](int64_t a, int64_t b) {
          auto va = loadElem(p[a * inner]), vb = loadElem(p[b * inner]);
          bool ab = largest ? greaterNaN(va, vb) : greaterNaN(vb, va);
          bool ba = largest ? greaterNaN(vb, va) : greaterNaN(va, vb);
          return ab || (!ba && a < b);
        };
        std::partial_sort(order.begin(), order.begin() + k, order.end(),
                          before);
        for (int64_t j = 0; j < k; ++j) {
          int64_t e = (o * k + j) * inner + i;
          vals[e] = p[order[j] * inner];
          idxs[e] = order[j];
        }
      }
  });
  return Status::success();
}

} // namespace npu::kernels
