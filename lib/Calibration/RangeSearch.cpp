//===- RangeSearch.cpp - Ranges chosen from magnitude histograms ----------===//
//
// The quantization error of a range over a magnitude histogram, the
// MSE-optimal range and the entropy (KL-divergence) range.
//
// Each side (sign) is a histogram of magnitudes whose values are taken as
// spread uniformly over their bin. The quantizer's grid is the multiples of
// the step s (the zero point is an integer, so 0 is on the grid); a side is
// clipped at its edge E (a multiple of s). For a bin [a, b] inside the
// range, the rounding error integrates in closed form: with t = x / s and
// y = t - round(t),
//   int (x - Q(x))^2 dx = s^3 [G(t)],  G(t) = n / 12 + y^3 / 3,
//   int x (x - Q(x)) dx = s^3 [K(t)],  K(t) = G(t) + n (y^2 - 1/4) / 2,
// n = round(t) (antiderivatives of y^2 and t y, continuous in t).
//
//===----------------------------------------------------------------------===//

#include "npu/Calibration/RangeSearch.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace npu::calib {

double QuantizationError::sqnr() const {
  if (!(error > 0))
    return std::numeric_limits<double>::infinity();
  return 10 * std::log10(signal / error);
}

double QuantizationError::cosine() const {
  // sum x Q = signal - cross; sum Q^2 = signal - 2 cross + error.
  double xq = signal - cross;
  double qq = std::max(0.0, signal - 2 * cross + error);
  if (signal <= 0 && qq <= 0)
    return 1;
  if (signal <= 0 || qq <= 0)
    return 0;
  return xq / std::sqrt(signal * qq);
}

namespace {

/// G and K above at t >= 0.
void roundingAntiderivatives(double t, double &g, double &k) {
  double n = std::floor(t + 0.5);
  double y = t - n;
  g = n / 12 + y * y * y / 3;
  k = g + n * (y * y - 0.25) / 2;
}

/// The magnitudes of one sign: bins [lower, upper) with their counts and
/// prefix sums of the count and the first two moments; for a step, prefix
/// sums of the rounding error of whole bins.
class Side {
public:
  /// Bins are merged by `group` (adjacent, a power of two dividing the
  /// histogram's bin count).
  Side(const Histogram &h, double largest, size_t group = 1) {
    std::vector<double> bins(h.numBins() / group, 0);
    for (size_t k = 0; k < h.numBins(); ++k)
      bins[k / group] += static_cast<double>(h.bins()[k]);
    size_t used = bins.size();
    while (used && !bins[used - 1])
      --used;
    width_ = h.binWidth() * static_cast<double>(group);
    lower_.resize(used);
    upper_.resize(used);
    count_.resize(used);
    c_.assign(used + 1, 0);
    m1_.assign(used + 1, 0);
    m2_.assign(used + 1, 0);
    for (size_t k = 0; k < used; ++k) {
      double a = static_cast<double>(k) * width_;
      // The last bin ends at the observed extreme (never below its start).
      double b = k + 1 == used ? std::max(a, std::min(a + width_, largest))
                               : a + width_;
      double c = bins[k];
      lower_[k] = a;
      upper_[k] = b;
      count_[k] = c;
      c_[k + 1] = c_[k] + c;
      m1_[k + 1] = m1_[k] + c * (a + b) / 2;
      m2_[k + 1] = m2_[k] + c * (a * a + a * b + b * b) / 3;
    }
  }

  bool empty() const { return lower_.empty(); }
  double count() const { return c_.back(); }
  double signal() const { return m2_.back(); }
  /// The largest magnitude (the end of the last bin).
  double largest() const { return empty() ? 0 : upper_.back(); }

