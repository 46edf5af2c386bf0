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
    auto target = targetTiles(module, tiles);
    if (failed(target))
      return signalPassFailure();
    const arch::HardwareDesc *hw = target->first;
    uint32_t used = target->second;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      if (!func.getBody().hasOneBlock()) {
        func.emitOpError("must have one block to be grouped");
        return signalPassFailure();
      }
      if (failed(checkTilingTiles(func, used)))
        return signalPassFailure();
      CmxResidency residency = planCmxResidency(func, *hw, used, maxPieceRows);
      recordCmxResidency(func, residency, used);
      if (failed(retile(func, residency, *hw, used)))
        return signalPassFailure();
    }
  }

  /// Records the tiling of every DPU op under `residency`: a record the
  /// residency does not change is kept, the others are tiled again.
  LogicalResult retile(func::FuncOp func, const CmxResidency &residency,
                       const arch::HardwareDesc &hw, uint32_t used) {
    for (Operation &op : func.getBody().front()) {
      auto g = dpuOpGeometry(&op);
      if (!g)
        continue;
      auto recorded = recordedTilingChoice(&op);
      if (failed(recorded))
        return failure();
      TilingOptions opts =
          residentTilingOptions(residency, &op, used, maxPieceRows);
      if (*recorded && !residencyChangesTiling(opts, hw))
        continue;
      DpuTiling tiling;
      std::string error;
      if (!planDpuTiling(*g, hw, opts, tiling, error))
        return op.emitOpError() << "cannot be tiled for CMX: " << error;
      if (*recorded && **recorded != tiling.choice)
        warnIfEdited(op, *g, hw, **recorded, tiling.choice, used);
      recordDpuTiling(&op, tiling, used);
    }
    func->setAttr(kTilingTilesAttr,
                  Builder(func.getContext()).getI64IntegerAttr(used));
    return success();
  }

  /// A record the tiled stage would not have made (an edit) that grouping
  /// replaces gets a warning.
  void warnIfEdited(Operation &op, const DpuOpGeometry &g,
                    const arch::HardwareDesc &hw, const DpuTilingChoice &old,
                    const DpuTilingChoice &now, uint32_t used) {
    TilingOptions alone;
    alone.tiles = used;
    alone.maxPieceRows = maxPieceRows;
    DpuTiling tiled;
    std::string error;
    if (planDpuTiling(g, hw, alone, tiled, error) && tiled.choice == old)
      return;
    op.emitWarning() << "its edited '" << kTilingAttr << "' "
                     << tilingChoiceText(old) << " is replaced by "
                     << tilingChoiceText(now)
                     << ": grouping keeps an operand of it in CMX or "
                        "shrinks its CMX, so it is tiled again (edit the "
                        "grouped stage to change it)";
  }
};

} // namespace
} // namespace npu::target
