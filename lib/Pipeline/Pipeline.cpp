//===- Pipeline.cpp - Building the compile pipeline from the stage table --===//

#include "npu/Pipeline/Pipeline.h"

#include "StageInstrumentation.h"
#include "StageTable.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace npu {

/// diagnosticStream(): stderr and the recorders alive, innermost first.
/// Diagnostics are printed by one thread at a time (MLIR's diagnostic
/// engine serialises its handlers; printWarning is called outside passes).
class DiagnosticStream : public llvm::raw_ostream {
public:
  DiagnosticStream() { SetUnbuffered(); }
  DiagnosticRecorder *recorders = nullptr;

private:
  void write_impl(const char *ptr, size_t size) override {
    llvm::errs().write(ptr, size);
    for (DiagnosticRecorder *r = recorders; r; r = r->outer_)
      r->text_.append(ptr, size);
    pos += size;
  }
  uint64_t current_pos() const override { return pos; }
  uint64_t pos = 0;
};

static DiagnosticStream &theDiagnosticStream() {
  static DiagnosticStream stream;
  return stream;
}

llvm::raw_ostream &diagnosticStream() { return theDiagnosticStream(); }

DiagnosticRecorder::DiagnosticRecorder()
    : outer_(theDiagnosticStream().recorders) {
  theDiagnosticStream().recorders = this;
}

DiagnosticRecorder::~DiagnosticRecorder() {
  theDiagnosticStream().recorders = outer_;
}

void printError(StringRef tool, const Twine &message) {
  diagnosticStream() << tool << ": error: " << message << "\n";
}

void printWarning(StringRef tool, const Twine &message) {
  diagnosticStream() << tool << ": warning: " << message << "\n";
}

LogicalResult buildCompilePipeline(OpPassManager &pm,
                                   const CompileOptions &options) {
  Precision precision = options.precision;
  for (Stage stage : {options.compileFrom, options.compileTo})
    if (!stageExists(stage, precision)) {
      printError(options.toolName,
                 "there is no '" + stageName(stage, precision) +
                     "' stage with " + precisionName(precision) +
                     " precision; its stages are: " +
                     joinNames(allStageNames(precision)));
      return failure();
    }
  if (options.compileFrom > options.compileTo) {
    printError(options.toolName, "cannot compile from the '" +
                                     stageName(options.compileFrom, precision) +
                                     "' stage back to the earlier '" +
                                     stageName(options.compileTo, precision) +
                                     "' stage");
    return failure();
  }
  for (Stage stage : stagesOf(precision)) {
    // Blob is the serialisation of addressed (compileToBlob), not passes.
    if (stage <= options.compileFrom || stage > options.compileTo ||
        stage == Stage::Blob || !isSeparateStage(stage))
      continue;
    if (failed(stageInfo(stage).build(pm, options)))
      return failure();
    pm.addPass(createStageEndPass(stage, precision));
  }
  return success();
}

namespace {
/// npu-opt's view of the stage range: the target comes from the module.
struct PipelineFlags : public PassPipelineOptions<PipelineFlags> {
  Option<std::string> compileFrom{*this, "compile-from",
                                  llvm::cl::desc("The stage the input is at"),
                                  llvm::cl::init("origin")};
  Option<std::string> compileTo{*this, "compile-to",
                                llvm::cl::desc("The last stage to run"),
                                llvm::cl::init("canonical")};
  Option<std::string> precision{*this, "precision",
                                llvm::cl::desc("int8, fp16 or mixed"),
                                llvm::cl::init("int8")};
};

LogicalResult
buildFromFlags(OpPassManager &pm, StringRef text,
               function_ref<LogicalResult(const Twine &)> errorHandler) {
  PipelineFlags flags;
  if (failed(flags.parseFromString(text)))
    return failure();
  CompileOptions options;
  options.toolName = "npu-opt";
  std::optional<Precision> precision = parsePrecision(flags.precision);
  if (!precision)
    return errorHandler(
        "unknown precision '" + flags.precision +
        "'; valid precisions: " + joinNames(allPrecisionNames()));
  options.precision = *precision;
  for (auto [flag, stage] :
       {std::pair(&flags.compileFrom, &options.compileFrom),
        std::pair(&flags.compileTo, &options.compileTo)}) {
    std::optional<Stage> parsed = parseStage(*flag, *precision);
    if (!parsed)
      return errorHandler(
          "unknown stage '" + *flag + "' for " + flag->getArgStr() +
          "; valid stages: " + joinNames(allStageNames(*precision)));
    *stage = *parsed;
  }
  return buildCompilePipeline(pm, options);
}
} // namespace

void registerPipelines() {
  PassPipelineRegistration<>(
      "npu-canonical-pipeline",
      "Takes an imported (origin) module to the canonical, compute-only form",
      [](OpPassManager &pm) { addCanonicalizationPasses(pm); });
  registerPassPipeline(
      "npu-compile-pipeline",
      "The compile pipeline from one stage to another (the target comes "
      "from the module's npu.target)",
      buildFromFlags,
      [](function_ref<void(const detail::PassOptions &)> optHandler) {
        optHandler(PipelineFlags());
      });
}

} // namespace npu
