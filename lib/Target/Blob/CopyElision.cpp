//===- CopyElision.cpp - Transposes and slices copied where they are read -===//

#include "CopyElision.h"

#include "npu/Arch/ShaveKernels.h"
#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPUHW/IR/DeviceTypes.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"
#include "npu/Target/Blob/DmaViews.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace npu::target {

namespace {

/// The dense view of `v`'s own bytes.
std::optional<StridedView> denseView(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  auto ref = hw::denseDeviceRef(type);
  if (!ref)
    return std::nullopt;
  StridedView view;
  view.base = v;
  view.elemBytes = dtypeSize(ref->dtype);
  view.shape.assign(type.getShape().begin(), type.getShape().end());
  view.strides = denseStrides(view.shape, view.elemBytes);
  return view;
}

/// `view` seen with `shape` (the same number of elements, row-major), when
/// strides can express it: every run of old dimensions merged into new
/// ones must be contiguous within the view (NumPy's no-copy reshape).
bool reshapeView(StridedView &view, ArrayRef<int64_t> shape) {
  std::vector<uint64_t> oldDims, oldStrides;
  for (size_t i = 0; i < view.shape.size(); ++i)
    if (view.shape[i] != 1) {
      oldDims.push_back(view.shape[i]);
      oldStrides.push_back(view.strides[i]);
    }
  std::vector<uint64_t> newDims(shape.begin(), shape.end());
  std::vector<uint64_t> newStrides(newDims.size(), view.elemBytes);
  uint64_t oldCount = 1, newCount = 1;
  for (uint64_t d : oldDims)
    oldCount *= d;
  for (uint64_t d : newDims) {
    if (d == 0)
      return false;
    newCount *= d;
  }
  if (oldCount != newCount)
    return false;
  size_t oi = 0, oj = 1, ni = 0, nj = 1;
  while (ni < newDims.size() && oi < oldDims.size()) {
    uint64_t np = newDims[ni], op = oldDims[oi];
    while (np != op) {
      if (np < op) {
        if (nj >= newDims.size())
          return false;
        np *= newDims[nj++];
      } else {
        if (oj >= oldDims.size())
          return false;
        op *= oldDims[oj++];
      }
    }
    for (size_t k = oi; k + 1 < oj; ++k)
      if (oldStrides[k] != oldDims[k + 1] * oldStrides[k + 1])
        return false;
    newStrides[nj - 1] = oldStrides[oj - 1];
    for (size_t k = nj - 1; k > ni; --k)
      newStrides[k - 1] = newStrides[k] * newDims[k];
    ni = nj++;
    oi = oj++;
  }
  // Dimensions of extent 1 left at the end: any stride will do.
  view.shape = std::move(newDims);
  view.strides = std::move(newStrides);
  return true;
}

} // namespace

std::optional<StridedView>
composedView(Value v, const llvm::DenseSet<Operation *> &elided) {
  Operation *def = v.getDefiningOp();
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  if (auto reshape = dyn_cast_or_null<npu::ReshapeOp>(def)) {
    auto view = composedView(reshape.getInput(), elided);
    if (!view || !reshapeView(*view, type.getShape()))
      return std::nullopt;
    return view;
  }
  if (!def || !elided.contains(def))
    return denseView(v);
  if (auto t = dyn_cast<npu::TransposeOp>(def)) {
    auto in = composedView(t.getInput(), elided);
    if (!in)
      return std::nullopt;
    ArrayRef<int64_t> perm = t.getPerm();
    if (perm.size() != in->shape.size())
      return std::nullopt;
    StridedView view = *in;
    for (size_t i = 0; i < perm.size(); ++i) {
      if (perm[i] < 0 || perm[i] >= int64_t(perm.size()))
        return std::nullopt;
      view.shape[i] = in->shape[perm[i]];
      view.strides[i] = in->strides[perm[i]];
    }
    return view;
  }
  if (auto s = dyn_cast<npu::SliceOp>(def)) {
    auto view = composedView(s.getInput(), elided);
    ArrayRef<int64_t> starts = s.getStarts(), steps = s.getSteps();
    if (!view || starts.size() != view->shape.size() ||
        steps.size() != view->shape.size())
      return std::nullopt;
    for (size_t i = 0; i < view->shape.size(); ++i) {
      if (starts[i] < 0 || steps[i] <= 0)
        return std::nullopt;
      view->offset += uint64_t(starts[i]) * view->strides[i];
      view->strides[i] *= uint64_t(steps[i]);
      view->shape[i] = uint64_t(type.getDimSize(i));
    }
    return view;
  }
  return std::nullopt;
}

