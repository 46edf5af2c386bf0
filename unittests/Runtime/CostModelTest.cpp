//===- CostModelTest.cpp - The cycle formulas on hand-computed cases ------===//
//
// Every expected value below is worked out by hand in the comment above it
// from the figures in lib/Arch/Hardware.cpp (docs/hardware-model.md).
//
//===----------------------------------------------------------------------===//

#include "npu/Arch/CostModel.h"
#include "npu/Blob/BlobReader.h"
#include "npu/Blob/Samples.h"
#include "npu/Simulator/Executor.h"

#include <gtest/gtest.h>

using namespace npu;
using namespace npu::arch;

namespace {
const HardwareDesc &mtl() { return hardware(Platform::NPU3720); }
const HardwareDesc &lnl() { return hardware(Platform::NPU4000); }

DpuWorkloadShape conv(uint32_t w, uint32_t h, uint32_t k, uint32_t c,
                      uint32_t kernel, MpeMode m) {
  DpuWorkloadShape s;
  s.opClass = DpuOpClass::Conv;
  s.outWidth = w;
  s.outHeight = h;
  s.outChannels = k;
  s.inChannels = c;
  s.kernelH = s.kernelW = kernel;
  s.mpeMode = m;
  return s;
}
} // namespace

TEST(HardwareDesc, Figures) {
  EXPECT_EQ(mtl().numTiles, 2u);
  EXPECT_EQ(lnl().numTiles, 6u);
  EXPECT_EQ(mtl().cmxUsableBytes, 1982464u); // 1936 KiB
  EXPECT_EQ(lnl().cmxUsableBytes, 1474560u); // 1440 KiB
  EXPECT_EQ(mpeBlock(MpeMode::Cuboid4x16).volume(), 16384u);
  EXPECT_EQ(mpeBlock(MpeMode::Cuboid8x16).volume(), 16384u);
  EXPECT_EQ(mpeBlock(MpeMode::Cuboid16x16).volume(), 16384u);
  EXPECT_EQ(parsePlatform("npu4000"), Platform::NPU4000);
  EXPECT_EQ(parsePlatform("3720"), Platform::NPU3720);
  EXPECT_FALSE(parsePlatform("NPU5000"));
  EXPECT_EQ(platformForDeviceId(0x643E), Platform::NPU4000);
  // 2 tiles x 2048 MACs x 1.3 GHz = 5.3248 TMAC/s.
  EXPECT_DOUBLE_EQ(mtl().peakInt8MacsPerSecond(), 5.3248e12);
}

TEST(CostModel, DenseConvRoundsToWholeBlocks) {
  // 56x56x64 -> 64, 3x3, int8. CUBOID_16x16 (16x16x64): ceil(56/16) = 4,
  // 4, 1 -> 16 blocks; each block 16384 outputs x (9 x 64) MACs / 2048 =
  // 4608 cycles -> 73728 (the ideal, unpadded, is 115605504/2048 = 56448).
  EXPECT_EQ(dpuWorkloadComputeCycles(
                mtl(), conv(56, 56, 64, 64, 3, MpeMode::Cuboid16x16)),
            73728u);
  // CUBOID_8x16 (16x8x128): 4 x 7 x 1 = 28 blocks x 4608 = 129024.
  EXPECT_EQ(dpuWorkloadComputeCycles(
                mtl(), conv(56, 56, 64, 64, 3, MpeMode::Cuboid8x16)),
            129024u);
  // CUBOID_4x16 (8x8x256): 7 x 7 x 1 = 49 blocks x 4608 = 225792.
  EXPECT_EQ(dpuWorkloadComputeCycles(
                mtl(), conv(56, 56, 64, 64, 3, MpeMode::Cuboid4x16)),
            225792u);
  // Input channels align to 16: C = 4 counts as 16. 16x16x64 block, 3x3:
  // 16384 x 9 x 16 / 2048 = 1152.
  EXPECT_EQ(dpuWorkloadComputeCycles(
                mtl(), conv(16, 16, 64, 4, 3, MpeMode::Cuboid16x16)),
            1152u);
  // fp16 runs at 1024 MACs/cycle: 8x8x16 out, 3x3x16: one block,
  // 16384 x 144 / 1024 = 2304.
  DpuWorkloadShape f = conv(8, 8, 16, 16, 3, MpeMode::Cuboid16x16);
  f.fp16 = true;
  EXPECT_EQ(dpuWorkloadComputeCycles(mtl(), f), 2304u);
  // Task: 200 dispatch + 1 workload x 50 + 73728 = 73978.
  EXPECT_EQ(dpuTaskCycles(mtl(), 1, 73728), 73978u);
}

