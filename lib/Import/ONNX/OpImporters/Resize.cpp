//===- Resize.cpp - TODO ----------------------------------------------------===//

#include "OpImporters.h"

#include "../NodeImporter.h"
#include "../OpRegistry.h"

using namespace mlir;

namespace npu::onnx_import {

void registerResizeOps(OpRegistry &r) {}

} // namespace npu::onnx_import
