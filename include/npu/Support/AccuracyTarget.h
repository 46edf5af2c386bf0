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
//   ctc=A      1 - the edit distance of the output's greedy CTC decoding
//   ctc@B=A    from float's over float's label count, pooled over the
//              samples (countCtcErrors, TensorMetrics.h; blank class B,
//              0 without @B): a CTC recogniser's character accuracy
//              against float, as its decoder reads the text (ctc=0.99: at
//              most 1 % of float's characters read otherwise). Outputs whose
//              last axis has one element are not measured by it.
// C and A lie in (0, 1]; T is any finite number that a float can hold; B a
// whole number from 0. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_SUPPORT_ACCURACYTARGET_H
#define NPU_SUPPORT_ACCURACYTARGET_H

#include <cstdint>
#include <optional>
#include <string>

namespace npu {

enum class AccuracyMetric { Cosine, Top1, MaskIou, Ctc };

struct AccuracyTarget {
  AccuracyMetric metric = AccuracyMetric::Cosine;
  double value = 0.99;
  /// MaskIou only: the mask is the elements greater than this.
  double threshold = 0;
  /// Ctc only: the blank class.
  int64_t blank = 0;
};

/// Parses "cos=C", "top1=A", "iou@T=A", "ctc=A" or "ctc@B=A" (C, A in
/// (0, 1], T finite within float's range, B a whole number from 0);
/// nullopt with `error` set (what was expected) otherwise.
std::optional<AccuracyTarget> parseAccuracyTarget(const std::string &spec,
                                                  std::string &error);

/// "cos", "top1", "iou" or "ctc", the metric's name in the option (without
/// iou's threshold or ctc's blank).
const char *accuracyMetricName(AccuracyMetric metric);

} // namespace npu

#endif // NPU_SUPPORT_ACCURACYTARGET_H
