//===- FoldChannelPadding.cpp - The npuhw-fold-channel-padding pass -------===//
//
// Removes slice-then-zero-pad pairs on the channels of DPU tensors whose
// dropped channels are zero anyway (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"
#include "npu/Dialect/NPUHW/Transforms/Passes.h"
#include "npu/Interpreter/TensorConversion.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace npu::hw {
#define GEN_PASS_DEF_NPUHWFOLDCHANNELPADDING
#include "npu/Dialect/NPUHW/Transforms/Passes.h.inc"
} // namespace npu::hw

using namespace mlir;

namespace npu::hw {
namespace {

/// How far the zero-channel proof follows DPU inputs.
constexpr int kMaxDepth = 8;

bool isZeroConstant(Value v) {
  auto cst = v.getDefiningOp<ConstantOp>();
  if (!cst)
    return false;
  auto dense = dyn_cast<DenseElementsAttr>(cst.getValue());
  if (dense && dense.isSplat()) {
    if (auto f = dyn_cast<FloatType>(dense.getElementType()))
      return dense.getSplatValue<APFloat>().isZero();
    return dense.getSplatValue<APInt>().isZero();
  }
  std::string error;
  auto t = elementsAttrToHostTensor(cst.getValue(), error);
  if (failed(t))
    return false;
  for (int64_t i = 0; i < t->numElements(); ++i)
    if (t->getAsDouble(i) != 0.0)
      return false;
  return true;
}

/// True if rows [from, K) of a constant [K, ...] tensor are all zero.
bool zeroRows(Value v, int64_t from) {
  auto cst = v.getDefiningOp<ConstantOp>();
  if (!cst)
    return false;
  std::string error;
  auto t = elementsAttrToHostTensor(cst.getValue(), error);
  if (failed(t) || t->rank() < 1)
    return false;
  int64_t row = t->numElements() / std::max<int64_t>(1, t->dim(0));
  for (int64_t i = from * row; i < t->numElements(); ++i)
    if (t->getAsDouble(i) != 0.0)
      return false;
  return true;
}

/// True if the bias words (column 3) of weight-table rows [from, K) are 0.
bool zeroBias(Value table, int64_t from) {
  auto cst = table.getDefiningOp<ConstantOp>();
  if (!cst)
    return false;
  std::string error;
  auto t = elementsAttrToHostTensor(cst.getValue(), error);
  if (failed(t) || t->rank() != 2 || t->dim(1) != 4)
    return false;
  for (int64_t k = from; k < t->dim(0); ++k)
    if (t->getAsInt(k * 4 + 3) != 0)
      return false;
  return true;
}

bool clampKeepsZero(DpuConvOp op) {
  return op.getFclampLow().convertToFloat() <= 0.0f &&
         op.getFclampHigh().convertToFloat() >= 0.0f;
}

/// True if channels [from, C) of the [H, W, C] value are zero.
bool zeroChannels(Value v, int64_t from, int depth = 0) {
  if (depth > kMaxDepth)
    return false;
  if (auto concat = v.getDefiningOp<ConcatOp>()) {
    auto type = cast<RankedTensorType>(v.getType());
    if (static_cast<int64_t>(concat.getAxis()) != type.getRank() - 1)
      return false;
    int64_t offset = 0;
    for (Value in : concat.getInputs()) {
      int64_t c = cast<RankedTensorType>(in.getType()).getShape().back();
      if (offset + c > from && !isZeroConstant(in) &&
          !zeroChannels(in, std::max<int64_t>(0, from - offset), depth + 1))
        return false;
      offset += c;
    }
    return true;
  }
  auto conv = v.getDefiningOp<DpuConvOp>();
  if (!conv || !isa<FloatType>(getElementTypeOrSelf(v.getType())) ||
      !clampKeepsZero(conv))
    return false;
  switch (conv.getKind()) {
  case DpuConvKind::conv:
    return zeroRows(conv.getWeights(), from) &&
           zeroBias(conv.getWeightTable(), from);
  case DpuConvKind::depthwise:
    return zeroBias(conv.getWeightTable(), from) &&
           (zeroRows(conv.getWeights(), from) ||
            zeroChannels(conv.getInput(), from, depth + 1));
  case DpuConvKind::max_pool:
  case DpuConvKind::avg_pool:
    return conv.getFbias().convertToFloat() == 0.0f &&
           zeroChannels(conv.getInput(), from, depth + 1);
  }
  return false;
}

/// concat(slice(x, channels [0, K)), zeros) -> x when x has the same
/// channel count and its channels from K on are zero.
struct FoldSliceZeroPad : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatOp concat,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(concat.getType());
    if (concat.getInputs().size() != 2 ||
        static_cast<int64_t>(concat.getAxis()) != type.getRank() - 1 ||
        !isZeroConstant(concat.getInputs()[1]))
      return failure();
    auto slice = concat.getInputs()[0].getDefiningOp<SliceOp>();
    if (!slice || slice.getInput().getType() != type)
      return failure();
    for (int64_t s : slice.getStarts())
      if (s != 0)
        return failure();
    for (int64_t s : slice.getSteps())
      if (s != 1)
        return failure();
    auto sliced = cast<RankedTensorType>(slice.getType()).getShape();
    for (int64_t d = 0; d + 1 < type.getRank(); ++d)
      if (sliced[d] != type.getDimSize(d))
        return failure();
    if (!zeroChannels(slice.getInput(), sliced.back()))
      return failure();
    rewriter.replaceOp(concat, slice.getInput());
    return success();
  }
};

struct NPUHWFoldChannelPaddingPass
    : impl::NPUHWFoldChannelPaddingBase<NPUHWFoldChannelPaddingPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldSliceZeroPad>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace npu::hw
