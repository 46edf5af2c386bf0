//===- Verifier.cpp - Semantic checks of a blob Program -------------------===//
//
// Runs after the FlatBuffer structure is known to be sound, so it only
// checks meaning. Messages name the task ("dpu[0] task 3 'conv1'") and say
// what is wrong and what the limit is.
//
//===----------------------------------------------------------------------===//

#include "npu/Blob/Verifier.h"

#include <algorithm>
#include <deque>

namespace npu::blob {

namespace {

using arch::HardwareDesc;

constexpr size_t kMaxRank = 5;
constexpr size_t kMaxArgRank = 8;
/// DDR scratch of one inference: the NPU's address window.
constexpr uint64_t kMaxScratchBytes = arch::kDdrWindowBytes;

bool isQuant(DType t) { return t == DType::I8 || t == DType::U8; }

class ProgramVerifier {
public:
  ProgramVerifier(const Program &p, uint64_t weightsSize, std::string &error)
      : p(p), hw(arch::hardware(p.platform)), weightsSize(weightsSize),
        error(error) {}

  bool run() {
    return checkArgs(p.inputs, "input") && checkArgs(p.outputs, "output") &&
           checkStates() && checkMemoryPlan() && checkBuffers() &&
           checkTaskLists() && checkBarriers() && checkSchedule();
  }

private:
  const Program &p;
  const HardwareDesc &hw;
  uint64_t weightsSize;
  std::string &error;
  std::string where; // The task being checked.

  bool fail(const std::string &msg) {
    error = where.empty() ? msg : where + ": " + msg;
    return false;
  }

  /// State variables: named uniquely, each pairing an input and an output
  /// of the same dtype, shape and quantization that no other variable uses,
  /// and at least one output that is not state.
  bool checkStates() {
    for (size_t i = 0; i < p.states.size(); ++i) {
      const StateVar &v = p.states[i];
      std::string what = "state variable " + std::to_string(i);
      if (v.name.empty())
        return fail(what + " has no name");
      what += " '" + v.name + "'";
      if (v.input >= p.inputs.size())
        return fail(what + " names input " + std::to_string(v.input) +
                    "; the blob has " + std::to_string(p.inputs.size()));
      if (v.output >= p.outputs.size())
        return fail(what + " names output " + std::to_string(v.output) +
                    "; the blob has " + std::to_string(p.outputs.size()));
      for (size_t j = 0; j < i; ++j) {
        const StateVar &o = p.states[j];
        if (o.name == v.name)
          return fail(what + " repeats the name of state variable " +
                      std::to_string(j));
        if (o.input == v.input || o.output == v.output)
          return fail(what + " shares its input or output with state " +
                      "variable " + std::to_string(j) + " '" + o.name + "'");
      }
      const TensorDesc &in = p.inputs[v.input], &out = p.outputs[v.output];
      if (in.dtype != out.dtype || in.shape != out.shape ||
          !(in.quant == out.quant))
        return fail(what + ": input '" + in.name + "' (" + dtypeName(in.dtype) +
                    " " + shapeToString(in.shape) + ") and output '" +
                    out.name + "' (" + dtypeName(out.dtype) + " " +
                    shapeToString(out.shape) +
                    ") differ in element type, shape or quantization");
    }
    if (!p.states.empty() && p.states.size() >= p.outputs.size())
      return fail("every output of the blob is a state variable's; a model "
                  "needs an output that is not");
    return true;
  }

