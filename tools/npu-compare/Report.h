//===- Report.h - npu-compare's table, JSON and HTML report -----*- C++ -*-===//
//
// The comparison of one model's tensors across the float reference (ONNX
// Runtime), the float interpreter on the canonical stage, the interpreter on
// the int8 (or fp16) stage and the blob on the device, as plain data, and
// its three renderings: a text table, JSON, and a self-contained HTML page
// with an inline SVG plot of the similarities along the graph
// (docs/compare.md).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TOOLS_NPU_COMPARE_REPORT_H
#define NPU_TOOLS_NPU_COMPARE_REPORT_H

#include "npu/Support/TensorMetrics.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <string>
#include <vector>

namespace npu::compare {

/// The three comparisons, each of a stage against the one before it.
enum Pair : unsigned {
  FloatVsOrt = 0,      ///< canonical interpreter vs ONNX Runtime
  LoweredVsFloat = 1,  ///< int8 / fp16 interpreter vs canonical interpreter
  DeviceVsLowered = 2, ///< blob on the device vs int8 / fp16 interpreter
  kNumPairs = 3
};

struct Comparison {
  bool present = false; ///< both tensors exist
  TensorMetrics metrics;
  /// Why it is absent ("fused into the next DPU task", "no ONNX output",
  /// ...) or why it could not be compared.
  std::string note;
  bool broken = false; ///< breaks the pair's tolerance
};

struct TensorRow {
  std::string key;        ///< the tensor's key (ONNX node name)
  std::string onnxTensor; ///< the ONNX tensor it holds ("" if unknown)
  std::string op;         ///< the canonical op (npu.conv, ...)
  std::vector<int64_t> shape;
  std::array<Comparison, kNumPairs> pairs;
};

struct Tolerances {
  double floatMinCosine = 0.9999;
  double loweredMinCosine = 0.99;
  // Device vs the lowered stage: bit-exact by design.
};

struct Report {
  std::string model;
  std::string lowered = "int8"; ///< the lowered stage's name
  std::string target;
  bool withOrt = true;
  Tolerances tolerances;
  std::vector<TensorRow> rows; ///< graph order
  /// Index in `rows` of the first tensor breaking each pair's tolerance, or
  /// -1.
  std::array<int, kNumPairs> firstBroken = {-1, -1, -1};
  /// Wall time of each step, in seconds, in order.
  std::vector<std::pair<std::string, double>> seconds;
};

/// "ONNX Runtime vs canonical" style title of a pair.
std::string pairTitle(const Report &report, Pair pair);
/// Marks broken comparisons against the tolerances and fills firstBroken.
void applyTolerances(Report &report);
void printTable(llvm::raw_ostream &os, const Report &report);
llvm::json::Value toJson(const Report &report);
void writeHtml(llvm::raw_ostream &os, const Report &report);

} // namespace npu::compare

#endif // NPU_TOOLS_NPU_COMPARE_REPORT_H
