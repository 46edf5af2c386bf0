//===- ScratchAllocator.cpp - Liveness-based allocation -------------------===//
//
// Both orders share one placement step: collect the placed buffers whose
// ranges intersect the new one, sorted by offset, and choose a free gap
// between them.
//
//===----------------------------------------------------------------------===//

#include "npu/Target/Blob/ScratchAllocator.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace npu::target {
namespace {

uint64_t alignedSize(const LiveRange &r, uint64_t alignment) {
  return alignTo(std::max<uint64_t>(r.size, 1), alignment);
}

bool intersect(const LiveRange &a, const LiveRange &b) {
  return a.first <= b.last && b.first <= a.last;
}

/// The ranges placed so far, for finding those a new range meets without
/// testing every one placed (a long program's 12000 DDR buffers made that
/// the compile's largest cost): ranges live for at most `span` indexes are
/// listed by their first index in buckets `span` wide, so that those a
/// range [first, last] can meet are in the buckets of [first - span,
/// last]; the few longer ones are tested always.
class PlacedRanges {
public:
  explicit PlacedRanges(const std::vector<LiveRange> &ranges)
      : ranges_(ranges) {
    if (ranges.empty())
      return;
    // span: the 90th percentile of the lifetimes.
    std::vector<uint64_t> lengths;
    uint64_t end = 0;
    for (const LiveRange &r : ranges) {
      lengths.push_back(r.last - std::min(r.first, r.last));
      end = std::max(end, r.first);
    }
    auto at = lengths.begin() + lengths.size() * 9 / 10;
    std::nth_element(lengths.begin(), at, lengths.end());
    span_ = std::max<uint64_t>(*at, 1);
    buckets_.resize(end / span_ + 1);
  }

  void add(size_t j) {
    const LiveRange &r = ranges_[j];
    if (r.last < r.first || r.last - r.first > span_)
      long_.push_back(j);
    else
      buckets_[r.first / span_].push_back(j);
  }

  /// Calls f(j) for every added range j that intersects `r`.
  template <typename F> void forEachIntersecting(const LiveRange &r, F f) {
    for (size_t j : long_)
      if (intersect(ranges_[j], r))
        f(j);
    if (buckets_.empty())
      return;
    uint64_t from = (r.first > span_ ? r.first - span_ : 0) / span_;
    uint64_t to = std::min<uint64_t>(r.last / span_, buckets_.size() - 1);
    for (uint64_t b = from; b <= to; ++b)
      for (size_t j : buckets_[b])
        if (intersect(ranges_[j], r))
          f(j);
  }

private:
  const std::vector<LiveRange> &ranges_;
  uint64_t span_ = 1;
  std::vector<std::vector<size_t>> buckets_;
  std::vector<size_t> long_;
};

/// Places the ranges in `order` (fixed ones first, wherever they are in
/// it): each in the lowest free gap (`bestFit` false) or the smallest one
/// that holds it (`bestFit` true).
ScratchLayout place(const std::vector<LiveRange> &ranges,
                    const std::vector<size_t> &order, uint64_t alignment,
                    bool bestFit) {
  ScratchLayout layout;
  layout.offsets.assign(ranges.size(), 0);
  PlacedRanges placed(ranges);
  for (size_t i = 0; i < ranges.size(); ++i)
    if (ranges[i].fixed) {
      layout.offsets[i] = *ranges[i].fixed;
      layout.totalSize = std::max(
          layout.totalSize,
          alignTo(*ranges[i].fixed + alignedSize(ranges[i], 1), alignment));
      placed.add(i);
    }
  std::vector<std::pair<uint64_t, uint64_t>> busy;
  for (size_t i : order) {
    const LiveRange &r = ranges[i];
    if (r.fixed)
      continue;
    uint64_t size = alignedSize(r, alignment);
    busy.clear();
    placed.forEachIntersecting(r, [&](size_t j) {
      busy.push_back(
          {layout.offsets[j], layout.offsets[j] + alignedSize(ranges[j], 1)});
    });
    std::sort(busy.begin(), busy.end());
    uint64_t offset = 0, best = UINT64_MAX, bestGap = UINT64_MAX;
    for (const auto &[lo, hi] : busy) {
      if (offset + size <= lo) {
        if (!bestFit) {
          best = offset;
          break;
        }
        if (lo - offset < bestGap) {
          bestGap = lo - offset;
          best = offset;
        }
      }
      offset = std::max(offset, alignTo(hi, alignment));
    }
    if (best == UINT64_MAX)
      best = offset; // Above every busy buffer.
    layout.offsets[i] = best;
    layout.totalSize = std::max(layout.totalSize, best + size);
    placed.add(i);
  }
  return layout;
}

} // namespace

ScratchLayout allocateScratch(const std::vector<LiveRange> &ranges,
                              uint64_t alignment) {
  std::vector<size_t> order(ranges.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return ranges[a].first < ranges[b].first;
  });
  return place(ranges, order, alignment, /*bestFit=*/false);
}

ScratchLayout allocateLargestFirst(const std::vector<LiveRange> &ranges,
                                   uint64_t alignment) {
  std::vector<size_t> order(ranges.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    uint64_t sa = alignedSize(ranges[a], alignment),
             sb = alignedSize(ranges[b], alignment);
    if (sa != sb)
      return sa > sb;
    return ranges[a].first < ranges[b].first;
  });
  return place(ranges, order, alignment, /*bestFit=*/true);
}

ScratchLayout allocatePacked(const std::vector<LiveRange> &ranges,
                             uint64_t alignment) {
  ScratchLayout firstFit = allocateScratch(ranges, alignment);
  ScratchLayout largestFirst = allocateLargestFirst(ranges, alignment);
  return largestFirst.totalSize < firstFit.totalSize ? largestFirst : firstFit;
}

