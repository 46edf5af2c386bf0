//===- Emitter.h - Shared state of task emission (internal) -----*- C++ -*-===//
//
// What the per-op emitters (EmitDpu.cpp, EmitShave.cpp,
// EmitDataMovement.cpp) share: the program being built, the memory plan,
// the scheduler that records the tasks' schedule, the engines in use and
// the CMX high-water mark per tile.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_TARGET_BLOB_EMITTER_H
#define NPU_LIB_TARGET_BLOB_EMITTER_H

#include "CopyElision.h"
#include "npu/Target/Blob/BufferAssignment.h"
#include "npu/Target/Blob/CmxResidency.h"
#include "npu/Target/Blob/DmaViews.h"
#include "npu/Target/Blob/GenerateBlob.h"
#include "npu/Target/Blob/ShaveEpilogue.h"
#include "npu/Target/Blob/TaskScheduler.h"

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"

#include "llvm/ADT/DenseSet.h"

#include <memory>

namespace npu::target {

struct DpuPlan;

/// Elements per SHAVE task below which splitting a kernel over SHAVEs does
/// not pay for the extra launch.
constexpr uint64_t kMinShaveChunkElements = 8192;

struct Emitter {
  Emitter(const arch::HardwareDesc &hw, const CodegenOptions &opts,
          uint32_t tiles, blob::Program &program, WeightsSection &weights,
          BufferAssignment &buffers)
      : hw(hw), opts(opts), tiles(tiles), program(program), weights(weights),
        buffers(buffers), cmxUsed(hw.numTiles, 0), portBytes(hw.dmaPorts, 0) {}

  const arch::HardwareDesc &hw;
  const CodegenOptions &opts;
  uint32_t tiles;
  blob::Program &program;
  WeightsSection &weights;
  BufferAssignment &buffers;
  /// Records the tasks' schedule (and, with portsByEstimate, estimates its
  /// timing); barriers come with memory assignment.
  TaskScheduler sched{/*deriveBarriers=*/false};
  /// Whether dma() picks the port by the estimated start (kDmaPortsAttr)
  /// rather than by the bytes queued; set by estimatePorts().
  bool portsByEstimate = false;
  std::vector<uint64_t> cmxUsed;
  /// Bytes of the DMAs emitted on each port so far.
  std::vector<uint64_t> portBytes;
  uint32_t shaveCounter = 0;
  /// Per tile: the SHAVE of that tile the next epilogue piece starts on.
  std::vector<uint32_t> epilogueShave;
  uint64_t dpuPieces = 0;
  /// Tensors kept in CMX and their buffer on each tile in use.
  CmxResidency residency;
  /// Whether the residency was planned by code generation (no grouped
  /// stage): the DPU ops it changes are tiled again, not as recorded by the
  /// tiled stage (TilingRecord.h).
  bool residencyPlannedHere = false;
  llvm::DenseMap<mlir::Value, std::vector<uint32_t>> residentBuffers;
  /// The next DPU op, planned (tiled, buffers placed) by the previous DPU
  /// op so that its first weights could be loaded ahead (its job names the
  /// op).
  std::shared_ptr<DpuPlan> plannedDpu;
  /// The DPU op after that, planned two ops ahead when the next one loads
  /// no weights (an eltwise add): its first weights load during the op
  /// before it.
  std::shared_ptr<DpuPlan> plannedDpuAfterNext;
  /// DPU op -> the SHAVE ops run on its pieces (CodegenOptions::
  /// shaveEpilogues); those ops emit nothing of their own.
  ShaveEpilogues epilogues;
  llvm::DenseSet<mlir::Operation *> inEpilogue;
  /// Transposes and slices that emit nothing: the concats reading them copy
  /// from the values they view (CopyElision.h).
  llvm::DenseSet<mlir::Operation *> elidedCopies;
  /// SHAVE ops that emit nothing: the concats reading them compute them
  /// straight into their result (findShaveOpsIntoConcats, CopyElision.h).
  llvm::DenseSet<mlir::Operation *> shaveIntoConcats;

  /// Adds a buffer to the program; returns its id.
  uint32_t addBuffer(const std::string &name, blob::MemSpace space,
                     uint32_t index, uint64_t offset, uint64_t size);
  /// Dense view of the whole of `v` (which has a location).
  blob::TensorRef denseRef(mlir::Value v) const;
  /// The bytes `ref` touches, as a scheduler access.
  Access access(const blob::TensorRef &ref, bool write) const;

