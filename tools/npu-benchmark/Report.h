//===- Report.h - npu-benchmark's table and JSON ----------------*- C++ -*-===//
//
// The medians of the runs as a table on stdout and as JSON for machines
// (the keys are documented in docs/benchmark.md).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TOOLS_NPU_BENCHMARK_REPORT_H
#define NPU_TOOLS_NPU_BENCHMARK_REPORT_H

#include "Benchmark.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace npu::bench {

llvm::json::Value reportJson(const BenchmarkOptions &options,
                             const Results &results);

void printTable(llvm::raw_ostream &os, const BenchmarkOptions &options,
                const Results &results);

} // namespace npu::bench

#endif // NPU_TOOLS_NPU_BENCHMARK_REPORT_H