std::optional<ConcatCopy>
concatOperandCopy(Operation *op, unsigned index,
                  const llvm::DenseSet<Operation *> &elided) {
  auto concat = dyn_cast<npu::ConcatOp>(op);
  if (!concat || index >= concat.getInputs().size())
    return std::nullopt;
  auto out = denseView(concat.getOutput());
  if (!out)
    return std::nullopt;
  int64_t rank = int64_t(out->shape.size());
  int64_t axis = concat.getAxis();
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return std::nullopt;
  // The operand's region of the result: its shape, the result's strides.
  Value v = concat.getInputs()[index];
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.hasStaticShape() || type.getRank() != rank)
    return std::nullopt;
  StridedView dst = *out;
  for (unsigned i = 0; i < index; ++i)
    dst.offset +=
        uint64_t(cast<RankedTensorType>(concat.getInputs()[i].getType())
                     .getDimSize(axis)) *
        out->strides[axis];
  dst.shape.assign(type.getShape().begin(), type.getShape().end());

  std::optional<StridedView> src = composedView(v, elided);
  if (!src) {
    // A reshape that strides cannot express: copy in its input's shape.
    auto reshape = v.getDefiningOp<npu::ReshapeOp>();
    if (!reshape)
      return std::nullopt;
    src = composedView(reshape.getInput(), elided);
    if (!src)
      return std::nullopt;
    auto inType = cast<RankedTensorType>(reshape.getInput().getType());
    if (!reshapeView(dst, inType.getShape()))
      return std::nullopt;
  }
  if (src->shape != dst.shape || src->elemBytes != dst.elemBytes)
    return std::nullopt;
  return ConcatCopy{*src, dst.offset, dst.strides};
}

namespace {

/// Whether `use` is an operand a DPU op loads into CMX by DMA from DDR: a
/// convolution's input or weights, or an eltwise op's input.
bool isDpuLoad(OpOperand &use) {
  Operation *user = use.getOwner();
  Value v = use.get();
  if (auto conv = dyn_cast<hw::DpuConvOp>(user))
    return v == conv.getInput() || v == conv.getWeights();
  if (auto eltwise = dyn_cast<hw::DpuEltwiseOp>(user))
    return v == eltwise.getLhs() || v == eltwise.getRhs();
  return false;
}

/// Whether every reader of `v` is a reshape, an elided op, a concat (then
/// the operand's composed view must exist and start from DDR bytes) or,
/// with `dpuLoads`, a DPU op loading it (isDpuLoad; then `v`'s composed
/// view must exist and start from DDR bytes) or a SHAVE op (then that view
/// must also be contiguous: the kernel reads it as a dense tensor at an
/// offset of the bytes it is a view of, Emitter::denseRef), recursively;
/// `v` must have readers.
bool onlyCopiesRead(Value v, const llvm::DenseSet<Operation *> &elided,
                    const llvm::DenseSet<Value> &cmxOnly, bool dpuLoads) {
  if (v.use_empty())
    return false;
  for (OpOperand &use : v.getUses()) {
    Operation *user = use.getOwner();
    if (isa<npu::ReshapeOp>(user) || elided.contains(user)) {
      if (!onlyCopiesRead(user->getResult(0), elided, cmxOnly, dpuLoads))
        return false;
      continue;
    }
    if (dpuLoads && isDpuLoad(use)) {
      auto view = composedView(v, elided);
      if (!view || cmxOnly.contains(view->base))
        return false;
      continue;
    }
    if (dpuLoads && isa<hw::ShaveOp>(user)) {
      auto view = composedView(v, elided);
      if (!view || cmxOnly.contains(view->base) ||
          !isContiguous(view->shape, view->strides, view->elemBytes))
        return false;
      continue;
    }
    if (!isa<npu::ConcatOp>(user))
      return false;
    auto copy = concatOperandCopy(user, use.getOperandNumber(), elided);
    if (!copy || cmxOnly.contains(copy->src.base))
      return false;
  }
  return true;
}

/// How many concat operands read `v` (through reshapes and ops of
/// `elided`).
unsigned concatOperandsReading(Value v,
                               const llvm::DenseSet<Operation *> &elided) {
  unsigned n = 0;
  for (Operation *user : v.getUsers()) {
    if (isa<npu::ReshapeOp>(user) || elided.contains(user))
      n += concatOperandsReading(user->getResult(0), elided);
    else if (isa<npu::ConcatOp>(user))
      ++n;
  }
  return n;
}

} // namespace

llvm::DenseSet<Operation *>
findElidedCopies(Block &body, const llvm::DenseSet<Value> &cmxOnly) {
  llvm::DenseSet<Operation *> elided;
  // Readers first: when an op is considered, the ops after it that read
  // its result are decided, and its readers' views are checked again
  // through it.
  for (Operation &op : llvm::reverse(body)) {
    if (!isa<npu::TransposeOp, npu::SliceOp>(op))
      continue;
    elided.insert(&op);
    if (!onlyCopiesRead(op.getResult(0), elided, cmxOnly, /*dpuLoads=*/true))
      elided.erase(&op);
  }
  return elided;
}

