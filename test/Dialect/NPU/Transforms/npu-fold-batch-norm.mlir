// RUN: npu-opt %s -split-input-file -npu-fold-batch-norm | FileCheck %s

// Into a convolution: scaled weights and a new bias, computed from constants.
// CHECK-LABEL: func.func @into_conv
// CHECK-NOT: npu.batch_norm
// CHECK-DAG: %[[K:.*]] = npu.div
// CHECK-DAG: %[[KW:.*]] = npu.reshape %[[K]] : tensor<16xf32> to tensor<16x1x1x1xf32>
// CHECK-DAG: %[[W:.*]] = npu.mul {{.*}}%[[KW]]{{.*}} -> tensor<16x3x3x3xf32>
// CHECK-DAG: %[[B:.*]] = npu.add {{.*}} : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
// CHECK: %[[C:.*]] = npu.conv %{{.*}}, %[[W]], %[[B]]
// CHECK-NEXT: return %[[C]]
func.func @into_conv(%x: tensor<1x3x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.5> : tensor<16x3x3x3xf32>
  %cb = npu.constant dense<0.1> : tensor<16xf32>
  %s = npu.constant dense<2.0> : tensor<16xf32>
  %b = npu.constant dense<1.0> : tensor<16xf32>
  %m = npu.constant dense<0.25> : tensor<16xf32>
  %v = npu.constant dense<4.0> : tensor<16xf32>
  %c = npu.conv %x, %w, %cb {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  %y = npu.batch_norm %c, %s, %b, %m, %v : (tensor<1x16x8x8xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  return %y : tensor<1x16x8x8xf32>
}

// -----

// The convolution has another user: batch norm becomes a per-channel affine.
// CHECK-LABEL: func.func @shared_conv
// CHECK-NOT: npu.batch_norm
// CHECK: %[[C:.*]] = npu.conv
// CHECK: %[[S:.*]] = npu.mul %[[C]], %{{.*}} : (tensor<1x16x8x8xf32>, tensor<1x16x1x1xf32>) -> tensor<1x16x8x8xf32>
// CHECK: %[[Y:.*]] = npu.add %[[S]], %{{.*}} : (tensor<1x16x8x8xf32>, tensor<1x16x1x1xf32>) -> tensor<1x16x8x8xf32>
// CHECK: return %[[Y]], %[[C]]
func.func @shared_conv(%x: tensor<1x3x8x8xf32>) -> (tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>) {
  %w = npu.constant dense<0.5> : tensor<16x3x3x3xf32>
  %s = npu.constant dense<2.0> : tensor<16xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x8x8xf32>
  %y = npu.batch_norm %c, %s, %s, %s, %s : (tensor<1x16x8x8xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  return %y, %c : tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>
}

// -----

// Parameters that are not constants stay a batch norm.
// CHECK-LABEL: func.func @dynamic_parameters
// CHECK: npu.batch_norm
func.func @dynamic_parameters(%x: tensor<1x4x2x2xf32>, %s: tensor<4xf32>) -> tensor<1x4x2x2xf32> {
  %y = npu.batch_norm %x, %s, %s, %s, %s : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  return %y : tensor<1x4x2x2xf32>
}
