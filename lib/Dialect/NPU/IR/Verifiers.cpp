//===- Verifiers.cpp - Invariants of npu ops ------------------------------===//
//
// Verifiers for the ops whose result type is given rather than inferred, and
// for invariants type inference does not cover.
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/ScalarAttr.h"
#include "npu/Dialect/NPU/IR/ShapeUtils.h"
#include "npu/Kernels/Recurrent.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace npu;

static RankedTensorType rankedType(Value v) {
  return v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
}

static std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s.empty() ? "scalar" : s;
}

LogicalResult IfOp::verify() {
  if (rankedType(getCondition()).getNumElements() != 1)
    return emitOpError("condition must have exactly one element");
  for (Region *region : {&getThenRegion(), &getElseRegion()}) {
    auto yield = dyn_cast<YieldOp>(region->front().getTerminator());
    if (!yield)
      return emitOpError("regions must end in npu.yield");
    if (yield.getOperandTypes() != getResultTypes())
      return emitOpError("branch yields ")
             << yield.getOperandTypes() << " but the op returns "
             << getResultTypes();
  }
  return success();
}

LogicalResult ClipOp::verify() {
  Type element = getElementTypeOrSelf(getInput().getType());
  if (failed(verifyScalarAttr(*this, "min", getMinAttr(), element)) ||
      failed(verifyScalarAttr(*this, "max", getMaxAttr(), element)))
    return failure();
  std::optional<int> order = compareScalarAttrs(getMinAttr(), getMaxAttr());
  if (order && *order > 0)
    return emitOpError("min ")
           << scalarAttrToString(getMinAttr()) << " is greater than max "
           << scalarAttrToString(getMaxAttr());
  return success();
}

LogicalResult PadOp::verify() {
  return verifyScalarAttr(*this, "value", getValueAttr(),
                          getElementTypeOrSelf(getInput().getType()));
}

bool CastOp::isHalfSingleConversion() {
  auto halfOrSingle = [](Value v) {
    Type e = rankedType(v).getElementType();
    return e.isF16() || e.isF32();
  };
  return halfOrSingle(getInput()) && halfOrSingle(getOutput());
}

LogicalResult CastOp::verify() {
  if (rankedType(getInput()).getShape() != rankedType(getOutput()).getShape())
    return emitOpError("cast must keep the shape");
  return success();
}

LogicalResult BatchNormOp::verify() {
  int64_t c = rankedType(getInput()).getDimSize(1);
  for (Value v : {getScale(), getBias(), getMean(), getVariance()}) {
    auto t = rankedType(v);
    if (t.getRank() != 1 || t.getDimSize(0) != c)
      return emitOpError("scale, bias, mean and variance must have ")
             << c << " elements (one per channel)";
  }
  return success();
}

LogicalResult LayerNormOp::verify() {
  auto x = rankedType(getInput());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= x.getRank())
    return emitOpError("axis ") << axis << " is out of range";
  auto normalized = x.getShape().drop_front(axis);
  for (Value v : {getScale(), getBias()})
    if (v && !broadcastsTo(rankedType(v).getShape(), normalized))
      return emitOpError("scale and bias must broadcast to ")
             << shapeStr(normalized);
  if (getOutput().getType() != x)
    return emitOpError("output must have the input's type");
  Shape stats(x.getShape().take_front(axis));
  stats.append(x.getRank() - axis, 1);
  for (Value v : {getMean(), getInvStdDev()})
    if (v && rankedType(v).getShape() != ArrayRef<int64_t>(stats))
      return emitOpError("mean and inv_std_dev must have shape ")
             << shapeStr(stats);
  return success();
}

LogicalResult MVNOp::verify() {
  auto x = rankedType(getInput());
  if (!isa<FloatType>(x.getElementType()))
    return emitOpError("expected a float tensor");
  int64_t rank = x.getRank();
  ArrayRef<int64_t> axes = getAxes();
  for (size_t i = 0; i < axes.size(); ++i)
    if (axes[i] < 0 || axes[i] >= rank || (i && axes[i] <= axes[i - 1]))
      return emitOpError("axes must be sorted, distinct and in [0, ")
             << rank << ")";
  if (!(getEpsilon().convertToDouble() >= 0))
    return emitOpError("epsilon must be non-negative");
  return success();
}

