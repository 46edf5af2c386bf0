//===- SpaceToDepth.h - Stride-2 first layers as stride-1 convs -*- C++ -*-===//
//
// A convolution over an input of at most 4 channels (a network's first
// layer: RGB, mono audio) runs on the DPU with its input channels padded to
// 4 but is charged, and computed, as 16 input channels per kernel tap
// (HARDWARE.md: channels aligned to 16). With stride 2 the same output is a
// stride-1 convolution over the input's 2x2 space-to-depth rearrangement
// ([C, H, W] -> [H/2, W/2, 4C] padded to 16 channels, channel index
// (dy * 2 + dx) * C + c: one transpose, the one the [H, W, C] layout
// change would have been) with a
// kernel of ceil((k + e) / 2) taps per axis (e: the parity of the top /
// left padding), so every tap carries 16 real or zero channels: ResNet's
// 7x7 stem needs 16 taps instead of 49, a 3x3 stem 4 instead of 9. The
// products and their integer sums are the same ones, so int8 results are
// bit for bit those of the original convolution.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_CONVERSION_NPUTONPUHW_SPACETODEPTH_H
#define NPU_CONVERSION_NPUTONPUHW_SPACETODEPTH_H

#include "npu/Support/HostTensor.h"

#include <cstdint>
#include <optional>

namespace npu::lowering {

/// A 2-d convolution window: kernel, stride, padding (top, left, bottom,
/// right; the bottom / right ones already extended for ceil mode), input and
/// output sizes, in elements.
struct ConvWindow {
  int64_t kh = 1, kw = 1, sh = 1, sw = 1;
  int64_t pt = 0, pl = 0, pb = 0, pr = 0;
  int64_t h = 1, w = 1, oh = 1, ow = 1;
};

/// The stride-1 convolution over the 2x2 space-to-depth input that computes
/// the same output as `window` over its [C, H, W] input.
struct SpaceToDepthConv {
  ConvWindow window; ///< Over [H/2, W/2, 16]; stride 1.
  /// [M, 16, kh', kw'] f32: tap (j, i), channel (dy * 2 + dx) * C + c holds
  /// the original weight at row 2j + dy - (pt % 2), column 2i + dx -
  /// (pl % 2), channel c; zero outside the original kernel and in the
  /// padding channels 4C..15.
  HostTensor weights;
};

/// The rewrite of a convolution with `weights` ([M, C, kh, kw] f32, C <= 4,
/// one group) over a [C, h, w] input, or nullopt when it does not apply:
/// stride other than 2x2, odd input height or width, a 1x1 kernel (nothing
/// to gain), or a result that breaks the DPU's rule that padding is smaller
/// than the kernel. Pure host arithmetic: no MLIR.
std::optional<SpaceToDepthConv> spaceToDepthConv(const HostTensor &weights,
                                                 const ConvWindow &window);

} // namespace npu::lowering

#endif // NPU_CONVERSION_NPUTONPUHW_SPACETODEPTH_H
