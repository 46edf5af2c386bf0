// RUN: npu-opt %s -split-input-file -npu-fp32-islands | FileCheck %s

// A log-mel power spectrum of a computed signal: the squares, the filter
// bank and the log are fp32; the convolution's weights (largest per-output
// |w| sum 8: bound 65504 x 8) are scaled by 2^-3 and the island starts with
// a multiply by 8. What follows the log stays as it was.
// CHECK-LABEL: func.func @power_spectrum
// CHECK-NOT: dense<5.000000e-01>
// CHECK: %[[W:.*]] = npu.constant dense<6.250000e-02> : tensor<8x1x16xf32>
// CHECK: %[[S:.*]] = npu.conv %{{.*}}, %[[W]] {
// CHECK-NOT: npu.fp32
// CHECK: %[[T:.*]] = npu.transpose %[[S]] {perm
// CHECK-NOT: npu.fp32
// CHECK: %[[K:.*]] = npu.constant dense<8.000000e+00> : tensor<f32>
// CHECK: %[[E:.*]] = npu.mul %[[T]], %[[K]] {npu.fp32}
// CHECK: %[[P:.*]] = npu.pow %[[E]], %{{.*}} {npu.fp32}
// CHECK: %[[M:.*]] = npu.matmul %[[P]], %{{.*}} {npu.fp32}
// CHECK: %[[C:.*]] = npu.clip %[[M]] {min = 1.000000e-10 : f64, npu.fp32}
// CHECK: %[[L:.*]] = npu.log %[[C]] {npu.fp32}
// CHECK: npu.mul %[[L]], %{{.*}} : (tensor<1x4x3xf32>, tensor<f32>)
func.func @power_spectrum(%in: tensor<1x1x64xf32>) -> tensor<1x4x3xf32> {
  %x = npu.relu %in : tensor<1x1x64xf32>
  %w = npu.constant dense<0.5> : tensor<8x1x16xf32>
  %two = npu.constant dense<2.0> : tensor<f32>
  %mel = npu.constant dense<0.25> : tensor<8x3xf32>
  %ten = npu.constant dense<10.0> : tensor<f32>
  %s = npu.conv %x, %w {strides = array<i64: 16>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<1x1x64xf32>, tensor<8x1x16xf32>) -> tensor<1x8x4xf32>
  %t = npu.transpose %s {perm = array<i64: 0, 2, 1>} : (tensor<1x8x4xf32>) -> tensor<1x4x8xf32>
  %p = npu.pow %t, %two : (tensor<1x4x8xf32>, tensor<f32>) -> tensor<1x4x8xf32>
  %m = npu.matmul %p, %mel : (tensor<1x4x8xf32>, tensor<8x3xf32>) -> tensor<1x4x3xf32>
  %c = npu.clip %m {min = 1.0e-10 : f64} : tensor<1x4x3xf32>
  %l = npu.log %c : tensor<1x4x3xf32>
  %y = npu.mul %l, %ten : (tensor<1x4x3xf32>, tensor<f32>) -> tensor<1x4x3xf32>
  return %y : tensor<1x4x3xf32>
}

// -----

// A matmul producer with a bias-free constant right operand, squared by a
// multiply with itself, summed and square-rooted: its columns' |w| sums
// are 4 x 64 = 256, so a shift of 8.
// CHECK-LABEL: func.func @l2_norm_of_matmul
// CHECK: %[[W:.*]] = npu.constant dense<2.500000e-01> : tensor<4x6xf32>
// CHECK: %[[A:.*]] = npu.matmul %arg0, %[[W]] :
// CHECK: %[[K:.*]] = npu.constant dense<2.560000e+02> : tensor<f32>
// CHECK: %[[E:.*]] = npu.mul %[[A]], %[[K]] {npu.fp32}
// CHECK: %[[Q:.*]] = npu.mul %[[E]], %[[E]] {npu.fp32}
// CHECK: %[[R:.*]] = npu.reduce_sum %[[Q]] {axes = array<i64: 1>, npu.fp32}
// CHECK: npu.sqrt %[[R]] {npu.fp32}
func.func @l2_norm_of_matmul(%x: tensor<2x4xf32>) -> tensor<2x1xf32> {
  %w = npu.constant dense<64.0> : tensor<4x6xf32>
  %a = npu.matmul %x, %w : (tensor<2x4xf32>, tensor<4x6xf32>) -> tensor<2x6xf32>
  %q = npu.mul %a, %a : (tensor<2x6xf32>, tensor<2x6xf32>) -> tensor<2x6xf32>
  %r = npu.reduce_sum %q {axes = array<i64: 1>, keepdims = true} : (tensor<2x6xf32>) -> tensor<2x1xf32>
  %n = npu.sqrt %r : tensor<2x1xf32>
  return %n : tensor<2x1xf32>
}

// -----