  /// Prepares edge queries for step `s` and edges up to `maxEdge`.
  void setStep(double s, double maxEdge) {
    step_ = s;
    if (empty())
      return;
    double needed = maxEdge / width_ + 2;
    size_t n = needed < static_cast<double>(lower_.size())
                   ? static_cast<size_t>(needed)
                   : lower_.size();
    re_.assign(n + 1, 0);
    rx_.assign(n + 1, 0);
    // Adjacent bins share their edge's antiderivatives.
    double g0, k0;
    roundingAntiderivatives(0, g0, k0);
    double s3 = s * s * s;
    for (size_t k = 0; k < n; ++k) {
      double a = lower_[k], b = upper_[k];
      double e = 0, x = 0;
      if (b > a) {
        double g1, k1;
        roundingAntiderivatives(b / s, g1, k1);
        double scale = count_[k] / (b - a) * s3;
        e = std::max(0.0, scale * (g1 - g0));
        x = scale * (k1 - k0);
        g0 = g1;
        k0 = k1;
      } else {
        rounding(a, b, count_[k], e, x);
        roundingAntiderivatives(b / s, g0, k0);
      }
      re_[k + 1] = re_[k] + e;
      rx_[k + 1] = rx_[k] + x;
    }
  }

  /// Adds the error and cross sums of this side clipped at `edge` (<= the
  /// setStep maxEdge) to `out`.
  void addAt(double edge, QuantizationError &out) const {
    size_t n = lower_.size();
    if (n == 0)
      return;
    // Bins [0, j) lie inside the range.
    double first = std::max(0.0, edge / width_);
    size_t j = first < static_cast<double>(n) ? static_cast<size_t>(first) : n;
    while (j > 0 && upper_[j - 1] > edge)
      --j;
    while (j < n && upper_[j] <= edge)
      ++j;
    if (j >= re_.size())
      j = re_.size() - 1; // (not reached for edges <= maxEdge)
    out.error += re_[j];
    out.cross += rx_[j];
    if (j == n)
      return;
    // Bin j straddles the edge (or starts at it).
    double a = lower_[j], b = upper_[j], c = count_[j];
    if (b > a) {
      double density = c / (b - a);
      if (edge > a) {
        double e, x;
        rounding(a, edge, density * (edge - a), e, x);
        out.error += e;
        out.cross += x;
      }
      double lo = std::max(a, edge);
      double d = b - lo;
      out.error += density * d * d * d / 3;
      out.cross += density * ((b * b * b - lo * lo * lo) / 3 -
                              edge * (b * b - lo * lo) / 2);
    } else {
      out.error += c * (a - edge) * (a - edge);
      out.cross += c * a * (a - edge);
    }
    // Bins after j are clipped: sum (x - E)^2 and sum x (x - E).
    double cnt = c_[n] - c_[j + 1];
    double m1 = m1_[n] - m1_[j + 1], m2 = m2_[n] - m2_[j + 1];
    out.error += m2 - 2 * edge * m1 + edge * edge * cnt;
    out.cross += m2 - edge * m1;
  }

private:
  /// Rounding error sums of `count` values uniform over [a, b].
  void rounding(double a, double b, double count, double &error,
                double &cross) const {
    double s = step_;
    if (!(b > a)) {
      double e = a - s * std::nearbyint(a / s);
      error = count * e * e;
      cross = count * a * e;
      return;
    }
    double ga, ka, gb, kb;
    roundingAntiderivatives(a / s, ga, ka);
    roundingAntiderivatives(b / s, gb, kb);
    double scale = count / (b - a) * s * s * s;
    error = std::max(0.0, scale * (gb - ga));
    cross = scale * (kb - ka);
  }

  double width_ = 0;
  double step_ = 1;
  std::vector<double> lower_, upper_, count_;
  std::vector<double> c_, m1_, m2_; ///< prefix sums over bins
  std::vector<double> re_, rx_;     ///< rounding error prefix sums (step_)
};

/// Both sides of an observer.
struct Sides {
  explicit Sides(const HistogramObserver &o, size_t group = 1)
      : positive(o.positive(), static_cast<double>(std::max(0.0f, o.max())),
                 group),
        negative(o.negative(), static_cast<double>(std::max(0.0f, -o.min())),
                 group),
        zeros(static_cast<double>(o.zeros())) {}

