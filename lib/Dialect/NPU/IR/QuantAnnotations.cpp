//===- QuantAnnotations.cpp - A pre-quantized model's parameters ----------===//

#include "npu/Dialect/NPU/IR/QuantAnnotations.h"

#include "mlir/IR/Diagnostics.h"
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
  if (!attr || int64_t(attr.size()) != k)
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

LogicalResult
verifyQuantAnnotation(NamedAttribute attr,
                      function_ref<InFlightDiagnostic()> emitError) {
  StringRef name = attr.getName().getValue();
  if (name != kQuantAttr && name != kRangeAttr && name != kWeightScalesAttr)
    return success();
  auto values = dyn_cast<DenseF32ArrayAttr>(attr.getValue());
  auto finite = [](float v) { return std::isfinite(v); };
  if (name == kQuantAttr) {
    if (values && values.size() == 2 && finite(values[0]) && values[0] > 0 &&
        std::nearbyint(values[1]) == values[1] && values[1] >= -128 &&
        values[1] <= 127)
      return success();
    return emitError() << "'" << kQuantAttr
                       << "' must be array<f32: scale, zero point> with a "
                          "positive finite scale and an integer zero point "
                          "in [-128, 127], not "
                       << attr.getValue();
  }
  if (name == kRangeAttr) {
    if (values && values.size() == 2 && finite(values[0]) &&
        finite(values[1]) && values[0] <= values[1] &&
        finite(values[1] - values[0]))
      return success();
    return emitError() << "'" << kRangeAttr
                       << "' must be array<f32: lo, hi> with "
                          "finite lo <= hi and a finite width, not "
                       << attr.getValue();
  }
  if (values && llvm::all_of(values.asArrayRef(),
                             [&](float s) { return finite(s) && s > 0; }))
    return success();
  return emitError() << "'" << kWeightScalesAttr
                     << "' must be an array<f32: ...> of positive finite "
                        "scales, not "
                     << attr.getValue();
}

} // namespace npu
