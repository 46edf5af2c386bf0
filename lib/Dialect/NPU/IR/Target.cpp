//===- Target.cpp - The `npu.target` module attribute ---------------------===//
//
// Reading and writing the module's target, and the dialect's verification of
// `npu.*` attributes on operations (`npu.target` must be a #npu.target on a
// module).
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/Target.h"
#include "npu/Dialect/NPU/IR/NPUDialect.h"
#include "npu/Dialect/NPU/IR/QuantAnnotations.h"

using namespace mlir;

namespace npu {

// The enum's values are arch::Platform's: one cast each way.
static_assert(static_cast<uint32_t>(Target::NPU3720) ==
                  static_cast<uint32_t>(arch::Platform::NPU3720) &&
              static_cast<uint32_t>(Target::NPU4000) ==
                  static_cast<uint32_t>(arch::Platform::NPU4000));

void setTarget(ModuleOp module, arch::Platform platform) {
  module->setAttr(kTargetAttr, TargetAttr::get(module.getContext(),
                                               static_cast<Target>(platform)));
}

FailureOr<arch::Platform> getTarget(ModuleOp module) {
  auto attr = module->getAttrOfType<TargetAttr>(kTargetAttr);
  if (!attr)
    return module.emitError()
           << "the module has no target: expected a '" << kTargetAttr
           << "' attribute such as #npu.target<NPU3720> (npu-compile sets "
              "it right after import)";
  return static_cast<arch::Platform>(attr.getValue());
}

const arch::HardwareDesc *getHardware(Operation *op) {
  auto module = dyn_cast<ModuleOp>(op);
  if (!module)
    module = op->getParentOfType<ModuleOp>();
  if (!module) {
    op->emitError() << "is not inside a module, so it has no target";
    return nullptr;
  }
  FailureOr<arch::Platform> target = getTarget(module);
  if (failed(target))
    return nullptr;
  return &arch::hardware(*target);
}

LogicalResult NPUDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attr) {
  if (attr.getName() != kTargetAttr)
    return verifyQuantAnnotation(attr, [&] { return op->emitOpError(); });
  if (!isa<ModuleOp>(op))
    return op->emitOpError()
           << "'" << kTargetAttr << "' is only allowed on a module";
  if (!isa<TargetAttr>(attr.getValue()))
    return op->emitOpError()
           << "'" << kTargetAttr
           << "' must be a target such as #npu.target<NPU3720>, not "
           << attr.getValue();
  return success();
}

} // namespace npu
