//===- CmxResidency.cpp - Activations kept in CMX between DPU ops ---------===//

#include "npu/Target/Blob/CmxResidency.h"

#include "npu/Arch/CostModel.h"
#include "npu/Dialect/NPUHW/IR/DeviceTypes.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"
#include "npu/Target/Blob/ScratchAllocator.h"

#include <algorithm>
#include <map>
#include <tuple>

using namespace mlir;

namespace npu::target {

namespace {

struct Hwc {
  uint32_t h = 0, w = 0, c = 0, elemBytes = 0;
};

std::optional<Hwc> hwc(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || type.getRank() != 3 || !type.hasStaticShape())
    return std::nullopt;
  auto dtype = hw::deviceDType(type.getElementType());
  if (!dtype)
    return std::nullopt;
  return Hwc{uint32_t(type.getDimSize(0)), uint32_t(type.getDimSize(1)),
             uint32_t(type.getDimSize(2)), uint32_t(dtypeSize(*dtype))};
}

} // namespace

std::optional<DpuOpGeometry> dpuOpGeometry(Operation *op) {
  DpuOpGeometry g;
  if (auto conv = dyn_cast<hw::DpuConvOp>(op)) {
    auto in = hwc(conv.getInput()), out = hwc(conv.getOutput());
    if (!in || !out)
      return std::nullopt;
    g.op = blob::DpuOp(uint8_t(conv.getKind()));
    ArrayRef<int64_t> k = conv.getKernel(), s = conv.getStrides(),
                      p = conv.getPads();
    g.H = in->h, g.W = in->w, g.C = in->c;
    g.OH = out->h, g.OW = out->w, g.K = out->c;
    g.kh = uint32_t(k[0]), g.kw = uint32_t(k[1]);
    g.sh = uint32_t(s[0]), g.sw = uint32_t(s[1]);
    g.padTop = uint32_t(p[0]), g.padLeft = uint32_t(p[1]);
    g.padBottom = uint32_t(p[2]), g.padRight = uint32_t(p[3]);
    g.inElemBytes = in->elemBytes;
    g.outElemBytes = out->elemBytes;
    if (g.hasWeights()) {
      auto wt = hw::deviceDType(
          cast<ShapedType>(conv.getWeights().getType()).getElementType());
      if (!wt)
        return std::nullopt;
      g.weightElemBytes = uint32_t(dtypeSize(*wt));
    }
    return g;
  }
  if (auto elt = dyn_cast<hw::DpuEltwiseOp>(op)) {
    auto a = hwc(elt.getLhs()), out = hwc(elt.getOutput());
    if (!a || !out)
      return std::nullopt;
    g.op = elt.getKind() == hw::EltwiseKind::add ? blob::DpuOp::EltwiseAdd
                                                 : blob::DpuOp::EltwiseSub;
    g.H = g.OH = a->h;
    g.W = g.OW = a->w;
    g.C = g.K = a->c;
    g.inElemBytes = a->elemBytes;
    g.outElemBytes = out->elemBytes;
    return g;
  }
  return std::nullopt;
}

namespace {

/// The activation operands a DPU op reads (input, or both eltwise operands).
SmallVector<Value, 2> activationOperands(Operation *op) {
  if (auto conv = dyn_cast<hw::DpuConvOp>(op))
    return {conv.getInput()};
  if (auto elt = dyn_cast<hw::DpuEltwiseOp>(op))
    return {elt.getLhs(), elt.getRhs()};
  return {};
}

/// Output row y reads input row y alone (and writes output row y).
bool isRowLocal(const DpuOpGeometry &g) {
  if (g.isEltwise())
    return true;
  return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.padTop == 0 &&
         g.padBottom == 0 && g.padLeft == 0 && g.padRight == 0 && g.H == g.OH;
}

struct Placed {
  uint64_t lo = 0, hi = 0; ///< CMX bytes [lo, hi).
  size_t first = 0, last = 0;
};

/// The function's ops in order, their indices and the DPU ops' geometry.
struct OpTable {
  std::vector<Operation *> ops;
  llvm::DenseMap<Operation *, size_t> index;
  llvm::DenseMap<Operation *, DpuOpGeometry> geometry;

