//===- Executor.h - Running a verified blob on the modelled NPU -*- C++ -*-===//
//
// The device model behind the Level Zero driver, usable without it: memory
// spaces (graph arguments and DDR scratch, per-tile CMX with the platform's
// capacity), the engines (DMA ports, one DPU and the ACT-SHAVEs of each
// tile) and the barriers that decide the order tasks run in. Every task is
// executed functionally, bit-exact for the DPU, and timed by the cycle model
// (npu/Arch/CostModel.h), which yields the modelled latency, per-engine busy
// time and a per-task timeline.
//
// Any access a task did not declare, and any memory the caller bound that is
// too small, is a device error returned to the caller.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_SIMULATOR_EXECUTOR_H
#define NPU_SIMULATOR_EXECUTOR_H

#include "npu/Blob/BlobReader.h"

#include <cstdint>
#include <string>
#include <vector>

namespace npu::sim {

/// Memory the caller binds to a graph argument.
struct ArgMemory {
  void *data = nullptr;
  uint64_t size = 0; ///< Bytes available at `data`.
};

/// One task on the modelled timeline, in DPU cycles from the inference start.
struct TaskRecord {
  std::string name;
  blob::Engine engine = blob::Engine::Dma;
  uint32_t engineIndex = 0; ///< Port, tile, or tile * shaves + shave.
  uint64_t start = 0;
  uint64_t end = 0;
};

/// Busy cycles of one engine during an inference.
struct EngineBusy {
  blob::Engine engine = blob::Engine::Dma;
  uint32_t index = 0;
  uint64_t busyCycles = 0;
};

struct RunProfile {
  uint64_t totalCycles = 0; ///< Modelled latency in DPU cycles.
  double latencyNs = 0.0;
  std::vector<TaskRecord> tasks; ///< In execution order.
  std::vector<EngineBusy> engines;
};

/// The device memory of one inference in flight: CMX of every tile and the
/// DDR scratch area. Reused across inferences (contents are not cleared,
/// as on hardware).
struct DeviceState {
  std::vector<std::vector<uint8_t>> cmx;
  std::vector<uint8_t> scratch;
};

/// Runs `blob` once. `inputs` / `outputs` are bound per graph argument, in
/// order. On a device error returns false and sets `error`, which names the
/// task and what it did wrong. `profile` may be null.
bool execute(const blob::LoadedBlob &blob, const std::vector<ArgMemory> &inputs,
             const std::vector<ArgMemory> &outputs, DeviceState &state,
             RunProfile *profile, std::string &error);

/// The profile as Chrome / Perfetto trace-event JSON (one track per engine,
/// timestamps in microseconds of modelled time).
std::string traceJson(const RunProfile &profile, arch::Platform platform);

} // namespace npu::sim

#endif // NPU_SIMULATOR_EXECUTOR_H
