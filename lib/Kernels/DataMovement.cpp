//===- DataMovement.cpp - Layout and copy kernels -------------------------===//
//
// Transpose, slice, expand, tile and depth/space rearrangements are all one
// strided copy: the output is walked in order while the input is read
// through per-dimension strides (0 for broadcast, step-scaled for slices,
// permuted for transposes). Dimensions are merged where the strides allow,
// and the innermost run becomes a memcpy, a fill or a strided loop.
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/DataMovement.h"

#include "KernelSupport.h"
#include "npu/Kernels/ElementTypes.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace npu::kernels {

namespace {

template <typename T>
void stridedRows(const T *in, T *out, const std::vector<int64_t> &dims,
                 const std::vector<int64_t> &strides, int64_t rowBegin,
                 int64_t rowEnd) {
  const int rank = static_cast<int>(dims.size());
  const int64_t n = dims[rank - 1], s = strides[rank - 1];
  std::vector<int64_t> idx(rank, 0);
  int64_t rem = rowBegin, off = 0;
  for (int d = rank - 2; d >= 0; --d) {
    idx[d] = rem % dims[d];
    rem /= dims[d];
    off += idx[d] * strides[d];
  }
  T *o = out + rowBegin * n;
  for (int64_t r = rowBegin; r < rowEnd; ++r, o += n) {
    const T *src = in + off;
    if (s == 1)
      std::memcpy(o, src, n * sizeof(T));
    else if (s == 0)
      std::fill(o, o + n, *src);
    else
      for (int64_t i = 0; i < n; ++i)
        o[i] = src[i * s];
    for (int d = rank - 2; d >= 0; --d) {
      off += strides[d];
      if (++idx[d] < dims[d])
        break;
      off -= dims[d] * strides[d];
      idx[d] = 0;
    }
  }
}

} // namespace

void stridedCopy(const HostTensor &in, int64_t offset,
                 const std::vector<int64_t> &inStrides, HostTensor &out,
                 ThreadPool *pool) {
  if (out.numElements() == 0)
    return;
  // Merge dimensions; unit dimensions vanish.
  std::vector<int64_t> dims, strides;
  for (size_t d = 0; d < out.shape().size(); ++d) {
    int64_t size = out.shape()[d];
    if (size == 1)
      continue;
    if (!dims.empty() && strides.back() == inStrides[d] * size) {
      dims.back() *= size;
      strides.back() = inStrides[d];
    } else {
      dims.push_back(size);
      strides.push_back(inStrides[d]);
    }
  }
  if (dims.empty()) {
    dims.push_back(1);
    strides.push_back(1);
  }
  const int64_t n = dims.back();
  const int64_t rows = out.numElements() / n;
  dispatchBySize(in.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *src = in.data<T>() + offset;
    T *dst = out.data<T>();
    int64_t minRows = std::max<int64_t>(1, (int64_t(1) << 15) / n);
    parallelForRange(pool, rows, minRows, [&](int64_t b, int64_t e) {
      stridedRows(src, dst, dims, strides, b, e);
    });
  });
}

Status copyElements(const HostTensor &in, HostTensor &out) {
  if (in.numElements() != out.numElements() || in.dtype() != out.dtype())
    return Status::error("cannot copy " + describe(in) + " into " +
                         describe(out));
  if (in.raw() != out.raw())
    std::memcpy(out.raw(), in.raw(), in.byteSize());
  return Status::success();
}

