//===- TileDpuOps.cpp - The npu-tile pass (tiled stage) -------------------===//
//
// Tiles every DPU op alone in its tile's CMX (Tiling.h) and records the
// split on it (TilingRecord.h).
//
//===----------------------------------------------------------------------===//

#include "npu/Target/Blob/CmxResidency.h"
#include "npu/Target/Blob/Passes.h"
#include "npu/Target/Blob/TilingRecord.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace npu::target {
#define GEN_PASS_DEF_NPUTILE
#include "npu/Target/Blob/Passes.h.inc"
} // namespace npu::target

using namespace mlir;

namespace npu::target {
namespace {

struct TilePass : impl::NPUTileBase<TilePass> {
  using NPUTileBase::NPUTileBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto target = targetFor(module, tiles);
    if (failed(target))
      return signalPassFailure();
    const arch::HardwareDesc *hw = *target;
    bool ok = true;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      uint32_t used = tilesFor(func, *hw, tiles);
      func.walk([&](Operation *op) {
        auto g = dpuOpGeometry(op);
        if (!g)
          return;
        TilingOptions opts;
        opts.tiles = used;
        opts.maxPieceRows = maxPieceRows;
        DpuTiling tiling;
        std::string error;
        if (!planDpuTiling(*g, *hw, opts, tiling, error)) {
          op->emitOpError() << "cannot be tiled for CMX: " << error;
          ok = false;
          return;
        }
        recordDpuTiling(op, tiling, used);
      });
      func->setAttr(kTilingTilesAttr,
                    Builder(func.getContext()).getI64IntegerAttr(used));
    }
    if (!ok)
      signalPassFailure();
  }
};

} // namespace
} // namespace npu::target
