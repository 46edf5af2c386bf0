//===- Interpreter.cpp - The reference interpreter of the npu dialect -----===//
//
// A run first plans the function: every SSA value gets a slot, every op a
// step with its handler, and each value the step after which it is dead
// (uses inside npu.if regions count as uses by the npu.if). Execution then
// walks the steps: dead owned tensors go back to a pool of buffers keyed by
// dtype and element count, so a model runs without allocation storms and
// repeated runs (calibration) reuse the same memory. Constants and packed
// convolution weights are cached across runs, keyed by their attributes.
//
//===----------------------------------------------------------------------===//

#include "npu/Interpreter/Interpreter.h"

#include "FusedElementwise.h"
#include "OpContext.h"
#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/ScalarAttr.h"
#include "npu/Interpreter/TensorConversion.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <map>

using namespace mlir;

namespace npu {
namespace interp {

Runtime::~Runtime() = default;

const HandlerRegistry &handlerRegistry() {
  static const HandlerRegistry registry = [] {
    HandlerRegistry r;
    registerElementwiseHandlers(r);
    registerNNHandlers(r);
    registerDataHandlers(r);
    registerReductionHandlers(r);
    registerDeviceHandlers(r);
    return r;
  }();
  return registry;
}

//===----------------------------------------------------------------------===//
// OpContext
//===----------------------------------------------------------------------===//

const HostTensor *OpContext::inOf(Value v) const {
  if (!v)
    return nullptr;
  for (unsigned i = 0; i < op_->getNumOperands(); ++i)
    if (op_->getOperand(i) == v)
      return &in(i);
  return nullptr;
}

bool OpContext::canTake(unsigned i) const {
  const Slot &s = slots_[operands_[i]];
  if (!s.isOwned || !lastUse_[i])
    return false;
  for (unsigned j = 0; j < operands_.size(); ++j)
    if (j != i && operands_[j] == operands_[i])
      return false;
  return true;
}

HostTensor &OpContext::out(unsigned r) {
  Slot &s = slots_[results_[r]];
  const SlotInfo &info = infos_[results_[r]];
  s.owned = rt_.acquire(info.dtype, info.shape);
  s.isOwned = true;
  s.view = &s.owned;
  s.constantKey = nullptr;
  return s.owned;
}

HostTensor &OpContext::outInPlace(unsigned r, unsigned operand) {
  const SlotInfo &info = infos_[results_[r]];
  Slot &src = slots_[operands_[operand]];
  if (canTake(operand) && src.owned.dtype() == info.dtype &&
      src.owned.numElements() == shapeNumElements(info.shape)) {
    Slot &dst = slots_[results_[r]];
    dst.owned = std::move(src.owned);
    dst.owned.reshape(info.shape);
    dst.isOwned = true;
    dst.view = &dst.owned;
    dst.constantKey = nullptr;
    // The operand now reads the same buffer; it no longer owns it.
    src.isOwned = false;
    src.view = &dst.owned;
    return dst.owned;
  }
  return out(r);
}

void OpContext::setOut(unsigned r, HostTensor &&t) {
  Slot &s = slots_[results_[r]];
  s.owned = std::move(t);
  s.isOwned = true;
  s.view = &s.owned;
  s.constantKey = nullptr;
}

void OpContext::setView(unsigned r, const HostTensor *t,
                        const void *constantKey) {
  Slot &s = slots_[results_[r]];
  s.owned = HostTensor();
  s.isOwned = false;
  s.view = t;
  s.constantKey = constantKey;
}

std::function<void(int64_t, int64_t)>
OpContext::fusedConsumer(const HostTensor &result) {
  if (!consumer_ || result.dtype() != DType::F32)
    return nullptr;
  auto runner = std::make_shared<FusedRunner>(*consumer_, rt_, slots_,
                                              result.data<float>());
  return [runner](int64_t begin, int64_t end) { runner->run(begin, end); };
}

LogicalResult OpContext::check(const kernels::Status &s) {
  if (s.ok())
    return success();
  op_->emitError() << s.message();
  return failure();
}

//===----------------------------------------------------------------------===//
// Plan
//===----------------------------------------------------------------------===//

namespace {

struct BlockPlan;

struct Step {
  enum Kind {
    Handler,
    Constant,
    If,
    Terminator,
    Forward,
    Fused,     // a fused elementwise group (at its last member)
    FusedDone, // a group that already ran inside its producer
    Skip
  };
  Kind kind = Handler;
  Operation *op = nullptr;
  OpHandler handler = nullptr;
  SmallVector<int, 4> operands;
  SmallVector<int, 2> results;
  SmallVector<bool, 4> lastUse;
  SmallVector<int, 4> freeAfter;
  kernels::GemmActivation activation;
  std::unique_ptr<BlockPlan> thenPlan, elsePlan;
  std::shared_ptr<FusedGroup> group;    // Fused, FusedDone
  std::shared_ptr<FusedGroup> consumer; // a convolution's attached group
};

struct BlockPlan {
  std::vector<Step> steps;
};

struct Plan {
  std::vector<SlotInfo> slots;
  BlockPlan body;
  SmallVector<int> arguments;
};

/// Maps an activation op to the epilogue a convolution can apply.
std::optional<kernels::GemmActivation> activationOf(Operation *op) {
  kernels::GemmActivation a;
  if (isa<ReluOp>(op))
    return kernels::GemmActivation::relu();
  if (auto clip = dyn_cast<ClipOp>(op)) {
    // Only float convolutions fuse: the bounds are f64.
    float lo = clip.getMinAttr()
                   ? static_cast<float>(scalarAttrToDouble(clip.getMinAttr()))
                   : -__builtin_inff();
    float hi = clip.getMaxAttr()
                   ? static_cast<float>(scalarAttrToDouble(clip.getMaxAttr()))
                   : __builtin_inff();
    return kernels::GemmActivation::clamp(lo, hi);
  }
  if (isa<HardSwishOp>(op)) {
    a.kind = kernels::GemmActivation::HardSwish;
    return a;
  }
  if (auto hs = dyn_cast<HardSigmoidOp>(op)) {
    a.kind = kernels::GemmActivation::HardSigmoid;
    a.a = hs.getAlpha().convertToFloat();
    a.b = hs.getBeta().convertToFloat();
    return a;
  }
  if (auto lr = dyn_cast<LeakyReluOp>(op)) {
    a.kind = kernels::GemmActivation::LeakyRelu;
    a.a = lr.getAlpha().convertToFloat();
    return a;
  }
  return std::nullopt;
}

class Planner {
public:
  Planner(Plan &plan, const InterpreterOptions &options)
      : plan_(plan), options_(options) {}

