//===- Compile.cpp - The compiler's entry points --------------------------===//
//
// compileModel: import, record the target, dump the origin stage, run the
// pipeline with one pass manager. compileToBlob: the same to the addressed
// stage, then its serialisation. writeModule: every MLIR file the compiler
// writes.
//
//===----------------------------------------------------------------------===//

#include "npu/Pipeline/Pipeline.h"

#include "StageInstrumentation.h"
#include "StageTable.h"

#include "npu/Arch/CostModel.h"
#include "npu/Blob/BlobWriter.h"
#include "npu/Blob/Timeline.h"
#include "npu/Dialect/NPU/IR/Target.h"
#include "npu/Dialect/NPUTask/IR/ProgramConversion.h"
#include "npu/Import/ONNX/Diagnostics.h"
#include "npu/Kernels/Cpu.h"
#include "npu/Pipeline/Registration.h"
#include "npu/Pipeline/StateVariables.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "npu/Support/Files.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

namespace npu {

CompilerContext::CompilerContext() {
  DialectRegistry registry;
  registerAllDialects(registry);
  context_ = std::make_unique<MLIRContext>(registry);
  context_->printOpOnDiagnostic(false);
  diagnostics_ = std::make_unique<ONNXDiagnosticHandler>(context_.get(),
                                                         diagnosticStream());
}

CompilerContext::~CompilerContext() = default;

LogicalResult writeModule(ModuleOp module, StringRef path, std::string &error,
                          bool debugInfo) {
  if (!createParentDirectories(path.str(), error))
    return failure();
  std::error_code ec;
  llvm::ToolOutputFile file(path, ec, llvm::sys::fs::OF_Text);
  if (ec) {
    error = ("cannot write '" + path + "': " + ec.message()).str();
    return failure();
  }
  OpPrintingFlags flags;
  if (debugInfo)
    flags.enableDebugInfo();
  module.print(file.os(), flags);
  file.os() << "\n";
  file.os().flush();
  if (file.os().has_error()) {
    error =
        ("cannot write '" + path + "': " + file.os().error().message()).str();
    file.os().clear_error();
    return failure();
  }
  file.keep();
  return success();
}

namespace {
/// --timing: one report of the whole compile on stderr when the compile
/// ends: the import, every pass, code generation and blob writing.
struct CompileTiming {
  explicit CompileTiming(bool enabled) {
    manager.setEnabled(enabled);
    root = manager.getRootScope();
  }
  DefaultTimingManager manager;
  TimingScope root;
};
} // namespace

static LogicalResult runPipeline(ModuleOp module, const CompileOptions &options,
                                 StageInstrumentation::Clock::time_point start,
                                 TimingScope *timing) {
  // The same bytes on every host with AVX2 (kReproducibleSimdLevel).
  kernels::ReproducibleSimdScope reproducible;
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  auto instrumentation = std::make_unique<StageInstrumentation>(options, start);
  StageInstrumentation &stages = *instrumentation;
  pm.addInstrumentation(std::move(instrumentation));
  // After the stage instrumentation, so that (instrumentations finishing in
  // reverse order) the time of a stage's dump is not counted as a pass's.
  std::optional<CompileTiming> ownTiming;
  if (options.timing && !timing) {
    ownTiming.emplace(true);
    timing = &ownTiming->root;
  }
  if (options.timing)
    pm.enableTiming(*timing);
  if (failed(buildCompilePipeline(pm, options)))
    return failure();
  if (failed(pm.run(module))) {
    // Name the stage that failed when it is not the last one asked for
    // (a bad calibration table fails the calibrated stage of a blob).
    // A blob's compile runs its passes to the addressed stage, whose
    // serialisation is the blob: it is named as the user asked, the blob.
    Stage asked = options.compileTo == Stage::Addressed && options.forBlob
                      ? Stage::Blob
                      : options.compileTo;
    std::string target = stageName(asked, options.precision).str();
    std::optional<Stage> failedStage = stages.runningStage();
    if (failedStage && *failedStage != asked)
      printError(options.toolName,
                 "the '" + stageName(*failedStage, options.precision) +
                     "' stage failed (compiling to the '" + target +
                     "' stage)");
    else
      printError(options.toolName,
                 "compiling to the '" + target + "' stage failed");
    return failure();
  }
  return success(stages.succeeded());
}

LogicalResult runCompilePipeline(ModuleOp module,
                                 const CompileOptions &options) {
  return runPipeline(module, options, StageInstrumentation::Clock::now(),
                     nullptr);
}

/// Fails, naming each one, when a graph input or output of the model has a
/// dimension of 0.
static LogicalResult checkNoEmptyGraphTensors(ModuleOp module,
                                              const CompileOptions &options) {
  std::vector<std::string> empty;
  for (auto f : module.getOps<func::FuncOp>()) {
    if (f.isExternal())
      continue;
    auto check = [&](Type type, DictionaryAttr attrs, const char *kind,
                     unsigned index) {
      auto shaped = dyn_cast<RankedTensorType>(type);
      if (!shaped || !llvm::is_contained(shaped.getShape(), 0))
        return;
      auto name = attrs ? attrs.getAs<StringAttr>("npu.name") : StringAttr();
      std::string shape =
          llvm::join(llvm::map_range(shaped.getShape(),
                                     [](int64_t d) {
                                       return ShapedType::isDynamic(d)
                                                  ? std::string("?")
                                                  : std::to_string(d);
                                     }),
                     "x");
      empty.push_back(std::string(kind) + " '" +
                      (name ? name.str() : std::to_string(index)) + "' (" +
                      shape + ")");
    };
    for (unsigned i = 0; i < f.getNumArguments(); ++i)
      check(f.getArgument(i).getType(), f.getArgAttrDict(i), "input", i);
    for (unsigned i = 0; i < f.getNumResults(); ++i)
      check(f.getResultTypes()[i], f.getResultAttrDict(i), "output", i);
  }
  if (empty.empty())
    return success();
  printError(options.toolName,
             "the graph's " + llvm::join(empty, ", ") +
                 (empty.size() == 1 ? " has" : " have") +
                 " a dimension of 0: an empty tensor, which the NPU does not "
                 "run (the interpreter does: npu-interpret; --input-shape "
                 "sets an input's dimensions)");
  return failure();
}

/// A blob names its inputs and outputs uniquely (the runtime finds each by
/// its name): an output named as an input (an ONNX graph passing its input
/// through) or as another output is refused before anything compiles (it
/// was refused at the tasks stage, after calibration; found by a fresh
/// user). Code generation checks the same (BufferAssignment.cpp).
static LogicalResult checkUniqueGraphNames(ModuleOp module,
                                           const CompileOptions &options) {
  for (auto f : module.getOps<func::FuncOp>()) {
    if (f.isExternal())
      continue;
    std::map<std::string, bool> seen; // Name -> is an output.
    auto check = [&](DictionaryAttr attrs, bool output) {
      auto name = attrs ? attrs.getAs<StringAttr>("npu.name") : StringAttr();
      if (!name)
        return true;
      auto [it, fresh] = seen.emplace(name.str(), output);
      if (fresh)
        return true;
      printError(options.toolName,
                 (output && !it->second
                      ? "graph output '" + name.str() +
                            "' is the graph input of that name (the model "
                            "passes it through unchanged)"
                      : "two graph " +
                            std::string(output ? "outputs" : "inputs") +
                            " are named '" + name.str() + "'" +
                            (output ? " (the model lists one twice)" : "")) +
                     ": a blob names its inputs and outputs uniquely, as the "
                     "runtime finds them by name; give the output a name of "
                     "its own (an Identity node writing a new tensor)");
      return false;
    };
    for (unsigned i = 0; i < f.getNumArguments(); ++i)
      if (!check(f.getArgAttrDict(i), false))
        return failure();
    for (unsigned i = 0; i < f.getNumResults(); ++i)
      if (!check(f.getResultAttrDict(i), true))
        return failure();
  }
  return success();
}

/// After the import refused operators it does not know: the rest of the
/// model (`knownPart`, importONNXFile) lowered in fp16, so that the ops of
/// known operators that map to no engine either are reported now, with the
/// others, not after those are replaced (found by a fresh user: a Resize
/// that does not map was named only on a second compile). Its diagnostics
/// are the lowering's report; the result is not used.
static void reportWhatElseDoesNotMap(ModuleOp knownPart,
                                     const CompileOptions &options) {
  CompileOptions check;
  check.import = options.import;
  check.target = options.target;
  check.tiles = options.tiles;
  check.perfHint = options.perfHint;
  check.toolName = options.toolName;
  check.state.autoDetect = false;
  check.precision = Precision::Fp16;
  check.compileTo = Stage::Lowered;
  setTarget(knownPart, check.target);
  PassManager pm(knownPart.getContext(), ModuleOp::getOperationName());
  if (failed(buildCompilePipeline(pm, check)))
    return;
  (void)pm.run(knownPart);
}

static void warnStaleStageDumps(const CompileOptions &options);

static FailureOr<OwningOpRef<ModuleOp>>
compileModelTimed(StringRef modelPath, MLIRContext &context,
                  const CompileOptions &options, TimingScope &timing) {
  auto start = StageInstrumentation::Clock::now();
  if (options.compileFrom != Stage::Origin) {
    printError(options.toolName,
               "an ONNX model is compiled from the origin stage, not from '" +
                   stageName(options.compileFrom, options.precision) + "'");
    return failure();
  }
  TimingScope importTiming = timing.nest("import ONNX");
  OwningOpRef<ModuleOp> knownPart;
  auto module = importONNXFile(modelPath, context, options.import, &knownPart);
  importTiming.stop();
  if (options.phaseTimes)
    options.phaseTimes->record("read model", start);
  if (failed(module)) {
    if (knownPart)
      reportWhatElseDoesNotMap(*knownPart, options);
    return failure();
  }
  // The NPU runs no empty tensor: a graph input or output with a dimension
  // of 0 (declared by the model or given by --input-shape) is refused
  // before calibration and code generation spend any time on it.
  if (options.forBlob && (failed(checkNoEmptyGraphTensors(**module, options)) ||
                          failed(checkUniqueGraphNames(**module, options))))
    return failure();
  // State pairs are checked before the compile spends any time; code
  // generation records them (the addressed stage, ProgramIdentity.h).
  for (auto f : (*module)->getOps<func::FuncOp>())
    if (!f.isExternal() &&
        failed(resolveStateVariables(f, options.state, options.toolName,
                                     /*quiet=*/true)))
      return failure();
  setTarget(**module, options.target);
  if (!options.dumpDir.empty() &&
      failed(writeStageDump(**module, Stage::Origin, options)))
    return failure();
  if (failed(runPipeline(**module, options, start, &timing)))
    return failure();
  if (!options.dumpDir.empty())
    warnStaleStageDumps(options);
  return std::move(*module);
}

/// Warns of the stage files in the --dump-stages folder that this compile
/// did not write (an earlier compile's, in another precision or to a later
/// stage).
static void warnStaleStageDumps(const CompileOptions &options) {
  // The stage files this compile wrote (StageInstrumentation.cpp): origin
  // to --compile-to, in the precision's names, no blob file.
  std::vector<std::string> written;
  for (int s = int(Stage::Origin);
       s <= int(options.compileTo) && s < int(Stage::Blob); ++s)
    if (Stage(s) != Stage::Calibrated || isCalibrated(options.precision))
      written.push_back(stageName(Stage(s), options.precision).str() + ".mlir");
  std::vector<std::string> stale;
  for (int s = int(Stage::Origin); s < int(Stage::Blob); ++s)
    for (Precision p : {Precision::Int8, Precision::Fp16, Precision::Mixed}) {
      std::string name = stageName(Stage(s), p).str() + ".mlir";
      SmallString<256> file(options.dumpDir);
      llvm::sys::path::append(file, name);
      if (!llvm::is_contained(written, name) && llvm::sys::fs::exists(file) &&
          !llvm::is_contained(stale, name))
        stale.push_back(name);
    }
  if (stale.empty())
    return;
  // Found by a fresh user: an fp16 stage left by an earlier compile was
  // taken for this int8 blob's reference.
  printWarning(options.toolName,
               "--dump-stages '" + options.dumpDir + "' also holds " +
                   llvm::join(stale, ", ") +
                   " from an earlier compile; this one wrote " +
                   llvm::join(written, ", ") +
                   ": the others do not describe its result");
}

FailureOr<OwningOpRef<ModuleOp>> compileModel(StringRef modelPath,
                                              MLIRContext &context,
                                              const CompileOptions &options) {
  CompileTiming timing(options.timing);
  return compileModelTimed(modelPath, context, options, timing.root);
}

/// Serialises the module's nputask.program (the addressed stage); with
/// `latencyCycles`, also its modelled latency (blob::computeTimeline, what
/// the simulated device charges).
static LogicalResult writeProgram(ModuleOp module,
                                  const CompileOptions &options,
                                  std::vector<uint8_t> &blobBytes,
                                  std::string &error, TimingScope &timing,
                                  uint64_t *latencyCycles = nullptr) {
  auto programs = module.getOps<task::ProgramOp>();
  if (programs.empty()) {
    error = "the module has no nputask.program (the addressed stage)";
    return failure();
  }
  TimingScope writeTiming = timing.nest("blob serialization");
  auto writeStart = CompilePhaseTimes::Clock::now();
  auto exported = task::exportProgram(*programs.begin());
  if (failed(exported)) {
    error = "the addressed program cannot be serialised (see the errors "
            "above)";
    return failure();
  }
  blobBytes = blob::writeBlob(exported->program, exported->weights);
  if (latencyCycles) {
    blob::Timeline timeline;
    if (!blob::computeTimeline(exported->program, timeline)) {
      error = "the program's tasks can never all start (a barrier is never "
              "released)";
      return failure();
    }
    *latencyCycles = timeline.total;
  }
  if (options.phaseTimes)
    options.phaseTimes->record("blob serialization", writeStart);
  return success();
}

LogicalResult generateBlobFromModule(ModuleOp module,
                                     const CompileOptions &options,
                                     std::vector<uint8_t> &blobBytes,
                                     std::string &error) {
  blobBytes.clear();
  CompileTiming timing(options.timing);
  // The caller keeps its hwops module: the addressed stage replaces the
  // function, so it runs on a copy.
  OwningOpRef<ModuleOp> copy(module.clone());
  CompileOptions codegen = options;
  codegen.compileFrom = Stage::HwOps;
  codegen.compileTo = Stage::Addressed;
  codegen.forBlob = true;
  codegen.dumpDir.clear();
  if (failed(runPipeline(*copy, codegen, CompilePhaseTimes::Clock::now(),
                         &timing.root))) {
    error = "code generation failed (see the errors above)";
    return failure();
  }
  return writeProgram(*copy, options, blobBytes, error, timing.root);
}

/// DPU cycles of the target as microseconds (reports only).
static double modelledUs(const CompileOptions &options, uint64_t cycles) {
  return arch::dpuCyclesToNs(arch::hardware(options.target), cycles) / 1000.0;
}

/// Adds what the compile wrote to the precision report (JSON) at `path`:
/// "blob": {"precision", "modelled_us_mixed", "modelled_us_fp16"} (the last
/// only when every layer in fp16 was compiled).
static LogicalResult addBlobToPrecisionReport(StringRef path, StringRef written,
                                              double mixedUs,
                                              std::optional<double> fp16Us,
                                              std::string &error) {
  auto text = llvm::MemoryBuffer::getFile(path);
  if (!text) {
    error = ("cannot read the precision report '" + path +
             "': " + text.getError().message())
                .str();
    return failure();
  }
  auto parsed = llvm::json::parse((*text)->getBuffer());
  llvm::json::Object *root = parsed ? parsed->getAsObject() : nullptr;
  if (!root) {
    if (!parsed)
      llvm::consumeError(parsed.takeError());
    error = ("the precision report '" + path + "' is not a JSON object").str();
    return failure();
  }
  llvm::json::Object blob{{"precision", written},
                          {"modelled_us_mixed", mixedUs}};
  if (fp16Us) // Not compiled with --fp16-if-faster=false.
    blob["modelled_us_fp16"] = *fp16Us;
  (*root)["blob"] = std::move(blob);
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec);
  if (ec) {
    error =
        ("cannot write the precision report '" + path + "': " + ec.message())
            .str();
    return failure();
  }
  out << llvm::formatv("{0:2}", llvm::json::Value(std::move(*root))) << "\n";
  return success();
}

