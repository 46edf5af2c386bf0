//===- RunOptions.cpp - npu-run's command line ----------------------------===//
//
// Moved out of npu-run.cpp unchanged, so that fuzz/RunArgsFuzzer.cpp can
// call it: the same messages, in the same order.
//
//===----------------------------------------------------------------------===//

#include "RunOptions.h"

#include "npu/Runtime/Core.h"
#include "npu/Support/Files.h"

#include <cstdlib>
#include <map>

namespace npu::run {

const char *const kUsage =
    "usage: npu-run BLOB [options]\n"
    "       npu-run BLOB --properties [--device D] [--json FILE]\n"
    "       npu-run --list-devices\n"
    "\n"
    "Runs a compiled blob on an NPU device through Level Zero (the simulated\n"
    "NPU 3720 / 4000 unless a real one is usable) and writes its outputs.\n"
    "\n"
    "options:\n"
    "  --device NPU3720|NPU4000  device to run on (default: the blob's "
    "target)\n"
    "  --input NAME=FILE.npy     value of input NAME; give one per input\n"
    "  --output-dir DIR          where outputs are written, as\n"
    "                            DIR/<output name>.npy with characters "
    "outside\n"
    "                            [A-Za-z0-9_.-] (and a leading '.') "
    "replaced\n"
    "                            by '_', cut to 200 characters, then '_1', "
    "'_2',\n"
    "                            ... where another output has that name\n"
    "                            (default: .)\n"
    "  --iterations N            inferences per infer request (default 1)\n"
    "  --requests N              infer requests run in parallel, each from "
    "its\n"
    "                            own thread (default 1, at most 64); all "
    "must\n"
    "                            give the same outputs\n"
    "  --steps N                 run a stream of N inferences on one "
    "request,\n"
    "                            carrying the state variables from one to "
    "the\n"
    "                            next: each --input file holds the N steps\n"
    "                            stacked on its first axis (N times the "
    "input's\n"
    "                            first dimension), each output is written\n"
    "                            stacked the same way\n"
    "  --state-in NAME=FILE.npy  initial value of state variable NAME\n"
    "                            (default zeros)\n"
    "  --state-out DIR           write the state variables' values after "
    "the\n"
    "                            run as DIR/<name>.npy\n"
    "  --trace FILE.json         write the modelled timeline of the last\n"
    "                            inference as a Chrome / Perfetto trace\n"
    "  --profile                 print every task of the last inference on "
    "the\n"
    "                            modelled timeline (engine, start, end "
    "cycles)\n"
    "  --defer-weights           upload the weights at the first inference\n"
    "  --fill-inputs             inputs without --input get generated values\n"
    "                            (floats uniform in [-1, 1), integers 0)\n"
    "  --json FILE               also write the timings (runtime start, load\n"
    "                            and initialisation, first inference, steady\n"
    "                            state) and the modelled latency as JSON\n"
    "  --properties              print the compiled model's and the "
    "device's\n"
    "                            properties (tiles in use, memory in use,\n"
    "                            optimal number of infer requests, GOPS) and\n"
    "                            run nothing; with --json also as JSON\n"
    "  --list-devices            list the NPU devices and their properties\n"
    "  --version                 print the version and exit\n"
    "  -h, --help                this text\n"
    "\n"
    "Options with a value take it as `--opt value` or `--opt=value`;\n"
    "missing directories of --output-dir and --trace are created.\n"
    "Prints the host time per inference and the modelled NPU latency.\n"
    "Exit status: 0 on success, 1 on an error, 2 on a usage error.\n";

ParseResult parseRunArgs(const std::vector<std::string> &args, RunOptions &o,
                         std::string &error) {
  auto fail = [&](const std::string &msg) {
    error = msg;
    return ParseResult::UsageError;
  };
  // Options that take one value: given twice, the first would be dropped
  // without a word.
  static const char *const kSingle[] = {
      "--device",   "--state-out", "--output-dir", "--iterations",
      "--requests", "--steps",     "--trace",      "--json"};
  std::map<std::string, int> given;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    std::string flag = a.substr(0, a.find('='));
    for (const char *single : kSingle)
      if (flag == single)
        ++given[flag];
    // Value options take `--opt value` or `--opt=value`; `missing` is set
    // when one ends the command line.
    bool missing = false;
    auto option = [&](const char *name, std::string &out) {
      OptionMatch m = matchValueOption(args, i, name, out);
      missing = m == OptionMatch::MissingValue;
      return m != OptionMatch::NoMatch;
    };
    std::string v;
    if (a == "-h" || a == "--help") {
      return ParseResult::Help;
    } else if (a == "--version") {
      return ParseResult::Version;
    } else if (a == "--list-devices") {
      o.list = true;
    } else if (option("--device", o.config.device)) {
      if (missing)
        return fail("--device needs NPU3720 or NPU4000");
    } else if (option("--input", v)) {
      std::string name, file;
      if (missing || !splitNameFile(v, name, file))
        return fail("--input takes NAME=FILE.npy");
      o.inputs.push_back({name, file});
    } else if (option("--state-in", v)) {
      std::string name, file;
      if (missing || !splitNameFile(v, name, file))
        return fail("--state-in takes NAME=FILE.npy");
      for (const auto &given : o.stateIn)
        if (given.first == name)
          return fail("state variable '" + name +
                      "' is given twice (--state-in)");
      o.stateIn.push_back({name, file});
    } else if (option("--state-out", o.stateOutDir)) {
      if (missing || o.stateOutDir.empty())
        return fail("--state-out needs a directory");
    } else if (option("--output-dir", o.outDir)) {
      if (missing)
        return fail("--output-dir needs a directory");
    } else if (matchCountOptions(args, i,
                                 {{"--iterations", &o.iterations},
                                  {"--requests", &o.requests},
                                  {"--steps", &o.steps}},
                                 v)) {
      // --requests has a lower limit than other counts.
      if (!v.empty() && v.rfind("--requests", 0) == 0)
        return fail("--requests takes a whole number from 1 to " +
                    std::to_string(runtime::kMaxInferRequests));
      if (!v.empty())
        return fail(v);
    } else if (option("--trace", o.tracePath)) {
      if (missing || o.tracePath.empty())
        return fail("--trace needs a file name");
    } else if (a == "--profile") {
      o.printProfile = true;
    } else if (a == "--defer-weights") {
      o.config.deferWeightsLoad = true;
    } else if (a == "--fill-inputs") {
      o.fillInputs = true;
    } else if (a == "--properties") {
      o.properties = true;
    } else if (option("--json", o.jsonPath)) {
      if (missing || o.jsonPath.empty())
        return fail("--json needs a file name");
    } else if (!a.empty() && a[0] == '-') {
      return fail("unknown option '" + a + "'");
    } else if (o.blobPath.empty()) {
      o.blobPath = a;
    } else {
      return fail("more than one blob given ('" + o.blobPath + "', '" + a +
                  "')");
    }
  }
  std::string repeated;
  for (const auto &[flag, count] : given)
    if (count > 1)
      repeated += (repeated.empty() ? "" : ", ") + flag + " (" +
                  std::to_string(count) + " times)";
  if (!repeated.empty())
    return fail("each of these options takes one value and was given more "
                "than once: " +
                repeated + "; give each once");
  if (!o.list && o.blobPath.empty())
    return fail("no blob given");
  if (o.list && !o.blobPath.empty())
    return fail("--list-devices lists the devices and runs nothing: give it "
                "without a blob ('" +
                o.blobPath + "')");
  std::string tooMany = runtime::checkInferRequests(o.requests);
  if (!tooMany.empty())
    return fail(tooMany);
  if (o.steps > 0 && (o.requests != 1 || o.iterations != 1))
    return fail("--steps runs one stream on one request: it takes neither "
                "--requests nor --iterations");
  return ParseResult::Run;
}

} // namespace npu::run
