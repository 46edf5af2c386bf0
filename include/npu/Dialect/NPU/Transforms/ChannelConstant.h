//===- ChannelConstant.h - Per-channel constants of NCHW -------*- C++ -*-===//
//
// The test the canonical folds (npu-fold-batch-norm, npu-fuse-elementwise)
// share before moving a constant into a convolution's weights or bias.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPU_TRANSFORMS_CHANNELCONSTANT_H
#define NPU_DIALECT_NPU_TRANSFORMS_CHANNELCONSTANT_H

#include "mlir/IR/Value.h"

#include <cstdint>

namespace npu {

/// True if `v` is a float constant that, broadcast to a rank-`rank` [N, C,
/// ...] tensor, varies at most along the channels C (dimension 1): a
/// splat, [1, C, 1, 1], [C, 1, 1], ... (a per-channel scale or bias).
bool isPerChannelConstant(mlir::Value v, int64_t rank);

} // namespace npu

#endif // NPU_DIALECT_NPU_TRANSFORMS_CHANNELCONSTANT_H
