//===- Gemm.h - Blocked single-precision matrix products --------*- C++ -*-===//
//
// C = A * B (+ bias, + activation) for row-major float matrices, the engine
// behind matmul, gemm, convolution (im2col is fused into the packing of B)
// and transposed convolution. The left operand is packed into MR-row panels,
// possibly once ahead of time (weights); the right operand is packed block
// by block through an RhsPacker, so a convolution never materialises its
// whole im2col matrix. The micro-kernel is chosen at run time (AVX-512,
// AVX2/FMA or portable C++).
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
  /// Packs `a` (M x K with leading dimension lda, or K x M when `trans`).
  PackedLhs(const float *a, int64_t lda, bool trans, int64_t m, int64_t k,
            float alpha = 1.0f, SimdLevel level = activeSimdLevel());

  int64_t rows() const { return m_; }
  int64_t depth() const { return k_; }
  SimdLevel level() const { return level_; }
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
