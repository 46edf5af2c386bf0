//===- Normalization.cpp - Batch, instance, layer, group and Lp norms -----===//
//
// BatchNormalization maps to npu.batch_norm in inference mode; its training
// mode (opset 14+) and MeanVarianceNormalization, LpNormalization and
// GroupNormalization are decomposed into reductions and elementwise ops
// following their ONNX function definitions.
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"

#include "../NodeImporter.h"
#include "../OpRegistry.h"

using namespace mlir;

namespace npu::onnx_import {
namespace {

/// Reshapes a per-channel [C] tensor to [1, C, 1, ...] for a rank-`rank`
/// input.
FailureOr<Value> channelShaped(NodeImporter &n, Value v, int64_t rank) {
  auto t = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape{1, t.getNumElements()};
  shape.append(rank - 2, 1);
  return n.reshape(v, shape);
}

/// Batch statistics over every axis but 1: mean and biased variance, [C].
LogicalResult batchStatistics(NodeImporter &n, Value x, Value &mean,
                              Value &var) {
  auto t = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> axes{0};
  for (int64_t d = 2; d < t.getRank(); ++d)
    axes.push_back(d);
  auto &b = n.getBuilder();
  auto m = n.create<ReduceMeanOp>(x, b.getDenseI64ArrayAttr(axes),
                                  b.getBoolAttr(true));
  if (failed(m))
    return failure();
  auto d = n.create<SubOp>(x, *m);
  if (failed(d))
    return failure();
  auto sq = n.create<MulOp>(*d, *d);
  if (failed(sq))
    return failure();
  auto v = n.create<ReduceMeanOp>(*sq, b.getDenseI64ArrayAttr(axes),
                                  b.getBoolAttr(true));
  if (failed(v))
    return failure();
  auto m1 = n.reshape(*m, {t.getDimSize(1)});
  auto v1 = n.reshape(*v, {t.getDimSize(1)});
  if (failed(m1) || failed(v1))
    return failure();
  mean = *m1;
  var = *v1;
  return success();
}

/// running = running * momentum + current * (1 - momentum).
FailureOr<Value> runningUpdate(NodeImporter &n, Value running, Value current,
                               float momentum) {
  Type element = cast<RankedTensorType>(running.getType()).getElementType();
  auto a = n.create<MulOp>(running, n.scalar(element, momentum));
  auto c = n.create<MulOp>(current, n.scalar(element, 1.0 - momentum));
  if (failed(a) || failed(c))
    return failure();
  return n.create<AddOp>(*a, *c);
}

LogicalResult importBatchNorm(NodeImporter &n) {
  if (failed(n.requireInputs(5)))
    return failure();
  float epsilon = n.getAttrFloat("epsilon", 1e-5f);
  float momentum = n.getAttrFloat("momentum", 0.9f);
  bool training = n.getOpset() >= 14 && n.getAttrInt("training_mode", 0) != 0;
  if (n.getOpset() < 7 && n.getAttrInt("is_test", 0) == 0 && n.hasOutput(1))
    training = true;
  if (n.getOpset() < 9 && n.getAttrInt("spatial", 1) != 1)
    return n.unsupportedAttr("spatial", "0");
  if (n.failed())
    return failure();
  auto &b = n.getBuilder();
  Value x = n.getInput(0);
  Value mean = n.getInput(3), var = n.getInput(4);
  if (training) {
    if (n.getOpset() < 14)
      return n.emitError() << "training-mode BatchNormalization is supported "
                              "from opset 14";
    if (failed(n.onlyOutputs(3)))
      return failure();
    Value batchMean, batchVar;
    if (failed(batchStatistics(n, x, batchMean, batchVar)))
      return failure();
    auto y = n.create<BatchNormOp>(x, n.getInput(1), n.getInput(2), batchMean,
                                   batchVar, b.getF32FloatAttr(epsilon));
    if (failed(y))
      return failure();
    n.setOutput(0, *y);
    if (n.hasOutput(1)) {
      auto rm = runningUpdate(n, mean, batchMean, momentum);
      if (failed(rm))
        return failure();
      n.setOutput(1, *rm);
    }
    if (n.hasOutput(2)) {
      auto rv = runningUpdate(n, var, batchVar, momentum);
      if (failed(rv))
        return failure();
      n.setOutput(2, *rv);
    }
    return success();
  }
  if (failed(n.onlyOutputs(1, "only inference-mode batch normalization is "
                              "supported")))
    return failure();
  auto y = n.create<BatchNormOp>(x, n.getInput(1), n.getInput(2), mean, var,
                                 b.getF32FloatAttr(epsilon));
  if (failed(y))
    return failure();
  n.setOutput(0, *y);
  return success();
}

LogicalResult importInstanceNorm(NodeImporter &n) {
  if (failed(n.requireInputs(3)))
    return failure();
  float epsilon = n.getAttrFloat("epsilon", 1e-5f);
  if (n.failed())
    return failure();
  auto y = n.create<InstanceNormOp>(n.getInput(0), n.getInput(1), n.getInput(2),
                                    n.getBuilder().getF32FloatAttr(epsilon));
  if (failed(y))
    return failure();
  n.setOutput(0, *y);
  return success();
}

LogicalResult importLayerNorm(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  auto x = n.getInputType(0);
  auto axis = n.normalizeAxis(n.getAttrInt("axis", -1), x.getRank());
  float epsilon = n.getAttrFloat("epsilon", 1e-5f);
  if (failed(axis) || n.failed())
    return failure();
  SmallVector<int64_t> stats(x.getShape().take_front(*axis));
  stats.append(x.getRank() - *axis, 1);
  Type statsType = x.clone(stats);
  auto &b = n.getBuilder();
  auto op = n.createTyped<LayerNormOp>(
      Type(x), n.hasOutput(1) ? statsType : Type(),
      n.hasOutput(2) ? statsType : Type(), n.getInput(0), n.getInput(1),
      n.getInput(2), b.getI64IntegerAttr(*axis), b.getF32FloatAttr(epsilon));
  if (failed(op))
    return failure();
  n.setOutput(0, op->getOutput());
  if (n.hasOutput(1))
    n.setOutput(1, op->getMean());
  if (n.hasOutput(2))
    n.setOutput(2, op->getInvStdDev());
  return success();
}

LogicalResult importLRN(NodeImporter &n) {
  if (failed(n.requireInputs(1)) || failed(n.requireAttr("size")))
    return failure();
  auto &b = n.getBuilder();
  int64_t size = n.getAttrInt("size", 1);
  float alpha = n.getAttrFloat("alpha", 1e-4f);
  float beta = n.getAttrFloat("beta", 0.75f);
  float bias = n.getAttrFloat("bias", 1.0f);
  if (n.failed())
    return failure();
  auto y =
      n.createValue<LRNOp>(n.getInputType(0), n.getInput(0),
                           b.getI64IntegerAttr(size), b.getF32FloatAttr(alpha),
                           b.getF32FloatAttr(beta), b.getF32FloatAttr(bias));
  if (failed(y))
    return failure();
  n.setOutput(0, *y);
  return success();
}

/// MeanVarianceNormalization, as its ONNX function body computes it:
/// (X - E[X]) / (sqrt(E[X^2] - E[X]^2) + 1e-9).
LogicalResult importMVN(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto x = n.getInputType(0);
  auto axes = n.normalizeAxes(n.getAttrInts("axes", {0, 2, 3}), x.getRank());
  if (failed(axes) || n.failed())
    return failure();
  auto &b = n.getBuilder();
  Value in = n.getInput(0);
  Type element = x.getElementType();
  auto axesAttr = b.getDenseI64ArrayAttr(*axes);
  auto mean = n.create<ReduceMeanOp>(in, axesAttr, b.getBoolAttr(true));
  if (failed(mean))
    return failure();
  auto meanSq = n.create<PowOp>(*mean, n.scalar(element, 2.0));
  auto sq = n.create<PowOp>(in, n.scalar(element, 2.0));
  if (failed(meanSq) || failed(sq))
    return failure();
  auto meanOfSq = n.create<ReduceMeanOp>(*sq, axesAttr, b.getBoolAttr(true));
  if (failed(meanOfSq))
    return failure();
  auto variance = n.create<SubOp>(*meanOfSq, *meanSq);
  if (failed(variance))
    return failure();
  auto std = n.createValue<SqrtOp>(variance->getType(), *variance);
  auto centered = n.create<SubOp>(in, *mean);
  if (failed(std) || failed(centered))
    return failure();
  auto denom = n.create<AddOp>(*std, n.scalar(element, 1e-9));
  if (failed(denom))
    return failure();
  auto y = n.create<DivOp>(*centered, *denom);
  if (failed(y))
    return failure();
  n.setOutput(0, *y);
  return success();
}

LogicalResult importLpNorm(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto x = n.getInputType(0);
  auto axis = n.normalizeAxis(n.getAttrInt("axis", -1), x.getRank());
  int64_t p = n.getAttrInt("p", 2);
  if (failed(axis) || n.failed())
    return failure();
  if (p != 1 && p != 2)
    return n.unsupportedAttr("p", Twine(p)) << " (1 or 2)";
  auto &b = n.getBuilder();
  auto axes = b.getDenseI64ArrayAttr({*axis});
  FailureOr<Value> norm =
      p == 1 ? n.create<ReduceL1Op>(n.getInput(0), axes, b.getBoolAttr(true))
             : n.create<ReduceL2Op>(n.getInput(0), axes, b.getBoolAttr(true));
  if (failed(norm))
    return failure();
  auto y = n.create<DivOp>(n.getInput(0), *norm);
  if (failed(y))
    return failure();
  n.setOutput(0, *y);
  return success();
}

/// GroupNormalization: normalise each group of channels over the group's
/// channels and spatial positions, then scale and shift per channel
/// (opset 21) or per group (opset 18).
LogicalResult importGroupNorm(NodeImporter &n) {
  if (failed(n.requireInputs(3)) || failed(n.requireAttr("num_groups")))
    return failure();
  auto x = n.getInputType(0);
  int64_t groups = n.getAttrInt("num_groups", 1);
  float epsilon = n.getAttrFloat("epsilon", 1e-5f);
  if (n.failed())
    return failure();
  if (x.getRank() < 2 || groups < 1 || x.getDimSize(1) % groups != 0)
    return n.emitError() << "num_groups " << groups
                         << " must divide the channels of "
                         << formatList(x.getShape());
  int64_t c = x.getDimSize(1),
          rest = x.getNumElements() / x.getDimSize(0) / groups;
  auto &b = n.getBuilder();
  Type element = x.getElementType();
  auto grouped = n.reshape(n.getInput(0), {x.getDimSize(0), groups, rest});
  if (failed(grouped))
    return failure();
  auto axes = b.getDenseI64ArrayAttr({2});
  auto mean = n.create<ReduceMeanOp>(*grouped, axes, b.getBoolAttr(true));
  if (failed(mean))
    return failure();
  auto centered = n.create<SubOp>(*grouped, *mean);
  if (failed(centered))
    return failure();
  auto sq = n.create<MulOp>(*centered, *centered);
  if (failed(sq))
    return failure();
  auto var = n.create<ReduceMeanOp>(*sq, axes, b.getBoolAttr(true));
  if (failed(var))
    return failure();
  auto varEps = n.create<AddOp>(*var, n.scalar(element, epsilon));
  if (failed(varEps))
    return failure();
  auto std = n.createValue<SqrtOp>(varEps->getType(), *varEps);
  if (failed(std))
    return failure();
  auto normed = n.create<DivOp>(*centered, *std);
  if (failed(normed))
    return failure();
  auto y = n.reshape(*normed, x.getShape());
  if (failed(y))
    return failure();
  Value scale = n.getInput(1), bias = n.getInput(2);
  if (n.getInputType(1).getNumElements() == groups && groups != c) {
    // Opset 18: one scale and bias per group, repeated over its channels.
    for (Value *v : {&scale, &bias}) {
      auto col = n.reshape(*v, {groups, 1});
      if (failed(col))
        return failure();
      auto type = cast<RankedTensorType>(col->getType());
      auto wide =
          n.createValue<ExpandOp>(type.clone({groups, c / groups}), *col);
      if (failed(wide))
        return failure();
      *v = *wide;
    }
  }
  auto s = channelShaped(n, scale, x.getRank());
  auto sh = channelShaped(n, bias, x.getRank());
  if (failed(s) || failed(sh))
    return failure();
  auto scaled = n.create<MulOp>(*y, *s);
  if (failed(scaled))
    return failure();
  auto out = n.create<AddOp>(*scaled, *sh);
  if (failed(out))
    return failure();
  n.setOutput(0, *out);
  return success();
}

} // namespace

void registerNormalizationOps(OpRegistry &r) {
  r.add("BatchNormalization", importBatchNorm);
  r.add("InstanceNormalization", importInstanceNorm);
  r.add("LayerNormalization", importLayerNorm);
  r.add("LRN", importLRN);
  r.add("MeanVarianceNormalization", importMVN);
  r.add("LpNormalization", importLpNorm);
  r.add("GroupNormalization", importGroupNorm);
}

} // namespace npu::onnx_import
