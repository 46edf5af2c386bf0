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
#include "npu/Dialect/NPU/IR/SplitSlices.h"
#include "npu/Dialect/NPU/IR/TensorKeys.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"
#include "npu/Interpreter/TensorConversion.h"
#include "npu/Support/HostTensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

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

/// Whether `user`, the only reader of the batched `v`, is an elementwise op
/// computed on each image alone: an activation or clamp, or an add / max /
/// min with a constant that is the same for every image.
bool isPerImageElementwise(Operation *user, Value v) {
  if (!user || user->getNumResults() != 1 ||
      user->getResult(0).getType() != v.getType())
    return false;
  if (isa<ReluOp, LeakyReluOp, ClipOp>(user))
    return true;
  if (!isa<AddOp, MaxOp, MinOp>(user))
    return false;
  Value other =
      user->getOperand(0) == v ? user->getOperand(1) : user->getOperand(0);
  auto type = dyn_cast<RankedTensorType>(other.getType());
  auto vType = cast<RankedTensorType>(v.getType());
  return other != v && other.getDefiningOp<ConstantOp>() && type &&
         (type.getRank() < vType.getRank() || type.getDimSize(0) == 1);
}

/// The DPU computes one image per task: a window op over a batch of N
/// images becomes N ops on one image each, joined on the batch axis
/// (still in the float graph; the lowering then maps each), recorded in
/// `origins`. The ops a convolution's DPU task fuses (convEpilogue, in the
/// precision it is lowered in) are split with it, so that each image's task
/// fuses them; the join follows the last. A debug-selected fused value
/// stands for its first image's (fused: no device buffer, as at batch 1).
void splitBatches(func::FuncOp func, lowering::DebugTensors &debug,
                  SplitOrigins &origins, bool int8, bool mixed) {
  SmallVector<Operation *> batched;
  func.walk([&](Operation *op) {
    // An add or subtraction of two batched images of the same shape (a
    // residual connection at batch 2) is one DPU eltwise task per image,
    // reading the images of the joins before it (found by a fresh user:
    // batched, it ran on SHAVE, and batch 2 cost 2.5-3x batch 1).
    if (isa<AddOp, SubOp>(op) && op->getNumOperands() == 2) {
      auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
      if (type && type.getRank() == 4 && type.getDimSize(0) > 1 &&
          op->getOperand(0).getType() == type &&
          op->getOperand(1).getType() == type)
        batched.push_back(op);
      return;
    }
    if (!isa<ConvOp, ConvTransposeOp, MaxPoolOp, AvgPoolOp, GlobalAvgPoolOp,
             GlobalMaxPoolOp>(op))
      return;
    auto in = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
    auto out = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (in && out && in.getRank() >= 3 && in.getDimSize(0) > 1 &&
        out.getDimSize(0) == in.getDimSize(0))
      batched.push_back(op);
  });
  llvm::SetVector<Operation *> joins;
  // Ops a chain before took (an elementwise op after a window op).
  llvm::DenseSet<Operation *> taken;
  for (Operation *op : batched) {
    if (taken.contains(op))
      continue;
    OpBuilder b(op);
    auto in = cast<RankedTensorType>(op->getOperand(0).getType());
    auto out = cast<RankedTensorType>(op->getResult(0).getType());
    SmallVector<int64_t> inShape(in.getShape()), outShape(out.getShape());
    inShape[0] = outShape[0] = 1;
    SmallVector<int64_t> steps(in.getRank(), 1);
    SmallVector<Value> images;
    // The window op, the epilogue its task fuses, and the elementwise ops
    // after them on each image alone (SHAVE kernels per image: the next
    // batched window op then takes its images from the join). A value a
    // debug build selects that a device buffer holds ends the chain (it is
    // the join, exposed whole); a fused one stands for its first image's
    // (no device buffer, as at batch 1).
    SmallVector<Operation *> chain = {op};
    if (auto conv = dyn_cast<ConvOp>(op)) {
      lowering::Lowering probe(
          b, int8 && !(mixed && op->hasAttr(lowering::kFp16Attr)));
      chain.append(lowering::convEpilogue(probe, conv));
    }
    size_t fused = chain.size() - 1; // chain[0 .. fused) have no buffer.
    while (chain.size() < 8 && !debug.selects(chain.back()->getResult(0))) {
      Value v = chain.back()->getResult(0);
      Operation *user = v.hasOneUse() ? *v.getUsers().begin() : nullptr;
      if (!isPerImageElementwise(user, v))
        break;
      chain.push_back(user);
    }
    Operation *last = chain.back();
    llvm::DenseMap<Operation *, Value> firstImage;
    b.setInsertionPoint(last);
    // An earlier split's join gives its images as they are (a chain of
    // per-image DPU tasks stays per image, in int8).
    // The batched operands: the window op's input, both of an eltwise's.
    unsigned numBatched = isa<AddOp, SubOp>(op) ? 2 : 1;
    for (int64_t n = 0; n < in.getDimSize(0); ++n) {
      IRMapping map;
      for (unsigned i = 0; i < numBatched; ++i) {
        Value operand = op->getOperand(i);
        if (map.contains(operand))
          continue; // x + x.
        auto join = operand.getDefiningOp<ConcatOp>();
        if (join && (!joins.contains(join) ||
                     int64_t(join->getNumOperands()) != in.getDimSize(0)))
          join = ConcatOp();
        Value image;
        if (join) {
          image = join->getOperand(n);
        } else {
          SmallVector<int64_t> starts(in.getRank(), 0);
          starts[0] = n;
          auto slice = SliceOp::create(b, op->getLoc(), in.clone(inShape),
                                       operand, b.getDenseI64ArrayAttr(starts),
                                       b.getDenseI64ArrayAttr(steps));
          // An image has its batch's calibrated range.
          if (auto range = lowering::rangeAttrOf(operand))
            slice->setAttr(kRangeAttr, range);
          if (auto quant = quantAnnotationOf(operand))
            slice->setAttr(kQuantAttr, quant);
          image = slice;
          // A slice of an earlier split op's joined result stands for that
          // op's batched result.
          Value batchedValue = operand;
          if (Value original = origins.values.lookup(batchedValue))
            batchedValue = original;
          origins.values[image] = batchedValue;
        }
        map.map(operand, image);
      }
      for (Operation *step : chain) {
        Operation *clone = b.clone(*step, map);
        clone->getResult(0).setType(out.clone(outShape));
        map.map(step->getResult(0), clone->getResult(0));
        origins.ops[clone] = step;
        origins.values[clone->getResult(0)] = step->getResult(0);
        if (n == 0)
          firstImage[step] = clone->getResult(0);
      }
      images.push_back(map.lookup(last->getResult(0)));
    }
    auto joined = ConcatOp::create(b, last->getLoc(), images, 0);
    joins.insert(joined);
    for (StringRef name : {StringRef(kRangeAttr), StringRef(kQuantAttr)})
      if (auto attr = last->getAttr(name))
        joined->setAttr(name, attr);
    last->getResult(0).replaceAllUsesWith(joined);
    origins.values[joined] = last->getResult(0);
    debug.replace(last->getResult(0), joined);
    for (size_t i = 0; i < fused; ++i)
      debug.replace(chain[i]->getResult(0), firstImage.lookup(chain[i]));
    for (Operation *step : llvm::reverse(chain)) {
      taken.insert(step);
      step->dropAllReferences();
      step->remove();
      origins.replaced.push_back(step);
    }
  }
  // Joins every reader of which took its images.
  for (Operation *join : joins)
    if (join->use_empty() && !debug.selects(join->getResult(0))) {
      origins.values.erase(join->getResult(0));
      join->erase();
    }
}

