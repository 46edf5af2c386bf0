//===- BufferAssignment.cpp - DDR homes of a function's tensors -----------===//
//
// Steps are the indices of the function's ops; a scratch value is alive
// from the step of its producer to the last step that reads it or any
// reshape view of it (inclusive, so an op's result never shares bytes with
// its operands).
//
//===----------------------------------------------------------------------===//

#include "npu/Target/Blob/BufferAssignment.h"
#include "npu/Target/Blob/ScratchAllocator.h"

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPUHW/IR/DeviceTypes.h"
#include "npu/Interpreter/TensorConversion.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/Hashing.h"

#include <cstring>
#include <functional>
#include <map>
#include <set>

using namespace mlir;

namespace npu::target {

uint32_t WeightsSection::add(const std::string &name,
                             llvm::ArrayRef<uint8_t> bytes) {
  uint64_t hash = llvm::hash_combine_range(bytes.begin(), bytes.end());
  auto range = byHash_.equal_range(hash);
  for (auto it = range.first; it != range.second; ++it) {
    auto [offset, buffer] = it->second;
    if (program_.buffers[buffer].size == bytes.size() &&
        std::memcmp(bytes_.data() + offset, bytes.data(), bytes.size()) == 0) {
      ++deduplicated_;
      return buffer;
    }
  }
  uint64_t offset = alignTo(bytes_.size(), 64);
  bytes_.resize(offset, 0);
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  blob::Buffer b;
  b.name = name;
  b.space = blob::MemSpace::Weights;
  b.offset = offset;
  b.size = bytes.size();
  uint32_t id = uint32_t(program_.buffers.size());
  program_.buffers.push_back(b);
  byHash_.insert({hash, {offset, id}});
  return id;
}

uint64_t WeightsSection::dropUnread() {
  std::vector<blob::TensorRef *> refs;
  for (blob::TaskList &list : program_.taskLists)
    for (blob::Task &t : list.tasks) {
      switch (t.kind) {
      case blob::Engine::Dma:
        refs.push_back(&t.dma.src);
        refs.push_back(&t.dma.dst);
        break;
      case blob::Engine::Dpu:
        refs.push_back(&t.dpu.input);
        refs.push_back(&t.dpu.output);
        for (auto *r : {&t.dpu.input2, &t.dpu.weights, &t.dpu.weightTable})
          if (*r)
            refs.push_back(&**r);
        break;
      case blob::Engine::Shave: {
        auto kernel = [&](blob::ShaveTask &k) {
          for (blob::TensorRef &r : k.inputs)
            refs.push_back(&r);
          for (blob::TensorRef &r : k.outputs)
            refs.push_back(&r);
        };
        kernel(t.shave);
        for (blob::ShaveTask &k : t.shave.chained)
          kernel(k);
        break;
      }
      }
    }
  std::vector<bool> read(program_.buffers.size(), false);
  for (blob::TensorRef *r : refs)
    read[r->buffer] = true;

  // Entries do not overlap (identical contents share one buffer), so the
  // kept ones move down in order.
  std::vector<uint32_t> newId(program_.buffers.size());
  std::vector<blob::Buffer> kept;
  std::vector<uint8_t> packed;
  uint64_t dropped = 0;
  for (size_t i = 0; i < program_.buffers.size(); ++i) {
    blob::Buffer b = program_.buffers[i];
    if (b.space == blob::MemSpace::Weights) {
      if (!read[i]) {
        dropped += b.size;
        continue;
      }
      uint64_t offset = alignTo(packed.size(), 64);
      packed.resize(offset, 0);
      packed.insert(packed.end(), bytes_.begin() + b.offset,
                    bytes_.begin() + b.offset + b.size);
      b.offset = offset;
    }
    newId[i] = uint32_t(kept.size());
    kept.push_back(std::move(b));
  }
  for (blob::TensorRef *r : refs)
    r->buffer = newId[r->buffer];
  program_.buffers = std::move(kept);
  bytes_ = std::move(packed);
  byHash_.clear();
  return dropped;
}

/// The first name in `loc`, depth first: an imported node's NameLoc, or
/// for ops fused from several nodes (a Conv with its BatchNormalization)
/// the first node's.
static std::optional<std::string> firstName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location part : fused.getLocations())
      if (auto name = firstName(part))
        return name;
  return std::nullopt;
}

std::string opLabel(Operation *op, unsigned index) {
  if (auto name = firstName(op->getLoc()))
    return *name;
  std::string n = op->getName().getStringRef().str();
  auto dot = n.find('.');
  if (dot != std::string::npos)
    n = n.substr(dot + 1);
  return n + "#" + std::to_string(index);
}

