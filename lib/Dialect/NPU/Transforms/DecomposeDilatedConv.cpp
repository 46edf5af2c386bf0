//===- DecomposeDilatedConv.cpp - Dilations past the DPU's kernel size ----===//
//
// The DPU has no dilation: a dilated convolution runs with its kernel
// expanded by zero taps, which only fits the DPU while the expanded kernel
// is at most 11 x 11 (a 3 x 3 kernel up to dilation 5). Past that, a
// stride-1 convolution with dilation d is d x d undilated convolutions, one
// per phase (a, b): output rows a, a + d, ... and columns b, b + d, ... read
// only input rows and columns of the same phase when the padding is a
// multiple of d (DeepLab's atrous convolutions, padding d (k - 1) / 2). The
// phases are strided slices (DMA), the convolutions DPU tasks, and the
// outputs are interleaved back by concatenations and reshapes (DMA).
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
    for (ConvOp op : convs)
      decompose(op, int64_t(hw->maxKernel));
  }

  void decompose(ConvOp op, int64_t maxKernel) {
    auto inType = dyn_cast<RankedTensorType>(op.getInput().getType());
    auto wType = dyn_cast<RankedTensorType>(op.getWeight().getType());
    auto outType = dyn_cast<RankedTensorType>(op.getType());
    if (!inType || !wType || !outType || !inType.hasStaticShape() ||
        !wType.hasStaticShape() || !outType.hasStaticShape() ||
        inType.getRank() != 4 || inType.getDimSize(0) != 1)
      return;
    // A pre-quantized model's convolution keeps its own parameters (and
    // stays unmapped past the DPU's kernel).
    if (op->hasAttr(kQuantAttr) || op->hasAttr(kWeightScalesAttr))
      return;
    ArrayRef<int64_t> dil = op.getDilations(), strides = op.getStrides(),
                      pads = op.getPads();
    if (dil.size() != 2 || strides.size() != 2 || pads.size() != 4 ||
        dil[0] != dil[1] || dil[0] < 2 || strides[0] != 1 || strides[1] != 1)
      return;
    int64_t d = dil[0];
    int64_t kh = wType.getDimSize(2), kw = wType.getDimSize(3);
    // Only where the expanded kernel does not fit the DPU.
    if ((kh - 1) * d + 1 <= maxKernel && (kw - 1) * d + 1 <= maxKernel)
      return;
    if (llvm::any_of(pads, [&](int64_t p) { return p < 0 || p % d != 0; }))
      return;
    int64_t c = inType.getDimSize(1), h = inType.getDimSize(2),
            w = inType.getDimSize(3);
    int64_t k = outType.getDimSize(1), oh = outType.getDimSize(2),
            ow = outType.getDimSize(3);
    if (h < d || w < d)
      return;
    // Every phase's output is ohq x owq (the phases past the output's last
    // row or column compute a row or column from the padding, cropped at the
    // end).
    int64_t ohq = llvm::divideCeil(oh, d), owq = llvm::divideCeil(ow, d);
    int64_t qt = pads[0] / d, ql = pads[1] / d;

    // Each phase's padding: top / left qt, ql; bottom / right so that it
    // gives ohq x owq rows and columns (or more, sliced off). All must be
    // below the kernel (the DPU's rule), checked before anything is built.
    auto phaseGeometry = [&](int64_t a, int64_t bb) {
      int64_t ha = llvm::divideCeil(h - a, d), wb = llvm::divideCeil(w - bb, d);
      int64_t pb = std::max<int64_t>(0, ohq - ha - qt + kh - 1);
      int64_t pr = std::max<int64_t>(0, owq - wb - ql + kw - 1);
      return std::array<int64_t, 4>{ha, wb, pb, pr};
    };
    for (int64_t a = 0; a < d; ++a)
      for (int64_t bb = 0; bb < d; ++bb) {
        auto [ha, wb, pb, pr] = phaseGeometry(a, bb);
        if (ha + qt + pb - kh + 1 < ohq || wb + ql + pr - kw + 1 < owq ||
            qt >= kh || ql >= kw || pb >= kh || pr >= kw)
          return;
      }

    OpBuilder b(op);
    Location loc = op.getLoc();
    auto named = [&](const std::string &suffix) {
      return suffixedLocation(loc, suffix);
    };
    Type element = outType.getElementType();
    auto tensor = [&](ArrayRef<int64_t> shape) {
      return RankedTensorType::get(shape, element);
    };
    SmallVector<int64_t> ones = {1, 1};
    SmallVector<Value> rows;
    for (int64_t a = 0; a < d; ++a) {
      SmallVector<Value> cols;
      for (int64_t bb = 0; bb < d; ++bb) {
        std::string phase =
            "phase " + std::to_string(a) + "," + std::to_string(bb);
        auto [ha, wb, pb, pr] = phaseGeometry(a, bb);
        Value x = SliceOp::create(
            b, named(phase + " input"),
            RankedTensorType::get({1, c, ha, wb}, inType.getElementType()),
            op.getInput(), b.getDenseI64ArrayAttr({0, 0, a, bb}),
            b.getDenseI64ArrayAttr({1, 1, d, d}));
        int64_t rowsOut = ha + qt + pb - kh + 1,
                colsOut = wb + ql + pr - kw + 1;
        Value y = ConvOp::create(
            b, named(phase), tensor({1, k, rowsOut, colsOut}), x,
            op.getWeight(), op.getBias(), b.getDenseI64ArrayAttr(ones),
            b.getDenseI64ArrayAttr(ones),
            b.getDenseI64ArrayAttr({qt, ql, pb, pr}), op.getGroupAttr());
        if (rowsOut != ohq || colsOut != owq)
          y = SliceOp::create(b, named(phase), tensor({1, k, ohq, owq}), y,
                              b.getDenseI64ArrayAttr({0, 0, 0, 0}),
                              b.getDenseI64ArrayAttr({1, 1, 1, 1}));
        // [1, K * ohq, owq, 1], to interleave the columns.
        cols.push_back(ReshapeOp::create(b, named(phase),
                                         tensor({1, k * ohq, owq, 1}), y));
      }
      // Columns j * d + b: [1, K * ohq, owq, d] -> [1, K * ohq, 1, owq * d].
      Value joined = ConcatOp::create(b, named("columns"),
                                      tensor({1, k * ohq, owq, d}), cols, 3);
      rows.push_back(ReshapeOp::create(
          b, named("columns"), tensor({1, k * ohq, 1, owq * d}), joined));
    }
    // Rows i * d + a: [1, K * ohq, d, owq * d] -> [1, K, ohq * d, owq * d].
    Value all = ConcatOp::create(b, named("rows"),
                                 tensor({1, k * ohq, d, owq * d}), rows, 2);
    Value y = ReshapeOp::create(b, named("rows"),
                                tensor({1, k, ohq * d, owq * d}), all);
    if (ohq * d != oh || owq * d != ow)
      y = SliceOp::create(b, loc, outType, y,
                          b.getDenseI64ArrayAttr({0, 0, 0, 0}),
                          b.getDenseI64ArrayAttr({1, 1, 1, 1}));
    else
      y.getDefiningOp()->setLoc(loc);
    op.replaceAllUsesWith(y);
    op.erase();
  }
};

} // namespace
