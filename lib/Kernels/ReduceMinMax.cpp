//===- ReduceMinMax.cpp - Min / max over consecutive elements -------------===//
//
// ReduceMin / ReduceMax whose reduced axes are the trailing ones (after
// dropping dimensions of size 1), so that every output reduces a run of
// consecutive elements: DynamicQuantizeLinear's min and max over a whole
// tensor. The general path would build a table with one offset per element
// of a block (for a whole tensor, as large as the tensor itself, in fresh
// pages every call) and reduce a single block on one thread; this one reads
// the run directly and splits a long run over the threads. Chunk results
// are combined in order, keeping the earliest of equal values and the first
// NaN, so the result is the one the sequential loop gives, bit for bit.
//
//===----------------------------------------------------------------------===//

#include "ReduceInternal.h"

#include "KernelSupport.h"
#include "npu/Kernels/ElementTypes.h"

#include <algorithm>
#include <limits>
#include <type_traits>

namespace npu::kernels {

namespace {

/// The running min / max of a run, in the element type's compute domain
/// (as the general path: double for floats, the type itself for integers).
template <typename T> struct MinMax {
  using Acc = std::conditional_t<isFloatStorage<T>, double, T>;
  bool isMax;
  Acc r;
  bool nan = false;

  explicit MinMax(bool max) : isMax(max), r(identity(max)) {}
  static Acc identity(bool max) {
    if constexpr (std::is_same_v<T, bool>)
      return !max;
    else if constexpr (isFloatStorage<T>)
      return max ? -std::numeric_limits<double>::infinity()
                 : std::numeric_limits<double>::infinity();
    else
      return max ? std::numeric_limits<T>::lowest()
                 : std::numeric_limits<T>::max();
  }
  /// Takes v unless a NaN came first; ties keep the earlier value.
  void add(Acc v) {
    if (nan)
      return;
    if constexpr (isFloatStorage<T>) {
      if (v != v) {
        r = v;
        nan = true;
        return;
      }
    }
    if constexpr (std::is_same_v<T, bool>)
      r = isMax ? (r || v) : (r && v);
    else
      r = isMax ? std::max(r, v) : std::min(r, v);
  }
  void addRun(const T *p, int64_t n) {
    for (int64_t i = 0; i < n && !nan; ++i) {
      if constexpr (isFloatStorage<T>)
        add(static_cast<double>(loadElem(p[i])));
      else
        add(p[i]);
    }
  }
  T result() const {
    if constexpr (isFloatStorage<T>)
      return storeElem<T>(static_cast<ComputeType<T>>(r));
    else
      return r;
  }
};

/// Length of the run each output reduces, or 0 if the reduced axes are not
/// trailing.
int64_t trailingRun(const HostTensor &in, const std::vector<bool> &reduced) {
  int64_t run = 1;
  bool inRun = true;
  for (int64_t d = in.rank(); d-- > 0;) {
    if (in.dim(d) == 1)
      continue;
    if (reduced[d] && !inRun)
      return 0;
    if (reduced[d])
      run *= in.dim(d);
    else
      inRun = false;
  }
  return run;
}

} // namespace

bool reduceMinMaxTrailing(ReduceOp op, const HostTensor &in,
                          const std::vector<bool> &reduced, HostTensor &out,
                          ThreadPool *pool) {
  if (op != ReduceOp::Min && op != ReduceOp::Max)
    return false;
  const int64_t run = trailingRun(in, reduced);
  const int64_t numOut = out.numElements();
  if (run <= 0 || numOut <= 0 || numOut * run != in.numElements())
    return false;
  const bool isMax = op == ReduceOp::Max;
  dispatchDType(in.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *src = in.data<T>();
    T *dst = out.data<T>();
    // Long runs split into one chunk per thread, of at least kChunk.
    constexpr int64_t kChunk = int64_t(1) << 16;
    const int64_t chunks =
        std::min<int64_t>(poolThreads(pool), (run + kChunk - 1) / kChunk);
    const int64_t perChunk = (run + chunks - 1) / chunks;
    if (numOut >= poolThreads(pool) || chunks == 1) {
      parallelForRange(pool, numOut, std::max<int64_t>(1, kChunk / run),
                       [&](int64_t b, int64_t e) {
                         for (int64_t o = b; o < e; ++o) {
                           MinMax<T> m(isMax);
                           m.addRun(src + o * run, run);
                           dst[o] = m.result();
                         }
                       });
      return;
    }
    // Few long runs: chunks of each run in parallel, combined in order.
    std::vector<MinMax<T>> part(static_cast<size_t>(chunks), MinMax<T>(isMax));
    for (int64_t o = 0; o < numOut; ++o) {
      const T *p = src + o * run;
      parallelFor(pool, chunks, [&](int64_t c) {
        const int64_t begin = std::min(run, c * perChunk);
        MinMax<T> m(isMax);
        m.addRun(p + begin, std::min(run, begin + perChunk) - begin);
        part[c] = m;
      });
      MinMax<T> m(isMax);
      for (const MinMax<T> &pc : part)
        m.add(pc.r);
      dst[o] = m.result();
    }
  });
  return true;
}

} // namespace npu::kernels
