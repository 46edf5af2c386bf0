// RUN: npu-opt %s -split-input-file -npu-fold-qdq -verify-diagnostics | FileCheck %s

// An activation pair: removed; the argument takes the parameters with the
// uint8 zero point mapped to int8 exactly (3 - 128). Per-channel int8
// weights: the float constant, exact scales on the conv; the int32 bias
// folded.
// CHECK-LABEL: func.func @conv_qdq
// CHECK-SAME: npu.quant = array<f32: 1.000000e-01, -1.250000e+02>
// CHECK-NOT: quantize_linear
// CHECK-DAG: %[[W:.*]] = npu.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}5.000000e-01]]], {{\[}}{{\[}}{{\[}}-2.500000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = npu.constant dense<[1.000000e+00, -2.000000e+00]> : tensor<2xf32>
// CHECK: npu.conv %arg0, %[[W]], %[[B]] {{.*}}npu.weight_scales = array<f32: 5.000000e-01, 2.500000e-01>
func.func @conv_qdq(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %s = npu.constant dense<0.1> : tensor<f32>
  %z = npu.constant dense<3> : tensor<ui8>
  %q = npu.quantize_linear %x, %s, %z : (tensor<1x1x4x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x4x4xui8>
  %d = npu.dequantize_linear %q, %s, %z : (tensor<1x1x4x4xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x4x4xf32>
  %wq = npu.constant dense<[[[[1]]], [[[-10]]]]> : tensor<2x1x1x1xi8>
  %ws = npu.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %wz = npu.constant dense<0> : tensor<2xi8>
  %w = npu.dequantize_linear %wq, %ws, %wz {axis = 0 : i64} : (tensor<2x1x1x1xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x1x1xf32>
  %bq = npu.constant dense<[20, -80]> : tensor<2xi32>
  %bs = npu.constant dense<[0.05, 0.025]> : tensor<2xf32>
  %bz = npu.constant dense<0> : tensor<2xi32>
  %b = npu.dequantize_linear %bq, %bs, %bz {axis = 0 : i64} : (tensor<2xi32>, tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  %c = npu.conv %d, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %c : tensor<1x2x4x4xf32>
}

// -----

// The pair after a conv with the zero point at the type's minimum (a
// QOperator model's ReLU by saturation): an explicit ReLU; the conv, whose
// only user it is, takes the same parameters (the DPU task fuses it).
// CHECK-LABEL: func.func @relu_by_saturation
// CHECK: %[[C:.*]] = npu.conv {{.*}}npu.quant = array<f32: 2.000000e-01, -1.280000e+02>
// CHECK: %[[R:.*]] = npu.relu %[[C]] {npu.quant = array<f32: 2.000000e-01, -1.280000e+02>}
// CHECK: return %[[R]]
func.func @relu_by_saturation(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %w = npu.constant dense<1.0> : tensor<1x1x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
  %s = npu.constant dense<0.2> : tensor<f32>
  %z = npu.constant dense<0> : tensor<ui8>
  %q = npu.quantize_linear %c, %s, %z : (tensor<1x1x4x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x4x4xui8>
  %d = npu.dequantize_linear %q, %s, %z : (tensor<1x1x4x4xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x4x4xf32>
  return %d : tensor<1x1x4x4xf32>
}

// -----

// A max pool on the quantized tensor (QOperator): moved to float, its pair
// folded; it keeps the parameters.
// CHECK-LABEL: func.func @pool_of_quantized
// CHECK-SAME: npu.quant = array<f32: 5.000000e-01, 1.000000e+01>
// CHECK: %[[P:.*]] = npu.max_pool %arg0 {{.*}}npu.quant = array<f32: 5.000000e-01, 1.000000e+01>{{.*}} -> tensor<1x1x2x2xf32>
// CHECK-NOT: quantize_linear
// CHECK: return %[[P]]
func.func @pool_of_quantized(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %s = npu.constant dense<0.5> : tensor<f32>
  %z = npu.constant dense<10> : tensor<i8>
  %q = npu.quantize_linear %x, %s, %z : (tensor<1x1x4x4xf32>, tensor<f32>, tensor<i8>) -> tensor<1x1x4x4xi8>
  %p = npu.max_pool %q {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xi8>) -> tensor<1x1x2x2xi8>
  %d = npu.dequantize_linear %p, %s, %z : (tensor<1x1x2x2xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x2x2xf32>
  return %d : tensor<1x1x2x2xf32>
}

// -----

// What the device cannot represent is said, at the node, then calibrated:
// per-channel activation scales.
// CHECK-LABEL: func.func @per_channel_activation
// CHECK-NOT: npu.quant
// CHECK-NOT: quantize_linear
func.func @per_channel_activation(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %s = npu.constant dense<[0.1, 0.2]> : tensor<2xf32>
  %z = npu.constant dense<0> : tensor<2xi8>
  // expected-warning @+1 {{per-channel activation quantization (axis 1) cannot be represented (the DPU quantizes activations per tensor): the tensor's range is calibrated instead}}
  %q = npu.quantize_linear %x, %s, %z {axis = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xi8>) -> tensor<1x2x4x4xi8>
  %d = npu.dequantize_linear %q, %s, %z {axis = 1 : i64} : (tensor<1x2x4x4xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<1x2x4x4xf32>
  %y = npu.relu %d : tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Asymmetric uint8 weights (zero point 100, values up to 255): no exact
// int8 form; requantized.
// CHECK-LABEL: func.func @asymmetric_weights
// CHECK-NOT: npu.weight_scales
func.func @asymmetric_weights(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %wq = npu.constant dense<[[0, 255], [100, 101], [7, 9], [200, 3]]> : tensor<4x2xui8>
  %ws = npu.constant dense<0.01> : tensor<f32>
  %wz = npu.constant dense<100> : tensor<ui8>
  // expected-warning @+1 {{asymmetric weights (zero point 100): the device's weights are symmetric int8; requantized per output channel}}
  %w = npu.dequantize_linear %wq, %ws, %wz : (tensor<4x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<4x2xf32>
  %y = npu.matmul %x, %w : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Weights quantized along the input channels: the device's scales are per
// output channel.
// CHECK-LABEL: func.func @weights_other_axis
// CHECK-NOT: npu.weight_scales
func.func @weights_other_axis(%x: tensor<1x2x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %wq = npu.constant dense<[[[[1]], [[2]]]]> : tensor<1x2x1x1xi8>
  %ws = npu.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %wz = npu.constant dense<0> : tensor<2xi8>
  // expected-warning @+1 {{weights quantized along axis 1, not along the output channels (axis 0): the device's weight scales are per output channel; requantized}}
  %w = npu.dequantize_linear %wq, %ws, %wz {axis = 1 : i64} : (tensor<1x2x1x1xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<1x2x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %c : tensor<1x1x4x4xf32>
}

// -----

// A weight of -128 is clamped to the device's symmetric -127.
// CHECK-LABEL: func.func @weight_minus_128
// CHECK: npu.weight_scales = array<f32: 1.000000e-01, 1.000000e-01>
func.func @weight_minus_128(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %wq = npu.constant dense<[[-128, 5], [3, 127]]> : tensor<2x2xi8>
  %ws = npu.constant dense<0.1> : tensor<f32>
  %wz = npu.constant dense<0> : tensor<i8>
  // expected-warning @+1 {{1 weight value(s) of -128 are clamped to -127 (the device's symmetric weights)}}
  %w = npu.dequantize_linear %wq, %ws, %wz : (tensor<2x2xi8>, tensor<f32>, tensor<i8>) -> tensor<2x2xf32>
  %y = npu.matmul %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// One tensor quantized twice with different parameters: the first is kept.
// CHECK-LABEL: func.func @quantized_twice
// CHECK-SAME: npu.quant = array<f32: 1.000000e-01, 0.000000e+00>
func.func @quantized_twice(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %s1 = npu.constant dense<0.1> : tensor<f32>
  %s2 = npu.constant dense<0.2> : tensor<f32>
  %z = npu.constant dense<0> : tensor<i8>
  %q1 = npu.quantize_linear %x, %s1, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xi8>
  %d1 = npu.dequantize_linear %q1, %s1, %z : (tensor<4xi8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  // expected-warning @+1 {{the tensor is quantized twice, with scale 0.1 zero point 0 and here with scale 0.2 zero point 0: the first is used}}
  %q2 = npu.quantize_linear %x, %s2, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xi8>
  %d2 = npu.dequantize_linear %q2, %s2, %z : (tensor<4xi8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return %d1, %d2 : tensor<4xf32>, tensor<4xf32>
}
