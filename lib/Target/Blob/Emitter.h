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
#include "npu/Arch/CostModel.h"
#include "npu/Target/Blob/BufferAssignment.h"
#include "npu/Target/Blob/CmxResidency.h"
#include "npu/Target/Blob/DmaViews.h"
#include "npu/Target/Blob/GenerateBlob.h"
#include "npu/Target/Blob/ShaveEpilogue.h"
#include "npu/Target/Blob/TaskScheduler.h"

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"

#include "llvm/ADT/DenseSet.h"

#include <deque>
#include <functional>
#include <memory>

namespace npu::target {

struct DpuPlan;

/// Elements per SHAVE task below which splitting a kernel over SHAVEs does
/// not pay for the extra launch.
constexpr uint64_t kMinShaveChunkElements = 8192;
/// How many DPU ops ahead of the one being emitted deep prefetch plans
/// (Emitter::deepPrefetch): a bound on the plans kept and on the CMX
/// regions a new plan's weights must avoid.
constexpr size_t kMaxDpuOpsAhead = 8;

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
  /// Whether SHAVE tasks go to the SHAVE where they start first by the
  /// estimate (kShavesAttr) rather than in turn.
  bool shavesByEstimate = false;
  /// Whether the scheduler estimates the tasks' timing (enableEstimate).
  bool estimating = false;
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
  /// The function's DPU ops in program order, and their labels: the ops
  /// emitDpu plans ahead of their turn.
  std::vector<mlir::Operation *> dpuOps;
  std::vector<std::string> dpuLabels;
  /// A DPU op planned (tiled, buffers placed) before its turn; `loading`
  /// once its first weights slice is loaded (or it has none to load).
  struct AheadPlan {
    std::shared_ptr<DpuPlan> plan;
    bool loading = false;
  };
  /// The DPU ops after the one being emitted, in program order, planned
  /// ahead: the next one (its first weights load during the current op),
  /// the one after it when the next loads no weights (an eltwise add), and
  /// with deepPrefetch, further ones whose first weights slices load in the
  /// DDR's idle time (emitDpu).
  std::deque<AheadPlan> ahead;
  /// Load the first weights slices of DPU ops several ops ahead where CMX
  /// has room beside every op before them, in the DMA ports' idle time by
  /// the estimated schedule (kDeepPrefetchAttr).
  bool deepPrefetch = false;
  /// Non-zero: SHAVE kernels split while each task has 1 / this of a
  /// launch's worth of vector work, not only 8192 elements
  /// (kShaveSplitByWorkAttr).
  uint32_t shaveSplitByWork = 0;
  /// A DMA queued when a DMA port would otherwise idle (deep prefetch's
  /// weights loads): dma() queues it, in a step of its own, ahead of a DMA
  /// that must wait, on that DMA's port, when the estimate has it start
  /// once no port moves data and end before that wait does (the estimate
  /// does not model ports sharing the DDR).
  struct PendingDma {
    const void *owner = nullptr; ///< The DPU plan whose weights it loads.
    std::string name;
    blob::TensorRef src, dst;
    std::function<void()> onQueued; ///< Runs once it is queued.
    /// Queued only in a port's idle time: flushPending drops it.
    bool idleOnly = false;
  };
  /// In program order of their owners.
  std::deque<PendingDma> pendingDmas;
  /// DPU op -> the SHAVE ops run on its pieces (CodegenOptions::
  /// shaveEpilogues); those ops emit nothing of their own.
  ShaveEpilogues epilogues;
  llvm::DenseSet<mlir::Operation *> inEpilogue;
  /// Transposes and slices that emit nothing: the concats and DPU ops
  /// reading them copy or load from the values they view (CopyElision.h).
  llvm::DenseSet<mlir::Operation *> elidedCopies;
  /// SHAVE ops that emit nothing: the concats reading them compute them
  /// straight into their result (findShaveOpsIntoConcats, CopyElision.h).
  llvm::DenseSet<mlir::Operation *> shaveIntoConcats;
  /// Concats a convolution alone reads whose operands those SHAVE ops
  /// compute per piece straight into its input in CMX (findShavePrologues,
  /// CopyElision.h): result -> concat; the concats emit nothing.
  llvm::DenseMap<mlir::Value, mlir::Operation *> shavePrologues;
  /// Values DPU ops store straight into a concat's result, and where
  /// (findDpuResultsIntoConcats, CopyElision.h); they have no location.
  llvm::DenseMap<mlir::Value, ConcatSlot> dpuIntoConcats;

  /// Adds a buffer to the program; returns its id.
  uint32_t addBuffer(const std::string &name, blob::MemSpace space,
                     uint32_t index, uint64_t offset, uint64_t size);
  /// Dense view of the whole of `v` (which has a location).
  blob::TensorRef denseRef(mlir::Value v) const;
  /// The bytes `ref` touches, as a scheduler access.
  Access access(const blob::TensorRef &ref, bool write) const;

  /// From now on, the scheduler estimates when each task ends
  /// (TaskScheduler::enableEstimate).
  void enableEstimate();
  /// From now on, DMAs go on the port where the scheduler's estimate lets
  /// them start first (kDmaPortsAttr).
  void estimatePorts();