  LogicalResult planFunction(func::FuncOp func) {
    Block &entry = func.getBody().front();
    bool ok = true;
    for (BlockArgument arg : entry.getArguments()) {
      auto id = addValue(arg);
      if (failed(id)) {
        ok = false;
        continue;
      }
      plan_.arguments.push_back(*id);
    }
    if (!ok)
      return failure();
    return planBlock(entry, plan_.body);
  }

private:
  FailureOr<int> addValue(Value v) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || !type.hasStaticShape()) {
      emitTypeError(v, "only statically shaped tensors are supported, got ");
      return failure();
    }
    auto dtype = dtypeForElementType(type.getElementType());
    if (!dtype) {
      emitTypeError(v, "unsupported element type in ");
      return failure();
    }
    SlotInfo info;
    info.value = v;
    info.dtype = *dtype;
    info.shape.assign(type.getShape().begin(), type.getShape().end());
    info.quantized = isQuantizedElementType(type.getElementType());
    // Registered even when too large, so that its users are not reported
    // as reading an unknown value.
    std::string tooLarge = hostAllocationError(info.dtype, info.shape);
    int id = static_cast<int>(plan_.slots.size());
    plan_.slots.push_back(std::move(info));
    ids_[v] = id;
    if (!tooLarge.empty()) {
      emitValueError(v) << "cannot interpret this: " << tooLarge;
      return failure();
    }
    return id;
  }

  InFlightDiagnostic emitValueError(Value v) {
    if (Operation *op = v.getDefiningOp())
      return op->emitError();
    return emitError(v.getLoc());
  }

  void emitTypeError(Value v, const char *what) {
    if (Operation *op = v.getDefiningOp())
      op->emitError() << what << v.getType();
    else
      emitError(v.getLoc()) << what << v.getType();
  }

