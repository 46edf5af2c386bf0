// RUN: npu-opt %s -verify-diagnostics --pass-pipeline='builtin.module(npu-select-precision{target=top1=1})'
// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-select-precision{target=top1=0.9})' 2>&1 | FileCheck %s --check-prefix=LATE

// A target that only the device's fp16 arithmetic misses. The class axis
// (the last) holds v and v * 1.000488: float's argmax is in the second half
// wherever the largest v is positive, and so is the simulation's, which
// keeps the constant in f32 and rounds the product to f16 (1.000488 lies
// just below the midpoint 1 + 2^-11, so the product moves to the next f16
// value wherever v's mantissa is at least 1.0006). The device holds the
// constant in f16, where it is 1.0: v * 1.0 ties with v, and the argmax is
// the first of the two. With a target of 1 (simulated all-fp16 1.0, no
// margin), the device's arithmetic is checked before the search, and the
// error says both figures. With a lower target (0.9: a margin of 0.1 the
// simulation sees) the search runs first, and the device's check of its
// choice (here every layer: the one convolution) finds it out of reach.
// LATE: error: accuracy target top1=0.9 is out of reach: with every layer in fp16 the smallest share of positions with float's argmax is 0.031250000 with the device's arithmetic on 8 sample(s){{$}}

// expected-error@+1 {{accuracy target top1=1 is out of reach: with every layer in fp16 the smallest share of positions with float's argmax is 0.031250000 with the device's arithmetic (1.000000000 simulated) on 8 sample(s)}}
func.func @device_ties(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -4.0, 4.0>}) -> tensor<1x16x8x16xf32> {
  %w = npu.constant dense<0.25> : tensor<16x16x1x1xf32>
  %v = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -16.0, 16.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32> loc("conv")
  %c = npu.constant dense<1.000488> : tensor<f32>
  %m = npu.mul %v, %c {npu.range = array<f32: -16.0, 16.0>} : (tensor<1x16x8x8xf32>, tensor<f32>) -> tensor<1x16x8x8xf32> loc("scale")
  %o = npu.concat %v, %m {axis = 3 : i64, npu.range = array<f32: -16.0, 16.0>} : (tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>) -> tensor<1x16x8x16xf32> loc("cat")
  return %o : tensor<1x16x8x16xf32>
}
