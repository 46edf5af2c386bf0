//===- KernelSupport.cpp - Internal helpers shared by the kernels ---------===//

#include "KernelSupport.h"

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace npu::kernels {

namespace {
struct FreeDeleter {
  void operator()(void *p) const { std::free(p); }
};
struct ScratchSlotBuffer {
  std::unique_ptr<void, FreeDeleter> data;
  size_t capacity = 0;
};
} // namespace

void *threadScratch(int slot, size_t bytes) {
  thread_local ScratchSlotBuffer slots[8];
  ScratchSlotBuffer &s = slots[slot & 7];
  if (s.capacity < bytes || !s.data) {
    // Grow geometrically so that slowly growing requests do not reallocate
    // every time, but never past the machine's memory.
    size_t cap = std::max<size_t>(bytes, s.capacity + s.capacity / 2);
    if (cap > size_t(maxHostTensorBytes()))
      cap = bytes;
    s.data.reset(); // free the old buffer before asking for the new one
    s.data.reset(allocateAlignedOrExit(cap, "a kernel's scratch buffer"));
    s.capacity = cap;
  }
  return s.data.get();
}

namespace {
NPU_ALWAYS_INLINE double sumBody(const float *p, int64_t n) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k)
      acc[k] += static_cast<double>(p[i + k]);
  double s = 0;
  for (; i < n; ++i)
    s += static_cast<double>(p[i]);
  for (int k = 0; k < 8; ++k)
    s += acc[k];
  return s;
}
NPU_ALWAYS_INLINE double squaresBody(const float *p, int64_t n, double mean) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k) {
      double d = static_cast<double>(p[i + k]) - mean;
      acc[k] += d * d;
    }
  double s = 0;
  for (; i < n; ++i) {
    double d = static_cast<double>(p[i]) - mean;
    s += d * d;
  }
  for (int k = 0; k < 8; ++k)
    s += acc[k];
  return s;
}
NPU_MULTIVERSION(double, sumImpl, (const float *p, int64_t n), (p, n), sumBody)
NPU_MULTIVERSION(double, squaresImpl, (const float *p, int64_t n, double mean),
                 (p, n, mean), squaresBody)
} // namespace

double sumF32(const float *p, int64_t n) { return sumImpl(p, n); }
double sumSquaredDeviationsF32(const float *p, int64_t n, double mean) {
  return squaresImpl(p, n, mean);
}

std::vector<int64_t> stridesOf(const std::vector<int64_t> &shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;)
    strides[i - 1] = strides[i] * shape[i];
  return strides;
}

ReducedBlocks::ReducedBlocks(const std::vector<int64_t> &shape,
                             const std::vector<bool> &reduced)
    : offsets{0} {
  const auto strides = stridesOf(shape);
  for (size_t d = 0; d < shape.size(); ++d) {
    if (reduced[d]) {
      std::vector<int64_t> next;
      next.reserve(offsets.size() * static_cast<size_t>(shape[d]));
      for (int64_t o : offsets)
        for (int64_t i = 0; i < shape[d]; ++i)
          next.push_back(o + i * strides[d]);
      offsets = std::move(next);
    } else {
      keptDims.push_back(shape[d]);
      keptStrides.push_back(strides[d]);
      blocks *= shape[d];
    }
  }
}

int64_t ReducedBlocks::base(int64_t block) const {
  int64_t base = 0;
  for (size_t d = keptDims.size(); d-- > 0;) {
    base += (block % keptDims[d]) * keptStrides[d];
    block /= keptDims[d];
  }
  return base;
}

std::string shapeStr(const std::vector<int64_t> &shape) {
  return shapeToString(shape);
}

std::string describe(const HostTensor &t) {
  return shapeToString(t.shape()) + " " + dtypeName(t.dtype());
}

Status expectDType(const HostTensor &t, DType dtype, const char *what) {
  if (t.dtype() == dtype)
    return Status::success();
  return Status::error(std::string(what) + " must have element type " +
                       dtypeName(dtype) + ", got " + dtypeName(t.dtype()));
}

Status expectShape(const HostTensor &t, const std::vector<int64_t> &shape,
                   const char *what) {
  if (t.shape() == shape)
    return Status::success();
  return Status::error(std::string(what) + " must have shape " +
                       shapeToString(shape) + ", got " +
                       shapeToString(t.shape()));
}

Status expectSameDType(const HostTensor &a, const HostTensor &b,
                       const char *what) {
  if (a.dtype() == b.dtype())
    return Status::success();
  return Status::error(std::string(what) + ": element types differ (" +
                       dtypeName(a.dtype()) + " vs " + dtypeName(b.dtype()) +
                       ")");
}

} // namespace npu::kernels
