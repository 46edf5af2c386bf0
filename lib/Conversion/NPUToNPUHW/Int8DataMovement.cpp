//===- Int8DataMovement.cpp - Channel slices and concatenations in int8 ---===//
//
// A map split along its channels and maps concatenated along them (YOLO's
// C2f / CSP blocks, SPPF, DenseNet-style joins) otherwise move f16 values:
// each part is quantized again, in its own range, for the convolution that
// reads it, and the concatenation is quantized once more. npu-calibrate
// gives such a group of [1, C, H, W] maps one range where their ranges are
// close (docs/calibration.md, "Channel splits and concatenations"); with
// one set of int8 parameters the parts are the whole's int8 codes, so the
// slice and the concatenation move those codes ([H, W, C] views and copies
// along C) and nothing is quantized twice. Each int8 code is the one the
// value would get on its own: the same parameters, the same rounding.
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/IR/SplitSlices.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;

namespace npu::lowering {

namespace {

/// A [1, C, H, W] float map with C a multiple of the DPU's channel
/// alignment (so its [H, W, C] form has no padding channels) and a
/// calibrated range of its own (not a pre-quantized model's parameters).
bool isChannelMap(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.hasStaticShape() && type.getRank() == 4 &&
         type.getDimSize(0) == 1 && isa<FloatType>(type.getElementType()) &&
         type.getDimSize(1) % kChannelAlignment == 0 && rangeAttrOf(v) &&
         !quantAnnotationOf(v);
}

/// Whether `op` is a concatenation along the channels of [1, C, H, W].
bool isChannelConcat(Operation *op) {
  auto cat = dyn_cast<ConcatOp>(op);
  return cat && isChannelAxis(int64_t(cat.getAxis()));
}

/// Whether every value is a channel map with the range of the first.
bool shareOneRange(ArrayRef<Value> values) {
  if (!llvm::all_of(values, isChannelMap))
    return false;
  DenseF32ArrayAttr first = rangeAttrOf(values.front());
  return llvm::all_of(values, [&](Value v) {
    DenseF32ArrayAttr r = rangeAttrOf(v);
    return r[0] == first[0] && r[1] == first[1];
  });
}

/// Whether the DPU reads `v` (in int8): every reader is a convolution, a
/// pool or an add (of the precision `l` lowers in; an fp16 layer of a
/// mixed compile reads f16), or a channel slice or concatenation that
/// moves int8 codes itself (these two, recursively). A result read by
/// SHAVE kernels or returned stays f16: int8 would round it for nothing.
bool readInInt8(Value v) {
  if (v.use_empty())
    return false;
  for (Operation *user : v.getUsers()) {
    if (user->hasAttr(kFp16Attr) || user->hasAttr(kFp32Attr))
      return false;
    if (isa<ConvOp, MaxPoolOp, AvgPoolOp, AddOp>(user))
      continue;
    // A concatenation moves int8 where all its maps share one range.
    if (isa<SliceOp>(user) ||
        (isChannelConcat(user) &&
         shareOneRange(llvm::to_vector(user->getOperands()))))
      if (isChannelMap(user->getResult(0)) &&
          shareOneRange({v, user->getResult(0)}) &&
          readInInt8(user->getResult(0)))
        continue;
    return false;
  }
  return true;
}

/// The int8 [H, W, C] form of channel map `old`: its recorded form, or its
/// f16 form quantized once (and recorded, so that every part reads it).
FailureOr<Value> int8Form(Lowering &l, Location loc, Value old,
                          std::string &reason) {
  int64_t c = cast<RankedTensorType>(old.getType()).getDimSize(1);
  auto q = l.quantHWC(loc, old, c, reason);
  if (succeeded(q) && !l.quantForms.count(old))
    l.quantForms[old] = *q;
  return q;
}

} // namespace

LowerResult lowerInt8ChannelMove(Lowering &l, Operation *op,
                                 std::string &reason) {
  Location loc = op->getLoc();
  if (auto slice = dyn_cast<SliceOp>(op)) {
    std::optional<int64_t> start = channelSliceStart(slice);
    if (!start || *start % kChannelAlignment != 0 ||
        !shareOneRange({slice.getInput(), slice.getResult()}) ||
        !readInInt8(slice.getResult()))
      return std::nullopt;
    auto q = int8Form(l, loc, slice.getInput(), reason);
    if (failed(q))
      return failure();
    auto out = cast<RankedTensorType>(slice.getType());
    int64_t h = out.getDimSize(2), w = out.getDimSize(3);
    l.record(slice.getResult());
    l.setQuantHWC(loc, slice.getResult(),
                  l.slice(loc, *q, {0, 0, *start}, {h, w, out.getDimSize(1)}));
    return success();
  }
  auto cat = dyn_cast<ConcatOp>(op);
  if (!cat || !isChannelConcat(cat) || !readInInt8(cat.getResult()))
    return std::nullopt;
  SmallVector<Value> values = {cat.getResult()};
  values.append(cat.getOperands().begin(), cat.getOperands().end());
  if (!shareOneRange(values))
    return std::nullopt;
  auto params = l.quantOf(cat.getResult(), reason);
  if (failed(params))
    return failure();
  Type element = l.quantType(*params);
  SmallVector<Value> parts;
  for (Value v : cat.getOperands()) {
    FailureOr<Value> part = int8Form(l, loc, v, reason);
    if (failed(part))
      return failure();
    // A part that kept other parameters (a max pool keeps its input's)
    // is requantized to the result's.
    if (cast<RankedTensorType>(part->getType()).getElementType() != element)
      part = l.quantize(loc, l.dequantize(loc, *part), cat.getResult(), reason);
    if (failed(part))
      return failure();
    parts.push_back(*part);
  }
  l.setQuantHWC(loc, cat.getResult(), l.concat(loc, parts, 2));
  return success();
}

} // namespace npu::lowering