  /// The error of the grid of step s clipped at k s and -(255 - k) s.
  QuantizationError at(double s, double k) {
    QuantizationError out;
    out.count = positive.count() + negative.count() + zeros;
    out.signal = positive.signal() + negative.signal();
    positive.addAt(k * s, out);
    negative.addAt((255 - k) * s, out);
    return out;
  }

  Side positive, negative;
  double zeros;
};

/// Bins of a side in the MSE search.
constexpr size_t kMseBins = 512;

} // namespace

QuantizationError quantizationError(const HistogramObserver &observer,
                                    Range range) {
  Sides sides(observer);
  double lo = range.lo, hi = range.hi;
  double s = (hi - lo) / 255;
  if (!(s > 0))
    s = 2.0 * kTinyRange / 255;
  double zp = std::clamp(std::nearbyint(-128 - lo / s), -128.0, 127.0);
  double k = 127 - zp;
  sides.positive.setStep(s, k * s);
  sides.negative.setStep(s, (255 - k) * s);
  return sides.at(s, k);
}

Range mseRange(const HistogramObserver &observer) {
  // On 512 bins (4 times fewer than the histogram's 2048): at the min-max
  // step a bin is 2 steps wide, which the uniform model still integrates
  // exactly, and the search is 4 times faster.
  size_t numBins = observer.positive().numBins();
  size_t group = 1;
  while (numBins / group > kMseBins && (numBins / group) % 2 == 0)
    group *= 2;
  Sides sides(observer, group);
  Range minMax = normalizeRange({observer.min(), observer.max()});
  if (sides.positive.empty() && sides.negative.empty())
    return minMax;
  // A side without values gets no levels; otherwise every split.
  int kFirst = sides.negative.empty() ? 255 : 0;
  int kLast = sides.positive.empty() ? 0 : 255;
  double sMax = (static_cast<double>(minMax.hi) - minMax.lo) / 255;

  double bestError = std::numeric_limits<double>::infinity();
  double bestS = sMax;
  int bestK = kLast;
  // The least error over k for step s (and the best so far updated).
  auto tryStep = [&](double s) {
    sides.positive.setStep(s, kLast * s);
    sides.negative.setStep(s, (255 - kFirst) * s);
    double least = std::numeric_limits<double>::infinity();
    for (int k = kFirst; k <= kLast; ++k) {
      double error = sides.at(s, k).error;
      least = std::min(least, error);
      if (error < bestError) {
        bestError = error;
        bestS = s;
        bestK = k;
      }
    }
    return least;
  };
  constexpr int kPerOctave = 8, kOctaves = 12, kRefine = 16;
  for (int i = 0; i <= kPerOctave * kOctaves; ++i)
    tryStep(sMax * std::exp2(-static_cast<double>(i) / kPerOctave));
  // Between the neighbours of the best step: golden-section search on
  // log2(s) (the error is about unimodal there), keeping the best seen.
  double a = std::log2(bestS) - 1.0 / kPerOctave;
  double b = std::log2(bestS) + 1.0 / kPerOctave;
  const double ratio = (std::sqrt(5.0) - 1) / 2;
  double c = b - ratio * (b - a), d = a + ratio * (b - a);
  double ec = tryStep(std::exp2(c)), ed = tryStep(std::exp2(d));
  for (int i = 0; i < kRefine; ++i) {
    if (ec < ed) {
      b = d;
      d = c;
      ed = ec;
      c = b - ratio * (b - a);
      ec = tryStep(std::exp2(c));
    } else {
      a = c;
      c = d;
      ec = ed;
      d = a + ratio * (b - a);
      ed = tryStep(std::exp2(d));
    }
  }
  return normalizeRange({static_cast<float>(-(255 - bestK) * bestS),
                         static_cast<float>(bestK * bestS)});
}

