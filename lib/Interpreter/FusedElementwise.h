//===- FusedElementwise.h - Fused float32 elementwise chains ----*- C++ -*-===//
//
// Exported CNNs spend much of their time in chains of elementwise ops over
// the same big tensor (hard-swish written as add/clip/mul/div, learnable
// affine blocks, residual adds). The planner groups consecutive float32
// elementwise ops of one output shape; the group runs chunk by chunk with
// its intermediate values in small per-thread buffers, so the tensor
// crosses memory once instead of once per op. Only values used outside the
// group are materialised. Results are bit-identical to running the ops one
// by one (the same loops run on each chunk).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_INTERPRETER_FUSEDELEMENTWISE_H
#define NPU_LIB_INTERPRETER_FUSEDELEMENTWISE_H

#include "OpContext.h"
#include "npu/Kernels/Broadcast.h"

#include <optional>
#include <vector>

namespace npu::interp {

struct FusedOperand {
  bool internal = false; // a member's result, else an external input
  int index = 0;         // member index or external input index
};

struct FusedMember {
  mlir::Operation *op = nullptr;
  bool isUnary = true;
  kernels::UnaryOp unary = kernels::UnaryOp::Identity;
  kernels::UnaryParams params;
  kernels::BinaryOp binary = kernels::BinaryOp::Add;
  FusedOperand operands[2];
};

struct FusedGroup {
  std::vector<int64_t> shape;
  /// When the group runs inside the convolution producing one of its
  /// inputs (as that convolution's outputs become final): the index of that
  /// input, and the output that takes over the convolution's buffer.
  int producerExternal = -1;
  int aliasOutput = -1;
  std::vector<FusedMember> members;
  std::vector<int> externalSlots; // inputs read by the group
  std::vector<bool> externalDies; // ... whose last use is in the group
  std::vector<int> outputSlots;   // results used after the group
  std::vector<int> outputMembers; // the member computing each output
};

/// How `op` would compute inside a group, if it can join one: a float32
/// unary op or arithmetic binary op with float32 operands.
std::optional<FusedMember> fusibleMember(mlir::Operation *op);

/// Evaluates a group over ranges of its output. Construction binds the
/// inputs and allocates the outputs (setting their slots); with `producer`
/// (the data of the producing convolution's result, not yet in its slot)
/// the group reads that input from there and its alias output writes into
/// the same buffer. run() may be called concurrently on disjoint ranges.
class FusedRunner {
public:
  FusedRunner(const FusedGroup &group, Runtime &rt, std::vector<Slot> &slots,
              const float *producer);
  void run(int64_t begin, int64_t end) const;

private:
  struct ExternalInput {
    const float *data = nullptr;
    enum Mode { Full, Scalar, Broadcast } mode = Full;
    kernels::BroadcastPlan plan; // Broadcast mode
    int scratch = -1;            // buffer index in Broadcast mode
  };
  const FusedGroup &g_;
  int64_t total_;
  int numBuffers_ = 0;
  std::vector<ExternalInput> ext_;
  std::vector<float *> outData_;
};

/// Executes a group on its own: reads its external slots, writes its output
/// slots.
void runFusedGroup(const FusedGroup &group, Runtime &rt,
                   std::vector<Slot> &slots);

/// For a group that ran inside its producer: gives the producer's buffer to
/// the alias output.
void finishFusedGroup(const FusedGroup &group, std::vector<Slot> &slots);

} // namespace npu::interp

#endif // NPU_LIB_INTERPRETER_FUSEDELEMENTWISE_H
