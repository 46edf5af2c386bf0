//===- ConvTest.cpp - Convolution kernels against the reference loops -----===//

#include "npu/Kernels/Conv.h"

#include "KernelTestUtils.h"

#include <atomic>

using namespace npu;
using namespace npu::kernels;
using namespace npu::testing;

namespace {

struct ConvCase {
  std::vector<int64_t> x, w;
  ConvParams p;
  bool bias = true;
};

void checkConv(const ConvCase &c, bool transposed, ThreadPool *pool) {
  HostTensor x = randomTensor(c.x, 11), w = randomTensor(c.w, 12);
  std::vector<int64_t> outShape;
  Status s = transposed ? convTransposeOutputShape(c.x, c.w, c.p, outShape)
                        : convOutputShape(c.x, c.w, c.p, outShape);
  ASSERT_TRUE(s.ok()) << s.message();
  HostTensor b = randomTensor({outShape[1]}, 13);
  const HostTensor *bp = c.bias ? &b : nullptr;
  HostTensor expected(DType::F32, outShape), got(DType::F32, outShape);
  // Pre-fill the output with garbage: kernels must not rely on zeroes.
  for (int64_t i = 0; i < got.numElements(); ++i)
    got.data<float>()[i] = 1e30f;
  ASSERT_TRUE((transposed ? convTransposeReference(x, w, bp, expected, c.p)
                          : convReference(x, w, bp, expected, c.p))
                  .ok());
  auto packed = PackedConvWeights::create(w, c.p.group, transposed);
  Status st = transposed ? convTranspose(x, w, bp, got, c.p, pool, packed.get())
                         : conv(x, w, bp, got, c.p, pool, packed.get());
  ASSERT_TRUE(st.ok()) << st.message();
  expectClose(got, expected, 1e-4, 1e-4);
}

} // namespace

TEST(Conv, HandComputed2x2) {
  // 1x1x3x3 input, 2x2 kernel of ones, stride 1, pads (top 1, left 0,
  // bottom 0, right 1): asymmetric padding.
  HostTensor x = f32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  HostTensor w = f32({1, 1, 2, 2}, {1, 1, 1, 1});
  HostTensor b = f32({1}, {0.5});
  ConvParams p = convParams({1, 1}, {1, 1}, {1, 0, 0, 1});
  std::vector<int64_t> shape;
  ASSERT_TRUE(convOutputShape(x.shape(), w.shape(), p, shape).ok());
  ASSERT_EQ(shape, (std::vector<int64_t>{1, 1, 3, 3}));
  HostTensor y(DType::F32, shape);
  ASSERT_TRUE(conv(x, w, &b, y, p, nullptr).ok());
  expectValues(y, {3.5, 5.5, 3.5, 12.5, 16.5, 9.5, 24.5, 28.5, 15.5});
}

TEST(Conv, MatchesReferenceOnManyGeometries) {
  std::vector<ConvCase> cases = {
      // 2-D: plain, strided, dilated, asymmetric pads, 1x1, grouped.
      {{1, 3, 11, 13}, {8, 3, 3, 3}, convParams({1, 1}, {1, 1}, {1, 1, 1, 1})},
      {{2, 5, 17, 9}, {7, 5, 3, 2}, convParams({2, 3}, {1, 1}, {1, 0, 2, 1})},
      {{1, 4, 12, 12}, {6, 4, 3, 3}, convParams({1, 1}, {2, 3}, {2, 3, 2, 3})},
      {{1, 16, 9, 10},
       {12, 16, 1, 1},
       convParams({1, 1}, {1, 1}, {0, 0, 0, 0})},
      {{1, 16, 9, 10},
       {12, 16, 1, 1},
       convParams({2, 2}, {1, 1}, {0, 0, 0, 0})},
      {{1, 8, 10, 10},
       {12, 2, 3, 3},
       convParams({1, 1}, {1, 1}, {1, 1, 1, 1}, 4)},
      {{1, 300, 5, 5},
       {20, 300, 1, 1},
       convParams({1, 1}, {1, 1}, {0, 0, 0, 0}),
       false},
      {{1, 40, 6, 7}, {9, 40, 3, 3}, convParams({1, 1}, {1, 1}, {0, 1, 2, 0})},
      // Depthwise, with and without channel multiplier, strides 1/2/3.
      {{1, 6, 19, 23},
       {6, 1, 3, 3},
       convParams({1, 1}, {1, 1}, {1, 1, 1, 1}, 6)},
      {{2, 6, 19, 70},
       {6, 1, 5, 5},
       convParams({2, 2}, {1, 1}, {2, 2, 2, 2}, 6)},
      {{1, 4, 15, 15},
       {8, 1, 3, 3},
       convParams({3, 1}, {2, 1}, {0, 1, 2, 1}, 4)},
      {{1, 3, 8, 9},
       {3, 1, 2, 4},
       convParams({1, 3}, {1, 2}, {0, 0, 0, 0}, 3),
       false},
      // 1-D and 3-D.
      {{2, 3, 20}, {4, 3, 5}, convParams({2}, {1}, {2, 1})},
      {{1, 4, 20}, {4, 1, 3}, convParams({1}, {2}, {2, 2}, 4)},
      {{1, 2, 5, 6, 7},
       {3, 2, 2, 3, 3},
       convParams({1, 2, 1}, {1, 1, 2}, {0, 1, 1, 1, 0, 2})},
  };
  ThreadPool pool(3);
  SimdLevel saved = activeSimdLevel();
  for (SimdLevel level : simdLevels()) {
    ASSERT_TRUE(setSimdLevel(level));
    SCOPED_TRACE(simdLevelName(level));
    for (size_t i = 0; i < cases.size(); ++i) {
      SCOPED_TRACE("case " + std::to_string(i));
      checkConv(cases[i], false, nullptr);
      checkConv(cases[i], false, &pool);
    }
  }
  setSimdLevel(saved);
}

