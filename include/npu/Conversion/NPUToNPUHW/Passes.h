//===- Passes.h - Lowering graph ops to hardware ops ------------*- C++ -*-===//

#ifndef NPU_CONVERSION_NPUTONPUHW_PASSES_H
#define NPU_CONVERSION_NPUTONPUHW_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace npu {

#define GEN_PASS_DECL
#include "npu/Conversion/NPUToNPUHW/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "npu/Conversion/NPUToNPUHW/Passes.h.inc"

} // namespace npu

#endif // NPU_CONVERSION_NPUTONPUHW_PASSES_H