// A decomposed layer normalisation: the variance (square, mean, epsilon)
// and its square root are fp32; the centred value has another user, so
// nothing is scaled, and the division stays fp16.
// CHECK-LABEL: func.func @layer_norm_variance
// CHECK: %[[D:.*]] = npu.sub %arg0, %{{.*}} : (
// CHECK: %[[P:.*]] = npu.pow %[[D]], %{{.*}} {npu.fp32}
// CHECK: %[[V:.*]] = npu.reduce_mean %[[P]] {{.*}}npu.fp32
// CHECK: %[[A:.*]] = npu.add %[[V]], %{{.*}} {npu.fp32}
// CHECK: %[[S:.*]] = npu.sqrt %[[A]] {npu.fp32}
// CHECK: npu.div %[[D]], %[[S]] : (
func.func @layer_norm_variance(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %two = npu.constant dense<2.0> : tensor<f32>
  %eps = npu.constant dense<1.0e-5> : tensor<f32>
  %mean = npu.reduce_mean %x {axes = array<i64: 2>, keepdims = true} : (tensor<1x4x8xf32>) -> tensor<1x4x1xf32>
  %d = npu.sub %x, %mean : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
  %p = npu.pow %d, %two : (tensor<1x4x8xf32>, tensor<f32>) -> tensor<1x4x8xf32>
  %v = npu.reduce_mean %p {axes = array<i64: 2>, keepdims = true} : (tensor<1x4x8xf32>) -> tensor<1x4x1xf32>
  %a = npu.add %v, %eps : (tensor<1x4x1xf32>, tensor<f32>) -> tensor<1x4x1xf32>
  %s = npu.sqrt %a : tensor<1x4x1xf32>
  %y = npu.div %d, %s : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32>
  return %y : tensor<1x4x8xf32>
}

// -----

// Weights whose output cannot exceed fp16 (|w| sum 1) are left alone; a
// convolution output with another user is never scaled.
// CHECK-LABEL: func.func @no_scaling
// CHECK-NOT: npu.mul
// CHECK-DAG: %[[SMALL:.*]] = npu.constant dense<6.250000e-02>
// CHECK-DAG: %[[BIG:.*]] = npu.constant dense<5.000000e-01>
// CHECK: %[[S:.*]] = npu.conv %[[X:.*]], %[[SMALL]] {
// CHECK: npu.pow %[[S]], %{{.*}} {npu.fp32}
// CHECK: %[[U:.*]] = npu.conv %[[X]], %[[BIG]] {
// CHECK: npu.pow %[[U]], %{{.*}} {npu.fp32}
// CHECK: npu.relu %[[U]] :
// CHECK-NOT: npu.mul
func.func @no_scaling(%in: tensor<1x1x64xf32>) -> (tensor<1x8x4xf32>, tensor<1x8x4xf32>, tensor<1x8x4xf32>) {
  %x = npu.relu %in : tensor<1x1x64xf32>
  %small = npu.constant dense<0.0625> : tensor<8x1x16xf32>
  %big = npu.constant dense<0.5> : tensor<8x1x16xf32>
  %two = npu.constant dense<2.0> : tensor<f32>
  %s = npu.conv %x, %small {strides = array<i64: 16>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<1x1x64xf32>, tensor<8x1x16xf32>) -> tensor<1x8x4xf32>
  %p = npu.pow %s, %two : (tensor<1x8x4xf32>, tensor<f32>) -> tensor<1x8x4xf32>
  %l = npu.log %p : tensor<1x8x4xf32>
  %u = npu.conv %x, %big {strides = array<i64: 16>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<1x1x64xf32>, tensor<8x1x16xf32>) -> tensor<1x8x4xf32>
  %q = npu.pow %u, %two : (tensor<1x8x4xf32>, tensor<f32>) -> tensor<1x8x4xf32>
  %m = npu.log %q : tensor<1x8x4xf32>
  %r = npu.relu %u : tensor<1x8x4xf32>
  return %l, %m, %r : tensor<1x8x4xf32>, tensor<1x8x4xf32>, tensor<1x8x4xf32>
}

// -----

// No squaring before the log, or a power that is not a square: nothing is
// marked.
// CHECK-LABEL: func.func @no_island
// CHECK-NOT: npu.fp32
func.func @no_island(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %half = npu.constant dense<0.5> : tensor<f32>
  %s = npu.sigmoid %x : tensor<4xf32>
  %l = npu.log %s : tensor<4xf32>
  %r = npu.pow %x, %half : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %q = npu.sqrt %r : tensor<4xf32>
  return %l, %q : tensor<4xf32>, tensor<4xf32>
}

// -----

