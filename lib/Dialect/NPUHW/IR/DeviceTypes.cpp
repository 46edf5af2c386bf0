//===- DeviceTypes.cpp - MLIR element types as device data types ----------===//

#include "npu/Dialect/NPUHW/IR/DeviceTypes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;

namespace npu::hw {

std::optional<DType> deviceDType(Type type) {
  if (auto q = dyn_cast<quant::QuantizedType>(type))
    type = q.getStorageType();
  if (type.isF16())
    return DType::F16;
  if (type.isF32())
    return DType::F32;
  if (type.isBF16())
    return DType::BF16;
  if (auto i = dyn_cast<IntegerType>(type)) {
    if (i.getWidth() == 8)
      return i.isUnsigned() ? DType::U8 : DType::I8;
    if (i.getWidth() == 32 && !i.isUnsigned())
      return DType::I32;
    // Graph inputs of token ids, which the gather kernel reads.
    if (i.getWidth() == 64 && !i.isUnsigned())
      return DType::I64;
  }
  return std::nullopt;
}

std::optional<blob::TensorRef> denseDeviceRef(ShapedType type) {
  if (!type.hasStaticShape())
    return std::nullopt;
  auto dtype = deviceDType(type.getElementType());
  if (!dtype)
    return std::nullopt;
  std::vector<uint32_t> shape;
  for (int64_t d : type.getShape()) {
    if (d < 0 || d > int64_t(UINT32_MAX))
      return std::nullopt;
    shape.push_back(uint32_t(d));
  }
  return blob::TensorRef::dense(0, 0, *dtype, std::move(shape));
}

} // namespace npu::hw
