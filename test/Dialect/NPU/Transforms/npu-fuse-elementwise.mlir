// RUN: npu-opt %s -split-input-file -npu-fuse-elementwise | FileCheck %s

// Hard-swish as paddle2onnx writes it: add 3, clip [0, 6], mul, div 6.
// CHECK-LABEL: func.func @hard_swish_div
// CHECK-NEXT: %[[Y:.*]] = npu.hard_swish %arg0 : tensor<1x8x4x4xf32>
// CHECK-NEXT: return %[[Y]]
func.func @hard_swish_div(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %three = npu.constant dense<3.0> : tensor<f32>
  %six = npu.constant dense<6.0> : tensor<f32>
  %a = npu.add %x, %three : (tensor<1x8x4x4xf32>, tensor<f32>) -> tensor<1x8x4x4xf32>
  %r = npu.clip %a {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x8x4x4xf32>
  %m = npu.mul %x, %r : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %y = npu.div %m, %six : (tensor<1x8x4x4xf32>, tensor<f32>) -> tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}

// -----

// Operands swapped, times 1/6; and x * hard_sigmoid(x).
// CHECK-LABEL: func.func @hard_swish_forms
// CHECK-NEXT: %[[A:.*]] = npu.hard_swish %arg0
// CHECK-NEXT: %[[B:.*]] = npu.hard_swish %arg0
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @hard_swish_forms(%x: tensor<1x8x4x4xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) {
  %three = npu.constant dense<3.0> : tensor<1xf32>
  %sixth = npu.constant dense<0.166666672> : tensor<f32>
  %a = npu.add %three, %x : (tensor<1xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %r = npu.clip %a {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x8x4x4xf32>
  %m = npu.mul %r, %x : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %y = npu.mul %m, %sixth : (tensor<1x8x4x4xf32>, tensor<f32>) -> tensor<1x8x4x4xf32>
  %h = npu.hard_sigmoid %x {alpha = 0.166666672 : f32, beta = 5.000000e-01 : f32} : tensor<1x8x4x4xf32>
  %z = npu.mul %x, %h : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %y, %z : tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>
}

// -----

// Not hard-swish: another clip bound, another tensor multiplied, or
// hard_sigmoid's default alpha (0.2).
// CHECK-LABEL: func.func @not_hard_swish
// CHECK-NOT: npu.hard_swish
func.func @not_hard_swish(%x: tensor<1x8x4x4xf32>, %z: tensor<1x8x4x4xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) {
  %three = npu.constant dense<3.0> : tensor<f32>
  %six = npu.constant dense<6.0> : tensor<f32>
  %a = npu.add %x, %three : (tensor<1x8x4x4xf32>, tensor<f32>) -> tensor<1x8x4x4xf32>
  %r = npu.clip %a {min = 0.0 : f64, max = 5.0 : f64} : tensor<1x8x4x4xf32>
  %m = npu.mul %x, %r : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %y = npu.div %m, %six : (tensor<1x8x4x4xf32>, tensor<f32>) -> tensor<1x8x4x4xf32>
  %r6 = npu.clip %a {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x8x4x4xf32>
  %m2 = npu.mul %z, %r6 : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %y2 = npu.div %m2, %six : (tensor<1x8x4x4xf32>, tensor<f32>) -> tensor<1x8x4x4xf32>
  %h = npu.hard_sigmoid %x : tensor<1x8x4x4xf32>
  %y3 = npu.mul %x, %h : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %y, %y2, %y3 : tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>
}

// -----

// A scalar scale then a per-channel shift after a convolution fold into its
// weights and bias (the arithmetic on constants, for npu-fold-constants).
// CHECK-LABEL: func.func @affine_into_conv
// CHECK-DAG: %[[W:.*]] = npu.mul {{.*}} -> tensor<8x3x3x3xf32>
// CHECK-DAG: %[[B1:.*]] = npu.mul {{.*}} -> tensor<8xf32>
// CHECK-DAG: %[[B2:.*]] = npu.add %[[B1]], %{{.*}} : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
// CHECK: %[[C:.*]] = npu.conv %arg0, %[[W]], %[[B2]]
// CHECK-NEXT: return %[[C]]
func.func @affine_into_conv(%x: tensor<1x3x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %w = npu.constant dense<0.5> : tensor<8x3x3x3xf32>
  %b = npu.constant dense<0.1> : tensor<8xf32>
  %s = npu.constant dense<2.0> : tensor<f32>
  %t = npu.constant dense<1.0> : tensor<1x8x1x1xf32>
  %c = npu.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %m = npu.mul %c, %s : (tensor<1x8x8x8xf32>, tensor<f32>) -> tensor<1x8x8x8xf32>
  %y = npu.add %m, %t : (tensor<1x8x8x8xf32>, tensor<1x8x1x1xf32>) -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}

// -----

// Not folded: the convolution has another user, the constant varies over
// space, or the model is pre-quantized (its scales would no longer apply).
// CHECK-LABEL: func.func @not_into_conv
// CHECK: npu.conv
// CHECK-NEXT: npu.mul
// CHECK-NEXT: npu.conv
// CHECK-NEXT: npu.mul
// CHECK-NEXT: npu.conv
// CHECK-NEXT: npu.add
func.func @not_into_conv(%x: tensor<1x3x8x8xf32>) -> (tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>) {
  %w = npu.constant dense<0.5> : tensor<8x3x3x3xf32>
  %s = npu.constant dense<2.0> : tensor<f32>
  %sp = npu.constant dense<2.0> : tensor<1x1x8x8xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x8x8xf32>
  %m = npu.mul %c, %s : (tensor<1x8x8x8xf32>, tensor<f32>) -> tensor<1x8x8x8xf32>
  %c2 = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x8x8xf32>
  %m2 = npu.mul %c2, %sp : (tensor<1x8x8x8xf32>, tensor<1x1x8x8xf32>) -> tensor<1x8x8x8xf32>
  %c3 = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, npu.weight_scales = array<f32: 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0>} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x8x8xf32>
  %a3 = npu.add %c3, %s : (tensor<1x8x8x8xf32>, tensor<f32>) -> tensor<1x8x8x8xf32>
  return %m, %c, %m2, %a3 : tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>
}

// -----

// The exact GELU as exporters write it, one SHAVE kernel instead of five
// ops: (x * 0.5) * (1 + erf(x / sqrt(2))) (a BERT-style encoder),
// (x * (1 + erf(x * 1/sqrt(2)))) * 0.5 (PyTorch), x * ((1 + erf(..)) * 0.5)
// with sqrt(2) written as 1.4142, and as a model stored in float16 holds it
// (1.4140625, 1.5e-4 off).
// CHECK-LABEL: func.func @gelu_forms
// CHECK-DAG: %[[A:.*]] = npu.gelu %arg0 : tensor<1x16x64xf32>
// CHECK-DAG: %[[B:.*]] = npu.gelu %arg0 : tensor<1x16x64xf32>
// CHECK-DAG: %[[C:.*]] = npu.gelu %arg0 : tensor<1x16x64xf32>
// CHECK-DAG: %[[D:.*]] = npu.gelu %arg0 : tensor<1x16x64xf32>
// CHECK-NOT: npu.erf
// CHECK: return %[[A]], %[[B]], %[[C]], %[[D]]
func.func @gelu_forms(%x: tensor<1x16x64xf32>) -> (tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>) {
  %sqrt2 = npu.constant dense<1.41421354> : tensor<f32>
  %rsqrt2 = npu.constant dense<0.707106769> : tensor<f32>
  %one = npu.constant dense<1.0> : tensor<f32>
  %half = npu.constant dense<0.5> : tensor<f32>
  %d = npu.div %x, %sqrt2 : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %e = npu.erf %d : tensor<1x16x64xf32>
  %g = npu.add %e, %one : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %h = npu.mul %x, %half : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %a = npu.mul %h, %g : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %d2 = npu.mul %x, %rsqrt2 : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %e2 = npu.erf %d2 : tensor<1x16x64xf32>
  %g2 = npu.add %one, %e2 : (tensor<f32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %m2 = npu.mul %x, %g2 : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %b = npu.mul %m2, %half : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %sqrt2short = npu.constant dense<1.4142> : tensor<f32>
  %d3 = npu.div %x, %sqrt2short : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %e3 = npu.erf %d3 : tensor<1x16x64xf32>
  %g3 = npu.add %e3, %one : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %h3 = npu.mul %g3, %half : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %c = npu.mul %h3, %x : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %sqrt2half = npu.constant dense<1.4140625> : tensor<f32>
  %d4 = npu.div %x, %sqrt2half : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %e4 = npu.erf %d4 : tensor<1x16x64xf32>
  %g4 = npu.add %e4, %one : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %h4 = npu.mul %x, %half : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %f = npu.mul %h4, %g4 : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  return %a, %b, %c, %f : tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>
}

// -----

// GELU's tanh approximation as GPT-2's exports spell it (`gelu_new`):
// 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))), the cube as
// Pow(x, 3) or x * x * x, the constants to 5 digits -> one npu.gelu with
// approximate = tanh. Not when an intermediate is read elsewhere (%t4), nor
// with another coefficient (0.05).
// CHECK-LABEL: func.func @gelu_tanh_forms
// CHECK-DAG: %[[A:.*]] = npu.gelu %arg0 {approximate = #npu.gelu_approx<tanh>}
// CHECK-DAG: %[[B:.*]] = npu.gelu %arg0 {approximate = #npu.gelu_approx<tanh>}
// CHECK-DAG: %[[T4:.*]] = npu.tanh
// CHECK-DAG: %[[T5:.*]] = npu.tanh
// CHECK: return %[[A]], %[[B]], %{{.*}}, %[[T4]], %{{.*}}
func.func @gelu_tanh_forms(%x: tensor<1x16x64xf32>) -> (tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>) {
  %three = npu.constant dense<3.0> : tensor<f32>
  %k = npu.constant dense<0.044715> : tensor<f32>
  %s = npu.constant dense<0.797884583> : tensor<f32>
  %sshort = npu.constant dense<0.79788> : tensor<f32>
  %one = npu.constant dense<1.0> : tensor<f32>
  %half = npu.constant dense<0.5> : tensor<f32>
  %c1 = npu.pow %x, %three : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %k1 = npu.mul %k, %c1 : (tensor<f32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %i1 = npu.add %x, %k1 : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %a1 = npu.mul %s, %i1 : (tensor<f32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %t1 = npu.tanh %a1 : tensor<1x16x64xf32>
  %g1 = npu.add %one, %t1 : (tensor<f32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %h1 = npu.mul %half, %x : (tensor<f32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %a = npu.mul %h1, %g1 : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %sq = npu.mul %x, %x : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %c2 = npu.mul %x, %sq : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %k2 = npu.mul %c2, %k : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %i2 = npu.add %k2, %x : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %a2 = npu.mul %i2, %sshort : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %t2 = npu.tanh %a2 : tensor<1x16x64xf32>
  %g2 = npu.add %t2, %one : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %m2 = npu.mul %x, %g2 : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %b = npu.mul %m2, %half : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %c4 = npu.pow %x, %three : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %k4 = npu.mul %k, %c4 : (tensor<f32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %i4 = npu.add %x, %k4 : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %a4 = npu.mul %s, %i4 : (tensor<f32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %t4 = npu.tanh %a4 : tensor<1x16x64xf32>
  %g4 = npu.add %one, %t4 : (tensor<f32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %h4 = npu.mul %half, %x : (tensor<f32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %c = npu.mul %h4, %g4 : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %k05 = npu.constant dense<0.05> : tensor<f32>
  %c5 = npu.pow %x, %three : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %k5 = npu.mul %k05, %c5 : (tensor<f32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %i5 = npu.add %x, %k5 : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %a5 = npu.mul %s, %i5 : (tensor<f32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %t5 = npu.tanh %a5 : tensor<1x16x64xf32>
  %g5 = npu.add %one, %t5 : (tensor<f32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %h5 = npu.mul %half, %x : (tensor<f32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %e = npu.mul %h5, %g5 : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  return %a, %b, %c, %t4, %e : tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>
}

// -----

// Not GELU: another tensor gated, another scale inside erf, 0.25 outside.
// CHECK-LABEL: func.func @not_gelu
// CHECK-NOT: npu.gelu
func.func @not_gelu(%x: tensor<1x16x64xf32>, %z: tensor<1x16x64xf32>) -> (tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>) {
  %sqrt2 = npu.constant dense<1.41421354> : tensor<f32>
  %two = npu.constant dense<2.0> : tensor<f32>
  %one = npu.constant dense<1.0> : tensor<f32>
  %half = npu.constant dense<0.5> : tensor<f32>
  %quarter = npu.constant dense<0.25> : tensor<f32>
  %d = npu.div %x, %sqrt2 : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %e = npu.erf %d : tensor<1x16x64xf32>
  %g = npu.add %e, %one : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %hz = npu.mul %z, %half : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %a = npu.mul %hz, %g : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %d2 = npu.div %x, %two : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %e2 = npu.erf %d2 : tensor<1x16x64xf32>
  %g2 = npu.add %e2, %one : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %h2 = npu.mul %x, %half : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %b = npu.mul %h2, %g2 : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %h3 = npu.mul %x, %quarter : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %c = npu.mul %h3, %g : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  return %a, %b, %c : tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>
}

// -----

// An intermediate read elsewhere (here erf's result is also returned) keeps
// the chain: a fused kernel would run beside the ops it replaces.
// CHECK-LABEL: func.func @gelu_shared
// CHECK-NOT: npu.gelu
// CHECK: npu.erf
func.func @gelu_shared(%x: tensor<1x16x64xf32>) -> (tensor<1x16x64xf32>, tensor<1x16x64xf32>) {
  %sqrt2 = npu.constant dense<1.41421354> : tensor<f32>
  %one = npu.constant dense<1.0> : tensor<f32>
  %half = npu.constant dense<0.5> : tensor<f32>
  %d = npu.div %x, %sqrt2 : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %e = npu.erf %d : tensor<1x16x64xf32>
  %g = npu.add %e, %one : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %h = npu.mul %x, %half : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %a = npu.mul %h, %g : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  return %a, %e : tensor<1x16x64xf32>, tensor<1x16x64xf32>
}

// -----

// A zero pad of the spatial axes before a convolution (tf2onnx's "same"
// padding of a stride-2 convolution) becomes the convolution's padding,
// added to its own.
// CHECK-LABEL: func.func @pad_into_conv
// CHECK-NOT: npu.pad
// CHECK: npu.conv %arg0, %arg1 {dilations = array<i64: 1, 1>, pads = array<i64: 0, 1, 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x8x9x9xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x5x5xf32>
func.func @pad_into_conv(%x: tensor<1x8x9x9xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x16x5x5xf32> {
  %p = npu.pad %x {pads = array<i64: 0, 0, 0, 0, 0, 0, 1, 1>, mode = #npu.pad_mode<constant>} : (tensor<1x8x9x9xf32>) -> tensor<1x8x10x10xf32>
  %y = npu.conv %p, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>} : (tensor<1x8x10x10xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x5x5xf32>
  return %y : tensor<1x16x5x5xf32>
}

// Not folded: a pad of the channels, a non-zero fill, a reflection, and a
// pad that would make the convolution's padding as large as its kernel
// (the DPU pads less than the kernel; DMA moves the Pad instead).
// CHECK-LABEL: func.func @pad_kept
// CHECK-COUNT-4: npu.pad
func.func @pad_kept(%x: tensor<1x8x9x9xf32>, %w: tensor<16x16x3x3xf32>, %v: tensor<16x8x3x3xf32>) -> (tensor<1x16x7x7xf32>, tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>, tensor<1x16x13x13xf32>) {
  %a = npu.pad %x {pads = array<i64: 0, 8, 0, 0, 0, 0, 0, 0>, mode = #npu.pad_mode<constant>} : (tensor<1x8x9x9xf32>) -> tensor<1x16x9x9xf32>
  %ya = npu.conv %a, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x16x9x9xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x7x7xf32>
  %b = npu.pad %x {pads = array<i64: 0, 0, 1, 0, 0, 0, 0, 1>, mode = #npu.pad_mode<constant>, value = 1.0} : (tensor<1x8x9x9xf32>) -> tensor<1x8x10x10xf32>
  %yb = npu.conv %b, %v {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x8x10x10xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x8x8xf32>
  %c = npu.pad %x {pads = array<i64: 0, 0, 1, 0, 0, 0, 0, 1>, mode = #npu.pad_mode<reflect>} : (tensor<1x8x9x9xf32>) -> tensor<1x8x10x10xf32>
  %yc = npu.conv %c, %v {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x8x10x10xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x8x8xf32>
  %d = npu.pad %x {pads = array<i64: 0, 0, 2, 2, 0, 0, 2, 2>, mode = #npu.pad_mode<constant>} : (tensor<1x8x9x9xf32>) -> tensor<1x8x13x13xf32>
  %yd = npu.conv %d, %v {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x13x13xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x13x13xf32>
  return %ya, %yb, %yc, %yd : tensor<1x16x7x7xf32>, tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>, tensor<1x16x13x13xf32>
}

// The other way: a convolution padded by at least its kernel extent (a 1x1
// padded 1, PyTorch's Conv2d(k=1, padding=1); a 3x3 padded 3 / 2; a 3x3
// dilated by 2, extent 5, padded 6) keeps extent - 1 and reads a zero Pad
// of the rest.
// CHECK-LABEL: func.func @pad_outside_conv
// CHECK: %[[P1:.*]] = npu.pad %arg0 {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : (tensor<1x8x9x9xf32>) -> tensor<1x8x11x11xf32>
// CHECK: npu.conv %[[P1]], %{{.*}} {{.*}}pads = array<i64: 0, 0, 0, 0>
// CHECK: %[[P2:.*]] = npu.pad %arg0 {{.*}}pads = array<i64: 0, 0, 1, 0, 0, 0, 0, 1>{{.*}} -> tensor<1x8x10x10xf32>
// CHECK: npu.conv %[[P2]], %{{.*}} {{.*}}pads = array<i64: 2, 2, 2, 2>
// CHECK: %[[P3:.*]] = npu.pad %arg0 {{.*}}pads = array<i64: 0, 0, 2, 0, 0, 0, 0, 0>{{.*}} -> tensor<1x8x11x9xf32>
// CHECK: npu.conv %[[P3]], %{{.*}} {{.*}}pads = array<i64: 4, 0, 0, 0>
func.func @pad_outside_conv(%x: tensor<1x8x9x9xf32>, %w1: tensor<16x8x1x1xf32>, %w3: tensor<16x8x3x3xf32>) -> (tensor<1x16x11x11xf32>, tensor<1x16x12x12xf32>, tensor<1x16x11x5xf32>) {
  %a = npu.conv %x, %w1 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x9x9xf32>, tensor<16x8x1x1xf32>) -> tensor<1x16x11x11xf32> loc("c1")
  %b = npu.conv %x, %w3 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 3, 2, 2, 3>} : (tensor<1x8x9x9xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x12x12xf32>
  %c = npu.conv %x, %w3 {strides = array<i64: 1, 1>, dilations = array<i64: 2, 2>, pads = array<i64: 6, 0, 0, 0>} : (tensor<1x8x9x9xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x11x5xf32>
  return %a, %b, %c : tensor<1x16x11x11xf32>, tensor<1x16x12x12xf32>, tensor<1x16x11x5xf32>
}

// -----

// A transposed convolution takes a per-channel scale along its weights'
// output axis (1: [C, M, kh, kw]) and a constant shift into its bias (the
// DB head's bias add before its sigmoid).
// CHECK-LABEL: func.func @affine_into_conv_transpose
// CHECK: %[[W:.*]] = npu.mul %{{.*}}, %{{.*}} : (tensor<1x8x1x1xf32>, tensor<4x8x2x2xf32>) -> tensor<4x8x2x2xf32>
// CHECK: %[[B:.*]] = npu.add %{{.*}}, %{{.*}} : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
// CHECK: %[[T:.*]] = npu.conv_transpose %arg0, %[[W]], %[[B]] {
// CHECK-NEXT: return %[[T]]
func.func @affine_into_conv_transpose(%x: tensor<1x4x8x8xf32>) -> tensor<1x8x16x16xf32> {
  %w = npu.constant dense<0.5> : tensor<4x8x2x2xf32>
  %s = npu.constant dense<[[[[1.0]], [[2.0]], [[3.0]], [[4.0]], [[5.0]], [[6.0]], [[7.0]], [[8.0]]]]> : tensor<1x8x1x1xf32>
  %b = npu.constant dense<0.25> : tensor<1x8x1x1xf32>
  %t = npu.conv_transpose %x, %w {dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>, tensor<4x8x2x2xf32>) -> tensor<1x8x16x16xf32>
  %m = npu.mul %t, %s : (tensor<1x8x16x16xf32>, tensor<1x8x1x1xf32>) -> tensor<1x8x16x16xf32>
  %y = npu.add %m, %b : (tensor<1x8x16x16xf32>, tensor<1x8x1x1xf32>) -> tensor<1x8x16x16xf32>
  return %y : tensor<1x8x16x16xf32>
}

// -----

// x ^ 2 as x * x; another exponent stays a pow.
// CHECK-LABEL: func.func @square
// CHECK-NEXT: %[[C:.*]] = npu.constant dense<3.000000e+00>
// CHECK-NEXT: %[[S:.*]] = npu.mul %arg0, %arg0 : (tensor<1x40x120xf32>, tensor<1x40x120xf32>) -> tensor<1x40x120xf32>
// CHECK-NEXT: %[[P:.*]] = npu.pow %arg0, %[[C]]
// CHECK-NEXT: return %[[S]], %[[P]]
func.func @square(%x: tensor<1x40x120xf32>) -> (tensor<1x40x120xf32>, tensor<1x40x120xf32>) {
  %two = npu.constant dense<2.0> : tensor<f32>
  %three = npu.constant dense<3.0> : tensor<f32>
  %s = npu.pow %x, %two : (tensor<1x40x120xf32>, tensor<f32>) -> tensor<1x40x120xf32>
  %p = npu.pow %x, %three : (tensor<1x40x120xf32>, tensor<f32>) -> tensor<1x40x120xf32>
  return %s, %p : tensor<1x40x120xf32>, tensor<1x40x120xf32>
}

// -----

// An integer exponent 2 too (ONNX's Pow takes one for a float base).
// CHECK-LABEL: func.func @square_integer_exponent
// CHECK-NEXT: %[[S:.*]] = npu.mul %arg0, %arg0
// CHECK-NEXT: return %[[S]]
func.func @square_integer_exponent(%x: tensor<1x40x120xf32>) -> tensor<1x40x120xf32> {
  %two = npu.constant dense<2> : tensor<i64>
  %s = npu.pow %x, %two : (tensor<1x40x120xf32>, tensor<i64>) -> tensor<1x40x120xf32>
  return %s : tensor<1x40x120xf32>
}
