//===- Binary.cpp - Broadcasting binary elementwise ops and `where` -------===//
//
// An op is a functor over storage types (it loads/stores through the
// compute type); the broadcast plan hands it runs where each operand is
// either contiguous or a repeated scalar. Integer arithmetic wraps (done in
// unsigned types to stay defined), integer division by zero is reported.
// float32 arithmetic runs AVX2/AVX-512 builds of the same loops.
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Elementwise.h"

#include "Broadcast.h"
#include "KernelSupport.h"
#include "npu/Kernels/ElementTypes.h"

#include <cmath>
#include <limits>
#include <type_traits>

namespace npu::kernels {

const char *binaryOpName(BinaryOp op) {
  static const char *const names[] = {
      "add", "sub",        "mul",         "div",     "pow",
      "max", "min",        "mod",         "fmod",    "prelu",
      "bit_shift(left)",   "bit_shift(right)", "and", "or",
      "xor", "equal",      "less",        "less_equal", "greater",
      "greater_equal"};
  return names[static_cast<int>(op)];
}

bool broadcastShape(const std::vector<int64_t> &a,
                    const std::vector<int64_t> &b, std::vector<int64_t> &out) {
  size_t rank = std::max(a.size(), b.size());
  out.assign(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == db || db == 1)
      out[i] = da;
    else if (da == 1)
      out[i] = db;
    else
      return false;
  }
  return true;
}

