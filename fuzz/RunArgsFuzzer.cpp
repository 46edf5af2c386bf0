//===- RunArgsFuzzer.cpp - libFuzzer target for npu-run's command line ----===//
//
// Splits the input at NUL bytes into arguments and parses them as npu-run
// does (tools/npu-run/RunOptions.cpp). Parsing never touches a file; what it
// accepts must be something npu-run can act on: a blob (or --list-devices),
// counts in range, inputs with a name, and a usage error must say why.
//
//===----------------------------------------------------------------------===//

#include "RunOptions.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace npu::run;

namespace {

[[noreturn]] void fail(const char *what) {
  std::fprintf(stderr, "run-args fuzzer: %s\n", what);
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<std::string> args;
  std::string arg;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(arg);
      arg.clear();
    } else {
      arg += char(data[i]);
    }
  }
  if (size > 0)
    args.push_back(arg);

  RunOptions options;
  std::string error;
  switch (parseRunArgs(args, options, error)) {
  case ParseResult::Help:
  case ParseResult::Version:
    break;
  case ParseResult::UsageError:
    if (error.empty())
      fail("usage error without a message");
    break;
  case ParseResult::Run:
    if (!options.list && options.blobPath.empty())
      fail("accepted without a blob");
    if (options.iterations < 1 || options.iterations > 1000000 ||
        options.requests < 1 || options.requests > 1000000)
      fail("accepted a count out of range");
    for (const auto &in : options.inputs)
      if (in.first.empty())
        fail("accepted an input without a name");
    break;
  }
  return 0;
}
