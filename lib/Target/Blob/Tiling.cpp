//===- Tiling.cpp - Splitting DPU ops into pieces that fit CMX ------------===//
//
// Enumerates piece heights (the distinct values of ceil(OH / j) and the
// multiples of the DPU's cell height, capped by the option) and channel slice
// widths (multiples of 16), keeps the splits whose buffers fit the usable CMX,
// and estimates each with the cycle formulas of npu/Arch/CostModel.h: per tile
// the sum of its pieces' DMAs and DPU task (weights loaded once per run of
// pieces of one channel slice), and over all tiles the DMA ports' total. The
// lowest estimate wins; ties keep the first candidate (fewer channel slices,
// taller pieces), so the choice is deterministic.
//
//===----------------------------------------------------------------------===//

#include "npu/Target/Blob/Tiling.h"
#include "npu/Arch/CostModel.h"
#include "npu/Target/Blob/ScratchAllocator.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

namespace npu::target {

void inputRowsFor(const DpuOpGeometry &g, uint32_t outRow, uint32_t outRows,
                  uint32_t &inRow, uint32_t &inRows, uint32_t &padTop,
                  uint32_t &padBottom) {
  int64_t start = int64_t(outRow) * g.sh - g.padTop;
  int64_t end = int64_t(outRow + outRows - 1) * g.sh + g.kh - g.padTop;
  int64_t first = std::max<int64_t>(0, start);
  int64_t last = std::min<int64_t>(g.H, end);
  inRow = uint32_t(first);
  inRows = uint32_t(std::max<int64_t>(0, last - first));
  padTop = uint32_t(std::max<int64_t>(0, -start));
  padBottom = uint32_t(std::max<int64_t>(0, end - int64_t(g.H)));
}

DpuTaskShape pieceTaskShape(const DpuOpGeometry &g, uint32_t outRows,
                            uint32_t kc) {
  DpuTaskShape t;
  t.op = g.op;
  t.outHeight = outRows;
  t.outWidth = g.OW;
  t.outChannels = kc;
  t.inChannels = g.keepsChannels() ? kc : g.C;
  t.kernelH = g.kh;
  t.kernelW = g.kw;
  t.fp16 = g.inElemBytes == 2; // f16 / bf16; 8-bit otherwise.
  return t;
}

namespace {

uint32_t ceilDiv(uint32_t a, uint32_t b) { return (a + b - 1) / b; }

/// Buffer sizes of a piece of `inRows` input rows, `outRows` output rows and
/// `kc` channels, laid out one after the other (inputs and outputs
/// `slots` times, weights and table `weightSlots` times).
CmxLayout layoutFor(const DpuOpGeometry &g, uint32_t inRows, uint32_t outRows,
                    uint32_t kc, const TilingOptions &opts, uint32_t slots,
                    uint32_t weightSlots) {
  uint64_t align = opts.cmxAlignment;
  CmxLayout l;
  l.slots = slots;
  l.weightSlots = g.hasWeights() ? weightSlots : 1;
  uint32_t cin = g.keepsChannels() ? kc : g.C;
  l.inputSize = uint64_t(inRows) * g.W * cin * g.inElemBytes;
  l.outputSize = uint64_t(outRows) * g.OW * kc * g.outElemBytes;
  // Resident operands are read / written in place.
  l.input2Size = g.isEltwise() && !opts.input2Resident ? l.inputSize : 0;
  if (opts.inputResident)
    l.inputSize = 0;
  if (opts.outputResident)
    l.outputSize = 0;
  if (g.hasWeights()) {
    l.weightsSize = uint64_t(kc) * g.weightBytesPerChannel();
    l.tableSize = uint64_t(kc) * 16;
  }
  uint64_t top = 0;
  auto place = [&](uint64_t size) {
    uint64_t at = top;
    top = alignTo(top + size, align);
    return at;
  };
  for (uint32_t s = 0; s < slots; ++s)
    l.input[s] = place(l.inputSize);
  for (uint32_t s = 0; s < slots; ++s)
    l.input2[s] = place(l.input2Size);
  if (g.hasWeights())
    for (uint32_t s = 0; s < l.weightSlots; ++s) {
      l.weights[s] = place(l.weightsSize);
      l.table[s] = place(l.tableSize);
    }
  for (uint32_t s = 0; s < slots; ++s)
    l.output[s] = place(l.outputSize);
  l.total = top;
  return l;
}

/// Cycles of a piece's DPU task as one workload in its cheapest mode; for
/// a pointwise convolution, over the cheapest of its pixel shapes
/// (flatPixelShapes), as code generation computes it. Remembered per
/// piece shape: one op's candidate tilings repeat the same few.
class DpuEstimates {
public:
  DpuEstimates(const arch::HardwareDesc &hw, const DpuOpGeometry &g)
      : hw(hw), g(g),
        pointwise(g.isPointwiseConv() && !g.padTop && !g.padBottom) {}

