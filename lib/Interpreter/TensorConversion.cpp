//===- TensorConversion.cpp - MLIR attributes and types <-> HostTensor ----===//

#include "npu/Interpreter/TensorConversion.h"

#include "npu/Dialect/NPU/IR/NPUDialect.h"
#include "npu/Dialect/NPU/IR/NPUOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"

#include <cstring>

using namespace mlir;

namespace npu {

bool isQuantizedElementType(Type type) {
  return isa<quant::QuantizedType>(type);
}

std::optional<DType> dtypeForElementType(Type type) {
  if (auto q = dyn_cast<quant::QuantizedType>(type))
    type = q.getStorageType();
  if (type.isF32())
    return DType::F32;
  if (type.isF64())
    return DType::F64;
  if (type.isF16())
    return DType::F16;
  if (type.isBF16())
    return DType::BF16;
  if (type.isIndex())
    return DType::I64;
  if (auto i = dyn_cast<IntegerType>(type)) {
    bool isUnsigned = i.isUnsigned();
    switch (i.getWidth()) {
    case 1:
      return DType::Bool;
    case 8:
      return isUnsigned ? DType::U8 : DType::I8;
    case 16:
      return isUnsigned ? DType::U16 : DType::I16;
    case 32:
      return isUnsigned ? DType::U32 : DType::I32;
    case 64:
      return isUnsigned ? DType::U64 : DType::I64;
    default:
      return std::nullopt;
    }
  }
  return std::nullopt;
}

Type elementTypeForDType(MLIRContext *ctx, DType dtype) {
  Builder b(ctx);
  switch (dtype) {
  case DType::F32:
    return b.getF32Type();
  case DType::F64:
    return b.getF64Type();
  case DType::F16:
    return b.getF16Type();
  case DType::BF16:
    return b.getBF16Type();
  case DType::I8:
    return b.getIntegerType(8);
  case DType::U8:
    return b.getIntegerType(8, false);
  case DType::I16:
    return b.getIntegerType(16);
  case DType::U16:
    return b.getIntegerType(16, false);
  case DType::I32:
    return b.getIntegerType(32);
  case DType::U32:
    return b.getIntegerType(32, false);
  case DType::I64:
    return b.getIntegerType(64);
  case DType::U64:
    return b.getIntegerType(64, false);
  case DType::Bool:
    return b.getI1Type();
  }
  return Type();
}

std::string describeTensorType(DType dtype, ArrayRef<int64_t> shape) {
  // As npu-run says it ("f32 1x3x224x224"), not in MLIR's syntax.
  return std::string(dtypeName(dtype)) + " " +
         shapeToString(std::vector<int64_t>(shape.begin(), shape.end()));
}

std::string describeHostTensor(const HostTensor &t) {
  return describeTensorType(t.dtype(), t.shape());
}

/// Copies raw little-endian element bytes (or one splat element) into `t`.
static void fillFromRaw(HostTensor &t, ArrayRef<char> raw, bool splat) {
  const size_t es = dtypeSize(t.dtype());
  auto *dst = static_cast<char *>(t.raw());
  if (!splat) {
    std::memcpy(dst, raw.data(), t.byteSize());
    return;
  }
  for (int64_t i = 0; i < t.numElements(); ++i)
    std::memcpy(dst + i * es, raw.data(), es);
}

FailureOr<HostTensor> elementsAttrToHostTensor(ElementsAttr attr,
                                               std::string &error) {
  auto type = dyn_cast<RankedTensorType>(attr.getShapedType());
  if (!type || !type.hasStaticShape()) {
    error = "constant must be a statically shaped tensor";
    return failure();
  }
  auto dtype = dtypeForElementType(type.getElementType());
  if (!dtype) {
    error = "unsupported constant element type";
    return failure();
  }
  std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
  if (std::string why = hostAllocationError(*dtype, shape); !why.empty()) {
    error = "cannot hold the constant in memory: " + why;
    return failure();
  }
  HostTensor t(*dtype, std::move(shape));
  if (t.numElements() == 0)
    return t;
  const size_t es = dtypeSize(*dtype);

  if (auto dense = dyn_cast<DenseIntOrFPElementsAttr>(attr)) {
    if (*dtype == DType::Bool) {
      auto *dst = t.data<bool>();
      int64_t i = 0;
      for (bool v : dense.getValues<bool>())
        dst[i++] = v;
      return t;
    }
    ArrayRef<char> raw = dense.getRawData();
    bool splat = dense.isSplat();
    if (raw.size() != (splat ? es : t.byteSize())) {
      error = "unexpected constant data size";
      return failure();
    }
    fillFromRaw(t, raw, splat);
    return t;
  }

  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    DenseResourceElementsHandle handle = resource.getRawHandle();
    AsmResourceBlob *blob = handle.getBlob();
    if (!blob) {
      error = "dense_resource blob '" + handle.getKey().str() +
              "' is not available";
      return failure();
    }
    ArrayRef<char> raw = blob->getData();
    if (raw.size() != t.byteSize()) {
      error = "dense_resource blob '" + handle.getKey().str() + "' holds " +
              std::to_string(raw.size()) + " bytes, expected " +
              std::to_string(t.byteSize());
      return failure();
    }
    if (*dtype == DType::Bool) {
      for (int64_t i = 0; i < t.numElements(); ++i)
        t.data<bool>()[i] = raw[i] != 0;
      return t;
    }
    fillFromRaw(t, raw, false);
    return t;
  }

