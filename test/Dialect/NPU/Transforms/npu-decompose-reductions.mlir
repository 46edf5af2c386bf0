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

// -----

// LayerNormalization with its scale and bias given as inputs and its Mean
// and InvStdDev read (ONNX's node tests; training graphs): ONNX's function
// body, the statistics replaced by their ops; the output keeps the node's
// name. With constant parameters and unread statistics, the one-result
// form (one mvn kernel); with neither, unchanged.
// CHECK-LABEL: func.func @layer_norm
// CHECK: %[[M:.*]] = npu.reduce_mean %arg0 {axes = array<i64: 1, 2>} : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32> loc("ln (mean)"("ln"))
// CHECK: %[[D:.*]] = npu.sub %arg0, %[[M]]
// CHECK: %[[SQ:.*]] = npu.mul %[[D]], %[[D]]
// CHECK: %[[V:.*]] = npu.reduce_mean %[[SQ]] {axes = array<i64: 1, 2>}
// CHECK: %[[E:.*]] = npu.constant dense<1.000000e-03> : tensor<1x1x1xf32>
// CHECK: %[[VE:.*]] = npu.add %[[V]], %[[E]]
// CHECK: %[[S:.*]] = npu.sqrt %[[VE]]
// CHECK: %[[I:.*]] = npu.reciprocal %[[S]] {{.*}}loc("ln (inverse deviation)"("ln"))
// CHECK: %[[N:.*]] = npu.mul %[[D]], %[[I]]
// CHECK: %[[G:.*]] = npu.mul %[[N]], %arg1
// CHECK: %[[Y:.*]] = npu.add %[[G]], %arg2 {{.*}}loc("ln")
// CHECK: %[[K:.*]] = npu.layer_norm %arg0, %{{.*}}, %{{.*}} {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("kept")
// CHECK-NOT: mean tensor
// CHECK: %[[U:.*]] = npu.layer_norm %arg0, %{{.*}} {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("one")
// CHECK: return %[[Y]], %[[M]], %[[I]], %[[K]], %[[U]]
func.func @layer_norm(%x: tensor<2x3x4xf32>, %g: tensor<3x4xf32>, %b: tensor<3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>) {
  %y, %m, %i = npu.layer_norm %x, %g, %b {axis = 1 : i64, epsilon = 1.0e-3 : f32} : (tensor<2x3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32> mean tensor<2x1x1xf32> inv_std_dev tensor<2x1x1xf32> loc("ln")
  %cg = npu.constant dense<1.5> : tensor<4xf32>
  %cb = npu.constant dense<0.5> : tensor<4xf32>
  %k, %km, %ki = npu.layer_norm %x, %cg, %cb {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> mean tensor<2x3x1xf32> inv_std_dev tensor<2x3x1xf32> loc("kept")
  %u = npu.layer_norm %x, %cg {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("one")
  return %y, %m, %i, %k, %u : tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>
}

// -----

// Hardmax: the first maximum's index (argmax, kept) compared with the
// positions along the axis, the booleans cast to float.
// CHECK-LABEL: func.func @hardmax
// CHECK: %[[I:.*]] = npu.argmax %arg0 {axis = 1 : i64} : (tensor<2x5x3xf32>) -> tensor<2x1x3xi64> loc("h (argmax)"("h"))
// CHECK: %[[P:.*]] = npu.constant dense<{{\[\[}}[0], [1], [2], [3], [4]]]> : tensor<1x5x1xi64>
// CHECK: %[[E:.*]] = npu.equal %[[I]], %[[P]] : (tensor<2x1x3xi64>, tensor<1x5x1xi64>) -> tensor<2x5x3xi1>
// CHECK: %[[Y:.*]] = npu.cast %[[E]] : tensor<2x5x3xi1> to tensor<2x5x3xf32> loc("h")
// CHECK: return %[[Y]]
func.func @hardmax(%x: tensor<2x5x3xf32>) -> tensor<2x5x3xf32> {
  %y = npu.hardmax %x {axis = 1 : i64} : tensor<2x5x3xf32> loc("h")
  return %y : tensor<2x5x3xf32>
}
