// RUN: npu-opt %s -split-input-file -npu-decompose-reductions -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s

// L2: the squares summed, then a square root that keeps the node's name.
// CHECK-LABEL: func.func @l2
// CHECK: %[[SQ:.*]] = npu.mul %arg0, %arg0 : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32> loc("n (square)"("n"))
// CHECK: %[[S:.*]] = npu.reduce_sum %[[SQ]] {axes = array<i64: 1>} : (tensor<1x4x8xf32>) -> tensor<1x1x8xf32> loc("n (sum of squares)"("n"))
// CHECK: %[[Y:.*]] = npu.sqrt %[[S]] : tensor<1x1x8xf32> loc("n")
// CHECK-NOT: npu.reduce_l2
// CHECK: return %[[Y]]
func.func @l2(%x: tensor<1x4x8xf32>) -> tensor<1x1x8xf32> {
  %y = npu.reduce_l2 %x {axes = array<i64: 1>, keepdims = true} : (tensor<1x4x8xf32>) -> tensor<1x1x8xf32> loc("n")
  return %y : tensor<1x1x8xf32>
}

// -----

// CHECK-LABEL: func.func @l1
// CHECK: %[[A:.*]] = npu.abs %arg0
// CHECK: npu.reduce_sum %[[A]] {axes = array<i64: 2>, keepdims = false} : (tensor<1x4x8xf32>) -> tensor<1x4xf32>
func.func @l1(%x: tensor<1x4x8xf32>) -> tensor<1x4xf32> {
  %y = npu.reduce_l1 %x {axes = array<i64: 2>, keepdims = false} : (tensor<1x4x8xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// log-sum-exp shifted by the maximum (within the largest float, so that a
// row of -inf gives -inf and one holding +inf gives +inf), kept to
// broadcast, then reshaped to the result without the reduced axis.
// CHECK-LABEL: func.func @log_sum_exp
// CHECK: %[[M0:.*]] = npu.reduce_max %arg0 {axes = array<i64: 1>} : (tensor<1x4x8xf32>) -> tensor<1x1x8xf32>
// CHECK: %[[LO:.*]] = npu.constant dense<-3.40282347E+38> : tensor<1x1x1xf32>
// CHECK: %[[M1:.*]] = npu.max %[[M0]], %[[LO]]
// CHECK: %[[HI:.*]] = npu.constant dense<3.40282347E+38> : tensor<1x1x1xf32>
// CHECK: %[[M:.*]] = npu.min %[[M1]], %[[HI]]
// CHECK: %[[D:.*]] = npu.sub %arg0, %[[M]]
// CHECK: %[[E:.*]] = npu.exp %[[D]]
// CHECK: %[[S:.*]] = npu.reduce_sum %[[E]] {axes = array<i64: 1>, keepdims = false} : (tensor<1x4x8xf32>) -> tensor<1x8xf32>
// CHECK: %[[L:.*]] = npu.log %[[S]]
// CHECK: %[[R:.*]] = npu.reshape %[[M]] : tensor<1x1x8xf32> to tensor<1x8xf32>
// CHECK: npu.add %[[L]], %[[R]]
func.func @log_sum_exp(%x: tensor<1x4x8xf32>) -> tensor<1x8xf32> {
  %y = npu.reduce_log_sum_exp %x {axes = array<i64: 1>, keepdims = false} : (tensor<1x4x8xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}
