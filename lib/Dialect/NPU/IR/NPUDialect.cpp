//===- NPUDialect.cpp - The npu dialect and its generated definitions ----===//

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/QuantAnnotations.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace npu;

#include "npu/Dialect/NPU/IR/NPUEnums.cpp.inc"
#include "npu/Dialect/NPU/IR/NPUOpsDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "npu/Dialect/NPU/IR/NPUAttrs.cpp.inc"

void NPUDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "npu/Dialect/NPU/IR/NPUOps.cpp.inc"
      >();
}

void NPUDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "npu/Dialect/NPU/IR/NPUAttrs.cpp.inc"
      >();
}

/// `npu.default` on a function argument: the value an optional input takes
/// when none is given (an ONNX initializer that is also a graph input).
LogicalResult NPUDialect::verifyRegionArgAttribute(Operation *op, unsigned,
                                                   unsigned argIndex,
                                                   NamedAttribute attr) {
  if (attr.getName() != kDefaultValueAttr)
    return verifyQuantAnnotation(attr, [&] {
      return op->emitOpError() << "argument " << argIndex << ": ";
    });
  auto func = dyn_cast<FunctionOpInterface>(op);
  auto value = dyn_cast<ElementsAttr>(attr.getValue());
  if (!func || !value)
    return op->emitError("npu.default must be an elements attribute on a "
                         "function argument");
  Type argType = func.getArgumentTypes()[argIndex];
  if (value.getType() != argType)
    return op->emitError("npu.default of argument ")
           << argIndex << " is " << value.getType() << ", the argument is "
           << argType;
  return success();
}

Operation *NPUDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}

#define GET_OP_CLASSES
#include "npu/Dialect/NPU/IR/NPUOps.cpp.inc"