namespace {

/// Ops with a boolean result: comparisons and logic.
bool isComparison(BinaryOp op) {
  return op >= BinaryOp::And;
}
bool isLogic(BinaryOp op) {
  return op == BinaryOp::And || op == BinaryOp::Or || op == BinaryOp::Xor;
}

template <BinaryOp OP, typename C> NPU_ALWAYS_INLINE C floatArith(C a, C b) {
  if constexpr (OP == BinaryOp::Add)
    return a + b;
  else if constexpr (OP == BinaryOp::Sub)
    return a - b;
  else if constexpr (OP == BinaryOp::Mul)
    return a * b;
  else if constexpr (OP == BinaryOp::Div)
    return a / b;
  else if constexpr (OP == BinaryOp::Pow)
    return std::pow(a, b);
  else if constexpr (OP == BinaryOp::Max)
    return a != a ? a : (a > b ? a : b);
  else if constexpr (OP == BinaryOp::Min)
    return a != a ? a : (a < b ? a : b);
  else if constexpr (OP == BinaryOp::FMod)
    return std::fmod(a, b);
  else if constexpr (OP == BinaryOp::Mod) {
    C r = std::fmod(a, b);
    if (r != C(0) && ((r < C(0)) != (b < C(0))))
      r += b;
    return r;
  } else { // PRelu
    return a < C(0) ? a * b : a;
  }
}

/// Integer power with wrapping; negative exponents truncate toward zero.
template <typename T> T intPow(T base, T exp) {
  using U = std::make_unsigned_t<T>;
  if constexpr (std::is_signed_v<T>) {
    if (exp < 0) {
      if (base == 1)
        return 1;
      if (base == -1)
        return (exp & 1) ? T(-1) : T(1);
      return 0;
    }
  }
  U result = 1, b = static_cast<U>(base);
  for (U e = static_cast<U>(exp); e; e >>= 1) {
    if (e & 1)
      result = static_cast<U>(result * b);
    b = static_cast<U>(b * b);
  }
  return static_cast<T>(result);
}

template <BinaryOp OP, typename T> NPU_ALWAYS_INLINE T intArith(T a, T b) {
  using U = std::make_unsigned_t<T>;
  constexpr T kMin = std::numeric_limits<T>::min();
  if constexpr (OP == BinaryOp::Add)
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  else if constexpr (OP == BinaryOp::Sub)
    return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
  else if constexpr (OP == BinaryOp::Mul)
    return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
  else if constexpr (OP == BinaryOp::Div) {
    if (b == 0)
      return 0; // reported before the loop runs
    if (std::is_signed_v<T> && a == kMin && b == T(-1))
      return kMin;
    return static_cast<T>(a / b);
  } else if constexpr (OP == BinaryOp::Pow)
    return intPow<T>(a, b);
  else if constexpr (OP == BinaryOp::Max)
    return a > b ? a : b;
  else if constexpr (OP == BinaryOp::Min)
    return a < b ? a : b;
  else if constexpr (OP == BinaryOp::FMod || OP == BinaryOp::Mod) {
    if (b == 0)
      return 0;
    if (std::is_signed_v<T> && b == T(-1))
      return 0;
    T r = static_cast<T>(a % b);
    if constexpr (OP == BinaryOp::Mod && std::is_signed_v<T>)
      if (r != 0 && ((r < 0) != (b < 0)))
        r = static_cast<T>(r + b);
    return r;
  } else if constexpr (OP == BinaryOp::PRelu)
    return a < T(0) ? static_cast<T>(static_cast<U>(a) * static_cast<U>(b)) : a;
  else if constexpr (OP == BinaryOp::ShiftLeft)
    return b >= T(sizeof(T) * 8) ? T(0) : static_cast<T>(static_cast<U>(a) << b);
  else // ShiftRight
    return b >= T(sizeof(T) * 8) ? T(0) : static_cast<T>(static_cast<U>(a) >> b);
}

template <BinaryOp OP, typename T> struct Arith {
  NPU_ALWAYS_INLINE T operator()(T a, T b) const {
    if constexpr (isFloatStorage<T>)
      return storeElem<T>(
          floatArith<OP, ComputeType<T>>(loadElem(a), loadElem(b)));
    else
      return intArith<OP, T>(a, b);
  }
};

template <BinaryOp OP, typename T> struct Compare {
  NPU_ALWAYS_INLINE bool operator()(T x, T y) const {
    auto a = loadElem(x);
    auto b = loadElem(y);
    if constexpr (OP == BinaryOp::Equal)
      return a == b;
    else if constexpr (OP == BinaryOp::Less)
      return a < b;
    else if constexpr (OP == BinaryOp::LessEqual)
      return a <= b;
    else if constexpr (OP == BinaryOp::Greater)
      return a > b;
    else if constexpr (OP == BinaryOp::GreaterEqual)
      return a >= b;
    else if constexpr (OP == BinaryOp::And)
      return a && b;
    else if constexpr (OP == BinaryOp::Or)
      return a || b;
    else // Xor
      return a != b;
  }
};

/// One run: each operand contiguous (stride 1) or repeated (stride 0).
template <typename TA, typename TB, typename TO, typename F>
NPU_ALWAYS_INLINE void runLoop(const TA *a, int64_t sa, const TB *b,
                               int64_t sb, TO *o, int64_t n, F f) {
  if (sa && sb) {
    for (int64_t i = 0; i < n; ++i)
      o[i] = f(a[i], b[i]);
  } else if (sa) {
    const TB bv = *b;
    for (int64_t i = 0; i < n; ++i)
      o[i] = f(a[i], bv);
  } else if (sb) {
    const TA av = *a;
    for (int64_t i = 0; i < n; ++i)
      o[i] = f(av, b[i]);
  } else {
    const TO v = f(*a, *b);
    for (int64_t i = 0; i < n; ++i)
      o[i] = v;
  }
}

NPU_ALWAYS_INLINE bool f32RunBody(BinaryOp op, const float *a, int64_t sa,
                                  const float *b, int64_t sb, float *o,
                                  int64_t n) {
  switch (op) {
#define NPU_F32(OP)                                                            \
  case BinaryOp::OP:                                                           \
    runLoop(a, sa, b, sb, o, n, Arith<BinaryOp::OP, float>());                 \
    return true;
    NPU_F32(Add)
    NPU_F32(Sub)
    NPU_F32(Mul)
    NPU_F32(Div)
    NPU_F32(Max)
    NPU_F32(Min)
    NPU_F32(PRelu)
#undef NPU_F32
  default:
    return false;
  }
}

NPU_MULTIVERSION(bool, f32Run,
                 (BinaryOp op, const float *a, int64_t sa, const float *b,
                  int64_t sb, float *o, int64_t n),
                 (op, a, sa, b, sb, o, n), f32RunBody)

template <typename TA, typename TB, typename TO, typename F>
void apply(const BroadcastPlan &plan, const HostTensor &a, const HostTensor &b,
           HostTensor &out, F f, ThreadPool *pool) {
  const TA *ad = a.data<TA>();
  const TB *bd = b.data<TB>();
  TO *od = out.data<TO>();
  forEachChunk(pool, plan.total, [&](int64_t begin, int64_t end) {
    forEachRun(plan, begin, end,
               [&](const int64_t *off, int64_t o, int64_t len,
                   const int64_t *inner) {
                 runLoop(ad + off[0], inner[0], bd + off[1], inner[1], od + o,
                         len, f);
               });
  });
}

void applyF32(BinaryOp op, const BroadcastPlan &plan, const HostTensor &a,
              const HostTensor &b, HostTensor &out, ThreadPool *pool) {
  const float *ad = a.data<float>(), *bd = b.data<float>();
  float *od = out.data<float>();
  forEachChunk(pool, plan.total, [&](int64_t begin, int64_t end) {
    forEachRun(plan, begin, end,
               [&](const int64_t *off, int64_t o, int64_t len,
                   const int64_t *inner) {
                 f32Run(op, ad + off[0], inner[0], bd + off[1], inner[1],
                        od + o, len);
               });
  });
}

template <typename T>
void dispatchTyped(BinaryOp op, const BroadcastPlan &plan, const HostTensor &a,
                   const HostTensor &b, HostTensor &out, ThreadPool *pool) {
  switch (op) {
#define NPU_CMP(OP)                                                            \
  case BinaryOp::OP:                                                           \
    apply<T, T, bool>(plan, a, b, out, Compare<BinaryOp::OP, T>(), pool);      \
    return;
    NPU_CMP(Equal)
    NPU_CMP(Less)
    NPU_CMP(LessEqual)
    NPU_CMP(Greater)
    NPU_CMP(GreaterEqual)
    NPU_CMP(And)
    NPU_CMP(Or)
    NPU_CMP(Xor)
#undef NPU_CMP
  default:
    break;
  }
  if constexpr (!std::is_same_v<T, bool>) {
    switch (op) {
#define NPU_ARITH(OP)                                                          \
  case BinaryOp::OP:                                                           \
    apply<T, T, T>(plan, a, b, out, Arith<BinaryOp::OP, T>(), pool);           \
    return;
      NPU_ARITH(Add)
      NPU_ARITH(Sub)
      NPU_ARITH(Mul)
      NPU_ARITH(Div)
      NPU_ARITH(Pow)
      NPU_ARITH(Max)
      NPU_ARITH(Min)
      NPU_ARITH(Mod)
      NPU_ARITH(FMod)
      NPU_ARITH(PRelu)
#undef NPU_ARITH
    default:
      break;
    }
    if constexpr (std::is_unsigned_v<T>) {
      if (op == BinaryOp::ShiftLeft)
        apply<T, T, T>(plan, a, b, out, Arith<BinaryOp::ShiftLeft, T>(), pool);
      else if (op == BinaryOp::ShiftRight)
        apply<T, T, T>(plan, a, b, out, Arith<BinaryOp::ShiftRight, T>(),
                       pool);
    }
  }
}

/// Pow with an exponent of another type: computed in double, converted to
/// the base's type (integers truncate toward zero and saturate).
template <typename TA> struct MixedPowStore {
  static TA store(double v) {
    if constexpr (isFloatStorage<TA>) {
      return storeElem<TA>(static_cast<ComputeType<TA>>(v));
    } else {
      if (v != v)
        return 0;
      v = std::trunc(v);
      if (v <= static_cast<double>(std::numeric_limits<TA>::lowest()))
        return std::numeric_limits<TA>::lowest();
      if (v >= static_cast<double>(std::numeric_limits<TA>::max()))
        return std::numeric_limits<TA>::max();
      return static_cast<TA>(v);
    }
  }
};

Status mixedPow(const BroadcastPlan &plan, const HostTensor &a,
                const HostTensor &b, HostTensor &out, ThreadPool *pool) {
  dispatchDType(a.dtype(), [&](auto ta) {
    using TA = decltype(ta);
    dispatchDType(b.dtype(), [&](auto tb) {
      using TB = decltype(tb);
      if constexpr (!std::is_same_v<TA, bool> && !std::is_same_v<TB, bool>) {
        auto f = [](TA x, TB y) {
          double r = std::pow(static_cast<double>(loadElem(x)),
                              static_cast<double>(loadElem(y)));
          return MixedPowStore<TA>::store(r);
        };
        apply<TA, TB, TA>(plan, a, b, out, f, pool);
      }
    });
  });
  return Status::success();
}

/// True if any element of `t` is zero (integer division check).
bool hasZero(const HostTensor &t) {
  bool zero = false;
  dispatchDType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (isIntStorage<T>)
      for (int64_t i = 0; i < t.numElements() && !zero; ++i)
        zero = t.data<T>()[i] == 0;
  });
  return zero;
}

} // namespace

