//===- ProgramConversion.cpp - nputask.program <-> blob::Program ----------===//

#include "npu/Dialect/NPUTask/IR/ProgramConversion.h"

#include "npu/Blob/Verifier.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cstring>

using namespace mlir;

namespace npu::task {
namespace {

bool sameBits(float a, float b) {
  uint32_t x, y;
  std::memcpy(&x, &a, sizeof x);
  std::memcpy(&y, &b, sizeof y);
  return x == y;
}

/// One post-processing field as `ppe` spells it: its blob::PostProcess
/// member read and written as a double (exact for every member's values),
/// and for integers the range the member holds. Both directions of the
/// conversion go through this table; default-valued fields are left out of
/// `ppe`.
struct PpeField {
  const char *name;
  bool isFloat;
  int64_t lo, hi;
  double (*get)(const blob::PostProcess &);
  void (*set)(blob::PostProcess &, double);
};

#define NPU_PPE_INT(NAME, MEMBER, LO, HI)                                      \
  PpeField {                                                                   \
    NAME, false, LO, HI,                                                       \
        [](const blob::PostProcess &p) { return double(int64_t(p.MEMBER)); },  \
        [](blob::PostProcess &p, double v) {                                   \
          p.MEMBER = decltype(p.MEMBER)(int64_t(v));                           \
        }                                                                      \
  }
#define NPU_PPE_FLOAT(NAME, MEMBER)                                            \
  PpeField {                                                                   \
    NAME, true, 0, 0,                                                          \
        [](const blob::PostProcess &p) { return double(p.MEMBER); },           \
        [](blob::PostProcess &p, double v) { p.MEMBER = float(v); }            \
  }
const PpeField kPpeFields[] = {
    NPU_PPE_INT("activation", activation, 0, 2),
    NPU_PPE_INT("leaky_mult", leakyMult, INT32_MIN, INT32_MAX),
    NPU_PPE_INT("leaky_shift", leakyShift, 0, 255),
    NPU_PPE_FLOAT("leaky_alpha", leakyAlpha),
    NPU_PPE_INT("out_zero_point", outZeroPoint, INT32_MIN, INT32_MAX),
    NPU_PPE_INT("clamp_low", clampLow, INT32_MIN, INT32_MAX),
    NPU_PPE_INT("clamp_high", clampHigh, INT32_MIN, INT32_MAX),
    NPU_PPE_FLOAT("fclamp_low", fclampLow),
    NPU_PPE_FLOAT("fclamp_high", fclampHigh),
    NPU_PPE_INT("mult", mult, 0, UINT32_MAX),
    NPU_PPE_INT("shift", shift, 0, 255),
    NPU_PPE_FLOAT("scale", scale),
    NPU_PPE_INT("bias", bias, INT32_MIN, INT32_MAX),
    NPU_PPE_FLOAT("fbias", fbias),
};
#undef NPU_PPE_INT
#undef NPU_PPE_FLOAT

struct Builder {
  OpBuilder &b;
  Location loc;
  std::vector<Value> buffers;
  std::vector<Value> barriers;

  ViewAttr view(const blob::TensorRef &ref) {
    return ViewAttr::get(b.getContext(), ref.offset, ref.dtype, ref.shape,
                         ref.strides);
  }
  /// The schedule attribute of the next task (null for none).
  DenseI64ArrayAttr schedule;
  Value buffer(const blob::TensorRef &ref) { return buffers.at(ref.buffer); }
  SmallVector<Value> barrierValues(const std::vector<uint32_t> &ids) {
    SmallVector<Value> values;
    for (uint32_t id : ids)
      values.push_back(barriers.at(id));
    return values;
  }

  void argument(const blob::TensorDesc &d, bool input) {
    DenseF32ArrayAttr scales;
    DenseI32ArrayAttr zeroPoints;
    if (!d.quant.scales.empty())
      scales = b.getDenseF32ArrayAttr(d.quant.scales);
    if (!d.quant.zeroPoints.empty())
      zeroPoints = b.getDenseI32ArrayAttr(d.quant.zeroPoints);
    auto args = std::make_tuple(
        b.getStringAttr(d.name), b.getStringAttr(dtypeName(d.dtype)),
        b.getDenseI64ArrayAttr(d.shape),
        b.getStringAttr(blob::layoutName(d.layout)), scales, zeroPoints,
        b.getI32IntegerAttr(d.quant.axis));
    if (input)
      std::apply([&](auto... a) { InputOp::create(b, loc, a...); }, args);
    else
      std::apply([&](auto... a) { OutputOp::create(b, loc, a...); }, args);
  }

