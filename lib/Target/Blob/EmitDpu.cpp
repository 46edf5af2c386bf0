//===- EmitDpu.cpp - Tiled DPU ops as DMA / DPU / DMA task chains ---------===//
//
// A DPU op is split by Tiling.h into pieces; each piece is, on its tile:
// DMA of its input rows (and second input), DMA of its weights slice and
// weight table unless the tile already holds that slice, the DPU task with
// workloads from Workloads.h, and the DMA of its output into the op's result
// (a strided view for channel slices). Pieces are emitted in rounds (the
// r-th piece of every tile), loads before tasks before stores, so that all
// DPUs start as early as possible.
//
//===----------------------------------------------------------------------===//

#include "CopyElision.h"
#include "Emitter.h"

#include "npu/Dialect/NPUHW/IR/DeviceTypes.h"
#include "npu/Dialect/NPUHW/IR/PostProcess.h"
#include "npu/Target/Blob/Tiling.h"
#include "npu/Target/Blob/TilingRecord.h"
#include "npu/Target/Blob/Workloads.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/MathExtras.h"

#include <array>
#include <cstring>
#include <map>
#include <memory>
#include <optional>

using namespace mlir;

namespace npu::target {

namespace {

template <typename OpT> FailureOr<blob::PostProcess> postProcess(OpT op) {
  if (op.getLeakyShift() > 63 || op.getShift() > 63)
    return op.emitOpError("post-processing shifts must be 0..63");
  blob::PostProcess q = hw::postProcessOf(op);
  // Test only (npu-compile --debug-corrupt-tensor, for npu-compare's tests):
  // another output zero point (an int8 result) or, for a float result,
  // every value clamped to 0 (a convolution's float bias is its weight
  // table's, which the task's scalar bias does not reach: a float
  // convolution was not corrupted at all), so that the device differs
  // from the interpreter on this op.
  if (op->hasAttr("npu.debug_corrupt")) {
    q.outZeroPoint += q.outZeroPoint < 127 ? 1 : -1;
    q.fclampLow = q.fclampHigh = 0.0f;
  }
  return q;
}

/// Element type, shape [H, W, C] and location of a DPU operand: a DDR
/// buffer, or for a resident tensor its copy on each tile.
struct Operand {
  DType dtype = DType::I8;
  uint32_t d0 = 0, d1 = 0, d2 = 0;
  uint32_t buffer = 0;
  /// In DDR through an elided transpose or slice, or as a DPU result
  /// stored into a concat's (CopyElision.h): element [0, 0, 0] at `offset`
  /// bytes into `buffer`, dimension i `strides[i]` bytes apart. Empty:
  /// dense from byte 0.
  uint64_t offset = 0;
  std::vector<uint64_t> strides;
  std::vector<uint32_t> tileBuffers;
  /// A banded resident tensor: the first row each tile's copy holds.
  std::vector<uint32_t> bandRows;

