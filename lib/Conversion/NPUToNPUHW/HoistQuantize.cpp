//===- HoistQuantize.cpp - Quantize before data movement ------------------===//
//
// The lowering quantizes a DPU task's input where the task reads it: after
// the layout changes (transposes, reshapes) and slices between the value's
// producer and the task. A quantize is elementwise, so it commutes with
// them exactly. Moved before them, it runs right after the value's producer
// (a SHAVE kernel's result joins that kernel's chain: one launch fewer),
// the data movement carries int8 instead of f16 (half the bytes), and the
// quantizes of several views of one value with the same parameters (the
// taps of a dilated convolution, the groups of a grouped one) become one.
// Outputs are bit for bit the same. Also here: a quantize of a dequantize
// of the same parameters through such views is the views of the int8
// codes (foldRoundTripsThroughViews), so that the DPU task computing them
// keeps writing int8 instead of f16 that is quantized again; and a pooling
// task whose result is quantized again with other parameters writes them
// directly, the PPE requantizing (requantizeInPools).
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace npu::lowering {

namespace {

bool isQuantize(Operation *op) {
  auto shave = dyn_cast<hw::ShaveOp>(op);
  return shave && shave.getKernel() == "quantize" &&
         shave->getNumOperands() == 1;
}

/// Whether quantizes `a` and `b` compute the same function (of inputs of
/// any shape).
bool sameFunction(Operation *a, Operation *b) {
  return a->getAttrDictionary() == b->getAttrDictionary() &&
         cast<ShapedType>(a->getResult(0).getType()).getElementType() ==
             cast<ShapedType>(b->getResult(0).getType()).getElementType();
}

/// Whether two quantizes compute the same function of the same input type.
bool sameQuantize(Operation *a, Operation *b) {
  return sameFunction(a, b) &&
         a->getOperand(0).getType() == b->getOperand(0).getType();
}

bool isView(Operation *op) { return isa<ReshapeOp, TransposeOp, SliceOp>(op); }

int64_t elements(Value v) {
  return cast<ShapedType>(v.getType()).getNumElements();
}

/// `v`'s type with `element` as its element type.
RankedTensorType retyped(Value v, Type element) {
  return RankedTensorType::get(cast<RankedTensorType>(v.getType()).getShape(),
                               element);
}

/// The quantize that alone reads view `view` (a reshape, transpose or
/// slice), or null.
Operation *soleQuantizeOfView(Operation *view) {
  if (!isView(view) || !view->getResult(0).hasOneUse())
    return nullptr;
  Operation *user = *view->getResult(0).getUsers().begin();
  return isQuantize(user) ? user : nullptr;
}

/// One quantize of `source` with `like`'s parameters, right after
/// `source`'s definition (so that it chains with a SHAVE producer).
Operation *quantizeAtSource(Value source, Operation *like) {
  OpBuilder b(like->getContext());
  if (Operation *def = source.getDefiningOp())
    b.setInsertionPointAfter(def);
  else
    b.setInsertionPointToStart(cast<BlockArgument>(source).getOwner());
  Operation *q = b.clone(*like);
  q->setOperand(0, source);
  Type element =
      cast<ShapedType>(like->getResult(0).getType()).getElementType();
  q->getResult(0).setType(retyped(source, element));
  return q;
}

/// Replaces `quantize(view(source))` by `view'(q)`, `q` the quantize of
/// `source`: the view is cloned on int8 at the quantize's place.
void moveBelow(Operation *view, Operation *quantize, Value q) {
  OpBuilder b(quantize);
  quantize->getResult(0).replaceAllUsesWith(replayViews(b, {view}, q));
  quantize->erase();
  view->erase();
}

/// One round over the body; whether anything moved.
bool hoistOnce(Block &body) {
  // Values read by quantizes through one view, grouped by the quantize's
  // function: each group is one candidate.
  llvm::MapVector<Value, SmallVector<Operation *, 4>> viewed;
  for (Operation &op : body)
    if (isQuantize(&op))
      if (Operation *view = op.getOperand(0).getDefiningOp())
        if (soleQuantizeOfView(view) == &op)
          viewed[view->getOperand(0)].push_back(view);

  bool changed = false;
  for (auto &[source, views] : viewed) {
    // Groups of views whose quantizes agree.
    SmallVector<SmallVector<Operation *, 4>> groups;
    for (Operation *view : views) {
      Operation *q = *view->getResult(0).getUsers().begin();
      auto it = llvm::find_if(groups, [&](auto &g) {
        return sameQuantize(*g.front()->getResult(0).getUsers().begin(), q);
      });
      if (it == groups.end())
        groups.push_back({view});
      else
        it->push_back(view);
    }
    for (auto &group : groups) {
      // Quantizing the whole source must not cost more elements than the
      // views' quantizes did (a slice of a small part stays as it is).
      int64_t quantized = 0;
      for (Operation *view : group)
        quantized += elements(view->getResult(0));
      if (quantized < elements(source))
        continue;
      Operation *like = *group.front()->getResult(0).getUsers().begin();
      Value q = quantizeAtSource(source, like)->getResult(0);
      for (Operation *view : group)
        moveBelow(view, *view->getResult(0).getUsers().begin(), q);
      changed = true;
    }
  }
  return changed;
}

/// The value `v` is a view of (through reshapes, transposes and slices, each
/// read only by the next), or `v`.
Value viewedSource(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!isView(def))
      break;
    v = def->getOperand(0);
  }
  return v;
}

