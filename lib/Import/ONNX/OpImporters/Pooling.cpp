//===- Pooling.cpp - TODO ----------------------------------------------------===//

#include "OpImporters.h"

#include "../NodeImporter.h"
#include "../OpRegistry.h"

using namespace mlir;

namespace npu::onnx_import {

void registerPoolingOps(OpRegistry &r) {}

} // namespace npu::onnx_import