  bool checkArgs(const std::vector<TensorDesc> &args, const char *kind) {
    if (&args == &p.outputs && args.empty())
      return fail("the blob has no outputs");
    for (size_t i = 0; i < args.size(); ++i) {
      const TensorDesc &d = args[i];
      std::string what = std::string(kind) + " " + std::to_string(i);
      if (d.name.empty())
        return fail(what + " has no name");
      for (size_t j = 0; j < i; ++j)
        if (args[j].name == d.name)
          return fail(what + " repeats the name '" + d.name + "'");
      if (&args == &p.outputs)
        for (const TensorDesc &in : p.inputs)
          if (in.name == d.name)
            return fail(what + " has the name of an input, '" + d.name +
                        "' (graph argument names are unique)");
      if (d.shape.size() > kMaxArgRank)
        return fail(what + " '" + d.name + "' has rank " +
                    std::to_string(d.shape.size()) + " (at most " +
                    std::to_string(kMaxArgRank) + ")");
      for (int64_t dim : d.shape)
        if (dim <= 0 || dim > (int64_t(1) << 31))
          return fail(what + " '" + d.name + "' has a dimension " +
                      std::to_string(dim) + " (static positive sizes only)");
      const QuantParams &q = d.quant;
      if (!q.scales.empty() || !q.zeroPoints.empty()) {
        if (q.scales.size() != q.zeroPoints.size())
          return fail(what + " '" + d.name +
                      "' has different numbers of scales and zero points");
        if (q.axis >= int32_t(d.shape.size()) || q.axis < -1)
          return fail(what + " '" + d.name + "' has quantization axis " +
                      std::to_string(q.axis) + " outside its rank");
        size_t expect = q.axis < 0 ? 1 : size_t(d.shape[q.axis]);
        if (q.scales.size() != expect)
          return fail(what + " '" + d.name + "' needs " +
                      std::to_string(expect) + " quantization scales");
      }
    }
    return true;
  }

  bool checkMemoryPlan() {
    if (p.memory.cmxUsed.size() != hw.numTiles)
      return fail("memory plan lists CMX usage for " +
                  std::to_string(p.memory.cmxUsed.size()) + " tiles, the " +
                  hw.name + " has " + std::to_string(hw.numTiles));
    for (size_t t = 0; t < p.memory.cmxUsed.size(); ++t)
      if (p.memory.cmxUsed[t] > hw.cmxUsableBytes)
        return fail("memory plan uses " + std::to_string(p.memory.cmxUsed[t]) +
                    " bytes of CMX on tile " + std::to_string(t) +
                    ", past the " + hw.name + "'s capacity of " +
                    std::to_string(hw.cmxUsableBytes) + " usable bytes");
    if (p.memory.scratchSize > kMaxScratchBytes)
      return fail("memory plan asks for " +
                  std::to_string(p.memory.scratchSize) +
                  " bytes of DDR scratch (at most " +
                  std::to_string(kMaxScratchBytes) + ")");
    return true;
  }

  bool checkBuffers() {
    for (size_t i = 0; i < p.buffers.size(); ++i) {
      const Buffer &b = p.buffers[i];
      std::string what = "buffer " + std::to_string(i) +
                         (b.name.empty() ? "" : " '" + b.name + "'");
      uint64_t capacity = 0;
      std::string space;
      switch (b.space) {
      case MemSpace::Input:
      case MemSpace::Output: {
        const auto &args = b.space == MemSpace::Input ? p.inputs : p.outputs;
        if (b.index >= args.size())
          return fail(what + " refers to " + memSpaceName(b.space) + " " +
                      std::to_string(b.index) + ", which does not exist");
        capacity = args[b.index].byteSize();
        space = std::string(memSpaceName(b.space)) + " '" + args[b.index].name +
                "'";
        break;
      }
      case MemSpace::Scratch:
      case MemSpace::Weights:
        if (b.index != 0)
          return fail(what + " has index " + std::to_string(b.index) + " in " +
                      memSpaceName(b.space) + ", which has only index 0");
        break;
      case MemSpace::Cmx:
        break;
      }
      switch (b.space) {
      case MemSpace::Input:
      case MemSpace::Output:
        break;
      case MemSpace::Scratch:
        capacity = p.memory.scratchSize;
        space = "the DDR scratch area";
        break;
      case MemSpace::Weights:
        capacity = weightsSize;
        space = "the weights section";
        break;
      case MemSpace::Cmx:
        if (b.index >= hw.numTiles)
          return fail(what + " is in the CMX of tile " +
                      std::to_string(b.index) + "; the " + hw.name + " has " +
                      std::to_string(hw.numTiles) + " tiles");
        if (b.offset % 16 != 0)
          return fail(what + " starts at CMX offset " +
                      std::to_string(b.offset) +
                      ", not a multiple of 16 bytes");
        if (b.offset > hw.cmxUsableBytes ||
            b.size > hw.cmxUsableBytes - b.offset)
          return fail(what + " (" + std::to_string(b.size) +
                      " bytes at CMX offset " + std::to_string(b.offset) +
                      " of tile " + std::to_string(b.index) +
                      ") ends past the " + hw.name + "'s CMX capacity of " +
                      std::to_string(hw.cmxUsableBytes) + " usable bytes");
        capacity = p.memory.cmxUsed[b.index];
        space =
            "the memory plan's CMX usage of tile " + std::to_string(b.index);
        break;
      }
      if (b.size == 0)
        return fail(what + " is empty");
      if (b.offset > capacity || b.size > capacity - b.offset)
        return fail(what + " (" + std::to_string(b.size) + " bytes at " +
                    std::to_string(b.offset) + ") lies outside " + space +
                    " (" + std::to_string(capacity) + " bytes)");
    }
    return true;
  }

