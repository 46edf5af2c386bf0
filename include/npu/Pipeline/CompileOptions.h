//===- CompileOptions.h - What a compile is asked to do ---------*- C++ -*-===//
//
// The compiler's options as plain data (no MLIR types): import options,
// target, precision, calibration, tiles and performance hint, the stage
// range and the diagnostics (stage dumps, timing, progress). Filled by the
// tools' shared command line (CommandLine.h) or by any C++ caller, and read
// by buildCompilePipeline / compileModel (Pipeline.h).
//
// The stages, in order, with their names (used by --compile-to, the stage
// dumps and the progress line): origin, canonical, calibrated, int8, hwops,
// tiled, grouped, tasks, addressed, blob. With fp16 precision the lowered
// stage is named `fp16` and there is no `calibrated` stage; with mixed
// precision it is named `mixed` (the calibrated stage also chooses the
// layers that stay fp16).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_PIPELINE_COMPILEOPTIONS_H
#define NPU_PIPELINE_COMPILEOPTIONS_H

#include "npu/Arch/Hardware.h"
#include "npu/Import/ONNX/Importer.h"

#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace npu {

/// Stages in pipeline order. Each stage's IR can be dumped as <name>.mlir.
enum class Stage {
  Origin,     ///< the imported graph, faithful to the ONNX file
  Canonical,  ///< compute-only graph: constants folded, BN folded, no identity
  Calibrated, ///< every activation has a measured range (int8 only)
  Lowered,    ///< quantized to int8 / converted to fp16 ("int8" / "fp16")
  HwOps,      ///< ops mapped to DPU, SHAVE and DMA operations
  Tiled,      ///< ops split to fit CMX and spread over the tiles
  Grouped,    ///< ops grouped into schedulable units
  Tasks,      ///< task lists with barriers
  Addressed,  ///< every buffer has an address
  Blob,       ///< the serialized blob
};

/// The arithmetic the compiled model runs in. Mixed: int8, except the
/// fewest DPU layers kept in fp16 that reach an accuracy target
/// (docs/mixed-precision.md).
enum class Precision { Int8, Fp16, Mixed };

/// True for the precisions that need calibrated ranges (int8 and mixed).
inline bool isCalibrated(Precision p) { return p != Precision::Fp16; }

/// How calibration turns observed activation values into ranges. Add a
/// method here and to the name table in CompileOptions.cpp.
enum class CalibrationMethod {
  MinMax,     ///< the smallest and largest value seen
  Percentile, ///< the `percentile`-th percentile of |x|
  Entropy,    ///< per-sign KL-divergence thresholds (TensorRT's entropy)
  MSE,        ///< the least expected squared quantization error
  Auto,       ///< per tensor, the above range most similar to float
};

/// The plugin performance hint; it chooses the default number of tiles.
enum class PerfHint { Latency, Throughput };

struct CalibrationOptions {
  /// Directory of calibration inputs (.npy files).
  std::string dataDir;
  /// Names of sub-folders of `dataDir` that the tool compiling writes
  /// there itself (npu-compare's ort/ when its --output-dir is the
  /// calibration folder): not read, as no folder beside samples is, and
  /// not named in the warning about the sub-folders left out.
  std::vector<std::string> toolFolders;
  CalibrationMethod method = CalibrationMethod::Percentile;
  /// For CalibrationMethod::Percentile, in [50, 100].
  double percentile = 99.99;
  /// Write the computed ranges here (empty: do not write).
  std::string tableOutputPath;
  /// Read ranges from here instead of calibrating (empty: calibrate).
  std::string tableInputPath;
  /// Rescale the channels of depthwise convolutions' inputs to the
  /// tensor's range (npu-equalize-channels, docs/calibration.md).
  bool equalizeChannels = true;
  /// int8 weight levels of convolutions: "gptq" (data-aware, from the
  /// calibration samples; npu/Calibration/WeightRounding.h) or "nearest".
  std::string weightRounding = "gptq";
};

/// The wall time of each phase of one compile, in the order the phases ran
/// (npu-compile --timing-json, docs/benchmark.md): "create context" (the
/// MLIR context and its dialects), "read model" (the ONNX
/// import), one entry per pipeline stage named after the stage (its passes
/// and its dump; "addressed" is code generation), "blob serialization";
/// through
/// --cache-dir also "cache key", then "cache read" (a hit) or the compile's
/// phases and "cache store".
struct CompilePhaseTimes {
  using Clock = std::chrono::steady_clock;
  /// (phase, seconds), in order.
  std::vector<std::pair<std::string, double>> phases;
  /// Adds `phase` as having run from `start` until now.
  void record(llvm::StringRef phase, Clock::time_point start) {
    phases.emplace_back(
        phase.str(),
        std::chrono::duration<double>(Clock::now() - start).count());
  }
};

/// Which graph inputs and outputs are state variables (docs/state.md).
struct StateOptions {
  /// --state IN=OUT pairs, in the order given; when not empty, the only
  /// state variables (no name matching).
  std::vector<std::pair<std::string, std::string>> pairs;
  /// Without pairs: find them by name (--state none turns this off).
  bool autoDetect = true;
  /// No warnings about the pairs (those found by name, a name match of
  /// another type): the second compile of --fp16-if-faster, whose first
  /// said them. Not part of the options hash.
  bool quiet = false;
};

