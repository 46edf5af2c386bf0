//===- Target.h - The NPU generation a module is compiled for ---*- C++ -*-===//
//
// The target is recorded once per module as the typed attribute
// `npu.target = #npu.target<NPU3720>`, set by the compile pipeline right after
// import. Passes read the hardware description (tiles, CMX size, ...) from it
// through getHardware(), so that no pass takes the target as an option.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPU_IR_TARGET_H
#define NPU_DIALECT_NPU_IR_TARGET_H

#include "npu/Arch/Hardware.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

namespace npu {

/// The module attribute holding the target.
constexpr llvm::StringLiteral kTargetAttr = "npu.target";

/// Records `platform` as the module's target (replacing any previous one).
void setTarget(mlir::ModuleOp module, arch::Platform platform);

/// The module's target. Emits an error at the module if it has none.
mlir::FailureOr<arch::Platform> getTarget(mlir::ModuleOp module);

/// The hardware description of the target of the module enclosing `op` (or
/// of `op` itself if it is a module). Emits an error at `op` and returns
/// null if there is no target.
const arch::HardwareDesc *getHardware(mlir::Operation *op);

} // namespace npu

#endif // NPU_DIALECT_NPU_IR_TARGET_H
