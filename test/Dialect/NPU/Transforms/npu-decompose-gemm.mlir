// RUN: npu-opt %s -split-input-file -npu-decompose-gemm -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s

// trans_a: A transposed first; an [M, N] C with beta 2: dropped from the
// Gemm, scaled and added after it.
// CHECK-LABEL: func.func @trans_a_and_matrix_c
// CHECK: %[[T:.*]] = npu.transpose %arg0 {perm = array<i64: 1, 0>} : (tensor<64x8xf32>) -> tensor<8x64xf32> loc("g (A transposed)"
// CHECK: %[[P:.*]] = npu.gemm %[[T]], %{{.*}} : (tensor<8x64xf32>, tensor<64x32xf32>) -> tensor<8x32xf32> loc("g (product)"
// CHECK: %[[B:.*]] = npu.constant dense<2.000000e+00> : tensor<f32> loc("g (beta)"
// CHECK: %[[S:.*]] = npu.mul %{{.*}}, %[[B]] {{.*}} loc("g (C scaled)"
// CHECK: %[[Y:.*]] = npu.add %[[P]], %[[S]] {{.*}} loc("g")
// CHECK: return %[[Y]]
func.func @trans_a_and_matrix_c(%a: tensor<64x8xf32>) -> tensor<8x32xf32> {
  %w = npu.constant dense<0.5> : tensor<64x32xf32>
  %c = npu.constant dense<1.0> : tensor<8x32xf32>
  %y = npu.gemm %a, %w, %c {trans_a = true, beta = 2.0 : f32} : (tensor<64x8xf32>, tensor<64x32xf32>, tensor<8x32xf32>) -> tensor<8x32xf32> loc("g")
  return %y : tensor<8x32xf32>
}

// -----

// trans_a with a per-column bias: the bias stays in the Gemm, which keeps
// its name. A computed C is added after the Gemm (beta 1: no multiply).
// CHECK-LABEL: func.func @bias_kept_and_computed_c
// CHECK: %[[T:.*]] = npu.transpose %arg0
// CHECK: npu.gemm %[[T]], %{{.*}}, %{{.*}} {{.*}}: (tensor<8x64xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<8x32xf32> loc("g1")
// CHECK: %[[P:.*]] = npu.gemm %{{.*}}, %{{.*}} {{.*}}loc("g2 (product)"
// CHECK-NOT: npu.mul
// CHECK: npu.add %[[P]], %arg1 {{.*}}loc("g2")
func.func @bias_kept_and_computed_c(%a: tensor<64x8xf32>, %c: tensor<8x32xf32>) -> (tensor<8x32xf32>, tensor<8x32xf32>) {
  %w = npu.constant dense<0.5> : tensor<64x32xf32>
  %b = npu.constant dense<1.0> : tensor<32xf32>
  %y = npu.gemm %a, %w, %b {trans_a = true} : (tensor<64x8xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<8x32xf32> loc("g1")
  %x = npu.constant dense<0.25> : tensor<8x64xf32>
  %z = npu.gemm %x, %w, %c : (tensor<8x64xf32>, tensor<64x32xf32>, tensor<8x32xf32>) -> tensor<8x32xf32> loc("g2")
  return %y, %z : tensor<8x32xf32>, tensor<8x32xf32>
}

// -----

// Unchanged: a per-column or scalar C, no C.
// CHECK-LABEL: func.func @unchanged
// CHECK-NOT: npu.transpose
// CHECK-NOT: npu.add
func.func @unchanged(%a: tensor<8x64xf32>) -> (tensor<8x32xf32>, tensor<8x32xf32>, tensor<8x32xf32>) {
  %w = npu.constant dense<0.5> : tensor<64x32xf32>
  %b = npu.constant dense<1.0> : tensor<32xf32>
  %s = npu.constant dense<1.0> : tensor<1xf32>
  %y0 = npu.gemm %a, %w, %b : (tensor<8x64xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<8x32xf32>
  %y1 = npu.gemm %a, %w, %s {beta = 3.0 : f32} : (tensor<8x64xf32>, tensor<64x32xf32>, tensor<1xf32>) -> tensor<8x32xf32>
  %y2 = npu.gemm %a, %w : (tensor<8x64xf32>, tensor<64x32xf32>) -> tensor<8x32xf32>
  return %y0, %y1, %y2 : tensor<8x32xf32>, tensor<8x32xf32>, tensor<8x32xf32>
}