  LogicalResult planBlock(Block &block, BlockPlan &bp) {
    bool ok = true;
    const HandlerRegistry &registry = handlerRegistry();
    for (Operation &op : block) {
      Step step;
      step.op = &op;
      for (Value operand : op.getOperands()) {
        auto it = ids_.find(operand);
        if (it == ids_.end()) {
          op.emitError("operand is not computed by the function being "
                       "interpreted");
          ok = false;
          continue;
        }
        step.operands.push_back(it->second);
      }
      for (Value result : op.getResults()) {
        auto id = addValue(result);
        if (failed(id))
          ok = false;
        else
          step.results.push_back(*id);
      }
      if (op.hasTrait<OpTrait::IsTerminator>()) {
        if (!isa<func::ReturnOp, YieldOp>(op)) {
          op.emitError("unsupported terminator in the interpreted function");
          ok = false;
        }
        step.kind = Step::Terminator;
      } else if (auto ifOp = dyn_cast<IfOp>(op)) {
        step.kind = Step::If;
        step.thenPlan = std::make_unique<BlockPlan>();
        step.elsePlan = std::make_unique<BlockPlan>();
        Block &thenBlock = ifOp.getThenRegion().front();
        Block &elseBlock = ifOp.getElseRegion().front();
        if (failed(planBlock(thenBlock, *step.thenPlan)) ||
            failed(planBlock(elseBlock, *step.elsePlan)))
          ok = false;
      } else if (op.hasTrait<OpTrait::ConstantLike>()) {
        step.kind = Step::Constant;
        ElementsAttr attr;
        if (op.getNumResults() != 1 ||
            !matchPattern(op.getResult(0), m_Constant(&attr))) {
          op.emitError("constant without an elements attribute");
          ok = false;
        }
      } else if (op.getNumRegions() != 0) {
        op.emitError("ops with regions other than npu.if are not supported "
                     "by the interpreter");
        ok = false;
      } else if (const HandlerEntry *entry =
                     registry.lookup(op.getName().getTypeID())) {
        step.handler = entry->fn;
        if (!entry->quantSafe && hasQuantizedTypes(op)) {
          op.emitError() << "quantized element types are not supported by '"
                         << op.getName() << "' in the interpreter yet";
          ok = false;
        }
      } else {
        op.emitError() << "'" << op.getName()
                       << "' is not supported by the interpreter";
        ok = false;
      }
      bp.steps.push_back(std::move(step));
    }
    if (!ok)
      return failure();
    // Values defined in this block: its arguments and its ops' results.
    SmallVector<Value> defined(block.getArguments().begin(),
                               block.getArguments().end());
    for (Operation &op : block)
      llvm::append_range(defined, op.getResults());
    addLiveness(block, bp, defined);
    // Observed results must exist: fusing everything needs no observer, or
    // one that names what it observes.
    bool canFuse =
        (!options_.observer && !options_.rewriter) || options_.observeOp;
    if (options_.fuseActivations && canFuse)
      fuseActivations(bp);
    if (options_.fuseElementwise && canFuse) {
      fuseElementwise(bp);
      attachGroupsToProducers(bp);
    }
    return success();
  }

  static bool hasQuantizedTypes(Operation &op) {
    auto quantized = [](Type t) {
      auto st = dyn_cast<ShapedType>(t);
      return st && isQuantizedElementType(st.getElementType());
    };
    return llvm::any_of(op.getOperandTypes(), quantized) ||
           llvm::any_of(op.getResultTypes(), quantized);
  }

  /// Records, for each value of `values` (defined in `block`), the step
  /// after which it is dead, and marks last uses on the operands.
  void addLiveness(Block &block, BlockPlan &bp, ValueRange values) {
    DenseMap<Operation *, int> index;
    for (auto [i, step] : llvm::enumerate(bp.steps))
      index[step.op] = static_cast<int>(i);
    for (Value v : values) {
      int id = ids_.lookup(v);
      int last = -1;
      Operation *lastUser = nullptr;
      for (OpOperand &use : v.getUses()) {
        Operation *anc = block.findAncestorOpInBlock(*use.getOwner());
        if (!anc)
          continue;
        int s = index.lookup(anc);
        if (s > last) {
          last = s;
          lastUser = anc;
        }
      }
      if (last < 0) {
        // Never read: free right after its definition.
        if (Operation *def = v.getDefiningOp())
          if (def->getBlock() == &block)
            bp.steps[index.lookup(def)].freeAfter.push_back(id);
        continue;
      }
      Step &step = bp.steps[last];
      step.freeAfter.push_back(id);
      // A direct operand of the last user can be taken over by it.
      if (lastUser) {
        if (step.lastUse.size() != step.operands.size())
          step.lastUse.assign(step.operands.size(), false);
        for (auto [i, operand] : llvm::enumerate(step.operands))
          if (operand == id)
            step.lastUse[i] = true;
      }
    }
    for (Step &step : bp.steps)
      if (step.lastUse.size() != step.operands.size())
        step.lastUse.assign(step.operands.size(), false);
  }

