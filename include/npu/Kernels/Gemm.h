//===- Gemm.h - Blocked single-precision matrix products --------*- C++ -*-===//
//
// C = A * B (+ bias, + activation) for row-major float matrices, the engine
// behind matmul, gemm, convolution (im2col is fused into the packing of B)
// and transposed convolution. The left operand is packed into MR-row panels,
// possibly once ahead of time (weights); the right operand is packed block
// by block through an RhsPacker, so a convolution never materialises its
// whole im2col matrix. The micro-kernel is chosen at run time (AVX-512,
// AVX2/FMA or portable C++). Integer products run on the same kernels in
// K blocks short enough to be exact in float (gemmPackedInt32).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_GEMM_H
#define NPU_KERNELS_GEMM_H

#include "npu/Kernels/Cpu.h"
#include "npu/Kernels/ThreadPool.h"

#include <cstdint>
#include <functional>
#include <memory>

namespace npu::kernels {

/// Register tile and cache blocking of one SIMD level.
struct GemmBlocking {
  int mr;     // rows of the micro-kernel tile
  int nr;     // columns of the micro-kernel tile
  int64_t kc; // depth of one packed block
  int64_t nc; // columns of B packed per task (a multiple of nr)
};
GemmBlocking gemmBlocking(SimdLevel level);

/// Elementwise function applied to C after the full product (and the bias):
/// lets a convolution absorb its following activation.
struct GemmActivation {
  enum Kind { None, Clamp, HardSwish, HardSigmoid, LeakyRelu };
  Kind kind = None;
  float a = 0,
        b = 0; // Clamp: [a, b]; HardSigmoid: alpha, beta; LeakyRelu: alpha
  static GemmActivation relu();
  static GemmActivation clamp(float lo, float hi);
  /// Applies the activation to one value (reference semantics).
  float apply(float x) const;
};

/// A row-major M x K matrix (or the transpose of a K x M one), scaled by
/// alpha, packed for the micro-kernel of one SIMD level.
class PackedLhs {
public:
  PackedLhs() = default;
  /// Packs `a` (M x K with leading dimension lda, or K x M when `trans`)
  /// in K blocks of `blockDepth` (0: the level's kc; at most that).
  PackedLhs(const float *a, int64_t lda, bool trans, int64_t m, int64_t k,
            float alpha = 1.0f, SimdLevel level = activeSimdLevel(),
            int64_t blockDepth = 0);

  int64_t rows() const { return m_; }
  int64_t depth() const { return k_; }
  SimdLevel level() const { return level_; }
  /// The blocking the product uses (kc: this matrix's block depth).
  const GemmBlocking &blocking() const { return blocking_; }
  bool empty() const { return !data_; }
  /// The packed panel of rows [ip*mr, ip*mr + mr) for the K block at k0.
  const float *panel(int64_t k0, int64_t ip) const;

private:
  struct FreeDeleter {
    void operator()(float *p) const;
  };
  SimdLevel level_ = SimdLevel::Generic;
  GemmBlocking blocking_{};
  int64_t m_ = 0, k_ = 0, mPadded_ = 0;
  std::unique_ptr<float, FreeDeleter> data_;
};

/// Produces packed blocks of the right operand B (K x N). `pack` fills
/// ceil(nc / nr) panels of kc x nr floats for rows [k0, k0 + kc) and columns
/// [j0, j0 + nc): element (k, j) goes to
/// dst[((j - j0) / nr) * kc * nr + (k - k0) * nr + (j - j0) % nr], columns
/// past N are zero. Called concurrently from several threads.
class RhsPacker {
public:
  virtual ~RhsPacker();
  virtual void pack(int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr,
                    float *dst) const = 0;
};

/// B as a plain row-major K x N matrix (or the transpose of N x K).
class MatrixRhs final : public RhsPacker {
public:
  MatrixRhs(const float *b, int64_t ldb, bool trans)
      : b_(b), ldb_(ldb), trans_(trans) {}
  void pack(int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr,
            float *dst) const override;

private:
  const float *b_;
  int64_t ldb_;
  bool trans_;
};

/// Called when the block of C with rows [rowBegin, rowEnd) and columns
/// [colBegin, colEnd) is final (while it is still in cache), from the
/// thread that computed it; blocks do not overlap.
using GemmBlockDone = std::function<void(int64_t rowBegin, int64_t rowEnd,
                                         int64_t colBegin, int64_t colEnd)>;

struct GemmEpilogue {
  /// One value per row of C added to the product (a convolution's bias).
  const float *rowBias = nullptr;
  /// Add the product to C's current contents instead of overwriting it.
  bool accumulate = false;
  GemmActivation activation;
  /// Optional hook on finished blocks (e.g. a fused elementwise program).
  const GemmBlockDone *blockDone = nullptr;
};

/// C (M x N, leading dimension ldc) = A * B with the epilogue.
void gemmPacked(const PackedLhs &a, const RhsPacker &b, int64_t n, float *c,
                int64_t ldc, const GemmEpilogue &epilogue, ThreadPool *pool);

/// Integer products on the float GEMM. A and B hold integers (exactly
/// representable as floats) and `a` was packed in K blocks of at most
/// exactBlockDepth(max|A|, max|B|): every partial sum of a block is then an
/// integer of magnitude <= 2^24, so each block's float product is exact
/// whatever the order of the additions or the use of FMA. The blocks'
/// products are added in int32 with wrap-around (modulo 2^32, as the
/// reference loops store a wider exact sum): C = A * B + rowBias, exactly.
void gemmPackedInt32(const PackedLhs &a, const RhsPacker &b, int64_t n,
                     int32_t *c, int64_t ldc, const int32_t *rowBias,
                     const GemmBlockDone *blockDone, ThreadPool *pool);

/// The K block depth for which float products of integers of magnitude at
/// most maxA and maxB are exact (floor(2^24 / (maxA * maxB)), capped at the
/// level's kc), or 0 when even a single product may be inexact.
int64_t exactBlockDepth(uint64_t maxA, uint64_t maxB,
                        SimdLevel level = activeSimdLevel());

/// BLAS-style C = alpha * op(A) * op(B) + beta * C, all row-major.
void sgemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k,
           float alpha, const float *a, int64_t lda, const float *b,
           int64_t ldb, float beta, float *c, int64_t ldc, ThreadPool *pool);

/// Straightforward triple loop (double accumulation), for tests.
void referenceGemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k,
                   float alpha, const float *a, int64_t lda, const float *b,
                   int64_t ldb, float beta, float *c, int64_t ldc);

} // namespace npu::kernels

#endif // NPU_KERNELS_GEMM_H
