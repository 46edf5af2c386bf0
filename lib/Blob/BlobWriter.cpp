//===- BlobWriter.cpp - Program -> blob bytes -----------------------------===//

#include "npu/Blob/BlobWriter.h"
#include "npu/Blob/Format.h"

#include "FbTypes.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the blob header is written in host order");

namespace npu::blob {

namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

class Serializer {
public:
  explicit Serializer(FlatBufferBuilder &fbb) : fbb(fbb) {}

  Offset<fb::TensorRef> ref(const TensorRef &r) {
    auto shape = fbb.CreateVector(r.shape);
    auto strides = fbb.CreateVector(r.strides);
    return fb::CreateTensorRef(fbb, r.buffer, r.offset, toFb(r.dtype), shape,
                               strides);
  }
  Offset<fb::TensorRef> ref(const std::optional<TensorRef> &r) {
    return r ? ref(*r) : 0;
  }

  Offset<fb::TensorDesc> desc(const TensorDesc &d) {
    auto name = fbb.CreateString(d.name);
    auto shape = fbb.CreateVector(d.shape);
    Offset<fb::QuantParams> quant = 0;
    if (!d.quant.scales.empty() || !d.quant.zeroPoints.empty())
      quant = fb::CreateQuantParams(fbb, fbb.CreateVector(d.quant.scales),
                                    fbb.CreateVector(d.quant.zeroPoints),
                                    d.quant.axis);
    return fb::CreateTensorDesc(fbb, name, toFb(d.dtype), shape,
                                fb::Layout(d.layout), quant);
  }

  Offset<fb::DpuTask> dpu(const DpuTask &t) {
    auto input = ref(t.input);
    auto input2 = ref(t.input2);
    auto weights = ref(t.weights);
    auto table = ref(t.weightTable);
    auto output = ref(t.output);
    const PostProcess &p = t.ppe;
    auto ppe = fb::CreatePostProcess(
        fbb, uint8_t(p.activation), p.leakyMult, p.leakyShift, p.leakyAlpha,
        p.outZeroPoint, p.clampLow, p.clampHigh, p.fclampLow, p.fclampHigh,
        p.mult, p.shift, p.scale, p.bias, p.fbias);
    std::vector<Offset<fb::Workload>> wls;
    for (const Workload &w : t.workloads)
      wls.push_back(fb::CreateWorkload(fbb, w.x, w.y, w.k, w.width, w.height,
                                       w.channels, uint8_t(w.mpeMode)));
    auto workloads = fbb.CreateVector(wls);
    return fb::CreateDpuTask(fbb, fb::DpuOp(t.op), input, input2, weights,
                             table, output, t.kernelH, t.kernelW, t.strideH,
                             t.strideW, t.padTop, t.padLeft, t.padBottom,
                             t.padRight, t.inZeroPoint, t.in2ZeroPoint,
                             t.inMultA, t.inMultB, ppe, workloads);
  }

  Offset<fb::ShaveTask> shave(const ShaveTask &t) {
    std::vector<Offset<fb::TensorRef>> ins, outs;
    for (const TensorRef &r : t.inputs)
      ins.push_back(ref(r));
    for (const TensorRef &r : t.outputs)
      outs.push_back(ref(r));
    auto inputs = fbb.CreateVector(ins);
    auto outputs = fbb.CreateVector(outs);
    return fb::CreateShaveTask(fbb, uint16_t(t.kernel), inputs, outputs,
                               fbb.CreateVector(t.fparams),
                               fbb.CreateVector(t.iparams));
  }

  Offset<fb::Task> task(const Task &t) {
    auto name = fbb.CreateString(t.name);
    auto waits = fbb.CreateVector(t.waitBarriers);
    auto updates = fbb.CreateVector(t.updateBarriers);
    fb::TaskKind kind = fb::TaskKind::NONE;
    Offset<void> body;
    switch (t.kind) {
    case Engine::Dma: {
      auto src = ref(t.dma.src);
      auto dst = ref(t.dma.dst);
      body = fb::CreateDmaTask(fbb, src, dst).Union();
      kind = fb::TaskKind::DmaTask;
      break;
    }
    case Engine::Dpu:
      body = dpu(t.dpu).Union();
      kind = fb::TaskKind::DpuTask;
      break;
    case Engine::Shave:
      if (t.shave.chained.empty()) {
        body = shave(t.shave).Union();
        kind = fb::TaskKind::ShaveTask;
        break;
      }
      {
        std::vector<Offset<fb::ShaveTask>> kernels{shave(t.shave)};
        for (const ShaveTask &k : t.shave.chained)
          kernels.push_back(shave(k));
        body = fb::CreateShaveChain(fbb, fbb.CreateVector(kernels)).Union();
        kind = fb::TaskKind::ShaveChain;
      }
      break;
    }
    return fb::CreateTask(fbb, name, waits, updates, kind, body);
  }

