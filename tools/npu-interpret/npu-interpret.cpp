//===- npu-interpret.cpp - Run a model on the CPU reference interpreter ---===//
//
// Runs an ONNX model (imported and compiled to a stage, canonical by
// default) or any stage's .mlir on the reference interpreter, reading inputs
// from .npy files (optional inputs not given take the model's default; other
// inputs not given are generated deterministically) and writing one .npy
// per output, named after the output.
//
//===----------------------------------------------------------------------===//

#include "npu/Blob/Format.h"
#include "npu/Dialect/NPU/IR/NPUDialect.h"
#include "npu/Dialect/NPUTask/IR/NPUTaskOps.h"
#include "npu/Import/ONNX/Diagnostics.h"
#include "npu/Import/ONNX/Importer.h"
#include "npu/Interpreter/Interpreter.h"
#include "npu/Interpreter/TensorConversion.h"
#include "npu/Pipeline/BoolFlag.h"
#include "npu/Pipeline/CommandLine.h"
#include "npu/Pipeline/OutputFiles.h"
#include "npu/Pipeline/Pipeline.h"
#include "npu/Pipeline/Registration.h"
#include "npu/Support/Files.h"
#include "npu/Support/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>

using namespace mlir;
namespace cl = llvm::cl;

namespace {
cl::OptionCategory category("npu-interpret options");

cl::opt<std::string> inputFile(cl::Positional,
                               cl::desc("<model.onnx | stage.mlir>"),
                               cl::Required, cl::cat(category));

cl::list<std::string> inputs(
    "input",
    cl::desc("An input value as a .npy file (repeatable). NAME is the ONNX "
             "input name (an .mlir argument's npu.name, or argN). Optional "
             "inputs (ONNX initializers that are also graph inputs, IR "
             "version >= 4) take the model's default when not given; other "
             "inputs not given are generated deterministically and written "
             "to <output-dir>/inputs/"),
    cl::value_desc("name=file.npy"), cl::cat(category));

cl::opt<std::string> outputDir(
    "output-dir",
    cl::desc("Directory for the outputs, one <output name>.npy each, named "
             "as npu-run names them (characters outside [A-Za-z0-9_.-], and "
             "a leading '.', become '_', cut to 200 characters, then '_1', "
             "'_2', ... where another output has that name); created if "
             "missing"),
    cl::value_desc("dir"), cl::init("."), cl::cat(category));

cl::opt<int> threads("num-threads",
                     cl::desc("Kernel threads (0 = one per hardware thread)"),
                     cl::init(0), cl::cat(category));

cl::opt<unsigned> repeat("repeat",
                         cl::desc("Run the model N times and report the "
                                  "fastest and median wall time"),
                         cl::init(1), cl::cat(category));

cl::opt<bool, false, npu::BoolFlagParser>
    timing("timing",
           cl::desc("Print the time spent per op kind and the "
                    "slowest ops (and, for an ONNX model, every "
                    "compiler pass's time on stderr)"),
           cl::init(false), cl::cat(category));

cl::opt<uint64_t> seed("seed", cl::desc("Seed of the generated inputs"),
                       cl::init(0), cl::cat(category));

constexpr const char *kTool = "npu-interpret";

int fail(const Twine &message) {
  npu::printError(kTool, message);
  return 1;
}

/// splitmix64: a tiny generator whose sequence does not depend on the C++
/// library, so generated inputs are the same everywhere.
struct Generator {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return (next() >> 11) * (1.0 / 9007199254740992.0); }
};

/// Deterministic values: floats uniform in [-1, 1), integers in [0, 8),
/// booleans half true.
npu::HostTensor generateInput(npu::DType dtype,
                              const std::vector<int64_t> &shape,
                              uint64_t streamSeed) {
  npu::HostTensor t(dtype, shape);
  Generator gen{streamSeed};
  for (int64_t i = 0; i < t.numElements(); ++i) {
    double u = gen.uniform();
    if (npu::isFloat(dtype))
      t.setFromDouble(i, 2 * u - 1);
    else if (dtype == npu::DType::Bool)
      t.setFromDouble(i, u < 0.5 ? 0 : 1);
    else
      t.setFromDouble(i, std::floor(u * 8));
  }
  return t;
}

