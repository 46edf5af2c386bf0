//===- Attributes.cpp - Typed access to ONNX node attributes --------------===//

#include "Attributes.h"

namespace npu::onnx_import {

const onnx::AttributeProto *findAttribute(const onnx::NodeProto &node,
                                          llvm::StringRef name) {
  for (const auto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

onnx::AttributeProto_AttributeType
attributeType(const onnx::AttributeProto &attr) {
  if (attr.type() != onnx::AttributeProto::UNDEFINED)
    return attr.type();
  // IR version 1 files leave `type` unset: infer it from the field.
  if (attr.has_f())
    return onnx::AttributeProto::FLOAT;
  if (attr.has_i())
    return onnx::AttributeProto::INT;
  if (attr.has_s())
    return onnx::AttributeProto::STRING;
  if (attr.has_t())
    return onnx::AttributeProto::TENSOR;
  if (attr.has_g())
    return onnx::AttributeProto::GRAPH;
  if (attr.floats_size())
    return onnx::AttributeProto::FLOATS;
  if (attr.ints_size())
    return onnx::AttributeProto::INTS;
  if (attr.strings_size())
    return onnx::AttributeProto::STRINGS;
  if (attr.tensors_size())
    return onnx::AttributeProto::TENSORS;
  if (attr.graphs_size())
    return onnx::AttributeProto::GRAPHS;
  return onnx::AttributeProto::UNDEFINED;
}

std::string attributeTypeName(const onnx::AttributeProto &attr) {
  auto type = attributeType(attr);
  if (onnx::AttributeProto_AttributeType_IsValid(type))
    return onnx::AttributeProto_AttributeType_Name(type);
  return "attribute type " + std::to_string(static_cast<int>(type));
}

} // namespace npu::onnx_import
