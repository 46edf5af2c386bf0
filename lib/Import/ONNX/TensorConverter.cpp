//===- TensorConverter.cpp - ONNX tensors to MLIR attributes --------------===//
//
// Every path builds one little-endian raw buffer in the layout MLIR's dense
// attributes use, then wraps it; booleans go through ArrayRef<bool> since
// their storage differs.
//
//===----------------------------------------------------------------------===//

#include "TensorConverter.h"

#include "npu/Dialect/NPU/IR/ScalarAttr.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstring>

using namespace mlir;

namespace npu::onnx_import {

namespace {
using DT = onnx::TensorProto_DataType;

size_t elementBytes(int32_t dataType) {
  switch (dataType) {
  case onnx::TensorProto::BOOL:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
    return 1;
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
    return 2;
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::FLOAT:
    return 4;
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64:
  case onnx::TensorProto::DOUBLE:
    return 8;
  default:
    return 0;
  }
}

template <typename T> void append(std::string &buffer, T value) {
  buffer.append(reinterpret_cast<const char *>(&value), sizeof(T));
}
} // namespace

std::string onnxTypeName(int32_t dataType) {
  if (onnx::TensorProto_DataType_IsValid(dataType))
    return onnx::TensorProto_DataType_Name(static_cast<DT>(dataType));
  return "data type " + std::to_string(dataType);
}

Type convertElementType(MLIRContext *ctx, int32_t dataType,
                        std::string &error) {
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
    return Float32Type::get(ctx);
  case onnx::TensorProto::DOUBLE:
    return Float64Type::get(ctx);
  case onnx::TensorProto::FLOAT16:
    return Float16Type::get(ctx);
  case onnx::TensorProto::BFLOAT16:
    return BFloat16Type::get(ctx);
  case onnx::TensorProto::BOOL:
    return IntegerType::get(ctx, 1);
  case onnx::TensorProto::INT8:
    return IntegerType::get(ctx, 8);
  case onnx::TensorProto::INT16:
    return IntegerType::get(ctx, 16);
  case onnx::TensorProto::INT32:
    return IntegerType::get(ctx, 32);
  case onnx::TensorProto::INT64:
    return IntegerType::get(ctx, 64);
  case onnx::TensorProto::UINT8:
    return IntegerType::get(ctx, 8, IntegerType::Unsigned);
  case onnx::TensorProto::UINT16:
    return IntegerType::get(ctx, 16, IntegerType::Unsigned);
  case onnx::TensorProto::UINT32:
    return IntegerType::get(ctx, 32, IntegerType::Unsigned);
  case onnx::TensorProto::UINT64:
    return IntegerType::get(ctx, 64, IntegerType::Unsigned);
  case onnx::TensorProto::STRING:
    error = "string tensors are not supported";
    return {};
  case onnx::TensorProto::UNDEFINED:
    error = "the element type is undefined";
    return {};
  default:
    error = "element type " + onnxTypeName(dataType) + " is not supported";
    return {};
  }
}

int32_t onnxDataTypeOf(Type t) {
  if (t.isF32())
    return onnx::TensorProto::FLOAT;
  if (t.isF64())
    return onnx::TensorProto::DOUBLE;
  if (t.isF16())
    return onnx::TensorProto::FLOAT16;
  if (t.isBF16())
    return onnx::TensorProto::BFLOAT16;
  if (auto i = dyn_cast<IntegerType>(t)) {
    bool u = i.isUnsigned();
    switch (i.getWidth()) {
    case 1:
      return onnx::TensorProto::BOOL;
    case 8:
      return u ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8;
    case 16:
      return u ? onnx::TensorProto::UINT16 : onnx::TensorProto::INT16;
    case 32:
      return u ? onnx::TensorProto::UINT32 : onnx::TensorProto::INT32;
    case 64:
      return u ? onnx::TensorProto::UINT64 : onnx::TensorProto::INT64;
    default:
      return 0;
    }
  }
  return 0;
}

// Wraps a little-endian buffer of `type`'s elements.
static DenseElementsAttr fromRaw(RankedTensorType type, StringRef bytes) {
  if (type.getElementType().isInteger(1)) {
    SmallVector<bool> values;
    values.reserve(bytes.size());
    for (char c : bytes)
      values.push_back(c != 0);
    return DenseElementsAttr::get(type, ArrayRef<bool>(values));
  }
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(bytes.data(), bytes.size()));
}

