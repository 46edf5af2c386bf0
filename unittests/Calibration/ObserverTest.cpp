//===- ObserverTest.cpp - Tests of the calibration observers --------------===//
//
// Min-max exactly; the power-of-two histogram's exact re-binning; the
// percentile rule on uniform and heavy-tailed data against a sorted,
// numpy-style (linear interpolation) reference, within one bin.
//
//===----------------------------------------------------------------------===//

#include "npu/Calibration/Observer.h"

#include "Samples.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace npu::calib;
using namespace npu::calib::test;

namespace {

/// numpy.percentile(values, p) with the default linear interpolation.
double numpyPercentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  double rank = p / 100.0 * static_cast<double>(values.size() - 1);
  size_t below = static_cast<size_t>(std::floor(rank));
  size_t above = std::min(below + 1, values.size() - 1);
  double t = rank - static_cast<double>(below);
  return values[below] + t * (values[above] - values[below]);
}

/// True if `value` is within `width` (one bin) of the sorted reference:
/// between the order statistics around rank p * (n - 1) (numpy) and
/// p * n (the histogram's mass-based rank), widened by one bin. Where data
/// are dense this is numpy's value +- one bin; in a sparse tail, adjacent
/// order statistics may be further apart than a bin and either is right.
::testing::AssertionResult
withinOneBin(double value, std::vector<double> values, double p, double width) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  double q = p / 100.0;
  size_t lo = static_cast<size_t>(std::floor(q * static_cast<double>(n - 1)));
  size_t hi = std::min(n - 1, static_cast<size_t>(std::ceil(q * n)));
  double reference = numpyPercentile(values, p);
  double lower = std::min(values[lo], reference) - width;
  double upper = std::max(values[hi], reference) + width;
  if (value >= lower && value <= upper)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << value << " is outside [" << lower << ", " << upper
         << "] (numpy: " << reference << ", bin " << width << ", p " << p
         << ")";
}

/// Student-t with 2 degrees of freedom: heavy tails (infinite variance).
std::vector<float> heavyTailedSamples(size_t n, unsigned seed) {
  return studentTSamples(n, 2.0f, seed);
}

/// Feeds values in uneven buffers, as the interpreter's tensors would come.
void observeInChunks(Observer &o, const std::vector<float> &v) {
  size_t chunks[] = {1, 7, 1000, 33};
  size_t at = 0, c = 0;
  while (at < v.size()) {
    size_t n = std::min(chunks[c++ % 4], v.size() - at);
    o.observe(v.data() + at, n);
    at += n;
  }
}

TEST(ObserverTest, MinMaxIsExact) {
  MinMaxObserver o;
  std::vector<float> a = {0.5f, -2.25f, 3.0f};
  std::vector<float> b = {7.125f, -1.0f};
  o.observe(a.data(), a.size());
  o.observe(b.data(), b.size());
  EXPECT_EQ(o.min(), -2.25f);
  EXPECT_EQ(o.max(), 7.125f);
  EXPECT_EQ(o.count(), 5u);
  auto r = o.range({CalibrationMethod::MinMax});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->lo, -2.25f);
  EXPECT_EQ(r->hi, 7.125f);
  EXPECT_FALSE(o.range({CalibrationMethod::Percentile}));
}

TEST(ObserverTest, NonFiniteValuesAreCountedAndIgnored) {
  HistogramObserver o;
  std::vector<float> v = {1.0f, NAN, INFINITY, -INFINITY, -3.0f};
  o.observe(v.data(), v.size());
  EXPECT_EQ(o.count(), 2u);
  EXPECT_EQ(o.nonFinite(), 3u);
  EXPECT_EQ(o.min(), -3.0f);
  EXPECT_EQ(o.max(), 1.0f);
}

TEST(ObserverTest, RangesIncludeZeroAndAreNeverEmpty) {
  MinMaxObserver positive;
  std::vector<float> p = {2.0f, 3.0f};
  positive.observe(p.data(), p.size());
  auto r = positive.range({CalibrationMethod::MinMax});
  EXPECT_EQ(r->lo, 0.0f);
  EXPECT_EQ(r->hi, 3.0f);

  MinMaxObserver zeros;
  std::vector<float> z(10, 0.0f);
  zeros.observe(z.data(), z.size());
  r = zeros.range({CalibrationMethod::MinMax});
  EXPECT_EQ(r->lo, -kTinyRange);
  EXPECT_EQ(r->hi, kTinyRange);

  MinMaxObserver empty;
  r = empty.range({CalibrationMethod::MinMax});
  EXPECT_LT(r->lo, r->hi);

  Range n = normalizeRange({-5.0f, -1.0f});
  EXPECT_EQ(n.lo, -5.0f);
  EXPECT_EQ(n.hi, 0.0f);
}

