//===- NodeImporter.cpp - The view an op importer has of one node ---------===//

#include "NodeImporter.h"

#include "Attributes.h"
#include "TensorConverter.h"
#include "npu/Dialect/NPU/IR/ScalarAttr.h"

#include "mlir/IR/Verifier.h"

using namespace mlir;

namespace npu::onnx_import {

std::string formatList(ArrayRef<int64_t> values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i)
    s += (i ? ", " : "") + std::to_string(values[i]);
  return s + "]";
}

NodeImporter::NodeImporter(ModelImporter &model, const onnx::NodeProto &node,
                           OpBuilder &builder)
    : model(model), node(node), builder(builder), loc(model.getNodeLoc(node)),
      opset(model.getOpsetVersion(node.domain())) {}

InFlightDiagnostic NodeImporter::emitError() {
  hadError = true;
  return mlir::emitError(loc);
}

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

LogicalResult NodeImporter::resolveInputs() {
  inputs.clear();
  for (const auto &name : node.input()) {
    if (name.empty()) {
      inputs.push_back(Value());
      continue;
    }
    Value v = model.lookup(name);
    if (!v)
      return emitError() << "input '" << name << "' is not defined";
    inputs.push_back(v);
  }
  return success();
}

RankedTensorType NodeImporter::getInputType(unsigned i) const {
  Value v = getInput(i);
  return v ? cast<RankedTensorType>(v.getType()) : RankedTensorType();
}

StringRef NodeImporter::getInputName(unsigned i) const {
  return i < static_cast<unsigned>(node.input_size()) ? StringRef(node.input(i))
                                                      : StringRef();
}

SmallVector<Value> NodeImporter::getPresentInputs() const {
  SmallVector<Value> values;
  for (Value v : inputs)
    if (v)
      values.push_back(model.resolveFrozen(v));
  return values;
}

LogicalResult NodeImporter::requireInputs(unsigned count) {
  for (unsigned i = 0; i < count; ++i)
    if (!hasInput(i))
      return emitError() << "expects at least " << count << " inputs; input "
                         << i << " is missing";
  return success();
}

FailureOr<DenseElementsAttr> NodeImporter::getConstantInput(unsigned i,
                                                            StringRef what) {
  if (!hasInput(i))
    return emitError() << "the " << what << " input (input " << i
                       << ") is missing";
  auto value = model.evaluate(
      getInput(i), loc, "the " + what + " input '" + getInputName(i) + "'");
  if (mlir::failed(value))
    hadError = true;
  return value;
}

FailureOr<SmallVector<int64_t>> NodeImporter::getConstantInts(unsigned i,
                                                              StringRef what) {
  auto value = getConstantInput(i, what);
  if (mlir::failed(value))
    return failure();
  return attrToInts(*value);
}

FailureOr<SmallVector<double>>
NodeImporter::getConstantDoubles(unsigned i, StringRef what) {
  auto value = getConstantInput(i, what);
  if (mlir::failed(value))
    return failure();
  return attrToDoubles(*value);
}

/// The only element of a constant input's values, or an error naming it.
template <typename T>
static FailureOr<T>
singleValue(NodeImporter &n, FailureOr<SmallVector<T>> values, StringRef what) {
  if (mlir::failed(values))
    return failure();
  if (values->size() != 1)
    return n.emitError() << "the " << what
                         << " input must hold one value, it has "
                         << values->size();
  return values->front();
}

FailureOr<int64_t> NodeImporter::getConstantScalarInt(unsigned i,
                                                      StringRef what) {
  return singleValue(*this, getConstantInts(i, what), what);
}

