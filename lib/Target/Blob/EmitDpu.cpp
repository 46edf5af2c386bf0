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

#include "Emitter.h"

#include "npu/Dialect/NPUHW/IR/DeviceTypes.h"
#include "npu/Target/Blob/Tiling.h"
#include "npu/Target/Blob/Workloads.h"

#include <cstring>

using namespace mlir;

namespace npu::target {

namespace {

template <typename OpT> FailureOr<blob::PostProcess> postProcess(OpT op) {
  blob::PostProcess q;
  q.activation = arch::Activation(uint8_t(op.getActivation()));
  q.leakyMult = int32_t(op.getLeakyMult());
  if (op.getLeakyShift() > 63 || op.getShift() > 63)
    return op.emitOpError("post-processing shifts must be 0..63");
  q.leakyShift = uint8_t(op.getLeakyShift());
  q.leakyAlpha = op.getLeakyAlpha().convertToFloat();
  q.outZeroPoint = int32_t(op.getOutZeroPoint());
  q.clampLow = int32_t(op.getClampLow());
  q.clampHigh = int32_t(op.getClampHigh());
  q.fclampLow = op.getFclampLow().convertToFloat();
  q.fclampHigh = op.getFclampHigh().convertToFloat();
  q.mult = uint32_t(op.getMult());
  q.shift = uint8_t(op.getShift());
  q.scale = op.getScale().convertToFloat();
  q.bias = int32_t(op.getBias());
  q.fbias = op.getFbias().convertToFloat();
  // Test only (npu-compile --debug-corrupt-tensor, for npu-compare's tests):
  // another output zero point / bias, so that the device differs from the
  // interpreter on this op.
  if (op->hasAttr("npu.debug_corrupt")) {
    q.outZeroPoint += q.outZeroPoint < 127 ? 1 : -1;
    q.fbias += 1.0f;
  }
  return q;
}

/// Element type, shape [H, W, C] and location of a DPU operand.
struct Operand {
  DType dtype = DType::I8;
  uint32_t d0 = 0, d1 = 0, d2 = 0;
  uint32_t buffer = 0;
};

FailureOr<Operand> operand(Emitter &e, Operation *op, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  auto dtype = hw::deviceDType(type.getElementType());
  const ValueLocation *loc = e.buffers.lookup(v);
  if (!dtype || !loc || type.getRank() != 3)
    return op->emitOpError()
           << "operand " << type << " is not a [H, W, C] tensor in DDR";
  return Operand{*dtype, uint32_t(type.getDimSize(0)),
                 uint32_t(type.getDimSize(1)), uint32_t(type.getDimSize(2)),
                 loc->buffer};
}

/// Everything one DPU op needs for its pieces.
struct DpuJob {
  Operation *op = nullptr;
  std::string label;
  DpuOpGeometry g;
  blob::DpuTask proto; ///< Op, parameters, PPE; operands filled per piece.
  Operand in, in2, out;
  std::optional<Operand> weights;
  std::optional<Operand> table;
  DType weightsType = DType::I8;
  uint32_t weightsBuffer = 0, tableBuffer = 0;
};

/// Rows [row, row + rows) x channels [c0, c0 + c) of an [H, W, C] operand.
blob::TensorRef rowsView(const Operand &o, uint32_t row, uint32_t rows,
                         uint32_t c0, uint32_t c) {
  uint64_t e = dtypeSize(o.dtype);
  blob::TensorRef r;
  r.buffer = o.buffer;
  r.dtype = o.dtype;
  r.offset = (uint64_t(row) * o.d1 * o.d2 + c0) * e;
  r.shape = {rows, o.d1, c};
  r.strides = {uint64_t(o.d1) * o.d2 * e, uint64_t(o.d2) * e, e};
  return r;
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

LogicalResult emitJob(Emitter &e, DpuJob &job) {
  DpuTiling tiling;
  std::string error;
  TilingOptions topts;
  topts.tiles = e.tiles;
  topts.maxPieceRows = e.opts.maxPieceRows;
  if (!planDpuTiling(job.g, e.hw, topts, tiling, error))
    return job.op->emitOpError() << "cannot be tiled for CMX: " << error;
  const CmxLayout &l = tiling.layout;
  const DpuOpGeometry &g = job.g;

  // CMX buffers of this op on each tile it uses (inputs and outputs once
  // per slot).
  struct TileBuffers {
    uint32_t in[2] = {0, 0}, in2[2] = {0, 0}, out[2] = {0, 0};
    uint32_t w = 0, t = 0;
    int64_t residentK0 = -1;
  };
  std::vector<TileBuffers> tb(e.tiles);
  std::vector<std::vector<const DpuPiece *>> byTile(e.tiles);
  for (const DpuPiece &p : tiling.pieces)
    byTile[p.tile].push_back(&p);
  for (uint32_t t = 0; t < e.tiles; ++t) {
    if (byTile[t].empty())
      continue;
    std::string n = job.label + ".t" + std::to_string(t);
    TileBuffers &b = tb[t];
    uint32_t slots = std::min<uint32_t>(l.slots, byTile[t].size());
    for (uint32_t s = 0; s < slots; ++s) {
      std::string slot = l.slots > 1 ? "." + std::to_string(s) : "";
      b.in[s] = e.addBuffer(n + ".in" + slot, blob::MemSpace::Cmx, t,
                            l.input[s], l.inputSize);
      if (g.isEltwise())
        b.in2[s] = e.addBuffer(n + ".in2" + slot, blob::MemSpace::Cmx, t,
                               l.input2[s], l.inputSize);
      b.out[s] = e.addBuffer(n + ".out" + slot, blob::MemSpace::Cmx, t,
                             l.output[s], l.outputSize);
    }
    if (g.hasWeights()) {
      b.w = e.addBuffer(n + ".w", blob::MemSpace::Cmx, t, l.weights,
                        l.weightsSize);
      b.t =
          e.addBuffer(n + ".wt", blob::MemSpace::Cmx, t, l.table, l.tableSize);
    }
    e.cmxUsed[t] = std::max(e.cmxUsed[t], l.total);
  }

  // Rebased weight tables of the channel slices.
  std::map<uint32_t, uint32_t> tableOf;
  if (g.hasWeights())
    for (const DpuPiece &p : tiling.pieces) {
      if (tableOf.count(p.k0))
        continue;
      if (tiling.channelPieces == 1) {
        tableOf[p.k0] = job.tableBuffer;
        continue;
      }
      auto t = rebasedTable(e, job, p.k0, p.kc);
      if (failed(t))
        return failure();
      tableOf[p.k0] = *t;
    }

  auto pieceName = [&](const DpuPiece &p) {
    return job.label + ".p" + std::to_string(&p - tiling.pieces.data());
  };
  auto cmx = [&](uint32_t buffer, DType dtype, std::vector<uint32_t> shape) {
    return blob::TensorRef::dense(buffer, 0, dtype, std::move(shape));
  };

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
      bool reload = g.hasWeights() && b.residentK0 != int64_t(p.k0);
      if ((which == 1 && reload) || (which == 2 && !reload))
        continue;
      uint32_t s = slotOf(r);
      std::string n = pieceName(p);
      e.sched.beginStep();
      e.dma(n + ".in", rowsView(job.in, p.inRow, p.inRows, p.c0, p.cin),
            cmx(b.in[s], job.in.dtype, {p.inRows, g.W, p.cin}));
      if (g.isEltwise())
        e.dma(n + ".in2", rowsView(job.in2, p.inRow, p.inRows, p.c0, p.cin),
              cmx(b.in2[s], job.in2.dtype, {p.inRows, g.W, p.cin}));
      if (g.hasWeights() && b.residentK0 != int64_t(p.k0)) {
        uint32_t cw = g.op == blob::DpuOp::Conv ? g.C : 1;
        std::vector<uint32_t> wshape = {p.kc, g.kh, g.kw, cw};
        e.dma(n + ".w",
              blob::TensorRef::dense(job.weightsBuffer,
                                     uint64_t(p.k0) * g.weightBytesPerChannel(),
                                     job.weightsType, wshape),
              cmx(b.w, job.weightsType, wshape));
        uint32_t table = tableOf[p.k0];
        uint64_t tableOffset =
            table == job.tableBuffer ? uint64_t(p.k0) * 16 : 0;
        e.dma(n + ".wt",
              blob::TensorRef::dense(table, tableOffset, DType::I32, {p.kc, 4}),
              cmx(b.t, DType::I32, {p.kc, 4}));
        b.residentK0 = p.k0;
      }
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
      task.name = pieceName(p);
      blob::DpuTask &d = task.dpu;
      d = job.proto;
      d.input = cmx(b.in[s], job.in.dtype, {p.inRows, g.W, p.cin});
      std::vector<Access> acc = {e.access(d.input, false)};
      if (g.isEltwise()) {
        d.input2 = cmx(b.in2[s], job.in2.dtype, {p.inRows, g.W, p.cin});
        acc.push_back(e.access(*d.input2, false));
      }
      if (g.hasWeights()) {
        uint32_t cw = g.op == blob::DpuOp::Conv ? g.C : 1;
        d.weights = cmx(b.w, job.weightsType, {p.kc, g.kh, g.kw, cw});
        d.weightTable = cmx(b.t, DType::I32, {p.kc, 4});
        acc.push_back(e.access(*d.weights, false));
        acc.push_back(e.access(*d.weightTable, false));
      }
      d.output = cmx(b.out[s], job.out.dtype, {p.outRows, g.OW, p.kc});
      acc.push_back(e.access(d.output, true));
      d.padTop = uint8_t(p.padTop);
      d.padBottom = uint8_t(p.padBottom);
      d.workloads =
          planWorkloads(e.hw, pieceTaskShape(g, p.outRows, p.kc)).workloads;
      e.sched.add(blob::Engine::Dpu, t, std::move(task), std::move(acc));
      ++e.dpuPieces;
    }
  };

