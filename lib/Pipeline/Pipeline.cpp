//===- Pipeline.cpp - The compile pipeline and its stages -----------------===//

#include "npu/Pipeline/Pipeline.h"

#include "npu/Dialect/NPU/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace npu {

namespace {
struct StageInfo {
  Stage stage;
  const char *name;
};
constexpr StageInfo kStages[] = {
    {Stage::Origin, "origin"},
    {Stage::Canonical, "canonical"},
};
} // namespace

llvm::StringRef stageName(Stage stage) {
  for (const auto &s : kStages)
    if (s.stage == stage)
      return s.name;
  return "?";
}

std::optional<Stage> parseStage(llvm::StringRef name) {
  for (const auto &s : kStages)
    if (name == s.name)
      return s.stage;
  return std::nullopt;
}

std::vector<std::string> allStageNames() {
  std::vector<std::string> names;
  for (const auto &s : kStages)
    names.push_back(s.name);
  return names;
}

static void addCanonicalizationPasses(OpPassManager &pm) {
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  // Fold shape subgraphs first, so that ops depending on them become
  // static, then fold batch norms, whose weight arithmetic folds again.
  fpm.addPass(createNPUFoldConstants());
  fpm.addPass(createCanonicalizerPass());
  fpm.addPass(createNPUFoldBatchNorm());
  fpm.addPass(createNPUFoldConstants());
  fpm.addPass(createCanonicalizerPass());
  fpm.addPass(createCSEPass());
}

void buildCompilePipeline(OpPassManager &pm, Stage from, Stage to,
                          const CompileOptions &options) {
  if (from < Stage::Canonical && to >= Stage::Canonical)
    addCanonicalizationPasses(pm);
}

void registerPipelines() {
  PassPipelineRegistration<>(
      "npu-canonical-pipeline",
      "Takes an imported (origin) module to the canonical, compute-only form",
      [](OpPassManager &pm) {
        buildCompilePipeline(pm, Stage::Origin, Stage::Canonical, {});
      });
}

} // namespace npu
