//===- Quantization.cpp - Linear quantization and integer ops -------------===//
//
// QuantizeLinear/DequantizeLinear map onto npu ops (with the default zero
// points made explicit). DynamicQuantizeLinear follows its function body;
// MatMulInteger/ConvInteger compute in int32 after subtracting zero points;
// QLinearMatMul/QLinearConv and ONNX Runtime's com.microsoft QLinearAdd /
// QLinearMul / QLinearConcat / QLinearGlobalAveragePool / QLinearAveragePool
// / QLinearSigmoid / QLinearLeakyRelu dequantize, compute in float and
// requantize (npu-fold-qdq then keeps the model's parameters).
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"
#include "WindowAttrs.h"

#include "../NodeImporter.h"
#include "../OpRegistry.h"

using namespace mlir;

namespace npu::onnx_import {
namespace {

/// The zero point of `scale`'s shape: input `zpIndex`, or zeros of
/// `defaultElement` when absent.
FailureOr<Value> zeroPoint(NodeImporter &n, unsigned zpIndex, Value scale,
                           Type defaultElement) {
  auto scaleType = cast<RankedTensorType>(scale.getType());
  if (!n.hasInput(zpIndex))
    return n.splat(scaleType.clone(defaultElement), 0.0);
  Value zp = n.getInput(zpIndex);
  auto zpType = n.getInputType(zpIndex);
  if (zpType.getShape() != scaleType.getShape() &&
      zpType.getNumElements() == scaleType.getNumElements())
    return n.reshape(zp, scaleType.getShape());
  return zp;
}

FailureOr<Value> quantize(NodeImporter &n, Value x, Value scale, Value zp,
                          int64_t axis) {
  auto type = cast<RankedTensorType>(x.getType());
  Type element = cast<RankedTensorType>(zp.getType()).getElementType();
  return n.createValue<QuantizeLinearOp>(
      type.clone(element), x, scale, zp,
      n.getBuilder().getI64IntegerAttr(axis));
}

FailureOr<Value> dequantize(NodeImporter &n, Value x, Value scale, Value zp,
                            int64_t axis) {
  auto type = cast<RankedTensorType>(x.getType());
  Type element = cast<RankedTensorType>(scale.getType()).getElementType();
  return n.createValue<DequantizeLinearOp>(
      type.clone(element), x, scale, zp,
      n.getBuilder().getI64IntegerAttr(axis));
}

/// The ONNX name of an element type, for messages ("uint8", "float").
std::string onnxTypeName(Type t) {
  if (t.isF32())
    return "float";
  if (t.isF16())
    return "float16";
  if (t.isBF16())
    return "bfloat16";
  if (t.isF64())
    return "double";
  if (auto i = dyn_cast<IntegerType>(t))
    return (i.isUnsigned() ? "uint" : "int") + std::to_string(i.getWidth());
  std::string text;
  llvm::raw_string_ostream os(text);
  os << t;
  return text;
}

/// ONNX's type constraints of a QuantizeLinear (`quantize`) or
/// DequantizeLinear: a float input and scale (Q) or an integer input whose
/// zero point has its type (DQ), an integer zero point. ONNX Runtime
/// refuses such models when it loads them.
LogicalResult checkQuantTypes(NodeImporter &n, bool quantize) {
  Type x = n.getInputType(0).getElementType();
  Type scale = n.getInputType(1).getElementType();
  std::optional<Type> zp;
  if (n.hasInput(2))
    zp = n.getInputType(2).getElementType();
  if (!isa<FloatType>(scale))
    return n.emitError() << "the scale is " << onnxTypeName(scale)
                         << ": it must be a float type";
  // Before opset 19 the scale is float (32-bit); QuantizeLinear-19 to -22
  // bind the input and the scale to one type (T1).
  if (n.getOpset() < 19 && !scale.isF32())
    return n.emitError() << "the scale is " << onnxTypeName(scale)
                         << ": before opset 19 it must be float";
  if (quantize) {
    if (!isa<FloatType>(x))
      return n.emitError() << "quantizes a " << onnxTypeName(x)
                           << " tensor: the input must be a float type";
    if (n.getOpset() >= 19 && n.getOpset() < 23 && scale != x)
      return n.emitError() << "the scale is " << onnxTypeName(scale)
                           << " and the input " << onnxTypeName(x)
                           << ": QuantizeLinear-" << n.getOpset()
                           << " needs them of the same type";
    if (zp && !isa<IntegerType>(*zp))
      return n.emitError() << "the zero point is " << onnxTypeName(*zp)
                           << ": it must be an integer type (it gives the "
                              "output's)";
    return success();
  }
  if (!isa<IntegerType>(x))
    return n.emitError() << "dequantizes a " << onnxTypeName(x)
                         << " tensor: the input must be an integer type";
  if (zp && *zp != x)
    return n.emitError() << "the zero point is " << onnxTypeName(*zp)
                         << " and the input " << onnxTypeName(x)
                         << ": they must be the same type";
  return success();
}

FailureOr<int64_t> quantAxis(NodeImporter &n) {
  int64_t rank = n.getInputType(0).getRank();
  int64_t axis = n.getAttrInt("axis", 1);
  if (rank == 0 || n.getInputType(1).getNumElements() == 1)
    return axis < 0 ? 0 : std::min(axis, std::max<int64_t>(rank - 1, 0));
  return n.normalizeAxis(axis, rank);
}

LogicalResult importQuantize(NodeImporter &n) {
  if (failed(n.requireInputs(2)) || failed(checkQuantTypes(n, true)))
    return failure();
  auto axis = quantAxis(n);
  if (failed(axis))
    return failure();
  auto zp =
      zeroPoint(n, 2, n.getInput(1),
                IntegerType::get(n.getContext(), 8, IntegerType::Unsigned));
  if (failed(zp))
    return failure();
  auto r = quantize(n, n.getInput(0), n.getInput(1), *zp, *axis);
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importDequantize(NodeImporter &n) {
  if (failed(n.requireInputs(2)) || failed(checkQuantTypes(n, false)))
    return failure();
  auto axis = quantAxis(n);
  if (failed(axis))
    return failure();
  auto zp = zeroPoint(n, 2, n.getInput(1), n.getInputType(0).getElementType());
  if (failed(zp))
    return failure();
  auto r = dequantize(n, n.getInput(0), n.getInput(1), *zp, *axis);
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

/// DynamicQuantizeLinear's function body: uint8 quantization with the
/// scale and zero point of the input's range extended to include 0.
LogicalResult importDynamicQuantize(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  Value x = n.getInput(0);
  auto type = n.getInputType(0);
  Type f = type.getElementType();
  auto &b = n.getBuilder();
  SmallVector<int64_t> all;
  for (int64_t d = 0; d < type.getRank(); ++d)
    all.push_back(d);
  auto axes = b.getDenseI64ArrayAttr(all);
  auto lo = n.create<ReduceMinOp>(x, axes, b.getBoolAttr(false));
  auto hi = n.create<ReduceMaxOp>(x, axes, b.getBoolAttr(false));
  if (failed(lo) || failed(hi))
    return failure();
  auto loAdj = n.create<MinOp>(*lo, n.scalar(f, 0.0));
  auto hiAdj = n.create<MaxOp>(*hi, n.scalar(f, 0.0));
  if (failed(loAdj) || failed(hiAdj))
    return failure();
  auto range = n.create<SubOp>(*hiAdj, *loAdj);
  if (failed(range))
    return failure();
  auto scale = n.create<DivOp>(*range, n.scalar(f, 255.0));
  if (failed(scale))
    return failure();
  auto minScaled = n.create<DivOp>(*loAdj, *scale);
  if (failed(minScaled))
    return failure();
  auto initial = n.create<SubOp>(n.scalar(f, 0.0), *minScaled);
  if (failed(initial))
    return failure();
  auto scalarType = RankedTensorType::get({}, f);
  auto clipped = n.createValue<ClipOp>(
      scalarType, *initial, b.getF64FloatAttr(0.0), b.getF64FloatAttr(255.0));
  if (failed(clipped))
    return failure();
  auto rounded = n.createValue<RoundOp>(scalarType, *clipped);
  if (failed(rounded))
    return failure();
  auto zp = n.castTo(
      *rounded, IntegerType::get(n.getContext(), 8, IntegerType::Unsigned));
  if (failed(zp))
    return failure();
  auto y = quantize(n, x, *scale, *zp, 1);
  if (failed(y))
    return failure();
  n.setOutput(0, *y);
  n.setOutput(1, *scale);
  n.setOutput(2, *zp);
  return success();
}

/// (x - zero_point) in int32; `channelAxis` aligns a per-channel zero point.
FailureOr<Value> widenAndCenter(NodeImporter &n, unsigned xIndex,
                                unsigned zpIndex, int64_t channelAxis) {
  auto i32 = n.getBuilder().getI32Type();
  auto x = n.castTo(n.getInput(xIndex), i32);
  if (failed(x) || !n.hasInput(zpIndex))
    return x;
  auto zp = n.castTo(n.getInput(zpIndex), i32);
  if (failed(zp))
    return failure();
  auto zpType = n.getInputType(zpIndex);
  int64_t rank = n.getInputType(xIndex).getRank();
  if (zpType.getNumElements() > 1 && channelAxis >= 0) {
    SmallVector<int64_t> shape(rank - channelAxis, 1);
    shape[0] = zpType.getNumElements();
    auto r = n.reshape(*zp, shape);
    if (failed(r))
      return failure();
    zp = *r;
  }
  return n.create<SubOp>(*x, *zp);
}

LogicalResult importMatMulInteger(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  int64_t aRank = n.getInputType(0).getRank();
  // A's zero point is per row (axis rank-2), B's per column (last axis).
  auto a = widenAndCenter(n, 0, 2, std::max<int64_t>(aRank - 2, 0));
  auto b = widenAndCenter(n, 1, 3, -1);
  if (failed(a) || failed(b))
    return failure();
  auto r = n.create<MatMulOp>(*a, *b);
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importConvInteger(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  auto g = readConvGeometry(n, 0, 1);
  if (failed(g))
    return failure();
  auto xc = widenAndCenter(n, 0, 2, -1);
  auto wc = widenAndCenter(n, 1, 3, 0);
  if (failed(xc) || failed(wc) || n.failed())
    return failure();
  return n.setResult(createConv(n, *xc, *wc, Value(), *g));
}

/// Axis along which a 1-d scale applies for the operand of rank `rank`.
int64_t scaleAxis(NodeImporter &n, unsigned scaleIndex, int64_t axis) {
  return n.getInputType(scaleIndex).getNumElements() > 1 ? axis : 0;
}

LogicalResult importQLinearMatMul(NodeImporter &n) {
  if (failed(n.requireInputs(8)))
    return failure();
  int64_t aRank = n.getInputType(0).getRank(),
          bRank = n.getInputType(3).getRank();
  auto a = dequantize(n, n.getInput(0), n.getInput(1), n.getInput(2),
                      scaleAxis(n, 1, std::max<int64_t>(aRank - 2, 0)));
  auto b = dequantize(n, n.getInput(3), n.getInput(4), n.getInput(5),
                      scaleAxis(n, 4, bRank - 1));
  if (failed(a) || failed(b))
    return failure();
  auto product = n.create<MatMulOp>(*a, *b);
  if (failed(product))
    return failure();
  auto rank = cast<RankedTensorType>(product->getType()).getRank();
  auto y = quantize(n, *product, n.getInput(6), n.getInput(7),
                    scaleAxis(n, 6, rank - 1));
  if (failed(y))
    return failure();
  n.setOutput(0, *y);
  return success();
}

LogicalResult importQLinearConv(NodeImporter &n) {
  if (failed(n.requireInputs(8)))
    return failure();
  auto g = readConvGeometry(n, 0, 3);
  if (failed(g))
    return failure();
  auto xf = dequantize(n, n.getInput(0), n.getInput(1), n.getInput(2), 1);
  auto wf = dequantize(n, n.getInput(3), n.getInput(4), n.getInput(5),
                       scaleAxis(n, 4, 0));
  if (failed(xf) || failed(wf))
    return failure();
  Value bias;
  if (n.hasInput(8)) {
    // The int32 bias is quantized with scale x_scale * w_scale.
    Type f = n.getInputType(1).getElementType();
    auto bf = n.castTo(n.getInput(8), f);
    auto bscale = n.create<MulOp>(n.getInput(1), n.getInput(4));
    if (failed(bf) || failed(bscale))
      return failure();
    auto scaled = n.create<MulOp>(*bf, *bscale);
    if (failed(scaled))
      return failure();
    bias = *scaled;
  }
  auto conv = createConv(n, *xf, *wf, bias, *g);
  if (failed(conv))
    return failure();
  auto y = quantize(n, *conv, n.getInput(6), n.getInput(7), 1);
  if (failed(y))
    return failure();
  n.setOutput(0, *y);
  return success();
}

/// Input `x` dequantized with per-tensor (scale, zero point) inputs; an
/// absent zero point is 0 of x's type.
FailureOr<Value> dequantizeInput(NodeImporter &n, unsigned x, unsigned scale,
                                 unsigned zp) {
  Value s = n.getInput(scale);
  auto z = zeroPoint(n, zp, s, n.getInputType(x).getElementType());
  if (failed(z))
    return failure();
  return dequantize(n, n.getInput(x), s, *z, 1);
}

/// `y` quantized with per-tensor (scale, zero point) inputs; an absent zero
/// point is 0 of `element`.
LogicalResult quantizeOutput(NodeImporter &n, FailureOr<Value> y,
                             unsigned scale, unsigned zp, Type element) {
  if (failed(y))
    return failure();
  Value s = n.getInput(scale);
  auto z = zeroPoint(n, zp, s, element);
  if (failed(z))
    return failure();
  auto r = quantize(n, *y, s, *z, 1);
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

/// com.microsoft QLinearAdd / QLinearMul: (A, A_scale, A_zp, B, B_scale,
/// B_zp, C_scale, C_zp), per-tensor parameters.
template <typename OpT> LogicalResult importQLinearBinary(NodeImporter &n) {
  if (failed(n.requireInputs(7)))
    return failure();
  auto a = dequantizeInput(n, 0, 1, 2);
  auto b = dequantizeInput(n, 3, 4, 5);
  if (failed(a) || failed(b))
    return failure();
  return quantizeOutput(n, n.create<OpT>(*a, *b), 6, 7,
                        n.getInputType(0).getElementType());
}

/// com.microsoft QLinearConcat: (Y_scale, Y_zp, X0, X0_scale, X0_zp, ...),
/// attribute axis.
LogicalResult importQLinearConcat(NodeImporter &n) {
  if (failed(n.requireInputs(5)))
    return failure();
  if ((n.getNumInputs() - 2) % 3 != 0)
    return n.emitError() << "expects (Y_scale, Y_zero_point) and triples "
                            "(X, X_scale, X_zero_point), got "
                         << n.getNumInputs() << " inputs";
  SmallVector<Value> parts;
  for (unsigned i = 2; i < n.getNumInputs(); i += 3) {
    auto x = dequantizeInput(n, i, i + 1, i + 2);
    if (failed(x))
      return failure();
    parts.push_back(*x);
  }
  int64_t rank = n.getInputType(2).getRank();
  if (failed(n.requireAttr("axis")))
    return failure();
  auto axis = n.normalizeAxis(n.getAttrInt("axis", 1), rank);
  if (failed(axis) || n.failed())
    return failure();
  return quantizeOutput(
      n, n.create<ConcatOp>(parts, n.getBuilder().getI64IntegerAttr(*axis)), 0,
      1, n.getInputType(2).getElementType());
}

/// com.microsoft QLinearGlobalAveragePool: (X, x_scale, x_zp, y_scale,
/// y_zp), NCHW (channels_last = 0) only.
LogicalResult importQLinearGlobalAveragePool(NodeImporter &n) {
  if (failed(n.requireInputs(4)))
    return failure();
  if (n.getAttrInt("channels_last", 0) != 0)
    return n.emitError() << "channels_last = 1 is not supported (NCHW only)";
  auto x = dequantizeInput(n, 0, 1, 2);
  if (failed(x))
    return failure();
  return quantizeOutput(n, n.create<GlobalAvgPoolOp>(*x), 3, 4,
                        n.getInputType(0).getElementType());
}

/// com.microsoft QLinearSigmoid / QLinearLeakyRelu (attribute alpha,
/// default 0.01): (X, X_scale, X_zp, Y_scale, Y_zp), per-tensor parameters.
template <typename OpT> LogicalResult importQLinearUnary(NodeImporter &n) {
  if (failed(n.requireInputs(4)))
    return failure();
  auto x = dequantizeInput(n, 0, 1, 2);
  if (failed(x))
    return failure();
  FailureOr<Value> y;
  if constexpr (std::is_same_v<OpT, LeakyReluOp>) {
    float alpha = n.getAttrFloat("alpha", 0.01f);
    if (n.failed())
      return failure();
    y = n.createValue<LeakyReluOp>(x->getType(), *x,
                                   n.getBuilder().getF32FloatAttr(alpha));
  } else {
    y = n.create<OpT>(*x);
  }
  return quantizeOutput(n, y, 3, 4, n.getInputType(0).getElementType());
}

/// com.microsoft QLinearAveragePool: (X, x_scale, x_zp, y_scale, y_zp),
/// AveragePool's attributes, NCHW (channels_last = 0) only.
LogicalResult importQLinearAveragePool(NodeImporter &n) {
  if (failed(n.requireInputs(4)) || failed(n.requireAttr("kernel_shape")))
    return failure();
  if (n.getAttrInt("channels_last", 0) != 0)
    return n.emitError() << "channels_last = 1 is not supported (NCHW only)";
  auto type = n.getInputType(0);
  if (type.getRank() < 3)
    return n.emitError() << "expects an input of rank >= 3, got rank "
                         << type.getRank();
  auto attrs = readWindowAttrs(n, type.getRank() - 2, {});
  if (failed(attrs) ||
      failed(resolveAutoPad(n, *attrs, type.getShape().drop_front(2))))
    return failure();
  bool ceilMode = n.getAttrInt("ceil_mode", 0) != 0;
  bool includePad = n.getAttrInt("count_include_pad", 0) != 0;
  if (n.failed())
    return failure();
  auto x = dequantizeInput(n, 0, 1, 2);
  if (failed(x))
    return failure();
  auto &b = n.getBuilder();
  return quantizeOutput(
      n,
      n.create<AvgPoolOp>(*x, b.getDenseI64ArrayAttr(attrs->kernel),
                          b.getDenseI64ArrayAttr(attrs->strides),
                          b.getDenseI64ArrayAttr(attrs->pads),
                          b.getDenseI64ArrayAttr(attrs->dilations),
                          b.getBoolAttr(ceilMode), b.getBoolAttr(includePad)),
      3, 4, type.getElementType());
}

} // namespace

void registerQuantizationOps(OpRegistry &r) {
  r.add("QuantizeLinear", importQuantize);
  r.add("DequantizeLinear", importDequantize);
  r.add("DynamicQuantizeLinear", importDynamicQuantize);
  r.add("MatMulInteger", importMatMulInteger);
  r.add("ConvInteger", importConvInteger);
  r.add("QLinearMatMul", importQLinearMatMul);
  r.add("QLinearConv", importQLinearConv);
  constexpr llvm::StringLiteral ms = "com.microsoft";
  r.add("QLinearAdd", importQLinearBinary<AddOp>, ms);
  r.add("QLinearMul", importQLinearBinary<MulOp>, ms);
  r.add("QLinearConcat", importQLinearConcat, ms);
  r.add("QLinearGlobalAveragePool", importQLinearGlobalAveragePool, ms);
  r.add("QLinearAveragePool", importQLinearAveragePool, ms);
  r.add("QLinearSigmoid", importQLinearUnary<SigmoidOp>, ms);
  r.add("QLinearLeakyRelu", importQLinearUnary<LeakyReluOp>, ms);
}

} // namespace npu::onnx_import
