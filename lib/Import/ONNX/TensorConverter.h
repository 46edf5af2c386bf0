//===- TensorConverter.h - ONNX tensors to MLIR attributes -----*- C++ -*-===//
//
// Element type mapping (ONNX TensorProto.DataType -> MLIR type) and the
// conversion of TensorProto data (typed fields, raw_data, external data
// files) into DenseElementsAttr. Host tensors convert with
// npu/Interpreter/TensorConversion.h.
//
// Unsigned ONNX types map to MLIR's unsigned integer types (ui8 ... ui64),
// signed ones to signless integers (i8 ... i64), bool to i1.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_IMPORT_ONNX_TENSORCONVERTER_H
#define NPU_LIB_IMPORT_ONNX_TENSORCONVERTER_H

#include "ONNXProto.h"

#include "npu/Support/HostTensor.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace npu::onnx_import {

/// ONNX's name of a TensorProto.DataType ("FLOAT", "INT64", ...).
std::string onnxTypeName(int32_t dataType);

/// The MLIR element type of an ONNX data type; a null type (and `error`)
/// for types the compiler does not handle (string, complex, float8, ...).
mlir::Type convertElementType(mlir::MLIRContext *context, int32_t dataType,
                              std::string &error);

/// The ONNX data type of an MLIR element type, or 0 (UNDEFINED).
int32_t onnxDataTypeOf(mlir::Type elementType);

/// The file an external-data `location` names, resolved against `dir` (the
/// model's folder), as ONNX's own loader resolves it: a relative path that
/// stays inside `dir`, following symbolic links. Otherwise false and
/// `error` (an absolute path, a `..` component, a link that leads out of
/// `dir`): a model file must not read arbitrary files of the machine it is
/// compiled on into its weights.
bool resolveExternalData(llvm::StringRef dir, llvm::StringRef location,
                         std::string &path, std::string &error);

/// Converts a TensorProto. External data paths are resolved against
/// `externalDataDir`. Errors are reported at `loc` and name `what` (e.g.
/// "initializer 'w'").
mlir::FailureOr<mlir::DenseElementsAttr>
convertTensor(const onnx::TensorProto &tensor, mlir::MLIRContext *context,
              llvm::StringRef externalDataDir, mlir::Location loc,
              llvm::StringRef what);

/// The elements of an integer or float attribute as int64 (floats are
/// truncated toward zero).
llvm::SmallVector<int64_t> attrToInts(mlir::DenseElementsAttr attr);
/// The elements of an integer or float attribute as double.
llvm::SmallVector<double> attrToDoubles(mlir::DenseElementsAttr attr);

} // namespace npu::onnx_import

#endif // NPU_LIB_IMPORT_ONNX_TENSORCONVERTER_H
