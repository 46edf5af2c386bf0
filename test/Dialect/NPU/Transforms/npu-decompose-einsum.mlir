// RUN: npu-opt %s -split-input-file -npu-decompose-einsum -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s

// Attention scores: one batched matmul, the keys transposed; the matmul
// keeps the node's name.
// CHECK-LABEL: func.func @scores
// CHECK: %[[K:.*]] = npu.transpose %arg1 {perm = array<i64: 0, 1, 3, 2>} : (tensor<2x4x6x16xf32>) -> tensor<2x4x16x6xf32> loc("e (product 1 rhs transposed)"("e"))
// CHECK: %[[Y:.*]] = npu.matmul %arg0, %[[K]] : (tensor<2x4x8x16xf32>, tensor<2x4x16x6xf32>) -> tensor<2x4x8x6xf32> loc("e")
// CHECK-NOT: npu.einsum
// CHECK: return %[[Y]]
func.func @scores(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x6x16xf32>) -> tensor<2x4x8x6xf32> {
  %y = npu.einsum %q, %k {equation = "bhqd,bhkd->bhqk"} : (tensor<2x4x8x16xf32>, tensor<2x4x6x16xf32>) -> tensor<2x4x8x6xf32> loc("e")
  return %y : tensor<2x4x8x6xf32>
}

// -----

// A key head shared by every head: the keys drop their size-1 h (it
// broadcasts), which becomes the queries' own label: one matmul.
// CHECK-LABEL: func.func @shared_head
// CHECK: %[[K:.*]] = npu.reshape %arg1 : tensor<1x1x6x16xf32> to tensor<1x6x16xf32>
// CHECK: npu.matmul %{{.*}}, %{{.*}} : (tensor<1x32x16xf32>, tensor<1x16x6xf32>) -> tensor<1x32x6xf32>
func.func @shared_head(%q: tensor<1x4x8x16xf32>, %k: tensor<1x1x6x16xf32>) -> tensor<1x4x8x6xf32> {
  %y = npu.einsum %q, %k {equation = "bhqd,bhkd->bhqk"} : (tensor<1x4x8x16xf32>, tensor<1x1x6x16xf32>) -> tensor<1x4x8x6xf32>
  return %y : tensor<1x4x8x6xf32>
}

// -----

// Nothing summed: an outer product is a broadcast multiplication.
// CHECK-LABEL: func.func @outer
// CHECK: %[[A:.*]] = npu.reshape %arg0 : tensor<5xf32> to tensor<5x1xf32> loc("o (product 1 lhs)"("o"))
// CHECK: %[[B:.*]] = npu.reshape %arg1 : tensor<3xf32> to tensor<1x3xf32> loc("o (product 1 rhs)"("o"))
// CHECK: npu.mul %[[A]], %[[B]] : (tensor<5x1xf32>, tensor<1x3xf32>) -> tensor<5x3xf32> loc("o")
func.func @outer(%a: tensor<5xf32>, %b: tensor<3xf32>) -> tensor<5x3xf32> {
  %y = npu.einsum %a, %b {equation = "i,j->ij"} : (tensor<5xf32>, tensor<3xf32>) -> tensor<5x3xf32> loc("o")
  return %y : tensor<5x3xf32>
}

// -----

// Three operands, left to right, then the output's order.
// CHECK-LABEL: func.func @chain
// CHECK: %[[AB:.*]] = npu.matmul %arg0, %arg1 : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32> loc("t (product 1)"("t"))
// CHECK: %[[ABC:.*]] = npu.matmul %[[AB]], %arg2 : (tensor<2x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32> loc("t (product 2)"("t"))
// CHECK: npu.transpose %[[ABC]] {perm = array<i64: 1, 0>} : (tensor<2x5xf32>) -> tensor<5x2xf32> loc("t")
func.func @chain(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<4x5xf32>) -> tensor<5x2xf32> {
  %y = npu.einsum %a, %b, %c {equation = "ij,jk,kl->li"} : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<5x2xf32> loc("t")
  return %y : tensor<5x2xf32>
}

// -----

// The pair with the smallest product first: def with cf (f summed, c kept
// for abc: 24 elements; abc with cf would give 30), then with abc (c
// summed), never the rank-6 outer product of abc and def.
// CHECK-LABEL: func.func @greedy
// CHECK: %[[DC:.*]] = npu.matmul %{{.*}}, %{{.*}} : (tensor<6x5xf32>, tensor<5x4xf32>) -> tensor<6x4xf32> loc("g (product 1)"("g"))
// CHECK: %[[Y:.*]] = npu.matmul %{{.*}}, %{{.*}} : (tensor<6x4xf32>, tensor<4x6xf32>) -> tensor<6x6xf32> loc("g (product 2)"("g"))
// CHECK: npu.reshape %[[Y]] : tensor<6x6xf32> to tensor<2x3x2x3xf32> loc("g")
func.func @greedy(%a: tensor<2x3x4xf32>, %d: tensor<2x3x5xf32>, %c: tensor<4x5xf32>) -> tensor<2x3x2x3xf32> {
  %y = npu.einsum %a, %d, %c {equation = "abc,def,cf->abde"} : (tensor<2x3x4xf32>, tensor<2x3x5xf32>, tensor<4x5xf32>) -> tensor<2x3x2x3xf32> loc("g")
  return %y : tensor<2x3x2x3xf32>
}

