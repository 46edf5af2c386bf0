//===- DeviceTypes.h - MLIR element types as device data types --*- C++ -*-===//
//
// The element types the NPU's engines read and write (f16, f32, bf16, i8,
// ui8, i32, and the storage of `!quant.uniform` types), as the blob's
// npu::DType, and tensor types as blob tensor descriptions. Used by the
// npuhw verifiers, the interpreter's device handlers and code generation,
// so that all three agree on what a tensor is on the device.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPUHW_IR_DEVICETYPES_H
#define NPU_DIALECT_NPUHW_IR_DEVICETYPES_H

#include "npu/Blob/Program.h"

#include "mlir/IR/BuiltinTypes.h"

#include <optional>

namespace npu::hw {

/// The device data type of an element type (quantized types: their
/// storage type); nullopt for types no engine handles.
std::optional<DType> deviceDType(mlir::Type elementType);

/// A dense row-major view of a whole tensor of `type` at offset 0 of
/// buffer 0 (shape and strides as the blob stores them); nullopt when the
/// element type is not a device type or a dimension does not fit 32 bits.
std::optional<blob::TensorRef> denseDeviceRef(mlir::ShapedType type);

} // namespace npu::hw

#endif // NPU_DIALECT_NPUHW_IR_DEVICETYPES_H
