//===- Activation.cpp - Activation functions
//-------------------------------===//
//
// Relu and friends map one to one onto npu ops (with ONNX's attribute
// defaults); Clip reads its bounds from attributes (opset < 11) or constant
// inputs; PRelu reshapes a per-channel slope; Mish is decomposed.
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"

#include "../NodeImporter.h"
#include "../OpRegistry.h"
#include "../TensorConverter.h"

#include "npu/Dialect/NPU/IR/ScalarAttr.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace npu::onnx_import {
namespace {

template <typename OpTy> LogicalResult importSimple(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  return n.setResult(n.createValue<OpTy>(n.getInputType(0), n.getInput(0)));
}

/// Activations with one float attribute `alpha`.
template <typename OpTy, int DefaultMilli>
LogicalResult importAlpha(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  float alpha = n.getAttrFloat("alpha", DefaultMilli / 1000.0f);
  if (n.failed())
    return failure();
  return n.setResult(n.createValue<OpTy>(
      n.getInputType(0), n.getInput(0), n.getBuilder().getF32FloatAttr(alpha)));
}

LogicalResult importSelu(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto &b = n.getBuilder();
  float alpha = n.getAttrFloat("alpha", 1.67326319217681884765625f);
  float gamma = n.getAttrFloat("gamma", 1.05070102214813232421875f);
  if (n.failed())
    return failure();
  return n.setResult(n.createValue<SeluOp>(n.getInputType(0), n.getInput(0),
                                           b.getF32FloatAttr(alpha),
                                           b.getF32FloatAttr(gamma)));
}

LogicalResult importHardSigmoid(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto &b = n.getBuilder();
  float alpha = n.getAttrFloat("alpha", 0.2f);
  float beta = n.getAttrFloat("beta", 0.5f);
  if (n.failed())
    return failure();
  return n.setResult(n.createValue<HardSigmoidOp>(
      n.getInputType(0), n.getInput(0), b.getF32FloatAttr(alpha),
      b.getF32FloatAttr(beta)));
}

LogicalResult importShrink(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto &b = n.getBuilder();
  float bias = n.getAttrFloat("bias", 0.0f);
  float lambd = n.getAttrFloat("lambd", 0.5f);
  if (n.failed())
    return failure();
  return n.setResult(n.createValue<ShrinkOp>(n.getInputType(0), n.getInput(0),
                                             b.getF32FloatAttr(bias),
                                             b.getF32FloatAttr(lambd)));
}

LogicalResult importGelu(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  std::string approx = n.getAttrString("approximate", "none");
  GeluApproximation mode;
  if (approx == "none")
    mode = GeluApproximation::none;
  else if (approx == "tanh")
    mode = GeluApproximation::tanh;
  else
    return n.unsupportedAttr("approximate", "'" + approx + "'");
  return n.setResult(
      n.createValue<GeluOp>(n.getInputType(0), n.getInput(0),
                            GeluApproximationAttr::get(n.getContext(), mode)));
}

/// A Clip bound of a tensor of `element`: exact when ONNX's rule (bounds
/// of the input's type) is followed; a bound of another type is converted,
/// rounded inward for an integer input.
Attribute clipBound(Type element, DenseElementsAttr value, bool lower) {
  if (value.getElementType() == element)
    return getScalarAttr(value);
  double v = scalarAttrToDouble(getScalarAttr(value));
  if (isa<IntegerType>(element))
    v = lower ? std::ceil(v) : std::floor(v);
  return getScalarAttr(element, v);
}

LogicalResult importClip(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  // Bounds in the input's kind (ScalarAttr.h): integers stay exact.
  Type element = n.getInputType(0).getElementType();
  Attribute lo, hi;
  // Bounds computed from the data (opset 11+ inputs) become max/min ops.
  Value loTensor, hiTensor;
  if (n.getOpset() < 11) {
    if (n.hasAttr("min"))
      lo = getScalarAttr(element, n.getAttrFloat("min", 0));
    if (n.hasAttr("max"))
      hi = getScalarAttr(element, n.getAttrFloat("max", 0));
  } else {
    for (unsigned i : {1u, 2u}) {
      if (!n.hasInput(i))
        continue;
      auto value = n.getModel().tryEvaluate(n.getInput(i));
      if (succeeded(value) && value->getNumElements() == 1) {
        (i == 1 ? lo : hi) = clipBound(element, *value, i == 1);
      } else if (n.getInputType(i).getNumElements() == 1) {
        (i == 1 ? loTensor : hiTensor) = n.getInput(i);
      } else {
        return n.emitError() << "the " << (i == 1 ? "min" : "max")
                             << " input must hold one value";
      }
    }
  }
  if (n.failed())
    return failure();
  Value x = n.getInput(0);
  if (loTensor) {
    auto r = n.create<MaxOp>(x, loTensor);
    if (failed(r))
      return failure();
    x = *r;
  }
  if (hiTensor) {
    auto r = n.create<MinOp>(x, hiTensor);
    if (failed(r))
      return failure();
    x = *r;
  }
  // ONNX: with min > max every element becomes max.
  std::optional<int> order = compareScalarAttrs(lo, hi);
  if (order && *order > 0)
    lo = hi;
  if (!lo && !hi) {
    n.setOutput(0, x);
    if (!loTensor && !hiTensor)
      return n.setResult(n.createValue<IdentityOp>(x.getType(), x));
    return success();
  }
  return n.setResult(n.createValue<ClipOp>(x.getType(), x, lo, hi));
}

LogicalResult importPRelu(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  Value x = n.getInput(0), slope = n.getInput(1);
  auto xt = n.getInputType(0), st = n.getInputType(1);
  // A per-channel slope [C] of an N x C x ... input (opset < 7 semantics,
  // and what many exporters still write) is aligned with dimension 1.
  if (st.getRank() == 1 && xt.getRank() > 2 &&
      st.getDimSize(0) == xt.getDimSize(1) &&
      (n.getOpset() < 7 || st.getDimSize(0) != xt.getShape().back())) {
    SmallVector<int64_t> shape{st.getDimSize(0)};
    shape.append(xt.getRank() - 2, 1);
    auto r = n.reshape(slope, shape);
    if (failed(r))
      return failure();
    slope = *r;
  }
  return n.setResult(n.create<PReluOp>(x, slope));
}

/// Mish(x) = x * tanh(softplus(x)).
LogicalResult importMish(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto type = n.getInputType(0);
  auto sp = n.createValue<SoftplusOp>(type, n.getInput(0));
  if (failed(sp))
    return failure();
  auto th = n.createValue<TanhOp>(type, *sp);
  if (failed(th))
    return failure();
  return n.setResult(n.create<MulOp>(n.getInput(0), *th));
}

} // namespace

void registerActivationOps(OpRegistry &r) {
  r.add("Relu", importSimple<ReluOp>);
  r.add("Sigmoid", importSimple<SigmoidOp>);
  r.add("Tanh", importSimple<TanhOp>);
  r.add("Softplus", importSimple<SoftplusOp>);
  r.add("Softsign", importSimple<SoftsignOp>);
  r.add("HardSwish", importSimple<HardSwishOp>);
  r.add("LeakyRelu", importAlpha<LeakyReluOp, 10>);
  r.add("Elu", importAlpha<EluOp, 1000>);
  r.add("Celu", importAlpha<CeluOp, 1000>);
  r.add("ThresholdedRelu", importAlpha<ThresholdedReluOp, 1000>);
  r.add("Selu", importSelu);
  r.add("HardSigmoid", importHardSigmoid);
  r.add("Shrink", importShrink);
  r.add("Gelu", importGelu);
  r.add("Clip", importClip);
  r.add("PRelu", importPRelu);
  r.add("Mish", importMish);
}

} // namespace npu::onnx_import