  DictionaryAttr ppe(const blob::PostProcess &p) {
    const blob::PostProcess d;
    SmallVector<NamedAttribute> fields;
    for (const PpeField &f : kPpeFields) {
      double v = f.get(p), def = f.get(d);
      if (f.isFloat ? sameBits(float(v), float(def)) : v == def)
        continue;
      fields.push_back(b.getNamedAttr(
          f.name, f.isFloat ? Attribute(b.getF32FloatAttr(float(v)))
                            : Attribute(b.getI64IntegerAttr(int64_t(v)))));
    }
    return b.getDictionaryAttr(fields);
  }

  void task(const blob::Task &t) {
    StringAttr name = b.getStringAttr(t.name);
    SmallVector<Value> waits = barrierValues(t.waitBarriers);
    SmallVector<Value> updates = barrierValues(t.updateBarriers);
    switch (t.kind) {
    case blob::Engine::Dma:
      DmaOp::create(b, loc, name, buffer(t.dma.src), buffer(t.dma.dst), waits,
                    updates, view(t.dma.src), view(t.dma.dst), schedule);
      return;
    case blob::Engine::Dpu: {
      const blob::DpuTask &d = t.dpu;
      auto optBuffer = [&](const std::optional<blob::TensorRef> &r) {
        return r ? buffer(*r) : Value();
      };
      auto optView = [&](const std::optional<blob::TensorRef> &r) {
        return r ? view(*r) : ViewAttr();
      };
      SmallVector<Attribute> workloads;
      for (const blob::Workload &w : d.workloads)
        workloads.push_back(WorkloadAttr::get(b.getContext(), w.x, w.y, w.k,
                                              w.width, w.height, w.channels,
                                              w.mpeMode));
      DpuOp::create(
          b, loc, name,
          DpuKindAttr::get(b.getContext(), static_cast<DpuKind>(d.op)),
          buffer(d.input), optBuffer(d.input2), optBuffer(d.weights),
          optBuffer(d.weightTable), buffer(d.output), waits, updates,
          view(d.input), optView(d.input2), optView(d.weights),
          optView(d.weightTable), view(d.output),
          b.getDenseI64ArrayAttr({d.kernelH, d.kernelW}),
          b.getDenseI64ArrayAttr({d.strideH, d.strideW}),
          b.getDenseI64ArrayAttr(
              {d.padTop, d.padLeft, d.padBottom, d.padRight}),
          b.getI32IntegerAttr(d.inZeroPoint),
          b.getI32IntegerAttr(d.in2ZeroPoint), b.getI32IntegerAttr(d.inMultA),
          b.getI32IntegerAttr(d.inMultB), ppe(d.ppe), b.getArrayAttr(workloads),
          schedule);
      return;
    }
    case blob::Engine::Shave: {
      // A chain's later kernels follow as `chained` ops without name,
      // barriers or schedule.
      auto kernel = [&](const blob::ShaveTask &s, bool chained) {
        SmallVector<Value> inputs, outputs;
        SmallVector<Attribute> inputViews, outputViews;
        for (const blob::TensorRef &r : s.inputs) {
          inputs.push_back(buffer(r));
          inputViews.push_back(view(r));
        }
        for (const blob::TensorRef &r : s.outputs) {
          outputs.push_back(buffer(r));
          outputViews.push_back(view(r));
        }
        ShaveOp::create(b, loc, chained ? b.getStringAttr("") : name,
                        b.getStringAttr(arch::shaveKernelName(s.kernel)),
                        inputs, outputs,
                        chained ? ValueRange() : ValueRange(waits),
                        chained ? ValueRange() : ValueRange(updates),
                        b.getArrayAttr(inputViews), b.getArrayAttr(outputViews),
                        b.getDenseF32ArrayAttr(s.fparams),
                        b.getDenseI64ArrayAttr(s.iparams),
                        chained ? DenseI64ArrayAttr() : schedule,
                        chained ? b.getUnitAttr() : UnitAttr());
      };
      kernel(t.shave, false);
      for (const blob::ShaveTask &k : t.shave.chained)
        kernel(k, true);
      return;
    }
    }
  }
};

/// Reads the IR back; every error is emitted at the op it concerns.
struct Reader {
  llvm::DenseMap<Value, uint32_t> bufferIds;
  llvm::DenseMap<Value, uint32_t> barrierIds;

