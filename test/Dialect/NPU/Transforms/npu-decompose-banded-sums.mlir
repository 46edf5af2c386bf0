// RUN: npu-opt %s -split-input-file -npu-decompose-banded-sums -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s

// LRN of size 3 (one channel before, one after): x scaled by
// sqrt(alpha / size) = sqrt(2e-4 / 3) and squared, a 1x1 convolution with
// 0/1 band weights and the bias, its power -beta, times x (the node's name).
// CHECK-LABEL: func.func @lrn
// CHECK: %[[C:.*]] = npu.constant dense<0.00816496555> : tensor<1xf32> loc("n (scaled)"("n"))
// CHECK: %[[XS:.*]] = npu.mul %arg0, %[[C]] {{.*}} loc("n (scaled)"("n"))
// CHECK: %[[SQ:.*]] = npu.mul %[[XS]], %[[XS]] {{.*}} loc("n (square)"("n"))
// CHECK: %[[W:.*]] = npu.constant dense<{{\[}}[{{\[}}[1.000000e+00]], {{\[}}[1.000000e+00]], {{\[}}[0.000000e+00]], {{\[}}[0.000000e+00]]], [{{\[}}[1.000000e+00]], {{\[}}[1.000000e+00]], {{\[}}[1.000000e+00]], {{\[}}[0.000000e+00]]], [{{\[}}[0.000000e+00]], {{\[}}[1.000000e+00]], {{\[}}[1.000000e+00]], {{\[}}[1.000000e+00]]], [{{\[}}[0.000000e+00]], {{\[}}[0.000000e+00]], {{\[}}[1.000000e+00]], {{\[}}[1.000000e+00]]]]> : tensor<4x4x1x1xf32>
// CHECK: %[[B:.*]] = npu.constant dense<2.000000e+00> : tensor<4xf32>
// CHECK: %[[S:.*]] = npu.conv %[[SQ]], %[[W]], %[[B]] {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} {{.*}} loc("n (window sum)"("n"))
// CHECK: %[[E:.*]] = npu.constant dense<-7.500000e-01> : tensor<1xf32>
// CHECK: %[[P:.*]] = npu.pow %[[S]], %[[E]] {{.*}} loc("n (denominator)"("n"))
// CHECK: %[[Y:.*]] = npu.mul %arg0, %[[P]] {{.*}} loc("n")
// CHECK-NOT: npu.lrn
// CHECK: return %[[Y]]
func.func @lrn(%x: tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> {
  %y = npu.lrn %x {size = 3 : i64, alpha = 2.0e-4 : f32, beta = 0.75 : f32, bias = 2.0 : f32} : tensor<1x4x2x2xf32> loc("n")
  return %y : tensor<1x4x2x2xf32>
}

// -----

// An even size: the window reaches one channel further after than before
// (ONNX: [c - floor((size - 1) / 2), c + ceil((size - 1) / 2)]).
// CHECK-LABEL: func.func @lrn_even
// CHECK: npu.constant dense<{{\[}}[{{\[}}[1.000000e+00]], {{\[}}[1.000000e+00]], {{\[}}[0.000000e+00]]], [{{\[}}[0.000000e+00]], {{\[}}[1.000000e+00]], {{\[}}[1.000000e+00]]], [{{\[}}[0.000000e+00]], {{\[}}[0.000000e+00]], {{\[}}[1.000000e+00]]]]> : tensor<3x3x1x1xf32>
func.func @lrn_even(%x: tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> {
  %y = npu.lrn %x {size = 2 : i64} : tensor<1x3x2x2xf32>
  return %y : tensor<1x3x2x2xf32>
}

// -----

// CumSum along a middle axis, exclusive: the axis moved last, the rows
// times a strict upper triangle (element j adds into i > j), back.
// CHECK-LABEL: func.func @cumsum_exclusive
// CHECK: %[[T:.*]] = npu.transpose %arg0 {perm = array<i64: 0, 2, 1>} {{.*}} loc("c (axis last)"("c"))
// CHECK: %[[R:.*]] = npu.reshape %[[T]] : tensor<2x4x3xf32> to tensor<8x3xf32> loc("c (rows)"("c"))
// CHECK: %[[M:.*]] = npu.constant dense<{{\[}}[0.000000e+00, 1.000000e+00, 1.000000e+00], [0.000000e+00, 0.000000e+00, 1.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<3x3xf32>
// CHECK: %[[S:.*]] = npu.matmul %[[R]], %[[M]] : (tensor<8x3xf32>, tensor<3x3xf32>) -> tensor<8x3xf32> loc("c (running sum)"("c"))
// CHECK: %[[B:.*]] = npu.reshape %[[S]] : tensor<8x3xf32> to tensor<2x4x3xf32>
// CHECK: npu.transpose %[[B]] {perm = array<i64: 0, 2, 1>} {{.*}} loc("c")
func.func @cumsum_exclusive(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %y = npu.cumsum %x {axis = 1 : i64, exclusive = true} : tensor<2x3x4xf32> loc("c")
  return %y : tensor<2x3x4xf32>
}

// -----

// Along the last axis of a matrix, reversed: one matmul with the lower
// triangle, named after the node.
// CHECK-LABEL: func.func @cumsum_reverse
// CHECK: %[[M:.*]] = npu.constant dense<{{\[}}[1.000000e+00, 0.000000e+00, 0.000000e+00], [1.000000e+00, 1.000000e+00, 0.000000e+00], [1.000000e+00, 1.000000e+00, 1.000000e+00]]> : tensor<3x3xf32>
// CHECK: %[[Y:.*]] = npu.matmul %arg0, %[[M]] {{.*}} loc("r")
// CHECK-NEXT: return %[[Y]]
func.func @cumsum_reverse(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = npu.cumsum %x {axis = 1 : i64, reverse = true} : tensor<2x3xf32> loc("r")
  return %y : tensor<2x3xf32>
}

// -----

// LRN of another rank than 4: the convolution runs on [N, C, D, 1].
// CHECK-LABEL: func.func @lrn_1d
// CHECK: %[[SQ:.*]] = npu.reshape %{{.*}} : tensor<1x4x8xf32> to tensor<1x4x8x1xf32> loc("l (square planes)"("l"))
// CHECK: %[[S:.*]] = npu.conv %[[SQ]], {{.*}} -> tensor<1x4x8x1xf32>
// CHECK: npu.reshape %[[S]] : tensor<1x4x8x1xf32> to tensor<1x4x8xf32> loc("l (window sum planes)"("l"))
func.func @lrn_1d(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %y = npu.lrn %x {size = 3 : i64} : tensor<1x4x8xf32> loc("l")
  return %y : tensor<1x4x8xf32>
}

// -----

// Left alone: an axis longer than 1024, integers.
// CHECK-LABEL: func.func @left_alone
// CHECK: npu.cumsum %arg0
// CHECK: npu.cumsum %arg1
func.func @left_alone(%a: tensor<1x1025xf32>, %b: tensor<4xi64>) -> (tensor<1x1025xf32>, tensor<4xi64>) {
  %0 = npu.cumsum %a {axis = 1 : i64} : tensor<1x1025xf32>
  %1 = npu.cumsum %b {axis = 0 : i64} : tensor<4xi64>
  return %0, %1 : tensor<1x1025xf32>, tensor<4xi64>
}
