//===- AccuracyTarget.cpp - What --accuracy-target asks for ---------------===//

#include "npu/Support/AccuracyTarget.h"

#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdlib>

namespace npu {

const char *accuracyMetricName(AccuracyMetric metric) {
  switch (metric) {
  case AccuracyMetric::Top1:
    return "top1";
  case AccuracyMetric::MaskIou:
    return "iou";
  case AccuracyMetric::Ctc:
    return "ctc";
  case AccuracyMetric::Cosine:
    break;
  }
  return "cos";
}

/// A whole finite number as strtod reads it, nothing around it.
static std::optional<double> parseNumber(const std::string &text) {
  if (text.empty() || text.find_first_of(" \t\n") != std::string::npos)
    return std::nullopt;
  char *end = nullptr;
  errno = 0;
  double v = std::strtod(text.c_str(), &end);
  if (errno || end != text.c_str() + text.size() || !std::isfinite(v))
    return std::nullopt;
  return v;
}

std::optional<AccuracyTarget> parseAccuracyTarget(const std::string &spec,
                                                  std::string &error) {
  error = "expected cos=C (the cosine similarity to float every model "
          "output must reach), top1=A (the share of positions whose "
          "argmax over the last axis is float's), iou@T=A (the "
          "intersection over union of the mask above T with float's) or "
          "ctc=A / ctc@B=A (the share of float's greedy CTC labels read "
          "the same, blank class B, 0 by default), with C, A in (0, 1], "
          "T a finite number within float's range and B a whole number "
          "from 0";
  size_t eq = spec.find('=');
  if (eq == std::string::npos)
    return std::nullopt;
  std::string name = spec.substr(0, eq);
  AccuracyTarget target;
  if (name == "cos") {
    target.metric = AccuracyMetric::Cosine;
  } else if (name == "top1") {
    target.metric = AccuracyMetric::Top1;
  } else if (name.rfind("iou@", 0) == 0) {
    auto threshold = parseNumber(name.substr(4));
    // The outputs are compared as float: a threshold past float's range
    // would be infinite there.
    if (!threshold || std::fabs(*threshold) > FLT_MAX)
      return std::nullopt;
    target.metric = AccuracyMetric::MaskIou;
    target.threshold = *threshold;
  } else if (name == "ctc" || name.rfind("ctc@", 0) == 0) {
    target.metric = AccuracyMetric::Ctc;
    if (name.size() > 3) {
      std::string digits = name.substr(4);
      if (digits.empty() || digits.size() > 9 ||
          digits.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
      target.blank = std::stoll(digits);
    }
  } else {
    return std::nullopt;
  }
  auto v = parseNumber(spec.substr(eq + 1));
  if (!v || !(*v > 0) || *v > 1)
    return std::nullopt;
  target.value = *v;
  error.clear();
  return target;
}

} // namespace npu
