//===- ModelLoader.h - Reading and parsing ONNX files ----------*- C++ -*-===//
//
// Parses a serialized ModelProto, reporting unreadable, malformed or
// truncated input as one diagnostic at the file's location.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_IMPORT_ONNX_MODELLOADER_H
#define NPU_LIB_IMPORT_ONNX_MODELLOADER_H

#include "ONNXProto.h"

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>

namespace npu::onnx_import {

/// Reads the whole file `path`; failure is reported at `loc`.
mlir::FailureOr<std::unique_ptr<llvm::MemoryBuffer>>
readModelFile(llvm::StringRef path, mlir::Location loc);

/// Parses `bytes` as a ModelProto and checks that it has a graph.
mlir::FailureOr<std::unique_ptr<onnx::ModelProto>>
parseModel(llvm::StringRef bytes, mlir::Location loc);

} // namespace npu::onnx_import

#endif // NPU_LIB_IMPORT_ONNX_MODELLOADER_H