  bool checkRef(const TensorRef &r, const std::string &what) {
    if (r.buffer >= p.buffers.size())
      return fail(what + " names buffer " + std::to_string(r.buffer) +
                  ", which does not exist");
    if (r.shape.empty() || r.shape.size() > kMaxRank)
      return fail(what + " has rank " + std::to_string(r.shape.size()) +
                  " (1 to " + std::to_string(kMaxRank) + ")");
    if (r.strides.size() != r.shape.size())
      return fail(what + " has " + std::to_string(r.strides.size()) +
                  " strides for " + std::to_string(r.shape.size()) +
                  " dimensions");
    for (uint32_t d : r.shape)
      if (d == 0)
        return fail(what + " has an empty dimension");
    const Buffer &b = p.buffers[r.buffer];
    uint64_t end = r.extent();
    if (end > b.size)
      return fail(
          what + " reaches byte " +
          (end == UINT64_MAX ? std::string("2^64") : std::to_string(end)) +
          " of buffer " + std::to_string(r.buffer) + " '" + b.name +
          "', which has " + std::to_string(b.size) + " bytes");
    return true;
  }

  bool writable(const TensorRef &r, const std::string &what) {
    MemSpace s = p.buffers[r.buffer].space;
    if (s == MemSpace::Input || s == MemSpace::Weights)
      return fail(what + " writes to read-only " + memSpaceName(s) + " memory");
    return true;
  }

  bool inTileCmx(const TensorRef &r, uint32_t tile, const std::string &what) {
    const Buffer &b = p.buffers[r.buffer];
    if (b.space != MemSpace::Cmx || b.index != tile)
      return fail(
          what + " is in " + memSpaceName(b.space) +
          (b.space == MemSpace::Cmx ? " of tile " + std::to_string(b.index)
                                    : std::string()) +
          "; this engine only reaches the CMX of tile " + std::to_string(tile));
    return true;
  }

  bool checkDma(const DmaTask &t) {
    if (!checkRef(t.src, "source") || !checkRef(t.dst, "destination") ||
        !writable(t.dst, "destination"))
      return false;
    if (dtypeSize(t.src.dtype) != dtypeSize(t.dst.dtype))
      return fail("source and destination element sizes differ");
    if (t.src.shape != t.dst.shape)
      return fail("source and destination shapes differ");
    return true;
  }

