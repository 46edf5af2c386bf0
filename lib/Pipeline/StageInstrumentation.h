//===- StageInstrumentation.h - Stage dumps and progress --------*- C++ -*-===//
//
// Private to lib/Pipeline. buildCompilePipeline ends every stage with a
// marker pass (StageEndPass, a no-op); StageInstrumentation, attached to the
// pass manager running the pipeline, writes <dump-dir>/<stage>.mlir after
// each marker and prints the "[k/n] <stage> ..." progress line.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_PIPELINE_STAGEINSTRUMENTATION_H
#define NPU_LIB_PIPELINE_STAGEINSTRUMENTATION_H

#include "npu/Pipeline/CompileOptions.h"

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace npu {

/// The marker pass ending `stage`'s passes.
std::unique_ptr<mlir::Pass> createStageEndPass(Stage stage,
                                               Precision precision);

class StageInstrumentation : public mlir::PassInstrumentation {
public:
  using Clock = std::chrono::steady_clock;

  /// `start` is when the compile started (before import), for the progress
  /// line's delay.
  StageInstrumentation(const CompileOptions &options, Clock::time_point start);

  void runBeforePass(mlir::Pass *pass, mlir::Operation *op) override;
  void runAfterPass(mlir::Pass *pass, mlir::Operation *op) override;

  /// False if a stage dump could not be written (the error is printed).
  bool succeeded() const { return ok; }

  /// The stage running now (after a failed run: the one that failed), or
  /// nullopt once every stage has ended.
  std::optional<Stage> runningStage() const {
    if (current < stages.size())
      return stages[current];
    return std::nullopt;
  }

private:
  const CompileOptions &options;
  Clock::time_point start;
  /// When the running stage started (for options.phaseTimes).
  Clock::time_point stageStart;
  bool showProgress;
  /// The stages this run goes through, and the index of the running one.
  std::vector<Stage> stages;
  size_t current = 0;
  /// The last stage whose progress line was printed, + 1 (0: none).
  size_t announced = 0;
  bool ok = true;
  /// Function passes run in parallel.
  std::mutex mutex;
};

/// Writes `module` to <options.dumpDir>/<stage>.mlir; prints the error.
mlir::LogicalResult writeStageDump(mlir::ModuleOp module, Stage stage,
                                   const CompileOptions &options);

} // namespace npu

#endif // NPU_LIB_PIPELINE_STAGEINSTRUMENTATION_H