Status binary(BinaryOp op, const HostTensor &a, const HostTensor &b,
              HostTensor &out, ThreadPool *pool) {
  std::vector<int64_t> shape;
  if (!broadcastShape(a.shape(), b.shape(), shape))
    return Status::error("operands of shapes " + shapeStr(a.shape()) + " and " +
                         shapeStr(b.shape()) + " do not broadcast");
  NPU_RETURN_IF_ERROR(expectShape(out, shape, "output"));
  const DType t = a.dtype();
  const bool boolOut = isComparison(op);
  NPU_RETURN_IF_ERROR(
      expectDType(out, boolOut ? DType::Bool : t, "output"));
  const std::string name = binaryOpName(op);
  if (op != BinaryOp::Pow || (a.dtype() == DType::Bool))
    NPU_RETURN_IF_ERROR(expectSameDType(a, b, name.c_str()));
  if (isLogic(op) && t != DType::Bool)
    return Status::error(name + " needs boolean operands");
  if (t == DType::Bool && !isComparison(op))
    return Status::error(name + " is not defined on booleans");
  if ((op == BinaryOp::ShiftLeft || op == BinaryOp::ShiftRight) &&
      !isUnsignedInt(t))
    return Status::error("bit_shift needs unsigned integer operands");
  if ((op == BinaryOp::Div || op == BinaryOp::Mod || op == BinaryOp::FMod) &&
      !isFloat(t) && hasZero(b))
    return Status::error("integer " + name + " by zero");

  BroadcastPlan plan;
  if (!makeBroadcastPlan({&a.shape(), &b.shape()}, shape, plan))
    return Status::error("operands do not broadcast");
  if (op == BinaryOp::Pow && a.dtype() != b.dtype())
    return mixedPow(plan, a, b, out, pool);
  if (t == DType::F32 &&
      (op == BinaryOp::Add || op == BinaryOp::Sub || op == BinaryOp::Mul ||
       op == BinaryOp::Div || op == BinaryOp::Max || op == BinaryOp::Min ||
       op == BinaryOp::PRelu)) {
    applyF32(op, plan, a, b, out, pool);
    return Status::success();
  }
  dispatchDType(t, [&](auto tag) {
    dispatchTyped<decltype(tag)>(op, plan, a, b, out, pool);
  });
  return Status::success();
}

