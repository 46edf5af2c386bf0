//===- CodegenUnitsTest.cpp - Tiling, workloads, DMA views, scheduler -----===//
//
// The plain C++ units of code generation on small cases whose answers are
// known: halo rows of H-tiling, CMX fit and coverage of the pieces,
// workloads covering a task under the verifier's rules, DMA view
// simplification, and barriers derived from hazards.
//
//===----------------------------------------------------------------------===//

#include "npu/Target/Blob/DmaViews.h"
#include "npu/Target/Blob/TaskScheduler.h"
#include "npu/Target/Blob/Tiling.h"
#include "npu/Target/Blob/Workloads.h"

#include <gtest/gtest.h>

using namespace npu;
using namespace npu::target;

namespace {

DpuOpGeometry conv3x3(uint32_t H, uint32_t C, uint32_t K, uint32_t stride) {
  DpuOpGeometry g;
  g.op = blob::DpuOp::Conv;
  g.H = g.W = H;
  g.C = C;
  g.K = K;
  g.kh = g.kw = 3;
  g.sh = g.sw = stride;
  g.padTop = g.padLeft = g.padBottom = g.padRight = 1;
  g.OH = g.OW = (H + 2 - 3) / stride + 1;
  g.inElemBytes = g.outElemBytes = g.weightElemBytes = 2;
  return g;
}

TEST(Tiling, HaloRowsAndEdgePadding) {
  DpuOpGeometry g = conv3x3(16, 16, 16, 1);
  uint32_t row, rows, pt, pb;
  inputRowsFor(g, 0, 4, row, rows, pt, pb);
  EXPECT_EQ(row, 0u);
  EXPECT_EQ(rows, 5u);
  EXPECT_EQ(pt, 1u);
  EXPECT_EQ(pb, 0u);
  inputRowsFor(g, 4, 4, row, rows, pt, pb);
  EXPECT_EQ(row, 3u);
  EXPECT_EQ(rows, 6u);
  EXPECT_EQ(pt, 0u);
  EXPECT_EQ(pb, 0u);
  inputRowsFor(g, 12, 4, row, rows, pt, pb);
  EXPECT_EQ(row, 11u);
  EXPECT_EQ(rows, 5u);
  EXPECT_EQ(pb, 1u);
}

TEST(Tiling, PiecesFitCmxAndCoverTheOutput) {
  for (arch::Platform p : {arch::Platform::NPU3720, arch::Platform::NPU4000}) {
    const arch::HardwareDesc &hw = arch::hardware(p);
    // 2 MiB of f16 input and 4.5 MiB of weights: needs rows and channels.
    DpuOpGeometry g = conv3x3(64, 256, 1024, 2);
    DpuTiling t;
    std::string error;
    TilingOptions o;
    o.tiles = hw.numTiles;
    ASSERT_TRUE(planDpuTiling(g, hw, o, t, error)) << error;
    EXPECT_LE(t.layout.total, hw.cmxUsableBytes);
    EXPECT_GT(t.channelPieces, 1u);
    std::vector<int> covered(size_t(g.OH) * g.K, 0);
    std::vector<int> used(hw.numTiles, 0);
    for (const DpuPiece &pc : t.pieces) {
      EXPECT_EQ(pc.kc % 16, 0u);
      used[pc.tile] = 1;
      for (uint32_t y = pc.outRow; y < pc.outRow + pc.outRows; ++y)
        for (uint32_t k = pc.k0; k < pc.k0 + pc.kc; ++k)
          ++covered[size_t(y) * g.K + k];
    }
    for (int c : covered)
      EXPECT_EQ(c, 1);
    for (int u : used)
      EXPECT_EQ(u, 1); // Every DPU works.
  }
}

TEST(Tiling, FirstWeightsCreditLowersOnlyTheFirstSlice) {
  // TilingOptions::firstWeightsCredit takes up to that many cycles off each
  // tile's first weights slice: the same choice's estimate falls by at most
  // the credit per tile, never rises, and does not move for an op without
  // weights.
  const arch::HardwareDesc &hw = arch::hardware(arch::Platform::NPU3720);
  DpuOpGeometry eltwise = conv3x3(28, 64, 64, 1);
  eltwise.op = blob::DpuOp::EltwiseAdd;
  eltwise.kh = eltwise.kw = 1;
  eltwise.padTop = eltwise.padLeft = eltwise.padBottom = eltwise.padRight = 0;
  int lowered = 0;
  for (DpuOpGeometry g : {conv3x3(14, 256, 256, 1), conv3x3(7, 512, 512, 1),
                          conv3x3(56, 64, 64, 1), eltwise})
    for (uint64_t credit : {uint64_t(5000), uint64_t(1) << 40}) {
      TilingOptions o;
      o.tiles = 2;
      o.inputResident = true;
      DpuTiling without, with;
      std::string error;
      ASSERT_TRUE(planDpuTiling(g, hw, o, without, error)) << error;
      o.firstWeightsCredit = credit;
      ASSERT_TRUE(tileDpuAs(g, hw, o, without.choice, with, error)) << error;
      EXPECT_LE(with.estimatedCycles, without.estimatedCycles);
      EXPECT_GE(with.estimatedCycles + std::min<uint64_t>(credit, 1u << 30),
                without.estimatedCycles);
      if (!g.hasWeights())
        EXPECT_EQ(with.estimatedCycles, without.estimatedCycles);
      lowered += with.estimatedCycles < without.estimatedCycles;
    }
  EXPECT_GT(lowered, 0);
}

TEST(Tiling, PiecesOfWholeDpuCells) {
  // ResNet-50's 1x1 256 -> 64 convolution on 56 x 56 int8, its input
  // banded over two tiles (28 rows each). The heights ceil(56 / j) split a
  // band into pieces that pad rows to whole 4-row DPU cells (12 + 12 + 4,
  // or 14 + 14 padded to 16 + 16); a multiple of the cell height (16 + 12)
  // pads none, and the planner, which also tries those, beats every
  // ceil(56 / j) height.
  const arch::HardwareDesc &hw = arch::hardware(arch::Platform::NPU3720);
  DpuOpGeometry g;
  g.op = blob::DpuOp::Conv;
  g.H = g.W = g.OH = g.OW = 56;
  g.C = 256;
  g.K = 64;
  TilingOptions o;
  o.tiles = 2;
  o.banded = true;
  o.inputResident = true;
  o.cmxBudget = 600 * 1024;
  DpuTiling t;
  std::string error;
  ASSERT_TRUE(planDpuTiling(g, hw, o, t, error)) << error;
  EXPECT_EQ(t.choice.rows, 16u);
  int tried = 0;
  for (uint32_t j = 1; j <= 56; ++j)
    for (uint32_t slots : {1u, 2u}) {
      DpuTilingChoice c = t.choice;
      c.rows = (56 + j - 1) / j;
      c.slots = slots;
      DpuTiling even;
      if (!tileDpuAs(g, hw, o, c, even, error))
        continue;
      ++tried;
      EXPECT_LT(t.estimatedCycles, even.estimatedCycles) << c.rows << " rows";
    }
  EXPECT_GT(tried, 0);
}

TEST(Tiling, PointwiseEstimateCountsFlattenedPixels) {
  // A 1x1 convolution over one row of 128 pixels (a transformer's MatMul)
  // runs as 8 x 16 pixels or better (flatPixelShapes, EmitDpu.cpp), not as
  // one row padded to 4-row cells: its estimate is at most the 8 x 16
  // convolution's, which moves the same bytes.
  const arch::HardwareDesc &hw = arch::hardware(arch::Platform::NPU3720);
  auto pointwise = [](uint32_t h, uint32_t w) {
    DpuOpGeometry g;
    g.op = blob::DpuOp::Conv;
    g.H = g.OH = h;
    g.W = g.OW = w;
    g.C = g.K = 256;
    return g;
  };
  TilingOptions o;
  o.tiles = 1;
  std::string error;
  DpuTiling row, square;
  DpuTilingChoice c{0, 256, 1, 1};
  c.rows = 1;
  ASSERT_TRUE(tileDpuAs(pointwise(1, 128), hw, o, c, row, error)) << error;
  c.rows = 8;
  ASSERT_TRUE(tileDpuAs(pointwise(8, 16), hw, o, c, square, error)) << error;
  EXPECT_LE(row.estimatedCycles, square.estimatedCycles);
  EXPECT_FALSE(flatPixelShapes(hw, 1, 128).empty());
  EXPECT_TRUE(flatPixelShapes(hw, 8, 16).empty());
}

TEST(Tiling, FitsAgreesWithPlanning) {
  // dpuTilingFits (the residency planner's check) must answer exactly what
  // planDpuTiling finds, at every budget, with every operand residency.
  const arch::HardwareDesc &hw = arch::hardware(arch::Platform::NPU3720);
  int fits = 0, misses = 0;
  for (DpuOpGeometry g : {conv3x3(64, 256, 1024, 2), conv3x3(16, 16, 16, 1),
                          conv3x3(56, 64, 64, 1)})
    for (uint64_t budget : {uint64_t(4096), uint64_t(40000), uint64_t(300000),
                            uint64_t(1000000), hw.cmxUsableBytes})
      for (int flags = 0; flags < 4; ++flags) {
        TilingOptions o;
        o.tiles = 2;
        o.cmxBudget = budget;
        o.inputResident = flags & 1;
        o.outputResident = flags & 2;
        DpuTiling t;
        std::string error;
        bool planned = planDpuTiling(g, hw, o, t, error);
        EXPECT_EQ(dpuTilingFits(g, hw, o), planned)
            << "budget " << budget << " flags " << flags;
        (planned ? fits : misses)++;
      }
  EXPECT_GT(fits, 0);
  EXPECT_GT(misses, 0);
}

bool samePieces(const DpuTiling &a, const DpuTiling &b) {
  if (a.pieces.size() != b.pieces.size())
    return false;
  for (size_t i = 0; i < a.pieces.size(); ++i) {
    const DpuPiece &x = a.pieces[i], &y = b.pieces[i];
    if (x.tile != y.tile || x.outRow != y.outRow || x.outRows != y.outRows ||
        x.k0 != y.k0 || x.kc != y.kc || x.inRow != y.inRow ||
        x.inRows != y.inRows || x.padTop != y.padTop ||
        x.padBottom != y.padBottom || x.c0 != y.c0 || x.cin != y.cin)
      return false;
  }
  const CmxLayout &l = a.layout, &m = b.layout;
  return l.slots == m.slots && l.weightSlots == m.weightSlots &&
         l.total == m.total && l.inputSize == m.inputSize &&
         l.weightsSize == m.weightsSize && l.outputSize == m.outputSize &&
         l.weights[1] == m.weights[1] && l.output[1] == m.output[1];
}

TEST(Tiling, RecordedChoiceRebuildsThePlan) {
  // The tiled stage records only the choice (TilingRecord.h); rebuilding
  // from it must give exactly the planned pieces and layout, under every
  // residency and tile count, or a recorded compile would differ from a
  // planned one.
  for (arch::Platform p : {arch::Platform::NPU3720, arch::Platform::NPU4000}) {
    const arch::HardwareDesc &hw = arch::hardware(p);
    for (DpuOpGeometry g : {conv3x3(64, 256, 1024, 2), conv3x3(16, 16, 16, 1),
                            conv3x3(56, 64, 64, 1), conv3x3(14, 512, 512, 1)})
      for (uint32_t tiles = 1; tiles <= hw.numTiles; ++tiles)
        for (int flags = 0; flags < 8; ++flags) {
          TilingOptions o;
          o.tiles = tiles;
          o.inputResident = flags & 1;
          o.outputResident = flags & 2;
          o.banded = tiles > 1 && (flags & 4);
          o.cmxBudget = (flags & 4) ? 900000 : 0;
          DpuTiling planned, rebuilt;
          std::string error;
          if (!planDpuTiling(g, hw, o, planned, error))
            continue;
          ASSERT_TRUE(tileDpuAs(g, hw, o, planned.choice, rebuilt, error))
              << error;
          EXPECT_TRUE(samePieces(planned, rebuilt));
          EXPECT_EQ(planned.estimatedCycles, rebuilt.estimatedCycles);
          EXPECT_EQ(planned.rowPieces, rebuilt.rowPieces);
          EXPECT_EQ(planned.channelPieces, rebuilt.channelPieces);
        }
  }
}

TEST(Tiling, RecordedChoiceIsChecked) {
  const arch::HardwareDesc &hw = arch::hardware(arch::Platform::NPU3720);
  DpuOpGeometry g = conv3x3(16, 64, 64, 1);
  TilingOptions o;
  o.tiles = 2;
  DpuTiling t;
  std::string error;
  EXPECT_TRUE(tileDpuAs(g, hw, o, {4, 32, 2, 1}, t, error)) << error;
  EXPECT_EQ(t.pieces.size(), 8u);
  EXPECT_STREQ(tilingStrategy(t, 2), "split over K");
  // Two slices per tile: two weight slots are allowed.
  EXPECT_TRUE(tileDpuAs(g, hw, o, {8, 16, 2, 2}, t, error)) << error;
  EXPECT_EQ(t.layout.weightSlots, 2u);
  EXPECT_TRUE(tileDpuAs(g, hw, o, {16, 64, 1, 1}, t, error));
  EXPECT_EQ(t.pieces.size(), 1u);
  EXPECT_STREQ(tilingStrategy(t, 2), "one tile");
  EXPECT_TRUE(tileDpuAs(g, hw, o, {8, 64, 1, 1}, t, error));
  EXPECT_STREQ(tilingStrategy(t, 2), "split over H");
  // 3 slices of 3 row pieces over 2 tiles: slice 1 spans both tiles.
  EXPECT_TRUE(
      tileDpuAs(conv3x3(16, 64, 48, 1), hw, o, {6, 16, 1, 1}, t, error));
  EXPECT_EQ(t.pieces.size(), 9u);
  EXPECT_STREQ(tilingStrategy(t, 2), "split over H and K");

  struct Bad {
    DpuTilingChoice c;
    const char *error;
  } bad[] = {
      {{0, 64, 1, 1}, "rows = 0 is not in [1, 16] (the output rows)"},
      {{4, 8, 1, 1}, "channels = 8 is not a multiple of 16 in [16, 64]"},
      {{4, 80, 1, 1}, "channels = 80 is not a multiple of 16 in [16, 64]"},
      {{4, 64, 0, 1}, "slots = 0 is not 1 or 2"},
      {{4, 64, 2, 2}, "weight_slots = 2 is not 1, or 2 with slots = 2"},
      {{4, 32, 1, 2}, "weight_slots = 2 is not 1, or 2 with slots = 2"},
  };
  for (const Bad &b : bad) {
    EXPECT_FALSE(tileDpuAs(g, hw, o, b.c, t, error));
    EXPECT_NE(error.find(b.error), std::string::npos) << error;
  }
  o.cmxBudget = 4096;
  EXPECT_FALSE(tileDpuAs(g, hw, o, {16, 64, 1, 1}, t, error));
  EXPECT_NE(error.find("bytes of CMX per tile; the op has 4096"),
            std::string::npos)
      << error;
  o.cmxBudget = 0;
  o.maxPieceRows = 2;
  EXPECT_FALSE(tileDpuAs(g, hw, o, {4, 64, 1, 1}, t, error));
  EXPECT_NE(error.find("above max-piece-rows = 2"), std::string::npos);
}

TEST(Tiling, MaxPieceRows) {
  const arch::HardwareDesc &hw = arch::hardware(arch::Platform::NPU3720);
  DpuOpGeometry g = conv3x3(16, 16, 16, 1);
  DpuTiling t;
  std::string error;
  TilingOptions o;
  o.tiles = 1;
  o.maxPieceRows = 5;
  ASSERT_TRUE(planDpuTiling(g, hw, o, t, error)) << error;
  for (const DpuPiece &pc : t.pieces)
    EXPECT_LE(pc.outRows, 5u);
}

TEST(Workloads, CoverAndFollowTheRules) {
  const arch::HardwareDesc &hw4 = arch::hardware(arch::Platform::NPU4000);
  DpuTaskShape s;
  s.op = blob::DpuOp::DepthwiseConv;
  s.outHeight = 13;
  s.outWidth = 7;
  s.outChannels = 112;
  s.kernelH = s.kernelW = 3;
  WorkloadPlan p = planWorkloads(hw4, s);
  uint64_t volume = 0;
  for (const blob::Workload &w : p.workloads) {
    EXPECT_TRUE(w.channels == 16 || w.channels == 32 || w.channels == 64);
    EXPECT_EQ(w.mpeMode, arch::MpeMode::Cuboid16x16);
    volume += uint64_t(w.width) * w.height * w.channels;
  }
  EXPECT_EQ(volume, 13u * 7 * 112);

  s.op = blob::DpuOp::EltwiseAdd;
  for (const blob::Workload &w : planWorkloads(hw4, s).workloads)
    EXPECT_EQ(w.mpeMode, arch::MpeMode::Cuboid8x16);
}

TEST(Workloads, PicksTheCheapestMode) {
  // A 4-row, 256-channel conv output: CUBOID_4x16 (8x8x256) wastes least.
  const arch::HardwareDesc &hw = arch::hardware(arch::Platform::NPU3720);
  DpuTaskShape s;
  s.outHeight = 8;
  s.outWidth = 8;
  s.outChannels = 256;
  s.inChannels = 64;
  WorkloadPlan p = planWorkloads(hw, s);
  ASSERT_EQ(p.workloads.size(), 1u);
  EXPECT_EQ(p.workloads[0].mpeMode, arch::MpeMode::Cuboid4x16);
}

TEST(DmaViews, TransposeOfRank6SplitsIntoRank5) {
  CopyRequest r;
  r.shape = {2, 3, 2, 3, 2, 3};
  r.elemBytes = 2;
  // Source: the transpose of a dense tensor of the reversed shape.
  std::vector<uint64_t> in = denseStrides({3, 2, 3, 2, 3, 2}, 2);
  r.srcStrides = {in[5], in[4], in[3], in[2], in[1], in[0]};
  r.dstStrides = denseStrides(r.shape, 2);
  std::vector<CopyPiece> out;
  std::string error;
  ASSERT_TRUE(planCopies(r, out, error)) << error;
  EXPECT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].dstOffset, 3u * 2 * 3 * 2 * 3 * 2);
  EXPECT_EQ(out[0].shape.size(), 5u);
}