/// Whether `v` has a quantize that computes `like`'s function.
bool hasQuantizeLike(Value v, Operation *like) {
  return llvm::any_of(v.getUsers(), [&](Operation *u) {
    return isQuantize(u) && sameFunction(u, like);
  });
}

/// Quantizes of one value with the same parameters become the first.
void mergeQuantizes(Block &body) {
  llvm::MapVector<Value, SmallVector<Operation *, 4>> byInput;
  for (Operation &op : body)
    if (isQuantize(&op))
      byInput[op.getOperand(0)].push_back(&op);
  for (auto &[input, quantizes] : byInput)
    for (size_t i = 0; i < quantizes.size(); ++i) {
      if (!quantizes[i])
        continue;
      for (size_t j = i + 1; j < quantizes.size(); ++j)
        if (quantizes[j] && sameQuantize(quantizes[i], quantizes[j])) {
          quantizes[j]->getResult(0).replaceAllUsesWith(
              quantizes[i]->getResult(0));
          quantizes[j]->erase();
          quantizes[j] = nullptr;
        }
    }
}

/// Whether nothing reads `op`'s result but views that nothing reads (the
/// lowering leaves such views until its end).
bool isUnread(Operation *op) {
  return llvm::all_of(op->getUsers(),
                      [](Operation *u) { return isView(u) && isUnread(u); });
}

/// Erases `op` and the views reading it when isUnread.
void eraseIfUnread(Operation *op) {
  if (!isUnread(op))
    return;
  for (Operation *u : llvm::make_early_inc_range(op->getUsers()))
    eraseIfUnread(u);
  op->erase();
}

/// The one reader of `v` that is not an unread view, or null.
Operation *soleReader(Value v) {
  Operation *reader = nullptr;
  for (Operation *u : v.getUsers()) {
    if (isView(u) && isUnread(u))
      continue;
    if (reader)
      return nullptr;
    reader = u;
  }
  return reader;
}

/// The views (reshapes, transposes, slices) from `v`, each the sole reader
/// of the one before (soleReader), to a quantize: the quantize, or null.
Operation *quantizeThroughViews(Value v, SmallVectorImpl<Operation *> &views) {
  Operation *user = soleReader(v);
  while (user && isView(user)) {
    views.push_back(user);
    user = soleReader(user->getResult(0));
  }
  return user && isQuantize(user) ? user : nullptr;
}

/// The quantize `reader` (of some value) is, or leads to through views,
/// each the sole reader of the one before (quantizeThroughViews), with
/// those views (`reader` first) in `views`; null otherwise.
Operation *quantizeFrom(Operation *reader,
                        SmallVectorImpl<Operation *> &views) {
  if (isQuantize(reader))
    return reader;
  if (!isView(reader) || isUnread(reader))
    return nullptr;
  Operation *q = quantizeThroughViews(reader->getResult(0), views);
  if (q)
    views.insert(views.begin(), reader);
  return q;
}

