//===- NNHandlers.cpp - Interpreter handlers: network layers --------------===//
//
// Matrix products, convolutions (with weights packed once per constant and
// activations fused by the planner), pooling, normalisation, softmax,
// resize, quantization and einsum.
//
//===----------------------------------------------------------------------===//

#include "OpContext.h"
#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/ShapeUtils.h"
#include "npu/Kernels/Conv.h"
#include "npu/Kernels/Einsum.h"
#include "npu/Kernels/MatMul.h"
#include "npu/Kernels/Normalization.h"
#include "npu/Kernels/Pool.h"
#include "npu/Kernels/Quantize.h"
#include "npu/Kernels/Recurrent.h"
#include "npu/Kernels/Resize.h"

using namespace mlir;

namespace npu::interp {

namespace {

LogicalResult matmulHandler(OpContext &ctx) {
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::matmul(ctx.in(0), ctx.in(1), y, ctx.pool()));
}

LogicalResult gemmHandler(OpContext &ctx) {
  auto op = ctx.get<GemmOp>();
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::gemm(ctx.in(0), ctx.in(1), ctx.inOf(op.getC()),
                                 op.getAlpha().convertToFloat(),
                                 op.getBeta().convertToFloat(), op.getTransA(),
                                 op.getTransB(), y, ctx.pool()));
}

template <typename OpT>
LogicalResult convLike(OpContext &ctx, bool transposed) {
  auto op = ctx.get<OpT>();
  kernels::ConvParams p;
  p.strides = toVector(op.getStrides());
  p.dilations = toVector(op.getDilations());
  p.pads = toVector(op.getPads());
  p.group = op.getGroup();
  if constexpr (std::is_same_v<OpT, ConvTransposeOp>)
    p.outputPadding = toVector(op.getOutputPadding());
  p.activation = ctx.fusedActivation();
  const HostTensor &w = ctx.in(1);
  const kernels::PackedConvWeights *packed = nullptr;
  if (ctx.isConstant(1) && w.dtype() == DType::F32)
    packed =
        ctx.runtime().packedWeights(ctx.constantKey(1), w, p.group, transposed);
  HostTensor &y = ctx.out(0);
  p.outputReady = ctx.fusedConsumer(y);
  const HostTensor *bias = ctx.inOf(op.getBias());
  return ctx.check(
      transposed
          ? kernels::convTranspose(ctx.in(0), w, bias, y, p, ctx.pool(), packed)
          : kernels::conv(ctx.in(0), w, bias, y, p, ctx.pool(), packed));
}

LogicalResult convHandler(OpContext &ctx) {
  return convLike<ConvOp>(ctx, false);
}
LogicalResult convTransposeHandler(OpContext &ctx) {
  return convLike<ConvTransposeOp>(ctx, true);
}

template <typename OpT> kernels::PoolParams poolParams(OpT op) {
  kernels::PoolParams p;
  p.kernel = toVector(op.getKernelShape());
  p.strides = toVector(op.getStrides());
  p.pads = toVector(op.getPads());
  p.dilations = toVector(op.getDilations());
  p.ceilMode = op.getCeilMode();
  return p;
}

LogicalResult maxPoolHandler(OpContext &ctx) {
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::maxPool(ctx.in(0), poolParams(ctx.get<MaxPoolOp>()),
                                    y, ctx.pool()));
}

LogicalResult maxPoolWithIndicesHandler(OpContext &ctx) {
  auto op = ctx.get<MaxPoolWithIndicesOp>();
  HostTensor &y = ctx.out(0);
  HostTensor &indices = ctx.out(1);
  return ctx.check(kernels::maxPoolWithIndices(
      ctx.in(0), poolParams(op), op.getColumnMajor(), y, indices, ctx.pool()));
}

LogicalResult avgPoolHandler(OpContext &ctx) {
  auto op = ctx.get<AvgPoolOp>();
  kernels::PoolParams p = poolParams(op);
  p.countIncludePad = op.getCountIncludePad();
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::avgPool(ctx.in(0), p, y, ctx.pool()));
}

template <bool IsMax> LogicalResult globalPoolHandler(OpContext &ctx) {
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::globalPool(IsMax, ctx.in(0), y, ctx.pool()));
}

LogicalResult batchNormHandler(OpContext &ctx) {
  auto op = ctx.get<BatchNormOp>();
  HostTensor &y = ctx.outInPlace(0, 0);
  return ctx.check(
      kernels::batchNorm(ctx.in(0), ctx.in(1), ctx.in(2), ctx.in(3), ctx.in(4),
                         op.getEpsilon().convertToDouble(), y, ctx.pool()));
}

LogicalResult instanceNormHandler(OpContext &ctx) {
  auto op = ctx.get<InstanceNormOp>();
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::instanceNorm(ctx.in(0), ctx.in(1), ctx.in(2),
                                         op.getEpsilon().convertToDouble(), y,
                                         ctx.pool()));
}