TEST(DmaViews, DenseCopyBecomesOneRun) {
  CopyRequest r;
  r.shape = {4, 1, 8, 16};
  r.elemBytes = 1;
  r.srcStrides = r.dstStrides = denseStrides(r.shape, 1);
  std::vector<CopyPiece> out;
  std::string error;
  ASSERT_TRUE(planCopies(r, out, error));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].shape, std::vector<uint32_t>{512});
}

blob::Task named(const char *n) {
  blob::Task t;
  t.name = n;
  return t;
}

TEST(TaskScheduler, BarriersOnlyForRealHazards) {
  TaskScheduler s;
  auto acc = [](uint64_t b, uint64_t e, bool w) {
    return Access{blob::MemSpace::Scratch, 0, b, e, w};
  };
  s.beginOp();
  s.add(blob::Engine::Dma, 0, named("a"), {acc(0, 64, true)});
  s.endOp();
  s.beginOp();
  s.add(blob::Engine::Dma, 1, named("b"), {acc(64, 128, true)}); // Independent.
  s.endOp();
  s.beginOp();
  s.add(blob::Engine::Dma, 0, named("c"),
        {acc(0, 64, false), acc(64, 128, false), acc(128, 192, true)});
  s.endOp();
  blob::Program p;
  s.finalize(p);
  ASSERT_EQ(p.taskLists.size(), 2u);
  // c follows a on its own queue: only b's op barrier is needed.
  ASSERT_EQ(p.barriers.size(), 1u);
  EXPECT_EQ(p.barriers[0].producerCount, 1u);
  EXPECT_EQ(p.barriers[0].consumerCount, 1u);
  EXPECT_EQ(p.taskLists[1].tasks[0].updateBarriers, std::vector<uint32_t>{0});
  EXPECT_EQ(p.taskLists[0].tasks[1].waitBarriers, std::vector<uint32_t>{0});
  EXPECT_TRUE(p.taskLists[0].tasks[0].updateBarriers.empty());
}