  static blob::TensorRef ref(uint32_t buffer, ViewAttr v) {
    blob::TensorRef r;
    r.buffer = buffer;
    r.offset = v.getOffset();
    r.dtype = v.getDtype();
    r.shape.assign(v.getShape().begin(), v.getShape().end());
    r.strides.assign(v.getStrides().begin(), v.getStrides().end());
    return r;
  }

  FailureOr<blob::TensorRef> operand(Operation *op, Value buffer,
                                     Attribute view, StringRef what) {
    auto it = bufferIds.find(buffer);
    if (it == bufferIds.end())
      return op->emitOpError()
             << "'s " << what << " is not a buffer of its program";
    auto v = dyn_cast_or_null<ViewAttr>(view);
    if (!v)
      return op->emitOpError() << "has no view for its " << what;
    return ref(it->second, v);
  }

  LogicalResult barrierList(Operation *op, ValueRange values,
                            std::vector<uint32_t> &ids) {
    for (Value v : values) {
      auto it = barrierIds.find(v);
      if (it == barrierIds.end())
        return op->emitOpError("waits for or updates a barrier that is not "
                               "one of its program's");
      ids.push_back(it->second);
    }
    return success();
  }

  static FailureOr<blob::TensorDesc>
  argument(Operation *op, StringAttr name, StringRef dtype,
           ArrayRef<int64_t> shape, StringRef layout, DenseF32ArrayAttr scales,
           DenseI32ArrayAttr zeroPoints, int32_t axis) {
    blob::TensorDesc d;
    d.name = name.str();
    std::optional<DType> t = parseDType(dtype.str());
    if (!t)
      return op->emitOpError() << "has unknown element type '" << dtype << "'";
    d.dtype = *t;
    d.shape.assign(shape.begin(), shape.end());
    bool known = false;
    for (auto l : {blob::Layout::ND, blob::Layout::NCHW, blob::Layout::NHWC})
      if (layout == blob::layoutName(l)) {
        d.layout = l;
        known = true;
      }
    if (!known)
      return op->emitOpError() << "has unknown layout '" << layout
                               << "' (expected ND, NCHW or NHWC)";
    if (scales)
      d.quant.scales.assign(scales.asArrayRef().begin(),
                            scales.asArrayRef().end());
    if (zeroPoints)
      d.quant.zeroPoints.assign(zeroPoints.asArrayRef().begin(),
                                zeroPoints.asArrayRef().end());
    d.quant.axis = axis;
    return d;
  }

  static LogicalResult ppe(DpuOp op, blob::PostProcess &p) {
    for (NamedAttribute entry : op.getPpe()) {
      StringRef key = entry.getName().strref();
      const PpeField *field = nullptr;
      for (const PpeField &f : kPpeFields)
        if (key == f.name)
          field = &f;
      if (!field) {
        SmallVector<StringRef> names;
        for (const PpeField &f : kPpeFields)
          names.push_back(f.name);
        return op.emitOpError()
               << "has unknown ppe field '" << key << "' (expected one of "
               << llvm::join(names, ", ") << ")";
      }
      if (auto f = dyn_cast<FloatAttr>(entry.getValue())) {
        if (!field->isFloat)
          return op.emitOpError()
                 << "ppe field '" << key << "' is not a float field";
        field->set(p, double(float(f.getValueAsDouble())));
        continue;
      }
      auto i = dyn_cast<IntegerAttr>(entry.getValue());
      if (!i)
        return op.emitOpError()
               << "ppe field '" << key << "' is neither an integer nor a float";
      if (field->isFloat)
        return op.emitOpError()
               << "ppe field '" << key << "' is a float field (write it as "
               << "a float, e.g. 1.0)";
      int64_t v = i.getValue().getSExtValue();
      if (v < field->lo || v > field->hi)
        return op.emitOpError()
               << "ppe field '" << key << "' = " << v << " is outside ["
               << field->lo << ", " << field->hi << "]";
      field->set(p, double(v));
    }
    return success();
  }

