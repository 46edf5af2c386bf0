//===- IntegerProductTest.cpp - int32 conv / matmul on the float kernels --===//
//
// int32 convolutions and matrix products (what ConvInteger / MatMulInteger
// import to) run on the float GEMM in exact K blocks. They must equal the
// reference loops bit for bit: on uint8 / int8 values centred on extreme
// zero points, on contractions longer than one exact block, on magnitudes
// that leave a block only a few products (and exactly at the limit), on
// sums that wrap around int32, and on magnitudes that force the reference
// loops. Every SIMD level runs.
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Conv.h"
#include "npu/Kernels/Gemm.h"
#include "npu/Kernels/MatMul.h"

#include "KernelTestUtils.h"

#include <atomic>

using namespace npu;
using namespace npu::kernels;
using namespace npu::testing;

namespace {

/// Integers in [lo, hi], uniformly, from a fixed sequence.
HostTensor randomInts(std::vector<int64_t> shape, uint32_t seed, int64_t lo,
                      int64_t hi) {
  HostTensor t(DType::I32, std::move(shape));
  auto u = randomFloats(static_cast<size_t>(t.numElements()), seed, 0, 1);
  for (int64_t i = 0; i < t.numElements(); ++i) {
    int64_t v = lo + static_cast<int64_t>(u[i] * double(hi - lo + 1));
    t.data<int32_t>()[i] = static_cast<int32_t>(std::min(v, hi));
  }
  return t;
}

/// x - zp for uint8 x: what the importer makes of a quantized operand.
HostTensor centredUint8(std::vector<int64_t> shape, uint32_t seed, int zp) {
  return randomInts(std::move(shape), seed, -zp, 255 - zp);
}

HostTensor filled(std::vector<int64_t> shape, int32_t v) {
  HostTensor t(DType::I32, std::move(shape));
  std::fill(t.data<int32_t>(), t.data<int32_t>() + t.numElements(), v);
  return t;
}

/// Exact equality of two int32 tensors, with the first mismatches named.
void expectSameInts(const HostTensor &got, const HostTensor &want) {
  ASSERT_EQ(got.shape(), want.shape());
  ASSERT_EQ(got.dtype(), DType::I32);
  ASSERT_EQ(want.dtype(), DType::I32);
  int bad = 0;
  for (int64_t i = 0; i < got.numElements(); ++i)
    if (got.data<int32_t>()[i] != want.data<int32_t>()[i] && ++bad <= 5)
      ADD_FAILURE() << "element " << i << ": got " << got.data<int32_t>()[i]
                    << ", reference " << want.data<int32_t>()[i];
  EXPECT_EQ(bad, 0) << "elements differ from the reference loops";
}

/// conv / convTranspose of int32 x and w (and bias) against the reference
/// loops, without and with a thread pool, on an output full of garbage.
void checkIntConv(const HostTensor &x, const HostTensor &w,
                  const HostTensor *bias, const ConvParams &p,
                  bool transposed = false) {
  std::vector<int64_t> shape;
  Status s = transposed
                 ? convTransposeOutputShape(x.shape(), w.shape(), p, shape)
                 : convOutputShape(x.shape(), w.shape(), p, shape);
  ASSERT_TRUE(s.ok()) << s.message();
  HostTensor want(DType::I32, shape);
  ASSERT_TRUE((transposed ? convTransposeReference(x, w, bias, want, p)
                          : convReference(x, w, bias, want, p))
                  .ok());
  ThreadPool pool(3);
  for (ThreadPool *tp : {static_cast<ThreadPool *>(nullptr), &pool}) {
    HostTensor got = filled(shape, 0x5a5a5a5a);
    s = transposed ? convTranspose(x, w, bias, got, p, tp)
                   : conv(x, w, bias, got, p, tp);
    ASSERT_TRUE(s.ok()) << s.message();
    expectSameInts(got, want);
  }
}

struct Geometry {
  std::vector<int64_t> x, w;
  ConvParams p;
};

/// Plain, strided, dilated, padded, 1x1, grouped, depthwise (with and
/// without channel multiplier), 1-D and 3-D; K from 4 to 360.
std::vector<Geometry> geometries() {
  return {
      {{1, 3, 11, 13}, {8, 3, 3, 3}, convParams({1, 1}, {1, 1}, {1, 1, 1, 1})},
      {{2, 5, 17, 9}, {7, 5, 3, 2}, convParams({2, 3}, {1, 1}, {1, 0, 2, 1})},
      {{1, 4, 12, 12}, {6, 4, 3, 3}, convParams({1, 1}, {2, 3}, {2, 3, 2, 3})},
      {{1, 300, 5, 6},
       {12, 300, 1, 1},
       convParams({1, 1}, {1, 1}, {0, 0, 0, 0})},
      {{1, 40, 6, 7}, {9, 40, 3, 3}, convParams({1, 1}, {1, 1}, {0, 1, 2, 0})},
      {{1, 8, 10, 10},
       {12, 2, 3, 3},
       convParams({1, 1}, {1, 1}, {1, 1, 1, 1}, 4)},
      {{1, 6, 19, 23},
       {6, 1, 3, 3},
       convParams({1, 1}, {1, 1}, {1, 1, 1, 1}, 6)},
      {{2, 6, 9, 30},
       {6, 1, 5, 5},
       convParams({2, 2}, {1, 1}, {2, 2, 2, 2}, 6)},
      {{1, 4, 15, 15},
       {8, 1, 3, 3},
       convParams({3, 1}, {2, 1}, {0, 1, 2, 1}, 4)},
      {{2, 3, 20}, {4, 3, 5}, convParams({2}, {1}, {2, 1})},
      {{1, 2, 5, 6, 7},
       {3, 2, 2, 3, 3},
       convParams({1, 2, 1}, {1, 1, 2}, {0, 1, 1, 1, 0, 2})},
  };
}

/// Runs fn(i, cases[i]) for every case at every SIMD level.
template <typename Fn>
void forEachLevelAndCase(const std::vector<Geometry> &cases, Fn &&fn) {
  SimdLevelGuard guard;
  for (SimdLevel level : simdLevels()) {
    ASSERT_TRUE(setSimdLevel(level));
    SCOPED_TRACE(simdLevelName(level));
    for (size_t i = 0; i < cases.size(); ++i) {
      SCOPED_TRACE("case " + std::to_string(i));
      fn(static_cast<uint32_t>(i), cases[i]);
    }
  }
}

} // namespace

