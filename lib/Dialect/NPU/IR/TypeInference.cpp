//===- TypeInference.cpp - Result type inference of npu ops ---------------===//
//
// inferReturnTypes for every op whose result type follows from its operands
// and attributes. A failure emits a diagnostic at the op's location (when
// there is one) and never asserts: the importer calls these on user models.
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/ShapeUtils.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;
using namespace npu;

namespace {
RankedTensorType rankedType(Value v) {
  return v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
}

LogicalResult fail(std::optional<Location> loc, const Twine &message) {
  return emitOptionalError(loc, message);
}

template <typename T> std::string str(ArrayRef<T> values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i)
    s += (i ? ", " : "") + std::to_string(values[i]);
  return s + "]";
}

LogicalResult inferBroadcast(std::optional<Location> loc, ValueRange operands,
                             Type elementType, SmallVectorImpl<Type> &results) {
  Shape shape;
  for (Value v : operands) {
    auto t = rankedType(v);
    if (!t)
      return fail(loc, "expected ranked tensor operands");
    auto b = broadcastShapes(shape, t.getShape());
    if (!b)
      return fail(loc, "operand shapes do not broadcast: " +
                           str(ArrayRef<int64_t>(shape)) + " and " +
                           str(t.getShape()));
    shape = *b;
  }
  results.push_back(RankedTensorType::get(shape, elementType));
  return success();
}

// Checks the attributes shared by convolution and pooling ops and returns
// the spatial output sizes.
LogicalResult inferWindowed(std::optional<Location> loc, ArrayRef<int64_t> in,
                            ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                            ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads,
                            bool ceilMode, Shape &spatialOut) {
  size_t n = kernel.size();
  if (in.size() != n + 2)
    return fail(loc, "expected a rank-" + Twine(n + 2) + " input for a " +
                         Twine(n) + "-d window, got rank " + Twine(in.size()));
  if (strides.size() != n || dilations.size() != n || pads.size() != 2 * n)
    return fail(loc, "strides and dilations need " + Twine(n) +
                         " entries and pads " + Twine(2 * n));
  for (size_t i = 0; i < n; ++i) {
    if (kernel[i] < 1 || strides[i] < 1 || dilations[i] < 1)
      return fail(loc, "kernel sizes, strides and dilations must be positive");
    if (pads[i] < 0 || pads[n + i] < 0)
      return fail(loc, "pads must be non-negative");
    int64_t out =
        slidingOutputSize(in[i + 2], kernel[i], strides[i], dilations[i],
                          pads[i], pads[n + i], ceilMode);
    if (out < 1)
      return fail(loc, "window of size " + Twine(kernel[i]) + " (dilation " +
                           Twine(dilations[i]) +
                           ") does not fit spatial dimension " + Twine(i) +
                           " of size " + Twine(in[i + 2]) + " with its pads");
    spatialOut.push_back(out);
  }
  return success();
}

Type i64Tensor(MLIRContext *ctx, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, IntegerType::get(ctx, 64));
}

LogicalResult checkAxis(std::optional<Location> loc, int64_t axis, int64_t rank,
                        StringRef what = "axis") {
  if (axis < 0 || axis >= rank)
    return fail(loc, what + " " + Twine(axis) + " is out of range for rank " +
                         Twine(rank));
  return success();
}
} // namespace

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

#define NPU_BINARY_INFER(OP, BOOL_RESULT)                                      \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,          \
      SmallVectorImpl<Type> &results) {                                        \
    auto lhs = rankedType(adaptor.getLhs());                                   \
    if (!lhs)                                                                  \
      return fail(loc, "expected ranked tensor operands");                     \
    Type element =                                                             \
        BOOL_RESULT ? Type(IntegerType::get(ctx, 1)) : lhs.getElementType();   \
    return inferBroadcast(loc, {adaptor.getLhs(), adaptor.getRhs()}, element,  \
                          results);                                            \
  }

