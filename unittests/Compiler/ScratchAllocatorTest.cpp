//===- ScratchAllocatorTest.cpp - Liveness-based scratch allocation -------===//
//
// Reuse of dead buffers' bytes, alignment, and that buffers alive at the same
// step never overlap (checked exhaustively on random live ranges), for the
// three placements; the cheapest-reuse placement's choices and capacity.
//
//===----------------------------------------------------------------------===//

#include "npu/Target/Blob/ScratchAllocator.h"

#include <gtest/gtest.h>

#include <algorithm>
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

/// The placement by its definition: each range in order at the lowest
/// (`bestFit`: the smallest) free gap among every placed range it meets in
/// time, fixed ranges first where they are.
ScratchLayout referencePlace(const std::vector<LiveRange> &r,
                             std::vector<size_t> order, uint64_t align,
                             bool bestFit) {
  ScratchLayout l;
  l.offsets.assign(r.size(), 0);
  std::vector<size_t> placed;
  for (size_t i = 0; i < r.size(); ++i)
    if (r[i].fixed) {
      l.offsets[i] = *r[i].fixed;
      l.totalSize =
          std::max(l.totalSize, alignTo(*r[i].fixed + r[i].size, align));
      placed.push_back(i);
    }
  for (size_t i : order) {
    if (r[i].fixed)
      continue;
    uint64_t size = alignTo(std::max<uint64_t>(r[i].size, 1), align);
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    for (size_t j : placed)
      if (overlapInTime(r[i], r[j]))
        busy.push_back(
            {l.offsets[j], l.offsets[j] + std::max<uint64_t>(r[j].size, 1)});
    std::sort(busy.begin(), busy.end());
    uint64_t offset = 0, best = UINT64_MAX, bestGap = UINT64_MAX;
    for (auto [lo, hi] : busy) {
      if (offset + size <= lo &&
          (bestFit ? lo - offset < bestGap : best == UINT64_MAX)) {
        bestGap = lo - offset;
        best = offset;
      }
      offset = std::max(offset, alignTo(hi, align));
    }
    l.offsets[i] = best == UINT64_MAX ? offset : best;
    l.totalSize = std::max(l.totalSize, l.offsets[i] + size);
    placed.push_back(i);
  }
  return l;
}

TEST(ScratchAllocator, SameLayoutAsTheDefinition) {
  // Mostly short lifetimes, some spanning most of the program, some fixed
  // (the placed ranges are looked up by time, not all tested).
  std::mt19937 rng(11);
  for (int trial = 0; trial < 40; ++trial) {
    std::vector<LiveRange> r;
    for (int i = 0; i < 300; ++i) {
      uint64_t first = rng() % 200;
      uint64_t length = rng() % 10 == 0 ? rng() % 200 : rng() % 6;
      r.push_back({first, first + length, 1 + rng() % 3000});
      if (rng() % 40 == 0)
        r.back().fixed = (1000 + rng() % 8) * 64;
    }
    std::vector<size_t> byFirst(r.size()), bySize(r.size());
    for (size_t i = 0; i < r.size(); ++i)
      byFirst[i] = bySize[i] = i;
    std::stable_sort(byFirst.begin(), byFirst.end(), [&](size_t a, size_t b) {
      return r[a].first < r[b].first;
    });
    std::stable_sort(bySize.begin(), bySize.end(), [&](size_t a, size_t b) {
      uint64_t sa = alignTo(r[a].size, 64), sb = alignTo(r[b].size, 64);
      return sa != sb ? sa > sb : r[a].first < r[b].first;
    });
    EXPECT_EQ(allocateScratch(r, 64).offsets,
              referencePlace(r, byFirst, 64, false).offsets);
    EXPECT_EQ(allocateLargestFirst(r, 64).offsets,
              referencePlace(r, bySize, 64, true).offsets);
  }
}