/// quantize(views(...)) -> views(`v`): `v` replaces quantize `q`'s result,
/// seen through `views` (replayed on it); `q` and the views it leaves
/// unread go.
void replaceThroughViews(Operation *q, ArrayRef<Operation *> views, Value v) {
  OpBuilder b(q);
  q->getResult(0).replaceAllUsesWith(replayViews(b, views, v));
  q->erase();
  if (!views.empty())
    eraseIfUnread(views.front());
}

/// `op` (an elementwise kernel of one operand, reading `concat`, which
/// nothing else reads) applied to each of `concat`'s operands instead,
/// each by `onOperand` (which builds it), and the results concatenated,
/// built before `at`: concat(op(x_i)) replaces op(concat(x_i)); both go.
void distributeOverConcat(
    Operation *op, ConcatOp concat, Operation *at,
    llvm::function_ref<Value(OpBuilder &, Value)> onOperand) {
  Type element = cast<ShapedType>(op->getResult(0).getType()).getElementType();
  OpBuilder b(at);
  SmallVector<Value> parts;
  for (Value x : concat.getInputs())
    parts.push_back(onOperand(b, x));
  auto joined =
      ConcatOp::create(b, concat.getLoc(), retyped(concat.getResult(), element),
                       parts, concat.getAxis());
  op->getResult(0).replaceAllUsesWith(joined.getResult());
  op->erase();
  concat->erase();
}

/// quantize(concat(x_i)) -> concat(quantize(x_i)) where that adds no
/// quantize on the way of data: each x_i a constant (its quantize, right
/// after it, depends on nothing) or a view of a value that has a quantize
/// of this function already (hoistOnce and mergeQuantizes make them one),
/// but for at most one. The concatenation then moves int8 (a
/// causal convolution's zero padding before its input, quantized again
/// where the input's int8 form is there).
bool splitQuantizedConcats(Block &body) {
  bool changed = false;
  for (Operation &op : llvm::make_early_inc_range(body)) {
    if (!isQuantize(&op))
      continue;
    auto concat = op.getOperand(0).getDefiningOp<ConcatOp>();
    if (!concat || !concat->hasOneUse())
      continue;
    int64_t unquantized = 0;
    for (Value x : concat.getInputs())
      if (!x.getDefiningOp<ConstantOp>() &&
          !hasQuantizeLike(viewedSource(x), &op))
        ++unquantized;
    if (unquantized > 1)
      continue;
    distributeOverConcat(&op, concat, &op, [&](OpBuilder &, Value x) {
      return quantizeAtSource(x, &op)->getResult(0);
    });
    changed = true;
  }
  return changed;
}

} // namespace

bool roundTripExact(float scale) {
  // f16's spacing is at most 2^-24 below 2^-14 and 2^-11 relative above:
  // (q - zp) * s, |q - zp| <= 255, is within 2^-25 + 255 * 2^-11 s of its
  // value, less than half a step of s from s = 2^-23 on; 255 s must stay
  // finite in f16.
  return scale >= 0x1p-23f && scale <= 256.0f;
}

void foldRoundTripsThroughViews(Block &body) {
  SmallVector<Operation *> dequantizes;
  for (Operation &op : body)
    if (auto dq = dyn_cast<hw::ShaveOp>(op))
      if (dq.getKernel() == "dequantize" && dq->getNumOperands() == 1)
        dequantizes.push_back(dq);
  for (Operation *dq : dequantizes) {
    Value codes = dq->getOperand(0);
    auto fparams = dq->getAttrOfType<DenseF32ArrayAttr>("fparams");
    if (!fparams || fparams.empty() || !roundTripExact(fparams[0]))
      continue;
    // Each reader of the dequantize that leads to such a quantize.
    llvm::SetVector<Operation *> readers(dq->getUsers().begin(),
                                         dq->getUsers().end());
    for (Operation *reader : readers) {
      SmallVector<Operation *> views;
      Operation *q = quantizeFrom(reader, views);
      if (!q || q->getAttr("fparams") != dq->getAttr("fparams") ||
          q->getAttr("iparams") != dq->getAttr("iparams") ||
          cast<ShapedType>(q->getResult(0).getType()).getElementType() !=
              cast<ShapedType>(codes.getType()).getElementType())
        continue;
      // quantize(views(dequantize(x))) -> views(x), on the int8 codes.
      replaceThroughViews(q, views, codes);
    }
    eraseIfUnread(dq);
  }
}

