//===- CommandLine.cpp - The compile options every tool shares ------------===//
//
// The options are created on registration (not as globals) so that a tool
// registers only those it wants, in its own category; values are parsed
// here rather than by llvm::cl so that a bad one is an error listing the
// valid ones.
//
//===----------------------------------------------------------------------===//

#include "npu/Pipeline/CommandLine.h"

#include "npu/Calibration/Observer.h"
#include "npu/Pipeline/BoolFlag.h"
#include "npu/Pipeline/Pipeline.h"

#include "npu/Support/AccuracyTarget.h"
#include "npu/Support/Files.h"
#include "npu/Support/Npy.h"
#include "npu/Support/Version.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"

#include <memory>
#include <optional>

namespace cl = llvm::cl;
using namespace mlir;

namespace npu {

namespace {

/// "origin, canonical, calibrated (coming), ...".
std::string describeStages() {
  std::string text;
  for (Precision precision :
       {Precision::Int8, Precision::Fp16, Precision::Mixed}) {
    text += text.empty() ? "With int8: "
                         : "; with " + precisionName(precision).str() + ": ";
    text += joinNames(allStageNames(precision));
  }
  return text + ". Tiling, "
                "scheduling and memory assignment run inside blob code "
                "generation, after hwops";
}

struct Flags {
  explicit Flags(cl::OptionCategory &cat, const CommandLineConfig &config)
      : stageHelp("Last stage to run (default canonical); the output is this "
                  "stage's. " +
                  describeStages()),
        target("target",
               cl::desc("NPU generation to compile for (default NPU3720)"),
               cl::value_desc("NPU3720|NPU4000"), cl::init("NPU3720"),
               cl::cat(cat)),
        precision("precision",
                  cl::desc("Arithmetic of the compiled model (int8 needs "
                           "calibration data; mixed: int8 with the fewest "
                           "DPU layers in fp16 that reach "
                           "--accuracy-target)"),
                  cl::value_desc("int8|fp16|mixed"), cl::init("int8"),
                  cl::cat(cat)),
        accuracyTarget(
            "accuracy-target",
            cl::desc("With --precision=mixed: what every model output must "
                     "reach against float on the calibration samples: cos=C, "
                     "the mean cosine similarity; top1=A, the share of "
                     "positions whose argmax over the last axis is float's; "
                     "iou@T=A, the intersection over union of the mask "
                     "of elements above T with float's; or ctc=A (ctc@B=A: "
                     "blank class B, default 0), the share of float's "
                     "greedy CTC labels read the same, as a CTC "
                     "recogniser's text (default cos=0.99); none: no "
                     "search, only the --fp16-layers (the default when "
                     "they are given)"),
            cl::value_desc("cos=C|top1=A|iou@T=A|ctc@B=A|none"),
            cl::init("cos=0.99"), cl::cat(cat)),
        fp16Layers(
            "fp16-layers",
            cl::desc("With --precision=mixed: DPU layers that stay fp16, by "
                     "tensor name (the ONNX node name, as calibration tables "
                     "and npu-compare name tensors); the search adds more "
                     "only if --accuracy-target needs them, and without "
                     "--accuracy-target there is no search: every other "
                     "layer is int8, and --fp16-if-faster is off unless "
                     "given"),
            cl::value_desc("name,... (a comma in a name as \\,)"),
            cl::cat(cat)),
        precisionReport(
            "precision-report",
            cl::desc("With --precision=mixed: also write the layers kept in "
                     "fp16, their sensitivity and modelled cost as JSON"),
            cl::value_desc("file"), cl::cat(cat)),
        calibData("calib-data",
                  cl::desc("Directory of calibration inputs for int8: "
                           ".npy files (one input), one sub-folder of .npy "
                           "files per input, or .npz archives"),
                  cl::value_desc("dir"), cl::cat(cat)),
        calibMethod("calib-method",
                    cl::desc("How activation ranges are taken from the "
                             "calibration data: minmax, percentile[:P] "
                             "(default P = 99.99), entropy, mse, or auto "
                             "(per tensor, the best of the others)"),
                    cl::value_desc("method"), cl::init("percentile"),
                    cl::cat(cat)),
        calibTable("calib-table",
                   cl::desc("Write the calibrated ranges to this file"),
                   cl::value_desc("file"), cl::cat(cat)),
        useCalibTable("use-calib-table",
                      cl::desc("Read the ranges from this file instead of "
                               "calibrating"),
                      cl::value_desc("file"), cl::cat(cat)),
        equalizeChannels(
            "equalize-channels",
            cl::desc("int8: rescale the channels of depthwise convolutions' "
                     "inputs so that each uses the tensor's whole int8 range "
                     "(the float function is unchanged; "
                     "--equalize-channels=false to keep one range for all)"),
            cl::init(true), cl::cat(cat)),
        weightRounding(
            "weight-rounding",
            cl::desc("int8: how the weights of convolutions and matrix "
                     "products are rounded to int8 levels: gptq (default: "
                     "from the calibration samples, "
                     "each rounding error compensated by the weights not yet "
                     "rounded, so that the layer's output error is small) "
                     "or nearest"),
            cl::value_desc("gptq|nearest"), cl::init("gptq"), cl::cat(cat)),
        perfHint("perf-hint",
                 cl::desc("Performance hint; chooses the default --tiles"),
                 cl::value_desc("latency|throughput"), cl::init("latency"),
                 cl::cat(cat)),
        tiles("tiles",
              cl::desc("Tiles to compile for, at most the target's (0: the "
                       "--perf-hint's default for the target)"),
              cl::value_desc("n"), cl::init(0), cl::cat(cat)),
        inputShapes("input-shape",
                    cl::desc("Static shape of a graph input, required for "
                             "inputs with symbolic dimensions (repeatable), "
                             "e.g. --input-shape x=1,3,640,640"),
                    cl::value_desc("name=d0,d1,..."), cl::cat(cat)),
        compileTo("compile-to", cl::desc(stageHelp), cl::value_desc("stage"),
                  cl::init("canonical"), cl::cat(cat)),
        dumpStages("dump-stages",
                   // A tool that does not list --compile-to (npu-compare
                   // compiles to the blob) does not name it here either.
                   cl::desc(llvm::is_contained(config.unlisted, "compile-to")
                                ? "Also write every stage as "
                                  "<dir>/<stage>.mlir (the directory is "
                                  "created)"
                                : "Also write every stage up to --compile-to "
                                  "as <dir>/<stage>.mlir (the directory is "
                                  "created)"),
                   cl::value_desc("dir"), cl::cat(cat)),
        progress("progress",
                 cl::desc("Print the stage being compiled on stderr once a "
                          "compile takes more than 2 s (done anyway when "
                          "stderr is a terminal)"),
                 cl::init(false), cl::cat(cat)),
        exposeTensors(
            "expose-tensors",
            cl::desc("Debug build: also output these tensors of the graph "
                     "(by ONNX node name, as calibration tables name them; "
                     "'all' for every computed tensor), converted back to "
                     "their ONNX shape and type, as extra outputs of the "
                     "int8 / fp16 stage and of the blob (npu-compare reads "
                     "them)"),
            cl::value_desc("all|name,... (a comma in a name as \\,)"),
            cl::cat(cat)),
        debugCorruptTensor(
            "debug-corrupt-tensor",
            cl::desc("Test only: code generation perturbs the DPU task "
                     "computing this tensor, so that the device differs "
                     "from the interpreter (npu-compare's tests)"),
            cl::value_desc("name"), cl::Hidden, cl::cat(cat)),
        progressAfter("progress-after",
                      cl::desc("Seconds before progress lines appear"),
                      cl::init(2.0), cl::Hidden, cl::cat(cat)) {
    if (config.timing)
      timing.emplace("timing",
                     cl::desc("Print the wall time of the ONNX import, every "
                              "compiler pass, code generation and blob "
                              "serialization on stderr"),
                     cl::init(false), cl::cat(cat));
    if (config.fp16IfFaster)
      fp16IfFaster.emplace(
          "fp16-if-faster",
          cl::desc("With --precision=mixed, compiling a blob: also compile "
                   "every layer in fp16 and write that blob instead when its "
                   "modelled latency is no higher than the mixed choice's "
                   "(all fp16 reaches the target whenever the search can); "
                   "--fp16-if-faster=false keeps the choice"),
          cl::init(true), cl::cat(cat));
    if (config.inputValues)
      inputValues.emplace(
          "input-value",
          cl::desc("Value of a graph input as a .npy file (repeatable). The "
                   "compiler freezes the input into a constant only where it "
                   "needs its value at compile time (a Reshape shape, Slice "
                   "starts, an If condition, ...); a frozen input is removed "
                   "from @main's signature. The value's shape also serves as "
                   "--input-shape"),
          cl::value_desc("name=file.npy"), cl::cat(cat));
    if (config.state)
      state.emplace(
          "state",
          cl::desc("A state variable: graph input IN takes its value before "
                   "each inference, graph output OUT gives its next one "
                   "(repeatable; same shape and type). Without it, pairs are "
                   "found by name (IN and IN_out, ...; docs/state.md); "
                   "'none': no state variables"),
          cl::value_desc("IN=OUT|none"), cl::cat(cat));
    if (config.stageAlias)
      stageAlias.emplace("stage", cl::desc("Alias for --compile-to"),
                         cl::aliasopt(compileTo), cl::cat(cat));
  }

