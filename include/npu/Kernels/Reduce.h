//===- Reduce.h - Reductions, arg max/min, scans and top-k ------*- C++ -*-===//
//
// ONNX Reduce* over any set of axes (float sums accumulate in double,
// integer sums wrap), ArgMax/ArgMin with select_last_index, CumSum with
// exclusive/reverse, and TopK with ties broken by the lower index.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_REDUCE_H
#define NPU_KERNELS_REDUCE_H

#include "npu/Kernels/Status.h"
#include "npu/Kernels/ThreadPool.h"
#include "npu/Support/HostTensor.h"

#include <vector>

namespace npu::kernels {

enum class ReduceOp { Sum, Mean, Max, Min, Prod, L1, L2, SumSquare, LogSum,
                      LogSumExp };

/// Reduces over sorted, non-negative `axes` (empty: the identity). An empty
/// reduction gives the op's identity (0 for sums, 1 for products, -inf for
/// max / the lowest value for integers, NaN for the mean).
Status reduce(ReduceOp op, const HostTensor &in,
              const std::vector<int64_t> &axes, bool keepdims,
              HostTensor &out, ThreadPool *pool = nullptr);

/// i64 index of the maximum (or minimum) along `axis`.
Status argReduce(bool isMax, const HostTensor &in, int64_t axis, bool keepdims,
                 bool selectLastIndex, HostTensor &out);

Status cumSum(const HostTensor &in, int64_t axis, bool exclusive, bool reverse,
              HostTensor &out);

/// The k largest (or smallest) values along `axis` and their i64 indices,
/// sorted, equal values in index order.
Status topK(const HostTensor &in, int64_t axis, int64_t k, bool largest,
            HostTensor &values, HostTensor &indices);

} // namespace npu::kernels

#endif // NPU_KERNELS_REDUCE_H
