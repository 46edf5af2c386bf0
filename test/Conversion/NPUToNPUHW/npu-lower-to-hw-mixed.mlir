// RUN: npu-opt %s --pass-pipeline='builtin.module(func.func(npu-lower-to-hw{precision=mixed}))' | FileCheck %s

// Mixed precision: the convolution marked npu.fp16 is an f16 DPU task on
// the converted input (no quantize before it); the next one is int8, its
// input quantized on a SHAVE with the range of the fp16 task's result; read
// only by the f32 output, it writes its result in f16 (no dequantize).
// CHECK-LABEL: func.func @mixed
// CHECK: %[[H:.*]] = npuhw.shave "convert" %arg0
// CHECK-NOT: npuhw.shave "quantize"
// CHECK: %[[F:.*]] = npuhw.dpu_conv conv %{{.*}} -> tensor<8x8x16xf16>
// CHECK: npuhw.shave "quantize" %[[F]] {fparams = array<f32: 0.0313725509>, iparams = array<i64: -128>}
// CHECK: npuhw.dpu_conv conv {{.*}} : (tensor<8x8x16x!quant.uniform<i8:f32, 0.031372550874948502:-128>>, tensor<16x1x1x16xi8>, tensor<16x4xi32>) -> tensor<8x8x16xf16>
// CHECK-NOT: npuhw.shave "dequantize"
func.func @mixed(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.fp16, npu.range = array<f32: 0.0, 8.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %w2 = npu.constant dense<0.2> : tensor<16x16x1x1xf32>
  %d = npu.conv %c, %w2 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: 0.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  return %d : tensor<1x16x8x8xf32>
}

// -----

// A stride-2 first layer kept in fp16 keeps its [H, W, 4] input and 7x7
// kernel (space-to-depth is int8 only: it would reorder the fp32 sum); the
// same layer in int8 takes the 2x2 blocks.
// CHECK-LABEL: func.func @stem_fp16
// CHECK-NOT: perm = array<i64: 1, 3, 2, 4, 0>
// CHECK: npuhw.dpu_conv conv %{{.*}} {{{.*}}kernel = array<i64: 7, 7>{{.*}}strides = array<i64: 2, 2>}
// CHECK-SAME: (tensor<16x16x4xf16>
// CHECK-LABEL: func.func @stem_int8
// CHECK: perm = array<i64: 1, 3, 2, 4, 0>
// CHECK: npuhw.dpu_conv conv %{{.*}} {{{.*}}kernel = array<i64: 4, 4>{{.*}}strides = array<i64: 1, 1>}
func.func @stem_fp16(%x: tensor<1x3x16x16xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x8x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<8x3x7x7xf32>
  %c = npu.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 3, 3, 3, 3>, group = 1, npu.fp16, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x3x16x16xf32>, tensor<8x3x7x7xf32>) -> tensor<1x8x8x8xf32>
  return %c : tensor<1x8x8x8xf32>
}
func.func @stem_int8(%x: tensor<1x3x16x16xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x8x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<8x3x7x7xf32>
  %c = npu.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 3, 3, 3, 3>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x3x16x16xf32>, tensor<8x3x7x7xf32>) -> tensor<1x8x8x8xf32>
  return %c : tensor<1x8x8x8xf32>
}
