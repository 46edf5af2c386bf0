// RUN: npu-opt %s -split-input-file -npu-decompose-dilated-conv=strategy=phases -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s
// The DPU's largest kernel comes from the target's hardware description.
// RUN: sed -e 's/ attributes {npu.target = #npu.target<NPU3720>}//' %s | not npu-opt -split-input-file -npu-decompose-dilated-conv -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOTARGET
// NOTARGET: error: the module has no target

// An atrous convolution (DeepLab's ASPP at rate 6: 3x3, dilation 6, padding
// 6) expands to a 13x13 kernel, past the DPU's 11x11: it becomes 36
// undilated 3x3 convolutions, one per phase (a, b) of the input's rows and
// columns modulo 6, each of a strided slice, padded 1 at the top and left
// and enough at the bottom and right for ceil(13/6) x ceil(14/6) = 3 x 3
// outputs; the phases are interleaved back (columns, then rows) and
// cropped to 13 x 14. The input's phases are one range group for int8
// calibration, the output's (its phases to the result) another.
// CHECK-LABEL: func.func @atrous
// CHECK: npu.slice %arg0 {npu.range_group = 0 : i64, starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 6, 6>} : tensor<1x4x13x14xf32> to tensor<1x4x3x3xf32> loc("aspp (phase 0,0 input)"("aspp"))
// CHECK-NEXT: npu.conv %{{.*}}, %arg1 {dilations = array<i64: 1, 1>, npu.range_group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x3x3xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x3x3xf32> loc("aspp (phase 0,0)"("aspp"))
// Phase (0, 2): columns 2, 8 (two of them), padded 2 at the right.
// CHECK: npu.slice %arg0 {npu.range_group = 0 : i64, starts = array<i64: 0, 0, 0, 2>, steps = array<i64: 1, 1, 6, 6>} : tensor<1x4x13x14xf32> to tensor<1x4x3x2xf32>
// CHECK-NEXT: npu.conv %{{.*}}, %arg1 {dilations = array<i64: 1, 1>, npu.range_group = 1 : i64, pads = array<i64: 1, 1, 1, 2>, strides = array<i64: 1, 1>} : (tensor<1x4x3x2xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x3x3xf32>
// CHECK-COUNT-33: npu.conv
// CHECK: %[[ROWS:.*]] = npu.concat {{.*}} {axis = 2 : i64} : ({{.*}}) -> tensor<1x24x6x18xf32>
// CHECK-NEXT: %[[Y:.*]] = npu.reshape %[[ROWS]] : tensor<1x24x6x18xf32> to tensor<1x8x18x18xf32>
// CHECK-NEXT: %[[C:.*]] = npu.slice %[[Y]] {npu.range_group = 1 : i64, starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : tensor<1x8x18x18xf32> to tensor<1x8x13x14xf32> loc("aspp")
// CHECK-NEXT: return %[[C]]
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @atrous(%x: tensor<1x4x13x14xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x13x14xf32> {
  %y = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 6, 6>, pads = array<i64: 6, 6, 6, 6>} : (tensor<1x4x13x14xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x13x14xf32> loc("aspp")
  return %y : tensor<1x8x13x14xf32>
}
}

// -----

// Left alone: a dilation whose expanded kernel fits (rate 5: 11x11), a
// stride, padding that is not a multiple of the dilation.
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-3: dilations = array<i64: {{5|6}}, {{5|6}}>
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @kept(%x: tensor<1x4x24x24xf32>, %w: tensor<8x4x3x3xf32>) -> (tensor<1x8x24x24xf32>, tensor<1x8x12x12xf32>, tensor<1x8x22x22xf32>) {
  %a = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 5, 5>, pads = array<i64: 5, 5, 5, 5>} : (tensor<1x4x24x24xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x24x24xf32>
  %b = npu.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 6, 6>, pads = array<i64: 6, 6, 6, 6>} : (tensor<1x4x24x24xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x12x12xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 6, 6>, pads = array<i64: 5, 5, 5, 5>} : (tensor<1x4x24x24xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x22x22xf32>
  return %a, %b, %c : tensor<1x8x24x24xf32>, tensor<1x8x12x12xf32>, tensor<1x8x22x22xf32>
}
}

// -----

// A 1-d dilation (a TCN's kernel 3 at dilation 8, padding 8: 17 taps) runs
// as one row: 8 phases of the columns modulo 8, each an undilated 1x3
// convolution of a strided slice; the columns are interleaved back and the
// row reshaped to the 1-d result, which keeps the node's name.
// CHECK-LABEL: func.func @tcn
// CHECK: npu.reshape %arg0 : tensor<1x4x40xf32> to tensor<1x4x1x40xf32>
// CHECK: npu.reshape %arg1 : tensor<8x4x3xf32> to tensor<8x4x1x3xf32>
// CHECK-COUNT-8: npu.conv {{.*}}dilations = array<i64: 1, 1>, npu.range_group = 1 : i64, pads = array<i64: 0, 1, 0, 1>
// CHECK: npu.concat {{.*}} {axis = 3 : i64}
// CHECK-NOT: npu.concat
// CHECK: %[[Y:.*]] = npu.reshape %{{.*}} : tensor<1x8x1x40xf32> to tensor<1x8x40xf32> loc("t")
// CHECK: return %[[Y]]
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @tcn(%x: tensor<1x4x40xf32>, %w: tensor<8x4x3xf32>) -> tensor<1x8x40xf32> {
  %y = npu.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 8>, pads = array<i64: 8, 8>} : (tensor<1x4x40xf32>, tensor<8x4x3xf32>) -> tensor<1x8x40xf32> loc("t")
  return %y : tensor<1x8x40xf32>
}
}

// -----

// A 1 x 3 kernel dilated along W only (1 x 8) over 3 rows: 8 phases of the
// columns; the phases' rows, folded into the channels to interleave the
// columns, are unfolded again (found by a fresh user: an internal error,
// the result [1, 24, 1, 40] returned as [1, 8, 3, 40]).
// CHECK-LABEL: func.func @rows
// CHECK-COUNT-8: npu.conv {{.*}}pads = array<i64: 0, 1, 0, 1>{{.*}} -> tensor<1x8x3x5xf32>
// CHECK: npu.concat {{.*}} {axis = 3 : i64} : ({{.*}}) -> tensor<1x24x5x8xf32>
// CHECK-NEXT: npu.reshape %{{.*}} : tensor<1x24x5x8xf32> to tensor<1x24x1x40xf32>
// CHECK-NEXT: %[[Y:.*]] = npu.reshape %{{.*}} {npu.range_group = 1 : i64} : tensor<1x24x1x40xf32> to tensor<1x8x3x40xf32> loc("r")
// CHECK-NEXT: return %[[Y]]
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @rows(%x: tensor<1x4x3x40xf32>, %w: tensor<8x4x1x3xf32>) -> tensor<1x8x3x40xf32> {
  %y = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 8>, pads = array<i64: 0, 8, 0, 8>} : (tensor<1x4x3x40xf32>, tensor<8x4x1x3xf32>) -> tensor<1x8x3x40xf32> loc("r")
  return %y : tensor<1x8x3x40xf32>
}
}
