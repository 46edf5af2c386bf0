//===- SplitSlices.cpp - A split as slices of its input -------------------===//

#include "npu/Dialect/NPU/IR/SplitSlices.h"

#include "mlir/IR/Builders.h"

using namespace mlir;

namespace npu {

SmallVector<Value>
replaceSplitBySlices(SplitOp split, function_ref<void(OpResult, SliceOp)> each,
                     bool erase) {
  OpBuilder b(split);
  auto in = cast<RankedTensorType>(split.getInput().getType());
  int64_t axis = split.getAxis();
  SmallVector<int64_t> starts(in.getRank(), 0), steps(in.getRank(), 1);
  SmallVector<Value> slices;
  for (OpResult part : split->getResults()) {
    auto slice = SliceOp::create(
        b, split.getLoc(), part.getType(), split.getInput(),
        b.getDenseI64ArrayAttr(starts), b.getDenseI64ArrayAttr(steps));
    starts[axis] += cast<RankedTensorType>(part.getType()).getDimSize(axis);
    part.replaceAllUsesWith(slice.getResult());
    if (each)
      each(part, slice);
    slices.push_back(slice.getResult());
  }
  if (erase)
    split->erase();
  return slices;
}

} // namespace npu
