//===- Broadcast.cpp - Iteration over NumPy-broadcast operands ------------===//

#include "Broadcast.h"

#include <algorithm>

namespace npu::kernels {

bool makeBroadcastPlan(const std::vector<const std::vector<int64_t> *> &inputs,
                       const std::vector<int64_t> &out, BroadcastPlan &plan) {
  plan = BroadcastPlan();
  plan.numInputs = static_cast<int>(inputs.size());
  if (plan.numInputs > 3 || out.size() > 32)
    return false;
  const size_t rank = out.size();
  plan.total = 1;
  for (int64_t d : out)
    plan.total *= d;
  // Full-rank strides, 0 for broadcast dimensions.
  std::vector<std::vector<int64_t>> strides(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::vector<int64_t> &s = *inputs[i];
    if (s.size() > rank)
      return false;
    strides[i].assign(rank, 0);
    size_t off = rank - s.size();
    int64_t stride = 1;
    for (size_t d = s.size(); d-- > 0;) {
      if (s[d] == out[off + d])
        strides[i][off + d] = s[d] == 1 ? 0 : stride;
      else if (s[d] != 1)
        return false;
      stride *= s[d];
    }
  }
  // Drop unit output dimensions, then merge contiguous neighbours.
  std::vector<int64_t> dims;
  std::vector<std::vector<int64_t>> merged(inputs.size());
  for (size_t d = 0; d < rank; ++d) {
    if (out[d] == 1)
      continue;
    bool canMerge = !dims.empty();
    for (size_t i = 0; i < inputs.size() && canMerge; ++i)
      canMerge = merged[i].back() == strides[i][d] * out[d];
    if (canMerge) {
      dims.back() *= out[d];
      for (size_t i = 0; i < inputs.size(); ++i)
        merged[i].back() = strides[i][d];
    } else {
      dims.push_back(out[d]);
      for (size_t i = 0; i < inputs.size(); ++i)
        merged[i].push_back(strides[i][d]);
    }
  }
  if (plan.total == 0)
    dims.assign(1, 0), merged.assign(inputs.size(), {0});
  plan.dims = std::move(dims);
  for (size_t i = 0; i < inputs.size(); ++i)
    plan.strides[i] = std::move(merged[i]);
  return true;
}

void forEachChunk(ThreadPool *pool, int64_t total,
                  const std::function<void(int64_t, int64_t)> &fn) {
  // Below ~64K elements threading costs more than it saves.
  parallelForRange(pool, total, int64_t(1) << 16, fn);
}

} // namespace npu::kernels