std::optional<ScratchLayout>
allocateCheapestReuse(const std::vector<LiveRange> &ranges, uint64_t capacity,
                      const ReuseCost &reuseCost, uint64_t alignment) {
  alignment = std::max<uint64_t>(alignment, 1);
  // Free space as segments [lo, hi) with the buffer that last held them
  // (-1: never used), keyed by lo; a buffer is carved out of a run of
  // adjacent segments at its birth and its bytes return at its death.
  struct Segment {
    uint64_t hi;
    int64_t owner;
  };
  std::map<uint64_t, Segment> freeSpace;
  uint64_t top = capacity / alignment * alignment;
  ScratchLayout layout;
  layout.offsets.assign(ranges.size(), 0);
  auto carve = [&](uint64_t lo, uint64_t hi) {
    // Removes [lo, hi) from the free segments (it lies inside free ones).
    auto it = freeSpace.upper_bound(lo);
    --it;
    while (it != freeSpace.end() && it->first < hi) {
      uint64_t segLo = it->first;
      Segment seg = it->second;
      it = freeSpace.erase(it);
      if (segLo < lo)
        freeSpace[segLo] = {lo, seg.owner};
      if (seg.hi > hi)
        freeSpace[hi] = {seg.hi, seg.owner};
    }
  };
  if (top > 0)
    freeSpace[0] = {top, -1};
  // Fixed buffers take their bytes at their birth like the others; before
  // it they are obstacles to the buffers whose ranges meet theirs.
  std::vector<size_t> fixed;
  for (size_t i = 0; i < ranges.size(); ++i)
    if (ranges[i].fixed) {
      if (*ranges[i].fixed + alignedSize(ranges[i], 1) > top)
        return std::nullopt;
      fixed.push_back(i);
    }
  std::vector<size_t> order(ranges.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (ranges[a].first != ranges[b].first)
      return ranges[a].first < ranges[b].first;
    return ranges[a].fixed.has_value() && !ranges[b].fixed.has_value();
  });
  // The free segment holding byte `at`, or end().
  auto segmentAt = [&](uint64_t at) {
    auto it = freeSpace.upper_bound(at);
    if (it == freeSpace.begin())
      return freeSpace.end();
    --it;
    return at < it->second.hi ? it : freeSpace.end();
  };
  // Live buffers by their last index, to free them in order.
  std::multimap<uint64_t, size_t> live;
  std::vector<std::pair<uint64_t, uint64_t>> obstacles;
  std::vector<uint64_t> starts;
  for (size_t i : order) {
    const LiveRange &r = ranges[i];
    while (!live.empty() && live.begin()->first < r.first) {
      size_t j = live.begin()->second;
      uint64_t lo = layout.offsets[j];
      freeSpace[lo] = {lo + alignedSize(ranges[j], alignment), int64_t(j)};
      live.erase(live.begin());
    }
    uint64_t size = alignedSize(r, alignment);
    uint64_t chosen = UINT64_MAX;
    // The run of free segments from `lo` covering `size` bytes: its cost
    // (the highest reuse cost of its segments), or none.
    auto runCost = [&](uint64_t lo) -> std::optional<uint64_t> {
      auto it = segmentAt(lo);
      uint64_t end = lo;
      uint64_t cost = 0;
      while (it != freeSpace.end() && it->first <= end && end < lo + size) {
        end = it->second.hi;
        if (it->second.owner >= 0)
          cost = std::max(cost, reuseCost(size_t(it->second.owner), i));
        ++it;
      }
      if (end < lo + size)
        return std::nullopt;
      return cost;
    };
    if (r.fixed) {
      chosen = *r.fixed;
      size = alignTo(chosen + alignedSize(r, 1), alignment) - chosen;
      if (!runCost(chosen))
        return std::nullopt;
    } else {
      obstacles.clear();
      for (size_t f : fixed)
        if (ranges[f].first > r.first && intersect(ranges[f], r))
          obstacles.push_back(
              {*ranges[f].fixed, *ranges[f].fixed + alignedSize(ranges[f], 1)});
      // Candidates: where free runs start and where obstacles end.
      starts.clear();
      for (const auto &[lo, seg] : freeSpace)
        starts.push_back(lo);
      for (const auto &o : obstacles)
        starts.push_back(alignTo(o.second, alignment));
      std::sort(starts.begin(), starts.end());
      starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
      uint64_t bestCost = UINT64_MAX;
      for (uint64_t lo : starts) {
        std::optional<uint64_t> cost = runCost(lo);
        if (!cost || *cost >= bestCost)
          continue;
        if (std::any_of(obstacles.begin(), obstacles.end(), [&](auto o) {
              return o.first < lo + size && lo < o.second;
            }))
          continue;
        bestCost = *cost;
        chosen = lo;
      }
      if (chosen == UINT64_MAX)
        return std::nullopt;
    }
    carve(chosen, chosen + size);
    layout.offsets[i] = chosen;
    layout.totalSize = std::max(layout.totalSize, chosen + size);
    live.insert({r.last, i});
  }
  return layout;
}

uint64_t peakLiveBytes(const std::vector<LiveRange> &ranges,
                       uint64_t alignment) {
  // Sweep over the range ends: +size at first, -size after last.
  std::map<uint64_t, int64_t> delta;
  for (const LiveRange &r : ranges) {
    int64_t s = int64_t(alignedSize(r, alignment));
    delta[r.first] += s;
    delta[r.last + 1] -= s;
  }
  int64_t live = 0, peak = 0;
  for (const auto &[index, d] : delta) {
    live += d;
    peak = std::max(peak, live);
  }
  return uint64_t(peak);
}

} // namespace npu::target
