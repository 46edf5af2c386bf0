// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-select-precision{target=cos=0.9999999 quiet=true})' | FileCheck %s

// Weights that npu-calibrate moved to their int8 levels (here 38 / 127,
// -1, 90 / 127) for mixed precision keep their float values in
// npu.float_weights: a layer left in fp16 takes them back, and the
// attribute is gone after the pass. (The target cos=0.9999999 keeps the layer
// in fp16.)
// CHECK: npu.constant {{.*}}dense<{{\[\[\[\[}}0.302362204, -1.000000e+00, 0.703149616]]]]>
// CHECK: npu.conv {{.*}}npu.fp16
// CHECK-NOT: npu.float_weights
func.func @main(%x: tensor<1x1x1x4xf32> {npu.name = "x", npu.range = array<f32: 0.0, 2.0>}) -> tensor<1x1x1x2xf32> {
  %w = npu.constant {npu.range = array<f32: -1.0, 0.708661437>} dense<[[[[0.299212605, -1.0, 0.708661437]]]]> : tensor<1x1x1x3xf32>
  %y = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64, npu.range = array<f32: -1.0, 1.0>, npu.float_weights = dense<[[[[0.302362204, -1.0, 0.703149616]]]]> : tensor<1x1x1x3xf32>} : (tensor<1x1x1x4xf32>, tensor<1x1x1x3xf32>) -> tensor<1x1x1x2xf32>
  return %y : tensor<1x1x1x2xf32>
}