NPU_BINARY_INFER(AddOp, false)
NPU_BINARY_INFER(SubOp, false)
NPU_BINARY_INFER(MulOp, false)
NPU_BINARY_INFER(DivOp, false)
NPU_BINARY_INFER(PowOp, false)
NPU_BINARY_INFER(MaxOp, false)
NPU_BINARY_INFER(MinOp, false)
NPU_BINARY_INFER(ModOp, false)
NPU_BINARY_INFER(PReluOp, false)
NPU_BINARY_INFER(BitShiftOp, false)
NPU_BINARY_INFER(AndOp, true)
NPU_BINARY_INFER(OrOp, true)
NPU_BINARY_INFER(XorOp, true)
NPU_BINARY_INFER(EqualOp, true)
NPU_BINARY_INFER(LessOp, true)
NPU_BINARY_INFER(LessEqualOp, true)
NPU_BINARY_INFER(GreaterOp, true)
NPU_BINARY_INFER(GreaterEqualOp, true)
#undef NPU_BINARY_INFER

LogicalResult WhereOp::inferReturnTypes(MLIRContext *ctx,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &results) {
  auto x = rankedType(adaptor.getX());
  auto y = rankedType(adaptor.getY());
  if (!x || !y)
    return fail(loc, "expected ranked tensor operands");
  if (x.getElementType() != y.getElementType())
    return fail(loc, "x and y element types differ");
  return inferBroadcast(loc, adaptor.getOperands(), x.getElementType(),
                        results);
}

LogicalResult IsNaNOp::inferReturnTypes(MLIRContext *ctx,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &results) {
  auto t = rankedType(adaptor.getInput());
  if (!t)
    return fail(loc, "expected a ranked tensor");
  results.push_back(t.clone(IntegerType::get(ctx, 1)));
  return success();
}

LogicalResult IsInfOp::inferReturnTypes(MLIRContext *ctx,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &results) {
  auto t = rankedType(adaptor.getInput());
  if (!t)
    return fail(loc, "expected a ranked tensor");
  results.push_back(t.clone(IntegerType::get(ctx, 1)));
  return success();
}

//===----------------------------------------------------------------------===//
// Linear algebra, convolution, pooling
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  auto a = rankedType(adaptor.getLhs()), b = rankedType(adaptor.getRhs());
  if (!a || !b)
    return fail(loc, "expected ranked tensor operands");
  std::string error;
  auto shape = matmulShape(a.getShape(), b.getShape(), error);
  if (!shape)
    return fail(loc, "invalid matmul operands " + str(a.getShape()) + " x " +
                         str(b.getShape()) + ": " + error);
  results.push_back(RankedTensorType::get(*shape, a.getElementType()));
  return success();
}

LogicalResult GemmOp::inferReturnTypes(MLIRContext *ctx,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &results) {
  auto a = rankedType(adaptor.getA()), b = rankedType(adaptor.getB());
  if (!a || !b || a.getRank() != 2 || b.getRank() != 2)
    return fail(loc, "gemm operands A and B must be matrices");
  int64_t m = adaptor.getTransA() ? a.getDimSize(1) : a.getDimSize(0);
  int64_t k = adaptor.getTransA() ? a.getDimSize(0) : a.getDimSize(1);
  int64_t k2 = adaptor.getTransB() ? b.getDimSize(1) : b.getDimSize(0);
  int64_t n = adaptor.getTransB() ? b.getDimSize(0) : b.getDimSize(1);
  if (k != k2)
    return fail(loc, "gemm contracting dimensions differ: " + Twine(k) +
                         " vs " + Twine(k2));
  if (auto c = rankedType(adaptor.getC()))
    if (!broadcastsTo(c.getShape(), {m, n}))
      return fail(loc, "gemm C of shape " + str(c.getShape()) +
                           " does not broadcast to " + Twine(m) + "x" +
                           Twine(n));
  results.push_back(RankedTensorType::get({m, n}, a.getElementType()));
  return success();
}