/// A split is one strided copy (DMA) per part: each part becomes a slice
/// of the input, with the part's calibrated range, recorded as the part it
/// stands for (the split stays alive, unlinked, until the lowering ends:
/// a calibration table's key names the part).
void splitsToSlices(func::FuncOp func, lowering::DebugTensors &debug,
                    SplitOrigins &origins) {
  SmallVector<SplitOp> splits;
  func.walk([&](SplitOp op) { splits.push_back(op); });
  for (SplitOp op : splits) {
    replaceSplitBySlices(
        op,
        [&](OpResult part, SliceOp slice) {
          if (auto range = lowering::rangeAttrOf(part))
            slice->setAttr(kRangeAttr, range);
          debug.replace(part, slice.getResult());
          origins.values[slice.getResult()] = part;
        },
        /*erase=*/false);
    op->dropAllReferences();
    op->remove();
    origins.replaced.push_back(op);
  }
}

/// The first non-null name `check` gives an operand's or result's type of
/// `op`, or nullopt.
template <typename Name>
std::optional<Name>
firstTypeName(Operation *op,
              llvm::function_ref<std::optional<Name>(RankedTensorType)> check) {
  for (Type t :
       llvm::concat<const Type>(op->getOperandTypes(), op->getResultTypes()))
    if (auto shaped = dyn_cast<RankedTensorType>(t))
      if (auto name = check(shaped))
        return name;
  return std::nullopt;
}

