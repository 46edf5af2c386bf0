//===- Interpolation.h - Resampling kernels shared by engines ---*- C++ -*-===//
//
// The weights of ONNX Resize's cubic interpolation, used by the reference
// kernel (npu/Kernels/Resize.h) and by the SHAVE resize kernel the device
// and the hardware-op stages run (lib/Device/Shave.cpp): one definition, so
// that the two cannot drift apart. Header only: the runtime libraries use
// it without linking the compiler's.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_ARCH_INTERPOLATION_H
#define NPU_ARCH_INTERPOLATION_H

#include <cmath>

namespace npu::arch {

/// Keys' cubic convolution kernel with coefficient `a` (ONNX Resize's
/// `cubic_coeff_a`: -0.75 by default, -0.5 in TensorFlow) at distance `d`
/// (in input samples) from the sample point; 0 from 2 on.
inline double cubicInterpolationWeight(double d, double a) {
  d = std::fabs(d);
  if (d <= 1)
    return ((a + 2) * d - (a + 3)) * d * d + 1;
  if (d < 2)
    return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
  return 0;
}

} // namespace npu::arch

#endif // NPU_ARCH_INTERPOLATION_H
