//===- Lowering.cpp - Building blocks of the lowering to hardware ops -----===//

#include "Lowering.h"

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"
#include "npu/Interpreter/TensorConversion.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

#include <cmath>

using namespace mlir;

namespace npu::lowering {

QuantParams quantParamsForRange(float lo, float hi) {
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  if (!(hi > lo))
    hi = lo + 1e-6f;
  QuantParams q;
  q.scale = (hi - lo) / 255.0f;
  q.zeroPoint = int32_t(std::min(
      127.0f, std::max(-128.0f, std::nearbyint(-128.0f - lo / q.scale))));
  return q;
}

int64_t alignChannels(int64_t c) {
  if (c <= 4)
    return 4;
  return (c + kChannelAlignment - 1) / kChannelAlignment * kChannelAlignment;
}

std::optional<HostTensor> Lowering::constantValue(Value old) {
  auto t = constantHostTensor(old);
  if (t && isFloat(t->dtype()) && t->dtype() != DType::F32)
    return t->castTo(DType::F32);
  return t;
}

std::optional<float> Lowering::splatValue(Value old) {
  auto t = constantValue(old);
  if (!t || t->dtype() != DType::F32 || t->numElements() < 1)
    return std::nullopt;
  const float *d = t->data<float>();
  for (int64_t i = 1; i < t->numElements(); ++i)
    if (d[i] != d[0])
      return std::nullopt;
  return d[0];
}

Value Lowering::constant(Location loc, const HostTensor &t,
                         RankedTensorType type) {
  auto attr = hostTensorToDenseAttr(t, type);
  // The callers build `t` for `type`; a mismatch is a bug of this pass.
  if (failed(attr))
    llvm::report_fatal_error("npu-lower-to-hw: constant does not match type");
  return ConstantOp::create(b, loc, *attr);
}

HostTensor Lowering::toF16Saturated(const HostTensor &t) {
  HostTensor h = t.castTo(DType::F16);
  for (int64_t i = 0; i < h.numElements(); ++i) {
    double v = t.getAsDouble(i);
    if (std::isfinite(v) && !std::isfinite(h.getAsDouble(i)))
      h.setFromDouble(i, v > 0 ? 65504.0 : -65504.0);
  }
  return h;
}

Value Lowering::zeros(Location loc, ArrayRef<int64_t> shape) {
  auto type = f16Type(shape);
  return ConstantOp::create(b, loc,
                            DenseElementsAttr::get(type, b.getZeroAttr(f16())));
}

Value Lowering::cachedHWC(Value old) {
  if (Value v = hwcForms.lookup(old))
    return v;
  Value q = quantForms.lookup(old);
  if (!q)
    return Value();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointAfterValue(q);
  Value v = dequantize(old.getLoc(), q);
  hwcForms[old] = v;
  return v;
}

int64_t Lowering::recordedChannels(Value old) const {
  Value v = hwcForms.lookup(old);
  if (!v)
    v = quantForms.lookup(old);
  return v ? cast<RankedTensorType>(v.getType()).getShape()[2] : 0;
}

Value Lowering::compactHWC(Location loc, Value old) {
  auto shape = cast<RankedTensorType>(old.getType()).getShape();
  int64_t c = shape[1], h = shape[2], w = shape[3];
  if (!hwcForms.lookup(old))
    if (Value q = quantForms.lookup(old))
      return dequantize(loc, slice(loc, q, {0, 0, 0}, {h, w, c}));
  return hwcFor(loc, old, c);
}

DenseF32ArrayAttr rangeAttrOf(Value old) {
  auto range =
      dyn_cast_or_null<DenseF32ArrayAttr>(valueAnnotation(old, kRangeAttr));
  Operation *op = old.getDefiningOp();
  if (op && op->getNumResults() > 1)
    if (auto all = op->getAttrOfType<ArrayAttr>(kRangesAttr))
      range = dyn_cast_or_null<DenseF32ArrayAttr>(
          all[cast<OpResult>(old).getResultNumber()]);
  return range && range.size() == 2 ? range : DenseF32ArrayAttr();
}

static std::optional<std::pair<float, float>> rangeOf(Value old) {
  DenseF32ArrayAttr range = rangeAttrOf(old);
  if (!range)
    return std::nullopt;
  return std::make_pair(range[0], range[1]);
}

void Lowering::record(Value old) {
  if (!recorder || !current)
    return;
  (*recorder)[current].push_back(parametersOf(old));
}

FailureOr<QuantParams> Lowering::quantOf(Value old, std::string &reason) {
  record(old);
  // A pre-quantized model's own parameters (npu-fold-qdq) come first.
  if (auto quant = quantAnnotationOf(old))
    return QuantParams{quant[0], int32_t(quant[1])};
  auto range = rangeOf(old);
  if (!range) {
    reason = "no calibrated range for a tensor it needs in int8 (run the "
             "calibrated stage first)";
    return failure();
  }
  return quantParamsForRange(range->first, range->second);
}

Type Lowering::quantType(const QuantParams &q) {
  return quant::UniformQuantizedType::get(quant::QuantizationFlags::Signed,
                                          b.getIntegerType(8), b.getF32Type(),
                                          q.scale, q.zeroPoint, -128, 127);
}

FailureOr<Value> Lowering::quantize(Location loc, Value f16, Value old,
                                    std::string &reason) {
  auto q = quantOf(old, reason);
  if (failed(q))
    return failure();
  auto type = cast<RankedTensorType>(f16.getType());
  return shave(loc, "quantize", {f16},
               RankedTensorType::get(type.getShape(), quantType(*q)),
               {q->scale}, {q->zeroPoint});
}

LogicalResult Lowering::keepQuantGrid(Location loc, Value old,
                                      std::string &reason) {
  // Parameters handed back from a consumer are that consumer's range (the
  // sum after a constant add), not a pair on this result.
  Operation *def = old.getDefiningOp();
  if (!int8 || !quantAnnotationOf(old) || f32Forms.count(old) ||
      (def && def->hasAttr(kQuantFromConsumerAttr)))
    return success();
  if (Value hwc = hwcForms.lookup(old)) {
    auto q = quantize(loc, hwc, old, reason);
    if (failed(q))
      return failure();
    hwcForms.erase(old);
    quantForms[old] = *q;
    return success();
  }
  Value v = map.lookupOrNull(old);
  auto type = v ? dyn_cast<RankedTensorType>(v.getType()) : nullptr;
  if (!type || !type.getElementType().isF16())
    return success();
  auto q = quantize(loc, v, old, reason);
  if (failed(q))
    return failure();
  map.map(old, dequantize(loc, *q));
  return success();
}

Value Lowering::dequantize(Location loc, Value q) {
  auto type = cast<RankedTensorType>(q.getType());
  auto qt = cast<quant::UniformQuantizedType>(type.getElementType());
  return shave(loc, "dequantize", {q}, f16Type(type.getShape()),
               {float(qt.getScale())}, {qt.getZeroPoint()});
}

FailureOr<Value> Lowering::quantHWC(Location loc, Value old, int64_t cp,
                                    std::string &reason) {
  if (Value q = quantForms.lookup(old)) {
    int64_t have = cast<RankedTensorType>(q.getType()).getShape()[2];
    if (have <= cp) {
      record(old);
      return have == cp ? q : repeatChannels(b, loc, q, cp);
    }
  }
  return quantize(loc, hwcFor(loc, old, cp), old, reason);
}

Value repeatChannels(OpBuilder &b, Location loc, Value v, int64_t cp) {
  auto type = cast<RankedTensorType>(v.getType());
  int64_t rank = type.getRank(), c = type.getShape().back();
  SmallVector<Value> parts = {v};
  for (int64_t have = c; have < cp;) {
    int64_t take = std::min(c, cp - have);
    Value part = v;
    if (take < c) {
      SmallVector<int64_t> sizes(type.getShape());
      sizes.back() = take;
      part = SliceOp::create(
          b, loc, type.clone(sizes), v,
          b.getDenseI64ArrayAttr(SmallVector<int64_t>(rank, 0)),
          b.getDenseI64ArrayAttr(SmallVector<int64_t>(rank, 1)));
    }
    parts.push_back(part);
    have += take;
  }
  return ConcatOp::create(b, loc, parts, rank - 1);
}

Value replayViews(OpBuilder &b, ArrayRef<Operation *> views, Value v) {
  Type element = cast<ShapedType>(v.getType()).getElementType();
  for (Operation *view : views) {
    Operation *moved = b.clone(*view);
    moved->setOperand(0, v);
    moved->getResult(0).setType(RankedTensorType::get(
        cast<RankedTensorType>(view->getResult(0).getType()).getShape(),
        element));
    v = moved->getResult(0);
  }
  return v;
}

void Lowering::setQuantHWC(Location loc, Value old, Value q) {
  auto shape = cast<RankedTensorType>(old.getType()).getShape();
  auto qShape = cast<RankedTensorType>(q.getType()).getShape();
  if (shape.size() == 4 && shape[0] == 1 && qShape.size() == 3 &&
      qShape[0] == shape[2] && qShape[1] == shape[3] && qShape[2] >= shape[1]) {
    quantForms[old] = q;
    return;
  }
  setHWC(loc, old, dequantize(loc, q));
}

FailureOr<Value> Lowering::dpuInput(Location loc, Value old, int64_t cp,
                                    std::string &reason) {
  if (int8)
    return quantHWC(loc, old, cp, reason);
  return hwcFor(loc, old, cp);
}

FailureOr<Value> Lowering::dpuDomain(Location loc, Value f16, Value old,
                                     std::string &reason) {
  if (int8)
    return quantize(loc, f16, old, reason);
  return f16;
}

void Lowering::setDpuResult(Location loc, Value old, Value y) {
  auto type = cast<RankedTensorType>(y.getType());
  if (isa<quant::QuantizedType>(type.getElementType()))
    setQuantHWC(loc, old, y);
  else
    setHWC(loc, old, y);
}

Value Lowering::get(Value old) {
  if (Value v = map.lookupOrNull(old))
    return v;
  if (Value v32 = f32Forms.lookup(old)) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointAfterValue(v32);
    auto shape = cast<RankedTensorType>(v32.getType()).getShape();
    Value v = shave(old.getLoc(), "convert", {v32}, f16Type(shape));
    map.map(old, v);
    return v;
  }
  if (Value hwc = cachedHWC(old)) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointAfterValue(hwc);
    auto shape = cast<RankedTensorType>(old.getType()).getShape();
    Value v = toNCHW(old.getLoc(), hwc, shape[1]);
    map.map(old, v);
    return v;
  }
  auto type = dyn_cast<RankedTensorType>(old.getType());
  auto t = constantValue(old);
  if (!t || !type)
    return Value();
  // Float and boolean constants become f16 (booleans as 0 / 1, as the
  // compare kernel writes them), integer constants keep their type.
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointAfter(old.getDefiningOp());
  Value v;
  if (isFloat(t->dtype()) || t->dtype() == DType::Bool)
    v = constant(old.getLoc(), toF16Saturated(*t), f16Type(type.getShape()));
  else
    v = old;
  map.map(old, v);
  return v;
}

