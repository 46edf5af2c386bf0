//===- TensorMetrics.h - How close two tensors are --------------*- C++ -*-===//
//
// The per-tensor agreement figures npu-compare reports (docs/compare.md),
// computed in double over the elements as float:
//   cosine      <r, g> / (|r| |g|)        (1 if both are zero, 0 if one is)
//   euclidean   1 - |r - g| / |(r + g) / 2|   (TPU-MLIR's Euclidean
//               similarity: 1 when equal, <= 0 when the error is as large
//               as the values; 1 if both are zero)
//   sqnr        10 log10(|r|^2 / |r - g|^2) dB (+inf when equal)
//   maxAbs      max |r - g|
//   exact       every element bit-identical as float (NaN equals NaN)
// Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_SUPPORT_TENSORMETRICS_H
#define NPU_SUPPORT_TENSORMETRICS_H

#include "npu/Support/HostTensor.h"

#include <string>

namespace npu {

struct TensorMetrics {
  double cosine = 1;
  double euclidean = 1;
  double sqnrDb = 0;
  double maxAbs = 0;
  bool exact = true;
  /// Elements that are NaN or infinite in one tensor but not equal in both.
  int64_t nonFinite = 0;
  /// Elements finite in both tensors: the figures above cover only these
  /// (0 with elements: nothing is measured, and cosine, euclidean, sqnrDb
  /// and maxAbs are NaN).
  int64_t finite = 0;
};

/// Compares `got` with the reference `ref`. Fails (false, `error` set)
/// when the element counts differ or either tensor is not numeric; shapes
/// may differ only by dimensions of size 1.
bool compareTensors(const HostTensor &ref, const HostTensor &got,
                    TensorMetrics &metrics, std::string &error);

/// How often `got` picks the same class as `ref`: over every position of
/// the tensors but their last axis (the classes), the argmax over that axis
/// (the first largest element; NaN never is) compared with ref's. Adds to
/// `matches` and `positions`; a last axis of one element adds nothing.
/// Fails (false, `error` set) when the shapes differ or either tensor is
/// not numeric.
bool countArgmaxMatches(const HostTensor &ref, const HostTensor &got,
                        int64_t &matches, int64_t &positions,
                        std::string &error);

/// How far `got`'s greedy CTC decoding is from `ref`'s (a CTC recogniser's
/// text, as PaddleOCR's and most speech recognisers' decoders read it):
/// the tensors are sequences [..., T, C] (every axis before the last two
/// indexes a sequence, the second to last its T steps, the last its C
/// classes; a tensor of rank 1 is one sequence of one step); each step
/// takes its argmax class (as countArgmaxMatches), then repeats are
/// collapsed and class `blank` dropped. Adds the edit distance
/// (Levenshtein: insertions, deletions and substitutions of labels) from
/// ref's labels to got's to `errors`, and the number of ref's labels to
/// `labels`, summed over the sequences; a last axis of one element adds
/// nothing. Fails (false, `error` set) when the shapes differ, either
/// tensor is not numeric, or `blank` is not one of the C classes.
bool countCtcErrors(const HostTensor &ref, const HostTensor &got, int64_t blank,
                    int64_t &errors, int64_t &labels, std::string &error);

/// How the masks `ref > threshold` and `got > threshold` overlap (a
/// thresholded map, as a DB text detector binarizes its probability map):
/// adds the elements above the threshold in both to `intersection` and in
/// either to `unionCount`, compared in float (the threshold rounded to
/// float first). NaN is never above it. Fails (false, `error`
/// set) when the shapes differ or either tensor is not numeric.
bool countMaskOverlap(const HostTensor &ref, const HostTensor &got,
                      double threshold, int64_t &intersection,
                      int64_t &unionCount, std::string &error);

} // namespace npu

#endif // NPU_SUPPORT_TENSORMETRICS_H
