//===- ConstantEvaluator.cpp - Values of constant subexpressions ----------===//
//
// An op on constant operands is evaluated by its folder when it has one,
// otherwise by the reference interpreter's handler for it, so every op the
// interpreter supports folds with exactly the interpreter's semantics.
// Diagnostics of failed evaluations are swallowed: the caller decides what
// a non-constant value means.
//
//===----------------------------------------------------------------------===//

#include "npu/Interpreter/ConstantEvaluator.h"

#include "npu/Interpreter/Interpreter.h"
#include "npu/Interpreter/TensorConversion.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;

namespace npu {

FailureOr<SmallVector<DenseElementsAttr>>
foldOpToConstants(Operation *op, ArrayRef<Attribute> operands) {
  SmallVector<OpFoldResult> folded;
  if (failed(op->fold(operands, folded)) ||
      folded.size() != op->getNumResults())
    return failure();
  SmallVector<DenseElementsAttr> results;
  for (OpFoldResult r : folded) {
    auto attr = dyn_cast_if_present<DenseElementsAttr>(
        dyn_cast_if_present<Attribute>(r));
    if (!attr)
      return failure();
    results.push_back(attr);
  }
  return results;
}

FailureOr<SmallVector<DenseElementsAttr>>
evaluateOp(Operation *op, ArrayRef<Attribute> operands,
           const ConstantEvaluatorOptions &options) {
  if (auto folded = foldOpToConstants(op, operands); succeeded(folded))
    return folded;
  if (op->getNumRegions() != 0 || operands.size() != op->getNumOperands() ||
      !Interpreter::supports(op))
    return failure();
  for (Type t : op->getResultTypes()) {
    auto type = dyn_cast<RankedTensorType>(t);
    if (!type || !type.hasStaticShape() ||
        type.getNumElements() > options.maxElements)
      return failure();
  }
  std::vector<HostTensor> tensors;
  tensors.reserve(operands.size());
  for (Attribute a : operands) {
    auto elements = dyn_cast_if_present<ElementsAttr>(a);
    if (!elements || elements.getNumElements() > options.maxOperandElements ||
        (elements.isSplat() &&
         elements.getNumElements() > options.maxSplatOperandElements))
      return failure();
    std::string error;
    auto t = elementsAttrToHostTensor(elements, error);
    if (failed(t))
      return failure();
    tensors.push_back(std::move(*t));
  }
  SmallVector<const HostTensor *> views;
  for (const HostTensor &t : tensors)
    views.push_back(&t);

  // Errors (e.g. an out-of-range index) mean "not foldable" here.
  ScopedDiagnosticHandler silence(op->getContext(),
                                  [](Diagnostic &) { return success(); });
  InterpreterOptions interpOptions;
  interpOptions.numThreads = 1;
  Interpreter interpreter(interpOptions);
  auto results = interpreter.runOp(op, views);
  if (failed(results))
    return failure();
  SmallVector<DenseElementsAttr> attrs;
  for (auto [value, tensor] : llvm::zip(op->getResults(), *results)) {
    auto attr =
        hostTensorToDenseAttr(tensor, cast<ShapedType>(value.getType()));
    if (failed(attr))
      return failure();
    attrs.push_back(*attr);
  }
  return attrs;
}

namespace {
struct Evaluator {
  explicit Evaluator(const ConstantEvaluatorOptions &options)
      : options(options) {}
  const ConstantEvaluatorOptions &options;
  DenseMap<Value, DenseElementsAttr> memo;
  // Values known not to be constant: keeps the walk linear on DAGs.
  llvm::DenseSet<Value> unknown;

  FailureOr<DenseElementsAttr> eval(Value v, int depth) {
    if (auto it = memo.find(v); it != memo.end())
      return it->second;
    if (unknown.contains(v))
      return failure();
    auto result = evalUncached(v, depth);
    if (failed(result))
      unknown.insert(v);
    return result;
  }

  FailureOr<DenseElementsAttr> evalUncached(Value v, int depth) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || !type.hasStaticShape() ||
        type.getNumElements() > options.maxElements || depth > 256)
      return failure();
    ElementsAttr elements;
    if (matchPattern(v, m_Constant(&elements))) {
      // dense_resource and other encodings become plain dense attributes.
      auto attr = dyn_cast<DenseElementsAttr>(elements);
      if (!attr) {
        std::string error;
        auto t = elementsAttrToHostTensor(elements, error);
        if (failed(t))
          return failure();
        auto dense = hostTensorToDenseAttr(*t, type);
        if (failed(dense))
          return failure();
        attr = *dense;
      }
      memo[v] = attr;
      return attr;
    }
    Operation *op = v.getDefiningOp();
    if (!op || op->getNumRegions() != 0)
      return failure();
    // A non-constant operand is passed as null: ops that read only their
    // operands' static types (npu.shape, npu.size) still evaluate.
    SmallVector<Attribute> operands;
    for (Value operand : op->getOperands()) {
      auto c = eval(operand, depth + 1);
      operands.push_back(succeeded(c) ? Attribute(*c) : Attribute());
    }
    auto results = evaluateOp(op, operands, options);
    if (failed(results))
      return failure();
    for (auto [result, value] : llvm::zip(op->getResults(), *results))
      memo[result] = value;
    return memo[v];
  }
};
} // namespace

FailureOr<DenseElementsAttr>
evaluateConstant(Value value, const ConstantEvaluatorOptions &options) {
  Evaluator evaluator(options);
  return evaluator.eval(value, 0);
}

} // namespace npu
