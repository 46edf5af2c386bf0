//===- QuantAnnotations.cpp - A pre-quantized model's parameters ----------===//

#include "npu/Dialect/NPU/IR/QuantAnnotations.h"

#include "mlir/IR/Operation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;

namespace npu {

DenseF32ArrayAttr quantAnnotationOf(Value value) {
  DenseF32ArrayAttr attr;
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (auto func =
            dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp()))
      attr = func.getArgAttrOfType<DenseF32ArrayAttr>(arg.getArgNumber(),
                                                      kQuantAttr);
  } else if (Operation *op = value.getDefiningOp()) {
    if (op->getNumResults() == 1)
      attr = op->getAttrOfType<DenseF32ArrayAttr>(kQuantAttr);
  }
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
