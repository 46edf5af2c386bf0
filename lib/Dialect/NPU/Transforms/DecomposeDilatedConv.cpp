//===- DecomposeDilatedConv.cpp - Dilations past the DPU's kernel size ----===//
//
// The DPU has no dilation: a dilated convolution runs with its kernel
// expanded by zero taps, which only fits the DPU while the expanded kernel
// is at most 11 x 11 (a 3 x 3 kernel up to dilation 5). Past that, a
// stride-1 convolution with dilations dh x dw is dh x dw undilated
// convolutions, one per phase (a, b): output rows a, a + dh, ... and columns
// b, b + dw, ... read only input rows and columns of the same phase when the
// padding is a multiple of the dilation (DeepLab's atrous convolutions,
// padding d (k - 1) / 2; a TCN's or WaveNet's 1-d ones, as one row). The
// phases are strided slices (DMA), the convolutions DPU tasks, and the
// outputs are interleaved back by concatenations and reshapes (DMA).
//
// Each phase loads the whole weights again, so an ungrouped convolution
// whose weights outweigh its input (DeepLab's ASPP) is decomposed per tap
// instead: the input padded and sliced once per kernel tap, the slices
// concatenated along the channels, and one 1x1 convolution with the taps
// as input channels (any stride and padding). So is an undilated kernel past
// the DPU's that the lowering's unfolding does not take (padded, or with
// more than 256 windows that do not tile the input: M5's 80-tap first layer
// at stride 16 over a waveform); a depthwise one of stride 1 as the sum of
// chunks of at most 11 taps (a Conformer's 31).
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/IR/Target.h"
#include "npu/Dialect/NPU/IR/TensorKeys.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/MathExtras.h"

#include <array>

namespace npu {
#define GEN_PASS_DEF_NPUDECOMPOSEDILATEDCONV
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace {

struct NPUDecomposeDilatedConvPass
    : npu::impl::NPUDecomposeDilatedConvBase<NPUDecomposeDilatedConvPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<ConvOp> convs;
    getOperation().walk([&](ConvOp op) { convs.push_back(op); });
    if (convs.empty())
      return;
    // The largest kernel of the target's DPU (HARDWARE.md, "Limits").
    const arch::HardwareDesc *hw = getHardware(getOperation());
    if (!hw)
      return signalPassFailure();
    if (strategy != "auto" && strategy != "phases" && strategy != "taps") {
      getOperation().emitError()
          << "npu-decompose-dilated-conv: unknown strategy '" << strategy
          << "' (expected auto, phases or taps)";
      return signalPassFailure();
    }
    // Range groups continue after any the function already has.
    nextGroup = 0;
    getOperation().walk([&](Operation *op) {
      if (auto g = op->getAttrOfType<IntegerAttr>(kRangeGroupAttr))
        nextGroup = std::max(nextGroup, g.getInt() + 1);
    });
    for (ConvOp op : convs)
      decompose(op, int64_t(hw->maxKernel));
  }

  int64_t nextGroup = 0;

  /// The largest kernel (taps) decomposed per tap: each tap is a copy of
  /// the input.
  static constexpr int64_t kMaxTaps = 25;
  /// The most elements an undilated kernel's taps may copy whatever the
  /// input's size: 4 MiB of f16, which a DMA moves in about 0.2 ms.
  static constexpr int64_t kMaxTapElements = int64_t(1) << 21;

