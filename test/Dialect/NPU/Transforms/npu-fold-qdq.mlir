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
  // expected-warning @+1 {{1 weight value(s) of magnitude 128 are clamped to 127 (the device's symmetric weights)}}
  %w = npu.dequantize_linear %wq, %ws, %wz : (tensor<2x2xi8>, tensor<f32>, tensor<i8>) -> tensor<2x2xf32>
  %y = npu.matmul %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A negative weight scale (ONNX Runtime runs it): the float weights keep
// their signs, scale * q; the device's scale is its magnitude (its int8
// weights are -q). Found by a fresh user: the scale was passed on as it
// was, and the requantization of a negative product gave zeros.
// CHECK-LABEL: func.func @negative_weight_scale
// CHECK: %[[W:.*]] = npu.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}-5.000000e-01]]], {{\[}}{{\[}}{{\[}}-7.500000e-01]]]]> : tensor<2x1x1x1xf32>
// CHECK: npu.conv %arg0, %[[W]] {{.*}}npu.weight_scales = array<f32: 5.000000e-01, 2.500000e-01>
func.func @negative_weight_scale(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %wq = npu.constant dense<[[[[1]]], [[[3]]]]> : tensor<2x1x1x1xi8>
  %ws = npu.constant dense<[-0.5, -0.25]> : tensor<2xf32>
  %wz = npu.constant dense<0> : tensor<2xi8>
  %w = npu.dequantize_linear %wq, %ws, %wz {axis = 0 : i64} : (tensor<2x1x1x1xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %c : tensor<1x2x4x4xf32>
}

// -----

// A weight scale of 0 has no int8 weights to keep: requantized.
// CHECK-LABEL: func.func @zero_weight_scale
// CHECK-NOT: npu.weight_scales
func.func @zero_weight_scale(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %wq = npu.constant dense<[[1, 5], [3, 7]]> : tensor<2x2xi8>
  %ws = npu.constant dense<[0.0, 0.1]> : tensor<2xf32>
  %wz = npu.constant dense<0> : tensor<2xi8>
  // expected-warning @+1 {{weight scale 0 is not a finite non-zero number: requantized per output channel}}
  %w = npu.dequantize_linear %wq, %ws, %wz {axis = 1 : i64} : (tensor<2x2xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x2xf32>
  %y = npu.matmul %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// One graph input quantized twice with different parameters, both pairs
// returned: each pair's readers read a clip of it to the pair's range with
// the pair's parameters (no op would put the returned values on a grid);
// the input takes neither (its two readers see different grids).
// CHECK-LABEL: func.func @quantized_twice
// CHECK-NOT: {npu.quant
// CHECK: %[[A:.*]] = npu.clip %arg0 {max = 12.7{{[0-9]*}} : f64, min = -12.8{{[0-9]*}} : f64, npu.quant = array<f32: 1.000000e-01, 0.000000e+00>}
// CHECK: %[[B:.*]] = npu.clip %arg0 {max = 25.4{{[0-9]*}} : f64, min = -25.6{{[0-9]*}} : f64, npu.quant = array<f32: 2.000000e-01, 0.000000e+00>}
// CHECK: return %[[A]], %[[B]]
func.func @quantized_twice(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %s1 = npu.constant dense<0.1> : tensor<f32>
  %s2 = npu.constant dense<0.2> : tensor<f32>
  %z = npu.constant dense<0> : tensor<i8>
  %q1 = npu.quantize_linear %x, %s1, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xi8>
  %d1 = npu.dequantize_linear %q1, %s1, %z : (tensor<4xi8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  %q2 = npu.quantize_linear %x, %s2, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xi8>
  %d2 = npu.dequantize_linear %q2, %s2, %z : (tensor<4xi8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return %d1, %d2 : tensor<4xf32>, tensor<4xf32>
}

// -----

// A pair on a pair through an Identity (DQ(a) -> Identity -> Q(b)): the
// Identity goes, so the second pair requantizes instead of being folded
// away with it: a clip to both ranges with the second parameters.
// CHECK-LABEL: func.func @requantized_through_identity
// CHECK-SAME: npu.quant = array<f32: 1.000000e-01, 0.000000e+00>
// CHECK-NOT: npu.identity
// CHECK: %[[C:.*]] = npu.clip %arg0 {max = 12.7{{[0-9]*}} : f64, min = -12.8{{[0-9]*}} : f64, npu.quant = array<f32: 2.000000e-01, 0.000000e+00>}
// CHECK: return %[[C]]
func.func @requantized_through_identity(%x: tensor<4xf32>) -> tensor<4xf32> {
  %s1 = npu.constant dense<0.1> : tensor<f32>
  %s2 = npu.constant dense<0.2> : tensor<f32>
  %z = npu.constant dense<0> : tensor<i8>
  %q1 = npu.quantize_linear %x, %s1, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xi8>
  %d1 = npu.dequantize_linear %q1, %s1, %z : (tensor<4xi8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  %i = npu.identity %d1 : tensor<4xf32>
  %q2 = npu.quantize_linear %i, %s2, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xi8>
  %d2 = npu.dequantize_linear %q2, %s2, %z : (tensor<4xi8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return %d2 : tensor<4xf32>
}

// -----

// MatMulInteger after DynamicQuantizeLinear (its function body), as ONNX
// Runtime's quantize_dynamic writes it: the int32 product, cast to float and
// multiplied by x_scale * w_scale, is the float matmul of x and the
// dequantized weights, with their exact per-column scales; x has no
// parameters (it is calibrated) and the scale computation goes.
// CHECK-LABEL: func.func @matmul_integer_dynamic
// CHECK-NOT: reduce_
// CHECK-NOT: npu.quant
// CHECK-DAG: %[[W:.*]] = npu.constant dense<{{\[}}[5.000000e-01, -5.000000e-01], [1.000000e+00, 2.500000e-01]]> : tensor<2x2xf32>
// CHECK: %[[Y:.*]] = npu.matmul %arg0, %[[W]] {npu.weight_scales = array<f32: 5.000000e-01, 2.500000e-01>} : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
// CHECK: %[[B:.*]] = npu.add %[[Y]]
// CHECK: return %[[B]]
// CHECK-NOT: reduce_min
func.func @matmul_integer_dynamic(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %lo = npu.reduce_min %x {axes = array<i64: 0, 1>, keepdims = false} : (tensor<3x2xf32>) -> tensor<f32>
  %hi = npu.reduce_max %x {axes = array<i64: 0, 1>, keepdims = false} : (tensor<3x2xf32>) -> tensor<f32>
  %zero = npu.constant dense<0.0> : tensor<f32>
  %lo0 = npu.min %lo, %zero : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %hi0 = npu.max %hi, %zero : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %r = npu.sub %hi0, %lo0 : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %c255 = npu.constant dense<255.0> : tensor<f32>
  %s = npu.div %r, %c255 : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %m = npu.div %lo0, %s : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %i = npu.sub %zero, %m : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %cl = npu.clip %i {max = 2.550000e+02 : f64, min = 0.000000e+00 : f64} : tensor<f32>
  %rd = npu.round %cl : tensor<f32>
  %z = npu.cast %rd : tensor<f32> to tensor<ui8>
  %q = npu.quantize_linear %x, %s, %z : (tensor<3x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<3x2xui8>
  %q32 = npu.cast %q : tensor<3x2xui8> to tensor<3x2xi32>
  %z32 = npu.cast %z : tensor<ui8> to tensor<i32>
  %a = npu.sub %q32, %z32 : (tensor<3x2xi32>, tensor<i32>) -> tensor<3x2xi32>
  %wq = npu.constant dense<[[1, -2], [2, 1]]> : tensor<2x2xi8>
  %wz = npu.constant dense<0> : tensor<2xi8>
  %w32 = npu.cast %wq : tensor<2x2xi8> to tensor<2x2xi32>
  %wz32 = npu.cast %wz : tensor<2xi8> to tensor<2xi32>
  %w = npu.sub %w32, %wz32 : (tensor<2x2xi32>, tensor<2xi32>) -> tensor<2x2xi32>
  %p = npu.matmul %a, %w : (tensor<3x2xi32>, tensor<2x2xi32>) -> tensor<3x2xi32>
  %pf = npu.cast %p : tensor<3x2xi32> to tensor<3x2xf32>
  %ws = npu.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %sc = npu.mul %s, %ws : (tensor<f32>, tensor<2xf32>) -> tensor<2xf32>
  %y = npu.mul %pf, %sc : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %b = npu.constant dense<[0.1, 0.2]> : tensor<2xf32>
  %yb = npu.add %y, %b : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %yb : tensor<3x2xf32>
}

// -----

// ConvInteger of a QuantizeLinear with constant parameters, per-channel
// weight zero points and scales (the scales shaped [K, 1, 1] to broadcast
// over NCHW): x takes the model's parameters, the conv the weights' scales.
// CHECK-LABEL: func.func @conv_integer_static
// CHECK-SAME: npu.quant = array<f32: 1.000000e-01, -1.250000e+02>
// CHECK-NOT: quantize_linear
// CHECK: %[[W:.*]] = npu.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}5.000000e-01]]], {{\[}}{{\[}}{{\[}}-2.500000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK: %[[C:.*]] = npu.conv %arg0, %[[W]] {{.*}}npu.weight_scales = array<f32: 5.000000e-01, 2.500000e-01>{{.*}} -> tensor<1x2x4x4xf32>
// CHECK: return %[[C]]
func.func @conv_integer_static(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %s = npu.constant dense<0.1> : tensor<f32>
  %z = npu.constant dense<3> : tensor<ui8>
  %q = npu.quantize_linear %x, %s, %z : (tensor<1x1x4x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x4x4xui8>
  %q32 = npu.cast %q : tensor<1x1x4x4xui8> to tensor<1x1x4x4xi32>
  %z32 = npu.cast %z : tensor<ui8> to tensor<i32>
  %a = npu.sub %q32, %z32 : (tensor<1x1x4x4xi32>, tensor<i32>) -> tensor<1x1x4x4xi32>
  %wq = npu.constant dense<[[[[11]]], [[[-1]]]]> : tensor<2x1x1x1xi8>
  %wz = npu.constant dense<[10, 9]> : tensor<2xi8>
  %w32 = npu.cast %wq : tensor<2x1x1x1xi8> to tensor<2x1x1x1xi32>
  %wz32 = npu.cast %wz : tensor<2xi8> to tensor<2xi32>
  %wzr = npu.reshape %wz32 : tensor<2xi32> to tensor<2x1x1x1xi32>
  %w = npu.sub %w32, %wzr : (tensor<2x1x1x1xi32>, tensor<2x1x1x1xi32>) -> tensor<2x1x1x1xi32>
  %c = npu.conv %a, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x4x4xi32>, tensor<2x1x1x1xi32>) -> tensor<1x2x4x4xi32>
  %cf = npu.cast %c : tensor<1x2x4x4xi32> to tensor<1x2x4x4xf32>
  %ws = npu.constant dense<[[[0.5]], [[0.25]]]> : tensor<2x1x1xf32>
  %sc = npu.mul %s, %ws : (tensor<f32>, tensor<2x1x1xf32>) -> tensor<2x1x1xf32>
  %y = npu.mul %sc, %cf : (tensor<2x1x1xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// The scale product already folded into one constant, without zero points:
// the weights' scale is that constant over the activation's (0.05 / 0.1).
// uint8 weights far from their zero point are asymmetric: requantized, with
// the warning at the ConvInteger node.
// CHECK-LABEL: func.func @conv_integer_folded_scales
// CHECK-SAME: npu.quant = array<f32: 1.000000e-01, 0.000000e+00>
// CHECK: %[[W:.*]] = npu.constant dense<1.000000e+02> : tensor<1x1x1x1xf32>
// CHECK: npu.conv %arg0, %[[W]] {
// CHECK-NOT: npu.weight_scales
func.func @conv_integer_folded_scales(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %s = npu.constant dense<0.1> : tensor<f32>
  %z = npu.constant dense<0> : tensor<i8>
  %q = npu.quantize_linear %x, %s, %z : (tensor<1x1x4x4xf32>, tensor<f32>, tensor<i8>) -> tensor<1x1x4x4xi8>
  %a = npu.cast %q : tensor<1x1x4x4xi8> to tensor<1x1x4x4xi32>
  %wq = npu.constant dense<200> : tensor<1x1x1x1xui8>
  %w = npu.cast %wq : tensor<1x1x1x1xui8> to tensor<1x1x1x1xi32>
  // expected-warning @+1 {{asymmetric weights (zero point 0): the device's weights are symmetric int8; requantized per output channel}}
  %c = npu.conv %a, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x4x4xi32>, tensor<1x1x1x1xi32>) -> tensor<1x1x4x4xi32>
  %cf = npu.cast %c : tensor<1x1x4x4xi32> to tensor<1x1x4x4xf32>
  %sc = npu.constant dense<0.05> : tensor<f32>
  %y = npu.mul %cf, %sc : (tensor<1x1x4x4xf32>, tensor<f32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// Not the pattern, left as they are (the back end reports them): a product
// that is not scaled (its int32 output returned), and one scaled by a factor
// that varies along another axis than the output channels.
// CHECK-LABEL: func.func @integer_not_scaled
// CHECK: npu.quantize_linear
// CHECK: npu.matmul {{.*}} -> tensor<2x2xi32>
// CHECK: npu.matmul {{.*}} -> tensor<2x2xi32>
// CHECK-NOT: dequantize_linear
func.func @integer_not_scaled(%x: tensor<2x2xf32>) -> (tensor<2x2xi32>, tensor<2x2xf32>) {
  %s = npu.constant dense<0.1> : tensor<f32>
  %z = npu.constant dense<0> : tensor<i8>
  %q = npu.quantize_linear %x, %s, %z : (tensor<2x2xf32>, tensor<f32>, tensor<i8>) -> tensor<2x2xi8>
  %a = npu.cast %q : tensor<2x2xi8> to tensor<2x2xi32>
  %wq = npu.constant dense<1> : tensor<2x2xi8>
  %w = npu.cast %wq : tensor<2x2xi8> to tensor<2x2xi32>
  %p = npu.matmul %a, %w : (tensor<2x2xi32>, tensor<2x2xi32>) -> tensor<2x2xi32>
  %p2 = npu.matmul %a, %w : (tensor<2x2xi32>, tensor<2x2xi32>) -> tensor<2x2xi32>
  %pf = npu.cast %p2 : tensor<2x2xi32> to tensor<2x2xf32>
  %ws = npu.constant dense<[[0.5], [0.25]]> : tensor<2x1xf32>
  %sc = npu.mul %s, %ws : (tensor<f32>, tensor<2x1xf32>) -> tensor<2x1xf32>
  %y = npu.mul %pf, %sc : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x2xf32>
  return %p, %y : tensor<2x2xi32>, tensor<2x2xf32>
}

// -----

// A DynamicQuantizeLinear -> DequantizeLinear pair is x (calibrated); a
// scale that is also used elsewhere stays, computed in float.
// CHECK-LABEL: func.func @dynamic_pair
// CHECK-NOT: quantize_linear
// CHECK: %[[S:.*]] = npu.div
// CHECK: %[[R:.*]] = npu.relu %arg0
// CHECK: return %[[R]], %[[S]]
func.func @dynamic_pair(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<f32>) {
  %hi = npu.reduce_max %x {axes = array<i64: 0>, keepdims = false} : (tensor<4xf32>) -> tensor<f32>
  %c255 = npu.constant dense<255.0> : tensor<f32>
  %s = npu.div %hi, %c255 : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %z = npu.constant dense<0> : tensor<ui8>
  %q = npu.quantize_linear %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<ui8>) -> tensor<4xui8>
  %d = npu.dequantize_linear %q, %s, %z : (tensor<4xui8>, tensor<f32>, tensor<ui8>) -> tensor<4xf32>
  %r = npu.relu %d : tensor<4xf32>
  return %r, %s : tensor<4xf32>, tensor<f32>
}

// -----

// An activation scale that is not positive (ONNX Runtime runs a negative
// one): the pair goes, the tensor is calibrated, with a warning at the
// QuantizeLinear (found by a fresh user: an error at the next node naming an
// internal op).
// CHECK-LABEL: func.func @negative_activation_scale
// CHECK-NOT: npu.quant
// CHECK-NOT: quantize_linear
func.func @negative_activation_scale(%x: tensor<4xf32>) -> tensor<4xf32> {
  %s = npu.constant dense<-0.1> : tensor<f32>
  %z = npu.constant dense<0> : tensor<i8>
  // expected-warning @+1 {{activation scale -0.1 is not a positive finite number (the device's scales are positive): the tensor's range is calibrated instead}}
  %q = npu.quantize_linear %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xi8>
  %d = npu.dequantize_linear %q, %s, %z : (tensor<4xi8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// A NaN activation scale: the same (a NaN equals no number, not even
// itself, and the pair had stayed, computing NaN: a calibration error
// blamed the data; found by a fresh user).
// CHECK-LABEL: func.func @nan_activation_scale
// CHECK-NOT: npu.quant
// CHECK-NOT: quantize_linear
func.func @nan_activation_scale(%x: tensor<4xf32>) -> tensor<4xf32> {
  %s = npu.constant dense<0x7FC00000> : tensor<f32>
  %z = npu.constant dense<0> : tensor<i8>
  // expected-warning @+1 {{activation scale nan is not a positive finite number (the device's scales are positive): the tensor's range is calibrated instead}}
  %q = npu.quantize_linear %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xi8>
  %d = npu.dequantize_linear %q, %s, %z : (tensor<4xi8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// tf2onnx's NHWC input: its pair before the transpose to NCHW, none after.
// The transpose holds the same values: it takes the pair.
// CHECK-LABEL: func.func @nhwc_pair_before_transpose
// CHECK-SAME: npu.quant = array<f32: 1.000000e+00, -1.280000e+02>
// CHECK: npu.transpose %{{.*}} {npu.quant = array<f32: 1.000000e+00, -1.280000e+02>, perm = array<i64: 0, 3, 1, 2>}
func.func @nhwc_pair_before_transpose(%x: tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32> {
  %s = npu.constant dense<1.0> : tensor<f32>
  %z = npu.constant dense<0> : tensor<ui8>
  %q = npu.quantize_linear %x, %s, %z : (tensor<1x4x4x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x4x4x2xui8>
  %d = npu.dequantize_linear %q, %s, %z : (tensor<1x4x4x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x4x4x2xf32>
  %t = npu.transpose %d {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %r = npu.relu %t : tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}

// -----

// The other way: a graph input read only by a transpose whose pair follows
// it takes the pair (nothing is calibrated for it); one that is also
// returned does not.
// CHECK-LABEL: func.func @input_read_by_quantized_view
// CHECK-SAME: (%arg0: tensor<1x4x4x2xf32> {npu.quant = array<f32: 2.000000e-02, 0.000000e+00>}, %arg1: tensor<1x4x4x2xf32>)
func.func @input_read_by_quantized_view(%x: tensor<1x4x4x2xf32>, %x2: tensor<1x4x4x2xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x4x4x2xf32>) {
  %s = npu.constant dense<0.02> : tensor<f32>
  %z = npu.constant dense<0> : tensor<i8>
  %t = npu.transpose %x {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %q = npu.quantize_linear %t, %s, %z : (tensor<1x2x4x4xf32>, tensor<f32>, tensor<i8>) -> tensor<1x2x4x4xi8>
  %d = npu.dequantize_linear %q, %s, %z : (tensor<1x2x4x4xi8>, tensor<f32>, tensor<i8>) -> tensor<1x2x4x4xf32>
  %r = npu.relu %d : tensor<1x2x4x4xf32>
  %t2 = npu.transpose %x2 {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %q2 = npu.quantize_linear %t2, %s, %z : (tensor<1x2x4x4xf32>, tensor<f32>, tensor<i8>) -> tensor<1x2x4x4xi8>
  %d2 = npu.dequantize_linear %q2, %s, %z : (tensor<1x2x4x4xi8>, tensor<f32>, tensor<i8>) -> tensor<1x2x4x4xf32>
  %r2 = npu.relu %d2 : tensor<1x2x4x4xf32>
  return %r, %r2, %x2 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x4x4x2xf32>
}

// -----

// A transposed convolution's weights [C, M / group, kh, kw] are quantized
// along axis 1, its output channels: the conv_transpose keeps the model's
// scales, each group's in turn (found by a fresh user: they were dropped,
// and the int8 weights requantized from the float ones).
// CHECK-LABEL: func.func @conv_transpose_weights
// CHECK: npu.conv_transpose {{.*}}npu.weight_scales = array<f32: 5.000000e-01, 2.500000e-01, 5.000000e-01, 2.500000e-01>
func.func @conv_transpose_weights(%x: tensor<1x2x4x4xf32>) -> tensor<1x4x8x8xf32> {
  %wq = npu.constant dense<[[[[1, 2], [3, 4]], [[-1, -2], [-3, -4]]], [[[5, 6], [7, 8]], [[-5, -6], [-7, -8]]]]> : tensor<2x2x2x2xi8>
  %ws = npu.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %wz = npu.constant dense<0> : tensor<2xi8>
  %w = npu.dequantize_linear %wq, %ws, %wz {axis = 1 : i64} : (tensor<2x2x2x2xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x2x2x2xf32>
  %c = npu.conv_transpose %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 0, 0>, group = 2} : (tensor<1x2x4x4xf32>, tensor<2x2x2x2xf32>) -> tensor<1x4x8x8xf32>
  return %c : tensor<1x4x8x8xf32>
}

// -----

// Quantized along its input channels (axis 0): requantized, with a warning.
// CHECK-LABEL: func.func @conv_transpose_other_axis
// CHECK-NOT: npu.weight_scales
func.func @conv_transpose_other_axis(%x: tensor<1x2x4x4xf32>) -> tensor<1x1x8x8xf32> {
  %wq = npu.constant dense<[[[[1, 2], [3, 4]]], [[[5, 6], [7, 8]]]]> : tensor<2x1x2x2xi8>
  %ws = npu.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %wz = npu.constant dense<0> : tensor<2xi8>
  // expected-warning @+1 {{weights quantized along axis 0, not along the output channels (axis 1): the device's weight scales are per output channel; requantized}}
  %w = npu.dequantize_linear %wq, %ws, %wz {axis = 0 : i64} : (tensor<2x1x2x2xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x2x2xf32>
  %c = npu.conv_transpose %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 0, 0>} : (tensor<1x2x4x4xf32>, tensor<2x1x2x2xf32>) -> tensor<1x1x8x8xf32>
  return %c : tensor<1x1x8x8xf32>
}