TEST(TaskScheduler, PartialConsumersWaitForTheStepsTheyRead) {
  TaskScheduler s;
  auto cmx = [](uint32_t tile, uint64_t b, uint64_t e, bool w) {
    return Access{blob::MemSpace::Cmx, tile, b, e, w};
  };
  // A producer op writing two row ranges of a tensor on two DPUs.
  s.beginOp();
  s.add(blob::Engine::Dpu, 0, named("p0"), {cmx(0, 0, 64, true)});
  s.add(blob::Engine::Dpu, 1, named("p1"), {cmx(0, 64, 128, true)});
  s.endOp();
  // A consumer piece reading only the first range waits for p0 alone.
  s.beginOp();
  s.add(blob::Engine::Dpu, 2, named("c0"), {cmx(0, 0, 64, false)});
  s.endOp();
  // A consumer reading both ranges waits for one barrier of the whole op.
  s.beginOp();
  s.add(blob::Engine::Dpu, 3, named("c1"), {cmx(0, 0, 128, false)});
  s.endOp();
  blob::Program p;
  s.finalize(p);
  ASSERT_EQ(p.taskLists.size(), 4u);
  ASSERT_EQ(p.barriers.size(), 2u);
  const blob::Task &c0 = p.taskLists[2].tasks[0];
  const blob::Task &c1 = p.taskLists[3].tasks[0];
  ASSERT_EQ(c0.waitBarriers.size(), 1u);
  ASSERT_EQ(c1.waitBarriers.size(), 1u);
  EXPECT_EQ(p.barriers[c0.waitBarriers[0]].producerCount, 1u);
  EXPECT_EQ(p.barriers[c1.waitBarriers[0]].producerCount, 2u);
  EXPECT_EQ(p.taskLists[0].tasks[0].updateBarriers.size(), 2u);
  EXPECT_EQ(p.taskLists[1].tasks[0].updateBarriers.size(), 1u);
}

