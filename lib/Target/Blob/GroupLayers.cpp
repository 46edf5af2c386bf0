//===- GroupLayers.cpp - The npu-group-layers pass (grouped stage) --------===//
//
// Plans which activations stay in CMX between DPU ops (CmxResidency.h) and
// records the plan on the function, where code generation reads it back;
// then records every DPU op's final tiling (TilingRecord.h): the ops the
// plan changes are tiled again for it.
//
//===----------------------------------------------------------------------===//

#include "npu/Target/Blob/CmxResidency.h"
#include "npu/Target/Blob/Passes.h"
#include "npu/Target/Blob/TilingRecord.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace npu::target {
#define GEN_PASS_DEF_NPUGROUPLAYERS
#include "npu/Target/Blob/Passes.h.inc"
} // namespace npu::target

using namespace mlir;

namespace npu::target {
namespace {

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
      if (failed(retile(func, residency, **hw, used)))
        return signalPassFailure();
    }
  }

  /// Records the tiling of every DPU op under `residency`: a record the
  /// residency does not change is kept (after checking it), the others are
  /// tiled again. Every bad record is reported.
  LogicalResult retile(func::FuncOp func, const CmxResidency &residency,
                       const arch::HardwareDesc &hw, uint32_t used) {
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
