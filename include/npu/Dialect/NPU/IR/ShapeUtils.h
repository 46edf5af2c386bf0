//===- ShapeUtils.h - Shape arithmetic of npu ops ---------------*- C++ -*-===//
//
// The shape rules of the npu ops, in one place: type inference, the verifiers,
// the ONNX importer and the interpreter all call these. No MLIR types here.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPU_IR_SHAPEUTILS_H
#define NPU_DIALECT_NPU_IR_SHAPEUTILS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace npu {

using Shape = llvm::SmallVector<int64_t, 6>;

/// NumPy broadcasting of two shapes; nullopt if incompatible.
std::optional<Shape> broadcastShapes(llvm::ArrayRef<int64_t> a,
                                     llvm::ArrayRef<int64_t> b);

/// True if `from` broadcasts to exactly `to` (unidirectional).
bool broadcastsTo(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> to);

/// Output size of a sliding window: convolution and pooling.
/// Returns a value < 1 when the window does not fit or the arithmetic
/// overflows.
int64_t slidingOutputSize(int64_t in, int64_t kernel, int64_t stride,
                          int64_t dilation, int64_t padBegin, int64_t padEnd,
                          bool ceilMode);

/// Output size of a transposed convolution along one dimension; 0 when the
/// arithmetic overflows.
int64_t convTransposeOutputSize(int64_t in, int64_t kernel, int64_t stride,
                                int64_t dilation, int64_t padBegin,
                                int64_t padEnd, int64_t outputPadding);

/// Result shape of NumPy matmul; nullopt (with `error` set) if invalid.
std::optional<Shape> matmulShape(llvm::ArrayRef<int64_t> a,
                                 llvm::ArrayRef<int64_t> b, std::string &error);

/// Result shape of a reduction over sorted, non-negative `axes`.
Shape reducedShape(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> axes,
                   bool keepdims);

/// The dimensions [first, second) that npu.shape's `start` and optional
/// `end` select from a shape of rank `rank` (negative values count from the
/// end; both are clamped, ONNX Shape-15 semantics).
std::pair<int64_t, int64_t> shapeOpRange(int64_t rank, int64_t start,
                                         std::optional<int64_t> end);

/// Einsum equation, parsed: one label string per input and the output's;
/// '.' stands for the broadcast dimensions of an ellipsis.
struct EinsumSpec {
  llvm::SmallVector<std::string> inputs;
  std::string output;
};
/// Parses "ij,jk->ik" (or the implicit form "ij,jk"); nullopt with `error`.
std::optional<EinsumSpec> parseEinsum(llvm::StringRef equation,
                                      size_t numInputs, std::string &error);
/// Result shape of an einsum over the given input shapes, expanding the
/// ellipsis; rewrites `spec` so that every '.' becomes one unique label per
/// broadcast dimension (uppercase letters after 'Z' are not used by ONNX).
std::optional<Shape> einsumShape(EinsumSpec &spec,
                                 llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes,
                                 std::string &error);

} // namespace npu

#endif // NPU_DIALECT_NPU_IR_SHAPEUTILS_H