/// An access to rows [r, r + rows) x channels [c0, c0 + c) of an int8
/// [16, 8, 64] tensor at CMX offset 4096 of tile 0.
Access channelSlice(uint32_t r, uint32_t rows, uint32_t c0, uint32_t c,
                    bool write) {
  Access a;
  a.space = blob::MemSpace::Cmx;
  uint64_t offset = uint64_t(r) * 8 * 64 + c0;
  std::vector<uint32_t> shape = {rows, 8, c};
  std::vector<uint64_t> strides = {8 * 64, 64, 1};
  a.begin = 4096 + offset;
  a.end = 4096 + offset + (rows - 1) * 512 + 7 * 64 + c;
  a.write = write;
  a.setBox(4096, offset, 1, shape, strides);
  return a;
}

TEST(TaskScheduler, ChannelSlicesOfOneTensorDoNotConflict) {
  Access a = channelSlice(0, 16, 0, 32, true),
         b = channelSlice(0, 16, 32, 32, true);
  EXPECT_EQ(a.boxRank, 3u);
  // Their byte ranges interleave, their elements do not.
  EXPECT_TRUE(a.begin < b.end && b.begin < a.end);
  EXPECT_FALSE(a.overlaps(b));
  EXPECT_TRUE(a.overlaps(channelSlice(4, 2, 16, 32, false)));
  EXPECT_FALSE(a.overlaps(channelSlice(0, 16, 32, 16, false)));
  // Rows apart: no conflict either; the same rows and channels: conflict.
  EXPECT_FALSE(channelSlice(0, 4, 0, 64, true)
                   .overlaps(channelSlice(4, 4, 0, 64, false)));
  EXPECT_TRUE(channelSlice(3, 2, 0, 64, true)
                  .overlaps(channelSlice(4, 4, 0, 64, false)));

  // A view that is not a box of a row-major parent (transposed strides) or
  // another parent (other strides) is compared by its byte range.
  Access t;
  t.space = blob::MemSpace::Cmx;
  t.begin = a.begin, t.end = a.end;
  t.setBox(4096, 0, 1, {64, 8, 16}, {1, 64, 512});
  EXPECT_EQ(t.boxRank, 0u);
  EXPECT_TRUE(t.overlaps(b));
  Access other = b;
  other.setBox(4096, 32, 1, {16, 4, 32}, {256, 64, 1});
  EXPECT_EQ(other.boxRank, 3u);
  EXPECT_TRUE(a.overlaps(other));
  // A slice that would wrap past its row is not a box.
  Access wrap;
  wrap.setBox(4096, 48, 1, {1, 8, 32}, {512, 64, 1});
  EXPECT_EQ(wrap.boxRank, 0u);
}

