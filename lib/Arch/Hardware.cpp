//===- Hardware.cpp - The NPU 3720 / 4000 descriptions --------------------===//
//
// The figures of HARDWARE.md as data. Where public sources disagree the
// choice made here is explained in docs/hardware-model.md; keep the two in
// sync.
//
//===----------------------------------------------------------------------===//

#include "npu/Arch/Hardware.h"

#include <algorithm>
#include <cctype>

namespace npu::arch {

namespace {

constexpr HardwareDesc kNPU3720 = {
    /*platform=*/Platform::NPU3720,
    /*name=*/"NPU3720",
    /*marketingName=*/"Intel(R) AI Boost (simulated Meteor Lake NPU 3720)",
    /*pciDeviceId=*/0x7D1D,
    /*numTiles=*/2,
    /*shavesPerTile=*/2,
    /*int8MacsPerCycle=*/2048,
    /*fp16MacsPerCycle=*/1024,
    // DPU rates and start-ups: fitted to VPUNN's DPU models (vpu_2_7.vpunn)
    // on ResNet-50 / MobileNetV2 workloads, test/data/cost/README.md.
    /*depthwiseMacsPerCycle=*/84,
    /*maxPoolMacsPerCycle=*/88,
    /*depthwiseMinChannels=*/32, // 16-channel workloads run at half rate.
    /*eltwiseLanes=*/64,
    /*eltwiseBytesPerCycle=*/96, // 32 int8 / 16 fp16 outputs per cycle.
    /*dpuCmxBytesPerCycle=*/80,
    /*dpuCellWidth=*/4,
    /*dpuCellHeight=*/4,
    /*dpuBlockWastePermille=*/300,
    /*dpuStartCyclesInt8=*/400,
    /*dpuStartCyclesFp16=*/600,
    /*dpuOtherStartCyclesInt8=*/200,
    /*dpuOtherStartCyclesFp16=*/400,
    /*dpuWeightFillBytesPerCycle=*/64,
    /*dpuClockKHz=*/1300000, // The compiler's figure, not the 1.4 GHz TOPS one.
    /*shaveClockKHz=*/975000,
    /*shaveVectorLanesF16=*/8,
    /*fp32Output=*/false,
    /*cmxPhysicalBytes=*/2u << 20,
    /*cmxUsableBytes=*/1936u << 10,
    /*cmxAlignment=*/64,
    /*dmaPorts=*/2,
    /*dmaBytesPerCycle=*/32,
    /*cmxClockKHz=*/975000,
    /*ddrBytesPerSecond=*/31000000000ull, // Issue 10: VPUNN DMA models.
    /*dmaDdrLatencyNs=*/956,
    /*dmaCmxLatencyCycles=*/16,
    /*dpuTaskDispatchCycles=*/200,
    /*dpuWorkloadCycles=*/50,
    /*dmaTaskDispatchCycles=*/40,
    /*shaveLaunchCycles=*/1500,
    /*barrierCycles=*/30,
    /*maxKernel=*/11,
    /*maxStride=*/8,
    /*maxDim=*/8192,
    /*channelAlignment=*/16,
    /*maxDmaTasksPerTile=*/256,
    /*maxDpuInvariantsPerTile=*/32,
    /*maxDpuVariantsPerTile=*/256,
    /*maxShaveInvocationsPerTile=*/64,
    /*latency=*/{2, 2, 1},
    /*throughput=*/{2, 2, 4},
};

constexpr HardwareDesc kNPU4000 = {
    /*platform=*/Platform::NPU4000,
    /*name=*/"NPU4000",
    /*marketingName=*/"Intel(R) AI Boost (simulated Lunar Lake NPU 4000)",
    /*pciDeviceId=*/0x643E,
    /*numTiles=*/6,
    /*shavesPerTile=*/2,
    /*int8MacsPerCycle=*/2048,
    /*fp16MacsPerCycle=*/1024,
    // Fitted to VPUNN's vpu_4_0.vpunn like NPU3720's (its 3x3 depthwise is
    // faster, its CMX wider).
    /*depthwiseMacsPerCycle=*/112,
    /*maxPoolMacsPerCycle=*/112,
    /*depthwiseMinChannels=*/32,
    /*eltwiseLanes=*/64,
    /*eltwiseBytesPerCycle=*/96,
    /*dpuCmxBytesPerCycle=*/128,
    /*dpuCellWidth=*/4,
    /*dpuCellHeight=*/4,
    /*dpuBlockWastePermille=*/300,
    /*dpuStartCyclesInt8=*/300,
    /*dpuStartCyclesFp16=*/500,
    /*dpuOtherStartCyclesInt8=*/100,
    /*dpuOtherStartCyclesFp16=*/200,
    /*dpuWeightFillBytesPerCycle=*/128,
    /*dpuClockKHz=*/1850000, // The compiler's figure (VPUNN: 1.7 GHz).
    /*shaveClockKHz=*/975000,
    /*shaveVectorLanesF16=*/8,
    /*fp32Output=*/true,
    /*cmxPhysicalBytes=*/1536u << 10,
    /*cmxUsableBytes=*/1440u << 10,
    /*cmxAlignment=*/64,
    /*dmaPorts=*/2, // One physical engine exposed as two ports.
    /*dmaBytesPerCycle=*/64,
    /*cmxClockKHz=*/971000,
    /*ddrBytesPerSecond=*/60000000000ull, // Issue 10: VPUNN DMA models.
    /*dmaDdrLatencyNs=*/300,
    /*dmaCmxLatencyCycles=*/16,
    /*dpuTaskDispatchCycles=*/200,
    /*dpuWorkloadCycles=*/50,
    /*dmaTaskDispatchCycles=*/40,
    /*shaveLaunchCycles=*/1500,
    /*barrierCycles=*/30,
    /*maxKernel=*/11,
    /*maxStride=*/8,
    /*maxDim=*/8192,
    /*channelAlignment=*/16,
    /*maxDmaTasksPerTile=*/80,
    /*maxDpuInvariantsPerTile=*/64,
    /*maxDpuVariantsPerTile=*/128,
    /*maxShaveInvocationsPerTile=*/64,
    /*latency=*/{4, 2, 1},
    /*throughput=*/{2, 2, 8},
};

} // namespace

const char *platformName(Platform p) { return hardware(p).name; }

std::optional<Platform> parsePlatform(const std::string &name) {
  std::string s = name;
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  if (s == "NPU3720" || s == "3720")
    return Platform::NPU3720;
  if (s == "NPU4000" || s == "4000")
    return Platform::NPU4000;
  return std::nullopt;
}

const char *mpeModeName(MpeMode m) {
  switch (m) {
  case MpeMode::Cuboid4x16:
    return "CUBOID_4x16";
  case MpeMode::Cuboid8x16:
    return "CUBOID_8x16";
  case MpeMode::Cuboid16x16:
    return "CUBOID_16x16";
  }
  return "?";
}

MpeBlock mpeBlock(MpeMode m) {
  switch (m) {
  case MpeMode::Cuboid4x16:
    return {8, 8, 256};
  case MpeMode::Cuboid8x16:
    return {16, 8, 128};
  case MpeMode::Cuboid16x16:
    return {16, 16, 64};
  }
  return {16, 16, 64};
}

const HardwareDesc &hardware(Platform p) {
  return p == Platform::NPU4000 ? kNPU4000 : kNPU3720;
}

std::optional<Platform> platformForDeviceId(uint32_t id) {
  for (Platform p : {Platform::NPU3720, Platform::NPU4000})
    if (hardware(p).pciDeviceId == id)
      return p;
  return std::nullopt;
}

} // namespace npu::arch
