//===- DebugTensors.cpp - Exposed and corrupted tensors of debug builds ---===//
//
// `npu-lower-to-hw expose=...` (npu-compile --expose-tensors) adds tensors
// of the graph as extra function results, so that code generation writes
// them to extra blob outputs and npu-compare can read the device's
// intermediate values; `debug-corrupt=KEY` (the hidden
// --debug-corrupt-tensor, for npu-compare's own tests) marks the DPU task
// computing a tensor so that code generation perturbs it. Both only add:
// the exposed values are converted back to the ONNX shape and type after
// the whole graph is lowered, by the same path as a graph output, so no op
// of the graph computes differently.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/TensorKeys.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"

#include "npu/Support/NameList.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace npu::lowering {

LogicalResult selectDebugTensors(func::FuncOp func,
                                 ArrayRef<std::string> expose,
                                 StringRef corrupt, DebugTensors &selected) {
  selected = DebugTensors();
  if (expose.empty() && corrupt.empty())
    return success();
  bool all = llvm::is_contained(expose, "all");
  llvm::StringMap<Value> byKey;
  std::vector<KeyedTensor> keyed = collectTensorKeys(func);
  for (const KeyedTensor &t : keyed)
    byKey[t.key] = t.value;
  auto unknown = [&](StringRef name) {
    // Channel equalization rescales a tensor and renames it "NAME
    // (equalized)" (npu-equalize-channels): it no longer holds NAME.
    std::string renamed = (name + " (equalized)").str();
    if (byKey.count(renamed))
      return func.emitError()
             << "tensor '" << name
             << "' is not computed as such: channel equalization rescaled its "
                "channels (it is '"
             << renamed
             << "', which can be exposed under that name; or compile with "
                "--equalize-channels=false)";
    // One node of sibling MatMuls fused into one (found by a fresh user:
    // npu-compare lists them by node).
    for (const KeyedTensor &t : keyed)
      if (t.op && !isa<ConstantOp>(t.op) && namesFusedSibling(t.key, name))
        return func.emitError()
               << "no tensor named '" << escapeListName(name.str())
               << "': it is computed in one DPU layer with its sibling "
                  "MatMuls, '"
               << escapeListName(t.key)
               << "', which can be exposed (their results side by side)";
    // A name with a comma, split by the list: the option reads it as
    // "NAME\,REST".
    for (const KeyedTensor &t : keyed)
      if (t.op && !isa<ConstantOp>(t.op) &&
          StringRef(t.key).starts_with((name + ",").str()))
        return func.emitError()
               << "no tensor named '" << escapeListName(name.str())
               << "', but there is '" << escapeListName(t.key)
               << "': a comma in a name is written as \\, (the list "
                  "splits at the others)";
    std::string some;
    int shown = 0;
    for (const KeyedTensor &t : keyed) {
      if (!t.op || isa<ConstantOp>(t.op))
        continue;
      if (shown++ == 5) {
        some += ", ...";
        break;
      }
      some += (some.empty() ? "" : ", ") + escapeListName(t.key);
    }
    return func.emitError()
           << "no tensor named '" << escapeListName(name.str())
           << "' (tensors are named by ONNX node, a comma in a name written "
              "as \\,: "
           << some
           << "; a node fused into another op, such as the inside of a "
              "written-out layer norm, GELU or hard-swish, or a batch norm "
              "folded into its convolution, has no tensor of its own)";
  };
  if (all) {
    if (expose.size() > 1)
      return func.emitError()
             << "expose takes 'all' or a list of tensor names, not both";
    for (const KeyedTensor &t : keyed)
      if (t.op && !isa<ConstantOp>(t.op))
        selected.exposed.push_back({t.value, t.key});
  } else {
    // Every name that is no tensor is said, not only the first (found by
    // a fresh user).
    llvm::StringSet<> seen;
    bool ok = true;
    for (const std::string &name : expose) {
      auto it = byKey.find(name);
      if (it == byKey.end()) {
        if (seen.insert(name).second)
          ok &= succeeded(unknown(name));
        continue;
      }
      if (seen.insert(name).second)
        selected.exposed.push_back({it->second, name});
    }
    if (!ok)
      return failure();
  }
  selected.warnSkipped = !all;
  if (!corrupt.empty()) {
    auto it = byKey.find(corrupt);
    if (it == byKey.end())
      return unknown(corrupt);
    selected.corrupted = {it->second, corrupt.str()};
  }
  return success();
}

