//===- GroupLayers.cpp - The npu-group-layers pass (grouped stage) --------===//
//
// Plans which activations stay in CMX between DPU ops (CmxResidency.h) and
// records the plan on the function, where code generation reads it back;
// then records every DPU op's final tiling (TilingRecord.h): the ops the
// plan changes are tiled again for it. Their tiling estimates credit each
// tile's first weights slice with some cycles of the prefetch during the op
// before (TilingOptions::firstWeightsCredit); the credit is the candidate
// whose program, generated to the addressed stage with the default code
// generation options, has the lowest modelled latency (the simulator's
// timeline, npu/Blob/Timeline.h).
//
//===----------------------------------------------------------------------===//

#include "npu/Blob/Timeline.h"
#include "npu/Dialect/NPU/IR/Target.h"
#include "npu/Target/Blob/CmxResidency.h"
#include "npu/Target/Blob/GenerateBlob.h"
#include "npu/Target/Blob/Passes.h"
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
                                        uint32_t maxPieceRows) {
  ScopedDiagnosticHandler quiet(func.getContext(),
                                [](Diagnostic &) { return success(); });
  CodegenOptions opts;
  opts.tiles = tiles;
  opts.maxPieceRows = maxPieceRows;
  FailureOr<GeneratedBlob> generated = generateBlob(func, platform, opts);
  blob::Timeline timeline;
  if (failed(generated) || !blob::computeTimeline(generated->program, timeline))
    return std::nullopt;
  return timeline.total;
}

struct GroupLayersPass : impl::NPUGroupLayersBase<GroupLayersPass> {
  using NPUGroupLayersBase::NPUGroupLayersBase;

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
      uint32_t used = tilesFor(func, **hw, tiles);
      if (failed(checkTilingTiles(func, used, **hw, "npu-group-layers")))
        return signalPassFailure();
      CmxResidency residency = planCmxResidency(func, **hw, used, maxPieceRows);
      recordCmxResidency(func, residency, used);
      uint64_t credit = 0;
      if (searchCredit)
        credit = bestCredit(func, residency, **hw, used);
      if (failed(retile(func, residency, **hw, used, credit, /*warn=*/true)))
        return signalPassFailure();
    }
  }

  /// The candidate credit whose program has the lowest modelled latency
  /// (the first of equals); the function's tiling records are left as they
  /// were. The tries report nothing: a bad record makes the search give 0,
  /// and the final retile reports it (and any replaced record) once.
  uint64_t bestCredit(func::FuncOp func, const CmxResidency &residency,
                      const arch::HardwareDesc &hw, uint32_t used) {
    FailureOr<arch::Platform> platform =
        getTarget(func->getParentOfType<ModuleOp>());
    if (failed(platform))
      return uint64_t(0);
    // The records as the tiled stage left them, restored before each try.
    std::vector<std::pair<Operation *, Attribute>> records;
    for (Operation &op : func.getBody().front())
      if (dpuOpGeometry(&op))
        records.push_back({&op, op.getAttr(kTilingAttr)});
    auto restore = [&] {
      for (auto &[op, attr] : records) {
        if (attr)
          op->setAttr(kTilingAttr, attr);
        else
          op->removeAttr(kTilingAttr);
      }
    };
    uint64_t best = 0;
    std::optional<uint64_t> bestCycles;
    for (uint64_t credit : kFirstWeightsCredits) {
      if (failed(retile(func, residency, hw, used, credit, /*warn=*/false))) {
        restore();
        return uint64_t(0);
      }
      std::optional<uint64_t> cycles =
          modelledLatency(func, *platform, used, maxPieceRows);
      restore();
      if (cycles && (!bestCycles || *cycles < *bestCycles)) {
        bestCycles = cycles;
        best = credit;
      }
    }
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
