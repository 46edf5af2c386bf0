//===- TensorKeys.cpp - Names of a function's tensors by ONNX node --------===//

#include "npu/Dialect/NPU/IR/TensorKeys.h"

#include "npu/Dialect/NPU/IR/NPUOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <functional>
#include <optional>

using namespace mlir;

namespace npu {

namespace {
/// The argument and result attribute holding the ONNX tensor name (the
/// importer's kONNXNameAttr; the dialect does not depend on the importer).
constexpr StringLiteral kNameAttr = "npu.name";

bool isFloatTensor(Type type) {
  auto shaped = dyn_cast<RankedTensorType>(type);
  return shaped && isa<FloatType>(shaped.getElementType());
}

/// A cast between f16 and f32 (npu-widen-float16's, at a float16 model's
/// inputs and outputs): its result holds its operand's ONNX tensor.
bool isHalfSingleCast(Operation *op) {
  auto castOp = dyn_cast_if_present<CastOp>(op);
  return castOp && castOp.isHalfSingleConversion();
}
} // namespace

std::string locationName(Location loc) {
  std::string name;
  loc->walk([&](Location l) {
    if (auto named = dyn_cast<NameLoc>(l)) {
      name = named.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name;
}

Location suffixedLocation(Location loc, llvm::StringRef suffix) {
  std::string name = locationName(loc);
  if (name.empty())
    return loc;
  return NameLoc::get(
      StringAttr::get(loc.getContext(), name + " (" + suffix.str() + ")"), loc);
}

std::string locationOpType(Location loc) {
  std::string type;
  loc->walk([&](Location l) {
    // The first name whose child records the type: a suffixed name ("NAME
    // (equalized)", suffixedLocation) wraps the importer's.
    if (auto named = dyn_cast<NameLoc>(l))
      if (auto fused = dyn_cast<FusedLoc>(named.getChildLoc()))
        if (auto t = dyn_cast_if_present<StringAttr>(fused.getMetadata())) {
          type = t.str();
          return WalkResult::interrupt();
        }
    return WalkResult::advance();
  });
  return type;
}

std::string heldNodeName(Location loc) {
  std::string name;
  // Only the outermost NameLocs count: a NameLoc's child is the file.
  std::function<void(Location)> visit = [&](Location l) {
    if (auto named = dyn_cast<NameLoc>(l))
      name = named.getName().str();
    else if (auto fused = dyn_cast<FusedLoc>(l))
      for (Location part : fused.getLocations())
        visit(part);
    else if (auto callSite = dyn_cast<CallSiteLoc>(l))
      visit(callSite.getCallee());
  };
  visit(loc);
  return name;
}

std::vector<KeyedTensor> collectTensorKeys(FunctionOpInterface func) {
  std::vector<KeyedTensor> tensors;
  llvm::DenseMap<Operation *, unsigned> order;
  func->walk<WalkOrder::PreOrder>(
      [&](Operation *op) { order[op] = order.size(); });
  // The location name; for an unnamed constant (weights folded by
  // canonicalization) "USER:N", operand N of its first user in graph
  // order; else the op name.
  auto baseKey = [&](Operation *op) -> std::string {
    std::string name = locationName(op->getLoc());
    if (!name.empty())
      return name;
    OpOperand *first = nullptr;
    if (isa<ConstantOp>(op))
      for (OpOperand &use : op->getUses())
        if (!first || std::make_pair(order.lookup(use.getOwner()),
                                     use.getOperandNumber()) <
                          std::make_pair(order.lookup(first->getOwner()),
                                         first->getOperandNumber()))
          first = &use;
    if (!first)
      return op->getName().getStringRef().str();
    std::string user = locationName(first->getOwner()->getLoc());
    if (user.empty())
      user = first->getOwner()->getName().getStringRef().str();
    return user + ":" + std::to_string(first->getOperandNumber());
  };
  llvm::StringSet<> used;
  auto unique = [&](const std::string &base,
                    ArrayRef<unsigned> results) -> std::string {
    for (unsigned k = 1;; ++k) {
      std::string candidate = k == 1 ? base : base + "#" + std::to_string(k);
      bool free = llvm::all_of(results, [&](unsigned i) {
        return !used.contains(i == 0 ? candidate
                                     : candidate + "#" + std::to_string(i));
      });
      if (free)
        return candidate;
    }
  };
  auto argumentName = [&](BlockArgument arg) {
    auto name =
        func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), kNameAttr);
    return name ? name.str() : "arg" + std::to_string(arg.getArgNumber());
  };
  // A float16 model's tensor read or returned through a cast to or from
  // f32 is keyed once: an argument read only through such casts by its
  // cast's result, under the argument's name; a cast returned only, not
  // at all (its operand holds the tensor).
  auto readThroughCasts = [](BlockArgument arg) {
    return !arg.use_empty() && llvm::all_of(arg.getUsers(), isHalfSingleCast);
  };
  auto returnedOnly = [](Operation *op) {
    return isHalfSingleCast(op) && !op->use_empty() &&
           llvm::all_of(op->getUsers(), [](Operation *user) {
             return user->hasTrait<OpTrait::IsTerminator>();
           });
  };
  for (BlockArgument arg : func.getArguments()) {
    if (!isFloatTensor(arg.getType()) || readThroughCasts(arg))
      continue;
    std::string base = argumentName(arg);
    KeyedTensor t;
    t.value = arg;
    t.index = arg.getArgNumber();
    t.key = unique(base, {0});
    used.insert(t.key);
    tensors.push_back(std::move(t));
  }
  // The keyed ops, in graph order, with their float results and base key.
  struct KeyedOp {
    Operation *op;
    SmallVector<unsigned> results;
    std::string base;
  };
  std::vector<KeyedOp> keyedOps;
  func->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op == func.getOperation() || returnedOnly(op))
      return;
    SmallVector<unsigned> results;
    for (OpResult r : op->getResults())
      if (isFloatTensor(r.getType()))
        results.push_back(r.getResultNumber());
    if (results.empty())
      return;
    auto arg = isHalfSingleCast(op) ? dyn_cast<BlockArgument>(op->getOperand(0))
                                    : BlockArgument();
    bool entry = arg && arg.getOwner()->isEntryBlock() &&
                 arg.getOwner()->getParentOp() == func.getOperation();
    keyedOps.push_back({op, results, entry ? argumentName(arg) : baseKey(op)});
  });
  // A node a pass decomposed leaves several ops of its name; the one whose
  // result leaves them (read by another op or returned) holds the node's
  // output and takes the name itself, the others #2, #3, ... in graph
  // order (a strided 1-d convolution as slices, matmuls and adds: the last
  // one, not the first slice of the input). With several such ops (a node
  // duplicated for two readers) the first in graph order does.
  // Groups by base key, in graph order of their first op (keyedOps
  // indices).
  llvm::StringMap<SmallVector<size_t>> byBase;
  std::vector<StringRef> bases;
  for (auto [i, k] : llvm::enumerate(keyedOps)) {
    SmallVector<size_t> &group = byBase[k.base];
    if (group.empty())
      bases.push_back(byBase.find(k.base)->first());
    group.push_back(i);
  }
  llvm::DenseMap<Operation *, std::string> reserved;
  for (StringRef base : bases) {
    const SmallVector<size_t> &group = byBase[base];
    if (group.size() < 2)
      continue;
    llvm::SmallPtrSet<Operation *, 8> members;
    for (size_t i : group)
      members.insert(keyedOps[i].op);
    std::optional<size_t> exit;
    unsigned exits = 0;
    for (size_t i : group)
      if (llvm::any_of(keyedOps[i].op->getUsers(), [&](Operation *user) {
            return !members.contains(user);
          })) {
        exit = i;
        ++exits;
      }
    if (exits != 1 || *exit == group.front())
      continue;
    const KeyedOp &k = keyedOps[*exit];
    std::string key = unique(k.base, k.results);
    for (unsigned i : k.results)
      used.insert(i == 0 ? key : key + "#" + std::to_string(i));
    reserved[k.op] = std::move(key);
  }
  for (const KeyedOp &k : keyedOps) {
    Operation *op = k.op;
    const SmallVector<unsigned> &results = k.results;
    auto it = reserved.find(op);
    std::string base =
        it != reserved.end() ? it->second : unique(k.base, results);
    for (unsigned i : results) {
      KeyedTensor t;
      t.value = op->getResult(i);
      t.op = op;
      t.index = i;
      t.key = i == 0 ? base : base + "#" + std::to_string(i);
      used.insert(t.key);
      tensors.push_back(std::move(t));
    }
  }
  return tensors;
}

} // namespace npu
