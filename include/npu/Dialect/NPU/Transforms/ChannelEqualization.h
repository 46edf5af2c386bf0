//===- ChannelEqualization.h - Channels that may be rescaled ---*- C++ -*-===//
//
// The test npu-calibrate (which measures these tensors per channel) and
// npu-equalize-channels (which rescales them) share: a rank-4 NCHW tensor
// read only by depthwise convolutions. Scaling its channel c by r_c and
// the depthwise weights of channel c by 1 / r_c computes the same float
// function, and lets int8 give each channel the tensor's whole range.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPU_TRANSFORMS_CHANNELEQUALIZATION_H
#define NPU_DIALECT_NPU_TRANSFORMS_CHANNELEQUALIZATION_H

#include "mlir/IR/Value.h"

namespace npu {

/// The discardable attribute of an op whose result calibration measured
/// per channel: `array<f32: lo0, hi0, lo1, hi1, ...>`, the observed
/// minimum and maximum of each channel (dimension 1).
inline constexpr const char *kChannelRangeAttr = "npu.channel_range";

/// True if `v` is a rank-4 float tensor with at least 2 channels (dimension
/// 1), has users, and every user is an `npu.conv` reading it as its input
/// with `group == C == M` and one input channel per group.
bool readOnlyByDepthwise(mlir::Value v);

} // namespace npu

#endif // NPU_DIALECT_NPU_TRANSFORMS_CHANNELEQUALIZATION_H
