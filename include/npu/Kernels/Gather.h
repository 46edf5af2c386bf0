//===- Gather.h - Indexed reads and writes ----------------------*- C++ -*-===//
//
// ONNX Gather, GatherElements, GatherND, ScatterElements, ScatterND and
// OneHot. Indices may have any integer element type; negative indices count
// from the end of their dimension, and an index out of range is an error
// (reported with its position), never a stray memory access.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_GATHER_H
#define NPU_KERNELS_GATHER_H

#include "npu/Kernels/Status.h"
#include "npu/Kernels/ThreadPool.h"
#include "npu/Support/HostTensor.h"

namespace npu::kernels {

/// out = data.shape[:axis] + indices.shape + data.shape[axis+1:].
Status gather(const HostTensor &data, const HostTensor &indices, int64_t axis,
              HostTensor &out, ThreadPool *pool = nullptr);
/// out has the indices' shape.
Status gatherElements(const HostTensor &data, const HostTensor &indices,
                      int64_t axis, HostTensor &out);
Status gatherND(const HostTensor &data, const HostTensor &indices,
                int64_t batchDims, HostTensor &out);

enum class ScatterReduction { None, Add, Mul, Max, Min };
/// out = copy of data with updates combined in at the indices.
Status scatterElements(const HostTensor &data, const HostTensor &indices,
                       const HostTensor &updates, int64_t axis,
                       ScatterReduction reduction, HostTensor &out);
Status scatterND(const HostTensor &data, const HostTensor &indices,
                 const HostTensor &updates, ScatterReduction reduction,
                 HostTensor &out);

/// values = [off, on]; a new dimension of size `depth` at `axis`. Indices
/// outside [-depth, depth) give all-off rows.
Status oneHot(const HostTensor &indices, const HostTensor &values,
              int64_t axis, int64_t depth, HostTensor &out);

} // namespace npu::kernels

#endif // NPU_KERNELS_GATHER_H
