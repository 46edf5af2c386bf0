//===- ShapeLimits.cpp - Tensor types the compiler can represent ----------===//

#include "ShapeLimits.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace npu::onnx_import {

std::string tensorTypeProblem(Type type) {
  auto shaped = dyn_cast<RankedTensorType>(type);
  if (!shaped)
    return "";
  std::string dims;
  for (auto [i, d] : llvm::enumerate(shaped.getShape()))
    dims += (i ? "x" : "") +
            (ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d));
  int64_t count = 1;
  for (auto [i, d] : llvm::enumerate(shaped.getShape())) {
    if (ShapedType::isDynamic(d))
      continue;
    if (d < 0)
      return "dimension " + std::to_string(i) + " of " + dims + " is negative";
    if (__builtin_mul_overflow(count, d, &count))
      return "the element count of " + dims + " overflows 64 bits";
  }
  Type element = shaped.getElementType();
  int64_t width = element.isIntOrFloat()
                      ? int64_t((element.getIntOrFloatBitWidth() + 7) / 8)
                      : 16;
  int64_t bytes;
  if (__builtin_mul_overflow(count, width, &bytes))
    return "the byte size of " + dims + " overflows 64 bits";
  return "";
}

} // namespace npu::onnx_import