Value Lowering::getF32(Value old) {
  if (Value v = f32Forms.lookup(old))
    return v;
  auto type = dyn_cast<RankedTensorType>(old.getType());
  if (!type || !type.getElementType().isF32())
    return get(old);
  Value v;
  if (isa<BlockArgument>(old)) {
    v = old; // An f32 graph input, read as it is.
  } else if (auto t = constantValue(old)) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointAfter(old.getDefiningOp());
    v = constant(old.getLoc(), *t, type);
  } else {
    Value h = get(old);
    if (!h)
      return h;
    v = shave(old.getLoc(), "convert", {h}, type);
  }
  f32Forms[old] = v;
  return v;
}

void Lowering::set(Value old, Value v, bool fp32) {
  if (fp32 && cast<RankedTensorType>(v.getType()).getElementType().isF32())
    f32Forms[old] = v;
  else
    map.map(old, v);
}

Value Lowering::reshape(Location loc, Value v, ArrayRef<int64_t> shape) {
  // A reshape of a reshape is one reshape of the first one's input.
  if (auto inner = v.getDefiningOp<ReshapeOp>())
    v = inner.getInput();
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  return ReshapeOp::create(b, loc, type.clone(shape), v);
}

Value Lowering::slice(Location loc, Value v, ArrayRef<int64_t> offsets,
                      ArrayRef<int64_t> sizes) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == sizes)
    return v;
  SmallVector<int64_t> steps(offsets.size(), 1);
  return SliceOp::create(b, loc, type.clone(sizes), v,
                         b.getDenseI64ArrayAttr(offsets),
                         b.getDenseI64ArrayAttr(steps));
}