  auto stores = [&](size_t r) {
    for (uint32_t t = 0; t < e.tiles; ++t) {
      if (r >= byTile[t].size())
        continue;
      const DpuPiece &p = *byTile[t][r];
      e.dma(pieceName(p) + ".out",
            cmx(tb[t].out[slotOf(r)], job.out.dtype, {p.outRows, g.OW, p.kc}),
            rowsView(job.out, p.outRow, p.outRows, p.k0, p.kc));
    }
  };

  // Single buffered: load, compute, store each round. Double buffered: the
  // next round's loads are emitted before this round's DPU tasks, so they
  // run meanwhile -- except on tiles where the next piece changes the
  // weights slice, which this round's task still reads: those loads follow
  // the task. (The scheduler orders tasks by their accesses in emission
  // order, so the emission order must be the intended one.)
  if (l.slots > 1 && rounds > 0)
    loads(0, 0);
  for (size_t r = 0; r < rounds; ++r) {
    bool ahead = l.slots > 1 && r + 1 < rounds;
    if (l.slots == 1)
      loads(r, 0);
    else if (ahead)
      loads(r + 1, 1);
    dpus(r);
    if (ahead)
      loads(r + 1, 2);
    stores(r);
  }
  return success();
}

} // namespace

LogicalResult emitDpuConv(Emitter &e, hw::DpuConvOp op,
                          const std::string &label) {
  DpuJob job;
  job.op = op;
  job.label = label;
  auto in = operand(e, op, op.getInput());
  auto out = operand(e, op, op.getOutput());
  auto ppe = postProcess(op);
  if (failed(in) || failed(out) || failed(ppe))
    return failure();
  job.in = *in;
  job.out = *out;
  blob::DpuTask &d = job.proto;
  d.op = blob::DpuOp(uint8_t(op.getKind()));
  ArrayRef<int64_t> k = op.getKernel(), s = op.getStrides(), p = op.getPads();
  d.kernelH = uint8_t(k[0]);
  d.kernelW = uint8_t(k[1]);
  d.strideH = uint8_t(s[0]);
  d.strideW = uint8_t(s[1]);
  d.padTop = uint8_t(p[0]);
  d.padLeft = uint8_t(p[1]);
  d.padBottom = uint8_t(p[2]);
  d.padRight = uint8_t(p[3]);
  d.inZeroPoint = int32_t(op.getInZeroPoint());
  d.ppe = *ppe;

  DpuOpGeometry &g = job.g;
  g.op = d.op;
  g.H = in->d0;
  g.W = in->d1;
  g.C = in->d2;
  g.OH = out->d0;
  g.OW = out->d1;
  g.K = out->d2;
  g.kh = d.kernelH;
  g.kw = d.kernelW;
  g.sh = d.strideH;
  g.sw = d.strideW;
  g.padTop = d.padTop;
  g.padLeft = d.padLeft;
  g.padBottom = d.padBottom;
  g.padRight = d.padRight;
  g.inElemBytes = uint32_t(dtypeSize(in->dtype));
  g.outElemBytes = uint32_t(dtypeSize(out->dtype));
  if (g.hasWeights()) {
    Value w = op.getWeights(), t = op.getWeightTable();
    const ValueLocation *wl = e.buffers.lookup(w);
    const ValueLocation *tl = e.buffers.lookup(t);
    auto wt = hw::deviceDType(cast<ShapedType>(w.getType()).getElementType());
    if (!wl || !tl || !wt)
      return op.emitOpError("weights and weight table must be device tensors");
    job.weightsType = *wt;
    job.weightsBuffer = wl->buffer;
    job.tableBuffer = tl->buffer;
    g.weightElemBytes = uint32_t(dtypeSize(*wt));
  }
  return emitJob(e, job);
}

