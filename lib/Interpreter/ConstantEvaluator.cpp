//===- ConstantEvaluator.cpp - Values of constant subexpressions ----------===//
//
// First version: constants and the ops' own folders. The reference
// interpreter takes over evaluateOp for every other op.
//
//===----------------------------------------------------------------------===//

#include "npu/Interpreter/ConstantEvaluator.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;

namespace npu {

FailureOr<SmallVector<DenseElementsAttr>>
evaluateOp(Operation *op, ArrayRef<Attribute> operands,
           const ConstantEvaluatorOptions &options) {
  SmallVector<OpFoldResult> folded;
  if (failed(op->fold(operands, folded)) || folded.size() != op->getNumResults())
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
    DenseElementsAttr attr;
    if (matchPattern(v, m_Constant(&attr))) {
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