  bool resident() const { return !tileBuffers.empty(); }
  /// The row of `tile`'s copy that holds row `row`.
  uint32_t localRow(uint32_t row, uint32_t tile) const {
    return bandRows.empty() ? row : row - bandRows[tile];
  }
};

FailureOr<Operand> operand(Emitter &e, Operation *op, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  auto dtype = hw::deviceDType(type.getElementType());
  const ValueLocation *loc = e.buffers.lookup(v);
  auto resident = e.residentBuffers.find(v);
  bool inCmx = resident != e.residentBuffers.end();
  // A view of another value's bytes through elided copies.
  std::optional<StridedView> view;
  if (!loc && !inCmx) {
    if (auto slot = e.dpuIntoConcats.find(v); slot != e.dpuIntoConcats.end())
      view = StridedView{
          slot->second.concat, slot->second.offset,
          dtype ? dtypeSize(*dtype) : 1,
          std::vector<uint64_t>(type.getShape().begin(), type.getShape().end()),
          slot->second.strides};
    else
      view = composedView(v, e.elidedCopies);
    if (view && view->shape.size() == 3)
      loc = e.buffers.lookup(view->base);
  }
  // Computed per piece into CMX by its SHAVE prologue: no bytes in DDR.
  bool prologue = e.shavePrologues.count(v);
  if (!dtype || (!loc && !inCmx && !prologue) || type.getRank() != 3)
    return op->emitOpError()
           << "operand " << type << " is not a [H, W, C] tensor in DDR";
  Operand o;
  o.dtype = *dtype;
  o.d0 = uint32_t(type.getDimSize(0));
  o.d1 = uint32_t(type.getDimSize(1));
  o.d2 = uint32_t(type.getDimSize(2));
  if (loc)
    o.buffer = loc->buffer;
  if (view) {
    o.offset = view->offset;
    o.strides = view->strides;
  }
  if (inCmx) {
    o.tileBuffers = resident->second;
    if (e.residency.isBanded(v))
      for (uint32_t t = 0; t < o.tileBuffers.size(); ++t)
        o.bandRows.push_back(
            bandBegin(t, o.d0, uint32_t(o.tileBuffers.size())));
  }
  return o;
}

/// Everything one DPU op needs for its pieces.
struct DpuJob {
  Operation *op = nullptr;
  /// SHAVE ops run on each output piece before it is stored (then `out` is
  /// the last one's result), or null.
  const ShaveEpilogue *epilogue = nullptr;
  /// The element type the DPU writes (`out`'s unless the epilogue converts).
  DType pieceType = DType::I8;
  std::string label;
  DpuOpGeometry g;
  blob::DpuTask proto; ///< Op, parameters, PPE; operands filled per piece.
  Operand in, in2, out;
  std::optional<Operand> weights;
  std::optional<Operand> table;
  DType weightsType = DType::I8;
  uint32_t weightsBuffer = 0, tableBuffer = 0;
  /// Weights viewed through elided copies (Operand::offset, ::strides):
  /// [K, kh, kw, C] from `weightsOffset` with `weightsStrides`; empty:
  /// dense from byte 0.
  uint64_t weightsOffset = 0;
  std::vector<uint64_t> weightsStrides;
};

/// Rows [row, row + rows) x channels [c0, c0 + c) of an [H, W, C] operand
/// (for a resident operand, of its copy on `tile`).
blob::TensorRef rowsView(const Operand &o, uint32_t row, uint32_t rows,
                         uint32_t c0, uint32_t c, uint32_t tile = 0) {
  uint64_t e = dtypeSize(o.dtype);
  blob::TensorRef r;
  r.buffer = o.resident() ? o.tileBuffers[tile] : o.buffer;
  r.dtype = o.dtype;
  r.shape = {rows, o.d1, c};
  if (!o.resident() && !o.strides.empty()) {
    r.offset =
        o.offset + uint64_t(row) * o.strides[0] + uint64_t(c0) * o.strides[2];
    r.strides = o.strides;
    return r;
  }
  if (o.resident())
    row = o.localRow(row, tile);
  r.offset = (uint64_t(row) * o.d1 * o.d2 + c0) * e;
  r.strides = {uint64_t(o.d1) * o.d2 * e, uint64_t(o.d2) * e, e};
  return r;
}

/// A 1x1, stride-1, unpadded convolution computes each pixel alone, so a
/// task's rows x W pixels may be presented to the DPU as any h x w with
/// h * w = rows * W when both operands are spatially contiguous (a row's
/// stride is W pixel strides): the DPU's output cells (4 x 4 pixels) then
/// pad fewer pixels (14 x 14 = 196 pixels as 4 x 49: 208 pixels of cells
/// instead of 256). Reshapes the task's input and output views to the
/// shape whose workloads cost least (the original on a tie) and returns
/// that shape's workload plan.
WorkloadPlan planFlattenedWorkloads(const arch::HardwareDesc &hw,
                                    const DpuOpGeometry &g, const DpuPiece &p,
                                    blob::DpuTask &d) {
  DpuTaskShape shape = pieceTaskShape(g, p.outRows, p.kc);
  WorkloadPlan best = planWorkloads(hw, shape);
  auto spatiallyDense = [](const blob::TensorRef &r) {
    return r.shape.size() == 3 && r.strides.size() == 3 &&
           r.strides[0] == uint64_t(r.shape[1]) * r.strides[1];
  };
  if (!g.isPointwiseConv() || p.padTop || p.padBottom || d.input2 ||
      p.inRows != p.outRows || !spatiallyDense(d.input) ||
      !spatiallyDense(d.output))
    return best;
  uint64_t bestH = p.outRows, bestW = g.OW;
  DpuTaskShape flat = shape;
  for (auto [h, w] : flatPixelShapes(hw, p.outRows, g.OW)) {
    flat.outHeight = h;
    flat.outWidth = w;
    WorkloadPlan plan = planWorkloads(hw, flat);
    if (plan.cycles < best.cycles) {
      best = std::move(plan);
      bestH = h;
      bestW = w;
    }
  }
  for (blob::TensorRef *r : {&d.input, &d.output}) {
    r->shape[0] = uint32_t(bestH);
    r->shape[1] = uint32_t(bestW);
    r->strides[0] = bestW * r->strides[1];
  }
  return best;
}

/// The weight table of channels [k0, k0 + kc) with offsets rebased to the
/// weights slice, as a new weights-section entry.
FailureOr<uint32_t> rebasedTable(Emitter &e, DpuJob &job, uint32_t k0,
                                 uint32_t kc) {
  const blob::Buffer &b = e.program.buffers[job.tableBuffer];
  if (b.space != blob::MemSpace::Weights)
    return job.op->emitOpError(
        "needs its weights split over output channels, which needs a "
        "constant weight table");
  uint64_t perChannel = job.g.weightBytesPerChannel();
  std::vector<int32_t> words(size_t(kc) * 4);
  std::memcpy(words.data(), e.weights.bytes().data() + b.offset + k0 * 16,
              words.size() * 4);
  for (uint32_t k = 0; k < kc; ++k) {
    int64_t off = int64_t(words[k * 4]) - int64_t(uint64_t(k0) * perChannel);
    if (off < 0 || uint64_t(off) + perChannel > uint64_t(kc) * perChannel)
      return job.op->emitOpError()
             << "weight table entry " << (k0 + k)
             << " points outside the weights of its channel slice; cannot "
                "split over output channels";
    words[k * 4] = int32_t(off);
  }
  llvm::ArrayRef<uint8_t> bytes(reinterpret_cast<const uint8_t *>(words.data()),
                                words.size() * 4);
  return e.weights.add(job.label + ".table" + std::to_string(k0), bytes);
}

/// CMX buffers of a DPU op on one tile (inputs and outputs once per slot),
/// and the channel slice each weight slot holds.
struct TileBuffers {
  uint32_t in[2] = {0, 0}, in2[2] = {0, 0}, out[2] = {0, 0};
  bool inCreated[2] = {false, false}; ///< in[s] exists (inputSlot).
  uint32_t w[2] = {0, 0}, t[2] = {0, 0};
  int64_t slotK0[2] = {-1, -1};
  /// The weight slot each of the tile's pieces reads, set by its loads.
  std::vector<uint32_t> pieceSlot;
  /// The input slot each of the tile's pieces reads, and the input rows and
  /// channels each input slot holds (row -1: nothing yet): pieces of one
  /// row range in several channel slices read one load.
  std::vector<uint32_t> pieceInSlot;
  struct InputView {
    int64_t row = -1;
    uint32_t rows = 0, c0 = 0, c = 0;
    bool operator==(const InputView &o) const {
      return row == o.row && rows == o.rows && c0 == o.c0 && c == o.c;
    }
  } inHeld[2];

  /// The input slot holding `v`, or -1.
  int holdingInput(const InputView &v, uint32_t slots) const {
    for (uint32_t s = 0; s < slots && s < 2; ++s)
      if (inHeld[s] == v)
        return int(s);
    return -1;
  }

