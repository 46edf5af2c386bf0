//===- Gather.cpp - Indexed reads and writes ------------------------------===//
//
// Indices are converted to int64 once (they are small next to the data),
// normalised and bounds-checked before any element moves; the moves
// themselves work on raw element bytes. Scatter reductions dispatch on the
// element type.
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Gather.h"

#include "KernelSupport.h"
#include "npu/Kernels/DataMovement.h"
#include "npu/Kernels/ElementTypes.h"

#include <cstring>
#include <type_traits>

namespace npu::kernels {

namespace {

/// Every index as int64; false if `t` is not an integer tensor.
bool readIndices(const HostTensor &t, std::vector<int64_t> &out) {
  if (isFloat(t.dtype()) || t.dtype() == DType::Bool)
    return false;
  out.resize(static_cast<size_t>(t.numElements()));
  dispatchDType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (isIntStorage<T>)
      for (int64_t i = 0; i < t.numElements(); ++i)
        out[i] = static_cast<int64_t>(t.data<T>()[i]);
  });
  return true;
}

/// Normalises a possibly negative index into [0, n).
Status normalizeIndex(int64_t &idx, int64_t n, int64_t position) {
  int64_t original = idx;
  if (idx < 0)
    idx += n;
  if (idx < 0 || idx >= n)
    return Status::error("index " + std::to_string(original) +
                         " (at position " + std::to_string(position) +
                         ") is out of range [" + std::to_string(-n) + ", " +
                         std::to_string(n) + ")");
  return Status::success();
}

Status checkIndices(const HostTensor &indices, std::vector<int64_t> &idx) {
  if (!readIndices(indices, idx))
    return Status::error("indices must be integers, got " +
                         std::string(dtypeName(indices.dtype())));
  return Status::success();
}

template <typename T>
void combine(T &dst, T src, ScatterReduction r) {
  if constexpr (std::is_same_v<T, bool>) {
    switch (r) {
    case ScatterReduction::None:
      dst = src;
      break;
    case ScatterReduction::Add:
    case ScatterReduction::Max:
      dst = dst || src;
      break;
    case ScatterReduction::Mul:
    case ScatterReduction::Min:
      dst = dst && src;
      break;
    }
  } else {
    using C = ComputeType<T>;
    C a = loadElem(dst), b = loadElem(src);
    switch (r) {
    case ScatterReduction::None:
      dst = src;
      return;
    case ScatterReduction::Add:
      if constexpr (isIntStorage<T>)
        dst = static_cast<T>(static_cast<std::make_unsigned_t<T>>(a) +
                             static_cast<std::make_unsigned_t<T>>(b));
      else
        dst = storeElem<T>(a + b);
      return;
    case ScatterReduction::Mul:
      if constexpr (isIntStorage<T>)
        dst = static_cast<T>(static_cast<std::make_unsigned_t<T>>(a) *
                             static_cast<std::make_unsigned_t<T>>(b));
      else
        dst = storeElem<T>(a * b);
      return;
    case ScatterReduction::Max:
      dst = storeElem<T>(a > b ? a : b);
      return;
    case ScatterReduction::Min:
      dst = storeElem<T>(a < b ? a : b);
      return;
    }
  }
}

} // namespace

