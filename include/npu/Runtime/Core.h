//===- Core.h - Entry point of the NPU runtime -----------------*- C++ -*-===//
//
// The runtime is a thin C++ layer over Level Zero, shaped like the NPU
// plugin's API: a Core enumerates NPU devices and answers their properties,
// imports compiled models (CompiledModel.h) that create infer requests
// (InferRequest.h). It talks only Level Zero; when no real NPU driver is
// installed it finds this project's simulated NPU driver by itself (the
// user sets no environment variable). Plain C++: no MLIR, no LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_RUNTIME_CORE_H
#define NPU_RUNTIME_CORE_H

#include "npu/Runtime/Status.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace npu::runtime {

class CompiledModel;
class LevelZero;

enum class PerformanceHint { Latency, Throughput };

/// The most infer requests the tools (npu-run, npu-benchmark) run in
/// parallel: each runs from a thread of its own and holds its own copy of
/// the device's memory (the tiles' CMX, the scratch, the inputs and
/// outputs), so thousands would exhaust the host, and beyond the device's
/// optimal number (DeviceInfo) more in parallel measure nothing.
constexpr int kMaxInferRequests = 64;

/// Empty if `requests` (the tools' --requests) is at most
/// kMaxInferRequests, else the error to print.
inline std::string checkInferRequests(int requests) {
  if (requests <= kMaxInferRequests)
    return {};
  return "--requests is at most " + std::to_string(kMaxInferRequests) +
         " (got " + std::to_string(requests) +
         "): each request runs from its own thread with its own copy of the "
         "device's memory; npu-run --properties gives the optimal number";
}

/// What a device reports.
struct DeviceInfo {
  std::string name;         ///< "NPU3720": what --device takes.
  std::string fullName;     ///< The Level Zero device name.
  std::string architecture; ///< "NPU3720" / "NPU4000".
  uint32_t deviceId = 0;    ///< PCI device id.
  uint32_t tiles = 0;       ///< Tiles a model may use by default.
  uint32_t maxTiles = 0;
  uint32_t dpuClockMHz = 0;
  uint64_t cmxBytesPerTile = 0;
  uint32_t optimalInferRequestsLatency = 1;
  uint32_t optimalInferRequestsThroughput = 1;
  std::string driverVersion;
  bool simulated = true;
  uint32_t optimalInferRequests(PerformanceHint h) const {
    return h == PerformanceHint::Latency ? optimalInferRequestsLatency
                                         : optimalInferRequestsThroughput;
  }
};

/// Options of an imported model.
struct ModelConfig {
  /// "NPU3720" / "NPU4000"; empty: the device the blob was compiled for.
  std::string device;
  PerformanceHint hint = PerformanceHint::Latency;
  /// Verify and upload the weights at the first inference, not at import.
  bool deferWeightsLoad = false;
  /// Collect per-task modelled timings on every inference.
  bool profiling = false;
};

class Core {
public:
  /// Initialises Level Zero and lists the NPU devices. Fails with a clear
  /// message when no usable NPU device is found.
  static Expected<std::shared_ptr<Core>> create();
  ~Core();

  const std::vector<DeviceInfo> &devices() const { return devices_; }
  /// The device called `name` (case-insensitive, "3720" works too).
  Expected<DeviceInfo> device(const std::string &name) const;

  /// A property by its plugin name: DEVICE_NAME, FULL_DEVICE_NAME,
  /// DEVICE_ARCHITECTURE, NPU_TILES, NPU_MAX_TILES,
  /// OPTIMAL_NUMBER_OF_INFER_REQUESTS (for `hint`), NPU_DRIVER_VERSION,
  /// NPU_SIMULATED.
  Expected<std::string>
  getProperty(const std::string &device, const std::string &key,
              PerformanceHint hint = PerformanceHint::Latency) const;

  /// Notes about the drivers found (e.g. a real Intel NPU driver that is
  /// not used because it expects Intel's native blobs). Empty if none.
  const std::vector<std::string> &notes() const { return notes_; }

  /// Imports a blob from a file (mapped, not copied) or from memory.
  Expected<std::shared_ptr<CompiledModel>>
  importModel(const std::string &path, const ModelConfig &config = {});
  Expected<std::shared_ptr<CompiledModel>>
  importModel(const void *data, size_t size, const ModelConfig &config = {});

  LevelZero &levelZero() { return *l0_; }

private:
  Core() = default;
  std::shared_ptr<LevelZero> l0_;
  std::vector<DeviceInfo> devices_;
  std::vector<std::string> notes_;
};

} // namespace npu::runtime

#endif // NPU_RUNTIME_CORE_H
