//===- TensorFile.h - Reading serialized ONNX tensors -----------*- C++ -*-===//
//
// ONNX test data (the conformance suite's input_N.pb / output_N.pb) are
// serialized TensorProto messages. These helpers read them into host
// tensors, and list a model's graph inputs and outputs, for test drivers.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_IMPORT_ONNX_TENSORFILE_H
#define NPU_IMPORT_ONNX_TENSORFILE_H

#include "npu/Support/HostTensor.h"

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace npu {

/// A tensor read from a serialized TensorProto, with its (possibly empty)
/// name.
struct NamedHostTensor {
  std::string name;
  HostTensor value;
};

/// Reads a serialized TensorProto file. On failure returns failure and sets
/// `error` (naming the file).
mlir::FailureOr<NamedHostTensor> readONNXTensorFile(llvm::StringRef path,
                                                    mlir::MLIRContext &context,
                                                    std::string &error);

/// Names of a model's graph inputs that are not initializers, and of its
/// outputs, in graph order, with their declared element types as host dtypes
/// (nullopt where the type is not a tensor type the compiler handles).
struct ONNXGraphSignature {
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::vector<std::optional<DType>> inputTypes;
  std::vector<std::optional<DType>> outputTypes;
};
mlir::FailureOr<ONNXGraphSignature>
readONNXGraphSignature(llvm::StringRef modelPath, std::string &error);

} // namespace npu

#endif // NPU_IMPORT_ONNX_TENSORFILE_H
