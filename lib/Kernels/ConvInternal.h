//===- ConvInternal.h - Shared geometry of the convolution kernels -*- C++ -*-//
//
// Convolutions with one to three spatial dimensions are normalised to three
// (D, H, W), leading dimensions of size 1, so that one implementation of
// each fast path covers Conv1d/2d/3d. Private to lib/Kernels.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_KERNELS_CONVINTERNAL_H
#define NPU_LIB_KERNELS_CONVINTERNAL_H

#include "npu/Kernels/Conv.h"

namespace npu::kernels {

struct ConvGeometry {
  int64_t batch = 1;
  int64_t inChannels = 1, outChannels = 1, group = 1;
  int64_t in[3] = {1, 1, 1};  // input spatial sizes
  int64_t out[3] = {1, 1, 1}; // output spatial sizes
  int64_t kernel[3] = {1, 1, 1};
  int64_t stride[3] = {1, 1, 1};
  int64_t dilation[3] = {1, 1, 1};
  int64_t padBegin[3] = {0, 0, 0};

  int64_t inPlane() const { return in[0] * in[1] * in[2]; }
  int64_t outPlane() const { return out[0] * out[1] * out[2]; }
  int64_t kernelVolume() const { return kernel[0] * kernel[1] * kernel[2]; }
  int64_t inPerGroup() const { return inChannels / group; }
  int64_t outPerGroup() const { return outChannels / group; }
};

/// Fills `g` from validated shapes; false if there are more than three
/// spatial dimensions.
bool makeConvGeometry(const std::vector<int64_t> &x,
                      const std::vector<int64_t> &w,
                      const std::vector<int64_t> &y, const ConvParams &p,
                      bool transposed, ConvGeometry &g);

/// The packed weights of group `g`: from `packed` when it was packed for
/// the active SIMD level, else packed now into `local` from the group's
/// matrix (M x K at `w` with leading dimension `lda`, or its transpose).
const PackedLhs &groupWeights(const PackedConvWeights *packed, int64_t g,
                              PackedLhs &local, const float *w, int64_t lda,
                              bool trans, int64_t m, int64_t k);

/// Called with finished ranges of output elements (may be empty).
using OutputReady = std::function<void(int64_t, int64_t)>;

/// The float32 fast paths (shapes already validated).
void convIm2ColF32(const ConvGeometry &g, const float *x, const float *w,
                   const float *bias, float *y, const GemmActivation &act,
                   ThreadPool *pool, const PackedConvWeights *packed,
                   const OutputReady &ready);
/// True if the depthwise kernel handles this geometry.
bool isDepthwise2D(const ConvGeometry &g);
void depthwiseConvF32(const ConvGeometry &g, const float *x, const float *w,
                      const float *bias, float *y, const GemmActivation &act,
                      ThreadPool *pool, const OutputReady &ready);
void convTransposeF32(const ConvGeometry &g, const float *x, const float *w,
                      const float *bias, float *y, const GemmActivation &act,
                      ThreadPool *pool, const PackedConvWeights *packed,
                      const OutputReady &ready);

/// The int32 paths (ExactInt32.h): `x` and `w` hold the int32 operands as
/// floats, `blockDepth` is their exactBlockDepth; bias and y are int32 and
/// the results equal the reference loops'. The depthwise kernel sums a
/// whole window in float: the kernel volume must be at most `blockDepth`.
void convIm2ColInt32(const ConvGeometry &g, const float *x, const float *w,
                     const int32_t *bias, int32_t *y, int64_t blockDepth,
                     ThreadPool *pool, const OutputReady &ready);
void depthwiseConvInt32(const ConvGeometry &g, const float *x, const float *w,
                        const int32_t *bias, int32_t *y, ThreadPool *pool,
                        const OutputReady &ready);
void convTransposeInt32(const ConvGeometry &g, const float *x, const float *w,
                        const int32_t *bias, int32_t *y, int64_t blockDepth,
                        ThreadPool *pool, const OutputReady &ready);

} // namespace npu::kernels

#endif // NPU_LIB_KERNELS_CONVINTERNAL_H
