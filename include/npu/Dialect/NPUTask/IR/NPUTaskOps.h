//===- NPUTaskOps.h - The nputask dialect and its ops -----------*- C++ -*-===//
//
// The addressed task program (the `addressed` stage); see NPUTaskOps.td.
// ProgramConversion.h converts it to and from npu::blob::Program.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPUTASK_IR_NPUTASKOPS_H
#define NPU_DIALECT_NPUTASK_IR_NPUTASKOPS_H

#include "npu/Arch/Hardware.h"
#include "npu/Support/HostTensor.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"

#include "npu/Dialect/NPUTask/IR/NPUTaskEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "npu/Dialect/NPUTask/IR/NPUTaskAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "npu/Dialect/NPUTask/IR/NPUTaskOpsTypes.h.inc"

#include "npu/Dialect/NPUTask/IR/NPUTaskOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "npu/Dialect/NPUTask/IR/NPUTaskOps.h.inc"

#endif // NPU_DIALECT_NPUTASK_IR_NPUTASKOPS_H
