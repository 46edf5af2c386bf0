// RUN: npu-opt %s -split-input-file -npu-decompose-data-movement -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s

// DepthToSpace (DCR): channel (by, bx, c) -> the blocks, one transpose; the
// last reshape keeps the node's name.
// CHECK-LABEL: func.func @d2s_dcr
// CHECK: %[[A:.*]] = npu.reshape %arg0 : tensor<1x16x4x4xf32> to tensor<1x2x2x4x4x4xf32> loc("d (blocks)"("d"))
// CHECK: %[[B:.*]] = npu.transpose %[[A]] {perm = array<i64: 0, 3, 4, 1, 5, 2>} : (tensor<1x2x2x4x4x4xf32>) -> tensor<1x4x4x2x4x2xf32> loc("d (blocks)"("d"))
// CHECK: %[[C:.*]] = npu.reshape %[[B]] : tensor<1x4x4x2x4x2xf32> to tensor<1x4x8x8xf32> loc("d")
// CHECK-NOT: npu.depth_to_space
// CHECK: return %[[C]]
func.func @d2s_dcr(%x: tensor<1x16x4x4xf32>) -> tensor<1x4x8x8xf32> {
  %y = npu.depth_to_space %x {blocksize = 2 : i64, mode = #npu.d2s_mode<DCR>} : (tensor<1x16x4x4xf32>) -> tensor<1x4x8x8xf32> loc("d")
  return %y : tensor<1x4x8x8xf32>
}

// -----

// CRD: channel (c, by, bx).
// CHECK-LABEL: func.func @d2s_crd
// CHECK: npu.reshape %arg0 : tensor<1x16x4x4xf32> to tensor<1x4x2x2x4x4xf32>
// CHECK: npu.transpose %{{.*}} {perm = array<i64: 0, 1, 4, 2, 5, 3>}
// CHECK: npu.reshape %{{.*}} to tensor<1x4x8x8xf32>
func.func @d2s_crd(%x: tensor<1x16x4x4xf32>) -> tensor<1x4x8x8xf32> {
  %y = npu.depth_to_space %x {blocksize = 2 : i64, mode = #npu.d2s_mode<CRD>} : (tensor<1x16x4x4xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

// CHECK-LABEL: func.func @s2d
// CHECK: npu.reshape %arg0 : tensor<1x4x8x8xf32> to tensor<1x4x4x2x4x2xf32>
// CHECK: npu.transpose %{{.*}} {perm = array<i64: 0, 3, 5, 1, 2, 4>}
// CHECK: npu.reshape %{{.*}} to tensor<1x16x4x4xf32>
func.func @s2d(%x: tensor<1x4x8x8xf32>) -> tensor<1x16x4x4xf32> {
  %y = npu.space_to_depth %x {blocksize = 2 : i64} : (tensor<1x4x8x8xf32>) -> tensor<1x16x4x4xf32>
  return %y : tensor<1x16x4x4xf32>
}

// -----

// Tile by 3 on the last axis: x + x joined, then x and that pair.
// CHECK-LABEL: func.func @tile
// CHECK: %[[P:.*]] = npu.concat %arg0, %arg0 {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
// CHECK: %[[Y:.*]] = npu.concat %arg0, %[[P]] {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x6xf32>) -> tensor<2x9xf32> loc("t")
// CHECK: return %[[Y]]
func.func @tile(%x: tensor<2x3xf32>) -> tensor<2x9xf32> {
  %y = npu.tile %x : tensor<2x3xf32> to tensor<2x9xf32> loc("t")
  return %y : tensor<2x9xf32>
}

// -----

// Expand to a higher rank: a reshape, then each size-1 axis repeated.
// CHECK-LABEL: func.func @expand
// CHECK: npu.reshape %arg0 : tensor<4x1xf32> to tensor<1x4x1xf32>
// CHECK: npu.concat {{.*}} {axis = 0 : i64} : (tensor<1x4x1xf32>, tensor<1x4x1xf32>) -> tensor<2x4x1xf32>
// CHECK: npu.concat {{.*}} {axis = 2 : i64} : (tensor<2x4x1xf32>, tensor<2x4x1xf32>) -> tensor<2x4x2xf32>
// CHECK: npu.concat {{.*}} {axis = 2 : i64} : (tensor<2x4x2xf32>, tensor<2x4x2xf32>) -> tensor<2x4x4xf32>
// CHECK-NOT: npu.expand
func.func @expand(%x: tensor<4x1xf32>) -> tensor<2x4x4xf32> {
  %y = npu.expand %x : tensor<4x1xf32> to tensor<2x4x4xf32>
  return %y : tensor<2x4x4xf32>
}

// -----

// A constant pad joins constants of the fill around the input, axis by
// axis.
// CHECK-LABEL: func.func @pad_constant
// CHECK: %[[T:.*]] = npu.constant dense<5.000000e-01> : tensor<1x2x1x4xf32> loc("p (fill)"("p"))
// CHECK: %[[H:.*]] = npu.concat %[[T]], %arg0 {axis = 2 : i64} : (tensor<1x2x1x4xf32>, tensor<1x2x3x4xf32>) -> tensor<1x2x4x4xf32>
// CHECK: %[[R:.*]] = npu.constant dense<5.000000e-01> : tensor<1x2x4x2xf32>
// CHECK: %[[Y:.*]] = npu.concat %[[H]], %[[R]] {axis = 3 : i64} : (tensor<1x2x4x4xf32>, tensor<1x2x4x2xf32>) -> tensor<1x2x4x6xf32> loc("p")
// CHECK: return %[[Y]]
func.func @pad_constant(%x: tensor<1x2x3x4xf32>) -> tensor<1x2x4x6xf32> {
  %y = npu.pad %x {pads = array<i64: 0, 0, 1, 0, 0, 0, 0, 2>, mode = #npu.pad_mode<constant>, value = 5.000000e-01 : f64} : (tensor<1x2x3x4xf32>) -> tensor<1x2x4x6xf32> loc("p")
  return %y : tensor<1x2x4x6xf32>
}

// -----

// reflect: rows 2, 1 before, row 2 (size 4: 4 - 2) after; edge: the last
// column twice; a negative pad crops.
// CHECK-LABEL: func.func @pad_reflect_edge
// CHECK: %[[R2:.*]] = npu.slice %arg0 {starts = array<i64: 0, 2, 0>, steps = array<i64: 1, 1, 1>} : tensor<1x4x5xf32> to tensor<1x1x5xf32>
// CHECK: %[[R1:.*]] = npu.slice %arg0 {starts = array<i64: 0, 1, 0>, steps = array<i64: 1, 1, 1>} : tensor<1x4x5xf32> to tensor<1x1x5xf32>
// CHECK: %[[E:.*]] = npu.slice %arg0 {starts = array<i64: 0, 2, 0>, steps = array<i64: 1, 1, 1>} : tensor<1x4x5xf32> to tensor<1x1x5xf32>
// CHECK: %[[V:.*]] = npu.concat %[[R2]], %[[R1]], %arg0, %[[E]] {axis = 1 : i64}
// CHECK-LABEL: func.func @pad_edge_crop
// CHECK: %[[C:.*]] = npu.slice %arg0 {starts = array<i64: 0, 0, 1>, steps = array<i64: 1, 1, 1>} : tensor<1x4x5xf32> to tensor<1x4x4xf32>
// CHECK: %[[L:.*]] = npu.slice %[[C]] {starts = array<i64: 0, 0, 3>, steps = array<i64: 1, 1, 1>} : tensor<1x4x4xf32> to tensor<1x4x1xf32>
// CHECK: %[[LL:.*]] = npu.concat %[[L]], %[[L]] {axis = 2 : i64}
// CHECK: npu.concat %[[C]], %[[LL]] {axis = 2 : i64} : (tensor<1x4x4xf32>, tensor<1x4x2xf32>) -> tensor<1x4x6xf32>
func.func @pad_reflect_edge(%x: tensor<1x4x5xf32>) -> tensor<1x7x5xf32> {
  %y = npu.pad %x {pads = array<i64: 0, 2, 0, 0, 1, 0>, mode = #npu.pad_mode<reflect>} : (tensor<1x4x5xf32>) -> tensor<1x7x5xf32>
  return %y : tensor<1x7x5xf32>
}
func.func @pad_edge_crop(%x: tensor<1x4x5xf32>) -> tensor<1x4x6xf32> {
  %y = npu.pad %x {pads = array<i64: 0, 0, -1, 0, 0, 2>, mode = #npu.pad_mode<edge>} : (tensor<1x4x5xf32>) -> tensor<1x4x6xf32>
  return %y : tensor<1x4x6xf32>
}

// -----

// A broadcast to an empty tensor is left alone (the lowering reports it).
// CHECK-LABEL: func.func @expand_empty
// CHECK: npu.expand
func.func @expand_empty(%x: tensor<4x1xf32>) -> tensor<4x0xf32> {
  %y = npu.expand %x : tensor<4x1xf32> to tensor<4x0xf32>
  return %y : tensor<4x0xf32>
}

// -----

// A slice with a negative step (a BGR / RGB flip of channels 2, 1, 0 of
// 4): the same channels in ascending order, then a gather of the reversed
// positions, which keeps the node's name (canonicalization makes it three
// slices: canonicalize.mlir).
// CHECK-LABEL: func.func @flip_channels
// CHECK: %[[A:.*]] = npu.slice %arg0 {starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : tensor<1x4x2x2xf32> to tensor<1x3x2x2xf32> loc("f (ascending)"("f"))
// CHECK: %[[I:.*]] = npu.constant dense<[2, 1, 0]> : tensor<3xi64>
// CHECK: %[[G:.*]] = npu.gather %[[A]], %[[I]] {axis = 1 : i64} : (tensor<1x3x2x2xf32>, tensor<3xi64>) -> tensor<1x3x2x2xf32> loc("f")
// CHECK: return %[[G]]
func.func @flip_channels(%x: tensor<1x4x2x2xf32>) -> tensor<1x3x2x2xf32> {
  %y = npu.slice %x {starts = array<i64: 0, 2, 0, 0>, steps = array<i64: 1, -1, 1, 1>} : tensor<1x4x2x2xf32> to tensor<1x3x2x2xf32> loc("f")
  return %y : tensor<1x3x2x2xf32>
}

// -----

// Booleans, every other element backwards (step -2 from 6: 6, 4, 2, 0):
// ascending from 0 with step 2, then one slice per position concatenated
// backwards (the gather kernel copies float data and device integers); a
// float vector reversed whole needs no ascending slice.
// CHECK-LABEL: func.func @backward_steps
// CHECK: npu.slice %arg0 {starts = array<i64: 0, 0>, steps = array<i64: 1, 2>} : tensor<2x8xi1> to tensor<2x4xi1>
// CHECK-COUNT-4: npu.slice %{{.*}} : tensor<2x4xi1> to tensor<2x1xi1>
// CHECK: npu.concat
// CHECK-NOT: npu.slice %arg1
// CHECK: %[[I:.*]] = npu.constant dense<"0x2B01000000000000
// CHECK-NEXT: npu.gather %arg1, %[[I]] {axis = 0 : i64} : (tensor<300xf32>, tensor<300xi64>) -> tensor<300xf32> loc("g")
func.func @backward_steps(%x: tensor<2x8xi1>, %v: tensor<300xf32>) -> (tensor<2x4xi1>, tensor<300xf32>) {
  %y = npu.slice %x {starts = array<i64: 0, 6>, steps = array<i64: 1, -2>} : tensor<2x8xi1> to tensor<2x4xi1>
  %w = npu.slice %v {starts = array<i64: 299>, steps = array<i64: -1>} : tensor<300xf32> to tensor<300xf32> loc("g")
  return %y, %w : tensor<2x4xi1>, tensor<300xf32>
}

// -----

// A pre-quantized model's op (npu.quant, its Q/DQ parameters): every float
// op it becomes holds some of its elements and takes the parameters; the
// gather's indices do not.
// CHECK-LABEL: func.func @quantized
// CHECK: npu.slice %arg0 {{.*}}npu.quant = array<f32: 5.000000e-02, 0.000000e+00>
// CHECK-NEXT: npu.constant dense<[2, 1, 0]> : tensor<3xi64> loc(
// CHECK-NEXT: npu.gather {{.*}}npu.quant = array<f32: 5.000000e-02, 0.000000e+00>
// CHECK-NEXT: return
func.func @quantized(%x: tensor<1x4x2x2xf32>) -> tensor<1x3x2x2xf32> {
  %y = npu.slice %x {starts = array<i64: 0, 2, 0, 0>, steps = array<i64: 1, -1, 1, 1>, npu.quant = array<f32: 0.05, 0.0>} : tensor<1x4x2x2xf32> to tensor<1x3x2x2xf32> loc("f")
  return %y : tensor<1x3x2x2xf32>
}
