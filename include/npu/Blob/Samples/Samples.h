//===- Samples.h - Sample blobs built with the ProgramBuilder --*- C++ -*-===//
//
// Small, realistic blobs written into the build tree (build/samples) so that
// npu-run can be tried by hand before the compiler emits blobs, and reused by
// the tests and the benchmark. Each is a complete task list: DMA in, compute
// on DPU or SHAVE, DMA out, ordered by barriers.
//
// Built as its own library (NPUBlobSamples), which the runtime does not link:
// only npu-blob, the tests and the benchmarks do.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_BLOB_SAMPLES_SAMPLES_H
#define NPU_BLOB_SAMPLES_SAMPLES_H

#include "npu/Blob/Program.h"

#include <string>
#include <vector>

namespace npu::blob {

/// A quantized 2-D convolution as DPU tasks, its output rows split across
/// tiles (each tile gets its input rows plus halo by DMA).
struct ConvBlobSpec {
  arch::Platform platform = arch::Platform::NPU3720;
  uint32_t height = 16, width = 16, inChannels = 16, outChannels = 16;
  uint32_t kernel = 3, stride = 1, pad = 1;
  bool nchw = false; ///< Graph arguments NCHW (DMAs transpose) or NHWC.
  arch::Activation activation = arch::Activation::Relu;
  int32_t leakyMult = 0;
  uint8_t leakyShift = 0;
  int32_t inZeroPoint = 0;
  int32_t outZeroPoint = 0;
  std::vector<int8_t> weights; ///< [K][kh][kw][C].
  std::vector<int32_t> bias;   ///< [K].
  std::vector<uint16_t> mult;  ///< [K].
  std::vector<uint8_t> shift;  ///< [K].
  /// I8, or F16 (F32 on NPU4000) for a dequantizing convolution whose
  /// per-channel fp32 scales are `floatScale`.
  DType outputType = DType::I8;
  std::vector<float> floatScale; ///< [K], float outputs only.
  uint32_t tiles = 1;
  uint32_t workloadsPerTile = 1;
  arch::MpeMode mpeMode = arch::MpeMode::Cuboid16x16;
};

/// Fills weights / bias / mult / shift with deterministic pseudo-random
/// values of realistic magnitude.
void fillConvParams(ConvBlobSpec &spec, uint32_t seed);

/// The blob of `spec`: input "input" i8, output "output" of outputType.
std::vector<uint8_t> buildConvBlob(const ConvBlobSpec &spec);

/// The benchmark's ResNet-style layer: int8 3x3 convolution 56x56x64 -> 64,
/// padding 1, ReLU, NHWC, output rows split over two tiles, one
/// CUBOID_16x16 workload per tile, deterministic parameters.
ConvBlobSpec benchmarkConvSpec(arch::Platform platform);

struct SampleBlob {
  std::string name; ///< File stem, e.g. "conv_relu_int8".
  std::string description;
  std::vector<uint8_t> bytes;
};

/// Every sample for one platform: conv_relu_int8, eltwise_add_int8,
/// maxpool_int8, softmax_fp16, conv_fp16.
std::vector<SampleBlob> makeSampleBlobs(arch::Platform platform);

/// Deterministic pseudo-random generator shared by samples and tests.
class SplitMix {
public:
  explicit SplitMix(uint64_t seed) : state(seed) {}
  uint64_t next();
  int32_t uniform(int32_t lo, int32_t hi); ///< Inclusive.
  float uniformFloat(float lo, float hi);

private:
  uint64_t state;
};

} // namespace npu::blob

#endif // NPU_BLOB_SAMPLES_SAMPLES_H
