//===- WeightRoundingTest.cpp - Tests of data-aware weight rounding -------===//
//
// The input moments against hand-computed patches (padding, stride,
// depthwise groups); GPTQ levels keep each channel's largest weight at
// +-127, stay in [-127, 127], and give a smaller output error dw^T H dw
// than nearest rounding on correlated inputs, where nearest rounding is
// worst: an edge filter on inputs with a large common mean.
//
//===----------------------------------------------------------------------===//

#include "npu/Calibration/WeightRounding.h"
#include "npu/Support/HostTensor.h"

#include "gtest/gtest.h"

#include <Eigen/Core>

#include <cmath>
#include <optional>
#include <random>

using namespace npu;
using namespace npu::calib;

namespace {

HostTensor tensorOf(std::vector<int64_t> shape, std::vector<float> values) {
  HostTensor t(DType::F32, std::move(shape));
  std::copy(values.begin(), values.end(), t.data<float>());
  return t;
}

TEST(WeightRoundingTest, MomentsOfPaddedPatches) {
  // 1 x 1 x 2 x 2 input [[1, 2], [3, 4]], 1 x 2 kernel, left pad 1,
  // stride 1: patches (0, 1), (1, 2), (0, 3), (3, 4).
  ConvWindow w;
  w.kh = 1;
  w.kw = 2;
  w.padLeft = 1;
  InputMoments m(w);
  ASSERT_TRUE(m.observe(tensorOf({1, 1, 2, 2}, {1, 2, 3, 4}), 100));
  EXPECT_EQ(m.count(), 4);
  std::vector<double> h = m.moments(0);
  ASSERT_EQ(h.size(), 4u);
  EXPECT_DOUBLE_EQ(h[0], (0 + 1 + 0 + 9) / 4.0);
  EXPECT_DOUBLE_EQ(h[1], (0 + 2 + 0 + 12) / 4.0);
  EXPECT_DOUBLE_EQ(h[2], h[1]);
  EXPECT_DOUBLE_EQ(h[3], (1 + 4 + 9 + 16) / 4.0);
  // A wrong channel count or rank adds nothing.
  EXPECT_FALSE(m.observe(tensorOf({1, 2, 1, 2}, {1, 2, 3, 4}), 100));
  EXPECT_FALSE(m.observe(tensorOf({4}, {1, 2, 3, 4}), 100));
  EXPECT_EQ(m.count(), 4);
}

TEST(WeightRoundingTest, EvenlySpacedPatches) {
  // 1 x 1 x 1 x 4 input, 1 x 1 kernel: 2 of the 4 positions, 0 and 2.
  ConvWindow w;
  w.kh = w.kw = 1;
  InputMoments m(w);
  ASSERT_TRUE(m.observe(tensorOf({1, 1, 1, 4}, {1, 10, 3, 10}), 2));
  EXPECT_EQ(m.count(), 2);
  EXPECT_DOUBLE_EQ(m.moments(0)[0], (1 + 9) / 2.0);
  // The budget per sample.
  EXPECT_EQ(roundingPatchesPerSample(1), 8192);
  EXPECT_EQ(roundingPatchesPerSample(16), 4096);
  EXPECT_EQ(roundingPatchesPerSample(1000), 1024);
}

TEST(WeightRoundingTest, RowsOfAMatrixProduct) {
  // [2, 2, 2]: four rows (1, 2), (3, 4), (5, 6), (7, 8); 2 taken: 0 and 2.
  ConvWindow w;
  w.channels = 2;
  w.rows = true;
  InputMoments m(w);
  ASSERT_TRUE(m.observe(tensorOf({2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}), 2));
  EXPECT_EQ(m.count(), 2);
  std::vector<double> h = m.moments(0);
  EXPECT_DOUBLE_EQ(h[0], (1 + 25) / 2.0);
  EXPECT_DOUBLE_EQ(h[1], (2 + 30) / 2.0);
  EXPECT_DOUBLE_EQ(h[3], (4 + 36) / 2.0);
  EXPECT_FALSE(m.observe(tensorOf({2, 3}, {1, 2, 3, 4, 5, 6}), 2));
}

TEST(WeightRoundingTest, DepthwiseMomentsPerChannel) {
  // 2 channels, 1 x 1 kernel, stride 2 over a 1 x 3 row: positions 0, 2.
  ConvWindow w;
  w.channels = 2;
  w.depthwise = true;
  w.strideW = 2;
  InputMoments m(w);
  ASSERT_TRUE(m.observe(tensorOf({1, 2, 1, 3}, {1, 5, 2, -1, 7, 3}), 100));
  EXPECT_EQ(m.count(), 2);
  EXPECT_DOUBLE_EQ(m.moments(0)[0], (1 + 4) / 2.0);
  EXPECT_DOUBLE_EQ(m.moments(1)[0], (1 + 9) / 2.0);
}

TEST(WeightRoundingTest, NearestMatchesTheLowering) {
  std::vector<float> w = {0.5f, -0.25f, 0.126f, 0.0f, 0.0f, 0.0f};
  std::vector<int32_t> q = nearestLevels(w.data(), 2, 3);
  std::vector<int32_t> expected = {127, -64, 32, 0, 0, 0};
  EXPECT_EQ(q, expected);
  std::vector<float> back = weightsOfLevels(w.data(), 2, 3, q);
  EXPECT_FLOAT_EQ(back[0], 0.5f);
  EXPECT_FLOAT_EQ(back[1], -64 * (0.5f / 127.0f));
  // The grid values quantize back to the same levels.
  EXPECT_EQ(nearestLevels(back.data(), 2, 3), q);
}

/// Output error dw^T H dw of the levels `q` (scale per row max|w| / 127).
double outputError(const std::vector<float> &w, int64_t rows, int64_t k,
                   const std::vector<int32_t> &q,
                   const std::vector<double> &h) {
  std::vector<float> wq = weightsOfLevels(w.data(), rows, k, q);
  double total = 0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < k; ++j)
        total += (double(wq[r * k + i]) - w[r * k + i]) * h[i * k + j] *
                 (double(wq[r * k + j]) - w[r * k + j]);
  return total;
}

