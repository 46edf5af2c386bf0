//===- ProgramBuilder.h - Building blob Programs by hand -------*- C++ -*-===//
//
// A convenience layer over Program for code that assembles task lists: bump
// allocation of CMX / scratch / weights, barriers whose producer and
// consumer counts are derived from the tasks, and weight-table encoding.
// Used by the tests, the sample generator and the benchmark; the compiler's
// code generator may use it or fill a Program directly.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_BLOB_PROGRAMBUILDER_H
#define NPU_BLOB_PROGRAMBUILDER_H

#include "npu/Blob/Program.h"

#include <string>
#include <vector>

namespace npu::blob {

/// Weight-table word 2 of an integer task: multiplier in bits 31..16,
/// shift in bits 13..8 (docs/blob-format.md).
inline int32_t packRequant(uint32_t mult, unsigned shift) {
  return int32_t((mult & 0xFFFFu) << 16 | (shift & 0x3Fu) << 8);
}
inline uint32_t requantMult(int32_t word) { return uint32_t(word) >> 16; }
inline unsigned requantShift(int32_t word) {
  return (uint32_t(word) >> 8) & 0x3F;
}

/// Float bits as an int32 weight-table word (float tasks).
int32_t floatWord(float f);
float wordFloat(int32_t w);

/// One output channel's weight-table entry.
struct WeightTableEntry {
  int32_t weightsOffset = 0; ///< Bytes from the weights operand's start.
  int32_t requant = 0;       ///< packRequant(...) or floatWord(scale).
  int32_t bias = 0;          ///< int32 bias or floatWord(bias).
};
/// Encodes [K][4] int32 words: {offset, -1 (no sparsity), requant, bias}.
std::vector<uint8_t> encodeWeightTable(const std::vector<WeightTableEntry> &e);

/// Splits an OHxOWxK output into `parts` workloads along H (rows rounded so
/// every part is non-empty), all with `mode`.
std::vector<Workload> splitWorkloadsByRows(uint32_t outH, uint32_t outW,
                                           uint32_t outK, uint32_t parts,
                                           arch::MpeMode mode);

class ProgramBuilder {
public:
  explicit ProgramBuilder(arch::Platform platform);

  /// Graph arguments; each returns the id of a buffer covering the whole
  /// argument.
  uint32_t addInput(const TensorDesc &desc);
  uint32_t addOutput(const TensorDesc &desc);
  /// DDR scratch (64-byte aligned bump allocation).
  uint32_t addScratch(const std::string &name, uint64_t size);
  /// CMX of `tile` (64-byte aligned bump allocation). No capacity check:
  /// that is the verifier's job, so tests can build overflowing blobs.
  uint32_t addCmx(const std::string &name, uint32_t tile, uint64_t size);
  /// Appends bytes to the weights section (64-byte aligned).
  uint32_t addWeights(const std::string &name, const void *data, uint64_t size);
  uint32_t addWeights(const std::string &name,
                      const std::vector<uint8_t> &bytes) {
    return addWeights(name, bytes.data(), bytes.size());
  }
  /// A barrier; counts are derived from the tasks by finalize().
  uint32_t addBarrier();

  Task &addDma(uint32_t port, const TensorRef &src, const TensorRef &dst,
               std::vector<uint32_t> waits, std::vector<uint32_t> updates,
               const std::string &name = "");
  Task &addDpu(uint32_t tile, const DpuTask &task, std::vector<uint32_t> waits,
               std::vector<uint32_t> updates, const std::string &name = "");
  Task &addShave(uint32_t tile, uint32_t shave, const ShaveTask &task,
                 std::vector<uint32_t> waits, std::vector<uint32_t> updates,
                 const std::string &name = "");

  /// Dense view of a whole buffer with the given type and shape.
  TensorRef ref(uint32_t buffer, DType dtype, std::vector<uint32_t> shape,
                uint64_t offset = 0) const {
    return TensorRef::dense(buffer, offset, dtype, std::move(shape));
  }

  /// Sets barrier counts from the tasks that name them.
  void finalize();

  Program &program() { return program_; }
  std::vector<uint8_t> &weights() { return weights_; }

  /// finalize() + writeBlob().
  std::vector<uint8_t> build();

private:
  TaskList &list(Engine engine, uint32_t index);
  Task &push(Engine engine, uint32_t index, Task t, std::vector<uint32_t> waits,
             std::vector<uint32_t> updates, const std::string &name);
  Program program_;
  std::vector<uint8_t> weights_;
  std::vector<uint64_t> cmxTop_;
};

} // namespace npu::blob

#endif // NPU_BLOB_PROGRAMBUILDER_H
