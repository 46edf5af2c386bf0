//===- RaceCheckTest.cpp - Unordered conflicting tasks --------------------===//

#include "npu/Target/Blob/RaceCheck.h"

#include <gtest/gtest.h>

using namespace npu;
using namespace npu::blob;

namespace {

/// Input x and output y (f16 [16]); one DMA per port, the first copying x
/// to y, the second copying `secondSrc` of x into y at byte `dstOffset`
/// with `dstShape` / `dstStrides`.
Program twoCopies(std::vector<uint32_t> dstShape,
                  std::vector<uint64_t> dstStrides, uint64_t dstOffset) {
  Program p;
  p.inputs = {{"x", DType::F16, {16}, Layout::ND, {}}};
  p.outputs = {{"y", DType::F16, {16}, Layout::ND, {}}};
  p.memory.cmxUsed = {0, 0};
  p.buffers = {{"x", MemSpace::Input, 0, 0, 32},
               {"y", MemSpace::Output, 0, 0, 32}};
  Task a;
  a.name = "a";
  a.kind = Engine::Dma;
  a.dma.src = TensorRef::dense(0, 0, DType::F16, dstShape);
  a.dma.dst = TensorRef::dense(1, 0, DType::F16, dstShape);
  a.dma.dst.strides = dstStrides;
  Task b = a;
  b.name = "b";
  b.dma.dst.offset = dstOffset;
  p.taskLists = {{Engine::Dma, 0, {a}}, {Engine::Dma, 1, {b}}};
  return p;
}

TEST(RaceCheck, UnorderedWritersOfTheSameBytesRace) {
  Program p = twoCopies({16}, {2}, 0);
  std::string error;
  EXPECT_FALSE(target::checkRaces(p, error));
  EXPECT_NE(error.find("tasks 'a' (dma[0]) and 'b' (dma[1]) race: both "
                       "touch output 0 bytes [0, 32), both writing"),
            std::string::npos)
      << error;
  // A barrier orders them.
  p.barriers = {{1, 1}};
  p.taskLists[0].tasks[0].updateBarriers = {0};
  p.taskLists[1].tasks[0].waitBarriers = {0};
  EXPECT_TRUE(target::checkRaces(p, error)) << error;
}

TEST(RaceCheck, InterleavedWritersOfDisjointElementsDoNotRace) {
  // Even and odd elements: the byte ranges overlap, the elements do not.
  Program p = twoCopies({8}, {4}, 2);
  std::string error;
  EXPECT_TRUE(target::checkRaces(p, error)) << error;
  // Shifted by one element onto the first copy's: a race.
  p.taskLists[1].tasks[0].dma.dst.offset = 4;
  EXPECT_FALSE(target::checkRaces(p, error));
}

TEST(RaceCheck, ReadersDoNotRace) {
  Program p = twoCopies({16}, {2}, 0);
  // Both read x; b writes y, a writes nothing a reads: make a's copy go to
  // a second output.
  p.outputs.push_back({"z", DType::F16, {16}, Layout::ND, {}});
  p.buffers.push_back({"z", MemSpace::Output, 1, 0, 32});
  p.taskLists[0].tasks[0].dma.dst.buffer = 2;
  std::string error;
  EXPECT_TRUE(target::checkRaces(p, error)) << error;
}

} // namespace
