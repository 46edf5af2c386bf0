//===- ChildProcess.h - Timed runs of the tools npu-benchmark drives -*- C++
//-*-===//
//
// Every measurement runs in a process of its own (npu-compile, npu-run,
// node), so that each starts cold as a user's would; the tools report their
// in-process timings as JSON files, read back here.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TOOLS_NPU_BENCHMARK_CHILDPROCESS_H
#define NPU_TOOLS_NPU_BENCHMARK_CHILDPROCESS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <string>

namespace npu::bench {

/// Runs `program` with `args` (argv[0] is added), stdin from /dev/null,
/// stdout to `stdoutPath` and stderr to `stderrPath`. Returns the process's
/// wall time in milliseconds, or an error naming the command, its exit
/// status and the end of what it printed on stderr.
llvm::Expected<double> runChild(llvm::StringRef program,
                                llvm::ArrayRef<std::string> args,
                                llvm::StringRef stdoutPath,
                                llvm::StringRef stderrPath);

/// Parses the JSON file at `path` (or, with `lastLine`, its last non-empty
/// line: ort-run.js prints one JSON line after anything else).
llvm::Expected<llvm::json::Value> readJsonFile(llvm::StringRef path,
                                               bool lastLine = false);

} // namespace npu::bench

#endif // NPU_TOOLS_NPU_BENCHMARK_CHILDPROCESS_H
