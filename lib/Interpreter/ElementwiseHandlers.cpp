//===- ElementwiseHandlers.cpp - Interpreter handlers: elementwise ops ----===//
//
// Unary, binary (broadcasting), where, cast and the float tests. Results
// reuse a dying operand's buffer when it has the result's size and type.
//
//===----------------------------------------------------------------------===//

#include "OpContext.h"
#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Kernels/Elementwise.h"

using namespace mlir;

namespace npu::interp {

namespace {

using kernels::BinaryOp;
using kernels::UnaryOp;
using kernels::UnaryParams;

LogicalResult runUnary(OpContext &ctx, UnaryOp kind, const UnaryParams &p) {
  HostTensor &y = ctx.outInPlace(0, 0);
  return ctx.check(kernels::unary(kind, ctx.in(0), y, p, ctx.pool()));
}

template <typename OpT> UnaryParams paramsOf(OpT) { return {}; }
UnaryParams paramsOf(LeakyReluOp op) {
  UnaryParams p;
  p.alpha = op.getAlpha().convertToDouble();
  return p;
}
UnaryParams paramsOf(EluOp op) {
  UnaryParams p;
  p.alpha = op.getAlpha().convertToDouble();
  return p;
}
UnaryParams paramsOf(CeluOp op) {
  UnaryParams p;
  p.alpha = op.getAlpha().convertToDouble();
  return p;
}
UnaryParams paramsOf(SeluOp op) {
  UnaryParams p;
  p.alpha = op.getAlpha().convertToDouble();
  p.gamma = op.getGamma().convertToDouble();
  return p;
}
UnaryParams paramsOf(ThresholdedReluOp op) {
  UnaryParams p;
  p.alpha = op.getAlpha().convertToDouble();
  return p;
}
UnaryParams paramsOf(HardSigmoidOp op) {
  UnaryParams p;
  p.alpha = op.getAlpha().convertToDouble();
  p.beta = op.getBeta().convertToDouble();
  return p;
}
UnaryParams paramsOf(ShrinkOp op) {
  UnaryParams p;
  p.alpha = op.getLambd().convertToDouble();
  p.beta = op.getBias().convertToDouble();
  return p;
}
UnaryParams paramsOf(ClipOp op) {
  UnaryParams p;
  if (op.getMin())
    p.lo = op.getMin()->convertToDouble();
  if (op.getMax())
    p.hi = op.getMax()->convertToDouble();
  return p;
}

template <typename OpT, UnaryOp K> LogicalResult unaryHandler(OpContext &ctx) {
  return runUnary(ctx, K, paramsOf(ctx.get<OpT>()));
}

LogicalResult geluHandler(OpContext &ctx) {
  auto op = ctx.get<GeluOp>();
  return runUnary(ctx,
                  op.getApproximate() == GeluApproximation::tanh
                      ? UnaryOp::GeluTanh
                      : UnaryOp::Gelu,
                  {});
}

LogicalResult identityHandler(OpContext &ctx) {
  HostTensor &y = ctx.outInPlace(0, 0);
  if (y.raw() != ctx.in(0).raw())
    std::memcpy(y.raw(), ctx.in(0).raw(), y.byteSize());
  return success();
}

/// Allocates the result of a broadcasting op, in place of an operand of
/// the result's shape and type when one dies here.
HostTensor &broadcastResult(OpContext &ctx) {
  for (unsigned i = 0; i < ctx.numInputs(); ++i)
    if (ctx.canTake(i) && ctx.in(i).shape() == ctx.outShape(0) &&
        ctx.in(i).dtype() == ctx.outDType(0))
      return ctx.outInPlace(0, i);
  return ctx.out(0);
}

LogicalResult runBinary(OpContext &ctx, BinaryOp kind) {
  HostTensor &y = broadcastResult(ctx);
  return ctx.check(kernels::binary(kind, ctx.in(0), ctx.in(1), y, ctx.pool()));
}

template <BinaryOp K> LogicalResult binaryHandler(OpContext &ctx) {
  return runBinary(ctx, K);
}

LogicalResult modHandler(OpContext &ctx) {
  return runBinary(ctx, ctx.get<ModOp>().getFmod() ? BinaryOp::FMod
                                                   : BinaryOp::Mod);
}

LogicalResult bitShiftHandler(OpContext &ctx) {
  return runBinary(ctx, ctx.get<BitShiftOp>().getDirection() ==
                                ShiftDirection::left
                            ? BinaryOp::ShiftLeft
                            : BinaryOp::ShiftRight);
}

LogicalResult whereHandler(OpContext &ctx) {
  HostTensor &y = broadcastResult(ctx);
  return ctx.check(
      kernels::where(ctx.in(0), ctx.in(1), ctx.in(2), y, ctx.pool()));
}

LogicalResult castHandler(OpContext &ctx) {
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::cast(ctx.in(0), y, ctx.pool()));
}

LogicalResult isNaNHandler(OpContext &ctx) {
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::isNaN(ctx.in(0), y));
}

