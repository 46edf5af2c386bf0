//===- ReduceInternal.h - Fast paths of the reductions ----------*- C++ -*-===//
//
// Private to lib/Kernels.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_KERNELS_REDUCEINTERNAL_H
#define NPU_LIB_KERNELS_REDUCEINTERNAL_H

#include "npu/Kernels/Reduce.h"

namespace npu::kernels {

/// Min / max whose reduced axes (`reduced`, one flag per dimension) are
/// the trailing ones: `out` (already checked) gets exactly what the general
/// path gives. False, with nothing written, for other reductions.
bool reduceMinMaxTrailing(ReduceOp op, const HostTensor &in,
                          const std::vector<bool> &reduced, HostTensor &out,
                          ThreadPool *pool);

} // namespace npu::kernels

#endif // NPU_LIB_KERNELS_REDUCEINTERNAL_H
