// RUN: npu-opt %s -npu-fuse-elementwise -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s

// Attention's scores scaled by 1/sqrt(d) where the query comes from its
// projection through the heads' reshape and transpose: the scale goes into
// the projection's weights and bias (divided by 4), which hold the scaled
// values and are renamed; the scores' matmul takes the scale's name. A
// projection also read elsewhere keeps its scale.
// CHECK-LABEL: func.func @scale_into_projection
// CHECK: %[[W:.*]] = npu.div %{{.*}}, %[[C:.*]] : (tensor<8x8xf32>, tensor<f32>) -> tensor<8x8xf32> loc("w (scaled)"
// CHECK: %[[P:.*]] = npu.matmul %arg0, %[[W]] {{.*}} loc("q_mm (scaled)"
// CHECK: %[[B:.*]] = npu.div %{{.*}}, %[[C]] : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32> loc("b (scaled)"
// CHECK: %[[Q:.*]] = npu.add %[[P]], %[[B]] {{.*}} loc("q (scaled)"
// CHECK: npu.reshape %[[Q]] {{.*}} loc("q_r (scaled)"
// CHECK: npu.transpose {{.*}} loc("q_t (scaled)"
// CHECK: %[[S:.*]] = npu.matmul {{.*}} -> tensor<1x2x4x4xf32> loc("scores_scaled"
// CHECK-NOT: npu.div %[[S]]
// CHECK: npu.softmax %[[S]]
// CHECK: npu.div %{{.*}}, %[[C]] : (tensor<1x4x4xf32>, tensor<f32>) -> tensor<1x4x4xf32> loc("other_scaled"
module {
func.func @scale_into_projection(%x: tensor<1x4x8xf32>, %k: tensor<1x2x4x4xf32>, %z: tensor<1x4x8xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x4x4xf32>, tensor<1x4x8xf32>) {
  %w = npu.constant dense<0.5> : tensor<8x8xf32> loc("w")
  %b = npu.constant dense<0.25> : tensor<8xf32> loc("b")
  %c = npu.constant dense<4.0> : tensor<f32> loc("c")
  %shape = npu.constant dense<[1, 4, 2, 4]> : tensor<4xi64>
  %p = npu.matmul %x, %w : (tensor<1x4x8xf32>, tensor<8x8xf32>) -> tensor<1x4x8xf32> loc("q_mm")
  %q = npu.add %p, %b : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32> loc("q")
  %r = npu.reshape %q : tensor<1x4x8xf32> to tensor<1x4x2x4xf32> loc("q_r")
  %t = npu.transpose %r {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x4x2x4xf32>) -> tensor<1x2x4x4xf32> loc("q_t")
  %s = npu.matmul %t, %k : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("scores")
  %d = npu.div %s, %c : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32> loc("scores_scaled")
  %sm = npu.softmax %d {axis = 3 : i64} : tensor<1x2x4x4xf32> loc("probs")
  %p2 = npu.matmul %z, %w : (tensor<1x4x8xf32>, tensor<8x8xf32>) -> tensor<1x4x8xf32> loc("o_mm")
  %zt = npu.transpose %z {perm = array<i64: 0, 2, 1>} : (tensor<1x4x8xf32>) -> tensor<1x8x4xf32> loc("zt")
  %s2 = npu.matmul %p2, %zt : (tensor<1x4x8xf32>, tensor<1x8x4xf32>) -> tensor<1x4x4xf32> loc("other")
  %d2 = npu.div %s2, %c : (tensor<1x4x4xf32>, tensor<f32>) -> tensor<1x4x4xf32> loc("other_scaled")
  return %sm, %d2, %p2 : tensor<1x2x4x4xf32>, tensor<1x4x4xf32>, tensor<1x4x8xf32>
}
}