  /// conv -> activation with nothing else reading the conv: the conv
  /// applies the activation, the activation step forwards the tensor.
  void fuseActivations(BlockPlan &bp) {
    DenseMap<Operation *, Step *> stepOf;
    for (Step &s : bp.steps)
      stepOf[s.op] = &s;
    for (Step &s : bp.steps) {
      if (!isa<ConvOp, ConvTransposeOp>(s.op) || isObserved(s.op))
        continue;
      Value result = s.op->getResult(0);
      if (!result.hasOneUse() || plan_.slots[s.results[0]].dtype != DType::F32)
        continue;
      Operation *user = *result.getUsers().begin();
      auto it = stepOf.find(user);
      if (it == stepOf.end() ||
          user->getResultTypes() != s.op->getResultTypes())
        continue;
      auto act = activationOf(user);
      if (!act || isObserved(user))
        continue;
      s.activation = *act;
      it->second->kind = Step::Forward;
    }
  }

  /// Groups runs of consecutive fusible elementwise steps with one output
  /// shape (constants in between do not break a run) into Fused steps.
  void fuseElementwise(BlockPlan &bp) {
    std::vector<size_t> run;
    std::vector<int64_t> shape;
    auto close = [&] {
      if (run.size() >= 2)
        makeGroup(bp, run, shape);
      run.clear();
    };
    for (size_t i = 0; i < bp.steps.size(); ++i) {
      Step &s = bp.steps[i];
      if (s.kind == Step::Constant)
        continue;
      std::optional<FusedMember> m;
      if (s.kind == Step::Handler && !isObserved(s.op))
        m = fusibleMember(s.op);
      const std::vector<int64_t> *resultShape =
          m ? &plan_.slots[s.results[0]].shape : nullptr;
      if (m && !run.empty() && *resultShape == shape) {
        run.push_back(i);
        continue;
      }
      close();
      if (m) {
        run.push_back(i);
        shape = *resultShape;
      }
    }
    close();
  }

  void makeGroup(BlockPlan &bp, const std::vector<size_t> &run,
                 const std::vector<int64_t> &shape) {
    auto group = std::make_shared<FusedGroup>();
    group->shape = shape;
    DenseMap<int, int> memberOfSlot, externalOfSlot;
    DenseSet<Operation *> members;
    for (size_t idx : run)
      members.insert(bp.steps[idx].op);
    SmallVector<int, 4> dying;
    for (size_t idx : run) {
      Step &s = bp.steps[idx];
      FusedMember m = *fusibleMember(s.op);
      for (auto [k, slot] : llvm::enumerate(s.operands)) {
        FusedOperand o;
        if (auto it = memberOfSlot.find(slot); it != memberOfSlot.end()) {
          o.internal = true;
          o.index = it->second;
        } else {
          auto [ext, inserted] = externalOfSlot.insert(
              {slot, static_cast<int>(group->externalSlots.size())});
          if (inserted)
            group->externalSlots.push_back(slot);
          o.index = ext->second;
        }
        m.operands[k] = o;
      }
      int memberIndex = static_cast<int>(group->members.size());
      memberOfSlot[s.results[0]] = memberIndex;
      group->members.push_back(m);
      // Materialise results read outside the group.
      Value result = s.op->getResult(0);
      if (llvm::any_of(result.getUsers(), [&](Operation *user) {
            return !members.contains(user);
          })) {
        group->outputSlots.push_back(s.results[0]);
        group->outputMembers.push_back(memberIndex);
      }
      llvm::append_range(dying, s.freeAfter);
    }
    for (int slot : group->externalSlots)
      group->externalDies.push_back(llvm::is_contained(dying, slot));
    // The last member's step runs the group; the others become no-ops
    // whose frees move to the group step.
    for (size_t idx : run) {
      Step &s = bp.steps[idx];
      s.kind = Step::Skip;
      s.freeAfter.clear();
    }
    Step &last = bp.steps[run.back()];
    last.kind = Step::Fused;
    last.group = group;
    last.freeAfter = dying;
  }

