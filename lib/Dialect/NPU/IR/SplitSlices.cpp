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

std::optional<int64_t> channelSliceStart(SliceOp slice) {
  auto in = dyn_cast<RankedTensorType>(slice.getInput().getType());
  auto out = dyn_cast<RankedTensorType>(slice.getType());
  ArrayRef<int64_t> starts = slice.getStarts(), steps = slice.getSteps();
  if (!in || !out || in.getRank() != 4 || out.getRank() != 4 ||
      starts.size() != 4 || steps.size() != 4 ||
      llvm::any_of(steps, [](int64_t s) { return s != 1; }) || starts[0] ||
      starts[2] || starts[3] || in.getDimSize(0) != out.getDimSize(0) ||
      in.getDimSize(2) != out.getDimSize(2) ||
      in.getDimSize(3) != out.getDimSize(3))
    return std::nullopt;
  return starts[1];
}

} // namespace npu