template <typename Op> static LogicalResult verifyAxisOp(Op op) {
  int64_t rank = rankedType(op.getInput()).getRank();
  // I64Attr getters return uint64_t; negative axes must not wrap around.
  int64_t axis = static_cast<int64_t>(op.getAxis());
  if (axis < 0 || axis >= rank)
    return op.emitOpError("axis ")
           << axis << " is out of range for rank " << rank;
  return success();
}
LogicalResult SoftmaxOp::verify() { return verifyAxisOp(*this); }
LogicalResult LogSoftmaxOp::verify() { return verifyAxisOp(*this); }
LogicalResult HardmaxOp::verify() { return verifyAxisOp(*this); }
LogicalResult CumSumOp::verify() { return verifyAxisOp(*this); }

LogicalResult ReshapeOp::verify() {
  auto in = rankedType(getInput()), out = rankedType(getOutput());
  if (in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ")
           << shapeStr(in.getShape()) << " (" << in.getNumElements()
           << " elements) to " << shapeStr(out.getShape()) << " ("
           << out.getNumElements() << " elements)";
  if (in.getElementType() != out.getElementType())
    return emitOpError("reshape must keep the element type");
  return success();
}

LogicalResult SplitOp::verify() {
  auto in = rankedType(getInput());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= in.getRank())
    return emitOpError("axis ") << axis << " is out of range";
  int64_t total = 0;
  for (Value v : getOutputs()) {
    auto t = rankedType(v);
    if (t.getRank() != in.getRank() ||
        t.getElementType() != in.getElementType())
      return emitOpError("every part must have the input's rank and type");
    for (int64_t d = 0; d < in.getRank(); ++d)
      if (d != axis && t.getDimSize(d) != in.getDimSize(d))
        return emitOpError("parts must match the input outside the axis");
    total += t.getDimSize(axis);
  }
  if (total != in.getDimSize(axis))
    return emitOpError("parts add up to ")
           << total << " along axis " << axis << ", the input has "
           << in.getDimSize(axis);
  return success();
}

LogicalResult SliceOp::verify() {
  auto in = rankedType(getInput()), out = rankedType(getOutput());
  auto starts = getStarts(), steps = getSteps();
  if (static_cast<int64_t>(starts.size()) != in.getRank() ||
      static_cast<int64_t>(steps.size()) != in.getRank() ||
      out.getRank() != in.getRank())
    return emitOpError("starts, steps and the result need one entry per "
                       "input dimension");
  for (int64_t d = 0; d < in.getRank(); ++d) {
    int64_t n = out.getDimSize(d);
    if (steps[d] == 0)
      return emitOpError("step of dimension ") << d << " is zero";
    if (n == 0)
      continue;
    int64_t last = starts[d] + (n - 1) * steps[d];
    if (starts[d] < 0 || starts[d] >= in.getDimSize(d) || last < 0 ||
        last >= in.getDimSize(d))
      return emitOpError("slice of dimension ")
             << d << " reads indices " << starts[d] << " to " << last
             << " of a dimension of size " << in.getDimSize(d);
  }
  if (in.getElementType() != out.getElementType())
    return emitOpError("slice must keep the element type");
  return success();
}

LogicalResult ExpandOp::verify() {
  auto in = rankedType(getInput()), out = rankedType(getOutput());
  if (!broadcastsTo(in.getShape(), out.getShape()))
    return emitOpError("cannot broadcast ")
           << shapeStr(in.getShape()) << " to " << shapeStr(out.getShape());
  if (in.getElementType() != out.getElementType())
    return emitOpError("expand must keep the element type");
  return success();
}

LogicalResult TileOp::verify() {
  auto in = rankedType(getInput()), out = rankedType(getOutput());
  if (in.getRank() != out.getRank())
    return emitOpError("tile must keep the rank");
  for (int64_t d = 0; d < in.getRank(); ++d) {
    int64_t i = in.getDimSize(d), o = out.getDimSize(d);
    if ((i == 0 && o != 0) || (i != 0 && o % i != 0))
      return emitOpError("result dimension ")
             << d << " (" << o << ") is not a multiple of " << i;
  }
  if (in.getElementType() != out.getElementType())
    return emitOpError("tile must keep the element type");
  return success();
}

