//===- Canonicalization.cpp - Canonicalization patterns of npu ops --------===//

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/IR/TensorKeys.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace npu;

namespace {
/// Elements [first, first + length) of `data` along `axis`, all of the
/// other dimensions (a DMA slice).
Value sliceAlong(PatternRewriter &rewriter, Location loc, Value data,
                 int64_t axis, int64_t first, int64_t length) {
  auto type = cast<RankedTensorType>(data.getType());
  SmallVector<int64_t> starts(type.getRank(), 0), sizes(type.getShape()),
      steps(type.getRank(), 1);
  starts[axis] = first;
  sizes[axis] = length;
  return SliceOp::create(rewriter, loc, type.clone(sizes), data,
                         rewriter.getDenseI64ArrayAttr(starts),
                         rewriter.getDenseI64ArrayAttr(steps));
}

/// npu.if with a constant condition is replaced by the taken branch.
struct InlineConstantIf : OpRewritePattern<IfOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(IfOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr cond;
    if (!matchPattern(op.getCondition(), m_Constant(&cond)))
      return rewriter.notifyMatchFailure(op, "condition is not constant");
    bool taken = *cond.value_begin<bool>();
    Region &region = taken ? op.getThenRegion() : op.getElseRegion();
    Block *block = &region.front();
    auto yield = cast<YieldOp>(block->getTerminator());
    SmallVector<Value> results(yield.getOperands());
    rewriter.eraseOp(yield);
    rewriter.inlineBlockBefore(block, op);
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// transpose(transpose(x, p1), p2) -> transpose(x, p1 o p2).
struct ComposeTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<TransposeOp>();
    if (!inner)
      return failure();
    SmallVector<int64_t> perm;
    for (int64_t p : op.getPerm())
      perm.push_back(inner.getPerm()[p]);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getType(), inner.getInput(),
                                             perm);
    return success();
  }
};

/// A transpose that moves only size-1 dimensions keeps the element order:
/// it is a reshape.
struct TransposeOfUnitDimsToReshape : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    int64_t last = -1;
    for (int64_t p : op.getPerm()) {
      if (inType.getDimSize(p) == 1)
        continue;
      if (p < last)
        return rewriter.notifyMatchFailure(op, "reorders non-unit dims");
      last = p;
    }
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), op.getInput());
    return success();
  }
};

/// gather(x, constant indices) along `axis` -> slices of x (one per run of
/// consecutive indices), concatenated along `axis`, reshaped to the
/// gather's shape: the same elements in the same order. Negative indices
/// count from the end; indices out of range, more than 256 of them or
/// dynamic shapes are left to the gather (whose error names the index). So
/// are float and i32 / i64 data in more than 4 runs of fewer than 1024
/// elements on average (a reversal, a fine shuffle): each slice is a DMA
/// with its fixed cost (about 1 us), where one SHAVE gather copies them
/// all.
/// The slices and the concat are named "NODE (gather part)", so that the
/// gather's result keeps the node's tensor key.
struct GatherOfConstantIndices : OpRewritePattern<GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr indices;
    if (!matchPattern(op.getIndices(), m_Constant(&indices)))
      return rewriter.notifyMatchFailure(op, "indices are not constant");
    auto dataType = dyn_cast<RankedTensorType>(op.getData().getType());
    auto outType = dyn_cast<RankedTensorType>(op.getType());
    if (!dataType || !outType || !dataType.hasStaticShape() ||
        !outType.hasStaticShape() || dataType.getRank() == 0)
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    int64_t rank = dataType.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    if (axis < 0 || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    int64_t dim = dataType.getDimSize(axis);
    int64_t count = indices.getNumElements();
    if (count == 0 || count > 256)
      return rewriter.notifyMatchFailure(op, "no or too many indices");
    // Runs of consecutive indices: (first, length).
    SmallVector<std::pair<int64_t, int64_t>> runs;
    for (const APInt &v : indices.getValues<APInt>()) {
      int64_t i = v.getSExtValue();
      if (i < 0)
        i += dim;
      if (i < 0 || i >= dim)
        return rewriter.notifyMatchFailure(op, "index out of range");
      if (!runs.empty() && runs.back().first + runs.back().second == i)
        ++runs.back().second;
      else
        runs.push_back({i, 1});
    }
    constexpr int64_t kMaxSmallRuns = 4, kMinRunElements = 1024;
    Type element = dataType.getElementType();
    if ((isa<FloatType>(element) || element.isInteger(32) ||
         element.isInteger(64)) &&
        int64_t(runs.size()) > kMaxSmallRuns &&
        outType.getNumElements() < kMinRunElements * int64_t(runs.size()))
      return rewriter.notifyMatchFailure(op, "many small runs");
    Location partLoc = suffixedLocation(op.getLoc(), "gather part");
    // A pre-quantized model's parameters on the gather hold for each part
    // (the same elements).
    Attribute quant = op->getAttr(kQuantAttr);
    Operation *dataOp = op.getData().getDefiningOp();
    auto keepQuant = [&](Value v) {
      if (quant && v.getDefiningOp() && v.getDefiningOp() != dataOp)
        v.getDefiningOp()->setAttr(kQuantAttr, quant);
      return v;
    };
    SmallVector<Value> parts;
    for (auto [first, length] : runs)
      parts.push_back(keepQuant(
          sliceAlong(rewriter, partLoc, op.getData(), axis, first, length)));
    Value joined =
        parts.size() == 1
            ? parts.front()
            : keepQuant(
                  ConcatOp::create(rewriter, partLoc, parts, axis).getResult());
    keepQuant(rewriter.replaceOpWithNewOp<ReshapeOp>(op, outType, joined)
                  .getResult());
    return success();
  }
};

