// RUN: npu-opt %s -split-input-file -npu-fold-batch-norm | FileCheck %s

// Into a convolution: scaled weights and a new bias (b - mean) * k + bias,
// computed from constants.
// CHECK-LABEL: func.func @into_conv
// CHECK-NOT: npu.batch_norm
// CHECK-DAG: %[[K:.*]] = npu.div
// CHECK-DAG: %[[KW:.*]] = npu.reshape %[[K]] : tensor<16xf32> to tensor<16x1x1x1xf32>
// CHECK-DAG: %[[W:.*]] = npu.mul {{.*}}%[[KW]]{{.*}} -> tensor<16x3x3x3xf32>
// CHECK-DAG: %[[CB:.*]] = npu.sub %{{.*}}, %{{.*}} : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
// CHECK-DAG: %[[CK:.*]] = npu.mul %[[CB]], %[[K]]
// CHECK-DAG: %[[B:.*]] = npu.add %[[CK]], %{{.*}} : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
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

// The convolution has another user: batch norm becomes a per-channel
// (x - mean) * k + bias (not x * k + (bias - mean * k), which cancels when
// the mean is large).
// CHECK-LABEL: func.func @shared_conv
// CHECK-NOT: npu.batch_norm
// CHECK: %[[C:.*]] = npu.conv
// CHECK: %[[D:.*]] = npu.sub %[[C]], %{{.*}} : (tensor<1x16x8x8xf32>, tensor<1x16x1x1xf32>) -> tensor<1x16x8x8xf32>
// CHECK: %[[S:.*]] = npu.mul %[[D]], %{{.*}} : (tensor<1x16x8x8xf32>, tensor<1x16x1x1xf32>) -> tensor<1x16x8x8xf32>
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

