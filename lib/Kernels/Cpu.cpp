//===- Cpu.cpp - Run-time selection of SIMD code paths --------------------===//

#include "npu/Kernels/Cpu.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace npu::kernels {

SimdLevel detectedSimdLevel() {
#if defined(__x86_64__) || defined(__i386__)
  static const SimdLevel level = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma"))
      return SimdLevel::Avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
      return SimdLevel::Avx2;
    return SimdLevel::Generic;
  }();
  return level;
#else
  return SimdLevel::Generic;
#endif
}

static SimdLevel initialLevel() {
  SimdLevel level = detectedSimdLevel();
  if (const char *env = std::getenv("NPU_KERNELS_SIMD")) {
    SimdLevel wanted = level;
    if (!std::strcmp(env, "generic"))
      wanted = SimdLevel::Generic;
    else if (!std::strcmp(env, "avx2"))
      wanted = SimdLevel::Avx2;
    else if (!std::strcmp(env, "avx512"))
      wanted = SimdLevel::Avx512;
    if (static_cast<int>(wanted) < static_cast<int>(level))
      level = wanted;
  }
  return level;
}

static std::atomic<int> &levelStorage() {
  static std::atomic<int> level{static_cast<int>(initialLevel())};
  return level;
}

SimdLevel activeSimdLevel() {
  return static_cast<SimdLevel>(levelStorage().load(std::memory_order_relaxed));
}

bool setSimdLevel(SimdLevel level) {
  if (static_cast<int>(level) > static_cast<int>(detectedSimdLevel()))
    return false;
  levelStorage().store(static_cast<int>(level), std::memory_order_relaxed);
  return true;
}

namespace {
std::mutex reproducibleMutex;
int reproducibleDepth = 0;
SimdLevel levelBeforeReproducible = SimdLevel::Generic;
} // namespace

ReproducibleSimdScope::ReproducibleSimdScope() {
  std::lock_guard<std::mutex> lock(reproducibleMutex);
  if (reproducibleDepth++ > 0)
    return;
  levelBeforeReproducible = activeSimdLevel();
  if (static_cast<int>(levelBeforeReproducible) >
      static_cast<int>(kReproducibleSimdLevel))
    setSimdLevel(kReproducibleSimdLevel);
}

ReproducibleSimdScope::~ReproducibleSimdScope() {
  std::lock_guard<std::mutex> lock(reproducibleMutex);
  if (--reproducibleDepth == 0)
    setSimdLevel(levelBeforeReproducible);
}

const char *simdLevelName(SimdLevel level) {
  switch (level) {
  case SimdLevel::Generic:
    return "generic";
  case SimdLevel::Avx2:
    return "avx2";
  case SimdLevel::Avx512:
    return "avx512";
  }
  return "?";
}

} // namespace npu::kernels
