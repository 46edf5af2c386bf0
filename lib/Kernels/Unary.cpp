//===- Unary.cpp - Elementwise unary ops ----------------------------------===//
//
// Each op is a small functor over the compute type (float for f32/f16/bf16,
// double for f64); a switch picks the functor once per tensor, never per
// element. The cheap float32 ops used all over CNNs (relu, clip, hard
// sigmoid/swish, ...) also get AVX2/AVX-512 builds of their loops.
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Elementwise.h"

#include "KernelSupport.h"
#include "npu/Kernels/Broadcast.h"
#include "npu/Kernels/ElementTypes.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace npu::kernels {

const char *unaryOpName(UnaryOp op) {
  static const char *const names[] = {
      "identity",     "relu",     "sigmoid",  "tanh",       "exp",
      "log",          "sqrt",     "abs",      "neg",        "erf",
      "reciprocal",   "floor",    "ceil",     "round",      "sign",
      "sin",          "cos",      "tan",      "asin",       "acos",
      "atan",         "sinh",     "cosh",     "asinh",      "acosh",
      "atanh",        "softplus", "softsign", "hard_swish", "not",
      "leaky_relu",   "elu",      "celu",     "selu",       "thresholded_relu",
      "hard_sigmoid", "shrink",   "gelu",     "gelu(tanh)", "clip"};
  return names[static_cast<int>(op)];
}

