//===- GenerateBlob.cpp - Hardware-op functions to blob Programs ----------===//
//
// The driver: DDR homes first (BufferAssignment), then every op in program
// order emits its tasks through the scheduler, whose emission order and
// groups are the schedule of the tasks stage; the emitter's own CMX layout
// and scratch offsets only size what must fit and are dropped there.
// generateBlob then runs memory assignment (AssignMemory.h), and the
// Program must pass the blob verifier.
//
//===----------------------------------------------------------------------===//

#include "npu/Target/Blob/GenerateBlob.h"
#include "CopyElision.h"
#include "Emitter.h"

#include "npu/Blob/Verifier.h"
#include "npu/Support/Version.h"
#include "npu/Target/Blob/AssignMemory.h"
#include "npu/Target/Blob/TilingRecord.h"

#include "llvm/ADT/TypeSwitch.h"

#include <optional>
#include <utility>

using namespace mlir;

namespace npu::target {

uint64_t hashOptions(arch::Platform platform, const CodegenOptions &opts) {
  // FNV-1a over the option values: stable across runs and hosts.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xFF;
      h *= 1099511628211ull;
    }
  };
  mix(uint64_t(platform));
  mix(opts.tiles);
  mix(opts.maxPieceRows);
  mix(opts.splitShave);
  mix(opts.cmxResidency);
  mix(opts.prefetchWeights);
  mix(opts.shaveEpilogues);
  return h;
}

/// Whether `func` records `name` = "earliest-start" (kEarliestStart); an
/// error at `func` for any other value.
static FailureOr<bool> earliestStartRecorded(func::FuncOp func,
                                             StringRef name) {
  Attribute value = func->getAttr(name);
  if (!value)
    return false;
  auto text = dyn_cast<StringAttr>(value);
  if (text && text.getValue() == kEarliestStart)
    return true;
  InFlightDiagnostic diag = func.emitOpError() << "has " << name << " = ";
  if (text)
    diag << "\"" << text.getValue() << "\"";
  else
    diag << value;
  return diag << "; expected \"" << kEarliestStart << "\"";
}

