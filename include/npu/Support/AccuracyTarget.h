//===- AccuracyTarget.h - What --accuracy-target asks for ---*- C++ -*-===//
//
// The accuracy target of mixed precision (docs/mixed-precision.md), one
// figure every model output must reach against float on the calibration
// samples:
//   cos=C      the cosine similarity of each output to float, as the mean
//              over the samples (TensorMetrics::cosine);
//   top1=A     the share of positions whose argmax over the output's last
//              axis (its classes) is float's, pooled over the samples: for
//              classifiers and CTC recognisers, whose decoding is that
//              argmax. Outputs whose last axis has one element are not
//              measured by it.
//   iou@T=A    the intersection over union of the output's mask above T
//              (the elements > T) with float's, pooled over the samples:
//              for maps that the application thresholds, as a DB text
//              detector binarizes its probability map (T = 0.3 in
//              PaddleOCR). Outputs that exceed T in no sample, in neither
//              float nor the configuration, are not measured by it.
// C and A lie in (0, 1]; T is any finite number. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_SUPPORT_ACCURACYTARGET_H
#define NPU_SUPPORT_ACCURACYTARGET_H

#include <optional>
#include <string>

namespace npu {

enum class AccuracyMetric { Cosine, Top1, MaskIou };

struct AccuracyTarget {
  AccuracyMetric metric = AccuracyMetric::Cosine;
  double value = 0.99;
  /// MaskIou only: the mask is the elements greater than this.
  double threshold = 0;
};

/// Parses "cos=C", "top1=A" or "iou@T=A" (C, A in (0, 1], T finite);
/// nullopt with `error` set (what was expected) otherwise.
std::optional<AccuracyTarget> parseAccuracyTarget(const std::string &spec,
                                                  std::string &error);

/// "cos", "top1" or "iou", the metric's name in the option (without iou's
/// threshold).
const char *accuracyMetricName(AccuracyMetric metric);

} // namespace npu

#endif // NPU_SUPPORT_ACCURACYTARGET_H
