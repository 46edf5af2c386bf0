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

def NPUFoldConstants : Pass<"npu-fold-constants", "mlir::func::FuncOp"> {
  let summary = "Evaluates ops whose operands are all constants";
  let description = [{
    Runs the reference interpreter on every op whose operands are constants
    and replaces it with an `npu.constant` of the result: shape-computation
    subgraphs (Shape/Gather/Concat/Unsqueeze/Cast chains), weight
    transformations left by other passes (e.g. batch-norm folding) and any
    other constant subexpression. Results much larger than their operands
    (broadcasts, tiles of small constants) are left alone unless they are
    splats, so that folding never bloats the model.

    Before:
    ```mlir
    %s = npu.shape %x : (tensor<1x64x7x7xf32>) -> tensor<4xi64>
    %i = npu.constant dense<1> : tensor<i64>
    %c = npu.gather %s, %i {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
    ```
    After:
    ```mlir
    %c = npu.constant dense<64> : tensor<i64>
    ```
  }];
  let options = [
    Option<"minElements", "min-elements", "int64_t", /*default=*/"65536",
           "Results up to this many elements are always folded; larger ones "
           "only when no bigger than their constant operands together">,
  ];
  let dependentDialects = ["::npu::NPUDialect"];
}

#endif // NPU_DIALECT_NPU_TRANSFORMS_PASSES_TD
