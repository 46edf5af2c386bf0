//===- PostProcess.h - Bit-exact DPU post-processing (PPE) -----*- C++ -*-===//
//
// The arithmetic the DPU's post-processing element applies to a 32-bit
// accumulator: fused activation, fixed-point requantization, zero point,
// clamp and saturation. The simulator executes exactly these functions, and
// the reference interpreter must call them too so that a blob on the
// simulator and the interpreter agree bit for bit. The semantics are
// specified in docs/hardware-model.md ("Post-processing").
//
//===----------------------------------------------------------------------===//

#ifndef NPU_ARCH_POSTPROCESS_H
#define NPU_ARCH_POSTPROCESS_H

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace npu::arch {

/// Fused activation of a DPU task. Values are stored in blobs.
enum class Activation : uint8_t {
  None = 0,
  Relu = 1,
  LeakyRelu = 2,
};

/// The scale of a symmetric int8 weight channel whose largest |w| is
/// `maxAbs` (the int8 lowering's per-output-channel weights, levels
/// round(w / scale) in [-127, 127]); 1 for a channel of zeros, whose levels
/// are all 0.
inline float int8WeightScale(float maxAbs) {
  return maxAbs > 0.0f ? maxAbs / 127.0f : 1.0f;
}

/// Arithmetic shift right by `shift` bits rounding half towards +infinity,
/// the PPE's rounding mode: floor(v / 2^shift + 1/2).
inline int64_t roundingShiftRight(int64_t v, unsigned shift) {
  if (shift == 0)
    return v;
  if (shift > 62) // |v| < 2^63: the result is 0, or -1 below -2^62.
    return v < -(int64_t(1) << 62) ? -1 : 0;
  return (v + (int64_t(1) << (shift - 1))) >> shift;
}

/// Integer post-processing parameters shared by all output channels.
struct IntPpeParams {
  Activation activation = Activation::None;
  int32_t leakyMult = 0; ///< LeakyReLU slope = leakyMult / 2^leakyShift.
  uint8_t leakyShift = 0;
  int32_t outZeroPoint = 0;
  int32_t clampLow = INT32_MIN; ///< In the output's quantized domain.
  int32_t clampHigh = INT32_MAX;
  int32_t typeMin = -128; ///< Saturation bounds of the output type.
  int32_t typeMax = 127;
};

/// int32 accumulator (bias already added) -> quantized output value.
///   1. activation on the accumulator: ReLU max(acc, 0); LeakyReLU for
///      acc < 0: roundingShiftRight(acc * leakyMult, leakyShift);
///   2. requantization: roundingShiftRight(acc * mult, shift) + outZeroPoint
///      (64-bit product, mult is an unsigned 16-bit fixed-point multiplier);
///   3. clamp to [clampLow, clampHigh] then saturate to the output type.
inline int32_t ppeInt(int32_t acc, uint32_t mult, unsigned shift,
                      const IntPpeParams &p) {
  int64_t a = acc;
  if (p.activation == Activation::Relu) {
    a = std::max<int64_t>(a, 0);
  } else if (p.activation == Activation::LeakyRelu && a < 0) {
    a = roundingShiftRight(a * p.leakyMult, p.leakyShift);
  }
  int64_t v = roundingShiftRight(a * int64_t(mult), shift) + p.outZeroPoint;
  v = std::min<int64_t>(std::max<int64_t>(v, p.clampLow), p.clampHigh);
  v = std::min<int64_t>(std::max<int64_t>(v, p.typeMin), p.typeMax);
  return int32_t(v);
}

/// Float post-processing parameters (fp16 path, or int accumulators written
/// as floats).
struct FloatPpeParams {
  Activation activation = Activation::None;
  float leakyAlpha = 0.0f;
  float clampLow = -INFINITY;
  float clampHigh = INFINITY;
};

/// Float accumulator (fp32, bias already added) -> value before the final
/// rounding to the output type: acc * scale, then activation, then clamp.
inline float ppeFloat(float acc, float scale, const FloatPpeParams &p) {
  float v = acc * scale;
  if (p.activation == Activation::Relu)
    v = v > 0.0f ? v : 0.0f;
  else if (p.activation == Activation::LeakyRelu && v < 0.0f)
    v = v * p.leakyAlpha;
  return std::min(std::max(v, p.clampLow), p.clampHigh);
}

} // namespace npu::arch

#endif // NPU_ARCH_POSTPROCESS_H
