//===- DpuLowering.cpp - Convolutions, matmuls and pools onto the DPU -----===//
//
// Every op the DPU can run becomes one (or, for grouped convolutions, one
// per group) npuhw.dpu_conv on [H, W, C] tensors with channels padded to 16:
// the weights are repacked to [K, kh, kw, C] f16 with zero padding, the
// weight table holds each channel's weights offset, the fp32 scale 1 and the
// fp32 bias, and a bias add / ReLU / LeakyReLU / Clip that follows alone is
// fused into the post-processing (fp32, before the one rounding to f16).
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "npu/Conversion/NPUToNPUHW/SpaceToDepth.h"

#include "npu/Arch/CostModel.h"
#include "npu/Arch/PostProcess.h"
#include "npu/Blob/ProgramBuilder.h"
#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/IR/ScalarAttr.h"
#include "npu/Dialect/NPU/IR/Target.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

#include <cmath>
#include <cstring>

using namespace mlir;

namespace npu::lowering {

std::pair<uint32_t, unsigned> fixedPoint(double m) {
  if (!(m > 0.0))
    return {0, 0};
  unsigned shift = 0;
  while (shift < 63 && std::nearbyint(m * std::ldexp(1.0, shift + 1)) <= 65535)
    ++shift;
  double mult = std::nearbyint(m * std::ldexp(1.0, shift));
  return {uint32_t(std::min(mult, 65535.0)), shift};
}

namespace {

/// DPU limits (HARDWARE.md "Limits").
constexpr int64_t kMaxKernel = 11;
constexpr int64_t kMaxStride = 8;
/// Largest dimension of a DPU tensor.
constexpr int64_t kMaxDpuDim = 8192;
/// Convolutions with larger kernels are unfolded into a 1x1 convolution
/// over their windows when the output has at most this many pixels.
constexpr int64_t kMaxUnfoldPixels = 256;

/// The largest bias of an int8 DPU task in accumulator units: 2^30, half
/// the int32 accumulator's range, the other half for the products.
constexpr double kMaxBiasUnits = 1073741824.0;

/// What follows a DPU op and is fused into its post-processing.
struct Epilogue {
  Value result;                 ///< The old value the lowered op replaces.
  std::vector<float> extraBias; ///< A fused bias add, per output channel.
  FusedPostProcess post;
  /// The fused ops, in order.
  SmallVector<Operation *, 4> ops;
};

/// LeakyReLU's slope `alpha` as the PPE's signed 16-bit multiplier and
/// shift, alpha ~= mult / 2^shift: shift 16 (every slope below 0.5 in
/// magnitude, as exporters write them: 0.01, 0.1, 0.2), else the largest
/// shift whose multiplier fits (0.5: 16384 / 2^15; 2.5: 20480 / 2^13);
/// nullopt when even shift 0 does not (|alpha| >= 32767.5).
std::optional<std::pair<int32_t, unsigned>> leakyMultShift(float alpha) {
  for (int shift = 16; shift >= 0; --shift) {
    double mult = std::nearbyint(double(alpha) * std::ldexp(1.0, shift));
    if (mult >= -32768.0 && mult <= 32767.0)
      return std::make_pair(int32_t(mult), unsigned(shift));
  }
  return std::nullopt;
}

Operation *singleUser(Value v) {
  if (!v.hasOneUse())
    return nullptr;
  return *v.getUsers().begin();
}

/// Fuses, in this order and each optional: an add of a constant per-channel
/// bias (`channelAxis` of the result, `channels` wide), one activation, one
/// clip.
Epilogue fuseEpilogue(Lowering &l, Value v, int64_t channelAxis,
                      int64_t channels, bool allowBias = true,
                      bool dryRun = false) {
  Epilogue e;
  auto fuse = [&](Operation *op) {
    e.ops.push_back(op);
    if (!dryRun)
      l.fused.insert(op);
  };
  e.result = v;
  auto rank = cast<RankedTensorType>(v.getType()).getRank();
  auto biasAdd =
      allowBias ? dyn_cast_or_null<AddOp>(singleUser(e.result)) : AddOp();
  if (auto add = biasAdd) {
    Value other = add.getLhs() == e.result ? add.getRhs() : add.getLhs();
    auto bias = l.constantValue(other);
    if (bias && bias->dtype() == DType::F32 &&
        bias->numElements() == channels && add.getType() == v.getType()) {
      // The constant may only vary along the channel axis.
      auto shape = bias->shape();
      int64_t offset = rank - int64_t(shape.size());
      bool perChannel = offset >= 0;
      for (int64_t d = 0; perChannel && d < int64_t(shape.size()); ++d)
        perChannel = shape[d] == 1 || d + offset == channelAxis;
      if (perChannel) {
        e.extraBias.assign(bias->data<float>(), bias->data<float>() + channels);
        e.result = add.getResult();
        fuse(add);
      }
    }
  }
  Operation *user = singleUser(e.result);
  if (auto relu = dyn_cast_or_null<ReluOp>(user)) {
    e.post.activation = hw::Activation::relu;
    e.result = relu.getResult();
    fuse(relu);
  } else if (auto leaky = dyn_cast_or_null<LeakyReluOp>(user);
             leaky &&
             (!l.int8 || leakyMultShift(leaky.getAlpha().convertToFloat()))) {
    e.post.activation = hw::Activation::leaky_relu;
    e.post.leakyAlpha = leaky.getAlpha().convertToFloat();
    e.result = leaky.getResult();
    fuse(leaky);
  }
  // Then a clamp: a Clip, or a max / min with a scalar constant (openWakeWord's
  // max(leaky_relu(x), -0.4)), at most one of each bound. A float clamp with
  // a non-zero minimum needs a quantized output on NPU3720 (HARDWARE.md):
  // in fp16 such a minimum stays a SHAVE kernel, and an int8 task with one
  // keeps writing int8 (FloatOutputs.cpp).
  bool haveLow = false, haveHigh = false;
  auto scalarOperand = [&](Operation *op) -> std::optional<float> {
    for (unsigned i = 0; i < 2; ++i) {
      auto type = dyn_cast<RankedTensorType>(op->getOperand(i).getType());
      if (op->getOperand(1 - i) == e.result && type && type.hasStaticShape() &&
          type.getNumElements() == 1 &&
          op->getResult(0).getType() == e.result.getType())
        return l.splatValue(op->getOperand(i));
    }
    return std::nullopt;
  };
  auto lowAllowed = [&](float low) { return low == 0.0f || l.int8; };
  for (int step = 0; step < 2; ++step) {
    Operation *next = singleUser(e.result);
    if (!next)
      break;
    float low = -INFINITY, high = INFINITY;
    if (auto clip = dyn_cast<ClipOp>(next)) {
      if (clip.getMinAttr())
        low = float(scalarAttrToDouble(clip.getMinAttr()));
      if (clip.getMaxAttr())
        high = float(scalarAttrToDouble(clip.getMaxAttr()));
    } else if (isa<MaxOp>(next)) {
      auto c = scalarOperand(next);
      if (!c)
        break;
      low = *c;
    } else if (isa<MinOp>(next)) {
      auto c = scalarOperand(next);
      if (!c)
        break;
      high = *c;
    } else {
      break;
    }
    bool hasLow = low != -INFINITY, hasHigh = high != INFINITY;
    // The PPE clamps once, min(max(v, low), high): equal to the ops in
    // sequence only while the bounds so far leave values between them.
    if ((hasLow && (haveLow || !lowAllowed(low))) || (hasHigh && haveHigh) ||
        !(std::max(e.post.clampLow, low) <= std::min(e.post.clampHigh, high)))
      break;
    if (hasLow)
      e.post.clampLow = std::max(e.post.clampLow, low), haveLow = true;
    if (hasHigh)
      e.post.clampHigh = std::min(e.post.clampHigh, high), haveHigh = true;
    e.result = next->getResult(0);
    fuse(next);
  }
  return e;
}

/// Weight table of an f16 task: {offset, -1, scale, bias}.
HostTensor weightTable(int64_t k, int64_t channelBytes,
                       const std::vector<float> &bias, float scale = 1.0f) {
  std::vector<blob::WeightTableEntry> entries(k);
  for (int64_t i = 0; i < k; ++i) {
    entries[i].weightsOffset = int32_t(i * channelBytes);
    entries[i].requant = blob::floatWord(scale);
    entries[i].bias = blob::floatWord(i < int64_t(bias.size()) ? bias[i] : 0);
  }
  std::vector<uint8_t> bytes = blob::encodeWeightTable(entries);
  HostTensor t(DType::I32, {k, 4});
  std::memcpy(t.raw(), bytes.data(), bytes.size());
  return t;
}

/// A 2-d convolution on [H, W, Cp] f16 with f32 weights [K, C, kh, kw] (C
/// real input channels, or 1 for depthwise), K real output channels.
struct ConvSpec {
  hw::DpuConvKind kind = hw::DpuConvKind::conv;
  int64_t kh = 1, kw = 1, sh = 1, sw = 1;
  int64_t pt = 0, pl = 0, pb = 0, pr = 0;
  int64_t oh = 1, ow = 1;
};

/// The quantization of a quantized tensor type.
QuantParams paramsOf(Value v) {
  auto qt = cast<quant::UniformQuantizedType>(
      cast<RankedTensorType>(v.getType()).getElementType());
  return {float(qt.getScale()), int32_t(qt.getZeroPoint())};
}

/// int8 post-processing of a DPU task writing `out`: activation on the
/// accumulator, the clamp in the quantized domain, the output zero point.
template <typename OpT>
void setIntPostProcess(OpT op, const Epilogue &e, const QuantParams &out) {
  op.setActivation(e.post.activation);
  if (e.post.activation == hw::Activation::leaky_relu) {
    auto [mult, shift] = *leakyMultShift(e.post.leakyAlpha);
    op.setLeakyMult(mult);
    op.setLeakyShift(shift);
  }
  op.setOutZeroPoint(out.zeroPoint);
  auto toQ = [&](float v) {
    double q = std::nearbyint(double(v) / out.scale) + out.zeroPoint;
    return int32_t(std::min(2147483647.0, std::max(-2147483648.0, q)));
  };
  if (std::isfinite(e.post.clampLow))
    op.setClampLow(toQ(e.post.clampLow));
  if (std::isfinite(e.post.clampHigh))
    op.setClampHigh(toQ(e.post.clampHigh));
}

/// The f16-output form of an int8 task with epilogue `e` (scale and table
/// set by the caller).
FloatOutputForm floatOutputForm(Lowering &l, const Epilogue &e) {
  FloatOutputForm f;
  f.old = l.recordedValue(e.result);
  f.current = l.current;
  f.post = e.post;
  return f;
}

/// Emits the DPU task on `hwc` (f16, or quantized in int8); returns its
/// [OH, OW, Kp] result (f16, or quantized with `e.result`'s calibrated
/// range or model parameters; pools keep their input's quantization).
/// int8 weights are symmetric per output channel with the scales
/// `weightScales` (one per row of `weights`: a pre-quantized model's), or
/// max|w| / 127 when it is empty.
FailureOr<Value> emitConv(Lowering &l, Location loc, Value hwc,
                          const ConvSpec &s, const HostTensor *weights,
                          ArrayRef<float> weightScales, std::vector<float> bias,
                          const Epilogue &e, std::string &reason,
                          float scale = 1.0f) {
  auto inShape = cast<RankedTensorType>(hwc.getType()).getShape();
  int64_t cp = inShape[2];
  bool isInt8 = l.int8;
  QuantParams in, out;
  if (isInt8) {
    in = paramsOf(hwc);
    if (s.kind == hw::DpuConvKind::max_pool) {
      // Max keeps its input's quantization (a calibrated range of its
      // result is not used: the input's represents every value it takes),
      // unless a pre-quantized model gives its result other parameters (a
      // Q after the pool): then the PPE requantizes, and saturates at the
      // result's limits, as the model says.
      out = in;
      if (auto quant = quantAnnotationOf(e.result)) {
        out = QuantParams{quant[0], int32_t(quant[1])};
      } else if (Operation *pool = e.result.getDefiningOp();
                 pool && pool->getNumOperands()) {
        l.paramsSource[l.recordedValue(e.result)] =
            l.parametersOf(pool->getOperand(0));
      }
    } else {
      auto q = l.quantOf(e.result, reason);
      if (failed(q))
        return failure();
      out = *q;
    }
  }
  Value w, table;
  std::optional<HostTensor> floatTable;
  int64_t kp = cp;
  if (weights) {
    int64_t k = weights->dim(0), c = weights->dim(1);
    kp = s.kind == hw::DpuConvKind::depthwise ? cp : alignChannels(k);
    if (kp < kChannelAlignment)
      kp = kChannelAlignment;
    int64_t wc = s.kind == hw::DpuConvKind::depthwise ? 1 : cp;
    for (size_t i = 0; i < e.extraBias.size() && i < bias.size(); ++i)
      bias[i] += e.extraBias[i];
    if (bias.empty())
      bias = e.extraBias;
    const float *src = weights->data<float>();
    auto srcIndex = [&](int64_t o, int64_t ci, int64_t y, int64_t x) {
      return ((o * c + ci) * s.kh + y) * s.kw + x;
    };
    auto dstIndex = [&](int64_t o, int64_t ci, int64_t y, int64_t x) {
      return ((o * s.kh + y) * s.kw + x) * wc + ci;
    };
    if (!isInt8) {
      HostTensor packed(DType::F16, {kp, s.kh, s.kw, wc});
      std::memset(packed.raw(), 0, packed.byteSize());
      auto *dst = packed.data<uint16_t>();
      for (int64_t o = 0; o < k; ++o)
        for (int64_t ci = 0; ci < c; ++ci)
          for (int64_t y = 0; y < s.kh; ++y)
            for (int64_t x = 0; x < s.kw; ++x)
              dst[dstIndex(o, ci, y, x)] =
                  floatToHalf(src[srcIndex(o, ci, y, x)]);
      w = l.constant(loc, packed, l.f16Type({kp, s.kh, s.kw, wc}));
      table = l.constant(loc, weightTable(kp, s.kh * s.kw * wc * 2, bias),
                         RankedTensorType::get({kp, 4}, l.b.getI32Type()));
    } else {
      // Symmetric per-output-channel int8 weights; the bias in accumulator
      // units; per-channel requantization in the weight table.
      HostTensor packed(DType::I8, {kp, s.kh, s.kw, wc});
      std::memset(packed.raw(), 0, packed.byteSize());
      auto *dst = packed.data<int8_t>();
      std::vector<blob::WeightTableEntry> entries(kp);
      std::vector<float> weightScaleOf(k);
      int64_t per = c * s.kh * s.kw;
      int64_t saturatedChannels = 0, clampedBiases = 0;
      for (int64_t o = 0; o < kp; ++o) {
        entries[o].weightsOffset = int32_t(o * s.kh * s.kw * wc);
        if (o >= k) {
          entries[o].requant = blob::packRequant(0, 0);
          continue;
        }
        float maxAbs = 0.0f;
        for (int64_t i = 0; i < per; ++i)
          maxAbs = std::max(maxAbs, std::fabs(src[o * per + i]));
        float ws = !weightScales.empty() ? weightScales[o]
                                         : arch::int8WeightScale(maxAbs);
        double b = o < int64_t(bias.size()) ? bias[o] : 0.0;
        // The bias in accumulator units (s_in * ws) must fit the int32
        // accumulator with room for the products. It does not when the
        // input's step is tiny against the bias (a branch that is all
        // zeros on the calibration data, ranges of 1e-6): then the weights
        // take the coarser scale that makes it fit. Their products, at
        // most 2^8 * 2^7 * C kh kw accumulator units (within the other
        // half for C kh kw up to 2^15), are then negligible beside such a
        // bias, so the output loses nothing it could represent (and a
        // channel whose weights are nearly zero, pruned or stored in
        // float16, is its bias, where the clamped bias was not).
        if (weightScales.empty() &&
            std::fabs(b) > kMaxBiasUnits * double(in.scale) * ws) {
          ws = float(std::fabs(b) / (kMaxBiasUnits * double(in.scale)));
          ws = std::nextafter(ws, INFINITY);
        }
        weightScaleOf[o] = ws;
        // The model's scales are exact for its int8 weights; an edited one
        // that is too small saturates them.
        if (!weightScales.empty() && maxAbs / ws > 128.5f)
          ++saturatedChannels;
        for (int64_t ci = 0; ci < c; ++ci)
          for (int64_t y = 0; y < s.kh; ++y)
            for (int64_t x = 0; x < s.kw; ++x)
              dst[dstIndex(o, ci, y, x)] = int8_t(std::min(
                  127.0f,
                  std::max(-127.0f,
                           std::nearbyint(src[srcIndex(o, ci, y, x)] / ws))));
        double acc = double(in.scale) * ws;
        // With the model's own weight scales the bias may still not fit:
        // it is held at 2^30 units, so that adding the products cannot
        // wrap the accumulator around (the sign of a saturated channel
        // flipped), and such a bias saturates the output as the model's
        // float one would.
        double biasUnits = std::nearbyint(b / acc);
        if (std::fabs(biasUnits) > kMaxBiasUnits) {
          biasUnits = std::copysign(kMaxBiasUnits, biasUnits);
          ++clampedBiases;
        }
        entries[o].bias = int32_t(biasUnits);
        auto [mult, shift] = fixedPoint(acc / out.scale);
        entries[o].requant = blob::packRequant(mult, shift);
      }
      if (saturatedChannels)
        emitWarning(loc) << "npu.weight_scales: " << saturatedChannels
                         << " output channel(s) have weights beyond 127 "
                            "times their scale; they saturate at +-127";
      if (clampedBiases)
        emitWarning(loc) << clampedBiases
                         << " output channel(s) have a bias beyond 2^30 "
                            "accumulator units at the model's input and "
                            "weight scales (|bias| / (input scale x weight "
                            "scale)); it is held there and the output "
                            "saturates";
      std::vector<uint8_t> bytes = blob::encodeWeightTable(entries);
      HostTensor t(DType::I32, {kp, 4});
      std::memcpy(t.raw(), bytes.data(), bytes.size());
      // The same table for an f16 result: one accumulator unit per channel.
      for (int64_t o = 0; o < kp; ++o)
        entries[o].requant = blob::floatWord(
            o < k ? float(double(in.scale) * weightScaleOf[o]) : 0.0f);
      bytes = blob::encodeWeightTable(entries);
      floatTable.emplace(DType::I32, std::vector<int64_t>{kp, 4});
      std::memcpy(floatTable->raw(), bytes.data(), bytes.size());
      w = l.constant(
          loc, packed,
          RankedTensorType::get({kp, s.kh, s.kw, wc}, l.b.getIntegerType(8)));
      table =
          l.constant(loc, t, RankedTensorType::get({kp, 4}, l.b.getI32Type()));
    }
  }
  Type element = isInt8 ? l.quantType(out) : l.f16();
  auto type = RankedTensorType::get({s.oh, s.ow, kp}, element);
  auto op =
      hw::DpuConvOp::create(l.b, loc, type, s.kind, hwc, w, table, {s.kh, s.kw},
                            {s.sh, s.sw}, {s.pt, s.pl, s.pb, s.pr});
  if (!isInt8) {
    setFloatPostProcess(op, e.post);
    if (scale != 1.0f)
      op.setScale(APFloat(scale));
    return op.getOutput();
  }
  op.setInZeroPoint(in.zeroPoint);
  setIntPostProcess(op, e, out);
  FloatOutputForm &f16Form = l.floatOutputs[op];
  f16Form = floatOutputForm(l, e);
  f16Form.table = std::move(floatTable);
  f16Form.scale = float(double(in.scale) * scale);
  if (!weights) {
    // Pools: max keeps the input's quantization (mult 1, shift 0) unless
    // its result has another scale; the average's 1/(kh*kw) and rescaling
    // are one multiplier.
    auto [mult, shift] =
        s.kind == hw::DpuConvKind::max_pool && in.scale == out.scale
            ? std::pair<uint32_t, unsigned>{1, 0}
            : fixedPoint(double(in.scale) * scale / out.scale);
    op.setMult(int32_t(mult));
    op.setShift(int32_t(shift));
  }
  return op.getOutput();
}

/// Emits the DPU task on `in` (already in the DPU's domain, or the failure
/// of putting it there) and records its result as `e.result`'s value.
LogicalResult lowerTo(Lowering &l, Location loc, FailureOr<Value> in,
                      const ConvSpec &s, const HostTensor *weights,
                      ArrayRef<float> weightScales, std::vector<float> bias,
                      const Epilogue &e, std::string &reason,
                      float scale = 1.0f) {
  if (failed(in))
    return failure();
  auto y = emitConv(l, loc, *in, s, weights, weightScales, std::move(bias), e,
                    reason, scale);
  if (failed(y))
    return failure();
  l.setDpuResult(loc, e.result, *y);
  return success();
}

/// Reads a 1-d or 2-d window op's geometry (1-d as H = 1).
bool windowGeometry(ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                    ArrayRef<int64_t> pads, ArrayRef<int64_t> outShape,
                    ConvSpec &s) {
  if (kernel.size() == 1) {
    s.kh = 1, s.kw = kernel[0], s.sh = 1, s.sw = strides[0];
    s.pt = 0, s.pb = 0, s.pl = pads[0], s.pr = pads[1];
    s.oh = 1, s.ow = outShape[2];
    return true;
  }
  if (kernel.size() != 2)
    return false;
  s.kh = kernel[0], s.kw = kernel[1], s.sh = strides[0], s.sw = strides[1];
  s.pt = pads[0], s.pl = pads[1], s.pb = pads[2], s.pr = pads[3];
  s.oh = outShape[2], s.ow = outShape[3];
  return true;
}

/// [1, C, L] or [1, C, H, W] f16 -> [1, C, H, W].
Value as4d(Lowering &l, Location loc, Value v) {
  auto shape = cast<RankedTensorType>(v.getType()).getShape();
  if (shape.size() == 3)
    return l.reshape(loc, v, {shape[0], shape[1], 1, shape[2]});
  return v;
}

/// Checks the DPU limits of a window; extends the bottom / right padding so
/// that the DPU's floor formula yields the op's output size (ceil_mode).
LogicalResult fitWindow(ConvSpec &s, int64_t h, int64_t w,
                        std::string &reason) {
  if (s.kh > kMaxKernel || s.kw > kMaxKernel) {
    reason = "kernel " + std::to_string(s.kh) + "x" + std::to_string(s.kw) +
             " exceeds the DPU's 11x11";
    return failure();
  }
  if (s.sh > kMaxStride || s.sw > kMaxStride) {
    reason = "stride exceeds the DPU's 8";
    return failure();
  }
  s.pb = std::max<int64_t>(s.pb, (s.oh - 1) * s.sh + s.kh - h - s.pt);
  s.pr = std::max<int64_t>(s.pr, (s.ow - 1) * s.sw + s.kw - w - s.pl);
  if (s.pt >= s.kh || s.pb >= s.kh || s.pl >= s.kw || s.pr >= s.kw) {
    reason = "padding not smaller than the kernel";
    return failure();
  }
  return success();
}

/// Dilation expands the kernel with zero taps (the DPU has no dilation).
HostTensor dilate(const HostTensor &w, int64_t dh, int64_t dw) {
  int64_t k = w.dim(0), c = w.dim(1), kh = w.dim(2), kw = w.dim(3);
  int64_t eh = (kh - 1) * dh + 1, ew = (kw - 1) * dw + 1;
  HostTensor out(DType::F32, {k, c, eh, ew});
  std::memset(out.raw(), 0, out.byteSize());
  for (int64_t o = 0; o < k * c; ++o)
    for (int64_t y = 0; y < kh; ++y)
      for (int64_t x = 0; x < kw; ++x)
        out.data<float>()[(o * eh + y * dh) * ew + x * dw] =
            w.data<float>()[(o * kh + y) * kw + x];
  return out;
}

/// The rows [begin, end) of dimension 0 of a tensor.
HostTensor sliceRows(const HostTensor &t, int64_t begin, int64_t end) {
  std::vector<int64_t> shape = t.shape();
  int64_t row = t.numElements() / shape[0];
  shape[0] = end - begin;
  HostTensor out(t.dtype(), shape);
  std::memcpy(out.raw(),
              static_cast<const char *>(t.raw()) +
                  begin * row * dtypeSize(t.dtype()),
              out.byteSize());
  return out;
}

/// The optional bias operand of a convolution as floats (empty if absent).
LogicalResult readBias(Lowering &l, Value biasOperand, std::vector<float> &bias,
                       std::string &reason) {
  if (!biasOperand)
    return success();
  auto b = l.constantValue(biasOperand);
  if (!b || b->dtype() != DType::F32) {
    reason = "the bias is not a float constant";
    return failure();
  }
  bias.assign(b->data<float>(), b->data<float>() + b->numElements());
  return success();
}

/// The most bytes of one input or output row (W pixels of all channels, at
/// f16's 2 bytes) a 1-d convolution keeps as [1, W, C]; longer sequences run
/// as a column (lowerConv).
constexpr int64_t kMaxConvRowBytes = 256 * 1024;

LogicalResult lowerConv(Lowering &l, ConvOp op, std::string &reason) {
  Location loc = op.getLoc();
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  auto weights = l.constantValue(op.getWeight());
  if (!weights || weights->dtype() != DType::F32) {
    reason = "the weights are not a float constant";
    return failure();
  }
  if (inType.getRank() != 3 && inType.getRank() != 4) {
    reason = "only 1-d and 2-d convolutions map to the DPU";
    return failure();
  }
  if (inType.getDimSize(0) != 1) {
    reason = "batch " + std::to_string(inType.getDimSize(0)) +
             " (the DPU runs one image per task)";
    return failure();
  }
  std::vector<float> bias;
  if (failed(readBias(l, op.getBias(), bias, reason)))
    return failure();
  ConvSpec s;
  auto outShape = cast<RankedTensorType>(op.getType()).getShape();
  windowGeometry(op.getStrides().size() == 1
                     ? ArrayRef<int64_t>{weights->dim(2)}
                     : ArrayRef<int64_t>{weights->dim(2), weights->dim(3)},
                 op.getStrides(), op.getPads(), outShape, s);
  HostTensor w = *weights;
  w.reshape({w.dim(0), w.dim(1), s.kh,
             w.numElements() / (w.dim(0) * w.dim(1) * s.kh)});
  s.kw = w.dim(3);
  ArrayRef<int64_t> dil = op.getDilations();
  int64_t dh = dil.size() == 2 ? dil[0] : 1, dw = dil.back();
  if (dh != 1 || dw != 1) {
    w = dilate(w, dh, dw);
    s.kh = w.dim(2), s.kw = w.dim(3);
  }
  int64_t c = inType.getDimSize(1), m = w.dim(0), g = op.getGroup();
  bool is4d = inType.getRank() == 4;
  int64_t h = is4d ? inType.getDimSize(2) : 1;
  int64_t wd = inType.getDimSize(inType.getRank() - 1);
  // The NCHW input, only where the [H, W, C] form is not enough.
  auto nchwInput = [&] { return as4d(l, loc, l.get(op.getInput())); };
  Epilogue e = fuseEpilogue(l, op.getResult(), 1, m);
  ArrayRef<float> scales = weightScalesOf(op, m);

  // Kernels beyond the DPU's: a 1x1 convolution over the unfolded windows.
  // Windows that tile the input (kernel = stride: a ViT's patch embedding)
  // are one space-to-depth, a reshape and a DMA transpose, at any size;
  // overlapping ones a slice per output pixel, up to kMaxUnfoldPixels.
  bool beyondDpu = s.kh > kMaxKernel || s.kw > kMaxKernel ||
                   s.sh > kMaxStride || s.sw > kMaxStride;
  bool patches = s.kh == s.sh && s.kw == s.sw;
  if (beyondDpu && g == 1 && s.pt + s.pl + s.pb + s.pr == 0 &&
      (patches || s.oh * s.ow <= kMaxUnfoldPixels)) {
    int64_t window = c * s.kh * s.kw;
    Value x = nchwInput();
    Value unfolded;
    if (patches) {
      // [1, C, oh kh, ow kw] -> [C, oh, kh, ow, kw] -> [oh, ow, C, kh, kw]
      // -> [oh, ow, C kh kw]: each pixel's window in the weights' (c, ky,
      // kx) order.
      if (h != s.oh * s.kh || wd != s.ow * s.kw)
        x = l.slice(loc, x, {0, 0, 0, 0}, {1, c, s.oh * s.kh, s.ow * s.kw});
      Value blocks = l.reshape(loc, x, {c, s.oh, s.kh, s.ow, s.kw});
      unfolded = l.reshape(loc, l.transpose(loc, blocks, {1, 3, 0, 2, 4}),
                           {s.oh, s.ow, window});
    } else {
      SmallVector<Value> rows;
      for (int64_t y = 0; y < s.oh; ++y) {
        SmallVector<Value> pixels;
        for (int64_t xo = 0; xo < s.ow; ++xo) {
          Value win =
              l.slice(loc, x, {0, 0, y * s.sh, xo * s.sw}, {1, c, s.kh, s.kw});
          pixels.push_back(l.reshape(loc, win, {1, 1, window}));
        }
        rows.push_back(l.concat(loc, pixels, 1));
      }
      unfolded = l.concat(loc, rows, 0);
    }
    int64_t cp = alignChannels(window);
    if (cp > window)
      unfolded =
          l.concat(loc, {unfolded, l.zeros(loc, {s.oh, s.ow, cp - window})}, 2);
    w.reshape({m, window, 1, 1});
    ConvSpec one;
    one.oh = s.oh, one.ow = s.ow;
    return lowerTo(l, loc, l.dpuDomain(loc, unfolded, op.getInput(), reason),
                   one, &w, scales, bias, e, reason);
  }
  if (failed(fitWindow(s, h, wd, reason)))
    return failure();

  // The f16 [H, W, cp] input, and the DPU's (quantized in int8).
  auto hwcInput = [&](int64_t cp) {
    return is4d ? l.hwcFor(loc, op.getInput(), cp)
                : l.toHWC(loc, nchwInput(), cp);
  };
  auto dpuInput = [&](int64_t cp) -> FailureOr<Value> {
    if (is4d)
      return l.dpuInput(loc, op.getInput(), cp, reason);
    return l.dpuDomain(loc, hwcInput(cp), op.getInput(), reason);
  };
  // int8 first layers of stride 2 over an NCHW input: a stride-1
  // convolution over the input's 2x2 space-to-depth rearrangement
  // (SpaceToDepth.h), bit for bit the same (integer sums); its transpose
  // replaces the [H, W, C] layout change. Not in fp16: the DPU's fp32 sum
  // runs in (ky, kx, c) order, which the rearrangement would change. Not
  // when the input already has a device layout (another transpose).
  if (g == 1 && l.int8 && is4d && c <= 4 && !l.hwcForms.count(op.getInput()) &&
      !l.quantForms.count(op.getInput())) {
    ConvWindow win{s.kh, s.kw, s.sh, s.sw, s.pt, s.pl,
                   s.pb, s.pr, h,    wd,   s.oh, s.ow};
    if (auto s2d = spaceToDepthConv(w, win)) {
      // Quantized first, in [C, H, W] order (elementwise: the same int8
      // values), so that the rearrangement moves int8 bytes, half of f16's,
      // and the quantize kernel converts only the real channels.
      auto q = l.dpuDomain(loc, nchwInput(), op.getInput(), reason);
      if (failed(q))
        return failure();
      Value x = l.reshape(loc, *q, {c, h / 2, 2, wd / 2, 2});
      Value blocks = l.transpose(loc, x, {1, 3, 2, 4, 0});
      // The padding channels meet zero weights (SpaceToDepth.h), where any
      // int8 value adds exactly 0: they repeat the blocks' first input
      // channels (all 2x2 positions of each, so that the copy into the
      // concatenation is one strided DMA from the quantized input:
      // CopyElision.h) instead of holding a constant.
      SmallVector<Value> parts = {
          l.reshape(loc, blocks, {h / 2, wd / 2, 4 * c})};
      for (int64_t have = 4 * c; have < kChannelAlignment;) {
        int64_t k = std::min(c, (kChannelAlignment - have) / 4);
        Value pad =
            l.slice(loc, blocks, {0, 0, 0, 0, 0}, {h / 2, wd / 2, 2, 2, k});
        parts.push_back(l.reshape(loc, pad, {h / 2, wd / 2, 4 * k}));
        have += 4 * k;
      }
      x = l.concat(loc, parts, 2);
      const ConvWindow &b = s2d->window;
      ConvSpec bs;
      bs.kh = b.kh, bs.kw = b.kw, bs.pt = b.pt, bs.pl = b.pl, bs.pb = b.pb,
      bs.pr = b.pr, bs.oh = b.oh, bs.ow = b.ow;
      return lowerTo(l, loc, x, bs, &s2d->weights, scales, bias, e, reason);
    }
  }
  if (g == 1 || (g == c && m == c)) {
    int64_t cp = alignChannels(c);
    if (g != 1) {
      s.kind = hw::DpuConvKind::depthwise;
      cp = std::max(cp, kChannelAlignment);
    }
    // A long 1-d sequence (Whisper's 3000 frames of 384 channels, also
    // written as a 1 x k convolution over [1, C, 1, L]): its one row
    // [1, L, C] cannot be split over CMX (tiling splits rows), so it runs
    // as one column [L, 1, C], the same bytes in the same order, with the
    // window along H, which tiling splits with halos.
    bool oneRow =
        h == 1 && s.kh == 1 && s.sh == 1 && s.pt == 0 && s.pb == 0 && s.oh == 1;
    if (oneRow && wd * std::max(cp, alignChannels(m)) * 2 > kMaxConvRowBytes) {
      auto in = dpuInput(cp);
      if (failed(in))
        return failure();
      ConvSpec t = s;
      t.kh = s.kw, t.kw = s.kh, t.sh = s.sw, t.sw = s.sh;
      t.pt = s.pl, t.pb = s.pr, t.pl = s.pt, t.pr = s.pb;
      t.oh = s.ow, t.ow = s.oh;
      HostTensor wt = w;
      wt.reshape({w.dim(0), w.dim(1), t.kh, t.kw});
      Value column = l.reshape(loc, *in, {wd, 1, cp});
      auto y = emitConv(l, loc, column, t, &wt, scales, bias, e, reason);
      if (failed(y))
        return failure();
      auto yShape = cast<RankedTensorType>(y->getType()).getShape();
      l.setDpuResult(loc, e.result,
                     l.reshape(loc, *y, {1, yShape[0], yShape[2]}));
      return success();
    }
    return lowerTo(l, loc, dpuInput(cp), s, &w, scales, bias, e, reason);
  }
  // A grouped convolution: one task per group, outputs joined.
  if (c % g != 0 || m % g != 0) {
    reason = "group does not divide the channels";
    return failure();
  }
  int64_t cg = c / g, mg = m / g;
  Value hwcAll = hwcInput(c);
  SmallVector<Value> parts;
  for (int64_t gi = 0; gi < g; ++gi) {
    Value part = l.slice(loc, hwcAll, {0, 0, gi * cg}, {h, wd, cg});
    int64_t cp = alignChannels(cg);
    if (cp > cg)
      part = l.concat(loc, {part, l.zeros(loc, {h, wd, cp - cg})}, 2);
    HostTensor wg = sliceRows(w, gi * mg, (gi + 1) * mg);
    std::vector<float> bg;
    if (!bias.empty())
      bg.assign(bias.begin() + gi * mg, bias.begin() + (gi + 1) * mg);
    Epilogue eg = e;
    if (!e.extraBias.empty())
      eg.extraBias.assign(e.extraBias.begin() + gi * mg,
                          e.extraBias.begin() + (gi + 1) * mg);
    auto in = l.dpuDomain(loc, part, op.getInput(), reason);
    if (failed(in))
      return failure();
    ArrayRef<float> sg = scales.empty() ? scales : scales.slice(gi * mg, mg);
    auto y = emitConv(l, loc, *in, s, &wg, sg, bg, eg, reason);
    if (failed(y))
      return failure();
    parts.push_back(l.slice(loc, *y, {0, 0, 0}, {s.oh, s.ow, mg}));
  }
  Value joined = l.concat(loc, parts, 2);
  l.setDpuResult(loc, e.result, joined);
  return success();
}

/// The weights [C, M / g, kh, kw] of a transposed convolution of `g`
/// groups as those of one ungrouped [C, M, kh, kw]: zero between groups
/// (input channel c reaches only its group's M / g outputs).
HostTensor ungroupedWeights(const HostTensor &w, int64_t g) {
  int64_t c = w.dim(0), mg = w.dim(1), taps = w.dim(2) * w.dim(3);
  HostTensor full(DType::F32, {c, g * mg, w.dim(2), w.dim(3)});
  std::memset(full.raw(), 0, full.byteSize());
  int64_t cg = c / g;
  for (int64_t ci = 0; ci < c; ++ci)
    for (int64_t mi = 0; mi < mg; ++mi)
      std::memcpy(full.data<float>() +
                      (ci * g * mg + (ci / cg) * mg + mi) * taps,
                  w.data<float>() + (ci * mg + mi) * taps,
                  size_t(taps) * sizeof(float));
  return full;
}

/// Per-channel values `v` (one per output channel m < M) for a polyphase
/// convolution's `phases` x `mp` channels: repeated per phase, each padded
/// with zeros to `mp`; empty stays empty.
std::vector<float> repeatPerPhase(ArrayRef<float> v, int64_t phases, int64_t mp,
                                  float padding = 0.0f) {
  std::vector<float> out;
  if (v.empty())
    return out;
  for (int64_t t = 0; t < phases; ++t) {
    out.insert(out.end(), v.begin(), v.end());
    out.resize(size_t((t + 1) * mp), padding);
  }
  return out;
}

/// An elementwise op of one operand that alone reads a polyphase transposed
/// convolution's result `old` (a DBNet head's sigmoid) commutes with the
/// interleave of the phases (a permutation and a crop), so it runs on the
/// DPU task's phase-form result `y` instead: code generation then runs it
/// piece by piece as the task's SHAVE epilogue, beside the DPU, instead of
/// as a SHAVE task over the whole interleaved map after it. Returns what to
/// interleave (`y`, or that op's f16 result on `y`) and sets `old` to the
/// old value the interleave then is. Sigmoid, tanh and hard sigmoid only:
/// ops that other ops fuse with (a hard-swish's affine, SiLU's multiply)
/// are lowered where they are.
Value phasesThroughUnary(Lowering &l, Location loc, Value y, Value &old) {
  Operation *user = singleUser(old);
  if (!isa_and_nonnull<SigmoidOp, TanhOp, HardSigmoidOp>(user) ||
      user->hasAttr(kFp32Attr) || user->getResult(0).getType() != old.getType())
    return y;
  std::optional<UnaryKernel> k = unaryKernel(user);
  if (!k)
    return y;
  auto yType = cast<RankedTensorType>(y.getType());
  Value f = isa<quant::QuantizedType>(yType.getElementType())
                ? l.dequantize(loc, y)
                : y;
  l.fused.insert(user);
  old = user->getResult(0);
  // Named after its own node, as its tasks and profile lines are.
  return l.shave(user->getLoc(), k->kernel, {f}, l.f16Type(yType.getShape()),
                 k->fparams);
}

/// Records as `dpuResult`'s value (or, where phasesThroughUnary moved an
/// op before the interleave, as that op's) the phases `y` ([qh, qw, sh sw
/// mp], channels ordered (ry, rx, m)) interleaved into [qh sh, qw sw, mp]
/// by DMA (depth to space), then cropped to the box at `offsets` of `sizes`.
void setInterleavedPhases(Lowering &l, Location loc, Value y, Value dpuResult,
                          int64_t qh, int64_t qw, int64_t sh, int64_t sw,
                          int64_t mp, ArrayRef<int64_t> offsets,
                          ArrayRef<int64_t> sizes) {
  Value old = dpuResult;
  Value v = phasesThroughUnary(l, loc, y, old);
  v = l.slice(loc, v, {0, 0, 0}, {qh, qw, sh * sw * mp});
  v = l.reshape(loc, v, {qh, qw, sh, sw, mp});
  v = l.transpose(loc, v, {0, 2, 1, 3, 4});
  v = l.reshape(loc, v, {qh * sh, qw * sw, mp});
  v = l.slice(loc, v, offsets, sizes);
  if (old == dpuResult)
    l.setDpuResult(loc, old, v);
  else
    l.setHWC(loc, old, v);
}

/// A transposed convolution `op` whose kernel is its stride (sh, sw),
/// unpadded, of the result of another such (a DBNet head's two 2x2,
/// stride-2 upsamplings): each of its phases from each of the first one's
/// phases, before those are interleaved, by one 1x1 convolution over the
/// first one's phase channels (block diagonal: output channel (RY, RX, m),
/// RY = ry1 sh + ry, RX = rx1 sw + rx, reads only phase (ry1, rx1)), then
/// one interleave by the product of the strides. The first one's
/// interleaved result is not needed, nor read back at its full size. Every
/// output is the same sum (the added terms have zero weights), with the same
/// per-channel int8 weight scales. `weights` are `op`'s [C, M, sh, sw];
/// nullopt when the input has no such phase form in this precision.
std::optional<LogicalResult> lowerAfterPhases(Lowering &l, ConvTransposeOp op,
                                              const HostTensor &weights,
                                              const std::vector<float> &bias,
                                              int64_t sh, int64_t sw, int64_t m,
                                              int64_t mp, std::string &reason) {
  auto it = l.phaseForms.find(op.getInput());
  if (it == l.phaseForms.end())
    return std::nullopt;
  const Lowering::PhaseForm &first = it->second;
  int64_t c = weights.dim(0);
  auto yType = cast<RankedTensorType>(first.phases.getType());
  bool quantized = isa<quant::QuantizedType>(yType.getElementType());
  if (first.channels != c || quantized != l.int8)
    return std::nullopt;
  Location loc = op.getLoc();
  int64_t qh = yType.getDimSize(0), qw = yType.getDimSize(1),
          cin = yType.getDimSize(2);
  int64_t SH = first.sh * sh, SW = first.sw * sw, phases = SH * SW;
  HostTensor w(DType::F32, {phases * mp, cin, 1, 1});
  std::memset(w.raw(), 0, w.byteSize());
  for (int64_t ry1 = 0; ry1 < first.sh; ++ry1)
    for (int64_t rx1 = 0; rx1 < first.sw; ++rx1)
      for (int64_t ry = 0; ry < sh; ++ry)
        for (int64_t rx = 0; rx < sw; ++rx)
          for (int64_t mi = 0; mi < m; ++mi)
            for (int64_t ci = 0; ci < c; ++ci) {
              int64_t o = ((ry1 * sh + ry) * SW + rx1 * sw + rx) * mp + mi;
              int64_t i = (ry1 * first.sw + rx1) * first.mp + ci;
              // Tap (ry, rx) of the kernel [C, M, sh, sw].
              w.data<float>()[o * cin + i] =
                  weights.data<float>()[((ci * m + mi) * sh + ry) * sw + rx];
            }
  Epilogue e = fuseEpilogue(l, op.getResult(), 1, m);
  Epilogue e1 = e;
  e1.extraBias = repeatPerPhase(e.extraBias, phases, mp);
  ConvSpec s;
  s.oh = qh, s.ow = qw;
  l.record(op.getInput());
  // A pre-quantized model's weight scales, per (phase, m) channel; the
  // padding channels' weights are zero (any positive scale).
  auto y = emitConv(l, loc, first.phases, s, &w,
                    repeatPerPhase(weightScalesOf(op, m), phases, mp, 1.0f),
                    repeatPerPhase(bias, phases, mp), e1, reason);
  if (failed(y))
    return failure();
  setInterleavedPhases(l, loc, *y, e.result, qh, qw, SH, SW, mp, {0, 0, 0},
                       {qh * SH, qw * SW, mp});
  return success();
}

/// The most channels of a depthwise transposed convolution run as one
/// ungrouped convolution (lowerConvTranspose).
constexpr int64_t kMaxUngroupedDepthwiseChannels = 64;

/// A transposed convolution as a convolution (stride 1, flipped kernel)
/// over the input spread out with zeros by the SHAVE `upsample_zeros`
/// kernel (the DPU reads only dense inputs). Depthwise (one group per
/// channel, a learned or bilinear 2x upsampling of each channel): a DPU
/// depthwise convolution over the spread input. Other groups: one
/// ungrouped convolution with zero weights between groups (g times the
/// MACs of the groups' own).
LogicalResult lowerConvTranspose(Lowering &l, ConvTransposeOp op,
                                 std::string &reason) {
  Location loc = op.getLoc();
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  auto weights = l.constantValue(op.getWeight());
  int64_t g = op.getGroup();
  int64_t rank = inType.getRank();
  if (!weights || weights->dtype() != DType::F32 || (rank != 3 && rank != 4) ||
      weights->rank() != rank || inType.getDimSize(0) != 1 || g < 1 ||
      weights->dim(0) % g != 0 || op.getStrides().size() != size_t(rank - 2) ||
      op.getPads().size() != size_t(2 * (rank - 2)) ||
      op.getOutputPadding().size() != size_t(rank - 2)) {
    reason = "only 1-d and 2-d transposed convolutions of one image with "
             "constant weights map to the DPU";
    return failure();
  }
  // A 1-d one (a vocoder's upsampling) as a 2-d one of one row: [C, M, k]
  // weights as [C, M, 1, k], the input [1, C, L] as [1, C, 1, L].
  bool is4d = rank == 4;
  SmallVector<int64_t, 2> st(op.getStrides()), op_(op.getOutputPadding());
  SmallVector<int64_t, 4> p(op.getPads());
  if (!is4d) {
    weights->reshape({weights->dim(0), weights->dim(1), 1, weights->dim(2)});
    st = {1, st[0]}, op_ = {0, op_[0]}, p = {0, p[0], 0, p[1]};
  }
  bool depthwise = g > 1 && g == weights->dim(0) && weights->dim(1) == 1;
  // A depthwise one of few channels: the ungrouped polyphase form below (C
  // times the MACs of the channels' own, on the DPU's dense path) is
  // cheaper than spreading the input with zeros for a depthwise task (a 4x4
  // stride-2 upsampling of 16 channels of 64 x 64: 170 -> 111 us modelled,
  // of 64 channels 493 -> 444 us; of 128 channels of 32 x 32 the
  // zero-spread depthwise task is faster, 261 against 325 us).
  if (depthwise && g <= kMaxUngroupedDepthwiseChannels)
    depthwise = false;
  if (g > 1 && !depthwise)
    weights = ungroupedWeights(*weights, g);
  for (int64_t d : op.getDilations())
    if (d != 1) {
      reason = "dilated transposed convolution";
      return failure();
    }
  int64_t c = weights->dim(0), m = depthwise ? c : weights->dim(1),
          kh = weights->dim(2), kw = weights->dim(3);
  int64_t pads[4] = {kh - 1 - p[0], kw - 1 - p[1], kh - 1 - p[2] + op_[0],
                     kw - 1 - p[3] + op_[1]};
  for (int64_t v : pads)
    if (v < 0) {
      reason = "padding larger than the kernel";
      return failure();
    }
  // w'[m][c][y][x] = w[c][m][kh-1-y][kw-1-x]; depthwise w'[c][0][y][x] =
  // w[c][0][kh-1-y][kw-1-x] (the depthwise convolution's [C, 1, kh, kw]).
  int64_t wc = depthwise ? 1 : c, wm = depthwise ? 1 : m;
  HostTensor w(DType::F32, {m, wc, kh, kw});
  for (int64_t ci = 0; ci < c; ++ci)
    for (int64_t mi = 0; mi < wm; ++mi) {
      // The flipped kernel's (output, input) channel pair.
      int64_t row = depthwise ? ci : mi, col = depthwise ? 0 : ci;
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x)
          w.data<float>()[((row * wc + col) * kh + y) * kw + x] =
              weights->data<float>()[((ci * wm + mi) * kh + (kh - 1 - y)) * kw +
                                     (kw - 1 - x)];
    }
  std::vector<float> bias;
  if (failed(readBias(l, op.getBias(), bias, reason)))
    return failure();
  int64_t h = is4d ? inType.getDimSize(2) : 1, wd = inType.getDimSize(rank - 1);
  int64_t cp = alignChannels(c);
  // The f16 [H, W, cp] input, and the DPU's (quantized in int8).
  auto hwcInput = [&](int64_t cp) {
    return is4d ? l.hwcFor(loc, op.getInput(), cp)
                : l.toHWC(loc, as4d(l, loc, l.get(op.getInput())), cp);
  };
  auto dpuInput = [&](int64_t cp) -> FailureOr<Value> {
    if (is4d)
      return l.dpuInput(loc, op.getInput(), cp, reason);
    return l.dpuDomain(loc, hwcInput(cp), op.getInput(), reason);
  };
  // Polyphase (sub-pixel) form: output pixel (sh Y + ry, sw X + rx) of the
  // uncropped output is the sum over the taps (ry + a sh, rx + b sw) of the
  // input pixels (Y - a, X - b), so each of the sh x sw phases is a
  // convolution of the input with a kernel of ceil(kh / sh) x ceil(kw / sw)
  // taps (the missing ones zero), padded by one less. One convolution to
  // sh * sw * M channels ordered (ry, rx, m), then interleaved into the
  // output by DMA (depth to space) and cropped by the padding: none of the
  // zero-spread input's SHAVE work nor its sh * sw times the MACs. A kernel
  // as large as its stride, unpadded (the usual 2x2, stride 2 upsampling),
  // is one tap per phase, a 1x1 convolution. The same sums (the zero-spread
  // convolution adds only zero taps); int8 weight scales are per (ry, rx,
  // m) channel, finer than per m. (docs/lowering.md, "Transposed
  // convolution".)
  auto outShape = cast<RankedTensorType>(op.getType()).getShape();
  int64_t outH = is4d ? outShape[2] : 1, outW = outShape[rank - 1];
  int64_t jh = llvm::divideCeil(kh, st[0]), jw = llvm::divideCeil(kw, st[1]);
  int64_t qh = h + jh - 1, qw = wd + jw - 1;
  bool polyphase = !depthwise && jh <= kMaxKernel && jw <= kMaxKernel &&
                   p[0] + outH <= qh * st[0] && p[1] + outW <= qw * st[1];
  if (polyphase) {
    // Each phase's channels padded to the DPU's alignment when that wastes
    // less than half (so the result is in the padded form the next DPU
    // task reads); else compact (a one-channel map stays one channel).
    int64_t mp = alignChannels(m) < 2 * m ? alignChannels(m) : m;
    int64_t phases = st[0] * st[1];
    // A kernel as large as its stride, unpadded: one tap per phase.
    bool tapPerPhase = is4d && kh == st[0] && kw == st[1] &&
                       llvm::all_of(p, [](int64_t v) { return v == 0; }) &&
                       op_[0] == 0 && op_[1] == 0;
    if (tapPerPhase)
      if (auto y = lowerAfterPhases(l, op, *weights, bias, st[0], st[1], m, mp,
                                    reason))
        return *y;
    HostTensor w1(DType::F32, {phases * mp, c, jh, jw});
    std::memset(w1.raw(), 0, w1.byteSize());
    for (int64_t ry = 0; ry < st[0]; ++ry)
      for (int64_t rx = 0; rx < st[1]; ++rx)
        for (int64_t mi = 0; mi < m; ++mi)
          for (int64_t ci = 0; ci < c; ++ci)
            for (int64_t a = 0; a < jh; ++a)
              for (int64_t bx = 0; bx < jw; ++bx) {
                // Kernel tap (a, bx) reads input pixel (Y - (jh-1-a), ...).
                int64_t ty = ry + (jh - 1 - a) * st[0],
                        tx = rx + (jw - 1 - bx) * st[1];
                if (ty >= kh || tx >= kw)
                  continue;
                w1.data<float>()
                    [((((ry * st[1] + rx) * mp + mi) * c + ci) * jh + a) * jw +
                     bx] =
                    weights->data<float>()[((ci * m + mi) * kh + ty) * kw + tx];
              }
    Epilogue e = fuseEpilogue(l, op.getResult(), 1, m);
    Epilogue e1 = e;
    e1.extraBias = repeatPerPhase(e.extraBias, phases, mp);
    ConvSpec s1;
    s1.kh = jh, s1.kw = jw;
    s1.pt = s1.pb = jh - 1, s1.pl = s1.pr = jw - 1;
    s1.oh = qh, s1.ow = qw;
    auto in = dpuInput(cp);
    if (failed(in))
      return failure();
    auto y = emitConv(l, loc, *in, s1, &w1,
                      repeatPerPhase(weightScalesOf(op, m), phases, mp, 1.0f),
                      repeatPerPhase(bias, phases, mp), e1, reason);
    if (failed(y))
      return failure();
    if (tapPerPhase)
      l.phaseForms[e.result] = {*y, st[0], st[1], mp, m};
    setInterleavedPhases(l, loc, *y, e.result, qh, qw, st[0], st[1], mp,
                         {p[0], p[1], 0}, {outH, outW, mp});
    return success();
  }
  if (depthwise)
    cp = std::max(cp, kChannelAlignment);
  Value hwc = hwcInput(cp);
  int64_t uh = (h - 1) * st[0] + 1 + pads[0] + pads[2];
  int64_t uw = (wd - 1) * st[1] + 1 + pads[1] + pads[3];
  Value up = l.shave(loc, "upsample_zeros", {hwc}, l.f16Type({uh, uw, cp}), {},
                     {st[0], st[1], pads[0], pads[1], pads[2], pads[3]});
  ConvSpec s;
  s.kh = kh, s.kw = kw;
  if (depthwise)
    s.kind = hw::DpuConvKind::depthwise;
  s.oh = outH, s.ow = outW;
  if (failed(fitWindow(s, uh, uw, reason)))
    return failure();
  Epilogue e = fuseEpilogue(l, op.getResult(), 1, m);
  return lowerTo(l, loc, l.dpuDomain(loc, up, op.getInput(), reason), s, &w,
                 weightScalesOf(op, m), bias, e, reason);
}

/// The [H, W] a 1x1 convolution over `rows` x `pixels` pixels of `cp`
/// channels of `elementBytes` presents to the DPU: [rows, pixels], or
/// [rows * pixels, 1] when one row of its input would take more than
/// kMaxRowBytes of CMX (tiling splits rows, and code generation gives each
/// piece's pixels the cheapest workload shape whatever H and W are).
std::pair<int64_t, int64_t> matMulGrid(int64_t rows, int64_t pixels, int64_t cp,
                                       int64_t elementBytes) {
  constexpr int64_t kMaxRowBytes = 256 * 1024;
  if (pixels * cp * elementBytes > kMaxRowBytes)
    return {rows * pixels, 1};
  return {rows, pixels};
}

/// A matmul / gemm with a constant [K, N] right-hand side (already
/// transposed and scaled) as a 1x1 convolution over [B, M, K].
LogicalResult lowerConstantMatMul(Lowering &l, Operation *op, Value a,
                                  HostTensor b, std::vector<float> bias,
                                  std::string &reason) {
  Location loc = op->getLoc();
  auto aShape = cast<RankedTensorType>(a.getType()).getShape();
  if (aShape.size() < 2) {
    reason = "a 1-d left operand";
    return failure();
  }
  int64_t k = b.dim(0), n = b.dim(1), m = aShape[aShape.size() - 2];
  int64_t batch = 1;
  for (size_t i = 0; i + 2 < aShape.size(); ++i)
    batch *= aShape[i];
  // [K, N] -> weights [N, K, 1, 1].
  HostTensor w(DType::F32, {n, k, 1, 1});
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < n; ++j)
      w.data<float>()[j * k + i] = b.data<float>()[i * n + j];
  Value result = op->getResult(0);
  auto outRank = cast<RankedTensorType>(result.getType()).getRank();
  Epilogue e = fuseEpilogue(l, result, outRank - 1, n);
  int64_t cp = alignChannels(k);
  auto [gh, gw] = matMulGrid(batch, m, cp, l.int8 ? 1 : 2);
  Value hwc = l.reshape(loc, l.get(a), {gh, gw, k});
  if (cp > k)
    hwc = l.concat(loc, {hwc, l.zeros(loc, {gh, gw, cp - k})}, 2);
  ConvSpec s;
  s.oh = gh, s.ow = gw;
  auto in = l.dpuDomain(loc, hwc, a, reason);
  if (failed(in))
    return failure();
  auto conv = emitConv(l, loc, *in, s, &w, weightScalesOf(op, n),
                       std::move(bias), e, reason);
  if (failed(conv))
    return failure();
  Value y = l.int8 ? l.dequantize(loc, *conv) : *conv;
  y = l.slice(loc, y, {0, 0, 0}, {gh, gw, n});
  l.map.map(
      e.result,
      l.reshape(loc, y, cast<RankedTensorType>(e.result.getType()).getShape()));
  return success();
}

