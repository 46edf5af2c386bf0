//===- DataHandlers.cpp - Interpreter handlers: data movement -------------===//
//
// Reshapes take over their operand's buffer when it dies here (no copy);
// the other layout ops call the byte-moving kernels, which also serve
// quantized tensors (their storage), so they are registered quant-safe.
//
//===----------------------------------------------------------------------===//

#include "OpContext.h"
#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Kernels/DataMovement.h"
#include "npu/Kernels/Gather.h"

using namespace mlir;

namespace npu::interp {

namespace {

LogicalResult reshapeHandler(OpContext &ctx) {
  HostTensor &y = ctx.outInPlace(0, 0);
  return ctx.check(kernels::copyElements(ctx.in(0), y));
}

LogicalResult transposeHandler(OpContext &ctx) {
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::transpose(
      ctx.in(0), toVector(ctx.get<TransposeOp>().getPerm()), y, ctx.pool()));
}

LogicalResult concatHandler(OpContext &ctx) {
  std::vector<const HostTensor *> inputs;
  HostTensor &y = ctx.out(0);
  for (unsigned i = 0; i < ctx.numInputs(); ++i)
    inputs.push_back(&ctx.in(i));
  return ctx.check(
      kernels::concat(inputs, ctx.get<ConcatOp>().getAxis(), y, ctx.pool()));
}

LogicalResult splitHandler(OpContext &ctx) {
  std::vector<HostTensor *> outs;
  for (unsigned r = 0; r < ctx.numResults(); ++r)
    outs.push_back(&ctx.out(r));
  return ctx.check(kernels::split(ctx.in(0), ctx.get<SplitOp>().getAxis(), outs,
                                  ctx.pool()));
}

LogicalResult sliceHandler(OpContext &ctx) {
  auto op = ctx.get<SliceOp>();
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::slice(ctx.in(0), toVector(op.getStarts()),
                                  toVector(op.getSteps()), y, ctx.pool()));
}

LogicalResult padHandler(OpContext &ctx) {
  auto op = ctx.get<PadOp>();
  kernels::PadMode mode = kernels::PadMode::Constant;
  switch (op.getMode()) {
  case PadMode::constant:
    mode = kernels::PadMode::Constant;
    break;
  case PadMode::reflect:
    mode = kernels::PadMode::Reflect;
    break;
  case PadMode::edge:
    mode = kernels::PadMode::Edge;
    break;
  case PadMode::wrap:
    mode = kernels::PadMode::Wrap;
    break;
  }
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::pad(ctx.in(0), toVector(op.getPads()), mode,
                                toScalar(op.getValueAttr()), y, ctx.pool()));
}

LogicalResult expandHandler(OpContext &ctx) {
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::expand(ctx.in(0), y, ctx.pool()));
}

LogicalResult tileHandler(OpContext &ctx) {
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::tile(ctx.in(0), y, ctx.pool()));
}

LogicalResult gatherHandler(OpContext &ctx) {
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::gather(
      ctx.in(0), ctx.in(1), ctx.get<GatherOp>().getAxis(), y, ctx.pool()));
}

LogicalResult gatherElementsHandler(OpContext &ctx) {
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::gatherElements(
      ctx.in(0), ctx.in(1), ctx.get<GatherElementsOp>().getAxis(), y));
}

LogicalResult gatherNDHandler(OpContext &ctx) {
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::gatherND(ctx.in(0), ctx.in(1),
                                     ctx.get<GatherNDOp>().getBatchDims(), y));
}

kernels::ScatterReduction reductionOf(ScatterReduction r) {
  switch (r) {
  case ScatterReduction::none:
    return kernels::ScatterReduction::None;
  case ScatterReduction::add:
    return kernels::ScatterReduction::Add;
  case ScatterReduction::mul:
    return kernels::ScatterReduction::Mul;
  case ScatterReduction::max:
    return kernels::ScatterReduction::Max;
  case ScatterReduction::min:
    return kernels::ScatterReduction::Min;
  }
  return kernels::ScatterReduction::None;
}

