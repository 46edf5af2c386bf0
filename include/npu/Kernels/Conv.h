//===- Conv.h - Convolution and transposed convolution ----------*- C++ -*-===//
//
// ONNX Conv and ConvTranspose on NCHW tensors with any number of spatial
// dimensions, asymmetric padding, dilations and groups. float32 runs on the
// GEMM (im2col fused into the packing of B; 1x1 convolutions read the input
// directly; depthwise 2-D convolutions have their own vectorised kernel).
// int32 (ConvInteger after its zero points are subtracted) runs the same
// kernels on float copies, summing in float only over K blocks short enough
// to be exact and adding the blocks in int32: bit-identical to the
// reference loops, which it falls back to when a single product of the
// operands' magnitudes would exceed 2^24. Every other element type runs the
// reference loops (f16/bf16 convert to float and back, integers accumulate
// exactly in 64 bits and wrap).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_CONV_H
#define NPU_KERNELS_CONV_H

#include "npu/Kernels/Gemm.h"
#include "npu/Kernels/Status.h"
#include "npu/Kernels/ThreadPool.h"
#include "npu/Support/HostTensor.h"

#include <functional>
#include <memory>
#include <vector>

namespace npu::kernels {

struct ConvParams {
  std::vector<int64_t> strides;       // one per spatial dimension
  std::vector<int64_t> dilations;     // one per spatial dimension
  std::vector<int64_t> pads;          // all begins, then all ends
  std::vector<int64_t> outputPadding; // transposed convolution only
  int64_t group = 1;
  /// Applied to every output after the bias.
  GemmActivation activation;
  /// Optional: called with ranges [begin, end) of output elements (row-major
  /// offsets) as they become final, possibly from several threads at once
  /// (ranges never overlap, together they cover the output once). Lets a
  /// following elementwise program run while the data is still in cache.
  std::function<void(int64_t begin, int64_t end)> outputReady;
};

/// Output shape of a convolution (x: N x C x D..., w: M x C/g x K...), or an
/// error if the operands and parameters do not fit together.
Status convOutputShape(const std::vector<int64_t> &x,
                       const std::vector<int64_t> &w, const ConvParams &p,
                       std::vector<int64_t> &out);
/// Same for a transposed convolution (w: C x M/g x K...).
Status convTransposeOutputShape(const std::vector<int64_t> &x,
                                const std::vector<int64_t> &w,
                                const ConvParams &p, std::vector<int64_t> &out);

/// float32 weights packed once for the GEMM path (per group), so that a
/// model run many times packs its constant weights only once.
class PackedConvWeights {
public:
  /// `transposed` selects ConvTranspose's weight layout. Returns null for
  /// weights that the GEMM path does not use (non-f32, depthwise).
  static std::shared_ptr<const PackedConvWeights>
  create(const HostTensor &w, int64_t group, bool transposed);

  const PackedLhs &group(int64_t g) const { return groups_[g]; }
  int64_t numGroups() const { return static_cast<int64_t>(groups_.size()); }
  bool transposed() const { return transposed_; }
  SimdLevel level() const { return level_; }
  const std::vector<int64_t> &weightShape() const { return shape_; }

private:
  std::vector<PackedLhs> groups_;
  std::vector<int64_t> shape_;
  bool transposed_ = false;
  SimdLevel level_ = SimdLevel::Generic;
};

/// y = conv(x, w) + bias, then the activation. `y` must already have the
/// output shape and x's element type; `bias` (M elements) may be null.
/// `packed` (may be null) must come from PackedConvWeights::create(w, ...).
Status conv(const HostTensor &x, const HostTensor &w, const HostTensor *bias,
            HostTensor &y, const ConvParams &p, ThreadPool *pool,
            const PackedConvWeights *packed = nullptr);

/// y = convTranspose(x, w) + bias, then the activation.
Status convTranspose(const HostTensor &x, const HostTensor &w,
                     const HostTensor *bias, HostTensor &y, const ConvParams &p,
                     ThreadPool *pool,
                     const PackedConvWeights *packed = nullptr);

/// The direct nested loops, any element type (for tests and odd types).
Status convReference(const HostTensor &x, const HostTensor &w,
                     const HostTensor *bias, HostTensor &y,
                     const ConvParams &p);
Status convTransposeReference(const HostTensor &x, const HostTensor &w,
                              const HostTensor *bias, HostTensor &y,
                              const ConvParams &p);

} // namespace npu::kernels

#endif // NPU_KERNELS_CONV_H
