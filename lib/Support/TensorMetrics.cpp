//===- TensorMetrics.cpp - How close two tensors are ----------------------===//

#include "npu/Support/TensorMetrics.h"

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
