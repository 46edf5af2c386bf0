//===- EmitDataMovement.cpp - Transpose, slice, concat as DMAs ------------===//
//
// Each op is a DDR-to-DDR strided copy from its operands' dense buffers to
// its result's (DmaViews.h): a transpose reads with permuted strides, a
// slice from an offset with strides scaled by its steps, a concat writes
// each operand at its offset along the axis.
//
//===----------------------------------------------------------------------===//

#include "CopyElision.h"
#include "Emitter.h"

#include "npu/Dialect/NPUHW/IR/DeviceTypes.h"

using namespace mlir;

namespace npu::target {

namespace {

/// Shape, element size and dense strides of a tensor value.
struct Dense {
  std::vector<uint64_t> shape, strides;
  uint64_t elem = 1;
  DType dtype = DType::I8;
};

FailureOr<Dense> dense(Operation *op, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  auto ref = hw::denseDeviceRef(type);
  if (!ref)
    return op->emitOpError() << "operand type " << type
                             << " is not a static tensor of a device type";
  Dense d;
  d.dtype = ref->dtype;
  d.elem = dtypeSize(d.dtype);
  d.shape.assign(type.getShape().begin(), type.getShape().end());
  d.strides = denseStrides(d.shape, d.elem);
  return d;
}

/// Big copies are split in two so that both DMA ports work.
constexpr uint64_t kSplitCopyBytes = 64 * 1024;

} // namespace

LogicalResult emitTranspose(Emitter &e, npu::TransposeOp op,
                            const std::string &label) {
  auto in = dense(op, op.getInput());
  auto out = dense(op, op.getOutput());
  if (failed(in) || failed(out))
    return failure();
  ArrayRef<int64_t> perm = op.getPerm();
  CopyRequest req;
  req.shape = out->shape;
  req.elemBytes = in->elem;
  req.dstStrides = out->strides;
  req.splitBytes = kSplitCopyBytes;
  for (int64_t p : perm) {
    if (p < 0 || p >= int64_t(in->shape.size()))
      return op.emitOpError("has an invalid permutation");
    req.srcStrides.push_back(in->strides[p]);
  }
  return e.copy(op, label, req, e.buffers.lookup(op.getInput())->buffer,
                e.buffers.lookup(op.getOutput())->buffer, in->dtype);
}

LogicalResult emitSlice(Emitter &e, npu::SliceOp op, const std::string &label) {
  auto in = dense(op, op.getInput());
  auto out = dense(op, op.getOutput());
  if (failed(in) || failed(out))
    return failure();
  CopyRequest req;
  req.shape = out->shape;
  req.elemBytes = in->elem;
  req.dstStrides = out->strides;
  req.splitBytes = kSplitCopyBytes;
  ArrayRef<int64_t> starts = op.getStarts(), steps = op.getSteps();
  for (size_t i = 0; i < in->shape.size(); ++i) {
    if (steps[i] <= 0)
      return op.emitOpError()
             << "has step " << steps[i] << " in dimension " << i
             << "; code generation supports positive steps only (DMA "
                "strides are unsigned)";
    req.srcOffset += uint64_t(starts[i]) * in->strides[i];
    req.srcStrides.push_back(in->strides[i] * uint64_t(steps[i]));
  }
  return e.copy(op, label, req, e.buffers.lookup(op.getInput())->buffer,
                e.buffers.lookup(op.getOutput())->buffer, in->dtype);
}

LogicalResult emitConcat(Emitter &e, npu::ConcatOp op,
                         const std::string &label) {
  auto out = dense(op, op.getOutput());
  if (failed(out))
    return failure();
  int64_t rank = int64_t(out->shape.size());
  int64_t axis = int64_t(op.getAxis());
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return op.emitOpError("has an invalid axis");
  for (auto [i, v] : llvm::enumerate(op.getInputs())) {
    auto in = dense(op, v);
    if (failed(in))
      return failure();
    // The operand's bytes where they are: its own buffer, or, through
    // elided transposes and slices, the value they view (CopyElision.h).
    auto copy = concatOperandCopy(op, unsigned(i), e.elidedCopies);
    // Stored here by the DPU op computing it.
    if (copy && e.dpuIntoConcats.count(copy->src.base))
      continue;
    const ValueLocation *src =
        copy ? e.buffers.lookup(copy->src.base) : nullptr;
    uint32_t dst = e.buffers.lookup(op.getOutput())->buffer;
    // Computed straight into the result by the SHAVE op it views.
    if (copy && copy->src.base.getDefiningOp() &&
        e.shaveIntoConcats.contains(copy->src.base.getDefiningOp())) {
      if (failed(emitShaveIntoView(
              e, cast<hw::ShaveOp>(copy->src.base.getDefiningOp()),
              label + ".in" + std::to_string(i), copy->src, dst,
              copy->dstOffset, copy->dstStrides)))
        return failure();
      continue;
    }
    if (!copy || !src)
      return op.emitOpError()
             << "operand " << i << " has no bytes in DDR to copy from";
    CopyRequest req;
    req.shape = copy->src.shape;
    req.elemBytes = in->elem;
    req.srcOffset = copy->src.offset;
    req.srcStrides = copy->src.strides;
    req.dstStrides = copy->dstStrides;
    req.dstOffset = copy->dstOffset;
    req.splitBytes = kSplitCopyBytes;
    if (failed(e.copy(op, label + ".in" + std::to_string(i), req, src->buffer,
                      dst, in->dtype)))
      return failure();
  }
  return success();
}

LogicalResult emitResultCopy(Emitter &e, Operation *ret, Value value,
                             uint32_t output) {
  auto in = dense(ret, value);
  if (failed(in))
    return failure();
  CopyRequest req;
  req.shape = in->shape;
  req.elemBytes = in->elem;
  req.srcStrides = req.dstStrides = in->strides;
  req.splitBytes = kSplitCopyBytes;
  uint32_t dst = 0;
  for (uint32_t b = 0; b < e.program.buffers.size(); ++b)
    if (e.program.buffers[b].space == blob::MemSpace::Output &&
        e.program.buffers[b].index == output) {
      dst = b;
      break;
    }
  return e.copy(ret, "copy." + e.program.outputs[output].name, req,
                e.buffers.lookup(value)->buffer, dst, in->dtype);
}

} // namespace npu::target
