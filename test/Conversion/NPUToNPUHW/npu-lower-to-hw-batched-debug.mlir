// RUN: npu-opt %s --pass-pipeline='builtin.module(func.func(npu-lower-to-hw{precision=int8 expose=c,m}))' 2>%t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=WARN < %t.err

// A debug build of a batch computes what the normal build does: exposing the
// convolution whose leaky ReLU and clamp its per-image tasks fuse does not
// stop them fusing (it has no device buffer, as at batch 1: a warning says
// so), and the fused clamp's result, the last of the chain, is exposed as
// the join of the images.
// CHECK-LABEL: func.func @batched_debug
// CHECK-SAME: -> (tensor<2x16x8x8xf32>, tensor<2x16x8x8xf32> {npu.name = "m"})
// CHECK-NOT: npuhw.shave "leaky_relu"
// CHECK-NOT: npuhw.shave "max"
// CHECK: npuhw.dpu_conv conv {{.*}}activation = #npuhw.activation<leaky_relu>{{.*}}clamp_low = -128
// CHECK-NOT: npuhw.shave "leaky_relu"
// CHECK-NOT: npuhw.shave "max"
// CHECK: npuhw.dpu_conv conv {{.*}}activation = #npuhw.activation<leaky_relu>{{.*}}clamp_low = -128
// CHECK: return
// WARN: warning: loc("c"): tensor 'c' is not exposed: no device buffer holds it (it is fused into the task of an op next to it)
func.func @batched_debug(%x: tensor<2x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<2x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %lim = npu.constant dense<-0.4> : tensor<1x1x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<2x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<2x16x8x8xf32> loc("c")
  %l = npu.leaky_relu %c {alpha = 0.2 : f32, npu.range = array<f32: -0.8, 2.15>} : tensor<2x16x8x8xf32> loc("l")
  %m = npu.max %l, %lim {npu.range = array<f32: -0.4, 2.15>} : (tensor<2x16x8x8xf32>, tensor<1x1x1x1xf32>) -> tensor<2x16x8x8xf32> loc("m")
  %d = npu.conv %m, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<2x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<2x16x8x8xf32> loc("d")
  return %d : tensor<2x16x8x8xf32>
}
