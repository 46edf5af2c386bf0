//===- Observer.cpp - Streamed per-tensor statistics for calibration ------===//
//
// Min-max and histogram observers, the power-of-two histogram and the rule
// that makes a range usable for int8.
//
//===----------------------------------------------------------------------===//

#include "npu/Calibration/Observer.h"

#include "npu/Calibration/RangeSearch.h"
#include "npu/Kernels/ThreadPool.h"

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
  case CalibrationMethod::Entropy:
    return "entropy";
  case CalibrationMethod::MSE:
    return "mse";
  case CalibrationMethod::Auto:
    return "auto";
  }
  return "?";
}

std::optional<CalibrationMethod> parseMethod(const std::string &name) {
  for (CalibrationMethod m :
       {CalibrationMethod::MinMax, CalibrationMethod::Percentile,
        CalibrationMethod::Entropy, CalibrationMethod::MSE,
        CalibrationMethod::Auto})
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

namespace {

/// Buffers at least this long are split over a pool's threads.
constexpr int64_t kParallelChunk = int64_t(1) << 16;

struct Extremes {
  float lo = INFINITY, hi = -INFINITY;
  size_t finite = 0;
};

/// The exact extremes of a buffer that may hold NaN or infinities, which
/// leave them unchanged.
Extremes extremesOfAny(const float *data, size_t n) {
  Extremes e;
  for (size_t i = 0; i < n; ++i) {
    float v = data[i];
    bool ok = std::fabs(v) <= FLT_MAX;
    e.finite += ok;
    e.lo = ok && v < e.lo ? v : e.lo;
    e.hi = ok && v > e.hi ? v : e.hi;
  }
  return e;
}

Extremes extremesOf(const float *data, size_t n) {
  // Assume every value finite, in kLanes independent lanes without
  // branches (so that it vectorizes: three times the scalar loop's speed),
  // and fall back to the exact scalar loop when a lane saw a NaN or an
  // infinity.
  constexpr size_t kLanes = 16;
  float lo[kLanes], hi[kLanes];
  unsigned bad[kLanes];
  for (size_t l = 0; l < kLanes; ++l) {
    lo[l] = INFINITY;
    hi[l] = -INFINITY;
    bad[l] = 0;
  }
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (size_t l = 0; l < kLanes; ++l) {
      float v = data[i + l];
      bad[l] |= !(std::fabs(v) <= FLT_MAX);
      lo[l] = v < lo[l] ? v : lo[l];
      hi[l] = v > hi[l] ? v : hi[l];
    }
  unsigned anyBad = 0;
  for (size_t l = 0; l < kLanes; ++l)
    anyBad |= bad[l];
  for (size_t j = i; j < n; ++j)
    anyBad |= !(std::fabs(data[j]) <= FLT_MAX);
  if (anyBad)
    return extremesOfAny(data, n);
  Extremes e;
  for (size_t l = 0; l < kLanes; ++l) {
    e.lo = lo[l] < e.lo ? lo[l] : e.lo;
    e.hi = hi[l] > e.hi ? hi[l] : e.hi;
  }
  for (; i < n; ++i) {
    e.lo = data[i] < e.lo ? data[i] : e.lo;
    e.hi = data[i] > e.hi ? data[i] : e.hi;
  }
  e.finite = n;
  return e;
}

} // namespace

size_t Observer::updateExtremes(const float *data, size_t n,
                                kernels::ThreadPool *pool) {
  Extremes e;
  if (kernels::poolThreads(pool) > 1 &&
      n >= 2 * static_cast<size_t>(kParallelChunk)) {
    std::vector<Extremes> parts(static_cast<size_t>(pool->numThreads()));
    size_t per = (n + parts.size() - 1) / parts.size();
    kernels::parallelFor(pool, static_cast<int64_t>(parts.size()),
                         [&](int64_t c) {
                           size_t begin = static_cast<size_t>(c) * per;
                           size_t end = std::min(n, begin + per);
                           if (begin < end)
                             parts[c] = extremesOf(data + begin, end - begin);
                         });
    for (const Extremes &p : parts) {
      e.lo = std::min(e.lo, p.lo);
      e.hi = std::max(e.hi, p.hi);
      e.finite += p.finite;
    }
  } else {
    e = extremesOf(data, n);
  }
  nonFinite_ += n - e.finite;
  if (e.finite) {
    min_ = count_ ? std::min(min_, e.lo) : e.lo;
    max_ = count_ ? std::max(max_, e.hi) : e.hi;
    count_ += e.finite;
  }
  return e.finite;
}

void MinMaxObserver::observe(const float *data, size_t n,
                             kernels::ThreadPool *pool) {
  updateExtremes(data, n, pool);
}

bool MinMaxObserver::supports(CalibrationMethod method) const {
  return method == CalibrationMethod::MinMax;
}

std::optional<Choice>
MinMaxObserver::choose(const MethodOptions &options) const {
  if (!supports(options.method))
    return std::nullopt;
  return Choice{normalizeRange({min(), max()}), CalibrationMethod::MinMax};
}

HistogramObserver::HistogramObserver(size_t numBins)
    : positive_(numBins), negative_(numBins) {}

namespace {

/// Whether `s` is 0 or a power of two well inside float's range, so that
/// a float times `s` is exact in float.
bool isPowerOfTwoOrZero(double s) {
  if (s == 0)
    return true;
  int e = 0;
  return std::frexp(s, &e) == 0.5 && e > -100 && e < 100;
}

/// The bin index (sign * numBins + bin) of each of `m` finite covered
/// values at the scales of each sign, `negatives` and `zeros` counted.
template <typename Scale>
void binIndices(const float *data, size_t m, Scale positiveScale,
                Scale negativeScale, uint32_t last, uint32_t numBins,
                uint32_t *idx, uint32_t &negatives, uint32_t &zeros) {
  for (size_t j = 0; j < m; ++j) {
    float v = data[j];
    uint32_t neg = v < 0;
    negatives += neg;
    zeros += v == 0;
    Scale scale = neg ? negativeScale : positiveScale;
    // |v| * scale is in [0, numBins] for a covered value.
    uint32_t bin = uint32_t(int32_t(Scale(std::fabs(v)) * scale));
    idx[j] = (bin < last ? bin : last) + neg * numBins;
  }
}

} // namespace

void HistogramObserver::binFinite(const float *data, size_t n,
                                  uint64_t *positiveBins,
                                  uint64_t *negativeBins, size_t &negatives,
                                  size_t &zeros) const {
  // Without branches on the sign, which mispredict on mixed data; the
  // counters in locals (the bins could alias the out-parameters).
  const size_t numBins = positive_.bins_.size();
  const size_t last = numBins - 1;
  const double scales[2] = {positive_.scale_, negative_.scale_};
  size_t negs = 0, zers = 0;
  auto binOf = [&](float v, size_t neg) {
    // |v| * scale is in [0, numBins] for a covered value.
    int64_t bin = static_cast<int64_t>(std::fabs(v) * scales[neg]);
    return bin < int64_t(last) ? size_t(bin) : last;
  };
  constexpr size_t kLanes = 4;
  if (n < 16 * kLanes * numBins) {
    uint64_t *bins[2] = {positiveBins, negativeBins};
    for (size_t i = 0; i < n; ++i) {
      float v = data[i];
      size_t neg = v < 0;
      negs += neg;
      zers += v == 0;
      ++bins[neg][binOf(v, neg)];
    }
  } else {
    // Large buffers: the bin indices of a block first (a loop that
    // vectorizes), then kLanes interleaved 32-bit copies of both histograms
    // are counted, so that runs of values in one bin (ReLU's zeros, flat
    // regions) do not serialise on one counter; summed into the bins after
    // each block (short enough for 32-bit counts). With a power-of-two
    // scale (the default bin count) |v| * scale is exact in float, so the
    // float product bins exactly as the double one.
    bool floatExact =
        isPowerOfTwoOrZero(scales[0]) && isPowerOfTwoOrZero(scales[1]);
    constexpr size_t kBlock = size_t(1) << 30, kChunk = 512;
    std::vector<uint32_t> counts(kLanes * 2 * numBins);
    uint32_t idx[kChunk];
    for (size_t begin = 0; begin < n; begin += kBlock) {
      size_t end = std::min(n, begin + kBlock);
      std::fill(counts.begin(), counts.end(), 0u);
      uint32_t *c = counts.data();
      const size_t laneStride = 2 * numBins;
      for (size_t i = begin; i < end; i += kChunk) {
        size_t m = std::min(kChunk, end - i);
        uint32_t bn = 0, bz = 0;
        if (floatExact)
          binIndices(data + i, m, float(scales[0]), float(scales[1]),
                     uint32_t(last), uint32_t(numBins), idx, bn, bz);
        else
          binIndices(data + i, m, scales[0], scales[1], uint32_t(last),
                     uint32_t(numBins), idx, bn, bz);
        negs += bn;
        zers += bz;
        size_t j = 0;
        for (; j + kLanes <= m; j += kLanes)
          for (size_t lane = 0; lane < kLanes; ++lane)
            ++c[lane * laneStride + idx[j + lane]];
        for (; j < m; ++j)
          ++c[idx[j]];
      }
      for (size_t lane = 0; lane < kLanes; ++lane) {
        const uint32_t *pos = c + lane * laneStride, *neg = pos + numBins;
        for (size_t k = 0; k < numBins; ++k) {
          positiveBins[k] += pos[k];
          negativeBins[k] += neg[k];
        }
      }
    }
  }
  negatives = negs;
  zeros = zers;
}

void HistogramObserver::observe(const float *data, size_t n,
                                kernels::ThreadPool *pool) {
  size_t finite = updateExtremes(data, n, pool);
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
  // All finite. Zeros land in the positive histogram's bin 0 and are taken
  // out again. Chunks after the first count into bins of their own, added
  // afterwards: the sums do not depend on the split.
  size_t numBins = positive_.bins_.size();
  size_t negatives = 0, zeros = 0;
  if (kernels::poolThreads(pool) > 1 &&
      n >= 2 * static_cast<size_t>(kParallelChunk)) {
    size_t chunks = static_cast<size_t>(pool->numThreads());
    size_t per = (n + chunks - 1) / chunks;
    std::vector<uint64_t> local((chunks - 1) * 2 * numBins, 0);
    std::vector<size_t> negs(chunks, 0), zers(chunks, 0);
    kernels::parallelFor(pool, static_cast<int64_t>(chunks), [&](int64_t c) {
      size_t begin = static_cast<size_t>(c) * per;
      size_t end = std::min(n, begin + per);
      if (begin >= end)
        return;
      uint64_t *pos =
          c == 0 ? positive_.bins_.data() : &local[(c - 1) * 2 * numBins];
      uint64_t *neg = c == 0 ? negative_.bins_.data() : pos + numBins;
      binFinite(data + begin, end - begin, pos, neg, negs[c], zers[c]);
    });
    for (size_t c = 0; c < chunks; ++c) {
      negatives += negs[c];
      zeros += zers[c];
    }
    for (size_t c = 1; c < chunks; ++c) {
      const uint64_t *pos = &local[(c - 1) * 2 * numBins];
      for (size_t k = 0; k < numBins; ++k) {
        positive_.bins_[k] += pos[k];
        negative_.bins_[k] += pos[numBins + k];
      }
    }
  } else {
    binFinite(data, n, positive_.bins_.data(), negative_.bins_.data(),
              negatives, zeros);
  }
  positive_.bins_[0] -= zeros;
  positive_.total_ += n - negatives - zeros;
  negative_.total_ += negatives;
  zeros_ += zeros;
}

bool HistogramObserver::supports(CalibrationMethod method) const {
  return true;
}

std::optional<Choice>
HistogramObserver::choose(const MethodOptions &options) const {
  switch (options.method) {
  case CalibrationMethod::MinMax:
    return Choice{normalizeRange({min(), max()}), options.method};
  case CalibrationMethod::Percentile: {
    double fraction = std::clamp(options.percentile, 0.0, 100.0) / 100.0;
    if (options.symmetric) {
      Histogram both = positive_;
      both.merge(negative_);
      double largest = std::max(std::fabs(min()), std::fabs(max()));
      float t = static_cast<float>(std::min(both.quantile(fraction), largest));
      return Choice{normalizeRange({-t, t}), options.method};
    }
    // Each sign keeps `percentile` % of its own mass, never beyond what was
    // observed.
    float hi = static_cast<float>(
        std::min(positive_.quantile(fraction), static_cast<double>(max())));
    float lo = static_cast<float>(
        std::max(-negative_.quantile(fraction), static_cast<double>(min())));
    return Choice{normalizeRange({lo, hi}), options.method};
  }
  case CalibrationMethod::Entropy:
    return Choice{entropyRange(*this), options.method};
  case CalibrationMethod::MSE:
    return Choice{mseRange(*this), options.method};
  case CalibrationMethod::Auto: {
    // The candidate whose fake-quantized values are most similar to the
    // float values (cosine); the earlier candidate wins a tie.
    std::optional<Choice> best;
    double bestCosine = -2;
    for (CalibrationMethod m :
         {CalibrationMethod::MinMax, CalibrationMethod::Percentile,
          CalibrationMethod::Entropy, CalibrationMethod::MSE}) {
      MethodOptions candidate = options;
      candidate.method = m;
      std::optional<Choice> c = choose(candidate);
      double cosine = quantizationError(*this, c->range).cosine();
      if (cosine > bestCosine) {
        bestCosine = cosine;
        best = c;
      }
    }
    return best;
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
