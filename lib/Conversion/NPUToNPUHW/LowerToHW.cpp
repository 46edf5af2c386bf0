//===- LowerToHW.cpp - The npu-lower-to-hw pass ---------------------------===//
//
// Walks the canonical function in order and lowers each op through the DPU,
// SHAVE and data-movement families (DpuLowering.cpp, ShaveLowering.cpp);
// graph inputs and results are converted to / from f16 on the device. Ops
// that map to no engine are all reported at once, at their ONNX nodes, and
// the function is left unchanged.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "npu/Arch/Hardware.h"
#include "npu/Conversion/NPUToNPUHW/Passes.h"
#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"
#include "npu/Interpreter/TensorConversion.h"
#include "npu/Support/HostTensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"

namespace npu {
#define GEN_PASS_DEF_NPULOWERTOHW
#include "npu/Conversion/NPUToNPUHW/Passes.h.inc"
} // namespace npu

using namespace mlir;

namespace npu {
namespace {

using lowering::Lowering;

/// What splitBatches made from which batched op: the per-image copies (ops)
/// and their image slices and results (values), each mapped to the batched
/// op, input or result it stands for. The batched ops are unlinked from the
/// function (operands dropped) but stay alive until the lowering ends, so
/// that their addresses, which the copies are recorded under, stay unique.
struct SplitOrigins {
  llvm::DenseMap<Operation *, Operation *> ops;
  llvm::DenseMap<Value, Value> values;
  SmallVector<Operation *> replaced;
  ~SplitOrigins() {
    for (Operation *op : replaced)
      op->destroy();
  }
};

/// The DPU computes one image per task: a window op over a batch of N
/// images becomes N ops on one image each, joined on the batch axis
/// (still in the float graph; the lowering then maps each), recorded in
/// `origins`.
void splitBatches(func::FuncOp func, lowering::DebugTensors &debug,
                  SplitOrigins &origins) {
  SmallVector<Operation *> batched;
  func.walk([&](Operation *op) {
    if (!isa<ConvOp, ConvTransposeOp, MaxPoolOp, AvgPoolOp, GlobalAvgPoolOp,
             GlobalMaxPoolOp>(op))
      return;
    auto in = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
    auto out = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (in && out && in.getRank() >= 3 && in.getDimSize(0) > 1 &&
        out.getDimSize(0) == in.getDimSize(0))
      batched.push_back(op);
  });
  for (Operation *op : batched) {
    OpBuilder b(op);
    auto in = cast<RankedTensorType>(op->getOperand(0).getType());
    auto out = cast<RankedTensorType>(op->getResult(0).getType());
    SmallVector<int64_t> inShape(in.getShape()), outShape(out.getShape());
    inShape[0] = outShape[0] = 1;
    SmallVector<int64_t> steps(in.getRank(), 1);
    SmallVector<Value> images;
    for (int64_t n = 0; n < in.getDimSize(0); ++n) {
      SmallVector<int64_t> starts(in.getRank(), 0);
      starts[0] = n;
      auto slice = SliceOp::create(
          b, op->getLoc(), in.clone(inShape), op->getOperand(0),
          b.getDenseI64ArrayAttr(starts), b.getDenseI64ArrayAttr(steps));
      // An image has its batch's calibrated range.
      if (auto range = lowering::rangeAttrOf(op->getOperand(0)))
        slice->setAttr("npu.range", range);
      if (auto quant = quantAnnotationOf(op->getOperand(0)))
        slice->setAttr(kQuantAttr, quant);
      Value image = slice;
      IRMapping map;
      map.map(op->getOperand(0), image);
      Operation *clone = b.clone(*op, map);
      clone->getResult(0).setType(out.clone(outShape));
      images.push_back(clone->getResult(0));
      origins.ops[clone] = op;
      // A slice of an earlier split op's joined result stands for that
      // op's batched result.
      Value batched = op->getOperand(0);
      if (Value original = origins.values.lookup(batched))
        batched = original;
      origins.values[image] = batched;
      origins.values[clone->getResult(0)] = op->getResult(0);
    }
    auto joined = ConcatOp::create(b, op->getLoc(), images, 0);
    for (StringRef name : {StringRef("npu.range"), StringRef(kQuantAttr)})
      if (auto attr = op->getAttr(name))
        joined->setAttr(name, attr);
    op->getResult(0).replaceAllUsesWith(joined);
    origins.values[joined] = op->getResult(0);
    debug.replace(op->getResult(0), joined);
    op->dropAllReferences();
    op->remove();
    origins.replaced.push_back(op);
  }
}

/// A split is one strided copy (DMA) per part: each part becomes a slice
/// of the input, with the part's calibrated range.
void splitsToSlices(func::FuncOp func, lowering::DebugTensors &debug) {
  SmallVector<SplitOp> splits;
  func.walk([&](SplitOp op) { splits.push_back(op); });
  for (SplitOp op : splits) {
    OpBuilder b(op);
    auto in = cast<RankedTensorType>(op.getInput().getType());
    int64_t axis = op.getAxis();
    SmallVector<int64_t> starts(in.getRank(), 0), steps(in.getRank(), 1);
    for (OpResult part : op->getResults()) {
      auto slice = SliceOp::create(
          b, op.getLoc(), part.getType(), op.getInput(),
          b.getDenseI64ArrayAttr(starts), b.getDenseI64ArrayAttr(steps));
      if (auto range = lowering::rangeAttrOf(part))
        slice->setAttr("npu.range", range);
      starts[axis] += cast<RankedTensorType>(part.getType()).getDimSize(axis);
      part.replaceAllUsesWith(slice.getResult());
      debug.replace(part, slice.getResult());
    }
    op->erase();
  }
}

/// Every tensor must fit the NPU's DDR window; all that do not are
/// reported at once, at their ONNX nodes.
LogicalResult checkTensorSizes(func::FuncOp func) {
  bool ok = true;
  auto check = [&](Value v, Location loc) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    auto dtype =
        type ? dtypeForElementType(type.getElementType()) : std::nullopt;
    if (!dtype || !type.hasStaticShape())
      return;
    std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
    std::optional<int64_t> bytes = checkedByteSize(*dtype, shape);
    if (bytes && uint64_t(*bytes) <= arch::kDdrWindowBytes)
      return;
    ok = false;
    auto diag = emitError(loc) << "a tensor of shape " << shapeToString(shape)
                               << " (" << dtypeName(*dtype) << ") needs ";
    if (bytes)
      diag << *bytes << " bytes";
    else
      diag << "more bytes than 64 bits count";
    diag << ", more than the NPU's " << (arch::kDdrWindowBytes >> 30)
         << " GiB DDR address window";
  };
  for (BlockArgument arg : func.getArguments())
    check(arg, func.getLoc());
  func.walk([&](Operation *op) {
    for (Value r : op->getResults())
      check(r, op->getLoc());
  });
  return success(ok);
}

/// Erases the ops the lowering created, keeping `old`.
void eraseNew(Block &body, ArrayRef<Operation *> old) {
  llvm::SmallPtrSet<Operation *, 32> keep(old.begin(), old.end());
  SmallVector<Operation *> created;
  for (Operation &op : body.without_terminator())
    if (!keep.contains(&op))
      created.push_back(&op);
  for (Operation *op : llvm::reverse(created)) {
    op->dropAllUses();
    op->erase();
  }
}

struct NPULowerToHWPass : impl::NPULowerToHWBase<NPULowerToHWPass> {
  using NPULowerToHWBase::NPULowerToHWBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    // Debug builds: the tensors to expose or corrupt, by key, named on the
    // graph as calibrated.
    lowering::DebugTensors debug;
    if (failed(lowering::selectDebugTensors(func, expose, corrupt, debug)) ||
        failed(lowering::lowerFunction(func, precision, debug)))
      return signalPassFailure();
  }
};

} // namespace

