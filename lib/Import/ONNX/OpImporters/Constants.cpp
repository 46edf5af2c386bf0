//===- Constants.cpp - Constant-producing operators -----------------------===//
//
// Constant (every value_* form), and the generators whose result is fully
// determined at compile time once their shape inputs are: ConstantOfShape,
// Range, EyeLike and the Hann/Hamming/Blackman windows. All become
// npu.constant.
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"

#include "../Attributes.h"
#include "../NodeImporter.h"
#include "../OpRegistry.h"
#include "../TensorConverter.h"
#include "npu/Dialect/NPU/IR/ScalarAttr.h"

#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <cstring>
#include <vector>

using namespace mlir;

namespace npu::onnx_import {
namespace {

LogicalResult importConstant(NodeImporter &n) {
  const auto &node = n.getNode();
  if (node.attribute_size() != 1)
    return n.emitError() << "expects exactly one value attribute, it has "
                         << node.attribute_size();
  const auto &attr = node.attribute(0);
  StringRef name = attr.name();
  auto &b = n.getBuilder();
  DenseElementsAttr value;
  if (name == "value") {
    const auto *tensor = n.getAttrTensor("value", true);
    if (!tensor)
      return failure();
    auto converted =
        n.getModel().convertTensor(*tensor, n.getLoc(), "attribute 'value'");
    if (failed(converted))
      return failure();
    value = *converted;
  } else if (name == "value_float") {
    float v = n.getAttrFloat(name, 0);
    value =
        DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()), v);
  } else if (name == "value_floats") {
    auto v = n.getAttrFloats(name);
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(v.size())}, b.getF32Type()),
        ArrayRef<float>(v));
  } else if (name == "value_int") {
    int64_t v = n.getAttrInt(name, 0);
    value =
        DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()), v);
  } else if (name == "value_ints") {
    auto v = n.getAttrInts(name);
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(v.size())}, b.getI64Type()),
        ArrayRef<int64_t>(v));
  } else if (name == "value_string" || name == "value_strings") {
    return n.emitError() << "string constants are not supported";
  } else if (name == "sparse_value") {
    return n.emitError() << "sparse constants are not supported";
  } else {
    return n.emitError() << "unknown attribute '" << name << "'";
  }
  if (n.failed())
    return failure();
  n.setOutput(0, n.constant(value));
  return success();
}

/// Reads a static shape input: non-negative dimensions.
FailureOr<SmallVector<int64_t>> shapeInput(NodeImporter &n, unsigned i) {
  auto dims = n.getConstantInts(i, "shape");
  if (failed(dims))
    return failure();
  for (int64_t d : *dims)
    if (d < 0)
      return n.emitError() << "shape " << formatList(*dims)
                           << " has a negative dimension";
  return dims;
}

LogicalResult importConstantOfShape(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto dims = shapeInput(n, 0);
  if (failed(dims))
    return failure();
  DenseElementsAttr fill;
  if (const auto *tensor = n.getAttrTensor("value")) {
    auto v =
        n.getModel().convertTensor(*tensor, n.getLoc(), "attribute 'value'");
    if (failed(v))
      return failure();
    if (v->getNumElements() != 1)
      return n.emitError() << "attribute 'value' must hold one element";
    fill = *v;
  }
  if (n.failed())
    return failure();
  auto type = RankedTensorType::get(*dims, fill ? fill.getElementType()
                                                : n.getBuilder().getF32Type());
  if (!fill) {
    n.setOutput(0, n.splat(type, 0.0));
    return success();
  }
  n.setOutput(0, n.constant(DenseElementsAttr::get(
                     type, fill.getValues<Attribute>()[0])));
  return success();
}

/// Largest number of elements Range and EyeLike build as a constant (int64:
/// 128 MiB), so that a model of a few bytes cannot ask for gigabytes.
constexpr int64_t kMaxRangeElements = int64_t(1) << 24;

/// Stores the low `bytes` bytes of `bits` as element `i` of a raw buffer
/// (least significant first: DenseElementsAttr's raw layout on this
/// little-endian host).
void storeBits(std::vector<char> &raw, size_t i, uint64_t bits,
               unsigned bytes) {
  std::memcpy(raw.data() + i * bytes, &bits, bytes);
}

/// Whether a constant of `element` can be built as a raw buffer: whole bytes,
/// at most 64 bits.
bool hasRawBytes(Type element) {
  unsigned width = element.getIntOrFloatBitWidth();
  return width % 8 == 0 && width <= 64;
}

