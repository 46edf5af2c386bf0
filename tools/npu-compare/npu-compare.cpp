//===- npu-compare.cpp - Tensor by tensor: ORT, interpreter, device -------===//
//
// Runs the same inputs through ONNX Runtime (the independent float oracle,
// through tools/ort-oracle/ort-run.js on a copy of the model that outputs
// every intermediate tensor), the reference interpreter on the canonical
// stage, the interpreter on the int8 (or fp16) stage and the blob on the
// simulated NPU, the last two compiled with --expose-tensors=all so that
// they output every tensor a device buffer holds. Compares every tensor by
// its key (the ONNX node name, as calibration tables name them) and prints
// a table, the first tensor that breaks each tolerance, a JSON file and an
// HTML report with a plot (docs/compare.md).
//
//===----------------------------------------------------------------------===//

#include "Report.h"

#include "npu/Calibration/DataSource.h"
#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/TensorKeys.h"
#include "npu/Import/ONNX/Importer.h"
#include "npu/Import/ONNX/NodeOutputs.h"
#include "npu/Interpreter/Interpreter.h"
#include "npu/Interpreter/TensorConversion.h"
#include "npu/Pipeline/BoolFlag.h"
#include "npu/Pipeline/CommandLine.h"
#include "npu/Pipeline/OutputFiles.h"
#include "npu/Pipeline/Pipeline.h"
#include "npu/Runtime/CompiledModel.h"
#include "npu/Runtime/Core.h"
#include "npu/Runtime/InferRequest.h"
#include "npu/Support/Files.h"
#include "npu/Support/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>

using namespace mlir;
namespace cl = llvm::cl;
using namespace npu::compare;

namespace {
cl::OptionCategory category("npu-compare options");

cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::cat(category));
// npu-interpret's --seed and --state, refused by name (found by a fresh
// user: as unknown options they read "Did you mean '--help'?" and "Too
// many positional arguments").
cl::list<std::string> seedGiven("seed", cl::Hidden, cl::ZeroOrMore,
                                cl::cat(category));
cl::list<std::string> stateGiven("state", cl::Hidden, cl::ZeroOrMore,
                                 cl::cat(category));

cl::list<std::string> inputs("input",
                             cl::desc("An input value as a .npy file, one "
                                      "per model input"),
                             cl::value_desc("name=file.npy"),
                             cl::cat(category));
cl::opt<std::string> outputDir(
    "output-dir",
    cl::desc("Where the report (compare.json, compare.html), the debug blob "
             "and ONNX Runtime's files go (created if missing)"),
    cl::value_desc("dir"), cl::init("npu-compare-out"), cl::cat(category));
cl::opt<double> floatMinCosine(
    "float-min-cosine",
    cl::desc("Tolerance of canonical vs ONNX Runtime (default 0.9999)"),
    cl::init(0.9999), cl::cat(category));
cl::opt<double> loweredMinCosine(
    "int8-min-cosine",
    cl::desc("Tolerance of the int8 (or fp16) stage vs canonical (default "
             "0.99; 0.9999 with --precision=fp16, whose only loss is "
             "rounding). The device must equal that stage bit for bit"),
    cl::init(0.99), cl::cat(category));
cl::opt<bool, false, npu::BoolFlagParser>
    noOrt("no-ort", cl::desc("Do not run ONNX Runtime (no float oracle)"),
          cl::init(false), cl::cat(category));
cl::opt<std::string> ortScript("ort-script",
                               cl::desc("ort-run.js of this source tree"),
                               cl::init(NPU_ORT_SCRIPT), cl::cat(category));
cl::opt<std::string> nodeProgram("node", cl::desc("The Node.js program"),
                                 cl::init("node"), cl::cat(category));
cl::opt<int> threads("num-threads",
                     cl::desc("Interpreter threads (0 = one per hardware "
                              "thread)"),
                     cl::init(0), cl::cat(category));

constexpr const char *kTool = "npu-compare";
/// The sub-folder of --output-dir where ONNX Runtime's files go.
constexpr const char *kOrtFolder = "ort";

int fail(const Twine &message) {
  npu::printError(kTool, message);
  return 1;
}

