//===- Attributes.h - Typed access to ONNX node attributes -----*- C++ -*-===//
//
// Looks up a node's attributes by name and checks their ONNX type. The
// NodeImporter wraps these with defaults and diagnostics.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_IMPORT_ONNX_ATTRIBUTES_H
#define NPU_LIB_IMPORT_ONNX_ATTRIBUTES_H

#include "ONNXProto.h"

#include "llvm/ADT/StringRef.h"

#include <string>

namespace npu::onnx_import {

/// The attribute `name` of `node`, or null.
const onnx::AttributeProto *findAttribute(const onnx::NodeProto &node,
                                          llvm::StringRef name);

/// ONNX's name of an attribute's type ("INT", "FLOATS", "GRAPH", ...),
/// inferring it from the populated field when `type` is unset (old files).
std::string attributeTypeName(const onnx::AttributeProto &attr);

/// The attribute's type, inferred from its fields when unset.
onnx::AttributeProto_AttributeType
attributeType(const onnx::AttributeProto &attr);

} // namespace npu::onnx_import

#endif // NPU_LIB_IMPORT_ONNX_ATTRIBUTES_H
