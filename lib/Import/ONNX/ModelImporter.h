//===- ModelImporter.h - Importing one ONNX model --------------*- C++ -*-===//
//
// The state of one import: the module being built, the scopes mapping ONNX
// tensor names to SSA values (one per graph and subgraph), the opset
// versions, and the graph inputs that may be frozen into constants. Node
// importers (NodeImporter.h) call back into it for names, locations,
// compile-time values and subgraphs.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_IMPORT_ONNX_MODELIMPORTER_H
#define NPU_LIB_IMPORT_ONNX_MODELIMPORTER_H

#include "ONNXProto.h"

#include "npu/Import/ONNX/Importer.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

#include <memory>

namespace npu::onnx_import {

/// A graph input as the function will see it.
struct GraphInput {
  std::string name;
  mlir::RankedTensorType type;
  /// The initializer of an overridable input (IR version >= 4: an
  /// initializer that is also a graph input gives the input a default).
  const onnx::TensorProto *defaultValue = nullptr;
};

/// True if, in a model of `irVersion`, an initializer that is also a graph
/// input is an overridable input with a default (IR >= 4) rather than a
/// constant (IR < 4, where every initializer had to be listed as an input).
inline bool initializersAreOverridable(int64_t irVersion) {
  return irVersion >= 4;
}

/// Checks the graph's inputs against the options (--input-shape, known
/// values) and returns their static types, in order. An input that is also
/// an initializer is an optional input with that default when
/// `initializersAreOverridable`, and not an input otherwise. Reports every
/// input lacking a static shape in one diagnostic.
mlir::FailureOr<llvm::SmallVector<GraphInput>>
resolveGraphInputs(const onnx::GraphProto &graph, int64_t irVersion,
                   const ImportOptions &options, mlir::MLIRContext *context,
                   llvm::StringRef fileName);

class ModelImporter {
public:
  ModelImporter(mlir::MLIRContext &context, const ImportOptions &options,
                llvm::StringRef fileName, llvm::StringRef externalDataDir);
  ~ModelImporter();

  mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
  import(const onnx::ModelProto &model);
  /// Whether the last import failed because the model uses operators the
  /// importer does not know (reported at once, checkSupportedOps).
  bool failedOnUnsupportedOps() const { return unsupportedOps; }

  mlir::MLIRContext *getContext() const { return &context; }
  llvm::StringRef getFileName() const { return fileName; }
  /// The opset version the model imports for `domain` ("" = ai.onnx).
  int64_t getOpsetVersion(llvm::StringRef domain) const;

  mlir::Location getFileLoc() const;
  mlir::Location getNodeLoc(const onnx::NodeProto &node) const;
  /// Location of a graph-level tensor (input, output, initializer).
  mlir::Location getTensorLoc(llvm::StringRef name) const;

  /// The value of tensor `name` in the current scope (materializing an
  /// initializer on first use); null if the name is unknown.
  mlir::Value lookup(llvm::StringRef name);
  /// Binds `name` in the current scope.
  void define(llvm::StringRef name, mlir::Value value);

  /// The value of `value` at compile time. Graph inputs it depends on are
  /// frozen into constants when the options know their values. Otherwise
  /// reports at `loc` that `what` must be a compile-time constant, naming
  /// the graph inputs it depends on.
  mlir::FailureOr<mlir::DenseElementsAttr>
  evaluate(mlir::Value value, mlir::Location loc, const llvm::Twine &what);

  /// The value of `value` at compile time if it is computable from
  /// constants alone; no diagnostic, no freezing.
  mlir::FailureOr<mlir::DenseElementsAttr> tryEvaluate(mlir::Value value);

  /// `value`, or the constant that replaced it if it is a frozen input.
  mlir::Value resolveFrozen(mlir::Value value) const;

  /// Imports a subgraph without inputs (an If branch) into `block`, in a
  /// new scope nested in the current one; returns its output values.
  mlir::FailureOr<llvm::SmallVector<mlir::Value>>
  importSubgraph(const onnx::GraphProto &graph, mlir::Block *block);

  /// Converts a tensor attribute or initializer.
  mlir::FailureOr<mlir::DenseElementsAttr>
  convertTensor(const onnx::TensorProto &tensor, mlir::Location loc,
                llvm::StringRef what);

private:
  struct Scope;

  mlir::LogicalResult checkSupportedOps(const onnx::GraphProto &graph);
  mlir::LogicalResult importGraphBody(const onnx::GraphProto &graph,
                                      mlir::Block *block);
  mlir::LogicalResult importNode(const onnx::NodeProto &node,
                                 mlir::OpBuilder &builder);
  mlir::LogicalResult freezeInputs(llvm::ArrayRef<unsigned> argIndices);
  /// The value argument `i` is frozen to: the given one, else its default.
  mlir::FailureOr<mlir::DenseElementsAttr>
  knownValue(unsigned i, mlir::RankedTensorType type, mlir::Location loc);
  /// Records the default of an overridable input (argument `i`).
  mlir::LogicalResult setDefault(unsigned i, const GraphInput &input);
  mlir::LogicalResult checkOutputs(const onnx::GraphProto &graph,
                                   llvm::ArrayRef<mlir::Value> values);

  mlir::MLIRContext &context;
  const ImportOptions &options;
  std::string fileName;
  std::string externalDataDir;
  llvm::StringMap<int64_t> opsets;
  mlir::func::FuncOp mainFunc;
  llvm::SmallVector<std::string> argNames;
  llvm::SmallVector<bool> frozenArgs;
  llvm::SmallVector<mlir::Value> frozenValues;
  /// Defaults of the overridable inputs (null for required ones).
  llvm::SmallVector<mlir::DenseElementsAttr> argDefaults;
  Scope *currentScope = nullptr;
  bool unsupportedOps = false;
};

} // namespace npu::onnx_import

#endif // NPU_LIB_IMPORT_ONNX_MODELIMPORTER_H