Value Lowering::concat(Location loc, ValueRange values, int64_t axis) {
  if (values.size() == 1)
    return values.front();
  return ConcatOp::create(b, loc, values, axis);
}

Value Lowering::transpose(Location loc, Value v, ArrayRef<int64_t> perm) {
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i)
    identity &= perm[i] == int64_t(i);
  if (identity)
    return v;
  return TransposeOp::create(b, loc, v, b.getDenseI64ArrayAttr(perm));
}

Value Lowering::toHWC(Location loc, Value nchw, int64_t cp) {
  auto shape = cast<RankedTensorType>(nchw.getType()).getShape();
  int64_t c = shape[1], h = shape[2], w = shape[3];
  Value v = reshape(loc, nchw, {c, h, w});
  v = transpose(loc, v, {1, 2, 0});
  if (cp > c)
    v = concat(loc, {v, zeros(loc, {h, w, cp - c})}, 2);
  return v;
}

Value Lowering::toNCHW(Location loc, Value hwc, int64_t k) {
  auto shape = cast<RankedTensorType>(hwc.getType()).getShape();
  int64_t h = shape[0], w = shape[1];
  Value v = slice(loc, hwc, {0, 0, 0}, {h, w, k});
  v = transpose(loc, v, {2, 0, 1});
  return reshape(loc, v, {1, k, h, w});
}

