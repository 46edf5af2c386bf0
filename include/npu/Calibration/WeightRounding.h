//===- WeightRounding.h - Data-aware int8 weight rounding -------*- C++ -*-===//
//
// int8 weights are symmetric per output channel with the scale
// s = max|w| / 127 (docs/lowering.md). Rounding each weight to the nearest
// level is not the best choice when a layer's inputs are correlated: a
// convolution whose weights nearly cancel (an edge filter on a smooth
// input, such as the first layer of an audio or image model) turns the
// small rounding errors of its weights into a large error times the input's
// local mean. GPTQ (Frantar et al., 2023, "GPTQ: Accurate Post-Training
// Quantization for Generative Pre-trained Transformers") rounds the weights
// of each output channel one after the other and spreads each rounding
// error over the weights not yet rounded, weighted by the inverse of the
// inputs' second-moment matrix H = E[x x^T] (x: one input patch), so that
// the layer's output error E[(dw . x)^2] = dw^T H dw is small.
//
// This file measures H from calibration inputs and computes the levels.
// The largest |w| of each channel keeps its level (+-127), so that the
// scale max|w| / 127 is the same after rounding. Plain C++ (Eigen).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_CALIBRATION_WEIGHTROUNDING_H
#define NPU_CALIBRATION_WEIGHTROUNDING_H

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace npu {
class HostTensor;
namespace kernels {
class ThreadPool;
} // namespace kernels
} // namespace npu

namespace npu::calib {

/// A 2-D convolution's window (ONNX Conv attributes), of an N x C x H x W
/// input. `depthwise`: each output channel reads its own input channel
/// (group == C == output channels); else group == 1. `rows`: a matrix
/// product's left operand [..., K] (K = channels, kh = kw = 1), whose rows
/// are the patches.
struct ConvWindow {
  int64_t channels = 1; ///< C
  int64_t kh = 1, kw = 1;
  int64_t strideH = 1, strideW = 1;
  int64_t dilationH = 1, dilationW = 1;
  int64_t padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
  bool depthwise = false;
  bool rows = false;

  /// Length of one patch: C * kh * kw, or kh * kw for depthwise.
  int64_t patchSize() const { return (depthwise ? 1 : channels) * kh * kw; }
};

/// The largest patch (C * kh * kw) whose second moments are measured: H has
/// patchSize^2 entries of 8 bytes (576: 2.6 MB per layer).
constexpr int64_t kMaxRoundingPatch = 576;
/// Patches taken per layer over all the calibration samples, and at most
/// per sample: each sample gives min(8192, max(1024, 65536 / samples))
/// patches, evenly spaced over its output positions (all of them when
/// there are fewer), so that the cost does not grow with the samples.
constexpr int64_t kRoundingPatchBudget = 65536;
constexpr int64_t kRoundingPatchesPerSampleMax = 8192;
constexpr int64_t kRoundingPatchesPerSampleMin = 1024;

/// Patches per sample for `samples` samples (above).
int64_t roundingPatchesPerSample(int64_t samples);

/// Accumulates H = mean of x x^T over the patches x of the inputs observed
/// (zero padding included, as the convolution sees them): one matrix, or
/// one per channel for a depthwise window. Not thread-safe.
class InputMoments {
public:
  explicit InputMoments(const ConvWindow &window);
  ~InputMoments();
  InputMoments(InputMoments &&) noexcept;
  InputMoments &operator=(InputMoments &&) noexcept;

  /// Adds at most `maxPatches` patches of `input` (f32, N x C x H x W with
  /// C == window.channels; with `rows`, [..., K] with K == channels; a
  /// patch holding NaN or infinity is left out), the channels of a depthwise
  /// window on `pool` (may be null); false (nothing added) when its shape does
  /// not fit.
  bool observe(const HostTensor &input, int64_t maxPatches,
               kernels::ThreadPool *pool = nullptr);

  /// Finite patches observed so far (of the channel with the most, for a
  /// depthwise window).
  int64_t count() const;
  /// H (row-major, patchSize x patchSize) of group `g` (0 unless depthwise;
  /// depthwise: the channel), the mean over the patches observed.
  std::vector<double> moments(int64_t g) const;

  const ConvWindow &window() const;

private:
  bool observeRows(const HostTensor &input, int64_t maxPatches);

  struct Impl;
  std::unique_ptr<Impl> impl;
};

/// GPTQ levels of `rows` output channels of `k` weights each (row-major
/// `weights`), all with the second-moment matrix `h` (k x k, row-major).
/// Channel r's scale is max|w_r| / 127; the levels are integers in
/// [-127, 127], and the weight of largest |w| in each channel keeps +-127.
/// `damping` (relative to the mean of H's diagonal) regularizes H. A
/// channel of zeros gets zeros. nullopt when H cannot be used (wrong size,
/// not finite, no input power, not positive definite after damping): the
/// caller rounds to nearest.
std::optional<std::vector<int32_t>> gptqLevels(const float *weights,
                                               int64_t rows, int64_t k,
                                               const std::vector<double> &h,
                                               double damping = 0.01);

/// Nearest levels round(w / (max|w_r| / 127)) of the same layout (what the
/// int8 lowering computes).
std::vector<int32_t> nearestLevels(const float *weights, int64_t rows,
                                   int64_t k);

/// The weights a level grid represents: levels * max|w_r| / 127, per row.
std::vector<float> weightsOfLevels(const float *weights, int64_t rows,
                                   int64_t k,
                                   const std::vector<int32_t> &levels);

} // namespace npu::calib

#endif // NPU_CALIBRATION_WEIGHTROUNDING_H
