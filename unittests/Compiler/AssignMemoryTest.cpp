//===- AssignMemoryTest.cpp - Memory assignment of the tasks stage --------===//
//
// Random task programs (DMA chains through CMX and scratch buffers on both
// ports, in a random legal schedule): after memory assignment every buffer
// has an offset, the program passes the blob verifier and the race check
// (every reuse of bytes got its wait), and the CMX used per tile is within
// the usable CMX and at least the bytes live at once.
//
//===----------------------------------------------------------------------===//

#include "npu/Target/Blob/AssignMemory.h"

#include "npu/Blob/Verifier.h"
#include "npu/Target/Blob/RaceCheck.h"

#include <gtest/gtest.h>

#include <random>

using namespace npu;
using namespace npu::target;

namespace {

blob::TensorRef view(uint32_t buffer, uint32_t elements) {
  return blob::TensorRef::dense(buffer, 0, DType::F16, {elements});
}

/// A program of `chains` chains input -> CMX -> scratch -> CMX -> output
/// row, each link a DMA on a random port, the chains' links interleaved in
/// a random order that keeps each chain's links in order.
struct RandomProgram {
  blob::Program program;
  ProgramSchedule schedule;
};

RandomProgram makeProgram(std::mt19937 &rng, uint32_t chains,
                          uint32_t elements) {
  RandomProgram out;
  blob::Program &p = out.program;
  p.platform = arch::Platform::NPU3720;
  p.compilerVersion = "test";
  blob::TensorDesc desc;
  desc.dtype = DType::F16;
  desc.shape = {int64_t(chains), int64_t(elements)};
  desc.name = "x";
  p.inputs.push_back(desc);
  desc.name = "y";
  p.outputs.push_back(desc);
  uint64_t bytes = uint64_t(elements) * 2;
  p.buffers.push_back({"x", blob::MemSpace::Input, 0, 0, chains * bytes});
  p.buffers.push_back({"y", blob::MemSpace::Output, 0, 0, chains * bytes});
  // Per chain: its buffers and its 4 links (src, dst buffer and offsets).
  struct Link {
    uint32_t src, dst;
    uint64_t srcOffset, dstOffset;
  };
  std::vector<std::vector<Link>> links(chains);
  for (uint32_t c = 0; c < chains; ++c) {
    uint32_t tile = rng() % 2;
    auto add = [&](const char *kind, blob::MemSpace space, uint32_t index) {
      p.buffers.push_back({std::string(kind) + std::to_string(c), space, index,
                           kUnassignedOffset, bytes});
      return uint32_t(p.buffers.size() - 1);
    };
    uint32_t a = add("a", blob::MemSpace::Cmx, tile);
    uint32_t s = add("s", blob::MemSpace::Scratch, 0);
    uint32_t b = add("b", blob::MemSpace::Cmx, 1 - tile);
    links[c] = {
        {0, a, c * bytes, 0}, {a, s, 0, 0}, {s, b, 0, 0}, {b, 1, 0, c * bytes}};
  }
  // A random interleaving; each link its own op group and step.
  std::vector<uint32_t> next(chains, 0);
  p.taskLists.resize(2);
  out.schedule.resize(2);
  for (uint32_t port = 0; port < 2; ++port) {
    p.taskLists[port].engine = blob::Engine::Dma;
    p.taskLists[port].index = port;
  }
  uint32_t position = 0;
  while (position < 4 * chains) {
    uint32_t c = rng() % chains;
    if (next[c] == 4)
      continue;
    const Link &l = links[c][next[c]++];
    blob::Task t;
    t.name = "t" + std::to_string(position);
    t.kind = blob::Engine::Dma;
    t.dma.src = view(l.src, elements);
    t.dma.src.offset = l.srcOffset;
    t.dma.dst = view(l.dst, elements);
    t.dma.dst.offset = l.dstOffset;
    uint32_t port = rng() % 2;
    p.taskLists[port].tasks.push_back(t);
    out.schedule[port].push_back({position, position, position});
    ++position;
  }
  p.memory.cmxUsed.assign(arch::hardware(p.platform).numTiles, 0);
  return out;
}

TEST(AssignMemory, RandomProgramsAreValidAndRaceFree) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 40; ++trial) {
    // Up to 30 chains of 64 KB buffers: CMX (1.9 MB per tile) must reuse.
    uint32_t chains = 2 + rng() % 29;
    RandomProgram r = makeProgram(rng, chains, 32768);
    MemoryAssignmentReport report;
    std::string error;
    ASSERT_TRUE(assignMemory(r.program, r.schedule, {}, report, error))
        << "trial " << trial << ": " << error;
    for (const blob::Buffer &b : r.program.buffers)
      EXPECT_NE(b.offset, kUnassignedOffset) << b.name;
    EXPECT_TRUE(blob::verifyProgram(r.program, 0, error))
        << "trial " << trial << ": " << error;
    EXPECT_TRUE(checkRaces(r.program, error))
        << "trial " << trial << ": " << error;
    const arch::HardwareDesc &hw = arch::hardware(r.program.platform);
    for (uint32_t t = 0; t < hw.numTiles; ++t) {
      // Without planned offsets a tile is placed by reuse cost or packed.
      EXPECT_NE(report.cmxPlacement[t], CmxPlacement::Planned);
      EXPECT_EQ(report.cmxPlacement[t] == CmxPlacement::None,
                report.cmxUsed[t] == 0);
      EXPECT_LE(report.cmxUsed[t], hw.cmxUsableBytes);
      EXPECT_GE(report.cmxUsed[t], report.cmxLiveBytes[t]);
      EXPECT_EQ(r.program.memory.cmxUsed[t], report.cmxUsed[t]);
    }
    EXPECT_EQ(r.program.memory.scratchSize, report.scratchSize);
  }
}

