//===- Lowering.cpp - Building blocks of the lowering to hardware ops -----===//

#include "Lowering.h"

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"
#include "npu/Interpreter/TensorConversion.h"

using namespace mlir;

namespace npu::lowering {

int64_t alignChannels(int64_t c) {
  if (c <= 4)
    return 4;
  return (c + kChannelAlignment - 1) / kChannelAlignment * kChannelAlignment;
}

std::optional<HostTensor> Lowering::constantValue(Value old) {
  auto cst = old.getDefiningOp<ConstantOp>();
  if (!cst)
    return std::nullopt;
  std::string error;
  auto t = elementsAttrToHostTensor(cst.getValue(), error);
  if (failed(t))
    return std::nullopt;
  if (isFloat(t->dtype()) && t->dtype() != DType::F32)
    return t->castTo(DType::F32);
  return std::move(*t);
}

Value Lowering::constant(Location loc, const HostTensor &t,
                         RankedTensorType type) {
  auto attr = hostTensorToDenseAttr(t, type);
  // The callers build `t` for `type`; a mismatch is a bug of this pass.
  if (failed(attr))
    llvm::report_fatal_error("npu-lower-to-hw: constant does not match type");
  return ConstantOp::create(b, loc, *attr);
}

Value Lowering::zeros(Location loc, ArrayRef<int64_t> shape) {
  auto type = f16Type(shape);
  return ConstantOp::create(b, loc,
                            DenseElementsAttr::get(type, b.getZeroAttr(f16())));
}

Value Lowering::get(Value old) {
  if (Value v = map.lookupOrNull(old))
    return v;
  auto type = dyn_cast<RankedTensorType>(old.getType());
  auto t = constantValue(old);
  if (!t || !type)
    return Value();
  // Float constants become f16, integer constants keep their type.
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointAfter(old.getDefiningOp());
  Value v;
  if (isFloat(t->dtype()))
    v = constant(old.getLoc(), t->castTo(DType::F16), f16Type(type.getShape()));
  else
    v = old;
  map.map(old, v);
  return v;
}

Value Lowering::reshape(Location loc, Value v, ArrayRef<int64_t> shape) {
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

Value Lowering::shave(Location loc, StringRef kernel, ValueRange inputs,
                      RankedTensorType type, ArrayRef<float> fparams,
                      ArrayRef<int64_t> iparams) {
  auto op = hw::ShaveOp::create(
      b, loc, TypeRange{type}, b.getStringAttr(kernel), inputs,
      b.getDenseF32ArrayAttr(fparams), b.getDenseI64ArrayAttr(iparams));
  return op.getResult(0);
}

} // namespace npu::lowering