/// scatter_nd(data, constant tuples, updates), replacing, where the tuples
/// enumerate in row-major order a box of data's first k dimensions that is
/// whole in every dimension but one, `axis` (`y[..., 0:2] = v` as PyTorch
/// exports in-place slice assignments: one tuple per element, a large
/// constant) -> concat(data before the box, the updates viewed as the box,
/// data after it) along `axis`: the same elements, moved by DMA, and no
/// index constant. A box that is all of data is the updates viewed as data.
/// Parts are named "NODE (scatter part)".
struct ScatterNDOfConstantBox : OpRewritePattern<ScatterNDOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScatterNDOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getReduction() != ScatterReduction::none)
      return rewriter.notifyMatchFailure(op, "a reduction");
    DenseElementsAttr indices;
    if (!matchPattern(op.getIndices(), m_Constant(&indices)))
      return rewriter.notifyMatchFailure(op, "indices are not constant");
    auto dataType = dyn_cast<RankedTensorType>(op.getData().getType());
    auto idxType = dyn_cast<RankedTensorType>(indices.getType());
    auto updType = dyn_cast<RankedTensorType>(op.getUpdates().getType());
    if (!dataType || !idxType || !updType || !dataType.hasStaticShape() ||
        !updType.hasStaticShape() || idxType.getRank() < 1 ||
        dataType.getRank() < 1)
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    int64_t rank = dataType.getRank(), k = idxType.getShape().back();
    int64_t tuples = k > 0 ? indices.getNumElements() / k : 0;
    if (k < 1 || k > rank || tuples < 1)
      return rewriter.notifyMatchFailure(op, "no tuples");
    SmallVector<int64_t> values;
    for (const APInt &v : indices.getValues<APInt>())
      values.push_back(v.getSExtValue());
    // The box: the first tuple, and the extent of each coordinate.
    SmallVector<int64_t> lo(k), hi(k);
    for (int64_t t = 0; t < tuples; ++t)
      for (int64_t d = 0; d < k; ++d) {
        int64_t &i = values[t * k + d], n = dataType.getDimSize(d);
        if (i < 0)
          i += n;
        if (i < 0 || i >= n)
          return rewriter.notifyMatchFailure(op, "index out of range");
        lo[d] = t ? std::min(lo[d], i) : i;
        hi[d] = t ? std::max(hi[d], i) : i;
      }
    SmallVector<int64_t> box(dataType.getShape());
    int64_t boxTuples = 1;
    for (int64_t d = 0; d < k; ++d) {
      box[d] = hi[d] - lo[d] + 1;
      boxTuples *= box[d];
    }
    if (boxTuples != tuples)
      return rewriter.notifyMatchFailure(op, "not a box");
    // Row-major order: tuple t is lo + t's coordinates in the box.
    for (int64_t t = 0; t < tuples; ++t)
      for (int64_t d = k - 1, rest = t; d >= 0; rest /= box[d], --d)
        if (values[t * k + d] != lo[d] + rest % box[d])
          return rewriter.notifyMatchFailure(op, "not in row-major order");
    int64_t axis = -1;
    for (int64_t d = 0; d < k; ++d)
      if (box[d] != dataType.getDimSize(d)) {
        if (axis >= 0)
          return rewriter.notifyMatchFailure(op, "partial in two dimensions");
        axis = d;
      }
    Location partLoc = suffixedLocation(op.getLoc(), "scatter part");
    Value updates = ReshapeOp::create(rewriter, partLoc, dataType.clone(box),
                                      op.getUpdates());
    if (axis < 0) {
      rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), updates);
      return success();
    }
    SmallVector<Value> parts;
    int64_t end = lo[axis] + box[axis], dim = dataType.getDimSize(axis);
    if (lo[axis] > 0)
      parts.push_back(
          sliceAlong(rewriter, partLoc, op.getData(), axis, 0, lo[axis]));
    parts.push_back(updates);
    if (end < dim)
      parts.push_back(
          sliceAlong(rewriter, partLoc, op.getData(), axis, end, dim - end));
    rewriter.replaceOpWithNewOp<ConcatOp>(op, op.getType(), parts, axis);
    return success();
  }
};

