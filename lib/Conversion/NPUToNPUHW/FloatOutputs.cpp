//===- FloatOutputs.cpp - int8 DPU tasks that write f16 ------------------===//
//
// An int8 DPU task whose result is read only through `dequantize` kernels
// (its consumers are SHAVE ops, fp16 layers of a mixed compile or graph
// outputs) writes f16 directly: the PPE scales the int32 accumulator by one
// accumulator unit per channel (s_in * s_w[k]) on its float path
// (npu::arch::ppeFloat, docs/hardware-model.md "Post-processing"). One
// rounding to the per-tensor int8 grid, the clipping to the calibrated
// range, and a SHAVE task per tensor go. A pre-quantized model's own
// quantization of a tensor (npu.quant) is kept.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/QuantAnnotations.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;

namespace npu::lowering {
namespace {

bool isDequantize(Operation *user) {
  auto shave = dyn_cast<hw::ShaveOp>(user);
  return shave && shave.getKernel() == "dequantize";
}

/// A dequantize kernel, or a slice read only by dequantize kernels (the
/// real channels of a compact result, Lowering::compactHWC).
bool readsAsF16(Operation *user) {
  if (isDequantize(user))
    return true;
  return isa<SliceOp>(user) && !user->use_empty() &&
         llvm::all_of(user->getUsers(), isDequantize);
}

/// Whether `task`'s result is int8 and may be written as f16: not marked for
/// debug corruption, and read by something.
bool mayWriteF16(Operation *task) {
  Value out = task->getResult(0);
  return !task->hasAttr("npu.debug_corrupt") && !out.use_empty() &&
         isa<quant::QuantizedType>(
             cast<RankedTensorType>(out.getType()).getElementType());
}

/// Float post-processing `f` in place of the int8 one.
template <typename OpT>
void replaceIntPostProcess(OpT op, const FloatOutputForm &f) {
  setFloatPostProcess(op, f.post);
  op.setLeakyMult(0);
  op.setLeakyShift(0);
  op.setOutZeroPoint(0);
  op.setClampLow(INT32_MIN);
  op.setClampHigh(INT32_MAX);
  op.setMult(1);
  op.setShift(0);
  // With a weight table the table holds each channel's scale.
  op.setScale(APFloat(f.table ? 1.0f : f.scale));
}

void toF16(Lowering &l, Operation *task, const FloatOutputForm &f) {
  Value out = task->getResult(0);
  auto type = cast<RankedTensorType>(out.getType());
  out.setType(l.f16Type(type.getShape()));
  if (auto conv = dyn_cast<hw::DpuConvOp>(task)) {
    replaceIntPostProcess(conv, f);
    if (f.table) {
      Value old = conv.getWeightTable();
      l.b.setInsertionPoint(conv);
      conv.getWeightTableMutable().assign(l.constant(
          conv.getLoc(), *f.table, cast<RankedTensorType>(old.getType())));
      if (Operation *def = old.getDefiningOp(); def && def->use_empty())
        def->erase();
    }
  } else {
    replaceIntPostProcess(cast<hw::DpuEltwiseOp>(task), f);
  }
  // The dequantize kernels go; a slice between keeps slicing, in f16.
  auto dropDequantizes = [](Value v) {
    for (Operation *user : llvm::make_early_inc_range(v.getUsers()))
      if (isDequantize(user)) {
        user->getResult(0).replaceAllUsesWith(v);
        user->erase();
      }
  };
  for (Operation *user : llvm::make_early_inc_range(out.getUsers()))
    if (isa<SliceOp>(user)) {
      Value sliced = user->getResult(0);
      sliced.setType(
          l.f16Type(cast<RankedTensorType>(sliced.getType()).getShape()));
      dropDequantizes(sliced);
    }
  dropDequantizes(out);
}

} // namespace

void writeF16WhereDequantized(Lowering &l, QuantizedTensors *recorder) {
  // Per value, over every task computing it (or none changes: the value is
  // then int8 on the device either way): whether all its readers are
  // dequantize kernels (write f16), and whether all are dequantize kernels
  // or DPU tasks (int8 only because those tasks read it so: in a mixed
  // compile where they are fp16 it is written f16, so it is one of the
  // tensors those readers quantize, never its producer's).
  struct Decision {
    bool f16 = true, byReaders = true;
  };
  llvm::DenseMap<Value, Decision> decisions;
  for (auto &[task, form] : l.floatOutputs) {
    // A pre-quantized model's own quantization of the value is kept (not
    // parameters a pass gave it: npu.quant_from_consumer).
    // A clamp with a non-zero minimum needs a quantized output on NPU3720.
    Operation *def = form.old.getDefiningOp();
    bool ownPair = quantAnnotationOf(form.old) &&
                   !(def && def->hasAttr(kQuantFromConsumerAttr));
    bool may = mayWriteF16(task) && !ownPair &&
               (form.post.clampLow == -INFINITY || form.post.clampLow == 0.0f);
    auto users = task->getResult(0).getUsers();
    Decision &d = decisions[form.old];
    d.f16 = d.f16 && may && llvm::all_of(users, readsAsF16);
    d.byReaders = d.byReaders && may && llvm::all_of(users, [](Operation *u) {
                    return readsAsF16(u) || isDpuTask(u);
                  });
  }
  for (auto &[task, form] : l.floatOutputs) {
    Decision d = decisions.lookup(form.old);
    if (d.f16)
      toF16(l, task, form);
    if (d.byReaders && recorder)
      if (auto it = recorder->find(form.current); it != recorder->end())
        llvm::erase(it->second, form.old);
  }
}

} // namespace npu::lowering
