//===- DecomposeGemm.cpp - Gemm in the form the DPU takes -----------------===//
//
// The DPU runs a Gemm as a convolution of A with alpha * op(B) as weights
// and beta * C as bias: A untransposed, C a per-column constant. The other
// forms become a transpose of A (a DMA) and an add of C (see Passes.td,
// npu-decompose-gemm).
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/IR/TensorKeys.h"
#include "npu/Dialect/NPU/Transforms/FusionMatch.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

namespace npu {
#define GEN_PASS_DEF_NPUDECOMPOSEGEMM
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace {

/// C as the DPU takes it: absent, or a constant of N elements or one.
bool biasForDpu(GemmOp op) {
  auto outType = dyn_cast<RankedTensorType>(op.getType());
  return !op.getC() ||
         (outType && isPerColumnConstant(op.getC(), outType.getShape().back()));
}

struct NPUDecomposeGemmPass
    : npu::impl::NPUDecomposeGemmBase<NPUDecomposeGemmPass> {
  void runOnOperation() override {
    SmallVector<std::pair<GemmOp, bool>> gemms;
    getOperation().walk([&](GemmOp op) {
      bool keepC = biasForDpu(op);
      if ((op.getTransA() || !keepC) && !op->hasAttr(kQuantAttr) &&
          !op->hasAttr(kWeightScalesAttr))
        gemms.push_back({op, keepC});
    });
    for (auto [op, keepC] : gemms)
      rewrite(op, keepC);
  }

  /// Rewrites `op`; `keepC`: its C stays in the Gemm (biasForDpu).
  void rewrite(GemmOp op, bool keepC) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getType());
    Value a = op.getA();
    if (op.getTransA()) {
      auto aType = cast<RankedTensorType>(a.getType());
      auto shape = aType.getShape();
      a = TransposeOp::create(
          b, suffixedLocation(loc, "A transposed"),
          RankedTensorType::get({shape[1], shape[0]}, aType.getElementType()),
          a, b.getDenseI64ArrayAttr({1, 0}));
    }
    Value c = keepC ? op.getC() : Value();
    auto product = GemmOp::create(
        b, keepC ? loc : suffixedLocation(loc, "product"), outType, a,
        op.getB(), c, op.getAlphaAttr(), op.getBetaAttr(), b.getBoolAttr(false),
        op.getTransBAttr());
    Value result = product.getResult();
    if (!keepC) {
      Value addend = op.getC();
      auto cType = cast<RankedTensorType>(addend.getType());
      float beta = op.getBeta().convertToFloat();
      if (beta != 1.0f) {
        auto scalarType = RankedTensorType::get({}, cType.getElementType());
        Value betaValue = ConstantOp::create(
            b, suffixedLocation(loc, "beta"),
            DenseElementsAttr::get(
                scalarType, b.getFloatAttr(cType.getElementType(), beta)));
        addend = MulOp::create(b, suffixedLocation(loc, "C scaled"), cType,
                               addend, betaValue);
      }
      result = AddOp::create(b, loc, outType, result, addend).getResult();
    }
    op.getResult().replaceAllUsesWith(result);
    op.erase();
  }
};

} // namespace
