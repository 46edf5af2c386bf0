//===- Pool.h - Max, average and global pooling -----------------*- C++ -*-===//
//
// ONNX MaxPool / AveragePool with one to three spatial dimensions,
// asymmetric padding, dilations, ceil_mode and count_include_pad, and the
// global variants. Padded positions never win a max; the average divides by
// the number of input elements in the window, or with count_include_pad by
// the window clipped to the explicitly padded input (ceil_mode's extra
// positions never count).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_POOL_H
#define NPU_KERNELS_POOL_H

#include "npu/Kernels/Status.h"
#include "npu/Kernels/ThreadPool.h"
#include "npu/Support/HostTensor.h"

#include <vector>

namespace npu::kernels {

struct PoolParams {
  std::vector<int64_t> kernel, strides, pads, dilations;
  bool ceilMode = false;
  bool countIncludePad = false;
};

/// Output shape (N, C, spatial...) with ONNX's ceil_mode rule (a window
/// must start inside the input or its begin padding).
Status poolOutputShape(const std::vector<int64_t> &x, const PoolParams &p,
                       std::vector<int64_t> &out);

Status maxPool(const HostTensor &x, const PoolParams &p, HostTensor &y,
               ThreadPool *pool = nullptr);
/// Max pooling that also writes, into the i64 tensor `indices` of y's shape,
/// the flat input index of every maximum: row-major over (N, C, spatial) or,
/// with `columnMajor`, with the spatial dimensions reversed (ONNX
/// storage_order = 1). Ties keep the first maximum in window order.
Status maxPoolWithIndices(const HostTensor &x, const PoolParams &p,
                          bool columnMajor, HostTensor &y, HostTensor &indices,
                          ThreadPool *pool = nullptr);
Status avgPool(const HostTensor &x, const PoolParams &p, HostTensor &y,
               ThreadPool *pool = nullptr);
/// y: N x C x 1 x ... x 1.
Status globalPool(bool isMax, const HostTensor &x, HostTensor &y,
                  ThreadPool *pool = nullptr);

} // namespace npu::kernels

#endif // NPU_KERNELS_POOL_H
