//===- ShaveEpilogue.cpp - SHAVE ops run on a DPU op's pieces -------------===//
//
// Which SHAVE ops form a DPU op's epilogue (findShaveEpilogues,
// ShaveEpilogue.h), and their tasks on one output piece
// (emitShaveEpilogue, called by EmitDpu.cpp where each piece is stored).
//
//===----------------------------------------------------------------------===//

#include "Emitter.h"

#include "npu/Arch/CostModel.h"
#include "npu/Arch/ShaveKernels.h"
#include "npu/Dialect/NPUHW/IR/DeviceTypes.h"

using namespace mlir;

namespace npu::target {

namespace {

bool isScalar(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.hasStaticShape() && t.getNumElements() == 1;
}

/// A per-channel operand of the [H, W, C] tensor `in`: [1, 1, C] (at
/// `in`'s rank, every dimension 1 but the last, which is C > 1).
bool isPerChannel(Value v, Value in) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  auto inType = cast<RankedTensorType>(in.getType());
  if (!t || !t.hasStaticShape() || t.getRank() != inType.getRank() ||
      t.getRank() == 0 || !inType.hasStaticShape())
    return false;
  ArrayRef<int64_t> shape = t.getShape();
  return shape.back() > 1 && shape.back() == inType.getShape().back() &&
         llvm::all_of(shape.drop_back(), [](int64_t d) { return d == 1; });
}

/// Whether `v` is an input of `s` that every task reads whole
/// (arch::readsWhole: a lookup's table).
bool isReadWhole(hw::ShaveOp s, Value v) {
  auto kernel = arch::parseShaveKernel(s.getKernel().str());
  for (auto [i, input] : llvm::enumerate(s.getInputs()))
    if (input == v && kernel && arch::readsWhole(*kernel, i))
      return true;
  return false;
}

/// How SHAVE op `s` can run on the pieces of `in` (computed by DPU op
/// `dpu`): an elementwise kernel with one result of `in`'s shape, reading
/// `in` once, its other operands scalars or per-channel vectors whose
/// values exist before `dpu` runs. In place when the result has `in`'s
/// element type too.
enum class Step { No, InPlace, Converts };

Step epilogueStep(hw::ShaveOp s, Value in, Operation *dpu) {
  auto kernel = arch::parseShaveKernel(s.getKernel().str());
  if (!kernel || !arch::isElementwiseKernel(*kernel) ||
      s.getOutputs().size() != 1)
    return Step::No;
  auto inType = cast<RankedTensorType>(in.getType());
  auto outType = dyn_cast<RankedTensorType>(s.getOutputs()[0].getType());
  if (!outType || outType.getShape() != inType.getShape() ||
      !hw::deviceDType(outType.getElementType()))
    return Step::No;
  unsigned reads = 0;
  for (Value v : s.getInputs()) {
    if (v == in) {
      ++reads;
      continue;
    }
    if (!isScalar(v) && !isPerChannel(v, in) && !isReadWhole(s, v))
      return Step::No;
    Operation *def = v.getDefiningOp();
    if (def && !isa<npu::ConstantOp>(def) &&
        !(def->getBlock() == dpu->getBlock() && def->isBeforeInBlock(dpu)))
      return Step::No;
  }
  if (reads != 1)
    return Step::No;
  return outType == inType ? Step::InPlace : Step::Converts;
}

} // namespace

ShaveEpilogues findShaveEpilogues(Block &body) {
  ShaveEpilogues found;
  for (Operation &op : body) {
    if (!isDpuOp(&op) || op.getNumResults() != 1)
      continue;
    ShaveEpilogue ep;
    Value cur = op.getResult(0);
    // In-place steps, then at most one that converts (into the result's
    // own buffer).
    while (cur.hasOneUse()) {
      auto s = dyn_cast<hw::ShaveOp>(*cur.getUsers().begin());
      Step step =
          s && s->getBlock() == &body ? epilogueStep(s, cur, &op) : Step::No;
      if (step == Step::No)
        break;
      ep.ops.push_back(s);
      for (Value v : s.getInputs())
        ep.perChannel |= v != cur && isPerChannel(v, cur);
      cur = s.getOutputs()[0];
      if (step == Step::Converts)
        break;
    }
    if (ep.ops.empty())
      continue;
    ep.source = op.getResult(0);
    ep.result = cur;
    found[&op] = std::move(ep);
  }
  return found;
}

