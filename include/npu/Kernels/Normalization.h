//===- Normalization.h - Normalisation and softmax kernels ------*- C++ -*-===//
//
// Inference batch normalisation, instance and layer normalisation (with the
// optional mean / inverse standard deviation outputs), mean-variance
// normalisation over any axes, local response normalisation, and softmax /
// log-softmax / hardmax along one axis. Float element types only;
// statistics accumulate in double, two-pass (mean, then squared deviations
// from it), and x - mean is formed before any scaling, so data with a large
// mean loses nothing and a constant block normalises to exactly 0.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_NORMALIZATION_H
#define NPU_KERNELS_NORMALIZATION_H

#include "npu/Kernels/Status.h"
#include "npu/Kernels/ThreadPool.h"
#include "npu/Support/HostTensor.h"

#include <vector>

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

/// Mean-variance normalisation over `axes` (sorted, distinct; any subset):
/// y = (x - mean) / (sqrt(var) + epsilon) (ONNX MeanVarianceNormalization),
/// or (x - mean) / sqrt(var + epsilon) with `epsInsideSqrt`, the biased
/// variance of each block computed in two passes in double.
Status mvn(const HostTensor &x, const std::vector<int64_t> &axes,
           double epsilon, bool epsInsideSqrt, HostTensor &y,
           ThreadPool *pool = nullptr);

/// ONNX LRN across channels.
Status lrn(const HostTensor &x, int64_t size, double alpha, double beta,
           double bias, HostTensor &y);

enum class SoftmaxKind { Softmax, LogSoftmax, Hardmax };
Status softmax(SoftmaxKind kind, const HostTensor &x, int64_t axis,
               HostTensor &y, ThreadPool *pool = nullptr);

} // namespace npu::kernels

#endif // NPU_KERNELS_NORMALIZATION_H
