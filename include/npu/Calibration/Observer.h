//===- Observer.h - Streamed per-tensor calibration statistics --*- C++ -*-===//
//
// Observers see the values a tensor takes over all calibration samples, one
// buffer at a time, and choose the float range [lo, hi] that int8
// quantization will map onto. Memory never grows with the number of
// samples: min-max keeps two numbers, the histogram observer a fixed number
// of bins. Plain C++ (no MLIR, no LLVM).
//
// Methods (docs/calibration.md has the rules):
//   - minmax:     the observed minimum and maximum;
//   - percentile: the range that keeps `percentile` % of the |values| mass,
//                 for each sign separately, or of both signs together when
//                 symmetric;
//   - entropy:    each sign's KL-divergence threshold (TensorRT's entropy
//                 calibration), levels split between the signs;
//   - mse:        the range minimizing the expected squared error of the
//                 int8 quantizer, clipping included;
//   - auto:       of the four ranges above, the one whose fake-quantized
//                 values have the highest cosine similarity to the float
//                 values.
// The searches are in RangeSearch.h.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_CALIBRATION_OBSERVER_H
#define NPU_CALIBRATION_OBSERVER_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace npu::kernels {
class ThreadPool;
} // namespace npu::kernels

namespace npu::calib {

enum class CalibrationMethod {
  MinMax,
  Percentile,
  Entropy,
  MSE,
  Auto,
};

/// "minmax", "percentile", "entropy", "mse", "auto".
const char *methodName(CalibrationMethod method);
/// Parses a name produced by methodName.
std::optional<CalibrationMethod> parseMethod(const std::string &name);

/// Whether `p` is a percentile the percentile method takes: a percent of
/// each sign's values in [50, 100]. Below 50 more than half of them would
/// saturate (a fraction given for a percent, 0.9999 for 99.99, compiled
/// silently to ranges a few hundredths wide).
inline bool validPercentile(double p) { return p >= 50 && p <= 100; }

/// How a range is chosen from the statistics.
struct MethodOptions {
  CalibrationMethod method = CalibrationMethod::Percentile;
  /// Percentile method: the mass (in %, in [50, 100]) the range keeps.
  double percentile = 99.99;
  /// Percentile method: one threshold T for |values| of both signs, range
  /// [-T, T], instead of one per sign.
  bool symmetric = false;
};

struct Range {
  float lo = 0;
  float hi = 0;
};

/// A chosen range and the method that chose it (for auto: the method that
/// won; otherwise the method asked for).
struct Choice {
  Range range;
  CalibrationMethod method = CalibrationMethod::MinMax;
};

/// Half-width of the range given to tensors whose values are all (nearly)
/// zero: 2^-20.
constexpr float kTinyRange = 9.5367431640625e-07f;

/// Makes a range usable for int8: it includes 0 (so that the zero point
/// represents 0 exactly) and hi > lo (a range narrower than 2 * kTinyRange,
/// i.e. an all-zero tensor, becomes at least [-kTinyRange, kTinyRange]).
Range normalizeRange(Range r);

/// Counts of magnitudes of one sign over [0, limit) in a fixed number of
/// equal bins. `limit` is a power of two; when a value reaches it, the limit
/// doubles and adjacent pairs of bins merge, which is exact (no value
/// changes bin relative to the others), so the histogram after N samples
/// does not depend on how they were split into buffers.
class Histogram {
public:
  /// `numBins` must be even and > 0 (rounded up otherwise).
  explicit Histogram(size_t numBins = 2048);

  /// Grows the limit (by doubling) until it exceeds `magnitude` (>= 0).
  void cover(float magnitude);
  /// Adds a magnitude already covered (cover() first).
  void add(float magnitude) {
    size_t bin = static_cast<size_t>(static_cast<double>(magnitude) * scale_);
    ++bins_[bin < bins_.size() ? bin : bins_.size() - 1];
    ++total_;
  }
  /// Adds another histogram of as many bins (the smaller limit is grown to
  /// the larger; a histogram of another bin count is ignored).
  void merge(const Histogram &other);