LogicalResult ConvOp::inferReturnTypes(MLIRContext *ctx,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &results) {
  auto x = rankedType(adaptor.getInput()), w = rankedType(adaptor.getWeight());
  if (!x || !w)
    return fail(loc, "expected ranked tensor operands");
  int64_t group = adaptor.getGroup();
  if (x.getRank() < 3 || w.getRank() != x.getRank())
    return fail(loc, "input and weight must have the same rank >= 3");
  int64_t c = x.getDimSize(1), m = w.getDimSize(0);
  if (group < 1 || c % group != 0 || m % group != 0)
    return fail(loc, "group " + Twine(group) + " must divide input channels " +
                         Twine(c) + " and output channels " + Twine(m));
  auto perGroup = llvm::checkedMul<int64_t>(w.getDimSize(1), group);
  if (!perGroup || *perGroup != c)
    return fail(loc, "weight has " + Twine(w.getDimSize(1)) +
                         " input channels per group, expected " +
                         Twine(c / group));
  if (auto b = rankedType(adaptor.getBias()))
    if (b.getRank() != 1 || b.getDimSize(0) != m)
      return fail(loc, "bias must have " + Twine(m) + " elements");
  Shape spatial;
  if (failed(inferWindowed(loc, x.getShape(), w.getShape().drop_front(2),
                           adaptor.getStrides(), adaptor.getDilations(),
                           adaptor.getPads(), false, spatial)))
    return failure();
  Shape out{x.getDimSize(0), m};
  out.append(spatial.begin(), spatial.end());
  results.push_back(RankedTensorType::get(out, x.getElementType()));
  return success();
}

LogicalResult
ConvTransposeOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &results) {
  auto x = rankedType(adaptor.getInput()), w = rankedType(adaptor.getWeight());
  if (!x || !w)
    return fail(loc, "expected ranked tensor operands");
  int64_t group = adaptor.getGroup();
  if (x.getRank() < 3 || w.getRank() != x.getRank())
    return fail(loc, "input and weight must have the same rank >= 3");
  int64_t c = x.getDimSize(1);
  if (group < 1 || c % group != 0 || w.getDimSize(0) != c)
    return fail(loc, "weight must have " + Twine(c) +
                         " input channels, divisible by group " + Twine(group));
  auto outChannels = llvm::checkedMul<int64_t>(w.getDimSize(1), group);
  if (!outChannels)
    return fail(loc, "output channels " + Twine(w.getDimSize(1)) + " x group " +
                         Twine(group) + " overflow 64 bits");
  int64_t m = *outChannels;
  if (auto b = rankedType(adaptor.getBias()))
    if (b.getRank() != 1 || b.getDimSize(0) != m)
      return fail(loc, "bias must have " + Twine(m) + " elements");
  size_t n = x.getRank() - 2;
  auto strides = adaptor.getStrides(), dil = adaptor.getDilations(),
       pads = adaptor.getPads(), outPad = adaptor.getOutputPadding();
  if (strides.size() != n || dil.size() != n || pads.size() != 2 * n ||
      outPad.size() != n)
    return fail(loc, "strides, dilations and output_padding need " + Twine(n) +
                         " entries and pads " + Twine(2 * n));
  Shape out{x.getDimSize(0), m};
  for (size_t i = 0; i < n; ++i) {
    int64_t o = convTransposeOutputSize(x.getDimSize(i + 2),
                                        w.getDimSize(i + 2), strides[i], dil[i],
                                        pads[i], pads[n + i], outPad[i]);
    if (o < 1 || strides[i] < 1 || dil[i] < 1)
      return fail(loc, "invalid transposed convolution geometry in dimension " +
                           Twine(i));
    out.push_back(o);
  }
  results.push_back(RankedTensorType::get(out, x.getElementType()));
  return success();
}

template <typename Adaptor>
static LogicalResult inferPool(std::optional<Location> loc, Adaptor adaptor,
                               SmallVectorImpl<Type> &results) {
  auto x = rankedType(adaptor.getInput());
  if (!x)
    return fail(loc, "expected a ranked tensor");
  Shape spatial;
  if (failed(inferWindowed(loc, x.getShape(), adaptor.getKernelShape(),
                           adaptor.getStrides(), adaptor.getDilations(),
                           adaptor.getPads(), adaptor.getCeilMode(), spatial)))
    return failure();
  Shape out{x.getDimSize(0), x.getDimSize(1)};
  out.append(spatial.begin(), spatial.end());
  results.push_back(RankedTensorType::get(out, x.getElementType()));
  return success();
}

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *ctx,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &results) {
  return inferPool(loc, adaptor, results);
}

LogicalResult MaxPoolWithIndicesOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  if (failed(inferPool(loc, adaptor, results)))
    return failure();
  results.push_back(
      i64Tensor(ctx, cast<RankedTensorType>(results[0]).getShape()));
  return success();
}

LogicalResult AvgPoolOp::inferReturnTypes(MLIRContext *ctx,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &results) {
  return inferPool(loc, adaptor, results);
}

static LogicalResult inferGlobalPool(std::optional<Location> loc, Value input,
                                     SmallVectorImpl<Type> &results) {
  auto x = rankedType(input);
  if (!x || x.getRank() < 3)
    return fail(loc, "expected an input of rank >= 3");
  Shape out(x.getShape());
  for (size_t i = 2; i < out.size(); ++i)
    out[i] = 1;
  results.push_back(RankedTensorType::get(out, x.getElementType()));
  return success();
}

LogicalResult
GlobalAvgPoolOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &results) {
  return inferGlobalPool(loc, adaptor.getInput(), results);
}

LogicalResult
GlobalMaxPoolOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &results) {
  return inferGlobalPool(loc, adaptor.getInput(), results);
}

//===----------------------------------------------------------------------===//
// Normalisation
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *ctx,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  auto x = rankedType(adaptor.getInput());
  if (!x || x.getRank() < 2)
    return fail(loc, "expected an input of rank >= 2");
  results.push_back(x);
  return success();
}

LogicalResult InstanceNormOp::inferReturnTypes(MLIRContext *ctx,
                                               std::optional<Location> loc,
                                               Adaptor adaptor,
                                               SmallVectorImpl<Type> &results) {
  auto x = rankedType(adaptor.getInput());
  if (!x || x.getRank() < 3)
    return fail(loc, "expected an input of rank >= 3");
  for (Value v : {adaptor.getScale(), adaptor.getBias()}) {
    auto t = rankedType(v);
    if (!t || t.getRank() != 1 || t.getDimSize(0) != x.getDimSize(1))
      return fail(loc, "scale and bias must have one element per channel (" +
                           Twine(x.getDimSize(1)) + ")");
  }
  results.push_back(x);
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

#define NPU_REDUCE_INFER(OP)                                                   \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,          \
      SmallVectorImpl<Type> &results) {                                        \
    auto x = rankedType(adaptor.getInput());                                   \
    if (!x)                                                                    \
      return fail(loc, "expected a ranked tensor");                            \
    auto axes = adaptor.getAxes();                                             \
    for (size_t i = 0; i < axes.size(); ++i)                                   \
      if (axes[i] < 0 || axes[i] >= x.getRank() ||                             \
          (i && axes[i] <= axes[i - 1]))                                       \
        return fail(loc, "axes " + str(axes) +                                 \
                             " must be increasing and within rank " +          \
                             Twine(x.getRank()));                              \
    results.push_back(RankedTensorType::get(                                   \
        reducedShape(x.getShape(), axes, adaptor.getKeepdims()),               \
        x.getElementType()));                                                  \
    return success();                                                          \
  }

NPU_REDUCE_INFER(ReduceMeanOp)
NPU_REDUCE_INFER(ReduceSumOp)
NPU_REDUCE_INFER(ReduceMaxOp)
NPU_REDUCE_INFER(ReduceMinOp)
NPU_REDUCE_INFER(ReduceProdOp)
NPU_REDUCE_INFER(ReduceL1Op)
NPU_REDUCE_INFER(ReduceL2Op)
NPU_REDUCE_INFER(ReduceSumSquareOp)
NPU_REDUCE_INFER(ReduceLogSumOp)
NPU_REDUCE_INFER(ReduceLogSumExpOp)
#undef NPU_REDUCE_INFER

