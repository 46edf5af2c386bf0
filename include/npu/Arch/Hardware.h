//===- Hardware.h - The one hardware description of NPU 3720 / 4000 -*- C++
//-*-===//
//
// Everything the simulator's cycle model, the blob verifier and the
// compiler's cost model need to know about a platform, as data: one struct per
// platform, no per-platform code paths. The figures and the choices made where
// public sources disagree are documented in docs/hardware-model.md.
//
// Plain C++ (no MLIR, no LLVM): the compiler links this same library.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_ARCH_HARDWARE_H
#define NPU_ARCH_HARDWARE_H

#include <cstdint>
#include <optional>
#include <string>

namespace npu::arch {

/// The NPU generations the project targets. Values are stable: they are
/// stored in blobs.
enum class Platform : uint8_t {
  NPU3720 = 0, ///< Meteor Lake ("VPU 2.7").
  NPU4000 = 1, ///< Lunar Lake ("VPU 4").
};
constexpr unsigned kNumPlatforms = 2;

/// Bytes the NPU addresses in DDR: its DMA and task descriptors carry 32-bit
/// DDR offsets, so one inference's scratch and any one tensor stay within a
/// 4 GiB window (both platforms).
constexpr uint64_t kDdrWindowBytes = uint64_t(4) << 30;

/// "NPU3720" / "NPU4000".
const char *platformName(Platform p);
/// Parses "NPU3720", "3720", "NPU4000", "4000" (case-insensitive).
std::optional<Platform> parsePlatform(const std::string &name);

/// DPU output block shapes ("MPE modes"). Values are stored in blobs.
enum class MpeMode : uint8_t {
  Cuboid4x16 = 0,  ///< 8 x 8 x 256 (W x H x K) per block.
  Cuboid8x16 = 1,  ///< 16 x 8 x 128.
  Cuboid16x16 = 2, ///< 16 x 16 x 64.
};
const char *mpeModeName(MpeMode m);

/// The output block of an MPE mode, in output elements.
struct MpeBlock {
  uint32_t width;
  uint32_t height;
  uint32_t channels;
  uint64_t volume() const { return uint64_t(width) * height * channels; }
};
MpeBlock mpeBlock(MpeMode m);

/// Per-performance-hint plugin defaults (HARDWARE.md, "Plugin defaults").
struct HintDefaults {
  uint32_t tiles;
  uint32_t dmaEngines;
  uint32_t optimalInferRequests;
};

/// One platform's figures. Clocks are in kHz so that every cycle conversion
/// is exact integer arithmetic (the cycle model must be deterministic).
struct HardwareDesc {
  Platform platform;
  const char *name;          ///< "NPU3720".
  const char *marketingName; ///< "Intel(R) AI Boost (Meteor Lake NPU 3720)".
  uint32_t pciDeviceId;      ///< Reported as the Level Zero device id.

  // Compute.
  uint32_t numTiles;              ///< NCE tiles, one DPU each.
  uint32_t shavesPerTile;         ///< ACT-SHAVE DSPs per tile.
  uint32_t int8MacsPerCycle;      ///< Per DPU, dense int8 convolution.
  uint32_t fp16MacsPerCycle;      ///< Per DPU, dense fp16 convolution.
  uint32_t depthwiseMacsPerCycle; ///< int8 depthwise conv and avg pooling.
  uint32_t maxPoolMacsPerCycle;   ///< int8 max pooling (window elements).
  /// Depthwise / pooling workloads cost at least this many channels.
  uint32_t depthwiseMinChannels;
  uint32_t eltwiseLanes; ///< PPE lanes: eltwise outputs per cycle.
  /// CMX bytes per DPU cycle an eltwise moves (two inputs, one output).
  uint32_t eltwiseBytesPerCycle;
  /// CMX bytes a convolution reads and writes per DPU cycle: bounds
  /// low-arithmetic-intensity convolutions.
  uint32_t dpuCmxBytesPerCycle;
  /// The output cell the DPU computes in: width x height x channelAlignment.
  uint32_t dpuCellWidth, dpuCellHeight;
  /// What padding a workload to whole MPE blocks costs, per mille of the
  /// padded-out volume (0: blocks are free, 1000: charged whole).
  uint32_t dpuBlockWastePermille;
  /// Pipeline start-up of a dense conv workload, int8 and fp16 inputs.
  uint32_t dpuStartCyclesInt8, dpuStartCyclesFp16;
  /// The same for depthwise, pooling and eltwise workloads.
  uint32_t dpuOtherStartCyclesInt8, dpuOtherStartCyclesFp16;
  /// Dense conv: the weights of the first 16 output channels are read
  /// before the MACs run, at this many bytes per cycle.
  uint32_t dpuWeightFillBytesPerCycle;
  uint32_t dpuClockKHz;
  uint32_t shaveClockKHz;
  uint32_t shaveVectorLanesF16; ///< fp16 lanes of one SHAVE vector op.
  bool fp32Output;              ///< The DPU can write fp32 outputs.

  // Memory.
  uint64_t cmxPhysicalBytes; ///< Per tile.
  uint64_t cmxUsableBytes;   ///< Per tile, what compiled code may use.
  uint32_t cmxAlignment;     ///< Required alignment of CMX buffers.

  // Data movement.
  uint32_t dmaPorts;            ///< DMA ports visible to task lists.
  uint32_t dmaBytesPerCycle;    ///< DMA width per CMX clock cycle.
  uint32_t cmxClockKHz;         ///< The DMA / CMX clock.
  uint64_t ddrBytesPerSecond;   ///< DDR bandwidth shared by all ports.
  uint32_t dmaDdrLatencyNs;     ///< First byte from DDR.
  uint32_t dmaCmxLatencyCycles; ///< CMX-to-CMX start-up, in CMX cycles.

  // Fixed costs, in DPU cycles (see docs/hardware-model.md for why).
  uint32_t dpuTaskDispatchCycles; ///< Invariant load per DPU task.
  uint32_t dpuWorkloadCycles;     ///< Variant (descriptor) load per workload.
  uint32_t dmaTaskDispatchCycles; ///< Descriptor fetch per DMA task.
  uint32_t shaveLaunchCycles; ///< Kernel launch per SHAVE task (SHAVE cycles).
  uint32_t barrierCycles;     ///< Barrier update + consumer wake-up.

  // Limits checked by the verifier.
  uint32_t maxKernel;
  uint32_t maxStride;
  uint32_t maxDim;
  uint32_t channelAlignment;

  // Per-tile task budgets in firmware metadata (informational).
  uint32_t maxDmaTasksPerTile;
  uint32_t maxDpuInvariantsPerTile;
  uint32_t maxDpuVariantsPerTile;
  uint32_t maxShaveInvocationsPerTile;

  HintDefaults latency;
  HintDefaults throughput;

  /// Peak dense int8 MACs per second of the whole device.
  double peakInt8MacsPerSecond() const {
    return double(numTiles) * int8MacsPerCycle * dpuClockKHz * 1000.0;
  }
};

/// The description of a platform. Never fails: Platform is a closed enum.
const HardwareDesc &hardware(Platform p);

/// Finds the platform whose pciDeviceId is `id`.
std::optional<Platform> platformForDeviceId(uint32_t id);

} // namespace npu::arch

#endif // NPU_ARCH_HARDWARE_H