/// The op's discardable attributes (range groups, ranges) on `to`.
void keepDiscardableAttrs(Operation *from, Operation *to) {
  for (NamedAttribute a : from->getDiscardableAttrs())
    to->setAttr(a.getName(), a.getValue());
}

/// slice(slice(x, s1, t1), s2, t2) -> slice(x, s1 + s2 t1, t1 t2), positive
/// steps: one copy instead of two.
struct ComposeSlices : OpRewritePattern<SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SliceOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<SliceOp>();
    if (!inner)
      return failure();
    auto positive = [](ArrayRef<int64_t> steps) {
      return llvm::all_of(steps, [](int64_t s) { return s >= 1; });
    };
    if (!positive(op.getSteps()) || !positive(inner.getSteps()))
      return rewriter.notifyMatchFailure(op, "negative steps");
    SmallVector<int64_t> starts, steps;
    ArrayRef<int64_t> sizes = op.getType().getShape();
    for (auto [s1, t1, s2, t2, n] :
         llvm::zip(inner.getStarts(), inner.getSteps(), op.getStarts(),
                   op.getSteps(), sizes)) {
      starts.push_back(s1 + s2 * t1);
      // Within the input: the product is at most its extent when more than
      // one element is taken; with one, any step (1) takes it, and a
      // product of huge steps could overflow.
      steps.push_back(n > 1 ? t1 * t2 : 1);
    }
    auto slice = rewriter.replaceOpWithNewOp<SliceOp>(
        op, op.getType(), inner.getInput(),
        rewriter.getDenseI64ArrayAttr(starts),
        rewriter.getDenseI64ArrayAttr(steps));
    keepDiscardableAttrs(op, slice);
    return success();
  }
};

/// slice(concat(a, b, ...)) whose elements along the concatenation's axis
/// all lie in one operand -> a slice of that operand (positive steps): the
/// concatenation's copy is not needed for them (YOLOv5's box assignments
/// one after another: the second reads the first's result).
struct SliceOfConcat : OpRewritePattern<SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SliceOp op,
                                PatternRewriter &rewriter) const override {
    auto concat = op.getInput().getDefiningOp<ConcatOp>();
    auto outType = dyn_cast<RankedTensorType>(op.getType());
    if (!concat || !outType || !outType.hasStaticShape())
      return failure();
    int64_t rank = outType.getRank();
    int64_t axis = int64_t(concat.getAxis());
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank || outType.getDimSize(axis) < 1 ||
        llvm::any_of(op.getSteps(), [](int64_t s) { return s < 1; }))
      return rewriter.notifyMatchFailure(op, "axis or steps");
    int64_t first = op.getStarts()[axis],
            last = first + (outType.getDimSize(axis) - 1) * op.getSteps()[axis];
    int64_t offset = 0;
    for (Value part : concat.getInputs()) {
      auto t = dyn_cast<RankedTensorType>(part.getType());
      if (!t || !t.hasStaticShape())
        return failure();
      int64_t size = t.getDimSize(axis);
      if (first >= offset && last < offset + size) {
        SmallVector<int64_t> starts(op.getStarts());
        starts[axis] -= offset;
        auto slice = rewriter.replaceOpWithNewOp<SliceOp>(
            op, op.getType(), part, rewriter.getDenseI64ArrayAttr(starts),
            op.getStepsAttr());
        keepDiscardableAttrs(op, slice);
        return success();
      }
      offset += size;
    }
    return rewriter.notifyMatchFailure(op, "spans several operands");
  }
};
} // namespace

void SliceOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                          MLIRContext *context) {
  results.add<ComposeSlices, SliceOfConcat>(context);
}

void ScatterNDOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<ScatterNDOfConstantBox>(context);
}

void GatherOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                           MLIRContext *context) {
  results.add<GatherOfConstantIndices>(context);
}

void IfOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                       MLIRContext *context) {
  results.add<InlineConstantIf>(context);
}

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<ComposeTransposes, TransposeOfUnitDimsToReshape>(context);
}