// A per-channel constant added just before (a bias) absorbs the mean:
// y + (c - mean), with c - mean computed from constants.
// CHECK-LABEL: func.func @bias_absorbs_mean
// CHECK: %[[CM:.*]] = npu.sub %{{.*}}, %{{.*}} : (tensor<4x1x1xf32>, tensor<1x4x1x1xf32>) -> tensor<1x4x1x1xf32>
// CHECK: %[[D:.*]] = npu.add %arg0, %[[CM]] : (tensor<1x4x2x2xf32>, tensor<1x4x1x1xf32>) -> tensor<1x4x2x2xf32>
// CHECK: %[[S:.*]] = npu.mul %[[D]], %{{.*}} : (tensor<1x4x2x2xf32>, tensor<1x4x1x1xf32>) -> tensor<1x4x2x2xf32>
// CHECK: %[[Y:.*]] = npu.add %[[S]], %{{.*}} : (tensor<1x4x2x2xf32>, tensor<1x4x1x1xf32>) -> tensor<1x4x2x2xf32>
// CHECK: return %[[Y]]
func.func @bias_absorbs_mean(%x: tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> {
  %c = npu.constant dense<3.0> : tensor<4x1x1xf32>
  %s = npu.constant dense<2.0> : tensor<4xf32>
  %a = npu.add %x, %c : (tensor<1x4x2x2xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32>
  %y = npu.batch_norm %a, %s, %s, %s, %s : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  return %y : tensor<1x4x2x2xf32>
}

// -----

// A zero mean subtracts nothing.
// CHECK-LABEL: func.func @zero_mean
// CHECK-NOT: npu.sub
// CHECK: %[[S:.*]] = npu.mul %arg0, %{{.*}} : (tensor<1x4x2x2xf32>, tensor<1x4x1x1xf32>) -> tensor<1x4x2x2xf32>
// CHECK: npu.add %[[S]]
func.func @zero_mean(%x: tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> {
  %s = npu.constant dense<2.0> : tensor<4xf32>
  %m = npu.constant dense<0.0> : tensor<4xf32>
  %y = npu.batch_norm %x, %s, %s, %m, %s : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  return %y : tensor<1x4x2x2xf32>
}

// -----

// Parameters that are not constants stay a batch norm.
// CHECK-LABEL: func.func @dynamic_parameters
// CHECK: npu.batch_norm
func.func @dynamic_parameters(%x: tensor<1x4x2x2xf32>, %s: tensor<4xf32>) -> tensor<1x4x2x2xf32> {
  %y = npu.batch_norm %x, %s, %s, %s, %s : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  return %y : tensor<1x4x2x2xf32>
}

// -----

// Into a transposed convolution through its bias add (paddle2onnx's DB
// head: conv_transpose, add of a per-channel bias, batch norm): the weights
// [C, M, kh, kw] scaled along M (axis 1), the add's constant joining the
// bias; depthwise ([C, 1, kh, kw], group C) along axis 0.
// CHECK-LABEL: func.func @into_conv_transpose
// CHECK-NOT: npu.batch_norm
// CHECK-DAG: %[[B0:.*]] = npu.add %{{.*}}, %{{.*}} : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
// CHECK-DAG: %[[KW:.*]] = npu.reshape %{{.*}} : tensor<8xf32> to tensor<1x8x1x1xf32>
// CHECK-DAG: %[[W:.*]] = npu.mul %[[KW]], %{{.*}} : (tensor<1x8x1x1xf32>, tensor<4x8x2x2xf32>) -> tensor<4x8x2x2xf32>
// CHECK-DAG: %[[CB:.*]] = npu.sub %[[B0]], %{{.*}} : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
// CHECK: %[[T:.*]] = npu.conv_transpose %arg0, %[[W]], %{{.*}} {dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
// CHECK-DAG: %[[KD:.*]] = npu.reshape %{{.*}} : tensor<4xf32> to tensor<4x1x1x1xf32>
// CHECK-DAG: %[[WD:.*]] = npu.mul %[[KD]], %{{.*}} : (tensor<4x1x1x1xf32>, tensor<4x1x2x2xf32>) -> tensor<4x1x2x2xf32>
// CHECK: %[[D:.*]] = npu.conv_transpose %arg0, %[[WD]], %{{.*}} {{{.*}}group = 4 : i64
// CHECK-NOT: npu.add %[[T]]
// CHECK: return %[[T]], %[[D]]
func.func @into_conv_transpose(%x: tensor<1x4x8x8xf32>) -> (tensor<1x8x16x16xf32>, tensor<1x4x16x16xf32>) {
  %w = npu.constant dense<0.5> : tensor<4x8x2x2xf32>
  %ab = npu.constant dense<0.1> : tensor<1x8x1x1xf32>
  %s = npu.constant dense<2.0> : tensor<8xf32>
  %t = npu.conv_transpose %x, %w {dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>, tensor<4x8x2x2xf32>) -> tensor<1x8x16x16xf32>
  %a = npu.add %t, %ab : (tensor<1x8x16x16xf32>, tensor<1x8x1x1xf32>) -> tensor<1x8x16x16xf32>
  %y = npu.batch_norm %a, %s, %s, %s, %s : (tensor<1x8x16x16xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x16x16xf32>
  %wd = npu.constant dense<0.25> : tensor<4x1x2x2xf32>
  %s4 = npu.constant dense<3.0> : tensor<4xf32>
  %d = npu.conv_transpose %x, %wd {dilations = array<i64: 1, 1>, group = 4 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>, tensor<4x1x2x2xf32>) -> tensor<1x4x16x16xf32>
  %z = npu.batch_norm %d, %s4, %s4, %s4, %s4 : (tensor<1x4x16x16xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x16x16xf32>
  return %y, %z : tensor<1x8x16x16xf32>, tensor<1x4x16x16xf32>
}

// -----

// A transposed convolution of 2 groups of 2 channels: output channel m is
// no single weight axis, so the batch norm stays per channel.
// CHECK-LABEL: func.func @grouped_conv_transpose_kept
// CHECK: %[[T:.*]] = npu.conv_transpose
// CHECK: npu.mul {{.*}} : (tensor<1x4x16x16xf32>, tensor<1x4x1x1xf32>)
func.func @grouped_conv_transpose_kept(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x16x16xf32> {
  %w = npu.constant dense<0.5> : tensor<4x2x2x2xf32>
  %s = npu.constant dense<2.0> : tensor<4xf32>
  %t = npu.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 2 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>, tensor<4x2x2x2xf32>) -> tensor<1x4x16x16xf32>
  %y = npu.batch_norm %t, %s, %s, %s, %s : (tensor<1x4x16x16xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x16x16xf32>
  return %y : tensor<1x4x16x16xf32>
}