struct CompileOptions {
  ImportOptions import;
  /// The --input-value files by input name (their values are in
  /// import.knownInputValues): files the compile reads, which nothing it
  /// writes may overwrite (OutputFiles.h).
  std::map<std::string, std::string> inputValueFiles;
  StateOptions state;
  arch::Platform target = arch::Platform::NPU3720;
  Precision precision = Precision::Int8;
  CalibrationOptions calibration;
  /// Mixed precision: the accuracy every model output must reach against
  /// float on the calibration samples ("cos=C").
  std::string accuracyTarget = "cos=0.99";
  /// Mixed precision: DPU layers (by tensor key) that stay fp16 whatever
  /// the search finds; with accuracyTarget "none", the only ones.
  std::vector<std::string> fp16Layers;
  /// Mixed precision: also write the choice as JSON here (empty: no file).
  std::string precisionReportPath;
  /// Mixed precision, compiled to a blob: also compile every layer in fp16
  /// and write that blob instead when its modelled latency is no higher
  /// (compileToBlob).
  bool fp16IfFaster = true;
  /// Tiles to compile for; 0: the performance hint's default for the target.
  unsigned tiles = 0;
  PerfHint perfHint = PerfHint::Latency;
  /// The stage the input is at (Origin for an ONNX model) and the last
  /// stage to run.
  Stage compileFrom = Stage::Origin;
  Stage compileTo = Stage::Canonical;
  /// Debug builds: tensors (by key, docs/calibration.md; or the single name
  /// "all") added as extra results of the int8 / fp16 stage and so as extra
  /// blob outputs, named after the key (docs/compare.md).
  std::vector<std::string> exposeTensors;
  /// Test only: the tensor whose DPU task code generation perturbs ("" for
  /// none), so that the device differs from the interpreter.
  std::string debugCorruptTensor;
  /// If not empty, every stage's IR is written to <dumpDir>/<stage>.mlir.
  std::string dumpDir;
  /// Print every pass's wall time to stderr.
  bool timing = false;
  /// If set, the compile records its phases' wall times here. Unlike
  /// `timing` it does not bypass the cache.
  CompilePhaseTimes *phaseTimes = nullptr;
  /// Print "<tool>: [k/n] <stage> ..." on stderr even if stderr is not a
  /// terminal (it is printed on a terminal anyway).
  bool progress = false;
  /// Progress lines appear only once a compile has run this long.
  double progressDelaySeconds = 2.0;
  /// Prefix of the messages the pipeline prints ("npu-compile: error: ...").
  std::string toolName = "npu-compile";
  /// Set by compileToBlob on the options of its passes, which stop at the
  /// addressed stage (the blob is its serialisation): a failure names the
  /// blob stage, which the user asked for.
  bool forBlob = false;

  /// The number of tiles to compile for: `tiles`, or the performance hint's
  /// default for the target.
  unsigned effectiveTiles() const;
};

/// The stage's name with the given precision: "origin", ..., "int8" or
/// "fp16", ...
llvm::StringRef stageName(Stage stage, Precision precision = Precision::Int8);
/// Parses a stage name valid with `precision` ("fp16" with Fp16 only,
/// "int8" and "calibrated" with Int8 only); nullopt otherwise.
std::optional<Stage> parseStage(llvm::StringRef name,
                                Precision precision = Precision::Int8);
/// The stages that exist with `precision`, in order.
std::vector<Stage> stagesOf(Precision precision);
bool stageExists(Stage stage, Precision precision);
/// Every stage name with `precision`, in order, for help texts and errors.
std::vector<std::string> allStageNames(Precision precision = Precision::Int8);

llvm::StringRef precisionName(Precision precision);
std::optional<Precision> parsePrecision(llvm::StringRef name);
std::vector<std::string> allPrecisionNames();

/// The names of list options' values (--fp16-layers, --expose-tensors),
/// each value split at its commas: ONNX node names may hold commas, written
/// "\\," (a backslash as "\\\\").
std::vector<std::string> splitNameLists(llvm::ArrayRef<std::string> values);
/// `names` joined as splitNameLists reads them back (names without a comma
/// or a backslash are joined as they are).
std::string joinNameList(llvm::ArrayRef<std::string> names);

llvm::StringRef calibrationMethodName(CalibrationMethod method);
std::optional<CalibrationMethod> parseCalibrationMethod(llvm::StringRef name);
std::vector<std::string> allCalibrationMethodNames();

llvm::StringRef perfHintName(PerfHint hint);
std::optional<PerfHint> parsePerfHint(llvm::StringRef name);
std::vector<std::string> allPerfHintNames();

/// "a, b, c": for "valid values are ..." messages.
std::string joinNames(const std::vector<std::string> &names);

} // namespace npu

#endif // NPU_PIPELINE_COMPILEOPTIONS_H
