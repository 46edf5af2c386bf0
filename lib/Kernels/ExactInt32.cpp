//===- ExactInt32.cpp - int32 products on the float kernels ---------------===//

#include "ExactInt32.h"

#include "KernelSupport.h"
#include "npu/Kernels/Gemm.h"

#include <algorithm>
#include <atomic>

namespace npu::kernels {

namespace {

constexpr int64_t kChunk = int64_t(1) << 16;

NPU_ALWAYS_INLINE uint32_t maxMagnitudeBody(const int32_t *p, int64_t n) {
  // |v| as uint32 (2^31 for INT32_MIN), written so that it vectorises.
  uint32_t m = 0;
  for (int64_t i = 0; i < n; ++i) {
    uint32_t u = static_cast<uint32_t>(p[i]);
    uint32_t mag = p[i] < 0 ? 0u - u : u;
    m = std::max(m, mag);
  }
  return m;
}
NPU_MULTIVERSION(uint32_t, maxMagnitudeImpl, (const int32_t *p, int64_t n),
                 (p, n), maxMagnitudeBody)

NPU_ALWAYS_INLINE void toFloatBody(const int32_t *p, float *out, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = static_cast<float>(p[i]);
}
NPU_MULTIVERSION(void, toFloatImpl, (const int32_t *p, float *out, int64_t n),
                 (p, out, n), toFloatBody)

uint64_t maxMagnitude(const HostTensor &t, ThreadPool *pool) {
  std::atomic<uint32_t> result{0};
  const int32_t *p = t.data<int32_t>();
  parallelForRange(pool, t.numElements(), kChunk, [&](int64_t b, int64_t e) {
    uint32_t m = maxMagnitudeImpl(p + b, e - b);
    uint32_t seen = result.load();
    while (m > seen && !result.compare_exchange_weak(seen, m)) {
    }
  });
  return result.load();
}

const float *toFloat(const HostTensor &t, int scratchSlot, ThreadPool *pool) {
  const int32_t *p = t.data<int32_t>();
  float *o =
      threadScratchOf<float>(scratchSlot, static_cast<size_t>(t.numElements()));
  parallelForRange(pool, t.numElements(), kChunk, [&](int64_t b, int64_t e) {
    toFloatImpl(p + b, o + b, e - b);
  });
  return o;
}

} // namespace

bool prepareExactInt32(const HostTensor &a, const HostTensor &b,
                       ThreadPool *pool, ExactInt32Operands &out) {
  out = ExactInt32Operands();
  if (a.dtype() != DType::I32 || b.dtype() != DType::I32)
    return false;
  int64_t depth = exactBlockDepth(maxMagnitude(a, pool), maxMagnitude(b, pool));
  if (depth <= 0)
    return false;
  out.a = toFloat(a, kScratchExactA, pool);
  out.b = toFloat(b, kScratchExactB, pool);
  out.blockDepth = depth;
  return true;
}

} // namespace npu::kernels