TEST(HistogramTest, GrowsByExactDoubling) {
  // The same values in one buffer or in growing order give the same bins.
  Histogram once(8), grown(8);
  std::vector<float> v = {0.1f, 0.3f, 0.9f, 1.5f, 3.7f, 0.05f};
  once.cover(3.7f);
  for (float x : v)
    once.add(x);
  for (float x : v) {
    grown.cover(x);
    grown.add(x);
  }
  EXPECT_EQ(once.limit(), 4.0);
  EXPECT_EQ(grown.limit(), 4.0);
  EXPECT_EQ(once.bins(), grown.bins());
  // Bins of width 0.5: [0, 0.5) has 0.05, 0.1, 0.3; [0.5, 1) 0.9; ...
  std::vector<uint64_t> expected = {3, 1, 0, 1, 0, 0, 0, 1};
  EXPECT_EQ(once.bins(), expected);
  EXPECT_EQ(once.total(), 6u);
}

TEST(HistogramTest, LimitIsThePowerOfTwoAboveTheFirstValue) {
  Histogram h(16);
  h.cover(1.0f); // exactly a power of two: the limit must exceed it
  EXPECT_EQ(h.limit(), 2.0);
  h.cover(0.3f);
  EXPECT_EQ(h.limit(), 2.0);
  h.cover(2.0f);
  EXPECT_EQ(h.limit(), 4.0);
}

TEST(HistogramTest, QuantileInterpolatesInsideTheBin) {
  Histogram h(4);
  h.cover(3.0f); // limit 4, bins of width 1
  for (float x : {0.5f, 1.5f, 1.6f, 2.5f})
    h.add(x);
  EXPECT_DOUBLE_EQ(h.quantile(0.25), 1.0); // end of the first bin
  EXPECT_DOUBLE_EQ(h.quantile(0.5), 1.5);  // half way through the second
  EXPECT_DOUBLE_EQ(h.quantile(1.0), 3.0);
}

TEST(ObserverTest, PercentileOnUniform) {
  std::vector<float> v = uniformSamples(200000, -1.0f, 3.0f, 1);
  HistogramObserver o;
  observeInChunks(o, v);
  std::vector<double> pos, neg, mag;
  for (float x : v) {
    if (x > 0)
      pos.push_back(x);
    if (x < 0)
      neg.push_back(-x);
    mag.push_back(std::fabs(x));
  }
  for (double p : {99.99, 99.0, 90.0}) {
    auto r = o.range({CalibrationMethod::Percentile, p, false});
    ASSERT_TRUE(r);
    EXPECT_NEAR(r->hi, numpyPercentile(pos, p), o.positive().binWidth())
        << "p=" << p;
    EXPECT_NEAR(r->lo, -numpyPercentile(neg, p), o.negative().binWidth())
        << "p=" << p;
    auto s = o.range({CalibrationMethod::Percentile, p, true});
    double t = numpyPercentile(mag, p);
    double width = std::max(o.positive().binWidth(), o.negative().binWidth());
    EXPECT_NEAR(s->hi, t, width) << "p=" << p;
    EXPECT_EQ(s->lo, -s->hi);
  }
  // 100 % is the observed extremes.
  auto all = o.range({CalibrationMethod::Percentile, 100.0, false});
  EXPECT_EQ(all->hi, o.max());
  EXPECT_EQ(all->lo, o.min());
}

TEST(ObserverTest, PercentileOnHeavyTail) {
  std::vector<float> v = heavyTailedSamples(300000, 2);
  HistogramObserver o;
  observeInChunks(o, v);
  std::vector<double> pos, neg;
  for (float x : v) {
    if (x > 0)
      pos.push_back(x);
    if (x < 0)
      neg.push_back(-x);
  }
  for (double p : {99.99, 99.9, 99.0}) {
    auto r = o.range({CalibrationMethod::Percentile, p, false});
    EXPECT_TRUE(withinOneBin(r->hi, pos, p, o.positive().binWidth()));
    EXPECT_TRUE(withinOneBin(-r->lo, neg, p, o.negative().binWidth()));
  }
  // The tails are clipped: 99 % is far inside the min-max range.
  auto r99 = o.range({CalibrationMethod::Percentile, 99.0, false});
  EXPECT_LT(r99->hi, 0.2f * o.max());
}

TEST(ObserverTest, PercentileIgnoresZerosAndKeepsThemInRange) {
  // A ReLU output: half zeros, the rest uniform on (0, 1].
  std::vector<float> v = uniformSamples(100000, 0.0f, 1.0f, 3);
  v.resize(200000, 0.0f);
  HistogramObserver o;
  observeInChunks(o, v);
  EXPECT_EQ(o.zeros(), 100000u);
  auto r = o.range({CalibrationMethod::Percentile, 99.0, false});
  EXPECT_EQ(r->lo, 0.0f);
  EXPECT_NEAR(r->hi, 0.99f, o.positive().binWidth());
}

