// RUN: npu-opt %s --pass-pipeline='builtin.module(func.func(npu-lower-to-hw{precision=int8}))' --mlir-print-debuginfo | FileCheck %s

// An activation looked up in a table (LookupTables.cpp) keeps its node's
// location, not that of the quantize before the op reading it (found by a
// review: an int8 sigmoid's tasks were named after the add that read it in
// npu-run --profile and --trace).
// CHECK: npuhw.shave "lut" {{.*}} loc(#[[GELU:loc[0-9]+]])
// CHECK: #[[GELU]] = loc("gelu_node")
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @table_location(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %a = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32> loc("conv_a")
  %g = npu.gelu %a {npu.range = array<f32: -0.2, 0.6>} : tensor<1x16x8x8xf32> loc("gelu_node")
  %b = npu.conv %g, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32> loc("conv_b")
  return %b : tensor<1x16x8x8xf32>
}
}
