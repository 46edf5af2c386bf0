//===- Diagnostics.h - Locations of imported ONNX nodes --------*- C++ -*-===//
//
// Every op imported from an ONNX node is located at
//   NameLoc(<node name>, FusedLoc<"<OpType>">[FileLineColLoc(<model>, 0, 0)])
// (the node name falls back to its first output's name when the node is
// unnamed). Graph-level diagnostics use NameLoc(<tensor name>, file) or the
// bare file location. This header builds and decodes those locations and
// prints diagnostics as `model.onnx: node 'conv1' (Conv): error: ...`.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_IMPORT_ONNX_DIAGNOSTICS_H
#define NPU_IMPORT_ONNX_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

namespace npu {

/// The location of an ONNX node `name` of type `opType` in `file`.
mlir::Location getONNXNodeLoc(mlir::MLIRContext *context, llvm::StringRef file,
                              llvm::StringRef name, llvm::StringRef opType);

/// What an ONNX location says. `opType` is empty for graph-level locations
/// (inputs, outputs, initializers), `name` empty for the whole file.
struct ONNXLocInfo {
  std::string file;
  std::string name;
  std::string opType;
};
/// Decodes a location made by the importer (also when nested in a fused or
/// call-site location); nullopt for any other location.
std::optional<ONNXLocInfo> decodeONNXLoc(mlir::Location loc);

/// Prints `diag` (and its notes) as
/// `<file>: node '<name>' (<OpType>): error: <message>` for ONNX locations,
/// and as `<loc>: error: <message>` otherwise.
void printONNXDiagnostic(llvm::raw_ostream &os, mlir::Diagnostic &diag);

/// Installs printONNXDiagnostic (to llvm::errs()) as the context's
/// diagnostic handler for the lifetime of this object.
class ONNXDiagnosticHandler : public mlir::ScopedDiagnosticHandler {
public:
  explicit ONNXDiagnosticHandler(mlir::MLIRContext *context,
                                 llvm::raw_ostream &os = llvm::errs());
};

} // namespace npu

#endif // NPU_IMPORT_ONNX_DIAGNOSTICS_H