void splitDequantizedConcats(Block &body) {
  for (Operation &op : llvm::make_early_inc_range(body)) {
    auto dq = dyn_cast<hw::ShaveOp>(op);
    if (!dq || dq.getKernel() != "dequantize" || dq->getNumOperands() != 1)
      continue;
    auto concat = dq->getOperand(0).getDefiningOp<ConcatOp>();
    if (!concat || !concat->hasOneUse())
      continue;
    // Each operand a DPU task's result, or a slice of one, read only so.
    bool fromTasks = llvm::all_of(concat.getInputs(), [&](Value x) {
      if (!x.hasOneUse())
        return false;
      if (auto slice = x.getDefiningOp<SliceOp>())
        return slice.getInput().hasOneUse() &&
               isDpuTask(slice.getInput().getDefiningOp());
      return isDpuTask(x.getDefiningOp());
    });
    if (!fromTasks)
      continue;
    Type element =
        cast<ShapedType>(dq->getResult(0).getType()).getElementType();
    distributeOverConcat(dq, concat, concat, [&](OpBuilder &b, Value x) {
      Operation *part = b.clone(op);
      part->setOperand(0, x);
      part->getResult(0).setType(retyped(x, element));
      return part->getResult(0);
    });
  }
}

void requantizeInPools(Lowering &l) {
  for (auto &[task, form] : l.floatOutputs) {
    auto pool = dyn_cast<hw::DpuConvOp>(task);
    if (!pool || pool.getWeightTable() ||
        (pool.getKind() != hw::DpuConvKind::max_pool &&
         pool.getKind() != hw::DpuConvKind::avg_pool) ||
        pool->hasAttr("npu.debug_corrupt") || form.table ||
        !pool.getOutput().hasOneUse())
      continue;
    auto outType = cast<RankedTensorType>(pool.getOutput().getType());
    Operation *dq = *pool.getOutput().getUsers().begin();
    auto dqShave = dyn_cast<hw::ShaveOp>(dq);
    if (!dqShave || dqShave.getKernel() != "dequantize" ||
        !isa<quant::UniformQuantizedType>(outType.getElementType()))
      continue;
    // Every reader of the dequantize leads to a quantize of one function.
    SmallVector<std::pair<Operation *, SmallVector<Operation *>>> chains;
    bool ok = !dq->use_empty();
    for (Operation *reader : dq->getUsers()) {
      SmallVector<Operation *> views;
      Operation *q = quantizeFrom(reader, views);
      if (!q || (!chains.empty() && !sameFunction(chains.front().first, q))) {
        ok = false;
        break;
      }
      chains.push_back({q, std::move(views)});
    }
    if (!ok)
      continue;
    auto target = dyn_cast<quant::UniformQuantizedType>(
        cast<ShapedType>(chains.front().first->getResult(0).getType())
            .getElementType());
    if (!target || target == outType.getElementType())
      continue;
    // The PPE writes the quantizes' parameters: one real unit of the
    // accumulator (form.scale) in units of their scale.
    auto [mult, shift] = fixedPoint(double(form.scale) / target.getScale());
    if (mult == 0)
      continue;
    pool.getOutput().setType(RankedTensorType::get(outType.getShape(), target));
    pool.setMult(int32_t(mult));
    pool.setShift(int32_t(shift));
    pool.setOutZeroPoint(int32_t(target.getZeroPoint()));
    for (auto &[q, views] : chains)
      replaceThroughViews(q, views, pool.getOutput());
    eraseIfUnread(dq);
  }
}

void hoistQuantizes(Block &body) {
  mergeQuantizes(body);
  while (hoistOnce(body))
    mergeQuantizes(body);
}

void hoistQuantizesThroughConcats(Block &body) {
  while (splitQuantizedConcats(body))
    hoistQuantizes(body);
}

} // namespace npu::lowering
