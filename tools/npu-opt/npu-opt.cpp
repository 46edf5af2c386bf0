//===- npu-opt.cpp - MLIR's opt driver with the project's dialects --------===//
//
// Parses MLIR in the npu (and upstream) dialects, runs passes named on the
// command line and prints the result. Used by the lit tests and by compiler
// engineers to run any stage of the pipeline by hand.
//
//===----------------------------------------------------------------------===//

#include "npu/Pipeline/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  npu::registerAllPasses();
  mlir::DialectRegistry registry;
  npu::registerAllDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "npu-compile optimizer driver\n", registry));
}