  FailureOr<blob::Task> dpu(DpuOp op) {
    blob::Task t;
    t.kind = blob::Engine::Dpu;
    blob::DpuTask &d = t.dpu;
    d.op = static_cast<blob::DpuOp>(op.getKind());
    auto in = operand(op, op.getInput(), op.getInputViewAttr(), "input");
    auto out = operand(op, op.getOutput(), op.getOutputViewAttr(), "output");
    if (failed(in) || failed(out))
      return failure();
    d.input = *in;
    d.output = *out;
    auto optional = [&](Value buffer, Attribute view, StringRef what,
                        std::optional<blob::TensorRef> &dst) -> LogicalResult {
      if (!buffer && !view)
        return success();
      if (!buffer)
        return op.emitOpError() << "has a view but no buffer for its " << what;
      auto r = operand(op, buffer, view, what);
      if (failed(r))
        return failure();
      dst = *r;
      return success();
    };
    if (failed(optional(op.getInput2(), op.getInput2ViewAttr(), "second input",
                        d.input2)) ||
        failed(optional(op.getWeights(), op.getWeightsViewAttr(), "weights",
                        d.weights)) ||
        failed(optional(op.getWeightTable(), op.getWeightTableViewAttr(),
                        "weight table", d.weightTable)))
      return failure();
    auto pair = [&](ArrayRef<int64_t> values, size_t n, StringRef what,
                    SmallVectorImpl<uint8_t> &out) -> LogicalResult {
      if (values.size() != n)
        return op.emitOpError() << "has " << values.size() << " " << what
                                << " values, expected " << n;
      for (int64_t v : values) {
        if (v < 0 || v > 255)
          return op.emitOpError()
                 << "has a " << what << " value " << v << " outside [0, 255]";
        out.push_back(uint8_t(v));
      }
      return success();
    };
    SmallVector<uint8_t> kernel, strides, pads;
    if (failed(pair(op.getKernel(), 2, "kernel", kernel)) ||
        failed(pair(op.getStrides(), 2, "strides", strides)) ||
        failed(pair(op.getPads(), 4, "pads", pads)))
      return failure();
    d.kernelH = kernel[0];
    d.kernelW = kernel[1];
    d.strideH = strides[0];
    d.strideW = strides[1];
    d.padTop = pads[0];
    d.padLeft = pads[1];
    d.padBottom = pads[2];
    d.padRight = pads[3];
    d.inZeroPoint = int32_t(op.getInZeroPoint());
    d.in2ZeroPoint = int32_t(op.getIn2ZeroPoint());
    d.inMultA = int32_t(op.getInMultA());
    d.inMultB = int32_t(op.getInMultB());
    if (failed(ppe(op, d.ppe)))
      return failure();
    for (Attribute a : op.getWorkloads()) {
      auto w = cast<WorkloadAttr>(a);
      d.workloads.push_back({w.getX(), w.getY(), w.getK(), w.getWidth(),
                             w.getHeight(), w.getChannels(), w.getMpeMode()});
    }
    return t;
  }

  FailureOr<blob::Task> shave(ShaveOp op) {
    blob::Task t;
    t.kind = blob::Engine::Shave;
    blob::ShaveTask &s = t.shave;
    std::optional<arch::ShaveKernel> kernel =
        arch::parseShaveKernel(op.getKernel().str());
    if (!kernel)
      return op.emitOpError()
             << "names unknown SHAVE kernel '" << op.getKernel() << "'";
    s.kernel = *kernel;
    auto list = [&](ValueRange buffers, ArrayAttr views, StringRef what,
                    std::vector<blob::TensorRef> &out) -> LogicalResult {
      if (buffers.size() != views.size())
        return op.emitOpError() << "has " << buffers.size() << " " << what
                                << "s and " << views.size() << " views";
      for (auto [buffer, view] : llvm::zip(buffers, views)) {
        auto r = operand(op, buffer, view, what);
        if (failed(r))
          return failure();
        out.push_back(*r);
      }
      return success();
    };
    if (failed(list(op.getInputs(), op.getInputViews(), "input", s.inputs)) ||
        failed(list(op.getOutputs(), op.getOutputViews(), "output", s.outputs)))
      return failure();
    s.fparams.assign(op.getFparams().begin(), op.getFparams().end());
    s.iparams.assign(op.getIparams().begin(), op.getIparams().end());
    return t;
  }