void emitShaveEpilogue(Emitter &e, const ShaveEpilogue &ep, uint32_t tile,
                       const blob::TensorRef &piece, uint32_t channelBegin,
                       const std::string &pieceSuffix,
                       const blob::TensorRef *dest) {
  uint64_t elements = piece.numElements();
  uint64_t eb = dtypeSize(piece.dtype);
  // As a SHAVE op of its own (chunksWorth), over the tile's SHAVEs.
  std::vector<arch::ShaveKernelWork> work;
  for (hw::ShaveOp s : ep.ops) {
    auto dtype = hw::deviceDType(
        cast<ShapedType>(s.getOutputs()[0].getType()).getElementType());
    // Lanes as blob::ShaveTask::vectorElementBytes sizes them.
    work.push_back(
        {*arch::parseShaveKernel(s.getKernel().str()), elements,
         uint32_t(std::max(dtypeSize(dtype.value_or(piece.dtype)), eb))});
  }
  uint64_t chunks = chunksWorth(e, work, elements, e.hw.shavesPerTile);
  // A dense piece is cut into runs of whole 64 elements; a strided one (a
  // channel slice of a tensor kept in CMX), one converted into `dest`, or
  // one a per-channel operand broadcasts over, into runs of its rows (and
  // `dest` into the same rows).
  std::vector<blob::TensorRef> parts, destParts;
  if (piece.isDense() && !dest && !ep.perChannel) {
    uint64_t per = (elements + chunks - 1) / chunks;
    per = (per + 63) / 64 * 64;
    for (uint64_t begin = 0; begin < elements; begin += per)
      parts.push_back(blob::TensorRef::dense(
          piece.buffer, piece.offset + begin * eb, piece.dtype,
          {uint32_t(std::min(per, elements - begin))}));
  } else {
    uint32_t rows = piece.shape[0];
    uint32_t per = uint32_t((rows + chunks - 1) / chunks);
    for (uint32_t begin = 0; begin < rows; begin += per) {
      for (auto [whole, list] :
           {std::pair{&piece, &parts}, std::pair{dest, &destParts}}) {
        if (!whole)
          continue;
        blob::TensorRef part = *whole;
        part.offset += begin * whole->strides[0];
        part.shape[0] = std::min(per, rows - begin);
        list->push_back(part);
      }
    }
  }
  // Each chunk runs the whole chain in one SHAVE launch: the first op's
  // kernel, the others chained after it (blob::ShaveTask::chained).
  std::vector<blob::Task> tasks(parts.size());
  std::string name;
  for (size_t i = 0; i < ep.ops.size(); ++i) {
    hw::ShaveOp s = ep.ops[i];
    Value in = i == 0 ? ep.source : hw::ShaveOp(ep.ops[i - 1]).getOutputs()[0];
    bool intoDest = dest && i + 1 == ep.ops.size();
    appendTaskLabel(name, ep.labels[i]);
    blob::ShaveTask proto;
    proto.kernel = *arch::parseShaveKernel(s.getKernel().str());
    proto.fparams.assign(s.getFparams().begin(), s.getFparams().end());
    proto.iparams.assign(s.getIparams().begin(), s.getIparams().end());
    std::vector<size_t> pieceInputs;
    for (Value v : s.getInputs()) {
      if (v == in) {
        pieceInputs.push_back(proto.inputs.size());
        proto.inputs.emplace_back();
        continue;
      }
      blob::TensorRef whole = e.denseRef(v);
      if (isReadWhole(s, v)) {
        proto.inputs.push_back(whole);
        continue;
      }
      if (isPerChannel(v, in)) {
        // The piece's channels of a per-channel operand, [1, 1, channels],
        // read whole by every task.
        std::vector<uint32_t> shape(parts[0].shape.size(), 1u);
        shape.back() = parts[0].shape.back();
        proto.inputs.push_back(blob::TensorRef::dense(
            whole.buffer,
            whole.offset + uint64_t(channelBegin) * dtypeSize(whole.dtype),
            whole.dtype, shape));
        continue;
      }
      // A scalar, read whole by every task, at the pieces' rank.
      whole.shape.assign(parts[0].shape.size(), 1u);
      whole.strides.assign(parts[0].shape.size(), dtypeSize(whole.dtype));
      proto.inputs.push_back(whole);
    }
    for (size_t c = 0; c < parts.size(); ++c) {
      blob::ShaveTask kernel = proto;
      for (size_t k : pieceInputs)
        kernel.inputs[k] = parts[c];
      const blob::TensorRef &out = intoDest ? destParts[c] : parts[c];
      kernel.outputs = {out};
      if (i == 0)
        tasks[c].shave = std::move(kernel);
      else
        tasks[c].shave.chained.push_back(std::move(kernel));
    }
  }
  for (size_t c = 0; c < parts.size(); ++c) {
    tasks[c].name = name + "." + pieceSuffix +
                    (parts.size() > 1 ? ".c" + std::to_string(c) : "");
    tasks[c].kind = blob::Engine::Shave;
    // The tile's SHAVEs take the pieces' chunks in turn.
    addTileShaveTask(e, tile, std::move(tasks[c]));
  }
}

} // namespace npu::target
