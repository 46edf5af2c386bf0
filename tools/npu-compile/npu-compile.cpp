//===- npu-compile.cpp - The compiler driver ------------------------------===//
//
// Flag parsing plus one call: compileModel (a stage's MLIR, -o FILE.mlir) or
// compileToBlob (-o FILE.blob). The compile options are the ones every tool
// shares (npu/Pipeline/CommandLine.h); this file only decides what -o asks
// for. Diagnostics name the model file, the ONNX node and its operator.
//
//===----------------------------------------------------------------------===//

#include "npu/Import/ONNX/Diagnostics.h"
#include "npu/Pipeline/BoolFlag.h"
#include "npu/Pipeline/CommandLine.h"
#include "npu/Pipeline/ModelCache.h"
#include "npu/Pipeline/OutputFiles.h"
#include "npu/Pipeline/Pipeline.h"
#include "npu/Pipeline/Registration.h"
#include "npu/Support/Files.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

#include <chrono>
#include <filesystem>

using namespace mlir;
namespace cl = llvm::cl;

namespace {
constexpr const char *kTool = "npu-compile";

cl::OptionCategory category("npu-compile options");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::cat(category));

cl::opt<std::string> outputFile(
    "o",
    cl::desc("Output file: FILE.blob for the blob, FILE.mlir for the MLIR of "
             "the --compile-to stage, '-' for that MLIR on stdout; a device "
             "or stream (/dev/null, /dev/stdout) takes what --compile-to "
             "asks for, MLIR by default. Missing directories are created; "
             "never the input model"),
    cl::value_desc("file"), cl::cat(category));
// --output, as other compilers spell it (found by a fresh user: it read as
// "may not occur within a group" and "Too many positional arguments").
cl::alias outputLong("output", cl::desc("Alias for -o"),
                     cl::aliasopt(outputFile), cl::cat(category));

cl::opt<bool, false, npu::BoolFlagParser> printDebugInfo(
    "print-locations",
    cl::desc("Print op locations (the ONNX node of every op) in the output"),
    cl::init(false), cl::cat(category));

cl::opt<std::string> cacheDir(
    "cache-dir",
    cl::desc("Keep compiled blobs in this directory, keyed by a hash of the "
             "model (with its external data), the options that change the "
             "blob, the calibration data and the compiler; a compile whose "
             "key is there reads the blob instead (docs/cache.md). Only with "
             "-o FILE.blob"),
    cl::value_desc("dir"), cl::cat(category));

cl::opt<uint64_t> cacheMaxMB(
    "cache-max-mb",
    cl::desc("Size limit of --cache-dir in MiB: least recently used entries "
             "are removed beyond it (default 2048)"),
    cl::init(2048), cl::cat(category));

cl::opt<std::string> timingJson(
    "timing-json",
    cl::desc("Write the wall time of every compile phase (read model, each "
             "stage (tasks: code generation, addressed: memory assignment), "
             "blob serialization, cache "
             "lookup, write "
             "blob) and the total to this file as JSON (docs/benchmark.md). "
             "Only with -o FILE.blob; unlike --timing it keeps --cache-dir"),
    cl::value_desc("file"), cl::cat(category));

cl::opt<bool, false, npu::BoolFlagParser>
    verbose("verbose",
            cl::desc("Print the cache key, what it was computed "
                     "from, and whether the compile was a hit"),
            cl::init(false), cl::cat(category));

int fail(const Twine &message) {
  npu::printError(kTool, message);
  return 1;
}

LogicalResult reject(const Twine &message) {
  npu::printError(kTool, message);
  return failure();
}

