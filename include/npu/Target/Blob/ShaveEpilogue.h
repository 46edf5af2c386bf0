//===- ShaveEpilogue.h - SHAVE ops run on a DPU op's pieces -----*- C++ -*-===//
//
// An activation after a convolution that the DPU's post-processing cannot
// apply (hard-swish, the learnable affine after it, sigmoid, ...) runs on
// SHAVE. Code generation runs such ops as the DPU op's epilogue: on each
// output piece where the piece lies in CMX, on the piece's tile, in place,
// while the DPU computes the next piece; only the last op's result is
// stored, or kept in CMX for the DPU ops that read it (CmxResidency.h).
// The DPU op's own result and the intermediate results never exist whole.
// Every element is computed by the same kernel from the same values as by
// the ops on their own, so the result is the same bit for bit.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_TARGET_BLOB_SHAVEEPILOGUE_H
#define NPU_TARGET_BLOB_SHAVEEPILOGUE_H

#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace npu::target {

/// The SHAVE ops run on a DPU op's output pieces: elementwise kernels, each
/// reading the previous one's result (the DPU op's, first) once, its other
/// operands scalars or per-channel vectors ([1, 1, C]: each piece reads
/// its own channels of them), with that result's shape and element type
/// (so in place), and that result read by nothing else; the last may
/// convert the element type (an int8 layer's quantize), writing the
/// piece's place in its result.
struct ShaveEpilogue {
  std::vector<hw::ShaveOp> ops;
  mlir::Value source; ///< The DPU op's result.
  mlir::Value result; ///< The last op's result: what the pieces store.
  /// The ops' task labels (filled by code generation).
  std::vector<std::string> labels;
  /// Some op reads a per-channel operand: pieces are then cut by rows, so
  /// that each part keeps its [H, W, C] shape.
  bool perChannel = false;

  /// Whether the result has the DPU op's element type: only then may it
  /// stay in CMX (CmxResidency.h), written by the DPU in place.
  bool inPlace() const { return result.getType() == source.getType(); }
};

/// `npu.shave_epilogues = false` on a function: code generation runs none
/// there (npu-group-layers measured the program without them faster).
constexpr llvm::StringLiteral kShaveEpiloguesAttr = "npu.shave_epilogues";

/// DPU op -> its epilogue.
using ShaveEpilogues = llvm::DenseMap<mlir::Operation *, ShaveEpilogue>;

/// The epilogue of each DPU op (npuhw.dpu_conv / dpu_eltwise) of `body`
/// that has one: the ops that follow it in `body` as above, whose scalar
/// and per-channel operands are constants, block arguments or computed
/// before the DPU op.
ShaveEpilogues findShaveEpilogues(mlir::Block &body);

} // namespace npu::target

#endif // NPU_TARGET_BLOB_SHAVEEPILOGUE_H