  /// From now on, DMAs go on the port where the scheduler's estimate lets
  /// them start first (kDmaPortsAttr).
  void estimatePorts();

  /// Appends a DMA on the port with the fewest bytes queued so far (ties:
  /// the lower index), or with portsByEstimate, on the port where the
  /// scheduler's estimate lets it start first (ties: the fewest bytes, then
  /// the lower index).
  void dma(const std::string &name, const blob::TensorRef &src,
           const blob::TensorRef &dst);
  /// Emits the DMAs of a copy between the buffers `src` and `dst`.
  mlir::LogicalResult copy(mlir::Operation *op, const std::string &name,
                           const CopyRequest &req, uint32_t srcBuffer,
                           uint32_t dstBuffer, DType dtype);
};

/// True for the ops emitDpu handles (npuhw.dpu_conv, npuhw.dpu_eltwise).
bool isDpuOp(mlir::Operation *op);
/// Emits DPU op `op`; `next` is the next DPU op in program order (null if
/// none): it is planned now and its first weights slice is loaded while
/// `op` computes, where CMX has room for both. When `next` loads no
/// weights, `afterNext` (the DPU op after it, null if none) is planned now
/// too and its first weights load while `op` computes, where CMX has room
/// for the three.
mlir::LogicalResult emitDpu(Emitter &e, mlir::Operation *op,
                            const std::string &label, mlir::Operation *next,
                            const std::string &nextLabel,
                            mlir::Operation *afterNext,
                            const std::string &afterNextLabel);
/// Plans the program's first DPU op `op` and loads the first weights slice
/// of each tile's first piece now, at the start of the program, so that
/// they load while the ops before it (the input's conversion and layout
/// change) run; emitDpu then finds the plan.
mlir::LogicalResult prefetchFirstDpu(Emitter &e, mlir::Operation *op,
                                     const std::string &label);
/// The tasks of SHAVE op `op` (one, or its chunks / slabs split over the
/// SHAVEs), named after `label`, not queued yet: emitShaveChain queues
/// them.
mlir::LogicalResult shaveTasks(Emitter &e, hw::ShaveOp op,
                               const std::string &label,
                               std::vector<blob::Task> &tasks);
/// Queues the tasks of SHAVE op `op` (of shaveIntoConcats) computing the
/// elements `view` selects of its result (a view of that result, as
/// concatOperandCopy gives it) from the same elements of its input, into
/// buffer `dstBuffer` at `dstOffset` with `dstStrides` (in `view`'s shape);
/// split over the SHAVEs along `view`'s outermost dimension when large;
/// tasks are named `label[.c<chunk>]`.
mlir::LogicalResult emitShaveIntoView(Emitter &e, hw::ShaveOp op,
                                      const std::string &label,
                                      const StridedView &view,
                                      uint32_t dstBuffer, uint64_t dstOffset,
                                      const std::vector<uint64_t> &dstStrides);
/// Queues `kernels` (one task, or single-task SHAVE ops each reading what
/// an earlier one wrote) on the next SHAVE as one task: a SHAVE chain
/// (blob::ShaveTask::chained), one launch, named after every op ("a+b+c").
void emitShaveChain(Emitter &e, std::vector<blob::Task> kernels);
/// Emits `ep` on `piece` (an [H, W, C] view in the CMX of `tile` of the
/// DPU op's output channels from `channelBegin`, which select the
/// per-channel operands' part): each op in turn, in place (the last into
/// `dest`, the piece's place in the result, when it converts the element
/// type), split over the tile's SHAVEs when large; tasks are named
/// `<op label>.<pieceSuffix>[.c<chunk>]`.
void emitShaveEpilogue(Emitter &e, const ShaveEpilogue &ep, uint32_t tile,
                       const blob::TensorRef &piece, uint32_t channelBegin,
                       const std::string &pieceSuffix,
                       const blob::TensorRef *dest = nullptr);
mlir::LogicalResult emitTranspose(Emitter &e, npu::TransposeOp op,
                                  const std::string &label);
mlir::LogicalResult emitSlice(Emitter &e, npu::SliceOp op,
                              const std::string &label);
mlir::LogicalResult emitConcat(Emitter &e, npu::ConcatOp op,
                               const std::string &label);
/// Copies function result `value` into Output `output`.
mlir::LogicalResult emitResultCopy(Emitter &e, mlir::Operation *ret,
                                   mlir::Value value, uint32_t output);

} // namespace npu::target

#endif // NPU_LIB_TARGET_BLOB_EMITTER_H
