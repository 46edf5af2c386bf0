//===- Passes.td - Graph-level passes on the npu dialect ---*- tablegen -*-===//

#ifndef NPU_DIALECT_NPU_TRANSFORMS_PASSES_TD
#define NPU_DIALECT_NPU_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def NPUFoldBatchNorm : Pass<"npu-fold-batch-norm", "mlir::func::FuncOp"> {
  let summary = "Folds inference batch normalisation into the producer";
  let description = [{
    A `npu.batch_norm` whose parameters are constants becomes part of the
    preceding `npu.conv` (scaled weights, shifted bias) when the convolution
    has no other user, and otherwise a per-channel `npu.mul` + `npu.add`.
    The arithmetic on the weights is emitted as npu ops on constants, which
    `npu-fold-constants` then evaluates.

    Before:
    ```mlir
    %c = npu.conv %x, %w, %b {...} : ... -> tensor<1x16x8x8xf32>
    %y = npu.batch_norm %c, %s, %beta, %m, %v {epsilon = 1.0e-05 : f32} : ...
    ```
    After (and after constant folding):
    ```mlir
    %y = npu.conv %x, %w2, %b2 {...} : ... -> tensor<1x16x8x8xf32>
    ```
  }];
  let dependentDialects = ["::npu::NPUDialect"];
}

#endif // NPU_DIALECT_NPU_TRANSFORMS_PASSES_TD
