//===- OpContext.h - What an op handler of the interpreter sees -*- C++ -*-===//
//
// Private interface between the interpreter's execution loop and its op
// handlers (one small function per op kind, grouped by family in the
// *Handlers.cpp files). A handler reads its operands, allocates its results
// (allocation first: an in-place result takes over an operand's buffer) and
// calls a kernel; failures become diagnostics at the op.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_INTERPRETER_OPCONTEXT_H
#define NPU_LIB_INTERPRETER_OPCONTEXT_H

#include "npu/Interpreter/Interpreter.h"
#include "npu/Kernels/Conv.h"
#include "npu/Kernels/Elementwise.h"
#include "npu/Kernels/Gemm.h"
#include "npu/Kernels/Scalar.h"
#include "npu/Kernels/Status.h"
#include "npu/Kernels/ThreadPool.h"
#include "npu/Support/HostTensor.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/TypeID.h"
#include "llvm/ADT/DenseMap.h"

#include <functional>
#include <memory>
#include <vector>

namespace npu::interp {

class OpContext;
struct FusedGroup;
using OpHandler = mlir::LogicalResult (*)(OpContext &);

struct HandlerEntry {
  OpHandler fn = nullptr;
  /// The handler only moves elements, so quantized tensors (their storage)
  /// are handled correctly.
  bool quantSafe = false;
};

class HandlerRegistry {
public:
  template <typename OpT> void add(OpHandler fn, bool quantSafe = false) {
    table_[mlir::TypeID::get<OpT>()] = {fn, quantSafe};
  }
  const HandlerEntry *lookup(mlir::TypeID id) const {
    auto it = table_.find(id);
    return it == table_.end() ? nullptr : &it->second;
  }

private:
  llvm::DenseMap<mlir::TypeID, HandlerEntry> table_;
};

/// The registry with every handler (built once).
const HandlerRegistry &handlerRegistry();
void registerElementwiseHandlers(HandlerRegistry &r);
void registerNNHandlers(HandlerRegistry &r);
void registerDataHandlers(HandlerRegistry &r);
void registerReductionHandlers(HandlerRegistry &r);
void registerDeviceHandlers(HandlerRegistry &r);

/// An attribute's integer array as a std::vector (the kernels' currency).
inline std::vector<int64_t> toVector(llvm::ArrayRef<int64_t> a) {
  return std::vector<int64_t>(a.begin(), a.end());
}

/// A scalar attribute (npu/Dialect/NPU/IR/ScalarAttr.h) as the kernels'
/// Scalar: an integer stays exact; null is zero.
inline kernels::Scalar toScalar(mlir::Attribute attr) {
  if (auto i = llvm::dyn_cast_if_present<mlir::IntegerAttr>(attr)) {
    auto type = llvm::dyn_cast<mlir::IntegerType>(i.getType());
    if (type && (type.isUnsigned() || type.getWidth() == 1))
      return kernels::Scalar::ofUnsigned(i.getValue().getZExtValue());
    return kernels::Scalar::ofInt(i.getValue().getSExtValue());
  }
  if (auto f = llvm::dyn_cast_if_present<mlir::FloatAttr>(attr))
    return kernels::Scalar(f.getValueAsDouble());
  return kernels::Scalar();
}

/// The kernel op (and parameters) of an elementwise npu op, shared by the
/// handlers and the planner's fusion of elementwise chains.
std::optional<std::pair<kernels::UnaryOp, kernels::UnaryParams>>
unaryKindOf(mlir::Operation *op);
std::optional<kernels::BinaryOp> binaryKindOf(mlir::Operation *op);

/// A value during execution: either a tensor owned by the interpreter
/// (recycled after its last use) or a view of a caller's input or a cached
/// constant.
struct Slot {
  HostTensor owned;
  const HostTensor *view = nullptr;
  bool isOwned = false;
  /// Identity of the constant attribute for constants (cache key).
  const void *constantKey = nullptr;
};

/// Static description of a value: its host dtype and shape.
struct SlotInfo {
  mlir::Value value;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  bool quantized = false;
};

/// Services of the interpreter the handlers use.
class Runtime {
public:
  virtual ~Runtime();
  virtual kernels::ThreadPool *pool() = 0;
  /// A tensor from the recycled buffers or fresh (contents unspecified).
  virtual HostTensor acquire(DType dtype,
                             const std::vector<int64_t> &shape) = 0;
  virtual void release(HostTensor &&t) = 0;
  /// The cached host copy of a constant attribute (converted on first use).
  virtual const HostTensor *constant(mlir::ElementsAttr attr,
                                     std::string &error) = 0;
  /// Packed float32 convolution weights of a constant, cached.
  virtual const kernels::PackedConvWeights *
  packedWeights(const void *constantKey, const HostTensor &w, int64_t group,
                bool transposed) = 0;
};

class OpContext {
public:
  OpContext(Runtime &rt, std::vector<Slot> &slots,
            const std::vector<SlotInfo> &infos, mlir::Operation *op,
            llvm::ArrayRef<int> operands, llvm::ArrayRef<int> results,
            llvm::ArrayRef<bool> lastUse,
            const kernels::GemmActivation &activation,
            const FusedGroup *consumer = nullptr)
      : rt_(rt), slots_(slots), infos_(infos), op_(op), operands_(operands),
        results_(results), lastUse_(lastUse), activation_(activation),
        consumer_(consumer) {}