  explicit OpTable(func::FuncOp func) {
    for (Operation &op : func.getBody().front()) {
      index[&op] = ops.size();
      ops.push_back(&op);
    }
    for (Operation *op : ops)
      if (auto g = dpuOpGeometry(op))
        geometry[op] = *g;
  }
};

/// Weight bytes of a DPU op (0 without weights).
uint64_t weightsOf(const DpuOpGeometry &g) {
  return g.hasWeights() ? uint64_t(g.K) * g.weightBytesPerChannel() : 0;
}

/// What the readers of `v` (produced by op `first`) are, for keeping it in
/// CMX: `bad` is the first that is not a DPU op reading it as an
/// activation (then the rest is not filled in).
struct Readers {
  size_t last = 0;      ///< Index of the last reader (`first` if none).
  bool rowLocal = true; ///< Every reader is row-local.
  uint64_t weights = 0; ///< Weight bytes of the readers.
  unsigned count = 0;
  Operation *bad = nullptr;
};

Readers readersOf(const OpTable &table, Value v, size_t first) {
  Readers r;
  r.last = first;
  for (OpOperand &use : v.getUses()) {
    Operation *user = use.getOwner();
    auto g = table.geometry.find(user);
    if (g == table.geometry.end() ||
        !llvm::is_contained(activationOperands(user), v)) {
      r.bad = user;
      return r;
    }
    r.rowLocal &= isRowLocal(g->second);
    r.weights += weightsOf(g->second);
    r.last = std::max(r.last, table.index.lookup(user));
    ++r.count;
  }
  return r;
}

/// The budget of op `i`: below the lowest of `placed` live at `i`.
uint64_t budgetAt(const std::vector<Placed> &placed, size_t i,
                  uint64_t usable) {
  uint64_t lo = usable;
  for (const Placed &p : placed)
    if (p.first <= i && i <= p.last)
      lo = std::min(lo, p.lo);
  return lo;
}

/// Rows of the widest band of `h` rows over `tiles` tiles.
uint32_t widestBand(uint32_t h, uint32_t tiles) {
  uint32_t rows = 0;
  for (uint32_t t = 0; t < tiles; ++t)
    rows = std::max(rows, bandBegin(t + 1, h, tiles) - bandBegin(t, h, tiles));
  return rows;
}

} // namespace

TilingOptions residentTilingOptions(const CmxResidency &r, Operation *op,
                                    uint32_t tiles, uint32_t maxPieceRows) {
  TilingOptions t;
  t.tiles = tiles;
  t.maxPieceRows = maxPieceRows;
  auto b = r.budget.find(op);
  t.cmxBudget = b == r.budget.end() ? 0 : b->second;
  if (auto conv = dyn_cast<hw::DpuConvOp>(op)) {
    Value out = r.output(op, conv.getOutput());
    t.inputResident = r.isResident(conv.getInput());
    t.outputResident = r.isResident(out);
    t.outputBanded = r.isBanded(out);
    t.banded = t.outputBanded || r.isBanded(conv.getInput());
  } else if (auto elt = dyn_cast<hw::DpuEltwiseOp>(op)) {
    Value out = r.output(op, elt.getOutput());
    t.inputResident = r.isResident(elt.getLhs());
    t.input2Resident = r.isResident(elt.getRhs());
    t.outputResident = r.isResident(out);
    t.outputBanded = r.isBanded(out);
    t.banded =
        t.outputBanded || r.isBanded(elt.getLhs()) || r.isBanded(elt.getRhs());
  }
  return t;
}

bool residencyChangesTiling(const TilingOptions &t,
                            const arch::HardwareDesc &hw) {
  return t.inputResident || t.input2Resident || t.outputResident || t.banded ||
         t.outputBanded || (t.cmxBudget && t.cmxBudget < hw.cmxUsableBytes);
}