LogicalResult layerNormHandler(OpContext &ctx) {
  auto op = ctx.get<LayerNormOp>();
  HostTensor &y = ctx.out(0);
  HostTensor *mean = nullptr, *inv = nullptr;
  unsigned next = 1;
  if (op.getMean())
    mean = &ctx.out(next++);
  if (op.getInvStdDev())
    inv = &ctx.out(next++);
  return ctx.check(kernels::layerNorm(
      ctx.in(0), ctx.in(1), ctx.inOf(op.getBias()), op.getAxis(),
      op.getEpsilon().convertToDouble(), y, mean, inv, ctx.pool()));
}

LogicalResult mvnHandler(OpContext &ctx) {
  auto op = ctx.get<MVNOp>();
  HostTensor &y = ctx.outInPlace(0, 0);
  ArrayRef<int64_t> axes = op.getAxes();
  return ctx.check(kernels::mvn(
      ctx.in(0), std::vector<int64_t>(axes.begin(), axes.end()),
      op.getEpsilon().convertToDouble(), op.getEpsInsideSqrt(), y, ctx.pool()));
}

LogicalResult lrnHandler(OpContext &ctx) {
  auto op = ctx.get<LRNOp>();
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::lrn(
      ctx.in(0), op.getSize(), op.getAlpha().convertToDouble(),
      op.getBeta().convertToDouble(), op.getBias().convertToDouble(), y));
}

template <typename OpT, kernels::SoftmaxKind K>
LogicalResult softmaxHandler(OpContext &ctx) {
  auto op = ctx.get<OpT>();
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::softmax(K, ctx.in(0), op.getAxis(), y, ctx.pool()));
}

LogicalResult resizeHandler(OpContext &ctx) {
  auto op = ctx.get<ResizeOp>();
  kernels::ResizeParams p;
  switch (op.getMode()) {
  case ResizeMode::nearest:
    p.mode = kernels::ResizeParams::Mode::Nearest;
    break;
  case ResizeMode::linear:
    p.mode = kernels::ResizeParams::Mode::Linear;
    break;
  case ResizeMode::cubic:
    p.mode = kernels::ResizeParams::Mode::Cubic;
    break;
  }
  using Coord = kernels::ResizeParams::Coord;
  switch (op.getCoordinateTransformationMode()) {
  case CoordinateTransformMode::half_pixel:
    p.coord = Coord::HalfPixel;
    break;
  case CoordinateTransformMode::half_pixel_symmetric:
    p.coord = Coord::HalfPixelSymmetric;
    break;
  case CoordinateTransformMode::pytorch_half_pixel:
    p.coord = Coord::PytorchHalfPixel;
    break;
  case CoordinateTransformMode::align_corners:
    p.coord = Coord::AlignCorners;
    break;
  case CoordinateTransformMode::asymmetric:
    p.coord = Coord::Asymmetric;
    break;
  case CoordinateTransformMode::tf_crop_and_resize:
    p.coord = Coord::TfCropAndResize;
    break;
  case CoordinateTransformMode::tf_half_pixel_for_nn:
    p.coord = Coord::TfHalfPixelForNN;
    break;
  }
  using Nearest = kernels::ResizeParams::Nearest;
  switch (op.getNearestMode()) {
  case NearestMode::round_prefer_floor:
    p.nearest = Nearest::RoundPreferFloor;
    break;
  case NearestMode::round_prefer_ceil:
    p.nearest = Nearest::RoundPreferCeil;
    break;
  case NearestMode::floor:
    p.nearest = Nearest::Floor;
    break;
  case NearestMode::ceil:
    p.nearest = Nearest::Ceil;
    break;
  case NearestMode::simple:
    p.nearest = Nearest::Simple;
    break;
  }
  for (size_t d = 0, rank = op.getType().getRank(); d < rank; ++d) {
    auto [num, den] = op.getScaleFraction(d);
    p.scales.push_back({num, den});
  }
  p.cubicCoeffA = op.getCubicCoeffA().convertToFloat();
  p.excludeOutside = op.getExcludeOutside();
  p.extrapolationValue = op.getExtrapolationValue().convertToFloat();
  if (auto roi = op.getRoi())
    p.roi.assign(roi->begin(), roi->end());
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::resize(ctx.in(0), p, y, ctx.pool()));
}

LogicalResult quantizeHandler(OpContext &ctx) {
  auto op = ctx.get<QuantizeLinearOp>();
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::quantizeLinear(ctx.in(0), ctx.in(1), ctx.in(2),
                                           op.getAxis(), y, ctx.pool()));
}

LogicalResult dequantizeHandler(OpContext &ctx) {
  auto op = ctx.get<DequantizeLinearOp>();
  HostTensor &y = ctx.out(0);
  return ctx.check(kernels::dequantizeLinear(ctx.in(0), ctx.in(1), ctx.in(2),
                                             op.getAxis(), y, ctx.pool()));
}

