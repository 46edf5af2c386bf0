//===- NPUHWDialect.cpp - The npuhw dialect and its generated definitions -===//

#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <cstdint>

using namespace mlir;
using namespace npu::hw;

#include "npu/Dialect/NPUHW/IR/NPUHWEnums.cpp.inc"
#include "npu/Dialect/NPUHW/IR/NPUHWOpsDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "npu/Dialect/NPUHW/IR/NPUHWAttrs.cpp.inc"

void NPUHWDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "npu/Dialect/NPUHW/IR/NPUHWAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "npu/Dialect/NPUHW/IR/NPUHWOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "npu/Dialect/NPUHW/IR/NPUHWOps.cpp.inc"