namespace {

/// The blob description of a graph argument of `type`.
FailureOr<blob::TensorDesc> describe(Location loc, Type type,
                                     const std::string &name) {
  auto shaped = dyn_cast<RankedTensorType>(type);
  auto ref = shaped ? hw::denseDeviceRef(shaped) : std::nullopt;
  if (!ref || shaped.getNumElements() == 0 || shaped.getRank() > 8)
    return emitError(loc) << "graph argument '" << name << "' of type " << type
                          << " is not a non-empty static tensor of a device "
                             "type (rank <= 8)";
  blob::TensorDesc d;
  d.name = name;
  d.dtype = ref->dtype;
  d.shape.assign(shaped.getShape().begin(), shaped.getShape().end());
  Type element = shaped.getElementType();
  if (auto q = dyn_cast<quant::UniformQuantizedType>(element)) {
    d.quant.scales = {float(q.getScale())};
    d.quant.zeroPoints = {int32_t(q.getZeroPoint())};
  } else if (auto q = dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
    for (double s : q.getScales())
      d.quant.scales.push_back(float(s));
    for (int64_t z : q.getZeroPoints())
      d.quant.zeroPoints.push_back(int32_t(z));
    d.quant.axis = q.getQuantizedDimension();
  }
  return d;
}

/// Bytes of a value of a device type, or failure with an error at `op`.
FailureOr<uint64_t> deviceBytes(Operation *op, Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  auto ref = type ? hw::denseDeviceRef(type) : std::nullopt;
  if (!ref || type.getNumElements() == 0)
    return op->emitOpError() << "result type " << v.getType()
                             << " is not a non-empty static tensor of a device "
                                "type";
  return uint64_t(type.getNumElements()) * dtypeSize(ref->dtype);
}

std::string argName(func::FuncOp func, unsigned i, bool result) {
  auto attr = result ? func.getResultAttrOfType<StringAttr>(i, "npu.name")
                     : func.getArgAttrOfType<StringAttr>(i, "npu.name");
  if (attr)
    return attr.str();
  return (result ? "output" : "input") + std::to_string(i);
}

} // namespace

