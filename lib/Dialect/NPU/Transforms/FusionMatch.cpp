//===- FusionMatch.cpp - Tests shared by the canonical fusions ------------===//

#include "npu/Dialect/NPU/Transforms/FusionMatch.h"

#include "npu/Dialect/NPU/IR/QuantAnnotations.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace npu {

std::optional<double> splatFloatValue(Value v) {
  DenseElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)) || !attr.isSplat() ||
      !isa<FloatType>(attr.getElementType()))
    return std::nullopt;
  return attr.getSplatValue<APFloat>().convertToDouble();
}

std::optional<double> splatExponent(Value v) {
  if (std::optional<double> f = splatFloatValue(v))
    return f;
  DenseElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)) || !attr.isSplat() ||
      !isa<IntegerType>(attr.getElementType()))
    return std::nullopt;
  return double(attr.getSplatValue<APInt>().getSExtValue());
}

bool carriesModelQuantization(ArrayRef<Operation *> ops) {
  return llvm::any_of(ops, [](Operation *op) {
    return op && (op->hasAttr(kQuantAttr) || op->hasAttr(kWeightScalesAttr));
  });
}

} // namespace npu