  mlir::Operation *op() const { return op_; }
  template <typename OpT> OpT get() const { return mlir::cast<OpT>(op_); }

  unsigned numInputs() const { return operands_.size(); }
  const HostTensor &in(unsigned i) const { return *slots_[operands_[i]].view; }
  /// The tensor of operand value `v` (null for an absent optional operand).
  const HostTensor *inOf(mlir::Value v) const;
  /// True if operand i is a constant.
  bool isConstant(unsigned i) const {
    return slots_[operands_[i]].constantKey != nullptr;
  }
  const void *constantKey(unsigned i) const {
    return slots_[operands_[i]].constantKey;
  }
  /// True if operand i dies here and its buffer may be taken over.
  bool canTake(unsigned i) const;

  unsigned numResults() const { return results_.size(); }
  DType outDType(unsigned r) const { return infos_[results_[r]].dtype; }
  const std::vector<int64_t> &outShape(unsigned r) const {
    return infos_[results_[r]].shape;
  }
  /// Allocates result r with its type's shape and dtype.
  HostTensor &out(unsigned r);
  /// Result r, reusing operand `operand`'s buffer when it dies here and has
  /// the same dtype and element count. Read operands only afterwards.
  HostTensor &outInPlace(unsigned r, unsigned operand);
  /// Result r becomes `t` (dtype and shape must match the result type).
  void setOut(unsigned r, HostTensor &&t);
  /// Result r is a view of a tensor owned elsewhere (a cached constant).
  void setView(unsigned r, const HostTensor *t, const void *constantKey);

  kernels::ThreadPool *pool() { return rt_.pool(); }
  Runtime &runtime() { return rt_; }
  /// Activation fused into this op by the planner (convolutions).
  const kernels::GemmActivation &fusedActivation() const { return activation_; }
  /// The elementwise group the planner attached to this op's result (a
  /// convolution's), as a callback on finished ranges of `result` for the
  /// kernel to call; empty when there is none.
  std::function<void(int64_t, int64_t)> fusedConsumer(const HostTensor &result);

  /// Emits the kernel's error at the op.
  mlir::LogicalResult check(const kernels::Status &s);
  mlir::InFlightDiagnostic error() { return op_->emitError(); }

private:
  Runtime &rt_;
  std::vector<Slot> &slots_;
  const std::vector<SlotInfo> &infos_;
  mlir::Operation *op_;
  llvm::ArrayRef<int> operands_, results_;
  llvm::ArrayRef<bool> lastUse_;
  const kernels::GemmActivation &activation_;
  const FusedGroup *consumer_;
};

} // namespace npu::interp

#endif // NPU_LIB_INTERPRETER_OPCONTEXT_H
