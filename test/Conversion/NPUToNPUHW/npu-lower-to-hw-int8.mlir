// RUN: npu-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(npu-lower-to-hw{precision=int8}))' | FileCheck %s

// int8: the input is quantized on a SHAVE with its calibrated range
// ([-1, 1]: scale 2/255, zero point round(-128 + 127.5) = -1 in float), the
// convolution writes int8 with its output's range, ReLU is fused on the
// accumulator, and the result is dequantized for the f32 output.
// CHECK-LABEL: func.func @conv_relu
// CHECK: %[[H:.*]] = npuhw.shave "convert" %arg0
// CHECK: npuhw.shave "quantize" %{{.*}} {fparams = array<f32: 0.00784313772>, iparams = array<i64: -1>} : (tensor<8x8x16xf16>) -> tensor<8x8x16x!quant.uniform<i8:f32, 0.0078431377187371254:-1>>
// CHECK: npuhw.dpu_conv conv %{{.*}}, %{{.*}}, %{{.*}} {activation = #npuhw.activation<relu>, in_zero_point = -1 : i32, kernel = array<i64: 3, 3>, out_zero_point = -128 : i32, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
// CHECK-SAME: (tensor<8x8x16x!quant.uniform<i8:f32, 0.0078431377187371254:-1>>, tensor<16x3x3x16xi8>, tensor<16x4xi32>) -> tensor<8x8x16x!quant.uniform<i8:f32, 0.015686275437474251:-128>>
// CHECK: npuhw.shave "dequantize"
// CHECK: npuhw.shave "convert" %{{.*}} : (tensor<1x16x8x8xf16>) -> tensor<1x16x8x8xf32>
func.func @conv_relu(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x3x3xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x8x8xf32>
  %r = npu.relu %c {npu.range = array<f32: 0.0, 4.0>} : tensor<1x16x8x8xf32>
  return %r : tensor<1x16x8x8xf32>
}

// -----

// Two int8 DPU tasks in a row: no quantize / dequantize between them; max
// pooling keeps its input's quantization; the residual add rescales both
// inputs to one accumulator with integer multipliers.
// CHECK-LABEL: func.func @chain
// CHECK-COUNT-1: npuhw.shave "quantize"
// CHECK: %[[C:.*]] = npuhw.dpu_conv conv
// CHECK-NOT: npuhw.shave
// CHECK: %[[P:.*]] = npuhw.dpu_conv max_pool %[[C]] {{.*}}in_zero_point = -128 : i32{{.*}}out_zero_point = -128 : i32
// CHECK: npuhw.dpu_eltwise add %[[P]], %[[P]] {lhs_mult = 16384 : i32, lhs_zero_point = -128 : i32
func.func @chain(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x4x4xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: 0.0, 2.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %p = npu.max_pool %c {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, npu.range = array<f32: 0.0, 2.0>}
      : (tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32>
  %a = npu.add %p, %p {npu.range = array<f32: 0.0, 4.0>} : (tensor<1x16x4x4xf32>, tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32>
  return %a : tensor<1x16x4x4xf32>
}

// -----

// A pre-quantized model's parameters (npu-fold-qdq) take precedence over
// calibrated ranges: the input's scale 0.5 and zero point 3, the conv's
// output 0.25 / -128, and the model's weight scale 0.05 (weights 0.1 are 2,
// not max|w| / 127's 127).
// CHECK-LABEL: func.func @model_params
// CHECK: npuhw.shave "quantize" %{{.*}} {fparams = array<f32: 5.000000e-01>, iparams = array<i64: 3>}
// CHECK: npu.constant dense<2> : tensor<16x1x1x16xi8>
// CHECK: npuhw.dpu_conv conv {{.*}}in_zero_point = 3 : i32{{.*}}out_zero_point = -128 : i32
// CHECK-SAME: -> tensor<8x8x16x!quant.uniform<i8:f32, 2.500000e-01:-128>>
func.func @model_params(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>, npu.quant = array<f32: 0.5, 3.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.quant = array<f32: 0.25, -128.0>, npu.weight_scales = array<f32: 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  return %c : tensor<1x16x8x8xf32>
}
