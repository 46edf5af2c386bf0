//===- GemmTest.cpp - Blocked GEMM against a naive triple loop ------------===//

#include "npu/Kernels/Gemm.h"

#include "KernelTestUtils.h"

using namespace npu;
using namespace npu::kernels;
using npu::testing::randomFloats;

namespace {

/// Every SIMD level this CPU can run, so all micro-kernels get tested.
std::vector<SimdLevel> availableLevels() {
  std::vector<SimdLevel> levels{SimdLevel::Generic};
  if (static_cast<int>(detectedSimdLevel()) >= 1)
    levels.push_back(SimdLevel::Avx2);
  if (static_cast<int>(detectedSimdLevel()) >= 2)
    levels.push_back(SimdLevel::Avx512);
  return levels;
}

struct LevelGuard {
  SimdLevel saved = activeSimdLevel();
  ~LevelGuard() { setSimdLevel(saved); }
};

void checkSgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha,
                float beta, ThreadPool *pool) {
  int64_t lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 5;
  auto a = randomFloats((ta ? k : m) * lda, 1);
  auto b = randomFloats((tb ? n : k) * ldb, 2);
  auto c = randomFloats(m * ldc, 3);
  auto expected = c;
  sgemm(ta, tb, m, n, k, alpha, a.data(), lda, b.data(), ldb, beta, c.data(),
        ldc, pool);
  referenceGemm(ta, tb, m, n, k, alpha, a.data(), lda, b.data(), ldb, beta,
                expected.data(), ldc);
  int bad = 0;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < ldc; ++j) {
      float got = c[i * ldc + j], want = expected[i * ldc + j];
      // Padding columns past n must be untouched (both hold the input).
      if (std::fabs(got - want) > 1e-4f * (1 + std::sqrt(float(k))) &&
          ++bad < 5)
        ADD_FAILURE() << "m=" << m << " n=" << n << " k=" << k << " ta=" << ta
                      << " tb=" << tb << " at (" << i << "," << j
                      << "): " << got << " vs " << want;
    }
  EXPECT_EQ(bad, 0);
}

} // namespace

TEST(Gemm, MatchesNaiveLoopOnOddSizesAtEveryLevel) {
  LevelGuard guard;
  ThreadPool pool(3);
  for (SimdLevel level : availableLevels()) {
    ASSERT_TRUE(setSimdLevel(level));
    SCOPED_TRACE(simdLevelName(level));
    for (auto [m, n, k] : std::vector<std::array<int64_t, 3>>{{1, 1, 1},
                                                              {7, 13, 5},
                                                              {8, 32, 256},
                                                              {9, 33, 257},
                                                              {17, 100, 600},
                                                              {33, 7, 31},
                                                              {3, 200, 2}}) {
      for (int t = 0; t < 4; ++t)
        checkSgemm(t & 1, t & 2, m, n, k, 1.0f, 0.0f, nullptr);
      checkSgemm(false, false, m, n, k, 0.5f, 2.0f, &pool);
      checkSgemm(true, true, m, n, k, -1.5f, 1.0f, &pool);
    }
  }
}

TEST(Gemm, EmptyContractionGivesBetaTimesC) {
  std::vector<float> c{1, 2, 3, 4};
  sgemm(false, false, 2, 2, 0, 1.0f, nullptr, 1, nullptr, 1, 0.5f, c.data(), 2,
        nullptr);
  EXPECT_EQ(c, (std::vector<float>{0.5f, 1, 1.5f, 2}));
  sgemm(false, false, 2, 2, 0, 1.0f, nullptr, 1, nullptr, 1, 0.0f, c.data(), 2,
        nullptr);
  EXPECT_EQ(c, (std::vector<float>{0, 0, 0, 0}));
}

TEST(Gemm, PackedWithBiasActivationAndAccumulate) {
  LevelGuard guard;
  ThreadPool pool(2);
  const int64_t m = 13, n = 70, k = 300;
  auto a = randomFloats(m * k, 4), b = randomFloats(k * n, 5);
  auto bias = randomFloats(m, 6);
  for (SimdLevel level : availableLevels()) {
    ASSERT_TRUE(setSimdLevel(level));
    SCOPED_TRACE(simdLevelName(level));
    PackedLhs packed(a.data(), k, false, m, k);
    MatrixRhs rhs(b.data(), n, false);
    std::vector<float> ref(m * n);
    referenceGemm(false, false, m, n, k, 1, a.data(), k, b.data(), n, 0,
                  ref.data(), n);
    for (auto kind : {GemmActivation::None, GemmActivation::Clamp,
                      GemmActivation::HardSwish, GemmActivation::HardSigmoid,
                      GemmActivation::LeakyRelu}) {
      GemmEpilogue epi;
      epi.rowBias = bias.data();
      epi.activation.kind = kind;
      epi.activation.a = kind == GemmActivation::Clamp ? -0.5f : 0.2f;
      epi.activation.b = kind == GemmActivation::Clamp ? 0.25f : 0.5f;
      std::vector<float> c(m * n);
      gemmPacked(packed, rhs, n, c.data(), n, epi, &pool);
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j)
          ASSERT_NEAR(c[i * n + j],
                      epi.activation.apply(ref[i * n + j] + bias[i]), 1e-3)
              << "kind " << kind << " at " << i << "," << j;
    }
    // Accumulate: C += A * B, bias ignored.
    std::vector<float> c(m * n, 1.0f);
    GemmEpilogue epi;
    epi.accumulate = true;
    epi.rowBias = bias.data();
    gemmPacked(packed, rhs, n, c.data(), n, epi, nullptr);
    for (int64_t i = 0; i < m * n; ++i)
      ASSERT_NEAR(c[i], ref[i] + 1.0f, 1e-3);
  }
}

