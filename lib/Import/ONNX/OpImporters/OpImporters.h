//===- OpImporters.h - Registration of the op families ---------*- C++ -*-===//
//
// One function per file in OpImporters/, each registering the ONNX
// operators of one family with the registry.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_IMPORT_ONNX_OPIMPORTERS_OPIMPORTERS_H
#define NPU_LIB_IMPORT_ONNX_OPIMPORTERS_OPIMPORTERS_H

namespace npu::onnx_import {

class OpRegistry;

void registerActivationOps(OpRegistry &registry);
void registerConstantOps(OpRegistry &registry);
void registerControlFlowOps(OpRegistry &registry);
void registerConvolutionOps(OpRegistry &registry);
void registerElementwiseOps(OpRegistry &registry);
void registerGatherOps(OpRegistry &registry);
void registerLossOps(OpRegistry &registry);
void registerMatMulOps(OpRegistry &registry);
void registerNormalizationOps(OpRegistry &registry);
void registerPoolingOps(OpRegistry &registry);
void registerQuantizationOps(OpRegistry &registry);
void registerRecurrentOps(OpRegistry &registry);
void registerReductionOps(OpRegistry &registry);
void registerResizeOps(OpRegistry &registry);
void registerShapeOps(OpRegistry &registry);
void registerSliceOps(OpRegistry &registry);
void registerSoftmaxOps(OpRegistry &registry);

} // namespace npu::onnx_import

#endif // NPU_LIB_IMPORT_ONNX_OPIMPORTERS_OPIMPORTERS_H
