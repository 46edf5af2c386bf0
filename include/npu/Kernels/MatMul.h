//===- MatMul.h - NumPy matmul and ONNX Gemm on tensors ---------*- C++ -*-===//
//
// Tensor-level matrix products: NumPy matmul with batch broadcasting and
// rank-1 promotion, and ONNX Gemm (alpha * op(A) * op(B) + beta * C with C
// broadcast). float32 runs on the blocked GEMM, and so does int32
// (MatMulInteger) in exact K blocks (gemmPackedInt32), bit-identical to the
// straightforward loop that other element types use (integers accumulate
// with wrapping, f16/bf16 in float) and that int32 falls back to when its
// magnitudes are too large for exact float blocks.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_MATMUL_H
#define NPU_KERNELS_MATMUL_H

#include "npu/Kernels/Status.h"
#include "npu/Kernels/ThreadPool.h"
#include "npu/Support/HostTensor.h"

#include <vector>

namespace npu::kernels {

/// Result shape of NumPy matmul, or an error.
Status matmulShape(const std::vector<int64_t> &a, const std::vector<int64_t> &b,
                   std::vector<int64_t> &out);

Status matmul(const HostTensor &a, const HostTensor &b, HostTensor &out,
              ThreadPool *pool = nullptr);

/// ONNX Gemm; `c` may be null.
Status gemm(const HostTensor &a, const HostTensor &b, const HostTensor *c,
            float alpha, float beta, bool transA, bool transB, HostTensor &out,
            ThreadPool *pool = nullptr);

} // namespace npu::kernels

#endif // NPU_KERNELS_MATMUL_H
