//===- ElementTypes.h - C++ types behind HostTensor dtypes ------*- C++ -*-===//
//
// Maps every DType to the C++ type stored in a HostTensor and to the type
// arithmetic is done in (f16 and bf16 compute in float and round back), and
// dispatches a generic lambda on a runtime DType. Kernels are written once as
// templates over the storage type and instantiated through these helpers.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_ELEMENTTYPES_H
#define NPU_KERNELS_ELEMENTTYPES_H

#include "npu/Support/HostTensor.h"

#include <cstdint>
#include <type_traits>

namespace npu::kernels {

/// IEEE binary16 storage.
struct Half {
  uint16_t bits;
};
/// bfloat16 storage.
struct BFloat16 {
  uint16_t bits;
};

/// Storage type T -> compute type, with load/store conversions.
template <typename T> struct ElementTraits {
  using Compute = T;
  static T load(T v) { return v; }
  static T store(T v) { return v; }
};
template <> struct ElementTraits<Half> {
  using Compute = float;
  static float load(Half v) { return halfToFloat(v.bits); }
  static Half store(float v) { return Half{floatToHalf(v)}; }
};
template <> struct ElementTraits<BFloat16> {
  using Compute = float;
  static float load(BFloat16 v) { return bf16ToFloat(v.bits); }
  static BFloat16 store(float v) { return BFloat16{floatToBF16(v)}; }
};

template <typename T> using ComputeType = typename ElementTraits<T>::Compute;
template <typename T> inline ComputeType<T> loadElem(T v) {
  return ElementTraits<T>::load(v);
}
template <typename T> inline T storeElem(ComputeType<T> v) {
  return ElementTraits<T>::store(v);
}

/// True for float storage types (including Half and BFloat16).
template <typename T>
inline constexpr bool isFloatStorage =
    std::is_floating_point_v<T> || std::is_same_v<T, Half> ||
    std::is_same_v<T, BFloat16>;
/// True for integer storage types other than bool.
template <typename T>
inline constexpr bool isIntStorage =
    std::is_integral_v<T> && !std::is_same_v<T, bool>;

/// Calls f(T{}) with T the storage type of `t`.
template <typename F> decltype(auto) dispatchDType(DType t, F &&f) {
  switch (t) {
  case DType::F32:
    return f(float());
  case DType::F64:
    return f(double());
  case DType::F16:
    return f(Half());
  case DType::BF16:
    return f(BFloat16());
  case DType::I8:
    return f(int8_t());
  case DType::U8:
    return f(uint8_t());
  case DType::I16:
    return f(int16_t());
  case DType::U16:
    return f(uint16_t());
  case DType::I32:
    return f(int32_t());
  case DType::U32:
    return f(uint32_t());
  case DType::I64:
    return f(int64_t());
  case DType::U64:
    return f(uint64_t());
  case DType::Bool:
    return f(bool());
  }
  return f(float());
}

/// Calls f(T{}) with an unsigned integer type as wide as one element of `t`:
/// for kernels that only move elements.
template <typename F> decltype(auto) dispatchBySize(DType t, F &&f) {
  switch (dtypeSize(t)) {
  case 1:
    return f(uint8_t());
  case 2:
    return f(uint16_t());
  case 4:
    return f(uint32_t());
  default:
    return f(uint64_t());
  }
}

/// The DType whose storage type is T.
template <typename T> constexpr DType dtypeOf();
template <> constexpr DType dtypeOf<float>() { return DType::F32; }
template <> constexpr DType dtypeOf<double>() { return DType::F64; }
template <> constexpr DType dtypeOf<Half>() { return DType::F16; }
template <> constexpr DType dtypeOf<BFloat16>() { return DType::BF16; }
template <> constexpr DType dtypeOf<int8_t>() { return DType::I8; }
template <> constexpr DType dtypeOf<uint8_t>() { return DType::U8; }
template <> constexpr DType dtypeOf<int16_t>() { return DType::I16; }
template <> constexpr DType dtypeOf<uint16_t>() { return DType::U16; }
template <> constexpr DType dtypeOf<int32_t>() { return DType::I32; }
template <> constexpr DType dtypeOf<uint32_t>() { return DType::U32; }
template <> constexpr DType dtypeOf<int64_t>() { return DType::I64; }
template <> constexpr DType dtypeOf<uint64_t>() { return DType::U64; }
template <> constexpr DType dtypeOf<bool>() { return DType::Bool; }

} // namespace npu::kernels

#endif // NPU_KERNELS_ELEMENTTYPES_H
