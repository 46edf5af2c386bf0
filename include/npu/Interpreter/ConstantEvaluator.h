//===- ConstantEvaluator.h - Values of constant subexpressions --*- C++ -*-===//
//
// Computes the value of an SSA value whose backward slice contains only
// constants, without changing the IR. The ONNX importer uses it to resolve
// shape-determining inputs (Reshape's shape, Slice's starts, Resize's scales,
// ...), and `npu-fold-constants` to fold constant subexpressions.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_INTERPRETER_CONSTANTEVALUATOR_H
#define NPU_INTERPRETER_CONSTANTEVALUATOR_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Value.h"
#include "mlir/Support/LLVM.h"

namespace npu {

struct ConstantEvaluatorOptions {
  /// Values with more elements than this are not evaluated (the importer
  /// only needs small shape tensors; folding huge tensors bloats the IR).
  int64_t maxElements = 1 << 20;
  /// Ops with an operand of more elements than this are not evaluated either
  /// (a splat constant is small in the IR but not once expanded).
  int64_t maxOperandElements = int64_t(1) << 26;
  /// Nor ops with a splat operand of more elements than this: a splat is a
  /// few bytes in the model, so it bounds how much work and memory a small
  /// file can ask of folding (found by the fuzzer: a ReduceSum of a
  /// 2^28-element ConstantOfShape, 1 GiB expanded). Data stored in full is
  /// bounded by the file's size already.
  int64_t maxSplatOperandElements = int64_t(1) << 22;
};

/// The value of `value` if it is computable from constants alone; failure
/// otherwise (no diagnostic: callers report what they needed it for).
mlir::FailureOr<mlir::DenseElementsAttr>
evaluateConstant(mlir::Value value,
                 const ConstantEvaluatorOptions &options = {});

/// The op's own folder, when it folds every result to a constant (operands
/// that are not constants are null; structural folds such as npu.shape need
/// none).
mlir::FailureOr<llvm::SmallVector<mlir::DenseElementsAttr>>
foldOpToConstants(mlir::Operation *op,
                  llvm::ArrayRef<mlir::Attribute> operands);

/// Evaluates one op on constant operands (null for a non-constant operand):
/// the results as attributes, or failure if an operand is unknown or the op
/// cannot be evaluated.
mlir::FailureOr<llvm::SmallVector<mlir::DenseElementsAttr>>
evaluateOp(mlir::Operation *op, llvm::ArrayRef<mlir::Attribute> operands,
           const ConstantEvaluatorOptions &options = {});

} // namespace npu

#endif // NPU_INTERPRETER_CONSTANTEVALUATOR_H
