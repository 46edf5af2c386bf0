//===- Emitter.cpp - Shared helpers of task emission ----------------------===//

#include "Emitter.h"

#include "npu/Blob/Timeline.h"
#include "npu/Dialect/NPUHW/IR/DeviceTypes.h"

using namespace mlir;

namespace npu::target {

uint32_t Emitter::addBuffer(const std::string &name, blob::MemSpace space,
                            uint32_t index, uint64_t offset, uint64_t size) {
  blob::Buffer b;
  b.name = name;
  b.space = space;
  b.index = index;
  b.offset = offset;
  b.size = size;
  program.buffers.push_back(b);
  return uint32_t(program.buffers.size() - 1);
}

blob::TensorRef Emitter::denseRef(Value v) const {
  auto ref = hw::denseDeviceRef(cast<ShapedType>(v.getType()));
  blob::TensorRef r = *ref;
  if (const ValueLocation *loc = buffers.lookup(v)) {
    r.buffer = loc->buffer;
  } else {
    // An elided slice or transpose (or a reshape of one) that SHAVE ops
    // read: contiguous bytes of the value it is a view of
    // (findElidedCopies).
    std::optional<StridedView> view = composedView(v, elidedCopies);
    const ValueLocation *base = view ? buffers.lookup(view->base) : nullptr;
    if (!base)
      llvm::report_fatal_error("a SHAVE operand has no bytes of its own "
                               "and is no view of another value's");
    r.buffer = base->buffer;
    r.offset = view->offset;
  }
  if (r.shape.empty()) {
    r.shape = {1};
    r.strides = {dtypeSize(r.dtype)};
  }
  return r;
}

Access Emitter::access(const blob::TensorRef &ref, bool write) const {
  return accessOf(program, ref, write);
}

void Emitter::enableEstimate() {
  if (estimating)
    return;
  estimating = true;
  // The cost model's cycles of each task (its buffers placed as planned).
  sched.enableEstimate(
      [&p = program](const blob::Task &t) { return blob::taskCycles(p, t); });
}

void Emitter::estimatePorts() {
  portsByEstimate = true;
  enableEstimate();
}

void Emitter::dma(const std::string &name, const blob::TensorRef &src,
                  const blob::TensorRef &dst) {
  blob::Task t;
  t.name = name;
  t.dma.src = src;
  t.dma.dst = dst;
  std::vector<Access> accesses = {access(src, false), access(dst, true)};
  uint32_t port = 0;
  uint64_t ready = estimating ? sched.estimatedReady(accesses) : 0;
  if (!portsByEstimate) {
    for (uint32_t p = 1; p < hw.dmaPorts; ++p)
      if (portBytes[p] < portBytes[port])
        port = p;
  } else {
    // A port whose queue ends in a copy that waits for a DPU task is not
    // free, however few bytes it holds.
    uint64_t bestStart = 0;
    for (uint32_t p = 0; p < hw.dmaPorts; ++p) {
      uint64_t start =
          std::max(ready, sched.estimatedQueueEnd(blob::Engine::Dma, p));
      if (p == 0 || start < bestStart ||
          (start == bestStart && portBytes[p] < portBytes[port])) {
        port = p;
        bestStart = start;
      }
    }
  }
  // The port would idle until this DMA may start: pending DMAs that the
  // estimate has end by then go first.
  while (estimating && !pendingDmas.empty()) {
    PendingDma &p = pendingDmas.front();
    blob::Task pt;
    pt.name = p.name;
    pt.dma.src = p.src;
    pt.dma.dst = p.dst;
    std::vector<Access> pa = {access(p.src, false), access(p.dst, true)};
    // Where another port still moves data, the two would share the DDR:
    // only a port that is the last one busy fills its gap.
    uint64_t start = sched.estimatedReady(
        pa, sched.estimatedQueueEnd(blob::Engine::Dma, port));
    for (uint32_t q = 0; q < hw.dmaPorts; ++q)
      start = std::max(start, sched.estimatedQueueEnd(blob::Engine::Dma, q));
    if (start + blob::taskCycles(program, pt) > ready)
      break;
    portBytes[port] += p.src.numElements() * dtypeSize(p.src.dtype);
    // In a step of its own, so that its readers wait for it alone: the
    // open step goes on after it as a new one.
    bool open = sched.stepOpen();
    sched.endStep();
    sched.beginStep();
    sched.add(blob::Engine::Dma, port, std::move(pt), std::move(pa));
    sched.endStep();
    if (open)
      sched.beginStep();
    std::function<void()> queued = std::move(p.onQueued);
    pendingDmas.pop_front();
    if (queued)
      queued();
  }
  portBytes[port] += src.numElements() * dtypeSize(src.dtype);
  sched.add(blob::Engine::Dma, port, std::move(t), std::move(accesses));
}

void Emitter::flushPending(const void *owner) {
  std::vector<PendingDma> mine;
  for (auto it = pendingDmas.begin(); it != pendingDmas.end();)
    if (it->owner == owner) {
      mine.push_back(std::move(*it));
      it = pendingDmas.erase(it);
    } else {
      ++it;
    }
  bool open = sched.stepOpen();
  for (PendingDma &p : mine) {
    if (p.idleOnly)
      continue;
    sched.endStep();
    sched.beginStep();
    dma(p.name, p.src, p.dst);
    sched.endStep();
    if (p.onQueued)
      p.onQueued();
  }
  if (open)
    sched.beginStep();
}

void Emitter::dropPending(const void *owner) {
  llvm::erase_if(pendingDmas,
                 [&](const PendingDma &p) { return p.owner == owner; });
}

LogicalResult Emitter::copy(Operation *op, const std::string &name,
                            const CopyRequest &req, uint32_t srcBuffer,
                            uint32_t dstBuffer, DType dtype) {
  std::vector<CopyPiece> pieces;
  std::string error;
  if (!planCopies(req, pieces, error))
    return op->emitOpError() << "cannot be mapped to DMAs: " << error;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const CopyPiece &p = pieces[i];
    blob::TensorRef src, dst;
    src.buffer = srcBuffer;
    dst.buffer = dstBuffer;
    src.dtype = dst.dtype = dtype;
    src.offset = p.srcOffset;
    dst.offset = p.dstOffset;
    src.shape = dst.shape = p.shape;
    src.strides = p.srcStrides;
    dst.strides = p.dstStrides;
    dma(pieces.size() == 1 ? name : name + "." + std::to_string(i), src, dst);
  }
  return success();
}

} // namespace npu::target