  bool checkWorkloads(const DpuTask &t) {
    if (t.workloads.empty())
      return fail("DPU task has no workloads");
    const auto &o = t.output.shape;
    uint64_t volume = 0;
    bool channelLimited = t.op == DpuOp::DepthwiseConv ||
                          t.op == DpuOp::MaxPool || t.op == DpuOp::AvgPool;
    for (size_t i = 0; i < t.workloads.size(); ++i) {
      const Workload &w = t.workloads[i];
      std::string what = "workload " + std::to_string(i);
      if (w.width == 0 || w.height == 0 || w.channels == 0)
        return fail(what + " is empty");
      if (uint64_t(w.x) + w.width > o[1] || uint64_t(w.y) + w.height > o[0] ||
          uint64_t(w.k) + w.channels > o[2])
        return fail(what + " lies outside the " + std::to_string(o[0]) + "x" +
                    std::to_string(o[1]) + "x" + std::to_string(o[2]) +
                    " output");
      if (channelLimited && w.channels != 16 && w.channels != 32 &&
          w.channels != 64)
        return fail(what + " has " + std::to_string(w.channels) +
                    " channels; depthwise and pooling workloads take 16, "
                    "32 or 64");
      if (t.op == DpuOp::DepthwiseConv &&
          w.mpeMode != arch::MpeMode::Cuboid16x16)
        return fail(what + ": depthwise convolution needs CUBOID_16x16");
      if (p.platform == arch::Platform::NPU4000 &&
          (t.op == DpuOp::EltwiseAdd || t.op == DpuOp::EltwiseSub) &&
          w.mpeMode != arch::MpeMode::Cuboid8x16)
        return fail(what + ": eltwise on NPU4000 needs CUBOID_8x16");
      for (size_t j = 0; j < i; ++j) {
        const Workload &v = t.workloads[j];
        bool apart = w.x >= v.x + v.width || v.x >= w.x + w.width ||
                     w.y >= v.y + v.height || v.y >= w.y + w.height ||
                     w.k >= v.k + v.channels || v.k >= w.k + w.channels;
        if (!apart)
          return fail(what + " overlaps workload " + std::to_string(j));
      }
      volume += uint64_t(w.width) * w.height * w.channels;
    }
    if (volume != uint64_t(o[0]) * o[1] * o[2])
      return fail("workloads do not cover the whole output");
    return true;
  }

