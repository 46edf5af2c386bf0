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

} // namespace npu::kernels

#endif // NPU_KERNELS_CPU_H
