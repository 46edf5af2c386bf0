//===- GroupLayers.cpp - The npu-group-layers pass (grouped stage) --------===//
//
// Plans which activations stay in CMX between DPU ops (CmxResidency.h; the
// plan of three policies whose program has the lowest modelled latency) and
// records the plan on the function, where code generation reads it back;
// then records every DPU op's final tiling (TilingRecord.h): the ops the
// plan changes are tiled again for it. Their tiling estimates credit each
// tile's first weights slice with some cycles of the prefetch during the op
// before (TilingOptions::firstWeightsCredit); the credit is the candidate
// whose program, generated to the addressed stage with the default code
// generation options, has the lowest modelled latency (the simulator's
// timeline, npu/Blob/Timeline.h). Then, matmuls of two activations are
// tried as one piece on one tile, and last, how code generation picks DMA
// ports (kDmaPortsAttr) is chosen; both kept only when the modelled
// latency is lower so.
//
//===----------------------------------------------------------------------===//

#include "CopyElision.h"

#include "npu/Blob/Timeline.h"
#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/Target.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"
#include "npu/Target/Blob/CmxResidency.h"
#include "npu/Target/Blob/GenerateBlob.h"
#include "npu/Target/Blob/Passes.h"
#include "npu/Target/Blob/ShaveEpilogue.h"
#include "npu/Target/Blob/TilingRecord.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"

#include <optional>

namespace npu::target {
#define GEN_PASS_DEF_NPUGROUPLAYERS
#include "npu/Target/Blob/Passes.h.inc"
} // namespace npu::target

using namespace mlir;

namespace npu::target {
namespace {

/// The candidate credits, in DPU cycles, of the first weights slice
/// (TilingOptions::firstWeightsCredit); 0 first: it wins ties. Measured on
/// ResNet-50, MobileNetV2 and a BERT-style encoder (docs/codegen.md).
constexpr uint64_t kFirstWeightsCredits[] = {0, 5000, 7500, 10000, 12500};

/// The modelled latency, in DPU cycles, of `func` as code generation with
/// the default options would make it for `tiles` tiles, or nullopt when it
/// fails (its diagnostics are dropped: the tasks stage reports them).
std::optional<uint64_t> modelledLatency(func::FuncOp func,
                                        arch::Platform platform, uint32_t tiles,
                                        uint32_t maxPieceRows,
                                        bool shaveEpilogues) {
  ScopedDiagnosticHandler quiet(func.getContext(),
                                [](Diagnostic &) { return success(); });
  CodegenOptions opts;
  opts.tiles = tiles;
  opts.maxPieceRows = maxPieceRows;
  opts.shaveEpilogues = shaveEpilogues;
  FailureOr<GeneratedBlob> generated = generateBlob(func, platform, opts);
  blob::Timeline timeline;
  if (failed(generated) || !blob::computeTimeline(generated->program, timeline))
    return std::nullopt;
  return timeline.total;
}

/// Whether `op` emits tasks (constants and reshapes emit none).
bool emitsTasks(Operation *op) {
  return !isa<npu::ConstantOp, npu::ReshapeOp>(op);
}

/// `ops` (a block's, in order, without its terminator) ordered by level,
/// the original order among equal levels: an op's level is the highest of
/// its operands' producers' levels, plus one for a producer that emits
/// tasks. Independent chains interleave: attention's heads written one
/// after the other give every head's Q K^T, then every head's softmax, then
/// every head's A V, so that one head's loads do not queue behind another
/// head's, which wait for its softmax.
std::vector<Operation *> levelOrder(ArrayRef<Operation *> ops) {
  llvm::DenseMap<Operation *, uint64_t> level;
  for (Operation *op : ops) {
    uint64_t l = 0;
    for (Value v : op->getOperands())
      if (Operation *def = v.getDefiningOp(); def && level.count(def))
        l = std::max(l, level[def] + (emitsTasks(def) ? 1 : 0));
    level[op] = l;
  }
  std::vector<Operation *> sorted(ops.begin(), ops.end());
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [&](Operation *a, Operation *b) { return level[a] < level[b]; });
  return sorted;
}

/// Puts back each op's tiling record as saved (nullptr: none).
void restoreRecords(llvm::ArrayRef<std::pair<Operation *, Attribute>> records) {
  for (auto [op, attr] : records) {
    if (attr)
      op->setAttr(kTilingAttr, attr);
    else
      op->removeAttr(kTilingAttr);
  }
}

struct GroupLayersPass : impl::NPUGroupLayersBase<GroupLayersPass> {
  using NPUGroupLayersBase::NPUGroupLayersBase;

