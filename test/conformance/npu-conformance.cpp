//===- npu-conformance.cpp - ONNX node conformance through the compiler ---===//
//
// Runs every case of the ONNX node test data (model.onnx + test_data_set_0/
// input_N.pb, output_N.pb) through import, the canonical pipeline and the
// reference interpreter, and compares with the shipped outputs
// (|got - want| <= 1e-7 + 1e-3 |want| for floats, exact otherwise, as ONNX's
// backend tests do). Each case runs in its own forked process, so a crash or
// a hang fails that case only.
//
// With --expected FILE, the cases listed there must pass (a regression
// fails the run) and cases that pass without being listed are reported.
//
//===----------------------------------------------------------------------===//

#include "npu/Import/ONNX/Importer.h"
#include "npu/Import/ONNX/TensorFile.h"
#include "npu/Interpreter/Interpreter.h"
#include "npu/Interpreter/TensorConversion.h"
#include "npu/Pipeline/Pipeline.h"
#include "npu/Pipeline/Registration.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace mlir;
namespace cl = llvm::cl;

namespace {
cl::OptionCategory category("npu-conformance options");
cl::opt<std::string> dataDir("data", cl::desc("Folder of ONNX node test cases"),
                             cl::init("/usr/share/libonnx-testdata/data/node"),
                             cl::cat(category));
cl::opt<std::string> expectedFile(
    "expected", cl::desc("File listing the cases that must pass, one per line"),
    cl::cat(category));
cl::opt<std::string>
    writePassing("write-passing",
                 cl::desc("Write the names of the passing cases to this file"),
                 cl::cat(category));
cl::opt<std::string> filter("filter",
                            cl::desc("Only run cases whose name contains this"),
                            cl::cat(category));
cl::opt<unsigned> jobs("j", cl::desc("Cases run in parallel"), cl::init(2),
                       cl::cat(category));
cl::opt<unsigned> timeout("timeout", cl::desc("Seconds a case may take"),
                          cl::init(120), cl::cat(category));
cl::opt<bool> verbose("verbose", cl::desc("Print every failing case's reason"),
                      cl::cat(category));

/// Outcome of one case: "PASS" or "<stage>: <message>".
using Outcome = std::string;

std::string firstLine(const std::string &s) {
  std::string line = s.substr(0, s.find('\n'));
  return line.size() > 300 ? line.substr(0, 300) + "..." : line;
}

bool closeEnough(const npu::HostTensor &got, const npu::HostTensor &want,
                 std::string &why) {
  if (got.shape() != want.shape()) {
    why = "shape " + npu::shapeToString(got.shape()) + ", expected " +
          npu::shapeToString(want.shape());
    return false;
  }
  bool floats = npu::isFloat(want.dtype());
  if (got.dtype() != want.dtype() && !(floats && npu::isFloat(got.dtype()))) {
    why = std::string("element type ") + npu::dtypeName(got.dtype()) +
          ", expected " + npu::dtypeName(want.dtype());
    return false;
  }
  for (int64_t i = 0; i < want.numElements(); ++i) {
    if (!floats) {
      if (got.getAsInt(i) != want.getAsInt(i)) {
        why = "element " + std::to_string(i) + " is " +
              std::to_string(got.getAsInt(i)) + ", expected " +
              std::to_string(want.getAsInt(i));
        return false;
      }
      continue;
    }
    double g = got.getAsDouble(i), w = want.getAsDouble(i);
    if (std::isnan(w) && std::isnan(g))
      continue;
    if (std::isinf(w) && g == w)
      continue;
    if (!(std::fabs(g - w) <= 1e-7 + 1e-3 * std::fabs(w))) {
      why = "element " + std::to_string(i) + " is " + std::to_string(g) +
            ", expected " + std::to_string(w);
      return false;
    }
  }
  return true;
}

/// ONNX 1.12's test data stores bfloat16 tensors as UINT16 bit patterns:
/// read them as the bfloat16 the graph declares.
void reinterpretBF16(npu::HostTensor &t, std::optional<npu::DType> declared) {
  if (declared != npu::DType::BF16 || t.dtype() != npu::DType::U16)
    return;
  npu::HostTensor bf16(npu::DType::BF16, t.shape());
  std::memcpy(bf16.raw(), t.raw(), t.byteSize());
  t = std::move(bf16);
}

/// Runs one case in the current process.
Outcome runCase(const std::string &dir) {
  std::string model = dir + "/model.onnx";
  std::string error;
  auto signature = npu::readONNXGraphSignature(model, error);
  if (failed(signature))
    return "load: " + error;

  DialectRegistry registry;
  npu::registerAllDialects(registry);
  MLIRContext context(registry);
  context.disableMultithreading();
  std::string diagnostic;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error && diagnostic.empty())
      diagnostic = diag.str();
    return success();
  });

  // Inputs and expected outputs, by position then by name.
  std::map<std::string, npu::HostTensor> inputs;
  std::vector<npu::HostTensor> expected;
  std::string data = dir + "/test_data_set_0/";
  for (size_t i = 0;; ++i) {
    std::string path = data + "input_" + std::to_string(i) + ".pb";
    if (!llvm::sys::fs::exists(path))
      break;
    auto t = npu::readONNXTensorFile(path, context, error);
    if (failed(t))
      return "data: " + error;
    std::string name = !t->name.empty()               ? t->name
                       : i < signature->inputs.size() ? signature->inputs[i]
                                                      : "";
    auto pos = llvm::find(signature->inputs, name);
    if (pos != signature->inputs.end())
      reinterpretBF16(t->value,
                      signature->inputTypes[pos - signature->inputs.begin()]);
    inputs[name] = std::move(t->value);
  }
  for (size_t i = 0;; ++i) {
    std::string path = data + "output_" + std::to_string(i) + ".pb";
    if (!llvm::sys::fs::exists(path))
      break;
    auto t = npu::readONNXTensorFile(path, context, error);
    if (failed(t))
      return "data: " + error;
    if (i < signature->outputTypes.size())
      reinterpretBF16(t->value, signature->outputTypes[i]);
    expected.push_back(std::move(t->value));
  }

  npu::ImportOptions options;
  options.knownInputValues = inputs;
  auto module = npu::importONNXFile(model, context, options);
  if (failed(module))
    return "import: " + firstLine(diagnostic);

  PassManager pm(&context, ModuleOp::getOperationName());
  npu::CompileOptions compileOptions; // origin to canonical
  if (failed(npu::buildCompilePipeline(pm, compileOptions)) ||
      failed(pm.run(**module)))
    return "canonicalize: " + firstLine(diagnostic);

  auto func = (**module).lookupSymbol<func::FuncOp>("main");
  if (!func)
    return "import: no @main";
  SmallVector<npu::HostTensor> args;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    auto name = func.getArgAttrOfType<StringAttr>(i, npu::kONNXNameAttr);
    auto it = name ? inputs.find(name.str()) : inputs.end();
    if (it != inputs.end()) {
      args.push_back(it->second);
      continue;
    }
    // An optional input (an initializer that is also an input) not given.
    auto fallback = npu::defaultArgumentValue(func, i, error);
    if (failed(fallback) || !*fallback)
      return "data: no value for argument " + std::to_string(i);
    args.push_back(std::move(**fallback));
  }
  npu::InterpreterOptions interpreterOptions;
  interpreterOptions.numThreads = 1;
  auto results = npu::runFunction(func, args, interpreterOptions);
  if (failed(results))
    return "interpret: " + firstLine(diagnostic);
  if (results->size() != expected.size())
    return "compare: " + std::to_string(results->size()) +
           " outputs, expected " + std::to_string(expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    std::string why;
    if (!closeEnough((*results)[i], expected[i], why))
      return "compare: output " + std::to_string(i) + ": " + why;
  }
  return "PASS";
}