template <typename Adaptor>
static LogicalResult inferArg(MLIRContext *ctx, std::optional<Location> loc,
                              Adaptor adaptor, SmallVectorImpl<Type> &results) {
  auto x = rankedType(adaptor.getInput());
  if (!x)
    return fail(loc, "expected a ranked tensor");
  int64_t axis = adaptor.getAxis();
  if (failed(checkAxis(loc, axis, x.getRank())))
    return failure();
  results.push_back(i64Tensor(
      ctx, reducedShape(x.getShape(), {axis}, adaptor.getKeepdims())));
  return success();
}

LogicalResult ArgMaxOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  return inferArg(ctx, loc, adaptor, results);
}

LogicalResult ArgMinOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  return inferArg(ctx, loc, adaptor, results);
}

LogicalResult TopKOp::inferReturnTypes(MLIRContext *ctx,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &results) {
  auto x = rankedType(adaptor.getInput());
  if (!x)
    return fail(loc, "expected a ranked tensor");
  int64_t axis = adaptor.getAxis(), k = adaptor.getK();
  if (failed(checkAxis(loc, axis, x.getRank())))
    return failure();
  if (k < 0 || k > x.getDimSize(axis))
    return fail(loc, "k = " + Twine(k) + " exceeds dimension size " +
                         Twine(x.getDimSize(axis)));
  Shape out(x.getShape());
  out[axis] = k;
  results.push_back(RankedTensorType::get(out, x.getElementType()));
  results.push_back(i64Tensor(ctx, out));
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *ctx,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  auto x = rankedType(adaptor.getInput());
  if (!x)
    return fail(loc, "expected a ranked tensor");
  auto perm = adaptor.getPerm();
  if (static_cast<int64_t>(perm.size()) != x.getRank())
    return fail(loc, "perm " + str(perm) + " does not match rank " +
                         Twine(x.getRank()));
  llvm::SmallVector<bool> seen(perm.size(), false);
  Shape out;
  for (int64_t p : perm) {
    if (p < 0 || p >= x.getRank() || seen[p])
      return fail(loc, "perm " + str(perm) + " is not a permutation");
    seen[p] = true;
    out.push_back(x.getDimSize(p));
  }
  results.push_back(RankedTensorType::get(out, x.getElementType()));
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  auto inputs = adaptor.getInputs();
  if (inputs.empty())
    return fail(loc, "concat needs at least one input");
  auto first = rankedType(inputs.front());
  if (!first)
    return fail(loc, "expected ranked tensor operands");
  int64_t axis = adaptor.getAxis();
  if (failed(checkAxis(loc, axis, first.getRank())))
    return failure();
  Shape out(first.getShape());
  out[axis] = 0;
  for (Value v : inputs) {
    auto t = rankedType(v);
    if (!t || t.getRank() != first.getRank() ||
        t.getElementType() != first.getElementType())
      return fail(loc,
                  "concat inputs must have the same rank and element type");
    for (int64_t d = 0; d < t.getRank(); ++d)
      if (d != axis && t.getDimSize(d) != first.getDimSize(d))
        return fail(loc, "concat inputs differ in dimension " + Twine(d) +
                             ": " + str(first.getShape()) + " vs " +
                             str(t.getShape()));
    auto sum = llvm::checkedAdd<int64_t>(out[axis], t.getDimSize(axis));
    if (!sum)
      return fail(loc, "concatenated dimension " + Twine(axis) +
                           " overflows 64 bits");
    out[axis] = *sum;
  }
  results.push_back(RankedTensorType::get(out, first.getElementType()));
  return success();
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *ctx,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &results) {
  auto x = rankedType(adaptor.getInput());
  if (!x)
    return fail(loc, "expected a ranked tensor");
  auto pads = adaptor.getPads();
  int64_t r = x.getRank();
  if (static_cast<int64_t>(pads.size()) != 2 * r)
    return fail(loc, "pads needs " + Twine(2 * r) + " entries, got " +
                         Twine(pads.size()));
  Shape out;
  for (int64_t i = 0; i < r; ++i) {
    auto padded = llvm::checkedAdd<int64_t>(x.getDimSize(i), pads[i]);
    if (padded)
      padded = llvm::checkedAdd<int64_t>(*padded, pads[r + i]);
    if (!padded)
      return fail(loc, "padded dimension " + Twine(i) + " overflows 64 bits");
    int64_t d = *padded;
    if (d < 0)
      return fail(loc,
                  "negative pads crop dimension " + Twine(i) + " below zero");
    if (adaptor.getMode() == PadMode::reflect &&
        (pads[i] >= x.getDimSize(i) || pads[r + i] >= x.getDimSize(i)) &&
        (pads[i] > 0 || pads[r + i] > 0))
      return fail(loc, "reflect padding of dimension " + Twine(i) +
                           " must be smaller than its size " +
                           Twine(x.getDimSize(i)));
    if (adaptor.getMode() != PadMode::constant && x.getDimSize(i) == 0 &&
        (pads[i] > 0 || pads[r + i] > 0))
      return fail(loc, "cannot pad an empty dimension except with a constant");
    out.push_back(d);
  }
  results.push_back(RankedTensorType::get(out, x.getElementType()));
  return success();
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  auto data = rankedType(adaptor.getData());
  auto idx = rankedType(adaptor.getIndices());
  if (!data || !idx)
    return fail(loc, "expected ranked tensor operands");
  int64_t axis = adaptor.getAxis();
  if (failed(checkAxis(loc, axis, data.getRank())))
    return failure();
  Shape out(data.getShape().take_front(axis));
  out.append(idx.getShape().begin(), idx.getShape().end());
  auto rest = data.getShape().drop_front(axis + 1);
  out.append(rest.begin(), rest.end());
  results.push_back(RankedTensorType::get(out, data.getElementType()));
  return success();
}