  /// The magnitude below which `fraction` (in [0, 1]) of the counted mass
  /// lies, interpolated linearly inside its bin; 0 when empty.
  double quantile(double fraction) const;

  uint64_t total() const { return total_; }
  double limit() const { return limit_; }
  size_t numBins() const { return bins_.size(); }
  double binWidth() const { return limit_ / static_cast<double>(numBins()); }
  const std::vector<uint64_t> &bins() const { return bins_; }

private:
  friend class HistogramObserver; // bins values without per-value checks
  void doubleLimit();

  std::vector<uint64_t> bins_;
  double limit_ = 0; ///< 0 until the first non-zero magnitude
  double scale_ = 0; ///< numBins / limit
  uint64_t total_ = 0;
};

/// Statistics of one tensor over all samples.
class Observer {
public:
  virtual ~Observer();

  /// Adds values. NaN and infinities are counted (nonFinite()) and
  /// otherwise ignored. With a pool, large buffers are split over its
  /// threads; the statistics are the same as without.
  virtual void observe(const float *data, size_t n,
                       kernels::ThreadPool *pool = nullptr) = 0;

  /// True if this observer keeps what `method` needs.
  virtual bool supports(CalibrationMethod method) const = 0;
  /// The chosen range, normalized (normalizeRange), and the method that
  /// chose it; nullopt if the method is not supported by this observer.
  virtual std::optional<Choice> choose(const MethodOptions &options) const = 0;
  /// choose()'s range.
  std::optional<Range> range(const MethodOptions &options) const {
    if (std::optional<Choice> c = choose(options))
      return c->range;
    return std::nullopt;
  }

  /// Exact extremes of the finite values seen (0 when there were none).
  float min() const { return count_ ? min_ : 0.0f; }
  float max() const { return count_ ? max_ : 0.0f; }
  /// Finite values seen.
  uint64_t count() const { return count_; }
  /// NaN and infinite values seen (ignored by the statistics).
  uint64_t nonFinite() const { return nonFinite_; }

protected:
  /// Updates min, max and the counts for a buffer (split over the pool's
  /// threads when large); returns the number of finite values.
  size_t updateExtremes(const float *data, size_t n,
                        kernels::ThreadPool *pool = nullptr);

  float min_ = 0;
  float max_ = 0;
  uint64_t count_ = 0;
  uint64_t nonFinite_ = 0;
};

/// Exact minimum and maximum.
class MinMaxObserver : public Observer {
public:
  void observe(const float *data, size_t n,
               kernels::ThreadPool *pool = nullptr) override;
  bool supports(CalibrationMethod method) const override;
  std::optional<Choice> choose(const MethodOptions &options) const override;
};

/// Exact minimum and maximum plus one Histogram of magnitudes per sign
/// (zeros are counted apart: they are exact in int8 whatever the range).
/// Supports every method.
class HistogramObserver : public Observer {
public:
  explicit HistogramObserver(size_t numBins = 2048);
  void observe(const float *data, size_t n,
               kernels::ThreadPool *pool = nullptr) override;
  bool supports(CalibrationMethod method) const override;
  std::optional<Choice> choose(const MethodOptions &options) const override;

  const Histogram &positive() const { return positive_; }
  const Histogram &negative() const { return negative_; }
  uint64_t zeros() const { return zeros_; }

private:
  /// Bins the values of [data, data + n), all finite and covered, into
  /// the two bin arrays (numBins each, zeros into positiveBins[0]) and
  /// counts the negatives and zeros.
  void binFinite(const float *data, size_t n, uint64_t *positiveBins,
                 uint64_t *negativeBins, size_t &negatives,
                 size_t &zeros) const;

  Histogram positive_;
  Histogram negative_;
  uint64_t zeros_ = 0;
};

/// The cheapest observer that supports `method`.
std::unique_ptr<Observer> createObserver(CalibrationMethod method);

} // namespace npu::calib

#endif // NPU_CALIBRATION_OBSERVER_H
