// RUN: npu-opt %s -split-input-file -npu-fuse-sibling-matmuls -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s

// Attention's projections: three matmuls of one input by constant
// matrices, each read only by a bias add, become one matmul by the joined
// matrices, one add of the joined biases and a slice per projection, which
// keeps the projection's location (its tensor's ONNX name). A constant
// defined after the first matmul moves before it.
// CHECK-LABEL: func.func @qkv
// CHECK-DAG: %[[WQ:.*]] = npu.constant dense<1.000000e+00> : tensor<32x32xf32>
// CHECK-DAG: %[[WK:.*]] = npu.constant dense<2.000000e+00> : tensor<32x32xf32>
// CHECK-DAG: %[[WV:.*]] = npu.constant dense<3.000000e+00> : tensor<32x16xf32>
// CHECK: %[[W:.*]] = npu.concat %[[WQ]], %[[WK]], %[[WV]] {axis = 1 : i64} : {{.*}} -> tensor<32x80xf32> loc("q_mm (with k_mm, v_mm)"
// CHECK: %[[Y:.*]] = npu.matmul %arg0, %[[W]] : (tensor<1x8x32xf32>, tensor<32x80xf32>) -> tensor<1x8x80xf32> loc("q_mm (with k_mm, v_mm)"
// CHECK: %[[B:.*]] = npu.concat %{{.*}}, %{{.*}}, %{{.*}} {axis = 0 : i64} : {{.*}} -> tensor<80xf32>
// CHECK: %[[YB:.*]] = npu.add %[[Y]], %[[B]]
// CHECK: %[[Q:.*]] = npu.slice %[[YB]] {starts = array<i64: 0, 0, 0>, steps = array<i64: 1, 1, 1>} : tensor<1x8x80xf32> to tensor<1x8x32xf32> loc("q")
// CHECK: %[[K:.*]] = npu.slice %[[YB]] {starts = array<i64: 0, 0, 32>, steps = array<i64: 1, 1, 1>} : tensor<1x8x80xf32> to tensor<1x8x32xf32> loc("k")
// CHECK: %[[V:.*]] = npu.slice %[[YB]] {starts = array<i64: 0, 0, 64>, steps = array<i64: 1, 1, 1>} : tensor<1x8x80xf32> to tensor<1x8x16xf32> loc("v")
// CHECK-NOT: npu.matmul
// CHECK: return %[[Q]], %[[K]], %[[V]]
func.func @qkv(%x: tensor<1x8x32xf32>) -> (tensor<1x8x32xf32>, tensor<1x8x32xf32>, tensor<1x8x16xf32>) {
  %wq = npu.constant dense<1.0> : tensor<32x32xf32>
  %bq = npu.constant dense<0.1> : tensor<32xf32>
  %q0 = npu.matmul %x, %wq : (tensor<1x8x32xf32>, tensor<32x32xf32>) -> tensor<1x8x32xf32> loc("q_mm")
  %q = npu.add %q0, %bq : (tensor<1x8x32xf32>, tensor<32xf32>) -> tensor<1x8x32xf32> loc("q")
  %wk = npu.constant dense<2.0> : tensor<32x32xf32>
  %bk = npu.constant dense<0.2> : tensor<32xf32>
  %k0 = npu.matmul %x, %wk : (tensor<1x8x32xf32>, tensor<32x32xf32>) -> tensor<1x8x32xf32> loc("k_mm")
  %k = npu.add %bk, %k0 : (tensor<32xf32>, tensor<1x8x32xf32>) -> tensor<1x8x32xf32> loc("k")
  %wv = npu.constant dense<3.0> : tensor<32x16xf32>
  %bv = npu.constant dense<0.3> : tensor<16xf32>
  %v0 = npu.matmul %x, %wv : (tensor<1x8x32xf32>, tensor<32x16xf32>) -> tensor<1x8x16xf32> loc("v_mm")
  %v = npu.add %v0, %bv : (tensor<1x8x16xf32>, tensor<16xf32>) -> tensor<1x8x16xf32> loc("v")
  return %q, %k, %v : tensor<1x8x32xf32>, tensor<1x8x32xf32>, tensor<1x8x16xf32>
}

// -----