namespace {

/// The float math of every op, in compute type C (float or double).
template <typename C>
NPU_ALWAYS_INLINE C floatOp(UnaryOp op, C x, const UnaryParams &p) {
  const C alpha = static_cast<C>(p.alpha), beta = static_cast<C>(p.beta);
  switch (op) {
  case UnaryOp::Identity:
    return x;
  case UnaryOp::Relu:
    return x > C(0) ? x : (x == x ? C(0) : x);
  case UnaryOp::Sigmoid:
    if (x >= C(0))
      return C(1) / (C(1) + std::exp(-x));
    else {
      C e = std::exp(x);
      return e / (C(1) + e);
    }
  case UnaryOp::Tanh:
    return std::tanh(x);
  case UnaryOp::Exp:
    return std::exp(x);
  case UnaryOp::Log:
    return std::log(x);
  case UnaryOp::Sqrt:
    return std::sqrt(x);
  case UnaryOp::Abs:
    return std::fabs(x);
  case UnaryOp::Neg:
    return -x;
  case UnaryOp::Erf:
    return std::erf(x);
  case UnaryOp::Reciprocal:
    return C(1) / x;
  case UnaryOp::Floor:
    return std::floor(x);
  case UnaryOp::Ceil:
    return std::ceil(x);
  case UnaryOp::Round:
    return std::nearbyint(x);
  case UnaryOp::Sign:
    return x > C(0) ? C(1) : (x < C(0) ? C(-1) : x);
  case UnaryOp::Sin:
    return std::sin(x);
  case UnaryOp::Cos:
    return std::cos(x);
  case UnaryOp::Tan:
    return std::tan(x);
  case UnaryOp::Asin:
    return std::asin(x);
  case UnaryOp::Acos:
    return std::acos(x);
  case UnaryOp::Atan:
    return std::atan(x);
  case UnaryOp::Sinh:
    return std::sinh(x);
  case UnaryOp::Cosh:
    return std::cosh(x);
  case UnaryOp::Asinh:
    return std::asinh(x);
  case UnaryOp::Acosh:
    return std::acosh(x);
  case UnaryOp::Atanh:
    return std::atanh(x);
  case UnaryOp::Softplus:
    // log(1 + exp(x)) without overflow for large x.
    return x > C(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
  case UnaryOp::Softsign:
    return x / (C(1) + std::fabs(x));
  case UnaryOp::HardSwish:
    return x * std::min(std::max(x * C(1.0 / 6.0) + C(0.5), C(0)), C(1));
  case UnaryOp::Not:
    return x == C(0) ? C(1) : C(0);
  case UnaryOp::LeakyRelu:
    return x < C(0) ? alpha * x : x;
  case UnaryOp::Elu:
    return x < C(0) ? alpha * std::expm1(x) : x;
  case UnaryOp::Celu:
    return std::max(C(0), x) + std::min(C(0), alpha * std::expm1(x / alpha));
  case UnaryOp::Selu:
    return static_cast<C>(p.gamma) * (x > C(0) ? x : alpha * std::expm1(x));
  case UnaryOp::ThresholdedRelu:
    return x > alpha ? x : C(0);
  case UnaryOp::HardSigmoid:
    return std::min(std::max(alpha * x + beta, C(0)), C(1));
  case UnaryOp::Shrink: // lambd = alpha, bias = beta
    return x < -alpha ? x + beta : (x > alpha ? x - beta : C(0));
  case UnaryOp::Gelu:
    return C(0.5) * x * (C(1) + std::erf(x * C(0.70710678118654752440)));
  case UnaryOp::GeluTanh: {
    C inner = C(0.79788456080286535588) * (x + C(0.044715) * x * x * x);
    return C(0.5) * x * (C(1) + std::tanh(inner));
  }
  case UnaryOp::Clip:
    return std::min(std::max(x, static_cast<C>(p.lo)), static_cast<C>(p.hi));
  }
  return x;
}

template <typename T, UnaryOp OP>
NPU_ALWAYS_INLINE void mapOp(const T *in, T *out, int64_t n,
                             const UnaryParams &p) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = storeElem<T>(floatOp<ComputeType<T>>(OP, loadElem(in[i]), p));
}

/// The loops of the cheap float32 ops, each with the op fixed at compile
/// time so the compiler vectorises it.
NPU_ALWAYS_INLINE bool fastF32Body(UnaryOp op, const float *in, float *out,
                                   int64_t n, const UnaryParams &p) {
  switch (op) {
#define NPU_FAST(OP)                                                           \
  case UnaryOp::OP:                                                            \
    mapOp<float, UnaryOp::OP>(in, out, n, p);                                  \
    return true;
    NPU_FAST(Identity)
    NPU_FAST(Relu)
    NPU_FAST(Abs)
    NPU_FAST(Neg)
    NPU_FAST(Sqrt)
    NPU_FAST(Reciprocal)
    NPU_FAST(Floor)
    NPU_FAST(Ceil)
    NPU_FAST(Round)
    NPU_FAST(Sign)
    NPU_FAST(Softsign)
    NPU_FAST(HardSwish)
    NPU_FAST(LeakyRelu)
    NPU_FAST(ThresholdedRelu)
    NPU_FAST(HardSigmoid)
    NPU_FAST(Shrink)
    NPU_FAST(Clip)
#undef NPU_FAST
  default:
    return false;
  }
}

NPU_MULTIVERSION(bool, fastF32,
                 (UnaryOp op, const float *in, float *out, int64_t n,
                  const UnaryParams &p),
                 (op, in, out, n, p), fastF32Body)

template <typename T>
void floatUnary(UnaryOp op, const T *in, T *out, int64_t n,
                const UnaryParams &p) {
  if constexpr (std::is_same_v<T, float>)
    if (fastF32(op, in, out, n, p))
      return;
  for (int64_t i = 0; i < n; ++i)
    out[i] = storeElem<T>(floatOp<ComputeType<T>>(op, loadElem(in[i]), p));
}

bool intOpSupported(UnaryOp op) {
  switch (op) {
  case UnaryOp::Identity:
  case UnaryOp::Relu:
  case UnaryOp::Abs:
  case UnaryOp::Neg:
  case UnaryOp::Sign:
  case UnaryOp::Floor:
  case UnaryOp::Ceil:
  case UnaryOp::Round:
  case UnaryOp::Clip:
  case UnaryOp::Shrink:
    return true;
  default:
    return false;
  }
}

/// Clip bounds as T: an integer bound exactly, a float one rounded inward;
/// saturated to T's range.
template <typename T>
T clampBound(const std::optional<Scalar> &exact, double v, bool lower) {
  if (exact)
    return exact->as<T>();
  double r = lower ? std::ceil(v) : std::floor(v);
  if (r <= static_cast<double>(std::numeric_limits<T>::lowest()))
    return std::numeric_limits<T>::lowest();
  if (r >= static_cast<double>(std::numeric_limits<T>::max()))
    return std::numeric_limits<T>::max();
  return static_cast<T>(r);
}

/// 2^digits of T: one above its largest value, exactly, as a double.
template <typename T> double intLimit() {
  return std::ldexp(1.0, std::numeric_limits<T>::digits);
}

/// x < v for an integer x and a double v, exactly (x is not rounded).
template <typename T> bool lessThan(T x, double v) {
  double c = std::ceil(v); // x < v <=> x < ceil(v)
  if (std::isnan(c) ||
      c <= static_cast<double>(std::numeric_limits<T>::lowest()))
    return false;
  if (c >= intLimit<T>())
    return true;
  return x < static_cast<T>(c);
}

/// x > v for an integer x and a double v, exactly.
template <typename T> bool greaterThan(T x, double v) {
  double f = std::floor(v); // x > v <=> x > floor(v)
  if (std::isnan(f) || f >= intLimit<T>())
    return false;
  if (f < static_cast<double>(std::numeric_limits<T>::lowest()))
    return true;
  return x > static_cast<T>(f);
}

/// Shrink of an integer: the comparisons are exact, and an integral bias is
/// added in T's wrapping arithmetic (a double would round 64-bit values);
/// a fractional bias is applied in double and the result truncated,
/// saturating.
template <typename T>
void intShrink(const T *in, T *out, int64_t n, const UnaryParams &p) {
  using U = std::make_unsigned_t<T>;
  const double lambd = p.alpha, bias = p.beta;
  const bool integralBias =
      std::trunc(bias) == bias && std::fabs(bias) < 9.2e18;
  const U b = integralBias ? static_cast<U>(static_cast<int64_t>(bias)) : U(0);
  for (int64_t i = 0; i < n; ++i) {
    T x = in[i];
    bool below = lessThan(x, -lambd), above = greaterThan(x, lambd);
    if (!below && !above) {
      out[i] = T(0);
    } else if (integralBias) {
      U ux = static_cast<U>(x);
      out[i] = static_cast<T>(below ? static_cast<U>(ux + b)
                                    : static_cast<U>(ux - b));
    } else {
      double r = static_cast<double>(x) + (below ? bias : -bias);
      out[i] = Scalar(r).as<T>();
    }
  }
}

template <typename T>
void intUnary(UnaryOp op, const T *in, T *out, int64_t n,
              const UnaryParams &p) {
  using U = std::make_unsigned_t<T>;
  switch (op) {
  case UnaryOp::Relu:
    for (int64_t i = 0; i < n; ++i)
      out[i] = in[i] > 0 ? in[i] : T(0);
    return;
  case UnaryOp::Abs:
    for (int64_t i = 0; i < n; ++i)
      out[i] = in[i] < 0 ? static_cast<T>(U(0) - static_cast<U>(in[i])) : in[i];
    return;
  case UnaryOp::Neg:
    for (int64_t i = 0; i < n; ++i)
      out[i] = static_cast<T>(U(0) - static_cast<U>(in[i]));
    return;
  case UnaryOp::Sign:
    for (int64_t i = 0; i < n; ++i)
      out[i] = static_cast<T>((in[i] > 0) - (in[i] < 0));
    return;
  case UnaryOp::Clip: {
    T lo = clampBound<T>(p.intLo, p.lo, true),
      hi = clampBound<T>(p.intHi, p.hi, false);
    for (int64_t i = 0; i < n; ++i)
      out[i] = std::min(std::max(in[i], lo), hi);
    return;
  }
  case UnaryOp::Shrink:
    intShrink(in, out, n, p);
    return;
  default: // identity, floor, ceil, round
    if (out != in)
      std::copy(in, in + n, out);
    return;
  }
}

} // namespace