LogicalResult einsumHandler(OpContext &ctx) {
  auto op = ctx.get<EinsumOp>();
  std::string error;
  auto spec = parseEinsum(op.getEquation(), op.getInputs().size(), error);
  if (!spec)
    return op.emitError() << "invalid equation: " << error;
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : op.getInputs())
    shapes.push_back(cast<RankedTensorType>(v.getType()).getShape());
  if (!einsumShape(*spec, shapes, error))
    return op.emitError() << "invalid equation: " << error;
  std::vector<const HostTensor *> inputs;
  std::vector<std::string> labels;
  for (unsigned i = 0; i < ctx.numInputs(); ++i) {
    inputs.push_back(&ctx.in(i));
    labels.push_back(spec->inputs[i]);
  }
  HostTensor &y = ctx.out(0);
  return ctx.check(
      kernels::einsum(inputs, labels, spec->output, y, ctx.pool()));
}

/// npu.rnn / npu.gru / npu.lstm: the direct float kernel (the reference
/// the back end's unrolled decomposition is compared against).
template <typename OpT>
LogicalResult recurrentHandler(OpContext &ctx, kernels::RnnCell cell,
                               Value initialC, Value p, Value yC) {
  auto op = ctx.get<OpT>();
  kernels::RecurrentParams params;
  params.cell = cell;
  params.numDirections =
      op.getDirection() == RNNDirection::bidirectional ? 2 : 1;
  params.reverse = op.getDirection() == RNNDirection::reverse;
  params.hiddenSize = op.getHiddenSize();
  for (auto [name, alpha, beta] :
       llvm::zip(op.getActivations().template getAsValueRange<StringAttr>(),
                 op.getActivationAlpha(), op.getActivationBeta())) {
    const kernels::RnnActivationInfo *info =
        kernels::findRnnActivation(std::string_view(name.data(), name.size()));
    if (!info)
      return op.emitOpError("unknown activation '") << name << "'";
    params.activations.push_back({info->kind, alpha, beta});
  }
  if (auto clip = op.getClip())
    params.clip = clip->convertToFloat();
  if constexpr (std::is_same_v<OpT, GRUOp>)
    params.linearBeforeReset = op.getLinearBeforeReset();
  if constexpr (std::is_same_v<OpT, LSTMOp>)
    params.inputForget = op.getInputForget();
  auto result = [&](Value v) -> HostTensor * {
    return v ? &ctx.out(cast<OpResult>(v).getResultNumber()) : nullptr;
  };
  HostTensor *y = result(op.getY()), *yH = result(op.getYH()),
             *yCOut = result(yC);
  return ctx.check(kernels::recurrent(
      params, ctx.in(0), ctx.in(1), ctx.in(2), ctx.inOf(op.getB()),
      ctx.inOf(op.getSequenceLens()), ctx.inOf(op.getInitialH()),
      ctx.inOf(initialC), ctx.inOf(p), y, yH, yCOut));
}

LogicalResult rnnHandler(OpContext &ctx) {
  return recurrentHandler<RNNOp>(ctx, kernels::RnnCell::Rnn, {}, {}, {});
}

LogicalResult gruHandler(OpContext &ctx) {
  return recurrentHandler<GRUOp>(ctx, kernels::RnnCell::Gru, {}, {}, {});
}

LogicalResult lstmHandler(OpContext &ctx) {
  auto op = ctx.get<LSTMOp>();
  return recurrentHandler<LSTMOp>(ctx, kernels::RnnCell::Lstm, op.getInitialC(),
                                  op.getP(), op.getYC());
}

} // namespace

void registerNNHandlers(HandlerRegistry &r) {
  r.add<MatMulOp>(&matmulHandler);
  r.add<GemmOp>(&gemmHandler);
  r.add<ConvOp>(&convHandler);
  r.add<ConvTransposeOp>(&convTransposeHandler);
  r.add<MaxPoolOp>(&maxPoolHandler);
  r.add<MaxPoolWithIndicesOp>(&maxPoolWithIndicesHandler);
  r.add<AvgPoolOp>(&avgPoolHandler);
  r.add<GlobalAvgPoolOp>(&globalPoolHandler<false>);
  r.add<GlobalMaxPoolOp>(&globalPoolHandler<true>);
  r.add<BatchNormOp>(&batchNormHandler);
  r.add<InstanceNormOp>(&instanceNormHandler);
  r.add<LayerNormOp>(&layerNormHandler);
  r.add<MVNOp>(&mvnHandler);
  r.add<LRNOp>(&lrnHandler);
  r.add<SoftmaxOp>(&softmaxHandler<SoftmaxOp, kernels::SoftmaxKind::Softmax>);
  r.add<LogSoftmaxOp>(
      &softmaxHandler<LogSoftmaxOp, kernels::SoftmaxKind::LogSoftmax>);
  r.add<HardmaxOp>(&softmaxHandler<HardmaxOp, kernels::SoftmaxKind::Hardmax>);
  r.add<ResizeOp>(&resizeHandler);
  r.add<QuantizeLinearOp>(&quantizeHandler);
  r.add<DequantizeLinearOp>(&dequantizeHandler);
  r.add<EinsumOp>(&einsumHandler);
  r.add<RNNOp>(&rnnHandler);
  r.add<GRUOp>(&gruHandler);
  r.add<LSTMOp>(&lstmHandler);
}

} // namespace npu::interp