TEST(WeightRoundingTest, GptqBeatsNearestOnCorrelatedInputs) {
  // Inputs with a large common mean (5) and small variations; nearly
  // cancelling 3x3 filters.
  ConvWindow win;
  win.kh = 3;
  win.kw = 3;
  InputMoments m(win);
  std::mt19937 gen(7);
  std::normal_distribution<float> noise(0.0f, 0.3f);
  std::vector<float> x(4 * 1 * 12 * 12);
  for (float &v : x)
    v = 5.0f + noise(gen);
  ASSERT_TRUE(m.observe(tensorOf({4, 1, 12, 12}, x), 1000));
  std::vector<double> h = m.moments(0);
  const int64_t rows = 8, k = 9;
  std::vector<float> w(rows * k);
  std::normal_distribution<float> weight(0.0f, 1.0f);
  for (int64_t r = 0; r < rows; ++r) {
    float sum = 0;
    for (int64_t i = 0; i < k; ++i)
      sum += w[r * k + i] = weight(gen);
    for (int64_t i = 0; i < k; ++i)
      w[r * k + i] -= sum / k; // zero sum: an edge filter
  }
  std::vector<int32_t> nearest = nearestLevels(w.data(), rows, k);
  std::vector<int32_t> gptq = *gptqLevels(w.data(), rows, k, h);
  ASSERT_EQ(gptq.size(), nearest.size());
  for (int64_t r = 0; r < rows; ++r) {
    int64_t keep = 0;
    for (int64_t i = 0; i < k; ++i) {
      EXPECT_LE(std::abs(gptq[r * k + i]), 127);
      if (std::fabs(w[r * k + i]) > std::fabs(w[r * k + keep]))
        keep = i;
    }
    EXPECT_EQ(gptq[r * k + keep], nearest[r * k + keep]) << "row " << r;
    EXPECT_EQ(std::abs(gptq[r * k + keep]), 127);
  }
  double eNearest = outputError(w, rows, k, nearest, h);
  double eGptq = outputError(w, rows, k, gptq, h);
  EXPECT_LT(eGptq, 0.1 * eNearest) << eGptq << " vs " << eNearest;
}

