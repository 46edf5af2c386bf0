//===- EmitShave.cpp - SHAVE kernels on DDR operands ----------------------===//
//
// A SHAVE task reads and writes its operands where they live in DDR. The
// SHAVEs of the tiles in use take the ops in turn. Kernels that are
// elementwise over operands of one shape (activations, convert, quantize,
// binary arithmetic without broadcasting) are split, when large, into
// contiguous chunks of the flattened tensors run by several SHAVEs.
//
//===----------------------------------------------------------------------===//

#include "Emitter.h"

#include "npu/Arch/ShaveKernels.h"

using namespace mlir;

namespace npu::target {

namespace {

/// Elements per chunk below which splitting a kernel does not pay for the
/// extra launch.
constexpr uint64_t kMinChunkElements = 8192;

} // namespace

LogicalResult emitShave(Emitter &e, hw::ShaveOp op, const std::string &label) {
  auto kernel = arch::parseShaveKernel(op.getKernel().str());
  if (!kernel)
    return op.emitOpError()
           << "unknown SHAVE kernel '" << op.getKernel() << "'";
  blob::ShaveTask proto;
  proto.kernel = *kernel;
  proto.fparams.assign(op.getFparams().begin(), op.getFparams().end());
  proto.iparams.assign(op.getIparams().begin(), op.getIparams().end());
  for (Value v : op.getInputs())
    proto.inputs.push_back(e.denseRef(v));
  for (Value v : op.getOutputs())
    proto.outputs.push_back(e.denseRef(v));

  uint32_t shaves = e.tiles * e.hw.shavesPerTile;
  auto nextShave = [&]() {
    uint32_t i = e.shaveCounter++ % shaves;
    uint32_t tile = i % e.tiles, shave = i / e.tiles;
    return tile * e.hw.shavesPerTile + shave;
  };

  // Chunks of the flattened operands, when all have the output's shape.
  uint64_t elements =
      proto.outputs.empty() ? 0 : proto.outputs[0].numElements();
  bool sameShape = !proto.outputs.empty();
  for (const auto *list : {&proto.inputs, &proto.outputs})
    for (const blob::TensorRef &r : *list)
      sameShape &= r.shape == proto.outputs[0].shape;
  uint64_t chunks = 1;
  if (e.opts.splitShave && arch::isElementwiseKernel(*kernel) && sameShape)
    chunks = std::min<uint64_t>(shaves, elements / kMinChunkElements);
  chunks = std::max<uint64_t>(chunks, 1);
  uint64_t per = (elements + chunks - 1) / chunks;
  per = (per + 63) / 64 * 64;

  for (uint64_t c = 0, begin = 0; begin < elements || c == 0; ++c) {
    blob::Task task;
    task.name = chunks == 1 ? label : label + ".c" + std::to_string(c);
    task.shave = proto;
    if (chunks > 1) {
      uint64_t n = std::min(per, elements - begin);
      for (auto *list : {&task.shave.inputs, &task.shave.outputs})
        for (blob::TensorRef &r : *list) {
          uint64_t eb = dtypeSize(r.dtype);
          r.offset = begin * eb;
          r.shape = {uint32_t(n)};
          r.strides = {eb};
        }
      begin += n;
    } else {
      begin = elements;
    }
    std::vector<Access> acc;
    for (const blob::TensorRef &r : task.shave.inputs)
      acc.push_back(e.access(r, false));
    for (const blob::TensorRef &r : task.shave.outputs)
      acc.push_back(e.access(r, true));
    e.sched.add(blob::Engine::Shave, nextShave(), std::move(task),
                std::move(acc));
  }
  return success();
}

} // namespace npu::target
