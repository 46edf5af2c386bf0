//===- Broadcast.h - Iteration over NumPy-broadcast operands ----*- C++ -*-===//
//
// A broadcast of up to three operands to an output shape, simplified by
// dropping unit dimensions and merging dimensions that are contiguous for
// every operand, then walked as runs of the innermost dimension: within a
// run each operand either advances by one element or stays put (stride 0).
// Work can be split at any element, so big outputs parallelise even when
// they are a single run. Private to lib/Kernels.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_KERNELS_BROADCAST_H
#define NPU_LIB_KERNELS_BROADCAST_H

#include "npu/Kernels/ThreadPool.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace npu::kernels {

struct BroadcastPlan {
  int numInputs = 0;
  std::vector<int64_t> dims;       // merged output dimensions
  std::vector<int64_t> strides[3]; // per input, 0 where broadcast
  int64_t total = 0;               // output elements
};

/// Plans the broadcast of `inputs` (at most 3 shapes) to `out`; false if
/// some input does not broadcast to `out`.
bool makeBroadcastPlan(const std::vector<const std::vector<int64_t> *> &inputs,
                       const std::vector<int64_t> &out, BroadcastPlan &plan);

/// Calls fn(const int64_t *inOffsets, int64_t outOffset, int64_t len,
/// const int64_t *innerStrides) for each run of output elements in
/// [begin, end).
template <typename Fn>
void forEachRun(const BroadcastPlan &p, int64_t begin, int64_t end, Fn &&fn) {
  const int rank = static_cast<int>(p.dims.size());
  if (begin >= end)
    return;
  if (rank == 0) {
    int64_t zeros[3] = {0, 0, 0};
    fn(zeros, int64_t(0), int64_t(1), zeros);
    return;
  }
  int64_t idx[32];
  int64_t off[3] = {0, 0, 0};
  int64_t rem = begin;
  for (int d = rank - 1; d >= 0; --d) {
    idx[d] = rem % p.dims[d];
    rem /= p.dims[d];
    for (int i = 0; i < p.numInputs; ++i)
      off[i] += idx[d] * p.strides[i][d];
  }
  int64_t inner[3] = {0, 0, 0};
  for (int i = 0; i < p.numInputs; ++i)
    inner[i] = p.strides[i][rank - 1];
  const int64_t innerDim = p.dims[rank - 1];
  int64_t pos = begin;
  while (pos < end) {
    int64_t len = std::min(end - pos, innerDim - idx[rank - 1]);
    fn(static_cast<const int64_t *>(off), pos, len,
       static_cast<const int64_t *>(inner));
    pos += len;
    // Advance the odometer by len elements.
    idx[rank - 1] += len;
    for (int i = 0; i < p.numInputs; ++i)
      off[i] += len * inner[i];
    for (int d = rank - 1; d > 0 && idx[d] == p.dims[d]; --d) {
      for (int i = 0; i < p.numInputs; ++i)
        off[i] += p.strides[i][d - 1] - p.dims[d] * p.strides[i][d];
      idx[d] = 0;
      ++idx[d - 1];
    }
  }
}

/// Runs fn(begin, end) over chunks of the output, in parallel for big ones.
void forEachChunk(ThreadPool *pool, int64_t total,
                  const std::function<void(int64_t, int64_t)> &fn);

} // namespace npu::kernels

#endif // NPU_LIB_KERNELS_BROADCAST_H