/// The name of a float element type other than f16 / f32 that an operand or
/// result of `op` has ("bfloat16", "float64"), or nullopt.
std::optional<StringRef> otherFloatType(Operation *op) {
  return firstTypeName<StringRef>(
      op, [](RankedTensorType t) -> std::optional<StringRef> {
        Type e = t.getElementType();
        if (!isa<FloatType>(e) || e.isF16() || e.isF32())
          return std::nullopt;
        return e.isBF16()  ? StringRef("bfloat16")
               : e.isF64() ? StringRef("float64")
                           : StringRef("non-float16/float32 float");
      });
}

/// Why a tensor of the float type `name` (otherFloatType) has no engine.
std::string otherFloatReason(StringRef name) {
  return ("a " + name + " tensor (models in float32 or float16 map to the NPU)")
      .str();
}

/// The name of an integer element type other than the device's booleans
/// and indices (i1, i32, i64) that an operand or result of `op` has
/// ("uint8", "int16", ...), or nullopt.
std::optional<std::string> otherIntegerType(Operation *op) {
  return firstTypeName<std::string>(
      op, [](RankedTensorType t) -> std::optional<std::string> {
        auto i = dyn_cast<IntegerType>(t.getElementType());
        if (!i ||
            (!i.isUnsigned() &&
             (i.getWidth() == 1 || i.getWidth() == 32 || i.getWidth() == 64)))
          return std::nullopt;
        return (i.isUnsigned() ? "uint" : "int") + std::to_string(i.getWidth());
      });
}

/// The largest rank of an operand or result of `op` that a SHAVE kernel
/// would address as it is (the index tuples of GatherND / ScatterND are
/// flattened by their lowering), or 0.
int64_t shaveRank(Operation *op) {
  int64_t rank = 0;
  for (OpOperand &o : op->getOpOperands()) {
    if (isa<GatherNDOp, ScatterNDOp>(op) && o.getOperandNumber() > 0)
      continue;
    if (auto t = dyn_cast<RankedTensorType>(o.get().getType()))
      rank = std::max(rank, t.getRank());
  }
  for (Type t : op->getResultTypes())
    if (auto r = dyn_cast<RankedTensorType>(t))
      rank = std::max(rank, r.getRank());
  return rank;
}

