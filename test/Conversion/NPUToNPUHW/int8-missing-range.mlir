// RUN: npu-opt %s --pass-pipeline='builtin.module(func.func(npu-lower-to-hw{precision=int8}))' -verify-diagnostics -split-input-file

// int8 needs the calibrated stage: a DPU op whose tensors have no range is
// reported, with every other one.
// expected-error @+1 {{1 op(s) map to no NPU engine}}
func.func @main(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  // expected-note @+1 {{'npu.conv' cannot run on the NPU: no calibrated range for a tensor it needs in int8 (run the calibrated stage first)}}
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  return %c : tensor<1x16x8x8xf32>
}

// -----

// The failed convolution had fused the ReLU after it: the convolution that
// reads the ReLU is still checked (it needs nothing missing here).
// expected-error @+1 {{1 op(s) map to no NPU engine}}
func.func @main(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  // expected-note @+1 {{'npu.conv' cannot run on the NPU: no calibrated range for a tensor it needs in int8}}
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -1.0, 1.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %r = npu.relu %c {npu.range = array<f32: 0.0, 1.0>} : tensor<1x16x8x8xf32>
  %c2 = npu.conv %r, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -1.0, 1.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  return %c2 : tensor<1x16x8x8xf32>
}

// -----

// Weight scales (a pre-quantized model's, npu-fold-qdq) too small for the
// weights, as an edit makes them: the weights saturate, with a warning.
func.func @main(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.5> : tensor<16x16x1x1xf32>
  // expected-warning @+1 {{npu.weight_scales: 16 output channel(s) have weights beyond 127 times their scale; they saturate at +-127}}
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -8.0, 8.0>, npu.weight_scales = array<f32: 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  return %c : tensor<1x16x8x8xf32>
}