TEST(ObserverTest, FastAndCheckedBinningAgree) {
  // A buffer with a NaN takes the checked path, one without the branch-free
  // path: the same finite values give the same histograms.
  std::vector<float> v = heavyTailedSamples(5000, 4);
  for (size_t i = 0; i < v.size(); i += 7)
    v[i] = 0.0f;
  std::vector<float> withNaN = v;
  withNaN.push_back(NAN);
  HistogramObserver fast, checked;
  fast.observe(v.data(), v.size());
  checked.observe(withNaN.data(), withNaN.size());
  EXPECT_EQ(fast.positive().bins(), checked.positive().bins());
  EXPECT_EQ(fast.negative().bins(), checked.negative().bins());
  EXPECT_EQ(fast.positive().total(), checked.positive().total());
  EXPECT_EQ(fast.negative().total(), checked.negative().total());
  EXPECT_EQ(fast.zeros(), checked.zeros());
  EXPECT_EQ(fast.zeros() + fast.positive().total() + fast.negative().total(),
            v.size());
}

TEST(ObserverTest, LargeBuffersBinLikeSmallOnes) {
  // Buffers of more than 16 x 4 x numBins values are binned into
  // interleaved lanes; the histograms must equal those of the same values
  // in small buffers (one counter per bin) and of the checked path. Runs of
  // zeros (ReLU outputs) and of one value exercise the lanes.
  std::vector<float> v = heavyTailedSamples(300000, 9);
  for (size_t i = 0; i < v.size(); i += 3)
    v[i] = 0.0f;
  for (size_t i = 1000; i < 9000; ++i)
    v[i] = -0.25f;
  HistogramObserver large, small, checked;
  large.observe(v.data(), v.size());
  std::vector<float> withNaN = v;
  withNaN.push_back(NAN);
  checked.observe(withNaN.data(), withNaN.size());
  for (size_t i = 0; i < v.size(); i += 1000)
    small.observe(v.data() + i, std::min<size_t>(1000, v.size() - i));
  for (const HistogramObserver *o : {&small, &checked}) {
    EXPECT_EQ(large.positive().limit(), o->positive().limit());
    EXPECT_EQ(large.positive().bins(), o->positive().bins());
    EXPECT_EQ(large.negative().bins(), o->negative().bins());
    EXPECT_EQ(large.zeros(), o->zeros());
    EXPECT_EQ(large.min(), o->min());
    EXPECT_EQ(large.max(), o->max());
  }
  EXPECT_EQ(large.zeros() + large.positive().total() + large.negative().total(),
            v.size());
}

TEST(ObserverTest, ExtremesOfLargeBuffersSkipNonFinite) {
  // The vectorized extremes fall back to the exact loop on NaN / infinity
  // anywhere in a large buffer.
  std::vector<float> v(200003, 1.5f);
  v[7] = -2.0f;
  v[150001] = 3.0f;
  v[99999] = NAN;
  v[200002] = -INFINITY;
  MinMaxObserver o;
  o.observe(v.data(), v.size());
  EXPECT_EQ(o.min(), -2.0f);
  EXPECT_EQ(o.max(), 3.0f);
  EXPECT_EQ(o.count(), v.size() - 2);
  EXPECT_EQ(o.nonFinite(), 2u);
  std::vector<float> finite(v.begin(), v.begin() + 99999);
  MinMaxObserver f;
  f.observe(finite.data(), finite.size());
  EXPECT_EQ(f.min(), -2.0f);
  EXPECT_EQ(f.max(), 1.5f);
  EXPECT_EQ(f.count(), finite.size());
}

TEST(ObserverTest, MethodNames) {
  EXPECT_EQ(parseMethod("minmax"), CalibrationMethod::MinMax);
  EXPECT_EQ(parseMethod("percentile"), CalibrationMethod::Percentile);
  EXPECT_EQ(parseMethod("entropy"), CalibrationMethod::Entropy);
  EXPECT_EQ(parseMethod("mse"), CalibrationMethod::MSE);
  EXPECT_EQ(parseMethod("auto"), CalibrationMethod::Auto);
  for (CalibrationMethod m :
       {CalibrationMethod::MinMax, CalibrationMethod::Percentile,
        CalibrationMethod::Entropy, CalibrationMethod::MSE,
        CalibrationMethod::Auto})
    EXPECT_EQ(parseMethod(methodName(m)), m);
  EXPECT_FALSE(parseMethod("kl"));
  EXPECT_TRUE(createObserver(CalibrationMethod::Percentile)
                  ->supports(CalibrationMethod::MinMax));
}

} // namespace
