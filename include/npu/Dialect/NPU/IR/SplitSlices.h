//===- SplitSlices.h - Splits as slices, channel cuts -----------*- C++ -*-===//
//
// A split is one strided copy per part: npu-fold-qdq makes the parts slices
// so that each can carry its pair's parameters, the lowering so that each
// becomes a DMA. Which concats, splits and slices cut a [N, C, H, W] map
// along its channels only (npu-calibrate's channel joins, the int8
// lowering's channel moves).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPU_IR_SPLITSLICES_H
#define NPU_DIALECT_NPU_IR_SPLITSLICES_H

#include "npu/Dialect/NPU/IR/NPUOps.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

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

/// Whether `axis` of a concat or split of rank-4 values is the channels'
/// ([N, C, H, W]: 1, or -3).
inline bool isChannelAxis(int64_t axis) { return axis == 1 || axis == -3; }

/// The first channel `slice` keeps when it cuts a [N, C, H, W] map along
/// the channels alone (unit steps, N, H and W whole from 0); std::nullopt
/// for any other slice.
std::optional<int64_t> channelSliceStart(SliceOp slice);

} // namespace npu

#endif // NPU_DIALECT_NPU_IR_SPLITSLICES_H
