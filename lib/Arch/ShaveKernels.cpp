//===- ShaveKernels.cpp - SHAVE kernel names and costs --------------------===//
//
// Costs are estimates of a vectorised kernel's inner loop (no public figures
// exist): one cycle for a plain arithmetic op, a few for division and square
// root, more for transcendental functions built from polynomial
// approximations. docs/hardware-model.md lists them.
//
//===----------------------------------------------------------------------===//

#include "npu/Arch/ShaveKernels.h"

#include <iterator>

namespace npu::arch {

namespace {
struct KernelInfo {
  const char *name;
  uint32_t cyclesPerVector;
};
// Indexed by ShaveKernel.
constexpr KernelInfo kKernels[] = {
    {"softmax", 12},   {"sigmoid", 8},    {"tanh", 8},       {"gelu", 12},
    {"swish", 8},      {"hswish", 2},     {"exp", 6},        {"log", 6},
    {"sqrt", 4},       {"div", 4},        {"mul", 1},        {"pow", 14},
    {"add", 1},        {"sub", 1},        {"reduce_sum", 1}, {"reduce_mean", 1},
    {"reduce_max", 1}, {"reduce_min", 1}, {"mvn", 4},        {"resize", 2},
    {"gather", 1},     {"permute", 1},    {"convert", 1},    {"quantize", 2},
    {"dequantize", 1},
};
// ShaveKernel 25 on, kept apart from the entries above so that retuning
// those and appending here touch different lines. The costs are justified in
// docs/simulator.md ("SHAVE kernels"); matmul's vector is one of
// multiply-accumulates (ShaveTask::workElements counts M*N*K for it).
constexpr KernelInfo kKernelsAppended[] = {
    {"clamp", 1},
    {"hsigmoid", 2},
    {"leaky_relu", 1},
    {"max", 1},
    {"min", 1},
    {"matmul", 1},
    {"erf", 8},
    {"abs", 1},
    {"neg", 1},
    {"reciprocal", 4},
    {"relu", 1},
    {"upsample_zeros", 1},
    {"thresholded_relu", 1},
    {"elu", 7},
    {"selu", 7},
    {"celu", 7},
    {"softplus", 12},
    {"softsign", 4},
    {"prelu", 1},
    {"floor", 1},
    {"ceil", 1},
    {"round", 1},
    {"sign", 1},
    {"sin", 8},
    {"cos", 8},
    {"log_softmax", 12},
    {"compare", 1},
    {"where", 1},
    {"argmax", 1},
    {"argmin", 1},
    {"topk", 4},
    {"gather_elements", 1},
    {"gather_nd", 1},
    {"scatter_nd", 1},
    {"scatter_elements", 1},
    {"tan", 12},
    {"asin", 12},
    {"acos", 12},
    {"atan", 10},
    {"sinh", 8},
    {"cosh", 8},
    {"asinh", 12},
    {"acosh", 12},
    {"atanh", 10},
    {"gelu_tanh", 12},
    // A table lookup per element: two loads per cycle from the 256-byte
    // table (the SHAVE's two load-store units), 16 int8 lanes a vector.
    {"lut", 8},
};
constexpr unsigned kNumFirst = std::size(kKernels);
static_assert(kNumFirst + std::size(kKernelsAppended) == kNumShaveKernels,
              "one entry per ShaveKernel");

const KernelInfo *info(ShaveKernel k) {
  unsigned i = unsigned(k);
  if (i < kNumFirst)
    return &kKernels[i];
  if (i < kNumShaveKernels)
    return &kKernelsAppended[i - kNumFirst];
  return nullptr;
}
} // namespace

const char *shaveKernelName(ShaveKernel k) {
  const KernelInfo *i = info(k);
  return i ? i->name : "?";
}

std::optional<ShaveKernel> parseShaveKernel(const std::string &name) {
  for (unsigned i = 0; i < kNumShaveKernels; ++i)
    if (name == info(ShaveKernel(i))->name)
      return ShaveKernel(i);
  return std::nullopt;
}

uint32_t shaveCyclesPerVector(ShaveKernel k) {
  const KernelInfo *i = info(k);
  return i ? i->cyclesPerVector : 1;
}

bool isPlainUnaryKernel(ShaveKernel k) {
  switch (k) {
  case ShaveKernel::Softplus:
  case ShaveKernel::Softsign:
  case ShaveKernel::Floor:
  case ShaveKernel::Ceil:
  case ShaveKernel::Round:
  case ShaveKernel::Sign:
  case ShaveKernel::Sin:
  case ShaveKernel::Cos:
  case ShaveKernel::Tan:
  case ShaveKernel::Asin:
  case ShaveKernel::Acos:
  case ShaveKernel::Atan:
  case ShaveKernel::Sinh:
  case ShaveKernel::Cosh:
  case ShaveKernel::Asinh:
  case ShaveKernel::Acosh:
  case ShaveKernel::Atanh:
    return true;
  default:
    return false;
  }
}

bool isElementwiseKernel(ShaveKernel k) {
  if (isPlainUnaryKernel(k))
    return true;
  switch (k) {
  case ShaveKernel::Sigmoid:
  case ShaveKernel::Tanh:
  case ShaveKernel::Gelu:
  case ShaveKernel::GeluTanh:
  case ShaveKernel::Swish:
  case ShaveKernel::HSwish:
  case ShaveKernel::Exp:
  case ShaveKernel::Log:
  case ShaveKernel::Sqrt:
  case ShaveKernel::Div:
  case ShaveKernel::Mul:
  case ShaveKernel::Pow:
  case ShaveKernel::Add:
  case ShaveKernel::Sub:
  case ShaveKernel::Convert:
  case ShaveKernel::Quantize:
  case ShaveKernel::Dequantize:
  case ShaveKernel::Clamp:
  case ShaveKernel::HSigmoid:
  case ShaveKernel::LeakyRelu:
  case ShaveKernel::Max:
  case ShaveKernel::Min:
  case ShaveKernel::Erf:
  case ShaveKernel::Abs:
  case ShaveKernel::Neg:
  case ShaveKernel::Reciprocal:
  case ShaveKernel::Relu:
  case ShaveKernel::ThresholdedRelu:
  case ShaveKernel::Elu:
  case ShaveKernel::Selu:
  case ShaveKernel::Celu:
  case ShaveKernel::PRelu:
  case ShaveKernel::Compare:
  case ShaveKernel::Where:
  case ShaveKernel::Lut:
    return true;
  default:
    return false;
  }
}

bool readsWhole(ShaveKernel k, size_t index) {
  return k == ShaveKernel::Lut && index == 1;
}

} // namespace npu::arch
