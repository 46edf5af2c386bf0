//===- DecomposeBandedSums.cpp - LRN and CumSum as 0/1 matrix products ----===//
//
// LRN sums squares over a window of neighbouring channels and CumSum sums a
// running prefix of one axis: each is a product with a constant matrix of
// zeros and ones (a band, a triangle), which the DPU computes as a
// convolution or a matmul in fp32 accumulators, with the elementwise rest
// on SHAVE.
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/IR/TensorKeys.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

#include <cmath>

namespace npu {
#define GEN_PASS_DEF_NPUDECOMPOSEBANDEDSUMS
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace {

/// The longest axis a CumSum is decomposed along: its [L, L] matrix takes
/// L^2 weights (2 MiB in fp16 at 1024).
constexpr int64_t kMaxCumSumLength = 1024;

RankedTensorType floatTensorOf(Operation *op) {
  auto t = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  // Float tensors only; a pre-quantized model's op keeps its parameters.
  if (!t || !t.hasStaticShape() || !isa<FloatType>(t.getElementType()) ||
      op->hasAttr(kQuantAttr))
    return {};
  return t;
}

Value constant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
               ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return ConstantOp::create(b, loc, DenseElementsAttr::get(type, values));
}

/// y = x * (bias + alpha / size * s)^-beta, s the sum of squares over the
/// channels [c - floor((size - 1) / 2), c + ceil((size - 1) / 2)]:
/// x scaled by sqrt(alpha / size) and squared (so that the squares of
/// activations in the hundreds do not overflow fp16), then a 1x1
/// convolution with 0/1 band weights and the bias, a power and a product.
void decomposeLrn(LRNOp op) {
  RankedTensorType type = floatTensorOf(op);
  if (!type || type.getRank() < 2 || type.getNumElements() == 0)
    return;
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto named = [&](StringRef s) { return suffixedLocation(loc, s); };
  int64_t channels = type.getDimSize(1);
  int64_t size = static_cast<int64_t>(op.getSize());
  if (size < 1)
    return;
  int64_t before = (size - 1) / 2, after = size - 1 - before;
  float alpha = op.getAlpha().convertToFloat();
  float beta = op.getBeta().convertToFloat();
  float bias = op.getBias().convertToFloat();

  Value x = op.getInput();
  Value scale =
      constant(b, named("scaled"), {1}, {std::sqrt(alpha / float(size))});
  Value scaled = MulOp::create(b, named("scaled"), type, x, scale);
  Value squares = MulOp::create(b, named("square"), type, scaled, scaled);
  std::vector<float> band(size_t(channels * channels), 0.0f);
  for (int64_t o = 0; o < channels; ++o)
    for (int64_t i = std::max<int64_t>(0, o - before);
         i <= std::min(channels - 1, o + after); ++i)
      band[size_t(o * channels + i)] = 1.0f;
  Location sumLoc = named("window sum");
  Value weights = constant(b, sumLoc, {channels, channels, 1, 1}, band);
  Value biases = constant(b, sumLoc, {channels},
                          std::vector<float>(size_t(channels), bias));
  // Other ranks than NCHW run as [N, C, D1 x ... x Dk, 1].
  auto planes = RankedTensorType::get(
      {type.getDimSize(0), channels,
       type.getNumElements() /
           std::max<int64_t>(1, type.getDimSize(0) * channels),
       1},
      type.getElementType());
  bool flat = type.getRank() != 4;
  if (flat)
    squares = ReshapeOp::create(b, named("square planes"), planes, squares);
  Value sum = ConvOp::create(
      b, sumLoc, flat ? planes : type, squares, weights, biases,
      b.getDenseI64ArrayAttr({1, 1}), b.getDenseI64ArrayAttr({1, 1}),
      b.getDenseI64ArrayAttr({0, 0, 0, 0}), b.getI64IntegerAttr(1));
  if (flat)
    sum = ReshapeOp::create(b, named("window sum planes"), type, sum);
  Value exponent = constant(b, named("denominator"), {1}, {-beta});
  Value inverse = PowOp::create(b, named("denominator"), type, sum, exponent);
  Value y = MulOp::create(b, loc, type, x, inverse);
  op.replaceAllUsesWith(y);
  op.erase();
}

/// The running sum along the axis as a matmul of the rows (the axis moved
/// last) with an [L, L] 0/1 triangle: element j adds into i when j <= i
/// (j < i exclusive; j >= i, j > i in reverse).
void decomposeCumSum(CumSumOp op) {
  RankedTensorType type = floatTensorOf(op);
  if (!type || type.getRank() == 0)
    return;
  int64_t rank = type.getRank();
  int64_t axis = static_cast<int64_t>(op.getAxis()); // verified in range
  int64_t length = type.getDimSize(axis);
  if (length > kMaxCumSumLength || type.getNumElements() == 0)
    return;
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto named = [&](StringRef s) { return suffixedLocation(loc, s); };
  auto tensor = [&](ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, type.getElementType());
  };

  SmallVector<int64_t> perm, moved;
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      perm.push_back(d);
  perm.push_back(axis);
  for (int64_t d : perm)
    moved.push_back(type.getDimSize(d));
  Value x = op.getInput();
  if (axis != rank - 1)
    x = TransposeOp::create(b, named("axis last"), x,
                            b.getDenseI64ArrayAttr(perm));
  int64_t rows = type.getNumElements() / length;
  SmallVector<int64_t> rowsShape = {rows, length};
  if (ArrayRef<int64_t>(moved) != ArrayRef<int64_t>(rowsShape))
    x = ReshapeOp::create(b, named("rows"), tensor(rowsShape), x);
  std::vector<float> triangle(size_t(length * length), 0.0f);
  bool exclusive = op.getExclusive(), reverse = op.getReverse();
  for (int64_t j = 0; j < length; ++j)
    for (int64_t i = 0; i < length; ++i) {
      bool adds =
          reverse ? (exclusive ? j > i : j >= i) : (exclusive ? j < i : j <= i);
      triangle[size_t(j * length + i)] = adds ? 1.0f : 0.0f;
    }
  // The last op takes the node's location.
  bool last = axis == rank - 1 &&
              ArrayRef<int64_t>(moved) == ArrayRef<int64_t>(rowsShape);
  Location sumLoc = last ? loc : named("running sum");
  Value y = MatMulOp::create(
      b, sumLoc, tensor(rowsShape), x,
      constant(b, named("running sum"), {length, length}, triangle));
  if (axis == rank - 1) {
    if (!last)
      y = ReshapeOp::create(b, loc, type, y);
  } else {
    y = ReshapeOp::create(b, named("running sum rows"), tensor(moved), y);
    SmallVector<int64_t> inverse(rank);
    for (int64_t d = 0; d < rank; ++d)
      inverse[perm[d]] = d;
    y = TransposeOp::create(b, loc, y, b.getDenseI64ArrayAttr(inverse));
  }
  op.replaceAllUsesWith(y);
  op.erase();
}

struct NPUDecomposeBandedSumsPass
    : npu::impl::NPUDecomposeBandedSumsBase<NPUDecomposeBandedSumsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<LRNOp, CumSumOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      if (auto lrn = dyn_cast<LRNOp>(op))
        decomposeLrn(lrn);
      else
        decomposeCumSum(cast<CumSumOp>(op));
    }
  }
};

} // namespace
