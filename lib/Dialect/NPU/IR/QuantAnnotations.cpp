//===- QuantAnnotations.cpp - A pre-quantized model's parameters ----------===//

#include "npu/Dialect/NPU/IR/QuantAnnotations.h"

#include "mlir/IR/Operation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <cmath>

using namespace mlir;

namespace npu {

Attribute valueAnnotation(Value value, StringRef name) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (auto func =
            dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp()))
      return func.getArgAttr(arg.getArgNumber(), name);
    return {};
  }
  Operation *op = value.getDefiningOp();
  return op && op->getNumResults() == 1 ? op->getAttr(name) : Attribute();
}

ArrayRef<float> weightScalesOf(Operation *op, int64_t k) {
  auto attr = op->getAttrOfType<DenseF32ArrayAttr>(kWeightScalesAttr);
  if (!attr || int64_t(attr.size()) != k ||
      !llvm::all_of(attr.asArrayRef(),
                    [](float s) { return std::isfinite(s) && s > 0; }))
    return {};
  return attr.asArrayRef();
}

DenseF32ArrayAttr quantAnnotationOf(Value value) {
  auto attr =
      dyn_cast_or_null<DenseF32ArrayAttr>(valueAnnotation(value, kQuantAttr));
  return attr && attr.size() == 2 ? attr : DenseF32ArrayAttr();
}

bool setQuantAnnotation(Value value, float scale, int32_t zeroPoint) {
  auto attr = DenseF32ArrayAttr::get(value.getContext(),
                                     {scale, static_cast<float>(zeroPoint)});
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    auto func = dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp());
    if (!func || arg.getOwner() != &func.getFunctionBody().front())
      return false;
    func.setArgAttr(arg.getArgNumber(), kQuantAttr, attr);
    return true;
  }
  Operation *op = value.getDefiningOp();
  if (!op || op->getNumResults() != 1)
    return false;
  op->setAttr(kQuantAttr, attr);
  return true;
}

} // namespace npu
