//===- ModelProperties.cpp - What a compiled blob asks of a device --------===//

#include "npu/Runtime/ModelProperties.h"

#include "npu/Arch/Hardware.h"
#include "npu/Blob/BlobReader.h"

#include <algorithm>

namespace npu::runtime {

Expected<ModelProperties> readModelProperties(const std::string &path) {
  std::vector<uint8_t> bytes;
  std::string error;
  blob::LoadedBlob loaded;
  if (!blob::readFile(path, bytes, error) ||
      !blob::readBlob(bytes.data(), bytes.size(), {}, loaded, error))
    return Status::error(path + ": " + error);
  const blob::Program &p = loaded.program;
  const arch::HardwareDesc &hw = arch::hardware(p.platform);
  ModelProperties m;
  m.target = arch::platformName(p.platform);
  m.compilerVersion = p.compilerVersion;
  m.weightsBytes = loaded.weightsSize;
  m.scratchBytes = p.memory.scratchSize;
  m.cmxBytesPerTile = p.memory.cmxUsed;
  m.cmxBytesPerTile.resize(hw.numTiles, 0);
  for (const blob::TensorDesc &t : p.inputs)
    m.ioBytes += t.byteSize();
  for (const blob::TensorDesc &t : p.outputs)
    m.ioBytes += t.byteSize();
  for (const blob::StateVar &v : p.states)
    m.stateVariables.push_back(
        {v.name, p.inputs[v.input].name, p.outputs[v.output].name,
         p.inputs[v.input].dtype, p.inputs[v.input].shape});
  std::vector<bool> used(hw.numTiles, false);
  for (uint32_t t = 0; t < hw.numTiles; ++t)
    used[t] = m.cmxBytesPerTile[t] > 0;
  for (const blob::TaskList &list : p.taskLists) {
    if (list.tasks.empty() || list.engine == blob::Engine::Dma)
      continue;
    uint32_t tile = list.engine == blob::Engine::Dpu
                        ? list.index
                        : list.index / std::max(1u, hw.shavesPerTile);
    if (tile < hw.numTiles)
      used[tile] = true;
  }
  m.tilesInUse = uint32_t(std::count(used.begin(), used.end(), true));
  return m;
}

double peakInt8Gops(const std::string &platform, uint32_t tiles) {
  std::optional<arch::Platform> p = arch::parsePlatform(platform);
  if (!p)
    return 0;
  const arch::HardwareDesc &hw = arch::hardware(*p);
  return 2.0 * tiles * hw.int8MacsPerCycle * hw.dpuClockKHz * 1e3 / 1e9;
}

} // namespace npu::runtime
