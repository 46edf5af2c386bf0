// RUN: npu-opt %s --npu-canonical-pipeline | FileCheck %s
// What an exporter typically emits around a conv block, taken to the
// canonical, compute-only form: batch norm folded into the convolution,
// the Shape/Gather/Concat chain feeding the Reshape folded, identities and
// dropout removed, a constant If inlined, transposes composed.

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x8x8xf32>)
// CHECK-DAG:   %[[W:.*]] = npu.constant dense<{{.*}}> : tensor<4x3x3x3xf32>
// CHECK-DAG:   %[[B:.*]] = npu.constant dense<[2.500000e-01, 0.000000e+00, -2.500000e-01, -5.000000e-01]> : tensor<4xf32>
// CHECK:       %[[C:.*]] = npu.conv %[[X]], %[[W]], %[[B]]
// CHECK-NEXT:  %[[R:.*]] = npu.relu %[[C]]
// CHECK-NEXT:  %[[F:.*]] = npu.reshape %[[R]] : tensor<1x4x8x8xf32> to tensor<1x256xf32>
// CHECK-NEXT:  return %[[F]]
// CHECK-NOT: npu.
func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x256xf32> {
  %w = npu.constant dense<[[[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]]]> : tensor<1x1x3x3xf32>
  %w4 = npu.tile %w : tensor<1x1x3x3xf32> to tensor<4x3x3x3xf32>
  %scale = npu.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %bias = npu.constant dense<0.5> : tensor<4xf32>
  %mean = npu.constant dense<0.25> : tensor<4xf32>
  %var = npu.constant dense<1.0> : tensor<4xf32>
  %i = npu.identity %x : tensor<1x3x8x8xf32>
  %c = npu.conv %i, %w4 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  %bn = npu.batch_norm %c, %scale, %bias, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %r = npu.relu %bn : tensor<1x4x8x8xf32>
  %d = npu.identity %r : tensor<1x4x8x8xf32>
  // Shape computation of the flatten target, as exporters emit it.
  %s = npu.shape %d : (tensor<1x4x8x8xf32>) -> tensor<4xi64>
  %zero = npu.constant dense<0> : tensor<1xi64>
  %n = npu.gather %s, %zero {axis = 0 : i64} : (tensor<4xi64>, tensor<1xi64>) -> tensor<1xi64>
  %m1 = npu.constant dense<-1> : tensor<1xi64>
  %target = npu.concat %n, %m1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %t = npu.transpose %d {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x8x8x4xf32>
  %t2 = npu.transpose %t {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x8x8x4xf32>) -> tensor<1x4x8x8xf32>
  %cond = npu.constant dense<true> : tensor<i1>
  %flat = npu.if %cond : tensor<i1> -> tensor<1x256xf32> {
    %f = npu.reshape %t2 : tensor<1x4x8x8xf32> to tensor<1x256xf32>
    npu.yield %f : tensor<1x256xf32>
  } else {
    %z = npu.constant dense<0.0> : tensor<1x256xf32>
    npu.yield %z : tensor<1x256xf32>
  }
  %unused = npu.add %target, %target : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %flat : tensor<1x256xf32>
}