FailureOr<BufferAssignment>
assignBuffers(func::FuncOp func, blob::Program &program,
              WeightsSection &weights, const llvm::DenseSet<Value> &cmxOnly,
              const llvm::DenseSet<Operation *> &elided,
              const llvm::DenseMap<Value, StoredIntoConcat> &intoConcats) {
  BufferAssignment plan;
  if (!func.getBody().hasOneBlock())
    return func.emitOpError("code generation needs a function of one block");
  Block &body = func.getBody().front();
  auto ret = dyn_cast<func::ReturnOp>(body.getTerminator());
  if (!ret)
    return func.emitOpError("code generation needs a func.return terminator");

  // Graph arguments: a description and a buffer covering each. The runtime
  // finds each by its name, so names are unique across inputs and outputs.
  std::map<std::string, bool> names; // Name -> is an output.
  auto addArgument = [&](Location loc, Type type, unsigned i,
                         bool result) -> FailureOr<uint32_t> {
    auto desc = describe(loc, type, argName(func, i, result));
    if (failed(desc))
      return failure();
    auto [it, inserted] = names.emplace(desc->name, result);
    if (!inserted) {
      InFlightDiagnostic d = func.emitOpError();
      if (result && !it->second)
        d << "graph output '" << desc->name
          << "' is the graph input of that name (the model passes it "
             "through unchanged)";
      else
        d << "two graph " << (result ? "outputs" : "inputs") << " are named '"
          << desc->name << "' (the model lists one twice)";
      d << ": a blob names its inputs and outputs uniquely, as the runtime "
           "finds them by name; ";
      // Found by a fresh user: a doubled input was told to rename an
      // output.
      if (result)
        d << "give the output a name of its own (an Identity node writing a "
             "new tensor)";
      else
        d << "list the input once";
      return d;
    }
    blob::MemSpace space =
        result ? blob::MemSpace::Output : blob::MemSpace::Input;
    program.buffers.push_back(
        {desc->name, space, uint32_t(i), 0, desc->byteSize()});
    (result ? program.outputs : program.inputs).push_back(*desc);
    return uint32_t(program.buffers.size() - 1);
  };
  for (auto [i, arg] : llvm::enumerate(body.getArguments())) {
    auto b = addArgument(func.getLoc(), arg.getType(), i, false);
    if (failed(b))
      return failure();
    plan.locations[arg] = {*b, blob::MemSpace::Input, uint32_t(i),
                           program.buffers[*b].size};
  }
  std::vector<uint32_t> outputBuffers;
  for (auto [j, type] : llvm::enumerate(func.getResultTypes())) {
    auto b = addArgument(ret.getLoc(), type, j, true);
    if (failed(b))
      return failure();
    outputBuffers.push_back(*b);
  }

  // Steps, views and the values each result stores.
  llvm::DenseMap<Operation *, uint64_t> step;
  llvm::DenseMap<Value, Value> root;
  std::vector<Value> roots; // Op results owning bytes, in program order.
  uint64_t index = 0;
  for (Operation &op : body) {
    step[&op] = index++;
    for (Value r : op.getResults()) {
      if (auto reshape = dyn_cast<npu::ReshapeOp>(op)) {
        // Read before inserting: operator[] may grow the map and would
        // invalidate a reference into it.
        Value in = reshape.getInput();
        Value inRoot = root.lookup(in);
        root[r] = inRoot ? inRoot : in;
        continue;
      }
      root[r] = r;
      if (!elided.contains(&op) && !intoConcats.count(r))
        roots.push_back(r);
    }
  }
  auto rootOf = [&](Value v) {
    Value r = root.lookup(v);
    return r ? r : v;
  };
  // The roots whose bytes a use of `v` reads: its root, or for an elided
  // op's result, those its input reads.
  std::function<void(Value, llvm::SmallVectorImpl<Value> &)> sourcesOf =
      [&](Value v, llvm::SmallVectorImpl<Value> &out) {
        Value r = rootOf(v);
        Operation *def = r.getDefiningOp();
        if (def && elided.contains(def))
          return sourcesOf(def->getOperand(0), out);
        // Already in its concat's result, which the concat writes.
        if (intoConcats.count(r))
          return;
        out.push_back(r);
      };

  // Results stored directly in their Output; the others are copied.
  llvm::DenseMap<Value, uint32_t> outputOf;
  for (auto [j, v] : llvm::enumerate(ret.getOperands())) {
    Value r = rootOf(v);
    Operation *def = r.getDefiningOp();
    if (def && !isa<npu::ConstantOp>(def) && !outputOf.count(r))
      outputOf[r] = uint32_t(j);
    else
      plan.resultCopies.push_back({v, uint32_t(j)});
  }

  // Last use of each root (through views).
  llvm::DenseMap<Value, uint64_t> lastUse;
  for (Operation &op : body)
    for (Value operand : op.getOperands()) {
      llvm::SmallVector<Value, 2> sources;
      sourcesOf(operand, sources);
      for (Value r : sources)
        lastUse[r] = std::max(lastUse.lookup(r), step[&op]);
    }

  // A concat's result is written from the first DPU op storing into it.
  llvm::DenseMap<Value, uint64_t> firstWrite;
  for (const auto &[v, into] : intoConcats) {
    uint64_t s = step.lookup(into.writer);
    auto [it, inserted] = firstWrite.try_emplace(into.concat, s);
    if (!inserted)
      it->second = std::min(it->second, s);
  }

  // Constants and outputs; scratch ranges for the rest.
  std::vector<LiveRange> ranges;
  std::vector<Value> scratchValues;
  for (Value r : roots) {
    Operation *def = r.getDefiningOp();
    auto bytes = deviceBytes(def, r);
    if (failed(bytes))
      return failure();
    if (auto c = dyn_cast<npu::ConstantOp>(def)) {
      std::string error;
      auto host = elementsAttrToHostTensor(c.getValue(), error);
      if (failed(host))
        return c.emitOpError() << "cannot read the constant: " << error;
      if (host->byteSize() != *bytes)
        return c.emitOpError("constant data does not match its type");
      llvm::ArrayRef<uint8_t> data(static_cast<const uint8_t *>(host->raw()),
                                   host->byteSize());
      uint32_t b = weights.add(opLabel(def, step[def]), data);
      plan.locations[r] = {b, blob::MemSpace::Weights, 0, *bytes};
      continue;
    }
    if (cmxOnly.contains(r))
      continue;
    auto out = outputOf.find(r);
    if (out != outputOf.end()) {
      plan.locations[r] = {outputBuffers[out->second], blob::MemSpace::Output,
                           out->second, *bytes};
      continue;
    }
    uint64_t first = step[def];
    if (auto it = firstWrite.find(r); it != firstWrite.end())
      first = std::min(first, it->second);
    ranges.push_back({first, std::max(first, lastUse.lookup(r)), *bytes});
    scratchValues.push_back(r);
  }
  ScratchLayout layout = allocateScratch(ranges, 64);
  for (size_t i = 0; i < scratchValues.size(); ++i) {
    Value r = scratchValues[i];
    Operation *def = r.getDefiningOp();
    std::string name = opLabel(def, step[def]);
    if (def->getNumResults() > 1)
      name += "." + std::to_string(cast<OpResult>(r).getResultNumber());
    blob::Buffer b{name, blob::MemSpace::Scratch, 0, layout.offsets[i],
                   ranges[i].size};
    plan.locations[r] = {uint32_t(program.buffers.size()),
                         blob::MemSpace::Scratch, 0, ranges[i].size};
    program.buffers.push_back(b);
    plan.scratchBytesWithoutReuse += alignTo(ranges[i].size, 64);
  }
  plan.scratchSize = layout.totalSize;
  plan.scratchBuffers = scratchValues.size();

  // Views share their root's location (an elided op's result has none).
  for (Operation &op : body)
    for (Value r : op.getResults()) {
      Value viewed = rootOf(r);
      Operation *viewedDef = viewed.getDefiningOp();
      if (viewed == r || (viewedDef && elided.contains(viewedDef)) ||
          intoConcats.count(viewed))
        continue;
      const ValueLocation *loc = plan.lookup(viewed);
      if (!loc)
        return op.emitOpError("views a value that has no location");
      ValueLocation copy = *loc;
      plan.locations[r] = copy;
    }
  return plan;
}

} // namespace npu::target
