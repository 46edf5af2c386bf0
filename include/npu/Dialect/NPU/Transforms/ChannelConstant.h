//===- ChannelConstant.h - Per-channel constants of NCHW -------*- C++ -*-===//
//
// What the canonical folds (npu-fold-batch-norm, npu-fuse-elementwise)
// share to move a constant into a convolution's weights or bias: the tests
// before, the rebuilt convolution after.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPU_TRANSFORMS_CHANNELCONSTANT_H
#define NPU_DIALECT_NPU_TRANSFORMS_CHANNELCONSTANT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

#include <cstdint>
#include <optional>

namespace npu {

/// True if `v` is a float constant that, broadcast to a rank-`rank` [N, C,
/// ...] tensor, varies at most along the channels C (dimension 1): a
/// splat, [1, C, 1, 1], [C, 1, 1], ... (a per-channel scale or bias).
bool isPerChannelConstant(mlir::Value v, int64_t rank);

/// The axis of a convolution's or transposed convolution's weights that
/// holds its output channel m, where a per-output-channel scale is a
/// broadcast of the weights: 0 for npu.conv ([M, C / group, kh, kw]); for
/// npu.conv_transpose ([C, M / group, kh, kw]) 1 when ungrouped, 0 when
/// depthwise (M / group = 1, group = C). nullopt for other ops and other
/// groups (output channel m of group g is not one weight axis).
std::optional<int64_t> outputChannelAxis(mlir::Operation *conv);

/// The npu.conv or npu.conv_transpose `conv` over the same input with the
/// same attributes and result type, with weights `weight` and bias `bias`
/// (null: none), at `loc`.
mlir::Value withWeights(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Operation *conv, mlir::Value weight,
                        mlir::Value bias);

} // namespace npu

#endif // NPU_DIALECT_NPU_TRANSFORMS_CHANNELCONSTANT_H