  /// An undilated kernel past the DPU's (an audio net's first layer: M5's
  /// 80 taps at stride 16 over a waveform) per tap, where the lowering's own
  /// unfolding does not apply (no padding, and windows that tile the input
  /// or number at most 256: DpuLowering.cpp), the convolution is ungrouped
  /// and the taps' copies hold at most kMaxTaps times the input's elements
  /// (a tap of stride s copies 1 / s of it along each axis) or at most
  /// kMaxTapElements (a 13 x 13 kernel of stride 1 over a small map).
  void decomposeLargeKernel(ConvOp op, bool is4d, ArrayRef<int64_t> strides,
                            ArrayRef<int64_t> pads, int64_t kh, int64_t kw) {
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    int64_t oh = is4d ? outType.getDimSize(2) : 1,
            ow = outType.getDimSize(outType.getRank() - 1);
    bool unpadded = llvm::all_of(pads, [](int64_t p) { return p == 0; });
    if (unpadded && ((kh == strides[0] && kw == strides[1]) || oh * ow <= 256))
      return;
    int64_t c = inType.getDimSize(1);
    int64_t copied = kh * kw * c * oh * ow;
    if (op.getGroup() != 1 || (copied > kMaxTaps * inType.getNumElements() &&
                               copied > kMaxTapElements))
      return;
    decomposeByTaps(op, is4d, strides, pads);
  }

  /// A depthwise convolution of stride 1 whose constant kernel passes the
  /// DPU's (a Conformer's 31 taps along time) as the sum of depthwise
  /// convolutions of chunks of at most `maxKernel` taps per axis, each over
  /// the padded input sliced from its chunk's first tap, the bias with the
  /// first: the same products, summed in another order. False (nothing
  /// built) where it does not apply.
  bool decomposeDepthwiseByChunks(ConvOp op, bool is4d,
                                  ArrayRef<int64_t> strides,
                                  ArrayRef<int64_t> pads, int64_t kh,
                                  int64_t kw, int64_t maxKernel) {
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    int64_t c = inType.getDimSize(1), k = wType.getDimSize(0);
    auto wConst = op.getWeight().getDefiningOp<ConstantOp>();
    auto wAttr =
        wConst ? dyn_cast<DenseElementsAttr>(wConst.getValue()) : nullptr;
    if (op.getGroup() != c || k != c || wType.getDimSize(1) != 1 ||
        strides[0] != 1 || strides[1] != 1 || !wAttr ||
        !wType.getElementType().isF32())
      return false;
    OpBuilder b(op);
    Location loc = op.getLoc();
    auto named = [&](const std::string &suffix) {
      return suffixedLocation(loc, suffix);
    };
    Type element = inType.getElementType();
    int64_t h = is4d ? inType.getDimSize(2) : 1,
            w = inType.getDimSize(inType.getRank() - 1);
    int64_t oh = is4d ? outType.getDimSize(2) : 1,
            ow = outType.getDimSize(outType.getRank() - 1);
    Value x = op.getInput();
    if (!is4d)
      x = ReshapeOp::create(b, named("rows"),
                            RankedTensorType::get({1, c, 1, w}, element), x);
    int64_t hp = h + pads[0] + pads[2], wp = w + pads[1] + pads[3];
    if (llvm::any_of(pads, [](int64_t p) { return p > 0; }))
      x = PadOp::create(
          b, named("chunks"), RankedTensorType::get({1, c, hp, wp}, element), x,
          b.getDenseI64ArrayAttr(
              {0, 0, pads[0], pads[1], 0, 0, pads[2], pads[3]}),
          PadModeAttr::get(b.getContext(), PadMode::constant), nullptr);
    SmallVector<float> weights(wAttr.getValues<float>().begin(),
                               wAttr.getValues<float>().end());
    auto outNCHW =
        RankedTensorType::get({1, k, oh, ow}, outType.getElementType());
    SmallVector<int64_t> ones = {1, 1};
    Value sum;
    for (int64_t y0 = 0; y0 < kh; y0 += maxKernel)
      for (int64_t x0 = 0; x0 < kw; x0 += maxKernel) {
        int64_t ch = std::min(maxKernel, kh - y0),
                cw = std::min(maxKernel, kw - x0);
        std::string chunk =
            "chunk " + std::to_string(y0) + "," + std::to_string(x0);
        Value part = SliceOp::create(
            b, named(chunk),
            RankedTensorType::get({1, c, oh + ch - 1, ow + cw - 1}, element), x,
            b.getDenseI64ArrayAttr({0, 0, y0, x0}),
            b.getDenseI64ArrayAttr({1, 1, 1, 1}));
        SmallVector<float> chunkWeights;
        chunkWeights.reserve(size_t(k * ch * cw));
        for (int64_t o = 0; o < k; ++o)
          for (int64_t y = 0; y < ch; ++y)
            for (int64_t xx = 0; xx < cw; ++xx)
              chunkWeights.push_back(
                  weights[size_t((o * kh + y0 + y) * kw + x0 + xx)]);
        auto cwType = RankedTensorType::get({k, 1, ch, cw}, b.getF32Type());
        Value cwValue = ConstantOp::create(
            b, named(chunk),
            DenseElementsAttr::get(cwType, ArrayRef<float>(chunkWeights)));
        Value y = ConvOp::create(
            b, named(chunk), outNCHW, part, cwValue,
            sum ? Value() : op.getBias(), b.getDenseI64ArrayAttr(ones),
            b.getDenseI64ArrayAttr(ones), b.getDenseI64ArrayAttr({0, 0, 0, 0}),
            op.getGroupAttr());
        sum = sum ? AddOp::create(b, named(chunk + " sum"), outNCHW, sum, y)
                        .getResult()
                  : y;
      }
    sum.getDefiningOp()->setLoc(is4d ? loc : named("rows"));
    if (!is4d)
      sum = ReshapeOp::create(b, loc, outType, sum);
    op.replaceAllUsesWith(sum);
    op.erase();
    return true;
  }

