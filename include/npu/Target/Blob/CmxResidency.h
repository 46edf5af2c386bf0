//===- CmxResidency.h - Activations kept in CMX between DPU ops -*- C++ -*-===//
//
// Chooses which activations stay in CMX from the DPU op producing them to
// the DPU ops reading them, instead of a DDR round trip. A resident tensor
// is held whole, dense [H, W, C], at the same offset in the CMX of every
// tile in use: the producer's DPU tasks write their rows into their own
// tile's copy and DMA them CMX to CMX into the other tiles' copies; the
// consumers' DPU tasks read their input rows in place.
//
// Resident tensors are allocated from the top of CMX down, first fit over
// live ranges (program order, inclusive); each DPU op's pieces get the CMX
// below the lowest resident live at that op as their budget. A tensor is
// made resident, in program order, when it is produced by a DPU op (or by
// the SHAVE epilogue code generation runs on a DPU op's pieces,
// ShaveEpilogue.h), read only by DPU ops (as input or eltwise operand), is
// not a function result, costs less to copy to the other tiles than its DDR
// store and loads (npu/Arch/CostModel.h), every DPU op in its live range
// can still be tiled in the budget left (npu/Target/Blob/Tiling.h), and
// their estimated cycles do not grow past ResidencyPolicy's limit.
//
// A tensor whose readers are all row-local (1x1 stride-1 unpadded
// convolutions, eltwise: output row y reads input row y alone) is held
// banded instead, when more than one tile is in use: tile t holds only the
// rows of band t (bandBegin in Tiling.h), at the same offset on every
// tile; its producer computes band t's rows on tile t and its readers read
// them there, so it is never copied and takes 1/tiles of the CMX (ResNet's
// 56x56x256 tensors fit this way, not whole).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TARGET_BLOB_CMXRESIDENCY_H
#define NPU_TARGET_BLOB_CMXRESIDENCY_H

#include "npu/Arch/Hardware.h"
#include "npu/Target/Blob/ShaveEpilogue.h"
#include "npu/Target/Blob/Tiling.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <optional>

namespace npu::target {

struct CmxResidency {
  /// Byte offset, in every tile's CMX, of each resident tensor's copy.
  llvm::DenseMap<mlir::Value, uint64_t> offset;
  /// Bytes of each resident tensor's copy on one tile (dense, unaligned;
  /// for a banded tensor, its widest band).
  llvm::DenseMap<mlir::Value, uint64_t> size;
  /// The resident tensors held banded.
  llvm::DenseSet<mlir::Value> banded;
  /// For each DPU op, the CMX bytes from offset 0 its pieces may use.
  llvm::DenseMap<mlir::Operation *, uint64_t> budget;
  /// DPU op -> the result its pieces store, where a SHAVE epilogue
  /// (ShaveEpilogue.h) follows it: its last op's.
  llvm::DenseMap<mlir::Operation *, mlir::Value> stored;

  bool isResident(mlir::Value v) const { return offset.count(v) != 0; }
  /// The tensor DPU op `op` (result `result`) stores its pieces into.
  mlir::Value output(mlir::Operation *op, mlir::Value result) const {
    auto it = stored.find(op);
    return it == stored.end() ? result : it->second;
  }
  bool isBanded(mlir::Value v) const { return banded.count(v) != 0; }
};

/// The geometry of an npuhw.dpu_conv / npuhw.dpu_eltwise op from its
/// attributes and operand types; std::nullopt for other ops or operands
/// that are not static [H, W, C] device tensors.
std::optional<DpuOpGeometry> dpuOpGeometry(mlir::Operation *op);

/// Which tensors planCmxResidency may keep in CMX.
struct ResidencyPolicy {
  /// A SHAVE epilogue's result may stay in CMX.
  bool epilogueResults = true;
  /// A tensor stays only while the estimated cycles (Tiling.h) of the DPU
  /// ops in its live range, with the CMX it takes from them, are at most
  /// maxGrowth times theirs without it, plus the DDR round trip it saves
  /// (less its copies to the other tiles). The estimates overrate the cost
  /// of a smaller budget (ResNet-50's first 56x56x256 block output costs
  /// its readers 1.9x their estimate, yet keeping it is 1.7 % faster), so
  /// 1 is stricter than the device.
  uint32_t maxGrowth = 2;
};

/// Plans the resident tensors of `func` (hwops form, one block) for `tiles`
/// tiles of `hw`; `maxPieceRows` as in TilingOptions. With `epilogues`, a
/// DPU op followed by a SHAVE epilogue produces its epilogue's result (that
/// result may stay in CMX; the DPU op's own never exists whole). Never
/// fails: with nothing worth keeping, no tensor is resident and every
/// budget is the usable CMX. `policy` limits what stays.
CmxResidency planCmxResidency(mlir::func::FuncOp func,
                              const arch::HardwareDesc &hw, uint32_t tiles,
                              uint32_t maxPieceRows,
                              const ShaveEpilogues *epilogues = nullptr,
                              const ResidencyPolicy &policy = {});

/// The `grouped` stage records a plan in the IR (GroupLayers.cpp,
/// npu-group-layers): on the op producing each resident tensor (for a SHAVE
/// epilogue's result, its last op),
/// `npu.cmx = {offset = N, size = N}` (plus `banded` when held banded), and on
/// the function `npu.cmx_tiles = T`, the tiles the plan is for.
constexpr llvm::StringLiteral kCmxAttr = "npu.cmx";
constexpr llvm::StringLiteral kCmxTilesAttr = "npu.cmx_tiles";

/// Writes `residency` (for `tiles` tiles) onto `func`, replacing any
/// earlier record.
void recordCmxResidency(mlir::func::FuncOp func, const CmxResidency &residency,
                        uint32_t tiles);

/// The plan recorded on `func`, checked against the rules planCmxResidency
/// follows: std::nullopt when `func` has no record. Fails, with an error at
/// the op concerned, when the record was made for other than `tiles`
/// tiles, keeps in CMX a tensor that is not produced by a DPU op (or the
/// SHAVE epilogue of one, given `epilogues`) or that
/// another op (or the function's return) reads, has a size other than the
/// tensor's (its widest band's when banded), is banded with a reader that
/// is not row-local or with one tile, is misaligned or past the usable CMX,
/// overlaps another resident live at the same time, or leaves a DPU op of
/// its live range too little CMX to be tiled.
mlir::FailureOr<std::optional<CmxResidency>>
recordedCmxResidency(mlir::func::FuncOp func, const arch::HardwareDesc &hw,
                     uint32_t tiles, uint32_t maxPieceRows,
                     const ShaveEpilogues *epilogues = nullptr);

/// The tiling options of DPU op `op` under `residency`.
TilingOptions residentTilingOptions(const CmxResidency &residency,
                                    mlir::Operation *op, uint32_t tiles,
                                    uint32_t maxPieceRows);

/// Whether `t` (residentTilingOptions) differs from the options of an op
/// alone in CMX: an operand is resident or banded, or the budget is below
/// the usable CMX of `hw`. Such an op is tiled again once the residency is
/// known (the tiled stage's record of it does not apply).
bool residencyChangesTiling(const TilingOptions &t,
                            const arch::HardwareDesc &hw);

} // namespace npu::target

#endif // NPU_TARGET_BLOB_CMXRESIDENCY_H