CmxResidency planCmxResidency(func::FuncOp func, const arch::HardwareDesc &hw,
                              uint32_t tiles, uint32_t maxPieceRows,
                              const ShaveEpilogues *epilogues,
                              const ResidencyPolicy &policy) {
  CmxResidency r;
  if (epilogues)
    for (const auto &[dpu, ep] : *epilogues)
      if (ep.inPlace())
        r.stored[dpu] = ep.result;
  const uint64_t usable = hw.cmxUsableBytes;
  const uint64_t align = TilingOptions().cmxAlignment;
  OpTable table(func);
  std::vector<Operation *> &ops = table.ops;
  llvm::DenseMap<Operation *, size_t> &index = table.index;
  llvm::DenseMap<Operation *, DpuOpGeometry> &geometry = table.geometry;

  std::vector<Placed> placed;
  auto setBudgets = [&](size_t first, size_t last) {
    for (size_t i = first; i <= last; ++i)
      if (geometry.count(ops[i]))
        r.budget[ops[i]] = budgetAt(placed, i, usable);
  };
  // The estimated cycles (Tiling.h) of the DPU ops in [first, last] under
  // the residents placed now, or nullopt when one cannot be tiled; sets
  // their budgets.
  // An op's estimate depends only on its tiling options; a tensor's range
  // is estimated before and after it is placed, and ranges overlap, so the
  // estimates are remembered per op and options (nullopt: cannot be tiled).
  std::map<std::tuple<Operation *, uint64_t, unsigned>, std::optional<uint64_t>>
      estimates;
  auto estimateOf = [&](Operation *op,
                        const DpuOpGeometry &g) -> std::optional<uint64_t> {
    TilingOptions t = residentTilingOptions(r, op, tiles, maxPieceRows);
    unsigned flags = t.inputResident | t.input2Resident << 1 |
                     t.outputResident << 2 | t.banded << 3 |
                     t.outputBanded << 4;
    auto [it, inserted] =
        estimates.try_emplace({op, t.cmxBudget, flags}, std::nullopt);
    if (inserted) {
      DpuTiling tiling;
      std::string error;
      if (planDpuTiling(g, hw, t, tiling, error))
        it->second = tiling.estimatedCycles;
    }
    return it->second;
  };
  auto estimate = [&](size_t first, size_t last) -> std::optional<uint64_t> {
    uint64_t sum = 0;
    for (size_t i = first; i <= last; ++i) {
      auto g = geometry.find(ops[i]);
      if (g == geometry.end())
        continue;
      r.budget[ops[i]] = budgetAt(placed, i, usable);
      // (A budget of 0 would read as the whole CMX to tiling.)
      if (r.budget[ops[i]] == 0)
        return std::nullopt;
      std::optional<uint64_t> cycles = estimateOf(ops[i], g->second);
      if (!cycles)
        return std::nullopt;
      sum += *cycles;
    }
    return sum;
  };

  for (Operation *producer : ops) {
    if (!geometry.count(producer))
      continue;
    Value v = r.output(producer, producer->getResult(0));
    if (!policy.epilogueResults && v != producer->getResult(0))
      continue;
    auto shape = hwc(v);
    if (!shape || v.use_empty())
      continue;
    size_t first = index[producer];
    Readers readers = readersOf(table, v, first);
    if (readers.bad)
      continue;
    size_t last = readers.last;
    unsigned reads = readers.count;
    bool rowLocal = tiles > 1 && shape->h >= tiles && readers.rowLocal;
    // Banding makes the producer and readers compute every channel slice
    // of their band on one tile, so each tile loads all their weights
    // rather than its share of the slices.
    uint64_t bandedWeights = weightsOf(geometry[producer]) + readers.weights;
    uint64_t rowBytes = uint64_t(shape->w) * shape->c * shape->elemBytes;
    uint64_t bytes = uint64_t(shape->h) * rowBytes;
    // A whole copy per tile: copies to the other tiles (the DMA ports work
    // in parallel, CMX to CMX) against a DDR store and one load per read
    // (DDR is shared).
    uint64_t copies = (tiles - 1) * arch::dmaTaskCycles(hw, bytes, false) /
                      std::max<uint32_t>(1, hw.dmaPorts);
    uint64_t ddr = (1 + reads) * arch::dmaTaskCycles(hw, bytes, true);
    // Banded only where the extra weight loads cost less than those copies.
    if (rowLocal && bandedWeights &&
        arch::dmaTaskCycles(hw, bandedWeights * (tiles - 1) / tiles, true) >=
            copies)
      rowLocal = false;
    if (rowLocal) {
      // Banded: the widest band on each tile, never copied.
      bytes = uint64_t(widestBand(shape->h, tiles)) * rowBytes;
    }
    uint64_t size = alignTo(bytes, align);
    if (size > usable)
      continue;
    if (!rowLocal && copies >= ddr)
      continue;

    // Top-down first fit among the residents whose live ranges overlap.
    std::vector<uint64_t> tops = {usable};
    for (const Placed &p : placed)
      if (p.first <= last && first <= p.last)
        tops.push_back(p.lo / align * align);
    std::sort(tops.rbegin(), tops.rend());
    std::optional<uint64_t> lo;
    for (uint64_t hi : tops) {
      if (hi < size)
        continue;
      uint64_t l = (hi - size) / align * align;
      bool clash = false;
      for (const Placed &p : placed)
        if (p.first <= last && first <= p.last && l < p.hi && p.lo < l + size)
          clash = true;
      if (!clash) {
        lo = l;
        break;
      }
    }
    if (!lo)
      continue;

    // Keep it if every DPU op of its live range can still be tiled, and
    // their estimated cycles grow by less than the DDR round trip saves
    // (less the copies): the CMX it takes can make their pieces smaller,
    // with more weight reloads, by more than that.
    std::optional<uint64_t> before = estimate(first, last);
    placed.push_back({*lo, *lo + size, first, last});
    r.offset[v] = *lo;
    r.size[v] = bytes;
    if (rowLocal)
      r.banded.insert(v);
    std::optional<uint64_t> after = estimate(first, last);
    uint64_t saved = ddr > copies && !rowLocal ? ddr - copies : ddr;
    if (!after || (before && *after > policy.maxGrowth * *before + saved)) {
      placed.pop_back();
      r.offset.erase(v);
      r.size.erase(v);
      r.banded.erase(v);
      setBudgets(first, last);
      continue;
    }
  }
  // Budgets of the DPU ops no resident tensor touched.
  for (Operation *op : ops)
    if (geometry.count(op) && !r.budget.count(op))
      r.budget[op] = budgetAt(placed, index[op], usable);
  return r;
}

