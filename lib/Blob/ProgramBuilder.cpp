//===- ProgramBuilder.cpp - Building blob Programs by hand ----------------===//

#include "npu/Blob/ProgramBuilder.h"
#include "npu/Blob/BlobWriter.h"

#include <cstring>

namespace npu::blob {

namespace {
uint64_t alignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }
} // namespace

int32_t floatWord(float f) {
  int32_t w;
  std::memcpy(&w, &f, 4);
  return w;
}

float wordFloat(int32_t w) {
  float f;
  std::memcpy(&f, &w, 4);
  return f;
}

std::vector<uint8_t>
encodeWeightTable(const std::vector<WeightTableEntry> &entries) {
  std::vector<int32_t> words;
  for (const WeightTableEntry &e : entries) {
    words.push_back(e.weightsOffset);
    words.push_back(-1);
    words.push_back(e.requant);
    words.push_back(e.bias);
  }
  std::vector<uint8_t> bytes(words.size() * 4);
  std::memcpy(bytes.data(), words.data(), bytes.size());
  return bytes;
}

std::vector<Workload> splitWorkloadsByRows(uint32_t outH, uint32_t outW,
                                           uint32_t outK, uint32_t parts,
                                           arch::MpeMode mode) {
  std::vector<Workload> out;
  parts = std::max(1u, std::min(parts, outH));
  uint32_t y = 0;
  for (uint32_t i = 0; i < parts; ++i) {
    uint32_t rows = (outH - y) / (parts - i);
    out.push_back({0, y, 0, outW, rows, outK, mode});
    y += rows;
  }
  return out;
}

ProgramBuilder::ProgramBuilder(arch::Platform platform) {
  program_.platform = platform;
  program_.compilerVersion = "npu-compile test builder";
  uint32_t tiles = arch::hardware(platform).numTiles;
  program_.memory.cmxUsed.assign(tiles, 0);
  cmxTop_.assign(tiles, 0);
}

uint32_t ProgramBuilder::addInput(const TensorDesc &desc) {
  program_.inputs.push_back(desc);
  program_.buffers.push_back({desc.name, MemSpace::Input,
                              uint32_t(program_.inputs.size() - 1), 0,
                              desc.byteSize()});
  return uint32_t(program_.buffers.size() - 1);
}

uint32_t ProgramBuilder::addOutput(const TensorDesc &desc) {
  program_.outputs.push_back(desc);
  program_.buffers.push_back({desc.name, MemSpace::Output,
                              uint32_t(program_.outputs.size() - 1), 0,
                              desc.byteSize()});
  return uint32_t(program_.buffers.size() - 1);
}

uint32_t ProgramBuilder::addScratch(const std::string &name, uint64_t size) {
  uint64_t offset = alignUp(program_.memory.scratchSize, 64);
  program_.memory.scratchSize = offset + size;
  program_.buffers.push_back({name, MemSpace::Scratch, 0, offset, size});
  return uint32_t(program_.buffers.size() - 1);
}

uint32_t ProgramBuilder::addCmx(const std::string &name, uint32_t tile,
                                uint64_t size) {
  if (tile >= cmxTop_.size()) { // Let the verifier report the bad tile.
    cmxTop_.resize(tile + 1, 0);
  }
  uint64_t offset = alignUp(cmxTop_[tile], 64);
  cmxTop_[tile] = offset + size;
  if (tile < program_.memory.cmxUsed.size())
    program_.memory.cmxUsed[tile] =
        std::max(program_.memory.cmxUsed[tile], offset + size);
  program_.buffers.push_back({name, MemSpace::Cmx, tile, offset, size});
  return uint32_t(program_.buffers.size() - 1);
}

uint32_t ProgramBuilder::addWeights(const std::string &name, const void *data,
                                    uint64_t size) {
  uint64_t offset = alignUp(weights_.size(), 64);
  weights_.resize(offset + size, 0);
  if (size)
    std::memcpy(weights_.data() + offset, data, size);
  program_.buffers.push_back({name, MemSpace::Weights, 0, offset, size});
  return uint32_t(program_.buffers.size() - 1);
}

uint32_t ProgramBuilder::addBarrier() {
  program_.barriers.push_back({});
  return uint32_t(program_.barriers.size() - 1);
}

TaskList &ProgramBuilder::list(Engine engine, uint32_t index) {
  for (TaskList &l : program_.taskLists)
    if (l.engine == engine && l.index == index)
      return l;
  program_.taskLists.push_back({engine, index, {}});
  return program_.taskLists.back();
}

Task &ProgramBuilder::push(Engine engine, uint32_t index, Task t,
                           std::vector<uint32_t> waits,
                           std::vector<uint32_t> updates,
                           const std::string &name) {
  t.name = name;
  t.kind = engine;
  t.waitBarriers = std::move(waits);
  t.updateBarriers = std::move(updates);
  TaskList &l = list(engine, index);
  l.tasks.push_back(std::move(t));
  return l.tasks.back();
}

Task &ProgramBuilder::addDma(uint32_t port, const TensorRef &src,
                             const TensorRef &dst, std::vector<uint32_t> waits,
                             std::vector<uint32_t> updates,
                             const std::string &name) {
  Task t;
  t.dma = {src, dst};
  return push(Engine::Dma, port, std::move(t), std::move(waits),
              std::move(updates), name);
}

Task &ProgramBuilder::addDpu(uint32_t tile, const DpuTask &task,
                             std::vector<uint32_t> waits,
                             std::vector<uint32_t> updates,
                             const std::string &name) {
  Task t;
  t.dpu = task;
  return push(Engine::Dpu, tile, std::move(t), std::move(waits),
              std::move(updates), name);
}

Task &ProgramBuilder::addShave(uint32_t tile, uint32_t shave,
                               const ShaveTask &task,
                               std::vector<uint32_t> waits,
                               std::vector<uint32_t> updates,
                               const std::string &name) {
  Task t;
  t.shave = task;
  uint32_t perTile = arch::hardware(program_.platform).shavesPerTile;
  return push(Engine::Shave, tile * perTile + shave, std::move(t),
              std::move(waits), std::move(updates), name);
}

void ProgramBuilder::finalize() {
  for (Barrier &b : program_.barriers)
    b = {};
  for (const TaskList &l : program_.taskLists)
    for (const Task &t : l.tasks) {
      for (uint32_t b : t.updateBarriers)
        if (b < program_.barriers.size())
          ++program_.barriers[b].producerCount;
      for (uint32_t b : t.waitBarriers)
        if (b < program_.barriers.size())
          ++program_.barriers[b].consumerCount;
    }
}

std::vector<uint8_t> ProgramBuilder::build() {
  finalize();
  return writeBlob(program_, weights_);
}

} // namespace npu::blob