FailureOr<GeneratedTasks> generateTasks(func::FuncOp func,
                                        arch::Platform platform,
                                        const CodegenOptions &opts) {
  const arch::HardwareDesc &hw = arch::hardware(platform);
  if (opts.tiles > hw.numTiles)
    return emitError(func.getLoc())
           << "asks for " << opts.tiles << " tiles; the " << hw.name << " has "
           << hw.numTiles;
  // Without a tiles option, the tiles the function's records were made for.
  uint32_t tiles = tilesFor(func, hw, opts.tiles);

  GeneratedTasks out;
  blob::Program &program = out.program;
  program.platform = platform;
  program.compilerVersion =
      std::string("npu-compile ") + kVersion + " (codegen v1)";
  program.optionsHash = hashOptions(platform, opts);

  // Activations kept in CMX (one copy per tile at the same offset) need
  // no DDR scratch.
  // The grouped stage's plan when the function has one (checked), else
  // planned now.
  // DPU tilings recorded by the tiled / grouped stage must be for these
  // tiles.
  if (failed(checkTilingTiles(func, tiles, hw, "npu-generate-tasks")))
    return failure();
  // SHAVE ops run on DPU ops' pieces (ShaveEpilogue.h), unless grouping
  // found the program faster without.
  ShaveEpilogues epilogues;
  auto allowed = func->getAttrOfType<BoolAttr>(kShaveEpiloguesAttr);
  if (opts.shaveEpilogues && (!allowed || allowed.getValue()))
    epilogues = findShaveEpilogues(func.getBody().front());
  CmxResidency residency;
  bool residencyPlannedHere = false;
  if (opts.cmxResidency) {
    auto recorded =
        recordedCmxResidency(func, hw, tiles, opts.maxPieceRows, &epilogues);
    if (failed(recorded))
      return failure();
    residencyPlannedHere = !*recorded;
    residency = *recorded ? std::move(**recorded)
                          : planCmxResidency(func, hw, tiles, opts.maxPieceRows,
                                             &epilogues);
  }
  llvm::DenseSet<Value> cmxOnly;
  for (auto &entry : residency.offset)
    cmxOnly.insert(entry.first);
  // A DPU op's result that a SHAVE epilogue consumes, and its results but
  // the last, live only in the pieces' CMX.
  for (auto &[dpu, ep] : epilogues) {
    cmxOnly.insert(ep.source);
    for (hw::ShaveOp s : ArrayRef(ep.ops).drop_back())
      cmxOnly.insert(s.getOutputs()[0]);
  }
  // Transposes and slices that only concats read copy nothing themselves
  // (CopyElision.h).
  llvm::DenseSet<Operation *> elided =
      findElidedCopies(func.getBody().front(), cmxOnly);
  // SHAVE ops that only concats read write into them (CopyElision.h);
  // not those run on a DPU op's pieces.
  Attribute intoEach = func->getAttr(kShaveIntoEachConcatAttr);
  if (intoEach && !isa<UnitAttr>(intoEach))
    return func.emitOpError()
           << "has " << kShaveIntoEachConcatAttr << " = " << intoEach
           << "; expected a unit attribute (present or not)";
  llvm::DenseSet<Operation *> intoConcats = findShaveOpsIntoConcats(
      func.getBody().front(), elided, cmxOnly, intoEach != nullptr);
  for (auto &[dpu, ep] : epilogues)
    for (hw::ShaveOp s : ep.ops)
      intoConcats.erase(s);
  // Concats computed per convolution piece into CMX (CopyElision.h).
  llvm::DenseMap<Value, Operation *> prologues =
      findShavePrologues(func.getBody().front(), elided, intoConcats, cmxOnly);
  // Neither kind of op has a buffer of its own.
  llvm::DenseSet<Operation *> noBuffer = elided;
  noBuffer.insert(intoConcats.begin(), intoConcats.end());
  // What DPU ops store that only a concat reads goes straight into it
  // (CopyElision.h).
  std::vector<Value> stored;
  llvm::DenseMap<Value, Operation *> storedBy;
  for (Operation &op : func.getBody().front())
    if (isa<hw::DpuConvOp, hw::DpuEltwiseOp>(op)) {
      auto ep = epilogues.find(&op);
      Value v = ep != epilogues.end() ? ep->second.result : op.getResult(0);
      stored.push_back(v);
      storedBy[v] = &op;
    }
  llvm::DenseMap<Value, ConcatSlot> dpuIntoConcats =
      findDpuResultsIntoConcats(stored, elided, cmxOnly);
  llvm::DenseMap<Value, StoredIntoConcat> storedIntoConcats;
  for (const auto &[v, slot] : dpuIntoConcats)
    storedIntoConcats[v] = {storedBy.lookup(v), slot.concat};
  WeightsSection weights(program);
  // A prologue concat's result has no bytes in DDR either.
  llvm::DenseSet<Value> noDdr = cmxOnly;
  for (const auto &entry : prologues)
    noDdr.insert(entry.first);
  auto plan =
      assignBuffers(func, program, weights, noDdr, noBuffer, storedIntoConcats);
  if (failed(plan))
    return failure();

  Emitter e(hw, opts, tiles, program, weights, *plan);
  e.elidedCopies = std::move(elided);
  e.shaveIntoConcats = std::move(intoConcats);
  e.shavePrologues = std::move(prologues);
  // A concat its convolution's pieces compute (emits nothing itself).
  auto isPrologue = [&](Operation *op) {
    return isa<npu::ConcatOp>(op) && e.shavePrologues.count(op->getResult(0));
  };
  e.dpuIntoConcats = std::move(dpuIntoConcats);
  // How DMA ports and SHAVEs are picked, as npu-group-layers recorded it.
  FailureOr<bool> portsByEstimate = earliestStartRecorded(func, kDmaPortsAttr);
  FailureOr<bool> shavesByEstimate = earliestStartRecorded(func, kShavesAttr);
  if (failed(portsByEstimate) || failed(shavesByEstimate))
    return failure();
  if (*portsByEstimate)
    e.estimatePorts();
  if (*shavesByEstimate) {
    e.shavesByEstimate = true;
    e.enableEstimate();
  }
  if (Attribute split = func->getAttr(kShaveSplitByWorkAttr)) {
    auto factor = dyn_cast<IntegerAttr>(split);
    if (!factor || factor.getInt() < 1 ||
        factor.getInt() > kMaxShaveSplitByWork)
      return func.emitOpError()
             << "has " << kShaveSplitByWorkAttr << " = " << split
             << "; expected an integer from 1 to " << kMaxShaveSplitByWork;
    e.shaveSplitByWork = uint32_t(factor.getInt());
  }
  if (func->hasAttr(kDeepPrefetchAttr)) {
    e.deepPrefetch = true;
    e.enableEstimate();
  }
  Block &body = func.getBody().front();
  std::vector<Operation *> ops;
  std::vector<std::string> labels;
  for (Operation &op : body) {
    labels.push_back(opLabel(&op, unsigned(ops.size())));
    ops.push_back(&op);
  }
  e.residency = std::move(residency);
  llvm::DenseMap<Operation *, size_t> indexOf;
  for (size_t i = 0; i < ops.size(); ++i)
    indexOf[ops[i]] = i;
  for (auto &[dpu, ep] : epilogues) {
    for (hw::ShaveOp s : ep.ops) {
      ep.labels.push_back(labels[indexOf.lookup(s)]);
      e.inEpilogue.insert(s);
    }
  }
  e.epilogues = std::move(epilogues);
  e.residencyPlannedHere = residencyPlannedHere;
  for (size_t i = 0; i < ops.size(); ++i) {
    Operation *op = ops[i];
    if (op->getNumResults() != 1 || !e.residency.isResident(op->getResult(0)))
      continue;
    Value v = op->getResult(0);
    uint64_t offset = e.residency.offset.lookup(v);
    uint64_t size = e.residency.size.lookup(v);
    std::vector<uint32_t> &buffers = e.residentBuffers[v];
    for (uint32_t t = 0; t < tiles; ++t) {
      buffers.push_back(e.addBuffer(labels[i] + ".cmx.t" + std::to_string(t),
                                    blob::MemSpace::Cmx, t, offset, size));
      e.cmxUsed[t] = std::max(e.cmxUsed[t], offset + size);
    }
  }
  // The DPU ops in program order: emitDpu plans them ahead of their turn.
  llvm::DenseMap<Operation *, size_t> dpuIndex;
  for (size_t i = 0; i < ops.size(); ++i)
    if (isDpuOp(ops[i])) {
      dpuIndex[ops[i]] = e.dpuOps.size();
      e.dpuOps.push_back(ops[i]);
      e.dpuLabels.push_back(labels[i]);
    }
  // The first DPU op's first weights load from the start, while the ops
  // before it run (they are loaded only once those ops' DMAs are queued
  // otherwise).
  size_t firstDpu = e.dpuOps.empty()
                        ? ops.size()
                        : size_t(llvm::find(ops, e.dpuOps[0]) - ops.begin());
  bool tasksBefore = llvm::any_of(
      ArrayRef<Operation *>(ops).take_front(firstDpu),
      [](Operation *op) { return !isa<npu::ConstantOp, npu::ReshapeOp>(op); });
  if (opts.prefetchWeights && tasksBefore && firstDpu < ops.size()) {
    e.sched.beginOp();
    LogicalResult r = prefetchFirstDpu(e);
    e.sched.endOp();
    if (failed(r))
      return failure();
  }
  // SHAVE ops run in the chain of an op before them (emitChain).
  llvm::DenseSet<Operation *> chained;
  // A single-task SHAVE op at `i` and the single-task SHAVE ops right after
  // it (views, constants and epilogue ops between them emit nothing), each
  // reading bytes an earlier one wrote and otherwise only what the chain
  // reads or constants and graph inputs, as one SHAVE chain: they would run
  // one after the other anyway, and now pay one launch.
  // The tasks of the op that ended the last chain, built while deciding
  // whether it could join (a pure function of the op: kept, not rebuilt,
  // and its diagnostics, if any, given once).
  std::optional<std::pair<size_t, std::vector<blob::Task>>> builtAhead;
  // The largest result of an op whose chunks chain the ops after it.
  constexpr uint64_t kChunkChainMaxBytes = 256 * 1024;
  // Whether `next` emits nothing of its own between chained SHAVE ops.
  auto passedOver = [&](Operation *next) {
    return isa<npu::ConstantOp, npu::ReshapeOp>(next) ||
           e.inEpilogue.contains(next) || e.elidedCopies.contains(next) ||
           e.shaveIntoConcats.contains(next) || isPrologue(next);
  };
  // Whether `v`'s bytes are written by an op that `head` depends on,
  // through its operands (at most kMaxAncestors ops back): the bytes are
  // there before `head` may start (an LSTM cell's state, written by the
  // step before, which its projection's matmul waits for).
  constexpr size_t kMaxAncestors = 256;
  std::optional<std::pair<Operation *, llvm::DenseSet<Operation *>>> ancestors;
  auto writtenBefore = [&](Operation *head, Value v) {
    while (Operation *def = v.getDefiningOp()) {
      if (!isa<npu::ReshapeOp>(def) && !e.elidedCopies.contains(def))
        break;
      v = def->getOperand(0);
    }
    Operation *writer = v.getDefiningOp();
    if (!writer)
      return false;
    if (!ancestors || ancestors->first != head) {
      ancestors.emplace(head, llvm::DenseSet<Operation *>());
      std::vector<Operation *> stack = {head};
      while (!stack.empty() && ancestors->second.size() < kMaxAncestors) {
        Operation *op = stack.back();
        stack.pop_back();
        for (Value operand : op->getOperands())
          if (Operation *def = operand.getDefiningOp();
              def && ancestors->second.insert(def).second)
            stack.push_back(def);
      }
    }
    return ancestors->second.contains(writer);
  };
  // Whether input `index` of chained kernel `k` (`r`) is there when the
  // chain of `head` starts, with no wait for another chain or engine: a
  // constant, a graph input, or bytes an op `head` depends on wrote.
  auto writtenAhead = [&](Operation *head, hw::ShaveOp k, size_t index,
                          const blob::TensorRef &r) {
    blob::MemSpace space = program.buffers[r.buffer].space;
    return space == blob::MemSpace::Weights || space == blob::MemSpace::Input ||
           (index < k.getInputs().size() &&
            writtenBefore(head, k.getInputs()[index]));
  };
  // An op split into chunks (`tasks`) and the elementwise SHAVE ops right
  // after it split alike, each chunk reading what the same chunk of the ops
  // before wrote (and otherwise only what that chunk's chain reads,
  // constants or graph inputs) and touching nothing another chunk's chain
  // writes or reads: each chunk's kernels as one SHAVE chain (an int8
  // layer's quantize after a multiply or an activation run whole).
  auto emitChunkChains = [&](size_t i,
                             std::vector<blob::Task> tasks) -> LogicalResult {
    struct Region {
      uint32_t buffer;
      uint64_t begin, end;
      bool overlaps(const Region &o) const {
        return buffer == o.buffer && begin < o.end && o.begin < end;
      }
      bool within(const Region &o) const {
        return buffer == o.buffer && begin >= o.begin && end <= o.end;
      }
    };
    auto regionOf = [](const blob::TensorRef &r) {
      return Region{r.buffer, r.offset, r.extent()};
    };
    size_t n = tasks.size();
    std::vector<std::vector<blob::Task>> chains(n);
    std::vector<std::vector<Region>> writes(n), reads(n);
    std::vector<llvm::DenseSet<uint32_t>> readBuffers(n);
    auto note = [&](size_t c, const blob::ShaveTask &k) {
      for (const blob::TensorRef &r : k.inputs) {
        reads[c].push_back(regionOf(r));
        readBuffers[c].insert(r.buffer);
      }
      for (const blob::TensorRef &r : k.outputs)
        writes[c].push_back(regionOf(r));
    };
    // Each chunk one contiguous output (a global average pool's channel
    // slab of [1, 1, C] is, though not dense).
    bool contiguous = true;
    for (size_t c = 0; c < n; ++c) {
      const blob::ShaveTask &k = tasks[c].shave;
      contiguous &= k.chained.empty() && k.outputs.size() == 1 &&
                    isContiguous(k.outputs[0].shape, k.outputs[0].strides,
                                 dtypeSize(k.outputs[0].dtype));
      note(c, k);
      chains[c].push_back(std::move(tasks[c]));
    }
    // A chunk's chain holds the op's whole input, its intermediate results
    // and its output in DDR at once (one more tensor than op by op): only
    // where those are small, and the launches it saves count (PP-OCRv4's
    // detector's 160 x 160 maps grew its scratch 30 % for 0.5 %).
    uint64_t bytes = 0;
    for (const std::vector<blob::Task> &chain : chains)
      bytes += chain[0].shave.outputs.empty()
                   ? 0
                   : chain[0].shave.outputs[0].numElements() *
                         dtypeSize(chain[0].shave.outputs[0].dtype);
    uint64_t per = contiguous && bytes <= kChunkChainMaxBytes
                       ? chains[0][0].shave.outputs[0].numElements()
                       : 0;
    // Whether chunk c of the next op may join chain c.
    auto joins = [&](size_t c, const blob::ShaveTask &k, hw::ShaveOp op) {
      if (!k.chained.empty())
        return false;
      bool dependent = false, ready = true;
      for (auto [index, r] : llvm::enumerate(k.inputs)) {
        Region in = regionOf(r);
        bool own = llvm::any_of(writes[c],
                                [&](const Region &w) { return in.within(w); });
        for (size_t o = 0; o < n; ++o)
          if (o != c && llvm::any_of(writes[o], [&](const Region &w) {
                return in.overlaps(w);
              }))
            return false;
        if (!own && llvm::any_of(writes[c], [&](const Region &w) {
              return in.overlaps(w);
            }))
          return false;
        dependent |= own;
        ready &= own || readBuffers[c].contains(r.buffer) ||
                 writtenAhead(ops[i], op, index, r);
      }
      for (const blob::TensorRef &r : k.outputs) {
        Region out = regionOf(r);
        for (size_t o = 0; o < n; ++o)
          if (o != c &&
              (llvm::any_of(writes[o],
                            [&](const Region &w) { return out.overlaps(w); }) ||
               llvm::any_of(reads[o],
                            [&](const Region &w) { return out.overlaps(w); })))
            return false;
      }
      return dependent && ready;
    };
    std::string name = labels[i];
    for (size_t j = i + 1; per && j < ops.size(); ++j) {
      Operation *next = ops[j];
      if (passedOver(next))
        continue;
      auto s = dyn_cast<hw::ShaveOp>(next);
      if (!s ||
          !arch::isElementwiseKernel(arch::parseShaveKernel(s.getKernel().str())
                                         .value_or(arch::ShaveKernel::MatMul)))
        break;
      // Not where the op alone would use more SHAVEs than the chunks.
      std::vector<blob::Task> more;
      if (failed(shaveTasks(e, s, labels[j], more)))
        return failure();
      if (more.size() > n) {
        builtAhead.emplace(j, std::move(more));
        break;
      }
      more.clear();
      if (failed(shaveTasks(e, s, labels[j], more, per)))
        return failure();
      if (more.size() != n)
        break;
      bool all = true;
      for (size_t c = 0; c < n && all; ++c)
        all = joins(c, more[c].shave, s);
      if (!all)
        break;
      for (size_t c = 0; c < n; ++c) {
        note(c, more[c].shave);
        chains[c].push_back(std::move(more[c]));
      }
      name += "+" + labels[j];
      chained.insert(next);
    }
    for (size_t c = 0; c < n; ++c) {
      std::string chainName =
          chains[c].size() > 1 ? name + ".c" + std::to_string(c) : "";
      emitShaveChain(e, std::move(chains[c]), std::move(chainName));
    }
    return success();
  };
  auto emitChain = [&](size_t i, hw::ShaveOp first) -> LogicalResult {
    std::vector<blob::Task> tasks;
    if (builtAhead && builtAhead->first == i)
      tasks = std::move(builtAhead->second);
    else if (failed(shaveTasks(e, first, labels[i], tasks)))
      return failure();
    builtAhead.reset();
    if (tasks.size() != 1)
      return emitChunkChains(i, std::move(tasks));
    llvm::DenseSet<uint32_t> written, read;
    auto note = [&](const blob::Task &t) {
      for (const blob::TensorRef &r : t.shave.inputs)
        read.insert(r.buffer);
      for (const blob::TensorRef &r : t.shave.outputs)
        written.insert(r.buffer);
    };
    note(tasks[0]);
    // With the scheduler's estimate: when the chain's first kernel may
    // start, and whether a tensor is written by then (a residual branch's
    // conversion that ended long before).
    uint64_t headReady = 0;
    if (e.estimating) {
      std::vector<Access> reads;
      for (const blob::TensorRef &r : tasks[0].shave.inputs)
        reads.push_back(e.access(r, /*write=*/false));
      headReady = e.sched.estimatedReady(reads);
    }
    auto readyByEstimate = [&](const blob::TensorRef &r) {
      return e.estimating && e.sched.estimatedReady(
                                 {e.access(r, /*write=*/false)}) <= headReady;
    };
    std::vector<Operation *> joined;
    for (size_t j = i + 1; j < ops.size(); ++j) {
      Operation *next = ops[j];
      if (passedOver(next))
        continue;
      auto s = dyn_cast<hw::ShaveOp>(next);
      if (!s)
        break;
      std::vector<blob::Task> more;
      if (failed(shaveTasks(e, s, labels[j], more)))
        return failure();
      if (more.size() != 1) {
        builtAhead.emplace(j, std::move(more));
        break;
      }
      bool dependent = false, ready = true;
      for (auto [k, r] : llvm::enumerate(more[0].shave.inputs)) {
        dependent |= written.contains(r.buffer);
        ready &= written.contains(r.buffer) || read.contains(r.buffer) ||
                 writtenAhead(first, s, k, r) || readyByEstimate(r);
      }
      if (!dependent || !ready) {
        builtAhead.emplace(j, std::move(more));
        break;
      }
      note(more[0]);
      tasks.push_back(std::move(more[0]));
      chained.insert(next);
      joined.push_back(next);
    }
    // A chain of elementwise kernels over as many elements each, worth
    // more SHAVEs than its first op alone (a multiply and the quantize
    // after it, each short of a split): its first op in the chain's chunks,
    // each chunk's chain after it (emitChunkChains). Not where a kernel of
    // another kind (a layer norm) would then run apart, after them.
    const blob::ShaveTask &head = tasks[0].shave;
    uint64_t elements =
        head.outputs.size() == 1 ? head.outputs[0].numElements() : 0;
    bool alike = llvm::all_of(tasks, [&](const blob::Task &t) {
      return arch::isElementwiseKernel(t.shave.kernel) &&
             t.shave.outputs.size() == 1 &&
             t.shave.outputs[0].numElements() == elements;
    });
    if (tasks.size() > 1 && e.opts.splitShave && alike && elements) {
      std::vector<arch::ShaveKernelWork> work;
      for (const blob::Task &t : tasks)
        work.push_back({t.shave.kernel, t.shave.workElements(),
                        t.shave.vectorElementBytes()});
      uint64_t worth = chunksWorth(e, work, elements,
                                   uint64_t(e.tiles) * e.hw.shavesPerTile);
      uint64_t bytes = elements * dtypeSize(head.outputs[0].dtype);
      std::vector<blob::Task> split;
      if (worth > 1 && bytes <= kChunkChainMaxBytes &&
          failed(shaveTasks(e, first, labels[i], split, 0, worth)))
        return failure();
      if (split.size() > 1) {
        for (Operation *op : joined)
          chained.erase(op);
        builtAhead.reset();
        return emitChunkChains(i, std::move(split));
      }
    }
    emitShaveChain(e, std::move(tasks));
    return success();
  };
  for (size_t i = 0; i < ops.size(); ++i) {
    Operation &op = *ops[i];
    const std::string &label = labels[i];
    if (isa<npu::ConstantOp, npu::ReshapeOp>(op) ||
        e.inEpilogue.contains(&op) || chained.contains(&op) ||
        e.elidedCopies.contains(&op) || e.shaveIntoConcats.contains(&op) ||
        isPrologue(&op))
      continue;
    e.sched.beginOp();
    LogicalResult r =
        llvm::TypeSwitch<Operation *, LogicalResult>(&op)
            .Case<hw::DpuConvOp, hw::DpuEltwiseOp>(
                [&](Operation *o) { return emitDpu(e, dpuIndex.lookup(o)); })
            .Case([&](hw::ShaveOp o) { return emitChain(i, o); })
            .Case(
                [&](npu::TransposeOp o) { return emitTranspose(e, o, label); })
            .Case([&](npu::SliceOp o) { return emitSlice(e, o, label); })
            .Case([&](npu::ConcatOp o) { return emitConcat(e, o, label); })
            .Case([&](func::ReturnOp o) {
              for (const auto &c : plan->resultCopies) {
                e.sched.endOp();
                e.sched.beginOp();
                if (failed(emitResultCopy(e, o, c.value, c.output)))
                  return failure();
              }
              return success();
            })
            .Default([&](Operation *o) {
              return o->emitOpError()
                     << "is not supported by code generation (expected the "
                        "hardware-op form: npu.constant, npuhw.*, "
                        "npu.reshape / transpose / slice / concat)";
            });
    e.sched.endOp();
    if (failed(r))
      return failure();
  }
  if (e.sched.numTasks() == 0)
    return func.emitOpError("has nothing to execute");

  e.sched.finalize(program, &out.schedule);
  weights.dropUnread();
  // The tasks stage: no addresses in CMX and the scratch (and no barriers:
  // the emitter's scheduler derives none); the emitter's CMX layout, which the
  // tiling was planned against, is kept as the planned offsets.
  out.plannedOffsets.assign(program.buffers.size(), kUnassignedOffset);
  for (size_t i = 0; i < program.buffers.size(); ++i) {
    blob::Buffer &b = program.buffers[i];
    if (b.space == blob::MemSpace::Cmx)
      out.plannedOffsets[i] = b.offset;
    if (b.space == blob::MemSpace::Cmx || b.space == blob::MemSpace::Scratch)
      b.offset = kUnassignedOffset;
  }
  program.memory.scratchSize = 0;
  program.memory.cmxUsed.assign(hw.numTiles, 0);
  out.weights = std::move(weights.bytes());
  out.dpuPieces = e.dpuPieces;
  out.deduplicatedConstants = weights.deduplicated();
  return out;
}

FailureOr<GeneratedBlob> generateBlob(func::FuncOp func,
                                      arch::Platform platform,
                                      const CodegenOptions &opts) {
  FailureOr<GeneratedTasks> tasks = generateTasks(func, platform, opts);
  if (failed(tasks))
    return failure();
  GeneratedBlob out;
  out.program = std::move(tasks->program);
  out.weights = std::move(tasks->weights);
  out.dpuPieces = tasks->dpuPieces;
  out.deduplicatedConstants = tasks->deduplicatedConstants;
  MemoryAssignmentReport report;
  std::string error;
  if (!assignMemory(out.program, tasks->schedule, tasks->plannedOffsets, report,
                    error))
    return func.emitOpError() << "memory assignment failed: " << error;
  out.scratchSize = out.program.memory.scratchSize;
  out.cmxUsed = out.program.memory.cmxUsed;
  if (!blob::verifyProgram(out.program, out.weights.size(), error))
    return func.emitOpError()
           << "internal error: the generated program fails verification: "
           << error;
  return out;
}

} // namespace npu::target
