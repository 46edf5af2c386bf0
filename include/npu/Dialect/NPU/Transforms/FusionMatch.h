//===- FusionMatch.h - Tests shared by the canonical fusions ---*- C++ -*-===//
//
// What the canonical rewrites of exported op chains into one op
// (npu-fuse-elementwise, npu-fuse-layer-norm) test before they fuse.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPU_TRANSFORMS_FUSIONMATCH_H
#define NPU_DIALECT_NPU_TRANSFORMS_FUSIONMATCH_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"

#include <optional>

namespace npu {

/// The value of a float constant whose elements are all equal (any shape);
/// nullopt for anything else, a null value included.
std::optional<double> splatFloatValue(mlir::Value v);

/// The exponent of a Pow when it is a splat constant: float, or integer
/// (ONNX's Pow takes an integer exponent for a float base); nullopt
/// otherwise.
std::optional<double> splatExponent(mlir::Value v);

/// True if `c` is a constant of static shape holding one value, or `n`
/// values along its last dimension (every other dimension 1): a bias per
/// column of a [..., N] result (a Gemm's C, a matmul's bias add).
bool isPerColumnConstant(mlir::Value c, int64_t n);

/// True if one of `ops` (null entries skipped) carries a pre-quantized
/// model's parameters (`npu.quant`, `npu.weight_scales`), which fusing
/// would lose or misplace.
bool carriesModelQuantization(llvm::ArrayRef<mlir::Operation *> ops);

} // namespace npu

#endif // NPU_DIALECT_NPU_TRANSFORMS_FUSIONMATCH_H