LogicalResult lowering::lowerFunction(func::FuncOp func, StringRef precision,
                                      DebugTensors &debug,
                                      QuantizedTensors *recorder) {
  if (precision != "fp16" && precision != "int8" && precision != "mixed")
    return func.emitError() << "unknown precision '" << precision
                            << "' (expected fp16, int8 or mixed)";
  SplitOrigins origins;
  splitBatches(func, debug, origins);
  splitsToSlices(func, debug);
  Block &body = func.getBody().front();
  OpBuilder b(func.getContext());
  if (failed(checkTensorSizes(func)))
    return failure();
  bool int8 = precision != "fp16", mixed = precision == "mixed";
  Lowering l(b, int8);
  l.recorder = recorder;
  l.valueOrigins = std::move(origins.values);
  SmallVector<std::pair<Operation *, std::string>> unsupported;

  SmallVector<Operation *> old;
  for (Operation &op : body.without_terminator())
    old.push_back(&op);

  // Graph inputs: converted to f16 on the device.
  b.setInsertionPointToStart(&body);
  for (BlockArgument arg : body.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type)
      continue;
    if (type.getElementType().isF32() || type.getElementType().isF16()) {
      l.map.map(arg, type.getElementType().isF16()
                         ? Value(arg)
                         : l.shave(arg.getLoc(), "convert", {arg},
                                   l.f16Type(type.getShape())));
    } else {
      l.map.map(arg, arg);
    }
  }

  for (Operation *op : old) {
    if (isa<ConstantOp>(op))
      continue; // Converted where used.
    if (l.fused.contains(op))
      continue; // Part of an earlier op's lowering.
    b.setInsertionPoint(op);
    l.int8 = int8 && !(mixed && op->hasAttr(kFp16Attr));
    // A batched op's per-image copies are recorded as that op.
    Operation *origin = origins.ops.lookup(op);
    l.current = origin ? origin : op;
    std::string reason;
    LogicalResult done = failure();
    // fp32 islands (npu-fp32-islands) run on SHAVE only: the DPU writes
    // f16.
    lowering::LowerResult r;
    if (!op->hasAttr(kFp32Attr))
      r = lowering::lowerDpuOp(l, op, reason);
    if (!r)
      r = lowering::lowerShaveOp(l, op, reason);
    if (!r)
      r = lowering::lowerDataMovementOp(l, op, reason);
    if (r)
      done = *r;
    if (failed(done)) {
      unsupported.push_back({op, reason});
      // Stand-ins for its results, so that the ops after it are still
      // checked (and reported) too.
      for (Value r : op->getResults())
        if (auto t = dyn_cast<RankedTensorType>(r.getType()))
          l.map.map(r, l.zeros(op->getLoc(), t.getShape()));
    }
  }
  l.current = nullptr;

  if (!unsupported.empty()) {
    lowering::reportUnsupported(func, unsupported);
    // Leave the function as it was: drop everything built so far.
    eraseNew(body, old);
    return failure();
  }

  // Results: back to their graph types.
  Operation *ret = body.getTerminator();
  b.setInsertionPoint(ret);
  for (OpOperand &operand : ret->getOpOperands()) {
    auto want = cast<RankedTensorType>(operand.get().getType());
    Value v = l.map.lookupOrNull(operand.get());
    // An fp32 island's f32 result is returned as it is.
    if (!v && want.getElementType().isF32())
      v = l.f32Forms.lookup(operand.get());
    if (!v)
      v = l.get(operand.get());
    // Named after the node that computes the result (task names).
    if (v.getType() != want)
      v = l.shave(operand.get().getLoc(), "convert", {v}, want);
    operand.set(v);
  }
  if (failed(lowering::exposeTensors(l, func, debug)) ||
      failed(lowering::markCorrupted(l, debug)))
    return failure();
  lowering::writeF16WhereDequantized(l, recorder);
  for (Operation *op : llvm::reverse(old))
    if (op->use_empty())
      op->erase();
  // Constants of the old graph still used by the new one (integer ones)
  // stay; the rest is gone.
  return success();
}

} // namespace npu
