// RUN: npu-opt %s | npu-opt | FileCheck %s
// Round trip of every npuhw op; default post-processing fields are elided.

// CHECK-LABEL: func.func @conv
// CHECK: npuhw.dpu_conv conv %arg0, %arg1, %arg2 {activation = #npuhw.activation<relu>, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
func.func @conv(%x: tensor<8x8x16xf16>, %w: tensor<16x3x3x16xf16>, %t: tensor<16x4xi32>) -> tensor<8x8x16xf16> {
  %y = npuhw.dpu_conv conv %x, %w, %t {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>,
         pads = array<i64: 1, 1, 1, 1>, activation = #npuhw.activation<relu>,
         fclamp_low = 0xFF800000 : f32}
      : (tensor<8x8x16xf16>, tensor<16x3x3x16xf16>, tensor<16x4xi32>) -> tensor<8x8x16xf16>
  return %y : tensor<8x8x16xf16>
}

// CHECK-LABEL: func.func @int8
// CHECK: npuhw.dpu_conv depthwise %arg0, %arg1, %arg2 {in_zero_point = 3 : i32, kernel = array<i64: 3, 3>, out_zero_point = -2 : i32, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
// CHECK: npuhw.dpu_conv max_pool %{{.*}} {kernel = array<i64: 2, 2>
// CHECK: npuhw.dpu_eltwise sub %{{.*}}, %{{.*}} {lhs_mult = 3 : i32
func.func @int8(%x: tensor<9x9x32x!quant.uniform<i8:f32, 0.5:3>>, %w: tensor<32x3x3x1xi8>, %t: tensor<32x4xi32>) -> tensor<2x2x32xi8> {
  %y = npuhw.dpu_conv depthwise %x, %w, %t {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>,
         pads = array<i64: 0, 0, 0, 0>, in_zero_point = 3 : i32, out_zero_point = -2 : i32}
      : (tensor<9x9x32x!quant.uniform<i8:f32, 0.5:3>>, tensor<32x3x3x1xi8>, tensor<32x4xi32>) -> tensor<4x4x32xi8>
  %p = npuhw.dpu_conv max_pool %y {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
         pads = array<i64: 0, 0, 0, 0>} : (tensor<4x4x32xi8>) -> tensor<2x2x32xi8>
  %e = npuhw.dpu_eltwise sub %p, %p {lhs_mult = 3 : i32} : (tensor<2x2x32xi8>, tensor<2x2x32xi8>) -> tensor<2x2x32xi8>
  return %e : tensor<2x2x32xi8>
}

// CHECK-LABEL: func.func @shave
// CHECK: npuhw.shave "convert" %arg0 : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf16>
// CHECK: npuhw.shave "softmax" %{{.*}} {iparams = array<i64: 1>}
func.func @shave(%x: tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf16> {
  %h = npuhw.shave "convert" %x : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf16>
  %s = npuhw.shave "softmax" %h {iparams = array<i64: 1>} : (tensor<1x3x4x4xf16>) -> tensor<1x3x4x4xf16>
  return %s : tensor<1x3x4x4xf16>
}

// The kernels appended for the encoder: a batched matmul with B transposed
// and a LayerNorm as mvn with [C] scale and bias.
// CHECK-LABEL: func.func @encoder_kernels
// CHECK: npuhw.shave "matmul" %arg0, %arg1 {iparams = array<i64: 0, 1>}
// CHECK: npuhw.shave "mvn" %{{.*}}, %arg2, %arg2 {fparams = array<f32: {{.*}}>, iparams = array<i64: 1, 2>}
func.func @encoder_kernels(%a: tensor<2x8x16xf16>, %b: tensor<2x4x16xf16>, %g: tensor<4xf16>) -> tensor<2x8x4xf16> {
  %m = npuhw.shave "matmul" %a, %b {iparams = array<i64: 0, 1>} : (tensor<2x8x16xf16>, tensor<2x4x16xf16>) -> tensor<2x8x4xf16>
  %n = npuhw.shave "mvn" %m, %g, %g {fparams = array<f32: 1.0e-5>, iparams = array<i64: 1, 2>} : (tensor<2x8x4xf16>, tensor<4xf16>, tensor<4xf16>) -> tensor<2x8x4xf16>
  return %n : tensor<2x8x4xf16>
}
