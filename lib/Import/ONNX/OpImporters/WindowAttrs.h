//===- WindowAttrs.h - Sliding-window attributes ----------------*- C++ -*-===//
//
// Reads kernel_shape, strides, dilations and pads of Conv, ConvTranspose and
// the pooling ops with ONNX's defaults, and resolves auto_pad (SAME_UPPER,
// SAME_LOWER, VALID) into explicit pads.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_IMPORT_ONNX_OPIMPORTERS_WINDOWATTRS_H
#define NPU_LIB_IMPORT_ONNX_OPIMPORTERS_WINDOWATTRS_H

#include "mlir/IR/Value.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

namespace npu::onnx_import {

class NodeImporter;

struct WindowAttrs {
  llvm::SmallVector<int64_t> kernel, strides, dilations, pads;
  /// "NOTSET", "SAME_UPPER", "SAME_LOWER" or "VALID".
  std::string autoPad;
};

/// Reads the window attributes for `numSpatial` spatial dimensions. The
/// kernel defaults to `defaultKernel` (the weight's spatial shape for
/// convolutions); pads are not resolved yet.
mlir::FailureOr<WindowAttrs>
readWindowAttrs(NodeImporter &n, size_t numSpatial,
                llvm::ArrayRef<int64_t> defaultKernel);

/// Checks that a convolution's input and weight (inputs `x` and `w`) have
/// the same rank >= 3.
mlir::LogicalResult checkConvOperands(NodeImporter &n, unsigned x, unsigned w);

/// Resolves auto_pad for a forward window over `inSpatial` (convolution and
/// pooling): SAME_* pads so that out = ceil(in / stride).
mlir::LogicalResult resolveAutoPad(NodeImporter &n, WindowAttrs &w,
                                   llvm::ArrayRef<int64_t> inSpatial);

/// Everything that places a convolution's windows: checked operands
/// (inputs `x` and `w`), window attributes with auto_pad resolved, group.
struct ConvGeometry {
  WindowAttrs window;
  int64_t group = 1;
};
mlir::FailureOr<ConvGeometry> readConvGeometry(NodeImporter &n, unsigned x,
                                               unsigned w);

/// npu.conv of `x` and `w` (and `bias` if set) with that geometry.
mlir::FailureOr<mlir::Value> createConv(NodeImporter &n, mlir::Value x,
                                        mlir::Value w, mlir::Value bias,
                                        const ConvGeometry &g);

} // namespace npu::onnx_import

#endif // NPU_LIB_IMPORT_ONNX_OPIMPORTERS_WINDOWATTRS_H