/// Whether `batch` matrix products [M, C] x [C, N] are modelled faster as
/// fp16 DPU tasks than as the SHAVE matmul kernel split over the target's
/// ACT-SHAVEs as code generation splits it (npu/Arch/CostModel.h). Each DPU
/// task pays for data movement the kernel does not need: per matrix, B's and
/// A's matrices and the weight table loaded into CMX and the result stored
/// (DMAs on two ports, each with its DDR latency; the slices, transposes and
/// joins around them copy nothing, code generation loads and stores through
/// them: CopyElision.h). A rough estimate, not a schedule: it keeps small
/// products (PP-OCRv4's recogniser's attention, 8 heads of 131 x 131 x 15) on
/// SHAVE and moves large ones (a BERT-style encoder's 4 heads of 128 x 128 x
/// 64: 3.1x faster estimated on NPU3720, 2.0x on NPU4000) to the DPU.
bool dpuMatMulPays(const arch::HardwareDesc &hw, int64_t batch, int64_t m,
                   int64_t c, int64_t n, int64_t cp, int64_t np) {
  // The kernel runs split over the heads (or A's rows), one slab per
  // SHAVE at most (code generation, arch::matMulShaveTasks).
  uint64_t macs = uint64_t(batch) * m * n * c;
  uint64_t tasks = arch::matMulShaveTasks(
      uint64_t(hw.numTiles) * hw.shavesPerTile, batch > 1 ? batch : m, macs);
  uint64_t shave = arch::shaveTaskCycles(hw, arch::ShaveKernel::MatMul, macs,
                                         /*elementBytes=*/2) /
                   tasks;
  auto dma = [&](int64_t bytes) {
    return arch::dmaTaskCycles(hw, uint64_t(bytes), /*touchesDdr=*/true);
  };
  uint64_t wBytes = np * cp * 2, aBytes = m * cp * 2, oBytes = m * np * 2;
  uint64_t moves = dma(wBytes) + dma(aBytes) + dma(np * 16) + dma(oBytes);
  arch::DpuWorkloadShape s;
  s.outWidth = uint32_t(m);
  s.outChannels = uint32_t(np);
  s.inChannels = uint32_t(cp);
  s.fp16 = true;
  uint64_t dpu =
      arch::dpuTaskCycles(hw, 1, arch::dpuWorkloadComputeCycles(hw, s));
  // The estimate leaves out that these DMAs mostly wait for each other:
  // the DPU form must be estimated 2x faster (PP-OCRv4's recogniser's 8
  // heads of 131 x 131 x 15, which a 1.5x margin moved to the DPU, ran
  // 0.5 % faster on NPU3720 for 10 % more DDR traffic and 140 KB more CMX).
  return 2 * uint64_t(batch) * (moves / 2 + dpu) < shave;
}

