// RUN: npu-opt %s -split-input-file -npu-fuse-layer-norm -npu-fold-constants -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s

// paddle2onnx's LayerNorm: the square as pow, gamma and beta after it. One
// layer_norm, named by the last add.
// CHECK-LABEL: func.func @paddle
// CHECK-DAG: %[[B:.*]] = npu.constant dense<2.500000e-01> : tensor<120xf32>
// CHECK-DAG: %[[G:.*]] = npu.constant dense<5.000000e-01> : tensor<120xf32>
// CHECK: %[[Y:.*]] = npu.layer_norm %arg0, %[[G]], %[[B]] {axis = 2 : i64, epsilon = 9.99999997E-7 : f32} : (tensor<1x40x120xf32>, tensor<120xf32>, tensor<120xf32>) -> tensor<1x40x120xf32> loc("add1")
// CHECK-NEXT: return %[[Y]]
func.func @paddle(%x: tensor<1x40x120xf32>) -> tensor<1x40x120xf32> {
  %two = npu.constant dense<2.0> : tensor<f32>
  %eps = npu.constant dense<1.0e-6> : tensor<f32>
  %g = npu.constant dense<0.5> : tensor<120xf32>
  %b = npu.constant dense<0.25> : tensor<120xf32>
  %m = npu.reduce_mean %x {axes = array<i64: 2>} : (tensor<1x40x120xf32>) -> tensor<1x40x1xf32> loc("mean0")
  %d = npu.sub %x, %m : (tensor<1x40x120xf32>, tensor<1x40x1xf32>) -> tensor<1x40x120xf32> loc("sub0")
  %q = npu.pow %d, %two : (tensor<1x40x120xf32>, tensor<f32>) -> tensor<1x40x120xf32> loc("pow0")
  %v = npu.reduce_mean %q {axes = array<i64: 2>} : (tensor<1x40x120xf32>) -> tensor<1x40x1xf32> loc("mean2")
  %e = npu.add %v, %eps : (tensor<1x40x1xf32>, tensor<f32>) -> tensor<1x40x1xf32> loc("add0")
  %s = npu.sqrt %e : tensor<1x40x1xf32> loc("sqrt0")
  %n = npu.div %d, %s : (tensor<1x40x120xf32>, tensor<1x40x1xf32>) -> tensor<1x40x120xf32> loc("div0")
  %y = npu.mul %n, %g : (tensor<1x40x120xf32>, tensor<120xf32>) -> tensor<1x40x120xf32> loc("mul0")
  %z = npu.add %y, %b : (tensor<1x40x120xf32>, tensor<120xf32>) -> tensor<1x40x120xf32> loc("add1")
  return %z : tensor<1x40x120xf32>
}

// -----

