// RUN: npu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(npu-lower-to-hw{precision=int8}))' -o /dev/null

// A tensor the device holds in fp16 (here a DPU result that a SHAVE tanh
// reads) whose calibrated range passes fp16's largest value, 65504, is
// warned about at its op: its values past it become infinite on the NPU
// (found by a fresh user: unnormalized activations gave NaN outputs with no
// word at compile time). One read only by a DPU task stays int8 and is not.
func.func @conv_tanh(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x3x3xf32>
  // expected-warning@+1 {{the device holds this tensor in fp16, but its calibrated range [-80000, 80000] passes fp16's largest value, 65504: its values past it become infinite on the NPU}}
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1, npu.range = array<f32: -80000.0, 80000.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x8x8xf32>
  %t = npu.tanh %c {npu.range = array<f32: -1.0, 1.0>} : tensor<1x16x8x8xf32>
  return %t : tensor<1x16x8x8xf32>
}

// -----

func.func @conv_conv(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x3x3xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1, npu.range = array<f32: -80000.0, 80000.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x8x8xf32>
  %w2 = npu.constant dense<0.00001> : tensor<16x16x3x3xf32>
  %d = npu.conv %c, %w2 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x8x8xf32>
  return %d : tensor<1x16x8x8xf32>
}

// -----

// A graph output is converted from f16 at the boundary: warned about too.
func.func @conv_output(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x3x3xf32>
  // expected-warning@+1 {{the device holds this tensor in fp16, but its calibrated range [-90000, 90000] passes fp16's largest value}}
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1, npu.range = array<f32: -90000.0, 90000.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x8x8xf32>
  return %c : tensor<1x16x8x8xf32>
}
