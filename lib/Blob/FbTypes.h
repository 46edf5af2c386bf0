//===- FbTypes.h - Mapping plain enums to the schema's enums ----*- C++ -*-===//
//
// Private to lib/Blob: the writer and the reader translate DType and the
// blob enums through these functions so the stored values are the schema's,
// never the numbering of a C++ enum that might change.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_BLOB_FBTYPES_H
#define NPU_LIB_BLOB_FBTYPES_H

#include "npu/Support/HostTensor.h"
#include "npu_blob_generated.h"

#include <optional>

namespace npu::blob {

inline fb::DataType toFb(DType t) {
  switch (t) {
  case DType::F32:
    return fb::DataType::F32;
  case DType::F64:
    return fb::DataType::F64;
  case DType::F16:
    return fb::DataType::F16;
  case DType::BF16:
    return fb::DataType::BF16;
  case DType::I8:
    return fb::DataType::I8;
  case DType::U8:
    return fb::DataType::U8;
  case DType::I16:
    return fb::DataType::I16;
  case DType::U16:
    return fb::DataType::U16;
  case DType::I32:
    return fb::DataType::I32;
  case DType::U32:
    return fb::DataType::U32;
  case DType::I64:
    return fb::DataType::I64;
  case DType::U64:
    return fb::DataType::U64;
  case DType::Bool:
    return fb::DataType::Bool;
  }
  return fb::DataType::F32;
}

inline std::optional<DType> fromFb(fb::DataType t) {
  switch (t) {
  case fb::DataType::F32:
    return DType::F32;
  case fb::DataType::F64:
    return DType::F64;
  case fb::DataType::F16:
    return DType::F16;
  case fb::DataType::BF16:
    return DType::BF16;
  case fb::DataType::I8:
    return DType::I8;
  case fb::DataType::U8:
    return DType::U8;
  case fb::DataType::I16:
    return DType::I16;
  case fb::DataType::U16:
    return DType::U16;
  case fb::DataType::I32:
    return DType::I32;
  case fb::DataType::U32:
    return DType::U32;
  case fb::DataType::I64:
    return DType::I64;
  case fb::DataType::U64:
    return DType::U64;
  case fb::DataType::Bool:
    return DType::Bool;
  }
  return std::nullopt;
}

} // namespace npu::blob

#endif // NPU_LIB_BLOB_FBTYPES_H