void recordCmxResidency(func::FuncOp func, const CmxResidency &residency,
                        uint32_t tiles) {
  Builder b(func.getContext());
  for (Operation &op : func.getBody().front()) {
    op.removeAttr(kCmxAttr);
    if (op.getNumResults() != 1 || !residency.isResident(op.getResult(0)))
      continue;
    Value v = op.getResult(0);
    SmallVector<NamedAttribute, 3> fields = {
        b.getNamedAttr(
            "offset", b.getI64IntegerAttr(int64_t(residency.offset.lookup(v)))),
        b.getNamedAttr("size",
                       b.getI64IntegerAttr(int64_t(residency.size.lookup(v))))};
    if (residency.isBanded(v))
      fields.push_back(b.getNamedAttr("banded", b.getUnitAttr()));
    op.setAttr(kCmxAttr, b.getDictionaryAttr(fields));
  }
  func->setAttr(kCmxTilesAttr, b.getI64IntegerAttr(tiles));
}

FailureOr<std::optional<CmxResidency>>
recordedCmxResidency(func::FuncOp func, const arch::HardwareDesc &hw,
                     uint32_t tiles, uint32_t maxPieceRows,
                     const ShaveEpilogues *epilogues) {
  const uint64_t usable = hw.cmxUsableBytes;
  const uint64_t align = TilingOptions().cmxAlignment;
  OpTable table(func);
  auto tilesAttr = func->getAttrOfType<IntegerAttr>(kCmxTilesAttr);
  if (!tilesAttr) {
    for (Operation *op : table.ops)
      if (op->hasAttr(kCmxAttr))
        return op->emitOpError()
               << "has an '" << kCmxAttr << "' record but the function has "
               << "no '" << kCmxTilesAttr << "' (the tiles it was made for)";
    return std::optional<CmxResidency>();
  }
  if (tilesAttr.getInt() != int64_t(tiles))
    return emitError(func.getLoc())
           << "function '" << func.getSymName() << "' was grouped for "
           << tilesAttr.getInt() << " tiles but is compiled for " << tiles
           << " (group it again with npu-group-layers tiles=" << tiles
           << ", or compile for " << tilesAttr.getInt()
           << " tiles: npu-generate-tasks tiles=" << tilesAttr.getInt() << ")";

  CmxResidency r;
  // The last op of a SHAVE epilogue -> the DPU op it follows.
  llvm::DenseMap<Operation *, Operation *> epilogueOf;
  if (epilogues)
    for (const auto &[dpu, ep] : *epilogues)
      if (ep.inPlace()) {
        r.stored[dpu] = ep.result;
        epilogueOf[ep.result.getDefiningOp()] = dpu;
      }
  std::vector<Placed> placed;
  for (Operation *op : table.ops) {
    Attribute attr = op->getAttr(kCmxAttr);
    if (!attr)
      continue;
    auto dict = dyn_cast<DictionaryAttr>(attr);
    auto offsetAttr = dict ? dict.getAs<IntegerAttr>("offset") : nullptr;
    auto sizeAttr = dict ? dict.getAs<IntegerAttr>("size") : nullptr;
    if (!offsetAttr || !sizeAttr || offsetAttr.getInt() < 0 ||
        sizeAttr.getInt() < 0)
      return op->emitOpError()
             << "'s '" << kCmxAttr
             << "' must be {offset = N, size = N} (non-negative byte counts, "
                "plus 'banded' for a banded tensor)";
    // 'banded' is a unit entry; anything else in the record is a mistake.
    Attribute bandedAttr = dict.get("banded");
    if (bandedAttr && !isa<UnitAttr>(bandedAttr))
      return op->emitOpError()
             << "'s '" << kCmxAttr << "' has 'banded = " << bandedAttr
             << "': 'banded' is a unit entry (present: banded; absent: "
                "whole)";
    for (NamedAttribute entry : dict) {
      StringRef key = entry.getName().strref();
      if (key != "offset" && key != "size" && key != "banded")
        return op->emitOpError()
               << "'s '" << kCmxAttr << "' has '" << key
               << "', which is not a field of it (offset, size, banded)";
    }
    bool banded = bandedAttr != nullptr;
    Operation *producer = epilogueOf.lookup(op);
    if (!producer)
      producer = op;
    auto g = table.geometry.find(producer);
    if (g == table.geometry.end())
      return op->emitOpError()
             << "keeps its result in CMX but only a DPU op's result, or the "
                "result of its SHAVE epilogue (the elementwise SHAVE ops code "
                "generation runs on its pieces with shave-epilogues), can "
                "stay there";
    Value v = op->getResult(0);
    auto shape = hwc(v);
    if (!shape)
      return op->emitOpError("keeps a result in CMX that is not a static "
                             "[H, W, C] device tensor");
    size_t first = table.index[producer];
    Readers readers = readersOf(table, v, first);
    if (readers.bad && isa<func::ReturnOp>(readers.bad))
      return op->emitOpError()
             << "keeps a function result in CMX; results go to their "
                "Output buffer (remove '"
             << kCmxAttr << "' from this op)";
    if (readers.bad)
      return readers.bad->emitOpError()
             << "reads a tensor kept in CMX; only DPU ops reading it as "
                "an activation may (remove '"
             << kCmxAttr << "' from its producer)";
    size_t last = readers.last;
    bool rowLocal = tiles > 1 && shape->h >= tiles && readers.rowLocal;
    if (v.use_empty())
      return op->emitOpError("keeps an unused result in CMX");
    if (banded && !rowLocal)
      return op->emitOpError()
             << "holds its result banded, but "
             << (tiles < 2 || shape->h < tiles
                     ? "there are fewer tiles than 2 or than its rows"
                     : "a reader is not row-local (1x1, stride 1, unpadded "
                       "convolution or eltwise)");
    uint64_t rowBytes = uint64_t(shape->w) * shape->c * shape->elemBytes;
    uint64_t bytes =
        (banded ? widestBand(shape->h, tiles) : shape->h) * rowBytes;
    if (uint64_t(sizeAttr.getInt()) != bytes) {
      InFlightDiagnostic d = op->emitOpError()
                             << "has a CMX copy of " << bytes << " bytes, not "
                             << sizeAttr.getInt();
      uint64_t other =
          (banded ? shape->h : widestBand(shape->h, tiles)) * rowBytes;
      if (uint64_t(sizeAttr.getInt()) == other)
        d << (banded ? " (that is the whole tensor's size: remove 'banded', "
                       "or give its widest band's)"
                     : " (that is its widest band's size: add 'banded', or "
                       "give the whole tensor's)");
      return d;
    }
    uint64_t lo = uint64_t(offsetAttr.getInt());
    uint64_t hi = lo + alignTo(bytes, align);
    if (lo % align || hi > usable)
      return op->emitOpError()
             << "keeps its result at CMX bytes [" << lo << ", " << hi
             << "), which must start at a multiple of " << align
             << " and end within the " << usable << " usable bytes";
    for (const Placed &p : placed)
      if (p.first <= last && first <= p.last && lo < p.hi && p.lo < hi)
        return op->emitOpError()
               << "keeps its result at CMX bytes [" << lo << ", " << hi
               << "), overlapping bytes [" << p.lo << ", " << p.hi
               << ") of a tensor kept there at the same time";
    placed.push_back({lo, hi, first, last});
    r.offset[v] = lo;
    r.size[v] = bytes;
    if (banded)
      r.banded.insert(v);
  }
  for (Operation *op : table.ops) {
    auto g = table.geometry.find(op);
    if (g == table.geometry.end())
      continue;
    r.budget[op] = budgetAt(placed, table.index[op], usable);
    // A budget of 0 would read as "the whole CMX" to tiling.
    if (r.budget[op] == 0)
      return op->emitOpError()
             << "has no CMX left for its pieces: a tensor kept in CMX at "
                "offset 0 is live at it";
    TilingOptions t = residentTilingOptions(r, op, tiles, maxPieceRows);
    if (!dpuTilingFits(g->second, hw, t))
      return op->emitOpError() << "cannot be tiled in the " << r.budget[op]
                               << " bytes of CMX its layer grouping leaves it";
  }
  return std::optional<CmxResidency>(std::move(r));
}

} // namespace npu::target
