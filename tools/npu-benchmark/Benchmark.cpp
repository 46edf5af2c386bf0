//===- Benchmark.cpp - npu-benchmark's measurements -----------------------===//

#include "Benchmark.h"

#include "ChildProcess.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

#ifndef NPU_ORT_RUN_SCRIPT
#define NPU_ORT_RUN_SCRIPT ""
#endif

using llvm::Error;
using llvm::Expected;
namespace json = llvm::json;

namespace npu::bench {

double median(std::vector<double> values) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

namespace {

/// A bar redrawn on a terminal; otherwise one line per phase, on stderr.
class Progress {
public:
  explicit Progress(int total)
      : total(total), terminal(llvm::sys::Process::StandardErrIsDisplayed()) {}
  ~Progress() {
    if (terminal && done > 0)
      llvm::errs() << "\r\033[K";
  }
  void step(llvm::StringRef phase, llvm::StringRef detail = "") {
    ++done;
    if (!terminal) {
      if (phase != lastPhase)
        llvm::errs() << "npu-benchmark: " << phase << "\n";
      lastPhase = phase.str();
      return;
    }
    const int width = 30;
    int filled = total ? width * (done - 1) / total : 0;
    llvm::errs() << "\r\033[Knpu-benchmark [" << std::string(filled, '#')
                 << std::string(width - filled, '.') << "] " << phase
                 << (detail.empty() ? "" : " ") << detail;
    llvm::errs().flush();
  }

private:
  int total, done = 0;
  bool terminal;
  std::string lastPhase;
};

double number(const json::Object &o, llvm::StringRef key) {
  return o.getNumber(key).value_or(0);
}

class Runner {
public:
  Runner(const BenchmarkOptions &o, const std::string &toolsDir,
         const std::string &workDir)
      : o(o), workDir(workDir), compiler(path(toolsDir, "npu-compile")),
        runner(path(toolsDir, "npu-run")) {}

  Expected<Results> run();

private:
  static std::string path(llvm::StringRef dir, llvm::StringRef name) {
    llvm::SmallString<256> p(dir);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }
  std::string work(llvm::StringRef name) const { return path(workDir, name); }

  /// npu-compile the model to `blob`; fills the compile part of `sample`.
  /// `cache`: through --cache-dir, where it must hit if `requireHit`.
  Error compile(const std::string &blob, bool cache, Sample &sample,
                bool requireHit = true);
  /// npu-run `blob` once; fills the runtime part of `sample`.
  Error load(const std::string &blob, Sample &sample);
  /// npu-run `args` (and --device), then its JSON report `report`; the
  /// process's wall time in `wallMs`.
  Expected<json::Value> runReport(std::vector<std::string> args,
                                  const std::string &report, double &wallMs);
  /// npu-run `blob` with `requests` requests of --iterations each.
  Expected<json::Object> steady(const std::string &blob, int requests);
  Expected<OrtSample> ort(const std::string &node, const std::string &script);