/// --precision=mixed --fp16-if-faster: compiles the model again with every
/// layer in fp16 (its stages under DIR/fp16 with --dump-stages) and keeps
/// that blob when its modelled latency is no higher than the mixed
/// choice's (`mixedCycles`, already in `blobBytes`). Every layer in fp16
/// reaches any target the search can reach (the search starts by checking
/// it), and the conversions between int8 and fp16 tasks can cost more than
/// the int8 layers save.
static LogicalResult
preferFp16IfFaster(StringRef modelPath, const CompileOptions &options,
                   MLIRContext &context, TimingScope &timing,
                   uint64_t mixedCycles, std::vector<uint8_t> &blobBytes,
                   std::string &error) {
  CompileOptions fp16 = options;
  fp16.precision = Precision::Fp16;
  fp16.compileTo = Stage::Addressed;
  fp16.forBlob = true;
  // As --precision=fp16 compiles it, to the byte: nothing calibrated.
  fp16.calibration = CalibrationOptions();
  fp16.accuracyTarget = CompileOptions().accuracyTarget;
  fp16.fp16Layers.clear();
  fp16.precisionReportPath.clear();
  fp16.state.quiet = true; // The mixed compile said them.
  // One phase for the whole second compile (--timing-json).
  fp16.phaseTimes = nullptr;
  auto fp16Start = CompilePhaseTimes::Clock::now();
  if (!options.dumpDir.empty())
    fp16.dumpDir = (llvm::Twine(options.dumpDir) + "/fp16").str();
  TimingScope fp16Timing =
      timing.nest("every layer in fp16 (--fp16-if-faster)");
  auto module = compileModelTimed(modelPath, context, fp16, fp16Timing);
  if (failed(module)) {
    error = "the model did not compile with every layer in fp16 (see the "
            "errors above; --fp16-if-faster=false keeps the mixed choice "
            "without trying)";
    return failure();
  }
  std::vector<uint8_t> fp16Bytes;
  uint64_t fp16Cycles = 0;
  if (failed(writeProgram(**module, fp16, fp16Bytes, error, fp16Timing,
                          &fp16Cycles)))
    return failure();
  if (options.phaseTimes)
    options.phaseTimes->record("every layer in fp16 (--fp16-if-faster)",
                               fp16Start);
  const arch::HardwareDesc &hw = arch::hardware(options.target);
  double mixedUs = modelledUs(options, mixedCycles);
  double fp16Us = modelledUs(options, fp16Cycles);
  bool useFp16 = fp16Cycles <= mixedCycles;
  llvm::errs() << llvm::formatv(
      "{0}: --precision=mixed: modelled latency on {1}: the mixed choice "
      "{2:F2} us, every layer in fp16 {3:F2} us: writing {4}\n",
      options.toolName, hw.name, mixedUs, fp16Us,
      useFp16 ? "the fp16 blob (--fp16-if-faster=false keeps the mixed one)"
              : "the mixed blob");
  if (useFp16)
    blobBytes = std::move(fp16Bytes);
  if (!options.precisionReportPath.empty() &&
      failed(addBlobToPrecisionReport(options.precisionReportPath,
                                      useFp16 ? "fp16" : "mixed", mixedUs,
                                      fp16Us, error)))
    return failure();
  return success();
}

