//===- NodeImporter.h - The view an op importer has of one node -*- C++ -*-===//
//
// Op importers (OpImporters/*.cpp) receive a NodeImporter: the node's
// inputs as SSA values, its attributes with ONNX defaults, its outputs, and
// helpers that build npu ops safely. Op builders are never allowed to infer
// types on their own (a failing inference inside an ODS builder aborts):
// `create` runs the op's type inference first, which reports bad shapes at
// the node's location, then builds with explicit types and verifies.
//
// Attribute getters report a wrongly typed attribute and mark the node as
// failed; op importers check `failed()` before relying on attribute values.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_IMPORT_ONNX_NODEIMPORTER_H
#define NPU_LIB_IMPORT_ONNX_NODEIMPORTER_H

#include "ModelImporter.h"

#include "npu/Dialect/NPU/IR/NPUOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringSet.h"

#include <optional>

namespace npu::onnx_import {

class NodeImporter {
public:
  NodeImporter(ModelImporter &model, const onnx::NodeProto &node,
               mlir::OpBuilder &builder);

  //===--------------------------------------------------------------------===//
  // The node
  //===--------------------------------------------------------------------===//

  const onnx::NodeProto &getNode() const { return node; }
  llvm::StringRef getOpType() const { return node.op_type(); }
  /// The opset version of the node's domain.
  int64_t getOpset() const { return opset; }
  mlir::Location getLoc() const { return loc; }
  mlir::MLIRContext *getContext() const { return model.getContext(); }
  mlir::OpBuilder &getBuilder() { return builder; }
  ModelImporter &getModel() { return model; }

  /// Reports an error at the node and marks it failed.
  mlir::InFlightDiagnostic emitError();
  /// Same, returning failure() for `return n.fail() << ...` style.
  mlir::InFlightDiagnostic fail() { return emitError(); }
  bool failed() const { return hadError; }

  //===--------------------------------------------------------------------===//
  // Inputs
  //===--------------------------------------------------------------------===//

  /// Resolves input names to values; reports an unknown name.
  mlir::LogicalResult resolveInputs();
  /// Number of inputs as written, including empty (absent) ones.
  unsigned getNumInputs() const { return inputs.size(); }
  /// True if input `i` is given (exists and has a non-empty name).
  bool hasInput(unsigned i) const { return i < inputs.size() && inputs[i]; }
  /// Input `i`, or null when absent.
  mlir::Value getInput(unsigned i) const {
    return hasInput(i) ? model.resolveFrozen(inputs[i]) : mlir::Value();
  }
  mlir::RankedTensorType getInputType(unsigned i) const;
  llvm::StringRef getInputName(unsigned i) const;
  /// All given inputs (skipping absent ones).
  llvm::SmallVector<mlir::Value> getPresentInputs() const;
  /// Reports unless inputs `0 .. count-1` are all given.
  mlir::LogicalResult requireInputs(unsigned count);

  /// Compile-time value of input `i`; `what` says what it is needed for.
  mlir::FailureOr<mlir::DenseElementsAttr>
  getConstantInput(unsigned i, llvm::StringRef what);
  /// Same, as integers (any integer type; floats are truncated).
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  getConstantInts(unsigned i, llvm::StringRef what);
  /// Same, as doubles.
  mlir::FailureOr<llvm::SmallVector<double>>
  getConstantDoubles(unsigned i, llvm::StringRef what);
  /// A one-element input as an integer or double.
  mlir::FailureOr<int64_t> getConstantScalarInt(unsigned i,
                                                llvm::StringRef what);
  mlir::FailureOr<double> getConstantScalar(unsigned i, llvm::StringRef what);

  //===--------------------------------------------------------------------===//
  // Attributes
  //===--------------------------------------------------------------------===//

  bool hasAttr(llvm::StringRef name) const;
  int64_t getAttrInt(llvm::StringRef name, int64_t defaultValue);
  float getAttrFloat(llvm::StringRef name, float defaultValue);
  std::string getAttrString(llvm::StringRef name,
                            llvm::StringRef defaultValue = "");
  llvm::SmallVector<int64_t>
  getAttrInts(llvm::StringRef name, llvm::ArrayRef<int64_t> defaultValue = {});
  llvm::SmallVector<float>
  getAttrFloats(llvm::StringRef name, llvm::ArrayRef<float> defaultValue = {});
  /// Tensor and graph attributes; null (with an error if `required`).
  const onnx::TensorProto *getAttrTensor(llvm::StringRef name,
                                         bool required = false);
  const onnx::GraphProto *getAttrGraph(llvm::StringRef name,
                                       bool required = false);
  /// Reports unless attribute `name` is present.
  mlir::LogicalResult requireAttr(llvm::StringRef name);
  /// Records that the op importer looked attribute `name` up (every getter
  /// above does).
  void noteAttr(llvm::StringRef name) const { lookedUp.insert(name); }
  /// The node's attributes its op importer never looked up: ignored.
  llvm::SmallVector<std::string> ignoredAttributes() const;
  /// Reports that attribute `name` has an unsupported value.
  mlir::InFlightDiagnostic unsupportedAttr(llvm::StringRef name,
                                           const llvm::Twine &value);

  //===--------------------------------------------------------------------===//
  // Outputs
  //===--------------------------------------------------------------------===//

