//===- Passes.h - Code generation to blobs ----------------------*- C++ -*-===//
//
// The passes of lib/Target/Blob (declared in Passes.td).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TARGET_BLOB_PASSES_H
#define NPU_TARGET_BLOB_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace npu::target {

#define GEN_PASS_DECL
#include "npu/Target/Blob/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "npu/Target/Blob/Passes.h.inc"

} // namespace npu::target

#endif // NPU_TARGET_BLOB_PASSES_H
