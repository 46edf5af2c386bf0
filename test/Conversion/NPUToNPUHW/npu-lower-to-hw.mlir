// RUN: npu-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(npu-lower-to-hw))' | FileCheck %s

// A convolution with a fused bias add and ReLU: f32 input converted on the
// device, NCHW -> [H, W, C] with channels padded to 16, weights repacked.
// CHECK-LABEL: func.func @conv_relu
// CHECK: %[[H:.*]] = npuhw.shave "convert" %arg0 : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf16>
// CHECK: %[[R:.*]] = npu.reshape %[[H]] : tensor<1x3x8x8xf16> to tensor<3x8x8xf16>
// CHECK: %[[T:.*]] = npu.transpose %[[R]] {perm = array<i64: 1, 2, 0>}
// CHECK: %[[P:.*]] = npu.concat %[[T]], %{{.*}} {axis = 2 : i64} : (tensor<8x8x3xf16>, tensor<8x8x1xf16>) -> tensor<8x8x4xf16>
// CHECK: npuhw.dpu_conv conv %[[P]], %{{.*}}, %{{.*}} {activation = #npuhw.activation<relu>, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
// CHECK-SAME: (tensor<8x8x4xf16>, tensor<16x3x3x4xf16>, tensor<16x4xi32>) -> tensor<4x4x16xf16>
// CHECK: npu.slice %{{.*}} : tensor<4x4x16xf16> to tensor<4x4x8xf16>
// CHECK: npuhw.shave "convert" %{{.*}} : (tensor<1x8x4x4xf16>) -> tensor<1x8x4x4xf32>
// CHECK-NOT: npu.relu
// CHECK-NOT: npu.add
func.func @conv_relu(%x: tensor<1x3x8x8xf32>) -> tensor<1x8x4x4xf32> {
  %w = npu.constant dense<0.5> : tensor<8x3x3x3xf32>
  %b = npu.constant dense<0.25> : tensor<1x8x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1}
      : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x4x4xf32>
  %a = npu.add %c, %b : (tensor<1x8x4x4xf32>, tensor<1x8x1x1xf32>) -> tensor<1x8x4x4xf32>
  %r = npu.relu %a : tensor<1x8x4x4xf32>
  return %r : tensor<1x8x4x4xf32>
}

// -----