bool resolveExternalData(StringRef dir, StringRef location, std::string &path,
                         std::string &error) {
  namespace fs = llvm::sys::fs;
  namespace sp = llvm::sys::path;
  if (location.empty()) {
    error = "the location is empty";
    return false;
  }
  if (sp::is_absolute(location) || sp::has_root_name(location)) {
    error = "the location '" + location.str() +
            "' is an absolute path; external data must be a relative path "
            "inside the model's folder";
    return false;
  }
  for (auto it = sp::begin(location), end = sp::end(location); it != end; ++it)
    if (*it == "..") {
      error = "the location '" + location.str() +
              "' leads out of the model's folder ('..'); external data "
              "must be a relative path inside it";
      return false;
    }
  SmallString<256> joined(dir);
  sp::append(joined, location);
  path = std::string(joined);
  // A symbolic link must not lead out of the folder either.
  SmallString<256> realDir, realFile;
  if (!fs::real_path(dir, realDir) && !fs::real_path(joined, realFile)) {
    StringRef file = realFile, folder = realDir;
    if (!file.starts_with(folder) ||
        (file.size() > folder.size() &&
         !sp::is_separator(file[folder.size()]) && !folder.ends_with("/"))) {
      error = "the location '" + location.str() + "' resolves to '" +
              realFile.str().str() +
              "', outside the model's folder (a symbolic link); external "
              "data must be inside it";
      return false;
    }
  }
  return true;
}

// Reads the bytes of an externally stored tensor.
static FailureOr<std::string> readExternal(const onnx::TensorProto &tensor,
                                           StringRef dir, Location loc,
                                           StringRef what) {
  std::string file;
  int64_t offset = 0, length = -1;
  for (const auto &entry : tensor.external_data()) {
    if (entry.key() == "location")
      file = entry.value();
    else if (entry.key() == "offset" || entry.key() == "length") {
      int64_t v = 0;
      if (StringRef(entry.value()).getAsInteger(10, v) || v < 0) {
        emitError(loc) << what << ": invalid external data " << entry.key()
                       << " '" << entry.value() << "'";
        return failure();
      }
      (entry.key() == "offset" ? offset : length) = v;
    }
  }
  if (file.empty()) {
    emitError(loc) << what << ": external data without a 'location' entry";
    return failure();
  }
  std::string path, error;
  if (!resolveExternalData(dir, file, path, error)) {
    emitError(loc) << what << ": " << error;
    return failure();
  }
  uint64_t size = 0;
  if (llvm::sys::fs::file_size(path, size)) {
    emitError(loc) << what << ": external data file '" << file
                   << "' not found (looked for " << path << ")";
    return failure();
  }
  if (length < 0)
    length = static_cast<int64_t>(size) - offset;
  if (offset + length > static_cast<int64_t>(size) || length < 0) {
    emitError(loc) << what << ": external data file '" << file << "' has "
                   << size << " bytes, the tensor needs bytes " << offset
                   << " to " << offset + length;
    return failure();
  }
  auto buffer = llvm::MemoryBuffer::getFileSlice(path, length, offset,
                                                 /*IsVolatile=*/false);
  if (!buffer) {
    emitError(loc) << what << ": cannot read external data file '" << file
                   << "': " << buffer.getError().message();
    return failure();
  }
  return (*buffer)->getBuffer().str();
}

/// How many values the typed field that holds `dt` has.
static int64_t typedValueCount(const onnx::TensorProto &tensor, int32_t dt) {
  switch (dt) {
  case onnx::TensorProto::FLOAT:
    return tensor.float_data_size();
  case onnx::TensorProto::DOUBLE:
    return tensor.double_data_size();
  case onnx::TensorProto::INT64:
    return tensor.int64_data_size();
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64:
    return tensor.uint64_data_size();
  default:
    return tensor.int32_data_size();
  }
}

