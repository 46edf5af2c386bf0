// RUN: npu-opt %s -split-input-file -npu-decompose-banded-sums -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s

// LRN of size 3 (one channel before, one after) as an fp32 island: the
// squares, the window as the sum of copies shifted along the channels (a
// slice joined with zeros), times alpha / size = 2e-4 / 3, plus the bias,
// to the power -beta; the product with x (the node's name) leaves it.
// CHECK-LABEL: func.func @lrn
// CHECK: %[[SQ:.*]] = npu.mul %arg0, %arg0 {npu.fp32} {{.*}} loc("n (square)"("n"))
// CHECK: %[[LO:.*]] = npu.slice %[[SQ]] {npu.fp32, starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : tensor<1x4x2x2xf32> to tensor<1x3x2x2xf32> loc("n (window)"("n"))
// CHECK: %[[Z:.*]] = npu.constant dense<0.000000e+00> : tensor<1x1x2x2xf32>
// CHECK: %[[BELOW:.*]] = npu.concat %[[Z]], %[[LO]] {axis = 1 : i64, npu.fp32}
// CHECK: %[[S1:.*]] = npu.add %[[BELOW]], %[[SQ]] {npu.fp32} {{.*}} loc("n (window sum)"("n"))
// CHECK: %[[HI:.*]] = npu.slice %[[SQ]] {npu.fp32, starts = array<i64: 0, 1, 0, 0>, steps = array<i64: 1, 1, 1, 1>}
// CHECK: %[[ABOVE:.*]] = npu.concat %[[HI]], %{{.*}} {axis = 1 : i64, npu.fp32}
// CHECK: %[[S:.*]] = npu.add %[[S1]], %[[ABOVE]] {npu.fp32}
// CHECK: %[[A:.*]] = npu.constant dense<6.66666674E-5> : tensor<1xf32>
// CHECK: %[[SA:.*]] = npu.mul %[[S]], %[[A]] {npu.fp32}
// CHECK: %[[B:.*]] = npu.constant dense<2.000000e+00> : tensor<1xf32>
// CHECK: %[[T:.*]] = npu.add %[[SA]], %[[B]] {npu.fp32} {{.*}} loc("n (denominator)"("n"))
// CHECK: %[[E:.*]] = npu.constant dense<-7.500000e-01> : tensor<1xf32>
// CHECK: %[[P:.*]] = npu.pow %[[T]], %[[E]] {npu.fp32} {{.*}} loc("n (denominator)"("n"))
// CHECK: %[[Y:.*]] = npu.mul %arg0, %[[P]] : {{.*}} loc("n")
// CHECK-NOT: npu.lrn
// CHECK: return %[[Y]]
func.func @lrn(%x: tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> {
  %y = npu.lrn %x {size = 3 : i64, alpha = 2.0e-4 : f32, beta = 0.75 : f32, bias = 2.0 : f32} : tensor<1x4x2x2xf32> loc("n")
  return %y : tensor<1x4x2x2xf32>
}

// -----

// An even size: the window reaches one channel further after than before
// (ONNX: [c - floor((size - 1) / 2), c + ceil((size - 1) / 2)]): the
// squares and one copy shifted down (channel c + 1), no copy from below.
// CHECK-LABEL: func.func @lrn_even
// CHECK: %[[SQ:.*]] = npu.mul %arg0, %arg0 {npu.fp32}
// CHECK-NOT: starts = array<i64: 0, 0, 0, 0>
// CHECK: npu.slice %[[SQ]] {npu.fp32, starts = array<i64: 0, 1, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : tensor<1x3x2x2xf32> to tensor<1x2x2x2xf32>
// CHECK: npu.add %[[SQ]], %{{.*}} {npu.fp32}
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

// LRN of another rank than 4: the same island over [N, C, D].
// CHECK-LABEL: func.func @lrn_1d
// CHECK: npu.slice %{{.*}} {npu.fp32, starts = array<i64: 0, 0, 0>, steps = array<i64: 1, 1, 1>} : tensor<1x4x8xf32> to tensor<1x3x8xf32>
// CHECK: npu.pow
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
