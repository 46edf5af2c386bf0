//===- Cpu.h - Run-time selection of SIMD code paths ------------*- C++ -*-===//
//
// The project is compiled for the baseline x86-64 (or any other) target; the
// hot kernels carry extra AVX2/FMA and AVX-512 versions built with function
// target attributes and picked at run time from what the CPU supports. Tests
// and benchmarks can force a lower level to exercise every path.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_CPU_H
#define NPU_KERNELS_CPU_H

namespace npu::kernels {

enum class SimdLevel { Generic = 0, Avx2 = 1, Avx512 = 2 };

/// The best level the CPU (and the build's target architecture) supports.
SimdLevel detectedSimdLevel();
/// The level kernels use: the detected one, lowered by the environment
/// variable NPU_KERNELS_SIMD=generic|avx2|avx512 or by setSimdLevel.
SimdLevel activeSimdLevel();
/// Forces a level; returns false (and changes nothing) if the CPU lacks it.
/// Not thread-safe with running kernels: call between runs.
bool setSimdLevel(SimdLevel level);
const char *simdLevelName(SimdLevel level);

/// The highest level a compile runs its float work at (calibration, the
/// mixed-precision search, constant folding): AVX2. The levels' kernels sum
/// in different orders, so calibrating with AVX-512 kernels gives other
/// ranges, other weight rounding and another int8 blob than with AVX2 ones;
/// at most AVX2, every x86-64 host with AVX2 and FMA (every laptop with an
/// Intel NPU) compiles the same bytes. A host without them (the generic
/// kernels) compiles other int8 bytes.
constexpr SimdLevel kReproducibleSimdLevel = SimdLevel::Avx2;

/// While one lives (in any thread), the active level is at most
/// kReproducibleSimdLevel; the last to end restores the level before the
/// first began. Construct it between kernel runs (setSimdLevel).
class ReproducibleSimdScope {
public:
  ReproducibleSimdScope();
  ~ReproducibleSimdScope();
  ReproducibleSimdScope(const ReproducibleSimdScope &) = delete;
  ReproducibleSimdScope &operator=(const ReproducibleSimdScope &) = delete;
};

} // namespace npu::kernels

#endif // NPU_KERNELS_CPU_H