  /// A fused group whose input is the result of the convolution just before
  /// it (possibly through a fused activation), read by nothing else, runs
  /// inside that convolution on each block of output as it is finished,
  /// while the block is still in cache. The constants between the two move
  /// before the convolution; every other input must already exist then.
  void attachGroupsToProducers(BlockPlan &bp) {
    DenseMap<int, size_t> definedAt; // slot -> step index in this block
    for (size_t i = 0; i < bp.steps.size(); ++i)
      for (int slot : bp.steps[i].results)
        definedAt[slot] = i;
    for (size_t gi = 0; gi < bp.steps.size(); ++gi) {
      Step &gs = bp.steps[gi];
      if (gs.kind != Step::Fused || gs.group->outputSlots.empty())
        continue;
      FusedGroup &g = *gs.group;
      // The first member's step and the producer before it.
      size_t first = gi;
      DenseSet<Operation *> members;
      for (const FusedMember &m : g.members)
        members.insert(m.op);
      for (size_t i = 0; i <= gi; ++i)
        if (members.contains(bp.steps[i].op)) {
          first = i;
          break;
        }
      size_t p = first;
      while (p > 0 && bp.steps[p - 1].kind == Step::Constant)
        --p;
      if (p == 0)
        continue;
      size_t producerIdx = p - 1;
      int producedSlot = -1;
      if (bp.steps[producerIdx].kind == Step::Forward && producerIdx > 0) {
        producedSlot = bp.steps[producerIdx].results[0];
        --producerIdx;
      }
      Step &conv = bp.steps[producerIdx];
      if (conv.kind != Step::Handler ||
          !isa<ConvOp, ConvTransposeOp>(conv.op) || conv.consumer)
        continue;
      if (producedSlot < 0)
        producedSlot = conv.results[0];
      // The group reads the produced value, in full, and nothing else does.
      auto ext = llvm::find(g.externalSlots, producedSlot);
      if (ext == g.externalSlots.end())
        continue;
      const SlotInfo &info = plan_.slots[producedSlot];
      if (info.shape != g.shape || info.dtype != DType::F32 ||
          !llvm::all_of(info.value.getUsers(), [&](Operation *user) {
            return members.contains(user);
          }))
        continue;
      // Every other input exists before the convolution (constants between
      // them will be moved before it).
      bool ready = true;
      for (int slot : g.externalSlots) {
        if (slot == producedSlot)
          continue;
        auto it = definedAt.find(slot);
        if (it != definedAt.end() && it->second >= producerIdx &&
            bp.steps[it->second].kind != Step::Constant)
          ready = false;
      }
      if (!ready)
        continue;
      g.producerExternal = static_cast<int>(ext - g.externalSlots.begin());
      g.aliasOutput = 0;
      gs.kind = Step::FusedDone;
      conv.consumer = gs.group;
      // Constants from the convolution to the group's end go before it.
      std::vector<Step> moved, rest;
      for (size_t i = producerIdx; i <= gi; ++i)
        (bp.steps[i].kind == Step::Constant ? moved : rest)
            .push_back(std::move(bp.steps[i]));
      size_t at = producerIdx;
      for (Step &s : moved)
        bp.steps[at++] = std::move(s);
      for (Step &s : rest)
        bp.steps[at++] = std::move(s);
      for (size_t i = producerIdx; i <= gi; ++i)
        for (int slot : bp.steps[i].results)
          definedAt[slot] = i;
    }
  }

  /// True if the observer must see this op's results.
  bool isObserved(Operation *op) const {
    return (options_.observer || options_.rewriter) &&
           (!options_.observeOp || options_.observeOp(op));
  }

  Plan &plan_;
  const InterpreterOptions &options_;
  DenseMap<Value, int> ids_;
};

//===----------------------------------------------------------------------===//
// Buffer pool
//===----------------------------------------------------------------------===//

/// Freed tensors by (dtype, element count), handed out again to results
/// of the same size. Models repeat a few sizes many times, so exact
/// matches hit almost always; beyond `maxBytes` freed buffers are dropped.
class BufferPool {
public:
  explicit BufferPool(size_t maxBytes) : maxBytes_(maxBytes) {}

  HostTensor acquire(DType dtype, const std::vector<int64_t> &shape) {
    auto it = free_.find({dtype, shapeNumElements(shape)});
    if (it != free_.end() && !it->second.empty()) {
      HostTensor t = std::move(it->second.back());
      it->second.pop_back();
      bytes_ -= t.byteSize();
      t.reshape(shape);
      return t;
    }
    return HostTensor(dtype, shape);
  }

  void release(HostTensor &&t) {
    size_t b = t.byteSize();
    if (b == 0 || bytes_ + b > maxBytes_)
      return;
    bytes_ += b;
    free_[{t.dtype(), t.numElements()}].push_back(std::move(t));
  }

  void clear() {
    free_.clear();
    bytes_ = 0;
  }

private:
  size_t maxBytes_;
  size_t bytes_ = 0;
  std::map<std::pair<DType, int64_t>, std::vector<HostTensor>> free_;
};

} // namespace
} // namespace interp

//===----------------------------------------------------------------------===//
// Interpreter
//===----------------------------------------------------------------------===//

using namespace interp;

struct Interpreter::Impl final : public Runtime {
  explicit Impl(InterpreterOptions opts)
      : options(std::move(opts)), buffers(options.maxPooledBytes) {
    int threads = options.numThreads > 0
                      ? options.numThreads
                      : kernels::ThreadPool::hardwareThreads();
    if (threads > 1)
      threadPool = std::make_unique<kernels::ThreadPool>(threads);
  }