double entropyThreshold(const Histogram &histogram, double largest,
                        unsigned levels) {
  const std::vector<uint64_t> &bins = histogram.bins();
  size_t used = bins.size();
  while (used && !bins[used - 1])
    --used;
  levels = std::max(1u, levels);
  if (used == 0)
    return 0;
  if (used <= levels)
    return largest;
  double width = histogram.binWidth();

  // Bin counts tried: levels, levels + stride, ..., used.
  constexpr size_t kMaxCandidates = 128;
  size_t stride = (used - levels + kMaxCandidates - 2) / (kMaxCandidates - 1);
  stride = std::max<size_t>(1, stride);
  std::vector<double> p(used), q(used);
  // Outliers: the mass beyond bin count i.
  std::vector<double> tail(used + 1, 0);
  for (size_t k = used; k-- > 0;)
    tail[k] = tail[k + 1] + static_cast<double>(bins[k]);

  // TensorRT's smoothing: zeros get eps, taken evenly from the others.
  // Where p is 0, q is 0 too, so both become eps and add nothing to the
  // divergence; only the non-zero bins need the adjusted values.
  constexpr double kEps = 1e-4;
  double bestDivergence = std::numeric_limits<double>::infinity();
  size_t bestBins = used;
  for (size_t i = levels;; i = std::min(used, i + stride)) {
    size_t pNonZero = 0;
    for (size_t k = 0; k < i; ++k) {
      p[k] = static_cast<double>(bins[k]);
      pNonZero += bins[k] != 0;
    }
    if (tail[i] > 0) {
      pNonZero += bins[i - 1] == 0;
      p[i - 1] += tail[i];
    }
    // Merge the i bins into `levels` groups and spread each group's mass
    // (without the outliers) evenly over its bins where p is non-zero.
    size_t qNonZero = 0;
    for (unsigned g = 0; g < levels; ++g) {
      size_t begin = g * i / levels, end = (g + 1) * i / levels;
      double total = 0;
      size_t nonZero = 0;
      for (size_t k = begin; k < end; ++k) {
        total += static_cast<double>(bins[k]);
        nonZero += p[k] != 0;
      }
      double each = nonZero ? total / static_cast<double>(nonZero) : 0;
      for (size_t k = begin; k < end; ++k) {
        q[k] = p[k] != 0 ? each : 0;
        qNonZero += q[k] != 0;
      }
    }
    double pSum = tail[0];
    double qSum = tail[0] - tail[i];
    if (qNonZero && qSum > 0) {
      double pEps = kEps * static_cast<double>(i - pNonZero) /
                    static_cast<double>(pNonZero);
      double qEps = kEps * static_cast<double>(i - qNonZero) /
                    static_cast<double>(qNonZero);
      double divergence = 0;
      for (size_t k = 0; k < i; ++k) {
        if (p[k] == 0)
          continue;
        double pk = p[k] / pSum - pEps;
        double qk = q[k] != 0 ? q[k] / qSum - qEps : kEps;
        if (pk > 0 && qk > 0)
          divergence += pk * std::log(pk / qk);
      }
      if (divergence < bestDivergence) {
        bestDivergence = divergence;
        bestBins = i;
      }
    }
    if (i == used)
      break;
  }
  return std::min(static_cast<double>(bestBins) * width, largest);
}

Range entropyRange(const HistogramObserver &observer) {
  double largestPos = std::max(0.0f, observer.max());
  double largestNeg = std::max(0.0f, -observer.min());
  bool hasPos = observer.positive().total() > 0;
  bool hasNeg = observer.negative().total() > 0;
  unsigned levelsPos = hasNeg ? 128 : 255, levelsNeg = hasPos ? 128 : 255;
  double hi = 0, lo = 0;
  for (int round = 0; round < 2; ++round) {
    hi = hasPos ? entropyThreshold(observer.positive(), largestPos, levelsPos)
                : 0;
    lo = hasNeg ? entropyThreshold(observer.negative(), largestNeg, levelsNeg)
                : 0;
    if (!hasPos || !hasNeg || !(hi + lo > 0))
      break;
    // Each side gets the steps of the asymmetric quantizer its width buys.
    unsigned pos = static_cast<unsigned>(
        std::clamp(std::lround(255 * hi / (hi + lo)), 1l, 254l));
    if (pos == levelsPos && 255 - pos == levelsNeg)
      break;
    levelsPos = pos;
    levelsNeg = 255 - pos;
  }
  return normalizeRange({static_cast<float>(-lo), static_cast<float>(hi)});
}

} // namespace npu::calib