LogicalResult
GatherElementsOp::inferReturnTypes(MLIRContext *ctx,
                                   std::optional<Location> loc, Adaptor adaptor,
                                   SmallVectorImpl<Type> &results) {
  auto data = rankedType(adaptor.getData());
  auto idx = rankedType(adaptor.getIndices());
  if (!data || !idx || data.getRank() != idx.getRank())
    return fail(loc, "data and indices must have the same rank");
  if (failed(checkAxis(loc, adaptor.getAxis(), data.getRank())))
    return failure();
  results.push_back(
      RankedTensorType::get(idx.getShape(), data.getElementType()));
  return success();
}

LogicalResult GatherNDOp::inferReturnTypes(MLIRContext *ctx,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &results) {
  auto data = rankedType(adaptor.getData());
  auto idx = rankedType(adaptor.getIndices());
  if (!data || !idx || idx.getRank() < 1)
    return fail(loc, "expected ranked operands, indices of rank >= 1");
  int64_t b = adaptor.getBatchDims();
  int64_t k = idx.getShape().back();
  if (b < 0 || b >= std::min(data.getRank(), idx.getRank()) || k < 1 ||
      b + k > data.getRank())
    return fail(loc, "invalid batch_dims " + Twine(b) + " or index depth " +
                         Twine(k) + " for data of rank " +
                         Twine(data.getRank()));
  for (int64_t i = 0; i < b; ++i)
    if (data.getDimSize(i) != idx.getDimSize(i))
      return fail(loc, "batch dimensions of data and indices differ");
  Shape out(idx.getShape().drop_back());
  auto rest = data.getShape().drop_front(b + k);
  out.append(rest.begin(), rest.end());
  results.push_back(RankedTensorType::get(out, data.getElementType()));
  return success();
}

LogicalResult ScatterElementsOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  auto data = rankedType(adaptor.getData());
  auto idx = rankedType(adaptor.getIndices());
  auto upd = rankedType(adaptor.getUpdates());
  if (!data || !idx || !upd || idx.getShape() != upd.getShape() ||
      idx.getRank() != data.getRank())
    return fail(loc, "indices and updates must have the same shape and the "
                     "rank of data");
  if (failed(checkAxis(loc, adaptor.getAxis(), data.getRank())))
    return failure();
  results.push_back(data);
  return success();
}

