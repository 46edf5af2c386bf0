//===- Normalization.cpp - Batch, instance, layer, group and Lp norms -----===//
//
// BatchNormalization maps to npu.batch_norm in inference mode; in training
// mode (opset 14+) its batch statistics are computed in f64 and the batch
// norm applied in f64. MeanVarianceNormalization maps to npu.mvn, and
// GroupNormalization to npu.mvn of each group plus a per-channel affine;
// LpNormalization is decomposed into a reduction and a division.
//
// Every variance is two-pass (the mean, then the mean squared deviation
// from it), never the E[X^2] - E[X]^2 of some ONNX function bodies: in
// float32 that cancels catastrophically on data with a large mean.
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

/// Batch statistics over every axis but 1: mean and biased variance, [C],
/// two-pass, in `x`'s element type (the caller passes f64).
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

/// Training-mode batch normalisation: the batch's mean and variance and the
/// normalisation itself in f64 (as the reference computes statistics), so
/// that neither the mean's rounding to float nor a cancellation loses
/// precision; the results are cast back.
LogicalResult importBatchNormTraining(NodeImporter &n, float epsilon,
                                      float momentum) {
  if (failed(n.onlyOutputs(3)))
    return failure();
  auto &b = n.getBuilder();
  Type element = n.getInputType(0).getElementType();
  SmallVector<Value> wide;
  for (unsigned i = 0; i < 3; ++i) {
    auto v = n.castTo(n.getInput(i), b.getF64Type());
    if (failed(v))
      return failure();
    wide.push_back(*v);
  }
  Value batchMean, batchVar;
  if (failed(batchStatistics(n, wide[0], batchMean, batchVar)))
    return failure();
  auto y = n.create<BatchNormOp>(wide[0], wide[1], wide[2], batchMean, batchVar,
                                 b.getF32FloatAttr(epsilon));
  if (failed(y))
    return failure();
  auto out = n.castTo(*y, element);
  if (failed(out))
    return failure();
  n.setOutput(0, *out);
  for (unsigned i = 1; i < 3; ++i) {
    if (!n.hasOutput(i))
      continue;
    Value running = n.getInput(i + 2);
    auto current =
        n.castTo(i == 1 ? batchMean : batchVar,
                 cast<RankedTensorType>(running.getType()).getElementType());
    if (failed(current))
      return failure();
    auto updated = runningUpdate(n, running, *current, momentum);
    if (failed(updated))
      return failure();
    n.setOutput(i, *updated);
  }
  return success();
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
  // Both modes need a channel axis (axis 1); inference mode's op says so
  // itself, training mode reads the axis first.
  if (n.getInputType(0).getRank() < 2)
    return n.emitError() << "expected an input of rank >= 2";
  if (training) {
    if (n.getOpset() < 14)
      return n.emitError() << "training-mode BatchNormalization is supported "
                              "from opset 14";
    return importBatchNormTraining(n, epsilon, momentum);
  }
  if (failed(n.onlyOutputs(1, "only inference-mode batch normalization is "
                              "supported")))
    return failure();
  auto y = n.create<BatchNormOp>(n.getInput(0), n.getInput(1), n.getInput(2),
                                 n.getInput(3), n.getInput(4),
                                 n.getBuilder().getF32FloatAttr(epsilon));
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

/// npu.mvn of `x` over `axes` (sorted).
FailureOr<Value> meanVarianceNormalized(NodeImporter &n, Value x,
                                        ArrayRef<int64_t> axes, float epsilon,
                                        bool epsInsideSqrt) {
  auto &b = n.getBuilder();
  return n.createValue<MVNOp>(x.getType(), x, b.getDenseI64ArrayAttr(axes),
                              b.getF32FloatAttr(epsilon),
                              epsInsideSqrt ? b.getUnitAttr() : UnitAttr());
}

/// MeanVarianceNormalization: (X - E[X]) / (sqrt(Var[X]) + 1e-9), the
/// formula of its ONNX function body (whose E[X^2] - E[X]^2 variance is not
/// followed: npu.mvn computes it in two passes).
LogicalResult importMVN(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto x = n.getInputType(0);
  auto axes = n.normalizeAxes(n.getAttrInts("axes", {0, 2, 3}), x.getRank());
  if (failed(axes) || n.failed())
    return failure();
  return n.setResult(
      meanVarianceNormalized(n, n.getInput(0), *axes, 1e-9f, false));
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
  // A zero vector normalises to zeros (ONNX Runtime), not 0 / 0.
  auto normType = cast<RankedTensorType>(norm->getType());
  Value zero =
      n.splat(RankedTensorType::get({}, normType.getElementType()), 0.0);
  auto isZero = n.create<EqualOp>(*norm, zero);
  if (failed(y) || failed(isZero))
    return failure();
  auto safe = n.create<WhereOp>(*isZero, zero, *y);
  if (failed(safe))
    return failure();
  n.setOutput(0, *safe);
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
  int64_t c = x.getDimSize(1), rest = c / groups;
  for (int64_t d = 2; d < x.getRank(); ++d)
    rest *= x.getDimSize(d);
  auto grouped = n.reshape(n.getInput(0), {x.getDimSize(0), groups, rest});
  if (failed(grouped))
    return failure();
  auto normed = meanVarianceNormalized(n, *grouped, {2}, epsilon, true);
  if (failed(normed))
    return failure();
  auto y = n.reshape(*normed, x.getShape());
  if (failed(y))
    return failure();
  Value scale = n.getInput(1), bias = n.getInput(2);
  // Opsets 18-20 take one scale and bias per group, 21 one per channel
  // (ONNX Runtime refuses the other; found by a fresh user: accepted).
  int64_t want = n.getOpset() >= 21 ? c : groups;
  for (unsigned i : {1u, 2u})
    if (n.getInputType(i).getNumElements() != want)
      return n.emitError() << "GroupNormalization-"
                           << (n.getOpset() >= 21 ? 21 : 18) << " takes a "
                           << (i == 1 ? "scale" : "bias") << " of " << want
                           << " elements (one per "
                           << (n.getOpset() >= 21 ? "channel" : "group")
                           << "), not " << n.getInputType(i).getNumElements();
  if (want == groups && groups != c) {
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