Status where(const HostTensor &cond, const HostTensor &x, const HostTensor &y,
             HostTensor &out, ThreadPool *pool) {
  NPU_RETURN_IF_ERROR(expectDType(cond, DType::Bool, "condition"));
  NPU_RETURN_IF_ERROR(expectSameDType(x, y, "where"));
  NPU_RETURN_IF_ERROR(expectSameDType(x, out, "where output"));
  std::vector<int64_t> s1, shape;
  if (!broadcastShape(cond.shape(), x.shape(), s1) ||
      !broadcastShape(s1, y.shape(), shape))
    return Status::error("operands of where do not broadcast");
  NPU_RETURN_IF_ERROR(expectShape(out, shape, "output"));
  BroadcastPlan plan;
  if (!makeBroadcastPlan({&cond.shape(), &x.shape(), &y.shape()}, shape, plan))
    return Status::error("operands of where do not broadcast");
  dispatchBySize(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const bool *c = cond.data<bool>();
    const T *xd = x.data<T>(), *yd = y.data<T>();
    T *od = out.data<T>();
    forEachChunk(pool, plan.total, [&](int64_t begin, int64_t end) {
      forEachRun(plan, begin, end,
                 [&](const int64_t *off, int64_t o, int64_t len,
                     const int64_t *inner) {
                   const bool *cp = c + off[0];
                   const T *xp = xd + off[1], *yp = yd + off[2];
                   for (int64_t i = 0; i < len; ++i)
                     od[o + i] = cp[i * inner[0]] ? xp[i * inner[1]]
                                                  : yp[i * inner[2]];
                 });
    });
  });
  return Status::success();
}

} // namespace npu::kernels
