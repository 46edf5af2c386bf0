//===- ChannelConstant.cpp - Per-channel constants of NCHW tensors --------===//

#include "npu/Dialect/NPU/Transforms/ChannelConstant.h"

#include "npu/Dialect/NPU/IR/NPUOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace npu {

bool isPerChannelConstant(Value v, int64_t rank) {
  auto t = v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
  if (!t || t.getRank() > rank || !isa<FloatType>(t.getElementType()) ||
      !matchPattern(v, m_Constant()))
    return false;
  int64_t lead = rank - t.getRank();
  for (int64_t d = 0; d < t.getRank(); ++d)
    if (d + lead != 1 && t.getDimSize(d) != 1)
      return false;
  return true;
}

std::optional<int64_t> outputChannelAxis(Operation *conv) {
  if (isa_and_present<ConvOp>(conv))
    return 0;
  auto t = dyn_cast_or_null<ConvTransposeOp>(conv);
  if (!t)
    return std::nullopt;
  auto w = cast<RankedTensorType>(t.getWeight().getType());
  if (t.getGroup() == 1)
    return 1;
  if (w.getRank() > 1 && w.getDimSize(1) == 1 &&
      w.getDimSize(0) == int64_t(t.getGroup()))
    return 0;
  return std::nullopt;
}

Value withWeights(OpBuilder &b, Location loc, Operation *conv, Value weight,
                  Value bias) {
  auto type = cast<RankedTensorType>(conv->getResult(0).getType());
  if (auto c = dyn_cast<ConvOp>(conv))
    return ConvOp::create(b, loc, type, c.getInput(), weight, bias,
                          c.getStridesAttr(), c.getDilationsAttr(),
                          c.getPadsAttr(), c.getGroupAttr());
  auto t = cast<ConvTransposeOp>(conv);
  return ConvTransposeOp::create(b, loc, type, t.getInput(), weight, bias,
                                 t.getStridesAttr(), t.getDilationsAttr(),
                                 t.getPadsAttr(), t.getOutputPaddingAttr(),
                                 t.getGroupAttr());
}

} // namespace npu