  /// The slot holding channel slice `k0`, or -1.
  int holding(uint32_t k0) const {
    for (int s = 0; s < 2; ++s)
      if (slotK0[s] == int64_t(k0))
        return s;
    return -1;
  }
};

} // namespace

/// A DPU op tiled and given its CMX buffers, ready to emit. Its layout sits
/// at `base` on every tile it uses.
struct DpuPlan {
  DpuJob job;
  DpuTiling tiling;
  uint64_t base = 0;
  std::vector<TileBuffers> tb;
  std::vector<std::vector<const DpuPiece *>> byTile;
  std::map<uint32_t, uint32_t> tableOf; ///< Channel slice -> weight table.

  bool usesTile(uint32_t t) const { return !byTile[t].empty(); }
};

namespace {

/// "p<index>": the piece among its op's.
std::string pieceSuffix(const DpuPlan &plan, const DpuPiece &p) {
  return "p" + std::to_string(&p - plan.tiling.pieces.data());
}

std::string pieceName(const DpuPlan &plan, const DpuPiece &p) {
  return plan.job.label + "." + pieceSuffix(plan, p);
}

blob::TensorRef cmxRef(uint32_t buffer, DType dtype,
                       std::vector<uint32_t> shape) {
  return blob::TensorRef::dense(buffer, 0, dtype, std::move(shape));
}

/// The op's pieces and CMX layout within its budget: as recorded by the
/// tiled / grouped stage, else planned now.
FailureOr<DpuTiling> tileJob(Emitter &e, const DpuJob &job) {
  TilingOptions topts =
      residentTilingOptions(e.residency, job.op, e.tiles, e.opts.maxPieceRows);
  bool useRecord =
      !e.residencyPlannedHere || !residencyChangesTiling(topts, e.hw);
  return tileDpuOp(job.op, job.g, e.hw, topts, useRecord);
}

/// The CMX buffer of input slot `s` on tile `t`, created on first use.
uint32_t inputSlot(Emitter &e, DpuPlan &plan, uint32_t t, uint32_t s) {
  TileBuffers &b = plan.tb[t];
  const CmxLayout &l = plan.tiling.layout;
  if (!b.inCreated[s] && l.inputSize) {
    std::string slot = l.slots > 1 ? "." + std::to_string(s) : "";
    b.in[s] = e.addBuffer(
        plan.job.label + ".t" + std::to_string(t) + ".in" + slot,
        blob::MemSpace::Cmx, t, plan.base + l.input[s], l.inputSize);
    b.inCreated[s] = true;
  }
  return b.in[s];
}

/// Creates the CMX buffers of the tiled op at `base`.
FailureOr<std::unique_ptr<DpuPlan>> planJob(Emitter &e, DpuJob job,
                                            DpuTiling tiled, uint64_t base) {
  auto plan = std::make_unique<DpuPlan>();
  plan->job = std::move(job);
  plan->base = base;
  plan->tiling = std::move(tiled);
  DpuTiling &tiling = plan->tiling;
  const CmxLayout &l = tiling.layout;
  const DpuOpGeometry &g = plan->job.g;
  DpuJob &j = plan->job;

  plan->tb.resize(e.tiles);
  plan->byTile.resize(e.tiles);
  for (const DpuPiece &p : tiling.pieces)
    plan->byTile[p.tile].push_back(&p);
  for (uint32_t t = 0; t < e.tiles; ++t) {
    if (plan->byTile[t].empty())
      continue;
    std::string n = j.label + ".t" + std::to_string(t);
    TileBuffers &b = plan->tb[t];
    uint32_t slots = std::min<uint32_t>(l.slots, plan->byTile[t].size());
    for (uint32_t s = 0; s < slots; ++s) {
      std::string slot = l.slots > 1 ? "." + std::to_string(s) : "";
      // The second input slot is created by its first load (inputSlot):
      // pieces that share one input never use it.
      if (s == 0)
        inputSlot(e, *plan, t, 0);
      if (l.input2Size)
        b.in2[s] = e.addBuffer(n + ".in2" + slot, blob::MemSpace::Cmx, t,
                               base + l.input2[s], l.input2Size);
      if (l.outputSize)
        b.out[s] = e.addBuffer(n + ".out" + slot, blob::MemSpace::Cmx, t,
                               base + l.output[s], l.outputSize);
    }
    if (g.hasWeights())
      for (uint32_t s = 0; s < l.weightSlots; ++s) {
        std::string slot = l.weightSlots > 1 ? "." + std::to_string(s) : "";
        b.w[s] = e.addBuffer(n + ".w" + slot, blob::MemSpace::Cmx, t,
                             base + l.weights[s], l.weightsSize);
        b.t[s] = e.addBuffer(n + ".wt" + slot, blob::MemSpace::Cmx, t,
                             base + l.table[s], l.tableSize);
      }
    b.pieceSlot.assign(plan->byTile[t].size(), 0);
    b.pieceInSlot.assign(plan->byTile[t].size(), 0);
    e.cmxUsed[t] = std::max(e.cmxUsed[t], base + l.total);
  }

  // Rebased weight tables of the channel slices.
  if (g.hasWeights())
    for (const DpuPiece &p : tiling.pieces) {
      if (plan->tableOf.count(p.k0))
        continue;
      if (tiling.channelPieces == 1) {
        plan->tableOf[p.k0] = j.tableBuffer;
        continue;
      }
      auto t = rebasedTable(e, j, p.k0, p.kc);
      if (failed(t))
        return failure();
      plan->tableOf[p.k0] = *t;
    }
  return plan;
}

/// The DMAs of the weights slice and weight table of piece `p` into weight
/// slot `slot` of tile `t`: name, source and destination of each.
struct WeightLoad {
  std::string name;
  blob::TensorRef src, dst;
};
std::array<WeightLoad, 2> weightLoads(DpuPlan &plan, uint32_t t,
                                      const DpuPiece &p, uint32_t slot) {
  const DpuJob &job = plan.job;
  const DpuOpGeometry &g = job.g;
  TileBuffers &b = plan.tb[t];
  std::string n = pieceName(plan, p);
  uint32_t cw = g.op == blob::DpuOp::Conv ? g.C : 1;
  std::vector<uint32_t> wshape = {p.kc, g.kh, g.kw, cw};
  uint32_t table = plan.tableOf[p.k0];
  uint64_t tableOffset = table == job.tableBuffer ? uint64_t(p.k0) * 16 : 0;
  blob::TensorRef src = blob::TensorRef::dense(
      job.weightsBuffer, uint64_t(p.k0) * g.weightBytesPerChannel(),
      job.weightsType, wshape);
  if (!job.weightsStrides.empty()) {
    src.offset = job.weightsOffset + uint64_t(p.k0) * job.weightsStrides[0];
    src.strides = job.weightsStrides;
  }
  return {WeightLoad{n + ".w", src, cmxRef(b.w[slot], job.weightsType, wshape)},
          WeightLoad{
              n + ".wt",
              blob::TensorRef::dense(table, tableOffset, DType::I32, {p.kc, 4}),
              cmxRef(b.t[slot], DType::I32, {p.kc, 4})}};
}

/// DMAs of the weights slice and weight table of piece `p` into weight slot
/// `slot` of tile `t`.
void loadWeights(Emitter &e, DpuPlan &plan, uint32_t t, const DpuPiece &p,
                 uint32_t slot) {
  for (const WeightLoad &l : weightLoads(plan, t, p, slot))
    e.dma(l.name, l.src, l.dst);
  plan.tb[t].slotK0[slot] = p.k0;
}

/// The CMX the pieces of `op` may use, from offset 0 (below the resident
/// tensors live at `op`).
uint64_t budgetOf(const Emitter &e, Operation *op) {
  auto it = e.residency.budget.find(op);
  return it == e.residency.budget.end() ? e.hw.cmxUsableBytes : it->second;
}

/// Whether CMX bytes [begin, end) may be written while `p` runs: below its
/// budget (the resident tensors live at it lie above) and clear of its
/// layout on tile `tile` (on every tile when none is given; on a tile `p`
/// does not use there is no layout).
bool clearOf(const Emitter &e, const DpuPlan &p, uint64_t begin, uint64_t end,
             std::optional<uint32_t> tile = std::nullopt) {
  uint64_t pBegin = p.base, pEnd = p.base + p.tiling.layout.total;
  return end <= budgetOf(e, p.job.op) &&
         ((tile && !p.usesTile(*tile)) || end <= pBegin || begin >= pEnd);
}

/// Whether the weights of DPU op `op` may load while `prev` runs: constants
/// (the weights section) always; weights computed on the device (a matmul
/// of two activations) only when their writer comes before `prev`: tasks
/// are ordered by their emission, so a load emitted now would not wait for
/// a writer emitted later.
bool weightsLoadableDuring(const Emitter &e, Operation *op, Operation *prev) {
  auto conv = dyn_cast<hw::DpuConvOp>(op);
  if (!conv || !conv.getWeights())
    return true;
  const ValueLocation *wl = e.buffers.lookup(conv.getWeights());
  if (wl && e.program.buffers[wl->buffer].space == blob::MemSpace::Weights)
    return true;
  // The writer of the bytes loaded: through elided copies, of their base.
  Value written = conv.getWeights();
  if (!wl)
    if (auto view = composedView(written, e.elidedCopies))
      written = view->base;
  Operation *def = written.getDefiningOp();
  return def && def->getBlock() == prev->getBlock() &&
         def->isBeforeInBlock(prev);
}

/// Where the next op's layout goes: the lowest of 0, right above the layout
/// of one of `running` (the ops that run before it), or the top of its
/// budget (with `deep`, also where its first weight slot starts right above,
/// or its last table ends right below, a layout of `running`), at which its
/// first `weightSlots` weight slots and their weight tables neither overlap
/// a layout of `running` nor leave a budget of theirs (so they can be
/// loaded while those run); nullopt if there is none.
std::optional<uint64_t> placeAfter(const Emitter &e,
                                   ArrayRef<const DpuPlan *> running,
                                   Operation *nextOp, const CmxLayout &next,
                                   uint32_t weightSlots = 1,
                                   bool deep = false) {
  uint64_t align = TilingOptions().cmxAlignment;
  uint64_t usable = budgetOf(e, nextOp);
  if (!next.weightsSize || next.total > usable)
    return std::nullopt;
  SmallVector<uint64_t> candidates = {0};
  for (const DpuPlan *p : running)
    candidates.push_back(
        llvm::alignTo(p->base + p->tiling.layout.total, align));
  candidates.push_back((usable - next.total) / align * align);
  if (deep) {
    uint64_t wOff = next.weights[0];
    uint64_t wEnd =
        next.table[std::min<uint32_t>(weightSlots, 2) - 1] + next.tableSize;
    for (const DpuPlan *p : running) {
      uint64_t above = llvm::alignTo(p->base + p->tiling.layout.total, align);
      if (above >= wOff)
        candidates.push_back(llvm::alignDown(above - wOff, align));
      if (p->base >= wEnd)
        candidates.push_back(llvm::alignDown(p->base - wEnd, align));
    }
  }
  for (uint64_t base : candidates) {
    if (base + next.total > usable)
      continue;
    bool clear = true;
    for (uint32_t s = 0; s < weightSlots && s < 2 && clear; ++s) {
      uint64_t wBegin = base + next.weights[s];
      uint64_t wEnd = base + next.table[s] + next.tableSize;
      clear = llvm::all_of(running, [&](const DpuPlan *p) {
        return clearOf(e, *p, wBegin, wEnd);
      });
    }
    if (clear)
      return base;
  }
  return std::nullopt;
}

/// Loads, ahead of time, the weights of `next`'s first piece on every tile
/// where they overlap nothing `running` uses (the ops before `next`, the
/// first of them being emitted). Emitted while `running[0]`'s tasks are
/// being emitted, so the DMAs run while it computes.
void prefetchWeights(Emitter &e, ArrayRef<const DpuPlan *> running,
                     DpuPlan &next) {
  const CmxLayout &nl = next.tiling.layout;
  if (!next.job.g.hasWeights())
    return;
  if (!weightsLoadableDuring(e, next.job.op, running.front()->job.op))
    return;
  uint64_t wBegin = next.base + nl.weights[0];
  uint64_t wEnd = next.base + nl.table[0] + nl.tableSize;
  for (uint32_t t = 0; t < e.tiles; ++t) {
    if (!next.usesTile(t))
      continue;
    // Nothing a running op still touches may be overwritten.
    if (!llvm::all_of(running, [&](const DpuPlan *p) {
          return clearOf(e, *p, wBegin, wEnd, t);
        }))
      continue;
    e.sched.beginStep();
    loadWeights(e, next, t, *next.byTile[t][0], 0);
    e.sched.endStep();
  }
}

/// Emits the plan's pieces; `prefetchNext` runs at the prefetch point of
/// the next op's weights: after the first round's loads when this op reads
/// its inputs where they are resident and no tile of it changes weights
/// slice, so that they load during the whole op; else once the last round's DPU
/// tasks are emitted, behind this op's own loads. (Early for every op:
/// ResNet-50 int8 NPU3720 +1.6 %, the openWakeWord embedding fp16 +16 %;
/// early as here: MobileNetV2 -5.7 %, ResNet-50 -1.1 %, none slower.)
LogicalResult emitPlan(Emitter &e, DpuPlan &plan,
                       llvm::function_ref<void()> prefetchNext) {
  LogicalResult status = success();
  const DpuJob &job = plan.job;
  const CmxLayout &l = plan.tiling.layout;
  const DpuOpGeometry &g = job.g;
  auto &byTile = plan.byTile;
  auto &tb = plan.tb;

  size_t rounds = 0;
  for (const auto &list : byTile)
    rounds = std::max(rounds, list.size());
  auto slotOf = [&](size_t r) { return uint32_t(r % l.slots); };

  // Loads of round r on every tile; `which` selects the tiles whose piece
  // keeps (1) or changes (2) the resident weights slice, 0 all of them.
  auto loads = [&](size_t r, int which) {
    for (uint32_t t = 0; t < e.tiles; ++t) {
      if (r >= byTile[t].size())
        continue;
      const DpuPiece &p = *byTile[t][r];
      TileBuffers &b = tb[t];
      int held = b.holding(p.k0);
      bool reload = g.hasWeights() && held < 0;
      if ((which == 1 && reload) || (which == 2 && !reload))
        continue;
      // A new slice goes to the slot the previous piece does not read
      // (with two slots), so that it loads while that piece computes.
      uint32_t wslot = held >= 0 ? uint32_t(held) : 0;
      if (reload && l.weightSlots == 2 && r > 0)
        wslot = 1 - b.pieceSlot[r - 1];
      b.pieceSlot[r] = wslot;
      uint32_t s = slotOf(r);
      // The input: where a slot already holds these rows and channels (the
      // previous piece was another channel slice of them), that load; else
      // loaded into the slot the previous piece does not read.
      uint32_t inSlots = std::min<uint32_t>(l.slots, byTile[t].size());
      TileBuffers::InputView view{p.inRow, p.inRows, p.c0, p.cin};
      int heldIn = g.isEltwise() ? -1 : b.holdingInput(view, inSlots);
      uint32_t inSlot = s;
      if (heldIn >= 0)
        inSlot = uint32_t(heldIn);
      else if (!g.isEltwise() && inSlots == 2 && r > 0)
        inSlot = 1 - b.pieceInSlot[r - 1];
      b.pieceInSlot[r] = inSlot;
      std::string n = pieceName(plan, p);
      e.sched.beginStep();
      if (!job.in.resident() && heldIn < 0) {
        blob::TensorRef dst = cmxRef(inputSlot(e, plan, t, inSlot),
                                     job.in.dtype, {p.inRows, g.W, p.cin});
        if (Operation *prologue =
                e.shavePrologues.lookup(job.op->getOperand(0))) {
          // A dense convolution's pieces read every input channel.
          if (p.c0 != 0 || p.cin != g.C)
            status = job.op->emitOpError(
                "internal error: a piece reads part of the channels its "
                "input's SHAVE prologue computes");
          else if (failed(emitShavePrologue(e, prologue, t, p.inRow, p.inRows,
                                            dst, n + ".in")))
            status = failure();
        } else {
          e.dma(n + ".in", rowsView(job.in, p.inRow, p.inRows, p.c0, p.cin),
                dst);
        }
        b.inHeld[inSlot] = view;
      }
      if (g.isEltwise() && !job.in2.resident())
        e.dma(n + ".in2", rowsView(job.in2, p.inRow, p.inRows, p.c0, p.cin),
              cmxRef(b.in2[s], job.in2.dtype, {p.inRows, g.W, p.cin}));
      if (reload)
        loadWeights(e, plan, t, p, wslot);
      e.sched.endStep();
    }
  };

  auto dpus = [&](size_t r) {
    for (uint32_t t = 0; t < e.tiles; ++t) {
      if (r >= byTile[t].size())
        continue;
      const DpuPiece &p = *byTile[t][r];
      TileBuffers &b = tb[t];
      uint32_t s = slotOf(r);
      blob::Task task;
      task.name = pieceName(plan, p);
      blob::DpuTask &d = task.dpu;
      d = job.proto;
      d.input = job.in.resident()
                    ? rowsView(job.in, p.inRow, p.inRows, p.c0, p.cin, t)
                    : cmxRef(b.in[b.pieceInSlot[r]], job.in.dtype,
                             {p.inRows, g.W, p.cin});
      std::vector<Access> acc = {e.access(d.input, false)};
      if (g.isEltwise()) {
        d.input2 =
            job.in2.resident()
                ? rowsView(job.in2, p.inRow, p.inRows, p.c0, p.cin, t)
                : cmxRef(b.in2[s], job.in2.dtype, {p.inRows, g.W, p.cin});
        acc.push_back(e.access(*d.input2, false));
      }
      if (g.hasWeights()) {
        uint32_t cw = g.op == blob::DpuOp::Conv ? g.C : 1;
        uint32_t wslot = b.pieceSlot[r];
        d.weights = cmxRef(b.w[wslot], job.weightsType, {p.kc, g.kh, g.kw, cw});
        d.weightTable = cmxRef(b.t[wslot], DType::I32, {p.kc, 4});
        acc.push_back(e.access(*d.weights, false));
        acc.push_back(e.access(*d.weightTable, false));
      }
      d.output = job.out.resident()
                     ? rowsView(job.out, p.outRow, p.outRows, p.k0, p.kc, t)
                     : cmxRef(b.out[s], job.pieceType, {p.outRows, g.OW, p.kc});
      acc.push_back(e.access(d.output, true));
      d.padTop = uint8_t(p.padTop);
      d.padBottom = uint8_t(p.padBottom);
      d.workloads = planFlattenedWorkloads(e.hw, g, p, d).workloads;
      e.sched.add(blob::Engine::Dpu, t, std::move(task), std::move(acc));
      ++e.dpuPieces;
    }
  };

  auto stores = [&](size_t r) {
    for (uint32_t t = 0; t < e.tiles; ++t) {
      if (r >= byTile[t].size())
        continue;
      const DpuPiece &p = *byTile[t][r];
      if (job.out.resident()) {
        // Written in place on tile t (and the epilogue run on it there);
        // copied into the other tiles' copies (a banded tensor's band is
        // read only on its own tile).
        if (job.epilogue)
          emitShaveEpilogue(
              e, *job.epilogue, t,
              rowsView(job.out, p.outRow, p.outRows, p.k0, p.kc, t), p.k0,
              pieceSuffix(plan, p));
        for (uint32_t u = 0; u < e.tiles; ++u)
          if (u != t && job.out.bandRows.empty())
            e.dma(pieceName(plan, p) + ".out.t" + std::to_string(u),
                  rowsView(job.out, p.outRow, p.outRows, p.k0, p.kc, t),
                  rowsView(job.out, p.outRow, p.outRows, p.k0, p.kc, u));
        continue;
      }
      blob::TensorRef piece =
          cmxRef(tb[t].out[slotOf(r)], job.pieceType, {p.outRows, g.OW, p.kc});
      blob::TensorRef dest = rowsView(job.out, p.outRow, p.outRows, p.k0, p.kc);
      if (job.epilogue) {
        // An epilogue that converts writes the result itself.
        bool converts = !job.epilogue->inPlace();
        emitShaveEpilogue(e, *job.epilogue, t, piece, p.k0,
                          pieceSuffix(plan, p), converts ? &dest : nullptr);
        if (converts)
          continue;
      }
      e.dma(pieceName(plan, p) + ".out", piece, dest);
    }
  };

  // Single buffered: load, compute, store each round. Double buffered: the
  // next round's loads are emitted before this round's DPU tasks, so they
  // run meanwhile -- except, with one weight slot, on tiles where the next
  // piece changes the weights slice, which this round's task still reads:
  // those loads follow the task. With two weight slots the new slice goes
  // to the other slot and loads ahead too. (The scheduler orders tasks by
  // their accesses in emission order, so the emission order must be the
  // intended one.)
  bool sharedWeights = l.weightSlots == 1;
  if (l.slots > 1 && rounds > 0)
    loads(0, 0);
  // Early when this op's DMA queues carry no weights slices and no input
  // loads, only output stores and copies, which a queued prefetch may
  // delay (measured: no model slower).
  bool early =
      job.in.resident() && (!g.isEltwise() || job.in2.resident()) &&
      (!g.hasWeights() || slicesPerTile(plan.tiling.pieces, e.tiles) <= 1);
  for (size_t r = 0; r < rounds; ++r) {
    bool ahead = l.slots > 1 && r + 1 < rounds;
    if (l.slots == 1)
      loads(r, 0);
    else if (ahead)
      loads(r + 1, sharedWeights ? 1 : 0);
    if (r == 0 && early)
      prefetchNext();
    dpus(r);
    if (r + 1 == rounds && !early)
      prefetchNext();
    if (ahead && sharedWeights)
      loads(r + 1, 2);
    stores(r);
  }
  return status;
}

/// Where the op's pieces are stored: its result, or its SHAVE epilogue's
/// (recorded in `job`).
Value outputOf(Emitter &e, Operation *op, DpuJob &job) {
  auto dtype = hw::deviceDType(
      cast<ShapedType>(op->getResult(0).getType()).getElementType());
  job.pieceType = dtype.value_or(DType::I8);
  auto it = e.epilogues.find(op);
  if (it == e.epilogues.end())
    return op->getResult(0);
  job.epilogue = &it->second;
  return it->second.result;
}

FailureOr<DpuJob> convJob(Emitter &e, hw::DpuConvOp op,
                          const std::string &label) {
  DpuJob job;
  job.op = op;
  job.label = label;
  auto in = operand(e, op, op.getInput());
  auto out = operand(e, op, outputOf(e, op, job));
  auto ppe = postProcess(op);
  if (failed(in) || failed(out) || failed(ppe))
    return failure();
  job.in = *in;
  job.out = *out;
  auto geometry = dpuOpGeometry(op);
  if (!geometry)
    return op.emitOpError("operands must be [H, W, C] device tensors");
  const DpuOpGeometry &g = job.g = *geometry;
  blob::DpuTask &d = job.proto;
  d.op = g.op;
  d.kernelH = uint8_t(g.kh);
  d.kernelW = uint8_t(g.kw);
  d.strideH = uint8_t(g.sh);
  d.strideW = uint8_t(g.sw);
  d.padTop = uint8_t(g.padTop);
  d.padLeft = uint8_t(g.padLeft);
  d.padBottom = uint8_t(g.padBottom);
  d.padRight = uint8_t(g.padRight);
  d.inZeroPoint = int32_t(op.getInZeroPoint());
  d.ppe = *ppe;
  if (g.hasWeights()) {
    Value w = op.getWeights(), t = op.getWeightTable();
    const ValueLocation *wl = e.buffers.lookup(w);
    const ValueLocation *tl = e.buffers.lookup(t);
    auto wt = hw::deviceDType(cast<ShapedType>(w.getType()).getElementType());
    // Weights computed on the device may be a view through elided copies.
    std::optional<StridedView> view;
    if (!wl) {
      view = composedView(w, e.elidedCopies);
      if (view && view->shape.size() == 4)
        wl = e.buffers.lookup(view->base);
    }
    if (!wl || !tl || !wt)
      return op.emitOpError("weights and weight table must be device tensors");
    job.weightsType = *wt;
    job.weightsBuffer = wl->buffer;
    job.tableBuffer = tl->buffer;
    if (view) {
      job.weightsOffset = view->offset;
      job.weightsStrides = view->strides;
    }
  }
  return job;
}

FailureOr<DpuJob> eltwiseJob(Emitter &e, hw::DpuEltwiseOp op,
                             const std::string &label) {
  DpuJob job;
  job.op = op;
  job.label = label;
  auto a = operand(e, op, op.getLhs());
  auto b = operand(e, op, op.getRhs());
  auto out = operand(e, op, outputOf(e, op, job));
  auto ppe = postProcess(op);
  if (failed(a) || failed(b) || failed(out) || failed(ppe))
    return failure();
  job.in = *a;
  job.in2 = *b;
  job.out = *out;
  auto geometry = dpuOpGeometry(op);
  if (!geometry)
    return op.emitOpError("operands must be [H, W, C] device tensors");
  job.g = *geometry;
  blob::DpuTask &d = job.proto;
  d.op = job.g.op;
  d.inZeroPoint = int32_t(op.getLhsZeroPoint());
  d.in2ZeroPoint = int32_t(op.getRhsZeroPoint());
  d.inMultA = int32_t(op.getLhsMult());
  d.inMultB = int32_t(op.getRhsMult());
  d.ppe = *ppe;
  return job;
}

FailureOr<DpuJob> dpuJob(Emitter &e, Operation *op, const std::string &label) {
  if (auto conv = dyn_cast<hw::DpuConvOp>(op))
    return convJob(e, conv, label);
  return eltwiseJob(e, cast<hw::DpuEltwiseOp>(op), label);
}

} // namespace

bool isDpuOp(Operation *op) { return isa<hw::DpuConvOp, hw::DpuEltwiseOp>(op); }

/// Plans `op`: its job, tiling and buffers, placed at CMX offset 0 or,
/// with `running` (the ops emitted before it whose time its first weights
/// may load in), where those weights overlap none of theirs (placeAfter).
/// With `placed`, it says whether such a place was found, and the op is
/// not planned (null) when none was.
static FailureOr<std::unique_ptr<DpuPlan>>
planDpu(Emitter &e, Operation *op, const std::string &label,
        ArrayRef<const DpuPlan *> running, bool *placed = nullptr) {
  auto job = dpuJob(e, op, label);
  if (failed(job))
    return failure();
  auto tiling = tileJob(e, *job);
  if (failed(tiling))
    return failure();
  std::optional<uint64_t> base;
  if (!running.empty())
    base = placeAfter(e, running, op, tiling->layout);
  if (placed) {
    // No buffers are made for a plan that is dropped.
    *placed = base.has_value();
    if (!base)
      return std::unique_ptr<DpuPlan>();
  }
  return planJob(e, std::move(*job), std::move(*tiling), base.value_or(0));
}

LogicalResult prefetchFirstDpu(Emitter &e) {
  Operation *op = e.dpuOps.front();
  auto planned = planDpu(e, op, e.dpuLabels.front(), {});
  if (failed(planned))
    return failure();
  std::shared_ptr<DpuPlan> plan = std::move(*planned);
  // Constants only: weights computed on the device are not written yet.
  auto conv = dyn_cast<hw::DpuConvOp>(op);
  const ValueLocation *wl =
      conv && conv.getWeights() ? e.buffers.lookup(conv.getWeights()) : nullptr;
  if (plan->job.g.hasWeights() && wl &&
      e.program.buffers[wl->buffer].space == blob::MemSpace::Weights) {
    for (uint32_t t = 0; t < e.tiles; ++t) {
      if (!plan->usesTile(t))
        continue;
      e.sched.beginStep();
      loadWeights(e, *plan, t, *plan->byTile[t][0], 0);
      e.sched.endStep();
    }
  }
  e.ahead.clear();
  e.ahead.push_back({std::move(plan), /*loading=*/false});
  return success();
}

/// The piece of each tile whose weights slice a deep prefetch loads into
/// weight slot `slot`: the tile's first piece for slot 0; for slot 1, with
/// two weight slots, the first piece of another channel slice (the slice
/// emitPlan loads into slot 1 next); null where there is none.
static const DpuPiece *prefetchedPiece(const DpuTiling &tiling,
                                       ArrayRef<const DpuPiece *> pieces,
                                       uint32_t slot) {
  if (pieces.empty())
    return nullptr;
  if (slot == 0)
    return pieces.front();
  if (tiling.layout.weightSlots < 2)
    return nullptr;
  for (const DpuPiece *p : pieces)
    if (p->k0 != pieces.front()->k0)
      return p;
  return nullptr;
}

/// With deepPrefetch, after `current` (dpuOps[index]) is emitted: plans the
/// DPU ops after the planned-ahead ones, in program order, each placed so
/// that its first weights slices (both weight slots where it has two and
/// CMX has room, else the first) overlap no layout of the ops before it
/// (placeAfter), and makes their loads pending (Emitter::PendingDma): they
/// are queued where a DMA port would idle, or at the latest during the op
/// before theirs. An op without weights is planned at offset 0 and passed
/// over. Stops at the first op with no such place, or kMaxDpuOpsAhead ops
/// ahead.
static LogicalResult deepenPrefetch(Emitter &e, size_t index,
                                    const DpuPlan &current) {
  while (e.ahead.size() < kMaxDpuOpsAhead) {
    size_t k = index + 1 + e.ahead.size();
    if (k >= e.dpuOps.size())
      return success();
    Operation *op = e.dpuOps[k];
    if (!weightsLoadableDuring(e, op, current.job.op))
      return success();
    SmallVector<const DpuPlan *> running = {&current};
    for (const Emitter::AheadPlan &a : e.ahead)
      running.push_back(a.plan.get());
    auto job = dpuJob(e, op, e.dpuLabels[k]);
    if (failed(job))
      return failure();
    auto tiling = tileJob(e, *job);
    if (failed(tiling))
      return failure();
    if (!job->g.hasWeights()) {
      // Nothing to load; the ops after it are placed clear of its layout.
      if (tiling->layout.total > budgetOf(e, op))
        return success();
      auto plan = planJob(e, std::move(*job), std::move(*tiling), 0);
      if (failed(plan))
        return failure();
      e.ahead.push_back({std::move(*plan), /*loading=*/true});
      continue;
    }
    std::vector<std::vector<const DpuPiece *>> byTile(e.tiles);
    for (const DpuPiece &p : tiling->pieces)
      byTile[p.tile].push_back(&p);
    bool second = llvm::any_of(byTile, [&](const auto &pieces) {
      return prefetchedPiece(*tiling, pieces, 1) != nullptr;
    });
    uint32_t slots = second ? 2 : 1;
    std::optional<uint64_t> base =
        placeAfter(e, running, op, tiling->layout, slots, /*deep=*/true);
    if (!base && slots == 2) {
      slots = 1;
      base = placeAfter(e, running, op, tiling->layout, slots, /*deep=*/true);
    }
    if (!base)
      return success();
    auto planned = planJob(e, std::move(*job), std::move(*tiling), *base);
    if (failed(planned))
      return failure();
    std::shared_ptr<DpuPlan> plan = std::move(*planned);
    for (uint32_t s = 0; s < slots; ++s)
      for (uint32_t t = 0; t < e.tiles; ++t)
        if (const DpuPiece *p =
                prefetchedPiece(plan->tiling, plan->byTile[t], s)) {
          // The second slot's slice loads only in idle time: queued with
          // the first at the latest, it would delay the stores of the op
          // before. The table, the last load, marks the slice held.
          std::array<WeightLoad, 2> loads = weightLoads(*plan, t, *p, s);
          for (WeightLoad &l : loads) {
            std::function<void()> held;
            if (&l == &loads.back())
              held = [raw = plan.get(), t, s, k0 = p->k0] {
                raw->tb[t].slotK0[s] = k0;
              };
            e.pendingDmas.push_back({plan.get(), std::move(l.name), l.src,
                                     l.dst, std::move(held), s > 0});
          }
        }
    e.ahead.push_back({std::move(plan), /*loading=*/true});
  }
  return success();
}

LogicalResult emitDpu(Emitter &e, size_t index) {
  Operation *op = e.dpuOps[index];
  const std::string &label = e.dpuLabels[index];
  std::shared_ptr<DpuPlan> plan;
  if (!e.ahead.empty() && e.ahead.front().plan->job.op == op) {
    plan = std::move(e.ahead.front().plan);
    e.ahead.pop_front();
    // What was not loaded ahead loads with the op's own loads.
    e.dropPending(plan.get());
  } else {
    e.ahead.clear();
    e.pendingDmas.clear();
    auto planned = planDpu(e, op, label, {});
    if (failed(planned))
      return failure();
    plan = std::move(*planned);
  }
  if (!e.opts.prefetchWeights) {
    return emitPlan(e, *plan, [] {});
  }
  // The next DPU op, planned now unless an earlier op did, its layout
  // placed beside this one's where CMX allows, so that its first weights
  // load during this op.
  size_t next = index + 1;
  if (e.ahead.empty() && next < e.dpuOps.size()) {
    auto planned = planDpu(e, e.dpuOps[next], e.dpuLabels[next], {plan.get()});
    if (failed(planned))
      return failure();
    e.ahead.push_back({std::move(*planned), /*loading=*/false});
  }
  // A next op without weights (an eltwise add) runs briefly: the first
  // weights of the op after it load during this op too, where CMX has room
  // beside both.
  bool afterNext = false;
  // (With deep prefetch, a next op without weights planned by an earlier
  // op's deep prefetch counts as loading: nothing of it is.)
  if (e.ahead.size() == 1 && (!e.ahead[0].loading || e.deepPrefetch) &&
      !e.ahead[0].plan->job.g.hasWeights() && next + 1 < e.dpuOps.size() &&
      weightsLoadableDuring(e, e.dpuOps[next + 1], op)) {
    bool placed = false;
    auto planned = planDpu(e, e.dpuOps[next + 1], e.dpuLabels[next + 1],
                           {plan.get(), e.ahead[0].plan.get()}, &placed);
    if (failed(planned))
      return failure();
    if (placed) {
      e.ahead.push_back({std::move(*planned), /*loading=*/false});
      afterNext = true;
    }
  }
  LogicalResult emitted = emitPlan(e, *plan, [&] {
    // The next op's first weights load during this op at the latest (and
    // the op after it's, when the next one loads none).
    if (!e.ahead.empty())
      e.flushPending(e.ahead[0].plan.get());
    if (e.ahead.size() > 1 && !e.ahead[0].plan->job.g.hasWeights())
      e.flushPending(e.ahead[1].plan.get());
    if (!e.ahead.empty() && !e.ahead[0].loading) {
      prefetchWeights(e, {plan.get()}, *e.ahead[0].plan);
      e.ahead[0].loading = true;
    }
    if (afterNext) {
      prefetchWeights(e, {plan.get(), e.ahead[0].plan.get()}, *e.ahead[1].plan);
      e.ahead[1].loading = true;
    }
  });
  if (failed(emitted))
    return failure();
  if (e.deepPrefetch)
    return deepenPrefetch(e, index, *plan);
  return success();
}

} // namespace npu::target
