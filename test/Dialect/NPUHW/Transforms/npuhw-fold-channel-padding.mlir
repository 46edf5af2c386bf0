// RUN: npu-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(npuhw-fold-channel-padding))' | FileCheck %s

// The conv's padded output channels (weights and bias zero there) flow into
// the pool, whose padded channels flow into the next conv.
// CHECK-LABEL: func.func @chain
// CHECK: %[[C:.*]] = npuhw.dpu_conv conv %arg0
// CHECK: %[[P:.*]] = npuhw.dpu_conv max_pool %[[C]]
// CHECK: npuhw.dpu_conv conv %[[P]]
// CHECK-NOT: npu.concat
func.func @chain(%x: tensor<4x4x16xf16>) -> tensor<4x4x16xf16> {
  %w = npu.constant dense<[[[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]]],
    [[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]]],
    [[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]],
    [[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]],
    [[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]],
    [[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]],
    [[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]],
    [[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]],
    [[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]],
    [[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]],
    [[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]],
    [[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]],
    [[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]],
    [[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]],
    [[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]],
    [[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]]]> : tensor<16x1x1x16xf16>
  %t = npu.constant dense<0> : tensor<16x4xi32>
  %z = npu.constant dense<0.0> : tensor<4x4x14xf16>
  %c = npuhw.dpu_conv conv %x, %w, %t {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, activation = #npuhw.activation<relu>}
      : (tensor<4x4x16xf16>, tensor<16x1x1x16xf16>, tensor<16x4xi32>) -> tensor<4x4x16xf16>
  %s = npu.slice %c {starts = array<i64: 0, 0, 0>, steps = array<i64: 1, 1, 1>} : tensor<4x4x16xf16> to tensor<4x4x2xf16>
  %p = npu.concat %s, %z {axis = 2 : i64} : (tensor<4x4x2xf16>, tensor<4x4x14xf16>) -> tensor<4x4x16xf16>
  %m = npuhw.dpu_conv max_pool %p {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
      : (tensor<4x4x16xf16>) -> tensor<4x4x16xf16>
  %s2 = npu.slice %m {starts = array<i64: 0, 0, 0>, steps = array<i64: 1, 1, 1>} : tensor<4x4x16xf16> to tensor<4x4x2xf16>
  %p2 = npu.concat %s2, %z {axis = 2 : i64} : (tensor<4x4x2xf16>, tensor<4x4x14xf16>) -> tensor<4x4x16xf16>
  %c2 = npuhw.dpu_conv conv %p2, %w, %t {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
      : (tensor<4x4x16xf16>, tensor<16x1x1x16xf16>, tensor<16x4xi32>) -> tensor<4x4x16xf16>
  return %c2 : tensor<4x4x16xf16>
}

// -----

// Weights that are not zero in the dropped channels: the pair stays.
// CHECK-LABEL: func.func @nonzero
// CHECK: npu.slice
// CHECK: npu.concat
func.func @nonzero(%x: tensor<4x4x16xf16>) -> tensor<4x4x16xf16> {
  %w = npu.constant dense<1.0> : tensor<16x1x1x16xf16>
  %t = npu.constant dense<0> : tensor<16x4xi32>
  %z = npu.constant dense<0.0> : tensor<4x4x14xf16>
  %c = npuhw.dpu_conv conv %x, %w, %t {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
      : (tensor<4x4x16xf16>, tensor<16x1x1x16xf16>, tensor<16x4xi32>) -> tensor<4x4x16xf16>
  %s = npu.slice %c {starts = array<i64: 0, 0, 0>, steps = array<i64: 1, 1, 1>} : tensor<4x4x16xf16> to tensor<4x4x2xf16>
  %p = npu.concat %s, %z {axis = 2 : i64} : (tensor<4x4x2xf16>, tensor<4x4x14xf16>) -> tensor<4x4x16xf16>
  return %p : tensor<4x4x16xf16>
}

// -----

// A clamp that excludes 0 makes the padded channels non-zero.
// CHECK-LABEL: func.func @clamp
// CHECK: npu.concat
func.func @clamp(%x: tensor<4x4x16xf16>) -> tensor<4x4x16xf16> {
  %z = npu.constant dense<0.0> : tensor<4x4x14xf16>
  %m = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, fclamp_low = 1.0 : f32}
      : (tensor<4x4x16xf16>) -> tensor<4x4x16xf16>
  %s = npu.slice %m {starts = array<i64: 0, 0, 0>, steps = array<i64: 1, 1, 1>} : tensor<4x4x16xf16> to tensor<4x4x2xf16>
  %p = npu.concat %s, %z {axis = 2 : i64} : (tensor<4x4x2xf16>, tensor<4x4x14xf16>) -> tensor<4x4x16xf16>
  return %p : tensor<4x4x16xf16>
}
