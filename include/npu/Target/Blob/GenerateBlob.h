//===- GenerateBlob.h - Hardware-op functions to blob Programs --*- C++ -*-===//
//
// Code generation (first version): a function in the hardware-op form
// (npu.constant, npuhw.* ops, npu.reshape / transpose / slice / concat,
// func.return) becomes a blob::Program plus its weights section, which
// blob::verifyProgram accepts and blob::writeBlob serialises. The same
// function and options always give the same bytes. The contract (accepted
// forms, tiling rule, memory plan, barriers) is docs/codegen.md.
//
// The work is split into units with plain data between them, so that the
// next step can turn each into an MLIR stage: BufferAssignment.h (DDR
// homes by liveness), Tiling.h (DPU pieces that fit CMX), Workloads.h (MPE
// modes), DmaViews.h (strided copies), TaskScheduler.h (queues and
// barriers from hazards).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TARGET_BLOB_GENERATEBLOB_H
#define NPU_TARGET_BLOB_GENERATEBLOB_H

#include "npu/Arch/Hardware.h"
#include "npu/Blob/Program.h"
#include "npu/Target/Blob/TaskScheduler.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <cstdint>
#include <vector>

namespace npu::target {

/// `npu.dma_ports = "earliest-start"` on a function: code generation puts
/// each DMA on the port where its estimated schedule lets the transfer
/// start first (TaskScheduler::enableEstimate) instead of the port with the
/// fewest bytes queued so far (npu-group-layers measured the program faster
/// so).
constexpr llvm::StringLiteral kDmaPortsAttr = "npu.dma_ports";
/// The one value of kDmaPortsAttr and kShavesAttr.
constexpr llvm::StringLiteral kEarliestStart = "earliest-start";

/// `npu.shaves = "earliest-start"` on a function: code generation queues
/// each SHAVE task (not an epilogue piece) on the SHAVE where its estimated
/// schedule lets it start first, ties in turn, instead of on the SHAVEs in
/// turn (npu-group-layers measured the program faster so: the chunks of a
/// kernel split over every SHAVE wait behind a SHAVE still busy otherwise).
constexpr llvm::StringLiteral kShavesAttr = "npu.shaves";

/// `npu.deep_prefetch` (unit) on a function: code generation also loads the
/// first weights slices of DPU ops up to kMaxDpuOpsAhead ops ahead, where
/// CMX has room beside every op before them and the scheduler's estimate
/// has the DMA idle (emitDpu; npu-group-layers measured the program faster
/// so).
constexpr llvm::StringLiteral kDeepPrefetchAttr = "npu.deep_prefetch";

/// `npu.shave_split_by_work = N` (an integer, 1 to kMaxShaveSplitByWork) on
/// a function: code generation also splits a SHAVE kernel of fewer than
/// 8192 elements per task over the SHAVEs while each task keeps at least
/// 1 / N of a launch's worth of vector work (N = 1: a softmax over 49 x 49
/// fp16 on 2 SHAVEs; npu-group-layers measured the program faster so: with
/// several such kernels side by side, splitting each only queues them on
/// the same SHAVEs).
constexpr llvm::StringLiteral kShaveSplitByWorkAttr = "npu.shave_split_by_work";
constexpr int64_t kMaxShaveSplitByWork = 16;

/// `npu.shave_into_each_concat` (unit) on a function: an elementwise SHAVE
/// op feeding several concat operands whose input another SHAVE op
/// computes runs once per operand, straight into each concat, like any
/// other (findShaveOpsIntoConcats, CopyElision.h), not once in that op's
/// chain with copies (npu-group-layers measured the program faster so).
constexpr llvm::StringLiteral kShaveIntoEachConcatAttr =
    "npu.shave_into_each_concat";

struct CodegenOptions {
  /// Tiles used for DPU pieces and SHAVE tasks (0: all of the platform).
  uint32_t tiles = 0;
  /// Upper bound on the output rows of one DPU piece (0: as CMX allows).
  uint32_t maxPieceRows = 0;
  /// Split SHAVE kernels that are elementwise over the outer dimension
  /// across the SHAVEs in use.
  bool splitShave = true;
  /// Keep activations between DPU ops in CMX where they fit
  /// (CmxResidency.h) instead of a DDR round trip.
  bool cmxResidency = true;
  /// Load the next DPU op's first weights while the current one computes,
  /// where CMX has room for both.
  bool prefetchWeights = true;
  /// Run elementwise SHAVE ops that follow a DPU op on its output pieces in
  /// CMX, before each piece is stored (ShaveEpilogue.cpp), instead of on
  /// the whole result in DDR after the op.
  bool shaveEpilogues = true;
};

/// What code generation produced, plus figures for reports and tests.
struct GeneratedBlob {
  blob::Program program;
  std::vector<uint8_t> weights;
  uint64_t scratchSize = 0;
  std::vector<uint64_t> cmxUsed; ///< Per tile of the platform.
  uint64_t dpuPieces = 0;
  uint64_t deduplicatedConstants = 0;
};

/// The `tasks` stage: the program before memory assignment (CMX and
/// scratch buffers at kUnassignedOffset, no barriers, memory plan 0) and
/// each task's schedule (TaskScheduler.h).
struct GeneratedTasks {
  blob::Program program;
  ProgramSchedule schedule;
  /// Per buffer: where code generation's own layout put a CMX buffer (the
  /// layout its tiling was planned against, known to fit), else
  /// kUnassignedOffset.
  std::vector<uint64_t> plannedOffsets;
  std::vector<uint8_t> weights;
  uint64_t dpuPieces = 0;
  uint64_t deduplicatedConstants = 0;
};

/// Generates the tasks of `func`: tiling (as recorded, else planned), CMX
/// residency, DMA / DPU / SHAVE tasks in emission order. Errors are emitted
/// at the op that cannot be mapped; the result then is failure.
mlir::FailureOr<GeneratedTasks> generateTasks(mlir::func::FuncOp func,
                                              arch::Platform platform,
                                              const CodegenOptions &opts);

/// Generates the program of `func`: generateTasks, then memory assignment
/// (AssignMemory.h). Errors are emitted at the op that cannot be mapped;
/// the result then is failure.
mlir::FailureOr<GeneratedBlob> generateBlob(mlir::func::FuncOp func,
                                            arch::Platform platform,
                                            const CodegenOptions &opts);

/// A stable hash of the options (the blob's `options_hash`).
uint64_t hashOptions(arch::Platform platform, const CodegenOptions &opts);

} // namespace npu::target

#endif // NPU_TARGET_BLOB_GENERATEBLOB_H
