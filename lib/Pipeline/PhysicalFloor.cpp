//===- PhysicalFloor.cpp - The latency no schedule can beat ---------------===//

#include "npu/Pipeline/PhysicalFloor.h"

#include "npu/Arch/CostModel.h"
#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Interpreter/TensorConversion.h"
#include "npu/Support/HostTensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"

#include <algorithm>

using namespace mlir;

namespace npu {

namespace {

/// Elements of a static shape; 0 for anything else.
uint64_t elementsOf(Type type) {
  auto t = dyn_cast<ShapedType>(type);
  if (!t || !t.hasStaticShape())
    return 0;
  return uint64_t(t.getNumElements());
}

/// Bytes of a static shape at its element type (the shared DType sizes);
/// 0 for anything else.
uint64_t bytesOf(Type type) {
  auto t = dyn_cast<ShapedType>(type);
  std::optional<DType> dtype = t && t.hasStaticShape()
                                   ? dtypeForElementType(t.getElementType())
                                   : std::nullopt;
  std::optional<int64_t> bytes =
      dtype ? checkedByteSize(*dtype, t.getShape().vec()) : std::nullopt;
  return bytes ? uint64_t(*bytes) : 0;
}

uint64_t productOf(ArrayRef<int64_t> dims) {
  uint64_t v = 1;
  for (int64_t d : dims)
    v *= uint64_t(d);
  return v;
}

/// Product of the dimensions of `type` from `first` on (kernel volumes); 0
/// for a dynamic shape.
uint64_t volumeFrom(Type type, unsigned first) {
  auto t = dyn_cast<ShapedType>(type);
  return t && t.hasStaticShape() ? productOf(t.getShape().drop_front(first))
                                 : 0;
}

/// Weights and biases: the constant operands, stored as the NPU stores them.
uint64_t constantBytes(Operation *op, Precision precision) {
  uint64_t bytes = 0;
  for (auto [i, operand] : llvm::enumerate(op->getOperands())) {
    if (i == 0 || !matchPattern(operand, m_Constant()))
      continue;
    uint64_t n = elementsOf(operand.getType());
    bool bias = cast<ShapedType>(operand.getType()).getRank() <= 1;
    bytes += n * (bias ? 4 : precision == Precision::Fp16 ? 2 : 1);
  }
  return bytes;
}

} // namespace

ModelWork countModelWork(ModuleOp module, Precision precision) {
  ModelWork w;
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main)
    return w;
  // Inputs the graph reads: an unused one never crosses the DDR (found by
  // a review: a model's unused input made its floor 70x its latency).
  for (BlockArgument arg : main.getArguments())
    if (!arg.use_empty())
      w.ioBytes += bytesOf(arg.getType());
  for (Type t : main.getResultTypes())
    w.ioBytes += bytesOf(t);
  main.walk([&](Operation *op) {
    if (auto conv = dyn_cast<ConvOp>(op)) {
      // Per output: (C / group) x kernel volume.
      uint64_t macs = elementsOf(conv.getType()) *
                      volumeFrom(conv.getWeight().getType(), 1);
      auto x = cast<ShapedType>(conv.getInput().getType());
      bool depthwise = conv.getGroup() > 1 && x.hasStaticShape() &&
                       x.getDimSize(1) == int64_t(conv.getGroup());
      (depthwise ? w.depthwiseMacs : w.denseMacs) += macs;
      w.weightBytes += constantBytes(op, precision);
    } else if (auto deconv = dyn_cast<ConvTransposeOp>(op)) {
      // Per input: (M / group) x kernel volume.
      w.denseMacs += elementsOf(deconv.getInput().getType()) *
                     volumeFrom(deconv.getWeight().getType(), 1);
      w.weightBytes += constantBytes(op, precision);
    } else if (auto mm = dyn_cast<MatMulOp>(op)) {
      auto lhs = cast<ShapedType>(mm.getLhs().getType());
      uint64_t k = lhs.hasStaticShape() ? uint64_t(lhs.getShape().back()) : 0;
      w.denseMacs += elementsOf(mm.getType()) * k;
      w.weightBytes += constantBytes(op, precision);
    } else if (auto gemm = dyn_cast<GemmOp>(op)) {
      auto a = cast<ShapedType>(gemm.getA().getType());
      uint64_t k = a.hasStaticShape() && a.getRank() == 2
                       ? uint64_t(a.getDimSize(gemm.getTransA() ? 0 : 1))
                       : 0;
      w.denseMacs += elementsOf(gemm.getType()) * k;
      w.weightBytes += constantBytes(op, precision);
    } else if (auto avg = dyn_cast<AvgPoolOp>(op)) {
      w.depthwiseMacs +=
          elementsOf(avg.getType()) * productOf(avg.getKernelShape());
    } else if (auto gap = dyn_cast<GlobalAvgPoolOp>(op)) {
      w.depthwiseMacs += elementsOf(gap.getInput().getType());
    } else if (auto max = dyn_cast<MaxPoolOp>(op)) {
      w.poolMacs += elementsOf(max.getType()) * productOf(max.getKernelShape());
    } else if (auto gmp = dyn_cast<GlobalMaxPoolOp>(op)) {
      w.poolMacs += elementsOf(gmp.getInput().getType());
    }
  });
  return w;
}

PhysicalFloor physicalFloor(const ModelWork &work, const arch::HardwareDesc &hw,
                            unsigned tiles, Precision precision) {
  using arch::DpuOpClass;
  const bool fp16 = precision == Precision::Fp16;
  const double perTileCycle = double(std::max(tiles, 1u)) * hw.dpuClockKHz *
                              1000.0; // tile-cycles per second
  auto seconds = [&](uint64_t macs, DpuOpClass c) {
    return double(macs) /
           (double(arch::dpuMacsPerCycle(hw, c, fp16)) * perTileCycle);
  };
  PhysicalFloor f;
  f.computeSeconds = seconds(work.denseMacs, DpuOpClass::Conv) +
                     seconds(work.depthwiseMacs, DpuOpClass::Depthwise) +
                     seconds(work.poolMacs, DpuOpClass::MaxPool);
  f.ddrSeconds =
      double(work.weightBytes + work.ioBytes) / double(hw.ddrBytesPerSecond);
  return f;
}

} // namespace npu