/// Every tensor must fit the NPU's DDR window; all that do not are
/// reported at once, at their ONNX nodes, once per node. The device holds
/// a computed float tensor as f16 (f32 where an fp32 island computes or
/// reads it) and a graph input or output as the model gives it.
LogicalResult checkTensorSizes(func::FuncOp func) {
  bool ok = true;
  llvm::DenseSet<Location> reported;
  auto check = [&](Value v, Location loc, bool asGiven) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    auto dtype =
        type ? dtypeForElementType(type.getElementType()) : std::nullopt;
    if (!dtype || !type.hasStaticShape())
      return;
    if (!asGiven && isFloat(*dtype)) {
      Operation *def = v.getDefiningOp();
      bool fp32 = (def && def->hasAttr(kFp32Attr)) ||
                  llvm::any_of(v.getUsers(), [](Operation *user) {
                    return user->hasAttr(kFp32Attr);
                  });
      dtype = fp32 ? DType::F32 : DType::F16;
    }
    std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
    std::optional<int64_t> bytes = checkedByteSize(*dtype, shape);
    if (bytes && uint64_t(*bytes) <= arch::kDdrWindowBytes)
      return;
    ok = false;
    NameLoc named = lowering::nodeLocation(loc);
    Location node = named ? Location(named) : loc;
    if (!reported.insert(node).second)
      return;
    auto diag = emitError(node) << "a tensor of shape " << shapeToString(shape)
                                << " (" << dtypeName(*dtype) << ") needs ";
    if (bytes)
      diag << *bytes << " bytes";
    else
      diag << "more bytes than 64 bits count";
    diag << ", more than the NPU's " << (arch::kDdrWindowBytes >> 30)
         << " GiB DDR address window";
  };
  for (BlockArgument arg : func.getArguments())
    check(arg, func.getLoc(), /*asGiven=*/true);
  auto outputs = func.getBody().front().getTerminator()->getOperands();
  llvm::DenseSet<Value> returned(outputs.begin(), outputs.end());
  func.walk([&](Operation *op) {
    for (Value r : op->getResults())
      check(r, op->getLoc(), returned.contains(r));
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

/// The quantize that reads `use`'s value through a chain of reshapes and
/// transposes each read only by the next (none is fine), then optionally
/// the channel padding of a DPU input (a concat with zeros along the last
/// axis, read only by the quantize): the chain in `views`, in order, the
/// padding in `pad`. Null when the chain ends elsewhere.
hw::ShaveOp quantizeThroughViews(OpOperand &use,
                                 SmallVectorImpl<Operation *> &views,
                                 ConcatOp &pad) {
  Operation *user = use.getOwner();
  Value v = use.get();
  while (isa<ReshapeOp, TransposeOp>(user) && user->getResult(0).hasOneUse()) {
    views.push_back(user);
    v = user->getResult(0);
    user = *v.getUsers().begin();
  }
  if (auto concat = dyn_cast<ConcatOp>(user)) {
    auto type = cast<RankedTensorType>(concat.getType());
    if (concat->getNumOperands() != 2 || concat->getOperand(0) != v ||
        !matchPattern(concat->getOperand(1), m_AnyZeroFloat()) ||
        int64_t(concat.getAxis()) != type.getRank() - 1 ||
        !concat->getResult(0).hasOneUse())
      return nullptr;
    pad = concat;
    user = *concat->getResult(0).getUsers().begin();
  }
  auto quantize = dyn_cast<hw::ShaveOp>(user);
  if (!quantize || quantize.getKernel() != "quantize" ||
      quantize->getNumOperands() != 1)
    return nullptr;
  return quantize;
}

/// An f32 graph input that is quantized is quantized from f32 directly
/// (the quantize kernel reads f32): one SHAVE pass over the input instead
/// of an f16 conversion and a second pass, and no double rounding (ONNX
/// Runtime quantizes a pre-quantized model's input from f32 too). Reshapes
/// and transposes between the conversion and the quantize move after it,
/// on int8 data (elementwise, the quantize commutes with them exactly).
/// So does a concatenation of zeros that pads the channels for the DPU
/// (its padding then repeats the input's first channels). The f16
/// conversion stays for the input's other readers.
void quantizeGraphInputsDirectly(Block &body) {
  for (BlockArgument arg : body.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !type.getElementType().isF32())
      continue;
    for (Operation *user : llvm::make_early_inc_range(arg.getUsers())) {
      auto convert = dyn_cast<hw::ShaveOp>(user);
      if (!convert || convert.getKernel() != "convert")
        continue;
      for (OpOperand &use :
           llvm::make_early_inc_range(convert->getResult(0).getUses())) {
        SmallVector<Operation *> views;
        ConcatOp pad;
        hw::ShaveOp quantize = quantizeThroughViews(use, views, pad);
        if (!quantize)
          continue;
        // quantize(views(convert(arg))) -> views(quantize(arg)).
        OpBuilder b(quantize);
        Operation *q = b.clone(*quantize);
        q->setOperand(0, arg);
        q->getResult(0).setType(RankedTensorType::get(
            type.getShape(),
            cast<RankedTensorType>(quantize->getResult(0).getType())
                .getElementType()));
        Value v = lowering::replayViews(b, views, q->getResult(0));
        if (pad) {
          // The padding channels repeat the first ones (repeatChannels;
          // the space-to-depth stem pads so too). FoldChannelPadding sees
          // no zero padding here and keeps the slices it would fold.
          v = lowering::repeatChannels(
              b, pad.getLoc(), v,
              cast<RankedTensorType>(pad.getType()).getShape().back());
        }
        quantize->getResult(0).replaceAllUsesWith(v);
        quantize->erase();
        if (pad) {
          Operation *zeros = pad->getOperand(1).getDefiningOp();
          pad->erase();
          if (zeros->use_empty())
            zeros->erase();
        }
        for (Operation *view : llvm::reverse(views))
          view->erase();
      }
      if (convert->use_empty())
        convert->erase();
    }
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
    if (failed(lowering::selectDebugTensors(func, expose, corrupt, debug)))
      return signalPassFailure();
    // A quantized model (its QuantizeLinear / DequantizeLinear pairs,
    // docs/prequantized.md) compiled in fp16 is its float model, without
    // the pairs' rounding and saturation: said once, at the first tensor
    // (found by a fresh user: every output differed from ONNX Runtime's
    // and nothing said why).
    if (precision == "fp16") {
      unsigned quantized = 0;
      std::optional<Location> first;
      for (unsigned i = 0; i < func.getNumArguments(); ++i)
        if (func.getArgAttr(i, kQuantAttr)) {
          ++quantized;
          first = first.value_or(func.getArgument(i).getLoc());
        }
      func.walk([&](Operation *op) {
        if (op->hasAttr(kQuantAttr)) {
          ++quantized;
          first = first.value_or(op->getLoc());
        }
      });
      if (quantized)
        emitWarning(*first)
            << "the model is quantized (QuantizeLinear / DequantizeLinear "
               "on "
            << quantized
            << " tensor(s)): --precision fp16 computes its float model, "
               "without the quantization's rounding and saturation, so its "
               "outputs differ from the quantized model's (ONNX Runtime's); "
               "--precision int8 uses the model's parameters";
    }
    // Ranges a calibration table edited by hand: the lowering records the
    // tensors its int8 tasks take parameters from, and an edited range that
    // is none of them is said to be unused (the user believes it applied).
    // Not in mixed precision, where the layer search reads every range (an
    // edit can move the layers kept fp16, and so whether the range ends up
    // used).
    std::vector<std::pair<Value, std::string>> edited;
    if (precision == "int8")
      for (KeyedTensor &k : collectTensorKeys(func)) {
        bool marked = false;
        if (!k.op)
          marked = bool(func.getArgAttr(k.index, kRangeManualAttr));
        else if (auto results =
                     k.op->getAttrOfType<DenseI64ArrayAttr>(kRangeManualAttr))
          marked = llvm::is_contained(results.asArrayRef(), int64_t(k.index));
        if (marked)
          edited.emplace_back(k.value, k.key);
      }
    lowering::QuantizedTensors recorded;
    if (failed(lowering::lowerFunction(func, precision, debug,
                                       edited.empty() ? nullptr : &recorded)))
      return signalPassFailure();
    if (edited.empty())
      return;
    // The recorded values are only compared, never dereferenced (the
    // lowering erased their ops).
    llvm::DenseSet<Value> used;
    for (auto &[op, values] : recorded)
      used.insert(values.begin(), values.end());
    std::vector<std::string> unused;
    for (auto &[value, key] : edited)
      if (!used.contains(value))
        unused.push_back("'" + key + "'");
    if (unused.empty())
      return;
    std::string list =
        llvm::join(ArrayRef<std::string>(unused).take_front(20), ", ");
    if (unused.size() > 20)
      list += ", ... (" + std::to_string(unused.size() - 20) + " more)";
    emitWarning(func.getLoc())
        << "the calibration table's ranges edited by hand (method manual) of "
        << unused.size()
        << " tensor(s) are not used by the int8 program: " << list
        << ". Only the tensors int8 DPU tasks read or write take their "
           "ranges: a weight's int8 scales come from its values (per output "
           "channel), a result fused with the activation or clamp after it "
           "takes that op's range, and a tensor only SHAVE kernels or fp16 "
           "layers read stays fp16 (--compile-to=int8 shows the program)";
  }
};

} // namespace

