//===- ScalarAttr.cpp - Scalar parameters of npu ops ----------------------===//

#include "npu/Dialect/NPU/IR/ScalarAttr.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/APSInt.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;

namespace npu {

/// Integer types whose values read unsigned: ui* and i1.
static bool readsUnsigned(IntegerType type) {
  return type.isUnsigned() || type.getWidth() == 1;
}

Attribute getScalarAttr(DenseElementsAttr value) {
  if (!value || value.getNumElements() != 1)
    return {};
  Type element = value.getElementType();
  if (isa<IntegerType>(element))
    return IntegerAttr::get(element, *value.value_begin<APInt>());
  if (!isa<FloatType>(element))
    return {};
  APFloat v = *value.value_begin<APFloat>();
  bool lost = false;
  v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  return FloatAttr::get(Float64Type::get(value.getContext()), v);
}

Attribute getScalarAttr(Type elementType, double value) {
  auto i = dyn_cast<IntegerType>(elementType);
  if (!i)
    return FloatAttr::get(Float64Type::get(elementType.getContext()), value);
  unsigned width = i.getWidth();
  bool isUnsigned = readsUnsigned(i);
  if (width == 1)
    return IntegerAttr::get(elementType, APInt(1, value != 0 ? 1 : 0));
  APInt lo =
      isUnsigned ? APInt::getMinValue(width) : APInt::getSignedMinValue(width);
  APInt hi =
      isUnsigned ? APInt::getMaxValue(width) : APInt::getSignedMaxValue(width);
  if (std::isnan(value))
    return IntegerAttr::get(elementType, APInt(width, 0));
  APFloat v(std::trunc(value));
  APSInt result(width, isUnsigned);
  bool exact = false;
  // Saturates out-of-range values (opInvalidOp leaves the bound).
  if (v.convertToInteger(result, APFloat::rmTowardZero, &exact) ==
      APFloat::opInvalidOp)
    result = APSInt(value < 0 ? lo : hi, isUnsigned);
  return IntegerAttr::get(elementType, result);
}

LogicalResult verifyScalarAttr(Operation *op, StringRef name, Attribute attr,
                               Type elementType) {
  if (!attr)
    return success();
  if (isa<FloatType>(elementType)) {
    if (!isa<FloatAttr>(attr))
      return op->emitOpError(name) << " must be an f64 float for a tensor of "
                                   << elementType << ", it is " << attr;
    return success();
  }
  if (isa<IntegerType>(elementType)) {
    auto i = dyn_cast<IntegerAttr>(attr);
    if (!i || i.getType() != elementType)
      return op->emitOpError(name)
             << " must be an integer of type " << elementType
             << " for a tensor of " << elementType << ", it is " << attr;
  }
  return success();
}

std::optional<int> compareScalarAttrs(Attribute a, Attribute b) {
  auto fa = dyn_cast_if_present<FloatAttr>(a);
  auto fb = dyn_cast_if_present<FloatAttr>(b);
  if (fa && fb) {
    switch (fa.getValue().compare(fb.getValue())) {
    case APFloat::cmpLessThan:
      return -1;
    case APFloat::cmpEqual:
      return 0;
    case APFloat::cmpGreaterThan:
      return 1;
    case APFloat::cmpUnordered:
      return std::nullopt;
    }
  }
  auto ia = dyn_cast_if_present<IntegerAttr>(a);
  auto ib = dyn_cast_if_present<IntegerAttr>(b);
  if (!ia || !ib || ia.getType() != ib.getType())
    return std::nullopt;
  auto type = dyn_cast<IntegerType>(ia.getType());
  if (!type)
    return std::nullopt;
  const APInt &x = ia.getValue(), &y = ib.getValue();
  if (readsUnsigned(type))
    return x.ult(y) ? -1 : (x == y ? 0 : 1);
  return x.slt(y) ? -1 : (x == y ? 0 : 1);
}

bool isZeroScalarAttr(Attribute attr) {
  if (auto f = dyn_cast_if_present<FloatAttr>(attr))
    return f.getValue().isPosZero();
  if (auto i = dyn_cast_if_present<IntegerAttr>(attr))
    return i.getValue().isZero();
  return false;
}

std::string scalarAttrToString(Attribute attr) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto i = dyn_cast_if_present<IntegerAttr>(attr)) {
    auto type = dyn_cast<IntegerType>(i.getType());
    i.getValue().print(os, !type || !readsUnsigned(type));
  } else {
    os << scalarAttrToDouble(attr);
  }
  return text;
}

double scalarAttrToDouble(Attribute attr) {
  if (auto f = dyn_cast_if_present<FloatAttr>(attr))
    return f.getValueAsDouble();
  if (auto i = dyn_cast_if_present<IntegerAttr>(attr)) {
    auto type = dyn_cast<IntegerType>(i.getType());
    if (type && readsUnsigned(type))
      return static_cast<double>(i.getValue().getZExtValue());
    return static_cast<double>(i.getValue().getSExtValue());
  }
  return 0.0;
}

} // namespace npu
