//===- Workloads.cpp - Splitting a DPU task into MPE workloads ------------===//
//
// Channels: depthwise / pooling tasks in chunks of 64 (then 32 / 16);
// convolutions and eltwise as one chunk, or split at a block boundary of
// 64 / 128 / 256 channels when that is cheaper. Rows: a dynamic program
// over splits at multiples of 8 rows; each part takes its cheapest allowed
// mode, and every extra workload pays the fixed per-workload cost.
//
//===----------------------------------------------------------------------===//

#include "npu/Target/Blob/Workloads.h"

#include "npu/Blob/Timeline.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <limits>

namespace npu::target {

namespace {

using arch::MpeMode;

/// The MPE modes the verifier allows for `op` on `hw`.
std::vector<MpeMode> allowedModes(const arch::HardwareDesc &hw,
                                  blob::DpuOp op) {
  if (op == blob::DpuOp::DepthwiseConv || op == blob::DpuOp::MaxPool ||
      op == blob::DpuOp::AvgPool)
    return {MpeMode::Cuboid16x16};
  if ((op == blob::DpuOp::EltwiseAdd || op == blob::DpuOp::EltwiseSub) &&
      hw.platform == arch::Platform::NPU4000)
    return {MpeMode::Cuboid8x16};
  return {MpeMode::Cuboid16x16, MpeMode::Cuboid8x16, MpeMode::Cuboid4x16};
}

struct Planner {
  const arch::HardwareDesc &hw;
  const DpuTaskShape &s;
  std::vector<MpeMode> modes;

  /// Cheapest mode for a box of `h` rows x full width x `c` channels.
  std::pair<uint64_t, MpeMode> box(uint32_t h, uint32_t c) const {
    uint64_t best = std::numeric_limits<uint64_t>::max();
    MpeMode bestMode = modes.front();
    for (MpeMode m : modes) {
      arch::DpuWorkloadShape w;
      w.opClass = blob::dpuOpClass(s.op);
      w.outWidth = s.outWidth;
      w.outHeight = h;
      w.outChannels = c;
      w.inChannels = s.inChannels;
      w.kernelH = s.kernelH;
      w.kernelW = s.kernelW;
      w.fp16 = s.fp16;
      w.mpeMode = m;
      uint64_t cyc =
          arch::dpuWorkloadComputeCycles(hw, w) + hw.dpuWorkloadCycles;
      if (cyc < best) {
        best = cyc;
        bestMode = m;
      }
    }
    return {best, bestMode};
  }

  /// Best split of rows [0, H) for a channel chunk: cost and part heights.
  std::pair<uint64_t, std::vector<uint32_t>> rows(uint32_t c) const {
    uint32_t H = s.outHeight;
    // best[h]: the cheapest cover of the last h rows; cut[h]: first part.
    std::vector<uint64_t> best(H + 1, 0);
    std::vector<uint32_t> cut(H + 1, 0);
    for (uint32_t h = 1; h <= H; ++h) {
      best[h] = box(h, c).first;
      cut[h] = h;
      for (uint32_t a = 8; a < h; a += 8) {
        uint64_t v = box(a, c).first + best[h - a];
        if (v < best[h]) {
          best[h] = v;
          cut[h] = a;
        }
      }
    }
    std::vector<uint32_t> parts;
    for (uint32_t h = H; h > 0; h -= cut[h])
      parts.push_back(cut[h]);
    return {best[H], parts};
  }
};

} // namespace

WorkloadPlan planWorkloads(const arch::HardwareDesc &hw,
                           const DpuTaskShape &s) {
  Planner p{hw, s, allowedModes(hw, s.op)};
  bool channelLimited = s.op == blob::DpuOp::DepthwiseConv ||
                        s.op == blob::DpuOp::MaxPool ||
                        s.op == blob::DpuOp::AvgPool;

  // Candidate channel chunkings.
  std::vector<std::vector<uint32_t>> chunkings;
  if (channelLimited) {
    std::vector<uint32_t> chunks;
    for (uint32_t k = 0; k < s.outChannels;) {
      uint32_t left = s.outChannels - k;
      uint32_t c = left >= 64 ? 64 : left >= 32 ? 32 : 16;
      c = std::min(c, left);
      chunks.push_back(c);
      k += c;
    }
    chunkings.push_back(chunks);
  } else {
    chunkings.push_back({s.outChannels});
    for (uint32_t b : {64u, 128u, 256u})
      if (s.outChannels > b) {
        uint32_t m = s.outChannels / b * b;
        if (m > 0 && m < s.outChannels)
          chunkings.push_back({m, s.outChannels - m});
      }
  }

  WorkloadPlan best;
  best.cycles = std::numeric_limits<uint64_t>::max();
  for (const auto &chunks : chunkings) {
    WorkloadPlan plan;
    uint32_t k = 0;
    for (uint32_t c : chunks) {
      auto [cost, parts] = p.rows(c);
      plan.cycles += cost;
      uint32_t y = 0;
      for (uint32_t h : parts) {
        blob::Workload w;
        w.x = 0;
        w.y = y;
        w.k = k;
        w.width = s.outWidth;
        w.height = h;
        w.channels = c;
        w.mpeMode = p.box(h, c).second;
        plan.workloads.push_back(w);
        y += h;
      }
      k += c;
    }
    if (plan.cycles < best.cycles)
      best = std::move(plan);
  }
  return best;
}

uint64_t singleWorkloadCycles(const arch::HardwareDesc &hw,
                              const DpuTaskShape &s) {
  Planner p{hw, s, allowedModes(hw, s.op)};
  return p.box(s.outHeight, s.outChannels).first - hw.dpuWorkloadCycles;
}

std::vector<std::pair<uint32_t, uint32_t>>
flatPixelShapes(const arch::HardwareDesc &hw, uint32_t rows, uint32_t width) {
  uint64_t pixels = uint64_t(rows) * width;
  uint64_t cw = std::max<uint32_t>(hw.dpuCellWidth, 1);
  uint64_t ch = std::max<uint32_t>(hw.dpuCellHeight, 1);
  auto cellPixels = [&](uint64_t h, uint64_t w) {
    return llvm::alignTo(h, ch) * llvm::alignTo(w, cw);
  };
  uint64_t original = cellPixels(rows, width);
  std::vector<std::pair<uint32_t, uint32_t>> shapes;
  for (uint64_t w = cw; w <= std::min<uint64_t>(pixels, 8192); w += cw) {
    uint64_t h = pixels / w;
    if (pixels % w || h > 64 || cellPixels(h, w) >= original)
      continue;
    shapes.push_back({uint32_t(h), uint32_t(w)});
  }
  return shapes;
}

} // namespace npu::target