TEST(CostModel, DepthwiseAndEltwiseRates) {
  // Depthwise 3x3, 28x28x32, CUBOID_16x16: 2 x 2 x 1 blocks, each
  // 16384 x 9 / 256 = 576 -> 2304.
  DpuWorkloadShape d = conv(28, 28, 32, 32, 3, MpeMode::Cuboid16x16);
  d.opClass = DpuOpClass::Depthwise;
  EXPECT_EQ(dpuWorkloadComputeCycles(mtl(), d), 2304u);
  // fp16 depthwise at 128 MACs/cycle: 4 x 16384 x 9 / 128 = 4608.
  d.fp16 = true;
  EXPECT_EQ(dpuWorkloadComputeCycles(mtl(), d), 4608u);
  // Eltwise 16x16x32 on NPU4000 in CUBOID_8x16 (16x8x128): 1 x 2 x 1
  // blocks of 16384 / 64 lanes = 256 -> 512.
  DpuWorkloadShape e;
  e.opClass = DpuOpClass::Eltwise;
  e.outWidth = 16;
  e.outHeight = 16;
  e.outChannels = 32;
  e.mpeMode = MpeMode::Cuboid8x16;
  EXPECT_EQ(dpuWorkloadComputeCycles(lnl(), e), 512u);
}

TEST(CostModel, DmaLatencyPlusBandwidth) {
  // NPU3720, 1 MiB from DDR: latency ceil(956 ns x 1.3 GHz) = ceil(1242.8)
  // = 1243; bandwidth min(32 B x 975 MHz = 31.2 GB/s, 27 GB/s) = 27 GB/s:
  // ceil(1048576 x 1.3e9 / 27e9) = ceil(50486.8) = 50487; + 40 dispatch.
  EXPECT_EQ(dmaTaskCycles(mtl(), 1 << 20, true), 40u + 1243u + 50487u);
  // NPU3720 CMX -> CMX 4096 B: ceil(16 x 1300/975) = 22 latency,
  // ceil(4096 x 1.3e9 / 31.2e9) = ceil(170.67) = 171; + 40.
  EXPECT_EQ(dmaTaskCycles(mtl(), 4096, false), 40u + 22u + 171u);
  // NPU4000, 1 MiB from DDR: ceil(300 x 1.85) = 555; min(64 x 971 MHz,
  // 45 GB/s) = 45 GB/s: ceil(1048576 x 1.85 / 45) = ceil(43108.09) = 43109.
  EXPECT_EQ(dmaTaskCycles(lnl(), 1 << 20, true), 40u + 555u + 43109u);
}

TEST(CostModel, SharedDdr) {
  // NPU3720, DDR 27 GB/s below the 31.2 GB/s of one port: one transfer
  // alone moves at 27 GB/s, exactly dmaTransferCycles.
  std::vector<uint64_t> e = sharedDdrEnds(mtl(), {100}, {1 << 20});
  EXPECT_EQ(e[0], 100u + dmaTransferCycles(mtl(), 1 << 20, true));
  // Two 270000 B transfers from t = 0 share 27 GB/s: 13.5 GB/s each, both
  // done after 2 x 270000 x 1.3 / 27 = 26000 cycles.
  e = sharedDdrEnds(mtl(), {0, 0}, {270000, 270000});
  EXPECT_EQ(e[0], 26000u);
  EXPECT_EQ(e[1], 26000u);
  // The second starts at 10000: until then the first moves alone at
  // 27 GB/s (10000 x 27 / 1.3 = 207692.3 B); both then share 13.5 GB/s
  // each; the first's remaining 62307.7 B take 62307.7 x 1.3 / 13.5 = 6000
  // cycles -> 16000. The second has moved 62307.7 B by then and finishes
  // the other 207692.3 B alone in 10000 cycles -> 26000: DDR never idles,
  // so the pair ends when 540000 B at 27 GB/s would.
  e = sharedDdrEnds(mtl(), {10000, 0}, {270000, 270000});
  EXPECT_EQ(e[1], 16000u);
  EXPECT_EQ(e[0], 26000u);
}

