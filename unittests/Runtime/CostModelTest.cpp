//===- CostModelTest.cpp - The cycle formulas on hand-computed cases ------===//
//
// Every expected value below is worked out by hand in the comment above it
// from the figures in lib/Arch/Hardware.cpp (docs/hardware-model.md).
//
//===----------------------------------------------------------------------===//

#include "npu/Arch/CostModel.h"
#include "npu/Blob/BlobReader.h"
#include "npu/Blob/Samples/Samples.h"
#include "npu/Simulator/Executor.h"

#include <nlohmann/json.hpp>

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

TEST(CostModel, DenseConvCellsStartUpAndBlockWaste) {
  // 56x56x64 -> 64, 3x3, int8, NPU3720, CUBOID_16x16 (16x16x64 blocks).
  // Cells (4x4 spatial, 16 channels): 56 x 56 x 64 = 200704 outputs, none
  // padded. Blocks: 4 x 4 x 1 x 16384 = 262144, 61440 of them padding:
  // waste factor 1 + 0.3 x 61440 / 262144 = 1.0703125.
  //   MACs 200704 x 9 x 64 / 2048 = 56448 x 1.0703125       = 60417
  //   CMX bound (58 x 58 x 64 + 56 x 56 x 64) / 80 = 5200   (not binding)
  //   start 400 + weight fill 16 x 9 x 64 / 64 = 144        -> 60961
  EXPECT_EQ(dpuWorkloadComputeCycles(
                mtl(), conv(56, 56, 64, 64, 3, MpeMode::Cuboid16x16)),
            60961u);
  // CUBOID_8x16 (16x8x128): 4 x 7 x 1 blocks = 458752, padding 258048:
  // factor 1.16875 -> 56448 x 1.16875 = 65973.6 -> 65974, + 544 = 66518.
  EXPECT_EQ(dpuWorkloadComputeCycles(
                mtl(), conv(56, 56, 64, 64, 3, MpeMode::Cuboid8x16)),
            66518u);
  // CUBOID_4x16 (8x8x256): 7 x 7 x 1 blocks = 802816, 3/4 padding:
  // factor 1.225 -> 69148.8 -> 69149, + 544 = 69693. The MPE mode is worth
  // 1.07 - 1.225 here, not the 3x that whole blocks used to charge.
  EXPECT_EQ(dpuWorkloadComputeCycles(
                mtl(), conv(56, 56, 64, 64, 3, MpeMode::Cuboid4x16)),
            69693u);
  // Input channels align to 16: C = 4 counts as 16. 16x16x64 is one whole
  // block (factor 1): 16384 x 9 x 16 / 2048 = 1152; CMX (18 x 18 x 16 +
  // 16384) / 80 = 269.6; fill 16 x 9 x 16 / 64 = 36; 400 + 36 + 1152.
  EXPECT_EQ(dpuWorkloadComputeCycles(
                mtl(), conv(16, 16, 64, 4, 3, MpeMode::Cuboid16x16)),
            1588u);
  // fp16 runs at 1024 MACs/cycle with a 600-cycle start: 8x8x16 out,
  // 3x3x16. Cells 1024 of a 16384 block: factor 1 + 0.3 x 15360 / 16384 =
  // 1.28125; 1024 x 144 / 1024 = 144 x 1.28125 = 184.5 -> 185; fill
  // 16 x 9 x 16 x 2 / 64 = 72; 600 + 72 + 185 = 857.
  DpuWorkloadShape f = conv(8, 8, 16, 16, 3, MpeMode::Cuboid16x16);
  f.fp16 = true;
  EXPECT_EQ(dpuWorkloadComputeCycles(mtl(), f), 857u);
  // Low arithmetic intensity: 1x1, 16 -> 64 channels, 56x56, int8. MACs
  // 200704 x 16 / 2048 = 1568 (x 1.0703125 = 1678.25), but CMX traffic
  // (56 x 56 x 16 + 56 x 56 x 64) / 80 = 3136 binds; fill 4; 400 + 4 +
  // 3136 = 3540.
  EXPECT_EQ(dpuWorkloadComputeCycles(
                mtl(), conv(56, 56, 64, 16, 1, MpeMode::Cuboid16x16)),
            3540u);
  // Task: 200 dispatch + 1 workload x 50 + 60961 = 61211.
  EXPECT_EQ(dpuTaskCycles(mtl(), 1, 60961), 61211u);
}

