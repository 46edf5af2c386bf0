//===- TensorConversion.h - MLIR attributes and types <-> HostTensor -*- C++
//-*-//
//
// Element types map to HostTensor dtypes (signless and signed integers are
// signed, `ui*` unsigned, `i1` bool; quantized types map to their storage
// type, their scale and zero point staying in the MLIR type). Constants
// (dense, splat and dense_resource elements) convert to host tensors and
// results convert back to DenseElementsAttr.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_INTERPRETER_TENSORCONVERSION_H
#define NPU_INTERPRETER_TENSORCONVERSION_H

#include "npu/Support/HostTensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <string>

namespace npu {

/// The host dtype of an element type (quantized: its storage type), or
/// nullopt for types without one.
std::optional<DType> dtypeForElementType(mlir::Type type);

/// True for element types of the upstream quant dialect.
bool isQuantizedElementType(mlir::Type type);

/// The MLIR element type of a dtype (signless integers for signed types).
mlir::Type elementTypeForDType(mlir::MLIRContext *ctx, DType dtype);

/// "f32 1x3x8x8" (a scalar: "f32 scalar"): a host tensor as messages name
/// it, as npu-run does.
std::string describeHostTensor(const HostTensor &t);
/// The same description for a dtype and shape.
std::string describeTensorType(DType dtype, llvm::ArrayRef<int64_t> shape);

/// Converts a constant to a host tensor of `type`'s shape and dtype; fails
/// with `error` set for unsupported attributes or missing resource blobs.
mlir::FailureOr<HostTensor> elementsAttrToHostTensor(mlir::ElementsAttr attr,
                                                     std::string &error);

/// The value of `v` when an `npu.constant` defines it; nullopt for any other
/// value or a constant that does not convert.
std::optional<HostTensor> constantHostTensor(mlir::Value v);

/// Converts a host tensor to a DenseElementsAttr of `type` (a ranked tensor
/// type whose shape and dtype match; quantized types use their storage
/// type).
mlir::FailureOr<mlir::DenseElementsAttr>
hostTensorToDenseAttr(const HostTensor &t, mlir::ShapedType type);

/// The value argument `i` of `func` takes when the caller gives none: its
/// default (kDefaultValueAttr, an ONNX initializer that is also a graph
/// input). nullopt for a required argument; failure, with `error` set, when
/// the default does not convert.
mlir::FailureOr<std::optional<HostTensor>>
defaultArgumentValue(mlir::func::FuncOp func, unsigned i, std::string &error);

} // namespace npu

#endif // NPU_INTERPRETER_TENSORCONVERSION_H