TEST(WeightRoundingTest, DegenerateInputsAreReported) {
  std::vector<float> w = {0.3f, -0.1f, 0.2f};
  // No observed patches (H = 0), H of the wrong size or not finite: none.
  EXPECT_FALSE(gptqLevels(w.data(), 1, 3, std::vector<double>(9, 0.0)));
  EXPECT_FALSE(gptqLevels(w.data(), 1, 3, std::vector<double>(4, 1.0)));
  std::vector<double> nan = {1, 0, 0, 0, NAN, 0, 0, 0, 1};
  EXPECT_FALSE(gptqLevels(w.data(), 1, 3, nan));
  // A zero row stays zero.
  std::vector<float> zeros(3, 0.0f);
  std::vector<double> eye = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  EXPECT_EQ(*gptqLevels(zeros.data(), 1, 3, eye), std::vector<int32_t>(3, 0));
  // Uncorrelated inputs of equal power: GPTQ is nearest rounding.
  EXPECT_EQ(*gptqLevels(w.data(), 1, 3, eye), nearestLevels(w.data(), 1, 3));
}

TEST(WeightRoundingTest, NonFinitePatchesAreLeftOut) {
  // Positions 0 and 2 finite, 1 NaN: the mean over the two finite ones.
  ConvWindow w;
  w.kh = w.kw = 1;
  InputMoments m(w);
  ASSERT_TRUE(m.observe(tensorOf({1, 1, 1, 3}, {1, NAN, 3}), 3));
  EXPECT_EQ(m.count(), 2);
  EXPECT_DOUBLE_EQ(m.moments(0)[0], (1 + 9) / 2.0);
}

} // namespace

// Eigen blocks its products by the cache sizes it reads from the CPU; the
// moments and levels must not follow them, or two hosts compile the same
// model and samples to different blobs (an AMD host's 48 KiB L1 / 1 MiB L2
// rounded PP-OCRv4's recogniser otherwise than an Intel host's caches).
TEST(WeightRoundingTest, SameOnEveryHostsCaches) {
  ConvWindow win;
  win.kh = win.kw = 3;
  win.channels = 64;
  std::mt19937 gen(11);
  std::normal_distribution<float> value(0.5f, 1.0f);
  std::vector<float> x(2 * 64 * 24 * 24);
  for (float &v : x)
    v = value(gen);
  const int64_t rows = 32, k = 9 * 64;
  std::vector<float> w(rows * k);
  for (float &v : w)
    v = value(gen);
  auto levelsWith = [&](std::ptrdiff_t l1, std::ptrdiff_t l2,
                        std::ptrdiff_t l3) {
    Eigen::setCpuCacheSizes(l1, l2, l3);
    InputMoments m(win);
    EXPECT_TRUE(m.observe(tensorOf({2, 64, 24, 24}, x), 1000));
    std::vector<double> h = m.moments(0);
    std::optional<std::vector<int32_t>> levels =
        gptqLevels(w.data(), rows, k, h);
    EXPECT_TRUE(levels.has_value());
    return std::make_pair(h, levels.value_or(std::vector<int32_t>()));
  };
  auto amd = levelsWith(48 * 1024, 1 << 20, 32 << 20);
  auto small = levelsWith(16 * 1024, 256 * 1024, 2 << 20);
  auto qemu = levelsWith(32 * 1024, 4 << 20, 16 << 20);
  EXPECT_TRUE(amd.first == small.first && amd.first == qemu.first)
      << "the moments' bits follow the cache sizes";
  EXPECT_EQ(amd.second, small.second);
  EXPECT_EQ(amd.second, qemu.second);
}
