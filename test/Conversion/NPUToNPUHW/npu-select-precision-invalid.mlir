// RUN: npu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(npu-select-precision{target=cos=1.0 quiet=true})'
// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-select-precision{target=sqnr=30})' 2>&1 | FileCheck %s --check-prefix=METRIC

// A target that even fp16 cannot reach (f16 rounding of the input and the
// weights already moves the outputs) is an error, not a silent fp16 model.
// METRIC: invalid accuracy target 'sqnr=30': expected cos=C {{.*}}, top1=A {{.*}}, iou@T=A {{.*}} or ctc=A / ctc@B=A {{.*}}, with C, A in (0, 1]

// expected-error@+1 {{accuracy target cos=1.0 is out of reach: even with every layer in fp16 the smallest output cosine to float is 0.99999}}
func.func @unreachable(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -4.0, 4.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -2.0, 2.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  return %c : tensor<1x16x8x8xf32>
}