std::string join(const std::string &dir, const std::string &file) {
  SmallString<256> path(dir);
  llvm::sys::path::append(path, file);
  return std::string(path);
}

func::FuncOp mainFunction(ModuleOp module) {
  for (auto f : module.getOps<func::FuncOp>())
    if (!f.isExternal())
      return f;
  return func::FuncOp();
}

std::string argName(func::FuncOp func, unsigned i) {
  if (auto name = func.getArgAttrOfType<StringAttr>(i, npu::kONNXNameAttr))
    return name.str();
  return "arg" + std::to_string(i);
}

/// The function's arguments from the given inputs, by name; every argument
/// needs one with its type and shape.
FailureOr<SmallVector<npu::HostTensor>>
argumentsOf(func::FuncOp func,
            const std::map<std::string, npu::HostTensor> &given) {
  SmallVector<npu::HostTensor> args;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    std::string name = argName(func, i);
    auto it = given.find(name);
    if (it == given.end()) {
      fail("input '" + name + "' has no --input " + name + "=FILE.npy");
      return failure();
    }
    auto type = cast<RankedTensorType>(func.getArgument(i).getType());
    auto dtype = npu::dtypeForElementType(type.getElementType());
    std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
    if (!dtype || it->second.dtype() != *dtype || it->second.shape() != shape) {
      fail("input '" + name + "' is " + npu::describeHostTensor(it->second) +
           " but the model expects " +
           (dtype ? npu::describeTensorType(*dtype, shape) : "another type"));
      return failure();
    }
    args.push_back(it->second);
  }
  return args;
}

/// Writes `path` with `write`; false with `error` set when it cannot.
bool writeOutput(const std::string &path,
                 llvm::function_ref<void(llvm::raw_ostream &)> write,
                 std::string &error) {
  std::error_code ec;
  llvm::ToolOutputFile file(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot write '" + path + "': " + ec.message();
    return false;
  }
  write(file.os());
  file.os().flush();
  if (file.os().has_error()) {
    error = "cannot write '" + path + "': " + file.os().error().message();
    file.os().clear_error();
    return false;
  }
  file.keep();
  return true;
}

struct Step {
  explicit Step(Report &r, std::string name) : report(r), name(name) {
    llvm::errs() << kTool << ": " << name << "...\n";
  }
  ~Step() {
    report.seconds.push_back(
        {name,
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
             .count()});
  }
  Report &report;
  std::string name;
  std::chrono::steady_clock::time_point start =
      std::chrono::steady_clock::now();
};

/// The files ort-run.js's log at `log` says it wrote, by output name: the
/// outputs of its last JSON line (ort-run.js prints one); empty when there
/// is no such line.
llvm::StringMap<std::string> loggedOutputFiles(const std::string &log) {
  llvm::StringMap<std::string> written;
  auto text = llvm::MemoryBuffer::getFile(log);
  if (!text)
    return written;
  SmallVector<StringRef> lines;
  (*text)->getBuffer().split(lines, '\n');
  for (StringRef line : llvm::reverse(lines)) {
    if (!line.trim().starts_with("{"))
      continue;
    auto parsed = llvm::json::parse(line.trim());
    if (!parsed) {
      llvm::consumeError(parsed.takeError());
      break;
    }
    if (const llvm::json::Object *o = parsed->getAsObject())
      if (const llvm::json::Array *list = o->getArray("outputs"))
        for (const llvm::json::Value &v : *list)
          if (const llvm::json::Object *out = v.getAsObject())
            if (auto name = out->getString("name"))
              if (auto file = out->getString("file"))
                written[*name] = file->str();
    break;
  }
  return written;
}