std::string argName(func::FuncOp func, unsigned i) {
  if (auto name = func.getArgAttrOfType<StringAttr>(i, npu::kONNXNameAttr))
    return name.str();
  return "arg" + std::to_string(i);
}

/// "a, b, w (optional)": the arguments, optional ones marked.
std::string describeInputs(func::FuncOp func) {
  std::string list;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    list += (i ? ", " : "") + argName(func, i);
    if (func.getArgAttr(i, npu::kDefaultValueAttr))
      list += " (optional: it has a default)";
  }
  return list.empty() ? "(none)" : list;
}

std::string resultName(func::FuncOp func, unsigned i) {
  if (auto name = func.getResultAttrOfType<StringAttr>(i, npu::kONNXNameAttr))
    return name.str();
  return "output" + std::to_string(i);
}

func::FuncOp findEntry(ModuleOp module) {
  func::FuncOp only;
  int count = 0;
  for (auto f : module.getOps<func::FuncOp>()) {
    if (f.getName() == "main")
      return f;
    only = f;
    ++count;
  }
  return count == 1 ? only : func::FuncOp();
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  npu::CommandLineConfig config;
  config.timing = false;      // --timing is the interpreter's (and the passes')
  config.inputValues = false; // values come with --input
  config.stageAlias = true;
  config.fp16IfFaster = false; // Writes no blob with compileToBlob.
  npu::CompileOptions compileOptions;
  if (failed(npu::parseCompileCommandLine(
          argc, argv, category,
          "npu-interpret: runs a model on the CPU reference interpreter\n\n"
          "FILE is an ONNX model (imported and compiled to --compile-to) or "
          "the .mlir of any stage. Writes one .npy per output into "
          "--output-dir. "
          "Errors go to stderr and the exit code is non-zero.\n",
          kTool, compileOptions, config)))
    return 1;
  if (!npu::isCompileToGiven())
    npu::warnIfStageOutputsUnwritten(kTool, compileOptions);
  // One inference: state arguments are plain inputs and outputs here
  // (docs/state.md), so no pairs are found by name (found by a fresh user:
  // a model whose outputs all paired by name was refused).
  if (compileOptions.state.pairs.empty())
    compileOptions.state.autoDetect = false;

  if (compileOptions.compileTo == npu::Stage::Blob)
    return fail("a blob runs on the NPU (npu-run), not on the interpreter; "
                "choose an earlier --compile-to");
  if (compileOptions.compileTo == npu::Stage::Tasks ||
      compileOptions.compileTo == npu::Stage::Addressed)
    return fail("the '" +
                std::string(compileOptions.compileTo == npu::Stage::Tasks
                                ? "tasks"
                                : "addressed") +
                "' stage is the NPU's task program: it runs on the NPU "
                "(npu-run on the blob), not on the interpreter; choose an "
                "earlier --compile-to (the last graph stage is grouped)");
  // A blob (its magic, whatever its name) is not a model. Only a regular
  // file is looked at twice: the first bytes of a pipe read here would be
  // missing from the model (found by a fresh user: `cat m.onnx |
  // npu-interpret /dev/stdin` read an empty model).
  char magic[8] = {};
  if (llvm::sys::fs::is_regular_file(inputFile.getValue()))
    std::ifstream(inputFile, std::ios::binary).read(magic, sizeof(magic));
  if (std::memcmp(magic, npu::blob::kMagic, sizeof(magic)) == 0)
    return fail("'" + inputFile +
                "' is a blob: it runs on the NPU (npu-run), not on the "
                "interpreter; give the ONNX model or a graph stage's .mlir");
  if (repeat == 0)
    return fail("--repeat must be 1 or more");
  if (threads < 0 || threads > npu::kMaxInterpreterThreads)
    return fail("--num-threads takes 0 (one per hardware thread) to " +
                std::to_string(npu::kMaxInterpreterThreads) + ", not " +
                std::to_string(threads));
  compileOptions.timing = timing;

  // Input values by name, in command-line order.
  std::map<std::string, npu::HostTensor> given;
  std::map<std::string, std::string> givenPaths;
  for (const std::string &spec : inputs) {
    std::string name, path;
    if (!npu::splitNameFile(spec, name, path))
      return fail("invalid --input '" + spec + "': expected NAME=FILE.npy");
    if (given.count(name))
      return fail("input '" + name + "' is given twice");
    npu::HostTensor value;
    std::string error;
    if (!npu::readNpy(path, value, error))
      return fail(error);
    given[name] = std::move(value);
    givenPaths[name] = path;
  }
  // Nothing it writes may overwrite what it reads (the model, the inputs,
  // calibration samples and tables) or another file it writes (found by a
  // fresh user: --calib-table MODEL.onnx replaced the model, outputs
  // replaced calibration samples); the outputs' and generated inputs'
  // files are added once their names are known.
  std::vector<npu::NamedFile> reads =
      StringRef(inputFile).ends_with(".mlir")
          ? std::vector<npu::NamedFile>{{inputFile, "the input model"}}
          : npu::compileInputFiles(inputFile, compileOptions);
  for (auto &[name, path] : givenPaths)
    reads.push_back({path, "the --input file of '" + name + "'"});
  std::vector<npu::NamedFile> writes = npu::compileOutputFiles(compileOptions);
  for (npu::NamedFile &dump : npu::stageDumpFiles(compileOptions))
    writes.push_back(std::move(dump));
  {
    std::string error;
    if (!npu::checkOutputFiles(writes, reads, error))
      return fail(error);
  }

  npu::CompilerContext compilerContext;
  MLIRContext &context = compilerContext.get();

  OwningOpRef<ModuleOp> module;
  if (StringRef(inputFile).ends_with(".mlir")) {
    if (!compileOptions.import.inputShapes.empty())
      return fail("--input-shape applies to ONNX models; an .mlir stage "
                  "already has static shapes");
    if (npu::isCompileToGiven())
      return fail("--compile-to applies to ONNX models; an .mlir file is run "
                  "at the stage it is");
    // Options of the compile do nothing to a stage already compiled (found
    // by a fresh user: they were ignored without a word).
    if (!compileOptions.exposeTensors.empty())
      return fail("--expose-tensors applies to ONNX models; an .mlir stage "
                  "has the outputs it was compiled with");
    if (!compileOptions.calibration.dataDir.empty() ||
        !compileOptions.calibration.tableInputPath.empty())
      return fail("--calib-data and --use-calib-table apply to ONNX models; "
                  "an .mlir stage is calibrated already or never");
    llvm::SourceMgr sourceMgr;
    module =
        parseSourceFile<ModuleOp>(inputFile, sourceMgr, ParserConfig(&context));
    if (!module)
      return 1;
  } else {
    for (auto &[name, value] : given)
      compileOptions.import.knownInputValues[name] = value;
    auto compiled = npu::compileModel(inputFile, context, compileOptions);
    if (failed(compiled))
      return 1;
    module = std::move(*compiled);
  }

  if (!module->getOps<npu::task::ProgramOp>().empty())
    return fail("'" + inputFile +
                "' is the tasks or addressed stage, the NPU's task program: "
                "it runs on the NPU (npu-run on the blob), not on the "
                "interpreter");
  func::FuncOp func = findEntry(*module);
  if (!func)
    return fail("'" + inputFile +
                "' has no @main function (or several "
                "functions and none named main)");

  // Given inputs must name arguments (an ONNX model's names are checked by
  // the importer, since inputs frozen into constants leave the signature).
  if (StringRef(inputFile).ends_with(".mlir")) {
    for (auto &[name, value] : given) {
      bool known = false;
      for (unsigned i = 0; i < func.getNumArguments(); ++i)
        known |= argName(func, i) == name;
      if (!known)
        return fail("the model has no input '" + name +
                    "'; its inputs are: " + describeInputs(func));
    }
  }
  if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
    return fail("cannot create directory '" + outputDir + "': " + ec.message());
  std::vector<std::string> names;
  for (unsigned i = 0; i < func.getNumResults(); ++i)
    names.push_back(resultName(func, i));
  std::vector<std::string> files = npu::uniqueFileNames(names);
  for (unsigned i = 0; i < func.getNumResults(); ++i) {
    SmallString<256> path(outputDir);
    llvm::sys::path::append(path, files[i] + ".npy");
    files[i] = std::string(path);
    writes.push_back({files[i], "the output file of '" + names[i] + "'"});
  }
  {
    std::string error;
    if (!npu::checkOutputFiles(writes, reads, error))
      return fail(error);
  }

  SmallVector<npu::HostTensor> args;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    std::string name = argName(func, i);
    auto type = cast<RankedTensorType>(func.getArgument(i).getType());
    auto dtype = npu::dtypeForElementType(type.getElementType());
    if (!dtype)
      return fail("input '" + name +
                  "' has an element type the interpreter "
                  "cannot feed");
    std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
    auto it = given.find(name);
    if (it != given.end()) {
      if (it->second.dtype() != *dtype || it->second.shape() != shape)
        return fail("input '" + name + "' (" + givenPaths[name] + ") is " +
                    npu::describeHostTensor(it->second) +
                    " but the model expects " +
                    npu::describeTensorType(*dtype, shape));
      args.push_back(it->second);
      continue;
    }
    // An optional input not given takes its default.
    std::string error;
    auto fallback = npu::defaultArgumentValue(func, i, error);
    if (failed(fallback))
      return fail("input '" + name + "': " + error);
    if (*fallback) {
      args.push_back(std::move(**fallback));
      llvm::outs() << "input  " << name << ": "
                   << npu::describeHostTensor(args.back())
                   << " (optional, not given: the model's default)\n";
      continue;
    }
    if (!given.empty())
      llvm::errs() << "npu-interpret: note: no --input for '" << name
                   << "': generating one\n";
    std::string tooBig = npu::hostAllocationError(*dtype, shape);
    if (!tooBig.empty())
      return fail("cannot generate input '" + name + "' (" +
                  npu::describeTensorType(*dtype, shape) + "): " + tooBig);
    args.push_back(generateInput(*dtype, shape, seed * 1000003 + i));
    if (!args.back().isAllocated())
      return fail("cannot generate input '" + name + "': out of memory");
    SmallString<256> dir(outputDir);
    llvm::sys::path::append(dir, "inputs");
    if (std::error_code ec = llvm::sys::fs::create_directories(dir))
      return fail("cannot create directory '" + dir + "': " + ec.message());
    SmallString<256> path(dir);
    llvm::sys::path::append(path, npu::sanitizeFileName(name) + ".npy");
    writes.push_back({std::string(path), "the generated input '" + name + "'"});
    if (!npu::checkOutputFiles(writes, reads, error))
      return fail(error);
    if (!npu::writeNpy(std::string(path), args.back(), error))
      return fail(error);
    llvm::outs() << "input  " << name << ": "
                 << npu::describeHostTensor(args.back()) << " (generated) -> "
                 << path << "\n";
  }

  npu::InterpreterOptions options;
  options.numThreads = threads;
  options.collectTimings = timing;
  npu::Interpreter interpreter(options);
  std::vector<double> seconds;
  FailureOr<SmallVector<npu::HostTensor>> results = failure();
  for (unsigned r = 0; r < std::max(1u, unsigned(repeat)); ++r) {
    // The previous run's results go back to the buffer pool, as in a
    // steady-state application (fresh pages are costly).
    if (succeeded(results))
      interpreter.recycle(*results);
    auto start = std::chrono::steady_clock::now();
    results = interpreter.run(func, args);
    seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
    if (failed(results))
      return fail("interpretation failed");
  }

  // Write outputs (checked above against every file it reads or writes).
  for (unsigned i = 0; i < results->size(); ++i) {
    const std::string &name = names[i];
    const std::string &path = files[i];
    std::string error;
    if (!npu::writeNpy(std::string(path), (*results)[i], error))
      return fail(error);
    llvm::outs() << "output " << name << ": "
                 << npu::describeHostTensor((*results)[i]) << " -> " << path
                 << "\n";
  }

  std::sort(seconds.begin(), seconds.end());
  llvm::outs() << llvm::format("time   %.3f ms", seconds.front() * 1e3);
  if (seconds.size() > 1)
    llvm::outs() << llvm::format(" (fastest of %zu runs; median %.3f ms)",
                                 seconds.size(),
                                 seconds[seconds.size() / 2] * 1e3);
  llvm::outs() << "\n";
  if (timing)
    interpreter.printTimingReport(llvm::outs());
  return 0;
}
