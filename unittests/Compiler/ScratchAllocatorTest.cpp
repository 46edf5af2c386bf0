//===- ScratchAllocatorTest.cpp - Liveness-based scratch allocation -------===//
//
// Reuse of dead buffers' bytes, alignment, and that buffers alive at the same
// step never overlap (checked exhaustively on random live ranges).
//
//===----------------------------------------------------------------------===//

#include "npu/Target/Blob/ScratchAllocator.h"

#include <gtest/gtest.h>

#include <random>

using namespace npu::target;

namespace {

bool overlapInTime(const LiveRange &a, const LiveRange &b) {
  return a.first <= b.last && b.first <= a.last;
}

void expectNoOverlap(const std::vector<LiveRange> &r, const ScratchLayout &l,
                     uint64_t align) {
  ASSERT_EQ(l.offsets.size(), r.size());
  for (size_t i = 0; i < r.size(); ++i) {
    EXPECT_EQ(l.offsets[i] % align, 0u) << "buffer " << i;
    EXPECT_LE(l.offsets[i] + r[i].size, l.totalSize) << "buffer " << i;
    for (size_t j = 0; j < i; ++j) {
      if (!overlapInTime(r[i], r[j]))
        continue;
      bool apart = l.offsets[i] + r[i].size <= l.offsets[j] ||
                   l.offsets[j] + r[j].size <= l.offsets[i];
      EXPECT_TRUE(apart) << "buffers " << j << " and " << i << " overlap";
    }
  }
}

TEST(ScratchAllocator, ChainReusesDeadBuffers) {
  // a -> b -> c -> d: each value is read by the next op only, so two
  // buffers suffice.
  std::vector<LiveRange> r = {
      {0, 1, 1000}, {1, 2, 1000}, {2, 3, 1000}, {3, 4, 1000}};
  ScratchLayout l = allocateScratch(r, 64);
  expectNoOverlap(r, l, 64);
  EXPECT_EQ(l.offsets[0], l.offsets[2]);
  EXPECT_EQ(l.offsets[1], l.offsets[3]);
  EXPECT_EQ(l.totalSize, 2 * alignTo(1000, 64));
}

TEST(ScratchAllocator, OperandAndResultOfOneStepDoNotShare) {
  // The result of step 1 is written while its operand is read.
  std::vector<LiveRange> r = {{0, 1, 64}, {1, 2, 64}};
  ScratchLayout l = allocateScratch(r, 64);
  EXPECT_NE(l.offsets[0], l.offsets[1]);
}

TEST(ScratchAllocator, AlignmentAndFirstFitGap) {
  // r[0] dies at step 2; r[2] and r[3] are born at step 3 beside the
  // long-lived r[1]: r[2] takes r[0]'s bytes, r[3] the gap between r[2]
  // and r[1].
  std::vector<LiveRange> r = {{0, 2, 100}, {0, 9, 10}, {3, 4, 50}, {3, 4, 30}};
  ScratchLayout l = allocateScratch(r, 64);
  expectNoOverlap(r, l, 64);
  EXPECT_EQ(l.offsets[0], 0u);
  EXPECT_EQ(l.offsets[1], 128u);
  EXPECT_EQ(l.offsets[2], 0u);  // Reuses r[0]'s bytes.
  EXPECT_EQ(l.offsets[3], 64u); // The gap below r[1].
  EXPECT_EQ(l.totalSize, 192u);
}

TEST(ScratchAllocator, Deterministic) {
  std::vector<LiveRange> r = {{0, 5, 300}, {1, 3, 700}, {2, 2, 64}};
  EXPECT_EQ(allocateScratch(r).offsets, allocateScratch(r).offsets);
}

TEST(ScratchAllocator, RandomRangesNeverOverlap) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<LiveRange> r;
    uint64_t sum = 0;
    for (int i = 0; i < 60; ++i) {
      uint64_t first = rng() % 40;
      LiveRange x{first, first + rng() % 10, 1 + rng() % 5000};
      sum += alignTo(x.size, 64);
      r.push_back(x);
    }
    ScratchLayout l = allocateScratch(r, 64);
    expectNoOverlap(r, l, 64);
    EXPECT_LE(l.totalSize, sum); // Never worse than no reuse.
  }
}

} // namespace