  // Any other ElementsAttr: element by element.
  if (isFloat(*dtype)) {
    auto values = attr.tryGetValues<APFloat>();
    if (values) {
      int64_t i = 0;
      for (APFloat v : *values)
        t.setFromDouble(i++, v.convertToDouble());
      return t;
    }
  } else {
    auto values = attr.tryGetValues<APInt>();
    if (values) {
      int64_t i = 0;
      for (APInt v : *values) {
        uint64_t bits = v.getZExtValue();
        std::memcpy(static_cast<char *>(t.raw()) + i * es, &bits, es);
        ++i;
      }
      if (*dtype == DType::Bool)
        for (int64_t j = 0; j < t.numElements(); ++j)
          t.data<bool>()[j] = t.data<uint8_t>()[j] != 0;
      return t;
    }
  }
  error = "unsupported constant attribute";
  return failure();
}

FailureOr<DenseElementsAttr> hostTensorToDenseAttr(const HostTensor &t,
                                                   ShapedType type) {
  Type element = type.getElementType();
  if (auto q = dyn_cast<quant::QuantizedType>(element))
    type = type.clone(q.getStorageType());
  auto dtype = dtypeForElementType(type.getElementType());
  if (!dtype || *dtype != t.dtype() ||
      type.getShape() != ArrayRef<int64_t>(t.shape()))
    return failure();
  if (t.dtype() == DType::Bool) {
    ArrayRef<bool> values(t.data<bool>(), t.numElements());
    return DenseElementsAttr::get(type, values);
  }
  ArrayRef<char> raw(static_cast<const char *>(t.raw()), t.byteSize());
  bool detectedSplat = false;
  if (!DenseElementsAttr::isValidRawBuffer(type, raw, detectedSplat))
    return failure();
  return DenseElementsAttr::getFromRawBuffer(type, raw);
}

std::optional<HostTensor> constantHostTensor(Value v) {
  auto cst = v.getDefiningOp<ConstantOp>();
  if (!cst)
    return std::nullopt;
  std::string error;
  auto t = elementsAttrToHostTensor(cst.getValue(), error);
  if (failed(t))
    return std::nullopt;
  return std::move(*t);
}

FailureOr<std::optional<HostTensor>>
defaultArgumentValue(func::FuncOp func, unsigned i, std::string &error) {
  auto value = func.getArgAttrOfType<ElementsAttr>(i, kDefaultValueAttr);
  if (!value)
    return std::optional<HostTensor>();
  if (value.getType() != func.getArgument(i).getType()) {
    error = "the default of argument " + std::to_string(i) +
            " does not have the argument's type";
    return failure();
  }
  auto tensor = elementsAttrToHostTensor(value, error);
  if (failed(tensor))
    return failure();
  return std::optional<HostTensor>(std::move(*tensor));
}

} // namespace npu
