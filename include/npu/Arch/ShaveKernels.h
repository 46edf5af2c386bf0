//===- ShaveKernels.h - The ACT-SHAVE kernel library -----------*- C++ -*-===//
//
// The kernels an ACT-SHAVE task can run (what the DPU cannot do), their
// names and their cost per vector for the cycle model. The numeric
// semantics of each kernel are in docs/simulator.md ("SHAVE kernels").
//
//===----------------------------------------------------------------------===//

#ifndef NPU_ARCH_SHAVEKERNELS_H
#define NPU_ARCH_SHAVEKERNELS_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace npu::arch {

/// SHAVE kernels. Values are stored in blobs: append only.
enum class ShaveKernel : uint16_t {
  Softmax = 0,
  Sigmoid = 1,
  Tanh = 2,
  Gelu = 3,
  Swish = 4,
  HSwish = 5,
  Exp = 6,
  Log = 7,
  Sqrt = 8,
  Div = 9,
  Mul = 10,
  Pow = 11,
  Add = 12,
  Sub = 13,
  ReduceSum = 14,
  ReduceMean = 15,
  ReduceMax = 16,
  ReduceMin = 17,
  Mvn = 18,
  Resize = 19,
  Gather = 20,
  Permute = 21,
  Convert = 22,
  Quantize = 23,
  Dequantize = 24,
  Clamp = 25,
  HSigmoid = 26,
  LeakyRelu = 27,
  Max = 28,
  Min = 29,
  MatMul = 30,
  Erf = 31,
  Abs = 32,
  Neg = 33,
  Reciprocal = 34,
  Relu = 35,
  UpsampleZeros = 36,
  ThresholdedRelu = 37,
  Elu = 38,
  Selu = 39,
  Celu = 40,
  Softplus = 41,
  Softsign = 42,
  PRelu = 43,
  Floor = 44,
  Ceil = 45,
  Round = 46,
  Sign = 47,
  Sin = 48,
  Cos = 49,
  LogSoftmax = 50,
  Compare = 51,
  Where = 52,
  ArgMax = 53,
  ArgMin = 54,
  TopK = 55,
  GatherElements = 56,
  GatherND = 57,
  ScatterND = 58,
  ScatterElements = 59,
  Tan = 60,
  Asin = 61,
  Acos = 62,
  Atan = 63,
  Sinh = 64,
  Cosh = 65,
  Asinh = 66,
  Acosh = 67,
  Atanh = 68,
  GeluTanh = 69, ///< GELU, tanh approximation (ONNX Gelu approximate="tanh")
  /// int8 (or uint8) -> int8 (or uint8) through a table of 256 entries
  /// (input 1, of the output's type): out = table[in - min(in's type)].
  /// An int8 activation whose function is known only at compile time
  /// (the table holds dequantize, the function and quantize of every
  /// input value, computed by the same kernels).
  Lut = 70,
};
constexpr unsigned kNumShaveKernels = 71;

/// How a scatter kernel combines an update with the element it lands on
/// (its reduction iparam; ONNX's `reduction` attribute). Updates apply in
/// the order of the indices, each rounded to the data's type.
enum class ScatterReduction : int64_t {
  None = 0, ///< the update replaces the element (the last one to land wins)
  Add = 1,
  Mul = 2,
  Max = 3,
  Min = 4,
};

/// The comparison a Compare kernel makes (its iparams[0]); the result is 1
/// where it holds, else 0 (NaN compares unequal to everything).
enum class CompareKind : int64_t {
  Equal = 0,
  Less = 1,
  LessEqual = 2,
  Greater = 3,
  GreaterEqual = 4,
  NotEqual = 5,
};

/// "softmax", "sigmoid", ...
const char *shaveKernelName(ShaveKernel k);
std::optional<ShaveKernel> parseShaveKernel(const std::string &name);

/// True for the parameterless elementwise functions of one float operand
/// (softplus, softsign, floor, ceil, round, sign and the trigonometric and
/// hyperbolic functions): 1 input, 1 output of its shape and type, f16 or
/// f32, no parameters.
bool isPlainUnaryKernel(ShaveKernel k);

/// True if the kernel computes each output element from the elements at the
/// same (broadcast) index of its inputs only, so that it can be split over
/// any outer dimension (code generation spreads such kernels over SHAVEs).
bool isElementwiseKernel(ShaveKernel k);

/// Whether every task of a split kernel `k` reads input `index` whole
/// rather than its slab: the `lut` kernel's table (input 1).
bool readsWhole(ShaveKernel k, size_t index);

/// SHAVE cycles per fp16 vector (hardware.shaveVectorLanesF16 elements) of
/// the kernel's dominant loop; fp32 data runs at half the lanes.
uint32_t shaveCyclesPerVector(ShaveKernel k);

} // namespace npu::arch

#endif // NPU_ARCH_SHAVEKERNELS_H