  /// y = conv1x1(concat over taps (ky, kx) of x padded and sliced at (ky
  /// dh, kx dw) with the strides, W's taps as input channels): the same
  /// sums, one DPU convolution whose weights load once, the taps' input
  /// moved by DMA (an im2col along the channels).
  void decomposeByTaps(ConvOp op, bool is4d, ArrayRef<int64_t> strides,
                       ArrayRef<int64_t> pads) {
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    OpBuilder b(op);
    Location loc = op.getLoc();
    auto named = [&](const std::string &suffix) {
      return suffixedLocation(loc, suffix);
    };
    IntegerAttr inputGroup = b.getI64IntegerAttr(nextGroup++);
    auto inGroup = [&](Value v) {
      v.getDefiningOp()->setAttr(kRangeGroupAttr, inputGroup);
      return v;
    };
    Type element = inType.getElementType();
    int64_t c = inType.getDimSize(1), k = wType.getDimSize(0);
    int64_t h = is4d ? inType.getDimSize(2) : 1,
            w = inType.getDimSize(inType.getRank() - 1);
    int64_t kh = is4d ? wType.getDimSize(2) : 1,
            kw = wType.getDimSize(wType.getRank() - 1);
    int64_t oh = is4d ? outType.getDimSize(2) : 1,
            ow = outType.getDimSize(outType.getRank() - 1);
    SmallVector<int64_t, 2> dil(op.getDilations());
    int64_t dh = is4d ? dil[0] : 1, dw = dil.back();
    Value x = op.getInput(), weight = op.getWeight();
    if (!is4d) {
      x = ReshapeOp::create(b, named("rows"),
                            RankedTensorType::get({1, c, 1, w}, element), x);
      weight = ReshapeOp::create(
          b, named("rows"),
          RankedTensorType::get({k, c, 1, kw}, wType.getElementType()), weight);
    }
    int64_t hp = h + pads[0] + pads[2], wp = w + pads[1] + pads[3];
    if (llvm::any_of(pads, [](int64_t p) { return p > 0; }))
      x = inGroup(PadOp::create(
          b, named("taps"), RankedTensorType::get({1, c, hp, wp}, element), x,
          b.getDenseI64ArrayAttr(
              {0, 0, pads[0], pads[1], 0, 0, pads[2], pads[3]}),
          PadModeAttr::get(b.getContext(), PadMode::constant), nullptr));
    SmallVector<Value> taps;
    for (int64_t ky = 0; ky < kh; ++ky)
      for (int64_t kx = 0; kx < kw; ++kx)
        taps.push_back(inGroup(SliceOp::create(
            b, named("tap " + std::to_string(ky) + "," + std::to_string(kx)),
            RankedTensorType::get({1, c, oh, ow}, element), x,
            b.getDenseI64ArrayAttr({0, 0, ky * dh, kx * dw}),
            b.getDenseI64ArrayAttr({1, 1, strides[0], strides[1]}))));
    Value all = inGroup(ConcatOp::create(
        b, named("taps"),
        RankedTensorType::get({1, kh * kw * c, oh, ow}, element), taps, 1));
    // W [K, C, kh, kw] -> [K, kh, kw, C] -> [K, kh kw C, 1, 1]: input
    // channel t C + c is tap t of channel c.
    Type we = wType.getElementType();
    weight = TransposeOp::create(b, named("taps"),
                                 RankedTensorType::get({k, kh, kw, c}, we),
                                 weight, b.getDenseI64ArrayAttr({0, 2, 3, 1}));
    weight = ReshapeOp::create(
        b, named("taps"), RankedTensorType::get({k, kh * kw * c, 1, 1}, we),
        weight);
    SmallVector<int64_t> ones = {1, 1};
    Value y = ConvOp::create(
        b, is4d ? loc : named("rows"),
        RankedTensorType::get({1, k, oh, ow}, outType.getElementType()), all,
        weight, op.getBias(), b.getDenseI64ArrayAttr(ones),
        b.getDenseI64ArrayAttr(ones), b.getDenseI64ArrayAttr({0, 0, 0, 0}),
        op.getGroupAttr());
    if (!is4d)
      y = ReshapeOp::create(b, loc, outType, y);
    op.replaceAllUsesWith(y);
    op.erase();
  }

