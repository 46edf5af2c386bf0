//===- Observer.cpp - Streamed per-tensor statistics for calibration ------===//
//
// Min-max and histogram observers, the power-of-two histogram and the rule
// that makes a range usable for int8.
//
//===----------------------------------------------------------------------===//

#include "npu/Calibration/Observer.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace npu::calib {

const char *methodName(CalibrationMethod method) {
  switch (method) {
  case CalibrationMethod::MinMax:
    return "minmax";
  case CalibrationMethod::Percentile:
    return "percentile";
  }
  return "?";
}

std::optional<CalibrationMethod> parseMethod(const std::string &name) {
  for (CalibrationMethod m :
       {CalibrationMethod::MinMax, CalibrationMethod::Percentile})
    if (name == methodName(m))
      return m;
  return std::nullopt;
}

Range normalizeRange(Range r) {
  // (+0, not -0, when a bound is zero.)
  r.lo = r.lo < 0 ? r.lo : 0.0f;
  r.hi = r.hi > 0 ? r.hi : 0.0f;
  if (!(r.hi - r.lo >= 2 * kTinyRange)) {
    r.lo = std::min(r.lo, -kTinyRange);
    r.hi = std::max(r.hi, kTinyRange);
  }
  return r;
}

//===----------------------------------------------------------------------===//
// Histogram
//===----------------------------------------------------------------------===//

Histogram::Histogram(size_t numBins)
    : bins_(std::max<size_t>(2, (numBins + 1) & ~size_t(1))) {}

void Histogram::doubleLimit() {
  // New bin k covers old bins 2k and 2k + 1 exactly.
  size_t half = bins_.size() / 2;
  for (size_t k = 0; k < half; ++k)
    bins_[k] = bins_[2 * k] + bins_[2 * k + 1];
  std::fill(bins_.begin() + static_cast<std::ptrdiff_t>(half), bins_.end(), 0);
  limit_ *= 2;
  scale_ = static_cast<double>(bins_.size()) / limit_;
}

void Histogram::cover(float magnitude) {
  if (!(magnitude > 0))
    return;
  if (limit_ == 0) {
    // The smallest power of two above the magnitude: m * 2^e, m in [0.5, 1).
    int exponent;
    std::frexp(static_cast<double>(magnitude), &exponent);
    limit_ = std::ldexp(1.0, exponent);
    scale_ = static_cast<double>(bins_.size()) / limit_;
    return;
  }
  while (static_cast<double>(magnitude) >= limit_)
    doubleLimit();
}

void Histogram::merge(const Histogram &other) {
  if (other.total_ == 0 || bins_.size() != other.bins_.size())
    return;
  if (total_ == 0) {
    *this = other;
    return;
  }
  Histogram grown = other;
  while (limit_ < grown.limit_)
    doubleLimit();
  while (grown.limit_ < limit_)
    grown.doubleLimit();
  for (size_t k = 0; k < bins_.size(); ++k)
    bins_[k] += grown.bins_[k];
  total_ += grown.total_;
}

double Histogram::quantile(double fraction) const {
  if (total_ == 0)
    return 0;
  fraction = std::clamp(fraction, 0.0, 1.0);
  double target = fraction * static_cast<double>(total_);
  double cumulative = 0;
  double width = binWidth();
  for (size_t k = 0; k < bins_.size(); ++k) {
    double count = static_cast<double>(bins_[k]);
    if (count == 0)
      continue;
    if (cumulative + count >= target)
      return (static_cast<double>(k) + (target - cumulative) / count) * width;
    cumulative += count;
  }
  return limit_;
}

//===----------------------------------------------------------------------===//
// Observers
//===----------------------------------------------------------------------===//

Observer::~Observer() = default;