  kernels::ThreadPool *pool() override { return threadPool.get(); }

  HostTensor acquire(DType dtype, const std::vector<int64_t> &shape) override {
    return buffers.acquire(dtype, shape);
  }
  void release(HostTensor &&t) override { buffers.release(std::move(t)); }

  const HostTensor *constant(ElementsAttr attr, std::string &error) override {
    const void *key = attr.getAsOpaquePointer();
    auto it = constants.find(key);
    if (it != constants.end())
      return it->second.get();
    auto t = elementsAttrToHostTensor(attr, error);
    if (failed(t))
      return nullptr;
    auto owned = std::make_unique<HostTensor>(std::move(*t));
    const HostTensor *ptr = owned.get();
    constants[key] = std::move(owned);
    return ptr;
  }

  const kernels::PackedConvWeights *packedWeights(const void *key,
                                                  const HostTensor &w,
                                                  int64_t group,
                                                  bool transposed) override {
    auto cacheKey = std::make_tuple(
        key, group, transposed, static_cast<int>(kernels::activeSimdLevel()));
    auto it = packed.find(cacheKey);
    if (it != packed.end())
      return it->second.get();
    auto p = kernels::PackedConvWeights::create(w, group, transposed);
    const kernels::PackedConvWeights *ptr = p.get();
    packed[cacheKey] = std::move(p);
    return ptr;
  }

  LogicalResult runBlock(const BlockPlan &bp, std::vector<Slot> &slots,
                         const std::vector<SlotInfo> &infos,
                         SmallVectorImpl<HostTensor> *results,
                         ArrayRef<int> yieldTargets);
  void freeSlot(Slot &s) {
    if (s.isOwned)
      release(std::move(s.owned));
    s.owned = HostTensor();
    s.isOwned = false;
    s.view = nullptr;
    s.constantKey = nullptr;
  }

  InterpreterOptions options;
  std::unique_ptr<kernels::ThreadPool> threadPool;
  BufferPool buffers;
  DenseMap<const void *, std::unique_ptr<HostTensor>> constants;
  std::map<std::tuple<const void *, int64_t, bool, int>,
           std::shared_ptr<const kernels::PackedConvWeights>>
      packed;
  std::vector<OpTiming> timings;
};

