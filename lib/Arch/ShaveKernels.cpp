//===- ShaveKernels.cpp - SHAVE kernel names and costs --------------------===//
//
// Costs are estimates of a vectorised kernel's inner loop (no public figures
// exist): one cycle for a plain arithmetic op, a few for division and square
// root, more for transcendental functions built from polynomial
// approximations. docs/hardware-model.md lists them.
//
//===----------------------------------------------------------------------===//

#include "npu/Arch/ShaveKernels.h"

namespace npu::arch {

namespace {
struct KernelInfo {
  const char *name;
  uint32_t cyclesPerVector;
};
// Indexed by ShaveKernel.
constexpr KernelInfo kKernels[kNumShaveKernels] = {
    {"softmax", 12},   {"sigmoid", 8},    {"tanh", 8},       {"gelu", 12},
    {"swish", 8},      {"hswish", 2},     {"exp", 6},        {"log", 6},
    {"sqrt", 4},       {"div", 4},        {"mul", 1},        {"pow", 14},
    {"add", 1},        {"sub", 1},        {"reduce_sum", 1}, {"reduce_mean", 1},
    {"reduce_max", 1}, {"reduce_min", 1}, {"mvn", 4},        {"resize", 2},
    {"gather", 1},     {"permute", 1},    {"convert", 1},    {"quantize", 2},
    {"dequantize", 1},
};
} // namespace

const char *shaveKernelName(ShaveKernel k) {
  unsigned i = unsigned(k);
  return i < kNumShaveKernels ? kKernels[i].name : "?";
}

std::optional<ShaveKernel> parseShaveKernel(const std::string &name) {
  for (unsigned i = 0; i < kNumShaveKernels; ++i)
    if (name == kKernels[i].name)
      return ShaveKernel(i);
  return std::nullopt;
}

uint32_t shaveCyclesPerVector(ShaveKernel k) {
  unsigned i = unsigned(k);
  return i < kNumShaveKernels ? kKernels[i].cyclesPerVector : 1;
}

} // namespace npu::arch
