//===- ChannelConstant.cpp - Per-channel constants of NCHW tensors --------===//

#include "npu/Dialect/NPU/Transforms/ChannelConstant.h"

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

} // namespace npu
