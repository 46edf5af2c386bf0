// RUN: npu-opt %s -split-input-file --pass-pipeline='builtin.module(npu-select-precision{target=none fp16-layers=r1})' 2>%t.txt | FileCheck %s
// RUN: FileCheck %s --check-prefix=REPORT < %t.txt
// RUN: not npu-opt %s -split-input-file --pass-pipeline='builtin.module(npu-select-precision{target=none fp16-layers=t})' 2>&1 | FileCheck %s --check-prefix=SHAVE

// fp16-layers takes the ONNX names a user sees: a ReLU fused into a
// convolution's DPU task ('r1', after 'c1') names that convolution's layer,
// which stays fp16; the other convolution stays int8.
// CHECK-LABEL: func.func @fused_activation
// CHECK: npu.conv %arg0, {{.*}}npu.fp16
// CHECK: npu.relu
// CHECK-NOT: npu.fp16
// CHECK: return
// REPORT: the 1 of 2 DPU layers fp16-layers names in fp16
// REPORT: c1 npu.conv asked
//
// A SHAVE op ('t', not fused) is still not a layer.
// SHAVE: error: --fp16-layers: 't' (the nearest layer before it: 'c2') is not a DPU layer

func.func @fused_activation(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -4.0, 4.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32> loc("c1")
  %r = npu.relu %c {npu.range = array<f32: 0.0, 4.0>} : tensor<1x16x8x8xf32> loc("r1")
  %w2 = npu.constant dense<0.2> : tensor<16x16x1x1xf32>
  %d = npu.conv %r, %w2 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32> loc("c2")
  %t = npu.tanh %d {npu.range = array<f32: -1.0, 1.0>} : tensor<1x16x8x8xf32> loc("t")
  return %t : tensor<1x16x8x8xf32>
}

// -----

// The same for a ReLU fused into a transposed convolution's DPU task ('r1'
// after 'c1'): that transposed convolution stays fp16.
// CHECK-LABEL: func.func @fused_after_transposed
// CHECK: npu.conv_transpose %arg0, {{.*}}npu.fp16
// CHECK: npu.relu
// CHECK-NOT: npu.fp16
// CHECK: return
// REPORT: c1 npu.conv_transpose asked
func.func @fused_after_transposed(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -4.0, 4.0>}) -> tensor<1x16x16x16xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x2x2xf32>
  %c = npu.conv_transpose %x, %w {dilations = array<i64: 1, 1>, npu.range = array<f32: -4.0, 4.0>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x2x2xf32>) -> tensor<1x16x16x16xf32> loc("c1")
  %r = npu.relu %c {npu.range = array<f32: 0.0, 4.0>} : tensor<1x16x16x16xf32> loc("r1")
  %w2 = npu.constant dense<0.2> : tensor<16x16x1x1xf32>
  %d = npu.conv %r, %w2 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x16x16xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x16x16xf32> loc("c2")
  %t = npu.tanh %d {npu.range = array<f32: -1.0, 1.0>} : tensor<1x16x16x16xf32> loc("t")
  return %t : tensor<1x16x16x16xf32>
}