void DebugTensors::replace(Value from, Value to) {
  for (auto &[value, key] : exposed)
    if (value == from)
      value = to;
  if (corrupted.first == from)
    corrupted.first = to;
}

bool DebugTensors::selects(Value v) const {
  if (corrupted.first == v)
    return true;
  return llvm::any_of(exposed, [&](const auto &e) { return e.first == v; });
}

/// The lowered value of `old` if a device buffer holds it, else null.
static Value loweredValue(Lowering &l, Value old) {
  if (!old || old.getDefiningOp<ConstantOp>())
    return Value();
  // An fp32 island's value (or the exact f32 form of an f16 one).
  if (Value v = l.f32Forms.lookup(old))
    return v;
  if (Value v = l.map.lookupOrNull(old))
    return v;
  if (!l.cachedHWC(old))
    return Value();
  return l.get(old);
}

LogicalResult exposeTensors(Lowering &l, func::FuncOp func,
                            const DebugTensors &selected) {
  if (selected.exposed.empty())
    return success();
  Block &body = func.getBody().front();
  Operation *ret = body.getTerminator();
  // Graph arguments are named apart from tensors: an input already is on
  // the host, and a second graph argument of the same name is refused.
  llvm::StringSet<> names, inputs;
  for (unsigned i = 0; i < func.getNumResults(); ++i)
    if (auto name = func.getResultAttrOfType<StringAttr>(i, "npu.name"))
      names.insert(name.getValue());
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    if (auto name = func.getArgAttrOfType<StringAttr>(i, "npu.name"))
      inputs.insert(name.getValue());
  MLIRContext *ctx = func.getContext();
  for (const auto &[old, key] : selected.exposed) {
    if (names.contains(key) || inputs.contains(key)) {
      if (selected.warnSkipped)
        emitWarning(old.getLoc())
            << "tensor '" << key << "' is not exposed: a graph "
            << (inputs.contains(key) ? "input" : "output") << " has that name";
      continue;
    }
    Value v = loweredValue(l, old);
    if (!v) {
      if (selected.warnSkipped)
        emitWarning(old.getLoc())
            << "tensor '" << key
            << "' is not exposed: no device buffer holds it (it is fused "
               "into the task of an op next to it)";
      continue;
    }
    l.b.setInsertionPoint(ret);
    auto want = cast<RankedTensorType>(old.getType());
    if (v.getType() != want)
      v = l.shave(old.getLoc(), "convert", {v}, want);
    unsigned index = func.getNumResults();
    if (failed(func.insertResult(
            index, want,
            DictionaryAttr::get(
                ctx, {NamedAttribute(StringAttr::get(ctx, "npu.name"),
                                     StringAttr::get(ctx, key))}))))
      return emitError(old.getLoc())
             << "cannot add '" << key << "' as an output of the function";
    ret->insertOperands(ret->getNumOperands(), v);
    names.insert(key);
  }
  return success();
}

LogicalResult markCorrupted(Lowering &l, const DebugTensors &selected) {
  const auto &[old, key] = selected.corrupted;
  if (!old)
    return success();
  Value v = l.quantForms.lookup(old);
  if (!v)
    v = loweredValue(l, old);
  // Back through data movement and conversions to the DPU task (the first
  // part of a concatenation: a grouped convolution's first group).
  while (v) {
    Operation *def = v.getDefiningOp();
    if (!def)
      break;
    if (isa<hw::DpuConvOp, hw::DpuEltwiseOp>(def)) {
      def->setAttr("npu.debug_corrupt", UnitAttr::get(def->getContext()));
      return success();
    }
    auto shave = dyn_cast<hw::ShaveOp>(def);
    bool passThrough = isa<ReshapeOp, TransposeOp, SliceOp, ConcatOp>(def) ||
                       (shave && (shave.getKernel() == "dequantize" ||
                                  shave.getKernel() == "convert" ||
                                  shave.getKernel() == "quantize"));
    if (!passThrough || def->getNumOperands() == 0)
      break;
    v = def->getOperand(0);
  }
  return emitError(old.getLoc())
         << "debug-corrupt: tensor '" << key
         << "' is not computed by a DPU task on the device";
}

} // namespace npu::lowering
