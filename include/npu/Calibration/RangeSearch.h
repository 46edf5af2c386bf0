//===- RangeSearch.h - Ranges chosen from magnitude histograms --*- C++ -*-===//
//
// The histogram-based calibration rules that search a range rather than
// read it off: the quantization error of a range (for MSE and auto), the
// MSE-optimal range and the entropy (KL-divergence) range. They work on the
// HistogramObserver's two magnitude histograms (one per sign, zeros apart),
// assume the values of a bin spread uniformly over it (the last non-empty
// bin of a side ending at the observed extreme), and model the int8
// activation quantizer of the lowering (docs/lowering.md): for a range
// [lo, hi], step s = (hi - lo) / 255, zero point zp = round(-128 - lo / s)
// clamped to [-128, 127], q = clamp(round(x / s) + zp, -128, 127), so the
// grid is the multiples of s from -(128 + zp) s to (127 - zp) s.
// Plain C++ (no MLIR, no LLVM). docs/calibration.md has the rules.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_CALIBRATION_RANGESEARCH_H
#define NPU_CALIBRATION_RANGESEARCH_H

#include "npu/Calibration/Observer.h"

namespace npu::calib {

/// Sums over the observed finite values x of a tensor and their int8
/// fake-quantized values Q(x) (values uniform inside a bin).
struct QuantizationError {
  double count = 0;  ///< values (zeros included)
  double signal = 0; ///< sum of x^2
  double error = 0;  ///< sum of (x - Q(x))^2: rounding and clipping
  double cross = 0;  ///< sum of x * (x - Q(x))

  /// Mean squared error (0 without values).
  double meanSquaredError() const { return count > 0 ? error / count : 0; }
  /// Signal-to-quantization-noise ratio in dB: 10 log10(signal / error);
  /// +infinity when the error is 0.
  double sqnr() const;
  /// Cosine similarity of the fake-quantized tensor to the float tensor,
  /// sum x Q(x) / sqrt(sum x^2 * sum Q(x)^2); 1 when both are zero, 0
  /// when only one is.
  double cosine() const;
};

/// The error of quantizing the observed values with the int8 quantizer of
/// `range` (normalized: lo <= 0 <= hi, hi > lo).
QuantizationError quantizationError(const HistogramObserver &observer,
                                    Range range);

/// The range [-(255 - k) s, k s] (k in [0, 255], s > 0, so that the
/// quantizer's grid is exactly that) minimizing the expected squared error
/// of the quantizer over the histograms (merged to 512 bins), rounding and
/// clipping included.
/// s is searched on a geometric grid (1/8 octave) from the min-max step
/// down 12 octaves, then by golden section (18 steps) between the best
/// step's neighbours; k exhaustively for each s. A side without values gets
/// no levels.
Range mseRange(const HistogramObserver &observer);

/// The threshold T (a bin edge, at most the observed largest magnitude)
/// minimizing the KL divergence between the histogram of one sign clipped
/// to [0, T] (outliers counted in the last bin) and that histogram
/// quantized to `levels` levels over [0, T], as TensorRT's entropy
/// calibrator does on 2048 bins; at most 128 thresholds are tried (evenly
/// strided bin counts from `levels`). 0 for an empty histogram; the
/// largest magnitude when the histogram has at most `levels` bins in use.
double entropyThreshold(const Histogram &histogram, double largest,
                        unsigned levels);

/// The entropy range: each sign's threshold (entropyThreshold) with as many
/// levels as that sign gets of the 255 steps of the asymmetric quantizer,
/// 255 * T_sign / (T_pos + T_neg): the thresholds with 128 levels each,
/// then once more with the split they give. A side without values gets
/// none (and the other all 255).
Range entropyRange(const HistogramObserver &observer);

} // namespace npu::calib

#endif // NPU_CALIBRATION_RANGESEARCH_H
