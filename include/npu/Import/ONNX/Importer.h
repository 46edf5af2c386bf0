//===- Importer.h - ONNX model to npu dialect -------------------*- C++ -*-===//
//
// Imports an ONNX model (ModelProto file or bytes) into a module holding one
// `func.func @main` of npu ops. Graph inputs become function arguments and
// graph outputs its results, each carrying an `npu.name` attribute with the
// ONNX tensor name; an input that is also an initializer (IR version >= 4)
// is optional, its argument carrying the initializer as `npu.default`. Every op
// is located at its ONNX node (see Diagnostics.h). Errors are reported as MLIR
// diagnostics at the node's location; the importer never aborts on bad input.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_IMPORT_ONNX_IMPORTER_H
#define NPU_IMPORT_ONNX_IMPORTER_H

#include "npu/Support/HostTensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace npu {

/// Argument and result attribute holding the ONNX tensor name.
constexpr llvm::StringLiteral kONNXNameAttr = "npu.name";
/// Module attributes recording where the module came from.
constexpr llvm::StringLiteral kONNXSourceAttr = "npu.source";
constexpr llvm::StringLiteral kONNXOpsetAttr = "npu.opset";
constexpr llvm::StringLiteral kONNXProducerAttr = "npu.producer";
constexpr llvm::StringLiteral kONNXIRVersionAttr = "npu.ir_version";

struct ImportOptions {
  /// Static shapes of graph inputs, by ONNX input name (`--input-shape`).
  /// Required for inputs with symbolic or unknown dimensions; a given shape
  /// must have the input's rank and agree with its static dimensions.
  std::map<std::string, std::vector<int64_t>> inputShapes;

  /// Values of graph inputs, by ONNX name. The importer freezes such an
  /// input into a constant only when it needs its value at compile time (a
  /// Reshape shape, Slice starts, Resize scales, an If condition whose
  /// branches differ in type, ...); a frozen input is removed from @main's
  /// signature. The shape of a known value also serves as the input's shape
  /// when `inputShapes` has none. The value of an optional input (an
  /// initializer that is also a graph input, IR version >= 4) also replaces
  /// its default (`npu.default`), which is what the back end fixes it to.
  std::map<std::string, HostTensor> knownInputValues;

  /// Directory that external-data paths are relative to. Empty: the
  /// directory of the model file (or the working directory for a buffer).
  std::string externalDataDir;
};

/// Imports the ONNX model in file `path`. Failure has been reported through
/// the context's diagnostic engine. When the import fails because the model
/// uses operators the importer does not know, `knownPart` (if given)
/// receives the model without them and without the nodes that read what
/// they compute (its outputs: the model's that remain, and the float
/// tensors those nodes read), so that the caller can report what else does
/// not map at once; it stays null when nothing remains or that part does
/// not import.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXFile(llvm::StringRef path, mlir::MLIRContext &context,
               const ImportOptions &options = {},
               mlir::OwningOpRef<mlir::ModuleOp> *knownPart = nullptr);

/// Imports a serialized ModelProto. `sourceName` names it in diagnostics and
/// in the module's `npu.source` attribute.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXBuffer(llvm::StringRef bytes, llvm::StringRef sourceName,
                 mlir::MLIRContext &context, const ImportOptions &options = {});

/// The external-data files the model in `path` stores tensors in (graph
/// initializers, Constant nodes and sparse tensors, in subgraphs too), each
/// once, sorted, as paths resolved the way the importer resolves them
/// (against `options.externalDataDir` or the model's directory). For cache
/// keys: the model's bytes are its file plus these. Fails, with the reason
/// in `error`, if the file cannot be read or is not an ONNX model.
bool listExternalDataFiles(llvm::StringRef path, const ImportOptions &options,
                           std::vector<std::string> &files, std::string &error);

/// Parses `NAME=d0,d1,...` (an `--input-shape` value; `NAME=` is a scalar)
/// into `options.inputShapes`. On failure returns false and sets `error`.
bool parseInputShapeOption(llvm::StringRef spec, ImportOptions &options,
                           std::string &error);

} // namespace npu

#endif // NPU_IMPORT_ONNX_IMPORTER_H