TEST(AssignMemory, SameInputSameProgram) {
  std::mt19937 a(9), b(9);
  RandomProgram x = makeProgram(a, 12, 4096), y = makeProgram(b, 12, 4096);
  MemoryAssignmentReport rx, ry;
  std::string error;
  ASSERT_TRUE(assignMemory(x.program, x.schedule, {}, rx, error)) << error;
  ASSERT_TRUE(assignMemory(y.program, y.schedule, {}, ry, error)) << error;
  EXPECT_TRUE(x.program == y.program);
}

TEST(AssignMemory, SmallScratchDoesNotChainIndependentTasks) {
  // Two independent copies through the scratch, each on its own DMA port:
  // x -> s0 -> y[0] on port 0, then x -> s1 -> y[1] on port 1. s1 is born
  // after s0 died; reusing s0's bytes would make s1's writer wait for s0's
  // reader (a barrier between work that is independent). The scratch has
  // room to spare (kilobytes), so s1 gets bytes of its own and no task of
  // port 1 waits for port 0.
  blob::Program p;
  p.platform = arch::Platform::NPU3720;
  p.compilerVersion = "test";
  const uint32_t n = 2048;
  const uint64_t bytes = n * 2;
  blob::TensorDesc desc;
  desc.dtype = DType::F16;
  desc.shape = {2, int64_t(n)};
  desc.name = "x";
  p.inputs.push_back(desc);
  desc.name = "y";
  p.outputs.push_back(desc);
  p.buffers.push_back({"x", blob::MemSpace::Input, 0, 0, 2 * bytes});
  p.buffers.push_back({"y", blob::MemSpace::Output, 0, 0, 2 * bytes});
  p.buffers.push_back(
      {"s0", blob::MemSpace::Scratch, 0, kUnassignedOffset, bytes});
  p.buffers.push_back(
      {"s1", blob::MemSpace::Scratch, 0, kUnassignedOffset, bytes});
  ProgramSchedule schedule(2);
  p.taskLists.resize(2);
  uint32_t position = 0;
  auto copy = [&](uint32_t port, uint32_t src, uint64_t srcOffset, uint32_t dst,
                  uint64_t dstOffset) {
    blob::Task t;
    t.name = "t" + std::to_string(position);
    t.kind = blob::Engine::Dma;
    t.dma.src = view(src, n);
    t.dma.src.offset = srcOffset;
    t.dma.dst = view(dst, n);
    t.dma.dst.offset = dstOffset;
    p.taskLists[port].engine = blob::Engine::Dma;
    p.taskLists[port].index = port;
    p.taskLists[port].tasks.push_back(t);
    schedule[port].push_back({position, position, position});
    ++position;
  };
  copy(0, 0, 0, 2, 0);
  copy(0, 2, 0, 1, 0);
  copy(1, 0, bytes, 3, 0);
  copy(1, 3, 0, 1, bytes);
  p.memory.cmxUsed.assign(arch::hardware(p.platform).numTiles, 0);
  MemoryAssignmentReport report;
  std::string error;
  ASSERT_TRUE(assignMemory(p, schedule, {}, report, error)) << error;
  EXPECT_NE(p.buffers[2].offset, p.buffers[3].offset);
  for (const blob::Task &t : p.taskLists[1].tasks)
    EXPECT_TRUE(t.waitBarriers.empty()) << t.name;
  EXPECT_TRUE(checkRaces(p, error)) << error;
}

TEST(AssignMemory, BadScheduleIsAnError) {
  std::mt19937 rng(1);
  RandomProgram r = makeProgram(rng, 3, 64);
  r.schedule[0].pop_back();
  MemoryAssignmentReport report;
  std::string error;
  EXPECT_FALSE(assignMemory(r.program, r.schedule, {}, report, error));
  EXPECT_NE(error.find("schedule"), std::string::npos) << error;
}

} // namespace
