//===- EqualizeChannels.cpp - Per-channel scales before depthwise convs ---===//
//
// The npu-equalize-channels pass (docs/calibration.md, "Channel
// equalization"). int8 activations have one scale per tensor; a depthwise
// convolution's input whose channels differ widely in range keeps only a
// few levels for its small channels. When the tensor's producer can scale
// each output channel for free (a convolution's weights and bias, or the
// constants of `mul` / `add` by constants), channel c is multiplied there by
// r_c and the depthwise weights of channel c are divided by r_c: the same
// float function, and int8 per-channel weights absorb 1 / r_c exactly.
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/Transforms/ChannelEqualization.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"

#include "npu/Calibration/Observer.h"
#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/IR/TensorKeys.h"
#include "npu/Dialect/NPU/Transforms/ChannelConstant.h"
#include "npu/Interpreter/TensorConversion.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"

#include <algorithm>
#include <cmath>

namespace npu {
#define GEN_PASS_DEF_NPUEQUALIZECHANNELS
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace npu {
bool readOnlyByDepthwise(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || type.getRank() != 4 || !isa<FloatType>(type.getElementType()) ||
      type.isDynamicDim(1) || type.getDimSize(1) < 2 || v.use_empty())
    return false;
  return llvm::all_of(v.getUses(), [&](OpOperand &use) {
    auto conv = dyn_cast<ConvOp>(use.getOwner());
    if (!conv || use.getOperandNumber() != 0)
      return false;
    auto w = dyn_cast<RankedTensorType>(conv.getWeight().getType());
    return w && w.getRank() == 4 && w.hasStaticShape() &&
           static_cast<int64_t>(conv.getGroup()) == type.getDimSize(1) &&
           w.getDimSize(0) == type.getDimSize(1) && w.getDimSize(1) == 1;
  });
}
} // namespace npu

namespace {

constexpr StringLiteral kChannelScaleAttr = "npu.channel_scale";

/// The f32 values of a constant, or nullopt (not a constant, not f32, or
/// unreadable).
std::optional<std::vector<float>> f32Values(Value v) {
  auto c = v ? v.getDefiningOp<ConstantOp>() : ConstantOp();
  auto type = v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
  if (!c || !type || !type.getElementType().isF32() || !type.hasStaticShape())
    return std::nullopt;
  std::string error;
  FailureOr<HostTensor> host = elementsAttrToHostTensor(c.getValue(), error);
  if (failed(host) || host->dtype() != DType::F32)
    return std::nullopt;
  const float *p = host->data<float>();
  return std::vector<float>(p, p + host->numElements());
}

/// A new f32 constant of `shape` with its min-max calibration range, as
/// npu-calibrate gives constants.
Value makeConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                   ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  auto op = ConstantOp::create(b, loc, DenseElementsAttr::get(type, values));
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  calib::Range r = calib::normalizeRange({*lo, *hi});
  op->setAttr(kRangeAttr, b.getDenseF32ArrayAttr({r.lo, r.hi}));
  return op.getResult();
}

/// The values of `c` (a splat or per-channel constant of an NCHW tensor of
/// C = `scale.size()` channels) times `scale`, one per channel; nullopt if
/// `c` is not such a constant.
std::optional<std::vector<float>> scaledChannelValues(Value c,
                                                      ArrayRef<float> scale) {
  std::optional<std::vector<float>> values = f32Values(c);
  if (!values || !isPerChannelConstant(c, 4) ||
      (values->size() != 1 && values->size() != scale.size()))
    return std::nullopt;
  std::vector<float> out(scale.size());
  for (size_t ch = 0; ch < scale.size(); ++ch)
    out[ch] = (*values)[values->size() == 1 ? 0 : ch] * scale[ch];
  return out;
}

/// `values` of a tensor whose dimension 0 has `scale.size()` entries, each
/// slice multiplied by its scale (`divide`: divided).
std::vector<float> scaleRows(std::vector<float> values, ArrayRef<float> scale,
                             bool divide) {
  size_t rows = scale.size(), inner = values.size() / rows;
  for (size_t r = 0; r < rows; ++r)
    for (size_t i = 0; i < inner; ++i)
      values[r * inner + i] = divide ? values[r * inner + i] / scale[r]
                                     : values[r * inner + i] * scale[r];
  return values;
}

/// A location naming the rescaled tensor apart from the ONNX tensor it no
/// longer holds (npu-compare, --expose-tensors): "KEY (equalized)".
Location renamed(Location loc) { return suffixedLocation(loc, "equalized"); }

