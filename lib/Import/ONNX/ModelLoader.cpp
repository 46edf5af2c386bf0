//===- ModelLoader.cpp - Reading and parsing ONNX files -------------------===//
//
// Protobuf's parser accepts any prefix of a message that ends on a field
// boundary, so a successful parse is followed by sanity checks that catch
// files that are not ONNX models at all (or lost their graph).
//
//===----------------------------------------------------------------------===//

#include "ModelLoader.h"

#include "npu/Blob/Format.h"
#include "npu/Support/Files.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/MemoryBuffer.h"

#include <filesystem>
#include <google/protobuf/io/coded_stream.h>
#include <limits>

using namespace mlir;

namespace npu::onnx_import {

FailureOr<std::unique_ptr<llvm::MemoryBuffer>> readModelFile(StringRef path,
                                                             Location loc) {
  // Standard input, a pipe or a device: read up to protobuf's 2 GiB (and
  // one byte more, which parseModel reports), never without end.
  if (isStreamFile(path.str())) {
    // A serialized ModelProto starts with a field's key: field number 1
    // or more, wire type 0, 1, 2 or 5 (not a zero byte, as /dev/zero).
    auto plausible = [](std::string_view head) {
      if (head.empty())
        return true;
      uint8_t key = uint8_t(head[0]), wire = key & 7;
      return (key >> 3) != 0 && (wire <= 2 || wire == 5);
    };
    std::string bytes, error;
    if (!readFileBounded(path == "-" ? "/dev/stdin" : path.str(),
                         uint64_t(std::numeric_limits<int>::max()) + 1, bytes,
                         error, plausible, "the model file")) {
      emitError(loc) << error;
      return failure();
    }
    return llvm::MemoryBuffer::getMemBufferCopy(bytes, path);
  }
  auto buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(loc) << "cannot read the model file: "
                   << buffer.getError().message();
    return failure();
  }
  return std::move(*buffer);
}

FailureOr<std::unique_ptr<onnx::ModelProto>> parseModel(StringRef bytes,
                                                        Location loc) {
  if (bytes.empty()) {
    emitError(loc) << "the model file is empty";
    return failure();
  }
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    emitError(loc) << "the model file is larger than 2 GiB; store its "
                      "weights as ONNX external data";
    return failure();
  }
  auto model = std::make_unique<onnx::ModelProto>();
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(bytes.data()),
      static_cast<int>(bytes.size()));
  stream.SetTotalBytesLimit(std::numeric_limits<int>::max());
  stream.SetRecursionLimit(1000);
  if (!model->ParseFromCodedStream(&stream) ||
      !stream.ConsumedEntireMessage()) {
    // Files users mix up with models: say what they are.
    StringRef start = bytes.take_front(4096).ltrim();
    if (bytes.starts_with(StringRef(blob::kMagic, sizeof(blob::kMagic))))
      emitError(loc) << "not an ONNX model: it is a compiled blob (it runs "
                        "on the NPU: npu-run); give the ONNX model";
    else if (start.starts_with("module") || start.starts_with("func.func") ||
             start.starts_with("#") || start.contains("func.func @"))
      emitError(loc) << "not an ONNX model: it is MLIR text (a compile "
                        "stage: npu-opt continues it, npu-interpret runs a "
                        "graph stage); give the ONNX model";
    else
      emitError(loc) << "not a valid ONNX model: the protobuf data is "
                        "malformed or truncated";
    return failure();
  }
  if (!model->has_graph()) {
    emitError(loc) << "not a valid ONNX model: it has no graph (the file is "
                      "truncated or not an ONNX ModelProto)";
    return failure();
  }
  if (model->graph().output_size() == 0) {
    emitError(loc) << "not a valid ONNX model: the graph has no outputs "
                      "(the file may be truncated)";
    return failure();
  }
  return model;
}

} // namespace npu::onnx_import
