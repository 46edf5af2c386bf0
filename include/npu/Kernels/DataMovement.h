//===- DataMovement.h - Layout and copy kernels -----------------*- C++ -*-===//
//
// Kernels that move elements without arithmetic: transpose, strided slice,
// pad (constant / reflect / edge / wrap, negative pads crop), concat,
// split, expand (broadcast), tile, depth_to_space / space_to_depth and
// trilu. They work on raw element bytes, so every element type (and the
// storage of quantized types) is supported. Output tensors are allocated by
// the caller with the result shape and the input's element type.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_DATAMOVEMENT_H
#define NPU_KERNELS_DATAMOVEMENT_H

#include "npu/Kernels/Scalar.h"
#include "npu/Kernels/Status.h"
#include "npu/Kernels/ThreadPool.h"
#include "npu/Support/HostTensor.h"

#include <vector>

namespace npu::kernels {

/// Output dimension i is input dimension perm[i].
Status transpose(const HostTensor &in, const std::vector<int64_t> &perm,
                 HostTensor &out, ThreadPool *pool = nullptr);

/// out[i0, i1, ...] = in[starts[0] + i0 * steps[0], ...]; out's shape gives
/// the sizes. Every index read must be in bounds.
Status slice(const HostTensor &in, const std::vector<int64_t> &starts,
             const std::vector<int64_t> &steps, HostTensor &out,
             ThreadPool *pool = nullptr);

enum class PadMode { Constant, Reflect, Edge, Wrap };
/// pads: all begins, then all ends (negative values crop). `value` fills in
/// constant mode (converted to the element type; an integer exactly).
Status pad(const HostTensor &in, const std::vector<int64_t> &pads, PadMode mode,
           Scalar value, HostTensor &out, ThreadPool *pool = nullptr);

Status concat(const std::vector<const HostTensor *> &inputs, int64_t axis,
              HostTensor &out, ThreadPool *pool = nullptr);
/// The outputs' sizes along `axis` must add up to the input's.
Status split(const HostTensor &in, int64_t axis,
             const std::vector<HostTensor *> &outs, ThreadPool *pool = nullptr);

/// NumPy broadcast of `in` to out's shape.
Status expand(const HostTensor &in, HostTensor &out,
              ThreadPool *pool = nullptr);
/// Repeats `in` along every dimension (out's sizes are whole multiples).
Status tile(const HostTensor &in, HostTensor &out, ThreadPool *pool = nullptr);

/// NCHW rearrangements; `crd` selects the CRD channel order (else DCR).
Status depthToSpace(const HostTensor &in, int64_t blocksize, bool crd,
                    HostTensor &out, ThreadPool *pool = nullptr);
Status spaceToDepth(const HostTensor &in, int64_t blocksize, HostTensor &out,
                    ThreadPool *pool = nullptr);

/// Keeps the elements on/above (upper) or on/below the k-th diagonal of the
/// last two dimensions; zeroes the others.
Status trilu(const HostTensor &in, bool upper, int64_t k, HostTensor &out);

/// Copies the elements of `in` into `out` (same element count and type),
/// e.g. for reshape.
Status copyElements(const HostTensor &in, HostTensor &out);

/// out = in viewed with `inStrides` (element strides, may be 0 or
/// negative) over out's shape, starting at element `offset` of in: the
/// engine behind the kernels above. No bounds checks.
void stridedCopy(const HostTensor &in, int64_t offset,
                 const std::vector<int64_t> &inStrides, HostTensor &out,
                 ThreadPool *pool = nullptr);

} // namespace npu::kernels

#endif // NPU_KERNELS_DATAMOVEMENT_H