LogicalResult Interpreter::Impl::runBlock(const BlockPlan &bp,
                                          std::vector<Slot> &slots,
                                          const std::vector<SlotInfo> &infos,
                                          SmallVectorImpl<HostTensor> *results,
                                          ArrayRef<int> yieldTargets) {
  using Clock = std::chrono::steady_clock;
  for (const Step &step : bp.steps) {
    Clock::time_point start;
    if (options.collectTimings)
      start = Clock::now();
    switch (step.kind) {
    case Step::Constant: {
      ElementsAttr attr;
      (void)matchPattern(step.op->getResult(0), m_Constant(&attr));
      std::string error;
      const HostTensor *t = constant(attr, error);
      if (!t)
        return step.op->emitError() << error;
      Slot &s = slots[step.results[0]];
      s.view = t;
      s.isOwned = false;
      s.constantKey = attr.getAsOpaquePointer();
      break;
    }
    case Step::Forward: {
      // An activation fused into its producer: the tensor passes through.
      Slot &src = slots[step.operands[0]];
      Slot &dst = slots[step.results[0]];
      dst.owned = std::move(src.owned);
      dst.isOwned = src.isOwned;
      dst.view = dst.isOwned ? &dst.owned : src.view;
      src.isOwned = false;
      src.view = dst.view;
      break;
    }
    case Step::Skip:
      break;
    case Step::Fused:
      runFusedGroup(*step.group, *this, slots);
      break;
    case Step::FusedDone:
      finishFusedGroup(*step.group, slots);
      break;
    case Step::Terminator: {
      for (auto [i, id] : llvm::enumerate(step.operands)) {
        Slot &s = slots[id];
        bool take =
            s.isOwned && step.lastUse[i] && llvm::count(step.operands, id) == 1;
        HostTensor t = take ? std::move(s.owned) : HostTensor(*s.view);
        if (take)
          s.isOwned = false;
        if (results) {
          results->push_back(std::move(t));
        } else {
          Slot &dst = slots[yieldTargets[i]];
          dst.owned = std::move(t);
          dst.isOwned = true;
          dst.view = &dst.owned;
          dst.constantKey = nullptr;
        }
      }
      break;
    }
    case Step::If: {
      const HostTensor &cond = *slots[step.operands[0]].view;
      if (cond.numElements() != 1)
        return step.op->emitError("condition must have exactly one element");
      bool taken = cond.getAsDouble(0) != 0;
      if (failed(runBlock(taken ? *step.thenPlan : *step.elsePlan, slots, infos,
                          nullptr, step.results)))
        return failure();
      break;
    }
    case Step::Handler: {
      OpContext ctx(*this, slots, infos, step.op, step.operands, step.results,
                    step.lastUse, step.activation, step.consumer.get());
      if (failed(step.handler(ctx)))
        return failure();
      for (auto [r, id] : llvm::enumerate(step.results)) {
        const Slot &s = slots[id];
        const SlotInfo &info = infos[id];
        if (!s.view || s.view->dtype() != info.dtype ||
            s.view->shape() != info.shape)
          return step.op->emitError()
                 << "internal error: result #" << r << " is "
                 << (s.view ? describeHostTensor(*s.view) : "missing")
                 << ", expected " << info.value.getType();
      }
      break;
    }
    }
    if (options.collectTimings && step.kind != Step::Terminator &&
        step.kind != Step::Skip && step.kind != Step::FusedDone) {
      OpTiming t;
      t.op = step.op;
      t.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      const FusedGroup *g =
          step.kind == Step::Fused ? step.group.get() : step.consumer.get();
      if (g) {
        for (const FusedMember &m : g->members)
          t.fusedGroup.push_back(m.op);
        t.fusedOps = static_cast<unsigned>(g->members.size()) +
                     (step.kind == Step::Fused ? 0 : 1);
      }
      timings.push_back(std::move(t));
    }
    if (options.rewriter && step.kind != Step::Terminator &&
        step.kind != Step::Skip && step.kind != Step::FusedDone &&
        (!options.observeOp || options.observeOp(step.op))) {
      for (auto [i, id] : llvm::enumerate(step.results)) {
        Slot &s = slots[id];
        if (!s.view)
          continue;
        // A result may be a view of a constant or of another value: the
        // rewriter gets a copy of its own.
        if (!s.isOwned || s.view != &s.owned) {
          s.owned = *s.view;
          s.isOwned = true;
          s.view = &s.owned;
          s.constantKey = nullptr;
        }
        options.rewriter(step.op, static_cast<unsigned>(i), s.owned);
      }
    }
    if (options.observer && step.kind != Step::Terminator &&
        step.kind != Step::Skip && step.kind != Step::FusedDone &&
        (!options.observeOp || options.observeOp(step.op))) {
      SmallVector<const HostTensor *, 2> views;
      for (int id : step.results)
        views.push_back(slots[id].view);
      options.observer(step.op, views);
    }
    for (int id : step.freeAfter)
      freeSlot(slots[id]);
  }
  return success();
}

