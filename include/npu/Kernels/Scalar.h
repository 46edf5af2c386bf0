//===- Scalar.h - Exact scalar parameters of kernels ------------*- C++ -*-===//
//
// A scalar that a kernel converts to a tensor's element type: a pad's fill
// value, a clip bound. 64-bit integers do not fit a double, so a Scalar keeps
// an integer as an integer: converted to an integer element type it is exact
// (saturated to the type's range), converted to a float type it rounds to
// nearest. A float value converts to an integer type toward zero, saturating
// (NaN gives 0), as `cast` does.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_SCALAR_H
#define NPU_KERNELS_SCALAR_H

#include "npu/Kernels/ElementTypes.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace npu::kernels {

class Scalar {
public:
  /// A float value (implicit, so that `0` and `-1.5` are scalars).
  Scalar(double value = 0) : value(value) {}
  static Scalar ofInt(int64_t v) {
    Scalar s;
    s.kind = Kind::Signed;
    s.i = v;
    return s;
  }
  static Scalar ofUnsigned(uint64_t v) {
    Scalar s;
    s.kind = Kind::Unsigned;
    s.u = v;
    return s;
  }

  bool isInteger() const { return kind != Kind::Float; }
  /// The value as a double (an integer above 2^53 rounds).
  double toDouble() const {
    switch (kind) {
    case Kind::Signed:
      return static_cast<double>(i);
    case Kind::Unsigned:
      return static_cast<double>(u);
    case Kind::Float:
      break;
    }
    return value;
  }

  /// The value in storage type T (see the file comment).
  template <typename T> T as() const {
    if constexpr (std::is_same_v<T, bool>) {
      return kind == Kind::Signed
                 ? i != 0
                 : (kind == Kind::Unsigned ? u != 0 : value != 0);
    } else if constexpr (isFloatStorage<T>) {
      using C = ComputeType<T>;
      return storeElem<T>(kind == Kind::Signed ? static_cast<C>(i)
                                               : (kind == Kind::Unsigned
                                                      ? static_cast<C>(u)
                                                      : static_cast<C>(value)));
    } else {
      using L = std::numeric_limits<T>;
      switch (kind) {
      case Kind::Signed:
        if (i < 0)
          return std::is_signed_v<T> && i >= static_cast<int64_t>(L::lowest())
                     ? static_cast<T>(i)
                     : L::lowest();
        return static_cast<uint64_t>(i) > static_cast<uint64_t>(L::max())
                   ? L::max()
                   : static_cast<T>(i);
      case Kind::Unsigned:
        return u > static_cast<uint64_t>(L::max()) ? L::max()
                                                   : static_cast<T>(u);
      case Kind::Float:
        break;
      }
      if (std::isnan(value))
        return T(0);
      double t = std::trunc(value);
      if (t <= static_cast<double>(L::lowest()))
        return L::lowest();
      if (t >= static_cast<double>(L::max()))
        return L::max();
      return static_cast<T>(t);
    }
  }

private:
  enum class Kind : uint8_t { Float, Signed, Unsigned };
  Kind kind = Kind::Float;
  double value = 0;
  int64_t i = 0;
  uint64_t u = 0;
};

} // namespace npu::kernels

#endif // NPU_KERNELS_SCALAR_H
