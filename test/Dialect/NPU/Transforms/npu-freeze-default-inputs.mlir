// RUN: npu-opt %s -canonicalize -npu-fold-constants | FileCheck %s --check-prefix=KEPT
// RUN: npu-opt %s -npu-freeze-default-inputs -npu-fold-constants 2>&1 | FileCheck %s --check-prefix=FROZEN

// An optional input (npu.default) is an argument: canonicalization and
// constant folding do not fold it. The back end's npu-freeze-default-inputs
// makes it a constant, with a warning, after which it folds.

// KEPT-LABEL: func.func @main
// KEPT-SAME: %[[W:[a-z0-9]+]]: tensor<2xi64> {npu.default = dense<9007199254740993> : tensor<2xi64>, npu.name = "w"}
// KEPT: npu.add %[[W]], %[[W]]

// FROZEN: warning: input 'w' has a default (an ONNX initializer that is also a graph input): the compiled model fixes it to that value and does not take it as an input
// FROZEN-LABEL: func.func @main
// FROZEN-SAME: (%{{.*}}: tensor<2xf32> {npu.name = "x"}) -> tensor<2xi64>
// FROZEN-NEXT: %[[C:.*]] = npu.constant dense<18014398509481986> : tensor<2xi64>
// FROZEN-NEXT: return %[[C]]
func.func @main(%x: tensor<2xf32> {npu.name = "x"},
                %w: tensor<2xi64> {npu.default = dense<9007199254740993> : tensor<2xi64>, npu.name = "w"}) -> tensor<2xi64> {
  %s = npu.add %w, %w : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %s : tensor<2xi64>
}