// A framing convolution of the raw input (through a reshape; one input
// channel, kernel 40, stride 16, bias) joins the island as fp32 matmuls:
// the 80 samples as 5 rows of 16, and for each of the ceil(40 / 16) = 3 row
// offsets, rows [j, j + 3) times weights [16 j, 16 j + 16) (the last 8 rows
// zero), summed, plus the bias, transposed to [N, M, T]. No scaling.
// CHECK-LABEL: func.func @framing_conv
// CHECK-NOT: npu.conv
// CHECK: %[[X:.*]] = npu.reshape %arg0 {npu.fp32} : tensor<1x80xf32> to tensor<1x80xf32>
// CHECK: %[[B:.*]] = npu.reshape %[[X]] {npu.fp32} : tensor<1x80xf32> to tensor<1x5x16xf32>
// CHECK: %[[R0:.*]] = npu.slice %[[B]] {npu.fp32, starts = array<i64: 0, 0, 0>, steps = array<i64: 1, 1, 1>} : tensor<1x5x16xf32> to tensor<1x3x16xf32>
// CHECK: %[[W0:.*]] = npu.constant dense<2.500000e-01> : tensor<16x4xf32>
// CHECK: %[[P0:.*]] = npu.matmul %[[R0]], %[[W0]] {npu.fp32}
// CHECK: %[[R1:.*]] = npu.slice %[[B]] {npu.fp32, starts = array<i64: 0, 1, 0>
// CHECK: %[[P1:.*]] = npu.matmul %[[R1]], %{{.*}} {npu.fp32}
// CHECK: %[[S1:.*]] = npu.add %[[P0]], %[[P1]] {npu.fp32}
// CHECK: %[[R2:.*]] = npu.slice %[[B]] {npu.fp32, starts = array<i64: 0, 2, 0>
// CHECK: %[[W2:.*]] = npu.constant dense<{{\[}}[2.500000e-01, 2.500000e-01, 2.500000e-01, 2.500000e-01]{{.*}}[0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<16x4xf32>
// CHECK: %[[P2:.*]] = npu.matmul %[[R2]], %[[W2]] {npu.fp32}
// CHECK: %[[S2:.*]] = npu.add %[[S1]], %[[P2]] {npu.fp32}
// CHECK: %[[SB:.*]] = npu.add %[[S2]], %{{.*}} {npu.fp32} : (tensor<1x3x4xf32>, tensor<4xf32>)
// CHECK: %[[T:.*]] = npu.transpose %[[SB]] {npu.fp32, perm = array<i64: 0, 2, 1>} : (tensor<1x3x4xf32>) -> tensor<1x4x3xf32>
// CHECK: npu.pow %[[T]], %{{.*}} {npu.fp32}
func.func @framing_conv(%x: tensor<1x80xf32>) -> tensor<1x4x3xf32> {
  %shape = npu.constant dense<0.25> : tensor<4x1x40xf32>
  %b = npu.constant dense<1.0> : tensor<4xf32>
  %two = npu.constant dense<2.0> : tensor<f32>
  %r = npu.reshape %x : tensor<1x80xf32> to tensor<1x1x80xf32>
  %s = npu.conv %r, %shape, %b {strides = array<i64: 16>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<1x1x80xf32>, tensor<4x1x40xf32>, tensor<4xf32>) -> tensor<1x4x3xf32>
  %p = npu.pow %s, %two : (tensor<1x4x3xf32>, tensor<f32>) -> tensor<1x4x3xf32>
  %l = npu.log %p : tensor<1x4x3xf32>
  return %l : tensor<1x4x3xf32>
}

// -----

// The same in a float16 model (npu-widen-float16): the raw input is read
// through its cast to f32 and still framed in fp32 (found by a fresh user:
// the framing stayed a DPU convolution and int8 log-mel energies were off by
// up to 24 dB).
// CHECK-LABEL: func.func @framing_conv_float16_input
// CHECK-NOT: npu.conv
// CHECK: %[[C:.*]] = npu.cast %arg0 : tensor<1x80xf16> to tensor<1x80xf32>
// CHECK: npu.reshape %[[C]] {npu.fp32} : tensor<1x80xf32> to tensor<1x80xf32>
// CHECK: npu.matmul {{.*}} {npu.fp32}
// CHECK: npu.pow {{.*}} {npu.fp32}
func.func @framing_conv_float16_input(%x16: tensor<1x80xf16>) -> tensor<1x4x3xf32> {
  %x = npu.cast %x16 : tensor<1x80xf16> to tensor<1x80xf32>
  %shape = npu.constant dense<0.25> : tensor<4x1x40xf32>
  %b = npu.constant dense<1.0> : tensor<4xf32>
  %two = npu.constant dense<2.0> : tensor<f32>
  %r = npu.reshape %x : tensor<1x80xf32> to tensor<1x1x80xf32>
  %s = npu.conv %r, %shape, %b {strides = array<i64: 16>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<1x1x80xf32>, tensor<4x1x40xf32>, tensor<4xf32>) -> tensor<1x4x3xf32>
  %p = npu.pow %s, %two : (tensor<1x4x3xf32>, tensor<f32>) -> tensor<1x4x3xf32>
  %l = npu.log %p : tensor<1x4x3xf32>
  return %l : tensor<1x4x3xf32>
}
