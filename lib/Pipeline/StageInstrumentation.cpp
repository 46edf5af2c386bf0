//===- StageInstrumentation.cpp - Stage dumps and progress ----------------===//

#include "StageInstrumentation.h"
#include "StageTable.h"

#include "npu/Pipeline/Pipeline.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace npu {

namespace {
/// Does nothing: marks where a stage's passes end. Its name shows in the
/// pass timing report, between the stages' passes.
class StageEndPass : public PassWrapper<StageEndPass, OperationPass<ModuleOp>> {
public:
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(StageEndPass)

  StageEndPass(Stage stage, Precision precision)
      : stage(stage),
        name(("npu stage '" + stageName(stage, precision) + "' done").str()) {}

  StringRef getArgument() const override { return "npu-stage-end"; }
  StringRef getName() const override { return name; }
  void runOnOperation() override { markAllAnalysesPreserved(); }

  Stage stage;

private:
  std::string name;
};
} // namespace

std::unique_ptr<Pass> createStageEndPass(Stage stage, Precision precision) {
  return std::make_unique<StageEndPass>(stage, precision);
}

StageInstrumentation::StageInstrumentation(const CompileOptions &options,
                                           Clock::time_point start)
    : options(options), start(start), stageStart(Clock::now()) {
  showProgress =
      options.progress || llvm::sys::Process::StandardErrIsDisplayed();
  for (Stage stage : stagesOf(options.precision))
    if (stage > options.compileFrom && stage <= options.compileTo &&
        stage != Stage::Blob && isSeparateStage(stage))
      stages.push_back(stage);
}

void StageInstrumentation::runBeforePass(Pass *pass, Operation *op) {
  if (!showProgress)
    return;
  std::lock_guard<std::mutex> lock(mutex);
  if (announced > current || current >= stages.size())
    return;
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  if (elapsed < options.progressDelaySeconds)
    return;
  announced = current + 1;
  llvm::errs() << options.toolName << ": [" << announced << "/" << stages.size()
               << "] " << stageName(stages[current], options.precision)
               << " ...\n";
}

void StageInstrumentation::runAfterPass(Pass *pass, Operation *op) {
  auto *end = dyn_cast<StageEndPass>(pass);
  if (!end)
    return;
  std::lock_guard<std::mutex> lock(mutex);
  ++current;
  if (!options.dumpDir.empty() &&
      failed(writeStageDump(cast<ModuleOp>(op), end->stage, options)))
    ok = false;
  if (options.phaseTimes) {
    options.phaseTimes->record(stageName(end->stage, options.precision),
                               stageStart);
    stageStart = Clock::now();
  }
}

LogicalResult writeStageDump(ModuleOp module, Stage stage,
                             const CompileOptions &options) {
  SmallString<256> path(options.dumpDir);
  llvm::sys::path::append(path, stageName(stage, options.precision) + ".mlir");
  std::string error;
  if (succeeded(writeModule(module, path, error)))
    return success();
  printError(options.toolName, error);
  return failure();
}

} // namespace npu