TEST(CostModel, DepthwisePoolAndEltwiseRates) {
  // Depthwise 3x3, 28x28x32, int8, NPU3720 at 84 MACs/cycle: 28 x 28 x 32
  // x 9 / 84 = 2688, + 200 start = 2888.
  DpuWorkloadShape d = conv(28, 28, 32, 32, 3, MpeMode::Cuboid16x16);
  d.opClass = DpuOpClass::Depthwise;
  EXPECT_EQ(dpuWorkloadComputeCycles(mtl(), d), 2888u);
  // A 16-channel workload costs as 32 channels (depthwiseMinChannels).
  d.outChannels = 16;
  EXPECT_EQ(dpuWorkloadComputeCycles(mtl(), d), 2888u);
  d.outChannels = 32;
  // fp16 at 42: 5376, + 400 = 5776.
  d.fp16 = true;
  EXPECT_EQ(dpuWorkloadComputeCycles(mtl(), d), 5776u);
  // NPU4000 (112 MACs/cycle, start 100), int8: 225792 / 112 = 2016 + 100.
  d.fp16 = false;
  EXPECT_EQ(dpuWorkloadComputeCycles(lnl(), d), 2116u);
  // Max pool 3x3, 56x56x64 (a ResNet-50 workload), int8, 88/cycle:
  // 56 x 56 x 64 x 9 / 88 = 20526.5 -> 20527, + 200.
  DpuWorkloadShape m = conv(56, 56, 64, 64, 3, MpeMode::Cuboid16x16);
  m.opClass = DpuOpClass::MaxPool;
  EXPECT_EQ(dpuWorkloadComputeCycles(mtl(), m), 20727u);
  // Eltwise 16x16x32 int8 on NPU4000: 8192 outputs; lanes 8192 / 64 = 128,
  // CMX 8192 x (1 + 1 + 1) / 96 = 256 binds; + 100 = 356.
  DpuWorkloadShape e;
  e.opClass = DpuOpClass::Eltwise;
  e.outWidth = 16;
  e.outHeight = 16;
  e.outChannels = 32;
  e.mpeMode = MpeMode::Cuboid8x16;
  EXPECT_EQ(dpuWorkloadComputeCycles(lnl(), e), 356u);
  // fp16: 8192 x 6 / 96 = 512, + 200 = 712 (16 outputs/cycle).
  e.fp16 = true;
  EXPECT_EQ(dpuWorkloadComputeCycles(lnl(), e), 712u);
}

TEST(CostModel, DmaLatencyPlusBandwidth) {
  // NPU3720, 1 MiB from DDR: latency ceil(956 ns x 1.3 GHz) = ceil(1242.8)
  // = 1243; bandwidth min(32 B x 975 MHz = 31.2 GB/s, 31 GB/s) = 31 GB/s:
  // ceil(1048576 x 1.3e9 / 31e9) = ceil(43972.6) = 43973; + 40 dispatch.
  EXPECT_EQ(dmaTaskCycles(mtl(), 1 << 20, true), 40u + 1243u + 43973u);
  EXPECT_EQ(dmaFixedCycles(mtl(), true), 40u + 1243u);
  // NPU3720 CMX -> CMX 4096 B: ceil(16 x 1300/975) = 22 latency,
  // ceil(4096 x 1.3e9 / 31.2e9) = ceil(170.67) = 171; + 40.
  EXPECT_EQ(dmaTaskCycles(mtl(), 4096, false), 40u + 22u + 171u);
  // NPU4000, 1 MiB from DDR: ceil(300 x 1.85) = 555; min(64 x 971 MHz =
  // 62.1 GB/s, 60 GB/s) = 60 GB/s: ceil(1048576 x 1.85 / 60) =
  // ceil(32331.1) = 32332.
  EXPECT_EQ(dmaTaskCycles(lnl(), 1 << 20, true), 40u + 555u + 32332u);
}