// ONNX's function body of LayerNormalization: operands swapped, the square
// as a product, times the reciprocal of the deviation, over the last two
// axes; gamma as [1, 4, 8] (a leading 1), no beta, epsilon 0.
// CHECK-LABEL: func.func @reciprocal_two_axes
// CHECK: %[[G:.*]] = npu.constant dense<3.000000e+00> : tensor<4x8xf32>
// CHECK: %[[Y:.*]] = npu.layer_norm %arg0, %[[G]] {axis = 1 : i64, epsilon = 0.000000e+00 : f32} : (tensor<2x4x8xf32>, tensor<4x8xf32>) -> tensor<2x4x8xf32>
// CHECK-NEXT: return %[[Y]]
func.func @reciprocal_two_axes(%x: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %eps = npu.constant dense<0.0> : tensor<1xf32>
  %g = npu.constant dense<3.0> : tensor<1x4x8xf32>
  %m = npu.reduce_mean %x {axes = array<i64: 1, 2>} : (tensor<2x4x8xf32>) -> tensor<2x1x1xf32>
  %d = npu.sub %x, %m : (tensor<2x4x8xf32>, tensor<2x1x1xf32>) -> tensor<2x4x8xf32>
  %q = npu.mul %d, %d : (tensor<2x4x8xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %v = npu.reduce_mean %q {axes = array<i64: 1, 2>} : (tensor<2x4x8xf32>) -> tensor<2x1x1xf32>
  %e = npu.add %eps, %v : (tensor<1xf32>, tensor<2x1x1xf32>) -> tensor<2x1x1xf32>
  %s = npu.sqrt %e : tensor<2x1x1xf32>
  %r = npu.reciprocal %s : tensor<2x1x1xf32>
  %n = npu.mul %r, %d : (tensor<2x1x1xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %y = npu.mul %g, %n : (tensor<1x4x8xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}

// -----

// Not fused: the mean is read elsewhere.
// CHECK-LABEL: func.func @mean_read
// CHECK-NOT: npu.layer_norm
func.func @mean_read(%x: tensor<1x4x8xf32>) -> (tensor<1x4x8xf32>, tensor<1x4x1xf32>) {
  %eps = npu.constant dense<1.0e-5> : tensor<f32>
  %m = npu.reduce_mean %x {axes = array<i64: 2>} : (tensor<1x4x8xf32>) -> tensor<1x4x1xf32>
  %d = npu.sub %x, %m : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
  %q = npu.mul %d, %d : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  %v = npu.reduce_mean %q {axes = array<i64: 2>} : (tensor<1x4x8xf32>) -> tensor<1x4x1xf32>
  %e = npu.add %v, %eps : (tensor<1x4x1xf32>, tensor<f32>) -> tensor<1x4x1xf32>
  %s = npu.sqrt %e : tensor<1x4x1xf32>
  %n = npu.div %d, %s : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
  return %n, %m : tensor<1x4x8xf32>, tensor<1x4x1xf32>
}

// -----

// Means over a leading axis (ConvNeXt's and SAM's LayerNorm2d over the
// channels of NCHW): one mean-variance normalisation over that axis, with
// epsilon inside the square root.
// CHECK-LABEL: func.func @leading_axis
// CHECK-NOT: npu.layer_norm
// CHECK: %[[Y:.*]] = npu.mvn %arg0 {axes = array<i64: 1>, eps_inside_sqrt, epsilon = 9.99999974E-6 : f32} : tensor<1x4x8xf32>
// CHECK-NEXT: return %[[Y]]
func.func @leading_axis(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %eps = npu.constant dense<1.0e-5> : tensor<f32>
  %m = npu.reduce_mean %x {axes = array<i64: 1>} : (tensor<1x4x8xf32>) -> tensor<1x1x8xf32>
  %d = npu.sub %x, %m : (tensor<1x4x8xf32>, tensor<1x1x8xf32>) -> tensor<1x4x8xf32>
  %q = npu.mul %d, %d : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  %v = npu.reduce_mean %q {axes = array<i64: 1>} : (tensor<1x4x8xf32>) -> tensor<1x1x8xf32>
  %e = npu.add %v, %eps : (tensor<1x1x8xf32>, tensor<f32>) -> tensor<1x1x8xf32>
  %s = npu.sqrt %e : tensor<1x1x8xf32>
  %n = npu.div %d, %s : (tensor<1x4x8xf32>, tensor<1x1x8xf32>) -> tensor<1x4x8xf32>
  return %n : tensor<1x4x8xf32>
}

// -----

// Fused, but the scale varies along a kept axis ([4, 1]): it stays a
// multiply after the norm (whose own scale is one).
// CHECK-LABEL: func.func @scale_on_kept_axis
// CHECK: %[[N:.*]] = npu.layer_norm %arg0, %{{.*}} {axis = 2 : i64} : (tensor<1x4x8xf32>, tensor<1xf32>) -> tensor<1x4x8xf32>
// CHECK: %[[Y:.*]] = npu.mul %[[N]], %{{.*}} : (tensor<1x4x8xf32>, tensor<4x1xf32>)
// CHECK-NEXT: return %[[Y]]
func.func @scale_on_kept_axis(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %eps = npu.constant dense<1.0e-5> : tensor<f32>
  %g = npu.constant dense<[[1.0], [2.0], [3.0], [4.0]]> : tensor<4x1xf32>
  %m = npu.reduce_mean %x {axes = array<i64: 2>} : (tensor<1x4x8xf32>) -> tensor<1x4x1xf32>
  %d = npu.sub %x, %m : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
  %q = npu.mul %d, %d : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  %v = npu.reduce_mean %q {axes = array<i64: 2>} : (tensor<1x4x8xf32>) -> tensor<1x4x1xf32>
  %e = npu.add %v, %eps : (tensor<1x4x1xf32>, tensor<f32>) -> tensor<1x4x1xf32>
  %s = npu.sqrt %e : tensor<1x4x1xf32>
  %n = npu.div %d, %s : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
  %y = npu.mul %n, %g : (tensor<1x4x8xf32>, tensor<4x1xf32>) -> tensor<1x4x8xf32>
  return %y : tensor<1x4x8xf32>
}

// -----

// Not fused: the square is of another value than the centred one.
// CHECK-LABEL: func.func @other_square
// CHECK-NOT: npu.layer_norm
func.func @other_square(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %eps = npu.constant dense<1.0e-5> : tensor<f32>
  %m = npu.reduce_mean %x {axes = array<i64: 2>} : (tensor<1x4x8xf32>) -> tensor<1x4x1xf32>
  %d = npu.sub %x, %m : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
  %q = npu.mul %x, %x : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  %v = npu.reduce_mean %q {axes = array<i64: 2>} : (tensor<1x4x8xf32>) -> tensor<1x4x1xf32>
  %e = npu.add %v, %eps : (tensor<1x4x1xf32>, tensor<f32>) -> tensor<1x4x1xf32>
  %s = npu.sqrt %e : tensor<1x4x1xf32>
  %n = npu.div %d, %s : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
  return %n : tensor<1x4x8xf32>
}

// -----

// tf2onnx's form of Keras' LayerNormalization: x * k + (beta - mean * k)
// with k = gamma / sqrt(var + eps), operands in its order. One layer_norm
// with gamma and beta, named by the last add.
// CHECK-LABEL: func.func @tf2onnx
// CHECK-DAG: %[[B:.*]] = npu.constant dense<2.500000e-01> : tensor<8xf32>
// CHECK-DAG: %[[G:.*]] = npu.constant dense<5.000000e-01> : tensor<8xf32>
// CHECK: %[[Y:.*]] = npu.layer_norm %arg0, %[[G]], %[[B]] {axis = 2 : i64, epsilon = 1.000000e-03 : f32} : (tensor<1x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32> loc("out")
// CHECK-NEXT: return %[[Y]]
func.func @tf2onnx(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %eps = npu.constant dense<1.0e-3> : tensor<f32>
  %g = npu.constant dense<0.5> : tensor<8xf32>
  %b = npu.constant dense<0.25> : tensor<8xf32>
  %m = npu.reduce_mean %x {axes = array<i64: 2>} : (tensor<1x4x8xf32>) -> tensor<1x4x1xf32>
  %d = npu.sub %x, %m : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
  %q = npu.mul %d, %d : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  %v = npu.reduce_mean %q {axes = array<i64: 2>} : (tensor<1x4x8xf32>) -> tensor<1x4x1xf32>
  %e = npu.add %v, %eps : (tensor<1x4x1xf32>, tensor<f32>) -> tensor<1x4x1xf32>
  %s = npu.sqrt %e : tensor<1x4x1xf32>
  %r = npu.reciprocal %s : tensor<1x4x1xf32>
  %k = npu.mul %r, %g : (tensor<1x4x1xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  %xk = npu.mul %x, %k : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  %mk = npu.mul %m, %k : (tensor<1x4x1xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  %sh = npu.sub %b, %mk : (tensor<8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  %y = npu.add %xk, %sh : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32> loc("out")
  return %y : tensor<1x4x8xf32>
}

// -----

// tf2onnx's form without gamma (scale=False), the sum's operands swapped.
// CHECK-LABEL: func.func @tf2onnx_no_gamma
// CHECK: %[[Y:.*]] = npu.layer_norm %arg0, %{{.*}}, %{{.*}} {axis = 2 : i64, epsilon = 1.000000e-03 : f32} : (tensor<1x4x8xf32>, tensor<1xf32>, tensor<8xf32>)
// CHECK-NEXT: return %[[Y]]
func.func @tf2onnx_no_gamma(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %eps = npu.constant dense<1.0e-3> : tensor<f32>
  %b = npu.constant dense<0.25> : tensor<8xf32>
  %m = npu.reduce_mean %x {axes = array<i64: 2>} : (tensor<1x4x8xf32>) -> tensor<1x4x1xf32>
  %d = npu.sub %x, %m : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
  %q = npu.mul %d, %d : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  %v = npu.reduce_mean %q {axes = array<i64: 2>} : (tensor<1x4x8xf32>) -> tensor<1x4x1xf32>
  %e = npu.add %v, %eps : (tensor<1x4x1xf32>, tensor<f32>) -> tensor<1x4x1xf32>
  %s = npu.sqrt %e : tensor<1x4x1xf32>
  %r = npu.reciprocal %s : tensor<1x4x1xf32>
  %xk = npu.mul %r, %x : (tensor<1x4x1xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  %mk = npu.mul %m, %r : (tensor<1x4x1xf32>, tensor<1x4x1xf32>) -> tensor<1x4x1xf32>
  %sh = npu.sub %b, %mk : (tensor<8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
  %y = npu.add %sh, %xk : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  return %y : tensor<1x4x8xf32>
}

// -----

// Not fused: the deviation is sqrt(var) + eps (epsilon outside the root,
// other arithmetic).
// CHECK-LABEL: func.func @epsilon_outside
// CHECK-NOT: npu.layer_norm
func.func @epsilon_outside(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %eps = npu.constant dense<1.0e-5> : tensor<f32>
  %m = npu.reduce_mean %x {axes = array<i64: 2>} : (tensor<1x4x8xf32>) -> tensor<1x4x1xf32>
  %d = npu.sub %x, %m : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
  %q = npu.mul %d, %d : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  %v = npu.reduce_mean %q {axes = array<i64: 2>} : (tensor<1x4x8xf32>) -> tensor<1x4x1xf32>
  %s = npu.sqrt %v : tensor<1x4x1xf32>
  %e = npu.add %s, %eps : (tensor<1x4x1xf32>, tensor<f32>) -> tensor<1x4x1xf32>
  %n = npu.div %d, %e : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
  return %n : tensor<1x4x8xf32>
}

// -----

// The square as pow with an integer exponent (ONNX's Pow takes one).
// CHECK-LABEL: func.func @integer_exponent
// CHECK: npu.layer_norm %arg0
// CHECK-NOT: npu.pow
func.func @integer_exponent(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %two = npu.constant dense<2> : tensor<i64>
  %eps = npu.constant dense<1.0e-5> : tensor<f32>
  %m = npu.reduce_mean %x {axes = array<i64: 2>} : (tensor<1x4x8xf32>) -> tensor<1x4x1xf32>
  %d = npu.sub %x, %m : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
  %q = npu.pow %d, %two : (tensor<1x4x8xf32>, tensor<i64>) -> tensor<1x4x8xf32>
  %v = npu.reduce_mean %q {axes = array<i64: 2>} : (tensor<1x4x8xf32>) -> tensor<1x4x1xf32>
  %e = npu.add %v, %eps : (tensor<1x4x1xf32>, tensor<f32>) -> tensor<1x4x1xf32>
  %s = npu.sqrt %e : tensor<1x4x1xf32>
  %n = npu.div %d, %s : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
  return %n : tensor<1x4x8xf32>
}

// -----

// Not fused: float64 (each node then reports its type).
// CHECK-LABEL: func.func @float64
// CHECK-NOT: npu.layer_norm
func.func @float64(%x: tensor<1x4x8xf64>) -> tensor<1x4x8xf64> {
  %eps = npu.constant dense<1.0e-5> : tensor<f64>
  %m = npu.reduce_mean %x {axes = array<i64: 2>} : (tensor<1x4x8xf64>) -> tensor<1x4x1xf64>
  %d = npu.sub %x, %m : (tensor<1x4x8xf64>, tensor<1x4x1xf64>) -> tensor<1x4x8xf64>
  %q = npu.mul %d, %d : (tensor<1x4x8xf64>, tensor<1x4x8xf64>) -> tensor<1x4x8xf64>
  %v = npu.reduce_mean %q {axes = array<i64: 2>} : (tensor<1x4x8xf64>) -> tensor<1x4x1xf64>
  %e = npu.add %v, %eps : (tensor<1x4x1xf64>, tensor<f64>) -> tensor<1x4x1xf64>
  %s = npu.sqrt %e : tensor<1x4x1xf64>
  %n = npu.div %d, %s : (tensor<1x4x8xf64>, tensor<1x4x1xf64>) -> tensor<1x4x8xf64>
  return %n : tensor<1x4x8xf64>
}
