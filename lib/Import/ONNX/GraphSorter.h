//===- GraphSorter.h - Topological order of ONNX graphs --------*- C++ -*-===//
//
// ONNX requires nodes in topological order, but real files do not always
// follow it. The sorter orders a graph's nodes so that every node comes
// after the producers of its inputs (including the outer-scope values its
// subgraphs read), keeping the file's order where it is already valid. A
// true cycle, or an input that nothing produces, is an error.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_IMPORT_ONNX_GRAPHSORTER_H
#define NPU_LIB_IMPORT_ONNX_GRAPHSORTER_H

#include "ONNXProto.h"

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringSet.h"

#include <functional>

namespace npu::onnx_import {

/// Names a node reads from the enclosing scopes through its subgraph
/// attributes (If/Loop/Scan bodies), transitively.
void collectSubgraphOuterInputs(const onnx::NodeProto &node,
                                llvm::StringSet<> &names);

/// Orders `graph`'s nodes. `available` holds the names defined before any
/// node runs: graph inputs, initializers and outer-scope values.
/// `nodeLoc` locates a node for diagnostics.
mlir::FailureOr<llvm::SmallVector<const onnx::NodeProto *>>
sortGraph(const onnx::GraphProto &graph, const llvm::StringSet<> &available,
          llvm::function_ref<mlir::Location(const onnx::NodeProto &)> nodeLoc);

} // namespace npu::onnx_import

#endif // NPU_LIB_IMPORT_ONNX_GRAPHSORTER_H
