// RUN: npu-opt %s | npu-opt | FileCheck %s
// Round trip: every op prints in a form that parses back to the same IR.

// CHECK-LABEL: func.func @conv_block
func.func @conv_block(%x: tensor<1x3x8x8xf32>) -> tensor<1x16x4x4xf32> {
  %w = npu.constant dense<0.5> : tensor<16x3x3x3xf32>
  %b = npu.constant dense<0.0> : tensor<16xf32>
  // CHECK: npu.conv %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
  %c = npu.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  // CHECK: npu.leaky_relu %{{.*}} {alpha = 1.000000e-01 : f32} : tensor<1x16x8x8xf32>
  %r = npu.leaky_relu %c {alpha = 0.1 : f32} : tensor<1x16x8x8xf32>
  // CHECK: npu.max_pool
  %p = npu.max_pool %r {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32>
  return %p : tensor<1x16x4x4xf32>
}
