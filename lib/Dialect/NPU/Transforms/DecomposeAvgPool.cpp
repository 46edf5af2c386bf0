//===- DecomposeAvgPool.cpp - Average pools with varying divisors ---------===//
//
// An average pool divides every window by the kernel size only when no
// window is clipped: with `ceil_mode` a last window can pass the padded
// input, and without `count_include_pad` the padding does not count. The
// DPU's average pooling divides every window alike, so such a pool becomes
// the window sum (a depthwise convolution, weights 2^-e for a kernel of at
// most 2^e taps) times a constant map of 2^e / count per output position.
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/IR/TensorKeys.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

namespace npu {
#define GEN_PASS_DEF_NPUDECOMPOSEAVGPOOL
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace {

/// Per spatial dimension of a pool, the divisor of each output position:
/// the window clipped to the input, or to the explicitly padded input with
/// `count_include_pad`.
std::vector<int64_t> divisors(int64_t in, int64_t out, int64_t kernel,
                              int64_t stride, int64_t padBegin, int64_t padEnd,
                              bool includePad) {
  int64_t lo = includePad ? -padBegin : 0;
  int64_t hi = includePad ? in + padEnd : in;
  std::vector<int64_t> d(out);
  for (int64_t o = 0; o < out; ++o) {
    int64_t begin = o * stride - padBegin;
    d[o] = std::max<int64_t>(0, std::min(begin + kernel, hi) -
                                    std::max(begin, lo));
  }
  return d;
}

struct NPUDecomposeAvgPoolPass
    : npu::impl::NPUDecomposeAvgPoolBase<NPUDecomposeAvgPoolPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<AvgPoolOp> pools;
    getOperation().walk([&](AvgPoolOp op) { pools.push_back(op); });
    for (AvgPoolOp op : pools)
      decompose(op);
  }

  void decompose(AvgPoolOp op) {
    auto inType = dyn_cast<RankedTensorType>(op.getInput().getType());
    auto outType = dyn_cast<RankedTensorType>(op.getType());
    if (!inType || !outType || !inType.hasStaticShape() ||
        !outType.hasStaticShape() || !inType.getElementType().isF32())
      return;
    int64_t rank = inType.getRank();
    int64_t n = rank - 2;
    ArrayRef<int64_t> kernel = op.getKernelShape(), strides = op.getStrides(),
                      pads = op.getPads(), dilations = op.getDilations();
    if (n < 1 || n > 2 || int64_t(kernel.size()) != n ||
        int64_t(strides.size()) != n || int64_t(pads.size()) != 2 * n ||
        llvm::any_of(dilations, [](int64_t d) { return d != 1; }))
      return;
    // The divisors along each dimension; the pool is left alone when every
    // window counts the whole kernel.
    std::vector<std::vector<int64_t>> perDim;
    bool uniform = true;
    for (int64_t i = 0; i < n; ++i) {
      int64_t in = inType.getDimSize(2 + i), out = outType.getDimSize(2 + i);
      perDim.push_back(divisors(in, out, kernel[i], strides[i], pads[i],
                                pads[n + i], op.getCountIncludePad()));
      for (int64_t d : perDim.back())
        uniform &= d == kernel[i];
    }
    if (uniform)
      return;

    OpBuilder b(op);
    Location loc = op.getLoc();
    Location sumLoc = suffixedLocation(loc, "window sum");
    int64_t channels = inType.getDimSize(1);
    // Weights 2^-e, one filter per channel: [C, 1, k...], with 2^e the
    // kernel size rounded up to a power of two, so that the sum is scaled
    // exactly and its fp16 result stays within the inputs' range (the DPU
    // rounds its output to f16 before the map applies).
    int64_t window = 1;
    for (int64_t k : kernel)
      window *= k;
    float unit = 1.0f;
    while (unit * float(window) > 1.0f)
      unit *= 0.5f;
    SmallVector<int64_t> wShape = {channels, 1};
    wShape.append(kernel.begin(), kernel.end());
    auto wType = RankedTensorType::get(wShape, b.getF32Type());
    Value ones = ConstantOp::create(
        b, sumLoc, DenseElementsAttr::get(wType, b.getF32FloatAttr(unit)));
    // The end padding grows so that the convolution's floor formula gives
    // the pool's output size; the extra positions add zeros to the sums.
    SmallVector<int64_t> convPads(pads.begin(), pads.end());
    for (int64_t i = 0; i < n; ++i) {
      int64_t in = inType.getDimSize(2 + i), out = outType.getDimSize(2 + i);
      convPads[n + i] = std::max<int64_t>(
          pads[n + i], (out - 1) * strides[i] + kernel[i] - in - pads[i]);
    }
    Value sum = ConvOp::create(
        b, sumLoc, outType, op.getInput(), ones, Value(),
        b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(dilations),
        b.getDenseI64ArrayAttr(convPads), b.getI64IntegerAttr(channels));
    // 2^e / divisor per output position: [1, 1, spatial...].
    SmallVector<int64_t> mapShape = {1, 1};
    for (int64_t i = 0; i < n; ++i)
      mapShape.push_back(outType.getDimSize(2 + i));
    std::vector<float> reciprocals;
    int64_t h = n == 2 ? mapShape[2] : 1, w = mapShape.back();
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x) {
        int64_t count = perDim.back()[x] * (n == 2 ? perDim[0][y] : 1);
        reciprocals.push_back(count > 0 ? 1.0f / (unit * float(count)) : 0.0f);
      }
    auto mapType = RankedTensorType::get(mapShape, b.getF32Type());
    Value map = ConstantOp::create(
        b, sumLoc,
        DenseElementsAttr::get(mapType, ArrayRef<float>(reciprocals)));
    Value mean = MulOp::create(b, loc, outType, sum, map);
    // A pre-quantized model's pool (its Q/DQ parameters, scale s): the mean
    // keeps them; the scaled window sum is no tensor of the model: it takes
    // s * 2^-e * window (the grid on which a whole window's sum is the
    // mean; clipped windows' sums are smaller), marked as not a pair of its
    // own, so that its DPU task writes it in f16 for the multiply.
    if (auto quant = quantAnnotationOf(op.getResult())) {
      float sumScale = quant[0] * unit * float(window);
      if (setQuantAnnotation(sum, sumScale, int32_t(quant[1])))
        sum.getDefiningOp()->setAttr(kQuantFromConsumerAttr, b.getUnitAttr());
      setQuantAnnotation(mean, quant[0], int32_t(quant[1]));
    }
    op.replaceAllUsesWith(mean);
    op.erase();
  }
};

} // namespace