// Depthwise convolution; a following Clip becomes the float clamp.
// CHECK-LABEL: func.func @depthwise
// CHECK: npuhw.dpu_conv depthwise %{{.*}}, %{{.*}}, %{{.*}} {fclamp_high = 6.000000e+00 : f32, fclamp_low = 0.000000e+00 : f32, kernel = array<i64: 3, 3>
// CHECK-SAME: (tensor<6x6x16xf16>, tensor<16x3x3x1xf16>, tensor<16x4xi32>) -> tensor<6x6x16xf16>
func.func @depthwise(%x: tensor<1x16x6x6xf32>) -> tensor<1x16x6x6xf32> {
  %w = npu.constant dense<1.0> : tensor<16x1x3x3xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 16}
      : (tensor<1x16x6x6xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x6x6xf32>
  %r = npu.clip %c {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x16x6x6xf32>
  return %r : tensor<1x16x6x6xf32>
}

// -----

// A grouped convolution: one DPU task per group, joined on the channels.
// CHECK-LABEL: func.func @grouped
// CHECK-COUNT-2: npuhw.dpu_conv conv
// CHECK: npu.concat %{{.*}}, %{{.*}} {axis = 2 : i64} : (tensor<4x4x8xf16>, tensor<4x4x8xf16>) -> tensor<4x4x16xf16>
func.func @grouped(%x: tensor<1x32x4x4xf32>) -> tensor<1x16x4x4xf32> {
  %w = npu.constant dense<1.0> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2}
      : (tensor<1x32x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x4x4xf32>
  return %c : tensor<1x16x4x4xf32>
}

// -----

// Dilation becomes zero taps; ceil_mode pooling extends the bottom / right pads.
// CHECK-LABEL: func.func @dilated_and_pool
// CHECK: npuhw.dpu_conv conv {{.*}}kernel = array<i64: 5, 5>
// CHECK: npuhw.dpu_conv max_pool {{.*}} {kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>} : (tensor<7x7x16xf16>) -> tensor<4x4x16xf16>
func.func @dilated_and_pool(%x: tensor<1x16x7x7xf32>) -> tensor<1x16x4x4xf32> {
  %w = npu.constant dense<1.0> : tensor<16x16x3x3xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 2, 2>, pads = array<i64: 2, 2, 2, 2>, group = 1}
      : (tensor<1x16x7x7xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x7x7xf32>
  %p = npu.max_pool %c {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true}
      : (tensor<1x16x7x7xf32>) -> tensor<1x16x4x4xf32>
  return %p : tensor<1x16x4x4xf32>
}

// -----

// MatMul with a constant right-hand side and a bias add: a 1x1 convolution
// over [batch, M, K]; a matmul of two activations and a softmax on SHAVE.
// CHECK-LABEL: func.func @matmul
// CHECK: npuhw.dpu_conv conv %{{.*}}, %{{.*}}, %{{.*}} {kernel = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<2x5x16xf16>, tensor<16x1x1x16xf16>, tensor<16x4xi32>) -> tensor<2x5x16xf16>
// CHECK: npuhw.shave "matmul" %{{.*}}, %{{.*}} : (tensor<2x5x12xf16>, tensor<2x12x5xf16>) -> tensor<2x5x5xf16>
// CHECK: npuhw.shave "softmax" %{{.*}} {iparams = array<i64: 2>}
func.func @matmul(%x: tensor<2x5x12xf32>) -> tensor<2x5x5xf32> {
  %w = npu.constant dense<0.5> : tensor<12x12xf32>
  %b = npu.constant dense<1.0> : tensor<12xf32>
  %m = npu.matmul %x, %w : (tensor<2x5x12xf32>, tensor<12x12xf32>) -> tensor<2x5x12xf32>
  %a = npu.add %m, %b : (tensor<2x5x12xf32>, tensor<12xf32>) -> tensor<2x5x12xf32>
  %t = npu.transpose %a {perm = array<i64: 0, 2, 1>} : (tensor<2x5x12xf32>) -> tensor<2x12x5xf32>
  %s = npu.matmul %a, %t : (tensor<2x5x12xf32>, tensor<2x12x5xf32>) -> tensor<2x5x5xf32>
  %r = npu.softmax %s {axis = 2 : i64} : tensor<2x5x5xf32>
  return %r : tensor<2x5x5xf32>
}

// -----

// Elementwise ops with broadcast operands of lower rank.
// CHECK-LABEL: func.func @elementwise
// CHECK: %[[C:.*]] = npu.constant dense<2.000000e+00> : tensor<4xf16>
// CHECK: %[[R:.*]] = npu.reshape %[[C]] : tensor<4xf16> to tensor<1x1x4xf16>
// CHECK: npuhw.shave "mul" %{{.*}}, %[[R]] : (tensor<2x3x4xf16>, tensor<1x1x4xf16>) -> tensor<2x3x4xf16>
// CHECK: npuhw.shave "sigmoid"
// CHECK: npuhw.shave "reduce_mean" %{{.*}} : (tensor<2x3x4xf16>) -> tensor<2x3x1xf16>
// CHECK: npu.reshape %{{.*}} : tensor<2x3x1xf16> to tensor<2x3xf16>
func.func @elementwise(%x: tensor<2x3x4xf32>) -> tensor<2x3xf32> {
  %c = npu.constant dense<2.0> : tensor<4xf32>
  %m = npu.mul %x, %c : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  %s = npu.sigmoid %m : tensor<2x3x4xf32>
  %r = npu.reduce_mean %s {axes = array<i64: 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// Mean-variance normalisation: the SHAVE mvn kernel normalises the last
// dimensions, so other axes are moved last (kept axes first) and back; the
// third integer parameter says where epsilon goes (1: added to the standard
// deviation, ONNX MeanVarianceNormalization; 0: inside the square root).
// CHECK-LABEL: func.func @mvn
// CHECK: %[[T:.*]] = npu.transpose %{{.*}} {perm = array<i64: 1, 0, 2, 3>} : (tensor<2x3x4x5xf16>) -> tensor<3x2x4x5xf16>
// CHECK: %[[N:.*]] = npuhw.shave "mvn" %[[T]] {fparams = array<f32: 9.99999971E-10>, iparams = array<i64: 1, 1, 1>} : (tensor<3x2x4x5xf16>) -> tensor<3x2x4x5xf16>
// CHECK: npu.transpose %[[N]] {perm = array<i64: 1, 0, 2, 3>} : (tensor<3x2x4x5xf16>) -> tensor<2x3x4x5xf16>
// CHECK-NOT: npu.transpose
// CHECK: npuhw.shave "mvn" %{{.*}} {fparams = array<f32: 9.99999974E-6>, iparams = array<i64: 1, 2, 0>} : (tensor<2x3x4x5xf16>) -> tensor<2x3x4x5xf16>
func.func @mvn(%x: tensor<2x3x4x5xf32>) -> (tensor<2x3x4x5xf32>, tensor<2x3x4x5xf32>) {
  %a = npu.mvn %x {axes = array<i64: 0, 2, 3>} : tensor<2x3x4x5xf32>
  %b = npu.mvn %x {axes = array<i64: 2, 3>, epsilon = 1.0e-5 : f32, eps_inside_sqrt} : tensor<2x3x4x5xf32>
  return %a, %b : tensor<2x3x4x5xf32>, tensor<2x3x4x5xf32>
}

// -----

// Resize by exactly output / input maps to the SHAVE kernel, whether the
// scale is an exact ratio (from ONNX sizes) or a float that is exactly it.
// CHECK-LABEL: func.func @resize
// CHECK: npuhw.shave "resize" %{{.*}} {iparams = array<i64: 0>} : (tensor<1x16x6x30xf16>) -> tensor<1x16x12x15xf16>
// CHECK: npuhw.shave "resize" %{{.*}} {iparams = array<i64: 1>} : (tensor<1x16x12x15xf16>) -> tensor<1x16x7x4xf16>
// Resize-10's nearest rounding (ceiling where a dimension shrinks): mode 2.
// CHECK: npuhw.shave "resize" %{{.*}} {iparams = array<i64: 2>} : (tensor<1x16x7x4xf16>) -> tensor<1x16x14x3xf16>
func.func @resize(%x: tensor<1x16x6x30xf32>) -> tensor<1x16x14x3xf32> {
  %a = npu.resize %x {mode = #npu.resize_mode<nearest>, coordinate_transformation_mode = #npu.coord_mode<asymmetric>, nearest_mode = #npu.nearest_mode<floor>, scales = array<f32: 1.0, 1.0, 2.0, 0.5>} : tensor<1x16x6x30xf32> to tensor<1x16x12x15xf32>
  %b = npu.resize %a {mode = #npu.resize_mode<linear>, coordinate_transformation_mode = #npu.coord_mode<half_pixel>, scale_ratios = array<i64: 1, 1, 7, 4, 1, 1, 12, 15>} : tensor<1x16x12x15xf32> to tensor<1x16x7x4xf32>
  %c = npu.resize %b {mode = #npu.resize_mode<nearest>, coordinate_transformation_mode = #npu.coord_mode<asymmetric>, nearest_mode = #npu.nearest_mode<simple>, scales = array<f32: 1.0, 1.0, 2.0, 0.75>} : tensor<1x16x7x4xf32> to tensor<1x16x14x3xf32>
  return %c : tensor<1x16x14x3xf32>
}

// -----

// ONNX's default nearest resize (half_pixel, round_prefer_floor), upsampling
// by whole factors, reads the input pixels floor mode reads: mode 0. So do
// round_prefer_ceil and tf_half_pixel_for_nn with floor. pytorch_half_pixel
// is half_pixel when no output dimension is 1: linear mode 1.
// CHECK-LABEL: func.func @resize_half_pixel
// CHECK: npuhw.shave "resize" %{{.*}} {iparams = array<i64: 0>} : (tensor<1x16x6x5xf16>) -> tensor<1x16x12x15xf16>
// CHECK: npuhw.shave "resize" %{{.*}} {iparams = array<i64: 0>} : (tensor<1x16x12x15xf16>) -> tensor<1x16x24x30xf16>
// CHECK: npuhw.shave "resize" %{{.*}} {iparams = array<i64: 0>} : (tensor<1x16x24x30xf16>) -> tensor<1x16x48x60xf16>
// CHECK: npuhw.shave "resize" %{{.*}} {iparams = array<i64: 1>} : (tensor<1x16x48x60xf16>) -> tensor<1x16x24x30xf16>
func.func @resize_half_pixel(%x: tensor<1x16x6x5xf32>) -> tensor<1x16x24x30xf32> {
  %a = npu.resize %x {mode = #npu.resize_mode<nearest>, coordinate_transformation_mode = #npu.coord_mode<half_pixel>, nearest_mode = #npu.nearest_mode<round_prefer_floor>, scales = array<f32: 1.0, 1.0, 2.0, 3.0>} : tensor<1x16x6x5xf32> to tensor<1x16x12x15xf32>
  %b = npu.resize %a {mode = #npu.resize_mode<nearest>, coordinate_transformation_mode = #npu.coord_mode<pytorch_half_pixel>, nearest_mode = #npu.nearest_mode<round_prefer_ceil>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : tensor<1x16x12x15xf32> to tensor<1x16x24x30xf32>
  %c = npu.resize %b {mode = #npu.resize_mode<nearest>, coordinate_transformation_mode = #npu.coord_mode<tf_half_pixel_for_nn>, nearest_mode = #npu.nearest_mode<floor>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : tensor<1x16x24x30xf32> to tensor<1x16x48x60xf32>
  %d = npu.resize %c {mode = #npu.resize_mode<linear>, coordinate_transformation_mode = #npu.coord_mode<pytorch_half_pixel>, scales = array<f32: 1.0, 1.0, 0.5, 0.5>} : tensor<1x16x48x60xf32> to tensor<1x16x24x30xf32>
  return %d : tensor<1x16x24x30xf32>
}

// -----

// pytorch_half_pixel samples an output dimension of 1 at input coordinate
// 0: the input's first row is sliced off, then resized (linear, mode 1)
// from 1 row to 1 (unchanged) and from 7 columns to 3.
// CHECK-LABEL: func.func @resize_pytorch_one_row
// CHECK: %[[S:.*]] = npu.slice %{{.*}} {starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : tensor<1x16x5x7xf16> to tensor<1x16x1x7xf16>
// CHECK: npuhw.shave "resize" %[[S]] {iparams = array<i64: 1>} : (tensor<1x16x1x7xf16>) -> tensor<1x16x1x3xf16>
func.func @resize_pytorch_one_row(%x: tensor<1x16x5x7xf32>) -> tensor<1x16x1x3xf32> {
  %r = npu.resize %x {mode = #npu.resize_mode<linear>, coordinate_transformation_mode = #npu.coord_mode<pytorch_half_pixel>, scale_ratios = array<i64: 1, 1, 1, 3, 1, 1, 5, 7>} : tensor<1x16x5x7xf32> to tensor<1x16x1x3xf32>
  return %r : tensor<1x16x1x3xf32>
}

// -----

// Cubic resizing: modes 6 (the half-pixel modes), 7 (align_corners) and 8
// (asymmetric), with cubic_coeff_a as the float parameter and
// exclude_outside as the second integer one.
// CHECK-LABEL: func.func @resize_cubic
// CHECK: npuhw.shave "resize" %{{.*}} {fparams = array<f32: -7.500000e-01>, iparams = array<i64: 6, 0>} : (tensor<1x16x6x5xf16>) -> tensor<1x16x12x10xf16>
// CHECK: npuhw.shave "resize" %{{.*}} {fparams = array<f32: -7.500000e-01>, iparams = array<i64: 7, 0>} : (tensor<1x16x12x10xf16>) -> tensor<1x16x7x9xf16>
// CHECK: npuhw.shave "resize" %{{.*}} {fparams = array<f32: -5.000000e-01>, iparams = array<i64: 8, 1>} : (tensor<1x16x7x9xf16>) -> tensor<1x16x14x18xf16>
func.func @resize_cubic(%x: tensor<1x16x6x5xf32>) -> tensor<1x16x14x18xf32> {
  %a = npu.resize %x {mode = #npu.resize_mode<cubic>, coordinate_transformation_mode = #npu.coord_mode<pytorch_half_pixel>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : tensor<1x16x6x5xf32> to tensor<1x16x12x10xf32>
  %b = npu.resize %a {mode = #npu.resize_mode<cubic>, coordinate_transformation_mode = #npu.coord_mode<align_corners>, scale_ratios = array<i64: 1, 1, 7, 9, 1, 1, 12, 10>} : tensor<1x16x12x10xf32> to tensor<1x16x7x9xf32>
  %c = npu.resize %b {mode = #npu.resize_mode<cubic>, coordinate_transformation_mode = #npu.coord_mode<asymmetric>, cubic_coeff_a = -5.000000e-01 : f32, exclude_outside = true, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : tensor<1x16x7x9xf32> to tensor<1x16x14x18xf32>
  return %c : tensor<1x16x14x18xf32>
}

// -----

// SiLU as exporters write it, x * sigmoid(x): one swish kernel. A sigmoid
// read elsewhere too stays a sigmoid kernel and a multiply.
// CHECK-LABEL: func.func @silu
// CHECK: npuhw.shave "swish"
// CHECK-NOT: npuhw.shave "mul"
// CHECK: return
// CHECK-LABEL: func.func @sigmoid_read_twice
// CHECK: npuhw.shave "sigmoid"
// CHECK: npuhw.shave "mul"
func.func @silu(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %s = npu.sigmoid %x : tensor<1x8x4x4xf32>
  %y = npu.mul %x, %s : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}
func.func @sigmoid_read_twice(%x: tensor<1x8x4x4xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) {
  %s = npu.sigmoid %x : tensor<1x8x4x4xf32>
  %y = npu.mul %x, %s : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %y, %s : tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>
}

// -----

// InstanceNormalization: the mvn kernel over the spatial axes (first axis
// 2), the per-channel scale and bias as [1, C, 1, 1].
// CHECK-LABEL: func.func @instance_norm
// CHECK: npuhw.shave "mvn" %{{.*}}, %{{.*}}, %{{.*}} {fparams = array<f32: 9.99999974E-6>, iparams = array<i64: 1, 2>} : (tensor<1x8x4x4xf16>, tensor<1x8x1x1xf16>, tensor<1x8x1x1xf16>) -> tensor<1x8x4x4xf16>
func.func @instance_norm(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %s = npu.constant dense<2.0> : tensor<8xf32>
  %b = npu.constant dense<0.5> : tensor<8xf32>
  %y = npu.instance_norm %x, %s, %b {epsilon = 1.0e-05 : f32} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}

// -----

// A split is one slice (strided DMA) per part.
// CHECK-LABEL: func.func @split_channels
// CHECK-NOT: npu.split
// CHECK: npu.slice %arg0 {starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : tensor<1x48x4x4xf16> to tensor<1x16x4x4xf16>
// CHECK: npu.slice %arg0 {starts = array<i64: 0, 16, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : tensor<1x48x4x4xf16> to tensor<1x32x4x4xf16>
func.func @split_channels(%x: tensor<1x48x4x4xf16>) -> (tensor<1x16x4x4xf16>, tensor<1x32x4x4xf16>) {
  %a, %b = npu.split %x {axis = 1 : i64} : tensor<1x48x4x4xf16> -> tensor<1x16x4x4xf16>, tensor<1x32x4x4xf16>
  return %a, %b : tensor<1x16x4x4xf16>, tensor<1x32x4x4xf16>
}

// -----

// An fp32 island (npu-fp32-islands): its ops run as f32 SHAVE kernels, its
// f32 constants stay f32, a value entering it is converted from f16 once,
// and its result is converted to f16 for the op after it.
// CHECK-LABEL: func.func @fp32_island
// CHECK: %[[X:.*]] = npuhw.shave "convert" %arg0 : (tensor<2x8xf32>) -> tensor<2x8xf16>
// CHECK: %[[A:.*]] = npuhw.shave "abs" %[[X]] : (tensor<2x8xf16>) -> tensor<2x8xf16>
// CHECK: %[[A32:.*]] = npuhw.shave "convert" %[[A]] : (tensor<2x8xf16>) -> tensor<2x8xf32>
// CHECK: %[[E:.*]] = npuhw.shave "mul" %[[A32]], %{{.*}} : (tensor<2x8xf32>, tensor<1x1xf32>) -> tensor<2x8xf32>
// CHECK: %[[Q:.*]] = npuhw.shave "mul" %[[E]], %[[E]] : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
// CHECK: %[[T:.*]] = npu.transpose %[[Q]] {perm = array<i64: 1, 0>} : (tensor<2x8xf32>) -> tensor<8x2xf32>
// CHECK: %[[R:.*]] = npuhw.shave "reduce_sum" %[[T]] : (tensor<8x2xf32>) -> tensor<8x1xf32>
// CHECK: %[[S:.*]] = npuhw.shave "sqrt" %{{.*}} : (tensor<8xf32>) -> tensor<8xf32>
// CHECK: %[[S16:.*]] = npuhw.shave "convert" %[[S]] : (tensor<8xf32>) -> tensor<8xf16>
// CHECK: npuhw.shave "neg" %[[S16]] : (tensor<8xf16>) -> tensor<8xf16>
func.func @fp32_island(%x: tensor<2x8xf32>) -> tensor<8xf32> {
  %k = npu.constant dense<256.0> : tensor<f32>
  %a = npu.abs %x : tensor<2x8xf32>
  %e = npu.mul %a, %k {npu.fp32} : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %q = npu.mul %e, %e {npu.fp32} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %t = npu.transpose %q {npu.fp32, perm = array<i64: 1, 0>} : (tensor<2x8xf32>) -> tensor<8x2xf32>
  %r = npu.reduce_sum %t {axes = array<i64: 1>, keepdims = false, npu.fp32} : (tensor<8x2xf32>) -> tensor<8xf32>
  %s = npu.sqrt %r {npu.fp32} : tensor<8xf32>
  %n = npu.neg %s : tensor<8xf32>
  return %n : tensor<8xf32>
}

// -----

// An island fed by an f32 graph input reads it as it is, and its f32 result
// is the graph's output as it is (no round trip through f16).
// CHECK-LABEL: func.func @fp32_island_from_input
// CHECK: %[[P:.*]] = npuhw.shave "pow" %arg0, %{{.*}} : (tensor<4x8xf32>, tensor<1x1xf32>) -> tensor<4x8xf32>
// CHECK: %[[R:.*]] = npuhw.shave "reduce_mean" %[[P]] : (tensor<4x8xf32>) -> tensor<4x1xf32>
// CHECK: %[[S:.*]] = npuhw.shave "sqrt" %[[R]] : (tensor<4x1xf32>) -> tensor<4x1xf32>
// CHECK-NEXT: return %[[S]] : tensor<4x1xf32>
func.func @fp32_island_from_input(%x: tensor<4x8xf32>) -> tensor<4x1xf32> {
  %two = npu.constant dense<2.0> : tensor<f32>
  %p = npu.pow %x, %two {npu.fp32} : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %r = npu.reduce_mean %p {axes = array<i64: 1>, npu.fp32} : (tensor<4x8xf32>) -> tensor<4x1xf32>
  %s = npu.sqrt %r {npu.fp32} : tensor<4x1xf32>
  return %s : tensor<4x1xf32>
}

// -----

// A gather with i32 indices that are a graph input (sequence_lens, token
// ids): the SHAVE gather kernel reads them as they are.
// CHECK-LABEL: func.func @gather_graph_indices
// CHECK: %[[T:.*]] = npu.constant {{.*}} : tensor<3x2xf16>
// CHECK: %[[G:.*]] = npuhw.shave "gather" %[[T]], %arg0 {iparams = array<i64: 0>} : (tensor<3x2xf16>, tensor<2xi32>) -> tensor<2x2xf16>
// CHECK: npuhw.shave "convert" %[[G]] : (tensor<2x2xf16>) -> tensor<2x2xf32>
func.func @gather_graph_indices(%len: tensor<2xi32>) -> tensor<2x2xf32> {
  %t = npu.constant dense<[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]> : tensor<3x2xf32>
  %m = npu.gather %t, %len {axis = 0 : i64} : (tensor<3x2xf32>, tensor<2xi32>) -> tensor<2x2xf32>
  return %m : tensor<2x2xf32>
}

// -----

// i64 token ids (Hugging Face exports), read by the kernel as they are,
// also through a narrowing npu.cast to i32 read only by gathers, which
// moves nothing.
// CHECK-LABEL: func.func @gather_i64_indices
// CHECK-NOT: npu.cast
// CHECK: npuhw.shave "gather" %{{.*}}, %arg0 {iparams = array<i64: 0>} : (tensor<3x2xf16>, tensor<2xi64>) -> tensor<2x2xf16>
// CHECK: npuhw.shave "gather" %{{.*}}, %arg0 {iparams = array<i64: 0>} : (tensor<3x2xf16>, tensor<2xi64>) -> tensor<2x2xf16>
func.func @gather_i64_indices(%ids: tensor<2xi64>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %t = npu.constant dense<[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]> : tensor<3x2xf32>
  %a = npu.gather %t, %ids {axis = 0 : i64} : (tensor<3x2xf32>, tensor<2xi64>) -> tensor<2x2xf32>
  %n = npu.cast %ids : tensor<2xi64> to tensor<2xi32>
  %b = npu.gather %t, %n {axis = 0 : i64} : (tensor<3x2xf32>, tensor<2xi32>) -> tensor<2x2xf32>
  return %a, %b : tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

// A hard-swish followed by a constant scale and shift (a learnable affine
// block) is one hswish kernel with fparams [scale, shift], computed in the
// DPU result's [H, W, C] layout.
// CHECK-LABEL: func.func @hswish_affine
// CHECK: %[[C:.*]] = npuhw.dpu_conv conv
// CHECK-NEXT: %[[Y:.*]] = npuhw.shave "hswish" %[[C]] {fparams = array<f32: 5.000000e-01, 2.500000e-01>} : (tensor<8x8x16xf16>) -> tensor<8x8x16xf16>
// CHECK-NOT: npuhw.shave "mul"
// CHECK-NOT: npuhw.shave "add"
func.func @hswish_affine(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %h = npu.hard_swish %c : tensor<1x16x8x8xf32>
  %s = npu.constant dense<0.5> : tensor<1xf32>
  %b = npu.constant dense<0.25> : tensor<1xf32>
  %m = npu.mul %h, %s : (tensor<1x16x8x8xf32>, tensor<1xf32>) -> tensor<1x16x8x8xf32>
  %y = npu.add %m, %b : (tensor<1x16x8x8xf32>, tensor<1xf32>) -> tensor<1x16x8x8xf32>
  return %y : tensor<1x16x8x8xf32>
}

// -----

// A float16 model (after npu-widen-float16): its f16 input is the device's
// f16 value, read without a "convert" kernel, and its f16 result is the
// kernel's output; the casts move nothing.
// CHECK-LABEL: func.func @float16_boundary
// CHECK-SAME: (%[[X:.*]]: tensor<1x8xf16>) -> tensor<1x8xf16>
// CHECK-NOT: "convert"
// CHECK: %[[S:.*]] = npuhw.shave "sigmoid" %[[X]] : (tensor<1x8xf16>) -> tensor<1x8xf16>
// CHECK-NEXT: return %[[S]] : tensor<1x8xf16>
func.func @float16_boundary(%x: tensor<1x8xf16>) -> tensor<1x8xf16> {
  %w = npu.cast %x : tensor<1x8xf16> to tensor<1x8xf32>
  %s = npu.sigmoid %w : tensor<1x8xf32>
  %h = npu.cast %s : tensor<1x8xf32> to tensor<1x8xf16>
  return %h : tensor<1x8xf16>
}

// -----

// LogSoftmax, Floor, Ceil, Round,
// Sign, Sin and Cos: SHAVE kernels of their own.
// CHECK-LABEL: func.func @log_softmax_and_rounding
// CHECK: npuhw.shave "log_softmax" %{{.*}} {iparams = array<i64: 2>}
// CHECK: npuhw.shave "floor"
// CHECK: npuhw.shave "ceil"
// CHECK: npuhw.shave "round"
// CHECK: npuhw.shave "sign"
// CHECK: npuhw.shave "sin"
// CHECK: npuhw.shave "cos"
func.func @log_softmax_and_rounding(%x: tensor<2x5x7xf32>) -> (tensor<2x5x7xf32>, tensor<2x5x7xf32>) {
  %l = npu.log_softmax %x {axis = 2 : i64} : tensor<2x5x7xf32>
  %f = npu.floor %x : tensor<2x5x7xf32>
  %c = npu.ceil %f : tensor<2x5x7xf32>
  %r = npu.round %c : tensor<2x5x7xf32>
  %s = npu.sign %r : tensor<2x5x7xf32>
  %n = npu.sin %s : tensor<2x5x7xf32>
  %o = npu.cos %n : tensor<2x5x7xf32>
  return %l, %o : tensor<2x5x7xf32>, tensor<2x5x7xf32>
}

// -----

// Attention masks built in the graph: an int64 mask input cast to float is
// converted as the user gave it; comparisons give f16 0 / 1 (the compare
// kernel's kind in iparams: 1 is <, 0 ==), Not compares with 0, And is the
// minimum of 0 / 1 values, a boolean constant is f16 0 / 1, and Where
// selects between float operands by them.
// CHECK-LABEL: func.func @masks
// CHECK: npuhw.shave "convert" %arg1 : (tensor<1x8xi64>) -> tensor<1x8xf16>
// CHECK: %[[LT:.*]] = npuhw.shave "compare" %{{.*}}, %{{.*}} {iparams = array<i64: 1>} : (tensor<1x4x8xf16>, tensor<1x1x8xf16>) -> tensor<1x4x8xf16>
// CHECK: %[[NOT:.*]] = npuhw.shave "compare" %[[LT]], %{{.*}} {iparams = array<i64: 0>}
// CHECK: %[[AND:.*]] = npuhw.shave "min" %[[NOT]], %{{.*}} : (tensor<1x4x8xf16>, tensor<1x4x8xf16>) -> tensor<1x4x8xf16>
// CHECK: npuhw.shave "where" %[[AND]], %{{.*}}, %{{.*}} : (tensor<1x4x8xf16>, tensor<1x4x8xf16>, tensor<1x1x1xf16>) -> tensor<1x4x8xf16>
func.func @masks(%s: tensor<1x4x8xf32>, %m: tensor<1x8xi64>) -> tensor<1x4x8xf32> {
  %mf = npu.cast %m : tensor<1x8xi64> to tensor<1x8xf32>
  %c = npu.less %s, %mf : (tensor<1x4x8xf32>, tensor<1x8xf32>) -> tensor<1x4x8xi1>
  %n = npu.not %c : tensor<1x4x8xi1>
  %k = npu.constant dense<[[[true, false, true, true, true, true, true, false], [true, true, true, true, true, true, true, true], [true, true, true, true, true, true, true, true], [false, true, true, true, true, true, true, true]]]> : tensor<1x4x8xi1>
  %a = npu.and %n, %k : (tensor<1x4x8xi1>, tensor<1x4x8xi1>) -> tensor<1x4x8xi1>
  %neg = npu.constant dense<-1.0e4> : tensor<f32>
  %w = npu.where %a, %s, %neg : (tensor<1x4x8xi1>, tensor<1x4x8xf32>, tensor<f32>) -> tensor<1x4x8xf32>
  return %w : tensor<1x4x8xf32>
}

// -----

// ArgMax / ArgMin: the index tensor with the axis kept (i64, as the op's
// result), reshaped when keepdims is false.
// CHECK-LABEL: func.func @arg_extremes
// CHECK: %[[I:.*]] = npuhw.shave "argmax" %{{.*}} {iparams = array<i64: 1, 0>} : (tensor<2x5x7xf16>) -> tensor<2x1x7xi64>
// CHECK: npu.reshape %[[I]] : tensor<2x1x7xi64> to tensor<2x7xi64>
// CHECK: npuhw.shave "argmin" %{{.*}} {iparams = array<i64: 2, 1>} : (tensor<2x5x7xf16>) -> tensor<2x5x1xi64>
func.func @arg_extremes(%x: tensor<2x5x7xf32>) -> (tensor<2x7xi64>, tensor<2x5x1xi64>) {
  %a = npu.argmax %x {axis = 1 : i64, keepdims = false} : (tensor<2x5x7xf32>) -> tensor<2x7xi64>
  %b = npu.argmin %x {axis = 2 : i64, select_last_index = true} : (tensor<2x5x7xf32>) -> tensor<2x5x1xi64>
  return %a, %b : tensor<2x7xi64>, tensor<2x5x1xi64>
}

// -----

// TopK: one kernel with two results, the values in f16 and the indices in
// the op's integer type; iparams [axis, k, largest, sorted].
// CHECK-LABEL: func.func @top_k
// CHECK: npuhw.shave "topk" %{{.*}} {iparams = array<i64: 1, 3, 0, 1>} : (tensor<2x5x7xf16>) -> (tensor<2x3x7xf16>, tensor<2x3x7xi64>)
func.func @top_k(%x: tensor<2x5x7xf32>) -> (tensor<2x3x7xf32>, tensor<2x3x7xi64>) {
  %v, %i = npu.topk %x {axis = 1 : i64, k = 3 : i64, largest = false} : (tensor<2x5x7xf32>) -> (tensor<2x3x7xf32>, tensor<2x3x7xi64>)
  return %v, %i : tensor<2x3x7xf32>, tensor<2x3x7xi64>
}

// -----

// A global average pool over more than the DPU's 11 x 11 window, of a
// convolution's result: the SHAVE reduction runs in the [H, W, Cp] layout
// the DPU wrote ([16, 16, 16] -> [1, 1, 16]), with no transposition to
// [1, C, H, W]; the pool's real channels are then sliced from it.
// CHECK-LABEL: func.func @global_avg_pool_hwc
// CHECK: %[[C:.*]] = npuhw.dpu_conv conv {{.*}} -> tensor<16x16x16xf16>
// CHECK-NOT: npu.transpose %[[C]]
// CHECK: npuhw.shave "reduce_mean" %[[C]] : (tensor<16x16x16xf16>) -> tensor<1x1x16xf16>
// CHECK-NOT: npuhw.shave "reduce_mean"
func.func @global_avg_pool_hwc(%x: tensor<1x8x16x16xf32>) -> tensor<1x8x1x1xf32> {
  %w = npu.constant dense<0.5> : tensor<8x8x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1}
      : (tensor<1x8x16x16xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x16x16xf32>
  %p = npu.global_avg_pool %c : (tensor<1x8x16x16xf32>) -> tensor<1x8x1x1xf32>
  return %p : tensor<1x8x1x1xf32>
}

// -----

// Nearest upsampling by whole factors of a map a DPU task wrote: every
// pixel repeated by concatenations in the [H, W, Cp] layout (DMA), with
// no SHAVE resize and no transposition to [1, C, H, W]: [4, 4, 16] seen as
// [4, 1, 4, 1, 16], 3 copies along W (doubled, then one more), 2 along H.
// CHECK-LABEL: func.func @upsample_hwc
// CHECK: %[[C:.*]] = npuhw.dpu_conv conv {{.*}} -> tensor<4x4x16xf16>
// CHECK-NOT: "resize"
// CHECK: %[[V:.*]] = npu.reshape %[[C]] : tensor<4x4x16xf16> to tensor<4x1x4x1x16xf16>
// CHECK: %[[D:.*]] = npu.concat %[[V]], %[[V]] {axis = 3 : i64} : {{.*}} -> tensor<4x1x4x2x16xf16>
// CHECK: %[[W:.*]] = npu.concat %[[V]], %[[D]] {axis = 3 : i64} : {{.*}} -> tensor<4x1x4x3x16xf16>
// CHECK: %[[H:.*]] = npu.concat %[[W]], %[[W]] {axis = 1 : i64} : {{.*}} -> tensor<4x2x4x3x16xf16>
// CHECK: %[[U:.*]] = npu.reshape %[[H]] : tensor<4x2x4x3x16xf16> to tensor<8x12x16xf16>
// CHECK: npuhw.dpu_conv conv %[[U]]
func.func @upsample_hwc(%x: tensor<1x16x4x4xf32>) -> tensor<1x16x8x12xf32> {
  %w = npu.constant dense<0.5> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1}
      : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x4x4xf32>
  %u = npu.resize %c {mode = #npu.resize_mode<nearest>, coordinate_transformation_mode = #npu.coord_mode<asymmetric>, nearest_mode = #npu.nearest_mode<floor>, scales = array<f32: 1.0, 1.0, 2.0, 3.0>} : tensor<1x16x4x4xf32> to tensor<1x16x8x12xf32>
  %d = npu.conv %u, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1}
      : (tensor<1x16x8x12xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x12xf32>
  return %d : tensor<1x16x8x12xf32>
}

// -----

// A concatenation along the channels of maps DPU tasks wrote: their real
// channels ([4, 4, 8] of each [4, 4, 16]) concatenated in the [H, W, C]
// layout, read there by the next convolution, with no transposition.
// CHECK-LABEL: func.func @concat_hwc
// CHECK: %[[A:.*]] = npuhw.dpu_conv conv {{.*}} -> tensor<4x4x16xf16>
// CHECK: %[[B:.*]] = npuhw.dpu_conv conv {{.*}} -> tensor<4x4x16xf16>
// CHECK-NOT: npu.transpose
// CHECK: %[[SA:.*]] = npu.slice %[[A]] {{.*}} to tensor<4x4x8xf16>
// CHECK: %[[SB:.*]] = npu.slice %[[B]] {{.*}} to tensor<4x4x8xf16>
// CHECK: %[[J:.*]] = npu.concat %[[SA]], %[[SB]] {axis = 2 : i64} : (tensor<4x4x8xf16>, tensor<4x4x8xf16>) -> tensor<4x4x16xf16>
// CHECK-NOT: npu.transpose
// CHECK: npuhw.dpu_conv conv %[[J]]
func.func @concat_hwc(%x: tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32> {
  %w = npu.constant dense<0.5> : tensor<8x16x1x1xf32>
  %w2 = npu.constant dense<0.25> : tensor<16x16x1x1xf32>
  %a = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1}
      : (tensor<1x16x4x4xf32>, tensor<8x16x1x1xf32>) -> tensor<1x8x4x4xf32>
  %b = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1}
      : (tensor<1x16x4x4xf32>, tensor<8x16x1x1xf32>) -> tensor<1x8x4x4xf32>
  %j = npu.concat %a, %b {axis = 1 : i64} : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x16x4x4xf32>
  %d = npu.conv %j, %w2 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1}
      : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x4x4xf32>
  return %d : tensor<1x16x4x4xf32>
}

// -----

// A one-channel map kept as [H, W, Cp] (a 1-channel convolution's result,
// upsampled in that layout) broadcast over another map's channels: it is
// taken compact, [H, W, 1], which the multiply broadcasts, not padded to
// 16 channels of which only the first would be right.
// CHECK-LABEL: func.func @broadcast_one_channel
// CHECK: %[[M:.*]] = npuhw.dpu_conv conv {{.*}} -> tensor<4x4x16xf16>
// CHECK: %[[U:.*]] = npu.reshape %{{.*}} to tensor<8x8x16xf16>
// CHECK: %[[S:.*]] = npu.slice %[[U]] {{.*}} : tensor<8x8x16xf16> to tensor<8x8x1xf16>
// CHECK: npuhw.shave "mul" %{{.*}}, %[[S]] : (tensor<8x8x16xf16>, tensor<8x8x1xf16>) -> tensor<8x8x16xf16>
func.func @broadcast_one_channel(%x: tensor<1x16x4x4xf32>, %y: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %w1 = npu.constant dense<0.5> : tensor<1x16x1x1xf32>
  %w = npu.constant dense<0.25> : tensor<16x16x1x1xf32>
  %m = npu.conv %x, %w1 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1}
      : (tensor<1x16x4x4xf32>, tensor<1x16x1x1xf32>) -> tensor<1x1x4x4xf32>
  %u = npu.resize %m {mode = #npu.resize_mode<nearest>, coordinate_transformation_mode = #npu.coord_mode<asymmetric>, nearest_mode = #npu.nearest_mode<floor>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : tensor<1x1x4x4xf32> to tensor<1x1x8x8xf32>
  %c = npu.conv %y, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %p = npu.mul %c, %u : (tensor<1x16x8x8xf32>, tensor<1x1x8x8xf32>) -> tensor<1x16x8x8xf32>
  return %p : tensor<1x16x8x8xf32>
}

// -----

// Two 2x2, stride-2 transposed convolutions in a row (a DBNet head): the
// second's 4 phases of each of the first's 4 phases are one 1x1
// convolution over the first's phase channels (16 -> 64 channels, then
// 64 -> 16, block diagonal), and the 16 phases are interleaved once, by 4;
// the first's own interleave at 8 x 8 is never made.
// CHECK-LABEL: func.func @transposed_conv_pair
// CHECK: %[[A:.*]] = npuhw.dpu_conv conv {{.*}}activation = #npuhw.activation<relu>{{.*}} -> tensor<4x4x64xf16>
// CHECK-NOT: tensor<8x8x16xf16>
// CHECK: %[[B:.*]] = npuhw.dpu_conv conv %[[A]], {{.*}} : (tensor<4x4x64xf16>, tensor<16x1x1x64xf16>, tensor<16x4xi32>) -> tensor<4x4x16xf16>
// CHECK: %[[R:.*]] = npu.reshape %[[B]] : tensor<4x4x16xf16> to tensor<4x4x4x4x1xf16>
// CHECK: %[[T:.*]] = npu.transpose %[[R]] {perm = array<i64: 0, 2, 1, 3, 4>}
// CHECK: npu.reshape %[[T]] : tensor<4x4x4x4x1xf16> to tensor<16x16x1xf16>
func.func @transposed_conv_pair(%x: tensor<1x16x4x4xf32>) -> tensor<1x1x16x16xf32> {
  %w1 = npu.constant dense<0.5> : tensor<16x16x2x2xf32>
  %b1 = npu.constant dense<0.25> : tensor<16xf32>
  %w2 = npu.constant dense<0.125> : tensor<16x1x2x2xf32>
  %b2 = npu.constant dense<-1.0> : tensor<1xf32>
  %a = npu.conv_transpose %x, %w1, %b1 {dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x16x4x4xf32>, tensor<16x16x2x2xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  %r = npu.relu %a : tensor<1x16x8x8xf32>
  %y = npu.conv_transpose %r, %w2, %b2 {dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x16x8x8xf32>, tensor<16x1x2x2xf32>, tensor<1xf32>) -> tensor<1x1x16x16xf32>
  return %y : tensor<1x1x16x16xf32>
}

// -----

// An elementwise op alone after a polyphase transposed convolution (a 4x4,
// stride-2, pad-1 upsampling, then tanh) runs on the phases before their
// interleave and crop, which it commutes with: code generation makes it
// the DPU task's SHAVE epilogue. SiLU's sigmoid (read with its input by a
// multiply) stays after the interleave, one swish kernel.
// CHECK-LABEL: func.func @transposed_conv_then_tanh
// CHECK: %[[Y:.*]] = npuhw.dpu_conv conv {{.*}} -> tensor<5x5x64xf16>
// CHECK-NEXT: %[[T:.*]] = npuhw.shave "tanh" %[[Y]] : (tensor<5x5x64xf16>) -> tensor<5x5x64xf16>
// CHECK-NEXT: npu.reshape %[[T]] : tensor<5x5x64xf16> to tensor<5x5x2x2x16xf16>
// CHECK-NOT: npuhw.shave "tanh"
// CHECK: return
func.func @transposed_conv_then_tanh(%x: tensor<1x16x4x4xf32>) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.125> : tensor<16x16x4x4xf32>
  %a = npu.conv_transpose %x, %w {dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x16x4x4xf32>, tensor<16x16x4x4xf32>) -> tensor<1x16x8x8xf32>
  %t = npu.tanh %a : tensor<1x16x8x8xf32>
  return %t : tensor<1x16x8x8xf32>
}

// CHECK-LABEL: func.func @transposed_conv_then_silu
// CHECK: %[[Y:.*]] = npuhw.dpu_conv conv {{.*}} -> tensor<5x5x64xf16>
// CHECK-NOT: npuhw.shave "sigmoid"
// CHECK: npuhw.shave "swish"
func.func @transposed_conv_then_silu(%x: tensor<1x16x4x4xf32>) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.125> : tensor<16x16x4x4xf32>
  %a = npu.conv_transpose %x, %w {dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x16x4x4xf32>, tensor<16x16x4x4xf32>) -> tensor<1x16x8x8xf32>
  %s = npu.sigmoid %a : tensor<1x16x8x8xf32>
  %m = npu.mul %a, %s : (tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  return %m : tensor<1x16x8x8xf32>
}

// -----

// Nearest upsampling by 2 under asymmetric coordinates with
// round_prefer_floor (x / 2 is q or q + 1/2, rounded down) reads floor's
// pixels: the resize kernel's floor mode.
// CHECK-LABEL: func.func @resize_asymmetric_prefer_floor_by_2
// CHECK: npuhw.shave "resize"
func.func @resize_asymmetric_prefer_floor_by_2(%x: tensor<1x16x4x4xf32>) -> tensor<1x16x8x8xf32> {
  %r = npu.resize %x {mode = #npu.resize_mode<nearest>, coordinate_transformation_mode = #npu.coord_mode<asymmetric>, nearest_mode = #npu.nearest_mode<round_prefer_floor>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : tensor<1x16x4x4xf32> to tensor<1x16x8x8xf32>
  return %r : tensor<1x16x8x8xf32>
}