  bool checkDpu(const DpuTask &t, uint32_t tile) {
    if (!checkRef(t.input, "input") || !inTileCmx(t.input, tile, "input") ||
        !checkRef(t.output, "output") || !inTileCmx(t.output, tile, "output"))
      return false;
    for (auto [ref, name] : {std::pair{&t.input2, "second input"},
                             std::pair{&t.weights, "weights"},
                             std::pair{&t.weightTable, "weight table"}})
      if (*ref && (!checkRef(**ref, name) || !inTileCmx(**ref, tile, name)))
        return false;
    if (t.input.shape.size() != 3 || t.output.shape.size() != 3)
      return fail("DPU input and output are [H, W, C]");
    DType in = t.input.dtype, out = t.output.dtype;
    if (!isQuant(in) && in != DType::F16)
      return fail(std::string("DPU input element type ") + dtypeName(in) +
                  " is not i8, u8 or f16");
    bool intOut = isQuant(out);
    if (!intOut && out != DType::F16 && !(out == DType::F32 && hw.fp32Output))
      return fail(std::string("DPU cannot write ") + dtypeName(out) +
                  " on the " + hw.name);
    if (intOut && !isQuant(in))
      return fail("an f16 DPU task cannot write a quantized output");
    uint32_t H = t.input.shape[0], W = t.input.shape[1], C = t.input.shape[2];
    uint32_t OH = t.output.shape[0], OW = t.output.shape[1],
             K = t.output.shape[2];
    for (uint32_t d : {H, W, C, OH, OW, K})
      if (d > hw.maxDim)
        return fail("dimension " + std::to_string(d) + " exceeds " +
                    std::to_string(hw.maxDim));
    if (t.kernelH == 0 || t.kernelW == 0 || t.kernelH > hw.maxKernel ||
        t.kernelW > hw.maxKernel)
      return fail("kernel " + std::to_string(t.kernelH) + "x" +
                  std::to_string(t.kernelW) + " is outside 1.." +
                  std::to_string(hw.maxKernel));
    if (t.strideH == 0 || t.strideW == 0 || t.strideH > hw.maxStride ||
        t.strideW > hw.maxStride)
      return fail("stride is outside 1.." + std::to_string(hw.maxStride));
    if (t.padTop >= t.kernelH || t.padBottom >= t.kernelH ||
        t.padLeft >= t.kernelW || t.padRight >= t.kernelW)
      return fail("padding must be smaller than the kernel");
    if (K % hw.channelAlignment != 0)
      return fail("output channels " + std::to_string(K) +
                  " are not a multiple of " +
                  std::to_string(hw.channelAlignment));
    int64_t eh = int64_t(H) + t.padTop + t.padBottom - t.kernelH;
    int64_t ew = int64_t(W) + t.padLeft + t.padRight - t.kernelW;
    if (eh < 0 || ew < 0 || OH != eh / t.strideH + 1 ||
        OW != ew / t.strideW + 1)
      return fail("output " + std::to_string(OH) + "x" + std::to_string(OW) +
                  " does not match input " + std::to_string(H) + "x" +
                  std::to_string(W) + " with this kernel, stride and padding");
    bool hasWeights = t.op == DpuOp::Conv || t.op == DpuOp::DepthwiseConv;
    bool eltwise = t.op == DpuOp::EltwiseAdd || t.op == DpuOp::EltwiseSub;
    if (hasWeights != bool(t.weights) || hasWeights != bool(t.weightTable))
      return fail(std::string(dpuOpName(t.op)) +
                  (hasWeights ? " needs" : " takes no") +
                  " weights and weight table");
    if (eltwise != bool(t.input2))
      return fail(std::string(dpuOpName(t.op)) +
                  (eltwise ? " needs" : " takes no") + " second input");
    if (hasWeights) {
      const TensorRef &w = *t.weights, &tb = *t.weightTable;
      DType wt = isQuant(in) ? DType::I8 : DType::F16;
      if (w.dtype != wt)
        return fail(std::string("weights must be ") + dtypeName(wt));
      uint32_t wc = t.op == DpuOp::Conv ? C : 1;
      if (w.shape != std::vector<uint32_t>{K, t.kernelH, t.kernelW, wc})
        return fail("weights must be [K, kh, kw, " +
                    std::string(t.op == DpuOp::Conv ? "C" : "1") + "] = [" +
                    std::to_string(K) + ", " + std::to_string(t.kernelH) +
                    ", " + std::to_string(t.kernelW) + ", " +
                    std::to_string(wc) + "]");
      if (tb.dtype != DType::I32 || tb.shape != std::vector<uint32_t>{K, 4} ||
          !tb.isDense())
        return fail("weight table must be dense i32 [K, 4]");
      if (t.op == DpuOp::Conv && C % hw.channelAlignment != 0 && C != 4)
        return fail("input channels " + std::to_string(C) +
                    " are not a multiple of " +
                    std::to_string(hw.channelAlignment) +
                    " (or 4 for a compressed first layer)");
    }
    if (t.op != DpuOp::Conv && C != K)
      return fail(std::string(dpuOpName(t.op)) +
                  " keeps the channel count: input " + std::to_string(C) +
                  ", output " + std::to_string(K));
    if (eltwise) {
      if (t.input2->shape != t.input.shape || t.input2->dtype != in)
        return fail("eltwise inputs differ in shape or element type");
      if (t.kernelH != 1 || t.kernelW != 1 || t.strideH != 1 || t.strideW != 1)
        return fail("eltwise takes a 1x1 kernel and stride 1");
    }
    std::string why;
    if (!verifyDpuParameters(t, in, p.platform, why))
      return fail(why);
    return checkWorkloads(t);
  }

