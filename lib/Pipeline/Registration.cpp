//===- Registration.cpp - Registering dialects and passes -----------------===//

#include "npu/Pipeline/Registration.h"
#include "npu/Pipeline/Pipeline.h"

#include "npu/Conversion/NPUToNPUHW/Passes.h"
#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"
#include "npu/Dialect/NPUHW/Transforms/Passes.h"
#include "npu/Dialect/NPUTask/IR/NPUTaskOps.h"
#include "npu/Target/Blob/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

void npu::registerAllDialects(mlir::DialectRegistry &registry) {
  registry
      .insert<npu::NPUDialect, npu::hw::NPUHWDialect, npu::task::NPUTaskDialect,
              mlir::func::FuncDialect, mlir::quant::QuantDialect>();
}

void npu::registerAllPasses() {
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();
  npu::registerNPUPasses();
  npu::registerNPUToNPUHWPasses();
  npu::hw::registerNPUHWPasses();
  npu::target::registerNPUTargetBlobPasses();
  npu::registerPipelines();
}