TEST(ExactBlockDepth, LimitsPartialSumsTo2Pow24) {
  const int64_t kc = gemmBlocking(SimdLevel::Generic).kc;
  EXPECT_EQ(exactBlockDepth(0, uint64_t(1) << 40, SimdLevel::Generic), kc);
  EXPECT_EQ(exactBlockDepth(255, 255, SimdLevel::Generic),
            std::min<int64_t>(kc, 258));
  EXPECT_EQ(exactBlockDepth(2449, 2449, SimdLevel::Generic), 2);
  EXPECT_EQ(exactBlockDepth(4096, 4096, SimdLevel::Generic), 1);
  EXPECT_EQ(exactBlockDepth(1, uint64_t(1) << 24, SimdLevel::Generic), 1);
  EXPECT_EQ(exactBlockDepth(4097, 4096, SimdLevel::Generic), 0);
  EXPECT_EQ(exactBlockDepth(1, (uint64_t(1) << 24) + 1, SimdLevel::Generic), 0);
  EXPECT_EQ(exactBlockDepth(uint64_t(1) << 31, 1, SimdLevel::Generic), 0);
}

TEST(IntegerConv, MatchesReferenceOnQuantizedOperands) {
  // (x zero point, weight zero point): the extremes of uint8 and int8
  // weights (int8 w - zp is within [-255, 255] as well).
  const std::vector<std::pair<int, int>> zps = {{0, 255}, {255, 0}, {128, 3}};
  forEachLevelAndCase(geometries(), [&](uint32_t i, const Geometry &c) {
    for (auto [xzp, wzp] : zps) {
      SCOPED_TRACE("zero points " + std::to_string(xzp) + "/" +
                   std::to_string(wzp));
      HostTensor x = centredUint8(c.x, 100 + i, xzp);
      HostTensor w = centredUint8(c.w, 200 + i, wzp);
      HostTensor b = randomInts({c.w[0]}, 300 + i, -100000, 100000);
      checkIntConv(x, w, xzp == 128 ? nullptr : &b, c.p);
    }
  });
}