  bool checkShave(const ShaveTask &t, uint32_t tile) {
    for (size_t i = 0; i < t.inputs.size(); ++i)
      if (!checkRef(t.inputs[i], "input " + std::to_string(i)))
        return false;
    for (size_t i = 0; i < t.outputs.size(); ++i)
      if (!checkRef(t.outputs[i], "output " + std::to_string(i)) ||
          !writable(t.outputs[i], "output " + std::to_string(i)))
        return false;
    for (const auto *list : {&t.inputs, &t.outputs})
      for (const TensorRef &r : *list) {
        const Buffer &b = p.buffers[r.buffer];
        if (b.space == MemSpace::Cmx && b.index != tile)
          return fail("operand is in the CMX of tile " +
                      std::to_string(b.index) + "; this SHAVE is on tile " +
                      std::to_string(tile));
      }
    std::string msg;
    if (!verifyShaveTask(t, msg))
      return fail(msg);
    for (size_t k = 0; k < t.chained.size(); ++k) {
      if (!t.chained[k].chained.empty())
        return fail("chained kernel " + std::to_string(k + 1) +
                    " has chained kernels of its own");
      std::string task = where;
      where += ", chained kernel " + std::to_string(k + 1);
      bool ok = checkShave(t.chained[k], tile);
      where = task;
      if (!ok)
        return false;
    }
    return true;
  }

  bool checkTaskLists() {
    uint32_t shaves = hw.numTiles * hw.shavesPerTile;
    std::vector<std::pair<Engine, uint32_t>> seen;
    for (const TaskList &l : p.taskLists) {
      where.clear();
      uint32_t limit = l.engine == Engine::Dma   ? hw.dmaPorts
                       : l.engine == Engine::Dpu ? hw.numTiles
                                                 : shaves;
      std::string list = std::string(engineName(l.engine)) + "[" +
                         std::to_string(l.index) + "]";
      if (l.index >= limit)
        return fail("task list " + list + " names an engine the " + hw.name +
                    " does not have (" + std::to_string(limit) + " " +
                    engineName(l.engine) + " queues)");
      if (std::find(seen.begin(), seen.end(), std::pair{l.engine, l.index}) !=
          seen.end())
        return fail("two task lists for " + list);
      seen.push_back({l.engine, l.index});
      for (size_t i = 0; i < l.tasks.size(); ++i) {
        const Task &t = l.tasks[i];
        where = list + " task " + std::to_string(i) +
                (t.name.empty() ? "" : " '" + t.name + "'");
        if (t.kind != l.engine)
          return fail(std::string("a ") + engineName(t.kind) + " task in a " +
                      engineName(l.engine) + " queue");
        for (const auto *ids : {&t.waitBarriers, &t.updateBarriers})
          for (uint32_t b : *ids)
            if (b >= p.barriers.size())
              return fail("names barrier " + std::to_string(b) +
                          ", which does not exist");
        bool ok = t.kind == Engine::Dma ? checkDma(t.dma)
                  : t.kind == Engine::Dpu
                      ? checkDpu(t.dpu, l.index)
                      : checkShave(t.shave, l.index / hw.shavesPerTile);
        if (!ok)
          return false;
      }
    }
    where.clear();
    return true;
  }

  bool checkBarriers() {
    std::vector<uint32_t> producers(p.barriers.size()),
        consumers(p.barriers.size());
    for (const TaskList &l : p.taskLists)
      for (const Task &t : l.tasks) {
        for (uint32_t b : t.updateBarriers)
          ++producers[b];
        for (uint32_t b : t.waitBarriers)
          ++consumers[b];
      }
    for (size_t b = 0; b < p.barriers.size(); ++b) {
      const Barrier &bar = p.barriers[b];
      if (bar.producerCount != producers[b])
        return fail("barrier " + std::to_string(b) + " declares " +
                    std::to_string(bar.producerCount) + " producers but " +
                    std::to_string(producers[b]) + " tasks update it");
      if (bar.consumerCount != consumers[b])
        return fail("barrier " + std::to_string(b) + " declares " +
                    std::to_string(bar.consumerCount) + " consumers but " +
                    std::to_string(consumers[b]) + " tasks wait for it");
      if (bar.producerCount == 0 && bar.consumerCount != 0)
        return fail("barrier " + std::to_string(b) +
                    " has consumers but no producer");
    }
    return true;
  }

