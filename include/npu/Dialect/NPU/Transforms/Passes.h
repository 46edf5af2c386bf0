//===- Passes.h - Graph-level passes on the npu dialect ---------*- C++ -*-===//

#ifndef NPU_DIALECT_NPU_TRANSFORMS_PASSES_H
#define NPU_DIALECT_NPU_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include "npu/Dialect/NPU/IR/NPUOps.h"

namespace npu {

/// The ops npu-fp32-islands keeps in fp32 carry this unit attribute; the
/// lowering runs them as fp32 ACT-SHAVE kernels.
constexpr llvm::StringLiteral kFp32Attr = "npu.fp32";

#define GEN_PASS_DECL
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"

} // namespace npu

#endif // NPU_DIALECT_NPU_TRANSFORMS_PASSES_H
