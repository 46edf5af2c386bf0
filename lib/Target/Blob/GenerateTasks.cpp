//===- GenerateTasks.cpp - The npu-generate-tasks pass (tasks stage) ------===//
//
// Runs task generation (generateTasks) on the module's function and
// replaces the function with the tasks-stage nputask.program it produced.
//
//===----------------------------------------------------------------------===//

#include "npu/Target/Blob/GenerateBlob.h"
#include "npu/Target/Blob/Passes.h"

#include "npu/Dialect/NPU/IR/Target.h"
#include "npu/Dialect/NPUTask/IR/ProgramConversion.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace npu::target {
#define GEN_PASS_DEF_NPUGENERATETASKS
#include "npu/Target/Blob/Passes.h.inc"
} // namespace npu::target

using namespace mlir;

namespace npu::target {
namespace {

struct GenerateTasksPass : impl::NPUGenerateTasksBase<GenerateTasksPass> {
  using NPUGenerateTasksBase::NPUGenerateTasksBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<arch::Platform> platform = getTarget(module);
    if (failed(platform))
      return signalPassFailure();
    func::FuncOp func;
    for (auto f : module.getOps<func::FuncOp>()) {
      if (f.isExternal())
        continue;
      if (func) {
        f.emitError("code generation needs exactly one function in the "
                    "module");
        return signalPassFailure();
      }
      func = f;
    }
    if (!func) {
      emitError(module.getLoc(), "has no function to generate tasks for");
      return signalPassFailure();
    }
    CodegenOptions opts;
    opts.tiles = tiles;
    opts.maxPieceRows = maxPieceRows;
    opts.splitShave = splitShave;
    opts.cmxResidency = cmxResidency;
    opts.prefetchWeights = prefetchWeights;
    opts.shaveEpilogues = shaveEpilogues;
    FailureOr<GeneratedTasks> generated = generateTasks(func, *platform, opts);
    if (failed(generated))
      return signalPassFailure();
    OpBuilder builder(func);
    task::buildProgramOp(builder, func.getLoc(), generated->program,
                         generated->weights, generated->schedule,
                         generated->plannedOffsets);
    func.erase();
  }
};

} // namespace
} // namespace npu::target
