// RUN: npu-opt %s -split-input-file -npu-fold-constants | FileCheck %s
// RUN: npu-opt %s -split-input-file -npu-fold-constants=min-elements=4 | FileCheck %s --check-prefix=SMALL

// An exporter's shape subgraph (Shape -> Gather -> Unsqueeze -> Concat ->
// Cast) becomes one constant.
// CHECK-LABEL: func.func @shape_chain
// CHECK-NEXT: %[[C:.*]] = npu.constant dense<[64, -1]> : tensor<2xi64>
// CHECK-NEXT: return %[[C]]
func.func @shape_chain(%x: tensor<1x64x7x7xf32>) -> tensor<2xi64> {
  %s = npu.shape %x : (tensor<1x64x7x7xf32>) -> tensor<4xi64>
  %i = npu.constant dense<1> : tensor<i64>
  %d = npu.gather %s, %i {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %u = npu.reshape %d : tensor<i64> to tensor<1xi64>
  %m = npu.constant dense<-1.0> : tensor<1xf32>
  %mi = npu.cast %m : tensor<1xf32> to tensor<1xi64>
  %c = npu.concat %u, %mi {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  return %c : tensor<2xi64>
}

// -----

// Arithmetic on weights (what batch-norm folding leaves) is evaluated.
// CHECK-LABEL: func.func @weight_arithmetic
// CHECK-NEXT: %[[C:.*]] = npu.constant dense<[2.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK-NEXT: return %[[C]]
func.func @weight_arithmetic() -> tensor<2xf32> {
  %a = npu.constant dense<[4.0, 9.0]> : tensor<2xf32>
  %s = npu.sqrt %a : tensor<2xf32>
  return %s : tensor<2xf32>
}

// -----

// Ops with a non-constant operand stay.
// CHECK-LABEL: func.func @not_constant
// CHECK: npu.add
func.func @not_constant(%x: tensor<2xf32>) -> tensor<2xf32> {
  %a = npu.constant dense<[4.0, 9.0]> : tensor<2xf32>
  %s = npu.add %a, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %s : tensor<2xf32>
}

// -----

// A broadcast that would materialise a result larger than its operands is
// folded only below min-elements.
// CHECK-LABEL: func.func @large_broadcast
// CHECK-NEXT: npu.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], {{.*}} : tensor<8x2xf32>
// CHECK-NEXT: return
// SMALL-LABEL: func.func @large_broadcast
// SMALL: npu.add
func.func @large_broadcast() -> tensor<8x2xf32> {
  %a = npu.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %z = npu.constant dense<0.0> : tensor<8x1xf32>
  %s = npu.add %a, %z : (tensor<2xf32>, tensor<8x1xf32>) -> tensor<8x2xf32>
  return %s : tensor<8x2xf32>
}

// -----

// Integer semantics: division truncates toward zero, as ONNX requires.
// CHECK-LABEL: func.func @integer_division
// CHECK-NEXT: npu.constant dense<[-3, 3]> : tensor<2xi64>
func.func @integer_division() -> tensor<2xi64> {
  %a = npu.constant dense<[-7, 7]> : tensor<2xi64>
  %b = npu.constant dense<2> : tensor<2xi64>
  %q = npu.div %a, %b : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %q : tensor<2xi64>
}
