//===- Folders.cpp - Structural folds of npu ops --------------------------===//
//
// Folds that need no arithmetic: identities, shape queries, constant
// reshapes. Evaluating arbitrary ops on constants is the job of the
// `npu-fold-constants` pass, which runs the reference interpreter.
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/ShapeUtils.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace npu;

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

/// A splat constant operand folds to a splat of the result type.
static OpFoldResult resizeSplat(Attribute operand, ShapedType type) {
  auto dense = dyn_cast_if_present<DenseElementsAttr>(operand);
  if (dense && dense.isSplat())
    return dense.resizeSplat(type);
  return {};
}

OpFoldResult IdentityOp::fold(FoldAdaptor) { return getInput(); }

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

// A reduction over no axes reduces every element on its own. That is the
// identity for the plain reductions and for log(sum(exp(x))) = x, but not
// for the composite ones, whose element-wise part still applies: |x|,
// sqrt(x^2), x^2, log(x) (noop_with_empty_axes as ONNX 1.19+ specify it).
#define NPU_REDUCE_FOLD(OP, IDENTITY_ON_NO_AXES)                               \
  OpFoldResult OP::fold(FoldAdaptor) {                                         \
    if (IDENTITY_ON_NO_AXES && getAxes().empty() &&                            \
        getInput().getType() == getType())                                     \
      return getInput();                                                       \
    return {};                                                                 \
  }
NPU_REDUCE_FOLD(ReduceMeanOp, true)
NPU_REDUCE_FOLD(ReduceSumOp, true)
NPU_REDUCE_FOLD(ReduceMaxOp, true)
NPU_REDUCE_FOLD(ReduceMinOp, true)
NPU_REDUCE_FOLD(ReduceProdOp, true)
NPU_REDUCE_FOLD(ReduceLogSumExpOp, true)
NPU_REDUCE_FOLD(ReduceSumSquareOp, false)
NPU_REDUCE_FOLD(ReduceL1Op, false)
NPU_REDUCE_FOLD(ReduceL2Op, false)
NPU_REDUCE_FOLD(ReduceLogSumOp, false)
#undef NPU_REDUCE_FOLD

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getType());
  // reshape(reshape(x)) -> reshape(x), in place.
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  return {};
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  auto perm = getPerm();
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i)
    identity &= perm[i] == static_cast<int64_t>(i);
  if (identity)
    return getInput();
  return resizeSplat(adaptor.getInput(), getType());
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1 && getInputs().front().getType() == getType())
    return getInputs().front();
  return {};
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType() &&
      llvm::all_of(getStarts(), [](int64_t s) { return s == 0; }) &&
      llvm::all_of(getSteps(), [](int64_t s) { return s == 1; }))
    return getInput();
  return resizeSplat(adaptor.getInput(), getType());
}

OpFoldResult PadOp::fold(FoldAdaptor) {
  if (llvm::all_of(getPads(), [](int64_t p) { return p == 0; }))
    return getInput();
  return {};
}

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return resizeSplat(adaptor.getInput(), getType());
}

OpFoldResult TileOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return resizeSplat(adaptor.getInput(), getType());
}

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto in = cast<RankedTensorType>(getInput().getType());
  std::optional<int64_t> end;
  if (getEnd())
    end = static_cast<int64_t>(*getEnd());
  auto [start, stop] = shapeOpRange(in.getRank(), getStart(), end);
  SmallVector<int64_t> dims(in.getShape().slice(start, stop - start));
  return DenseIntElementsAttr::get(getType(), dims);
}

OpFoldResult SizeOp::fold(FoldAdaptor) {
  auto in = cast<RankedTensorType>(getInput().getType());
  return DenseIntElementsAttr::get(getType(),
                                   ArrayRef<int64_t>{in.getNumElements()});
}
