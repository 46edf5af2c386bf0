//===- Passes.h - Passes on hardware ops ------------------------*- C++ -*-===//

#ifndef NPU_DIALECT_NPUHW_TRANSFORMS_PASSES_H
#define NPU_DIALECT_NPUHW_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace npu::hw {

#define GEN_PASS_DECL
#include "npu/Dialect/NPUHW/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "npu/Dialect/NPUHW/Transforms/Passes.h.inc"

} // namespace npu::hw

#endif // NPU_DIALECT_NPUHW_TRANSFORMS_PASSES_H
