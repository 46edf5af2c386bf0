//===- Lowering.h - Shared state of the lowering to hardware ops -*- C++
//-*-===//
//
// Private to lib/Conversion/NPUToNPUHW. The lowering walks a canonical
// function once, in order, building the hardware-op form of every op in
// front of it; `Lowering` maps each old value to its new (f16) value and
// provides the building blocks: f16 constants, the NCHW <-> [H, W, C]
// layout changes with channel padding, SHAVE kernel invocations.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_CONVERSION_NPUTONPUHW_LOWERING_H
#define NPU_LIB_CONVERSION_NPUTONPUHW_LOWERING_H

#include "npu/Support/HostTensor.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseSet.h"

#include <optional>
#include <string>

namespace npu::lowering {

/// Channel granularity of DPU tensors (HARDWARE.md: channels aligned to 16;
/// 4 for a compressed first-layer input).
constexpr int64_t kChannelAlignment = 16;
int64_t alignChannels(int64_t c);

class Lowering {
public:
  explicit Lowering(mlir::OpBuilder &b) : b(b) {}

  mlir::OpBuilder &b;
  mlir::IRMapping map;
  /// Old ops folded into the lowering of an earlier op (a bias add or an
  /// activation in a DPU task's post-processing): not lowered again.
  llvm::DenseSet<mlir::Operation *> fused;

  mlir::Type f16() { return b.getF16Type(); }
  mlir::RankedTensorType f16Type(llvm::ArrayRef<int64_t> shape) {
    return mlir::RankedTensorType::get(shape, f16());
  }

  /// The lowered (f16) value of an old value; constants are converted on
  /// first use.
  mlir::Value get(mlir::Value old);
  /// The value of a constant operand of the old graph as a host tensor
  /// (f32 for float constants); nullopt when it is not a constant.
  std::optional<HostTensor> constantValue(mlir::Value old);

  /// A constant from a host tensor, with `type`'s element type (which must
  /// match the tensor's dtype).
  mlir::Value constant(mlir::Location loc, const HostTensor &t,
                       mlir::RankedTensorType type);
  /// A zero-filled f16 constant.
  mlir::Value zeros(mlir::Location loc, llvm::ArrayRef<int64_t> shape);

  /// [1, C, H, W] f16 -> [H, W, Cp] with channels zero-padded to `cp`.
  mlir::Value toHWC(mlir::Location loc, mlir::Value nchw, int64_t cp);
  /// [H, W, Kp] -> [1, K, H, W], dropping padded channels.
  mlir::Value toNCHW(mlir::Location loc, mlir::Value hwc, int64_t k);
  /// A row-major reinterpretation (no data movement).
  mlir::Value reshape(mlir::Location loc, mlir::Value v,
                      llvm::ArrayRef<int64_t> shape);
  /// The box [offsets, offsets + sizes) of `v`, unit steps.
  mlir::Value slice(mlir::Location loc, mlir::Value v,
                    llvm::ArrayRef<int64_t> offsets,
                    llvm::ArrayRef<int64_t> sizes);
  mlir::Value concat(mlir::Location loc, mlir::ValueRange values, int64_t axis);
  mlir::Value transpose(mlir::Location loc, mlir::Value v,
                        llvm::ArrayRef<int64_t> perm);

  /// One SHAVE kernel invocation with a single result of `type`.
  mlir::Value shave(mlir::Location loc, llvm::StringRef kernel,
                    mlir::ValueRange inputs, mlir::RankedTensorType type,
                    llvm::ArrayRef<float> fparams = {},
                    llvm::ArrayRef<int64_t> iparams = {});
};

/// Lowers one op of the canonical graph. Returns failure() after recording
/// why in `reason` when the op maps to no engine (nothing is emitted then);
/// success() when `op` is not of this family is signalled by returning
/// std::nullopt.
using LowerResult = std::optional<mlir::LogicalResult>;
LowerResult lowerDpuOp(Lowering &l, mlir::Operation *op, std::string &reason);
LowerResult lowerShaveOp(Lowering &l, mlir::Operation *op, std::string &reason);
LowerResult lowerDataMovementOp(Lowering &l, mlir::Operation *op,
                                std::string &reason);

} // namespace npu::lowering

#endif // NPU_LIB_CONVERSION_NPUTONPUHW_LOWERING_H