size_t Observer::updateExtremes(const float *data, size_t n) {
  // Branch-free so that it vectorizes: a non-finite value (|v| > FLT_MAX or
  // NaN) leaves the extremes unchanged.
  float lo = INFINITY, hi = -INFINITY;
  size_t finite = 0;
  for (size_t i = 0; i < n; ++i) {
    float v = data[i];
    bool ok = std::fabs(v) <= FLT_MAX;
    finite += ok;
    lo = ok && v < lo ? v : lo;
    hi = ok && v > hi ? v : hi;
  }
  nonFinite_ += n - finite;
  if (finite) {
    min_ = count_ ? std::min(min_, lo) : lo;
    max_ = count_ ? std::max(max_, hi) : hi;
    count_ += finite;
  }
  return finite;
}

void MinMaxObserver::observe(const float *data, size_t n) {
  updateExtremes(data, n);
}

bool MinMaxObserver::supports(CalibrationMethod method) const {
  return method == CalibrationMethod::MinMax;
}

std::optional<Range> MinMaxObserver::range(const MethodOptions &options) const {
  if (!supports(options.method))
    return std::nullopt;
  return normalizeRange({min(), max()});
}

HistogramObserver::HistogramObserver(size_t numBins)
    : positive_(numBins), negative_(numBins) {}

void HistogramObserver::observe(const float *data, size_t n) {
  size_t finite = updateExtremes(data, n);
  if (!finite)
    return;
  // Grow once per buffer, then bin every value.
  positive_.cover(max_);
  negative_.cover(-min_);
  if (finite != n) {
    for (size_t i = 0; i < n; ++i) {
      float v = data[i];
      if (v > 0 && v <= max_)
        positive_.add(v);
      else if (v < 0 && v >= min_)
        negative_.add(-v);
      else if (v == 0)
        ++zeros_;
    }
    return;
  }
  // All finite: without branches on the sign, which mispredict on mixed
  // data. Zeros land in the positive histogram's bin 0 and are taken out
  // again.
  uint64_t *bins[2] = {positive_.bins_.data(), negative_.bins_.data()};
  double scales[2] = {positive_.scale_, negative_.scale_};
  size_t last = positive_.bins_.size() - 1;
  size_t negatives = 0, zeros = 0;
  for (size_t i = 0; i < n; ++i) {
    float v = data[i];
    size_t neg = v < 0;
    negatives += neg;
    zeros += v == 0;
    size_t bin = static_cast<size_t>(std::fabs(v) * scales[neg]);
    ++bins[neg][bin < last ? bin : last];
  }
  positive_.bins_[0] -= zeros;
  positive_.total_ += n - negatives - zeros;
  negative_.total_ += negatives;
  zeros_ += zeros;
}

bool HistogramObserver::supports(CalibrationMethod method) const {
  return method == CalibrationMethod::MinMax ||
         method == CalibrationMethod::Percentile;
}

std::optional<Range>
HistogramObserver::range(const MethodOptions &options) const {
  switch (options.method) {
  case CalibrationMethod::MinMax:
    return normalizeRange({min(), max()});
  case CalibrationMethod::Percentile: {
    double fraction = std::clamp(options.percentile, 0.0, 100.0) / 100.0;
    if (options.symmetric) {
      Histogram both = positive_;
      both.merge(negative_);
      double largest = std::max(std::fabs(min()), std::fabs(max()));
      float t = static_cast<float>(std::min(both.quantile(fraction), largest));
      return normalizeRange({-t, t});
    }
    // Each sign keeps `percentile` % of its own mass, never beyond what was
    // observed.
    float hi = static_cast<float>(
        std::min(positive_.quantile(fraction), static_cast<double>(max())));
    float lo = static_cast<float>(
        std::max(-negative_.quantile(fraction), static_cast<double>(min())));
    return normalizeRange({lo, hi});
  }
  }
  return std::nullopt;
}

std::unique_ptr<Observer> createObserver(CalibrationMethod method) {
  if (method == CalibrationMethod::MinMax)
    return std::make_unique<MinMaxObserver>();
  return std::make_unique<HistogramObserver>();
}

} // namespace npu::calib
