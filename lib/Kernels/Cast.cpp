//===- Cast.cpp - Element type conversion ---------------------------------===//
//
// One conversion function per (from, to) pair of storage types, chosen by
// two nested dispatches. f64 narrowing to f16/bf16 first rounds to float
// with round-to-odd, which makes the second rounding exact (no double
// rounding).
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Elementwise.h"

#include "Broadcast.h"
#include "KernelSupport.h"
#include "npu/Kernels/ElementTypes.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace npu::kernels {

namespace {

/// double -> float rounding toward zero with the last bit forced to 1 when
/// inexact ("round to odd"): a later rounding to a narrower format is then
/// correctly rounded.
float roundToOddFloat(double d) {
  float f = static_cast<float>(d);
  if (std::isnan(d) || std::isinf(f) || static_cast<double>(f) == d)
    return f;
  if (std::fabs(static_cast<double>(f)) > std::fabs(d))
    f = std::nextafter(f, 0.0f);
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  bits |= 1u;
  std::memcpy(&f, &bits, 4);
  return f;
}

template <typename To> To floatToInt(double v) {
  if (v != v)
    return 0;
  v = std::trunc(v);
  if (v <= static_cast<double>(std::numeric_limits<To>::lowest()))
    return std::numeric_limits<To>::lowest();
  if (v >= static_cast<double>(std::numeric_limits<To>::max()))
    return std::numeric_limits<To>::max();
  return static_cast<To>(v);
}

template <typename From, typename To> NPU_ALWAYS_INLINE To convert(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return loadElem(v) != 0;
  } else if constexpr (std::is_same_v<From, bool>) {
    return storeElem<To>(static_cast<ComputeType<To>>(v ? 1 : 0));
  } else if constexpr (isFloatStorage<From> && isIntStorage<To>) {
    return floatToInt<To>(static_cast<double>(loadElem(v)));
  } else if constexpr (isIntStorage<From> && isIntStorage<To>) {
    return static_cast<To>(v); // wraps
  } else if constexpr (std::is_same_v<From, double> &&
                       (std::is_same_v<To, Half> ||
                        std::is_same_v<To, BFloat16>)) {
    return storeElem<To>(roundToOddFloat(v));
  } else {
    // int -> float, float -> float.
    return storeElem<To>(static_cast<ComputeType<To>>(loadElem(v)));
  }
}

template <typename From, typename To>
NPU_ALWAYS_INLINE void convertLoop(const From *in, To *out, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = convert<From, To>(in[i]);
}

} // namespace

Status cast(const HostTensor &in, HostTensor &out, ThreadPool *pool) {
  NPU_RETURN_IF_ERROR(expectShape(out, in.shape(), "output"));
  if (in.dtype() == out.dtype()) {
    if (out.raw() != in.raw())
      std::memcpy(out.raw(), in.raw(), in.byteSize());
    return Status::success();
  }
  dispatchDType(in.dtype(), [&](auto from) {
    using From = decltype(from);
    dispatchDType(out.dtype(), [&](auto to) {
      using To = decltype(to);
      const From *src = in.data<From>();
      To *dst = out.data<To>();
      forEachChunk(pool, in.numElements(), [&](int64_t b, int64_t e) {
        convertLoop<From, To>(src + b, dst + b, e - b);
      });
    });
  });
  return Status::success();
}

} // namespace npu::kernels
