//===- AccuracyTarget.cpp - What --accuracy-target asks for ---------------===//

#include "npu/Support/AccuracyTarget.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace npu {

const char *accuracyMetricName(AccuracyMetric metric) {
  switch (metric) {
  case AccuracyMetric::Top1:
    return "top1";
  case AccuracyMetric::MaskIou:
    return "iou";
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
          "argmax over the last axis is float's) or iou@T=A (the "
          "intersection over union of the mask above T with float's), "
          "with C, A in (0, 1] and T a finite number";
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
    if (!threshold)
      return std::nullopt;
    target.metric = AccuracyMetric::MaskIou;
    target.threshold = *threshold;
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