LogicalResult compileToBlob(StringRef modelPath, const CompileOptions &options,
                            std::vector<uint8_t> &blobBytes,
                            std::string &error) {
  blobBytes.clear();
  auto contextStart = CompilePhaseTimes::Clock::now();
  CompilerContext compilerContext;
  MLIRContext &context = compilerContext.get();
  if (options.phaseTimes)
    options.phaseTimes->record("create context", contextStart);
  // Every stage up to addressed runs as passes; the blob is its
  // serialisation.
  CompileOptions stages = options;
  stages.compileTo = Stage::Addressed;
  stages.forBlob = true;
  CompileTiming timing(options.timing);
  auto module = compileModelTimed(modelPath, context, stages, timing.root);
  if (failed(module)) {
    error = "the model did not compile (see the errors above)";
    return failure();
  }
  if (options.precision != Precision::Mixed)
    return writeProgram(**module, options, blobBytes, error, timing.root);
  uint64_t mixedCycles = 0;
  if (failed(writeProgram(**module, options, blobBytes, error, timing.root,
                          &mixedCycles)))
    return failure();
  if (!options.fp16IfFaster) {
    if (options.precisionReportPath.empty())
      return success();
    return addBlobToPrecisionReport(options.precisionReportPath, "mixed",
                                    modelledUs(options, mixedCycles),
                                    std::nullopt, error);
  }
  *module = OwningOpRef<ModuleOp>(); // Free the mixed module first.
  return preferFp16IfFaster(modelPath, options, context, timing.root,
                            mixedCycles, blobBytes, error);
}

} // namespace npu
