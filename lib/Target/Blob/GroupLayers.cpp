//===- GroupLayers.cpp - The npu-group-layers pass (grouped stage) --------===//
//
// Plans which activations stay in CMX between DPU ops (CmxResidency.h) and
// records the plan on the function, where code generation reads it back.
//
//===----------------------------------------------------------------------===//

#include "npu/Target/Blob/CmxResidency.h"
#include "npu/Target/Blob/Passes.h"

#include "npu/Dialect/NPU/IR/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

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
    const arch::HardwareDesc *hw = getHardware(module);
    if (!hw)
      return signalPassFailure();
    if (tiles > hw->numTiles) {
      module.emitError() << "asks for " << unsigned(tiles) << " tiles; the "
                         << hw->name << " has " << hw->numTiles;
      return signalPassFailure();
    }
    uint32_t used = tiles ? uint32_t(tiles) : hw->numTiles;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      if (!func.getBody().hasOneBlock()) {
        func.emitOpError("must have one block to be grouped");
        return signalPassFailure();
      }
      recordCmxResidency(func, planCmxResidency(func, *hw, used, maxPieceRows),
                         used);
    }
  }
};

} // namespace
} // namespace npu::target
