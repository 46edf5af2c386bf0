//===- ShapeLimits.h - Tensor types the compiler can represent -*- C++ -*-===//
//
// Every tensor the importer creates must have a size the rest of the
// compiler can count: static dimensions >= 0 and an element count and byte
// size that fit in int64_t. Shapes from users (graph inputs, --input-shape,
// attributes such as Tile's repeats or Expand's shape) can ask for more; they
// are refused here with an error instead of overflowing later.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_IMPORT_ONNX_SHAPELIMITS_H
#define NPU_IMPORT_ONNX_SHAPELIMITS_H

#include "mlir/IR/Types.h"

#include <string>

namespace npu::onnx_import {

/// Why a value of `type` cannot be represented ("dimension 2 is -12", "its
/// 3x4x9223372036854775807 elements overflow a 64-bit count"), or an empty
/// string if it can. Dynamic dimensions are not counted. Non-tensor types
/// are fine.
std::string tensorTypeProblem(mlir::Type type);

} // namespace npu::onnx_import

#endif // NPU_IMPORT_ONNX_SHAPELIMITS_H
