//===- FloatChecks.cpp - npu-run's warnings about float values ------------===//

#include "FloatChecks.h"

#include <cmath>
#include <cstdio>

namespace npu::run {

namespace {

template <typename Load> FloatSummary summarize(int64_t n, Load load) {
  FloatSummary s;
  for (int64_t i = 0; i < n; ++i) {
    double v = load(i);
    if (!std::isfinite(v))
      ++s.nonFinite;
    else if (std::fabs(v) > s.maxAbs)
      s.maxAbs = std::fabs(v);
  }
  return s;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4g", v);
  return buf;
}

} // namespace

FloatSummary summarizeFloats(const HostTensor &t) {
  if (!isFloat(t.dtype()) || !t.isAllocated())
    return {};
  if (t.dtype() == DType::F32) {
    const float *p = t.data<float>();
    return summarize(t.numElements(), [&](int64_t i) { return double(p[i]); });
  }
  return summarize(t.numElements(),
                   [&](int64_t i) { return t.getAsDouble(i); });
}

/// The share of a float tensor's values outside [lo, hi].
double shareOutside(const HostTensor &t, double lo, double hi) {
  int64_t n = t.numElements(), outside = 0;
  for (int64_t i = 0; i < n; ++i) {
    double v = t.getAsDouble(i);
    outside += v < lo || v > hi;
  }
  return n ? double(outside) / double(n) : 0.0;
}

std::vector<std::string> floatWarnings(
    const std::vector<InputValue> &inputs,
    const std::vector<std::pair<std::string, const HostTensor *>> &outputs) {
  std::vector<std::string> lines;
  bool nonFiniteOutput = false;
  for (const auto &[name, t] : outputs) {
    FloatSummary s = summarizeFloats(*t);
    if (!s.nonFinite)
      continue;
    nonFiniteOutput = true;
    lines.push_back("warning: output '" + name + "' has " +
                    std::to_string(s.nonFinite) + " of " +
                    std::to_string(t->numElements()) +
                    " values that are not finite (inf or NaN)");
  }
  for (const InputValue &in : inputs) {
    const std::string &name = in.name;
    const HostTensor *t = in.value;
    FloatSummary s = summarizeFloats(*t);
    if (s.nonFinite)
      lines.push_back("warning: input '" + name + "' has " +
                      std::to_string(s.nonFinite) + " of " +
                      std::to_string(t->numElements()) +
                      " values that are not finite (inf or NaN)");
    if (s.maxAbs > kFloat16Max && in.reading.toFloat16)
      lines.push_back(
          std::string(nonFiniteOutput ? "note" : "warning") + ": input '" +
          name + "' reaches " + number(s.maxAbs) +
          " in magnitude, beyond float16's largest value 65504: the NPU "
          "converts this input to float16 on the device, where such "
          "values become infinite; scale the input");
    if (!isFloat(t->dtype()) || !t->isAllocated())
      continue;
    for (auto [lo, hi] : in.reading.quantizedRanges) {
      // Within half of the int8 grid's step (255 steps from lo to hi) past
      // an end, a value rounds to the end's code like any other: the
      // calibration samples' own white pixels (1.0 above a grid ending at
      // 0.9973) were reported as saturating.
      double half = (hi - lo) / 255 / 2;
      double share = shareOutside(*t, lo - half, hi + half);
      if (share <= kSaturatedWarnShare)
        continue;
      char pct[32];
      std::snprintf(pct, sizeof(pct), "%.1f", share * 100);
      lines.push_back("warning: " + std::string(pct) + " % of input '" + name +
                      "' lies outside [" + number(lo) + ", " + number(hi) +
                      "], the range the int8 blob quantizes it to "
                      "(calibrated, or the model's own quantization), and "
                      "saturates there; give inputs preprocessed as the "
                      "calibration samples (or the model's quantization) "
                      "expect");
      break;
    }
  }
  return lines;
}

} // namespace npu::run