/// A tensor the device holds in f16 (a SHAVE op's operand or result, a
/// DPU output an fp16 reader dequantizes) whose calibrated range passes
/// f16's largest finite value, 65504: its values past it become infinite
/// on the device, and NaN after (found by a fresh user: a network of
/// unnormalized activations output NaN with no word at compile time).
/// Warned at the op, once per tensor; an int8-only tensor (a DPU output
/// read only by DPU tasks) is not f16 and not warned about; a graph output
/// is, unless computed in fp32.
static void warnF16Overflow(lowering::Lowering &l, ArrayRef<Operation *> old) {
  constexpr float kF16Max = 65504.0f;
  auto isF16 = [](Value v) {
    auto t = v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
    return t && t.getElementType().isF16();
  };
  for (Operation *op : old)
    for (Value r : op->getResults()) {
      DenseF32ArrayAttr range = lowering::rangeAttrOf(r);
      if (!range || std::max(std::abs(range[0]), std::abs(range[1])) <= kF16Max)
        continue;
      // A graph output is converted to its type from f16 (the DPU writes
      // f16 where only that conversion reads its result), unless an fp32
      // island computed it (found by a fresh user: a convolution as the
      // graph output gave infinite values without a word).
      bool output = llvm::any_of(r.getUsers(), [](Operation *user) {
        return user->hasTrait<OpTrait::IsTerminator>();
      });
      if (!isF16(l.map.lookupOrNull(r)) && !isF16(l.hwcForms.lookup(r)) &&
          !(output && !l.f32Forms.lookup(r)))
        continue;
      emitWarning(op->getLoc())
          << "the device holds this tensor in fp16, but its calibrated "
             "range "
          << llvm::formatv("[{0}, {1}]", llvm::format("%g", range[0]),
                           llvm::format("%g", range[1]))
                 .str()
          << " passes fp16's largest value, 65504: its values past it "
             "become infinite on the NPU (scale the model's activations "
             "down, e.g. normalize its input)";
    }
}