struct NPUEqualizeChannelsPass
    : npu::impl::NPUEqualizeChannelsBase<NPUEqualizeChannelsPass> {
  using Base::Base;

  /// r_c: the largest factor (at most maxScale, at least 1) that keeps
  /// channel c's observed extremes inside the tensor's range [lo, hi].
  std::vector<float> channelScales(ArrayRef<float> channelRange, float lo,
                                   float hi) const {
    std::vector<float> scale(channelRange.size() / 2, 1.0f);
    for (size_t c = 0; c < scale.size(); ++c) {
      float clo = channelRange[2 * c], chi = channelRange[2 * c + 1];
      double r = maxScale * headroom;
      if (chi > 0)
        r = std::min(r, double(hi) / chi);
      if (clo < 0)
        r = std::min(r, double(lo) / clo);
      r /= headroom;
      // Powers of two: the rescaled float values (and the depthwise weights
      // divided by them) keep their significands exactly.
      r = r >= 1 ? std::exp2(std::floor(std::log2(r))) : 1.0;
      scale[c] = static_cast<float>(r);
    }
    return scale;
  }

  /// Keeps the float weights npu-calibrate kept for mixed precision
  /// (npu.float_weights) in step with the rescaled weights of `op`.
  void rescaleKeptWeights(Operation *op, ArrayRef<float> scale, bool divide) {
    auto kept = op->getAttrOfType<DenseElementsAttr>(kFloatWeightsAttr);
    if (!kept || !kept.getElementType().isF32())
      return;
    auto values = kept.getValues<float>();
    std::vector<float> v(values.begin(), values.end());
    v = scaleRows(std::move(v), scale, divide);
    op->setAttr(kFloatWeightsAttr,
                DenseElementsAttr::get(kept.getType(), ArrayRef<float>(v)));
  }

  /// Rescales the producer of `t` (a conv's weights and bias, or the
  /// constants of `add(mul(x, a), b)` / `mul(x, a)`); false if it cannot.
  bool scaleProducer(OpBuilder &b, Operation *producer, ArrayRef<float> scale) {
    int64_t channels = static_cast<int64_t>(scale.size());
    b.setInsertionPoint(producer);
    if (auto conv = dyn_cast<ConvOp>(producer)) {
      std::optional<std::vector<float>> w = f32Values(conv.getWeight());
      auto wType = cast<RankedTensorType>(conv.getWeight().getType());
      if (!w || wType.getDimSize(0) != channels)
        return false;
      std::optional<std::vector<float>> bias;
      if (conv.getBias()) {
        bias = f32Values(conv.getBias());
        if (!bias || static_cast<int64_t>(bias->size()) != channels)
          return false;
      }
      replaced.insert(conv.getWeight().getDefiningOp());
      if (conv.getBias())
        replaced.insert(conv.getBias().getDefiningOp());
      conv.getWeightMutable().assign(
          makeConstant(b, conv.getWeight().getLoc(), wType.getShape(),
                       scaleRows(std::move(*w), scale, false)));
      rescaleKeptWeights(conv, scale, false);
      if (bias)
        conv.getBiasMutable().assign(
            makeConstant(b, conv.getBias().getLoc(), {channels},
                         scaleRows(std::move(*bias), scale, false)));
      return true;
    }
    // x * a, or (x * a) + b, a and b splat or per-channel constants, the
    // product read only by the sum.
    auto constantOperand = [](Operation *op) -> int {
      for (int i = 0; i < 2; ++i)
        if (isPerChannelConstant(op->getOperand(i), 4) &&
            !isPerChannelConstant(op->getOperand(1 - i), 4))
          return i;
      return -1;
    };
    // Replaces constant operand `i` of `op` by its values times `scale`, as
    // a [1, C, 1, 1] constant.
    auto rescale = [&](Operation *op, int i, ArrayRef<float> values) {
      Value old = op->getOperand(i);
      b.setInsertionPoint(op);
      replaced.insert(old.getDefiningOp());
      op->setOperand(
          i, makeConstant(b, old.getLoc(), {1, channels, 1, 1}, values));
    };
    if (isa<MulOp>(producer)) {
      int i = constantOperand(producer);
      std::optional<std::vector<float>> factor;
      if (i < 0 ||
          !(factor = scaledChannelValues(producer->getOperand(i), scale)))
        return false;
      rescale(producer, i, *factor);
      return true;
    }
    if (!isa<AddOp>(producer))
      return false;
    int i = constantOperand(producer);
    if (i < 0)
      return false;
    auto mul = producer->getOperand(1 - i).getDefiningOp<MulOp>();
    if (!mul || !mul->hasOneUse())
      return false;
    int j = constantOperand(mul);
    if (j < 0)
      return false;
    std::optional<std::vector<float>> shift =
        scaledChannelValues(producer->getOperand(i), scale);
    std::optional<std::vector<float>> factor =
        scaledChannelValues(mul->getOperand(j), scale);
    if (!shift || !factor)
      return false;
    rescale(producer, i, *shift);
    rescale(mul, j, *factor);
    // The product's range: the rescaled sum's per-channel extremes minus
    // the rescaled shift (the sum is the product plus the shift).
    if (auto channelRange =
            producer->getAttrOfType<DenseF32ArrayAttr>(kChannelRangeAttr)) {
      float lo = 0, hi = 0;
      for (int64_t c = 0; c < channels; ++c) {
        float s = (*shift)[c];
        lo = std::min(lo, channelRange[2 * c] * scale[c] - s);
        hi = std::max(hi, channelRange[2 * c + 1] * scale[c] - s);
      }
      calib::Range r = calib::normalizeRange({lo, hi});
      mul->setAttr(kRangeAttr, b.getDenseF32ArrayAttr({r.lo, r.hi}));
    }
    mul->setLoc(renamed(mul->getLoc()));
    return true;
  }

  void runOnOperation() override {
    if (!(maxScale >= 1) || !(headroom >= 1)) {
      emitError(getOperation().getLoc())
          << "npu-equalize-channels: max-scale and headroom must be >= 1";
      return signalPassFailure();
    }
    replaced.clear();
    SmallVector<Operation *> producers;
    getOperation().walk([&](Operation *op) {
      if (op->getNumResults() == 1 && op->hasAttr(kChannelRangeAttr) &&
          op->hasAttr(kRangeAttr))
        producers.push_back(op);
    });
    OpBuilder b(&getContext());
    for (Operation *producer : producers) {
      Value t = producer->getResult(0);
      auto channelRange =
          producer->getAttrOfType<DenseF32ArrayAttr>(kChannelRangeAttr);
      auto range = producer->getAttrOfType<DenseF32ArrayAttr>(kRangeAttr);
      int64_t channels = readOnlyByDepthwise(t)
                             ? cast<RankedTensorType>(t.getType()).getDimSize(1)
                             : 0;
      if (!channels || !range || range.size() != 2 ||
          static_cast<int64_t>(channelRange.size()) != 2 * channels)
        continue;
      // Channels measured (lo <= hi) on every channel, else no data.
      if (llvm::any_of(llvm::seq<int64_t>(0, channels), [&](int64_t c) {
            return !(channelRange[2 * c] <= channelRange[2 * c + 1]);
          }))
        continue;
      std::vector<float> scale =
          channelScales(channelRange.asArrayRef(), range[0], range[1]);
      if (llvm::all_of(scale, [](float r) { return r == 1.0f; }))
        continue;
      SmallVector<ConvOp> depthwise;
      for (Operation *user : t.getUsers())
        depthwise.push_back(cast<ConvOp>(user));
      // A pre-quantized model's own weight scales (npu-fold-qdq) hold for
      // the weights as they are.
      if (producer->hasAttr(kWeightScalesAttr) ||
          llvm::any_of(depthwise, [](ConvOp dw) {
            return dw->hasAttr(kWeightScalesAttr);
          }))
        continue;
      // Every depthwise weight must be readable before anything changes.
      SmallVector<std::vector<float>> weights;
      for (ConvOp dw : depthwise) {
        std::optional<std::vector<float>> w = f32Values(dw.getWeight());
        if (!w)
          break;
        weights.push_back(std::move(*w));
      }
      if (weights.size() != depthwise.size() ||
          !scaleProducer(b, producer, scale))
        continue;
      for (auto [dw, w] : llvm::zip(depthwise, weights)) {
        b.setInsertionPoint(dw);
        replaced.insert(dw.getWeight().getDefiningOp());
        auto wType = cast<RankedTensorType>(dw.getWeight().getType());
        dw.getWeightMutable().assign(makeConstant(b, dw.getWeight().getLoc(),
                                                  wType.getShape(),
                                                  scaleRows(w, scale, true)));
        rescaleKeptWeights(dw, scale, true);
      }
      std::vector<float> scaledRange(channelRange.asArrayRef());
      for (int64_t c = 0; c < channels; ++c) {
        scaledRange[2 * c] *= scale[c];
        scaledRange[2 * c + 1] *= scale[c];
      }
      producer->setAttr(kChannelRangeAttr, b.getDenseF32ArrayAttr(scaledRange));
      producer->setAttr(kChannelScaleAttr, b.getDenseF32ArrayAttr(scale));
      producer->setLoc(renamed(producer->getLoc()));
    }
    // The constants the rescaled ones replaced, once nothing reads them.
    for (Operation *op : replaced)
      if (op && op->use_empty())
        op->erase();
  }

  /// Constants replaced by rescaled copies (erased at the end if unused).
  llvm::SetVector<Operation *> replaced;
};

} // namespace
