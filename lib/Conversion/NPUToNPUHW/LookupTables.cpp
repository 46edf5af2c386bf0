//===- LookupTables.cpp - int8 activations as one table lookup ------------===//
//
// The int8 lowering runs an activation between two int8 tensors (a GELU
// between the matmuls of a feed-forward block, a SiLU between
// convolutions) as dequantize -> f16 kernel -> quantize on SHAVE, and the
// DPU task before it then writes f16 instead of the dequantize
// (writeF16WhereDequantized). An int8 input has only 256 values: the three
// kernels, applied once to each of them at compile time (device::runShave,
// the arithmetic the interpreter and the simulated device share), give a
// table, and one `lut` kernel maps the int8 input to the int8 output
// through it, equal to the chain bit for bit. The DPU task then keeps its
// int8 result (the activation's input is rounded to its calibrated range,
// as every int8 tensor is). A graph output or an exposed tensor
// (--expose-tensors) along the chain is computed from that int8 result as
// before, so a debug build computes what the real one does. Done where the
// cycle model charges the table less than the f16 kernel and the quantize it
// replaces (gelu, sigmoid, swish, tanh, exp, ...; not hswish or relu, cheaper
// per element in f16).
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "npu/Arch/CostModel.h"
#include "npu/Arch/ShaveKernels.h"
#include "npu/Blob/Verifier.h"
#include "npu/Device/Engines.h"
#include "npu/Dialect/NPU/IR/Target.h"
#include "npu/Dialect/NPUHW/IR/DeviceTypes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;

