//===- NPUHWOps.h - The npuhw dialect and its ops ---------------*- C++ -*-===//
//
// Hardware ops (DPU and ACT-SHAVE tasks on whole tensors); see NPUHWOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPUHW_IR_NPUHWOPS_H
#define NPU_DIALECT_NPUHW_IR_NPUHWOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "llvm/ADT/APFloat.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include <climits>
#include <cmath>

#include "npu/Dialect/NPUHW/IR/NPUHWEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "npu/Dialect/NPUHW/IR/NPUHWAttrs.h.inc"

#include "npu/Dialect/NPUHW/IR/NPUHWOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h.inc"

#endif // NPU_DIALECT_NPUHW_IR_NPUHWOPS_H
