//===- AssignMemoryPass.cpp - The npu-assign-memory pass (addressed) ------===//
//
// Reads the module's tasks-stage nputask.program, runs memory assignment
// (AssignMemory.h) and replaces it with the addressed program.
//
//===----------------------------------------------------------------------===//

#include "npu/Target/Blob/AssignMemory.h"
#include "npu/Target/Blob/Passes.h"

#include "npu/Dialect/NPUTask/IR/ProgramConversion.h"

namespace npu::target {
#define GEN_PASS_DEF_NPUASSIGNMEMORY
#include "npu/Target/Blob/Passes.h.inc"
} // namespace npu::target

using namespace mlir;

namespace npu::target {
namespace {

struct AssignMemoryPass : impl::NPUAssignMemoryBase<AssignMemoryPass> {
  using NPUAssignMemoryBase::NPUAssignMemoryBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto programs = module.getOps<task::ProgramOp>();
    if (programs.empty()) {
      emitError(module.getLoc(), "has no nputask.program to assign memory to "
                                 "(run "
                                 "npu-generate-tasks first: the tasks stage)");
      return signalPassFailure();
    }
    task::ProgramOp op = *programs.begin();
    if (std::next(programs.begin()) != programs.end()) {
      emitError(module.getLoc(), "holds more than one nputask.program");
      return signalPassFailure();
    }
    // The weights stay where they are (the same resource, not a copy).
    FailureOr<task::ExportedProgram> exported =
        task::exportProgram(op, /*withWeights=*/false);
    if (failed(exported))
      return signalPassFailure();
    if (!exported->isTasksStage()) {
      task::programError(op)
          << "is already addressed (its buffers have offsets and its tasks "
             "no schedule): memory assignment takes the tasks stage";
      return signalPassFailure();
    }
    MemoryAssignmentReport report;
    std::string error;
    if (!assignMemory(exported->program, exported->schedule,
                      exported->plannedOffsets, report, error)) {
      task::programError(op) << "memory assignment failed: " << error;
      return signalPassFailure();
    }
    OpBuilder builder(op);
    task::ProgramOp addressed =
        task::buildProgramOp(builder, op.getLoc(), exported->program, {});
    if (std::optional<ElementsAttr> weights = op.getWeights())
      addressed.setWeightsAttr(*weights);
    op.erase();
  }
};

} // namespace
} // namespace npu::target