FailureOr<double> NodeImporter::getConstantScalar(unsigned i, StringRef what) {
  return singleValue(*this, getConstantDoubles(i, what), what);
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

bool NodeImporter::hasAttr(StringRef name) const {
  noteAttr(name);
  return findAttribute(node, name) != nullptr;
}

SmallVector<std::string> NodeImporter::ignoredAttributes() const {
  SmallVector<std::string> ignored;
  // consumed_inputs (opsets 1-5) was an in-place hint: no meaning here.
  for (const auto &attr : node.attribute())
    if (!lookedUp.contains(attr.name()) && attr.name() != "consumed_inputs")
      ignored.push_back(attr.name());
  return ignored;
}

namespace {
// Finds attribute `name` and checks its type; reports a mismatch.
const onnx::AttributeProto *typedAttr(NodeImporter &n, StringRef name,
                                      onnx::AttributeProto_AttributeType type) {
  n.noteAttr(name);
  const auto *attr = findAttribute(n.getNode(), name);
  if (!attr)
    return nullptr;
  if (attributeType(*attr) != type) {
    n.emitError() << "attribute '" << name << "' should be of type "
                  << onnx::AttributeProto_AttributeType_Name(type) << ", it is "
                  << attributeTypeName(*attr);
    return nullptr;
  }
  return attr;
}
} // namespace

int64_t NodeImporter::getAttrInt(StringRef name, int64_t defaultValue) {
  const auto *attr = typedAttr(*this, name, onnx::AttributeProto::INT);
  return attr ? attr->i() : defaultValue;
}

float NodeImporter::getAttrFloat(StringRef name, float defaultValue) {
  noteAttr(name);
  const auto *attr = findAttribute(node, name);
  // Some exporters write integral float attributes as INT.
  if (attr && attributeType(*attr) == onnx::AttributeProto::INT)
    return static_cast<float>(attr->i());
  attr = typedAttr(*this, name, onnx::AttributeProto::FLOAT);
  return attr ? attr->f() : defaultValue;
}

std::string NodeImporter::getAttrString(StringRef name,
                                        StringRef defaultValue) {
  const auto *attr = typedAttr(*this, name, onnx::AttributeProto::STRING);
  return attr ? attr->s() : defaultValue.str();
}

SmallVector<int64_t> NodeImporter::getAttrInts(StringRef name,
                                               ArrayRef<int64_t> defaultValue) {
  noteAttr(name);
  const auto *found = findAttribute(node, name);
  if (found && attributeType(*found) == onnx::AttributeProto::UNDEFINED)
    return {}; // an empty list written without a type
  const auto *attr = typedAttr(*this, name, onnx::AttributeProto::INTS);
  if (!attr)
    return SmallVector<int64_t>(defaultValue);
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

SmallVector<float> NodeImporter::getAttrFloats(StringRef name,
                                               ArrayRef<float> defaultValue) {
  noteAttr(name);
  const auto *found = findAttribute(node, name);
  if (found && attributeType(*found) == onnx::AttributeProto::UNDEFINED)
    return {};
  const auto *attr = typedAttr(*this, name, onnx::AttributeProto::FLOATS);
  if (!attr)
    return SmallVector<float>(defaultValue);
  return SmallVector<float>(attr->floats().begin(), attr->floats().end());
}

const onnx::TensorProto *NodeImporter::getAttrTensor(StringRef name,
                                                     bool required) {
  const auto *attr = typedAttr(*this, name, onnx::AttributeProto::TENSOR);
  if (!attr && required && !hadError)
    emitError() << "attribute '" << name << "' is required";
  return attr ? &attr->t() : nullptr;
}

const onnx::GraphProto *NodeImporter::getAttrGraph(StringRef name,
                                                   bool required) {
  const auto *attr = typedAttr(*this, name, onnx::AttributeProto::GRAPH);
  if (!attr && required && !hadError)
    emitError() << "attribute '" << name << "' is required";
  return attr ? &attr->g() : nullptr;
}

LogicalResult NodeImporter::requireAttr(StringRef name) {
  if (hasAttr(name))
    return success();
  return emitError() << "attribute '" << name << "' is required";
}

InFlightDiagnostic NodeImporter::unsupportedAttr(StringRef name,
                                                 const Twine &value) {
  return emitError() << "unsupported value " << value << " of attribute '"
                     << name << "'";
}

//===----------------------------------------------------------------------===//
// Outputs
//===----------------------------------------------------------------------===//

bool NodeImporter::hasOutput(unsigned i) const {
  return i < static_cast<unsigned>(node.output_size()) &&
         !node.output(i).empty();
}

void NodeImporter::setOutput(unsigned i, Value value) {
  if (hasOutput(i))
    model.define(node.output(i), value);
}

void NodeImporter::setOutputs(ValueRange values) {
  for (auto [i, v] : llvm::enumerate(values))
    setOutput(i, v);
}

LogicalResult NodeImporter::onlyOutputs(unsigned count, StringRef why) {
  for (unsigned i = count; i < getNumOutputs(); ++i)
    if (hasOutput(i)) {
      auto diag = emitError() << "output " << i << " ('" << node.output(i)
                              << "') is not supported";
      if (!why.empty())
        diag << ": " << why;
      return diag;
    }
  return success();
}

//===----------------------------------------------------------------------===//
// Building ops
//===----------------------------------------------------------------------===//

Operation *NodeImporter::finish(OperationState &state) {
  for (Type t : state.types)
    if (!t) {
      emitError() << "internal error: result type of "
                  << state.name.getStringRef() << " not set";
      return nullptr;
    }
  Operation *op = builder.create(state);
  if (mlir::failed(mlir::verify(op, /*verifyRecursively=*/false))) {
    hadError = true;
    op->erase();
    return nullptr;
  }
  return op;
}

Value NodeImporter::constant(DenseElementsAttr value) {
  return ConstantOp::create(builder, loc, value).getResult();
}

Value NodeImporter::constantI64(ArrayRef<int64_t> values,
                                std::optional<ArrayRef<int64_t>> shape) {
  SmallVector<int64_t> dims =
      shape ? SmallVector<int64_t>(*shape)
            : SmallVector<int64_t>{static_cast<int64_t>(values.size())};
  auto type = RankedTensorType::get(dims, builder.getI64Type());
  return constant(DenseElementsAttr::get(type, values));
}

Value NodeImporter::splat(RankedTensorType type, double value) {
  Type element = type.getElementType();
  Attribute attr;
  if (auto f = dyn_cast<FloatType>(element)) {
    APFloat v(value);
    bool lost = false;
    v.convert(f.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    attr = FloatAttr::get(element, v);
  } else if (isa<IntegerType>(element)) {
    // Truncated toward zero and saturated to the type (NaN gives 0): a plain
    // cast of an out-of-range double is undefined.
    attr = getScalarAttr(element, value);
  }
  return constant(DenseElementsAttr::get(type, attr));
}

Value NodeImporter::scalar(Type elementType, double value) {
  return splat(RankedTensorType::get({}, elementType), value);
}

Value NodeImporter::splatInt(RankedTensorType type, int64_t value) {
  auto i = dyn_cast<IntegerType>(type.getElementType());
  if (!i)
    return splat(type, static_cast<double>(value));
  APInt v(i.getWidth(), static_cast<uint64_t>(value), /*isSigned=*/true,
          /*implicitTrunc=*/true);
  return constant(DenseElementsAttr::get(type, IntegerAttr::get(i, v)));
}

Value NodeImporter::scalarInt(Type elementType, int64_t value) {
  return splatInt(RankedTensorType::get({}, elementType), value);
}

FailureOr<Value> NodeImporter::reshape(Value value, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  return createValue<ReshapeOp>(type.clone(shape), value);
}

FailureOr<Value> NodeImporter::castTo(Value value, Type elementType) {
  auto type = llvm::cast<RankedTensorType>(value.getType());
  if (type.getElementType() == elementType)
    return value;
  return createValue<CastOp>(type.clone(elementType), value);
}

FailureOr<int64_t> NodeImporter::normalizeAxis(int64_t axis, int64_t rank,
                                               StringRef what) {
  if (axis < -rank || axis >= rank)
    return emitError() << what << " " << axis
                       << " is out of range for a tensor of rank " << rank;
  return axis < 0 ? axis + rank : axis;
}

FailureOr<SmallVector<int64_t>>
NodeImporter::normalizeAxes(ArrayRef<int64_t> axes, int64_t rank,
                            StringRef what) {
  SmallVector<int64_t> out;
  for (int64_t a : axes) {
    auto n = normalizeAxis(a, rank, what);
    if (mlir::failed(n))
      return failure();
    out.push_back(*n);
  }
  llvm::sort(out);
  for (size_t i = 1; i < out.size(); ++i)
    if (out[i] == out[i - 1])
      return emitError() << what << " " << formatList(axes) << " repeat axis "
                         << out[i];
  return out;
}

} // namespace npu::onnx_import
