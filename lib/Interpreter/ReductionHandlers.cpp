//===- ReductionHandlers.cpp - Interpreter handlers: reductions -----------===//

#include "OpContext.h"
#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Kernels/Reduce.h"

using namespace mlir;

namespace npu::interp {

namespace {

template <typename OpT, kernels::ReduceOp K>
LogicalResult reduceHandler(OpContext &ctx) {
  auto op = ctx.get<OpT>();
  std::vector<int64_t> axes(op.getAxes().begin(), op.getAxes().end());
  HostTensor &y = ctx.out(0);
  return ctx.check(
      kernels::reduce(K, ctx.in(0), axes, op.getKeepdims(), y, ctx.pool()));
}

template <typename OpT, bool IsMax> LogicalResult argHandler(OpContext &ctx) {
  auto op = ctx.get<OpT>();
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::argReduce(IsMax, ctx.in(0), op.getAxis(),
                                      op.getKeepdims(),
                                      op.getSelectLastIndex(), y));
}

LogicalResult cumSumHandler(OpContext &ctx) {
  auto op = ctx.get<CumSumOp>();
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::cumSum(ctx.in(0), op.getAxis(), op.getExclusive(),
                                   op.getReverse(), y));
}

LogicalResult topKHandler(OpContext &ctx) {
  auto op = ctx.get<TopKOp>();
  HostTensor &values = ctx.out(0);
  HostTensor &indices = ctx.out(1);
  return ctx.check(kernels::topK(ctx.in(0), op.getAxis(), op.getK(),
                                 op.getLargest(), values, indices));
}

} // namespace

void registerReductionHandlers(HandlerRegistry &r) {
  using kernels::ReduceOp;
  r.add<ReduceMeanOp>(&reduceHandler<ReduceMeanOp, ReduceOp::Mean>);
  r.add<ReduceSumOp>(&reduceHandler<ReduceSumOp, ReduceOp::Sum>);
  r.add<ReduceMaxOp>(&reduceHandler<ReduceMaxOp, ReduceOp::Max>);
  r.add<ReduceMinOp>(&reduceHandler<ReduceMinOp, ReduceOp::Min>);
  r.add<ReduceProdOp>(&reduceHandler<ReduceProdOp, ReduceOp::Prod>);
  r.add<ReduceL1Op>(&reduceHandler<ReduceL1Op, ReduceOp::L1>);
  r.add<ReduceL2Op>(&reduceHandler<ReduceL2Op, ReduceOp::L2>);
  r.add<ReduceSumSquareOp>(
      &reduceHandler<ReduceSumSquareOp, ReduceOp::SumSquare>);
  r.add<ReduceLogSumOp>(&reduceHandler<ReduceLogSumOp, ReduceOp::LogSum>);
  r.add<ReduceLogSumExpOp>(
      &reduceHandler<ReduceLogSumExpOp, ReduceOp::LogSumExp>);
  r.add<ArgMaxOp>(&argHandler<ArgMaxOp, true>);
  r.add<ArgMinOp>(&argHandler<ArgMinOp, false>);
  r.add<CumSumOp>(&cumSumHandler);
  r.add<TopKOp>(&topKHandler);
}

} // namespace npu::interp
