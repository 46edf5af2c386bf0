//===- ScalarAttr.h - Scalar parameters of npu ops --------------*- C++ -*-===//
//
// Some npu ops carry a scalar that is converted to their tensor's element
// type: npu.clip's bounds, npu.pad's fill value (NPU_ScalarAttr). Its kind
// follows the element type: an f64 FloatAttr for a float tensor, an
// IntegerAttr of the element type for an integer (or i1) tensor. Integers
// are never carried as doubles, which would round 64-bit values above 2^53.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPU_IR_SCALARATTR_H
#define NPU_DIALECT_NPU_IR_SCALARATTR_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

#include <optional>
#include <string>

namespace npu {

/// The scalar holding `value`'s only element exactly, in the kind of its
/// element type (a float as f64). Null unless `value` has one integer or
/// float element.
mlir::Attribute getScalarAttr(mlir::DenseElementsAttr value);
/// The scalar of a tensor of `elementType` holding `value` (a float
/// attribute of an ONNX op): for an integer element type, truncated toward
/// zero and saturated.
mlir::Attribute getScalarAttr(mlir::Type elementType, double value);

/// Reports at `op` unless `attr` (named `name`) is the scalar kind of
/// `elementType`. Quantized and other element types accept either kind.
mlir::LogicalResult verifyScalarAttr(mlir::Operation *op, llvm::StringRef name,
                                     mlir::Attribute attr,
                                     mlir::Type elementType);

/// -1, 0 or 1 as a is less than, equal to or greater than b, exactly (signed
/// or unsigned by the integer type); nullopt when the kinds differ or a
/// float is NaN.
std::optional<int> compareScalarAttrs(mlir::Attribute a, mlir::Attribute b);

/// True if `attr` is a zero of either kind (not -0.0).
bool isZeroScalarAttr(mlir::Attribute attr);

/// The value as text: "6.000000e+00", "9007199254740993".
std::string scalarAttrToString(mlir::Attribute attr);

/// The value as a double, for float-only consumers (a DPU clamp, a SHAVE
/// kernel parameter): integers above 2^53 round.
double scalarAttrToDouble(mlir::Attribute attr);

} // namespace npu

#endif // NPU_DIALECT_NPU_IR_SCALARATTR_H