  FailureOr<blob::Task> task(Operation &op, blob::Engine engine) {
    FailureOr<blob::Task> t = failure();
    StringAttr name;
    ValueRange waits, updates;
    if (auto dma = dyn_cast<DmaOp>(op)) {
      auto src = operand(&op, dma.getSrc(), dma.getSrcViewAttr(), "source");
      auto dst =
          operand(&op, dma.getDst(), dma.getDstViewAttr(), "destination");
      if (failed(src) || failed(dst))
        return failure();
      blob::Task dmaTask;
      dmaTask.kind = blob::Engine::Dma;
      dmaTask.dma = {*src, *dst};
      t = dmaTask;
      name = dma.getNameAttr();
      waits = dma.getWaits();
      updates = dma.getUpdates();
    } else if (auto dpuOp = dyn_cast<DpuOp>(op)) {
      t = dpu(dpuOp);
      name = dpuOp.getNameAttr();
      waits = dpuOp.getWaits();
      updates = dpuOp.getUpdates();
    } else if (auto shaveOp = dyn_cast<ShaveOp>(op)) {
      t = shave(shaveOp);
      name = shaveOp.getNameAttr();
      waits = shaveOp.getWaits();
      updates = shaveOp.getUpdates();
    } else {
      return op.emitOpError("is not a task (expected nputask.dma, "
                            "nputask.dpu or nputask.shave)");
    }
    if (failed(t))
      return failure();
    if (t->kind != engine)
      return op.emitOpError()
             << "is a " << blob::engineName(t->kind) << " task in a "
             << blob::engineName(engine) << " queue";
    t->name = name.str();
    if (failed(barrierList(&op, waits, t->waitBarriers)) ||
        failed(barrierList(&op, updates, t->updateBarriers)))
      return failure();
    return t;
  }
};

} // namespace

InFlightDiagnostic programError(ProgramOp op) {
  // At the program's location, without the op: printing the whole program
  // with every error would bury the message.
  return mlir::emitError(op.getLoc()) << "'" << op->getName() << "' op ";
}

ProgramOp buildProgramOp(OpBuilder &builder, Location loc,
                         const blob::Program &program,
                         ArrayRef<uint8_t> weights,
                         const ProgramSchedule &schedule,
                         ArrayRef<uint64_t> plannedOffsets) {
  OpBuilder::InsertionGuard guard(builder);
  ElementsAttr weightsAttr;
  if (!weights.empty()) {
    auto type = RankedTensorType::get({int64_t(weights.size())},
                                      builder.getIntegerType(8));
    ArrayRef<int8_t> bytes(reinterpret_cast<const int8_t *>(weights.data()),
                           weights.size());
    weightsAttr = cast<ElementsAttr>(Attribute(DenseI8ResourceElementsAttr::get(
        type, "npu_weights",
        HeapAsmResourceBlob::allocateAndCopyInferAlign(bytes))));
  }
  SmallVector<int64_t> cmxUsed(program.memory.cmxUsed.begin(),
                               program.memory.cmxUsed.end());
  auto op = ProgramOp::create(
      builder, loc, builder.getStringAttr(arch::platformName(program.platform)),
      builder.getStringAttr(program.compilerVersion),
      builder.getI64IntegerAttr(int64_t(program.optionsHash)),
      builder.getI64IntegerAttr(int64_t(program.memory.scratchSize)),
      builder.getDenseI64ArrayAttr(cmxUsed), weightsAttr);
  builder.setInsertionPointToStart(&op.getBody().emplaceBlock());
  Builder b{builder, loc, {}, {}, {}};
  for (const blob::TensorDesc &d : program.inputs)
    b.argument(d, /*input=*/true);
  for (const blob::TensorDesc &d : program.outputs)
    b.argument(d, /*input=*/false);
  for (const blob::StateVar &s : program.states)
    StateOp::create(builder, loc, s.name, s.input, s.output);
  for (size_t i = 0; i < program.buffers.size(); ++i) {
    const blob::Buffer &buf = program.buffers[i];
    uint64_t planned =
        i < plannedOffsets.size() ? plannedOffsets[i] : kUnassignedOffset;
    b.buffers.push_back(
        BufferOp::create(builder, loc, BufferType::get(builder.getContext()),
                         builder.getStringAttr(buf.name),
                         MemSpaceAttr::get(builder.getContext(),
                                           static_cast<MemSpace>(buf.space)),
                         builder.getI32IntegerAttr(int32_t(buf.index)),
                         buf.offset == kUnassignedOffset
                             ? IntegerAttr()
                             : builder.getI64IntegerAttr(int64_t(buf.offset)),
                         builder.getI64IntegerAttr(int64_t(buf.size)),
                         planned == kUnassignedOffset
                             ? IntegerAttr()
                             : builder.getI64IntegerAttr(int64_t(planned))));
  }
  for (const blob::Barrier &bar : program.barriers)
    b.barriers.push_back(
        BarrierOp::create(builder, loc, BarrierType::get(builder.getContext()),
                          bar.producerCount, bar.consumerCount));
  for (size_t l = 0; l < program.taskLists.size(); ++l) {
    const blob::TaskList &list = program.taskLists[l];
    auto queue = QueueOp::create(builder, loc, static_cast<Engine>(list.engine),
                                 list.index);
    OpBuilder::InsertionGuard queueGuard(builder);
    builder.setInsertionPointToStart(&queue.getBody().emplaceBlock());
    for (size_t i = 0; i < list.tasks.size(); ++i) {
      if (l < schedule.size() && i < schedule[l].size()) {
        const TaskSchedule &s = schedule[l][i];
        b.schedule = builder.getDenseI64ArrayAttr(
            {int64_t(s.position), int64_t(s.op), int64_t(s.step)});
      } else {
        b.schedule = nullptr;
      }
      b.task(list.tasks[i]);
    }
  }
  return op;
}

FailureOr<ExportedProgram> exportProgram(ProgramOp op, bool withWeights) {
  ExportedProgram out;
  blob::Program &p = out.program;
  std::optional<arch::Platform> platform =
      arch::parsePlatform(op.getPlatform().str());
  if (!platform)
    return programError(op) << "has unknown platform '" << op.getPlatform()
                            << "' (expected NPU3720 or NPU4000)";
  p.platform = *platform;
  p.compilerVersion = op.getCompilerVersion().str();
  p.optionsHash = op.getOptionsHash();
  if (op.getScratchSizeAttr().getInt() < 0)
    return programError(op) << "has a negative scratch size";
  p.memory.scratchSize = op.getScratchSize();
  for (int64_t v : op.getCmxUsed()) {
    if (v < 0)
      return programError(op) << "has a negative CMX size";
    p.memory.cmxUsed.push_back(uint64_t(v));
  }
  if (std::optional<ElementsAttr> w = op.getWeights()) {
    auto resource = dyn_cast<DenseI8ResourceElementsAttr>(*w);
    std::optional<ArrayRef<int8_t>> bytes;
    if (resource)
      bytes = resource.tryGetAsArrayRef();
    auto type = dyn_cast<RankedTensorType>(w->getType());
    if (!bytes || !type || type.getRank() != 1 ||
        type.getDimSize(0) != int64_t(bytes->size()))
      return programError(op)
             << "has weights that are not a 1-D i8 dense resource with its "
                "data and its byte count as its size";
    out.weightsSize = bytes->size();
    if (withWeights)
      out.weights.assign(reinterpret_cast<const uint8_t *>(bytes->data()),
                         reinterpret_cast<const uint8_t *>(bytes->data()) +
                             bytes->size());
  }

  Reader r;
  bool scheduled = false;
  // Buffers and barriers first, so that a queue may come before them.
  for (Operation &child : op.getBody().front()) {
    if (auto buf = dyn_cast<BufferOp>(child)) {
      if (buf.getIndexAttr().getInt() < 0 ||
          (buf.getOffsetAttr() && buf.getOffsetAttr().getInt() < 0) ||
          buf.getSizeAttr().getInt() < 0)
        return buf.emitOpError("has a negative index, offset or size");
      r.bufferIds[buf.getResult()] = uint32_t(p.buffers.size());
      if (std::optional<uint64_t> planned = buf.getPlannedOffset()) {
        if (buf.getPlannedOffsetAttr().getInt() < 0 || buf.getOffset())
          return buf.emitOpError("has a planned offset that is negative or "
                                 "beside an offset (only an unplaced buffer "
                                 "of the tasks stage has one)");
        out.plannedOffsets.resize(p.buffers.size(), kUnassignedOffset);
        out.plannedOffsets.push_back(*planned);
      }
      std::optional<uint64_t> offset = buf.getOffset();
      p.buffers.push_back({buf.getName().str(),
                           static_cast<blob::MemSpace>(buf.getSpace()),
                           buf.getIndex(), offset ? *offset : kUnassignedOffset,
                           buf.getSize()});
    } else if (auto bar = dyn_cast<BarrierOp>(child)) {
      if (bar.getProducersAttr().getInt() < 0 ||
          bar.getConsumersAttr().getInt() < 0)
        return bar.emitOpError("has a negative producer or consumer count");
      r.barrierIds[bar.getResult()] = uint32_t(p.barriers.size());
      p.barriers.push_back({bar.getProducers(), bar.getConsumers()});
    }
  }
  for (Operation &child : op.getBody().front()) {
    if (auto in = dyn_cast<InputOp>(child)) {
      auto d = Reader::argument(
          &child, in.getNameAttr(), in.getDtype(), in.getShape(),
          in.getLayout(), in.getQuantScalesAttr(), in.getQuantZeroPointsAttr(),
          int32_t(in.getQuantAxis()));
      if (failed(d))
        return failure();
      p.inputs.push_back(std::move(*d));
    } else if (auto o = dyn_cast<OutputOp>(child)) {
      auto d = Reader::argument(
          &child, o.getNameAttr(), o.getDtype(), o.getShape(), o.getLayout(),
          o.getQuantScalesAttr(), o.getQuantZeroPointsAttr(),
          int32_t(o.getQuantAxis()));
      if (failed(d))
        return failure();
      p.outputs.push_back(std::move(*d));
    } else if (auto s = dyn_cast<StateOp>(child)) {
      if (s.getInputAttr().getInt() < 0 || s.getOutputAttr().getInt() < 0)
        return s.emitOpError("names a negative input or output");
      p.states.push_back({s.getName().str(), s.getInput(), s.getOutput()});
    } else if (isa<BufferOp, BarrierOp>(child)) {
      continue;
    } else if (auto queue = dyn_cast<QueueOp>(child)) {
      if (queue.getIndexAttr().getInt() < 0)
        return queue.emitOpError("has a negative index");
      blob::TaskList list;
      list.engine = static_cast<blob::Engine>(queue.getEngine());
      list.index = queue.getIndex();
      std::vector<TaskSchedule> listSchedule;
      for (Operation &t : queue.getBody().front()) {
        if (auto chained = dyn_cast<ShaveOp>(t);
            chained && chained.getChained()) {
          if (list.tasks.empty() ||
              list.tasks.back().kind != blob::Engine::Shave)
            return chained.emitOpError(
                "is chained but does not follow a SHAVE task in its queue");
          if (!chained.getName().empty() || !chained.getWaits().empty() ||
              !chained.getUpdates().empty() || chained.getScheduleAttr())
            return chained.emitOpError(
                "is chained: its name must be empty and it takes no barriers "
                "or schedule (the chain's first op has them)");
          FailureOr<blob::Task> kernel = r.shave(chained);
          if (failed(kernel))
            return failure();
          list.tasks.back().shave.chained.push_back(std::move(kernel->shave));
          continue;
        }
        FailureOr<blob::Task> task = r.task(t, list.engine);
        if (failed(task))
          return failure();
        list.tasks.push_back(std::move(*task));
        TaskSchedule s{kNoSchedule, 0, 0};
        if (auto attr = t.getAttrOfType<DenseI64ArrayAttr>("schedule")) {
          ArrayRef<int64_t> v = attr.asArrayRef();
          if (v.size() != 3 || llvm::any_of(v, [](int64_t x) {
                return x < 0 || x >= int64_t(kNoSchedule);
              }))
            return t.emitOpError("has a schedule that is not [position, op, "
                                 "step] (three counts)");
          s = {uint32_t(v[0]), uint32_t(v[1]), uint32_t(v[2])};
          scheduled = true;
        }
        listSchedule.push_back(s);
      }
      out.schedule.push_back(std::move(listSchedule));
      p.taskLists.push_back(std::move(list));
    } else {
      return child.emitOpError("cannot be part of an nputask.program");
    }
  }
  if (!scheduled)
    out.schedule.clear();
  if (!out.plannedOffsets.empty())
    out.plannedOffsets.resize(p.buffers.size(), kUnassignedOffset);
  return out;
}

bool ExportedProgram::isTasksStage() const {
  return !schedule.empty() ||
         std::any_of(program.buffers.begin(), program.buffers.end(),
                     [](const blob::Buffer &b) {
                       return b.offset == kUnassignedOffset;
                     });
}

bool verifyTasksStage(const ExportedProgram &exported, std::string &error) {
  const blob::Program &p = exported.program;
  auto taskName = [&](size_t l, size_t i) {
    return "task '" + p.taskLists[l].tasks[i].name + "'";
  };
  if (!p.barriers.empty()) {
    error = "has barriers before memory assignment (the tasks stage has "
            "none: npu-assign-memory derives them)";
    return false;
  }
  size_t total = 0;
  for (const blob::TaskList &list : p.taskLists)
    total += list.tasks.size();
  // Position -> (op, step), to check the groups along the schedule, and
  // the task holding it.
  std::vector<std::pair<uint32_t, uint32_t>> groups(total,
                                                    {kNoSchedule, kNoSchedule});
  std::vector<std::pair<size_t, size_t>> holder(total);
  for (size_t l = 0; l < p.taskLists.size(); ++l) {
    const blob::TaskList &list = p.taskLists[l];
    for (size_t i = 0; i < list.tasks.size(); ++i) {
      const blob::Task &t = list.tasks[i];
      if (l >= exported.schedule.size() || i >= exported.schedule[l].size() ||
          exported.schedule[l][i].position == kNoSchedule) {
        error = taskName(l, i) + " has no schedule (every task of the tasks "
                                 "stage has one)";
        return false;
      }
      const TaskSchedule &s = exported.schedule[l][i];
      if (!t.waitBarriers.empty() || !t.updateBarriers.empty()) {
        error = taskName(l, i) + " waits for or updates a barrier before "
                                 "memory assignment";
        return false;
      }
      if (s.position >= total || groups[s.position].first != kNoSchedule) {
        error = taskName(l, i) + " has schedule position " +
                std::to_string(s.position) +
                (s.position >= total ? ", past the program's " +
                                           std::to_string(total) + " tasks"
                                     : ", which " +
                                           taskName(holder[s.position].first,
                                                    holder[s.position].second) +
                                           " has");
        return false;
      }
      holder[s.position] = {l, i};
      if (i > 0 && exported.schedule[l][i - 1].position > s.position) {
        error = taskName(l, i) + " comes after " + taskName(l, i - 1) +
                " in its queue but before it in the schedule";
        return false;
      }
      groups[s.position] = {s.op, s.step};
    }
  }
  for (size_t k = 1; k < total; ++k)
    if (groups[k].first < groups[k - 1].first ||
        groups[k].second < groups[k - 1].second) {
      error = "the op and step groups decrease at schedule position " +
              std::to_string(k);
      return false;
    }
  // The blob verifier's rules with every unplaced buffer at offset 0 and
  // the memory plan sized to hold each buffer.
  blob::Program placed = p;
  const arch::HardwareDesc &hw = arch::hardware(p.platform);
  placed.memory.cmxUsed.assign(hw.numTiles, 0);
  placed.memory.scratchSize = 0;
  for (size_t i = 0; i < placed.buffers.size(); ++i) {
    blob::Buffer &b = placed.buffers[i];
    std::string name = "buffer " + std::to_string(i) + " ('" + b.name + "')";
    uint64_t planned = i < exported.plannedOffsets.size()
                           ? exported.plannedOffsets[i]
                           : kUnassignedOffset;
    if (planned != kUnassignedOffset &&
        (b.space != blob::MemSpace::Cmx || planned % hw.cmxAlignment != 0 ||
         planned > hw.cmxUsableBytes || b.size > hw.cmxUsableBytes - planned)) {
      error = name + " has planned offset " + std::to_string(planned) +
              "; a planned offset is a " + std::to_string(hw.cmxAlignment) +
              "-byte aligned place for a CMX buffer within the usable CMX (" +
              std::to_string(hw.cmxUsableBytes) + " bytes)";
      return false;
    }
    if (b.offset == kUnassignedOffset) {
      if (b.space != blob::MemSpace::Cmx &&
          b.space != blob::MemSpace::Scratch) {
        error = name + " has no offset; only CMX and scratch buffers are "
                       "placed by memory assignment";
        return false;
      }
      b.offset = 0;
    }
    if (b.space == blob::MemSpace::Cmx && b.index < hw.numTiles)
      placed.memory.cmxUsed[b.index] =
          std::max(placed.memory.cmxUsed[b.index], b.offset + b.size);
    if (b.space == blob::MemSpace::Scratch)
      placed.memory.scratchSize =
          std::max(placed.memory.scratchSize, b.offset + b.size);
  }
  return blob::verifyProgram(placed, exported.weightsSize, error);
}

} // namespace npu::task