struct Child {
  pid_t pid;
  int fd;
  std::string name;
};

/// Runs cases in forked children, at most `jobs` at a time.
std::map<std::string, Outcome> runAll(const std::vector<std::string> &cases) {
  std::map<std::string, Outcome> outcomes;
  std::vector<Child> running;
  size_t next = 0;
  auto reap = [&](Child &c) {
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = read(c.fd, buf, sizeof(buf))) > 0)
      text.append(buf, n);
    close(c.fd);
    int status = 0;
    waitpid(c.pid, &status, 0);
    if (WIFSIGNALED(status))
      text = WTERMSIG(status) == SIGALRM
                 ? "timeout: more than " + std::to_string(timeout) + " s"
                 : "crash: signal " + std::to_string(WTERMSIG(status));
    else if (text.empty())
      text = "crash: exit status " + std::to_string(WEXITSTATUS(status));
    outcomes[c.name] = text;
  };
  while (next < cases.size() || !running.empty()) {
    while (next < cases.size() && running.size() < std::max(1u, +jobs)) {
      int fds[2];
      if (pipe(fds) != 0) {
        outcomes[cases[next++]] = "crash: pipe failed";
        continue;
      }
      llvm::outs().flush();
      llvm::errs().flush();
      pid_t pid = fork();
      if (pid == 0) {
        close(fds[0]);
        alarm(timeout);
        Outcome o = runCase(dataDir + "/" + cases[next]);
        (void)!write(fds[1], o.data(), o.size());
        _exit(0);
      }
      close(fds[1]);
      running.push_back({pid, fds[0], cases[next++]});
    }
    // Reap the oldest child (reads block until it finishes).
    reap(running.front());
    running.erase(running.begin());
  }
  return outcomes;
}

