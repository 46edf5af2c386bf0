//===- AccuracyTarget.cpp - What --accuracy-target asks for ---------------===//

#include "npu/Support/AccuracyTarget.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace npu {

const char *accuracyMetricName(AccuracyMetric metric) {
  return metric == AccuracyMetric::Top1 ? "top1" : "cos";
}

std::optional<AccuracyTarget> parseAccuracyTarget(const std::string &spec,
                                                  std::string &error) {
  error = "expected cos=C (the cosine similarity to float every model "
          "output must reach) or top1=A (the share of positions whose "
          "argmax over the last axis is float's), with C, A in (0, 1]";
  size_t eq = spec.find('=');
  if (eq == std::string::npos)
    return std::nullopt;
  std::string name = spec.substr(0, eq), number = spec.substr(eq + 1);
  AccuracyTarget target;
  if (name == "cos")
    target.metric = AccuracyMetric::Cosine;
  else if (name == "top1")
    target.metric = AccuracyMetric::Top1;
  else
    return std::nullopt;
  if (number.empty() || number.find_first_of(" \t\n") != std::string::npos)
    return std::nullopt;
  char *end = nullptr;
  errno = 0;
  double v = std::strtod(number.c_str(), &end);
  if (errno || end != number.c_str() + number.size() || !std::isfinite(v) ||
      !(v > 0) || v > 1)
    return std::nullopt;
  target.value = v;
  error.clear();
  return target;
}

} // namespace npu
