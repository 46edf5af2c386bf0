//===- BufferAssignment.h - DDR homes of a function's tensors ---*- C++ -*-===//
//
// The memory plan of code generation: every tensor value of a hardware-op
// function lives densely (row-major) in one blob buffer in DDR:
//   - function arguments in their Input argument, results in their Output
//     argument (the op producing a result writes it there directly; a
//     result that is an argument, a constant or already another result
//     needs a copy DMA, listed in `resultCopies`);
//   - constants in the weights section, deduplicated by content;
//   - every other value in the DDR scratch, placed by liveness (first fit
//     with reuse, 64-byte aligned; ScratchAllocator.h);
//   - `npu.reshape` results share their input's buffer (a view).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TARGET_BLOB_BUFFERASSIGNMENT_H
#define NPU_TARGET_BLOB_BUFFERASSIGNMENT_H

#include "npu/Blob/Program.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <map>
#include <string>
#include <vector>

namespace npu::target {

/// The weights section being built: 64-byte aligned entries, identical
/// contents stored once, one blob buffer per distinct entry.
class WeightsSection {
public:
  explicit WeightsSection(blob::Program &program) : program_(program) {}
  /// The buffer holding `bytes` (an existing one if the content repeats).
  uint32_t add(const std::string &name, llvm::ArrayRef<uint8_t> bytes);
  std::vector<uint8_t> &bytes() { return bytes_; }
  /// Once every task is emitted: drops the entries no task reads (such as
  /// a weight table re-emitted per channel slice) from the section and the
  /// program, packing the rest in order (64-byte aligned) and renumbering
  /// the buffers the tasks name. Returns the bytes dropped.
  uint64_t dropUnread();
  uint64_t deduplicated() const { return deduplicated_; }

private:
  blob::Program &program_;
  std::vector<uint8_t> bytes_;
  std::multimap<uint64_t, std::pair<uint64_t, uint32_t>> byHash_;
  uint64_t deduplicated_ = 0;
};

/// Where a tensor value lives: buffer `buffer` of the program, from its
/// first byte, dense row-major in the value's own shape.
struct ValueLocation {
  uint32_t buffer = 0;
  blob::MemSpace space = blob::MemSpace::Scratch;
  uint32_t index = 0; ///< Argument index for Input / Output.
  uint64_t size = 0;
};

struct BufferAssignment {
  /// A function result whose bytes must be copied into its Output.
  struct ResultCopy {
    mlir::Value value;
    uint32_t output = 0;
  };

  const ValueLocation *lookup(mlir::Value v) const {
    auto it = locations.find(v);
    return it == locations.end() ? nullptr : &it->second;
  }

  llvm::DenseMap<mlir::Value, ValueLocation> locations;
  std::vector<ResultCopy> resultCopies;
  uint64_t scratchSize = 0;
  uint64_t scratchBuffers = 0;
  uint64_t scratchBytesWithoutReuse = 0;
};

/// A value a DPU op (`writer`) stores straight into the result of the
/// concat reading it (`concat`; CopyElision.h, findDpuResultsIntoConcats).
struct StoredIntoConcat {
  mlir::Operation *writer = nullptr;
  mlir::Value concat;
};

/// Assigns every value of `func` (hwops form, one block) a location, adds
/// the graph arguments and the buffers to `program` and the constants to
/// `weights`. Values in `cmxOnly` (resident tensors, CmxResidency.h) get
/// no DDR location, nor do the results of the ops in `elided` (transposes
/// and slices that only concats and DPU loads read, read by them from the
/// values they view: CopyElision.h); a use of such a result keeps those
/// values alive. Nor do the keys of `intoConcats`: their concat's result
/// holds their bytes and is live from their writer on. Emits an error at
/// the offending op for values no engine can hold (dynamic shapes,
/// non-device element types, empty tensors).
mlir::FailureOr<BufferAssignment>
assignBuffers(mlir::func::FuncOp func, blob::Program &program,
              WeightsSection &weights,
              const llvm::DenseSet<mlir::Value> &cmxOnly = {},
              const llvm::DenseSet<mlir::Operation *> &elided = {},
              const llvm::DenseMap<mlir::Value, StoredIntoConcat> &intoConcats =
                  llvm::DenseMap<mlir::Value, StoredIntoConcat>());

/// A short name for an op in buffer and task names: its location's name
/// (the ONNX node name; for an op fused from several nodes, the first
/// node's) if it has one, else "<op>#<index>".
std::string opLabel(mlir::Operation *op, unsigned index);

} // namespace npu::target

#endif // NPU_TARGET_BLOB_BUFFERASSIGNMENT_H
