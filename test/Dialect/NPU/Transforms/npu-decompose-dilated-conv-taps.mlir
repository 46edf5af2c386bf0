// RUN: npu-opt %s -split-input-file -npu-decompose-dilated-conv -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s
// RUN: not npu-opt %s -split-input-file -npu-decompose-dilated-conv=strategy=fastest -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: npu-decompose-dilated-conv: unknown strategy 'fastest' (expected auto, phases or taps)

// DeepLab's ASPP at rate 12 (3x3, padding 12), ungrouped: per tap,
// the input padded once, sliced at (12 ky, 12 kx) for each of the 9 taps,
// the slices concatenated along the channels (one range group), and one
// 1x1 convolution over them with the weights as [K, kh kw C] (tap-major),
// which keeps the bias and the node's name.
// CHECK-LABEL: func.func @aspp
// CHECK: %[[P:.*]] = npu.pad %arg0 {npu.range_group = 0 : i64, pads = array<i64: 0, 0, 12, 12, 0, 0, 12, 12>} : (tensor<1x16x9x9xf32>) -> tensor<1x16x33x33xf32> loc("aspp (taps)"("aspp"))
// CHECK: npu.slice %[[P]] {npu.range_group = 0 : i64, starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : tensor<1x16x33x33xf32> to tensor<1x16x9x9xf32> loc("aspp (tap 0,0)"("aspp"))
// CHECK: npu.slice %[[P]] {npu.range_group = 0 : i64, starts = array<i64: 0, 0, 12, 24>, steps = array<i64: 1, 1, 1, 1>} : tensor<1x16x33x33xf32> to tensor<1x16x9x9xf32> loc("aspp (tap 1,2)"("aspp"))
// CHECK: %[[X:.*]] = npu.concat {{.*}} {axis = 1 : i64, npu.range_group = 0 : i64} : ({{.*}}) -> tensor<1x144x9x9xf32>
// CHECK: %[[T:.*]] = npu.transpose %arg1 {perm = array<i64: 0, 2, 3, 1>} : (tensor<36x16x3x3xf32>) -> tensor<36x3x3x16xf32>
// CHECK: %[[W:.*]] = npu.reshape %[[T]] : tensor<36x3x3x16xf32> to tensor<36x144x1x1xf32>
// CHECK: %[[Y:.*]] = npu.conv %[[X]], %[[W]], %arg2 {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x144x9x9xf32>, tensor<36x144x1x1xf32>, tensor<36xf32>) -> tensor<1x36x9x9xf32> loc("aspp")
// CHECK: return %[[Y]]
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @aspp(%x: tensor<1x16x9x9xf32>, %w: tensor<36x16x3x3xf32>, %b: tensor<36xf32>) -> tensor<1x36x9x9xf32> {
  %y = npu.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 12, 12>, pads = array<i64: 12, 12, 12, 12>} : (tensor<1x16x9x9xf32>, tensor<36x16x3x3xf32>, tensor<36xf32>) -> tensor<1x36x9x9xf32> loc("aspp")
  return %y : tensor<1x36x9x9xf32>
}
}

// -----

// Strided (2) and padded by other than the dilation (5 for 6), which no
// phase decomposition gives: per tap, slices with steps 2. A depthwise one
// (grouped: its weights are small) keeps the phases.
// CHECK-LABEL: func.func @strided
// CHECK: npu.pad %arg0 {{.*}}pads = array<i64: 0, 0, 5, 5, 0, 0, 5, 5>} : (tensor<1x4x24x24xf32>) -> tensor<1x4x34x34xf32>
// CHECK-COUNT-9: npu.slice {{.*}}steps = array<i64: 1, 1, 2, 2>} : tensor<1x4x34x34xf32> to tensor<1x4x11x11xf32>
// CHECK: npu.conv {{.*}} : (tensor<1x36x11x11xf32>, tensor<8x36x1x1xf32>) -> tensor<1x8x11x11xf32>
// CHECK: npu.slice %arg0 {{.*}}loc("dw (phase 0,0 input)"("dw"))
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @strided(%x: tensor<1x4x24x24xf32>, %w: tensor<8x4x3x3xf32>, %d: tensor<4x1x3x3xf32>) -> (tensor<1x8x11x11xf32>, tensor<1x4x24x24xf32>) {
  %s = npu.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 6, 6>, pads = array<i64: 5, 5, 5, 5>} : (tensor<1x4x24x24xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x11x11xf32> loc("s")
  %t = npu.conv %x, %d {strides = array<i64: 1, 1>, dilations = array<i64: 6, 6>, pads = array<i64: 6, 6, 6, 6>, group = 4} : (tensor<1x4x24x24xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x24x24xf32> loc("dw")
  return %s, %t : tensor<1x8x11x11xf32>, tensor<1x4x24x24xf32>
}
}

// -----

