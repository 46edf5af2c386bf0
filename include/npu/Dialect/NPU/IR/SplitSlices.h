//===- SplitSlices.h - A split as slices of its input ------------*- C++
//-*-===//
//
// A split is one strided copy per part: npu-fold-qdq makes the parts slices
// so that each can carry its pair's parameters, the lowering so that each
// becomes a DMA.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPU_IR_SPLITSLICES_H
#define NPU_DIALECT_NPU_IR_SPLITSLICES_H

#include "npu/Dialect/NPU/IR/NPUOps.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

namespace npu {

/// Replaces `split` by one npu.slice of its input per part (the part's
/// offset along the axis, unit steps), in part order: each part's uses move
/// to its slice, then `each(part, slice)` runs (for attributes or maps keyed
/// by the part); the split is erased, or with `erase` false left in place
/// without uses (the caller removes it). Returns the slices' results.
llvm::SmallVector<mlir::Value> replaceSplitBySlices(
    SplitOp split,
    llvm::function_ref<void(mlir::OpResult, SliceOp)> each = nullptr,
    bool erase = true);

} // namespace npu

#endif // NPU_DIALECT_NPU_IR_SPLITSLICES_H
