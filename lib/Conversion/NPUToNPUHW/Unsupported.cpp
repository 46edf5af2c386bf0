//===- Unsupported.cpp - Ops that map to no NPU engine, in model terms ----===//
//
// One ONNX node imports as several npu ops (DynamicQuantizeLinear as its
// function body, ConvInteger as casts, subtractions and an int32 conv), so
// the ops that map to no engine are reported once per node, by the node's
// name and ONNX operator, and never by the internal op names a user has not
// seen. Quantization nodes that only compile in the patterns npu-fold-qdq
// rewrites say which patterns those are and what the node feeds instead.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "npu/Dialect/NPU/IR/TensorKeys.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/STLExtras.h"

#include <vector>

using namespace mlir;

namespace npu::lowering {

/// The location of the ONNX node `loc` belongs to: the name whose child
/// holds the node's operator. A decomposed node's ops are named
/// "NAME (suffix)" around it (suffixedLocation), and are reported as the
/// node. Null for ops without one.
NameLoc nodeLocation(Location loc) {
  NameLoc node;
  loc->walk([&](Location l) {
    if (auto named = dyn_cast<NameLoc>(l))
      if (auto fused = dyn_cast<FusedLoc>(named.getChildLoc()))
        if (isa_and_present<StringAttr>(fused.getMetadata())) {
          node = named;
          return WalkResult::interrupt();
        }
    return WalkResult::advance();
  });
  return node;
}

namespace {

/// An ONNX node: name and operator ("" for ops without an ONNX location).
using NodeKey = std::pair<std::string, std::string>;

NodeKey nodeOf(Operation *op) {
  if (NameLoc node = nodeLocation(op->getLoc()))
    return {locationName(node), locationOpType(node)};
  return {locationName(op->getLoc()), locationOpType(op->getLoc())};
}

/// Where a value goes, in the model's terms.
std::string describeUse(OpOperand &use, func::FuncOp func) {
  Operation *owner = use.getOwner();
  if (isa<func::ReturnOp>(owner)) {
    auto name = func.getResultAttrOfType<StringAttr>(use.getOperandNumber(),
                                                     "npu.name");
    return name ? "the graph output '" + name.str() + "'" : "a graph output";
  }
  auto [name, type] = nodeOf(owner);
  if (!type.empty())
    return "node '" + name + "' (" + type + ")";
  return "'" + owner->getName().getStringRef().str() + "'";
}

/// The nodes and graph outputs outside `node` that `ops` (of `node`) feed.
std::string consumersOf(const NodeKey &node, ArrayRef<Operation *> ops,
                        func::FuncOp func) {
  std::vector<std::string> consumers;
  for (Operation *op : ops)
    for (Value r : op->getResults())
      for (OpOperand &use : r.getUses())
        if (isa<func::ReturnOp>(use.getOwner()) ||
            nodeOf(use.getOwner()) != node)
          if (std::string d = describeUse(use, func);
              !llvm::is_contained(consumers, d))
            consumers.push_back(d);
  constexpr size_t kShown = 4;
  std::string text;
  for (size_t i = 0; i < consumers.size() && i < kShown; ++i)
    text += (i ? ", " : "") + consumers[i];
  if (consumers.size() > kShown)
    text += " and " + std::to_string(consumers.size() - kShown) + " more";
  return text;
}

/// Why the quantization nodes that npu-fold-qdq rewrites in known patterns
/// (docs/prequantized.md) did not compile; "" for other operators.
std::string quantizationPatternHelp(const NodeKey &node,
                                    ArrayRef<Operation *> ops,
                                    func::FuncOp func) {
  const std::string &type = node.second;
  std::string feeds = consumersOf(node, ops, func);
  std::string here = feeds.empty() ? "" : "; here it feeds " + feeds;
  if (type == "DynamicQuantizeLinear")
    return "it quantizes with a scale and zero point computed from the data "
           "at run time; the compiler replaces them by the tensor's "
           "calibrated range only where the quantized tensor feeds a "
           "DequantizeLinear, or a ConvInteger / MatMulInteger whose output "
           "is cast to float and multiplied by the scales (as ONNX Runtime's "
           "quantize_dynamic writes it)" +
           here;
  if (type == "ConvInteger" || type == "MatMulInteger")
    return "the NPU runs " + type +
           " as the float op it stands for when its input comes from a "
           "QuantizeLinear or DynamicQuantizeLinear, its weights and zero "
           "points are constant 8-bit tensors (per tensor or per output "
           "channel), and its int32 output is cast to float and multiplied "
           "by the input's scale times the weights' scale (as ONNX Runtime's "
           "quantize_dynamic writes it)" +
           here;
  if (type == "QuantizeLinear" || type == "DequantizeLinear")
    return "the NPU runs a QuantizeLinear -> DequantizeLinear pair whose "
           "scales and zero points are the same constants (a pre-quantized "
           "model's QDQ) as the float tensor quantized with them, and a "
           "DequantizeLinear of a constant as the float constant; a pair of "
           "different parameters, or one of the two alone on an activation, "
           "has no such form" +
           here;
  return "";
}

} // namespace

void reportUnsupported(
    func::FuncOp func,
    ArrayRef<std::pair<Operation *, std::string>> unsupported) {
  // One entry per ONNX node (per op without one), in graph order, with the
  // first reason any of its ops gave.
  struct Entry {
    SmallVector<Operation *> ops;
    std::string reason;
  };
  std::vector<std::pair<NodeKey, Entry>> nodes;
  for (auto &[op, reason] : unsupported) {
    NodeKey key = nodeOf(op);
    auto it = llvm::find_if(nodes, [&](auto &n) { return n.first == key; });
    if (key.second.empty() || it == nodes.end()) {
      nodes.push_back({key, Entry{{op}, reason}});
      continue;
    }
    it->second.ops.push_back(op);
    if (it->second.reason.empty())
      it->second.reason = reason;
  }
  InFlightDiagnostic diag =
      func.emitError() << nodes.size()
                       << " op(s) map to no NPU engine (DPU, SHAVE or DMA); "
                          "nothing runs on the host CPU";
  for (auto &[key, entry] : nodes) {
    std::string reason = entry.reason;
    Operation *first = entry.ops.front();
    std::string what = "'" + first->getName().getStringRef().str() + "'";
    if (!key.second.empty()) {
      what = key.second;
      std::string help = quantizationPatternHelp(key, entry.ops, func);
      if (!help.empty())
        reason = help;
    }
    NameLoc node = nodeLocation(first->getLoc());
    diag.attachNote(node ? Location(node) : first->getLoc())
        << what << " cannot run on the NPU" << (reason.empty() ? "" : ": ")
        << reason;
  }
}

} // namespace npu::lowering
