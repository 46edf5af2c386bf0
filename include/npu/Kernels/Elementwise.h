//===- Elementwise.h - Unary, binary and ternary elementwise ops -*- C++
//-*-===//
//
// ONNX elementwise semantics over every HostTensor element type: float math
// (f16/bf16 computed in float and rounded back), wrapping integer
// arithmetic, boolean logic, NumPy broadcasting for binary ops and `where`,
// and element type conversion (`cast`). The output tensor is allocated by
// the caller with the result shape and type; it may be the same tensor as
// an input of that shape and type (in-place update).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_ELEMENTWISE_H
#define NPU_KERNELS_ELEMENTWISE_H

#include "npu/Kernels/Scalar.h"
#include "npu/Kernels/Status.h"
#include "npu/Kernels/ThreadPool.h"
#include "npu/Support/HostTensor.h"

#include <limits>
#include <optional>

namespace npu::kernels {

enum class UnaryOp {
  Identity,
  Relu,
  Sigmoid,
  Tanh,
  Exp,
  Log,
  Sqrt,
  Abs,
  Neg,
  Erf,
  Reciprocal,
  Floor,
  Ceil,
  Round, // half to even
  Sign,
  Sin,
  Cos,
  Tan,
  Asin,
  Acos,
  Atan,
  Sinh,
  Cosh,
  Asinh,
  Acosh,
  Atanh,
  Softplus,
  Softsign,
  HardSwish,
  Not,
  LeakyRelu,       // alpha
  Elu,             // alpha
  Celu,            // alpha
  Selu,            // alpha, gamma
  ThresholdedRelu, // alpha
  HardSigmoid,     // alpha, beta
  Shrink,          // bias = beta, lambd = alpha
  Gelu,
  GeluTanh,
  Clip, // [lo, hi]
};

struct UnaryParams {
  double alpha = 0, beta = 0, gamma = 0;
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  /// Clip bounds of an integer tensor given as integers: exact (lo / hi
  /// round 64-bit values), saturated to the type. Unset: lo / hi, rounded
  /// inward.
  std::optional<Scalar> intLo, intHi;
};

const char *unaryOpName(UnaryOp op);

/// out = op(in); same shape, same element type (Not: bool).
Status unary(UnaryOp op, const HostTensor &in, HostTensor &out,
             const UnaryParams &params = {}, ThreadPool *pool = nullptr);

/// Boolean tests of float elements.
Status isNaN(const HostTensor &in, HostTensor &out);
Status isInf(const HostTensor &in, HostTensor &out, bool detectNegative,
             bool detectPositive);

enum class BinaryOp {
  Add,
  Sub,
  Mul,
  Div,   // integers truncate toward zero; division by zero is an error
  Pow,   // result has lhs's type; rhs may have another numeric type
  Max,   // NaN propagates
  Min,   // NaN propagates
  Mod,   // sign of the divisor (Python)
  FMod,  // sign of the dividend (C fmod)
  PRelu, // rhs is the slope
  ShiftLeft,
  ShiftRight,
  And,
  Or,
  Xor,
  Equal,
  Less,
  LessEqual,
  Greater,
  GreaterEqual,
};

const char *binaryOpName(BinaryOp op);

/// out = op(lhs, rhs) with NumPy broadcasting; `out` has the broadcast
/// shape and lhs's type (bool for comparisons and logic).
Status binary(BinaryOp op, const HostTensor &lhs, const HostTensor &rhs,
              HostTensor &out, ThreadPool *pool = nullptr);

/// out = cond ? x : y with broadcasting of all three.
Status where(const HostTensor &cond, const HostTensor &x, const HostTensor &y,
             HostTensor &out, ThreadPool *pool = nullptr);

/// Converts to out's element type: float to integer truncates toward zero
/// and saturates (NaN gives 0), integer to integer wraps, anything to bool
/// is `!= 0`, float narrowing rounds to nearest even (without double
/// rounding from f64).
Status cast(const HostTensor &in, HostTensor &out, ThreadPool *pool = nullptr);

/// Raw float32 loops for fused elementwise programs: out[i] = op(in[i])
/// over n elements (`in` may equal `out`).
void unaryF32(UnaryOp op, const float *in, float *out, int64_t n,
              const UnaryParams &params);
/// out[i] = op(a[i * sa], b[i * sb]) with strides 0 or 1 (out may equal an
/// operand with stride 1). Arithmetic ops only (no comparisons, logic or
/// shifts); returns false for others.
bool binaryF32(BinaryOp op, const float *a, int64_t sa, const float *b,
               int64_t sb, float *out, int64_t n);

/// Broadcast shape of two shapes; false if they do not broadcast.
bool broadcastShape(const std::vector<int64_t> &a,
                    const std::vector<int64_t> &b, std::vector<int64_t> &out);

} // namespace npu::kernels

#endif // NPU_KERNELS_ELEMENTWISE_H
