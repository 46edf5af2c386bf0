//===- NodeOutputs.cpp - An ONNX model that also outputs chosen nodes -----===//

#include "npu/Import/ONNX/NodeOutputs.h"

#include "NodeNames.h"

#include "npu/Support/Files.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

#include <fstream>

using namespace mlir;

namespace npu {

static bool hasExternalData(const onnx::GraphProto &graph) {
  for (const onnx::TensorProto &t : graph.initializer())
    if (t.data_location() == onnx::TensorProto::EXTERNAL)
      return true;
  for (const onnx::NodeProto &node : graph.node())
    for (const onnx::AttributeProto &a : node.attribute())
      if ((a.has_t() && a.t().data_location() == onnx::TensorProto::EXTERNAL) ||
          (a.has_g() && hasExternalData(a.g())))
        return true;
  return false;
}

LogicalResult writeModelWithNodeOutputs(
    StringRef modelPath, StringRef outPath,
    const std::vector<std::string> &nodes,
    std::map<std::string, std::vector<std::string>> &outputsOfNode,
    std::string &error) {
  outputsOfNode.clear();
  auto buffer = llvm::MemoryBuffer::getFile(modelPath);
  if (!buffer) {
    error = ("cannot read '" + modelPath + "': " + buffer.getError().message())
                .str();
    return failure();
  }
  onnx::ModelProto model;
  if (!model.ParseFromArray((*buffer)->getBufferStart(),
                            int((*buffer)->getBufferSize())) ||
      !model.has_graph()) {
    error = ("'" + modelPath + "' is not an ONNX model").str();
    return failure();
  }
  onnx::GraphProto &graph = *model.mutable_graph();
  if (hasExternalData(graph)) {
    error = ("'" + modelPath +
             "' keeps tensors in external data files; its copy with extra "
             "outputs would not find them")
                .str();
    return failure();
  }
  llvm::StringSet<> wanted;
  for (const std::string &n : nodes)
    wanted.insert(n);
  llvm::StringSet<> listed;
  for (const onnx::ValueInfoProto &o : graph.output())
    listed.insert(o.name());
  for (const onnx::NodeProto &node : graph.node()) {
    std::string name = nodeDisplayName(node);
    if (!wanted.contains(name) || outputsOfNode.count(name))
      continue;
    std::vector<std::string> &outs = outputsOfNode[name];
    for (const std::string &o : node.output()) {
      outs.push_back(o);
      if (!o.empty() && listed.insert(o).second)
        graph.add_output()->set_name(o);
    }
  }
  std::string err;
  if (!createParentDirectories(outPath.str(), err)) {
    error = err;
    return failure();
  }
  std::ofstream out(outPath.str(), std::ios::binary);
  if (!out || !model.SerializeToOstream(&out)) {
    error = ("cannot write '" + outPath + "'").str();
    return failure();
  }
  return success();
}

} // namespace npu
