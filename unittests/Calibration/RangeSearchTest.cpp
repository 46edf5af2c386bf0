//===- RangeSearchTest.cpp - Tests of the entropy, MSE and auto rules -----===//
//
// The histogram's quantization error against fake quantization of the
// values themselves; the MSE range against its closed form on uniform data
// and against a brute-force search on the exact values; the entropy
// threshold on a hand-computed 4-bin histogram and its limits; auto's
// choice; multithreaded observation against single-threaded.
//
//===----------------------------------------------------------------------===//

#include "npu/Calibration/RangeSearch.h"
#include "npu/Calibration/Observer.h"
#include "npu/Kernels/ThreadPool.h"

#include "Samples.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace npu::calib;
using namespace npu::calib::test;

namespace {

/// Student-t with 3 degrees of freedom: heavy tails, finite variance.
std::vector<float> heavyTailedSamples(size_t n, unsigned seed) {
  return studentTSamples(n, 3.0f, seed);
}

/// The lowering's int8 quantizer (docs/lowering.md) applied to the values:
/// sum of squared errors and cosine similarity, exactly.
struct Exact {
  double error = 0, cosine = 0;
};
Exact fakeQuantize(const std::vector<float> &values, Range r) {
  double s = (static_cast<double>(r.hi) - r.lo) / 255;
  double zp = std::clamp(std::nearbyint(-128 - r.lo / s), -128.0, 127.0);
  double xx = 0, qq = 0, xq = 0, err = 0;
  for (float v : values) {
    double q = std::clamp(std::nearbyint(v / s) + zp, -128.0, 127.0);
    double d = (q - zp) * s;
    err += (v - d) * (v - d);
    xx += static_cast<double>(v) * v;
    qq += d * d;
    xq += v * d;
  }
  return {err, xq / std::sqrt(xx * qq)};
}

HistogramObserver observeAll(const std::vector<float> &values) {
  HistogramObserver o;
  o.observe(values.data(), values.size());
  return o;
}

TEST(RangeSearchTest, ErrorMatchesFakeQuantization) {
  for (const std::vector<float> &values :
       {uniformSamples(200000, -1.0f, 3.0f, 1),
        heavyTailedSamples(200000, 2)}) {
    HistogramObserver o = observeAll(values);
    for (Range r : {Range{o.min(), o.max()}, Range{-0.5f, 1.5f},
                    Range{-2.0f, 5.0f}, Range{0.0f, 0.75f}}) {
      r = normalizeRange(r);
      QuantizationError model = quantizationError(o, r);
      Exact exact = fakeQuantize(values, r);
      EXPECT_NEAR(model.error, exact.error, 0.02 * exact.error)
          << "range [" << r.lo << ", " << r.hi << "]";
      EXPECT_NEAR(model.cosine(), exact.cosine, 2e-4)
          << "range [" << r.lo << ", " << r.hi << "]";
      EXPECT_EQ(model.count, values.size());
    }
  }
}

TEST(RangeSearchTest, ErrorOfAnEmptyObserverIsZero) {
  HistogramObserver o;
  QuantizationError e = quantizationError(o, {-1, 1});
  EXPECT_EQ(e.error, 0);
  EXPECT_EQ(e.cosine(), 1);
  EXPECT_EQ(normalizeRange({0, 0}).hi, mseRange(o).hi);
}

// Uniform on [0, 1), range [0, T]: E(T) = T (T/255)^2 / 12 + (1 - T)^3 / 3
// is least at T = 510/511.
TEST(RangeSearchTest, MseOnUniformMatchesClosedForm) {
  HistogramObserver o = observeAll(uniformSamples(400000, 0.0f, 1.0f, 3));
  Range r = mseRange(o);
  EXPECT_EQ(r.lo, 0.0f);
  EXPECT_NEAR(r.hi, 510.0 / 511.0, 0.003);
}

// Uniform on [-1, 1) (density 1/2): by symmetry the edges are 127 s and
// 128 s, and E(s) = sum over both sides of (1/2) [min(e, 1) s^2 / 12 +
// max(0, 1 - e)^3 / 3] is least at 255 s = 1.99771 (solved numerically).
TEST(RangeSearchTest, MseOnSymmetricUniform) {
  HistogramObserver o = observeAll(uniformSamples(400000, -1.0f, 1.0f, 4));
  Range r = mseRange(o);
  double s = (static_cast<double>(r.hi) - r.lo) / 255;
  EXPECT_NEAR(r.hi - r.lo, 1.99771, 0.004);
  EXPECT_LE(std::fabs(r.hi + r.lo), 1.01 * s);
  // The grid is exactly the quantizer's: zp is an integer.
  double zp = -128 - r.lo / s;
  EXPECT_NEAR(zp, std::nearbyint(zp), 1e-3);
}

// On heavy tails the MSE range clips, and its exact error is within 1 % of
// the best of a brute-force search over the exact values.
TEST(RangeSearchTest, MseBeatsBruteForceOnHeavyTails) {
  std::vector<float> values = heavyTailedSamples(20000, 5);
  HistogramObserver o = observeAll(values);
  Range r = mseRange(o);
  EXPECT_LT(r.hi, o.max());
  EXPECT_GT(r.lo, o.min());
  double found = fakeQuantize(values, r).error;
  double best = fakeQuantize(values, normalizeRange({o.min(), o.max()})).error;
  double sMax = (static_cast<double>(o.max()) - o.min()) / 255;
  for (int i = 0; i <= 96; ++i) {
    double s = sMax * std::exp2(-i / 12.0);
    for (int k = 0; k <= 255; k += 3)
      best = std::min(best,
                      fakeQuantize(values, {static_cast<float>(-(255 - k) * s),
                                            static_cast<float>(k * s)})
                          .error);
  }
  EXPECT_LE(found, 1.01 * best);
  MethodOptions percentile;
  EXPECT_LE(found, fakeQuantize(values, *o.range(percentile)).error);
}

// Bins of width 1: counts 2, 2, 8, 1, 2 levels. Keeping i bins (the tail
// added to the last), P against P's i bins merged into 2 groups:
//   i = 2: P = [2, 11]/13,    Q = [2, 2]/4:         KL = 0.2638
//   i = 3: P = [2, 2, 9]/13,  Q = [2, 5, 5]/12:      KL = 0.1859
//   i = 4: P = [2, 2, 8, 1]/13, Q = [2, 2, 4.5, 4.5]/13: KL = 0.2384
// so the threshold is 3 bins.
TEST(RangeSearchTest, EntropyThresholdOnHandComputedHistogram) {
  Histogram h(4);
  h.cover(3.5f);
  ASSERT_EQ(h.limit(), 4.0);
  for (auto [value, count] :
       {std::pair{0.5f, 2}, {1.5f, 2}, {2.5f, 8}, {3.5f, 1}})
    for (int i = 0; i < count; ++i)
      h.add(value);
  EXPECT_EQ(entropyThreshold(h, 3.5, 2), 3.0);
  // With as many levels as bins nothing is lost: the largest magnitude.
  EXPECT_EQ(entropyThreshold(h, 3.5, 4), 3.5);
  EXPECT_EQ(entropyThreshold(Histogram(4), 0, 2), 0.0);
}

TEST(RangeSearchTest, EntropyKeepsUniformAndSplitsLevelsPerSign) {
  // Clipping uniform data piles the tail into the last bin: never better.
  std::vector<float> values = uniformSamples(100000, 0.0f, 1.0f, 6);
  HistogramObserver o = observeAll(values);
  Range r = entropyRange(o);
  EXPECT_EQ(r.lo, 0.0f);
  EXPECT_EQ(r.hi, o.max());
  // A few distinct values: fewer bins in use than levels, the exact range.
  std::vector<float> few = {-0.25f, 0.5f, 1.0f, 2.0f};
  Range f = entropyRange(observeAll(few));
  EXPECT_EQ(f.lo, -0.25f);
  EXPECT_EQ(f.hi, 2.0f);
}

TEST(RangeSearchTest, EntropyClipsASparseTail) {
  // A Laplace bulk (scale 1) and a thin far tail on each side: TensorRT's
  // rule clips the tail, keeping the bulk.
  std::mt19937 gen(7);
  std::exponential_distribution<float> dist(1.0f);
  std::vector<float> values;
  for (int i = 0; i < 200000; ++i)
    values.push_back(i % 2 ? dist(gen) : -dist(gen));
  for (int i = 0; i < 20; ++i) {
    values.push_back(100.0f + i);
    values.push_back(-100.0f - i);
  }
  Range r = entropyRange(observeAll(values));
  EXPECT_GT(r.hi, 5.0f);
  EXPECT_LT(r.hi, 50.0f);
  EXPECT_LT(r.lo, -5.0f);
  EXPECT_GT(r.lo, -50.0f);
}

TEST(RangeSearchTest, AutoTakesTheMostSimilarCandidate) {
  std::vector<float> values = heavyTailedSamples(50000, 8);
  HistogramObserver o = observeAll(values);
  MethodOptions options;
  options.method = CalibrationMethod::Auto;
  std::optional<Choice> choice = o.choose(options);
  ASSERT_TRUE(choice);
  double bestCosine = -1;
  CalibrationMethod best = CalibrationMethod::Auto;
  for (CalibrationMethod m :
       {CalibrationMethod::MinMax, CalibrationMethod::Percentile,
        CalibrationMethod::Entropy, CalibrationMethod::MSE}) {
    MethodOptions candidate = options;
    candidate.method = m;
    double cosine = quantizationError(o, *o.range(candidate)).cosine();
    if (cosine > bestCosine) {
      bestCosine = cosine;
      best = m;
    }
  }
  EXPECT_EQ(choice->method, best);
  EXPECT_NE(choice->method, CalibrationMethod::MinMax);
  options.method = best;
  EXPECT_EQ(choice->range.lo, o.range(options)->lo);
  EXPECT_EQ(choice->range.hi, o.range(options)->hi);
}

// Split over threads, the statistics are those of one thread.
TEST(RangeSearchTest, ThreadedObservationIsExact) {
  npu::kernels::ThreadPool pool(4);
  std::vector<float> withNaN = heavyTailedSamples(1 << 19, 9);
  withNaN[12345] = NAN;
  for (const std::vector<float> &values :
       {withNaN, heavyTailedSamples(1 << 19, 10)}) {
    HistogramObserver serial, threaded;
    serial.observe(values.data(), values.size());
    threaded.observe(values.data(), values.size(), &pool);
    EXPECT_EQ(serial.positive().bins(), threaded.positive().bins());
    EXPECT_EQ(serial.negative().bins(), threaded.negative().bins());
    EXPECT_EQ(serial.positive().total(), threaded.positive().total());
    EXPECT_EQ(serial.zeros(), threaded.zeros());
    EXPECT_EQ(serial.min(), threaded.min());
    EXPECT_EQ(serial.max(), threaded.max());
    EXPECT_EQ(serial.count(), threaded.count());
    EXPECT_EQ(serial.nonFinite(), threaded.nonFinite());
  }
}

} // namespace