LogicalResult ResizeOp::verify() {
  auto in = rankedType(getInput()), out = rankedType(getOutput());
  if (in.getRank() != out.getRank())
    return emitOpError("resize must keep the rank");
  auto scales = getScales();
  auto ratios = getScaleRatios();
  if (scales.has_value() == ratios.has_value())
    return emitOpError("needs either scales or scale_ratios");
  if (scales && static_cast<int64_t>(scales->size()) != in.getRank())
    return emitOpError("scales needs one entry per dimension");
  if (ratios && static_cast<int64_t>(ratios->size()) != 2 * in.getRank())
    return emitOpError("scale_ratios needs ")
           << 2 * in.getRank() << " entries (numerators, then denominators)";
  for (float s : scales.value_or(ArrayRef<float>()))
    if (!(s > 0))
      return emitOpError("scales must be positive");
  for (int64_t r : ratios.value_or(ArrayRef<int64_t>()))
    if (r <= 0)
      return emitOpError("scale_ratios must be positive");
  if (getCoordinateTransformationMode() ==
          CoordinateTransformMode::tf_crop_and_resize &&
      (!getRoi() || static_cast<int64_t>(getRoi()->size()) != 2 * in.getRank()))
    return emitOpError("tf_crop_and_resize needs a roi of ")
           << 2 * in.getRank() << " entries";
  if (in.getElementType() != out.getElementType())
    return emitOpError("resize must keep the element type");
  return success();
}

LogicalResult EinsumOp::verify() {
  std::string error;
  auto spec = parseEinsum(getEquation(), getInputs().size(), error);
  if (!spec)
    return emitOpError("invalid equation '") << getEquation() << "': " << error;
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : getInputs())
    shapes.push_back(rankedType(v).getShape());
  auto shape = einsumShape(*spec, shapes, error);
  if (!shape)
    return emitOpError("equation '") << getEquation() << "': " << error;
  if (rankedType(getOutput()).getShape() != ArrayRef<int64_t>(*shape))
    return emitOpError("result shape should be ")
           << shapeStr(*shape) << " for equation '" << getEquation() << "'";
  return success();
}

template <typename Op> static LogicalResult verifyQuantParams(Op op) {
  auto in = rankedType(op.getInput());
  auto scale = rankedType(op.getScale()), zp = rankedType(op.getZeroPoint());
  if (scale.getShape() != zp.getShape())
    return op.emitOpError("scale and zero_point must have the same shape");
  if (scale.getRank() > 1)
    return op.emitOpError("scale must be a scalar or 1-d");
  if (scale.getRank() == 1 && scale.getNumElements() != 1) {
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0 || axis >= in.getRank() ||
        in.getDimSize(axis) != scale.getDimSize(0))
      return op.emitOpError("per-axis scale of ")
             << scale.getDimSize(0) << " elements does not match axis " << axis;
  }
  if (in.getShape() != rankedType(op.getOutput()).getShape())
    return op.emitOpError("must keep the shape");
  return success();
}

LogicalResult QuantizeLinearOp::verify() {
  if (failed(verifyQuantParams(*this)))
    return failure();
  if (getElementTypeOrSelf(getOutput()) != getElementTypeOrSelf(getZeroPoint()))
    return emitOpError("result element type must be the zero point's");
  return success();
}

LogicalResult DequantizeLinearOp::verify() {
  if (failed(verifyQuantParams(*this)))
    return failure();
  if (getElementTypeOrSelf(getOutput()) != getElementTypeOrSelf(getScale()))
    return emitOpError("result element type must be the scale's");
  return success();
}

//===----------------------------------------------------------------------===//
// Recurrent layers
//===----------------------------------------------------------------------===//

