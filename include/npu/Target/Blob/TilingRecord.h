//===- TilingRecord.h - The tiled stage's record on DPU ops -----*- C++ -*-===//
//
// The `tiled` stage (npu-tile) records each DPU op's tiling (Tiling.h) on
// the op, and the `grouped` stage (npu-group-layers) re-records it for the
// ops whose operands it keeps in CMX or whose CMX it shrinks; code
// generation follows the record:
//
//   %1 = npuhw.dpu_conv conv %0, %w, %t {..., npu.tiling = {channels = 128,
//          rows = 14, slots = 2, strategy = "split over K",
//          weight_slots = 1}}
//   func.func @main(...) attributes {npu.tiling_tiles = 2 : i64}
//
// `rows` x `channels` is the piece (DpuTilingChoice), `slots` and
// `weight_slots` its buffering; `strategy` (optional) says how the pieces
// spread over the tiles (tilingStrategy) and is checked against them.
// `npu.tiling_tiles` is the tile count the records were made for.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TARGET_BLOB_TILINGRECORD_H
#define NPU_TARGET_BLOB_TILINGRECORD_H

#include "npu/Arch/Hardware.h"
#include "npu/Target/Blob/Tiling.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <optional>
#include <utility>

namespace npu::target {

constexpr llvm::StringLiteral kTilingAttr = "npu.tiling";
constexpr llvm::StringLiteral kTilingTilesAttr = "npu.tiling_tiles";

/// "{rows = N, channels = N, slots = N, weight_slots = N}", for messages.
std::string tilingChoiceText(const DpuTilingChoice &choice);

/// Writes `tiling` (over `tiles` tiles) on DPU op `op`, replacing any
/// earlier record.
void recordDpuTiling(mlir::Operation *op, const DpuTiling &tiling,
                     uint32_t tiles);

/// The choice recorded on `op`: std::nullopt without a record. Fails, with
/// an error at `op`, when the record is not a dictionary of exactly the
/// non-negative integers rows, channels, slots, weight_slots and an
/// optional string strategy.
mlir::FailureOr<std::optional<DpuTilingChoice>>
recordedTilingChoice(mlir::Operation *op);

/// `op`'s tiling under `opts`: the recorded choice when there is one and
/// `useRecord` (checked by tileDpuAs, and against its `strategy`), else
/// planDpuTiling's. Errors are emitted at `op`.
mlir::FailureOr<DpuTiling> tileDpuOp(mlir::Operation *op,
                                     const DpuOpGeometry &g,
                                     const arch::HardwareDesc &hw,
                                     const TilingOptions &opts,
                                     bool useRecord = true);

/// The hardware of `module`'s target and the tiles a pass option `tiles`
/// means on it (0: all of them). Fails, with an error at the module, without
/// a target or when `tiles` is more than the target has.
mlir::FailureOr<std::pair<const arch::HardwareDesc *, uint32_t>>
targetTiles(mlir::ModuleOp module, unsigned tiles);

/// Fails, with an error at the function's location, when the function's
/// `npu.tiling_tiles` is not `tiles`, or when a DPU op has a record and the
/// function none.
mlir::LogicalResult checkTilingTiles(mlir::func::FuncOp func, uint32_t tiles);

} // namespace npu::target

#endif // NPU_TARGET_BLOB_TILINGRECORD_H
