//===- FoldConstants.cpp - Evaluate constant subexpressions ---------------===//

#include "npu/Dialect/NPU/Transforms/Passes.h"
#include "npu/Interpreter/ConstantEvaluator.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace npu {
#define GEN_PASS_DEF_NPUFOLDCONSTANTS
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace {
struct NPUFoldConstantsPass
    : npu::impl::NPUFoldConstantsBase<NPUFoldConstantsPass> {
  using Base::Base;

  // Folding is worthwhile unless it would materialise a result much larger
  // than the constants it comes from.
  bool worthFolding(Operation *op, ArrayRef<Attribute> operands) const {
    int64_t operandElements = 0;
    for (Attribute a : operands)
      operandElements += cast<ElementsAttr>(a).getNumElements();
    for (Type t : op->getResultTypes()) {
      int64_t n = cast<RankedTensorType>(t).getNumElements();
      if (n > minElements && n > operandElements)
        return false;
    }
    return true;
  }

  /// worthFolding bounds what is folded here; the evaluator's own size
  /// limits (sized for the importer's shape arithmetic) would leave a large
  /// layer's weight arithmetic unfolded: a batch norm folded into a 3x3
  /// convolution of 384 -> 384 channels (1.3 M weights) kept its multiply,
  /// and the convolution no constant weights to run on the DPU with.
  ConstantEvaluatorOptions evaluation{/*maxElements=*/int64_t(1) << 28,
                                      /*maxOperandElements=*/int64_t(1) << 28};

  void runOnOperation() override {
    OpBuilder builder(&getContext());
    // Ops are visited in order, so a folded producer is already a constant
    // when its users are visited.
    getOperation().walk([&](Operation *op) {
      if (!isa<NPUDialect>(op->getDialect()) || isa<ConstantOp>(op) ||
          op->getNumRegions() != 0 || op->getNumResults() == 0)
        return;
      SmallVector<Attribute> operands;
      bool allConstant = true;
      for (Value v : op->getOperands()) {
        Attribute attr;
        allConstant &= matchPattern(v, m_Constant(&attr));
        operands.push_back(attr);
      }
      // evaluateOp tries the op's own folder first (npu.shape, npu.size, ...
      // need no operand values), then the interpreter when all operands are
      // constants. When that would bloat the model, only the folder runs.
      auto results = allConstant && !worthFolding(op, operands)
                         ? foldOpToConstants(op, operands)
                         : evaluateOp(op, operands, evaluation);
      if (failed(results))
        return;
      builder.setInsertionPoint(op);
      for (auto [result, value] : llvm::zip(op->getResults(), *results))
        result.replaceAllUsesWith(
            ConstantOp::create(builder, op->getLoc(), value).getResult());
      op->erase();
    });
    // Constants left without users are removed by the canonicalizer that
    // follows in the pipeline; remove them here too for standalone use.
    getOperation().walk([](ConstantOp c) {
      if (c->use_empty())
        c->erase();
    });
  }
};
} // namespace
