//===- TensorMetrics.cpp - How close two tensors are ----------------------===//

#include "npu/Support/TensorMetrics.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace npu {

static std::vector<int64_t> squeezed(const std::vector<int64_t> &shape) {
  std::vector<int64_t> out;
  for (int64_t d : shape)
    if (d != 1)
      out.push_back(d);
  return out;
}

/// Both tensors as f32, when their shapes agree (`exact`: dimension for
/// dimension; otherwise but for dimensions of size 1) and both are numeric.
static bool asF32Pair(const HostTensor &ref, const HostTensor &got, bool exact,
                      HostTensor &r, HostTensor &g, std::string &error) {
  if (exact ? ref.shape() != got.shape()
            : squeezed(ref.shape()) != squeezed(got.shape())) {
    error = "shapes differ: " + shapeToString(ref.shape()) + " vs " +
            shapeToString(got.shape());
    return false;
  }
  if (ref.dtype() == DType::Bool || got.dtype() == DType::Bool) {
    error = "boolean tensors are not compared";
    return false;
  }
  r = ref.dtype() == DType::F32 ? ref : ref.castTo(DType::F32);
  g = got.dtype() == DType::F32 ? got : got.castTo(DType::F32);
  return true;
}

bool compareTensors(const HostTensor &ref, const HostTensor &got,
                    TensorMetrics &m, std::string &error) {
  m = TensorMetrics();
  HostTensor r, g;
  if (!asF32Pair(ref, got, /*exact=*/false, r, g, error))
    return false;
  const float *a = r.data<float>(), *b = g.data<float>();
  double dot = 0, aa = 0, bb = 0, diff = 0, mean = 0;
  for (int64_t i = 0; i < r.numElements(); ++i) {
    float x = a[i], y = b[i];
    bool same =
        std::memcmp(&x, &y, sizeof x) == 0 || (std::isnan(x) && std::isnan(y));
    m.exact &= same;
    if (!std::isfinite(x) || !std::isfinite(y)) {
      if (!same)
        ++m.nonFinite;
      continue;
    }
    ++m.finite;
    double d = double(x) - double(y), s = (double(x) + double(y)) / 2;
    dot += double(x) * y;
    aa += double(x) * x;
    bb += double(y) * y;
    diff += d * d;
    mean += s * s;
    m.maxAbs = std::max(m.maxAbs, std::fabs(d));
  }
  if (aa == 0 && bb == 0)
    m.cosine = 1;
  else if (aa == 0 || bb == 0)
    m.cosine = 0;
  else
    m.cosine = dot / (std::sqrt(aa) * std::sqrt(bb));
  m.euclidean =
      mean == 0 ? (diff == 0 ? 1 : 0) : 1 - std::sqrt(diff) / std::sqrt(mean);
  m.sqnrDb = diff == 0 ? std::numeric_limits<double>::infinity()
             : aa == 0 ? -std::numeric_limits<double>::infinity()
                       : 10 * std::log10(aa / diff);
  if (m.finite == 0 && r.numElements() > 0) {
    // Nothing was measured: no figure, not a perfect one.
    double nan = std::numeric_limits<double>::quiet_NaN();
    m.cosine = m.euclidean = m.sqnrDb = m.maxAbs = nan;
  }
  return true;
}

static int64_t argmaxOf(const float *p, int64_t n) {
  int64_t best = -1;
  for (int64_t i = 0; i < n; ++i)
    if (!std::isnan(p[i]) && (best < 0 || p[i] > p[best]))
      best = i;
  return best;
}

bool countArgmaxMatches(const HostTensor &ref, const HostTensor &got,
                        int64_t &matches, int64_t &positions,
                        std::string &error) {
  int64_t classes = ref.rank() ? ref.shape().back() : 1;
  HostTensor r, g;
  if (!asF32Pair(ref, got, /*exact=*/true, r, g, error))
    return false;
  if (classes <= 1 || ref.numElements() == 0)
    return true;
  const float *a = r.data<float>(), *b = g.data<float>();
  for (int64_t at = 0; at < r.numElements(); at += classes) {
    int64_t want = argmaxOf(a + at, classes);
    matches += want >= 0 && want == argmaxOf(b + at, classes);
    ++positions;
  }
  return true;
}

/// The labels of one sequence of `steps` x `classes`: argmax per step,
/// repeats collapsed, `blank` dropped (a step with no argmax, all NaN,
/// separates repeats like a blank).
static std::vector<int64_t> ctcLabels(const float *p, int64_t steps,
                                      int64_t classes, int64_t blank) {
  std::vector<int64_t> labels;
  int64_t previous = -1;
  for (int64_t s = 0; s < steps; ++s) {
    int64_t c = argmaxOf(p + s * classes, classes);
    if (c != previous && c != blank && c >= 0)
      labels.push_back(c);
    previous = c;
  }
  return labels;
}

static int64_t editDistance(const std::vector<int64_t> &a,
                            const std::vector<int64_t> &b) {
  std::vector<int64_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = int64_t(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int64_t diagonal = row[0];
    row[0] = int64_t(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int64_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool countCtcErrors(const HostTensor &ref, const HostTensor &got, int64_t blank,
                    int64_t &errors, int64_t &labels, std::string &error) {
  int64_t classes = ref.rank() ? ref.shape().back() : 1;
  int64_t steps = ref.rank() >= 2 ? ref.shape()[ref.rank() - 2] : 1;
  HostTensor r, g;
  if (!asF32Pair(ref, got, /*exact=*/true, r, g, error))
    return false;
  if (classes <= 1 || ref.numElements() == 0)
    return true;
  if (blank < 0 || blank >= classes) {
    error = "the blank class " + std::to_string(blank) +
            " is not one of the output's " + std::to_string(classes) +
            " classes";
    return false;
  }
  const float *a = r.data<float>(), *b = g.data<float>();
  for (int64_t at = 0; at < r.numElements(); at += steps * classes) {
    std::vector<int64_t> want = ctcLabels(a + at, steps, classes, blank);
    errors += editDistance(want, ctcLabels(b + at, steps, classes, blank));
    labels += int64_t(want.size());
  }
  return true;
}

bool countMaskOverlap(const HostTensor &ref, const HostTensor &got,
                      double threshold, int64_t &intersection,
                      int64_t &unionCount, std::string &error) {
  HostTensor r, g;
  if (!asF32Pair(ref, got, /*exact=*/true, r, g, error))
    return false;
  // Compared as float, as the f32 outputs are (0.3f is not above 0.3).
  const float *a = r.data<float>(), *b = g.data<float>();
  float t = float(threshold);
  for (int64_t i = 0, n = r.numElements(); i < n; ++i) {
    bool inRef = a[i] > t, inGot = b[i] > t;
    intersection += inRef && inGot;
    unionCount += inRef || inGot;
  }
  return true;
}

} // namespace npu