TEST(TaskScheduler, ChannelSliceWritersRunWithoutBarriers) {
  // Two DPUs writing channel slices of one resident tensor, then a copy
  // reading the first slice: it waits for the first writer only.
  TaskScheduler s;
  s.beginOp();
  s.beginStep();
  s.add(blob::Engine::Dpu, 0, named("k0"), {channelSlice(0, 16, 0, 32, true)});
  s.endStep();
  s.beginStep();
  s.add(blob::Engine::Dpu, 1, named("k1"), {channelSlice(0, 16, 32, 32, true)});
  s.endStep();
  s.beginStep();
  s.add(blob::Engine::Dma, 0, named("copy0"),
        {channelSlice(0, 16, 0, 32, false)});
  s.endStep();
  s.endOp();
  blob::Program p;
  s.finalize(p);
  ASSERT_EQ(p.barriers.size(), 1u);
  EXPECT_EQ(p.barriers[0].producerCount, 1u);
  EXPECT_EQ(p.taskLists[0].tasks[0].name, "copy0");
  EXPECT_EQ(p.taskLists[1].tasks[0].updateBarriers, std::vector<uint32_t>{0});
  EXPECT_TRUE(p.taskLists[2].tasks[0].updateBarriers.empty());
}

TEST(TaskScheduler, EstimateFollowsQueuesAndHazards) {
  // Cycles by name: the DPU task 100, a load 50, anything else 30.
  TaskScheduler s(/*deriveBarriers=*/false);
  s.enableEstimate([](const blob::Task &t) -> uint64_t {
    if (t.name == "dpu")
      return 100;
    return t.name.rfind("load", 0) == 0 ? 50 : 30;
  });
  auto cmx = [](uint64_t b, uint64_t e, bool w) {
    return Access{blob::MemSpace::Cmx, 0, b, e, w};
  };
  s.beginOp();
  s.add(blob::Engine::Dpu, 0, named("dpu"), {cmx(0, 64, true)});
  // A store of the DPU's output waits for it: port 0 ends at 130.
  std::vector<Access> store = {cmx(0, 64, false)};
  EXPECT_EQ(s.estimatedReady(store), 100u);
  s.add(blob::Engine::Dma, 0, named("store"), store);
  EXPECT_EQ(s.estimatedQueueEnd(blob::Engine::Dma, 0), 130u);
  EXPECT_EQ(s.estimatedQueueEnd(blob::Engine::Dma, 1), 0u);
  s.endOp();
  s.beginOp();
  // Independent loads are ready at once and follow each other on their
  // queue.
  std::vector<Access> load = {cmx(128, 192, true)};
  EXPECT_EQ(s.estimatedReady(load), 0u);
  s.add(blob::Engine::Dma, 1, named("load0"), load);
  s.add(blob::Engine::Dma, 1, named("load1"), {cmx(192, 256, true)});
  EXPECT_EQ(s.estimatedQueueEnd(blob::Engine::Dma, 1), 100u);
  // A write over the first load's bytes waits for it (WAW), not for the
  // rest; a read of the DPU's output, for the DPU (RAW).
  EXPECT_EQ(s.estimatedReady({cmx(128, 130, true)}), 50u);
  EXPECT_EQ(s.estimatedReady({cmx(0, 8, false), cmx(320, 384, true)}), 100u);
  // Another op's DPU task reading the load waits for it and its queue.
  s.add(blob::Engine::Dpu, 0, named("dpu"),
        {cmx(192, 256, false), cmx(384, 448, true)});
  EXPECT_EQ(s.estimatedQueueEnd(blob::Engine::Dpu, 0), 200u);
  s.endOp();
}

} // namespace