  const BenchmarkOptions &o;
  std::string workDir, compiler, runner;
  int step = 0; ///< Numbers the report files.
};

Error Runner::compile(const std::string &blob, bool cache, Sample &sample,
                      bool requireHit) {
  std::string report = work("compile" + std::to_string(++step) + ".json");
  std::vector<std::string> args{o.model, "-o", blob, "--timing-json", report};
  if (cache) {
    args.push_back("--cache-dir");
    args.push_back(o.cacheDir);
  }
  args.insert(args.end(), o.compileArgs.begin(), o.compileArgs.end());
  auto wall =
      runChild(compiler, args, work("compile.out"), work("compile.err"));
  if (!wall)
    return wall.takeError();
  auto value = readJsonFile(report);
  if (!value)
    return value.takeError();
  const json::Object *root = value->getAsObject();
  const json::Array *phases = root ? root->getArray("phases") : nullptr;
  if (!phases)
    return llvm::createStringError("'" + report + "' has no phases");
  if (cache && requireHit && root->getString("cache") != "hit")
    return llvm::createStringError(
        "npu-compile --cache-dir " + o.cacheDir +
        " did not hit the cache after the warm-up (cache: " +
        root->getString("cache").value_or("?").str() + ")");
  for (const json::Value &p : *phases)
    if (const json::Object *phase = p.getAsObject())
      sample.compilePhases.emplace_back(
          phase->getString("name").value_or("?").str(), number(*phase, "ms"));
  sample.compileMs = number(*root, "total_ms");
  sample.compileProcessMs = *wall;
  return Error::success();
}

Error Runner::load(const std::string &blob, Sample &sample) {
  auto report = steady(blob, 0);
  if (!report)
    return report.takeError();
  sample.runtimeInitMs = number(*report, "runtime_init_ms");
  sample.loadMs = number(*report, "load_ms");
  sample.firstInferenceMs = number(*report, "first_inference_ms");
  sample.runProcessMs = number(*report, "process_ms");
  return Error::success();
}

Expected<json::Value> Runner::runReport(std::vector<std::string> args,
                                        const std::string &report,
                                        double &wallMs) {
  args.push_back("--json");
  args.push_back(report);
  if (!o.device.empty()) {
    args.push_back("--device");
    args.push_back(o.device);
  }
  auto wall = runChild(runner, args, work("run.out"), work("run.err"));
  if (!wall)
    return wall.takeError();
  wallMs = *wall;
  auto value = readJsonFile(report);
  if (value && !value->getAsObject())
    return llvm::createStringError("'" + report + "' is not an object");
  return value;
}

/// `requests` 0: one request, one inference (a FIL run).
Expected<json::Object> Runner::steady(const std::string &blob, int requests) {
  double wall = 0;
  auto value =
      runReport({blob, "--fill-inputs", "--output-dir", work("outputs"),
                 "--requests", std::to_string(std::max(1, requests)),
                 "--iterations", std::to_string(requests ? o.iterations : 1)},
                work("run" + std::to_string(++step) + ".json"), wall);
  if (!value)
    return value.takeError();
  json::Object root = std::move(*value->getAsObject());
  root["process_ms"] = wall;
  return root;
}

Expected<OrtSample> Runner::ort(const std::string &node,
                                const std::string &script) {
  std::string out = work("ort.out");
  // ONNX Runtime runs the shapes the blob is compiled for: the compile
  // options' --input-shape values (else a symbolic dimension would be 1).
  std::vector<std::string> args = {script, o.model, "--fill-inputs"};
  for (size_t i = 0; i < o.compileArgs.size(); ++i) {
    llvm::StringRef arg = o.compileArgs[i];
    if (arg.consume_front("--input-shape=") ||
        arg.consume_front("-input-shape="))
      args.insert(args.end(), {"--input-shape", arg.str()});
    else if ((arg == "--input-shape" || arg == "-input-shape") &&
             i + 1 < o.compileArgs.size())
      args.insert(args.end(), {"--input-shape", o.compileArgs[++i]});
  }
  auto wall = runChild(node, args, out, work("ort.err"));
  if (!wall)
    return wall.takeError();
  auto value = readJsonFile(out, /*lastLine=*/true);
  if (!value)
    return value.takeError();
  const json::Object *root = value->getAsObject();
  if (!root || !root->getNumber("session_create_ms"))
    return llvm::createStringError("ort-run.js printed no session_create_ms "
                                   "(an older ort-run.js?)");
  return OrtSample{number(*root, "session_create_ms"),
                   number(*root, "first_run_ms")};
}

Expected<Results> Runner::run() {
  Results r;
  bool compiles = !o.modelIsBlob;
  bool cache = compiles && !o.cacheDir.empty();
  bool ortOn = compiles && o.ort;
  std::string node,
      script = o.ortScript.empty() ? NPU_ORT_RUN_SCRIPT : o.ortScript;
  if (ortOn) {
    auto found = llvm::sys::findProgramByName("node");
    if (!found)
      return llvm::createStringError(
          "node is not on PATH, so ONNX Runtime cannot run (scripts/setup.sh "
          "installs it; --no-ort skips ONNX Runtime)");
    node = *found;
    if (!llvm::sys::fs::exists(script))
      return llvm::createStringError("no ort-run.js at '" + script +
                                     "' (give --ort-script, or --no-ort)");
  }
  Progress progress(1 + o.runs + (cache ? 1 + o.runs : 0) + 2 +
                    (ortOn ? 1 + o.runs : 0));

  // Warm-up: the blob, its properties, one load (page cache, driver).
  std::string blob = compiles ? work("model.blob") : o.model;
  progress.step("warm-up");
  Sample warm;
  if (compiles)
    if (Error e = compile(blob, false, warm))
      return std::move(e);
  double wall = 0;
  auto props = runReport({blob, "--properties"}, work("properties.json"), wall);
  if (!props)
    return props.takeError();
  r.properties = std::move(*props);
  if (Error e = load(blob, warm))
    return std::move(e);

  for (int i = 0; i < o.runs; ++i) {
    progress.step(compiles ? "FEIL and FIL runs" : "FIL runs",
                  std::to_string(i + 1) + "/" + std::to_string(o.runs));
    Sample s;
    if (compiles)
      if (Error e = compile(blob, false, s))
        return std::move(e);
    if (Error e = load(blob, s))
      return std::move(e);
    r.fresh.push_back(std::move(s));
  }

  if (cache) {
    std::string cached = work("cached.blob");
    progress.step("cache warm-up");
    // The first compile through the cache may miss: it stores the entry.
    Sample fill;
    if (Error e = compile(cached, true, fill, /*requireHit=*/false))
      return std::move(e);
    for (int i = 0; i < o.runs; ++i) {
      progress.step("cache-hit FIL runs",
                    std::to_string(i + 1) + "/" + std::to_string(o.runs));
      Sample s;
      if (Error e = compile(cached, true, s))
        return std::move(e);
      if (Error e = load(cached, s))
        return std::move(e);
      r.cached.push_back(std::move(s));
    }
  }

  // Steady state: one request for the latency, then the throughput.
  progress.step("steady state", "1 request");
  auto one = steady(blob, 1);
  if (!one)
    return one.takeError();
  r.device = one->getString("device").value_or("").str();
  r.steady.modelledLatencyUs = number(*one, "modelled_latency_us");
  r.steady.modelledCycles = uint64_t(number(*one, "modelled_cycles"));
  if (auto ms = one->getNumber("steady_inference_ms"))
    r.steady.hostMsPerInference = *ms;
  r.requests = o.requests;
  if (!r.requests) {
    const json::Object *props = r.properties.getAsObject();
    const json::Object *device = props ? props->getObject("device") : nullptr;
    const json::Object *optimal =
        device ? device->getObject("optimal_infer_requests") : nullptr;
    r.requests = optimal ? int(number(*optimal, o.perfHint)) : 1;
    r.requests = std::max(1, r.requests);
  }
  progress.step("steady state",
                std::to_string(r.requests) +
                    (r.requests == 1 ? " request" : " requests"));
  auto many = steady(blob, r.requests);
  if (!many)
    return many.takeError();
  r.steady.throughputRequests = r.requests;
  r.steady.throughputPerSecond = number(*many, "throughput_per_s");

  if (ortOn) {
    for (int i = 0; i <= o.runs; ++i) {
      progress.step("ONNX Runtime session + first run",
                    i ? std::to_string(i) + "/" + std::to_string(o.runs)
                      : "warm-up");
      auto sample = ort(node, script);
      if (!sample)
        return sample.takeError();
      if (i)
        r.ort.push_back(*sample);
    }
  }
  return r;
}

} // namespace

Expected<Results> runBenchmark(const BenchmarkOptions &options,
                               const std::string &toolsDir,
                               const std::string &workDir) {
  return Runner(options, toolsDir, workDir).run();
}

} // namespace npu::bench