llvm::DenseSet<Operation *>
findShaveOpsIntoConcats(Block &body, const llvm::DenseSet<Operation *> &elided,
                        const llvm::DenseSet<Value> &cmxOnly,
                        bool intoEachConcat) {
  llvm::DenseSet<Operation *> found;
  for (Operation &op : body) {
    auto shave = dyn_cast<hw::ShaveOp>(op);
    if (!shave || shave.getInputs().size() != 1 ||
        shave.getOutputs().size() != 1)
      continue;
    auto kernel = arch::parseShaveKernel(shave.getKernel().str());
    if (!kernel || !arch::isElementwiseKernel(*kernel))
      continue;
    Value in = shave.getInputs()[0], out = shave.getOutputs()[0];
    auto inType = dyn_cast<RankedTensorType>(in.getType());
    auto outType = dyn_cast<RankedTensorType>(out.getType());
    if (!inType || !outType || !inType.hasStaticShape() ||
        inType.getShape() != outType.getShape() ||
        !hw::denseDeviceRef(inType) || !hw::denseDeviceRef(outType))
      continue;
    // The input's own bytes: through reshapes to a value that has them.
    Value root = in;
    while (auto reshape = root.getDefiningOp<npu::ReshapeOp>())
      root = reshape.getInput();
    Operation *def = root.getDefiningOp();
    if (cmxOnly.contains(root) || (def && elided.contains(def)) ||
        cmxOnly.contains(out))
      continue;
    // Run once per concat operand it feeds, it would not chain with a
    // SHAVE op computing its input: with several such operands it runs
    // once, in that chain, and the concats copy its result (a causal
    // convolution's quantized input, both in its zero-padded form and as
    // one of its taps: one launch, not two).
    if (!intoEachConcat && def && isa<hw::ShaveOp>(def) &&
        concatOperandsReading(out, elided) > 1)
      continue;
    if (onlyCopiesRead(out, elided, cmxOnly, /*dpuLoads=*/false))
      found.insert(&op);
  }
  return found;
}

llvm::DenseMap<Value, Operation *>
findShavePrologues(Block &body, const llvm::DenseSet<Operation *> &elided,
                   const llvm::DenseSet<Operation *> &intoConcats,
                   const llvm::DenseSet<Value> &cmxOnly) {
  llvm::DenseMap<Value, Operation *> found;
  for (Operation &op : body) {
    auto concat = dyn_cast<npu::ConcatOp>(op);
    if (!concat)
      continue;
    Value v = concat.getOutput();
    auto type = dyn_cast<RankedTensorType>(v.getType());
    auto out = denseView(v);
    if (!type || !out || type.getRank() != 3 || cmxOnly.contains(v) ||
        !v.hasOneUse())
      continue;
    auto conv = dyn_cast<hw::DpuConvOp>(*v.getUsers().begin());
    // A dense convolution's pieces read every input channel.
    if (!conv || conv.getInput() != v ||
        conv.getKind() != hw::DpuConvKind::conv)
      continue;
    uint64_t rowBytes = out->strides[0];
    bool rows = true;
    for (unsigned i = 0; rows && i < concat.getInputs().size(); ++i) {
      auto copy = concatOperandCopy(concat, i, elided);
      Operation *def = copy ? copy->src.base.getDefiningOp() : nullptr;
      rows = def && intoConcats.contains(def) && !copy->src.shape.empty() &&
             copy->src.shape[0] == uint64_t(type.getDimSize(0)) &&
             copy->dstStrides[0] == rowBytes && copy->dstOffset < rowBytes;
    }
    if (rows)
      found[v] = concat;
  }
  return found;
}

llvm::DenseMap<Value, ConcatSlot>
findDpuResultsIntoConcats(ArrayRef<Value> stored,
                          const llvm::DenseSet<Operation *> &elided,
                          const llvm::DenseSet<Value> &cmxOnly) {
  llvm::DenseMap<Value, ConcatSlot> found;
  for (Value s : stored) {
    auto type = dyn_cast<RankedTensorType>(s.getType());
    if (!type || !type.hasStaticShape() || type.getRank() != 3 ||
        cmxOnly.contains(s))
      continue;
    // One reader, through reshapes of one reader each, and that a concat.
    Value v = s;
    while (v.hasOneUse() && isa<npu::ReshapeOp>(*v.getUsers().begin()))
      v = v.getUsers().begin()->getResult(0);
    if (!v.hasOneUse())
      continue;
    OpOperand &use = *v.getUses().begin();
    auto concat = dyn_cast<npu::ConcatOp>(use.getOwner());
    if (!concat || cmxOnly.contains(concat.getOutput()))
      continue;
    auto copy = concatOperandCopy(concat, use.getOperandNumber(), elided);
    auto own = denseView(s);
    if (!copy || !own || copy->src.base != s || copy->src.offset != 0 ||
        copy->src.strides != denseStrides(copy->src.shape, own->elemBytes))
      continue;
    StridedView dst;
    dst.base = concat.getOutput();
    dst.offset = copy->dstOffset;
    dst.elemBytes = own->elemBytes;
    dst.shape = copy->src.shape;
    dst.strides = copy->dstStrides;
    if (!reshapeView(dst, type.getShape()))
      continue;
    found[s] = ConcatSlot{dst.base, dst.offset, dst.strides};
  }
  return found;
}

} // namespace npu::target