/// Decides from -o and --compile-to what to write: the blob (sets
/// options.compileTo to Blob) or a stage's MLIR. Fails with the reason.
LogicalResult resolveOutput(npu::CompileOptions &options, bool &writeBlob) {
  using npu::Stage;
  if (outputFile.empty())
    return reject("no output file: give -o FILE.mlir for the MLIR of the "
                  "--compile-to stage (default canonical), -o - to print it on "
                  "stdout, or -o FILE.blob for a blob");
  // Case apart (m.BLOB is a blob).
  std::string extension = llvm::sys::path::extension(outputFile).lower();
  StringRef stage = npu::stageName(options.compileTo, options.precision);
  if (extension == ".blob") {
    if (npu::isCompileToGiven() && options.compileTo != Stage::Blob)
      return reject("-o " + outputFile +
                    " writes a blob, but --compile-to=" + stage +
                    " stops before the blob stage; write that stage's MLIR "
                    "with -o FILE.mlir");
    options.compileTo = Stage::Blob;
    writeBlob = true;
    return success();
  }
  if (outputFile == "-" || extension == ".mlir") {
    if (options.compileTo == Stage::Blob)
      return reject("--compile-to=blob writes a blob, not MLIR: give -o "
                    "FILE.blob instead of -o " +
                    outputFile);
    writeBlob = false;
    return success();
  }
  // A device or a stream (/dev/null, a pipe, /dev/stdout even when the
  // shell sends it to a file) takes what --compile-to asks for, MLIR by
  // default (found by a fresh user: --compile-to=blob -o /dev/null was
  // refused, -o /dev/stdout > f.mlir could not tell what to write).
  StringRef path = outputFile.getValue();
  bool stream = path == "/dev/stdout" || path == "/dev/stderr" ||
                path.starts_with("/dev/fd/") ||
                path.starts_with("/proc/self/fd/") ||
                npu::isStreamFile(outputFile.getValue());
  if (stream) {
    writeBlob = npu::isCompileToGiven() && options.compileTo == Stage::Blob;
    return success();
  }
  if (!npu::isCompileToGiven())
    return reject("cannot tell what to write to '" + outputFile +
                  "' from its extension: use -o FILE.mlir for a stage's MLIR "
                  "(--compile-to chooses the stage, default canonical) or -o "
                  "FILE.blob for the blob");
  writeBlob = options.compileTo == Stage::Blob;
  return success();
}

LogicalResult writeBytes(StringRef path, const std::vector<uint8_t> &bytes,
                         std::string &error) {
  if (!npu::createParentDirectories(path.str(), error))
    return failure();
  std::error_code ec;
  llvm::ToolOutputFile file(path, ec, llvm::sys::fs::OF_None);
  if (!ec) {
    file.os().write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
    file.os().flush();
    ec = file.os().error();
    file.os().clear_error();
  }
  if (ec) {
    error = ("cannot write '" + path + "': " + ec.message()).str();
    return failure();
  }
  file.keep();
  return success();
}