/// ONNX Runtime on a copy of the model that outputs every held node's
/// outputs; fills `ort` (by ONNX tensor name). Fails with `error`.
LogicalResult runOrt(const std::vector<std::string> &nodes,
                     std::map<std::string, std::vector<std::string>> &outputs,
                     llvm::StringMap<std::string> &files, std::string &error) {
  std::string dir = join(outputDir, kOrtFolder);
  std::string copy = join(dir, "model-with-outputs.onnx");
  // A previous run's tensors and log go first: ONNX Runtime failing, or
  // writing fewer outputs, would leave them to be read as this run's (found
  // by a fresh user: another model's tensors were compared, and a failed
  // run quoted the previous run's log). Only the files that run's log says
  // it wrote, in this folder, and the log: nothing else there is touched.
  for (const auto &entry : loggedOutputFiles(join(dir, "ort-run.log"))) {
    std::string path =
        join(dir, llvm::sys::path::filename(entry.getValue()).str());
    if (llvm::sys::path::extension(path) == ".npy" &&
        llvm::sys::fs::is_regular_file(path))
      llvm::sys::fs::remove(path);
  }
  llvm::sys::fs::remove(join(dir, "ort-run.log"));
  if (failed(npu::writeModelWithNodeOutputs(modelPath, copy, nodes, outputs,
                                            error)))
    return failure();
  auto node = llvm::sys::findProgramByName(nodeProgram);
  if (!node) {
    error =
        "cannot find Node.js ('" + nodeProgram +
        "') for ONNX Runtime; install it (scripts/setup.sh) or use --no-ort";
    return failure();
  }
  std::vector<std::string> argv = {*node, ortScript, copy, "--output-dir", dir};
  for (const std::string &spec : inputs) {
    argv.push_back("--input");
    argv.push_back(spec);
  }
  std::vector<StringRef> args(argv.begin(), argv.end());
  std::string log = join(dir, "ort-run.log");
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(log),
                                          StringRef(log)};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*node, args, std::nullopt, redirects, 0, 0,
                                     &message);
  if (rc != 0) {
    auto text = llvm::MemoryBuffer::getFile(log);
    error = "ONNX Runtime failed (" +
            (message.empty() ? "exit code " + std::to_string(rc) : message) +
            ")" + (text ? ": " + (*text)->getBuffer().trim().str() : "");
    return failure();
  }
  // ort-run.js prints the file it wrote for each output (names that
  // sanitize alike, "o:0" and "o_0", get "_1", ... as npu-run gives them);
  // the sanitized name where it does not say.
  llvm::StringMap<std::string> written = loggedOutputFiles(log);
  if (written.empty())
    llvm::errs() << kTool << ": warning: " << log
                 << " lists no output files; reading ONNX Runtime's outputs "
                    "by their sanitized names\n";
  for (auto &[n, outs] : outputs)
    for (const std::string &o : outs)
      if (!o.empty()) {
        auto it = written.find(o);
        files[o] =
            join(dir, it != written.end() ? it->second
                                          : npu::sanitizeFileName(o) + ".npy");
      }
  return success();
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  npu::CommandLineConfig config;
  config.inputValues = false;
  config.state = false;
  config.fp16IfFaster = false; // Writes no blob with compileToBlob.
  // Refused below, so not listed by --help (found by a review: --help
  // listed them).
  config.unlisted = {"compile-to", "expose-tensors"};
  npu::CompileOptions options;
  options.toolName = kTool;
  // One inference: a stateful model's state arguments are plain inputs and
  // outputs here, compared as the others are.
  options.state.autoDetect = false;
  if (failed(npu::parseCompileCommandLine(
          argc, argv, category,
          "npu-compare: one model, tensor by tensor, through ONNX Runtime, "
          "the interpreter on the canonical and int8 (or fp16) stages and "
          "the blob on the simulated NPU\n\n"
          "Prints a table (cosine, Euclidean similarity, SQNR, max |error| "
          "of canonical vs ONNX Runtime, int8 vs canonical, device vs int8) "
          "and the first tensor breaking each tolerance, and writes "
          "<output-dir>/compare.json and compare.html. The exit code is 0 "
          "when the comparison ran, whatever it found.\n",
          kTool, options, config)))
    return 1;
  if (npu::isCompileToGiven())
    return fail("--compile-to does not apply: npu-compare runs every stage");
  if (!seedGiven.empty())
    return fail("--seed does not apply: npu-compare runs the model on the "
                "inputs given with --input, on every stage alike");
  if (!stateGiven.empty())
    return fail("--state does not apply: npu-compare runs one inference, on "
                "the inputs given with --input");
  // A count beyond what a host can create aborted in std::thread (found by
  // a fresh user).
  if (threads < 0 || threads > npu::kMaxInterpreterThreads)
    return fail("--num-threads takes 0 (one per hardware thread) to " +
                std::to_string(npu::kMaxInterpreterThreads) + ", not " +
                std::to_string(threads));
  if (!options.exposeTensors.empty())
    return fail("--expose-tensors does not apply: npu-compare exposes every "
                "tensor");
  // A minimum of 0 or below checks nothing: a slip (an empty value reads
  // as 0), not a tolerance.
  for (const cl::opt<double> *minimum : {&floatMinCosine, &loweredMinCosine})
    if (!(*minimum <= 1) || !(*minimum > 0)) {
      char value[32];
      std::snprintf(value, sizeof(value), "%g", double(*minimum));
      return fail("--" + minimum->ArgStr.str() + "=" + value +
                  ": a minimum cosine must be a number in (0, 1]");
    }
  double loweredTolerance = loweredMinCosine.getNumOccurrences() ||
                                    options.precision != npu::Precision::Fp16
                                ? double(loweredMinCosine)
                                : 0.9999;

  // The model is read three times (the canonical stage, the device stages,
  // ONNX Runtime by its path): a pipe's bytes would be gone after the first.
  if (npu::isStreamFile(modelPath))
    return fail("the model '" + modelPath +
                "' is not a regular file: npu-compare reads it several "
                "times (the compiler and ONNX Runtime); save it to a "
                "file first");
  std::map<std::string, npu::HostTensor> given;
  for (const std::string &spec : inputs) {
    std::string name, path, error;
    if (!npu::splitNameFile(spec, name, path))
      return fail("invalid --input '" + spec + "': expected NAME=FILE.npy");
    if (given.count(name))
      return fail("input '" + name + "' is given twice");
    npu::HostTensor value;
    if (!npu::readNpy(path, value, error))
      return fail(error);
    given[name] = std::move(value);
  }
  std::string error;
  // What it writes is checked before any work. Nothing it reads may be
  // overwritten by the table's and report's files, and in the output
  // directory its own files and the folder of ONNX Runtime's tensors, whose
  // names come from the model.
  std::vector<npu::NamedFile> reads =
      npu::compileInputFiles(modelPath, options);
  for (const std::string &spec : inputs) {
    std::string name, path;
    npu::splitNameFile(spec, name, path);
    reads.push_back({path, "the --input file of '" + name + "'"});
  }
  std::string ortDir = join(outputDir, kOrtFolder);
  // A calibration folder with one sub-folder per input cannot hold ort/
  // too (calibration would take it for an input's): refused before any
  // work (found by a fresh user: it failed after ONNX Runtime had run).
  const std::string &calibDir = options.calibration.dataDir;
  if (!calibDir.empty() && llvm::sys::fs::is_directory(calibDir) &&
      llvm::sys::fs::is_directory(outputDir.getValue()) &&
      npu::isSameFile(calibDir, outputDir)) {
    // The layout as calibration sees it.
    if (npu::calib::listSampleDirectory(calibDir).perInput())
      return fail("--output-dir '" + outputDir +
                  "' is the calibration folder, whose sub-folders are the "
                  "inputs' samples: npu-compare's ort/ folder there would be "
                  "read as one; choose another --output-dir");
    // Calibration reads no sub-folder beside flat samples and names them
    // in a warning: not ort/, which is this tool's (found by a review: a
    // second run warned of it).
    options.calibration.toolFolders = {kOrtFolder};
  }
  // The table and the report first (notInOrt below takes those the
  // precision writes).
  std::vector<npu::NamedFile> writes = npu::compileOutputFiles(options);
  const size_t userNamedWrites = writes.size();
  writes.push_back({join(outputDir, "compare.json"), "the report"});
  writes.push_back({join(outputDir, "compare.html"), "the report"});
  writes.push_back(
      {join(outputDir, "exposed.blob"), "the blob npu-compare writes"});
  // It compiles every stage (the debug blob's).
  for (npu::NamedFile &dump :
       npu::stageDumpFiles(options, npu::Stage::Addressed))
    writes.push_back(std::move(dump));
  // ONNX Runtime's folder is npu-compare's: neither what it reads nor the
  // files the user names for it to write may be there.
  std::vector<npu::NamedFile> notInOrt = reads;
  notInOrt.insert(notInOrt.end(), writes.begin(),
                  writes.begin() + userNamedWrites);
  for (const npu::NamedFile &r : notInOrt) {
    // Where the file really is: a link into the folder counts (found by a
    // fresh user: a model linked there was overwritten).
    llvm::SmallString<256> dir(r.path);
    if (llvm::sys::fs::exists(r.path))
      (void)llvm::sys::fs::real_path(r.path, dir);
    llvm::sys::path::remove_filename(dir);
    std::string parent = dir.empty() ? "." : std::string(dir);
    std::error_code ec1, ec2;
    if (!r.path.empty() &&
        ((llvm::sys::fs::exists(ortDir) && npu::isSameFile(parent, ortDir)) ||
         std::filesystem::weakly_canonical(parent, ec1) ==
             std::filesystem::weakly_canonical(ortDir, ec2)))
      return fail(r.what + " '" + r.path + "' is in '" + ortDir +
                  "', where npu-compare writes ONNX Runtime's tensors; move "
                  "it or choose another --output-dir");
  }
  if (!npu::checkOutputFiles(writes, reads, error))
    return fail(error);
  if (!npu::createDirectories(outputDir, error))
    return fail(error);
  // A previous run's report and debug blob go now: a run that fails writes
  // none, and the old ones would read as this run's.
  for (const char *name : {"compare.json", "compare.html", "exposed.blob"})
    llvm::sys::fs::remove(join(outputDir, name));

  Report report;
  report.model = modelPath;
  report.lowered = npu::stageName(npu::Stage::Lowered, options.precision).str();
  report.target = npu::arch::hardware(options.target).name;
  report.withOrt = !noOrt;
  report.tolerances = {floatMinCosine, loweredTolerance};

  npu::CompilerContext compilerContext;
  MLIRContext &context = compilerContext.get();

  // 1. The canonical stage on the interpreter, observing every tensor.
  llvm::StringMap<npu::HostTensor> canonical;
  llvm::StringMap<size_t> rowOf;
  {
    Step step(report, "canonical stage on the interpreter");
    npu::CompileOptions canonicalOptions = options;
    canonicalOptions.compileTo = npu::Stage::Canonical;
    canonicalOptions.debugCorruptTensor.clear();
    auto module = npu::compileModel(modelPath, context, canonicalOptions);
    if (failed(module))
      return 1;
    func::FuncOp func = mainFunction(**module);
    if (!func)
      return fail("the model has no function");
    for (auto &[name, value] : given) {
      bool known = false;
      for (unsigned i = 0; i < func.getNumArguments(); ++i)
        known |= argName(func, i) == name;
      if (!known)
        return fail("the model has no input '" + name + "'");
    }
    auto args = argumentsOf(func, given);
    if (failed(args))
      return 1;
    llvm::DenseMap<Value, size_t> keyed;
    for (npu::KeyedTensor &t : npu::collectTensorKeys(func)) {
      if (!t.op || isa<npu::ConstantOp>(t.op))
        continue;
      TensorRow row;
      row.key = t.key;
      row.op = t.op->getName().getStringRef().str();
      auto type = cast<RankedTensorType>(t.value.getType());
      row.shape.assign(type.getShape().begin(), type.getShape().end());
      // Which ONNX node's output it holds, and which output: "node#i".
      std::string held = npu::heldNodeName(t.op->getLoc());
      row.onnxTensor = held.empty() ? "" : held + "#" + std::to_string(t.index);
      keyed[t.value] = report.rows.size();
      rowOf[t.key] = report.rows.size();
      report.rows.push_back(std::move(row));
    }
    npu::InterpreterOptions io;
    io.numThreads = threads;
    io.observer = [&](Operation *op, ArrayRef<const npu::HostTensor *> rs) {
      for (unsigned i = 0; i < rs.size(); ++i) {
        auto it = keyed.find(op->getResult(i));
        if (it != keyed.end() && rs[i])
          canonical[report.rows[it->second].key] =
              rs[i]->castTo(npu::DType::F32);
      }
    };
    npu::Interpreter interpreter(io);
    if (failed(interpreter.run(func, *args)))
      return fail("the canonical stage did not run on the interpreter");
  }

  // 2. ONNX Runtime, every held node's outputs.
  if (!noOrt) {
    Step step(report, "ONNX Runtime");
    std::vector<std::string> nodes;
    for (TensorRow &row : report.rows)
      if (!row.onnxTensor.empty())
        nodes.push_back(row.onnxTensor.substr(0, row.onnxTensor.rfind('#')));
    std::map<std::string, std::vector<std::string>> outputs;
    llvm::StringMap<std::string> files;
    if (failed(runOrt(nodes, outputs, files, error)))
      return fail(error);
    // A node a pass decomposed holds its output in one of its ops (the one
    // keyed by the node's name, TensorKeys.h); the others hold intermediate
    // values that ONNX Runtime does not have.
    std::map<std::string, std::vector<size_t>> holders;
    for (size_t r = 0; r < report.rows.size(); ++r)
      if (!report.rows[r].onnxTensor.empty())
        holders[report.rows[r].onnxTensor].push_back(r);
    std::map<size_t, size_t> intermediateOf;
    for (const auto &[held, rows] : holders) {
      if (rows.size() < 2)
        continue;
      size_t hash = held.rfind('#');
      std::string plain = held.substr(0, hash);
      if (held.substr(hash + 1) != "0")
        plain = held;
      size_t output = rows.back();
      for (size_t r : rows)
        if (report.rows[r].key == plain)
          output = r;
      for (size_t r : rows)
        if (r != output)
          intermediateOf[r] = output;
    }
    for (auto [r, output] : intermediateOf) {
      TensorRow &row = report.rows[r];
      row.pairs[FloatVsOrt].note =
          "an intermediate op of node '" +
          row.onnxTensor.substr(0, row.onnxTensor.rfind('#')) + "' (#" +
          std::to_string(output) + " holds its output)";
      row.onnxTensor.clear();
    }
    for (TensorRow &row : report.rows) {
      Comparison &c = row.pairs[FloatVsOrt];
      if (row.onnxTensor.empty() && !c.note.empty())
        continue;
      size_t hash = row.onnxTensor.rfind('#');
      std::string node = row.onnxTensor.substr(0, hash);
      unsigned index = hash == std::string::npos
                           ? 0
                           : std::stoul(row.onnxTensor.substr(hash + 1));
      auto it = outputs.find(node);
      if (row.onnxTensor.empty() || it == outputs.end() ||
          index >= it->second.size() || it->second[index].empty()) {
        c.note = "no ONNX node output";
        row.onnxTensor.clear();
        continue;
      }
      row.onnxTensor = it->second[index];
      npu::HostTensor ort;
      if (!npu::readNpy(files[row.onnxTensor], ort, error)) {
        c.note = "ONNX Runtime did not output it";
        continue;
      }
      // A QOperator node's output (QLinearConv's) is quantized codes in
      // ONNX Runtime, while the canonical stage holds its float value: not
      // the same quantity.
      if (!npu::isFloat(ort.dtype()) &&
          npu::isFloat(canonical[row.key].dtype())) {
        c.note = "ONNX Runtime's tensor is quantized (" +
                 std::string(npu::dtypeName(ort.dtype())) +
                 " codes), the stage's is float: not compared";
        continue;
      }
      c.present =
          npu::compareTensors(ort, canonical[row.key], c.metrics, error);
      if (!c.present)
        c.note = error;
    }
  } else {
    for (TensorRow &row : report.rows)
      row.pairs[FloatVsOrt].note = "--no-ort";
  }

  // 3. The lowered stage with every tensor exposed, on the interpreter.
  options.exposeTensors = {"all"};
  options.compileTo = npu::Stage::HwOps;
  std::vector<uint8_t> blob;
  llvm::StringMap<npu::HostTensor> lowered;
  std::map<std::string, npu::HostTensor> inputsByName;
  {
    Step step(report, report.lowered + " stage on the interpreter");
    auto module = npu::compileModel(modelPath, context, options);
    if (failed(module))
      return 1;
    func::FuncOp func = mainFunction(**module);
    auto args = argumentsOf(func, given);
    if (failed(args))
      return 1;
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      inputsByName[argName(func, i)] = (*args)[i];
    npu::InterpreterOptions io;
    io.numThreads = threads;
    npu::Interpreter interpreter(io);
    auto results = interpreter.run(func, *args);
    if (failed(results))
      return fail("the " + report.lowered +
                  " stage did not run on the interpreter");
    for (unsigned i = 0; i < results->size(); ++i)
      if (auto name = func.getResultAttrOfType<StringAttr>(i, "npu.name"))
        lowered[name.getValue()] = std::move((*results)[i]);
    Step codegen(report, "code generation");
    if (failed(npu::generateBlobFromModule(**module, options, blob, error)))
      return fail(error);
    std::string blobPath = join(outputDir, "exposed.blob");
    if (!writeOutput(
            blobPath,
            [&](llvm::raw_ostream &os) {
              os.write(reinterpret_cast<const char *>(blob.data()),
                       blob.size());
            },
            error))
      return fail(error);
  }
  // A tensor that channel equalization rescaled (docs/calibration.md) is
  // held, from the calibrated stage on, as "KEY (equalized)": scaled per
  // channel, so not comparable with the canonical tensor, but the device
  // must still equal the lowered stage on it.
  auto loweredKey = [&](const TensorRow &row) {
    std::string equalized = row.key + " (equalized)";
    return !lowered.count(row.key) && lowered.count(equalized) ? equalized
                                                               : row.key;
  };
  for (TensorRow &row : report.rows) {
    Comparison &c = row.pairs[LoweredVsFloat];
    auto it = lowered.find(row.key);
    if (it == lowered.end()) {
      bool equalized = loweredKey(row) != row.key;
      c.note = equalized ? "rescaled per channel (channel equalization): "
                           "the device is compared as '" +
                               loweredKey(row) + "'"
                         : "fused: no device buffer";
      if (!equalized)
        row.pairs[DeviceVsLowered].note = c.note;
      continue;
    }
    c.present =
        npu::compareTensors(canonical[row.key], it->second, c.metrics, error);
    if (!c.present)
      c.note = error;
  }

  // 4. The blob on the device.
  {
    Step step(report, "blob on the device");
    using namespace npu::runtime;
    auto core = Core::create();
    if (!core)
      return fail(core.message());
    auto model = (*core)->importModel(blob.data(), blob.size());
    if (!model)
      return fail(model.message());
    auto request = (*model)->createInferRequest();
    if (!request)
      return fail(request.message());
    for (auto &[name, value] : inputsByName)
      if (Status s = (*request)->setTensor(name, value); !s)
        return fail(s.message());
    if (Status s = (*request)->infer(); !s)
      return fail(s.message());
    for (TensorRow &row : report.rows) {
      Comparison &c = row.pairs[DeviceVsLowered];
      std::string key = loweredKey(row);
      auto it = lowered.find(key);
      if (it == lowered.end())
        continue;
      auto tensor = (*request)->getTensor(key);
      if (!tensor) {
        c.note = "not a blob output";
        continue;
      }
      c.present =
          npu::compareTensors(it->second, tensor->toHost(), c.metrics, error);
      if (!c.present)
        c.note = error;
    }
  }

  applyTolerances(report);
  printTable(llvm::outs(), report);
  std::string jsonPath = join(outputDir, "compare.json");
  std::string htmlPath = join(outputDir, "compare.html");
  if (!writeOutput(
          jsonPath,
          [&](llvm::raw_ostream &os) {
            os << llvm::formatv("{0:2}", toJson(report)) << "\n";
          },
          error) ||
      !writeOutput(
          htmlPath, [&](llvm::raw_ostream &os) { writeHtml(os, report); },
          error))
    return fail(error);
  llvm::outs() << "report: " << jsonPath << ", " << htmlPath << "\n";
  for (const auto &[name, s] : report.seconds)
    llvm::outs() << llvm::format("time   %-40s %8.2f s\n", name.c_str(), s);
  return 0;
}
