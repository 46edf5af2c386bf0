//===- Registration.h - Registering the project's dialects and passes ----===//
//
// One place that knows every dialect and pass of the compiler, used by
// npu-opt, npu-compile and the tests.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_PIPELINE_REGISTRATION_H
#define NPU_PIPELINE_REGISTRATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace npu {

/// Adds the npu dialect and the upstream dialects the compiler uses (func,
/// quant) to `registry`.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers every pass and pipeline of the project with the global pass
/// registry (for npu-opt's command line).
void registerAllPasses();

} // namespace npu

#endif // NPU_PIPELINE_REGISTRATION_H
