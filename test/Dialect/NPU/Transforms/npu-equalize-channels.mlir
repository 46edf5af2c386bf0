// RUN: npu-opt %s -split-input-file -npu-equalize-channels="headroom=1" -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s
// RUN: npu-opt %s -split-input-file -npu-equalize-channels="max-scale=2 headroom=1" | FileCheck %s --check-prefix=CAP
// RUN: npu-opt %s -split-input-file -npu-equalize-channels | FileCheck %s --check-prefix=DEFAULT
// RUN: not npu-opt %s -split-input-file -npu-equalize-channels="headroom=0.5" 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: npu-equalize-channels: max-scale and headroom must be >= 1

// A convolution feeding a depthwise convolution: channel 1 used [0, 0.5]
// of the range [-1, 4] (r = 8, a power of two), channel 0 the whole range
// (r = 1). The convolution's weights and bias of channel 1 are multiplied
// by 8, the depthwise weights of channel 1 divided by 8.
// CHECK-LABEL: func.func @conv_to_depthwise
// CHECK-DAG: %[[W:.*]] = npu.constant {{.*}}dense<{{\[\[\[\[}}5.000000e-01]]], {{\[\[\[}}4.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = npu.constant {{.*}}dense<[1.000000e-01, 8.000000e-01]> : tensor<2xf32>
// CHECK: %[[T:.*]] = npu.conv %{{.*}}, %[[W]], %[[B]] {{{.*}}npu.channel_range = array<f32: -1.000000e+00, 4.000000e+00, 0.000000e+00, 4.000000e+00>, npu.channel_scale = array<f32: 1.000000e+00, 8.000000e+00>, npu.range = array<f32: -1.000000e+00, 4.000000e+00>
// CHECK-SAME: loc("t (equalized)"
// CHECK: %[[DW:.*]] = npu.constant {{.*}}dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}2.500000e-01]]]]> : tensor<2x1x1x1xf32>
// CHECK: npu.conv %[[T]], %[[DW]]
// CAP-LABEL: func.func @conv_to_depthwise
// CAP: npu.channel_scale = array<f32: 1.000000e+00, 2.000000e+00>
// By default a channel fills at most half the range (headroom 2).
// DEFAULT-LABEL: func.func @conv_to_depthwise
// DEFAULT: npu.channel_scale = array<f32: 1.000000e+00, 4.000000e+00>
func.func @conv_to_depthwise(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = npu.constant dense<0.5> : tensor<2x1x1x1xf32>
  %b = npu.constant dense<0.1> : tensor<2xf32>
  %dw = npu.constant dense<2.0> : tensor<2x1x1x1xf32>
  %t = npu.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, npu.range = array<f32: -1.0, 4.0>, npu.channel_range = array<f32: -1.0, 4.0, 0.0, 0.5>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("t")
  %y = npu.conv %t, %dw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2 : i64} : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A learnable affine (x * a + b, scalar constants) feeding two depthwise
// convolutions: a and b become per-channel, each depthwise weight is
// divided; the product's range is the sum's per channel minus the new
// shift. Channel 0 reaches the range's low end (-2 / -0.5 = 4, but 4 / 0.5
// = 8: r = 4), channel 1 its high end (r = 1).
// CHECK-LABEL: func.func @affine_to_two_depthwise
// CHECK-DAG: %[[A:.*]] = npu.constant {{.*}}dense<{{\[\[\[\[}}1.200000e+01]], {{\[\[}}3.000000e+00]]]]> : tensor<1x2x1x1xf32>
// CHECK: %[[M:.*]] = npu.mul %{{.*}}, %[[A]] {npu.range = array<f32: -2.400000e+00, 3.900000e+00>}
// CHECK-SAME: loc("m (equalized)"
// CHECK: %[[S:.*]] = npu.constant {{.*}}dense<{{\[\[\[\[}}4.000000e-01]], {{\[\[}}1.000000e-01]]]]> : tensor<1x2x1x1xf32>
// CHECK: %[[T:.*]] = npu.add %[[M]], %[[S]] {{{.*}}npu.channel_scale = array<f32: 4.000000e+00, 1.000000e+00>
// CHECK-SAME: loc("t (equalized)"
// CHECK: %[[DW0:.*]] = npu.constant {{.*}}dense<{{\[\[\[\[}}2.500000e-01, 2.500000e-01, 2.500000e-01]{{.*}}1.000000e+00]]]]> : tensor<2x1x3x3xf32>
// CHECK: npu.conv %[[T]], %[[DW0]]
// CHECK: npu.conv %[[T]], %{{.*}}
// DEFAULT-LABEL: func.func @affine_to_two_depthwise
// DEFAULT: npu.channel_scale = array<f32: 2.000000e+00, 1.000000e+00>
func.func @affine_to_two_depthwise(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %a = npu.constant dense<3.0> : tensor<1xf32>
  %s = npu.constant dense<0.1> : tensor<1xf32>
  %dw0 = npu.constant dense<1.0> : tensor<2x1x3x3xf32>
  %dw1 = npu.constant dense<2.0> : tensor<2x1x3x3xf32>
  %m = npu.mul %x, %a {npu.range = array<f32: -0.6, 4.0>} : (tensor<1x2x4x4xf32>, tensor<1xf32>) -> tensor<1x2x4x4xf32> loc("m")
  %t = npu.add %m, %s {npu.range = array<f32: -2.0, 4.0>, npu.channel_range = array<f32: -0.5, 0.5, -2.0, 4.0>} : (tensor<1x2x4x4xf32>, tensor<1xf32>) -> tensor<1x2x4x4xf32> loc("t")
  %y0 = npu.conv %t, %dw0 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 2 : i64} : (tensor<1x2x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32>
  %y1 = npu.conv %t, %dw1 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 2 : i64} : (tensor<1x2x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32>
  return %y0, %y1 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Unchanged: another user than a depthwise convolution (the return), a
// producer that cannot scale its channels (relu), no per-channel ranges, a
// pre-quantized model's own weight scales (npu.weight_scales).
// CHECK-LABEL: func.func @unchanged
// CHECK-NOT: npu.channel_scale
// CHECK-NOT: equalized
func.func @unchanged(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = npu.constant dense<0.5> : tensor<2x2x1x1xf32>
  %dw = npu.constant dense<2.0> : tensor<2x1x1x1xf32>
  %t = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, npu.range = array<f32: -1.0, 4.0>, npu.channel_range = array<f32: -1.0, 4.0, 0.0, 0.5>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = npu.conv %t, %dw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2 : i64} : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = npu.relu %x {npu.range = array<f32: 0.0, 4.0>, npu.channel_range = array<f32: 0.0, 4.0, 0.0, 0.5>} : tensor<1x2x4x4xf32>
  %z = npu.conv %r, %dw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2 : i64} : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %u = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, npu.range = array<f32: -1.0, 4.0>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %v = npu.conv %u, %dw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2 : i64} : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %q = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, npu.range = array<f32: -1.0, 4.0>, npu.channel_range = array<f32: -1.0, 4.0, 0.0, 0.5>, npu.weight_scales = array<f32: 0.01, 0.01>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %p = npu.conv %q, %dw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2 : i64} : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %t, %z, %v, %p : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