TEST(Conv, DepthwiseWithHugePadsAndStrides) {
  // A window stride as large as the pads reads three rows of a padded plane
  // of 2^41 rows: the result must not depend on copying that plane (it used
  // to overflow the depthwise kernel's scratch buffer and crash).
  const int64_t huge = int64_t(1) << 40;
  ThreadPool pool(2);
  for (int64_t group : {4, 1}) {
    SCOPED_TRACE("group " + std::to_string(group));
    ConvCase c{{1, 4, 8, 8},
               {4, 4 / group, 3, 3},
               convParams({huge, 1}, {1, 1}, {huge, 0, huge, 0}, group)};
    checkConv(c, false, nullptr);
    checkConv(c, false, &pool);
  }
}

TEST(Conv, FusedActivation) {
  ConvCase c{
      {1, 3, 9, 9}, {4, 3, 3, 3}, convParams({1, 1}, {1, 1}, {1, 1, 1, 1})};
  c.p.activation.kind = GemmActivation::HardSwish;
  checkConv(c, false, nullptr);
  ConvCase d{
      {1, 4, 9, 9}, {4, 1, 3, 3}, convParams({1, 1}, {1, 1}, {1, 1, 1, 1}, 4)};
  d.p.activation = GemmActivation::relu();
  checkConv(d, false, nullptr);
}

TEST(ConvTranspose, HandComputedStride2) {
  // 1x1x2x2 input, 2x2 kernel, stride 2: each input scales the kernel.
  HostTensor x = f32({1, 1, 2, 2}, {1, 2, 3, 4});
  HostTensor w = f32({1, 1, 2, 2}, {1, 10, 100, 1000});
  ConvParams p = convParams({2, 2}, {1, 1}, {0, 0, 0, 0}, 1, {0, 0});
  HostTensor y(DType::F32, {1, 1, 4, 4});
  ASSERT_TRUE(convTranspose(x, w, nullptr, y, p, nullptr).ok());
  expectValues(y, {1, 10, 2, 20, 100, 1000, 200, 2000, 3, 30, 4, 40, 300, 3000,
                   400, 4000});
  // Stride 1 overlaps: 1-D [1, 2] * [1, 1, 1] = [1, 3, 3, 2].
  HostTensor x1 = f32({1, 1, 2}, {1, 2}), w1 = f32({1, 1, 3}, {1, 1, 1});
  HostTensor y1(DType::F32, {1, 1, 4});
  ASSERT_TRUE(convTranspose(x1, w1, nullptr, y1,
                            convParams({1}, {1}, {0, 0}, 1, {0}), nullptr)
                  .ok());
  expectValues(y1, {1, 3, 3, 2});
}

TEST(ConvTranspose, MatchesReference) {
  std::vector<ConvCase> cases = {
      {{1, 24, 10, 12},
       {24, 24, 2, 2},
       convParams({2, 2}, {1, 1}, {0, 0, 0, 0}, 1, {0, 0})},
      {{1, 24, 10, 12},
       {24, 1, 2, 2},
       convParams({2, 2}, {1, 1}, {0, 0, 0, 0}, 1, {0, 0})},
      {{2, 6, 7, 5},
       {6, 3, 3, 3},
       convParams({2, 1}, {1, 2}, {1, 0, 0, 2}, 2, {1, 0})},
      {{1, 4, 9, 9},
       {4, 2, 4, 4},
       convParams({3, 3}, {1, 1}, {1, 1, 1, 1}, 1, {2, 1})},
      {{1, 3, 11}, {3, 2, 3}, convParams({2}, {1}, {1, 0}, 1, {1})},
      {{1, 2, 3, 4, 5},
       {2, 3, 2, 2, 3},
       convParams({2, 1, 2}, {1, 1, 1}, {0, 0, 1, 0, 1, 0}, 1, {1, 0, 0})},
  };
  ThreadPool pool(2);
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    checkConv(cases[i], true, nullptr);
    checkConv(cases[i], true, &pool);
  }
}