  /// Runs the queues symbolically: a queue's head task may start when all
  /// its wait barriers are released. If no head can start before all tasks
  /// ran, the blob would hang the device.
  bool checkSchedule() {
    std::vector<uint32_t> pending(p.barriers.size());
    for (size_t b = 0; b < p.barriers.size(); ++b)
      pending[b] = p.barriers[b].producerCount;
    std::vector<size_t> head(p.taskLists.size(), 0);
    uint64_t remaining = countTasks(p);
    while (remaining > 0) {
      bool progress = false;
      for (size_t l = 0; l < p.taskLists.size(); ++l) {
        const auto &tasks = p.taskLists[l].tasks;
        while (head[l] < tasks.size()) {
          const Task &t = tasks[head[l]];
          bool ready = std::all_of(t.waitBarriers.begin(), t.waitBarriers.end(),
                                   [&](uint32_t b) { return pending[b] == 0; });
          if (!ready)
            break;
          for (uint32_t b : t.updateBarriers)
            --pending[b];
          ++head[l];
          --remaining;
          progress = true;
        }
      }
      if (!progress) {
        for (size_t l = 0; l < p.taskLists.size(); ++l) {
          const TaskList &list = p.taskLists[l];
          if (head[l] < list.tasks.size())
            return fail("the schedule deadlocks: " +
                        std::string(engineName(list.engine)) + "[" +
                        std::to_string(list.index) + "] task " +
                        std::to_string(head[l]) +
                        " waits for a barrier that can never be released");
        }
      }
    }
    return true;
  }
};

} // namespace

bool verifyDpuParameters(const DpuTask &t, DType input,
                         std::optional<arch::Platform> platform,
                         std::string &error) {
  auto fail = [&](std::string why) {
    error = std::move(why);
    return false;
  };
  if (t.op == DpuOp::EltwiseAdd || t.op == DpuOp::EltwiseSub)
    for (int32_t m : {t.inMultA, t.inMultB})
      if (m < -32768 || m > 32767)
        return fail("eltwise input multiplier " + std::to_string(m) +
                    " does not fit 16 bits");
  if (isQuant(input))
    for (int32_t zp : {t.inZeroPoint, t.in2ZeroPoint})
      if (zp < (input == DType::I8 ? -128 : 0) ||
          zp > (input == DType::I8 ? 127 : 255))
        return fail("input zero point " + std::to_string(zp) + " is outside " +
                    dtypeName(input));
  const PostProcess &q = t.ppe;
  DpuOp op = t.op;
  DType output = t.output.dtype;
  if (q.mult > 0xFFFF)
    return fail("requantization multiplier " + std::to_string(q.mult) +
                " does not fit 16 bits");
  if (q.shift > 63 || q.leakyShift > 31)
    return fail("post-processing shift out of range");
  if (q.activation == arch::Activation::LeakyRelu &&
      (q.leakyMult < -32768 || q.leakyMult > 32767))
    return fail("LeakyReLU multiplier does not fit 16 bits");
  if (isQuant(output)) {
    int32_t lo = output == DType::I8 ? -128 : 0;
    int32_t hi = output == DType::I8 ? 127 : 255;
    if (q.outZeroPoint < lo || q.outZeroPoint > hi)
      return fail("output zero point " + std::to_string(q.outZeroPoint) +
                  " is outside " + dtypeName(output));
    if (q.clampLow > q.clampHigh)
      return fail("clamp range is empty");
  } else {
    if (!(q.fclampLow <= q.fclampHigh))
      return fail("clamp range is empty");
    if (platform == arch::Platform::NPU3720 && q.fclampLow != -INFINITY &&
        q.fclampLow != 0.0f)
      return fail("on NPU3720 a clamp with a non-zero minimum needs a "
                  "quantized output");
  }
  if (platform == arch::Platform::NPU3720 && op == DpuOp::MaxPool &&
      q.activation != arch::Activation::None)
    return fail("on NPU3720 ReLU / LeakyReLU cannot follow MaxPool");
  return true;
}

bool verifyProgram(const Program &program, uint64_t weightsSize,
                   std::string &error) {
  return ProgramVerifier(program, weightsSize, error).run();
}

} // namespace npu::blob