/// --timing-json: {"cache": ..., "phases": [{"name", "ms"}...],
/// "total_ms": ...} (docs/benchmark.md).
LogicalResult writeTimingJson(StringRef path,
                              const npu::CompilePhaseTimes &times,
                              StringRef cacheOutcome, double totalSeconds,
                              std::string &error) {
  llvm::json::Array phases;
  for (const auto &[name, seconds] : times.phases)
    phases.push_back(llvm::json::Object{{"name", name}, {"ms", seconds * 1e3}});
  llvm::json::Object root{{"model", inputFile.getValue()},
                          {"blob", outputFile.getValue()},
                          {"cache", cacheOutcome},
                          {"phases", std::move(phases)},
                          {"total_ms", totalSeconds * 1e3}};
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::json::Value(std::move(root)) << "\n";
  std::vector<uint8_t> bytes(text.begin(), text.end());
  return writeBytes(path, bytes, error);
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  npu::CompileOptions options;
  bool writeBlob = false;
  if (failed(npu::parseCompileCommandLine(
          argc, argv, category,
          "npu-compile: compiles an ONNX model for Intel NPU 3720/4000\n\n"
          "Imports MODEL.onnx into the npu dialect and runs the compile "
          "pipeline. -o FILE.blob compiles to a blob; -o FILE.mlir writes the "
          "MLIR of the --compile-to stage (default canonical). Inputs with "
          "symbolic dimensions need --input-shape. Errors go to stderr and "
          "the exit code is non-zero.\n",
          kTool, options)))
    return 1;

  if (StringRef(inputFile).ends_with(".mlir"))
    return fail("npu-compile reads ONNX models; to continue from a stage's "
                ".mlir use npu-opt (e.g. npu-opt addressed.mlir "
                "--npu-write-blob=output=F.blob, or --npu-compile-pipeline="
                "\"compile-from=STAGE compile-to=addressed\"), and "
                "npu-interpret to run a graph stage");
  // Before the output's kind is read from its name: -o MODEL.onnx is this.
  if (outputFile != "-" && npu::isSameFile(outputFile, inputFile))
    return fail("the output file '" + outputFile +
                "' is the input model; refusing to overwrite it");
  if (failed(resolveOutput(options, writeBlob)))
    return 1;
  if (!npu::isCompileToGiven())
    npu::warnIfStageOutputsUnwritten(kTool, options);
  // The NPU runs no empty tensor: an --input-shape with a 0 would fail
  // only at code generation.
  if (writeBlob)
    for (const auto &[name, dims] : options.import.inputShapes)
      if (llvm::is_contained(dims, 0))
        return fail("--input-shape " + name +
                    ": a dimension of 0 gives an empty tensor, which the NPU "
                    "does not run (the interpreter does: npu-interpret)");

  std::string error;
  // Every file the compile writes is checked before it starts, not after:
  // one that names a file it reads (the model, --use-calib-table, a
  // calibration sample) or another one it writes is refused, one that is a
  // directory too, and its missing directories are created.
  std::vector<npu::NamedFile> writes = {{outputFile, "the output file"}};
  for (npu::NamedFile &f : npu::compileOutputFiles(options))
    writes.push_back(std::move(f));
  writes.push_back({timingJson, "the --timing-json file"});
  for (npu::NamedFile &dump : npu::stageDumpFiles(options))
    writes.push_back(std::move(dump));
  if (!npu::checkOutputFiles(writes, npu::compileInputFiles(inputFile, options),
                             error))
    return fail(error);
  if (!cacheDir.empty() && !writeBlob)
    return fail("--cache-dir keeps blobs: it needs -o FILE.blob");
  if (cacheDir.empty() && cacheMaxMB.getNumOccurrences())
    return fail("--cache-max-mb limits the size of --cache-dir, which is not "
                "given");
  // MiB to bytes must not wrap (2^44 MiB was 0 bytes: every entry evicted).
  constexpr uint64_t kMaxCacheMB = UINT64_MAX >> 20;
  if (cacheMaxMB.getValue() > kMaxCacheMB)
    return fail("--cache-max-mb takes at most " + std::to_string(kMaxCacheMB) +
                " (MiB)");
  if (!cacheDir.empty()) {
    std::error_code ec;
    if (inputFile == "-" ||
        !std::filesystem::is_regular_file(inputFile.getValue(), ec))
      return fail("--cache-dir keys the blob by the model file's bytes: the "
                  "model must be a regular file, not a pipe or a device");
  }
  if (!timingJson.empty() && !writeBlob)
    return fail("--timing-json times a compile to a blob: it needs -o "
                "FILE.blob");
  if (writeBlob) {
    using Clock = npu::CompilePhaseTimes::Clock;
    auto start = Clock::now();
    npu::CompilePhaseTimes times;
    if (!timingJson.empty())
      options.phaseTimes = &times;
    std::vector<uint8_t> blob;
    npu::CacheOptions cache;
    cache.dir = cacheDir;
    cache.maxBytes = cacheMaxMB.getValue() << 20;
    cache.verbose = verbose;
    npu::CacheOutcome outcome;
    if (failed(npu::compileToBlobCached(inputFile, options, cache, blob,
                                        outcome, error)))
      return fail(error);
    auto writeStart = Clock::now();
    if (failed(writeBytes(outputFile, blob, error)))
      return fail(error);
    times.record("write blob", writeStart);
    double total = std::chrono::duration<double>(Clock::now() - start).count();
    StringRef cacheName =
        cacheDir.empty() ? StringRef("off") : npu::cacheOutcomeName(outcome);
    if (!timingJson.empty() &&
        failed(writeTimingJson(timingJson, times, cacheName, total, error)))
      return fail(error);
    return 0;
  }

  npu::CompilerContext compilerContext;
  MLIRContext &context = compilerContext.get();
  auto module = npu::compileModel(inputFile, context, options);
  if (failed(module))
    return 1;
  if (failed(npu::writeModule(**module, outputFile, error, printDebugInfo)))
    return fail(error);
  return 0;
}