#include "npu/Kernels/MatMul.h"

TEST(MatMul, BatchBroadcastAndPromotion) {
  using npu::testing::expectValues;
  using npu::testing::f32;
  // [2, 1, 2, 3] x [3, 3, 2] -> [2, 3, 2, 2]
  HostTensor a = npu::testing::randomTensor({2, 1, 2, 3}, 7);
  HostTensor b = npu::testing::randomTensor({3, 3, 2}, 8);
  std::vector<int64_t> shape;
  ASSERT_TRUE(matmulShape(a.shape(), b.shape(), shape).ok());
  ASSERT_EQ(shape, (std::vector<int64_t>{2, 3, 2, 2}));
  HostTensor c(DType::F32, shape);
  ASSERT_TRUE(matmul(a, b, c).ok());
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t r = 0; r < 2; ++r)
        for (int64_t s = 0; s < 2; ++s) {
          double want = 0;
          for (int64_t p = 0; p < 3; ++p)
            want += a.data<float>()[(i * 2 + r) * 3 + p] *
                    b.data<float>()[(j * 3 + p) * 2 + s];
          EXPECT_NEAR(c.data<float>()[((i * 3 + j) * 2 + r) * 2 + s], want,
                      1e-5);
        }
  // Rank-1 operands: vector x matrix and dot product.
  HostTensor v = f32({2}, {1, 2}), m = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  HostTensor vm(DType::F32, {3});
  ASSERT_TRUE(matmul(v, m, vm).ok());
  expectValues(vm, {9, 12, 15});
  HostTensor dot(DType::F32, {});
  ASSERT_TRUE(matmul(v, v, dot).ok());
  expectValues(dot, {5});
  // Integers wrap.
  HostTensor ia = npu::testing::makeTensor(DType::I8, {1, 2}, {100, 100});
  HostTensor ib = npu::testing::makeTensor(DType::I8, {2, 1}, {1, 1});
  HostTensor ic(DType::I8, {1, 1});
  ASSERT_TRUE(matmul(ia, ib, ic).ok());
  expectValues(ic, {-56});
}

TEST(MatMul, GemmWithBroadcastC) {
  using npu::testing::expectValues;
  using npu::testing::f32;
  HostTensor a = f32({3, 2}, {1, 2, 3, 4, 5, 6}); // transposed: 2x3
  HostTensor b = f32({2, 3}, {1, 0, 0, 0, 1, 0}); // transposed: 3x2
  HostTensor c = f32({2}, {10, 20});
  HostTensor y(DType::F32, {2, 2});
  ASSERT_TRUE(gemm(a, b, &c, 2.0f, 0.5f, true, true, y).ok());
  // A^T = [[1,3,5],[2,4,6]], B^T = [[1,0],[0,1],[0,0]] -> [[1,3],[2,4]]
  expectValues(y, {2 + 5, 6 + 10, 4 + 5, 8 + 10});
  HostTensor yd(DType::F64, {2, 2});
  HostTensor ad = a.castTo(DType::F64), bd = b.castTo(DType::F64),
             cd = c.castTo(DType::F64);
  ASSERT_TRUE(gemm(ad, bd, &cd, 2.0f, 0.5f, true, true, yd).ok());
  expectValues(yd, {7, 16, 9, 18});
}

TEST(MatMul, IntegerGemmAppliesAlphaAndBetaExactly) {
  // [1, 2] x [[2^52], [1]] = 2^53 + 2; alpha 2, beta 3, C = 2^53 + 1: the
  // result 5 * 2^53 + 7 is beyond the integers a double holds exactly.
  const int64_t p52 = int64_t(1) << 52, big = (int64_t(1) << 53) + 1;
  HostTensor a(DType::I64, {1, 2}), b(DType::I64, {2, 1}), c(DType::I64, {1});
  a.data<int64_t>()[0] = 2;
  a.data<int64_t>()[1] = 2;
  b.data<int64_t>()[0] = p52;
  b.data<int64_t>()[1] = 1;
  c.data<int64_t>()[0] = big;
  HostTensor y(DType::I64, {1, 1});
  ASSERT_TRUE(gemm(a, b, &c, 2.0f, 3.0f, false, false, y).ok());
  EXPECT_EQ(y.data<int64_t>()[0], 2 * (2 * p52 + 2) + 3 * big);
  // A fractional alpha goes through double (truncated).
  HostTensor s(DType::I32, {1, 1}), one(DType::I32, {1, 1});
  s.data<int32_t>()[0] = 3;
  one.data<int32_t>()[0] = 1;
  HostTensor z(DType::I32, {1, 1});
  ASSERT_TRUE(gemm(s, one, nullptr, 0.5f, 1.0f, false, false, z).ok());
  EXPECT_EQ(z.data<int32_t>()[0], 1);
}
