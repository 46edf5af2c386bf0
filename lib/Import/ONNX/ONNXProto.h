//===- ONNXProto.h - The generated ONNX protobuf classes -------*- C++ -*-===//
//
// Includes the classes protoc generates from onnx.proto (full runtime), with
// the generated code's warnings silenced.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_IMPORT_ONNX_ONNXPROTO_H
#define NPU_LIB_IMPORT_ONNX_ONNXPROTO_H

#if defined(__clang__) || defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#endif
#include "npu_onnx/onnx.pb.h"
#if defined(__clang__) || defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#endif // NPU_LIB_IMPORT_ONNX_ONNXPROTO_H
