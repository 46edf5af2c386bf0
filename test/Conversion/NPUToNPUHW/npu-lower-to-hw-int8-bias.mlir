// RUN: npu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(npu-lower-to-hw{precision=int8}))' | FileCheck %s

// A bias beyond 2^30 accumulator units at the input's int8 step (an input
// whose calibrated range is 1e-6 wide, as a branch that is all zeros on
// the calibration data gets): the weights of those channels take the
// coarser scale that makes the bias fit the int32 accumulator, instead of
// the bias being clamped (which moved the outputs by most of the bias).
// Here 0.5 / (2^30 (1e-6 / 255)) = 0.119 per weight step, so the weights
// 0.1 become 1; with the nearest-level scale 0.1 / 127 they are 127. The
// products stay far below such a bias, so nothing representable is lost
// and nothing is said.
// CHECK-LABEL: func.func @bias_beyond_the_accumulator
// CHECK: npu.constant dense<1> : tensor<16x1x1x16xi8>
// CHECK: npuhw.dpu_conv conv
func.func @bias_beyond_the_accumulator(%x: tensor<1x16x4x4xf32> {npu.range = array<f32: 0.0, 1.0e-6>}) -> tensor<1x16x4x4xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %b = npu.constant dense<0.5> : tensor<16xf32>
  %c = npu.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: 0.0, 1.0>}
      : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>, tensor<16xf32>) -> tensor<1x16x4x4xf32>
  %d = npu.conv %c, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -2.0, 2.0>}
      : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x4x4xf32>
  return %d : tensor<1x16x4x4xf32>
}

// -----

// The same bias at an ordinary input step fits: nearest-level weights.
// CHECK-LABEL: func.func @bias_that_fits
// CHECK: npu.constant dense<127> : tensor<16x1x1x16xi8>
func.func @bias_that_fits(%x: tensor<1x16x4x4xf32> {npu.range = array<f32: 0.0, 1.0>}) -> tensor<1x16x4x4xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %b = npu.constant dense<0.5> : tensor<16xf32>
  %c = npu.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: 0.0, 1.0>}
      : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>, tensor<16xf32>) -> tensor<1x16x4x4xf32>
  %d = npu.conv %c, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -2.0, 2.0>}
      : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x4x4xf32>
  return %d : tensor<1x16x4x4xf32>
}