void Lowering::setHWC(Location loc, Value old, Value hwc) {
  auto shape = cast<RankedTensorType>(old.getType()).getShape();
  auto hwcShape = cast<RankedTensorType>(hwc.getType()).getShape();
  if (shape.size() == 4 && shape[0] == 1 && hwcShape.size() == 3 &&
      hwcShape[0] == shape[2] && hwcShape[1] == shape[3] &&
      hwcShape[2] >= shape[1]) {
    hwcForms[old] = hwc;
    return;
  }
  Value v = slice(loc, hwc, {0, 0, 0}, {hwcShape[0], hwcShape[1], shape[1]});
  v = transpose(loc, v, {2, 0, 1});
  map.map(old, reshape(loc, v, shape));
}

Value Lowering::hwcFor(Location loc, Value old, int64_t cp) {
  auto shape = cast<RankedTensorType>(old.getType()).getShape();
  if (Value hwc = cachedHWC(old)) {
    int64_t have = cast<RankedTensorType>(hwc.getType()).getShape()[2];
    if (have > cp)
      return slice(loc, hwc, {0, 0, 0}, {shape[2], shape[3], cp});
    if (have < cp)
      return concat(loc, {hwc, zeros(loc, {shape[2], shape[3], cp - have})}, 2);
    return hwc;
  }
  return toHWC(loc, get(old), cp);
}

Value Lowering::shave(Location loc, StringRef kernel, ValueRange inputs,
                      RankedTensorType type, ArrayRef<float> fparams,
                      ArrayRef<int64_t> iparams) {
  // A conversion is elementwise: past the 5 dimensions SHAVE kernels
  // address (a rank-6 graph input or output), it converts the elements as
  // one dimension.
  if (kernel == "convert" && inputs.size() == 1 && type.getRank() > 5) {
    int64_t n = type.getNumElements();
    Value flat = shave(loc, kernel, {reshape(loc, inputs[0], {n})},
                       type.clone(ArrayRef<int64_t>{n}), fparams, iparams);
    return reshape(loc, flat, type.getShape());
  }
  auto op = hw::ShaveOp::create(
      b, loc, TypeRange{type}, b.getStringAttr(kernel), inputs,
      b.getDenseF32ArrayAttr(fparams), b.getDenseI64ArrayAttr(iparams));
  return op.getResult(0);
}

} // namespace npu::lowering
