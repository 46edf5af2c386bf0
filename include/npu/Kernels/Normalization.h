//===- Normalization.h - Normalisation and softmax kernels ------*- C++ -*-===//
//
// Inference batch normalisation, instance and layer normalisation (with the
// optional mean / inverse standard deviation outputs), local response
// normalisation, and softmax / log-softmax / hardmax along one axis. Float
// element types only; statistics accumulate in double.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_NORMALIZATION_H
#define NPU_KERNELS_NORMALIZATION_H

#include "npu/Kernels/Status.h"
#include "npu/Kernels/ThreadPool.h"
#include "npu/Support/HostTensor.h"

namespace npu::kernels {

/// y = scale * (x - mean) / sqrt(var + eps) + bias per channel (dim 1).
Status batchNorm(const HostTensor &x, const HostTensor &scale,
                 const HostTensor &bias, const HostTensor &mean,
                 const HostTensor &var, double epsilon, HostTensor &y,
                 ThreadPool *pool = nullptr);

/// Per (image, channel) normalisation over the spatial dimensions.
Status instanceNorm(const HostTensor &x, const HostTensor &scale,
                    const HostTensor &bias, double epsilon, HostTensor &y,
                    ThreadPool *pool = nullptr);

/// Normalises over dimensions [axis, rank); scale and bias (bias may be
/// null) broadcast to those dimensions. `mean` and `invStdDev` (may be
/// null) receive the statistics with the normalised dimensions set to 1.
Status layerNorm(const HostTensor &x, const HostTensor &scale,
                 const HostTensor *bias, int64_t axis, double epsilon,
                 HostTensor &y, HostTensor *mean, HostTensor *invStdDev,
                 ThreadPool *pool = nullptr);

/// ONNX LRN across channels.
Status lrn(const HostTensor &x, int64_t size, double alpha, double beta,
           double bias, HostTensor &y);

enum class SoftmaxKind { Softmax, LogSoftmax, Hardmax };
Status softmax(SoftmaxKind kind, const HostTensor &x, int64_t axis,
               HostTensor &y, ThreadPool *pool = nullptr);

} // namespace npu::kernels

#endif // NPU_KERNELS_NORMALIZATION_H
