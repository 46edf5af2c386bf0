//===- QuantAnnotations.h - A pre-quantized model's parameters --*- C++ -*-===//
//
// The discardable attributes by which `npu-fold-qdq` hands a pre-quantized
// model's own quantization parameters to calibration and the int8 lowering
// (docs/prequantized.md):
//   npu.quant = array<f32: scale, zero_point>   on an op with one result, or
//       on a function argument: the tensor's per-tensor int8 quantization,
//       real = (q - zero_point) * scale with q and zero_point in [-128, 127];
//   npu.weight_scales = array<f32: s_0, ..., s_{K-1}>   on a npu.conv /
//       npu.matmul / npu.gemm: the symmetric int8 scale of each output
//       channel of its constant weights.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPU_IR_QUANTANNOTATIONS_H
#define NPU_DIALECT_NPU_IR_QUANTANNOTATIONS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace npu {

constexpr llvm::StringLiteral kQuantAttr = "npu.quant";
/// Unit attribute beside `npu.quant` on an op whose parameters are not a
/// Q/DQ pair of its own: taken from its consumer (a ReLU, Clip or constant
/// add the int8 lowering fuses into its DPU task: npu-fold-qdq), or derived
/// by a pass for a tensor the model does not have (an average pool's window
/// sum: npu-decompose-avg-pool). Its SHAVE result is not put on their grid,
/// and its DPU task may write f16 for SHAVE readers.
constexpr llvm::StringLiteral kQuantFromConsumerAttr =
    "npu.quant_from_consumer";
constexpr llvm::StringLiteral kWeightScalesAttr = "npu.weight_scales";
/// A tensor's calibrated range, array<f32: lo, hi> (npu-calibrate): on a
/// single-result op or a function argument; `npu.ranges` on a multi-result
/// op holds one per result (empty for non-float results).
constexpr llvm::StringLiteral kRangeAttr = "npu.range";
constexpr llvm::StringLiteral kRangesAttr = "npu.ranges";
/// Where a calibration table edited a range by hand (its method "manual"):
/// array<i64: result indices> on an op, a unit attribute on a function
/// argument (npu-calibrate use-table=...). The int8 lowering warns about
/// the edited ranges its program does not use.
constexpr llvm::StringLiteral kRangeManualAttr = "npu.range_manual";
/// i64 on a single-result op: the results of the ops with the same group
/// share one calibrated range, the union of their own (npu-calibrate), so
/// that one quantization holds them all. A pass that splits a tensor into
/// parts a consumer must see on one scale sets it (the phases of a dilated
/// convolution: npu-decompose-dilated-conv).
constexpr llvm::StringLiteral kRangeGroupAttr = "npu.range_group";
/// On an op whose weights npu-calibrate moved to the int8 levels data-aware
/// rounding chose, for mixed precision only: its float weights (dense f32,
/// the shape of the weights), which its fp16 form uses; npu-select-precision
/// consumes and removes it.
constexpr llvm::StringLiteral kFloatWeightsAttr = "npu.float_weights";

/// The discardable attribute `name` describing a value: on its function
/// argument, or on its defining op when that has one result; null otherwise.
mlir::Attribute valueAnnotation(mlir::Value value, llvm::StringRef name);

/// The `npu.quant` of a value ([scale, zero point]: on its single-result
/// defining op or its function argument), or null.
mlir::DenseF32ArrayAttr quantAnnotationOf(mlir::Value value);

/// Sets `npu.quant` on the value's single-result defining op or function
/// argument; false if it has neither.
bool setQuantAnnotation(mlir::Value value, float scale, int32_t zeroPoint);

/// The `npu.weight_scales` of `op` (a pre-quantized model's weight scales,
/// one per output channel; positive and finite, as the dialect verifies)
/// when it holds `k` of them; empty otherwise (absent, or an edited
/// attribute of another length): the int8 lowering then takes max|w| / 127
/// per channel.
llvm::ArrayRef<float> weightScalesOf(mlir::Operation *op, int64_t k);

/// Checks a quantization annotation by its name, on an op or a function
/// argument (the dialect's attribute verifiers call it, so an edited stage
/// is rejected where the attribute is): `npu.quant` is [scale, zero point]
/// with a positive finite scale and an integer zero point in [-128, 127];
/// `npu.range` is [lo, hi], finite, lo <= hi, hi - lo finite;
/// `npu.weight_scales` holds positive finite scales. Other names pass.
mlir::LogicalResult
verifyQuantAnnotation(mlir::NamedAttribute attr,
                      llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

} // namespace npu

#endif // NPU_DIALECT_NPU_IR_QUANTANNOTATIONS_H