TEST(Conv, IntegerAndHalfTypes) {
  // int8 accumulates exactly and wraps on the final store.
  HostTensor x = makeTensor(DType::I8, {1, 1, 1, 3}, {100, 100, -3});
  HostTensor w = makeTensor(DType::I8, {1, 1, 1, 2}, {1, 1});
  HostTensor y(DType::I8, {1, 1, 1, 2});
  ASSERT_TRUE(
      conv(x, w, nullptr, y, convParams({1, 1}, {1, 1}, {0, 0, 0, 0}), nullptr)
          .ok());
  expectValues(y, {-56, 97}); // 200 wraps to -56
  // f16 goes through float and rounds back.
  HostTensor xh = makeTensor(DType::F16, {1, 1, 2, 2}, {1, 2, 3, 4});
  HostTensor wh = makeTensor(DType::F16, {1, 1, 2, 2}, {0.5, 0.5, 0.5, 0.5});
  HostTensor yh(DType::F16, {1, 1, 1, 1});
  ASSERT_TRUE(conv(xh, wh, nullptr, yh,
                   convParams({1, 1}, {1, 1}, {0, 0, 0, 0}), nullptr)
                  .ok());
  expectValues(yh, {5});
}

TEST(Conv, RejectsMismatchedShapes) {
  HostTensor x(DType::F32, {1, 3, 8, 8}), w(DType::F32, {4, 2, 3, 3});
  HostTensor y(DType::F32, {1, 4, 6, 6});
  Status s =
      conv(x, w, nullptr, y, convParams({1, 1}, {1, 1}, {0, 0, 0, 0}), nullptr);
  EXPECT_TRUE(s.failed());
  HostTensor w2(DType::F32, {4, 3, 3, 3}), y2(DType::F32, {1, 4, 5, 5});
  s = conv(x, w2, nullptr, y2, convParams({1, 1}, {1, 1}, {0, 0, 0, 0}),
           nullptr);
  ASSERT_TRUE(s.failed());
  EXPECT_NE(s.message().find("1x4x6x6"), std::string::npos) << s.message();
}

TEST(Conv, OutputReadyCoversFinishedOutputsOnce) {
  struct Case {
    std::vector<int64_t> x, w;
    ConvParams p;
    bool transposed;
    DType dtype;
  };
  std::vector<Case> cases = {
      {{2, 5, 17, 9},
       {7, 5, 3, 2},
       convParams({2, 3}, {1, 1}, {1, 0, 2, 1}),
       false,
       DType::F32},
      {{1, 16, 9, 10},
       {12, 16, 1, 1},
       convParams({1, 1}, {1, 1}, {0, 0, 0, 0}),
       false,
       DType::F32},
      {{1, 6, 19, 23},
       {6, 1, 3, 3},
       convParams({1, 1}, {1, 1}, {1, 1, 1, 1}, 6),
       false,
       DType::F32},
      {{1, 4, 9, 9},
       {4, 2, 4, 4},
       convParams({3, 3}, {1, 1}, {1, 1, 1, 1}, 1, {2, 1}),
       true,
       DType::F32},
      {{1, 3, 8, 8},
       {4, 3, 3, 3},
       convParams({1, 1}, {1, 1}, {1, 1, 1, 1}),
       false,
       DType::F16},
      {{1, 2, 5, 6, 7},
       {3, 2, 2, 3, 3},
       convParams({1, 2, 1}, {1, 1, 2}, {0, 1, 1, 1, 0, 2}),
       false,
       DType::F32},
  };
  ThreadPool pool(3);
  for (size_t ci = 0; ci < cases.size(); ++ci) {
    SCOPED_TRACE("case " + std::to_string(ci));
    Case &c = cases[ci];
    HostTensor x = randomTensor(c.x, 31).castTo(c.dtype);
    HostTensor w = randomTensor(c.w, 32).castTo(c.dtype);
    std::vector<int64_t> shape;
    ASSERT_TRUE((c.transposed ? convTransposeOutputShape(c.x, c.w, c.p, shape)
                              : convOutputShape(c.x, c.w, c.p, shape))
                    .ok());
    HostTensor expected(c.dtype, shape), y(c.dtype, shape);
    ASSERT_TRUE((c.transposed
                     ? convTranspose(x, w, nullptr, expected, c.p, nullptr)
                     : conv(x, w, nullptr, expected, c.p, nullptr))
                    .ok());
    std::vector<std::atomic<int>> seen(static_cast<size_t>(y.numElements()));
    std::atomic<int> wrong{0};
    c.p.outputReady = [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        seen[i]++;
        if (y.getAsDouble(i) != expected.getAsDouble(i))
          wrong++;
      }
    };
    ASSERT_TRUE((c.transposed ? convTranspose(x, w, nullptr, y, c.p, &pool)
                              : conv(x, w, nullptr, y, c.p, &pool))
                    .ok());
    EXPECT_EQ(wrong.load(), 0) << "values not final when reported";
    for (int64_t i = 0; i < y.numElements(); ++i)
      ASSERT_EQ(seen[i].load(), 1) << "element " << i;
  }
}