Interpreter::Interpreter(InterpreterOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

Interpreter::~Interpreter() = default;

const InterpreterOptions &Interpreter::options() const {
  return impl_->options;
}

ArrayRef<OpTiming> Interpreter::timings() const { return impl_->timings; }

void Interpreter::recycle(MutableArrayRef<HostTensor> tensors) {
  for (HostTensor &t : tensors) {
    impl_->release(std::move(t));
    t = HostTensor();
  }
}

void Interpreter::clearCaches() {
  impl_->constants.clear();
  impl_->packed.clear();
  impl_->buffers.clear();
}

bool Interpreter::supports(Operation *op) {
  if (op->hasTrait<OpTrait::ConstantLike>() || isa<IfOp>(op) ||
      op->hasTrait<OpTrait::IsTerminator>())
    return true;
  return handlerRegistry().lookup(op->getName().getTypeID()) != nullptr;
}

FailureOr<SmallVector<HostTensor>>
Interpreter::run(func::FuncOp func, ArrayRef<HostTensor> inputs) {
  impl_->timings.clear();
  if (func.isExternal())
    return func.emitError("cannot interpret a function without a body");
  Plan plan;
  Planner planner(plan, impl_->options);
  if (failed(planner.planFunction(func)))
    return failure();
  if (inputs.size() != plan.arguments.size())
    return func.emitError() << "expected " << plan.arguments.size()
                            << " inputs, got " << inputs.size();
  std::vector<Slot> slots(plan.slots.size());
  for (auto [i, id] : llvm::enumerate(plan.arguments)) {
    const SlotInfo &info = plan.slots[id];
    const HostTensor &t = inputs[i];
    if (t.dtype() != info.dtype || t.shape() != info.shape)
      return func.emitError() << "input #" << i << " must be "
                              << describeTensorType(info.dtype, info.shape)
                              << ", got " << describeHostTensor(t);
    slots[id].view = &t;
  }
  SmallVector<HostTensor> results;
  LogicalResult status =
      impl_->runBlock(plan.body, slots, plan.slots, &results, {});
  for (Slot &s : slots)
    impl_->freeSlot(s);
  if (failed(status))
    return failure();
  return results;
}

FailureOr<SmallVector<HostTensor>>
Interpreter::runOp(Operation *op, ArrayRef<const HostTensor *> operands) {
  const HandlerEntry *entry =
      handlerRegistry().lookup(op->getName().getTypeID());
  if (!entry)
    return op->emitError() << "'" << op->getName()
                           << "' is not supported by the interpreter";
  if (operands.size() != op->getNumOperands())
    return op->emitError("wrong number of operand values");
  std::vector<SlotInfo> infos;
  std::vector<Slot> slots;
  SmallVector<int> operandIds, resultIds;
  SmallVector<bool> lastUse;
  for (auto [i, v] : llvm::enumerate(op->getOperands())) {
    SlotInfo info;
    info.value = v;
    info.dtype = operands[i]->dtype();
    info.shape = operands[i]->shape();
    infos.push_back(info);
    operandIds.push_back(static_cast<int>(i));
    lastUse.push_back(false);
  }
  for (Value r : op->getResults()) {
    auto type = dyn_cast<RankedTensorType>(r.getType());
    auto dtype =
        type ? dtypeForElementType(type.getElementType()) : std::nullopt;
    if (!type || !type.hasStaticShape() || !dtype)
      return op->emitError() << "unsupported result type " << r.getType();
    SlotInfo info;
    info.value = r;
    info.dtype = *dtype;
    info.shape.assign(type.getShape().begin(), type.getShape().end());
    resultIds.push_back(static_cast<int>(infos.size()));
    infos.push_back(std::move(info));
  }
  slots.resize(infos.size());
  for (size_t i = 0; i < operands.size(); ++i)
    slots[i].view = operands[i];
  kernels::GemmActivation none;
  OpContext ctx(*impl_, slots, infos, op, operandIds, resultIds, lastUse, none);
  if (failed(entry->fn(ctx)))
    return failure();
  SmallVector<HostTensor> results;
  for (int id : resultIds) {
    Slot &s = slots[id];
    if (!s.view)
      return op->emitError("internal error: missing result");
    results.push_back(s.isOwned ? std::move(s.owned) : HostTensor(*s.view));
  }
  return results;
}

void Interpreter::printTimingReport(raw_ostream &os, size_t topOps) const {
  const auto &t = impl_->timings;
  double total = 0;
  std::map<std::string, std::pair<double, int>> byName;
  for (const OpTiming &ot : t) {
    total += ot.seconds;
    std::string name = ot.op->getName().getStringRef().str();
    if (ot.fusedOps > 1)
      name = isa<ConvOp, ConvTransposeOp>(ot.op) ? name + " + elementwise"
                                                 : "fused elementwise";
    auto &e = byName[name];
    e.first += ot.seconds;
    ++e.second;
  }
  std::vector<std::pair<std::string, std::pair<double, int>>> rows(
      byName.begin(), byName.end());
  llvm::sort(rows,
             [](auto &a, auto &b) { return a.second.first > b.second.first; });
  os << llvm::format("total %.3f ms in %zu ops\n", total * 1e3, t.size());
  for (auto &[name, e] : rows)
    os << llvm::format("  %-24s %5d ops %10.3f ms %5.1f%%\n", name.c_str(),
                       e.second, e.first * 1e3,
                       total > 0 ? 100.0 * e.first / total : 0.0);
  std::vector<OpTiming> sorted(t.begin(), t.end());
  llvm::sort(sorted, [](const OpTiming &a, const OpTiming &b) {
    return a.seconds > b.seconds;
  });
  if (sorted.size() > topOps)
    sorted.resize(topOps);
  if (!sorted.empty())
    os << "slowest ops:\n";
  for (const OpTiming &ot : sorted) {
    os << llvm::format("  %10.3f ms  ", ot.seconds * 1e3) << ot.op->getName();
    if (!ot.fusedGroup.empty()) {
      os << (isa<ConvOp, ConvTransposeOp>(ot.op) ? " with" : " ending")
         << " fused elementwise ops:";
      for (Operation *m : ot.fusedGroup)
        os << " " << m->getName();
    }
    os << " at " << ot.op->getLoc() << "\n";
  }
}

FailureOr<SmallVector<HostTensor>>
runFunction(func::FuncOp func, ArrayRef<HostTensor> inputs,
            const InterpreterOptions &options) {
  Interpreter interpreter(options);
  return interpreter.run(func, inputs);
}

} // namespace npu