Status gather(const HostTensor &data, const HostTensor &indices, int64_t axis,
              HostTensor &out, ThreadPool *pool) {
  const int64_t rank = data.rank();
  if (axis < 0 || axis >= rank)
    return Status::error("gather axis out of range");
  std::vector<int64_t> shape(data.shape().begin(), data.shape().begin() + axis);
  shape.insert(shape.end(), indices.shape().begin(), indices.shape().end());
  shape.insert(shape.end(), data.shape().begin() + axis + 1, data.shape().end());
  NPU_RETURN_IF_ERROR(expectShape(out, shape, "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(data, out, "gather"));
  std::vector<int64_t> idx;
  NPU_RETURN_IF_ERROR(checkIndices(indices, idx));
  const int64_t n = data.dim(axis);
  for (size_t i = 0; i < idx.size(); ++i)
    NPU_RETURN_IF_ERROR(normalizeIndex(idx[i], n, int64_t(i)));
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= data.dim(d);
  for (int64_t d = axis + 1; d < rank; ++d)
    inner *= data.dim(d);
  const size_t block = inner * dtypeSize(data.dtype());
  const auto *src = static_cast<const char *>(data.raw());
  auto *dst = static_cast<char *>(out.raw());
  const int64_t numIdx = static_cast<int64_t>(idx.size());
  parallelForRange(pool, outer * numIdx,
                   std::max<int64_t>(1, (int64_t(1) << 16) / std::max<size_t>(block, 1)),
                   [&](int64_t b, int64_t e) {
                     for (int64_t t = b; t < e; ++t) {
                       int64_t o = t / numIdx, i = t % numIdx;
                       std::memcpy(dst + t * block,
                                   src + (o * n + idx[i]) * block, block);
                     }
                   });
  return Status::success();
}

Status gatherElements(const HostTensor &data, const HostTensor &indices,
                      int64_t axis, HostTensor &out) {
  const int64_t rank = data.rank();
  if (axis < 0 || axis >= rank || indices.rank() != rank)
    return Status::error("gather_elements needs indices of the data's rank "
                         "and a valid axis");
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis && indices.dim(d) > data.dim(d))
      return Status::error("indices " + shapeStr(indices.shape()) +
                           " exceed data " + shapeStr(data.shape()));
  NPU_RETURN_IF_ERROR(expectShape(out, indices.shape(), "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(data, out, "gather_elements"));
  std::vector<int64_t> idx;
  NPU_RETURN_IF_ERROR(checkIndices(indices, idx));
  for (size_t e = 0; e < idx.size(); ++e)
    NPU_RETURN_IF_ERROR(normalizeIndex(idx[e], data.dim(axis), int64_t(e)));
  const auto ds = stridesOf(data.shape());
  std::vector<int64_t> pos(rank, 0);
  dispatchBySize(data.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *src = data.data<T>();
    T *dst = out.data<T>();
    for (size_t e = 0; e < idx.size(); ++e) {
      int64_t off = 0;
      for (int64_t d = 0; d < rank; ++d)
        off += (d == axis ? 0 : pos[d]) * ds[d];
      dst[e] = src[off + idx[e] * ds[axis]];
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++pos[d] < indices.dim(d))
          break;
        pos[d] = 0;
      }
    }
  });
  return Status::success();
}

/// Shared checks of GatherND / ScatterND: offsets (in elements of data) of
/// every index tuple, per batch.
static Status tupleOffsets(const HostTensor &data, const HostTensor &indices,
                           int64_t batchDims, std::vector<int64_t> &offsets,
                           int64_t &rest) {
  const int64_t rank = data.rank(), k = indices.shape().empty()
                                            ? 0
                                            : indices.shape().back();
  if (indices.rank() < 1 || k < 1 || batchDims < 0 ||
      batchDims + k > rank || batchDims >= indices.rank())
    return Status::error("invalid index depth or batch_dims");
  std::vector<int64_t> idx;
  NPU_RETURN_IF_ERROR(checkIndices(indices, idx));
  const auto ds = stridesOf(data.shape());
  rest = 1;
  for (int64_t d = batchDims + k; d < rank; ++d)
    rest *= data.dim(d);
  int64_t batchSize = 1;
  for (int64_t d = 0; d < batchDims; ++d)
    batchSize *= data.dim(d);
  const int64_t tuples = static_cast<int64_t>(idx.size()) / k;
  const int64_t perBatch = batchSize ? tuples / batchSize : 0;
  const int64_t batchStride = batchDims ? ds[batchDims - 1] : 0;
  offsets.resize(tuples);
  for (int64_t t = 0; t < tuples; ++t) {
    int64_t off = perBatch ? (t / perBatch) * batchStride : 0;
    for (int64_t j = 0; j < k; ++j) {
      int64_t i = idx[t * k + j];
      NPU_RETURN_IF_ERROR(
          normalizeIndex(i, data.dim(batchDims + j), t * k + j));
      off += i * ds[batchDims + j];
    }
    offsets[t] = off;
  }
  return Status::success();
}

Status gatherND(const HostTensor &data, const HostTensor &indices,
                int64_t batchDims, HostTensor &out) {
  NPU_RETURN_IF_ERROR(expectSameDType(data, out, "gather_nd"));
  std::vector<int64_t> offsets;
  int64_t rest = 0;
  NPU_RETURN_IF_ERROR(tupleOffsets(data, indices, batchDims, offsets, rest));
  for (int64_t d = 0; d < batchDims; ++d)
    if (indices.dim(d) != data.dim(d))
      return Status::error("batch dimensions of data and indices differ");
  if (out.numElements() != static_cast<int64_t>(offsets.size()) * rest)
    return Status::error("output " + shapeStr(out.shape()) +
                         " does not match the gathered size");
  const size_t es = dtypeSize(data.dtype());
  const auto *src = static_cast<const char *>(data.raw());
  auto *dst = static_cast<char *>(out.raw());
  for (size_t t = 0; t < offsets.size(); ++t)
    std::memcpy(dst + t * rest * es, src + offsets[t] * es, rest * es);
  return Status::success();
}

