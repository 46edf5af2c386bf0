//===- WidenFloat16.cpp - A float16 model's tensors computed as float32 ---===//

#include "npu/Dialect/NPU/Transforms/Passes.h"
#include "npu/Interpreter/TensorConversion.h"

namespace npu {
#define GEN_PASS_DEF_NPUWIDENFLOAT16
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace {

/// `type` with element type f32 when it is a ranked tensor of f16, else null.
RankedTensorType widened(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t || !t.getElementType().isF16())
    return nullptr;
  return t.clone(Float32Type::get(type.getContext()));
}

struct NPUWidenFloat16Pass
    : npu::impl::NPUWidenFloat16Base<NPUWidenFloat16Pass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Block &entry = func.getBody().front();
    OpBuilder b(&getContext());

    // Arguments: read through a cast to f32.
    b.setInsertionPointToStart(&entry);
    for (BlockArgument arg : entry.getArguments()) {
      RankedTensorType wide = widened(arg.getType());
      if (!wide || arg.use_empty())
        continue;
      auto cast = CastOp::create(b, arg.getLoc(), wide, arg);
      // An input returned as it is stays the same value.
      arg.replaceUsesWithIf(cast.getResult(), [&](OpOperand &use) {
        return use.getOwner() != cast && !isa<func::ReturnOp>(use.getOwner());
      });
    }

    // Ops: f16 results become f32; constants convert their values.
    bool ok = true;
    SmallVector<CastOp> identities;
    func.walk([&](Operation *op) {
      if (auto constant = dyn_cast<ConstantOp>(op)) {
        RankedTensorType wide = widened(constant.getType());
        if (!wide)
          return;
        std::string error;
        FailureOr<HostTensor> t =
            elementsAttrToHostTensor(constant.getValue(), error);
        FailureOr<DenseElementsAttr> attr = failure();
        if (succeeded(t))
          attr = hostTensorToDenseAttr(t->castTo(DType::F32), wide);
        if (failed(attr)) {
          constant.emitError() << "cannot widen this float16 constant to "
                                  "float32: "
                               << (error.empty() ? "unsupported value" : error);
          ok = false;
          return;
        }
        constant.setValueAttr(*attr);
        constant.getResult().setType(wide);
        return;
      }
      for (Value r : op->getResults())
        if (RankedTensorType wide = widened(r.getType()))
          r.setType(wide);
      if (auto cast = dyn_cast<CastOp>(op))
        if (cast.getInput().getType() == cast.getType())
          identities.push_back(cast);
    });
    if (!ok)
      return signalPassFailure();
    for (CastOp cast : identities) {
      cast.getResult().replaceAllUsesWith(cast.getInput());
      cast.erase();
    }

    // Results: returned through a cast back to the function's f16 types.
    ArrayRef<Type> resultTypes = func.getFunctionType().getResults();
    for (Block &block : func.getBody()) {
      Operation *ret = block.getTerminator();
      if (!isa<func::ReturnOp>(ret))
        continue;
      b.setInsertionPoint(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Type want = resultTypes[operand.getOperandNumber()];
        if (operand.get().getType() == want)
          continue;
        operand.set(
            CastOp::create(b, operand.get().getLoc(), want, operand.get()));
      }
    }
  }
};

} // namespace