/// Shapes, element types and attributes shared by npu.rnn, npu.gru and
/// npu.lstm (`initialC`, `p` and `yC` are null for RNN and GRU).
template <typename OpT>
static LogicalResult verifyRecurrent(OpT op, kernels::RnnCell cell,
                                     Value initialC, Value p, Value yC) {
  auto x = rankedType(op.getX());
  if (x.getRank() != 3 || !isa<FloatType>(x.getElementType()))
    return op.emitOpError("x must be a 3-d float tensor [seq_length, "
                          "batch_size, input_size], got ")
           << x;
  int64_t h = op.getHiddenSize();
  if (h <= 0)
    return op.emitOpError("hidden_size must be positive, got ") << h;
  int64_t dirs = op.getDirection() == RNNDirection::bidirectional ? 2 : 1;
  int64_t gates = kernels::rnnGates(cell);
  int64_t seq = x.getDimSize(0), batch = x.getDimSize(1), in = x.getDimSize(2);
  struct Expected {
    Value value;
    const char *name;
    Shape shape;
    std::string meaning;
  };
  std::string g = std::to_string(gates) + "*hidden_size";
  std::string state = "[num_directions, batch_size, hidden_size]";
  Expected expected[] = {
      {op.getW(),
       "W",
       {dirs, gates * h, in},
       "[num_directions, " + g + ", input_size]"},
      {op.getR(),
       "R",
       {dirs, gates * h, h},
       "[num_directions, " + g + ", hidden_size]"},
      {op.getB(), "B", {dirs, 2 * gates * h}, "[num_directions, 2*" + g + "]"},
      {op.getInitialH(), "initial_h", {dirs, batch, h}, state},
      {initialC, "initial_c", {dirs, batch, h}, state},
      {p, "P", {dirs, 3 * h}, "[num_directions, 3*hidden_size]"},
      {op.getY(),
       "y",
       {seq, dirs, batch, h},
       "[seq_length, num_directions, batch_size, hidden_size]"},
      {op.getYH(), "y_h", {dirs, batch, h}, state},
      {yC, "y_c", {dirs, batch, h}, state},
  };
  for (const Expected &e : expected) {
    if (!e.value)
      continue;
    auto t = rankedType(e.value);
    if (t.getShape() != ArrayRef<int64_t>(e.shape))
      return op.emitOpError()
             << e.name << " must have shape " << shapeStr(e.shape) << " "
             << e.meaning << ", got " << shapeStr(t.getShape());
    if (t.getElementType() != x.getElementType())
      return op.emitOpError()
             << e.name << " must have x's element type " << x.getElementType()
             << ", got " << t.getElementType();
  }
  if (Value lens = op.getSequenceLens();
      lens && rankedType(lens).getShape() != ArrayRef<int64_t>{batch})
    return op.emitOpError("sequence_lens must have shape ")
           << batch << " [batch_size], got "
           << shapeStr(rankedType(lens).getShape());
  size_t count = size_t(dirs * kernels::rnnActivationsPerDirection(cell));
  ArrayAttr activations = op.getActivations();
  if (activations.size() != count)
    return op.emitOpError("expects ")
           << count << " activation(s) (" << dirs << " direction(s)), got "
           << activations.size();
  if (op.getActivationAlpha().size() != count ||
      op.getActivationBeta().size() != count)
    return op.emitOpError(
        "activation_alpha and activation_beta must have one value per "
        "activation");
  for (Attribute a : activations) {
    StringRef name = cast<StringAttr>(a).getValue();
    const kernels::RnnActivationInfo *info =
        kernels::findRnnActivation(std::string_view(name.data(), name.size()));
    if (!info || name != info->name)
      return op.emitOpError("unknown activation '")
             << name
             << "' (expected Relu, Tanh, Sigmoid, Affine, LeakyRelu, "
                "ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign or "
                "Softplus)";
  }
  if (auto clip = op.getClip(); clip && !(clip->convertToFloat() > 0.0f))
    return op.emitOpError("clip must be positive, got ")
           << clip->convertToFloat();
  return success();
}

LogicalResult RNNOp::verify() {
  return verifyRecurrent(*this, kernels::RnnCell::Rnn, Value(), Value(),
                         Value());
}

LogicalResult GRUOp::verify() {
  return verifyRecurrent(*this, kernels::RnnCell::Gru, Value(), Value(),
                         Value());
}

LogicalResult LSTMOp::verify() {
  return verifyRecurrent(*this, kernels::RnnCell::Lstm, getInitialC(), getP(),
                         getYC());
}
