//===- Resize.h - ONNX Resize (nearest, linear, cubic) ----------*- C++ -*-===//
//
// Opset 13+ Resize semantics for any rank: every coordinate transformation
// mode, every nearest rounding mode, cubic with `cubic_coeff_a` and
// `exclude_outside`, tf_crop_and_resize with its region of interest and
// extrapolation value. Interpolation is separable per dimension and
// evaluated as a product of per-dimension taps, which is exactly ONNX's
// dimension-by-dimension definition.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_RESIZE_H
#define NPU_KERNELS_RESIZE_H

#include "npu/Kernels/Status.h"
#include "npu/Kernels/ThreadPool.h"
#include "npu/Support/HostTensor.h"

#include <vector>

namespace npu::kernels {

/// The scale of one dimension as the ratio `num / den`. A given (float)
/// scale s is (s, 1); a scale that ONNX defines from `sizes` is the exact
/// ratio of two integers, such as (10, 30), which no float holds: every
/// source coordinate is then computed with a single rounding from exact
/// integer products, so it is exact wherever it is a whole or half number
/// (the points where nearest rounding and interpolation taps change).
struct ResizeScale {
  double num = 1, den = 1;
  ResizeScale() = default;
  ResizeScale(double scale) : num(scale) {} // NOLINT: a plain scale
  ResizeScale(double num, double den) : num(num), den(den) {}
  bool downsamples() const { return num < den; }
};

struct ResizeParams {
  enum class Mode { Nearest, Linear, Cubic };
  enum class Coord {
    HalfPixel,
    HalfPixelSymmetric,
    PytorchHalfPixel,
    AlignCorners,
    Asymmetric,
    TfCropAndResize,
    TfHalfPixelForNN
  };
  /// Simple: Resize-10 and Upsample's rule, floor where the dimension keeps
  /// its size or grows, ceil where it shrinks.
  enum class Nearest { RoundPreferFloor, RoundPreferCeil, Floor, Ceil, Simple };
  Mode mode = Mode::Nearest;
  Coord coord = Coord::HalfPixel;
  Nearest nearest = Nearest::RoundPreferFloor;
  std::vector<ResizeScale> scales; // one per dimension
  float cubicCoeffA = -0.75f;
  bool excludeOutside = false;
  float extrapolationValue = 0.0f;
  std::vector<float> roi; // 2 * rank (starts, then ends); tf_crop_and_resize
};

/// The input coordinate that output index `x` maps to along a dimension.
double resizeSourceCoordinate(int64_t x, ResizeScale scale, int64_t inLen,
                              int64_t outLen, ResizeParams::Coord mode,
                              double roiStart, double roiEnd);

/// y gets the output shape; float element types (integers are interpolated
/// in double and rounded to nearest for linear/cubic).
Status resize(const HostTensor &x, const ResizeParams &p, HostTensor &y,
              ThreadPool *pool = nullptr);

} // namespace npu::kernels

#endif // NPU_KERNELS_RESIZE_H
