//===- StateVariables.h - Which graph arguments are state ----*- C++ -*-===//
//
// A stateful model (OpenVINO's ReadValue / Assign pairs, or a recurrent
// model exported with its state as inputs and outputs) has graph inputs
// that take a state variable's value before an inference and graph outputs
// that give its next value. The compiler keeps all of them as graph
// arguments and records the pairs in the blob; the runtime carries the
// values from one inference to the next (docs/state.md).
//
// Pairs come from --state IN=OUT or, without it, from the names (the rules
// are in resolveStateVariables). Both sides must have the same type.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_PIPELINE_STATEVARIABLES_H
#define NPU_PIPELINE_STATEVARIABLES_H

#include "npu/Blob/Program.h"
#include "npu/Pipeline/CompileOptions.h"

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"

#include <string>
#include <vector>

namespace mlir::func {
class FuncOp;
} // namespace mlir::func

namespace npu {

/// A graph input or output as the pairing sees it: two arguments can be a
/// state variable's input and output iff their `type` strings are equal.
struct GraphArg {
  std::string name;
  std::string type;
};

/// The state variables of a graph with `inputs` and `outputs`, in input
/// order, each named after its input.
///
/// With `options.pairs`: exactly those; every IN must be an input and OUT
/// an output, each used once, of the same type, else an error naming both.
///
/// Otherwise, unless `options.autoDetect` is off, input IN pairs with the
/// first output of IN_out, IN.out, IN_next, IN_new and, when IN is X_in or
/// X_prev, X_out, X_next. A name match whose types differ is not state (a
/// warning unless `quiet`); an output two inputs match is an error asking
/// for --state. At least one output must not be state.
///
/// Errors and warnings are printed as "<tool>: error: ...".
mlir::FailureOr<std::vector<blob::StateVar>> resolveStateVariables(
    llvm::ArrayRef<GraphArg> inputs, llvm::ArrayRef<GraphArg> outputs,
    const StateOptions &options, llvm::StringRef tool, bool quiet);

/// The same on a function's signature (its npu.name attributes and tensor
/// types), for the check right after the import.
mlir::FailureOr<std::vector<blob::StateVar>>
resolveStateVariables(mlir::func::FuncOp func, const StateOptions &options,
                      llvm::StringRef tool, bool quiet);

/// The same on a blob program's arguments (dtype, shape, quantization).
mlir::FailureOr<std::vector<blob::StateVar>>
resolveStateVariables(const blob::Program &program, const StateOptions &options,
                      llvm::StringRef tool, bool quiet);

} // namespace npu

#endif // NPU_PIPELINE_STATEVARIABLES_H
