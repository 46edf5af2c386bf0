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

/// "{rows = N, channels = N, slots = N, weight_slots = N[, banded]}", for
/// messages.
std::string tilingChoiceText(const DpuTilingChoice &choice);

/// Writes `tiling` (over `tiles` tiles) on DPU op `op`, replacing any
/// earlier record; `banded` (a unit entry) marks a choice made for tiling
/// by bands.
void recordDpuTiling(mlir::Operation *op, const DpuTiling &tiling,
                     uint32_t tiles);

/// The choice recorded on `op`: std::nullopt without a record. Fails, with
/// an error at `op` naming the field, when the record is not a dictionary
/// of the integers rows, channels, slots, weight_slots (each in [0, 2^32)),
/// an optional strategy string and an optional unit `banded`.
mlir::FailureOr<std::optional<DpuTilingChoice>>
recordedTilingChoice(mlir::Operation *op);

/// `op`'s tiling under `opts`: the recorded choice when there is one, it
/// was made for the banding `opts` has, and `useRecord` (checked by
/// tileDpuAs, and against its `strategy`); else planDpuTiling's (a record
/// made for other banding belongs to a residency that no longer applies:
/// cmx-residency=false, or an npu.cmx removed). Errors are emitted at `op`.
mlir::FailureOr<DpuTiling> tileDpuOp(mlir::Operation *op,
                                     const DpuOpGeometry &g,
                                     const arch::HardwareDesc &hw,
                                     const TilingOptions &opts,
                                     bool useRecord = true);

/// The hardware of `module`'s target. Fails, with an error at the
/// module's location, without a target or when a pass option `tiles` is
/// more than the target has.
mlir::FailureOr<const arch::HardwareDesc *> targetFor(mlir::ModuleOp module,
                                                      unsigned tiles);

/// The tiles a pass option `tiles` means for `func` on `hw`: the option
/// when non-zero; else the tiles the function's records were made for
/// (npu.tiling_tiles, else npu.cmx_tiles) when that is a tile count of
/// `hw`; else all of `hw`'s tiles.
uint32_t tilesFor(mlir::func::FuncOp func, const arch::HardwareDesc &hw,
                  unsigned tiles);

/// Fails, with an error at the function's location (or at the op), when
/// the function's `npu.tiling_tiles` is not an integer, is not `tiles`, or
/// is missing while a DPU op has a record, or when an op that is not a DPU
/// op has a record. `pass` names the pass whose `tiles` option the message
/// suggests (npu-group-layers, npu-generate-tasks) when the recorded count
/// is one `hw` has.
mlir::LogicalResult checkTilingTiles(mlir::func::FuncOp func, uint32_t tiles,
                                     const arch::HardwareDesc &hw,
                                     llvm::StringRef pass);

} // namespace npu::target

#endif // NPU_TARGET_BLOB_TILINGRECORD_H