TEST(IntegerConv, ShortExactBlocksAndTheLimit) {
  forEachLevelAndCase(geometries(), [&](uint32_t i, const Geometry &c) {
    // Blocks of 16 products: K of 4 to 360 spans up to 23 blocks.
    checkIntConv(randomInts(c.x, 400 + i, -1000, 1000),
                 randomInts(c.w, 500 + i, -1000, 1000), nullptr, c.p);
    // 2449^2 is odd and allows blocks of 2: a third product in a float
    // sum (2^24 < 3 * 2449^2) would round.
    checkIntConv(filled(c.x, 2449), filled(c.w, -2449), nullptr, c.p);
    // 4096^2 = 2^24: one product per block is still exact.
    checkIntConv(randomInts(c.x, 600 + i, -4096, 4096),
                 randomInts(c.w, 700 + i, -4096, 4096), nullptr, c.p);
  });
}

TEST(IntegerConv, DepthwiseWindowLongerThanAnExactBlock) {
  // 5x5 windows of products up to 1000^2 exceed 2^24: the depthwise kernel
  // cannot sum a window in float, the grouped GEMM path takes over.
  std::vector<Geometry> depthwise5x5 = {
      {{1, 4, 13, 11},
       {4, 1, 5, 5},
       convParams({1, 1}, {1, 1}, {2, 2, 2, 2}, 4)}};
  forEachLevelAndCase(depthwise5x5, [&](uint32_t, const Geometry &c) {
    checkIntConv(randomInts(c.x, 1, 990, 1000), randomInts(c.w, 2, -1000, -990),
                 nullptr, c.p);
  });
}

TEST(IntegerConv, WrapsAroundLikeTheReference) {
  // 1x1 convolution over 40000 channels of 255 * 255: the sums pass 2^31.
  HostTensor x = randomInts({1, 40000, 2, 3}, 3, 250, 255);
  HostTensor w = randomInts({3, 40000, 1, 1}, 4, 250, 255);
  HostTensor b = filled({3}, 2147483000);
  checkIntConv(x, w, &b, convParams({1, 1}, {1, 1}, {0, 0, 0, 0}));
}

TEST(IntegerConv, LargeMagnitudesUseTheReferenceLoops) {
  // 4097^2 > 2^24 and odd: not even one product is exact in float.
  const auto cases = geometries();
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    const Geometry &c = cases[i];
    checkIntConv(randomInts(c.x, 800 + i, 4001, 4097),
                 randomInts(c.w, 900 + i, -4097, -4001), nullptr, c.p);
  }
  // INT32_MIN weights with an all-zero input: every product is 0.
  HostTensor w = randomInts({4, 3, 3, 3}, 5, INT32_MIN, INT32_MIN + 3);
  HostTensor b = randomInts({4}, 6, -5, 5);
  checkIntConv(filled({1, 3, 7, 7}, 0), w, &b,
               convParams({1, 1}, {1, 1}, {1, 1, 1, 1}));
  checkIntConv(randomInts({1, 3, 7, 7}, 7, -2, 2), w, &b,
               convParams({1, 1}, {1, 1}, {1, 1, 1, 1}));
}