LogicalResult ScatterNDOp::inferReturnTypes(MLIRContext *ctx,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  auto data = rankedType(adaptor.getData());
  auto idx = rankedType(adaptor.getIndices());
  auto upd = rankedType(adaptor.getUpdates());
  if (!data || !idx || !upd || idx.getRank() < 1)
    return fail(loc, "expected ranked operands, indices of rank >= 1");
  int64_t k = idx.getShape().back();
  if (k < 1 || k > data.getRank())
    return fail(loc, "index depth " + Twine(k) + " exceeds data rank");
  Shape expected(idx.getShape().drop_back());
  auto rest = data.getShape().drop_front(k);
  expected.append(rest.begin(), rest.end());
  if (upd.getShape() != ArrayRef<int64_t>(expected))
    return fail(loc,
                "updates must have shape " + str(ArrayRef<int64_t>(expected)));
  results.push_back(data);
  return success();
}

LogicalResult DepthToSpaceOp::inferReturnTypes(MLIRContext *ctx,
                                               std::optional<Location> loc,
                                               Adaptor adaptor,
                                               SmallVectorImpl<Type> &results) {
  auto x = rankedType(adaptor.getInput());
  int64_t b = adaptor.getBlocksize();
  if (!x || x.getRank() != 4)
    return fail(loc, "expected a rank-4 input");
  auto b2 = llvm::checkedMul<int64_t>(b, b);
  auto h = llvm::checkedMul<int64_t>(x.getDimSize(2), b);
  auto w = llvm::checkedMul<int64_t>(x.getDimSize(3), b);
  if (b < 1 || !b2 || !h || !w)
    return fail(loc, "blocksize " + Twine(b) + " is out of range");
  if (x.getDimSize(1) % *b2 != 0)
    return fail(loc, "channels " + Twine(x.getDimSize(1)) +
                         " are not divisible by blocksize^2 = " + Twine(*b2));
  results.push_back(RankedTensorType::get(
      {x.getDimSize(0), x.getDimSize(1) / *b2, *h, *w}, x.getElementType()));
  return success();
}

LogicalResult SpaceToDepthOp::inferReturnTypes(MLIRContext *ctx,
                                               std::optional<Location> loc,
                                               Adaptor adaptor,
                                               SmallVectorImpl<Type> &results) {
  auto x = rankedType(adaptor.getInput());
  int64_t b = adaptor.getBlocksize();
  if (!x || x.getRank() != 4)
    return fail(loc, "expected a rank-4 input");
  if (b < 1 || x.getDimSize(2) % b != 0 || x.getDimSize(3) % b != 0)
    return fail(loc,
                "spatial sizes are not divisible by blocksize " + Twine(b));
  auto c = llvm::checkedMul<int64_t>(x.getDimSize(1), b);
  if (c)
    c = llvm::checkedMul<int64_t>(*c, b);
  if (!c)
    return fail(loc, "blocksize " + Twine(b) + " is out of range");
  results.push_back(RankedTensorType::get(
      {x.getDimSize(0), *c, x.getDimSize(2) / b, x.getDimSize(3) / b},
      x.getElementType()));
  return success();
}

LogicalResult OneHotOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  auto idx = rankedType(adaptor.getIndices());
  auto values = rankedType(adaptor.getValues());
  if (!idx || !values || values.getNumElements() != 2)
    return fail(loc, "values must hold exactly [off, on]");
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis > idx.getRank())
    return fail(loc, "axis " + Twine(axis) + " is out of range");
  if (static_cast<int64_t>(adaptor.getDepth()) < 1)
    return fail(loc, "depth must be positive");
  Shape out(idx.getShape());
  out.insert(out.begin() + axis, adaptor.getDepth());
  results.push_back(RankedTensorType::get(out, values.getElementType()));
  return success();
}

LogicalResult ShapeOp::inferReturnTypes(MLIRContext *ctx,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &results) {
  auto x = rankedType(adaptor.getInput());
  if (!x)
    return fail(loc, "expected a ranked tensor");
  std::optional<int64_t> end;
  if (adaptor.getEnd())
    end = static_cast<int64_t>(*adaptor.getEnd());
  auto [start, stop] = shapeOpRange(x.getRank(), adaptor.getStart(), end);
  results.push_back(i64Tensor(ctx, {stop - start}));
  return success();
}

LogicalResult SizeOp::inferReturnTypes(MLIRContext *ctx,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &results) {
  results.push_back(i64Tensor(ctx, {}));
  return success();
}