TEST(CostModel, ShaveCycles) {
  // Softmax over 1000 fp16: 8 lanes -> 125 vectors x 12 + 1500 launch =
  // 3000 SHAVE cycles = 3000 x 1300 / 975 = 4000 DPU cycles.
  EXPECT_EQ(shaveTaskCycles(mtl(), ShaveKernel::Softmax, 1000, 2), 4000u);
  // Sigmoid over 1000 fp32: 4 lanes -> 250 x 8 + 1500 = 3500 ->
  // ceil(3500 x 1300 / 975) = ceil(4666.67) = 4667.
  EXPECT_EQ(shaveTaskCycles(mtl(), ShaveKernel::Sigmoid, 1000, 4), 4667u);
}

TEST(CostModel, BenchmarkConvTimeline) {
  // The benchmark layer on NPU3720, per tile. The two tiles run the same
  // schedule on their own DMA port, so every transfer overlaps its twin on
  // the other port and each moves at floor(27 GB/s / 2) = 13.5 GB/s
  // (SharedDdr); fixed part 40 + 1243 = 1283:
  //   load_input   29 rows x 56 x 64 = 103936 B: 1283 +
  //                ceil(103936 x 1.3 / 13.5) = 10009     -> [0, 11292)
  //   load_weights 36864 B: 1283 + 3550                  -> [11292, 16125)
  //   load_table   1024 B:  1283 + 99                    -> [16125, 17507)
  //   barrier +30                                        -> 17537
  //   conv 56x28x64: 4 x 2 x 1 blocks x 4608 = 36864, + 200 + 50
  //                                                      -> [17537, 54651)
  //   barrier +30                                        -> 54681
  //   store 28 x 56 x 64 = 100352 B: 1283 + 9664          -> [54681, 65628)
  // Modelled latency: 65628 cycles = 50.48 us at 1.3 GHz.
  blob::ConvBlobSpec s = blob::benchmarkConvSpec(Platform::NPU3720);
  std::vector<uint8_t> bytes = blob::buildConvBlob(s);
  blob::LoadedBlob b;
  std::string error;
  ASSERT_TRUE(blob::readBlob(bytes.data(), bytes.size(), {}, b, error))
      << error;
  std::vector<int8_t> in(56 * 56 * 64, 1), out(56 * 56 * 64);
  sim::DeviceState state;
  sim::RunProfile prof;
  ASSERT_TRUE(sim::execute(b, {{in.data(), in.size()}},
                           {{out.data(), out.size()}}, state, &prof, error))
      << error;
  EXPECT_EQ(prof.totalCycles, 65628u);
  for (const sim::TaskRecord &t : prof.tasks) {
    if (t.name == "conv_t0" || t.name == "conv_t1") {
      EXPECT_EQ(t.start, 17537u);
      EXPECT_EQ(t.end, 54651u);
    }
  }
  // Busy time of each DPU: 37114 cycles.
  for (const sim::EngineBusy &e : prof.engines)
    if (e.engine == blob::Engine::Dpu)
      EXPECT_EQ(e.busyCycles, 37114u);
  std::string trace = sim::traceJson(prof, Platform::NPU3720);
  EXPECT_NE(trace.find("\"traceEvents\""), std::string::npos);
  EXPECT_NE(trace.find("\"name\": \"conv_t1\""), std::string::npos);
  EXPECT_NE(trace.find("\"total_cycles\": 65628"), std::string::npos);
}
