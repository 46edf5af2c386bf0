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
  const ValueLocation *loc = buffers.lookup(v);
  auto ref = hw::denseDeviceRef(cast<ShapedType>(v.getType()));
  blob::TensorRef r = *ref;
  r.buffer = loc->buffer;
  if (r.shape.empty()) {
    r.shape = {1};
    r.strides = {dtypeSize(r.dtype)};
  }
  return r;
}

Access Emitter::access(const blob::TensorRef &ref, bool write) const {
  return accessOf(program, ref, write);
}

void Emitter::estimatePorts() {
  portsByEstimate = true;
  // The cost model's cycles of each task (its buffers placed as planned).
  sched.enableEstimate(
      [&p = program](const blob::Task &t) { return blob::taskCycles(p, t); });
}

void Emitter::dma(const std::string &name, const blob::TensorRef &src,
                  const blob::TensorRef &dst) {
  blob::Task t;
  t.name = name;
  t.dma.src = src;
  t.dma.dst = dst;
  std::vector<Access> accesses = {access(src, false), access(dst, true)};
  uint32_t port = 0;
  if (!portsByEstimate) {
    for (uint32_t p = 1; p < hw.dmaPorts; ++p)
      if (portBytes[p] < portBytes[port])
        port = p;
  } else {
    // A port whose queue ends in a copy that waits for a DPU task is not
    // free, however few bytes it holds.
    uint64_t ready = sched.estimatedReady(accesses);
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
  portBytes[port] += src.numElements() * dtypeSize(src.dtype);
  sched.add(blob::Engine::Dma, port, std::move(t), std::move(accesses));
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
