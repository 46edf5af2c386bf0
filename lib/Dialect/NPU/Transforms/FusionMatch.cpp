//===- FusionMatch.cpp - Tests shared by the canonical fusions ------------===//

#include "npu/Dialect/NPU/Transforms/FusionMatch.h"

#include "npu/Dialect/NPU/IR/QuantAnnotations.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace npu {

std::optional<double> splatFloatValue(Value v) {
  APFloat value(APFloat::Bogus());
  if (!v || !matchPattern(v, m_ConstantFloat(&value)))
    return std::nullopt;
  return value.convertToDouble();
}

std::optional<double> splatExponent(Value v) {
  if (std::optional<double> f = splatFloatValue(v))
    return f;
  APInt value;
  if (!v || !matchPattern(v, m_ConstantInt(&value)))
    return std::nullopt;
  return double(value.getSExtValue());
}

bool isPerColumnConstant(Value c, int64_t n) {
  auto type = c ? dyn_cast<RankedTensorType>(c.getType()) : nullptr;
  if (!type || !type.hasStaticShape() || !matchPattern(c, m_Constant()))
    return false;
  return type.getNumElements() == 1 ||
         (type.getRank() > 0 && type.getNumElements() == n &&
          type.getShape().back() == n);
}

bool carriesModelQuantization(ArrayRef<Operation *> ops) {
  return llvm::any_of(ops, [](Operation *op) {
    return op && (op->hasAttr(kQuantAttr) || op->hasAttr(kWeightScalesAttr));
  });
}

} // namespace npu
