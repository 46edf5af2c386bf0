//===- Einsum.h - Einstein summation ----------------------------*- C++ -*-===//
//
// Einsum over explicit labels: every input dimension and every output
// dimension is named by one character (ellipses already expanded by the
// caller). Two-operand float32 contractions run as batched GEMMs; anything
// else runs a direct loop over all labels.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_EINSUM_H
#define NPU_KERNELS_EINSUM_H

#include "npu/Kernels/Status.h"
#include "npu/Kernels/ThreadPool.h"
#include "npu/Support/HostTensor.h"

#include <string>
#include <vector>

namespace npu::kernels {

/// `labels[i]` names the dimensions of inputs[i]; `outLabels` the output's.
/// Repeated labels within one input take its diagonal.
Status einsum(const std::vector<const HostTensor *> &inputs,
              const std::vector<std::string> &labels,
              const std::string &outLabels, HostTensor &out,
              ThreadPool *pool = nullptr);

} // namespace npu::kernels

#endif // NPU_KERNELS_EINSUM_H