  /// Appends a DMA on the port with the fewest bytes queued so far (ties:
  /// the lower index), or with portsByEstimate, on the port where the
  /// scheduler's estimate lets it start first (ties: the fewest bytes, then
  /// the lower index).
  void dma(const std::string &name, const blob::TensorRef &src,
           const blob::TensorRef &dst);
  /// Queues the pending DMAs of `owner` now, in order, but for those
  /// queued only in idle time, which it drops.
  void flushPending(const void *owner);
  /// Drops the pending DMAs of `owner` not queued yet.
  void dropPending(const void *owner);
  /// Emits the DMAs of a copy between the buffers `src` and `dst`.
  mlir::LogicalResult copy(mlir::Operation *op, const std::string &name,
                           const CopyRequest &req, uint32_t srcBuffer,
                           uint32_t dstBuffer, DType dtype);
};

/// True for the ops emitDpu handles (npuhw.dpu_conv, npuhw.dpu_eltwise).
bool isDpuOp(mlir::Operation *op);
/// Emits DPU op `dpuOps[index]`. The next DPU op is planned now (if not
/// planned already) and its first weights slice loaded while this op
/// computes, where CMX has room for both; when the next op loads no weights
/// (an eltwise add), the first weights of the op after it load too, where
/// CMX has room for the three. With deepPrefetch, once this op's tasks are
/// queued, the DPU ops after those are planned in turn, up to
/// kMaxDpuOpsAhead ops ahead, each placed so that its first weight slots
/// overlap no layout of the ops before it, and their loads made pending
/// (PendingDma): queued in a DMA port's idle time, else the first slot's
/// during the op before theirs.
mlir::LogicalResult emitDpu(Emitter &e, size_t index);
/// Plans the program's first DPU op `dpuOps[0]` and loads the first
/// weights slice of each tile's first piece now, at the start of the
/// program, so that they load while the ops before it (the input's
/// conversion and layout change) run; emitDpu then finds the plan.
mlir::LogicalResult prefetchFirstDpu(Emitter &e);
/// The most chunks over `shaves` SHAVEs that a SHAVE chain of `work` over
/// `elements` elements is split into: each at least
/// kMinShaveChunkElements elements or, with Emitter::shaveSplitByWork, at
/// least as many cycles of vector work as a launch (the cycle model's).
uint64_t chunksWorth(const Emitter &e,
                     const std::vector<arch::ShaveKernelWork> &work,
                     uint64_t elements, uint64_t shaves);
/// The tasks of SHAVE op `op` (one, or its chunks / slabs split over the
/// SHAVEs), named after `label`, not queued yet: emitShaveChain queues
/// them. `chunkElements` (non-zero): an elementwise op split into chunks of
/// its flattened operands takes chunks of that many elements, where that
/// is a multiple of its own chunk unit (to chain each chunk after the same
/// chunk of the op before it); otherwise it is split as it would be.
/// `minChunks` (non-zero): an elementwise op split into chunks of its
/// flattened operands takes at least that many (at most one per SHAVE), as
/// the SHAVE chain it starts is worth (emitChain).
mlir::LogicalResult shaveTasks(Emitter &e, hw::ShaveOp op,
                               const std::string &label,
                               std::vector<blob::Task> &tasks,
                               uint64_t chunkElements = 0,
                               uint64_t minChunks = 0);
/// Queues the tasks of SHAVE op `op` (of shaveIntoConcats) computing the
/// elements `view` selects of its result (a view of that result, as
/// concatOperandCopy gives it) from the same elements of its input, into
/// buffer `dstBuffer` at `dstOffset` with `dstStrides` (in `view`'s shape);
/// split over the SHAVEs along `view`'s outermost dimension when large;
/// tasks are named `label[.c<chunk>]`. With `tile`, only over that tile's
/// SHAVEs (a destination in its CMX).
mlir::LogicalResult emitShaveIntoView(Emitter &e, hw::ShaveOp op,
                                      const std::string &label,
                                      const StridedView &view,
                                      uint32_t dstBuffer, uint64_t dstOffset,
                                      const std::vector<uint64_t> &dstStrides,
                                      std::optional<uint32_t> tile = {});
/// Rows [row, row + rows) of the result of `concat` (one of
/// Emitter::shavePrologues), computed by its operands' SHAVE ops on tile
/// `tile`'s SHAVEs into `dst` ([rows, W, C] dense in that tile's CMX);
/// tasks are named `label<operand>[.c<chunk>]`.
mlir::LogicalResult emitShavePrologue(Emitter &e, mlir::Operation *concat,
                                      uint32_t tile, uint32_t row,
                                      uint32_t rows, const blob::TensorRef &dst,
                                      const std::string &label);
/// Queues `task` on tile `tile`'s SHAVEs in turn (Emitter::epilogueShave):
/// its operands are in that tile's CMX (a DPU piece's epilogue or
/// prologue).
void addTileShaveTask(Emitter &e, uint32_t tile, blob::Task task);
/// Appends `part` to the name of a fused task (its ONNX nodes joined by
/// "+"), unless the name lists it already (a chain of one node's kernels).
void appendTaskLabel(std::string &name, const std::string &part);

/// Queues `kernels` (one task, or single-task SHAVE ops each reading what
/// an earlier one wrote, or the same chunk of several ops) on the next
/// SHAVE as one task: a SHAVE chain (blob::ShaveTask::chained), one launch,
/// named `name`, or when empty after every op ("a+b+c").
void emitShaveChain(Emitter &e, std::vector<blob::Task> kernels,
                    std::string name = "");
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
