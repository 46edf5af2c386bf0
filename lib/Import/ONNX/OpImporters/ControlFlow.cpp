//===- ControlFlow.cpp - If -----------------------------------------------===//
//
// If imports both branches (subgraphs reading outer values directly) into
// an npu.if. When the branches produce different types, npu.if cannot
// express the node; the condition must then be known at compile time and
// the taken branch is inlined in place of the node.
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"

#include "../NodeImporter.h"
#include "../OpRegistry.h"
#include "../TensorConverter.h"

using namespace mlir;

namespace npu::onnx_import {
namespace {

struct BlockDeleter {
  void operator()(Block *block) const {
    if (!block)
      return;
    block->dropAllDefinedValueUses();
    block->dropAllReferences();
    delete block;
  }
};
using OwnedBlock = std::unique_ptr<Block, BlockDeleter>;

LogicalResult importIf(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  const auto *thenGraph = n.getAttrGraph("then_branch", true);
  const auto *elseGraph = n.getAttrGraph("else_branch", true);
  if (!thenGraph || !elseGraph)
    return failure();
  auto condType = n.getInputType(0);
  if (!condType.getElementType().isInteger(1) || condType.getNumElements() != 1)
    return n.emitError() << "the condition must be a single bool, it is "
                         << condType;

  OwnedBlock thenBlock(new Block()), elseBlock(new Block());
  auto thenValues = n.getModel().importSubgraph(*thenGraph, thenBlock.get());
  if (failed(thenValues))
    return failure();
  auto elseValues = n.getModel().importSubgraph(*elseGraph, elseBlock.get());
  if (failed(elseValues))
    return failure();
  if (thenValues->size() != elseValues->size() ||
      thenValues->size() != n.getNumOutputs())
    return n.emitError() << "the branches produce " << thenValues->size()
                         << " and " << elseValues->size() << " values for "
                         << n.getNumOutputs() << " outputs";

  SmallVector<Type> thenTypes, elseTypes;
  for (Value v : *thenValues)
    thenTypes.push_back(v.getType());
  for (Value v : *elseValues)
    elseTypes.push_back(v.getType());

  OpBuilder &b = n.getBuilder();
  if (thenTypes != elseTypes) {
    // Only one branch can be kept: it must be known which.
    auto cond = n.getModel().evaluate(
        n.getInput(0), n.getLoc(),
        "the condition (the branches produce different types)");
    if (failed(cond))
      return failure();
    bool taken = attrToInts(*cond).front() != 0;
    Block *block = taken ? thenBlock.get() : elseBlock.get();
    b.getInsertionBlock()->getOperations().splice(b.getInsertionPoint(),
                                                  block->getOperations());
    n.setOutputs(taken ? *thenValues : *elseValues);
    return success();
  }

  OperationState state(n.getLoc(), IfOp::getOperationName());
  state.addOperands(n.getInput(0));
  state.addTypes(thenTypes);
  for (auto [block, values] : {std::pair(&thenBlock, &*thenValues),
                               std::pair(&elseBlock, &*elseValues)}) {
    OpBuilder inner(n.getContext());
    inner.setInsertionPointToEnd(block->get());
    YieldOp::create(inner, n.getLoc(), *values);
    Region *region = state.addRegion();
    region->push_back(block->release());
  }
  Operation *op = n.finish(state);
  if (!op)
    return failure();
  n.setOutputs(op->getResults());
  return success();
}

} // namespace

void registerControlFlowOps(OpRegistry &r) { r.add("If", importIf); }

} // namespace npu::onnx_import
