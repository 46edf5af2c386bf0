//===- ModelProperties.h - What a compiled blob asks of a device -*- C++
//-*-===//
//
// The properties of a compiled model as the plugin reports them
// (`npu-run --properties`, docs/benchmark.md): the tiles it uses, and the
// device memory it occupies. Read from the blob's verified program, not
// from the device: the blob is the runtime's own format.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_RUNTIME_MODELPROPERTIES_H
#define NPU_RUNTIME_MODELPROPERTIES_H

#include "npu/Runtime/Status.h"
#include "npu/Support/HostTensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace npu::runtime {

/// A state variable as the blob records it (docs/state.md).
struct StateVariableProperty {
  std::string name;
  std::string input, output; ///< The graph arguments it pairs.
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
};

struct ModelProperties {
  std::string target;          ///< "NPU3720" / "NPU4000".
  std::string compilerVersion; ///< As the blob records it.
  /// Tiles whose DPU or SHAVEs run a task, or whose CMX the blob uses.
  uint32_t tilesInUse = 0;
  /// Bytes of the weights section, uploaded to DDR once per model.
  uint64_t weightsBytes = 0;
  /// DDR scratch bytes per infer request (activations spilled to DDR).
  uint64_t scratchBytes = 0;
  /// Bytes of the model's inputs and outputs, per infer request.
  uint64_t ioBytes = 0;
  /// Per tile of the target: the CMX bytes the blob uses.
  std::vector<uint64_t> cmxBytesPerTile;
  /// The state variables (none for a model without state).
  std::vector<StateVariableProperty> stateVariables;

  /// Device DDR in use with `requests` infer requests: the weights once,
  /// scratch and I/O per request. CMX is on-chip and not included.
  uint64_t ddrBytesInUse(uint32_t requests) const {
    return weightsBytes + uint64_t(requests) * (scratchBytes + ioBytes);
  }
};

/// Reads and verifies the blob at `path` (header, checksums, program) and
/// returns its properties; fails with the reason.
Expected<ModelProperties> readModelProperties(const std::string &path);

/// Peak dense int8 throughput of `platform` ("NPU3720" / "NPU4000") with
/// `tiles` tiles, in GOPS (one MAC = two operations); 0 for an unknown
/// platform.
double peakInt8Gops(const std::string &platform, uint32_t tiles);

} // namespace npu::runtime

#endif // NPU_RUNTIME_MODELPROPERTIES_H