  unsigned getNumOutputs() const { return node.output_size(); }
  /// True if output `i` exists and is used (non-empty name).
  bool hasOutput(unsigned i) const;
  /// Binds output `i` (ignored when the output is absent).
  void setOutput(unsigned i, mlir::Value value);
  /// Binds output 0 to `value` if it was built; forwards the failure.
  mlir::LogicalResult setResult(mlir::FailureOr<mlir::Value> value) {
    if (mlir::failed(value))
      return mlir::failure();
    setOutput(0, *value);
    return mlir::success();
  }
  /// Binds outputs 0.. to `values`.
  void setOutputs(mlir::ValueRange values);
  /// Reports unless only the first `count` outputs are used.
  mlir::LogicalResult onlyOutputs(unsigned count, llvm::StringRef why = "");

  //===--------------------------------------------------------------------===//
  // Building ops
  //===--------------------------------------------------------------------===//

  /// Creates a single-result op whose result type the op infers. `args`
  /// are the ODS builder's arguments after the result type.
  template <typename OpTy, typename... Args>
  mlir::FailureOr<mlir::Value> create(Args &&...args) {
    auto op = createInferred<OpTy>(mlir::Type(), std::forward<Args>(args)...);
    if (mlir::failed(op))
      return mlir::failure();
    return (*op)->getResult(0);
  }

  /// Creates an op of any number of results whose types the op infers.
  /// `args` are the ODS builder's arguments, starting with one placeholder
  /// `mlir::Type()` per result (not an empty `mlir::TypeRange`: the ODS
  /// builder taking a TypeRange asserts that it holds every result type).
  template <typename OpTy, typename... Args>
  mlir::FailureOr<mlir::Operation *> createInferred(Args &&...args) {
    mlir::OperationState state(loc, OpTy::getOperationName());
    OpTy::build(builder, state, std::forward<Args>(args)...);
    if (mlir::failed(inferTypes<OpTy>(state)))
      return mlir::failure();
    mlir::Operation *op = finish(state);
    if (!op)
      return mlir::failure();
    return op;
  }

  /// Creates an op with explicit result type(s): `args` are all the ODS
  /// builder's arguments, result types first. The op is verified.
  template <typename OpTy, typename... Args>
  mlir::FailureOr<OpTy> createTyped(Args &&...args) {
    mlir::OperationState state(loc, OpTy::getOperationName());
    OpTy::build(builder, state, std::forward<Args>(args)...);
    mlir::Operation *op = finish(state);
    if (!op)
      return mlir::failure();
    return llvm::cast<OpTy>(op);
  }

  /// Single-result form of createTyped.
  template <typename OpTy, typename... Args>
  mlir::FailureOr<mlir::Value> createValue(mlir::Type type, Args &&...args) {
    auto op = createTyped<OpTy>(type, std::forward<Args>(args)...);
    if (mlir::failed(op))
      return mlir::failure();
    return (*op)->getResult(0);
  }

  /// Replaces `state`'s result types with the op's inferred ones.
  template <typename OpTy>
  mlir::LogicalResult inferTypes(mlir::OperationState &state) {
    llvm::SmallVector<mlir::Type, 2> types;
    if (mlir::failed(OpTy::inferReturnTypes(
            getContext(), state.location, state.operands,
            state.attributes.getDictionary(getContext()),
            state.getRawProperties(), state.regions, types))) {
      hadError = true;
      return mlir::failure();
    }
    state.types.assign(types.begin(), types.end());
    return mlir::success();
  }

  /// Creates the op described by `state` and verifies it; null (with a
  /// diagnostic) if it does not verify.
  mlir::Operation *finish(mlir::OperationState &state);

  //===--------------------------------------------------------------------===//
  // Helpers shared by op importers
  //===--------------------------------------------------------------------===//

  /// npu.constant holding `value`.
  mlir::Value constant(mlir::DenseElementsAttr value);
  /// i64 constant with the given values and shape (1-d when empty shape is
  /// not requested explicitly).
  mlir::Value constantI64(llvm::ArrayRef<int64_t> values,
                          std::optional<llvm::ArrayRef<int64_t>> shape = {});
  /// Constant of `type` with every element `value` (for an integer type,
  /// truncated: integers above 2^53 need splatInt).
  mlir::Value splat(mlir::RankedTensorType type, double value);
  /// Rank-0 constant of `elementType`.
  mlir::Value scalar(mlir::Type elementType, double value);
  /// The same for an integer value, exactly (`type` may also be a float).
  mlir::Value splatInt(mlir::RankedTensorType type, int64_t value);
  mlir::Value scalarInt(mlir::Type elementType, int64_t value);

  mlir::FailureOr<mlir::Value> reshape(mlir::Value value,
                                       llvm::ArrayRef<int64_t> shape);
  /// npu.cast unless `value` already has `elementType`.
  mlir::FailureOr<mlir::Value> castTo(mlir::Value value,
                                      mlir::Type elementType);

  /// Normalizes a possibly negative axis for a tensor of `rank`; reports
  /// an out-of-range axis naming `what`.
  mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                         llvm::StringRef what = "axis");
  /// Normalizes, sorts and deduplicates-checks a list of axes.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  normalizeAxes(llvm::ArrayRef<int64_t> axes, int64_t rank,
                llvm::StringRef what = "axes");

private:
  ModelImporter &model;
  const onnx::NodeProto &node;
  mlir::OpBuilder &builder;
  mlir::Location loc;
  int64_t opset;
  llvm::SmallVector<mlir::Value> inputs;
  bool hadError = false;
  mutable llvm::StringSet<> lookedUp;
};

/// "[1, 2, 3]".
std::string formatList(llvm::ArrayRef<int64_t> values);

} // namespace npu::onnx_import

#endif // NPU_LIB_IMPORT_ONNX_NODEIMPORTER_H