LogicalResult lowering::lowerFunction(func::FuncOp func, StringRef precision,
                                      DebugTensors &debug,
                                      QuantizedTensors *recorder, bool warn) {
  if (precision != "fp16" && precision != "int8" && precision != "mixed")
    return func.emitError() << "unknown precision '" << precision
                            << "' (expected fp16, int8 or mixed)";
  // A stage at or past the hardware ops is not lowered again.
  Operation *lowered = nullptr;
  func.walk([&](Operation *op) {
    if (!lowered && isa<hw::NPUHWDialect>(op->getDialect()))
      lowered = op;
  });
  if (lowered) {
    InFlightDiagnostic d = func.emitError()
                           << "holds hardware ops already (the hwops stage or "
                              "later): the lowering reads the canonical or "
                              "calibrated stage";
    d.attachNote(lowered->getLoc()) << "'" << lowered->getName() << "' here";
    return d;
  }
  SplitOrigins origins;
  bool int8 = precision != "fp16", mixed = precision == "mixed";
  splitBatches(func, debug, origins, int8, mixed);
  splitsToSlices(func, debug, origins);
  Block &body = func.getBody().front();
  OpBuilder b(func.getContext());
  if (failed(checkTensorSizes(func)))
    return failure();
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

  // Booleans are f16 0 / 1 inside the blob: none crosses its boundary.
  // Reported at the ops that read a boolean input or make a boolean
  // result.
  auto isBool = [](Value v) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    return t && t.getElementType().isInteger(1);
  };
  llvm::SmallPtrSet<Operation *, 4> boolBoundary;
  for (BlockArgument arg : body.getArguments())
    if (isBool(arg))
      for (Operation *user : arg.getUsers())
        boolBoundary.insert(user);
  for (Value v : body.getTerminator()->getOperands())
    if (isBool(v))
      if (Operation *def = v.getDefiningOp())
        boolBoundary.insert(def);

  for (Operation *op : old) {
    if (isa<ConstantOp>(op)) {
      // Converted where used; a constant graph output (Dropout's mask, an
      // EyeLike) must be of a device type there.
      bool output = llvm::any_of(op->getUsers(), [](Operation *user) {
        return user->hasTrait<OpTrait::IsTerminator>();
      });
      if (output && boolBoundary.contains(op))
        unsupported.push_back(
            {op, "a boolean graph output (the device holds booleans as "
                 "float16 0 / 1: take it as float)"});
      else if (std::optional<StringRef> other = otherFloatType(op);
               output && other)
        unsupported.push_back({op, otherFloatReason(*other)});
      continue;
    }
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
    // The device's float types are f16 and f32 (a float16 model's tensors
    // are f32 here, npu-widen-float16); bf16 and f64 ones have no engine.
    if (std::optional<StringRef> other = otherFloatType(op)) {
      reason = otherFloatReason(*other);
      r = failure();
    } else if (boolBoundary.contains(op)) {
      reason = "a boolean graph input or output (the device holds booleans "
               "as float16 0 / 1: give or take them as float)";
      r = failure();
    } else if (std::optional<std::string> other = otherIntegerType(op);
               other && !isa<CastOp, QuantizeLinearOp, DequantizeLinearOp,
                             ReshapeOp, TransposeOp, SliceOp, ConcatOp>(op)) {
      reason = "a " + *other +
               " tensor (the NPU computes on float tensors: cast it to "
               "float first; a cast of an 8-bit graph input runs on the "
               "device)";
      r = failure();
    } else if (int64_t rank = shaveRank(op);
               rank > 5 &&
               !isa<ReshapeOp, TransposeOp, SliceOp, ConcatOp, CastOp>(op)) {
      reason = "a tensor of rank " + std::to_string(rank) +
               " (SHAVE kernels address at most 5 dimensions)";
      r = failure();
    }
    if (!r && !op->hasAttr(kFp32Attr))
      r = lowering::lowerDpuOp(l, op, reason);
    bool onShave = false;
    if (!r) {
      r = lowering::lowerShaveOp(l, op, reason);
      onShave = r.has_value();
    }
    if (!r)
      r = lowering::lowerDataMovementOp(l, op, reason);
    if (r)
      done = *r;
    // A pre-quantized model's Q/DQ pair after a SHAVE op rounds and clamps
    // its result: so does the device.
    if (succeeded(done) && onShave)
      for (Value result : op->getResults())
        if (failed(l.keepQuantGrid(op->getLoc(), result, reason))) {
          done = failure();
          break;
        }
    if (failed(done)) {
      unsupported.push_back({op, reason});
      // Stand-ins for its results, so that the ops after it are still
      // checked (and reported) too.
      // (and for the ops its failed attempt fused into it, which are
      // skipped below).
      auto standIn = [&](Operation *failedOp) {
        for (Value r : failedOp->getResults())
          if (auto t = dyn_cast<RankedTensorType>(r.getType()))
            if (!l.map.lookupOrNull(r))
              l.map.map(r, l.zeros(failedOp->getLoc(), t.getShape()));
      };
      standIn(op);
      for (Operation *fusedOp : l.fused)
        standIn(fusedOp);
    }
  }
  l.current = nullptr;
  if (warn && unsupported.empty())
    warnF16Overflow(l, old);

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
    // A graph input returned unchanged (an Identity or a Reshape of it):
    // its own bytes, copied exactly, not through the device's f16 (found
    // by a fresh user: an Identity output differed from its input).
    Value source = operand.get();
    while (auto reshape = source.getDefiningOp<ReshapeOp>())
      source = reshape.getInput();
    if (isa<BlockArgument>(source) &&
        cast<RankedTensorType>(source.getType()).getElementType() ==
            want.getElementType()) {
      if (source != operand.get())
        operand.set(l.reshape(operand.get().getLoc(), source, want.getShape()));
      continue;
    }
    // An f32 form (an fp32 island's result, integers cast to float) is
    // returned as it is, even where f16 readers took its f16 conversion.
    Value v;
    if (want.getElementType().isF32())
      v = l.f32Forms.lookup(operand.get());
    if (!v)
      v = l.map.lookupOrNull(operand.get());
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
  lowering::lookUpInt8Activations(l, func);
  lowering::foldRoundTripsThroughViews(body);
  lowering::requantizeInPools(l);
  lowering::splitDequantizedConcats(body);
  lowering::writeF16WhereDequantized(l, recorder);
  for (Operation *op : llvm::reverse(old))
    if (op->use_empty())
      op->erase();
  // Constants of the old graph still used by the new one (integer ones)
  // stay; the rest is gone. So does data movement the lowering made that
  // nothing reads (the head transposes whose matrices a matmul of two
  // activations took from their input directly).
  SmallVector<Operation *> made;
  for (Operation &op : body)
    made.push_back(&op);
  for (Operation *op : llvm::reverse(made))
    if (op->use_empty() &&
        isa<TransposeOp, ReshapeOp, SliceOp, ConcatOp, ConstantOp>(op))
      op->erase();
  lowering::hoistQuantizes(body);
  quantizeGraphInputsDirectly(body);
  lowering::hoistQuantizesThroughConcats(body);
  // Pairs the moves above made adjacent (a pre-quantized model's pairs
  // between two 3-D matmuls, too: a ViT block 26126 -> 20199 cycles).
  lowering::foldRoundTripsThroughViews(body);
  return success();
}

} // namespace npu