TEST(LargestFirst, PacksMixedSizesTighterThanFirstFit) {
  // First fit leaves r[1]'s 64 bytes between r[0] and r[2] when it dies,
  // too small for r[3]; the big r[3] first leaves no such hole.
  std::vector<LiveRange> r = {{0, 2, 64}, {0, 0, 64}, {0, 2, 64}, {1, 2, 128}};
  ScratchLayout ff = allocateScratch(r, 64);
  ScratchLayout lf = allocateLargestFirst(r, 64);
  expectNoOverlap(r, ff, 64);
  expectNoOverlap(r, lf, 64);
  EXPECT_EQ(ff.totalSize, 320u);
  EXPECT_EQ(lf.offsets[3], 0u);
  EXPECT_EQ(lf.totalSize, 256u);
}

TEST(PeakLiveBytes, MostBytesAliveAtOneIndex) {
  std::vector<LiveRange> r = {{0, 1, 100}, {1, 2, 64}, {3, 3, 1000}};
  EXPECT_EQ(peakLiveBytes(r, 64), 1024u);
  EXPECT_EQ(peakLiveBytes({{0, 1, 100}, {1, 2, 64}}, 64), 192u);
}

TEST(CheapestReuse, PrefersFreeBytesThenFreeReuse) {
  // r[1] may reuse r[0]'s bytes only at a cost: with room it takes new
  // bytes; with reuse free it takes r[0]'s.
  std::vector<LiveRange> r = {{0, 1, 64}, {2, 3, 64}};
  auto costly = [](size_t, size_t) { return uint64_t(5); };
  auto free = [](size_t, size_t) { return uint64_t(0); };
  auto a = allocateCheapestReuse(r, 1024, costly, 64);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->offsets[1], 64u);
  auto b = allocateCheapestReuse(r, 1024, free, 64);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->offsets[1], 0u);
  // Without room it reuses anyway; past the capacity it fails.
  auto c = allocateCheapestReuse(r, 64, costly, 64);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->offsets[1], 0u);
  EXPECT_FALSE(allocateCheapestReuse({{0, 1, 64}, {1, 2, 64}}, 64, free, 64));
}

TEST(CheapestReuse, OldestReuseAmongCostlyOnes) {
  // Two dead buffers; the one whose reuse costs less is taken.
  std::vector<LiveRange> r = {{0, 1, 64}, {0, 2, 64}, {3, 4, 64}};
  auto cost = [](size_t previous, size_t) { return uint64_t(previous + 1); };
  auto l = allocateCheapestReuse(r, 128, cost, 64);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->offsets[2], l->offsets[0]);
}

TEST(CheapestReuse, FixedBuffersAreObstaclesBeforeTheirBirth) {
  // r[1] is fixed at 0 from index 2: r[0], alive then, must avoid it.
  std::vector<LiveRange> r = {{0, 3, 64}, {2, 4, 64}};
  r[1].fixed = 0;
  auto free = [](size_t, size_t) { return uint64_t(0); };
  auto l = allocateCheapestReuse(r, 1024, free, 64);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->offsets[1], 0u);
  EXPECT_EQ(l->offsets[0], 64u);
}

TEST(CheapestReuse, RandomRangesNeverOverlap) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<LiveRange> r;
    for (int i = 0; i < 60; ++i) {
      uint64_t first = rng() % 40;
      r.push_back({first, first + rng() % 10, 1 + rng() % 5000});
    }
    auto cost = [&](size_t previous, size_t next) {
      return uint64_t((previous * 7 + next) % 3);
    };
    uint64_t capacity = 2 * peakLiveBytes(r, 64);
    auto l = allocateCheapestReuse(r, capacity, cost, 64);
    ASSERT_TRUE(l) << "trial " << trial;
    expectNoOverlap(r, *l, 64);
    EXPECT_LE(l->totalSize, capacity);
    ScratchLayout lf = allocateLargestFirst(r, 64);
    expectNoOverlap(r, lf, 64);
    EXPECT_GE(lf.totalSize, peakLiveBytes(r, 64));
  }
}

} // namespace