Status scatterElements(const HostTensor &data, const HostTensor &indices,
                       const HostTensor &updates, int64_t axis,
                       ScatterReduction reduction, HostTensor &out) {
  const int64_t rank = data.rank();
  if (axis < 0 || axis >= rank || indices.rank() != rank ||
      indices.shape() != updates.shape())
    return Status::error("scatter_elements needs indices and updates of one "
                         "shape, of the data's rank");
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis && indices.dim(d) > data.dim(d))
      return Status::error("indices " + shapeStr(indices.shape()) +
                           " exceed data " + shapeStr(data.shape()));
  NPU_RETURN_IF_ERROR(expectShape(out, data.shape(), "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(data, out, "scatter_elements"));
  NPU_RETURN_IF_ERROR(expectSameDType(data, updates, "scatter_elements"));
  std::vector<int64_t> idx;
  NPU_RETURN_IF_ERROR(checkIndices(indices, idx));
  for (size_t e = 0; e < idx.size(); ++e)
    NPU_RETURN_IF_ERROR(normalizeIndex(idx[e], data.dim(axis), int64_t(e)));
  NPU_RETURN_IF_ERROR(copyElements(data, out));
  const auto ds = stridesOf(data.shape());
  dispatchDType(data.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *upd = updates.data<T>();
    T *dst = out.data<T>();
    std::vector<int64_t> pos(rank, 0);
    for (size_t e = 0; e < idx.size(); ++e) {
      int64_t off = 0;
      for (int64_t d = 0; d < rank; ++d)
        off += (d == axis ? idx[e] : pos[d]) * ds[d];
      combine(dst[off], upd[e], reduction);
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++pos[d] < indices.dim(d))
          break;
        pos[d] = 0;
      }
    }
  });
  return Status::success();
}

Status scatterND(const HostTensor &data, const HostTensor &indices,
                 const HostTensor &updates, ScatterReduction reduction,
                 HostTensor &out) {
  NPU_RETURN_IF_ERROR(expectShape(out, data.shape(), "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(data, out, "scatter_nd"));
  NPU_RETURN_IF_ERROR(expectSameDType(data, updates, "scatter_nd"));
  std::vector<int64_t> offsets;
  int64_t rest = 0;
  NPU_RETURN_IF_ERROR(tupleOffsets(data, indices, 0, offsets, rest));
  if (updates.numElements() != static_cast<int64_t>(offsets.size()) * rest)
    return Status::error("updates " + shapeStr(updates.shape()) +
                         " do not match the indexed slices");
  NPU_RETURN_IF_ERROR(copyElements(data, out));
  dispatchDType(data.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *upd = updates.data<T>();
    T *dst = out.data<T>();
    for (size_t t = 0; t < offsets.size(); ++t)
      for (int64_t r = 0; r < rest; ++r)
        combine(dst[offsets[t] + r], upd[t * rest + r], reduction);
  });
  return Status::success();
}

Status oneHot(const HostTensor &indices, const HostTensor &values,
              int64_t axis, int64_t depth, HostTensor &out) {
  if (values.numElements() != 2)
    return Status::error("one_hot values must hold [off, on]");
  if (axis < 0 || axis > indices.rank() || depth < 1)
    return Status::error("invalid one_hot axis or depth");
  std::vector<int64_t> shape = indices.shape();
  shape.insert(shape.begin() + axis, depth);
  NPU_RETURN_IF_ERROR(expectShape(out, shape, "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(values, out, "one_hot"));
  std::vector<int64_t> idx;
  NPU_RETURN_IF_ERROR(checkIndices(indices, idx));
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= indices.dim(d);
  for (int64_t d = axis; d < indices.rank(); ++d)
    inner *= indices.dim(d);
  dispatchBySize(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T off = values.data<T>()[0], on = values.data<T>()[1];
    T *dst = out.data<T>();
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t d = 0; d < depth; ++d)
        for (int64_t i = 0; i < inner; ++i) {
          int64_t v = idx[o * inner + i];
          if (v < 0)
            v += depth;
          dst[(o * depth + d) * inner + i] = v == d ? on : off;
        }
  });
  return Status::success();
}

} // namespace npu::kernels