LogicalResult isInfHandler(OpContext &ctx) {
  auto op = ctx.get<IsInfOp>();
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::isInf(ctx.in(0), y, op.getDetectNegative(),
                                  op.getDetectPositive()));
}

} // namespace

void registerElementwiseHandlers(HandlerRegistry &r) {
#define NPU_UNARY(OP, KIND) r.add<OP>(&unaryHandler<OP, UnaryOp::KIND>);
  NPU_UNARY(ReluOp, Relu)
  NPU_UNARY(SigmoidOp, Sigmoid)
  NPU_UNARY(TanhOp, Tanh)
  NPU_UNARY(ExpOp, Exp)
  NPU_UNARY(LogOp, Log)
  NPU_UNARY(SqrtOp, Sqrt)
  NPU_UNARY(AbsOp, Abs)
  NPU_UNARY(NegOp, Neg)
  NPU_UNARY(ErfOp, Erf)
  NPU_UNARY(ReciprocalOp, Reciprocal)
  NPU_UNARY(FloorOp, Floor)
  NPU_UNARY(CeilOp, Ceil)
  NPU_UNARY(RoundOp, Round)
  NPU_UNARY(SignOp, Sign)
  NPU_UNARY(SinOp, Sin)
  NPU_UNARY(CosOp, Cos)
  NPU_UNARY(TanOp, Tan)
  NPU_UNARY(AsinOp, Asin)
  NPU_UNARY(AcosOp, Acos)
  NPU_UNARY(AtanOp, Atan)
  NPU_UNARY(SinhOp, Sinh)
  NPU_UNARY(CoshOp, Cosh)
  NPU_UNARY(AsinhOp, Asinh)
  NPU_UNARY(AcoshOp, Acosh)
  NPU_UNARY(AtanhOp, Atanh)
  NPU_UNARY(SoftplusOp, Softplus)
  NPU_UNARY(SoftsignOp, Softsign)
  NPU_UNARY(HardSwishOp, HardSwish)
  NPU_UNARY(NotOp, Not)
  NPU_UNARY(LeakyReluOp, LeakyRelu)
  NPU_UNARY(EluOp, Elu)
  NPU_UNARY(CeluOp, Celu)
  NPU_UNARY(SeluOp, Selu)
  NPU_UNARY(ThresholdedReluOp, ThresholdedRelu)
  NPU_UNARY(HardSigmoidOp, HardSigmoid)
  NPU_UNARY(ShrinkOp, Shrink)
  NPU_UNARY(ClipOp, Clip)
#undef NPU_UNARY
  r.add<GeluOp>(&geluHandler);
  r.add<IdentityOp>(&identityHandler, /*quantSafe=*/true);

#define NPU_BINARY(OP, KIND) r.add<OP>(&binaryHandler<BinaryOp::KIND>);
  NPU_BINARY(AddOp, Add)
  NPU_BINARY(SubOp, Sub)
  NPU_BINARY(MulOp, Mul)
  NPU_BINARY(DivOp, Div)
  NPU_BINARY(PowOp, Pow)
  NPU_BINARY(MaxOp, Max)
  NPU_BINARY(MinOp, Min)
  NPU_BINARY(PReluOp, PRelu)
  NPU_BINARY(AndOp, And)
  NPU_BINARY(OrOp, Or)
  NPU_BINARY(XorOp, Xor)
  NPU_BINARY(EqualOp, Equal)
  NPU_BINARY(LessOp, Less)
  NPU_BINARY(LessEqualOp, LessEqual)
  NPU_BINARY(GreaterOp, Greater)
  NPU_BINARY(GreaterEqualOp, GreaterEqual)
#undef NPU_BINARY
  r.add<ModOp>(&modHandler);
  r.add<BitShiftOp>(&bitShiftHandler);
  r.add<WhereOp>(&whereHandler);
  r.add<CastOp>(&castHandler);
  r.add<IsNaNOp>(&isNaNHandler);
  r.add<IsInfOp>(&isInfHandler);
}

} // namespace npu::interp
