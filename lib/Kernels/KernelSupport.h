//===- KernelSupport.h - Internal helpers shared by the kernels -*- C++ -*-===//
//
// Function-attribute macros for the multi-versioned (generic / AVX2 /
// AVX-512) loops, per-thread scratch buffers, strides and shape checks.
// Private to lib/Kernels.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_KERNELS_KERNELSUPPORT_H
#define NPU_LIB_KERNELS_KERNELSUPPORT_H

#include "npu/Kernels/Cpu.h"
#include "npu/Kernels/Status.h"
#include "npu/Support/HostTensor.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#define NPU_KERNELS_X86 1
#define NPU_TARGET_AVX2 __attribute__((target("avx2,fma,f16c")))
#define NPU_TARGET_AVX512                                                      \
  __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma,f16c")))
#else
#define NPU_KERNELS_X86 0
#define NPU_TARGET_AVX2
#define NPU_TARGET_AVX512
#endif
#define NPU_ALWAYS_INLINE inline __attribute__((always_inline))

namespace npu::kernels {

/// Picks the variant of a multi-versioned function for the active level.
template <typename Fn> Fn selectSimd(Fn generic, Fn avx2, Fn avx512) {
#if NPU_KERNELS_X86
  switch (activeSimdLevel()) {
  case SimdLevel::Avx512:
    return avx512;
  case SimdLevel::Avx2:
    return avx2;
  case SimdLevel::Generic:
    break;
  }
#endif
  (void)avx2;
  (void)avx512;
  return generic;
}

/// Defines NAME##Generic/Avx2/Avx512 wrappers around the always-inline
/// template or function BODY, and NAME(...) which dispatches at run time.
/// The body gets vectorised for each target by the compiler.
#define NPU_MULTIVERSION(RET, NAME, PARAMS, ARGS, BODY)                        \
  static RET NAME##Generic PARAMS { return BODY ARGS; }                        \
  NPU_TARGET_AVX2 static RET NAME##Avx2 PARAMS { return BODY ARGS; }           \
  NPU_TARGET_AVX512 static RET NAME##Avx512 PARAMS { return BODY ARGS; }       \
  static RET NAME PARAMS {                                                     \
    return selectSimd(&NAME##Generic, &NAME##Avx2, &NAME##Avx512) ARGS;        \
  }

/// Sum of n floats in double precision (vectorised with 8 partial sums).
double sumF32(const float *p, int64_t n);
/// Sum of (p[i] - mean)^2 in double precision.
double sumSquaredDeviationsF32(const float *p, int64_t n, double mean);

/// A per-thread, 64-byte aligned scratch buffer of at least `bytes` bytes.
/// Distinct `slot`s (0..7) never alias; a buffer stays valid until the same
/// thread asks for the same slot again. Never null: a request the machine
/// cannot hold ends the process with a message (allocateAlignedOrExit).
void *threadScratch(int slot, size_t bytes);
template <typename T> T *threadScratchOf(int slot, size_t count) {
  size_t bytes = 0;
  if (__builtin_mul_overflow(count, sizeof(T), &bytes))
    bytes = SIZE_MAX; // more than any machine: reported as out of memory
  return static_cast<T *>(threadScratch(slot, bytes));
}
/// Scratch slots in use, one per kernel that can run nested in another.
enum ScratchSlot {
  kScratchGemmA = 0,
  kScratchGemmB = 1,
  kScratchConv = 2,
  kScratchMisc = 3,
  kScratchMisc2 = 4,
  kScratchExactA = 5, // int32 operands as floats (ExactInt32.h)
  kScratchExactB = 6,
};

/// Row-major strides of a shape.
std::vector<int64_t> stridesOf(const std::vector<int64_t> &shape);

/// A tensor's elements as blocks over a set of reduced dimensions: block b
/// (row-major over the kept dimensions) holds the elements at
/// base(b) + offsets[i] (row-major over the reduced dimensions).
class ReducedBlocks {
public:
  /// `reduced` has one entry per dimension of `shape`.
  ReducedBlocks(const std::vector<int64_t> &shape,
                const std::vector<bool> &reduced);
  int64_t numBlocks() const { return blocks; }
  int64_t base(int64_t block) const;
  std::vector<int64_t> offsets;

private:
  std::vector<int64_t> keptDims, keptStrides;
  int64_t blocks = 1;
};

/// "1x3x8x8 f32" for messages.
std::string describe(const HostTensor &t);
std::string shapeStr(const std::vector<int64_t> &shape);

/// Checks a tensor's dtype / shape, with a message naming `what`.
Status expectDType(const HostTensor &t, DType dtype, const char *what);
Status expectShape(const HostTensor &t, const std::vector<int64_t> &shape,
                   const char *what);
Status expectSameDType(const HostTensor &a, const HostTensor &b,
                       const char *what);

} // namespace npu::kernels

#endif // NPU_LIB_KERNELS_KERNELSUPPORT_H
