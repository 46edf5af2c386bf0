//===- ElementwiseHandlers.cpp - Interpreter handlers: elementwise ops ----===//
//
// Unary, binary (broadcasting), where, cast and the float tests. Results
// reuse a dying operand's buffer when it has the result's size and type.
//
//===----------------------------------------------------------------------===//

#include "OpContext.h"
#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/ScalarAttr.h"
#include "npu/Kernels/Elementwise.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

namespace npu::interp {

namespace {

using kernels::BinaryOp;
using kernels::UnaryOp;
using kernels::UnaryParams;

/// Ops whose only parameter is `alpha`.
template <typename OpT> UnaryParams paramsOf(OpT op) {
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
  if (Attribute lo = op.getMinAttr()) {
    p.lo = scalarAttrToDouble(lo);
    if (isa<IntegerAttr>(lo))
      p.intLo = toScalar(lo);
  }
  if (Attribute hi = op.getMaxAttr()) {
    p.hi = scalarAttrToDouble(hi);
    if (isa<IntegerAttr>(hi))
      p.intHi = toScalar(hi);
  }
  return p;
}

LogicalResult unaryHandler(OpContext &ctx) {
  auto kind = unaryKindOf(ctx.op());
  if (!kind)
    return ctx.error() << "internal error: not a unary op";
  HostTensor &y = ctx.outInPlace(0, 0);
  return ctx.check(
      kernels::unary(kind->first, ctx.in(0), y, kind->second, ctx.pool()));
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

LogicalResult binaryHandler(OpContext &ctx) {
  auto kind = binaryKindOf(ctx.op());
  if (!kind)
    return ctx.error() << "internal error: not a binary op";
  HostTensor &y = broadcastResult(ctx);
  return ctx.check(kernels::binary(*kind, ctx.in(0), ctx.in(1), y, ctx.pool()));
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

std::optional<std::pair<UnaryOp, UnaryParams>> unaryKindOf(Operation *op) {
  using R = std::optional<std::pair<UnaryOp, UnaryParams>>;
  auto with = [](UnaryOp k, UnaryParams p = {}) { return R({k, p}); };
  return llvm::TypeSwitch<Operation *, R>(op)
      .Case([&](ReluOp) { return with(UnaryOp::Relu); })
      .Case([&](SigmoidOp) { return with(UnaryOp::Sigmoid); })
      .Case([&](TanhOp) { return with(UnaryOp::Tanh); })
      .Case([&](ExpOp) { return with(UnaryOp::Exp); })
      .Case([&](LogOp) { return with(UnaryOp::Log); })
      .Case([&](SqrtOp) { return with(UnaryOp::Sqrt); })
      .Case([&](AbsOp) { return with(UnaryOp::Abs); })
      .Case([&](NegOp) { return with(UnaryOp::Neg); })
      .Case([&](ErfOp) { return with(UnaryOp::Erf); })
      .Case([&](ReciprocalOp) { return with(UnaryOp::Reciprocal); })
      .Case([&](FloorOp) { return with(UnaryOp::Floor); })
      .Case([&](CeilOp) { return with(UnaryOp::Ceil); })
      .Case([&](RoundOp) { return with(UnaryOp::Round); })
      .Case([&](SignOp) { return with(UnaryOp::Sign); })
      .Case([&](SinOp) { return with(UnaryOp::Sin); })
      .Case([&](CosOp) { return with(UnaryOp::Cos); })
      .Case([&](TanOp) { return with(UnaryOp::Tan); })
      .Case([&](AsinOp) { return with(UnaryOp::Asin); })
      .Case([&](AcosOp) { return with(UnaryOp::Acos); })
      .Case([&](AtanOp) { return with(UnaryOp::Atan); })
      .Case([&](SinhOp) { return with(UnaryOp::Sinh); })
      .Case([&](CoshOp) { return with(UnaryOp::Cosh); })
      .Case([&](AsinhOp) { return with(UnaryOp::Asinh); })
      .Case([&](AcoshOp) { return with(UnaryOp::Acosh); })
      .Case([&](AtanhOp) { return with(UnaryOp::Atanh); })
      .Case([&](SoftplusOp) { return with(UnaryOp::Softplus); })
      .Case([&](SoftsignOp) { return with(UnaryOp::Softsign); })
      .Case([&](HardSwishOp) { return with(UnaryOp::HardSwish); })
      .Case([&](NotOp) { return with(UnaryOp::Not); })
      .Case([&](GeluOp g) {
        return with(g.getApproximate() == GeluApproximation::tanh
                        ? UnaryOp::GeluTanh
                        : UnaryOp::Gelu);
      })
      .Case(
          [&](LeakyReluOp o) { return with(UnaryOp::LeakyRelu, paramsOf(o)); })
      .Case([&](EluOp o) { return with(UnaryOp::Elu, paramsOf(o)); })
      .Case([&](CeluOp o) { return with(UnaryOp::Celu, paramsOf(o)); })
      .Case([&](SeluOp o) { return with(UnaryOp::Selu, paramsOf(o)); })
      .Case([&](ThresholdedReluOp o) {
        return with(UnaryOp::ThresholdedRelu, paramsOf(o));
      })
      .Case([&](HardSigmoidOp o) {
        return with(UnaryOp::HardSigmoid, paramsOf(o));
      })
      .Case([&](ShrinkOp o) { return with(UnaryOp::Shrink, paramsOf(o)); })
      .Case([&](ClipOp o) { return with(UnaryOp::Clip, paramsOf(o)); })
      .Default([](Operation *) { return std::nullopt; });
}

std::optional<BinaryOp> binaryKindOf(Operation *op) {
  using R = std::optional<BinaryOp>;
  return llvm::TypeSwitch<Operation *, R>(op)
      .Case([](AddOp) { return BinaryOp::Add; })
      .Case([](SubOp) { return BinaryOp::Sub; })
      .Case([](MulOp) { return BinaryOp::Mul; })
      .Case([](DivOp) { return BinaryOp::Div; })
      .Case([](PowOp) { return BinaryOp::Pow; })
      .Case([](MaxOp) { return BinaryOp::Max; })
      .Case([](MinOp) { return BinaryOp::Min; })
      .Case([](PReluOp) { return BinaryOp::PRelu; })
      .Case([](AndOp) { return BinaryOp::And; })
      .Case([](OrOp) { return BinaryOp::Or; })
      .Case([](XorOp) { return BinaryOp::Xor; })
      .Case([](EqualOp) { return BinaryOp::Equal; })
      .Case([](LessOp) { return BinaryOp::Less; })
      .Case([](LessEqualOp) { return BinaryOp::LessEqual; })
      .Case([](GreaterOp) { return BinaryOp::Greater; })
      .Case([](GreaterEqualOp) { return BinaryOp::GreaterEqual; })
      .Case(
          [](ModOp m) { return m.getFmod() ? BinaryOp::FMod : BinaryOp::Mod; })
      .Case([](BitShiftOp b) {
        return b.getDirection() == ShiftDirection::left ? BinaryOp::ShiftLeft
                                                        : BinaryOp::ShiftRight;
      })
      .Default([](Operation *) { return std::nullopt; });
}

void registerElementwiseHandlers(HandlerRegistry &r) {
#define NPU_UNARY(OP) r.add<OP>(&unaryHandler);
  NPU_UNARY(ReluOp)
  NPU_UNARY(SigmoidOp)
  NPU_UNARY(TanhOp)
  NPU_UNARY(ExpOp)
  NPU_UNARY(LogOp)
  NPU_UNARY(SqrtOp)
  NPU_UNARY(AbsOp)
  NPU_UNARY(NegOp)
  NPU_UNARY(ErfOp)
  NPU_UNARY(ReciprocalOp)
  NPU_UNARY(FloorOp)
  NPU_UNARY(CeilOp)
  NPU_UNARY(RoundOp)
  NPU_UNARY(SignOp)
  NPU_UNARY(SinOp)
  NPU_UNARY(CosOp)
  NPU_UNARY(TanOp)
  NPU_UNARY(AsinOp)
  NPU_UNARY(AcosOp)
  NPU_UNARY(AtanOp)
  NPU_UNARY(SinhOp)
  NPU_UNARY(CoshOp)
  NPU_UNARY(AsinhOp)
  NPU_UNARY(AcoshOp)
  NPU_UNARY(AtanhOp)
  NPU_UNARY(SoftplusOp)
  NPU_UNARY(SoftsignOp)
  NPU_UNARY(HardSwishOp)
  NPU_UNARY(NotOp)
  NPU_UNARY(GeluOp)
  NPU_UNARY(LeakyReluOp)
  NPU_UNARY(EluOp)
  NPU_UNARY(CeluOp)
  NPU_UNARY(SeluOp)
  NPU_UNARY(ThresholdedReluOp)
  NPU_UNARY(HardSigmoidOp)
  NPU_UNARY(ShrinkOp)
  NPU_UNARY(ClipOp)
#undef NPU_UNARY
  r.add<IdentityOp>(&identityHandler, /*quantSafe=*/true);
#define NPU_BINARY(OP) r.add<OP>(&binaryHandler);
  NPU_BINARY(AddOp)
  NPU_BINARY(SubOp)
  NPU_BINARY(MulOp)
  NPU_BINARY(DivOp)
  NPU_BINARY(PowOp)
  NPU_BINARY(MaxOp)
  NPU_BINARY(MinOp)
  NPU_BINARY(PReluOp)
  NPU_BINARY(AndOp)
  NPU_BINARY(OrOp)
  NPU_BINARY(XorOp)
  NPU_BINARY(EqualOp)
  NPU_BINARY(LessOp)
  NPU_BINARY(LessEqualOp)
  NPU_BINARY(GreaterOp)
  NPU_BINARY(GreaterEqualOp)
  NPU_BINARY(ModOp)
  NPU_BINARY(BitShiftOp)
#undef NPU_BINARY
  r.add<WhereOp>(&whereHandler);
  r.add<CastOp>(&castHandler);
  r.add<IsNaNOp>(&isNaNHandler);
  r.add<IsInfOp>(&isInfHandler);
}

} // namespace npu::interp