/// The value `v` views: through reshapes, transposes and slices (the
/// lowering has made every split slices already).
Value viewedSource(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!isa<ReshapeOp, TransposeOp, SliceOp>(def))
      break;
    v = def->getOperand(0);
  }
  return v;
}

/// The matmuls of two activations in `op`'s function with `op`'s operand
/// and result types that view the same tensor as `op` on one side, `op`
/// included: attention's heads written as one MatMul each (Slice or Split
/// of one projection per head), which the SHAVE kernel runs side by side,
/// one head per SHAVE, as it runs the heads of one batched MatMul.
int64_t sameLayerMatMuls(MatMulOp op) {
  Value a = viewedSource(op.getLhs()), b = viewedSource(op.getRhs());
  int64_t count = 0;
  op->getParentRegion()->walk([&](MatMulOp other) {
    if (other.getLhs().getType() != op.getLhs().getType() ||
        other.getRhs().getType() != op.getRhs().getType() ||
        other.getType() != op.getType())
      return;
    Value oa = viewedSource(other.getLhs()), ob = viewedSource(other.getRhs());
    if (!ob.getDefiningOp<ConstantOp>() && (oa == a || ob == b))
      ++count;
  });
  return std::max<int64_t>(count, 1);
}

/// Matrix `i` (in row-major order of the batch dimensions) of the old
/// value `x` [..., P, Q], lowered: [P, Q], or [Q, P] when `transposed`.
/// When `x` is a transpose in the old graph (attention's heads split by
/// Reshape + Transpose), the matrix is sliced from the transpose's input
/// directly (one strided DMA, instead of the whole transpose and a slice),
/// and transposed only if the input holds it the other way round.
Value matrixOf(Lowering &l, Location loc, Value x, int64_t i, bool transposed) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  int64_t p = type.getDimSize(rank - 2), q = type.getDimSize(rank - 1);
  SmallVector<int64_t> index(rank - 2);
  for (int64_t k = rank - 3, rest = i; k >= 0; --k) {
    index[k] = rest % type.getDimSize(k);
    rest /= type.getDimSize(k);
  }
  Value matrix;
  bool swapped = false;
  if (auto tr = x.getDefiningOp<TransposeOp>(); tr && !tr->hasAttr(kFp32Attr)) {
    ArrayRef<int64_t> perm = tr.getPerm();
    auto srcShape = cast<RankedTensorType>(tr.getInput().getType()).getShape();
    SmallVector<int64_t> offsets(rank, 0), sizes(srcShape);
    for (int64_t k = 0; k + 2 < rank; ++k) {
      offsets[perm[k]] = index[k];
      sizes[perm[k]] = 1;
    }
    swapped = perm[rank - 2] > perm[rank - 1];
    matrix =
        l.reshape(loc, l.slice(loc, l.get(tr.getInput()), offsets, sizes),
                  swapped ? ArrayRef<int64_t>{q, p} : ArrayRef<int64_t>{p, q});
  } else {
    int64_t batch = type.getNumElements() / (p * q);
    Value all = l.reshape(loc, l.get(x), {batch, p, q});
    matrix = l.reshape(loc, l.slice(loc, all, {i, 0, 0}, {1, p, q}), {p, q});
  }
  return swapped == transposed ? matrix : l.transpose(loc, matrix, {1, 0});
}