LogicalResult scatterElementsHandler(OpContext &ctx) {
  auto op = ctx.get<ScatterElementsOp>();
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::scatterElements(ctx.in(0), ctx.in(1), ctx.in(2),
                                            op.getAxis(),
                                            reductionOf(op.getReduction()), y));
}

LogicalResult scatterNDHandler(OpContext &ctx) {
  auto op = ctx.get<ScatterNDOp>();
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::scatterND(ctx.in(0), ctx.in(1), ctx.in(2),
                                      reductionOf(op.getReduction()), y));
}

LogicalResult depthToSpaceHandler(OpContext &ctx) {
  auto op = ctx.get<DepthToSpaceOp>();
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::depthToSpace(ctx.in(0), op.getBlocksize(),
                                         op.getMode() == DepthToSpaceMode::CRD,
                                         y, ctx.pool()));
}

LogicalResult spaceToDepthHandler(OpContext &ctx) {
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::spaceToDepth(
      ctx.in(0), ctx.get<SpaceToDepthOp>().getBlocksize(), y, ctx.pool()));
}

LogicalResult triluHandler(OpContext &ctx) {
  auto op = ctx.get<TriluOp>();
  HostTensor &y = ctx.outInPlace(0, 0);
  return ctx.check(kernels::trilu(ctx.in(0), op.getUpper(), op.getK(), y));
}

LogicalResult oneHotHandler(OpContext &ctx) {
  auto op = ctx.get<OneHotOp>();
  HostTensor &y = ctx.out(0);
  return ctx.check(
      kernels::oneHot(ctx.in(0), ctx.in(1), op.getAxis(), op.getDepth(), y));
}

LogicalResult shapeHandler(OpContext &ctx) {
  auto op = ctx.get<ShapeOp>();
  const std::vector<int64_t> &shape = ctx.in(0).shape();
  int64_t r = static_cast<int64_t>(shape.size());
  auto clampIdx = [r](int64_t i) {
    if (i < 0)
      i += r;
    return std::clamp<int64_t>(i, 0, r);
  };
  int64_t start = clampIdx(op.getStart());
  int64_t end = op.getEnd() ? clampIdx(*op.getEnd()) : r;
  HostTensor &y = ctx.out(0);
  if (y.numElements() != std::max<int64_t>(0, end - start))
    return op.emitError("result size does not match the shape slice");
  for (int64_t i = start; i < end; ++i)
    y.setFromInt(i - start, shape[i]);
  return success();
}

LogicalResult sizeHandler(OpContext &ctx) {
  HostTensor &y = ctx.out(0);
  if (y.numElements() != 1)
    return ctx.error() << "result must have one element";
  y.setFromInt(0, ctx.in(0).numElements());
  return success();
}

} // namespace

void registerDataHandlers(HandlerRegistry &r) {
  const bool quantSafe = true;
  r.add<ReshapeOp>(&reshapeHandler, quantSafe);
  r.add<TransposeOp>(&transposeHandler, quantSafe);
  r.add<ConcatOp>(&concatHandler, quantSafe);
  r.add<SplitOp>(&splitHandler, quantSafe);
  r.add<SliceOp>(&sliceHandler, quantSafe);
  r.add<PadOp>(&padHandler);
  r.add<ExpandOp>(&expandHandler, quantSafe);
  r.add<TileOp>(&tileHandler, quantSafe);
  r.add<GatherOp>(&gatherHandler, quantSafe);
  r.add<GatherElementsOp>(&gatherElementsHandler, quantSafe);
  r.add<GatherNDOp>(&gatherNDHandler, quantSafe);
  r.add<ScatterElementsOp>(&scatterElementsHandler);
  r.add<ScatterNDOp>(&scatterNDHandler);
  r.add<DepthToSpaceOp>(&depthToSpaceHandler, quantSafe);
  r.add<SpaceToDepthOp>(&spaceToDepthHandler, quantSafe);
  r.add<TriluOp>(&triluHandler);
  r.add<OneHotOp>(&oneHotHandler);
  r.add<ShapeOp>(&shapeHandler, quantSafe);
  r.add<SizeOp>(&sizeHandler, quantSafe);
}

} // namespace npu::interp
