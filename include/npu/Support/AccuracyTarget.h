//===- AccuracyTarget.h - What --accuracy-target asks for ---*- C++ -*-===//
//
// The accuracy target of mixed precision (docs/mixed-precision.md), one
// figure every model output must reach against float on the calibration
// samples:
//   cos=C    the cosine similarity of each output to float, as the mean
//            over the samples (TensorMetrics::cosine);
//   top1=A   the share of positions whose argmax over the output's last
//            axis (its classes) is float's, pooled over the samples: for
//            classifiers and CTC recognisers, whose decoding is that
//            argmax. Outputs whose last axis has one element are not
//            measured by it.
// C and A lie in (0, 1]. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_SUPPORT_ACCURACYTARGET_H
#define NPU_SUPPORT_ACCURACYTARGET_H

#include <optional>
#include <string>

namespace npu {

enum class AccuracyMetric { Cosine, Top1 };

struct AccuracyTarget {
  AccuracyMetric metric = AccuracyMetric::Cosine;
  double value = 0.99;
};

/// Parses "cos=C" or "top1=A" (C, A in (0, 1]); nullopt with `error` set
/// (what was expected) otherwise.
std::optional<AccuracyTarget> parseAccuracyTarget(const std::string &spec,
                                                  std::string &error);

/// "cos" or "top1", as the option spells it.
const char *accuracyMetricName(AccuracyMetric metric);

} // namespace npu

#endif // NPU_SUPPORT_ACCURACYTARGET_H
