//===- Interpreter.h - The reference interpreter of the npu dialect -*- C++
//-*-//
//
// Executes a func.func of npu ops on the CPU with ONNX semantics: the
// golden model that calibration, the per-tensor comparison tool and
// npu-interpret run. The function is planned once per run (value slots,
// last uses), each op dispatches to a kernel of lib/Kernels, intermediate
// tensors are freed (or recycled) after their last use and updated in place
// when possible, constants are converted once and cached with their packed
// convolution weights across runs.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_INTERPRETER_INTERPRETER_H
#define NPU_INTERPRETER_INTERPRETER_H

#include "npu/Support/HostTensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include <functional>
#include <memory>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace npu {

/// Called after every op with its results (in result order). The tensors
/// are only valid during the call (buffers are recycled): copy what must be
/// kept. For quantized results, the op's result types carry scale and zero
/// point.
using InterpreterObserver = std::function<void(
    mlir::Operation *op, llvm::ArrayRef<const HostTensor *> results)>;

/// Called after every op (before the observer) with result `index`, which
/// it may change in place or replace by another tensor of the same dtype and
/// shape: later ops read the new values (e.g. simulated quantization in the
/// mixed-precision search). The tensor is the op's own copy.
using InterpreterResultRewriter = std::function<void(
    mlir::Operation *op, unsigned index, HostTensor &result)>;

/// The most kernel threads a tool's --num-threads may ask for (more cannot
/// be created on the hosts this runs on, and would not run faster).
constexpr int kMaxInterpreterThreads = 1024;

struct InterpreterOptions {
  /// Threads for the kernels: 0 = one per hardware thread, 1 = run
  /// everything on the calling thread; at most kMaxInterpreterThreads.
  int numThreads = 0;
  /// Record the wall time of every op (see Interpreter::timings).
  bool collectTimings = false;
  /// Optional per-op hook. Ops it observes are never fused away, so by
  /// default (every op observed) it disables the fusions.
  InterpreterObserver observer;
  /// Optional per-op result rewriter; like the observer, it disables the
  /// fusions of the ops it sees.
  InterpreterResultRewriter rewriter;
  /// With an observer or a rewriter: the ops it wants to see (e.g. those
  /// calibration collects statistics for); null means every op. The others may
  /// be fused, which keeps observed runs fast.
  std::function<bool(mlir::Operation *)> observeOp;
  /// Fuse an activation into the convolution before it when nothing else
  /// reads the convolution's result.
  bool fuseActivations = true;
  /// Run chains of float32 elementwise ops over one shape chunk by chunk,
  /// materialising only the values read after the chain.
  bool fuseElementwise = true;
  /// Bytes of freed buffers kept for reuse by later ops and runs.
  size_t maxPooledBytes = size_t(1) << 30;
};

struct OpTiming {
  mlir::Operation *op;
  double seconds;
  /// Ops executed by this entry: > 1 for a fused elementwise group (timed
  /// under its last op) or a convolution running the group that reads it.
  unsigned fusedOps = 1;
  /// The elementwise ops of that group, in order.
  std::vector<mlir::Operation *> fusedGroup;
};

class Interpreter {
public:
  explicit Interpreter(InterpreterOptions options = {});
  ~Interpreter();
  Interpreter(const Interpreter &) = delete;
  Interpreter &operator=(const Interpreter &) = delete;

  /// Runs `func` on `inputs` (one per argument, with the argument's shape
  /// and element type) and returns its results. Errors (unsupported ops,
  /// bad inputs, out-of-range indices, ...) are emitted as diagnostics at
  /// the offending op or function.
  mlir::FailureOr<llvm::SmallVector<HostTensor>>
  run(mlir::func::FuncOp func, llvm::ArrayRef<HostTensor> inputs);

  /// Hands tensors (e.g. the results of a previous run) back to the buffer
  /// pool, so that repeated runs (calibration, benchmarks) reuse memory
  /// instead of allocating and zeroing new pages. The tensors are left
  /// empty.
  void recycle(llvm::MutableArrayRef<HostTensor> tensors);

  /// Per-op wall times of the last run, in execution order (empty unless
  /// collectTimings).
  llvm::ArrayRef<OpTiming> timings() const;
  /// Total time per op name and the slowest ops of the last run.
  void printTimingReport(llvm::raw_ostream &os, size_t topOps = 15) const;

  /// Forgets cached constants and packed weights (call after changing the
  /// IR that was run; caches are keyed by attribute, so only memory use
  /// depends on it).
  void clearCaches();

  const InterpreterOptions &options() const;

  /// Executes one op on host tensors (for the constant folder): emits
  /// diagnostics like run().
  mlir::FailureOr<llvm::SmallVector<HostTensor>>
  runOp(mlir::Operation *op, llvm::ArrayRef<const HostTensor *> operands);

  /// True if the interpreter can execute ops of this kind.
  static bool supports(mlir::Operation *op);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Convenience wrapper: a fresh Interpreter running `func` once.
mlir::FailureOr<llvm::SmallVector<HostTensor>>
runFunction(mlir::func::FuncOp func, llvm::ArrayRef<HostTensor> inputs,
            const InterpreterOptions &options = {});

} // namespace npu

#endif // NPU_INTERPRETER_INTERPRETER_H
