//===- BenchmarkOptions.cpp - npu-benchmark's command line ----------------===//

#include "BenchmarkOptions.h"

#include "npu/Runtime/Core.h"
#include "npu/Support/Files.h"

#include "llvm/ADT/StringRef.h"

#include <cstdlib>

namespace npu::bench {

const char *const kUsage =
    "usage: npu-benchmark -m MODEL.onnx|MODEL.blob [compile options] "
    "[options]\n"
    "\n"
    "Measures, each as the median of --runs runs in separate processes after\n"
    "a warm-up: FEIL (compile + load and initialise on the device + first\n"
    "inference) with its breakdown, FIL (load a compiled blob + first\n"
    "inference), with --cache-dir the FIL of a cache hit, and ONNX Runtime's\n"
    "session creation + first run on the same model; then the steady state\n"
    "(modelled NPU latency, simulator wall time per inference, throughput).\n"
    "It runs npu-compile and npu-run (next to it) and node\n"
    "tools/ort-oracle/ort-run.js; see docs/benchmark.md.\n"
    "\n"
    "options:\n"
    "  -m MODEL                  the model: .onnx (compiled with the compile\n"
    "                            options) or a compiled .blob (FIL only)\n"
    "  --device NPU3720|NPU4000  device to run on (default: the blob's "
    "target)\n"
    "  --requests N              parallel infer requests for the throughput\n"
    "                            (default: the device's optimal number for\n"
    "                            the --perf-hint)\n"
    "  --iterations N            inferences per request in the steady state\n"
    "                            (default 20)\n"
    "  --runs N                  measured FEIL / FIL runs (default 5)\n"
    "  --cache-dir DIR           also measure FIL from a cache hit in DIR\n"
    "  --json FILE               write the results as JSON\n"
    "  --no-ort                  do not run ONNX Runtime\n"
    "  --ort-script FILE         ort-run.js to use (default: the source "
    "tree's)\n"
    "  --version                 print the version and exit\n"
    "  -h, --help                this text\n"
    "\n"
    "Any other option is a compile option, passed to npu-compile (e.g.\n"
    "--target NPU4000 --precision fp16 --perf-hint throughput).\n"
    "Exit status: 0 on success, 1 when a measured step fails, 2 on a usage\n"
    "error.\n";

ParseResult parseBenchmarkArgs(const std::vector<std::string> &args,
                               BenchmarkOptions &o, std::string &error) {
  auto fail = [&](const std::string &msg) {
    error = msg;
    return ParseResult::UsageError;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    bool missing = false;
    auto option = [&](const char *name, std::string &out) {
      OptionMatch m = matchValueOption(args, i, name, out);
      missing = m == OptionMatch::MissingValue;
      return m != OptionMatch::NoMatch;
    };
    std::string v;
    if (a == "-h" || a == "--help")
      return ParseResult::Help;
    if (a == "--version")
      return ParseResult::Version;
    if (option("-m", o.model)) {
      if (missing || o.model.empty())
        return fail("-m needs a model (.onnx or .blob)");
    } else if (option("--device", o.device)) {
      if (missing || (o.device != "NPU3720" && o.device != "NPU4000"))
        return fail("--device takes NPU3720 or NPU4000" +
                    (missing ? std::string() : ", not '" + o.device + "'"));
    } else if (matchCountOptions(args, i,
                                 {{"--requests", &o.requests},
                                  {"--iterations", &o.iterations},
                                  {"--runs", &o.runs}},
                                 v)) {
      if (!v.empty())
        return fail(v);
    } else if (option("--cache-dir", o.cacheDir)) {
      if (missing || o.cacheDir.empty())
        return fail("--cache-dir needs a directory");
    } else if (option("--json", o.jsonPath)) {
      if (missing || o.jsonPath.empty())
        return fail("--json needs a file name");
    } else if (a == "--no-ort") {
      o.ort = false;
    } else if (option("--ort-script", o.ortScript)) {
      if (missing || o.ortScript.empty())
        return fail("--ort-script needs a file");
    } else if (a == "-o" || a.rfind("-o=", 0) == 0 || a == "--timing-json" ||
               a.rfind("--timing-json=", 0) == 0) {
      return fail("'" + a +
                  "' is not a benchmark option: npu-benchmark "
                  "writes its blobs and timings itself");
    } else if (!a.empty() && a[0] == '-') {
      // A compile option; its value may be the next argument.
      o.compileArgs.push_back(a);
      std::string hint;
      if (option("--perf-hint", hint) && !missing) {
        o.perfHint = hint;
        if (a.find('=') == std::string::npos)
          o.compileArgs.push_back(hint);
      } else if (a.find('=') == std::string::npos && i + 1 < args.size() &&
                 !args[i + 1].empty() && args[i + 1][0] != '-') {
        o.compileArgs.push_back(args[++i]);
      }
    } else {
      return fail("unexpected argument '" + a +
                  "' (the model is given "
                  "with -m)");
    }
  }
  if (o.model.empty())
    return fail("no model given (-m MODEL.onnx or -m MODEL.blob)");
  std::string tooMany = runtime::checkInferRequests(o.requests);
  if (!tooMany.empty())
    return fail(tooMany);
  o.modelIsBlob = llvm::StringRef(o.model).ends_with(".blob");
  if (!o.modelIsBlob && !llvm::StringRef(o.model).ends_with(".onnx"))
    return fail("the model '" + o.model + "' is neither .onnx nor .blob");
  if (o.modelIsBlob && !o.compileArgs.empty())
    return fail("compile options (" + o.compileArgs.front() +
                ") need an .onnx model, not a blob");
  // A blob is not compiled: there is no cache to measure.
  if (o.modelIsBlob && !o.cacheDir.empty())
    return fail("--cache-dir measures a compile's cache hit: it needs an "
                ".onnx model, not a blob");
  // An ONNX model is compiled for the device it runs on: --device implies
  // --target, and the two must agree.
  if (!o.modelIsBlob && !o.device.empty()) {
    std::string target;
    for (size_t i = 0; i < o.compileArgs.size(); ++i)
      matchValueOption(o.compileArgs, i, "--target", target);
    if (target.empty())
      o.compileArgs.push_back("--target=" + o.device);
    else if (target != o.device)
      return fail("--device " + o.device +
                  " cannot run a model compiled with "
                  "--target " +
                  target);
  }
  if (o.perfHint != "latency" && o.perfHint != "throughput")
    return fail("--perf-hint takes latency or throughput, not '" + o.perfHint +
                "'");
  return ParseResult::Run;
}

} // namespace npu::bench
