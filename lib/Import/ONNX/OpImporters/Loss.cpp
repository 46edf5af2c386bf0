//===- Loss.cpp - NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss ---===//
//
// Both are ONNX functions; they are decomposed as their function bodies
// define them: gather the target class along axis 1 (ignored targets read
// class 0 and are masked out), weight, negate, then reduce.
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"

#include "../NodeImporter.h"
#include "../OpRegistry.h"

using namespace mlir;

namespace npu::onnx_import {
namespace {

/// The loss of `logProb` [N, C, d...] for `target` [N, d...] with optional
/// `weight` [C], following NegativeLogLikelihoodLoss's function body.
FailureOr<Value> nllLoss(NodeImporter &n, Value logProb, Value target,
                         Value weight) {
  std::string reduction = n.getAttrString("reduction", "mean");
  bool hasIgnore = n.hasAttr("ignore_index");
  int64_t ignoreIndex = n.getAttrInt("ignore_index", 0);
  if (n.failed())
    return failure();
  if (reduction != "none" && reduction != "sum" && reduction != "mean")
    return n.unsupportedAttr("reduction", "'" + reduction + "'");
  auto inType = cast<RankedTensorType>(logProb.getType());
  auto tType = cast<RankedTensorType>(target.getType());
  if (inType.getRank() < 2 || tType.getRank() != inType.getRank() - 1)
    return n.emitError() << "input " << formatList(inType.getShape())
                         << " and target " << formatList(tType.getShape())
                         << " must be [N, C, d...] and [N, d...]";
  Type element = inType.getElementType();
  auto &b = n.getBuilder();

  // [N, 1, d...] targets; ignored ones point at class 0.
  SmallVector<int64_t> expandedShape(tType.getShape());
  expandedShape.insert(expandedShape.begin() + 1, 1);
  auto expanded = n.reshape(target, expandedShape);
  if (failed(expanded))
    return failure();
  Value targets = *expanded, mask;
  auto expandedType = cast<RankedTensorType>(targets.getType());
  if (hasIgnore) {
    auto eq = n.create<EqualOp>(
        targets, n.scalarInt(tType.getElementType(), ignoreIndex));
    if (failed(eq))
      return failure();
    mask = *eq;
    auto safe = n.create<WhereOp>(mask, n.splat(expandedType, 0.0), targets);
    if (failed(safe))
      return failure();
    targets = *safe;
  }
  auto picked =
      n.create<GatherElementsOp>(logProb, targets, b.getI64IntegerAttr(1));
  if (failed(picked))
    return failure();
  Value loss = *picked;
  auto lossType = cast<RankedTensorType>(loss.getType());
  if (mask) {
    auto zeroed = n.create<WhereOp>(mask, n.scalar(element, 0.0), loss);
    if (failed(zeroed))
      return failure();
    loss = *zeroed;
  }
  auto neg = n.createValue<NegOp>(lossType, loss);
  if (failed(neg))
    return failure();
  auto squeezed = n.reshape(*neg, tType.getShape());
  if (failed(squeezed))
    return failure();
  loss = *squeezed;

  // Per-element weights: weight[target], or 1; zero where ignored.
  Value w;
  if (weight) {
    auto flatTargets = n.reshape(targets, tType.getShape());
    if (failed(flatTargets))
      return failure();
    auto g = n.create<GatherOp>(weight, *flatTargets, b.getI64IntegerAttr(0));
    if (failed(g))
      return failure();
    w = *g;
    if (mask) {
      auto flatMask = n.reshape(mask, tType.getShape());
      if (failed(flatMask))
        return failure();
      auto z = n.create<WhereOp>(*flatMask, n.scalar(element, 0.0), w);
      if (failed(z))
        return failure();
      w = *z;
    }
    auto weighted = n.create<MulOp>(loss, w);
    if (failed(weighted))
      return failure();
    loss = *weighted;
  } else if (mask) {
    auto flatMask = n.reshape(mask, tType.getShape());
    if (failed(flatMask))
      return failure();
    auto ones = n.create<WhereOp>(*flatMask, n.scalar(element, 0.0),
                                  n.scalar(element, 1.0));
    if (failed(ones))
      return failure();
    w = *ones;
  }

  if (reduction == "none")
    return loss;
  SmallVector<int64_t> all;
  for (int64_t d = 0; d < tType.getRank(); ++d)
    all.push_back(d);
  auto axes = b.getDenseI64ArrayAttr(all);
  auto sum = n.create<ReduceSumOp>(loss, axes, b.getBoolAttr(false));
  if (failed(sum) || reduction == "sum")
    return sum;
  if (!w)
    return n.create<ReduceMeanOp>(loss, axes, b.getBoolAttr(false));
  auto wsum = n.create<ReduceSumOp>(w, axes, b.getBoolAttr(false));
  if (failed(wsum))
    return failure();
  return n.create<DivOp>(*sum, *wsum);
}

LogicalResult importNLLLoss(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  auto loss = nllLoss(n, n.getInput(0), n.getInput(1), n.getInput(2));
  if (failed(loss))
    return failure();
  n.setOutput(0, *loss);
  return success();
}

LogicalResult importSCELoss(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  auto type = n.getInputType(0);
  if (type.getRank() < 2)
    return n.emitError() << "scores must have rank >= 2";
  auto logProb = n.createValue<LogSoftmaxOp>(
      type, n.getInput(0), n.getBuilder().getI64IntegerAttr(1));
  if (failed(logProb))
    return failure();
  auto loss = nllLoss(n, *logProb, n.getInput(1), n.getInput(2));
  if (failed(loss))
    return failure();
  n.setOutput(0, *loss);
  n.setOutput(1, *logProb);
  return success();
}

} // namespace

void registerLossOps(OpRegistry &r) {
  r.add("NegativeLogLikelihoodLoss", importNLLLoss);
  r.add("SoftmaxCrossEntropyLoss", importSCELoss);
}

} // namespace npu::onnx_import