  /// Whether the function being grouped runs SHAVE epilogues (the programs
  /// whose latency is compared are generated so).
  bool useEpilogues = true;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto hw = targetFor(module, tiles);
    if (failed(hw))
      return signalPassFailure();
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      if (!func.getBody().hasOneBlock()) {
        func.emitOpError("must have one block to be grouped");
        return signalPassFailure();
      }
      func->removeAttr(kDmaPortsAttr);
      func->removeAttr(kDeepPrefetchAttr);
      func->removeAttr(kShaveSplitByWorkAttr);
      func->removeAttr(kShavesAttr);
      uint32_t used = tilesFor(func, **hw, tiles);
      if (failed(checkTilingTiles(func, used, **hw, "npu-group-layers")))
        return signalPassFailure();
      func->removeAttr(kShaveEpiloguesAttr);
      FailureOr<std::optional<uint64_t>> grouped =
          searchOpOrder ? groupInBestOrder(func, **hw, used)
                        : groupFunction(func, **hw, used, std::nullopt);
      if (failed(grouped))
        return signalPassFailure();
    }
  }

  /// Groups `func` in its current order: residency, epilogues, tiling and
  /// the code generation choices, each by the modelled latency where the
  /// searches are on. Returns the final program's latency when measured
  /// (`defaultPlanCycles`: the default plan's with no credit, when already
  /// measured).
  FailureOr<std::optional<uint64_t>>
  groupFunction(func::FuncOp func, const arch::HardwareDesc &hw, uint32_t used,
                std::optional<uint64_t> defaultPlanCycles) {
    func->removeAttr(kShaveEpiloguesAttr);
    ShaveEpilogues epilogues;
    if (shaveEpilogues)
      epilogues = findShaveEpilogues(func.getBody().front());
    useEpilogues = !epilogues.empty();
    CmxResidency residency =
        planCmxResidency(func, hw, used, maxPieceRows, &epilogues);
    // The chosen plan's latency with no credit, when the plan search
    // measured it.
    std::optional<uint64_t> cyclesWithoutCredit;
    if (searchCredit)
      residency = bestResidency(func, std::move(residency), epilogues, hw, used,
                                defaultPlanCycles, cyclesWithoutCredit);
    // Code generation runs no epilogue where they lost.
    if (!epilogues.empty() && !useEpilogues)
      func->setAttr(kShaveEpiloguesAttr,
                    BoolAttr::get(func.getContext(), false));
    recordCmxResidency(func, residency, used);
    uint64_t credit = 0;
    // The latency of the program as grouped, when a search measured it.
    std::optional<uint64_t> cycles = cyclesWithoutCredit;
    if (searchCredit)
      credit = bestCredit(func, residency, hw, used, cycles);
    if (failed(retile(func, residency, hw, used, credit, /*warn=*/true)))
      return failure();
    if (searchCredit)
      cycles = chooseWholeDeviceWeightOps(func, residency, hw, used, cycles);
    MLIRContext *ctx = func.getContext();
    if (searchDmaPorts)
      cycles = chooseFuncAttr(func, used, cycles, kDmaPortsAttr,
                              StringAttr::get(ctx, kEarliestStart));
    if (searchDeepPrefetch)
      cycles = chooseFuncAttr(func, used, cycles, kDeepPrefetchAttr,
                              UnitAttr::get(ctx));
    // SHAVE kernels split by their work, each task with at least a
    // launch's worth of vector work, half or a quarter: the more tasks, the
    // sooner a kernel on the critical path ends where SHAVEs idle (an
    // EfficientNet-style CNN int8 NPU4000 157.48 -> 145.68 us at a quarter),
    // the more launches queue where they do not.
    if (searchShaveSplit)
      for (int64_t factor : {1, 2, 4})
        cycles =
            chooseFuncAttr(func, used, cycles, kShaveSplitByWorkAttr,
                           IntegerAttr::get(IntegerType::get(ctx, 64), factor));
    // The SHAVEs by estimated start: after the split, whose chunks it
    // places (a CNN's f32 output converted in 8 chunks on NPU4000, 3 of
    // them behind a quantize's chunks in turn: 73.66 -> 71.02 us).
    if (searchShaves)
      cycles = chooseFuncAttr(func, used, cycles, kShavesAttr,
                              StringAttr::get(ctx, kEarliestStart));
    // An elementwise SHAVE op feeding several concat operands from another
    // SHAVE op's result: once in that op's chain, the concats copying its
    // result, or into each concat (a toy tanh into two concats, NPU3720:
    // 7585 cycles the first way, 6762 the second; a gated TCN the other
    // way round). Tried only where such an op exists.
    if (searchIntoConcats) {
      Block &body = func.getBody().front();
      llvm::DenseSet<Operation *> elided = findElidedCopies(body, {});
      if (findShaveOpsIntoConcats(body, elided, {}, /*intoEachConcat=*/true)
              .size() != findShaveOpsIntoConcats(body, elided, {}).size())
        cycles = chooseFuncAttr(func, used, cycles, kShaveIntoEachConcatAttr,
                                UnitAttr::get(ctx));
    }
    // The ports and the deep prefetch: each alone may lose where both win
    // (a bidirectional LSTM's int8 steps load their weights far ahead only
    // on the ports by estimated start: 1386.34 us either alone, 1217.10
    // us both). Tried last, on the choice so far, so that the result is
    // never slower than without the pair.
    if (searchDmaPorts && searchDeepPrefetch && !func->hasAttr(kDmaPortsAttr) &&
        !func->hasAttr(kDeepPrefetchAttr))
      cycles = chooseFuncAttrs(
          func, used, cycles,
          {NamedAttribute(StringAttr::get(ctx, kDmaPortsAttr),
                          StringAttr::get(ctx, kEarliestStart)),
           NamedAttribute(StringAttr::get(ctx, kDeepPrefetchAttr),
                          UnitAttr::get(ctx))});
    return cycles;
  }

  /// Every attribute of `func` and of the ops of its body.
  using Snapshot = std::vector<std::pair<Operation *, DictionaryAttr>>;
  static Snapshot snapshot(func::FuncOp func) {
    Snapshot s = {{func, func->getAttrDictionary()}};
    for (Operation &op : func.getBody().front())
      s.push_back({&op, op.getAttrDictionary()});
    return s;
  }
  static void restore(const Snapshot &s) {
    for (auto &[op, attrs] : s)
      op->setAttrs(attrs);
  }

  /// Groups `func` in its order or ordered by level (levelOrder), whichever
  /// program has the lower modelled latency. The level order is grouped
  /// fully only when it looks faster already with the default residency
  /// plan and no credit (chooseOpOrder), and kept only when its grouped
  /// program is faster than the original order's grouped program: the
  /// default plan alone misjudged ResNet-50 on NPU4000 (867.87 us grouped
  /// in its order, 889.15 by level).
  FailureOr<std::optional<uint64_t>>
  groupInBestOrder(func::FuncOp func, const arch::HardwareDesc &hw,
                   uint32_t used) {
    Block &body = func.getBody().front();
    std::vector<Operation *> original;
    for (Operation &op : body.without_terminator())
      original.push_back(&op);
    Snapshot initial = snapshot(func);
    std::optional<LevelTry> tried = chooseOpOrder(func, hw, used);
    restore(initial);
    if (!tried || !tried->levelLooksFaster)
      return groupFunction(func, hw, used,
                           tried ? tried->originalCycles : std::nullopt);
    // Both in full, the original order first (chooseOpOrder left it so).
    FailureOr<std::optional<uint64_t>> inOrder =
        groupFunction(func, hw, used, tried->originalCycles);
    if (failed(inOrder))
      return failure();
    Snapshot grouped = snapshot(func);
    place(body, tried->byLevel);
    restore(initial);
    std::optional<FailureOr<std::optional<uint64_t>>> byLevel;
    {
      // The level order's diagnostics (replaced records) are dropped: the
      // original order's grouping has reported the same records.
      ScopedDiagnosticHandler quiet(func.getContext(),
                                    [](Diagnostic &) { return success(); });
      byLevel = groupFunction(func, hw, used, tried->levelCycles);
    }
    if (succeeded(*byLevel) && **byLevel && *inOrder && ***byLevel < **inOrder)
      return *byLevel;
    place(body, original);
    restore(grouped);
    return inOrder;
  }

  static void place(Block &body, ArrayRef<Operation *> order) {
    Operation *end = body.getTerminator();
    for (Operation *op : order)
      op->moveBefore(end);
  }

  /// What chooseOpOrder measured: each order's latency with the default
  /// residency plan and no credit, and whether the level order's is lower.
  struct LevelTry {
    std::vector<Operation *> byLevel;
    std::optional<uint64_t> originalCycles, levelCycles;
    bool levelLooksFaster = false;
  };

  /// Measures `func` in its order and ordered by level (levelOrder), each
  /// grouped with the default residency plan and no credit, and leaves it
  /// in its order. nullopt when the two orders emit their tasks alike.
  std::optional<LevelTry> chooseOpOrder(func::FuncOp func,
                                        const arch::HardwareDesc &hw,
                                        uint32_t used) {
    Block &body = func.getBody().front();
    std::vector<Operation *> original;
    for (Operation &op : body.without_terminator())
      original.push_back(&op);
    LevelTry t;
    t.byLevel = levelOrder(original);
    auto tasksOnly = [](ArrayRef<Operation *> ops) {
      std::vector<Operation *> kept;
      llvm::copy_if(ops, std::back_inserter(kept), emitsTasks);
      return kept;
    };
    if (tasksOnly(t.byLevel) == tasksOnly(original))
      return std::nullopt;
    auto measure = [&]() -> std::optional<uint64_t> {
      ShaveEpilogues epilogues;
      if (shaveEpilogues)
        epilogues = findShaveEpilogues(body);
      useEpilogues = !epilogues.empty();
      CmxResidency residency =
          planCmxResidency(func, hw, used, maxPieceRows, &epilogues);
      recordCmxResidency(func, residency, used);
      return tryGrouping(func, residency, hw, used, /*credit=*/0);
    };
    t.originalCycles = measure();
    place(body, t.byLevel);
    t.levelCycles = measure();
    place(body, original);
    t.levelLooksFaster =
        t.originalCycles && t.levelCycles && *t.levelCycles < *t.originalCycles;
    return t;
  }

  /// Tiles every DPU op whose weights the device computes (a matmul of two
  /// activations: attention's per-head products) as one piece on one tile
  /// when the program's modelled latency is lower so, and returns the
  /// latency of the program as recorded (`current`: its latency when
  /// already measured; nullopt if not measured). Split over the tiles, each
  /// such op loads its whole input, its weights slice and its table on
  /// every tile, and these small transfers are bound by the DMA's DDR
  /// latency, not by the DPU (docs/codegen.md, "Matmuls of two activations
  /// on one tile").
  std::optional<uint64_t>
  chooseWholeDeviceWeightOps(func::FuncOp func, const CmxResidency &residency,
                             const arch::HardwareDesc &hw, uint32_t used,
                             std::optional<uint64_t> current) {
    FailureOr<arch::Platform> platform =
        getTarget(func->getParentOfType<ModuleOp>());
    if (failed(platform) || used < 2)
      return current;
    std::vector<std::pair<Operation *, Attribute>> records;
    std::vector<DpuTiling> whole;
    for (Operation &op : func.getBody().front()) {
      auto conv = dyn_cast<hw::DpuConvOp>(op);
      auto g = dpuOpGeometry(&op);
      if (!conv || !g || !conv.getWeights())
        continue;
      Value w = conv.getWeights();
      while (auto reshape = w.getDefiningOp<npu::ReshapeOp>())
        w = reshape.getInput();
      if (w.getDefiningOp<npu::ConstantOp>())
        continue;
      TilingOptions opts =
          residentTilingOptions(residency, &op, used, maxPieceRows);
      DpuTilingChoice choice;
      choice.rows = g->OH;
      choice.channels = uint32_t(llvm::alignTo(g->K, 16));
      DpuTiling tiling;
      std::string error;
      if (!tileDpuAs(*g, hw, opts, choice, tiling, error))
        continue;
      records.push_back({&op, op.getAttr(kTilingAttr)});
      whole.push_back(std::move(tiling));
    }
    if (whole.empty())
      return current;
    if (!current)
      current =
          modelledLatency(func, *platform, used, maxPieceRows, useEpilogues);
    for (size_t i = 0; i < whole.size(); ++i)
      recordDpuTiling(records[i].first, whole[i], used);
    std::optional<uint64_t> measured =
        modelledLatency(func, *platform, used, maxPieceRows, useEpilogues);
    if (current && measured && *measured < *current)
      return measured;
    restoreRecords(records);
    return current;
  }

  /// Records the attributes `attrs` on `func` (grouped and tiled as it
  /// will be generated: npu.dma_ports, npu.deep_prefetch,
  /// npu.shave_split_by_work) when its program's modelled latency is lower
  /// with all of them than with their values so far (none, or another).
  /// `without`: the latency with those, when already measured. Returns the
  /// latency of the program as recorded (nullopt if not measured).
  std::optional<uint64_t> chooseFuncAttrs(func::FuncOp func, uint32_t used,
                                          std::optional<uint64_t> without,
                                          ArrayRef<NamedAttribute> attrs) {
    FailureOr<arch::Platform> platform =
        getTarget(func->getParentOfType<ModuleOp>());
    if (failed(platform))
      return std::nullopt;
    // The attributes as they are (another value of one may be recorded
    // already), restored unless the new ones are faster.
    std::vector<std::pair<StringAttr, Attribute>> before;
    for (const NamedAttribute &a : attrs)
      before.push_back({a.getName(), func->getAttr(a.getName())});
    if (!without)
      without =
          modelledLatency(func, *platform, used, maxPieceRows, useEpilogues);
    for (const NamedAttribute &a : attrs)
      func->setAttr(a.getName(), a.getValue());
    std::optional<uint64_t> with =
        modelledLatency(func, *platform, used, maxPieceRows, useEpilogues);
    if (without && with && *with < *without)
      return with;
    for (auto &[name, value] : before)
      if (value)
        func->setAttr(name, value);
      else
        func->removeAttr(name);
    return without;
  }
  std::optional<uint64_t> chooseFuncAttr(func::FuncOp func, uint32_t used,
                                         std::optional<uint64_t> without,
                                         StringRef name, Attribute value) {
    return chooseFuncAttrs(
        func, used, without,
        {NamedAttribute(StringAttr::get(func.getContext(), name), value)});
  }

  /// The DPU ops' tiling records of programs measured under one residency
  /// plan, with their modelled latencies: the same records give the same
  /// program (the credit search's credits often tile every op alike).
  using MeasuredTilings =
      std::vector<std::pair<std::vector<Attribute>, std::optional<uint64_t>>>;

  /// The modelled latency of `func` grouped by `residency` (recorded on it)
  /// with `credit`, or nullopt when it cannot be tiled or generated; the
  /// function's tiling records are left as they were. With `measured`, a
  /// tiling already there is not generated again and a new one is added
  /// (`known`: its latency, when already measured).
  std::optional<uint64_t>
  tryGrouping(func::FuncOp func, const CmxResidency &residency,
              const arch::HardwareDesc &hw, uint32_t used, uint64_t credit,
              MeasuredTilings *measured = nullptr,
              std::optional<uint64_t> known = std::nullopt) {
    FailureOr<arch::Platform> platform =
        getTarget(func->getParentOfType<ModuleOp>());
    if (failed(platform))
      return std::nullopt;
    // The records as the tiled stage left them, restored after the try.
    std::vector<std::pair<Operation *, Attribute>> records;
    for (Operation &op : func.getBody().front())
      if (dpuOpGeometry(&op))
        records.push_back({&op, op.getAttr(kTilingAttr)});
    std::optional<uint64_t> cycles;
    if (succeeded(retile(func, residency, hw, used, credit, /*warn=*/false))) {
      std::vector<Attribute> tilings;
      if (measured)
        for (auto &[op, attr] : records)
          tilings.push_back(op->getAttr(kTilingAttr));
      auto same =
          measured
              ? llvm::find_if(*measured,
                              [&](const auto &m) { return m.first == tilings; })
              : MeasuredTilings::iterator();
      if (measured && same != measured->end()) {
        cycles = same->second;
      } else {
        cycles = known ? known
                       : modelledLatency(func, *platform, used, maxPieceRows,
                                         useEpilogues);
        if (measured)
          measured->push_back({std::move(tilings), cycles});
      }
    }
    restoreRecords(records);
    return cycles;
  }

  /// Of the plans made with the default ResidencyPolicy (`first`), with
  /// maxGrowth 1, with no SHAVE epilogue result in CMX and, where there are
  /// epilogues, without any (`useEpilogues` false), the one whose program
  /// has the lowest modelled latency (the first of equals; a plan equal to
  /// an earlier one is not tried); sets `useEpilogues` for it, and
  /// `bestCycles` to its latency when more than one plan was measured
  /// (`firstCycles`: the default plan's, when already measured). The
  /// estimates residency plans with are not the device: keeping epilogue
  /// results in CMX makes PP-OCRv4's fp16 recogniser 4-9 % slower on
  /// NPU3720 and 9 % faster on NPU4000, and epilogues make the BERT-style
  /// encoder's int8 GELUs slower on NPU4000 (docs/codegen.md).
  CmxResidency bestResidency(func::FuncOp func, CmxResidency first,
                             const ShaveEpilogues &epilogues,
                             const arch::HardwareDesc &hw, uint32_t used,
                             std::optional<uint64_t> firstCycles,
                             std::optional<uint64_t> &bestCycles) {
    struct Candidate {
      CmxResidency plan;
      bool epilogues;
    };
    std::vector<Candidate> candidates;
    candidates.push_back({std::move(first), !epilogues.empty()});
    auto add = [&](CmxResidency plan, bool withEpilogues) {
      auto same = [&](const Candidate &c) {
        return c.epilogues == withEpilogues && c.plan.offset == plan.offset &&
               c.plan.banded == plan.banded;
      };
      if (llvm::none_of(candidates, same))
        candidates.push_back({std::move(plan), withEpilogues});
    };
    ResidencyPolicy strict;
    strict.maxGrowth = 1;
    ResidencyPolicy noEpilogueResults;
    noEpilogueResults.epilogueResults = false;
    for (const ResidencyPolicy &policy : {strict, noEpilogueResults})
      add(planCmxResidency(func, hw, used, maxPieceRows, &epilogues, policy),
          !epilogues.empty());
    if (!epilogues.empty())
      add(planCmxResidency(func, hw, used, maxPieceRows), false);
    size_t best = 0;
    bestCycles = firstCycles;
    if (candidates.size() > 1) {
      bestCycles.reset();
      for (size_t i = 0; i < candidates.size(); ++i) {
        useEpilogues = candidates[i].epilogues;
        recordCmxResidency(func, candidates[i].plan, used);
        std::optional<uint64_t> cycles =
            i == 0 && firstCycles
                ? firstCycles
                : tryGrouping(func, candidates[i].plan, hw, used,
                              /*credit=*/0);
        if (cycles && (!bestCycles || *cycles < *bestCycles)) {
          bestCycles = cycles;
          best = i;
        }
      }
    }
    useEpilogues = candidates[best].epilogues;
    return std::move(candidates[best].plan);
  }

  /// The candidate credit whose program has the lowest modelled latency
  /// (the first of equals); the function's tiling records are left as they
  /// were. The tries report nothing: a bad record makes the search give 0,
  /// and the final retile reports it (and any replaced record) once.
  /// `cycles`: on entry the latency with credit 0, when already measured;
  /// on return the chosen credit's (nullopt if not measured).
  uint64_t bestCredit(func::FuncOp func, const CmxResidency &residency,
                      const arch::HardwareDesc &hw, uint32_t used,
                      std::optional<uint64_t> &cycles) {
    std::optional<uint64_t> withoutCredit = cycles;
    cycles.reset();
    uint64_t best = 0;
    std::optional<uint64_t> bestCycles;
    MeasuredTilings tilings;
    for (uint64_t credit : kFirstWeightsCredits) {
      std::optional<uint64_t> measured =
          tryGrouping(func, residency, hw, used, credit, &tilings,
                      credit == 0 ? withoutCredit : std::nullopt);
      if (!measured && credit == 0)
        return uint64_t(0);
      if (measured && (!bestCycles || *measured < *bestCycles)) {
        bestCycles = measured;
        best = credit;
      }
    }
    cycles = bestCycles;
    return best;
  }

  /// Records the tiling of every DPU op under `residency`: a record the
  /// residency does not change is kept (after checking it), the others are
  /// tiled again, crediting `credit` cycles of each tile's first weights
  /// slice. With `warn`, every bad record and every replaced one is reported;
  /// without, nothing is (the credit search's tries).
  LogicalResult retile(func::FuncOp func, const CmxResidency &residency,
                       const arch::HardwareDesc &hw, uint32_t used,
                       uint64_t credit, bool warn) {
    std::optional<ScopedDiagnosticHandler> quiet;
    if (!warn)
      quiet.emplace(func.getContext(), [](Diagnostic &) { return success(); });
    bool ok = true;
    for (Operation &op : func.getBody().front()) {
      auto g = dpuOpGeometry(&op);
      if (!g)
        continue;
      auto recorded = recordedTilingChoice(&op);
      if (failed(recorded)) {
        ok = false;
        continue;
      }
      TilingOptions opts =
          residentTilingOptions(residency, &op, used, maxPieceRows);
      DpuTiling tiling;
      std::string error;
      if (*recorded && !residencyChangesTiling(opts, hw)) {
        // Kept: it must be usable as it is.
        if (succeeded(tileDpuOp(&op, *g, hw, opts)))
          continue;
        ok = false;
        continue;
      }
      opts.firstWeightsCredit = credit;
      if (!planDpuTiling(*g, hw, opts, tiling, error)) {
        op.emitOpError() << "cannot be tiled for CMX: " << error;
        ok = false;
        continue;
      }
      if (*recorded)
        warnIfReplaced(op, *g, hw, **recorded, tiling, used);
      recordDpuTiling(&op, tiling, used);
    }
    func->setAttr(kTilingTilesAttr,
                  Builder(func.getContext()).getI64IntegerAttr(used));
    return success(ok);
  }

  /// A record that is not what npu-tile makes with these options (an edit,
  /// or a record made with other options) and that grouping replaces gets
  /// a warning saying so.
  void warnIfReplaced(Operation &op, const DpuOpGeometry &g,
                      const arch::HardwareDesc &hw, const DpuTilingChoice &old,
                      const DpuTiling &now, uint32_t used) {
    TilingOptions alone;
    alone.tiles = used;
    alone.maxPieceRows = maxPieceRows;
    DpuTiling tiled, check;
    std::string error, invalid;
    bool usable = tileDpuAs(g, hw, alone, old, check, invalid);
    auto strategy = cast<DictionaryAttr>(op.getAttr(kTilingAttr))
                        .getAs<StringAttr>("strategy");
    bool sameStrategy = !strategy || !usable ||
                        strategy.getValue() == tilingStrategy(check, used);
    if (usable && sameStrategy && planDpuTiling(g, hw, alone, tiled, error) &&
        tiled.choice == old)
      return;
    InFlightDiagnostic d = op.emitWarning() << "its '" << kTilingAttr << "' "
                                            << tilingChoiceText(old);
    if (!usable)
      d << " cannot be used (" << invalid << ") and";
    else if (!sameStrategy)
      d << " (strategy \"" << strategy.getValue() << "\") differs from "
        << "its pieces and";
    else
      d << " is not what npu-tile makes with these options (an edit, or "
           "other tiles or max-piece-rows) and";
    d << " is replaced by " << tilingChoiceText(now.choice)
      << ": grouping keeps an operand of it in CMX or shrinks its CMX, so "
         "it is tiled again (edit the grouped stage to change it)";
  }
};

} // namespace
} // namespace npu::target
