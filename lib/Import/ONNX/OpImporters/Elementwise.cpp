//===- Elementwise.cpp - Elementwise math, logic, comparison, casts -------===//
//
// Unary math, broadcasting binary ops (including the opset < 7 `broadcast`
// / `axis` attributes), variadic Sum/Mean/Max/Min, Where, Cast/CastLike,
// IsNaN/IsInf, Identity and inference-mode Dropout.
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"

#include "../Attributes.h"
#include "../NodeImporter.h"
#include "../OpRegistry.h"
#include "../TensorConverter.h"

using namespace mlir;

namespace npu::onnx_import {
namespace {

template <typename OpTy> LogicalResult importUnary(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto r = n.createValue<OpTy>(n.getInputType(0), n.getInput(0));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

/// Opset < 7 binary ops broadcast only with `broadcast = 1`, aligning the
/// second operand at `axis`; express that as NumPy broadcasting by
/// reshaping it.
FailureOr<Value> legacyBroadcastRhs(NodeImporter &n, Value lhs, Value rhs) {
  if (n.getOpset() >= 7 || n.getAttrInt("broadcast", 0) == 0 ||
      !n.hasAttr("axis"))
    return rhs;
  auto l = cast<RankedTensorType>(lhs.getType());
  auto r = cast<RankedTensorType>(rhs.getType());
  auto axis = n.normalizeAxis(n.getAttrInt("axis", 0), l.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(r.getShape());
  int64_t trailing = l.getRank() - *axis - r.getRank();
  if (trailing < 0)
    return n.emitError() << "cannot broadcast a rank-" << r.getRank()
                         << " operand at axis " << *axis << " of rank "
                         << l.getRank();
  shape.append(trailing, 1);
  return n.reshape(rhs, shape);
}

template <typename OpTy> LogicalResult importBinary(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  auto rhs = legacyBroadcastRhs(n, n.getInput(0), n.getInput(1));
  if (failed(rhs))
    return failure();
  auto r = n.create<OpTy>(n.getInput(0), *rhs);
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importMod(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  int64_t fmod = n.getAttrInt("fmod", 0);
  if (fmod != 0 && fmod != 1)
    return n.unsupportedAttr("fmod", Twine(fmod));
  bool isFloat = isa<FloatType>(n.getInputType(0).getElementType());
  if (isFloat && !fmod)
    return n.emitError() << "fmod must be 1 for floating-point inputs";
  auto r = n.create<ModOp>(n.getInput(0), n.getInput(1),
                           n.getBuilder().getBoolAttr(fmod == 1));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importBitShift(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  std::string direction = n.getAttrString("direction");
  if (n.failed() || failed(n.requireAttr("direction")))
    return failure();
  ShiftDirection dir;
  if (direction == "LEFT")
    dir = ShiftDirection::left;
  else if (direction == "RIGHT")
    dir = ShiftDirection::right;
  else
    return n.unsupportedAttr("direction", "'" + direction + "'");
  auto r = n.create<BitShiftOp>(n.getInput(0), n.getInput(1),
                                ShiftDirectionAttr::get(n.getContext(), dir));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

/// Sum, Max, Min: a left-to-right chain of binary ops.
template <typename OpTy> FailureOr<Value> chain(NodeImporter &n) {
  SmallVector<Value> inputs = n.getPresentInputs();
  if (inputs.empty())
    return n.emitError() << "expects at least one input";
  Value acc = inputs.front();
  if (inputs.size() == 1)
    return n.createValue<IdentityOp>(acc.getType(), acc);
  for (Value v : llvm::drop_begin(inputs)) {
    auto r = n.create<OpTy>(acc, v);
    if (failed(r))
      return failure();
    acc = *r;
  }
  return acc;
}

template <typename OpTy> LogicalResult importVariadic(NodeImporter &n) {
  auto r = chain<OpTy>(n);
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importMean(NodeImporter &n) {
  auto sum = chain<AddOp>(n);
  if (failed(sum))
    return failure();
  auto type = cast<RankedTensorType>(sum->getType());
  Value count = n.scalar(type.getElementType(),
                         static_cast<double>(n.getPresentInputs().size()));
  auto r = n.create<DivOp>(*sum, count);
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importWhere(NodeImporter &n) {
  if (failed(n.requireInputs(3)))
    return failure();
  auto r = n.create<WhereOp>(n.getInput(0), n.getInput(1), n.getInput(2));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importCast(NodeImporter &n) {
  if (failed(n.requireInputs(1)) || failed(n.requireAttr("to")))
    return failure();
  const auto *attr = findAttribute(n.getNode(), "to");
  int32_t to = 0;
  if (attributeType(*attr) == onnx::AttributeProto::STRING) {
    // Cast-1 names the type.
    onnx::TensorProto_DataType parsed;
    if (!onnx::TensorProto_DataType_Parse(attr->s(), &parsed))
      return n.unsupportedAttr("to", "'" + attr->s() + "'");
    to = parsed;
  } else {
    to = static_cast<int32_t>(n.getAttrInt("to", 0));
  }
  if (n.failed())
    return failure();
  std::string error;
  Type element = convertElementType(n.getContext(), to, error);
  if (!element)
    return n.emitError() << "cannot cast to " << onnxTypeName(to) << ": "
                         << error;
  auto r =
      n.createValue<CastOp>(n.getInputType(0).clone(element), n.getInput(0));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importCastLike(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  auto r = n.createValue<CastOp>(
      n.getInputType(0).clone(n.getInputType(1).getElementType()),
      n.getInput(0));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importIsNaN(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto r = n.create<IsNaNOp>(n.getInput(0));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importIsInf(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto &b = n.getBuilder();
  auto r = n.create<IsInfOp>(
      n.getInput(0), b.getBoolAttr(n.getAttrInt("detect_negative", 1) != 0),
      b.getBoolAttr(n.getAttrInt("detect_positive", 1) != 0));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

/// Dropout in inference mode is the identity; its optional mask output is
/// all true (opset >= 10: bool; before: the input's type, all ones).
LogicalResult importDropout(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  // The drop ratio (an attribute before opset 12) and the random seed do
  // not matter in inference.
  for (const char *unused : {"ratio", "seed"})
    n.noteAttr(unused);
  if (n.getOpset() < 7 && n.getAttrInt("is_test", 0) == 0)
    return n.emitError() << "training-mode Dropout (is_test = 0) is not "
                            "supported";
  if (n.hasInput(2)) {
    auto training = n.getConstantScalarInt(2, "training_mode");
    if (failed(training))
      return failure();
    if (*training != 0) {
      // With a zero ratio nothing is dropped: training mode is the identity
      // (and the mask all true). Any other ratio needs random masks.
      double ratio = 0.5;
      if (n.hasInput(1)) {
        auto r = n.getConstantScalar(1, "ratio");
        if (failed(r))
          return failure();
        ratio = *r;
      }
      if (ratio != 0.0)
        return n.emitError() << "training-mode Dropout (random masks) is not "
                                "supported";
    }
  }
  auto type = n.getInputType(0);
  auto r = n.createValue<IdentityOp>(type, n.getInput(0));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  if (n.hasOutput(1)) {
    Type maskElement =
        n.getOpset() >= 10 ? n.getBuilder().getI1Type() : type.getElementType();
    n.setOutput(1, n.splat(type.clone(maskElement), 1.0));
  }
  return success();
}

} // namespace

void registerElementwiseOps(OpRegistry &r) {
  r.add("Abs", importUnary<AbsOp>);
  r.add("Neg", importUnary<NegOp>);
  r.add("Exp", importUnary<ExpOp>);
  r.add("Log", importUnary<LogOp>);
  r.add("Sqrt", importUnary<SqrtOp>);
  r.add("Reciprocal", importUnary<ReciprocalOp>);
  r.add("Floor", importUnary<FloorOp>);
  r.add("Ceil", importUnary<CeilOp>);
  r.add("Round", importUnary<RoundOp>);
  r.add("Sign", importUnary<SignOp>);
  r.add("Sin", importUnary<SinOp>);
  r.add("Cos", importUnary<CosOp>);
  r.add("Tan", importUnary<TanOp>);
  r.add("Asin", importUnary<AsinOp>);
  r.add("Acos", importUnary<AcosOp>);
  r.add("Atan", importUnary<AtanOp>);
  r.add("Sinh", importUnary<SinhOp>);
  r.add("Cosh", importUnary<CoshOp>);
  r.add("Asinh", importUnary<AsinhOp>);
  r.add("Acosh", importUnary<AcoshOp>);
  r.add("Atanh", importUnary<AtanhOp>);
  r.add("Erf", importUnary<ErfOp>);
  r.add("Not", importUnary<NotOp>);
  r.add("Identity", importUnary<IdentityOp>);
  r.add("Dropout", importDropout);

  r.add("Add", importBinary<AddOp>);
  r.add("Sub", importBinary<SubOp>);
  r.add("Mul", importBinary<MulOp>);
  r.add("Div", importBinary<DivOp>);
  r.add("Pow", importBinary<PowOp>);
  r.add("And", importBinary<AndOp>);
  r.add("Or", importBinary<OrOp>);
  r.add("Xor", importBinary<XorOp>);
  r.add("Equal", importBinary<EqualOp>);
  r.add("Less", importBinary<LessOp>);
  r.add("LessOrEqual", importBinary<LessEqualOp>);
  r.add("Greater", importBinary<GreaterOp>);
  r.add("GreaterOrEqual", importBinary<GreaterEqualOp>);
  r.add("Mod", importMod);
  r.add("BitShift", importBitShift);

  r.add("Sum", importVariadic<AddOp>);
  r.add("Max", importVariadic<MaxOp>);
  r.add("Min", importVariadic<MinOp>);
  r.add("Mean", importMean);

  r.add("Where", importWhere);
  r.add("Cast", importCast);
  r.add("CastLike", importCastLike);
  r.add("IsNaN", importIsNaN);
  r.add("IsInf", importIsInf);
}

} // namespace npu::onnx_import