FailureOr<DenseElementsAttr> convertTensor(const onnx::TensorProto &tensor,
                                           MLIRContext *ctx,
                                           StringRef externalDataDir,
                                           Location loc, StringRef what) {
  std::string error;
  int32_t dt = tensor.data_type();
  if (tensor.has_segment()) {
    emitError(loc) << what << ": segmented tensors are not supported";
    return failure();
  }
  Type element = convertElementType(ctx, dt, error);
  if (!element) {
    emitError(loc) << what << ": " << error;
    return failure();
  }
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (int64_t d : tensor.dims()) {
    if (d < 0 || (d > 0 && count > (int64_t(1) << 40) / d)) {
      emitError(loc) << what << ": invalid dimension " << d;
      return failure();
    }
    shape.push_back(d);
    count *= d;
  }
  auto type = RankedTensorType::get(shape, element);
  size_t width = elementBytes(dt);
  size_t expectedBytes = static_cast<size_t>(count) * width;

  auto checkSize = [&](size_t got, StringRef where) -> LogicalResult {
    if (got == expectedBytes)
      return success();
    emitError(loc) << what << ": " << where << " holds " << got
                   << " bytes, but " << count << " elements of "
                   << onnxTypeName(dt) << " need " << expectedBytes;
    return failure();
  };

  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    auto bytes = readExternal(tensor, externalDataDir, loc, what);
    if (failed(bytes) || failed(checkSize(bytes->size(), "external data")))
      return failure();
    return fromRaw(type, *bytes);
  }
  if (tensor.has_raw_data()) {
    if (failed(checkSize(tensor.raw_data().size(), "raw_data")))
      return failure();
    return fromRaw(type, tensor.raw_data());
  }

  // Typed fields. The dims alone can ask for terabytes: reserve only once
  // the values are known to be there (the cases below report a mismatch).
  std::string bytes;
  if (typedValueCount(tensor, dt) == count)
    bytes.reserve(expectedBytes);
  auto countMismatch = [&](int64_t got) -> LogicalResult {
    emitError(loc) << what << ": holds " << got << " values for " << count
                   << " elements of shape "
                   << (shape.empty() ? std::string("scalar")
                                     : shapeToString(std::vector<int64_t>(
                                           shape.begin(), shape.end())));
    return failure();
  };
  switch (dt) {
  case onnx::TensorProto::FLOAT:
    if (tensor.float_data_size() != count)
      return countMismatch(tensor.float_data_size());
    for (float v : tensor.float_data())
      append(bytes, v);
    break;
  case onnx::TensorProto::DOUBLE:
    if (tensor.double_data_size() != count)
      return countMismatch(tensor.double_data_size());
    for (double v : tensor.double_data())
      append(bytes, v);
    break;
  case onnx::TensorProto::INT64:
    if (tensor.int64_data_size() != count)
      return countMismatch(tensor.int64_data_size());
    for (int64_t v : tensor.int64_data())
      append(bytes, v);
    break;
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64:
    if (tensor.uint64_data_size() != count)
      return countMismatch(tensor.uint64_data_size());
    for (uint64_t v : tensor.uint64_data()) {
      if (dt == onnx::TensorProto::UINT32)
        append(bytes, static_cast<uint32_t>(v));
      else
        append(bytes, v);
    }
    break;
  default:
    // INT32, INT16, INT8, UINT16, UINT8, BOOL, FLOAT16 and BFLOAT16 (bit
    // patterns) live in int32_data.
    if (tensor.int32_data_size() != count)
      return countMismatch(tensor.int32_data_size());
    for (int32_t v : tensor.int32_data()) {
      switch (width) {
      case 1:
        append(bytes, static_cast<uint8_t>(v));
        break;
      case 2:
        append(bytes, static_cast<uint16_t>(v));
        break;
      default:
        append(bytes, v);
        break;
      }
    }
    break;
  }
  return fromRaw(type, bytes);
}

SmallVector<int64_t> attrToInts(DenseElementsAttr attr) {
  SmallVector<int64_t> out;
  Type element = attr.getElementType();
  if (auto i = dyn_cast<IntegerType>(element)) {
    for (const APInt &v : attr.getValues<APInt>())
      out.push_back(i.isUnsigned() || i.getWidth() == 1
                        ? static_cast<int64_t>(v.getZExtValue())
                        : v.getSExtValue());
  } else if (isa<FloatType>(element)) {
    // Truncated toward zero and saturated (NaN gives 0): a plain cast of an
    // out-of-range double is undefined.
    for (const APFloat &v : attr.getValues<APFloat>())
      out.push_back(cast<IntegerAttr>(
                        getScalarAttr(IntegerType::get(attr.getContext(), 64),
                                      v.convertToDouble()))
                        .getInt());
  }
  return out;
}

SmallVector<double> attrToDoubles(DenseElementsAttr attr) {
  SmallVector<double> out;
  Type element = attr.getElementType();
  if (auto i = dyn_cast<IntegerType>(element)) {
    for (const APInt &v : attr.getValues<APInt>())
      out.push_back(i.isUnsigned() || i.getWidth() == 1
                        ? static_cast<double>(v.getZExtValue())
                        : static_cast<double>(v.getSExtValue()));
  } else if (isa<FloatType>(element)) {
    for (APFloat v : attr.getValues<APFloat>()) {
      bool lost = false;
      v.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven,
                &lost);
      out.push_back(v.convertToDouble());
    }
  }
  return out;
}

} // namespace npu::onnx_import