std::set<std::string> readList(const std::string &path, bool &ok) {
  std::set<std::string> names;
  std::ifstream in(path);
  ok = static_cast<bool>(in);
  std::string line;
  while (std::getline(in, line)) {
    line = llvm::StringRef(line).trim().str();
    if (!line.empty() && line[0] != '#')
      names.insert(line);
  }
  return names;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "npu-conformance: ONNX node tests through "
                              "import, canonicalization and the interpreter\n");
  std::vector<std::string> cases;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dataDir, ec), end; it != end && !ec;
       it.increment(ec)) {
    std::string name = llvm::sys::path::filename(it->path()).str();
    if (llvm::sys::fs::exists(it->path() + "/model.onnx") &&
        (filter.empty() || name.find(filter) != std::string::npos))
      cases.push_back(name);
  }
  if (ec || cases.empty()) {
    llvm::errs() << "npu-conformance: error: no test cases in '" << dataDir
                 << "'\n";
    return 1;
  }
  std::sort(cases.begin(), cases.end());

  auto outcomes = runAll(cases);
  std::map<std::string, int> byStage;
  std::vector<std::string> passing;
  for (auto &[name, outcome] : outcomes) {
    if (outcome == "PASS") {
      passing.push_back(name);
      continue;
    }
    byStage[outcome.substr(0, outcome.find(':'))]++;
    if (verbose)
      llvm::outs() << "FAIL " << name << ": " << outcome << "\n";
  }
  llvm::outs() << "npu-conformance: " << passing.size() << " of "
               << cases.size() << " cases pass";
  for (auto &[stage, n] : byStage)
    llvm::outs() << "; " << n << " fail in " << stage;
  llvm::outs() << "\n";

  if (!writePassing.empty()) {
    std::ofstream out(writePassing);
    out << "# ONNX node conformance cases that pass import, canonicalization "
           "and interpretation.\n# Regenerate with npu-conformance "
           "--write-passing.\n";
    for (const std::string &name : passing)
      out << name << "\n";
  }

  if (expectedFile.empty())
    return 0;
  bool ok;
  std::set<std::string> expected = readList(expectedFile, ok);
  if (!ok) {
    llvm::errs() << "npu-conformance: error: cannot read '" << expectedFile
                 << "'\n";
    return 1;
  }
  int regressions = 0;
  for (const std::string &name : expected) {
    auto it = outcomes.find(name);
    if (it == outcomes.end()) {
      if (filter.empty()) {
        llvm::outs() << "MISSING  " << name << ": no such case\n";
        ++regressions;
      }
    } else if (it->second != "PASS") {
      llvm::outs() << "REGRESSED " << name << ": " << it->second << "\n";
      ++regressions;
    }
  }
  std::vector<std::string> newlyPassing;
  for (const std::string &name : passing)
    if (!expected.count(name))
      newlyPassing.push_back(name);
  if (!newlyPassing.empty()) {
    llvm::outs() << "npu-conformance: " << newlyPassing.size()
                 << " cases pass that " << expectedFile
                 << " does not list (add them):\n";
    for (const std::string &name : newlyPassing)
      llvm::outs() << "  " << name << "\n";
  }
  if (regressions) {
    llvm::outs() << "npu-conformance: " << regressions
                 << " expected cases do not pass\n";
    return 1;
  }
  return 0;
}
