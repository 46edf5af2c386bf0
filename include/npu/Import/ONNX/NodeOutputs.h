//===- NodeOutputs.h - An ONNX model that also outputs chosen nodes -*- C++
//-*-===//
//
// For comparisons with ONNX Runtime (npu-compare): a copy of a model whose
// graph also lists the outputs of chosen nodes as graph outputs (by name
// only, without types, which ONNX Runtime infers), so that a run returns
// those intermediate tensors too.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_IMPORT_ONNX_NODEOUTPUTS_H
#define NPU_IMPORT_ONNX_NODEOUTPUTS_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>
#include <vector>

namespace npu {

/// Reads the ONNX model at `modelPath` and writes to `outPath` a copy whose
/// main graph also outputs every output of the nodes named in `nodes`
/// (nodes of the main graph only; a node without a name by its first
/// output's, as the importer names it). `outputsOfNode` receives, for each
/// named node found, its output tensor names in order (an unused optional
/// output is ""). Fails with `error` set when the model cannot be read or
/// written, or keeps tensors in external data files (the copy would not find
/// them).
mlir::LogicalResult writeModelWithNodeOutputs(
    llvm::StringRef modelPath, llvm::StringRef outPath,
    const std::vector<std::string> &nodes,
    std::map<std::string, std::vector<std::string>> &outputsOfNode,
    std::string &error);

} // namespace npu

#endif // NPU_IMPORT_ONNX_NODEOUTPUTS_H