namespace npu::lowering {
namespace {

/// A SHAVE task of `kernel` with `op`'s parameters over 256 elements of
/// `in` -> `out` (types as the device stores them).
blob::ShaveTask tableTask(arch::ShaveKernel kernel, hw::ShaveOp op, DType in,
                          DType out) {
  blob::ShaveTask t;
  t.kernel = kernel;
  t.fparams.assign(op.getFparams().begin(), op.getFparams().end());
  t.iparams.assign(op.getIparams().begin(), op.getIparams().end());
  t.inputs.push_back(blob::TensorRef::dense(0, 0, in, {256}));
  t.outputs.push_back(blob::TensorRef::dense(1, 0, out, {256}));
  return t;
}

device::View viewOf(std::vector<uint8_t> &bytes, DType dtype) {
  device::View v;
  v.data = bytes.data();
  v.dtype = dtype;
  v.shape = {256};
  v.strides = {dtypeSize(dtype)};
  return v;
}

/// The table of dequantize -> `act` -> quantize for every int8 input
/// value (index q + 128), or nullopt when a kernel fails.
std::optional<std::vector<int8_t>> tableOf(hw::ShaveOp dequantize,
                                           hw::ShaveOp act,
                                           hw::ShaveOp quantize,
                                           arch::ShaveKernel kernel) {
  std::vector<uint8_t> in(256), mid(512), activated(512), out(256);
  for (int i = 0; i < 256; ++i)
    in[i] = uint8_t(int8_t(i - 128));
  struct Step {
    blob::ShaveTask task;
    std::vector<uint8_t> *from, *to;
  };
  Step steps[] = {
      {tableTask(arch::ShaveKernel::Dequantize, dequantize, DType::I8,
                 DType::F16),
       &in, &mid},
      {tableTask(kernel, act, DType::F16, DType::F16), &mid, &activated},
      {tableTask(arch::ShaveKernel::Quantize, quantize, DType::F16, DType::I8),
       &activated, &out}};
  for (Step &s : steps) {
    std::string error;
    if (!blob::verifyShaveTask(s.task, error) ||
        !device::runShave(s.task, {viewOf(*s.from, s.task.inputs[0].dtype)},
                          {viewOf(*s.to, s.task.outputs[0].dtype)}, error))
      return std::nullopt;
  }
  std::vector<int8_t> table(256);
  for (int i = 0; i < 256; ++i)
    table[i] = int8_t(out[i]);
  return table;
}

/// Whether `user` only hands its operand to the function's results: the
/// return, or conversions and views (slices, reshapes, transposes: a
/// graph output's unpadding and layout change) only such ops read (a
/// graph output, or a tensor npu-compile --expose-tensors exposes: the
/// debug build must compute what the real one does).
bool onlyReturns(Operation *user) {
  if (isa<func::ReturnOp>(user))
    return true;
  auto convert = dyn_cast<hw::ShaveOp>(user);
  bool passes = (convert && convert.getKernel() == "convert") ||
                isa<SliceOp, ReshapeOp, TransposeOp>(user);
  return passes && user->getNumResults() == 1 &&
         llvm::all_of(user->getResult(0).getUsers(), onlyReturns);
}

/// Whether `next` and returns (onlyReturns) are all that read `v`.
bool readOnlyBy(Value v, Operation *next) {
  return llvm::all_of(
      v.getUsers(), [&](Operation *u) { return u == next || onlyReturns(u); });
}

/// The SHAVE op defining `v`, through the reshapes between them (a 1x1
/// convolution's [H, W, C] result seen as a matmul's [1, H, W, C]: an
/// elementwise kernel maps each element alone, whatever the shape), with
/// kernel `name` (any elementwise kernel but the conversions when empty)
/// and one operand, whose result, and each reshape's, only the next op on
/// the way to `user` reads (and returns); null otherwise. `between`: the
/// reshapes, `user`'s first.
hw::ShaveOp soleProducer(Value v, StringRef name, Operation *user,
                         SmallVectorImpl<Operation *> &between) {
  Operation *reader = user;
  while (auto reshape = v.getDefiningOp<ReshapeOp>()) {
    if (!readOnlyBy(reshape.getResult(), reader))
      return nullptr;
    between.push_back(reshape);
    reader = reshape;
    v = reshape.getInput();
  }
  auto op = v.getDefiningOp<hw::ShaveOp>();
  if (!op || op->getNumOperands() != 1 || op->getNumResults() != 1 ||
      !readOnlyBy(op->getResult(0), reader))
    return nullptr;
  if (!name.empty())
    return op.getKernel() == name ? op : nullptr;
  auto kernel = arch::parseShaveKernel(op.getKernel().str());
  if (!kernel || !arch::isElementwiseKernel(*kernel) ||
      *kernel == arch::ShaveKernel::Quantize ||
      *kernel == arch::ShaveKernel::Dequantize ||
      *kernel == arch::ShaveKernel::Convert)
    return nullptr;
  return op;
}

/// Whether one `lut` over `n` elements is modelled faster than `kernel`
/// over them in f16 followed by a quantize (the chain's launch is paid
/// either way).
bool lookupPays(const arch::HardwareDesc &hw, arch::ShaveKernel kernel,
                uint64_t n) {
  uint64_t chain = arch::shaveChainCycles(
      hw, {{kernel, n, 2}, {arch::ShaveKernel::Quantize, n, 1}});
  uint64_t lut = arch::shaveTaskCycles(hw, arch::ShaveKernel::Lut, n, 1);
  return lut < chain;
}

} // namespace

void lookUpInt8Activations(Lowering &l, func::FuncOp func) {
  // Without a target (a hand-written test of the lowering) nothing is
  // looked up.
  auto module = func->getParentOfType<ModuleOp>();
  if (!module || !module->hasAttr(kTargetAttr))
    return;
  const arch::HardwareDesc *hw = getHardware(module);
  if (!hw)
    return;
  SmallVector<hw::ShaveOp> quantizes;
  for (Operation &op : func.getBody().front())
    if (auto q = dyn_cast<hw::ShaveOp>(op);
        q && q.getKernel() == "quantize" && q->getNumOperands() == 1)
      quantizes.push_back(q);
  for (hw::ShaveOp quantize : quantizes) {
    // quantize <- reshapes <- act <- reshapes <- dequantize.
    SmallVector<Operation *> after, before;
    hw::ShaveOp act =
        soleProducer(quantize->getOperand(0), "", quantize, after);
    if (!act)
      continue;
    auto kernel = arch::parseShaveKernel(act.getKernel().str());
    hw::ShaveOp dequantize =
        soleProducer(act->getOperand(0), "dequantize", act, before);
    if (!dequantize)
      continue;
    auto inType = cast<RankedTensorType>(dequantize->getOperand(0).getType());
    auto midType = cast<RankedTensorType>(act->getResult(0).getType());
    auto outType = cast<RankedTensorType>(quantize->getResult(0).getType());
    if (hw::deviceDType(inType.getElementType()) != DType::I8 ||
        hw::deviceDType(outType.getElementType()) != DType::I8 ||
        !midType.getElementType().isF16() ||
        !lookupPays(*hw, *kernel, uint64_t(outType.getNumElements())))
      continue;
    std::optional<std::vector<int8_t>> table =
        tableOf(dequantize, act, quantize, *kernel);
    if (!table)
      continue;
    l.b.setInsertionPoint(quantize);
    HostTensor entries(DType::I8, {256});
    std::copy(table->begin(), table->end(), entries.data<int8_t>());
    // At the activation's node: the table computes it (found by a review:
    // at the quantize's, its consumer's, a sigmoid's tasks were named after
    // the add reading it in profiles and traces).
    Location loc = act.getLoc();
    Value tableValue = l.constant(
        loc, entries, RankedTensorType::get({256}, l.b.getIntegerType(8)));
    Value x = l.reshape(loc, dequantize->getOperand(0), outType.getShape());
    Value y = l.shave(loc, "lut", {x, tableValue}, outType);
    quantize->getResult(0).replaceAllUsesWith(y);
    quantize->erase();
    // Kept for the returns that read them, computed from the same int8
    // input as the table.
    SmallVector<Operation *> chain(after);
    chain.push_back(act);
    chain.append(before);
    chain.push_back(dequantize);
    for (Operation *op : chain)
      if (op->use_empty())
        op->erase();
  }
}

} // namespace npu::lowering