/// Builds a constant of `type` from doubles (ints are truncated toward zero
/// and saturated to the type). Float constants go through a raw buffer: one
/// Attribute per element took minutes and gigabytes for a few million
/// elements (Range, found by fuzz/onnx).
DenseElementsAttr fromDoubles(RankedTensorType type, ArrayRef<double> values) {
  Type element = type.getElementType();
  if (auto f = dyn_cast<FloatType>(element); f && hasRawBytes(element)) {
    unsigned bytes = f.getWidth() / 8;
    std::vector<char> raw(values.size() * bytes);
    for (auto [i, v] : llvm::enumerate(values)) {
      uint64_t bits;
      if (f.isF32()) {
        float x = static_cast<float>(v);
        uint32_t u;
        std::memcpy(&u, &x, sizeof u);
        bits = u;
      } else if (f.isF64()) {
        std::memcpy(&bits, &v, sizeof bits);
      } else {
        APFloat a(v);
        bool lost = false;
        a.convert(f.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
        bits = a.bitcastToAPInt().getZExtValue();
      }
      storeBits(raw, i, bits, bytes);
    }
    return DenseElementsAttr::getFromRawBuffer(type, raw);
  }
  SmallVector<Attribute> attrs;
  attrs.reserve(values.size());
  for (double v : values) {
    if (auto f = dyn_cast<FloatType>(element)) {
      APFloat a(v);
      bool lost = false;
      a.convert(f.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      attrs.push_back(FloatAttr::get(element, a));
    } else {
      attrs.push_back(getScalarAttr(element, v)); // truncated, saturated
    }
  }
  return DenseElementsAttr::get(type, attrs);
}

/// A one-element integer input, sign- or zero-extended to 130 bits (enough
/// for differences and steps of 64-bit values).
FailureOr<APInt> wideScalar(NodeImporter &n, unsigned i, StringRef what) {
  auto value = n.getConstantInput(i, what);
  if (failed(value))
    return failure();
  auto type = dyn_cast<IntegerType>(value->getElementType());
  if (!type || value->getNumElements() != 1)
    return n.emitError() << "the " << what
                         << " input must hold one integer value";
  APInt v = *value->value_begin<APInt>();
  return type.isUnsigned() ? v.zext(130) : v.sext(130);
}

/// Integer Range, exactly (a double would round 64-bit values): element i
/// is start + i * delta, for i < ceil((limit - start) / delta).
LogicalResult importIntRange(NodeImporter &n, IntegerType element) {
  auto start = wideScalar(n, 0, "start");
  if (failed(start))
    return failure();
  auto limit = wideScalar(n, 1, "limit");
  if (failed(limit))
    return failure();
  auto delta = wideScalar(n, 2, "delta");
  if (failed(delta))
    return failure();
  if (delta->isZero())
    return n.emitError() << "delta must not be zero";
  APInt count = llvm::APIntOps::RoundingSDiv(*limit - *start, *delta,
                                             APInt::Rounding::UP);
  if (count.sgt(kMaxRangeElements))
    return n.emitError() << "the range has too many elements ("
                         << llvm::toString(count, 10, /*Signed=*/true) << ")";
  int64_t num = count.isStrictlyPositive() ? count.getSExtValue() : 0;
  auto type = RankedTensorType::get({num}, element);
  if (hasRawBytes(element)) {
    // The low 64 bits of start + i * delta, computed modulo 2^64, are those
    // of the exact value: the same elements as the APInt loop below, without
    // an APInt per element (which took minutes for 2^26 elements).
    uint64_t v = start->trunc(64).getZExtValue();
    uint64_t d = delta->trunc(64).getZExtValue();
    unsigned bytes = element.getWidth() / 8;
    std::vector<char> raw(static_cast<size_t>(num) * bytes);
    for (int64_t i = 0; i < num; ++i, v += d)
      storeBits(raw, static_cast<size_t>(i), v, bytes);
    n.setOutput(0, n.constant(DenseElementsAttr::getFromRawBuffer(type, raw)));
    return success();
  }
  SmallVector<APInt> values;
  values.reserve(num);
  APInt v = *start;
  for (int64_t i = 0; i < num; ++i, v += *delta)
    values.push_back(v.trunc(element.getWidth()));
  n.setOutput(0, n.constant(DenseElementsAttr::get(type, values)));
  return success();
}

LogicalResult importRange(NodeImporter &n) {
  if (failed(n.requireInputs(3)))
    return failure();
  Type element = n.getInputType(0).getElementType();
  if (auto i = dyn_cast<IntegerType>(element))
    return importIntRange(n, i);
  auto start = n.getConstantScalar(0, "start");
  if (failed(start))
    return failure();
  auto limit = n.getConstantScalar(1, "limit");
  if (failed(limit))
    return failure();
  auto delta = n.getConstantScalar(2, "delta");
  if (failed(delta))
    return failure();
  if (*delta == 0)
    return n.emitError() << "delta must not be zero";
  double count = std::ceil((*limit - *start) / *delta);
  if (!std::isfinite(count))
    return n.emitError() << "start, limit and delta must be finite, got "
                         << *start << ", " << *limit << ", " << *delta;
  if (count > kMaxRangeElements)
    return n.emitError() << "the range has too many elements (" << count << ")";
  int64_t num = count > 0 ? static_cast<int64_t>(count) : 0;
  // ONNX defines each element as start + i * delta, in the input type.
  SmallVector<double> values;
  for (int64_t i = 0; i < num; ++i)
    values.push_back(*start + static_cast<double>(i) * *delta);
  n.setOutput(0, n.constant(fromDoubles(RankedTensorType::get({num}, element),
                                        values)));
  return success();
}

LogicalResult importEyeLike(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto in = n.getInputType(0);
  if (in.getRank() != 2)
    return n.emitError() << "expects a rank-2 input, got rank " << in.getRank();
  Type element = in.getElementType();
  if (n.hasAttr("dtype")) {
    std::string error;
    int64_t dt = n.getAttrInt("dtype", 0);
    element =
        convertElementType(n.getContext(), static_cast<int32_t>(dt), error);
    if (!element)
      return n.unsupportedAttr("dtype", onnxTypeName(dt)) << ": " << error;
  }
  int64_t k = n.getAttrInt("k", 0);
  if (n.failed())
    return failure();
  int64_t rows = in.getDimSize(0), cols = in.getDimSize(1);
  // The input's shape alone sets the size of the constant built here.
  if (rows * cols > kMaxRangeElements)
    return n.emitError() << "a " << rows << "x" << cols
                         << " identity has too many elements to build as a "
                            "constant (at most "
                         << kMaxRangeElements << ")";
  SmallVector<double> values(rows * cols, 0.0);
  for (int64_t r = 0; r < rows; ++r)
    if (r + k >= 0 && r + k < cols)
      values[r * cols + r + k] = 1.0;
  n.setOutput(0, n.constant(fromDoubles(
                     RankedTensorType::get({rows, cols}, element), values)));
  return success();
}

/// Hann, Hamming and Blackman windows: sums of cosines with coefficients
/// `a`, over N (periodic) or N - 1 (symmetric) intervals.
template <int Kind> LogicalResult importWindow(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto size = n.getConstantScalarInt(0, "size");
  if (failed(size))
    return failure();
  if (*size < 0 || *size > (1 << 24))
    return n.emitError() << "invalid window size " << *size;
  int64_t periodic = n.getAttrInt("periodic", 1);
  int64_t dt = n.getAttrInt("output_datatype", onnx::TensorProto::FLOAT);
  std::string error;
  Type element =
      convertElementType(n.getContext(), static_cast<int32_t>(dt), error);
  if (!element)
    return n.unsupportedAttr("output_datatype", onnxTypeName(dt));
  if (n.failed())
    return failure();
  double a0 = 0, a1 = 0, a2 = 0;
  if (Kind == 0) {
    a0 = 0.5;
    a1 = 0.5;
  } else if (Kind == 1) {
    a0 = 25.0 / 46.0;
    a1 = 1.0 - a0;
  } else {
    a0 = 0.42;
    a1 = 0.5;
    a2 = 0.08;
  }
  double denom =
      periodic ? static_cast<double>(*size) : static_cast<double>(*size - 1);
  SmallVector<double> values;
  for (int64_t i = 0; i < *size; ++i) {
    double x = 2.0 * M_PI * static_cast<double>(i) / denom;
    values.push_back(a0 - a1 * std::cos(x) + a2 * std::cos(2 * x));
  }
  n.setOutput(0, n.constant(fromDoubles(RankedTensorType::get({*size}, element),
                                        values)));
  return success();
}

} // namespace

void registerConstantOps(OpRegistry &r) {
  r.add("Constant", importConstant);
  r.add("ConstantOfShape", importConstantOfShape);
  r.add("Range", importRange);
  r.add("EyeLike", importEyeLike);
  r.add("HannWindow", importWindow<0>);
  r.add("HammingWindow", importWindow<1>);
  r.add("BlackmanWindow", importWindow<2>);
}

} // namespace npu::onnx_import
