//===- EmitShave.cpp - SHAVE kernels on DDR operands ----------------------===//
//
// A SHAVE task reads and writes its operands where they live in DDR. The
// SHAVEs of the tiles in use take the ops in turn. Kernels that are
// elementwise over operands of one shape (activations, convert, quantize,
// binary arithmetic without broadcasting) are split, when large, into
// contiguous chunks of the flattened tensors run by several SHAVEs; a large
// matmul into slabs of its batch or rows; softmax, mvn, resize and the
// reductions into slabs of the dimensions they treat independently.
//
//===----------------------------------------------------------------------===//

#include "Emitter.h"

#include "npu/Dialect/NPUHW/IR/DeviceTypes.h"

#include "npu/Arch/CostModel.h"
#include "npu/Arch/ShaveKernels.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <algorithm>
#include <numeric>

using namespace mlir;

namespace npu::target {

namespace {

/// `t` cut into `chunks` tasks over [0, extent) of dimension `d`: each
/// takes a run of that dimension from the operands `cuts(ref, isOutput,
/// index)` selects (dense, so the run is one slab at offset begin * stride)
/// and the others whole.
std::vector<blob::ShaveTask>
slabs(const blob::ShaveTask &t, size_t d, uint64_t extent, uint64_t chunks,
      llvm::function_ref<bool(const blob::TensorRef &, bool, size_t)> cuts) {
  std::vector<blob::ShaveTask> parts;
  uint64_t per = (extent + chunks - 1) / chunks;
  for (uint64_t begin = 0; begin < extent; begin += per) {
    uint64_t n = std::min(per, extent - begin);
    blob::ShaveTask part = t;
    for (auto *list : {&part.inputs, &part.outputs})
      for (size_t i = 0; i < list->size(); ++i) {
        blob::TensorRef &ref = (*list)[i];
        if (cuts(ref, list == &part.outputs, i)) {
          ref.offset += begin * ref.strides[d];
          ref.shape[d] = uint32_t(n);
        }
      }
    parts.push_back(std::move(part));
  }
  return parts;
}

/// A matmul split into up to `shaves` tasks over the outermost output
/// dimension of size > 1 (a batch dimension, or the rows M when the batch
/// is 1; every dimension before it is 1, so a range of it is one dense
/// slab): each task computes its slab of the output from the matching slab
/// of each input that has that dimension (or of A's rows: not when A is
/// stored transposed) and the whole of an input broadcast over it; each
/// task at least `minTaskMacs` multiply-accumulates
/// (arch::matMulShaveTasks). Every output element is computed exactly as by
/// the whole task. Empty when the task is not split.
std::vector<blob::ShaveTask>
splitMatMul(const blob::ShaveTask &t, uint32_t shaves, uint64_t minTaskMacs) {
  const blob::TensorRef &out = t.outputs[0];
  size_t r = out.shape.size();
  if (t.inputs.size() != 2 || r < 2 || t.inputs[0].shape.size() != r ||
      t.inputs[1].shape.size() != r || !out.isDense() ||
      !t.inputs[0].isDense() || !t.inputs[1].isDense())
    return {};
  bool transA = !t.iparams.empty() && t.iparams[0] != 0;
  size_t d = 0;
  while (d < r - 1 && out.shape[d] == 1)
    ++d;
  if (d == r - 1 || (d == r - 2 && transA))
    return {};
  uint64_t extent = out.shape[d];
  uint64_t macs = t.workElements();
  uint64_t chunks = arch::matMulShaveTasks(shaves, extent, macs, minTaskMacs);
  if (chunks < 2)
    return {};
  // The rows M are A's alone; a batch dimension is each input's that has
  // it (an input of size 1 there is broadcast whole).
  return slabs(t, d, extent, chunks,
               [&](const blob::TensorRef &ref, bool output, size_t index) {
                 if (output)
                   return true;
                 if (d == r - 2)
                   return index == 0;
                 return uint64_t(ref.shape[d]) == extent;
               });
}

/// A kernel that works on each index of the dimensions before `axis`
/// independently (softmax over `axis`, mvn over `axis` and the dimensions
/// after it), split into up to `shaves` tasks over the dimensions before
/// `axis` taken as one run of rows (when the operands that span them are
/// dense; else over the outermost of size > 1): each operand of the
/// output's rank and extents there is cut into the same slab; the others
/// (mvn's scale and bias, aligned at the last dimensions) are read whole.
/// Empty when the task is not split.
///
/// With `broadcast` (an elementwise kernel whose inputs broadcast, such as a
/// per-channel scale), every dimension qualifies (`axis` is ignored), and
/// every input must have the output's rank and, at the cut dimension,
/// either the output's extent (it is cut) or 1 (it is read whole).
std::vector<blob::ShaveTask> splitOuter(const blob::ShaveTask &t,
                                        uint64_t shaves, int64_t axis,
                                        bool broadcast = false) {
  if (t.outputs.size() != 1 || t.inputs.empty())
    return {};
  const blob::TensorRef &out = t.outputs[0];
  int64_t r = int64_t(out.shape.size());
  if (broadcast)
    axis = r;
  else if (axis < 0)
    axis += r;
  if (axis <= 0 || axis > r || (!broadcast && axis == r))
    return {};
  int64_t d = 0;
  while (d < axis && out.shape[d] == 1)
    ++d;
  if (d >= axis)
    return {};
  uint64_t extent = out.shape[d];
  // The kernel computes each index before `axis` alone, so the dimensions
  // before it, dense, are one run of rows to cut anywhere: softmax over 4
  // heads of 128 rows goes to up to 512 tasks, not 4. Operands with the
  // output's extents there are seen so; those of extent 1 there, or of
  // another rank, are read whole as before.
  uint64_t rows = 1;
  for (int64_t i = d; i < axis; ++i)
    rows *= out.shape[i];
  if (!broadcast && rows > extent && axis - d > 1) {
    blob::ShaveTask merged = t;
    bool ok = true;
    for (auto *list : {&merged.inputs, &merged.outputs})
      for (blob::TensorRef &ref : *list) {
        if (int64_t(ref.shape.size()) != r)
          continue;
        bool ones = true, same = true;
        for (int64_t i = 0; i < axis; ++i) {
          ones &= ref.shape[i] == 1;
          same &= ref.shape[i] == out.shape[i];
        }
        if (ones)
          continue;
        if (!same || !ref.isDense()) {
          ok = false;
          continue;
        }
        std::vector<uint32_t> shape = ref.shape;
        for (int64_t i = 0; i + 1 < axis; ++i)
          shape[i] = 1;
        shape[axis - 1] = uint32_t(rows);
        ref = blob::TensorRef::dense(ref.buffer, ref.offset, ref.dtype, shape);
      }
    if (ok)
      return splitOuter(merged, shaves, axis);
  }
  uint64_t chunks = std::min<uint64_t>(shaves, extent);
  if (chunks < 2)
    return {};
  auto cut = [&](const blob::TensorRef &ref) {
    return int64_t(ref.shape.size()) == r && ref.shape[d] == extent;
  };
  if (broadcast)
    for (const blob::TensorRef &ref : t.inputs)
      if (int64_t(ref.shape.size()) != r ||
          (ref.shape[d] != extent && ref.shape[d] != 1))
        return {};
  for (const auto *list : {&t.inputs, &t.outputs})
    for (const blob::TensorRef &ref : *list)
      if (cut(ref) && !ref.isDense())
        return {};
  return slabs(
      t, size_t(d), extent, chunks,
      [&](const blob::TensorRef &ref, bool, size_t) { return cut(ref); });
}

bool isReduction(arch::ShaveKernel k) {
  return k == arch::ShaveKernel::ReduceSum ||
         k == arch::ShaveKernel::ReduceMean ||
         k == arch::ShaveKernel::ReduceMax || k == arch::ShaveKernel::ReduceMin;
}

/// A reduction (one input, one output of its rank, 1 where it reduces)
/// split into up to `shaves` tasks over the outermost dimension it keeps
/// with an extent above 1 (a global average pool's channels: C of [1, C,
/// H, W] -> [1, C, 1, 1], or of [H, W, C] -> [1, 1, C], a strided slab
/// then): each task reduces its slab of the input into its slab of the
/// output, every element from the same values in the same order. Empty
/// when the task is not split.
std::vector<blob::ShaveTask> splitReduction(const blob::ShaveTask &t,
                                            uint64_t shaves) {
  if (t.inputs.size() != 1 || t.outputs.size() != 1)
    return {};
  const blob::TensorRef &in = t.inputs[0], &out = t.outputs[0];
  if (in.shape.size() != out.shape.size())
    return {};
  size_t d = 0;
  while (d < out.shape.size() &&
         !(out.shape[d] > 1 && out.shape[d] == in.shape[d]))
    ++d;
  if (d == out.shape.size())
    return {};
  uint64_t extent = out.shape[d];
  uint64_t chunks = std::min<uint64_t>(shaves, extent);
  if (chunks < 2)
    return {};
  return slabs(t, d, extent, chunks,
               [](const blob::TensorRef &, bool, size_t) { return true; });
}

} // namespace

uint64_t chunksWorth(const Emitter &e,
                     const std::vector<arch::ShaveKernelWork> &work,
                     uint64_t elements, uint64_t shaves) {
  const arch::HardwareDesc &hw = e.hw;
  uint64_t launch =
      arch::toDpuCycles(hw, hw.shaveLaunchCycles, hw.shaveClockKHz);
  uint64_t vector = arch::shaveChainCycles(hw, work) - launch;
  uint64_t byWork =
      e.shaveSplitByWork && launch ? e.shaveSplitByWork * vector / launch : 1;
  return std::min<uint64_t>(
      shaves,
      std::max<uint64_t>({1, elements / kMinShaveChunkElements, byWork}));
}

namespace {
/// The most tasks over `shaves` SHAVEs that kernel `t` is split into: each
/// task at least kMinShaveChunkElements elements, or with
/// Emitter::shaveSplitByWork at least as many cycles of vector work as its
/// launch (the simulator's cycle model: a softmax over 49 x 49 fp16 goes
/// to 2 tasks, an add of that size stays one). Splitting more would hold
/// SHAVEs that other kernels could use for little gain; splitting so pays
/// where the SHAVEs are otherwise idle (PP-OCRv4's recogniser, 1-3 %) and
/// not where several such kernels run side by side (8 attention heads'
/// softmaxes), so npu-group-layers chooses it per function.
uint64_t tasksWorth(const Emitter &e, const blob::ShaveTask &t,
                    uint64_t shaves) {
  uint64_t elements = t.workElements();
  uint32_t bytes =
      t.outputs.empty() ? 2 : uint32_t(dtypeSize(t.outputs[0].dtype));
  return chunksWorth(e, {{t.kernel, elements, bytes}}, elements, shaves);
}

/// Queues `task` with its accesses on the next SHAVE (round robin over the
/// tiles in use, tiles interleaved), or with Emitter::shavesByEstimate on
/// the one where it starts first by the estimate (ties: the next in turn).
void addShaveTask(Emitter &e, blob::Task task) {
  uint32_t shaves = e.tiles * e.hw.shavesPerTile;
  auto engineIndex = [&](uint32_t i) {
    uint32_t tile = i % e.tiles, shave = i / e.tiles;
    return tile * e.hw.shavesPerTile + shave;
  };
  std::vector<Access> acc;
  forEachView(task, [&](const blob::TensorRef &r, bool write) {
    acc.push_back(e.access(r, write));
  });
  uint32_t chosen = e.shaveCounter % shaves;
  if (e.shavesByEstimate) {
    uint64_t ready = e.sched.estimatedReady(acc);
    uint64_t best = UINT64_MAX;
    for (uint32_t k = 0; k < shaves; ++k) {
      uint32_t i = (e.shaveCounter + k) % shaves;
      uint64_t start =
          std::max(ready, e.sched.estimatedQueueEnd(blob::Engine::Shave,
                                                    engineIndex(i)));
      if (start < best) {
        best = start;
        chosen = i;
      }
    }
  }
  e.shaveCounter = chosen + 1;
  e.sched.add(blob::Engine::Shave, engineIndex(chosen), std::move(task),
              std::move(acc));
}

} // namespace

void addTileShaveTask(Emitter &e, uint32_t tile, blob::Task task) {
  if (e.epilogueShave.size() <= tile)
    e.epilogueShave.resize(tile + 1, 0);
  uint32_t shave = e.epilogueShave[tile];
  e.epilogueShave[tile] = (shave + 1) % e.hw.shavesPerTile;
  std::vector<Access> acc;
  forEachView(task, [&](const blob::TensorRef &r, bool write) {
    acc.push_back(e.access(r, write));
  });
  e.sched.add(blob::Engine::Shave, tile * e.hw.shavesPerTile + shave,
              std::move(task), std::move(acc));
}

/// The kernel and parameters of SHAVE op `op`, no operands yet; an error
/// at the op for an unknown kernel.
static FailureOr<blob::ShaveTask> kernelOf(hw::ShaveOp op) {
  auto kernel = arch::parseShaveKernel(op.getKernel().str());
  if (!kernel)
    return op.emitOpError()
           << "unknown SHAVE kernel '" << op.getKernel() << "'";
  blob::ShaveTask t;
  t.kernel = *kernel;
  t.fparams.assign(op.getFparams().begin(), op.getFparams().end());
  t.iparams.assign(op.getIparams().begin(), op.getIparams().end());
  return t;
}

LogicalResult emitShaveIntoView(Emitter &e, hw::ShaveOp op,
                                const std::string &label,
                                const StridedView &view, uint32_t dstBuffer,
                                uint64_t dstOffset,
                                const std::vector<uint64_t> &dstStrides,
                                std::optional<uint32_t> tile) {
  FailureOr<blob::ShaveTask> kernel = kernelOf(op);
  if (failed(kernel))
    return failure();
  blob::ShaveTask proto = std::move(*kernel);
  auto outRef =
      hw::denseDeviceRef(cast<ShapedType>(op.getOutputs()[0].getType()));
  if (!outRef || view.elemBytes != dtypeSize(outRef->dtype) ||
      view.offset % view.elemBytes != 0 ||
      view.shape.size() != view.strides.size() ||
      dstStrides.size() != view.shape.size())
    return op.emitOpError("cannot be computed into the concat reading it");
  // The same elements of the input (which has the result's shape, dense):
  // the view's element offsets and strides in the input's element size.
  blob::TensorRef in = e.denseRef(op.getInputs()[0]);
  uint64_t inBytes = dtypeSize(in.dtype);
  in.offset += view.offset / view.elemBytes * inBytes;
  in.shape.clear();
  in.strides.clear();
  for (size_t d = 0; d < view.shape.size(); ++d) {
    if (view.strides[d] % view.elemBytes != 0)
      return op.emitOpError("cannot be computed into the concat reading it");
    in.shape.push_back(uint32_t(view.shape[d]));
    in.strides.push_back(view.strides[d] / view.elemBytes * inBytes);
  }
  blob::TensorRef out = *outRef;
  out.buffer = dstBuffer;
  out.offset = dstOffset;
  out.shape = in.shape;
  out.strides = dstStrides;
  proto.inputs = {in};
  proto.outputs = {out};

  uint64_t shaves = tasksWorth(
      e, proto, tile ? e.hw.shavesPerTile : e.tiles * e.hw.shavesPerTile);
  uint64_t extent = view.shape.empty() ? 1 : view.shape[0];
  uint64_t chunks = 1;
  if (e.opts.splitShave)
    chunks = std::min<uint64_t>(shaves, extent);
  std::vector<blob::ShaveTask> parts;
  if (chunks >= 2)
    parts = slabs(proto, 0, extent, chunks,
                  [](const blob::TensorRef &, bool, size_t) { return true; });
  else
    parts.push_back(std::move(proto));
  for (size_t c = 0; c < parts.size(); ++c) {
    blob::Task task;
    task.name = parts.size() == 1 ? label : label + ".c" + std::to_string(c);
    task.kind = blob::Engine::Shave;
    task.shave = std::move(parts[c]);
    if (!tile) {
      addShaveTask(e, std::move(task));
      continue;
    }
    addTileShaveTask(e, *tile, std::move(task));
  }
  return success();
}

namespace {
/// Where operand `band` (a view of a SHAVE op's result) lies inside
/// `written` (a view of the same result a task has computed into
/// `writtenOffset` with `writtenStrides`), as a view there; nullopt unless
/// every element of `band` is one of `written`'s with the same strides.
std::optional<std::pair<uint64_t, std::vector<uint64_t>>>
withinWritten(const StridedView &band, const StridedView &written,
              uint64_t writtenOffset,
              const std::vector<uint64_t> &writtenStrides) {
  size_t rank = band.shape.size();
  if (band.base != written.base || written.shape.size() != rank ||
      band.elemBytes != written.elemBytes || band.offset < written.offset)
    return std::nullopt;
  for (size_t d = 0; d < rank; ++d)
    if (band.shape[d] > 1 && band.strides[d] != written.strides[d])
      return std::nullopt;
  // The first element's index in `written`, from the largest stride down.
  std::vector<size_t> order(rank);
  std::iota(order.begin(), order.end(), 0);
  llvm::stable_sort(order, [&](size_t a, size_t b) {
    return written.strides[a] > written.strides[b];
  });
  uint64_t delta = band.offset - written.offset, offset = writtenOffset;
  for (size_t d : order) {
    uint64_t index = written.strides[d] ? delta / written.strides[d] : 0;
    if (index + band.shape[d] > written.shape[d])
      return std::nullopt;
    delta -= index * written.strides[d];
    offset += index * writtenStrides[d];
  }
  if (delta != 0)
    return std::nullopt;
  return std::make_pair(offset, writtenStrides);
}
} // namespace

LogicalResult emitShavePrologue(Emitter &e, Operation *concat, uint32_t tile,
                                uint32_t row, uint32_t rows,
                                const blob::TensorRef &dst,
                                const std::string &label) {
  auto c = cast<npu::ConcatOp>(concat);
  // The operands computed so far: their views and where they went.
  struct Written {
    StridedView band;
    uint64_t offset;
    std::vector<uint64_t> strides;
  };
  std::vector<Written> written;
  for (unsigned i = 0; i < c.getInputs().size(); ++i) {
    auto copy = concatOperandCopy(c, i, e.elidedCopies);
    if (!copy)
      return concat->emitOpError("has an operand with no strided view");
    // The operand's rows: its view's outermost dimension (findShavePrologues).
    StridedView band = copy->src;
    band.offset += uint64_t(row) * band.strides[0];
    band.shape[0] = rows;
    uint64_t to = dst.offset + copy->dstOffset;
    // Elements an earlier operand's kernel has put in CMX already (a
    // stem's padding channels repeat its first ones): copied there, within
    // the tile's CMX, instead of computed from the input in DDR again.
    std::optional<std::pair<uint64_t, std::vector<uint64_t>>> from;
    for (const Written &w : written)
      if ((from = withinWritten(band, w.band, w.offset, w.strides)))
        break;
    if (from) {
      blob::TensorRef in = dst, out = dst;
      in.offset = from->first;
      in.strides = from->second;
      out.offset = to;
      out.strides = copy->dstStrides;
      in.shape.assign(band.shape.begin(), band.shape.end());
      out.shape = in.shape;
      blob::Task task;
      task.name = label + std::to_string(i);
      task.kind = blob::Engine::Shave;
      task.shave.kernel = arch::ShaveKernel::Convert;
      task.shave.inputs = {in};
      task.shave.outputs = {out};
      addTileShaveTask(e, tile, std::move(task));
      continue;
    }
    auto shave = cast<hw::ShaveOp>(copy->src.base.getDefiningOp());
    if (failed(emitShaveIntoView(e, shave, label + std::to_string(i), band,
                                 dst.buffer, to, copy->dstStrides, tile)))
      return failure();
    written.push_back({band, to, copy->dstStrides});
  }
  return success();
}

void appendTaskLabel(std::string &name, const std::string &part) {
  llvm::SmallVector<llvm::StringRef> parts;
  llvm::StringRef(name).split(parts, '+');
  if (name.empty())
    name = part;
  else if (!llvm::is_contained(parts, part))
    name += "+" + part;
}

void emitShaveChain(Emitter &e, std::vector<blob::Task> kernels,
                    std::string name) {
  blob::Task chain = std::move(kernels[0]);
  chain.kind = blob::Engine::Shave;
  for (size_t k = 1; k < kernels.size(); ++k) {
    appendTaskLabel(chain.name, kernels[k].name);
    chain.shave.chained.push_back(std::move(kernels[k].shave));
  }
  if (!name.empty())
    chain.name = std::move(name);
  addShaveTask(e, std::move(chain));
}

LogicalResult shaveTasks(Emitter &e, hw::ShaveOp op, const std::string &label,
                         std::vector<blob::Task> &tasks, uint64_t chunkElements,
                         uint64_t minChunks) {
  FailureOr<blob::ShaveTask> kernel = kernelOf(op);
  if (failed(kernel))
    return failure();
  blob::ShaveTask proto = std::move(*kernel);
  for (Value v : op.getInputs())
    proto.inputs.push_back(e.denseRef(v));
  for (Value v : op.getOutputs())
    proto.outputs.push_back(e.denseRef(v));

  uint32_t shaves = e.tiles * e.hw.shavesPerTile;

  // Chunks of the flattened operands, when all have the output's shape
  // (an input of one element, broadcast, is passed whole to every chunk;
  // so is a per-channel vector [1, ..., 1, C] broadcast over an output whose
  // innermost dimension is C, when every chunk starts at a multiple of C).
  uint64_t elements =
      proto.outputs.empty() ? 0 : proto.outputs[0].numElements();
  bool sameShape = !proto.outputs.empty();
  auto isScalar = [](const blob::TensorRef &r) { return r.numElements() == 1; };
  uint64_t channels = 1;
  auto isChannelVector = [&](const blob::TensorRef &r) {
    const std::vector<uint32_t> &out = proto.outputs[0].shape;
    // Not an operand of the output's shape (of one row of C).
    if (out.empty() || r.shape.empty() || r.shape == out ||
        r.shape.back() != out.back() || r.numElements() != out.back() ||
        isScalar(r) || !r.isDense())
      return false;
    return std::all_of(r.shape.begin(), r.shape.end() - 1,
                       [](uint32_t d) { return d == 1; });
  };
  for (size_t i = 0; i < proto.inputs.size(); ++i) {
    // A lookup's table is read whole by every chunk.
    if (arch::readsWhole(proto.kernel, i))
      continue;
    const blob::TensorRef &r = proto.inputs[i];
    bool vector = sameShape && isChannelVector(r);
    if (vector)
      channels = proto.outputs[0].shape.back();
    sameShape &= r.shape == proto.outputs[0].shape || isScalar(r) || vector;
  }
  for (const blob::TensorRef &r : proto.outputs)
    sameShape &= r.shape == proto.outputs[0].shape;
  uint64_t worth = tasksWorth(e, proto, shaves);
  uint64_t chunks = 1;
  if (e.opts.splitShave && arch::isElementwiseKernel(proto.kernel) && sameShape)
    chunks = std::max<uint64_t>(worth, std::min<uint64_t>(minChunks, shaves));
  chunks = std::max<uint64_t>(chunks, 1);
  // Chunk sizes: multiples of 64 elements and of the channel vectors'
  // length; chained after another op's chunks (`chunkElements`), the
  // chunks of that op (a global average pool's channel slabs), whole
  // channel vectors each.
  uint64_t unit = std::lcm<uint64_t>(64, channels);
  uint64_t per = (elements + chunks - 1) / chunks;
  per = (per + unit - 1) / unit * unit;
  if (chunkElements && e.opts.splitShave &&
      arch::isElementwiseKernel(proto.kernel) && sameShape &&
      chunkElements % channels == 0 && chunkElements < elements) {
    per = chunkElements;
    chunks = (elements + per - 1) / per;
  }

  auto add = [&](blob::Task task) {
    task.kind = blob::Engine::Shave;
    tasks.push_back(std::move(task));
  };
  std::vector<blob::ShaveTask> parts;
  if (e.opts.splitShave && proto.kernel == arch::ShaveKernel::MatMul)
    // By work: 4 heads of 64 x 64 x 16 go to 4 SHAVEs, not 2.
    parts =
        splitMatMul(proto, shaves,
                    e.shaveSplitByWork
                        ? std::max<uint64_t>(1, arch::matMulLaunchMacs(e.hw) /
                                                    e.shaveSplitByWork)
                        : arch::kMatMulChunkMacs);
  else if (e.opts.splitShave && !proto.iparams.empty() &&
           (proto.kernel == arch::ShaveKernel::Softmax ||
            proto.kernel == arch::ShaveKernel::LogSoftmax))
    parts = splitOuter(proto, worth, proto.iparams[0]);
  else if (e.opts.splitShave && proto.iparams.size() >= 2 &&
           proto.kernel == arch::ShaveKernel::Mvn)
    parts = splitOuter(proto, worth, proto.iparams[1]);
  else if (e.opts.splitShave && arch::isElementwiseKernel(proto.kernel) &&
           !sameShape)
    parts = splitOuter(proto, worth, 0, /*broadcast=*/true);
  else if (e.opts.splitShave && isReduction(proto.kernel))
    parts = splitReduction(proto, worth);
  else if (e.opts.splitShave && proto.kernel == arch::ShaveKernel::Resize &&
           proto.inputs.size() == 1 && proto.outputs.size() == 1 &&
           proto.inputs[0].shape.size() == 4 &&
           proto.outputs[0].shape.size() == 4)
    // Resize maps each [H, W] plane of [N, C, H, W] alone: split over N or
    // C.
    parts = splitOuter(proto, worth, 2);
  if (!parts.empty()) {
    for (size_t c = 0; c < parts.size(); ++c) {
      blob::Task task;
      task.name = label + ".c" + std::to_string(c);
      task.shave = std::move(parts[c]);
      add(std::move(task));
    }
    return success();
  }

  for (uint64_t c = 0, begin = 0; begin < elements || c == 0; ++c) {
    blob::Task task;
    task.name = chunks == 1 ? label : label + ".c" + std::to_string(c);
    task.shave = proto;
    if (chunks > 1) {
      uint64_t n = std::min(per, elements - begin);
      for (auto *list : {&task.shave.inputs, &task.shave.outputs})
        for (blob::TensorRef &r : *list) {
          uint64_t eb = dtypeSize(r.dtype);
          bool input = list == &task.shave.inputs;
          if (input && arch::readsWhole(proto.kernel,
                                        size_t(&r - task.shave.inputs.data())))
            continue;
          if (input && isScalar(r) && elements > 1) {
            r.shape = {1u};
            r.strides = {eb};
            continue;
          }
          bool vector = input && isChannelVector(r);
          if (!vector)
            r.offset += begin * eb;
          if (channels > 1) {
            // [n / C, C], the vectors [1, C]: broadcast over the rows.
            r.shape = {vector ? 1u : uint32_t(n / channels),
                       uint32_t(channels)};
            r.strides = {channels * eb, eb};
          } else {
            r.shape = {uint32_t(n)};
            r.strides = {eb};
          }
        }
      begin += n;
    } else {
      begin = elements;
    }
    add(std::move(task));
  }
  return success();
}

} // namespace npu::target
