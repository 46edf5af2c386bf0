//===- GraphSorter.cpp - Topological order of ONNX graphs -----------------===//
//
// Kahn's algorithm with a min-heap on the file position, so that a graph
// already in topological order keeps its order exactly.
//
//===----------------------------------------------------------------------===//

#include "GraphSorter.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <queue>

using namespace mlir;

namespace npu::onnx_import {

static void collectGraphOuterInputs(const onnx::GraphProto &graph,
                                    llvm::StringSet<> &names) {
  llvm::StringSet<> local;
  for (const auto &input : graph.input())
    local.insert(input.name());
  for (const auto &init : graph.initializer())
    local.insert(init.name());
  for (const auto &node : graph.node())
    for (const auto &output : node.output())
      local.insert(output);
  llvm::StringSet<> used;
  for (const auto &node : graph.node()) {
    for (const auto &input : node.input())
      if (!input.empty())
        used.insert(input);
    collectSubgraphOuterInputs(node, used);
  }
  for (const auto &output : graph.output())
    used.insert(output.name());
  for (const auto &entry : used)
    if (!local.contains(entry.getKey()))
      names.insert(entry.getKey());
}

void collectSubgraphOuterInputs(const onnx::NodeProto &node,
                                llvm::StringSet<> &names) {
  for (const auto &attr : node.attribute()) {
    if (attr.has_g())
      collectGraphOuterInputs(attr.g(), names);
    for (const auto &g : attr.graphs())
      collectGraphOuterInputs(g, names);
  }
}

FailureOr<SmallVector<const onnx::NodeProto *>>
sortGraph(const onnx::GraphProto &graph, const llvm::StringSet<> &available,
          llvm::function_ref<Location(const onnx::NodeProto &)> nodeLoc) {
  int n = graph.node_size();
  llvm::StringMap<int> producer;
  for (int i = 0; i < n; ++i)
    for (const auto &output : graph.node(i).output()) {
      if (output.empty())
        continue;
      auto [it, inserted] = producer.try_emplace(output, i);
      if (!inserted) {
        emitError(nodeLoc(graph.node(i)))
            << "output '" << output << "' is also produced by node '"
            << graph.node(it->second).name() << "' ("
            << graph.node(it->second).op_type()
            << "); ONNX tensor names must be unique";
        return failure();
      }
    }

  SmallVector<SmallVector<int>> users(n), producers(n);
  SmallVector<int> pending(n, 0);
  for (int i = 0; i < n; ++i) {
    const auto &node = graph.node(i);
    llvm::StringSet<> deps;
    for (const auto &input : node.input())
      if (!input.empty())
        deps.insert(input);
    collectSubgraphOuterInputs(node, deps);
    for (const auto &entry : deps) {
      StringRef name = entry.getKey();
      auto it = producer.find(name);
      if (it != producer.end()) {
        if (it->second == i) {
          emitError(nodeLoc(node))
              << "the node reads its own output '" << name << "'";
          return failure();
        }
        users[it->second].push_back(i);
        producers[i].push_back(it->second);
        ++pending[i];
        continue;
      }
      if (!available.contains(name)) {
        emitError(nodeLoc(node))
            << "input '" << name
            << "' is neither a graph input, an initializer nor the output "
               "of any node";
        return failure();
      }
    }
  }

  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < n; ++i)
    if (pending[i] == 0)
      ready.push(i);
  SmallVector<const onnx::NodeProto *> order;
  order.reserve(n);
  while (!ready.empty()) {
    int i = ready.top();
    ready.pop();
    order.push_back(&graph.node(i));
    for (int user : users[i])
      if (--pending[user] == 0)
        ready.push(user);
  }
  if (static_cast<int>(order.size()) != n) {
    // Every unordered node waits for an unordered producer: walking back
    // through those n times is certain to end inside a cycle.
    int node = 0;
    while (pending[node] == 0)
      ++node;
    for (int step = 0; step < n; ++step)
      for (int p : producers[node])
        if (pending[p] != 0) {
          node = p;
          break;
        }
    emitError(nodeLoc(graph.node(node)))
        << "the graph has a cycle through this node ("
        << (n - static_cast<int>(order.size())) << " nodes cannot be ordered)";
    return failure();
  }
  return order;
}

} // namespace npu::onnx_import