// -----

// Four batch labels on both sides, none broadcast: one batch dimension
// (SHAVE kernels and DMAs take up to 5 dimensions).
// CHECK-LABEL: func.func @many_batch_labels
// CHECK: npu.matmul %{{.*}}, %{{.*}} : (tensor<120x3x4xf32>, tensor<120x4x6xf32>) -> tensor<120x3x6xf32>
// CHECK: npu.reshape %{{.*}} : tensor<120x3x6xf32> to tensor<2x3x4x5x3x6xf32>
func.func @many_batch_labels(%a: tensor<2x3x4x5x3x4xf32>, %b: tensor<2x3x4x5x4x6xf32>) -> tensor<2x3x4x5x3x6xf32> {
  %y = npu.einsum %a, %b {equation = "abcdij,abcdjk->abcdik"} : (tensor<2x3x4x5x3x4xf32>, tensor<2x3x4x5x4x6xf32>) -> tensor<2x3x4x5x3x6xf32>
  return %y : tensor<2x3x4x5x3x6xf32>
}

// -----

// One operand: a label no one keeps is summed, then the output's order.
// CHECK-LABEL: func.func @sum_and_transpose
// CHECK: %[[S:.*]] = npu.reduce_sum %arg0 {axes = array<i64: 1>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<2x4xf32> loc("s (operand 0 summed)"("s"))
// CHECK: npu.transpose %[[S]] {perm = array<i64: 1, 0>} : (tensor<2x4xf32>) -> tensor<4x2xf32> loc("s")
func.func @sum_and_transpose(%a: tensor<2x3x4xf32>) -> tensor<4x2xf32> {
  %y = npu.einsum %a {equation = "ijk->ki"} : (tensor<2x3x4xf32>) -> tensor<4x2xf32> loc("s")
  return %y : tensor<4x2xf32>
}

// -----

// The implicit output (labels seen once, alphabetically) and an ellipsis:
// the broadcast dimensions fold into the matmul's rows.
// CHECK-LABEL: func.func @ellipsis
// CHECK: %[[A:.*]] = npu.reshape %arg0 : tensor<2x7x3x4xf32> to tensor<42x4xf32>
// CHECK: %[[M:.*]] = npu.matmul %[[A]], %arg1 : (tensor<42x4xf32>, tensor<4x5xf32>) -> tensor<42x5xf32>
// CHECK: npu.reshape %[[M]] : tensor<42x5xf32> to tensor<2x7x3x5xf32> loc("l")
func.func @ellipsis(%a: tensor<2x7x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<2x7x3x5xf32> {
  %y = npu.einsum %a, %b {equation = "...ij,jk"} : (tensor<2x7x3x4xf32>, tensor<4x5xf32>) -> tensor<2x7x3x5xf32> loc("l")
  return %y : tensor<2x7x3x5xf32>
}

// -----

// The identity keeps an op of the node's name (it may be a graph output).
// CHECK-LABEL: func.func @identity
// CHECK: npu.reshape %arg0 : tensor<2x3xf32> to tensor<2x3xf32> loc("i")
func.func @identity(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = npu.einsum %a {equation = "ij->ij"} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("i")
  return %y : tensor<2x3xf32>
}

// -----

// A summed label of size 1 in one operand and 3 in the other broadcasts:
// the first drops it, the second sums it alone, then an outer product.
// CHECK-LABEL: func.func @broadcast_sum
// CHECK: %[[A:.*]] = npu.reshape %arg0 : tensor<2x1xf32> to tensor<2xf32>
// CHECK: %[[S:.*]] = npu.reduce_sum %arg1 {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xf32>) -> tensor<4xf32>
// CHECK: npu.mul %{{.*}}, %{{.*}} : (tensor<2x1xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
func.func @broadcast_sum(%b: tensor<2x1xf32>, %c: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %1 = npu.einsum %b, %c {equation = "ij,jk->ik"} : (tensor<2x1xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// -----

// Left alone: a diagonal (a label repeated within an operand), integers.
// CHECK-LABEL: func.func @left_alone
// CHECK: npu.einsum %arg0 {equation = "ii->i"}
// CHECK: npu.einsum %arg1, %arg1 {equation = "ij,jk->ik"}
func.func @left_alone(%a: tensor<3x3xf32>, %d: tensor<3x3xi32>) -> (tensor<3xf32>, tensor<3x3xi32>) {
  %0 = npu.einsum %a {equation = "ii->i"} : (tensor<3x3xf32>) -> tensor<3xf32>
  %2 = npu.einsum %d, %d {equation = "ij,jk->ik"} : (tensor<3x3xi32>, tensor<3x3xi32>) -> tensor<3x3xi32>
  return %0, %2 : tensor<3xf32>, tensor<3x3xi32>
}