  uint64_t operator()(uint32_t outRows, uint32_t kc) {
    auto [it, added] = cycles.try_emplace({outRows, kc}, 0);
    if (added)
      it->second = compute(outRows, kc);
    return it->second;
  }

private:
  uint64_t compute(uint32_t outRows, uint32_t kc) const {
    DpuTaskShape shape = pieceTaskShape(g, outRows, kc);
    uint64_t best = singleWorkloadCycles(hw, shape);
    if (pointwise)
      for (auto [h, w] : flatPixelShapes(hw, outRows, g.OW)) {
        shape.outHeight = h;
        shape.outWidth = w;
        best = std::min(best, singleWorkloadCycles(hw, shape));
      }
    return arch::dpuTaskCycles(hw, 1, best);
  }

  const arch::HardwareDesc &hw;
  const DpuOpGeometry &g;
  bool pointwise;
  std::map<std::pair<uint32_t, uint32_t>, uint64_t> cycles;
};

/// The pieces of a split into `n`-row, `kc`-channel pieces over `tiles`:
/// spread in contiguous runs, or with `banded`, tile t taking the rows of
/// its band (bandBegin) in every channel slice.
std::vector<DpuPiece> makePieces(const DpuOpGeometry &g, uint32_t n,
                                 uint32_t kc, uint32_t tiles,
                                 bool banded = false) {
  std::vector<DpuPiece> pieces;
  auto add = [&](uint32_t k0, uint32_t y, uint32_t rows, uint32_t tile) {
    DpuPiece p;
    p.tile = tile;
    p.outRow = y;
    p.outRows = rows;
    p.k0 = k0;
    p.kc = std::min(kc, g.K - k0);
    inputRowsFor(g, p.outRow, p.outRows, p.inRow, p.inRows, p.padTop,
                 p.padBottom);
    p.c0 = g.keepsChannels() ? p.k0 : 0;
    p.cin = g.keepsChannels() ? p.kc : g.C;
    pieces.push_back(p);
  };
  if (banded) {
    for (uint32_t t = 0; t < tiles; ++t) {
      uint32_t begin = bandBegin(t, g.OH, tiles),
               end = bandBegin(t + 1, g.OH, tiles);
      for (uint32_t k0 = 0; k0 < g.K; k0 += kc)
        for (uint32_t y = begin; y < end; y += n)
          add(k0, y, std::min(n, end - y), t);
    }
    return pieces;
  }
  for (uint32_t k0 = 0; k0 < g.K; k0 += kc)
    for (uint32_t y = 0; y < g.OH; y += n)
      add(k0, y, std::min(n, g.OH - y), 0);
  uint64_t count = pieces.size();
  for (uint64_t i = 0; i < count; ++i)
    pieces[i].tile = count >= tiles ? uint32_t(i * tiles / count) : uint32_t(i);
  return pieces;
}

CmxLayout layoutOf(const DpuOpGeometry &g, const std::vector<DpuPiece> &ps,
                   const TilingOptions &opts, uint32_t slots,
                   uint32_t weightSlots) {
  uint32_t inRows = 0, outRows = 0, kc = 0;
  for (const DpuPiece &p : ps) {
    inRows = std::max(inRows, p.inRows);
    outRows = std::max(outRows, p.outRows);
    kc = std::max(kc, p.kc);
  }
  return layoutFor(g, inRows, outRows, kc, opts, slots, weightSlots);
}

/// The channel slice widths tried, widest first: ceil(K / j) rounded up to
/// a multiple of 16, each once.
std::vector<uint32_t> channelWidths(const DpuOpGeometry &g) {
  std::vector<uint32_t> widths;
  for (uint32_t j = 1; j <= g.K / 16; ++j) {
    uint32_t kc = ceilDiv(ceilDiv(g.K, j), 16) * 16;
    if (widths.empty() || widths.back() != kc)
      widths.push_back(kc);
  }
  return widths;
}

uint64_t estimate(const arch::HardwareDesc &hw, const DpuOpGeometry &g,
                  DpuEstimates &dpu, const std::vector<DpuPiece> &ps,
                  const TilingOptions &opts, uint32_t tiles, uint32_t slots,
                  uint32_t weightSlots) {
  struct Step {
    uint64_t in, dpu, out;
    uint64_t weights; ///< The part of `in` that loads a new weights slice.
  };
  std::vector<std::vector<Step>> perTile(tiles);
  std::vector<int64_t> resident(tiles, -1);
  uint64_t dmaTotal = 0;
  for (const DpuPiece &p : ps) {
    Step s{0, 0, 0, 0};
    uint64_t in = uint64_t(p.inRows) * g.W * p.cin * g.inElemBytes;
    if (!opts.inputResident)
      s.in += arch::dmaTaskCycles(hw, in, true);
    if (g.isEltwise() && !opts.input2Resident)
      s.in += arch::dmaTaskCycles(hw, in, true);
    if (g.hasWeights() && resident[p.tile] != int64_t(p.k0)) {
      s.weights =
          arch::dmaTaskCycles(hw, p.kc * g.weightBytesPerChannel(), true) +
          arch::dmaTaskCycles(hw, uint64_t(p.kc) * 16, true);
      if (resident[p.tile] < 0)
        s.weights -= std::min(s.weights, opts.firstWeightsCredit);
      s.in += s.weights;
      resident[p.tile] = p.k0;
    }
    uint64_t out = uint64_t(p.outRows) * g.OW * p.kc * g.outElemBytes;
    // A resident output is copied CMX to CMX into every other tile; a
    // banded one stays where it is computed.
    s.out = opts.outputBanded ? 0
            : opts.outputResident
                ? (tiles - 1) * arch::dmaTaskCycles(hw, out, false)
                : arch::dmaTaskCycles(hw, out, true);
    s.dpu = dpu(p.outRows, p.kc);
    dmaTotal += s.in + s.out;
    perTile[p.tile].push_back(s);
  }
  uint64_t worst = 0;
  for (const auto &steps : perTile) {
    uint64_t t = 0;
    if (slots == 1 || steps.size() < 2) {
      for (const Step &s : steps)
        t += s.in + s.dpu + s.out;
    } else {
      // Loads of piece i+1 and stores of piece i-1 overlap DPU task i,
      // except, with one weight slot, a new weights slice: it is loaded
      // after the task still reading the old one.
      t = steps.front().in + steps.back().out;
      for (size_t i = 0; i < steps.size(); ++i) {
        uint64_t next = i + 1 < steps.size() ? steps[i + 1].in : 0;
        uint64_t serial = 0;
        if (weightSlots == 1 && i + 1 < steps.size()) {
          serial = steps[i + 1].weights;
          next -= serial;
        }
        uint64_t dma = next + (i > 0 ? steps[i - 1].out : 0);
        t += std::max(steps[i].dpu, dma) + serial;
      }
    }
    worst = std::max(worst, t);
  }
  return std::max(worst, dmaTotal / std::max<uint32_t>(1, hw.dmaPorts));
}

} // namespace

bool dpuTilingFits(const DpuOpGeometry &g, const arch::HardwareDesc &hw,
                   const TilingOptions &opts) {
  // Buffers only grow with the rows, the channels and the slots: the
  // smallest candidate (one row of the narrowest slice, one slot) fits
  // exactly when some candidate does.
  std::vector<uint32_t> widths = channelWidths(g);
  uint64_t budget = opts.cmxBudget ? opts.cmxBudget : hw.cmxUsableBytes;
  return !widths.empty() &&
         layoutFor(g, std::min(g.H, g.kh), 1, widths.back(), opts, 1, 1)
                 .total <= budget;
}

namespace {

/// The piece heights tried: the distinct values of ceil(OH / j), tallest
/// first, then the multiples of the DPU's cell height below OH, up to
/// kMaxCellMultipleRows (output rows are computed in cells, and the MPE
/// blocks are whole cells: a piece of such a height pads no rows, so 56
/// rows go as 16 + 12 rather than 14 + 14 padded to 16 + 16; in taller
/// pieces the padding is a small share, and the candidates would grow
/// with OH); all capped by `maxRows`.
std::vector<uint32_t> pieceHeights(const DpuOpGeometry &g,
                                   const arch::HardwareDesc &hw,
                                   uint32_t maxRows) {
  std::vector<uint32_t> heights;
  for (uint32_t j = 1; j <= g.OH; ++j) {
    uint32_t n = std::min(ceilDiv(g.OH, j), maxRows);
    if (heights.empty() || heights.back() != n)
      heights.push_back(n);
    if (n == 1)
      break;
  }
  constexpr uint32_t kMaxCellMultipleRows = 64;
  uint32_t cell = std::max<uint32_t>(hw.dpuCellHeight, 1);
  uint32_t top = std::min({g.OH, maxRows, kMaxCellMultipleRows + 1});
  for (uint32_t n = cell; n < top; n += cell)
    if (std::find(heights.begin(), heights.end(), n) == heights.end())
      heights.push_back(n);
  return heights;
}

/// Whether two weight slots may be used: double buffered, with weights,
/// and some tile going through more than one channel slice.
bool allowsTwoWeightSlots(const DpuOpGeometry &g,
                          const std::vector<DpuPiece> &ps, uint32_t tiles,
                          uint32_t slots) {
  return slots == 2 && g.hasWeights() && slicesPerTile(ps, tiles) > 1;
}

/// The layout of choice `c` for pieces of at most c.rows rows.
CmxLayout candidateLayout(const DpuOpGeometry &g, const TilingOptions &opts,
                          const DpuTilingChoice &c) {
  uint32_t inRows = std::min(g.H, (c.rows - 1) * g.sh + g.kh);
  return layoutFor(g, inRows, c.rows, c.channels, opts, c.slots, c.weightSlots);
}

/// Fills `out` with the tiling of choice `c` made of `ps`.
void setTiling(const DpuOpGeometry &g, const TilingOptions &opts,
               const DpuTilingChoice &c, std::vector<DpuPiece> ps,
               uint64_t estimated, DpuTiling &out) {
  out.choice = c;
  out.choice.banded = opts.banded;
  out.pieces = std::move(ps);
  out.rowPieces = ceilDiv(g.OH, c.rows);
  out.channelPieces = ceilDiv(g.K, c.channels);
  out.estimatedCycles = estimated;
  out.layout = layoutOf(g, out.pieces, opts, c.slots, c.weightSlots);
}

} // namespace

bool planDpuTiling(const DpuOpGeometry &g, const arch::HardwareDesc &hw,
                   const TilingOptions &opts, DpuTiling &out,
                   std::string &error) {
  uint32_t tiles = std::max<uint32_t>(1, opts.tiles);
  uint32_t maxRows = opts.maxPieceRows ? opts.maxPieceRows : g.OH;
  uint64_t budget = opts.cmxBudget ? opts.cmxBudget : hw.cmxUsableBytes;
  bool found = false;
  uint64_t best = std::numeric_limits<uint64_t>::max();
  DpuTilingChoice bestChoice;
  std::vector<DpuPiece> bestPieces;
  DpuEstimates dpu(hw, g);
  for (uint32_t kc : channelWidths(g))
    for (uint32_t n : pieceHeights(g, hw, maxRows))
      for (uint32_t slots : {1u, 2u}) {
        std::vector<DpuPiece> ps = makePieces(g, n, kc, tiles, opts.banded);
        uint32_t maxWeightSlots =
            allowsTwoWeightSlots(g, ps, tiles, slots) ? 2 : 1;
        for (uint32_t wslots = 1; wslots <= maxWeightSlots; ++wslots) {
          DpuTilingChoice c{n, kc, slots, wslots};
          if (candidateLayout(g, opts, c).total > budget)
            continue;
          uint64_t e = estimate(hw, g, dpu, ps, opts, tiles, slots, wslots);
          if (!found || e < best) {
            found = true;
            best = e;
            bestChoice = c;
            bestPieces = ps;
          }
        }
      }
  if (!found) {
    CmxLayout l = layoutFor(g, std::min(g.H, g.kh), 1, 16, opts, 1, 1);
    error = "one output row of 16 channels needs " + std::to_string(l.total) +
            " bytes of CMX; a tile has " + std::to_string(budget);
    return false;
  }
  setTiling(g, opts, bestChoice, std::move(bestPieces), best, out);
  return true;
}

bool tileDpuAs(const DpuOpGeometry &g, const arch::HardwareDesc &hw,
               const TilingOptions &opts, const DpuTilingChoice &c,
               DpuTiling &out, std::string &error, bool *overflow) {
  uint32_t tiles = std::max<uint32_t>(1, opts.tiles);
  if (overflow)
    *overflow = false;
  if (c.banded != opts.banded) {
    error = c.banded ? "it was made for tiling by bands, and no operand of "
                       "the op is held banded in CMX"
                     : "an operand of the op is held banded in CMX, and it "
                       "was not made for tiling by bands";
    return false;
  }
  uint32_t maxChannels = ceilDiv(g.K, 16) * 16;
  if (c.rows < 1 || c.rows > g.OH) {
    error = "rows = " + std::to_string(c.rows) + " is not in [1, " +
            std::to_string(g.OH) + "] (the output rows)";
    return false;
  }
  if (opts.maxPieceRows && c.rows > opts.maxPieceRows) {
    error = "rows = " + std::to_string(c.rows) +
            " is above max-piece-rows = " + std::to_string(opts.maxPieceRows);
    return false;
  }
  if (c.channels < 16 || c.channels % 16 || c.channels > maxChannels) {
    error = "channels = " + std::to_string(c.channels) +
            " is not a multiple of 16 in [16, " + std::to_string(maxChannels) +
            "] (the output channels)";
    return false;
  }
  if (c.slots != 1 && c.slots != 2) {
    error = "slots = " + std::to_string(c.slots) + " is not 1 or 2";
    return false;
  }
  std::vector<DpuPiece> ps =
      makePieces(g, c.rows, c.channels, tiles, opts.banded);
  if (c.weightSlots != 1 &&
      (c.weightSlots != 2 || !allowsTwoWeightSlots(g, ps, tiles, c.slots))) {
    error = "weight_slots = " + std::to_string(c.weightSlots) +
            " is not 1, or 2 with slots = 2 and a tile that goes through "
            "more than one channel slice";
    return false;
  }
  uint64_t budget = opts.cmxBudget ? opts.cmxBudget : hw.cmxUsableBytes;
  uint64_t need = candidateLayout(g, opts, c).total;
  if (need > budget) {
    error = "its buffers need " + std::to_string(need) +
            " bytes of CMX per tile; the op has " + std::to_string(budget);
    if (overflow)
      *overflow = true;
    return false;
  }
  DpuEstimates dpu(hw, g);
  uint64_t e = estimate(hw, g, dpu, ps, opts, tiles, c.slots, c.weightSlots);
  setTiling(g, opts, c, std::move(ps), e, out);
  return true;
}

const char *tilingStrategy(const DpuTiling &tiling, uint32_t tiles) {
  std::vector<bool> used(std::max<uint32_t>(tiles, 1), false);
  // Tiles per channel slice and channel slices per tile.
  std::map<uint32_t, std::set<uint32_t>> tilesOfSlice;
  for (const DpuPiece &p : tiling.pieces) {
    if (p.tile < used.size())
      used[p.tile] = true;
    tilesOfSlice[p.k0].insert(p.tile);
  }
  if (std::count(used.begin(), used.end(), true) <= 1)
    return "one tile";
  bool sliceOnOneTile = true, sliceOnEveryTile = true;
  size_t usedTiles = std::count(used.begin(), used.end(), true);
  for (const auto &entry : tilesOfSlice) {
    sliceOnOneTile &= entry.second.size() == 1;
    sliceOnEveryTile &= entry.second.size() == usedTiles;
  }
  if (sliceOnOneTile)
    return "split over K";
  if (sliceOnEveryTile)
    return "split over H";
  return "split over H and K";
}

uint32_t slicesPerTile(const std::vector<DpuPiece> &ps, uint32_t tiles) {
  std::vector<uint32_t> count(std::max<uint32_t>(tiles, 1), 0);
  std::vector<int64_t> last(count.size(), -1);
  for (const DpuPiece &p : ps)
    if (last[p.tile] != int64_t(p.k0)) {
      last[p.tile] = p.k0;
      ++count[p.tile];
    }
  return *std::max_element(count.begin(), count.end());
}

} // namespace npu::target