  void decompose(ConvOp op, int64_t maxKernel) {
    auto inType = dyn_cast<RankedTensorType>(op.getInput().getType());
    auto wType = dyn_cast<RankedTensorType>(op.getWeight().getType());
    auto outType = dyn_cast<RankedTensorType>(op.getType());
    if (!inType || !wType || !outType || !inType.hasStaticShape() ||
        !wType.hasStaticShape() || !outType.hasStaticShape() ||
        (inType.getRank() != 3 && inType.getRank() != 4) ||
        inType.getDimSize(0) != 1)
      return;
    // A pre-quantized model's convolution keeps its own parameters (and
    // stays unmapped past the DPU's kernel).
    if (op->hasAttr(kQuantAttr) || op->hasAttr(kWeightScalesAttr))
      return;
    // A 1-d convolution (a TCN's, WaveNet's) as a 2-d one of one row.
    bool is4d = inType.getRank() == 4;
    SmallVector<int64_t, 2> dil(op.getDilations()), strides(op.getStrides());
    SmallVector<int64_t, 4> pads(op.getPads());
    if (dil.size() != size_t(inType.getRank() - 2) ||
        strides.size() != dil.size() || pads.size() != 2 * dil.size())
      return;
    if (!is4d) {
      dil = {1, dil[0]}, strides = {1, strides[0]};
      pads = {0, pads[0], 0, pads[1]};
    }
    int64_t dh = dil[0], dw = dil[1];
    if (dh < 1 || dw < 1 || strides[0] < 1 || strides[1] < 1 ||
        llvm::any_of(pads, [](int64_t p) { return p < 0; }))
      return;
    int64_t kh = is4d ? wType.getDimSize(2) : 1,
            kw = wType.getDimSize(wType.getRank() - 1);
    // Only where the expanded kernel does not fit the DPU.
    if ((kh - 1) * dh + 1 <= maxKernel && (kw - 1) * dw + 1 <= maxKernel)
      return;
    if (dh == 1 && dw == 1) {
      if (!decomposeDepthwiseByChunks(op, is4d, strides, pads, kh, kw,
                                      maxKernel))
        decomposeLargeKernel(op, is4d, strides, pads, kh, kw);
      return;
    }
    // Per phase, each convolution loads all the weights again and each
    // phase is a strided slice (one DMA run per element); per tap, the input
    // is copied once per tap in runs of whole rows. Taps for ungrouped
    // convolutions (DeepLab's ASPP: a 3 x 3 kernel of 320 -> 256 channels
    // at rate 12 on 33 x 33 reloaded 1.5 MB of weights 144 times; 16
    // channels of 40 x 40 at rate 8: 501 -> 94 us), also where phases do not
    // apply (strides, padding not a multiple of the dilation); phases for
    // grouped ones (per tap, a grouped 1x1 convolution is one DPU task per
    // group).
    bool phasesApply = strides[0] == 1 && strides[1] == 1 &&
                       pads[0] % dh == 0 && pads[2] % dh == 0 &&
                       pads[1] % dw == 0 && pads[3] % dw == 0 &&
                       inType.getDimSize(inType.getRank() - 1) >= dw &&
                       (!is4d || inType.getDimSize(2) >= dh);
    bool tapsApply = op.getGroup() == 1 && kh * kw <= kMaxTaps;
    if (tapsApply && strategy != "phases") {
      decomposeByTaps(op, is4d, strides, pads);
      return;
    }
    if (!phasesApply || strategy == "taps")
      return;
    int64_t c = inType.getDimSize(1), h = is4d ? inType.getDimSize(2) : 1,
            w = inType.getDimSize(inType.getRank() - 1);
    int64_t k = outType.getDimSize(1), oh = is4d ? outType.getDimSize(2) : 1,
            ow = outType.getDimSize(outType.getRank() - 1);
    // Every phase's output is ohq x owq (the phases past the output's last
    // row or column compute a row or column from the padding, cropped at the
    // end).
    int64_t ohq = llvm::divideCeil(oh, dh), owq = llvm::divideCeil(ow, dw);
    int64_t qt = pads[0] / dh, ql = pads[1] / dw;

    // Each phase's padding: top / left qt, ql; bottom / right so that it
    // gives ohq x owq rows and columns (or more, sliced off). All must be
    // below the kernel (the DPU's rule), checked before anything is built.
    auto phaseGeometry = [&](int64_t a, int64_t bb) {
      int64_t ha = llvm::divideCeil(h - a, dh),
              wb = llvm::divideCeil(w - bb, dw);
      int64_t pb = std::max<int64_t>(0, ohq - ha - qt + kh - 1);
      int64_t pr = std::max<int64_t>(0, owq - wb - ql + kw - 1);
      return std::array<int64_t, 4>{ha, wb, pb, pr};
    };
    for (int64_t a = 0; a < dh; ++a)
      for (int64_t bb = 0; bb < dw; ++bb) {
        auto [ha, wb, pb, pr] = phaseGeometry(a, bb);
        if (ha + qt + pb - kh + 1 < ohq || wb + ql + pr - kw + 1 < owq ||
            qt >= kh || ql >= kw || pb >= kh || pr >= kw)
          return;
      }

    OpBuilder b(op);
    Location loc = op.getLoc();
    // int8 quantizes every phase of the input on one scale, and every phase
    // of the output on another, as the undecomposed convolution would
    // (calibrated apart, a phase's own range clips values the others hold).
    IntegerAttr inputGroup = b.getI64IntegerAttr(nextGroup++),
                outputGroup = b.getI64IntegerAttr(nextGroup++);
    auto inGroup = [&](Value v, IntegerAttr group) {
      v.getDefiningOp()->setAttr(kRangeGroupAttr, group);
      return v;
    };
    auto named = [&](const std::string &suffix) {
      return suffixedLocation(loc, suffix);
    };
    Type element = outType.getElementType();
    auto tensor = [&](ArrayRef<int64_t> shape) {
      return RankedTensorType::get(shape, element);
    };
    Value input = op.getInput(), weight = op.getWeight();
    if (!is4d) {
      input = ReshapeOp::create(
          b, named("rows"),
          RankedTensorType::get({1, c, 1, w}, inType.getElementType()), input);
      weight =
          ReshapeOp::create(b, named("rows"),
                            RankedTensorType::get({wType.getDimSize(0),
                                                   wType.getDimSize(1), 1, kw},
                                                  wType.getElementType()),
                            weight);
    }
    SmallVector<int64_t> ones = {1, 1};
    SmallVector<Value> rows;
    for (int64_t a = 0; a < dh; ++a) {
      SmallVector<Value> cols;
      for (int64_t bb = 0; bb < dw; ++bb) {
        std::string phase =
            "phase " + std::to_string(a) + "," + std::to_string(bb);
        auto [ha, wb, pb, pr] = phaseGeometry(a, bb);
        Value x = inGroup(
            SliceOp::create(
                b, named(phase + " input"),
                RankedTensorType::get({1, c, ha, wb}, inType.getElementType()),
                input, b.getDenseI64ArrayAttr({0, 0, a, bb}),
                b.getDenseI64ArrayAttr({1, 1, dh, dw})),
            inputGroup);
        int64_t rowsOut = ha + qt + pb - kh + 1,
                colsOut = wb + ql + pr - kw + 1;
        Value y = ConvOp::create(
            b, named(phase), tensor({1, k, rowsOut, colsOut}), x, weight,
            op.getBias(), b.getDenseI64ArrayAttr(ones),
            b.getDenseI64ArrayAttr(ones),
            b.getDenseI64ArrayAttr({qt, ql, pb, pr}), op.getGroupAttr());
        inGroup(y, outputGroup);
        if (rowsOut != ohq || colsOut != owq)
          y = SliceOp::create(b, named(phase), tensor({1, k, ohq, owq}), y,
                              b.getDenseI64ArrayAttr({0, 0, 0, 0}),
                              b.getDenseI64ArrayAttr({1, 1, 1, 1}));
        // [1, K * ohq, owq, 1], to interleave the columns.
        cols.push_back(ReshapeOp::create(b, named(phase),
                                         tensor({1, k * ohq, owq, 1}), y));
      }
      // Columns j * dw + b: [1, K * ohq, owq, dw] -> [1, K * ohq, 1, owq *
      // dw].
      Value joined =
          cols.size() == 1
              ? cols.front()
              : ConcatOp::create(b, named("columns"),
                                 tensor({1, k * ohq, owq, dw}), cols, 3)
                    .getResult();
      rows.push_back(ReshapeOp::create(
          b, named("columns"), tensor({1, k * ohq, 1, owq * dw}), joined));
    }
    // Rows i * dh + a: [1, K * ohq, dh, owq * dw] -> [1, K, ohq * dh, owq *
    // dw].
    Value all =
        rows.size() == 1
            ? rows.front()
            : ConcatOp::create(b, named("rows"),
                               tensor({1, k * ohq, dh, owq * dw}), rows, 2)
                  .getResult();
    // (With dh == 1 and more than one output row, the rows are still folded
    // into the channels here.)
    Value y = all;
    if (dh > 1 || ohq > 1)
      y = ReshapeOp::create(b, named("rows"),
                            tensor({1, k, ohq * dh, owq * dw}), all);
    if (ohq * dh != oh || owq * dw != ow)
      y = SliceOp::create(b, is4d ? loc : named("rows"), tensor({1, k, oh, ow}),
                          y, b.getDenseI64ArrayAttr({0, 0, 0, 0}),
                          b.getDenseI64ArrayAttr({1, 1, 1, 1}));
    if (!is4d)
      y = ReshapeOp::create(b, loc, outType, y);
    else
      y.getDefiningOp()->setLoc(loc);
    inGroup(y, outputGroup);
    op.replaceAllUsesWith(y);
    op.erase();
  }
};

} // namespace