// A sibling without a bias add (its result also read elsewhere) gets zeros
// in the joined bias, and its slice takes the matmul's location.
// CHECK-LABEL: func.func @one_without_bias
// CHECK: %[[Z:.*]] = npu.constant dense<0.000000e+00> : tensor<16xf32>
// CHECK: %[[B:.*]] = npu.concat %{{.*}}, %[[Z]] {axis = 0 : i64}
// CHECK: %[[YB:.*]] = npu.add
// CHECK: npu.slice %[[YB]] {{.*}} to tensor<8x16xf32> loc("a")
// CHECK: %[[S:.*]] = npu.slice %[[YB]] {starts = array<i64: 0, 16>{{.*}} to tensor<8x16xf32> loc("b_mm")
// CHECK: npu.relu %[[S]]
func.func @one_without_bias(%x: tensor<8x32xf32>) -> (tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>) {
  %wa = npu.constant dense<1.0> : tensor<32x16xf32>
  %ba = npu.constant dense<0.5> : tensor<16xf32>
  %wb = npu.constant dense<2.0> : tensor<32x16xf32>
  %a0 = npu.matmul %x, %wa : (tensor<8x32xf32>, tensor<32x16xf32>) -> tensor<8x16xf32> loc("a_mm")
  %a = npu.add %a0, %ba : (tensor<8x16xf32>, tensor<16xf32>) -> tensor<8x16xf32> loc("a")
  %b = npu.matmul %x, %wb : (tensor<8x32xf32>, tensor<32x16xf32>) -> tensor<8x16xf32> loc("b_mm")
  %r = npu.relu %b : tensor<8x16xf32> loc("r")
  return %a, %b, %r : tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>
}

// -----

// Left alone: of three matmuls of one input, one by a matrix that is not a
// constant and one of a pre-quantized model (its own weight scales): one
// sibling is left.
// CHECK-LABEL: func.func @not_siblings
// CHECK-COUNT-3: npu.matmul %arg0
// CHECK-NOT: npu.slice
func.func @not_siblings(%x: tensor<8x32xf32>, %y: tensor<8x32xf32>, %m: tensor<32x16xf32>) -> (tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>) {
  %w = npu.constant dense<1.0> : tensor<32x16xf32>
  %a = npu.matmul %x, %w : (tensor<8x32xf32>, tensor<32x16xf32>) -> tensor<8x16xf32>
  %b = npu.matmul %x, %m : (tensor<8x32xf32>, tensor<32x16xf32>) -> tensor<8x16xf32>
  %c = npu.matmul %x, %w {npu.weight_scales = array<f32: 0.1>} : (tensor<8x32xf32>, tensor<32x16xf32>) -> tensor<8x16xf32>
  return %a, %b, %c : tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>
}

// -----

