// RUN: npu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(npu-select-precision{target=top1=0.9 quiet=true})' | FileCheck %s
// RUN: npu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(npu-select-precision{target=top1=0.9 report=%t.json})' 2>&1 >/dev/null | FileCheck %s --check-prefix=REPORT
// RUN: %python -c "import json; r = json.load(open('%t.json')); print(r['target'], r['top1_all_int8_simulated'] < 0.5, r['top1_chosen'] >= 0.9, r['top1_chosen_from'], r['samples_checked'], 'cosine_chosen' in r)" | FileCheck %s --check-prefix=JSON
// RUN: not npu-opt %s -split-input-file --pass-pipeline='builtin.module(npu-select-precision{target=top1=0})' 2>&1 | FileCheck %s --check-prefix=ZERO

// top1=A: the share of positions (every index but the last axis) whose
// argmax over the last axis is float's. In int8 the second convolution
// reads every value of its input as 0 (the first one's range is 2000 wide
// for values within about +-2), so every position's classes tie and the
// argmax is the first class, not float's; with the second convolution in
// fp16 the argmax is float's (measured on these samples: everywhere; the
// first convolution's int8 rounding may swap two nearly equal classes, so
// at least 0.9 is checked). A top1 target is
// checked with the device's arithmetic on every sample (a cos target on 2).
// CHECK-LABEL: func.func @classes_on_last_axis
// CHECK-NOT: npu.fp16
// CHECK: npu.conv %{{.*}}, %{{.*}} {{{.*}}npu.fp16
// CHECK-NOT: npu.fp16
// CHECK: return
// REPORT: npu-select-precision: target top1 >= 0.9 (every output, pooled over 8 generated (unvalidated) sample(s)); simulated: all int8 0.12500, all fp16 1.00000; 1 of 2 DPU layers in fp16 -> {{0\.9[0-9]+|1\.00000}} with the device's arithmetic on 8 sample(s)
// REPORT: fp16 layer (tensor)
// REPORT-NEXT: c2 npu.conv 0.00000
// JSON: {'metric': 'top1', 'value': 0.9} True True device arithmetic 8 False
// ZERO: invalid accuracy target 'top1=0': expected cos=C {{.*}}, top1=A {{.*}}, iou@T=A {{.*}} or ctc=A / ctc@B=A {{.*}}, with C, A in (0, 1]

func.func @classes_on_last_axis(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -4.0, 4.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -1000.0, 1000.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32> loc("c1")
  %w2 = npu.constant dense<0.2> : tensor<16x16x1x1xf32>
  %d = npu.conv %c, %w2 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32> loc("c2")
  %t = npu.tanh %d {npu.range = array<f32: -1.0, 1.0>} : tensor<1x16x8x8xf32> loc("t")
  return %t : tensor<1x16x8x8xf32>
}

// -----

// An output whose last axis has one element has no classes to pick from:
// top1 cannot measure this model.
// expected-error@+1 {{accuracy target 'top1=0.9' measures the argmax over a float output's last axis, and no float output of this model has more than one element there: use cos=C (an integer output counts as the share of its elements equal to float's)}}
func.func @no_classes(%x: tensor<1x16x8x1xf32> {npu.range = array<f32: -4.0, 4.0>}) -> tensor<1x16x8x1xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -2.0, 2.0>}
      : (tensor<1x16x8x1xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x1xf32>
  return %c : tensor<1x16x8x1xf32>
}