// A 1-d one per tap (a TCN's kernel 3 at dilation 8): as one row, the result reshaped back with the node's name.
// CHECK-LABEL: func.func @tcn
// CHECK: npu.reshape %arg0 : tensor<1x32x20xf32> to tensor<1x32x1x20xf32>
// CHECK: npu.pad {{.*}}pads = array<i64: 0, 0, 0, 8, 0, 0, 0, 8>
// CHECK-COUNT-3: npu.slice {{.*}} to tensor<1x32x1x20xf32>
// CHECK: npu.conv {{.*}} : (tensor<1x96x1x20xf32>, tensor<32x96x1x1xf32>) -> tensor<1x32x1x20xf32> loc("t (rows)"("t"))
// CHECK: %[[Y:.*]] = npu.reshape %{{.*}} : tensor<1x32x1x20xf32> to tensor<1x32x20xf32> loc("t")
// CHECK: return %[[Y]]
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @tcn(%x: tensor<1x32x20xf32>, %w: tensor<32x32x3xf32>) -> tensor<1x32x20xf32> {
  %y = npu.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 8>, pads = array<i64: 8, 8>} : (tensor<1x32x20xf32>, tensor<32x32x3xf32>) -> tensor<1x32x20xf32> loc("t")
  return %y : tensor<1x32x20xf32>
}
}

// -----

// An undilated kernel past 11 (M5's first layer over a waveform, scaled
// down: 40 taps at stride 8, padded 4, 47 outputs), which the lowering's
// unfolding does not take (it is padded): per tap too, the 1-d convolution
// as one row, each tap a slice of step 8. An unpadded one whose windows
// tile the input (kernel = stride: a patch embedding) is the lowering's,
// left as it is.
// CHECK-LABEL: func.func @m5
// CHECK: %[[R:.*]] = npu.reshape %arg0 : tensor<1x1x400xf32> to tensor<1x1x1x400xf32>
// CHECK: %[[P:.*]] = npu.pad %[[R]] {{{.*}}pads = array<i64: 0, 0, 0, 4, 0, 0, 0, 4>} : (tensor<1x1x1x400xf32>) -> tensor<1x1x1x408xf32>
// CHECK: npu.slice %[[P]] {{{.*}}starts = array<i64: 0, 0, 0, 39>, steps = array<i64: 1, 1, 1, 8>} : tensor<1x1x1x408xf32> to tensor<1x1x1x47xf32> loc("c1 (tap 0,39)"("c1"))
// CHECK: npu.concat {{.*}} -> tensor<1x40x1x47xf32>
// CHECK: npu.conv {{.*}} -> tensor<1x32x1x47xf32>
// CHECK-LABEL: func.func @patches
// CHECK-NEXT: npu.conv %arg0, %arg1 {{.*}} -> tensor<1x8x4x4xf32>
// CHECK-NEXT: return
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @m5(%x: tensor<1x1x400xf32>, %w: tensor<32x1x40xf32>) -> tensor<1x32x47xf32> {
  %y = npu.conv %x, %w {strides = array<i64: 8>, dilations = array<i64: 1>, pads = array<i64: 4, 4>} : (tensor<1x1x400xf32>, tensor<32x1x40xf32>) -> tensor<1x32x47xf32> loc("c1")
  return %y : tensor<1x32x47xf32>
}
func.func @patches(%x: tensor<1x3x64x64xf32>, %w: tensor<8x3x16x16xf32>) -> tensor<1x8x4x4xf32> {
  %y = npu.conv %x, %w {strides = array<i64: 16, 16>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x64x64xf32>, tensor<8x3x16x16xf32>) -> tensor<1x8x4x4xf32> loc("patch")
  return %y : tensor<1x8x4x4xf32>
}
}

// -----

// A depthwise kernel past 11 of stride 1 (a Conformer's 31 taps along
// time): the sum of depthwise convolutions of chunks of at most 11 taps
// (11, 11, 9), each over the padded input sliced from its first tap, the
// bias with the first; the chunks' weights are constants.
// CHECK-LABEL: func.func @conformer
// CHECK: %[[P:.*]] = npu.pad {{.*}}pads = array<i64: 0, 0, 0, 15, 0, 0, 0, 15>} : (tensor<1x8x1x40xf32>) -> tensor<1x8x1x70xf32>
// CHECK: %[[S0:.*]] = npu.slice %[[P]] {starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : tensor<1x8x1x70xf32> to tensor<1x8x1x50xf32>
// CHECK: %[[C0:.*]] = npu.conv %[[S0]], %{{.*}}, %arg2 {{.*}}group = 8 {{.*}} : (tensor<1x8x1x50xf32>, tensor<8x1x1x11xf32>, tensor<8xf32>) -> tensor<1x8x1x40xf32>
// CHECK: npu.slice %[[P]] {starts = array<i64: 0, 0, 0, 11>, {{.*}} to tensor<1x8x1x50xf32>
// CHECK: npu.conv {{.*}} : (tensor<1x8x1x50xf32>, tensor<8x1x1x11xf32>) -> tensor<1x8x1x40xf32>
// CHECK: npu.add %[[C0]],
// CHECK: npu.slice %[[P]] {starts = array<i64: 0, 0, 0, 22>, {{.*}} to tensor<1x8x1x48xf32>
// CHECK: npu.conv {{.*}} : (tensor<1x8x1x48xf32>, tensor<8x1x1x9xf32>) -> tensor<1x8x1x40xf32>
// CHECK: npu.add
// CHECK: npu.reshape {{.*}} to tensor<1x8x40xf32>
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @conformer(%x: tensor<1x8x40xf32>, %unused: tensor<8x1x31xf32>, %b: tensor<8xf32>) -> tensor<1x8x40xf32> {
  %w = npu.constant dense<0.5> : tensor<8x1x31xf32>
  %y = npu.conv %x, %w, %b {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 15, 15>, group = 8} : (tensor<1x8x40xf32>, tensor<8x1x31xf32>, tensor<8xf32>) -> tensor<1x8x40xf32> loc("dw")
  return %y : tensor<1x8x40xf32>
}
}
