// RUN: npu-opt %s -canonicalize -split-input-file | FileCheck %s
// Folds and canonicalization patterns of npu ops.

// CHECK-LABEL: func.func @identity_removed
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @identity_removed(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = npu.identity %x : tensor<4xf32>
  %1 = npu.cast %0 : tensor<4xf32> to tensor<4xf32>
  %2 = npu.reshape %1 : tensor<4xf32> to tensor<4xf32>
  %3 = npu.transpose %2 {perm = array<i64: 0>} : (tensor<4xf32>) -> tensor<4xf32>
  %4 = npu.reduce_sum %3 {axes = array<i64>} : (tensor<4xf32>) -> tensor<4xf32>
  %5 = npu.pad %4 {pads = array<i64: 0, 0>} : (tensor<4xf32>) -> tensor<4xf32>
  %6 = npu.slice %5 {starts = array<i64: 0>, steps = array<i64: 1>} : tensor<4xf32> to tensor<4xf32>
  %7 = npu.concat %6 {axis = 0 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  %8 = npu.expand %7 : tensor<4xf32> to tensor<4xf32>
  %9 = npu.tile %8 : tensor<4xf32> to tensor<4xf32>
  return %9 : tensor<4xf32>
}

// -----

// A reduction over no axes is the identity only where the op has no
// element-wise part: reduce_l1 over no axes is |x|, reduce_sum_square x^2.
// CHECK-LABEL: func.func @reduce_no_axes
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[L1:.*]] = npu.reduce_l1 %[[X]] {axes = array<i64>}
// CHECK-NEXT: %[[SQ:.*]] = npu.reduce_sum_square %[[L1]] {axes = array<i64>}
// CHECK-NEXT: return %[[SQ]]
func.func @reduce_no_axes(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = npu.reduce_mean %x {axes = array<i64>} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = npu.reduce_l1 %0 {axes = array<i64>} : (tensor<4xf32>) -> tensor<4xf32>
  %2 = npu.reduce_log_sum_exp %1 {axes = array<i64>} : (tensor<4xf32>) -> tensor<4xf32>
  %3 = npu.reduce_sum_square %2 {axes = array<i64>} : (tensor<4xf32>) -> tensor<4xf32>
  %4 = npu.reduce_prod %3 {axes = array<i64>} : (tensor<4xf32>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}

// -----

// Shape queries are constants: shapes are static.
// CHECK-LABEL: func.func @shape_queries
// CHECK-DAG: %[[S:.*]] = npu.constant dense<[3, 8, 8]> : tensor<3xi64>
// CHECK-DAG: %[[N:.*]] = npu.constant dense<192> : tensor<i64>
// CHECK: return %[[S]], %[[N]]
func.func @shape_queries(%x: tensor<1x3x8x8xf32>) -> (tensor<3xi64>, tensor<i64>) {
  %s = npu.shape %x {start = 1 : i64} : (tensor<1x3x8x8xf32>) -> tensor<3xi64>
  %n = npu.size %x : (tensor<1x3x8x8xf32>) -> tensor<i64>
  return %s, %n : tensor<3xi64>, tensor<i64>
}

// -----

// CHECK-LABEL: func.func @shape_negative_start
// CHECK: npu.constant dense<8> : tensor<1xi64>
func.func @shape_negative_start(%x: tensor<1x3x8x8xf32>) -> tensor<1xi64> {
  %s = npu.shape %x {start = -1 : i64} : (tensor<1x3x8x8xf32>) -> tensor<1xi64>
  return %s : tensor<1xi64>
}

// -----

// CHECK-LABEL: func.func @reshape_chain
// CHECK-NEXT: %[[R:.*]] = npu.reshape %{{.*}} : tensor<2x3x4xf32> to tensor<6x4xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_chain(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %0 = npu.reshape %x : tensor<2x3x4xf32> to tensor<24xf32>
  %1 = npu.reshape %0 : tensor<24xf32> to tensor<4x6xf32>
  %2 = npu.reshape %1 : tensor<4x6xf32> to tensor<6x4xf32>
  return %2 : tensor<6x4xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_constant
// CHECK-NEXT: %[[C:.*]] = npu.constant dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xi64>
// CHECK-NEXT: return %[[C]]
func.func @reshape_constant() -> tensor<2x2xi64> {
  %c = npu.constant dense<[1, 2, 3, 4]> : tensor<4xi64>
  %0 = npu.reshape %c : tensor<4xi64> to tensor<2x2xi64>
  return %0 : tensor<2x2xi64>
}

// -----

// CHECK-LABEL: func.func @transposes_compose
// CHECK-NEXT: %[[T:.*]] = npu.transpose %{{.*}} {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
// CHECK-NEXT: return %[[T]]
func.func @transposes_compose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = npu.transpose %x {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %1 = npu.transpose %0 {perm = array<i64: 1, 2, 0>} : (tensor<3x4x2xf32>) -> tensor<4x2x3xf32>
  return %1 : tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func.func @transposes_cancel
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @transposes_cancel(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = npu.transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
  %1 = npu.transpose %0 {perm = array<i64: 0, 2, 1>} : (tensor<2x4x3xf32>) -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

// Moving only unit dimensions keeps the element order: a reshape.
// CHECK-LABEL: func.func @transpose_unit_dims
// CHECK-NEXT: npu.reshape %{{.*}} : tensor<1x16x1x8xf32> to tensor<16x1x1x8xf32>
func.func @transpose_unit_dims(%x: tensor<1x16x1x8xf32>) -> tensor<16x1x1x8xf32> {
  %0 = npu.transpose %x {perm = array<i64: 1, 0, 2, 3>} : (tensor<1x16x1x8xf32>) -> tensor<16x1x1x8xf32>
  return %0 : tensor<16x1x1x8xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_kept
// CHECK-NEXT: npu.transpose
func.func @transpose_kept(%x: tensor<1x16x2x8xf32>) -> tensor<1x2x8x16xf32> {
  %0 = npu.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x16x2x8xf32>) -> tensor<1x2x8x16xf32>
  return %0 : tensor<1x2x8x16xf32>
}

// -----

// CHECK-LABEL: func.func @splat_movement
// CHECK-NEXT: %[[C:.*]] = npu.constant dense<2.000000e+00> : tensor<4x3xf32>
// CHECK-NEXT: return %[[C]], %[[C]]
func.func @splat_movement() -> (tensor<4x3xf32>, tensor<4x3xf32>) {
  %c = npu.constant dense<2.0> : tensor<3x4xf32>
  %t = npu.transpose %c {perm = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
  %s = npu.constant dense<2.0> : tensor<1x3xf32>
  %e = npu.expand %s : tensor<1x3xf32> to tensor<4x3xf32>
  return %t, %e : tensor<4x3xf32>, tensor<4x3xf32>
}

// -----

// A graph-level If with a constant condition is inlined.
// CHECK-LABEL: func.func @if_constant
// CHECK-NOT: npu.if
// CHECK: %[[R:.*]] = npu.relu
// CHECK-NEXT: return %[[R]]
func.func @if_constant(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = npu.constant dense<true> : tensor<i1>
  %r = npu.if %c : tensor<i1> -> tensor<4xf32> {
    %a = npu.relu %x : tensor<4xf32>
    npu.yield %a : tensor<4xf32>
  } else {
    %b = npu.sigmoid %x : tensor<4xf32>
    npu.yield %b : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @if_constant_false
// CHECK-NOT: npu.if
// CHECK: npu.sigmoid
func.func @if_constant_false(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = npu.constant dense<false> : tensor<1xi1>
  %r = npu.if %c : tensor<1xi1> -> tensor<4xf32> {
    %a = npu.relu %x : tensor<4xf32>
    npu.yield %a : tensor<4xf32>
  } else {
    %b = npu.sigmoid %x : tensor<4xf32>
    npu.yield %b : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @if_runtime
// CHECK: npu.if
func.func @if_runtime(%c: tensor<i1>, %x: tensor<4xf32>) -> tensor<4xf32> {
  %r = npu.if %c : tensor<i1> -> tensor<4xf32> {
    npu.yield %x : tensor<4xf32>
  } else {
    %b = npu.sigmoid %x : tensor<4xf32>
    npu.yield %b : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// Gather with constant indices is data movement: a ViT's class token
// x[:, 0] (a scalar index drops the axis) is one slice and a reshape.
// CHECK-LABEL: func.func @gather_class_token
// CHECK-NEXT: %[[S:.*]] = npu.slice %arg0 {starts = array<i64: 0, 0, 0>, steps = array<i64: 1, 1, 1>} : tensor<1x197x192xf32> to tensor<1x1x192xf32>
// CHECK-NEXT: %[[R:.*]] = npu.reshape %[[S]] : tensor<1x1x192xf32> to tensor<1x192xf32>
// CHECK-NEXT: return %[[R]]
func.func @gather_class_token(%x: tensor<1x197x192xf32>) -> tensor<1x192xf32> {
  %i = npu.constant dense<0> : tensor<i64>
  %y = npu.gather %x, %i {axis = 1 : i64} : (tensor<1x197x192xf32>, tensor<i64>) -> tensor<1x192xf32>
  return %y : tensor<1x192xf32>
}

// -----

// Indices [0, 1, 2, 5, -1] on an axis of 8: runs [0, 3) and [5, 6), and 7
// (-1 counts from the end), joined in the indices' order; the [5] indices
// shaped [1, 5] give the result's dimensions.
// CHECK-LABEL: func.func @gather_runs
// CHECK: %[[A:.*]] = npu.slice %arg0 {starts = array<i64: 0, 0, 0>, steps = array<i64: 1, 1, 1>} : tensor<2x8x4xf32> to tensor<2x3x4xf32>
// CHECK: %[[B:.*]] = npu.slice %arg0 {starts = array<i64: 0, 5, 0>, steps = array<i64: 1, 1, 1>} : tensor<2x8x4xf32> to tensor<2x1x4xf32>
// CHECK: %[[C:.*]] = npu.slice %arg0 {starts = array<i64: 0, 7, 0>, steps = array<i64: 1, 1, 1>} : tensor<2x8x4xf32> to tensor<2x1x4xf32>
// CHECK: %[[J:.*]] = npu.concat %[[A]], %[[B]], %[[C]] {axis = 1 : i64}
// CHECK: npu.reshape %[[J]] : tensor<2x5x4xf32> to tensor<2x1x5x4xf32>
// CHECK-NOT: npu.gather
func.func @gather_runs(%x: tensor<2x8x4xf32>) -> tensor<2x1x5x4xf32> {
  %i = npu.constant dense<[[0, 1, 2, 5, -1]]> : tensor<1x5xi64>
  %y = npu.gather %x, %i {axis = 1 : i64} : (tensor<2x8x4xf32>, tensor<1x5xi64>) -> tensor<2x1x5x4xf32>
  return %y : tensor<2x1x5x4xf32>
}

// -----

// Reversals (npu-decompose-data-movement's negative steps): 3 channels of
// 64 elements are 3 slices; 20 positions of 8 elements (more than 4 runs of
// fewer than 1024 elements) stay one gather, not 20 DMAs, float or i32;
// booleans become slices whatever their count (the gather kernel copies
// float data and device integers only).
// CHECK-LABEL: func.func @gather_reversed
// CHECK-COUNT-3: npu.slice %arg0
// CHECK: npu.concat
// CHECK: npu.gather %arg1
// CHECK: npu.gather %arg2
// CHECK-COUNT-20: npu.slice %arg3
// CHECK-NOT: npu.gather
func.func @gather_reversed(%x: tensor<3x64xf32>, %v: tensor<20x8xf32>, %n: tensor<20x8xi32>, %m: tensor<20x8xi1>) -> (tensor<3x64xf32>, tensor<20x8xf32>, tensor<20x8xi32>, tensor<20x8xi1>) {
  %i = npu.constant dense<[2, 1, 0]> : tensor<3xi64>
  %y = npu.gather %x, %i {axis = 0 : i64} : (tensor<3x64xf32>, tensor<3xi64>) -> tensor<3x64xf32>
  %j = npu.constant dense<[19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]> : tensor<20xi64>
  %w = npu.gather %v, %j {axis = 0 : i64} : (tensor<20x8xf32>, tensor<20xi64>) -> tensor<20x8xf32>
  %k = npu.gather %n, %j {axis = 0 : i64} : (tensor<20x8xi32>, tensor<20xi64>) -> tensor<20x8xi32>
  %b = npu.gather %m, %j {axis = 0 : i64} : (tensor<20x8xi1>, tensor<20xi64>) -> tensor<20x8xi1>
  return %y, %w, %k, %b : tensor<3x64xf32>, tensor<20x8xf32>, tensor<20x8xi32>, tensor<20x8xi1>
}

// -----

// Indices that are not constant, or out of range, stay a gather (whose
// error at run time names the index).
// CHECK-LABEL: func.func @gather_kept
// CHECK-COUNT-2: npu.gather
func.func @gather_kept(%x: tensor<2x8x4xf32>, %j: tensor<3xi64>) -> (tensor<2x3x4xf32>, tensor<2x4xf32>) {
  %y = npu.gather %x, %j {axis = 1 : i64} : (tensor<2x8x4xf32>, tensor<3xi64>) -> tensor<2x3x4xf32>
  %i = npu.constant dense<8> : tensor<i64>
  %z = npu.gather %x, %i {axis = 1 : i64} : (tensor<2x8x4xf32>, tensor<i64>) -> tensor<2x4xf32>
  return %y, %z : tensor<2x3x4xf32>, tensor<2x4xf32>
}

// -----

// A replacing scatter_nd of constant tuples that enumerate a box whole in all
// dimensions but one, in row-major order (`y[..., 1:3] = u`, one tuple per
// element as PyTorch exports it), is the data's slices around the updates,
// concatenated; a box that is all of the data is the updates. Left alone:
// tuples out of row-major order, a box partial in two dimensions, a
// reduction.
// CHECK-LABEL: func.func @scatter_nd_box
// CHECK-DAG: %[[A:.*]] = npu.slice %arg0 {starts = array<i64: 0, 0, 0>, steps = array<i64: 1, 1, 1>} : tensor<2x4x5xf32> to tensor<2x4x1xf32>
// CHECK-DAG: %[[B:.*]] = npu.slice %arg0 {starts = array<i64: 0, 0, 3>, steps = array<i64: 1, 1, 1>} : tensor<2x4x5xf32> to tensor<2x4x2xf32>
// CHECK: %[[Y:.*]] = npu.concat %[[A]], %arg1, %[[B]] {axis = 2 : i64}
// CHECK-COUNT-3: npu.scatter_nd
// CHECK: return %[[Y]], %arg2,
func.func @scatter_nd_box(%x: tensor<2x4x5xf32>, %u: tensor<2x4x2xf32>, %v: tensor<2x4x5xf32>, %s: tensor<2xf32>) -> (tensor<2x4x5xf32>, tensor<2x4x5xf32>, tensor<2x4x5xf32>, tensor<2x4x5xf32>, tensor<2x4x5xf32>) {
  // Every (i, j, c) for c in 1..2, and with c = -4 for 1.
  %i = npu.constant dense<[[[[0, 0, -4], [0, 0, 2]], [[0, 1, 1], [0, 1, 2]], [[0, 2, 1], [0, 2, 2]], [[0, 3, 1], [0, 3, 2]]], [[[1, 0, 1], [1, 0, 2]], [[1, 1, 1], [1, 1, 2]], [[1, 2, 1], [1, 2, 2]], [[1, 3, 1], [1, 3, 2]]]]> : tensor<2x4x2x3xi64>
  %y = npu.scatter_nd %x, %i, %u : (tensor<2x4x5xf32>, tensor<2x4x2x3xi64>, tensor<2x4x2xf32>) -> tensor<2x4x5xf32>
  // All of the data: rows 0 and 1.
  %all = npu.constant dense<[[0], [1]]> : tensor<2x1xi64>
  %w = npu.scatter_nd %x, %all, %v : (tensor<2x4x5xf32>, tensor<2x1xi64>, tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  // Rows 1, 0: not row-major.
  %rev = npu.constant dense<[[1], [0]]> : tensor<2x1xi64>
  %r = npu.scatter_nd %x, %rev, %v : (tensor<2x4x5xf32>, tensor<2x1xi64>, tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  // (0, 1, 1) and (0, 1, 2): partial in dimensions 0, 1 and 2.
  %pt = npu.constant dense<[[0, 1, 1], [0, 1, 2]]> : tensor<2x3xi64>
  %p = npu.scatter_nd %x, %pt, %s : (tensor<2x4x5xf32>, tensor<2x3xi64>, tensor<2xf32>) -> tensor<2x4x5xf32>
  %a = npu.scatter_nd %x, %all, %v {reduction = #npu.reduction<add>} : (tensor<2x4x5xf32>, tensor<2x1xi64>, tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  return %y, %w, %r, %p, %a : tensor<2x4x5xf32>, tensor<2x4x5xf32>, tensor<2x4x5xf32>, tensor<2x4x5xf32>, tensor<2x4x5xf32>
}

// -----

// A slice of a slice is one slice (positive steps); a slice of a
// concatenation within one operand is a slice of that operand, so two box
// assignments in a row (YOLOv5's xy, then wh) concatenate once. Left alone:
// a slice across two operands.
// CHECK-LABEL: func.func @slice_of_slice_and_concat
// CHECK-DAG: %[[S:.*]] = npu.slice %arg0 {starts = array<i64: 0, 3>, steps = array<i64: 1, 4>} : tensor<2x16xf32> to tensor<2x3xf32>
// CHECK-DAG: %[[B:.*]] = npu.slice %arg0 {starts = array<i64: 0, 2>, steps = array<i64: 1, 1>} : tensor<2x16xf32> to tensor<2x2xf32>
// CHECK-DAG: %[[C:.*]] = npu.concat %arg1, %arg0 {axis = 1 : i64}
// CHECK-DAG: %[[X:.*]] = npu.slice %[[C]] {starts = array<i64: 0, 3>, steps = array<i64: 1, 1>} : tensor<2x20xf32> to tensor<2x2xf32>
// CHECK: return %[[S]], %arg1, %[[B]], %[[X]]
func.func @slice_of_slice_and_concat(%x: tensor<2x16xf32>, %u: tensor<2x4xf32>) -> (tensor<2x3xf32>, tensor<2x4xf32>, tensor<2x2xf32>, tensor<2x2xf32>) {
  %a = npu.slice %x {starts = array<i64: 0, 1>, steps = array<i64: 1, 2>} : tensor<2x16xf32> to tensor<2x7xf32>
  %s = npu.slice %a {starts = array<i64: 0, 1>, steps = array<i64: 1, 2>} : tensor<2x7xf32> to tensor<2x3xf32>
  %c = npu.concat %u, %x {axis = 1 : i64} : (tensor<2x4xf32>, tensor<2x16xf32>) -> tensor<2x20xf32>
  %p = npu.slice %c {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<2x20xf32> to tensor<2x4xf32>
  %q = npu.slice %c {starts = array<i64: 0, 6>, steps = array<i64: 1, 1>} : tensor<2x20xf32> to tensor<2x2xf32>
  %r = npu.slice %c {starts = array<i64: 0, 3>, steps = array<i64: 1, 1>} : tensor<2x20xf32> to tensor<2x2xf32>
  return %s, %p, %q, %r : tensor<2x3xf32>, tensor<2x4xf32>, tensor<2x2xf32>, tensor<2x2xf32>
}