LogicalResult emitDpuEltwise(Emitter &e, hw::DpuEltwiseOp op,
                             const std::string &label) {
  DpuJob job;
  job.op = op;
  job.label = label;
  auto a = operand(e, op, op.getLhs());
  auto b = operand(e, op, op.getRhs());
  auto out = operand(e, op, op.getOutput());
  auto ppe = postProcess(op);
  if (failed(a) || failed(b) || failed(out) || failed(ppe))
    return failure();
  job.in = *a;
  job.in2 = *b;
  job.out = *out;
  blob::DpuTask &d = job.proto;
  d.op = op.getKind() == hw::EltwiseKind::add ? blob::DpuOp::EltwiseAdd
                                              : blob::DpuOp::EltwiseSub;
  d.inZeroPoint = int32_t(op.getLhsZeroPoint());
  d.in2ZeroPoint = int32_t(op.getRhsZeroPoint());
  d.inMultA = int32_t(op.getLhsMult());
  d.inMultB = int32_t(op.getRhsMult());
  d.ppe = *ppe;
  DpuOpGeometry &g = job.g;
  g.op = d.op;
  g.H = g.OH = a->d0;
  g.W = g.OW = a->d1;
  g.C = g.K = a->d2;
  g.inElemBytes = uint32_t(dtypeSize(a->dtype));
  g.outElemBytes = uint32_t(dtypeSize(out->dtype));
  return emitJob(e, job);
}

} // namespace npu::target
