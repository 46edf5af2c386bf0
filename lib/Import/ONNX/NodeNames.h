//===- NodeNames.h - The name the importer gives an ONNX node ---*- C++ -*-===//
//
// Internal to the ONNX importer library: a node's name in locations and
// diagnostics, which npu-compare also finds it by.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_IMPORT_ONNX_NODENAMES_H
#define NPU_LIB_IMPORT_ONNX_NODENAMES_H

#include "ONNXProto.h"

#include <string>

namespace npu {

/// The node's name; for a node without one (common in exported models), its
/// first non-empty output's name; else "<unnamed>".
inline std::string nodeDisplayName(const onnx::NodeProto &node) {
  if (!node.name().empty())
    return node.name();
  for (const auto &output : node.output())
    if (!output.empty())
      return output;
  return "<unnamed>";
}

} // namespace npu

#endif // NPU_LIB_IMPORT_ONNX_NODENAMES_H