TEST(CostModel, SharedDdr) {
  // NPU3720, DDR 31 GB/s: one transfer alone moves at 31 GB/s, exactly
  // dmaTransferCycles.
  std::vector<uint64_t> e = sharedDdrEnds(mtl(), {100}, {1 << 20});
  EXPECT_EQ(e[0], 100u + dmaTransferCycles(mtl(), 1 << 20, true));
  // Two 310000 B transfers from t = 0 share 31 GB/s: 15.5 GB/s each, both
  // done after 2 x 310000 x 1.3 / 31 = 26000 cycles.
  e = sharedDdrEnds(mtl(), {0, 0}, {310000, 310000});
  EXPECT_EQ(e[0], 26000u);
  EXPECT_EQ(e[1], 26000u);
  // The second starts at 10000: until then the first moves alone at
  // 31 GB/s (10000 x 31 / 1.3 = 238461.5 B); both then share 15.5 GB/s
  // each; the first's remaining 71538.5 B take 71538.5 x 1.3 / 15.5 = 6000
  // cycles -> 16000. The second has moved 71538.5 B by then and finishes
  // the other 238461.5 B alone in 10000 cycles -> 26000: DDR never idles,
  // so the pair ends when 620000 B at 31 GB/s would.
  e = sharedDdrEnds(mtl(), {10000, 0}, {310000, 310000});
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

TEST(CostModel, MatMulShaveTasks) {
  // A launch (1500 SHAVE cycles) of fp16 multiply-accumulates at 8 lanes.
  EXPECT_EQ(matMulLaunchMacs(mtl()), 12000u);
  // 4 heads of 49 x 49 x 16 (153664 MACs) on 4 SHAVEs: one task by
  // default (at least 131072 MACs each), one per head by work.
  EXPECT_EQ(matMulShaveTasks(4, 4, 153664), 1u);
  EXPECT_EQ(matMulShaveTasks(4, 4, 153664, matMulLaunchMacs(mtl())), 4u);
  // At most one slab per task and one task per SHAVE; never 0.
  EXPECT_EQ(matMulShaveTasks(4, 2, 153664, 12000), 2u);
  EXPECT_EQ(matMulShaveTasks(12, 100, 1u << 30, 12000), 12u);
  EXPECT_EQ(matMulShaveTasks(4, 4, 100, 12000), 1u);
}

TEST(CostModel, ShaveChainPaysTheLaunchOnce) {
  // A chain of one kernel is that kernel's task.
  EXPECT_EQ(shaveChainCycles(mtl(), {{ShaveKernel::Softmax, 1000, 2}}),
            shaveTaskCycles(mtl(), ShaveKernel::Softmax, 1000, 2));
  // Softmax over 1000 fp16 (125 x 12) then sigmoid over them in fp32 (250 x
  // 8): 1500 + 1500 + 2000 = 5000 SHAVE cycles -> ceil(6666.67) = 6667 DPU
  // cycles, against 4000 + 4667 as two tasks.
  EXPECT_EQ(shaveChainCycles(mtl(), {{ShaveKernel::Softmax, 1000, 2},
                                     {ShaveKernel::Sigmoid, 1000, 4}}),
            6667u);
  // No kernel: the launch alone.
  EXPECT_EQ(shaveChainCycles(mtl(), {}), 2000u);
}

TEST(CostModel, BenchmarkConvTimeline) {
  // The benchmark layer on NPU3720, per tile. The two tiles run the same
  // schedule on their own DMA port, so every transfer overlaps its twin on
  // the other port and each moves at floor(31 GB/s / 2) = 15.5 GB/s
  // (SharedDdr); fixed part 40 + 1243 = 1283:
  //   load_input   29 rows x 56 x 64 = 103936 B: 1283 +
  //                ceil(103936 x 1.3 / 15.5) = 8718      -> [0, 10001)
  //   load_weights 36864 B: 1283 + 3092                  -> [10001, 14376)
  //   load_table   1024 B:  1283 + 86                    -> [14376, 15745)
  //   barrier +30                                        -> 15775
  //   conv 56x28x64, CUBOID_16x16: cells 100352 of 4 x 2 x 1 blocks
  //        (131072): factor 1.0703125; 100352 x 576 / 2048 = 28224 ->
  //        30208.5 -> 30209; CMX (58 x 30 x 64 + 100352) / 80 = 2647;
  //        + 400 start + 144 fill = 30753; + 200 + 50  -> [15775, 46778)
  //   barrier +30                                        -> 46808
  //   store 28 x 56 x 64 = 100352 B: 1283 + 8417          -> [46808, 56508)
  // Modelled latency: 56508 cycles = 43.47 us at 1.3 GHz.
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
  EXPECT_EQ(prof.totalCycles, 56508u);
  for (const sim::TaskRecord &t : prof.tasks) {
    if (t.name == "conv_t0" || t.name == "conv_t1") {
      EXPECT_EQ(t.start, 15775u);
      EXPECT_EQ(t.end, 46778u);
    }
  }
  // Busy time of each DPU: 31003 cycles.
  for (const sim::EngineBusy &e : prof.engines)
    if (e.engine == blob::Engine::Dpu)
      EXPECT_EQ(e.busyCycles, 31003u);
  auto trace = nlohmann::json::parse(sim::traceJson(prof, Platform::NPU3720));
  ASSERT_TRUE(trace["traceEvents"].is_array());
  bool conv = false;
  for (const auto &e : trace["traceEvents"])
    conv |= e["name"] == "conv_t1" && e["ph"] == "X";
  EXPECT_TRUE(conv);
  EXPECT_EQ(trace["otherData"]["total_cycles"], 56508);
}