/// A matmul of two activations, A [..., M, C] times B [..., C, N] (batch
/// dimensions broadcast), as one fp16 DPU 1x1 convolution per batch matrix
/// whose weights are B's matrix transposed ([N, 1, 1, C], written by a DMA
/// transpose) and whose weight table is constant (offsets, scale, no bias):
/// the DPU reads weights from CMX wherever they came from. It computes in
/// fp16 in every precision, as the SHAVE matmul kernel did (fp32 sums, one
/// rounding). A following multiply or divide by a scalar constant (an
/// attention's 1 / sqrt(d)) is the table's scale. Returns std::nullopt for
/// shapes it does not handle (the SHAVE kernel takes them).
LowerResult lowerActivationMatMul(Lowering &l, MatMulOp op) {
  if (op->hasAttr(kFp32Attr))
    return std::nullopt; // An fp32 island's matmul stays an f32 kernel.
  auto aType = cast<RankedTensorType>(op.getLhs().getType());
  auto bType = cast<RankedTensorType>(op.getRhs().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  int64_t aRank = aType.getRank(), bRank = bType.getRank();
  if (aRank < 2 || bRank < 2 || !aType.hasStaticShape() ||
      !bType.hasStaticShape() || !outType.hasStaticShape())
    return std::nullopt;
  int64_t m = aType.getDimSize(aRank - 2), c = aType.getDimSize(aRank - 1);
  int64_t n = bType.getDimSize(bRank - 1);
  if (bType.getDimSize(bRank - 2) != c || m > kMaxDpuDim || c > kMaxDpuDim ||
      n > kMaxDpuDim)
    return std::nullopt;
  // Batch dimensions broadcast as ONNX MatMul's (right-aligned, size 1
  // repeats): each output matrix reads the matrices of A and B its index
  // maps to.
  ArrayRef<int64_t> outBatch = outType.getShape().drop_back(2);
  ArrayRef<int64_t> aBatch = aType.getShape().drop_back(2),
                    bBatch = bType.getShape().drop_back(2);
  int64_t batch = 1;
  for (int64_t d : outBatch)
    batch *= d;
  auto operandIndex = [&](int64_t i, ArrayRef<int64_t> dims) {
    int64_t index = 0, stride = 1;
    for (int64_t k = int64_t(outBatch.size()) - 1, j = int64_t(dims.size()) - 1;
         k >= 0; --k, --j) {
      int64_t coordinate = i % outBatch[k];
      i /= outBatch[k];
      if (j < 0)
        continue;
      index += (dims[j] == 1 ? 0 : coordinate) * stride;
      stride *= dims[j];
    }
    return index;
  };
  for (auto dims : {aBatch, bBatch})
    if (dims.size() > outBatch.size() ||
        !llvm::all_of(llvm::seq<size_t>(0, dims.size()), [&](size_t j) {
          int64_t d = dims[dims.size() - 1 - j];
          return d == 1 || d == outBatch[outBatch.size() - 1 - j];
        }))
      return std::nullopt;
  int64_t cp = alignChannels(c),
          np = std::max(alignChannels(n), kChannelAlignment);
  auto module = op->getParentOfType<ModuleOp>();
  const arch::HardwareDesc *hw =
      module && module->hasAttr(kTargetAttr) ? getHardware(module) : nullptr;
  // Heads written as separate MatMuls are judged together, as one batched
  // MatMul of all of them would be: one of them alone fits one SHAVE task,
  // and the DPU would pay its DMAs head after head.
  if (!hw || !dpuMatMulPays(*hw, batch * sameLayerMatMuls(op), m, c, n, cp, np))
    return std::nullopt;
  Location loc = op.getLoc();

  // A multiply by a scalar constant (either side) or a divide by one goes
  // into the PPE's scale.
  Value result = op.getResult();
  float scale = 1.0f;
  if (Operation *user = singleUser(result);
      user && isa<MulOp, DivOp>(user) &&
      user->getResult(0).getType() == outType) {
    unsigned self = user->getOperand(0) == result ? 0 : 1;
    bool divide = isa<DivOp>(user);
    std::optional<float> k = l.splatValue(user->getOperand(1 - self));
    if (k && std::isfinite(*k) && !(divide && (self != 0 || *k == 0.0f))) {
      scale = divide ? 1.0f / *k : *k;
      l.fused.insert(user);
      result = user->getResult(0);
    }
  }

  Value table = l.constant(loc, weightTable(np, cp * 2, {}, scale),
                           RankedTensorType::get({np, 4}, l.b.getI32Type()));
  // Every matrix's operands first, then the DPU tasks: the data movement
  // of matrix i + 1 is then emitted before (and overlaps) the task of
  // matrix i, whose weights can be loaded ahead.
  SmallVector<Value> weights, inputs, parts;
  auto [gh, gw] = matMulGrid(1, m, cp, 2);
  // A broadcast matrix is moved once.
  llvm::DenseMap<int64_t, Value> aMatrices, bMatrices;
  for (int64_t i = 0; i < batch; ++i) {
    Value &w = bMatrices[operandIndex(i, bBatch)];
    if (!w) {
      w = matrixOf(l, loc, op.getRhs(), operandIndex(i, bBatch),
                   /*transposed=*/true); // [N, C]
      if (cp > c)
        w = l.concat(loc, {w, l.zeros(loc, {n, cp - c})}, 1);
      if (np > n)
        w = l.concat(loc, {w, l.zeros(loc, {np - n, cp})}, 0);
      w = l.reshape(loc, w, {np, 1, 1, cp});
    }
    weights.push_back(w);
    Value &a = aMatrices[operandIndex(i, aBatch)];
    if (!a) {
      a = matrixOf(l, loc, op.getLhs(), operandIndex(i, aBatch),
                   /*transposed=*/false); // [M, C]
      if (cp > c)
        a = l.concat(loc, {a, l.zeros(loc, {m, cp - c})}, 1);
      a = l.reshape(loc, a, {gh, gw, cp});
    }
    inputs.push_back(a);
  }
  for (int64_t i = 0; i < batch; ++i) {
    auto conv = hw::DpuConvOp::create(
        l.b, loc, l.f16Type({gh, gw, np}), hw::DpuConvKind::conv, inputs[i],
        weights[i], table, {1, 1}, {1, 1}, {0, 0, 0, 0});
    Value yi = l.slice(loc, conv.getOutput(), {0, 0, 0}, {gh, gw, n});
    parts.push_back(l.reshape(loc, yi, {1, m, n}));
  }
  Value y = l.concat(loc, parts, 0);
  l.map.map(result, l.reshape(loc, y, outType.getShape()));
  return success();
}

LogicalResult lowerMatMul(Lowering &l, MatMulOp op, std::string &reason) {
  auto b = l.constantValue(op.getRhs());
  if (!b) {
    // Two activations: the SHAVE matmul kernel.
    return failure();
  }
  if (b->dtype() != DType::F32 || b->rank() < 2 ||
      b->numElements() != b->dim(b->rank() - 2) * b->dim(b->rank() - 1)) {
    reason = "a constant right-hand side with batch dimensions";
    return failure();
  }
  b->reshape({b->dim(b->rank() - 2), b->dim(b->rank() - 1)});
  return lowerConstantMatMul(l, op, op.getLhs(), *b, {}, reason);
}

LogicalResult lowerGemm(Lowering &l, GemmOp op, std::string &reason) {
  auto b = l.constantValue(op.getB());
  if (!b || b->dtype() != DType::F32 || op.getTransA()) {
    reason = "Gemm needs a constant B and no transA on the DPU";
    return failure();
  }
  float alpha = op.getAlpha().convertToFloat();
  int64_t r = b->dim(0), c = b->dim(1);
  HostTensor kn(DType::F32, op.getTransB() ? std::vector<int64_t>{c, r}
                                           : std::vector<int64_t>{r, c});
  for (int64_t i = 0; i < r; ++i)
    for (int64_t j = 0; j < c; ++j) {
      float v = alpha * b->data<float>()[i * c + j];
      if (op.getTransB())
        kn.data<float>()[j * r + i] = v;
      else
        kn.data<float>()[i * c + j] = v;
    }
  int64_t n = kn.dim(1);
  std::vector<float> bias;
  if (op.getC()) {
    auto cv = l.constantValue(op.getC());
    if (!cv || cv->dtype() != DType::F32 ||
        (cv->numElements() != n && cv->numElements() != 1)) {
      reason = "Gemm's C must be a constant of N elements or a scalar";
      return failure();
    }
    float beta = op.getBeta().convertToFloat();
    for (int64_t j = 0; j < n; ++j)
      bias.push_back(beta * cv->data<float>()[cv->numElements() == 1 ? 0 : j]);
  }
  return lowerConstantMatMul(l, op, op.getA(), kn, std::move(bias), reason);
}

template <typename PoolOp>
LogicalResult lowerPool(Lowering &l, PoolOp op, hw::DpuConvKind kind,
                        bool countIncludesPad, std::string &reason) {
  Location loc = op.getLoc();
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  if ((inType.getRank() != 3 && inType.getRank() != 4) ||
      inType.getDimSize(0) != 1) {
    reason = "only 1-d and 2-d pooling of one image maps to the DPU";
    return failure();
  }
  for (int64_t d : op.getDilations())
    if (d != 1) {
      reason = "dilated pooling";
      return failure();
    }
  ConvSpec s;
  s.kind = kind;
  windowGeometry(op.getKernelShape(), op.getStrides(), op.getPads(),
                 cast<RankedTensorType>(op.getType()).getShape(), s);
  bool is4d = inType.getRank() == 4;
  int64_t c = inType.getDimSize(1);
  ConvSpec fitted = s;
  if (failed(fitWindow(fitted, is4d ? inType.getDimSize(2) : 1,
                       inType.getDimSize(inType.getRank() - 1), reason)))
    return failure();
  bool padded = fitted.pt + fitted.pl + fitted.pb + fitted.pr > 0;
  if (kind == hw::DpuConvKind::avg_pool && padded && !countIncludesPad) {
    reason = "average pooling that excludes padding from the count";
    return failure();
  }
  // A ceil_mode window past the padded input divides by fewer positions
  // than the kernel's, which the DPU cannot (npu-decompose-avg-pool
  // rewrites such pools first, except a pre-quantized model's).
  if (kind == hw::DpuConvKind::avg_pool &&
      (fitted.pb > s.pb || fitted.pr > s.pr)) {
    reason = "average pooling whose last window passes the padded input "
             "(ceil_mode): its divisor is not the kernel size";
    return failure();
  }
  // Nothing is fused into pools: NPU3720 cannot apply ReLU after MaxPool.
  Epilogue e;
  e.result = op.getResult();
  int64_t cp = std::max(alignChannels(c), kChannelAlignment);
  auto hwc =
      is4d ? l.dpuInput(loc, op.getInput(), cp, reason)
           : l.dpuDomain(loc,
                         l.toHWC(loc, as4d(l, loc, l.get(op.getInput())), cp),
                         op.getInput(), reason);
  float scale = kind == hw::DpuConvKind::avg_pool
                    ? 1.0f / float(fitted.kh * fitted.kw)
                    : 1.0f;
  return lowerTo(l, loc, hwc, fitted, nullptr, {}, {}, e, reason, scale);
}

/// GlobalAveragePool / GlobalMaxPool: one DPU pooling window over the whole
/// image when it fits the DPU's kernel, else the SHAVE reduction over the
/// spatial dimensions (in the [H, W, Cp] layout when the input has it).
LogicalResult lowerGlobalPool(Lowering &l, Operation *op, bool isMax,
                              std::string &reason) {
  Location loc = op->getLoc();
  Value input = op->getOperand(0), result = op->getResult(0);
  auto inType = cast<RankedTensorType>(input.getType());
  auto outType = cast<RankedTensorType>(result.getType());
  if (inType.getRank() == 4 && inType.getDimSize(0) == 1 &&
      inType.getDimSize(2) <= kMaxKernel &&
      inType.getDimSize(3) <= kMaxKernel) {
    ConvSpec s;
    s.kind = isMax ? hw::DpuConvKind::max_pool : hw::DpuConvKind::avg_pool;
    s.kh = inType.getDimSize(2), s.kw = inType.getDimSize(3);
    int64_t c = inType.getDimSize(1);
    Epilogue e;
    e.result = result;
    return lowerTo(l, loc,
                   l.dpuInput(loc, input,
                              std::max(alignChannels(c), kChannelAlignment),
                              reason),
                   s, nullptr, {}, {}, e, reason,
                   isMax ? 1.0f : 1.0f / float(s.kh * s.kw));
  }
  StringRef kernel = isMax ? "reduce_max" : "reduce_mean";
  if (int64_t cp = l.recordedChannels(input);
      cp && inType.getRank() == 4 && inType.getDimSize(0) == 1) {
    // Computed in [H, W, Cp] (by a DPU task): reduced there, [H, W, Cp] ->
    // [1, 1, Cp], with no transposition to [1, C, H, W]. Each channel's
    // values are summed in the same (row-major H, W) order. Mostly padding:
    // the C real channels only, as for elementwise ops.
    Value hwc = mostlyPadding(cp, inType.getDimSize(1))
                    ? l.compactHWC(loc, input)
                    : l.hwcFor(loc, input, cp);
    int64_t width = cast<RankedTensorType>(hwc.getType()).getDimSize(2);
    l.setHWC(loc, result,
             l.shave(loc, kernel, {hwc}, l.f16Type({1, 1, width})));
    return success();
  }
  l.map.map(result, l.shave(loc, kernel, {l.get(input)},
                            l.f16Type(outType.getShape())));
  return success();
}

/// Add / Sub of two activations of one NCHW shape: a DPU eltwise task (the
/// residual connections of CNNs), with a fused activation.
LowerResult lowerEltwise(Lowering &l, Operation *op, hw::EltwiseKind kind,
                         std::string &reason) {
  Value a = op->getOperand(0), b = op->getOperand(1);
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (a.getType() != type || b.getType() != type || type.getRank() != 4 ||
      type.getDimSize(0) != 1 || !type.getElementType().isF32() ||
      l.constantValue(a) || l.constantValue(b))
    return std::nullopt; // Broadcasts and constants: the SHAVE kernels.
  Location loc = op->getLoc();
  int64_t c = type.getDimSize(1);
  int64_t cp = std::max(alignChannels(c), kChannelAlignment);
  // int8 operands whose ranges differ more than 64-fold (an attention
  // mask of -10000 or finfo.min added to scores): the output's int8 step
  // would be wider than the smaller operand's whole range, so the add runs
  // on SHAVE in fp16 (the softmax after it reads fp16 anyway).
  if (l.int8) {
    std::string ignored;
    auto ra = l.quantOf(a, ignored), rb = l.quantOf(b, ignored);
    if (succeeded(ra) && succeeded(rb) &&
        std::max(ra->scale, rb->scale) > 64.0f * std::min(ra->scale, rb->scale))
      return std::nullopt;
  }
  // No per-channel bias on eltwise tasks: only an activation is fused.
  Epilogue e = fuseEpilogue(l, op->getResult(0), 1, c, /*allowBias=*/false);
  if (!l.int8) {
    Value ha = l.hwcFor(loc, a, cp), hb = l.hwcFor(loc, b, cp);
    auto out = hw::DpuEltwiseOp::create(l.b, loc, ha.getType(), kind, ha, hb);
    setFloatPostProcess(out, e.post);
    l.setHWC(loc, e.result, out.getOutput());
    return success();
  }
  // int8: acc = (a - zpA) * multA +/- (b - zpB) * multB in units of
  // max(sA, sB) / 2^14, then one requantization to the output.
  auto qa = l.quantHWC(loc, a, cp, reason);
  auto qb = failed(qa) ? qa : l.quantHWC(loc, b, cp, reason);
  auto qo = failed(qb) ? FailureOr<QuantParams>(failure())
                       : l.quantOf(e.result, reason);
  if (failed(qo))
    return failure();
  QuantParams pa = paramsOf(*qa), pb = paramsOf(*qb);
  double unit = std::max(pa.scale, pb.scale) / 16384.0;
  auto qtype = RankedTensorType::get(
      cast<RankedTensorType>(qa->getType()).getShape(), l.quantType(*qo));
  auto out = hw::DpuEltwiseOp::create(l.b, loc, qtype, kind, *qa, *qb);
  out.setLhsZeroPoint(pa.zeroPoint);
  out.setRhsZeroPoint(pb.zeroPoint);
  out.setLhsMult(int32_t(std::nearbyint(pa.scale / unit)));
  out.setRhsMult(int32_t(std::nearbyint(pb.scale / unit)));
  auto [mult, shift] = fixedPoint(unit / qo->scale);
  out.setMult(int32_t(mult));
  out.setShift(int32_t(shift));
  setIntPostProcess(out, e, *qo);
  FloatOutputForm &f16Form = l.floatOutputs[out];
  f16Form = floatOutputForm(l, e);
  f16Form.scale = float(unit);
  l.setQuantHWC(loc, e.result, out.getOutput());
  return success();
}

} // namespace