Status transpose(const HostTensor &in, const std::vector<int64_t> &perm,
                 HostTensor &out, ThreadPool *pool) {
  const size_t rank = in.shape().size();
  std::vector<bool> seen(rank, false);
  if (perm.size() != rank)
    return Status::error("perm has " + std::to_string(perm.size()) +
                         " entries for rank " + std::to_string(rank));
  std::vector<int64_t> shape(rank), strides(rank);
  auto inStrides = stridesOf(in.shape());
  for (size_t i = 0; i < rank; ++i) {
    if (perm[i] < 0 || perm[i] >= int64_t(rank) || seen[perm[i]])
      return Status::error("perm is not a permutation");
    seen[perm[i]] = true;
    shape[i] = in.shape()[perm[i]];
    strides[i] = inStrides[perm[i]];
  }
  NPU_RETURN_IF_ERROR(expectShape(out, shape, "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(in, out, "transpose"));
  stridedCopy(in, 0, strides, out, pool);
  return Status::success();
}

Status slice(const HostTensor &in, const std::vector<int64_t> &starts,
             const std::vector<int64_t> &steps, HostTensor &out,
             ThreadPool *pool) {
  const size_t rank = in.shape().size();
  if (starts.size() != rank || steps.size() != rank ||
      out.rank() != int64_t(rank))
    return Status::error("slice needs one start and step per dimension");
  NPU_RETURN_IF_ERROR(expectSameDType(in, out, "slice"));
  auto inStrides = stridesOf(in.shape());
  std::vector<int64_t> strides(rank);
  int64_t offset = 0;
  for (size_t d = 0; d < rank; ++d) {
    int64_t size = out.shape()[d];
    if (size > 0) {
      int64_t last = starts[d] + (size - 1) * steps[d];
      if (starts[d] < 0 || starts[d] >= in.shape()[d] || last < 0 ||
          last >= in.shape()[d])
        return Status::error("slice reads out of bounds in dimension " +
                             std::to_string(d));
    }
    strides[d] = inStrides[d] * steps[d];
    offset += starts[d] * inStrides[d];
  }
  if (out.numElements() > 0)
    stridedCopy(in, offset, strides, out, pool);
  return Status::success();
}

Status expand(const HostTensor &in, HostTensor &out, ThreadPool *pool) {
  NPU_RETURN_IF_ERROR(expectSameDType(in, out, "expand"));
  const auto &to = out.shape();
  const auto &from = in.shape();
  if (from.size() > to.size())
    return Status::error("cannot expand " + shapeStr(from) + " to " +
                         shapeStr(to));
  auto inStrides = stridesOf(from);
  std::vector<int64_t> strides(to.size(), 0);
  size_t off = to.size() - from.size();
  for (size_t d = 0; d < from.size(); ++d) {
    if (from[d] == to[off + d])
      strides[off + d] = from[d] == 1 ? 0 : inStrides[d];
    else if (from[d] != 1)
      return Status::error("cannot expand " + shapeStr(from) + " to " +
                           shapeStr(to));
  }
  stridedCopy(in, 0, strides, out, pool);
  return Status::success();
}

Status tile(const HostTensor &in, HostTensor &out, ThreadPool *pool) {
  NPU_RETURN_IF_ERROR(expectSameDType(in, out, "tile"));
  const auto &from = in.shape();
  if (out.rank() != in.rank())
    return Status::error("tile keeps the rank");
  // Output dimension d is (repeats, in[d]): strides (0, stride[d]).
  auto inStrides = stridesOf(from);
  std::vector<int64_t> dims, strides;
  for (size_t d = 0; d < from.size(); ++d) {
    int64_t o = out.shape()[d];
    if (from[d] == 0 ? o != 0 : o % from[d] != 0)
      return Status::error("tile output " + shapeStr(out.shape()) +
                           " is not a multiple of " + shapeStr(from));
    dims.push_back(from[d] == 0 ? 0 : o / from[d]);
    dims.push_back(from[d]);
    strides.push_back(0);
    strides.push_back(inStrides[d]);
  }
  if (out.numElements() == 0)
    return Status::success();
  // stridedCopy walks out's shape: present the interleaved shape instead.
  std::vector<int64_t> saved = out.shape();
  out.reshape(dims);
  stridedCopy(in, 0, strides, out, pool);
  out.reshape(saved);
  return Status::success();
}

/// Strided copy through an input view of shape `viewShape` permuted by
/// `perm`; the output is walked in its own (equal-sized) layout.
static void permutedCopy(const HostTensor &in,
                         const std::vector<int64_t> &viewShape,
                         const std::vector<int64_t> &perm, HostTensor &out,
                         ThreadPool *pool) {
  auto viewStrides = stridesOf(viewShape);
  std::vector<int64_t> dims(perm.size()), strides(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) {
    dims[i] = viewShape[perm[i]];
    strides[i] = viewStrides[perm[i]];
  }
  std::vector<int64_t> saved = out.shape();
  out.reshape(dims);
  stridedCopy(in, 0, strides, out, pool);
  out.reshape(saved);
}

Status depthToSpace(const HostTensor &in, int64_t b, bool crd, HostTensor &out,
                    ThreadPool *pool) {
  if (in.rank() != 4 || b < 1 || in.dim(1) % (b * b) != 0)
    return Status::error("depth_to_space needs NCHW with C divisible by "
                         "blocksize^2");
  int64_t n = in.dim(0), c = in.dim(1) / (b * b), h = in.dim(2), w = in.dim(3);
  NPU_RETURN_IF_ERROR(expectShape(out, {n, c, h * b, w * b}, "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(in, out, "depth_to_space"));
  if (crd) // [n, c, b1, b2, h, w] -> [n, c, h, b1, w, b2]
    permutedCopy(in, {n, c, b, b, h, w}, {0, 1, 4, 2, 5, 3}, out, pool);
  else // [n, b1, b2, c, h, w] -> [n, c, h, b1, w, b2]
    permutedCopy(in, {n, b, b, c, h, w}, {0, 3, 4, 1, 5, 2}, out, pool);
  return Status::success();
}

Status spaceToDepth(const HostTensor &in, int64_t b, HostTensor &out,
                    ThreadPool *pool) {
  if (in.rank() != 4 || b < 1 || in.dim(2) % b != 0 || in.dim(3) % b != 0)
    return Status::error("space_to_depth needs NCHW with H and W divisible "
                         "by blocksize");
  int64_t n = in.dim(0), c = in.dim(1), h = in.dim(2) / b, w = in.dim(3) / b;
  NPU_RETURN_IF_ERROR(expectShape(out, {n, c * b * b, h, w}, "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(in, out, "space_to_depth"));
  // [n, c, h, b1, w, b2] -> [n, b1, b2, c, h, w]
  permutedCopy(in, {n, c, h, b, w, b}, {0, 3, 5, 1, 2, 4}, out, pool);
  return Status::success();
}

Status trilu(const HostTensor &in, bool upper, int64_t k, HostTensor &out) {
  NPU_RETURN_IF_ERROR(expectShape(out, in.shape(), "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(in, out, "trilu"));
  if (in.rank() < 2)
    return Status::error("trilu needs rank >= 2");
  const int64_t rows = in.dim(in.rank() - 2), cols = in.dim(in.rank() - 1);
  const int64_t mats = rows * cols == 0 ? 0 : in.numElements() / (rows * cols);
  dispatchBySize(in.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *src = in.data<T>();
    T *dst = out.data<T>();
    for (int64_t m = 0; m < mats; ++m)
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) {
          int64_t e = (m * rows + i) * cols + j;
          bool keep = upper ? j - i >= k : j - i <= k;
          dst[e] = keep ? src[e] : T(0);
        }
  });
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Concat, split
//===----------------------------------------------------------------------===//

/// Checks that `parts` (all with `whole`'s rank and dtype) tile `whole`
/// along `axis`; returns the products of the dimensions before and after it.
static Status checkParts(const HostTensor &whole,
                         const std::vector<const HostTensor *> &parts,
                         int64_t axis, const char *what, int64_t &outer,
                         int64_t &inner) {
  const int64_t rank = whole.rank();
  if (parts.empty())
    return Status::error(std::string(what) + " needs at least one part");
  if (axis < 0 || axis >= rank)
    return Status::error(std::string(what) + " axis out of range");
  int64_t total = 0;
  for (const HostTensor *t : parts) {
    NPU_RETURN_IF_ERROR(expectSameDType(*t, whole, what));
    if (t->rank() != rank)
      return Status::error(std::string(what) + " parts must have rank " +
                           std::to_string(rank));
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && t->dim(d) != whole.dim(d))
        return Status::error(std::string(what) + " part " +
                             shapeStr(t->shape()) + " does not fit " +
                             shapeStr(whole.shape()));
    total += t->dim(axis);
  }
  if (total != whole.dim(axis))
    return Status::error(std::string(what) +
                         " sizes along the axis do not add up");
  outer = 1;
  inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= whole.dim(d);
  for (int64_t d = axis + 1; d < rank; ++d)
    inner *= whole.dim(d);
  return Status::success();
}

/// Copies `rows` blocks of `bytes` bytes from src + r * srcStride to
/// dst + r * dstStride.
static void copyRows(ThreadPool *pool, int64_t rows, size_t bytes,
                     const char *src, size_t srcStride, char *dst,
                     size_t dstStride) {
  int64_t minRows =
      std::max<int64_t>(1, (int64_t(1) << 18) / std::max<size_t>(bytes, 1));
  parallelForRange(pool, rows, minRows, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r)
      std::memcpy(dst + r * dstStride, src + r * srcStride, bytes);
  });
}

Status concat(const std::vector<const HostTensor *> &inputs, int64_t axis,
              HostTensor &out, ThreadPool *pool) {
  int64_t outer, inner;
  NPU_RETURN_IF_ERROR(checkParts(out, inputs, axis, "concat", outer, inner));
  const size_t es = dtypeSize(out.dtype());
  const size_t outRow = out.dim(axis) * inner * es;
  size_t offset = 0;
  for (const HostTensor *t : inputs) {
    const size_t row = t->dim(axis) * inner * es;
    copyRows(pool, outer, row, static_cast<const char *>(t->raw()), row,
             static_cast<char *>(out.raw()) + offset, outRow);
    offset += row;
  }
  return Status::success();
}

Status split(const HostTensor &in, int64_t axis,
             const std::vector<HostTensor *> &outs, ThreadPool *pool) {
  int64_t outer, inner;
  std::vector<const HostTensor *> parts(outs.begin(), outs.end());
  NPU_RETURN_IF_ERROR(checkParts(in, parts, axis, "split", outer, inner));
  const size_t es = dtypeSize(in.dtype());
  const size_t inRow = in.dim(axis) * inner * es;
  size_t offset = 0;
  for (HostTensor *t : outs) {
    const size_t row = t->dim(axis) * inner * es;
    copyRows(pool, outer, row, static_cast<const char *>(in.raw()) + offset,
             inRow, static_cast<char *>(t->raw()), row);
    offset += row;
  }
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

/// Source index of output index o along a dimension of size n, or -1 for
/// the constant fill.
static int64_t padSource(int64_t o, int64_t begin, int64_t n, PadMode mode) {
  int64_t i = o - begin;
  if (i >= 0 && i < n)
    return i;
  if (n == 0)
    return -1;
  switch (mode) {
  case PadMode::Constant:
    return -1;
  case PadMode::Edge:
    return i < 0 ? 0 : n - 1;
  case PadMode::Wrap:
    return ((i % n) + n) % n;
  case PadMode::Reflect: {
    if (n == 1)
      return 0;
    int64_t period = 2 * (n - 1);
    int64_t m = ((i % period) + period) % period;
    return m < n ? m : period - m;
  }
  }
  return -1;
}

Status pad(const HostTensor &in, const std::vector<int64_t> &pads, PadMode mode,
           Scalar value, HostTensor &out, ThreadPool *pool) {
  const int64_t rank = in.rank();
  if (int64_t(pads.size()) != 2 * rank)
    return Status::error("pad needs 2 * rank pads");
  NPU_RETURN_IF_ERROR(expectSameDType(in, out, "pad"));
  std::vector<int64_t> shape(rank);
  for (int64_t d = 0; d < rank; ++d) {
    shape[d] = in.dim(d) + pads[d] + pads[rank + d];
    if (shape[d] < 0)
      return Status::error("pads crop more than dimension " +
                           std::to_string(d) + " holds");
    if (mode != PadMode::Constant && in.dim(d) == 0 && shape[d] > 0)
      return Status::error("cannot pad an empty dimension except with a "
                           "constant");
  }
  NPU_RETURN_IF_ERROR(expectShape(out, shape, "output"));
  if (out.numElements() == 0)
    return Status::success();
  if (rank == 0)
    return copyElements(in, out);
  // Per-dimension source index maps.
  std::vector<std::vector<int64_t>> maps(rank);
  for (int64_t d = 0; d < rank; ++d) {
    maps[d].resize(shape[d]);
    for (int64_t o = 0; o < shape[d]; ++o)
      maps[d][o] = padSource(o, pads[d], in.dim(d), mode);
  }
  const auto inStrides = stridesOf(in.shape());
  const int64_t n = shape[rank - 1];
  const int64_t rows = out.numElements() / n;
  dispatchDType(in.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T fill = value.as<T>();
    const T *src = in.data<T>();
    T *dst = out.data<T>();
    const std::vector<int64_t> &last = maps[rank - 1];
    parallelForRange(pool, rows, std::max<int64_t>(1, 4096 / n),
                     [&](int64_t rb, int64_t re) {
                       for (int64_t r = rb; r < re; ++r) {
                         // Source row of output row r, or -1 if padded.
                         int64_t rem = r, off = 0;
                         bool padded = false;
                         for (int64_t d = rank - 2; d >= 0; --d) {
                           int64_t o = rem % shape[d];
                           rem /= shape[d];
                           int64_t s = maps[d][o];
                           if (s < 0)
                             padded = true;
                           else
                             off += s * inStrides[d];
                         }
                         T *o = dst + r * n;
                         if (padded) {
                           std::fill(o, o + n, fill);
                           continue;
                         }
                         const T *row = src + off;
                         for (int64_t j = 0; j < n; ++j)
                           o[j] = last[j] < 0 ? fill : row[last[j]];
                       }
                     });
  });
  return Status::success();
}

} // namespace npu::kernels
