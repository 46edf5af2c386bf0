// RUN: npu-opt %s --pass-pipeline='builtin.module(func.func(npu-lower-to-hw{precision=int8}))' -verify-diagnostics

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