  std::string stageHelp;
  cl::opt<std::string> target, precision, accuracyTarget;
  cl::list<std::string> fp16Layers;
  cl::opt<std::string> precisionReport;
  std::optional<cl::opt<bool, false, BoolFlagParser>> fp16IfFaster;
  cl::opt<std::string> calibData, calibMethod, calibTable, useCalibTable;
  cl::opt<bool, false, BoolFlagParser> equalizeChannels;
  cl::opt<std::string> weightRounding, perfHint;
  cl::opt<unsigned> tiles;
  cl::list<std::string> inputShapes;
  cl::opt<std::string> compileTo, dumpStages;
  cl::opt<bool, false, BoolFlagParser> progress;
  cl::list<std::string> exposeTensors;
  cl::opt<std::string> debugCorruptTensor;
  cl::opt<double> progressAfter;
  std::optional<cl::opt<bool, false, BoolFlagParser>> timing;
  std::optional<cl::list<std::string>> inputValues;
  std::optional<cl::list<std::string>> state;
  std::optional<cl::alias> stageAlias;
};

std::unique_ptr<Flags> flags;

/// Parses `value` with `parse`; otherwise prints "unknown <what> '<value>'
/// for --<flag>; valid <what>s: <names>".
template <typename T, typename Parse>
LogicalResult parseChoice(StringRef tool, StringRef flag, StringRef what,
                          StringRef value, Parse parse,
                          const std::vector<std::string> &names, T &out) {
  std::optional<T> parsed = parse(value);
  if (!parsed) {
    printError(tool, "unknown " + what + " '" + value + "' for --" + flag +
                         "; valid " + what + "s: " + joinNames(names));
    return failure();
  }
  out = *parsed;
  return success();
}

LogicalResult parseCalibrationFlag(StringRef tool, StringRef spec,
                                   CalibrationOptions &calibration) {
  auto [name, value] = spec.split(':');
  if (failed(parseChoice(tool, "calib-method", "calibration method", name,
                         npu::parseCalibrationMethod,
                         allCalibrationMethodNames(), calibration.method)))
    return failure();
  bool hasValue = spec.contains(':');
  if (calibration.method != CalibrationMethod::Percentile) {
    if (hasValue) {
      printError(tool,
                 "--calib-method=" + name + " takes no value ('" + spec + "')");
      return failure();
    }
    return success();
  }
  if (!hasValue)
    return success();
  double percentile;
  if (value.getAsDouble(percentile) || !calib::validPercentile(percentile)) {
    printError(tool, "invalid percentile '" + value +
                         "' in --calib-method: expected the percent of each "
                         "sign's values the range keeps, in [50, 100], e.g. "
                         "percentile:99.99");
    return failure();
  }
  calibration.percentile = percentile;
  return success();
}

LogicalResult parseStageFlag(StringRef tool, StringRef name,
                             Precision precision, Stage &out) {
  if (std::optional<Stage> stage = parseStage(name, precision)) {
    out = *stage;
    return success();
  }
  bool otherPrecision = false;
  for (Precision other : {Precision::Int8, Precision::Fp16, Precision::Mixed})
    otherPrecision |= other != precision && parseStage(name, other);
  if (otherPrecision) {
    printError(tool,
               "there is no '" + name +
                   "' stage with --precision=" + precisionName(precision) +
                   "; its stages are: " + joinNames(allStageNames(precision)));
    return failure();
  }
  printError(tool, "unknown stage '" + name +
                       "' for --compile-to; valid stages: " +
                       joinNames(allStageNames(precision)));
  return failure();
}

} // namespace

void registerCompileCommandLine(cl::OptionCategory &category,
                                const CommandLineConfig &config) {
  flags = std::make_unique<Flags>(category, config);
}

bool isCompileToGiven() {
  return flags && flags->compileTo.getNumOccurrences() > 0;
}

void warnIfStageOutputsUnwritten(StringRef tool,
                                 const CompileOptions &options) {
  // The layers are chosen, and the report written, at the end of the
  // calibrated stage.
  if (options.precision == Precision::Mixed &&
      !options.precisionReportPath.empty() &&
      options.compileTo < Stage::Calibrated)
    printWarning(
        tool, "--precision-report is not written: the layers are "
              "chosen at the 'calibrated' stage, and the compile "
              "stops at '" +
                  stageName(options.compileTo, options.precision).str() + "'");
  if (options.precision != Precision::Fp16 &&
      !options.calibration.tableOutputPath.empty() &&
      options.compileTo < Stage::Calibrated)
    printWarning(
        tool, "--calib-table is not written: calibration runs at "
              "the 'calibrated' stage, and the compile stops at '" +
                  stageName(options.compileTo, options.precision).str() + "'");
  // Found by a fresh user: an unknown name was accepted without a word.
  if (!options.exposeTensors.empty() && options.compileTo < Stage::Lowered)
    printWarning(
        tool, "--expose-tensors is not applied (nor its names "
              "checked): the tensors become outputs at the '" +
                  stageName(Stage::Lowered, options.precision).str() +
                  "' stage, and the compile stops at '" +
                  stageName(options.compileTo, options.precision).str() + "'");
}

LogicalResult compileOptionsFromCommandLine(StringRef tool,
                                            CompileOptions &options) {
  if (!flags) {
    printError(tool, "the compile options were not registered");
    return failure();
  }
  const Flags &f = *flags;
  options.toolName = tool.str();
  std::vector<std::string> targets;
  for (unsigned p = 0; p < arch::kNumPlatforms; ++p)
    targets.push_back(arch::platformName(static_cast<arch::Platform>(p)));
  if (failed(parseChoice(
          tool, "target", "target", f.target,
          [](StringRef name) { return arch::parsePlatform(name.str()); },
          targets, options.target)) ||
      failed(parseChoice(tool, "precision", "precision", f.precision,
                         parsePrecision, allPrecisionNames(),
                         options.precision)) ||
      failed(parseChoice(tool, "perf-hint", "performance hint", f.perfHint,
                         parsePerfHint, allPerfHintNames(),
                         options.perfHint)) ||
      failed(parseCalibrationFlag(tool, f.calibMethod, options.calibration)))
    return failure();

  const arch::HardwareDesc &hw = arch::hardware(options.target);
  unsigned tiles = f.tiles;
  if (tiles > hw.numTiles) {
    printError(tool, "--tiles=" + Twine(tiles) + " is more than the " +
                         hw.name + "'s " + Twine(hw.numTiles) + " tiles");
    return failure();
  }
  options.tiles = tiles;

  // A file option given an empty value would silently do nothing (no table
  // written, or calibration on generated samples instead of the table).
  for (const cl::opt<std::string> *file :
       {&f.calibData, &f.calibTable, &f.useCalibTable})
    if (file->getNumOccurrences() && file->empty()) {
      printError(tool, "--" + file->ArgStr + " needs a path, not ''");
      return failure();
    }
  options.calibration.dataDir = f.calibData;
  options.calibration.tableOutputPath = f.calibTable;
  options.calibration.tableInputPath = f.useCalibTable;
  if (!f.useCalibTable.empty() && f.calibMethod.getNumOccurrences() &&
      options.precision != Precision::Fp16)
    printWarning(tool, "--calib-method is ignored with --use-calib-table (the "
                       "table's ranges are used as they are)");
  if (!f.useCalibTable.empty() && !f.calibTable.empty()) {
    printError(tool, "--calib-table writes the table that calibration "
                     "measures; with --use-calib-table nothing is measured "
                     "(copy or edit the table itself)");
    return failure();
  }
  options.calibration.equalizeChannels = f.equalizeChannels;
  if (f.weightRounding != "gptq" && f.weightRounding != "nearest") {
    printError(tool, "unknown --weight-rounding '" + f.weightRounding +
                         "' (expected gptq or nearest)");
    return failure();
  }
  options.calibration.weightRounding = f.weightRounding;
  if (!f.useCalibTable.empty() && !f.calibData.empty() &&
      options.precision == Precision::Int8) {
    printError(tool, "--use-calib-table replaces calibration: --calib-data is "
                     "not used with it (except by --precision=mixed, whose "
                     "layer search runs on the samples)");
    return failure();
  }
  options.accuracyTarget = f.accuracyTarget;
  options.fp16Layers = splitNameLists(f.fp16Layers);
  if (!options.fp16Layers.empty() && options.precision != Precision::Mixed) {
    printError(tool, "--fp16-layers needs --precision=mixed (int8 with those "
                     "layers in fp16)");
    return failure();
  }
  if (llvm::any_of(options.fp16Layers,
                   [](const std::string &n) { return n.empty(); })) {
    printError(tool, "--fp16-layers: an empty name");
    return failure();
  }
  // Layers given and no target: only those layers stay fp16.
  if (!options.fp16Layers.empty() && !f.accuracyTarget.getNumOccurrences())
    options.accuracyTarget = "none";
  else if (options.precision == Precision::Mixed &&
           options.accuracyTarget == "none" && options.fp16Layers.empty()) {
    printError(tool, "--accuracy-target none keeps only the --fp16-layers in "
                     "fp16, and none are given");
    return failure();
  } else if (options.precision == Precision::Mixed &&
             options.accuracyTarget != "none") {
    std::string why;
    if (!parseAccuracyTarget(options.accuracyTarget, why)) {
      printError(tool, "invalid --accuracy-target '" + options.accuracyTarget +
                           "': " + why);
      return failure();
    }
  }
  options.precisionReportPath = f.precisionReport;
  options.fp16IfFaster = !f.fp16IfFaster || *f.fp16IfFaster;
  // Layers named and no search: the blob is the one asked for, unless
  // --fp16-if-faster is given.
  if (options.accuracyTarget == "none" &&
      !(f.fp16IfFaster && f.fp16IfFaster->getNumOccurrences()))
    options.fp16IfFaster = false;
  if (options.precision != Precision::Mixed) {
    for (const cl::opt<std::string> *mixedOnly :
         {&f.accuracyTarget, &f.precisionReport})
      if (mixedOnly->getNumOccurrences())
        printWarning(tool, "--" + mixedOnly->ArgStr +
                               " is ignored without --precision=mixed");
    if (f.fp16IfFaster && f.fp16IfFaster->getNumOccurrences())
      printWarning(tool,
                   "--fp16-if-faster is ignored without --precision=mixed");
  }
  if (options.precision == Precision::Fp16) {
    for (const cl::opt<std::string> *calib :
         {&f.calibData, &f.calibMethod, &f.calibTable, &f.useCalibTable})
      if (calib->getNumOccurrences())
        printWarning(tool, "--" + calib->ArgStr +
                               " is ignored with --precision=fp16 (only int8 "
                               "is calibrated)");
    if (f.equalizeChannels.getNumOccurrences())
      printWarning(tool, "--equalize-channels is ignored with "
                         "--precision=fp16 (only int8 is calibrated)");
    if (f.weightRounding.getNumOccurrences())
      printWarning(tool, "--weight-rounding is ignored with "
                         "--precision=fp16 (only int8 is calibrated)");
  }

  if (failed(parseStageFlag(tool, f.compileTo, options.precision,
                            options.compileTo)))
    return failure();
  // Without --compile-to, a tool may still move the last stage (npu-compile
  // -o X.blob compiles to the blob): it warns once it has decided.
  if (isCompileToGiven())
    warnIfStageOutputsUnwritten(tool, options);
  options.exposeTensors = splitNameLists(f.exposeTensors);
  if (llvm::is_contained(options.exposeTensors, "all") &&
      options.exposeTensors.size() > 1) {
    printError(tool, "--expose-tensors takes 'all' or a list of tensor "
                     "names, not both");
    return failure();
  }
  options.debugCorruptTensor = f.debugCorruptTensor;

  for (const std::string &spec : f.inputShapes) {
    std::string error;
    if (!parseInputShapeOption(spec, options.import, error)) {
      printError(tool, error);
      return failure();
    }
  }
  for (const std::string &spec :
       f.state ? std::vector<std::string>(f.state->begin(), f.state->end())
               : std::vector<std::string>()) {
    std::string in, out;
    if (spec == "none") {
      options.state.autoDetect = false;
    } else if (splitNameValue(spec, in, out) && !out.empty()) {
      options.state.pairs.emplace_back(in, out);
    } else {
      printError(tool, "invalid --state '" + spec +
                           "': expected IN=OUT "
                           "(graph input and output "
                           "names) or 'none'");
      return failure();
    }
  }
  if (!options.state.autoDetect && !options.state.pairs.empty()) {
    printError(tool, "--state none and --state IN=OUT exclude each other");
    return failure();
  }

  if (f.inputValues)
    for (const std::string &spec : *f.inputValues) {
      std::string name, path, error;
      if (!splitNameFile(spec, name, path)) {
        printError(tool, "invalid --input-value '" + spec +
                             "': expected NAME=FILE.npy");
        return failure();
      }
      HostTensor value;
      if (!readNpy(path, value, error)) {
        printError(tool, error);
        return failure();
      }
      options.import.knownInputValues[name] = std::move(value);
      options.inputValueFiles[name] = path;
    }

  options.dumpDir = f.dumpStages;
  options.timing = f.timing && *f.timing;
  options.progress = f.progress;
  options.progressDelaySeconds = f.progressAfter;
  return success();
}

LogicalResult parseCompileCommandLine(int argc, char **argv,
                                      cl::OptionCategory &category,
                                      StringRef overview, StringRef tool,
                                      CompileOptions &options,
                                      const CommandLineConfig &config) {
  registerCompileCommandLine(category, config);
  cl::HideUnrelatedOptions(category);
  auto &registered = cl::getRegisteredOptions();
  for (StringRef name : config.unlisted) {
    auto it = registered.find(name);
    if (it != registered.end())
      it->second->setHiddenFlag(cl::ReallyHidden);
  }
  // --version: this project's, not LLVM's (found by a fresh user).
  cl::SetVersionPrinter([name = tool.str()](raw_ostream &os) {
    os << versionLine(name, LLVM_VERSION_STRING);
  });
  cl::ParseCommandLineOptions(argc, argv, overview);
  // llvm::cl keeps the last of an option given twice; a stricter value
  // earlier on the line (a wrapper's --accuracy-target, say) would be
  // dropped without a word. Options that take one value are refused twice
  // (lists, --input-shape and the like, take several).
  llvm::SmallPtrSet<cl::Option *, 32> seen;
  std::vector<std::string> repeated;
  for (auto &entry : cl::getRegisteredOptions()) {
    cl::Option *o = entry.second;
    if (!seen.insert(o).second || o->getNumOccurrences() < 2 ||
        o->getNumOccurrencesFlag() != cl::Optional ||
        o->getMiscFlags() & cl::CommaSeparated)
      continue;
    std::string name = (o->ArgStr.size() == 1 ? "-" : "--") + o->ArgStr.str();
    // --stage is --compile-to's alias (which counts no occurrences of its
    // own): name what the user typed.
    if (flags && o == &flags->compileTo && flags->stageAlias) {
      int alias = 0;
      for (int i = 1; i < argc && StringRef(argv[i]) != "--"; ++i) {
        StringRef arg = StringRef(argv[i]).ltrim('-');
        alias += StringRef(argv[i]).starts_with("-") &&
                 (arg == "stage" || arg.starts_with("stage="));
      }
      if (alias == int(o->getNumOccurrences()))
        name = "--stage";
      else if (alias)
        name = "--compile-to and its alias --stage";
    }
    repeated.push_back(name + " (" + std::to_string(o->getNumOccurrences()) +
                       " times)");
  }
  if (!repeated.empty()) {
    llvm::sort(repeated);
    printError(tool, "each of these options takes one value and was given "
                     "more than once: " +
                         llvm::join(repeated, ", ") + "; give each once");
    return failure();
  }
  return compileOptionsFromCommandLine(tool, options);
}

} // namespace npu