  Offset<fb::Model> model(const Program &p) {
    auto version = fbb.CreateString(p.compilerVersion);
    std::vector<Offset<fb::TensorDesc>> ins, outs;
    for (const TensorDesc &d : p.inputs)
      ins.push_back(desc(d));
    for (const TensorDesc &d : p.outputs)
      outs.push_back(desc(d));
    auto inputs = fbb.CreateVector(ins);
    auto outputs = fbb.CreateVector(outs);
    auto memory = fb::CreateMemoryPlan(fbb, p.memory.scratchSize,
                                       fbb.CreateVector(p.memory.cmxUsed));
    std::vector<Offset<fb::Buffer>> bufs;
    for (const Buffer &b : p.buffers)
      bufs.push_back(fb::CreateBuffer(fbb, fbb.CreateString(b.name),
                                      fb::MemSpace(b.space), b.index, b.offset,
                                      b.size));
    auto buffers = fbb.CreateVector(bufs);
    std::vector<Offset<fb::Barrier>> bars;
    for (const Barrier &b : p.barriers)
      bars.push_back(fb::CreateBarrier(fbb, b.producerCount, b.consumerCount));
    auto barriers = fbb.CreateVector(bars);
    std::vector<Offset<fb::TaskList>> lists;
    for (const TaskList &l : p.taskLists) {
      std::vector<Offset<fb::Task>> tasks;
      for (const Task &t : l.tasks)
        tasks.push_back(task(t));
      lists.push_back(fb::CreateTaskList(fbb, fb::Engine(l.engine), l.index,
                                         fbb.CreateVector(tasks)));
    }
    auto taskLists = fbb.CreateVector(lists);
    // No states: no field at all, so the bytes stay those of format 1.0.
    Offset<flatbuffers::Vector<Offset<fb::StateVar>>> states;
    if (!p.states.empty()) {
      std::vector<Offset<fb::StateVar>> vars;
      for (const StateVar &v : p.states)
        vars.push_back(fb::CreateStateVar(fbb, fbb.CreateString(v.name),
                                          v.input, v.output));
      states = fbb.CreateVector(vars);
    }
    return fb::CreateModel(fbb, uint8_t(p.platform), version, p.optionsHash,
                           inputs, outputs, memory, buffers, barriers,
                           taskLists, states);
  }

private:
  FlatBufferBuilder &fbb;
};

uint64_t alignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

} // namespace

std::vector<uint8_t> writeBlob(const Program &program,
                               const std::vector<uint8_t> &weights) {
  FlatBufferBuilder fbb(1 << 16);
  Serializer s(fbb);
  fbb.Finish(s.model(program), fb::ModelIdentifier());

  FileHeader h{};
  std::memcpy(h.magic, kMagic, sizeof(kMagic));
  h.versionMajor = kFormatVersionMajor;
  bool chains = false;
  for (const TaskList &l : program.taskLists)
    for (const Task &t : l.tasks)
      chains |= t.kind == Engine::Shave && !t.shave.chained.empty();
  h.versionMinor = chains                   ? kFormatVersionMinorShaveChains
                   : program.states.empty() ? 0
                                            : kFormatVersionMinorStates;
  h.platform = uint32_t(program.platform);
  h.metadataOffset = kHeaderSize;
  h.metadataSize = fbb.GetSize();
  h.metadataCrc = crc32(fbb.GetBufferPointer(), fbb.GetSize());
  h.weightsOffset =
      alignUp(h.metadataOffset + h.metadataSize, kWeightsAlignment);
  h.weightsSize = weights.size();
  h.weightsCrc = crc32(weights.data(), weights.size());
  h.fileSize = h.weightsOffset + h.weightsSize;
  h.headerCrc = crc32(&h, offsetof(FileHeader, headerCrc));

  std::vector<uint8_t> out(h.fileSize, 0);
  std::memcpy(out.data(), &h, sizeof(h));
  std::memcpy(out.data() + h.metadataOffset, fbb.GetBufferPointer(),
              fbb.GetSize());
  if (!weights.empty())
    std::memcpy(out.data() + h.weightsOffset, weights.data(), weights.size());
  return out;
}

bool writeFile(const std::string &path, const std::vector<uint8_t> &bytes,
               std::string &error) {
  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f) {
    error = "cannot open '" + path + "' for writing: " + std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  int writeErrno = errno;
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    writeErrno = errno;
  }
  if (!ok)
    error = "cannot write '" + path + "': " + std::strerror(writeErrno);
  return ok;
}

} // namespace npu::blob