TEST(IntegerConv, Transposed) {
  std::vector<Geometry> cases = {
      {{1, 24, 10, 12},
       {24, 24, 2, 2},
       convParams({2, 2}, {1, 1}, {0, 0, 0, 0}, 1, {0, 0})},
      {{2, 6, 7, 5},
       {6, 3, 3, 3},
       convParams({2, 1}, {1, 2}, {1, 0, 0, 2}, 2, {1, 0})},
      {{1, 300, 4, 4},
       {300, 2, 4, 4},
       convParams({3, 3}, {1, 1}, {1, 1, 1, 1}, 1, {2, 1})},
  };
  forEachLevelAndCase(cases, [&](uint32_t i, const Geometry &c) {
    HostTensor b = randomInts({c.w[1] * c.p.group}, 10 + i, -9999, 9999);
    checkIntConv(centredUint8(c.x, 20 + i, 255), centredUint8(c.w, 30 + i, 0),
                 &b, c.p, true);
    checkIntConv(randomInts(c.x, 40 + i, -2000, 2000),
                 randomInts(c.w, 50 + i, -2000, 2000), nullptr, c.p, true);
  });
}

TEST(IntegerConv, OutputReadyCoversEveryOutputOnce) {
  const auto cases = geometries();
  ThreadPool pool(3);
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    Geometry c = cases[i];
    HostTensor x = centredUint8(c.x, 60 + i, 7), w = centredUint8(c.w, 70, 9);
    std::vector<int64_t> shape;
    ASSERT_TRUE(convOutputShape(c.x, c.w, c.p, shape).ok());
    HostTensor want(DType::I32, shape), y = filled(shape, 0x5a5a5a5a);
    ASSERT_TRUE(convReference(x, w, nullptr, want, c.p).ok());
    std::vector<std::atomic<int>> seen(static_cast<size_t>(y.numElements()));
    std::atomic<int> wrong{0};
    c.p.outputReady = [&](int64_t b, int64_t e) {
      for (int64_t j = b; j < e; ++j) {
        seen[j]++;
        if (y.data<int32_t>()[j] != want.data<int32_t>()[j])
          wrong++;
      }
    };
    ASSERT_TRUE(conv(x, w, nullptr, y, c.p, &pool).ok());
    EXPECT_EQ(wrong.load(), 0) << "values not final when reported";
    for (int64_t j = 0; j < y.numElements(); ++j)
      ASSERT_EQ(seen[j].load(), 1) << "element " << j;
  }
}

namespace {

/// The naive product: exact 64-bit sums stored modulo 2^32.
HostTensor referenceMatmul(const HostTensor &a, const HostTensor &b, bool ta,
                           bool tb, int64_t batchA, int64_t batchB) {
  const int64_t m = ta ? a.dim(a.rank() - 1) : a.dim(a.rank() - 2);
  const int64_t k = ta ? a.dim(a.rank() - 2) : a.dim(a.rank() - 1);
  const int64_t n = tb ? b.dim(b.rank() - 2) : b.dim(b.rank() - 1);
  const int64_t batch = std::max(batchA, batchB);
  HostTensor c(DType::I32, {batch, m, n});
  for (int64_t i = 0; i < batch; ++i) {
    const int32_t *ap = a.data<int32_t>() + (batchA > 1 ? i : 0) * m * k;
    const int32_t *bp = b.data<int32_t>() + (batchB > 1 ? i : 0) * k * n;
    for (int64_t r = 0; r < m; ++r)
      for (int64_t s = 0; s < n; ++s) {
        int64_t acc = 0;
        for (int64_t p = 0; p < k; ++p)
          acc += int64_t(ta ? ap[p * m + r] : ap[r * k + p]) *
                 int64_t(tb ? bp[s * k + p] : bp[p * n + s]);
        c.data<int32_t>()[(i * m + r) * n + s] = static_cast<int32_t>(acc);
      }
  }
  return c;
}

void checkIntMatmul(const HostTensor &a, const HostTensor &b, int64_t batchA,
                    int64_t batchB) {
  std::vector<int64_t> shape;
  ASSERT_TRUE(matmulShape(a.shape(), b.shape(), shape).ok());
  HostTensor want = referenceMatmul(a, b, false, false, batchA, batchB);
  ThreadPool pool(2);
  for (ThreadPool *tp : {static_cast<ThreadPool *>(nullptr), &pool}) {
    HostTensor got = filled(shape, 0x5a5a5a5a);
    ASSERT_TRUE(matmul(a, b, got, tp).ok());
    got.reshape(want.shape());
    expectSameInts(got, want);
  }
}

} // namespace

