//===- TensorFile.cpp - Reading serialized ONNX tensors -------------------===//

#include "npu/Import/ONNX/TensorFile.h"

#include "ONNXProto.h"
#include "TensorConverter.h"

#include "npu/Interpreter/TensorConversion.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <set>

using namespace mlir;

namespace npu {

static FailureOr<std::string> readBytes(StringRef path, std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer) {
    error = "cannot read '" + path.str() + "': " + buffer.getError().message();
    return failure();
  }
  return (*buffer)->getBuffer().str();
}

FailureOr<NamedHostTensor>
readONNXTensorFile(StringRef path, MLIRContext &context, std::string &error) {
  auto bytes = readBytes(path, error);
  if (failed(bytes))
    return failure();
  onnx::TensorProto proto;
  if (!proto.ParseFromString(*bytes)) {
    error = "'" + path.str() + "' is not a serialized ONNX TensorProto";
    return failure();
  }
  // Conversion errors arrive as diagnostics: collect the first one.
  std::string diagnostic;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    if (diagnostic.empty())
      diagnostic = diag.str();
    return success();
  });
  auto attr = onnx_import::convertTensor(
      proto, &context, llvm::sys::path::parent_path(path),
      FileLineColLoc::get(&context, path, 0, 0), "tensor");
  if (failed(attr)) {
    error = path.str() + ": " + diagnostic;
    return failure();
  }
  auto host = elementsAttrToHostTensor(*attr, error);
  if (failed(host)) {
    error = path.str() + ": " + error;
    return failure();
  }
  return NamedHostTensor{proto.name(), std::move(*host)};
}

FailureOr<ONNXGraphSignature> readONNXGraphSignature(StringRef modelPath,
                                                     std::string &error) {
  auto bytes = readBytes(modelPath, error);
  if (failed(bytes))
    return failure();
  onnx::ModelProto model;
  if (!model.ParseFromString(*bytes)) {
    error = "'" + modelPath.str() + "' is not a serialized ONNX ModelProto";
    return failure();
  }
  std::set<std::string> initializers;
  for (const auto &init : model.graph().initializer())
    initializers.insert(init.name());
  // Element types through MLIR's, the one mapping the importer uses.
  MLIRContext context;
  auto dtypeOf = [&](const onnx::ValueInfoProto &info) -> std::optional<DType> {
    if (!info.type().has_tensor_type())
      return std::nullopt;
    std::string ignored;
    Type type = onnx_import::convertElementType(
        &context, info.type().tensor_type().elem_type(), ignored);
    return type ? dtypeForElementType(type) : std::nullopt;
  };
  ONNXGraphSignature signature;
  for (const auto &input : model.graph().input()) {
    if (initializers.count(input.name()))
      continue;
    signature.inputs.push_back(input.name());
    signature.inputTypes.push_back(dtypeOf(input));
  }
  for (const auto &output : model.graph().output()) {
    signature.outputs.push_back(output.name());
    signature.outputTypes.push_back(dtypeOf(output));
  }
  return signature;
}

} // namespace npu