SmallVector<Operation *, 4> convEpilogue(Lowering &l, Operation *conv) {
  Value result = conv->getResult(0);
  auto type = cast<RankedTensorType>(result.getType());
  return fuseEpilogue(l, result, 1, type.getDimSize(1),
                      /*allowBias=*/true, /*dryRun=*/true)
      .ops;
}

LowerResult lowerDpuOp(Lowering &l, Operation *op, std::string &reason) {
  if (auto conv = dyn_cast<ConvOp>(op))
    return lowerConv(l, conv, reason);
  if (auto convT = dyn_cast<ConvTransposeOp>(op))
    return lowerConvTranspose(l, convT, reason);
  if (auto mm = dyn_cast<MatMulOp>(op)) {
    // A constant right-hand side with batch dimensions (one matrix per
    // batch: an einsum's per-head or relative-position table) is read as
    // an activation is; weights are one matrix for every row.
    auto rhs = l.constantValue(mm.getRhs());
    bool batched = rhs && (rhs->rank() < 2 ||
                           rhs->numElements() != rhs->dim(rhs->rank() - 2) *
                                                     rhs->dim(rhs->rank() - 1));
    if (!rhs || batched)
      return lowerActivationMatMul(l, mm); // Else a SHAVE kernel.
    return lowerMatMul(l, mm, reason);
  }
  if (auto gemm = dyn_cast<GemmOp>(op))
    return lowerGemm(l, gemm, reason);
  if (isa<AddOp>(op))
    return lowerEltwise(l, op, hw::EltwiseKind::add, reason);
  if (isa<SubOp>(op))
    return lowerEltwise(l, op, hw::EltwiseKind::sub, reason);
  if (auto pool = dyn_cast<MaxPoolOp>(op))
    return lowerPool(l, pool, hw::DpuConvKind::max_pool, true, reason);
  if (auto pool = dyn_cast<AvgPoolOp>(op))
    return lowerPool(l, pool, hw::DpuConvKind::avg_pool,
                     pool.getCountIncludePad(), reason);
  if (isa<GlobalAvgPoolOp>(op))
    return lowerGlobalPool(l, op, /*isMax=*/false, reason);
  if (isa<GlobalMaxPoolOp>(op))
    return lowerGlobalPool(l, op, /*isMax=*/true, reason);
  return std::nullopt;
}

} // namespace npu::lowering
