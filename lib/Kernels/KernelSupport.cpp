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
    // every time.
    size_t cap = std::max<size_t>(bytes, s.capacity + s.capacity / 2);
    cap = (cap + 63) / 64 * 64;
    if (cap == 0)
      cap = 64;
    s.data.reset(std::aligned_alloc(64, cap));
    s.capacity = s.data ? cap : 0;
  }
  return s.data.get();
}

std::vector<int64_t> stridesOf(const std::vector<int64_t> &shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;)
    strides[i - 1] = strides[i] * shape[i];
  return strides;
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
