//===- FreezeDefaultInputs.cpp - Optional inputs become constants ---------===//

#include "npu/Dialect/NPU/Transforms/Passes.h"
#include "npu/Import/ONNX/Importer.h"

#include "llvm/ADT/BitVector.h"

namespace npu {
#define GEN_PASS_DEF_NPUFREEZEDEFAULTINPUTS
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace {
struct NPUFreezeDefaultInputsPass
    : npu::impl::NPUFreezeDefaultInputsBase<NPUFreezeDefaultInputsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Block &entry = func.getBody().front();
    OpBuilder builder(&getContext());
    builder.setInsertionPointToStart(&entry);
    llvm::BitVector frozen(func.getNumArguments());
    for (BlockArgument arg : func.getArguments()) {
      unsigned i = arg.getArgNumber();
      auto value = func.getArgAttrOfType<ElementsAttr>(i, kDefaultValueAttr);
      if (!value)
        continue;
      auto name = func.getArgAttrOfType<StringAttr>(i, kONNXNameAttr);
      std::string label = name ? name.str() : "arg" + std::to_string(i);
      // A value the user gave (--input-value) is fixed as asked.
      if (!func.getArgAttr(i, kGivenValueAttr))
        emitWarning(arg.getLoc())
            << "input '" << label
            << "' has a default (an ONNX initializer that is also a graph "
               "input): the compiled model fixes it to that value and does not "
               "take it as an input";
      auto constant = ConstantOp::create(builder, arg.getLoc(), value);
      arg.replaceAllUsesWith(constant.getResult());
      frozen.set(i);
    }
    if (frozen.any() && failed(func.eraseArguments(frozen)))
      signalPassFailure();
  }
};
} // namespace
