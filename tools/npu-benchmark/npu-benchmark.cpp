//===- npu-benchmark.cpp - FEIL, FIL and steady state of a model ----------===//
//
// An orchestrator: it links neither the compiler nor the runtime. Every
// measurement is a run of npu-compile (--timing-json), npu-run (--json,
// --properties) or node ort-run.js in a process of its own; this tool takes
// the medians and reports them (docs/benchmark.md).
//
//===----------------------------------------------------------------------===//

#include "Benchmark.h"
#include "BenchmarkOptions.h"
#include "Report.h"
#include "npu/Support/Files.h"
#include "npu/Support/Version.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <filesystem>
#include <string>
#include <vector>

using namespace npu::bench;

namespace {

int error(const llvm::Twine &message) {
  llvm::errs() << "npu-benchmark: error: " << message << "\n";
  return 1;
}

/// The files the benchmark reads, which its --json report must not
/// replace (found by a fresh user: `--json MODEL.onnx` overwrote the
/// model): the model, the ONNX Runtime script, the cache's entries, and
/// every existing file that a compile option passed through names (in
/// `--opt=FILE`, `FILE` or `NAME=FILE`: a calibration table, an
/// --input-value) or that lies under a folder one names (--calib-data's
/// samples), whichever option it is.
std::vector<npu::NamedFile> filesRead(const BenchmarkOptions &o) {
  std::vector<npu::NamedFile> reads = {{o.model, "the model"}};
  if (!o.ortScript.empty())
    reads.push_back({o.ortScript, "the --ort-script"});
  constexpr size_t kMaxFiles = 100000;
  // `what` names what names the path: "a compile option", "--cache-dir".
  auto add = [&](const std::string &path, const std::string &what) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) {
      reads.push_back({path, "a file " + what + " names"});
      return;
    }
    if (!std::filesystem::is_directory(path, ec))
      return;
    for (auto it = std::filesystem::recursive_directory_iterator(
             path, std::filesystem::directory_options::skip_permission_denied,
             ec);
         !ec && it != std::filesystem::recursive_directory_iterator() &&
         reads.size() < kMaxFiles;
         it.increment(ec))
      if (it->is_regular_file(ec))
        reads.push_back(
            {it->path().string(),
             "a file under '" + path + "', which " + what + " names"});
  };
  if (!o.cacheDir.empty())
    add(o.cacheDir, "--cache-dir");
  for (const std::string &arg : o.compileArgs) {
    add(arg, "a compile option");
    size_t first = arg.find('='), last = arg.rfind('=');
    if (first != std::string::npos)
      add(arg.substr(first + 1), "a compile option");
    if (last != first)
      add(arg.substr(last + 1), "a compile option");
  }
  return reads;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  std::vector<std::string> args(argv + 1, argv + argc);
  BenchmarkOptions options;
  std::string usage;
  switch (parseBenchmarkArgs(args, options, usage)) {
  case ParseResult::Help:
    llvm::outs() << kUsage;
    return 0;
  case ParseResult::Version:
    llvm::outs() << npu::versionLine("npu-benchmark");
    return 0;
  case ParseResult::UsageError:
    llvm::errs() << "npu-benchmark: error: " << usage
                 << "\n(see npu-benchmark --help)\n";
    return 2;
  case ParseResult::Run:
    break;
  }
  if (!llvm::sys::fs::exists(options.model))
    return error("no model '" + options.model + "'");
  // The report's file is checked before the benchmark, not after it (its
  // missing directories are created now).
  if (std::string err;
      !options.jsonPath.empty() &&
      !npu::checkOutputFiles({{options.jsonPath, "the --json file"}},
                             filesRead(options), err))
    return error(err);

  std::string self = llvm::sys::fs::getMainExecutable(argv[0], (void *)&error);
  std::string toolsDir = llvm::sys::path::parent_path(self).str();

  llvm::SmallString<128> workDir;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("npu-benchmark", workDir))
    return error("cannot create a work directory: " + ec.message());
  auto results = runBenchmark(options, toolsDir, std::string(workDir));
  llvm::sys::fs::remove_directories(workDir);
  if (!results)
    return error(llvm::toString(results.takeError()));

  printTable(llvm::outs(), options, *results);
  if (!options.jsonPath.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream os(options.jsonPath, ec);
    if (!ec) {
      os << llvm::formatv("{0:2}", reportJson(options, *results)) << "\n";
      os.close();
      ec = os.error();
    }
    if (ec)
      return error("cannot write '" + options.jsonPath + "': " + ec.message());
  }
  return 0;
}
