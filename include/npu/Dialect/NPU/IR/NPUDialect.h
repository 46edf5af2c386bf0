//===- NPUDialect.h - The npu dialect ---------------------------*- C++ -*-===//
//
// Declares the `npu` dialect, its enums and enum attributes. Include
// NPUOps.h for the ops.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPU_IR_NPUDIALECT_H
#define NPU_DIALECT_NPU_IR_NPUDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"

#include "npu/Dialect/NPU/IR/NPUEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "npu/Dialect/NPU/IR/NPUAttrs.h.inc"

#include "npu/Dialect/NPU/IR/NPUOpsDialect.h.inc"

namespace npu {
/// Function argument attribute of an optional input: the value (an elements
/// attribute of the argument's type) it takes when the caller gives none.
/// The importer sets it on an ONNX initializer that is also a graph input.
constexpr llvm::StringLiteral kDefaultValueAttr = "npu.default";
/// Unit function argument attribute beside kDefaultValueAttr: the value is
/// the one the user gave at compile time (npu-compile --input-value), not
/// the model's initializer.
constexpr llvm::StringLiteral kGivenValueAttr = "npu.given";
} // namespace npu

#endif // NPU_DIALECT_NPU_IR_NPUDIALECT_H