Status unary(UnaryOp op, const HostTensor &in, HostTensor &out,
             const UnaryParams &p, ThreadPool *pool) {
  NPU_RETURN_IF_ERROR(expectShape(out, in.shape(), "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(in, out, "input and output"));
  DType t = in.dtype();
  if (t == DType::Bool) {
    if (op != UnaryOp::Not && op != UnaryOp::Identity)
      return Status::error(std::string(unaryOpName(op)) +
                           " is not defined on booleans");
  } else if (op == UnaryOp::Not) {
    return Status::error("not is only defined on booleans");
  } else if (!isFloat(t) && !intOpSupported(op)) {
    return Status::error(std::string(unaryOpName(op)) +
                         " is not defined on integer tensors");
  }
  Status status;
  dispatchDType(t, [&](auto tag) {
    using T = decltype(tag);
    const T *src = in.data<T>();
    T *dst = out.data<T>();
    forEachChunk(pool, in.numElements(), [&](int64_t b, int64_t e) {
      if constexpr (std::is_same_v<T, bool>) {
        for (int64_t i = b; i < e; ++i)
          dst[i] = op == UnaryOp::Not ? !src[i] : src[i];
      } else if constexpr (isFloatStorage<T>) {
        floatUnary<T>(op, src + b, dst + b, e - b, p);
      } else {
        intUnary<T>(op, src + b, dst + b, e - b, p);
      }
    });
  });
  return status;
}

void unaryF32(UnaryOp op, const float *in, float *out, int64_t n,
              const UnaryParams &params) {
  floatUnary<float>(op, in, out, n, params);
}

/// out[i] = pred(in[i]) for float inputs, false for other types.
template <typename Pred>
static Status floatTest(const HostTensor &in, HostTensor &out, Pred pred) {
  NPU_RETURN_IF_ERROR(expectShape(out, in.shape(), "output"));
  NPU_RETURN_IF_ERROR(expectDType(out, DType::Bool, "output"));
  dispatchDType(in.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < in.numElements(); ++i) {
      if constexpr (isFloatStorage<T>)
        out.data<bool>()[i] = pred(loadElem(in.data<T>()[i]));
      else
        out.data<bool>()[i] = false;
    }
  });
  return Status::success();
}

Status isNaN(const HostTensor &in, HostTensor &out) {
  return floatTest(in, out, [](auto v) { return v != v; });
}

Status isInf(const HostTensor &in, HostTensor &out, bool detectNegative,
             bool detectPositive) {
  return floatTest(in, out, [&](auto v) {
    return std::isinf(v) &&
           ((v > 0 && detectPositive) || (v < 0 && detectNegative));
  });
}

} // namespace npu::kernels