TEST(IntegerMatMul, MatchesReference) {
  SimdLevelGuard guard;
  for (SimdLevel level : simdLevels()) {
    ASSERT_TRUE(setSimdLevel(level));
    SCOPED_TRACE(simdLevelName(level));
    // Quantized operands at extreme zero points; K of 1 to 700, batches
    // broadcast on either side.
    for (auto [m, k, n] : std::vector<std::array<int64_t, 3>>{
             {1, 1, 1}, {7, 13, 5}, {9, 257, 33}, {33, 700, 70}, {3, 300, 1}}) {
      SCOPED_TRACE(std::to_string(m) + "x" + std::to_string(k) + "x" +
                   std::to_string(n));
      checkIntMatmul(centredUint8({m, k}, 1, 0), centredUint8({k, n}, 2, 255),
                     1, 1);
      checkIntMatmul(centredUint8({3, m, k}, 3, 255),
                     centredUint8({k, n}, 4, 128), 3, 1);
      checkIntMatmul(centredUint8({m, k}, 5, 17), centredUint8({2, k, n}, 6, 0),
                     1, 2);
      // Short exact blocks, the limit of one product, and the reference
      // loops for products beyond 2^24.
      checkIntMatmul(filled({m, k}, -2449), filled({k, n}, 2449), 1, 1);
      checkIntMatmul(randomInts({m, k}, 7, -4096, 4096),
                     randomInts({k, n}, 8, -4096, 4096), 1, 1);
      checkIntMatmul(randomInts({m, k}, 9, 4001, 4097),
                     randomInts({k, n}, 10, 4001, 4097), 1, 1);
    }
    // Sums past 2^31 wrap around.
    checkIntMatmul(randomInts({2, 40000}, 11, 250, 255),
                   randomInts({40000, 3}, 12, -255, -250), 1, 1);
  }
}

TEST(IntegerMatMul, GemmTransposedWithC) {
  SimdLevelGuard guard;
  for (SimdLevel level : simdLevels()) {
    ASSERT_TRUE(setSimdLevel(level));
    SCOPED_TRACE(simdLevelName(level));
    const int64_t m = 9, k = 600, n = 37;
    for (int t = 0; t < 4; ++t) {
      bool ta = t & 1, tb = t & 2;
      HostTensor a = centredUint8(ta ? std::vector<int64_t>{k, m}
                                     : std::vector<int64_t>{m, k},
                                  20 + t, 255);
      HostTensor b = centredUint8(tb ? std::vector<int64_t>{n, k}
                                     : std::vector<int64_t>{k, n},
                                  30 + t, 0);
      HostTensor c = randomInts({n}, 40 + t, -1000, 1000);
      HostTensor want = referenceMatmul(a, b, ta, tb, 1, 1);
      want.reshape({m, n});
      for (int64_t i = 0; i < m * n; ++i)
        want.data<int32_t>()[i] += c.data<int32_t>()[i % n];
      HostTensor got = filled({m, n}, 0x5a5a5a5a);
      ASSERT_TRUE(gemm(a, b, &c, 1.0f, 1.0f, ta, tb, got).ok());
      expectSameInts(got, want);
    }
  }
}