// Left alone: a sibling's result read by a matmul by a constant (in int8 it
// reads that result's int8 codes).
// CHECK-LABEL: func.func @read_by_a_weighted_matmul
// CHECK-COUNT-2: npu.matmul %arg0
// CHECK-NOT: npu.slice
func.func @read_by_a_weighted_matmul(%x: tensor<8x32xf32>) -> (tensor<8x16xf32>, tensor<8x16xf32>) {
  %w = npu.constant dense<1.0> : tensor<32x16xf32>
  %w2 = npu.constant dense<1.0> : tensor<16x16xf32>
  %a = npu.matmul %x, %w : (tensor<8x32xf32>, tensor<32x16xf32>) -> tensor<8x16xf32>
  %b = npu.matmul %x, %w : (tensor<8x32xf32>, tensor<32x16xf32>) -> tensor<8x16xf32>
  %c = npu.matmul %b, %w2 : (tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<8x16xf32>
  return %a, %c : tensor<8x16xf32>, tensor<8x16xf32>
}

// -----

// A bias of [1, N] joins as [N] (a reshape), one of one value as that value
// for every column: both stay in the joined add, which the DPU task takes.
// CHECK-LABEL: func.func @bias_shapes
// CHECK: %[[R:.*]] = npu.reshape %{{.*}} : tensor<1x16xf32> to tensor<16xf32>
// CHECK: %[[S:.*]] = npu.constant dense<5.000000e-01> : tensor<8xf32>
// CHECK: npu.concat %{{.*}}, %[[R]], %[[S]] {axis = 0 : i64} : {{.*}} -> tensor<40xf32>
// CHECK: %[[YB:.*]] = npu.add
// CHECK-COUNT-3: npu.slice %[[YB]]
// CHECK-NOT: npu.add
func.func @bias_shapes(%x: tensor<4x32xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x8xf32>) {
  %wa = npu.constant dense<1.0> : tensor<32x16xf32>
  %wb = npu.constant dense<2.0> : tensor<32x16xf32>
  %wc = npu.constant dense<3.0> : tensor<32x8xf32>
  %ba = npu.constant dense<0.1> : tensor<16xf32>
  %bb = npu.constant dense<0.2> : tensor<1x16xf32>
  %bc = npu.constant dense<0.5> : tensor<f32>
  %a0 = npu.matmul %x, %wa : (tensor<4x32xf32>, tensor<32x16xf32>) -> tensor<4x16xf32>
  %a = npu.add %a0, %ba : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %b0 = npu.matmul %x, %wb : (tensor<4x32xf32>, tensor<32x16xf32>) -> tensor<4x16xf32>
  %b = npu.add %b0, %bb : (tensor<4x16xf32>, tensor<1x16xf32>) -> tensor<4x16xf32>
  %c0 = npu.matmul %x, %wc : (tensor<4x32xf32>, tensor<32x8xf32>) -> tensor<4x8xf32>
  %c = npu.add %c0, %bc : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  return %a, %b, %c : tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x8xf32>
}

// -----

// Gemms of one input by constant matrices (2-D projections as torch.onnx
// writes nn.Linear: B transposed, C per column, alpha and beta) join their
// siblings as matmuls by alpha * op(B) with the adds of beta * C; the slices
// keep the Gemms' locations. A Gemm alone, with trans_a, or whose C is not
// per column stays a Gemm.
// CHECK-LABEL: func.func @gemms
// CHECK-DAG: %[[WQ:.*]] = npu.constant dense<{{\[\[}}1.000000e+00, 5.000000e+00, 9.000000e+00], [2.000000e+00, 6.000000e+00, 1.000000e+01], [3.000000e+00, 7.000000e+00, 1.100000e+01], [4.000000e+00, 8.000000e+00, 1.200000e+01]]> : tensor<4x3xf32>
// CHECK-DAG: %[[WK:.*]] = npu.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00], [6.000000e+00, 8.000000e+00], [1.000000e+01, 1.200000e+01], [1.400000e+01, 1.600000e+01]]> : tensor<4x2xf32>
// CHECK: %[[W:.*]] = npu.concat %[[WQ]], %[[WK]], %{{.*}} {axis = 1 : i64} : {{.*}} -> tensor<4x7xf32> loc("q (with k, v_mm)"
// CHECK: %[[Y:.*]] = npu.matmul %arg0, %[[W]] : (tensor<2x4xf32>, tensor<4x7xf32>) -> tensor<2x7xf32>
// CHECK: %[[BK:.*]] = npu.constant dense<1.500000e+00> : tensor<2xf32>
// CHECK: %[[B:.*]] = npu.concat %{{.*}}, %[[BK]], %{{.*}} {axis = 0 : i64} : {{.*}} -> tensor<7xf32>
// CHECK: %[[YB:.*]] = npu.add %[[Y]], %[[B]]
// CHECK: %[[Q:.*]] = npu.slice %[[YB]] {{.*}} to tensor<2x3xf32> loc("q")
// CHECK: %[[K:.*]] = npu.slice %[[YB]] {{.*}} to tensor<2x2xf32> loc("k")
// CHECK: %[[V:.*]] = npu.slice %[[YB]] {{.*}} to tensor<2x2xf32> loc("v_mm")
// CHECK: npu.gemm %arg1
// CHECK: return %[[Q]], %[[K]], %[[V]]
func.func @gemms(%x: tensor<2x4xf32>, %z: tensor<2x4xf32>) -> (tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x3xf32>) {
  %wq = npu.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]]> : tensor<3x4xf32>
  %bq = npu.constant dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
  %q = npu.gemm %x, %wq, %bq {trans_b = true} : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("q")
  %wk = npu.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  %bk = npu.constant dense<0.5> : tensor<f32>
  %k = npu.gemm %x, %wk, %bk {alpha = 2.0 : f32, beta = 3.0 : f32} : (tensor<2x4xf32>, tensor<4x2xf32>, tensor<f32>) -> tensor<2x2xf32> loc("k")
  %wv = npu.constant dense<1.0> : tensor<4x2xf32>
  %v = npu.matmul %x, %wv : (tensor<2x4xf32>, tensor<4x2xf32>) -> tensor<2x2xf32> loc("v_mm")
  %o = npu.gemm %z, %wq, %bq {trans_b = true} : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("o")
  return %q, %k, %v, %o : tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x3xf32>
}
