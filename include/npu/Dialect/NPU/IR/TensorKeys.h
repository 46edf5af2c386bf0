//===- TensorKeys.h - Names of a function's tensors by ONNX node -*- C++
//-*-===//
//
// Every float tensor of a function of npu ops has a key, the name the
// calibration table, `npu-compile --expose-tensors` and `npu-compare` use
// for it (docs/calibration.md, "Tensor keys"): an argument's `npu.name`
// (or argN), an op result's ONNX node name (the first NameLoc of its
// location), with `#i` for result i > 0 and `#2`, `#3`, ... for repeated
// names (the plain name for the one op of a decomposed node whose result
// leaves its ops). Locations also say which ONNX node's output a value holds
// after ops were merged (the last NameLoc: a convolution with a batch norm
// folded into it holds the batch norm's output).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPU_IR_TENSORKEYS_H
#define NPU_DIALECT_NPU_IR_TENSORKEYS_H

#include "mlir/IR/Location.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <string>
#include <vector>

namespace npu {

/// One keyed tensor: a function argument (op == null, index = argument
/// number) or result `index` of `op`.
struct KeyedTensor {
  mlir::Value value;
  mlir::Operation *op = nullptr;
  unsigned index = 0;
  std::string key;
};

/// The float (ranked tensor of float) arguments and op results of `func`
/// (nested regions included), in graph order: arguments first, then ops in
/// a pre-order walk, each op's results in order. Keys are unique.
std::vector<KeyedTensor> collectTensorKeys(mlir::FunctionOpInterface func);

/// The ONNX node name of a location: its first NameLoc (the importer's
/// NameLoc("node", ...); merged ops carry fused locations, whose first name
/// is the op that was kept), or "" without one.
std::string locationName(mlir::Location loc);

/// `loc` renamed "NAME (suffix)", NAME its locationName (with `loc` kept
/// inside), for an op a rewrite makes in place of or beside the named one
/// (npu-compare keys its tensor apart); `loc` itself when it names nothing.
mlir::Location suffixedLocation(mlir::Location loc, llvm::StringRef suffix);

/// The ONNX operator of the node locationName names (the importer's
/// NameLoc("node", FusedLoc<"OpType">[file])), or "" without one.
std::string locationOpType(mlir::Location loc);

/// The ONNX node whose output a value located at `loc` holds: the last
/// NameLoc of the location (a pass that folds a node B into an op A gives
/// the result FusedLoc[A, B]), or "" without one.
std::string heldNodeName(mlir::Location loc);

} // namespace npu

#endif // NPU_DIALECT_NPU_IR_TENSORKEYS_H
