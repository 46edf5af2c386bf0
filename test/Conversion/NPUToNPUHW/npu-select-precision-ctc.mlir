// RUN: npu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(npu-select-precision{target=ctc=0.9 quiet=true})' | FileCheck %s
// RUN: npu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(npu-select-precision{target=ctc=0.9 report=%t.json})' 2>&1 >/dev/null | FileCheck %s --check-prefix=REPORT
// RUN: %python -c "import json; r = json.load(open('%t.json')); print(r['target'], r['ctc_all_int8_simulated'], r['ctc_chosen'] >= 0.9, r['ctc_chosen_from'], r['samples_checked'])" | FileCheck %s --check-prefix=JSON
// RUN: not npu-opt %s -split-input-file --pass-pipeline='builtin.module(npu-select-precision{target=ctc@8=0.9})' 2>&1 | FileCheck %s --check-prefix=BLANK
// RUN: not npu-opt %s -split-input-file --pass-pipeline='builtin.module(npu-select-precision{target=ctc@-1=0.9})' 2>&1 | FileCheck %s --check-prefix=SYNTAX

// ctc=A: one less the edit distance of the greedy CTC decoding (argmax per
// step over the last axis, the steps along the axis before it, repeats
// collapsed, blank class 0 dropped) from float's, over float's labels. In
// int8 the second convolution reads every value of its input as 0 (the
// first one's range is 2000 wide for values within about +-2), so every
// step's classes tie, the argmax is class 0, the blank, and every label is
// lost (all int8: 0); with the second convolution in fp16 the text is
// float's but where int8's rounding of the first convolution's input swaps
// two nearly equal classes. Checked with the device's arithmetic on every
// sample.
// CHECK-LABEL: func.func @sequences_of_classes
// CHECK-NOT: npu.fp16
// CHECK: npu.conv %{{.*}}, %{{.*}} {{{.*}}npu.fp16
// CHECK-NOT: npu.fp16
// CHECK: return
// REPORT: npu-select-precision: target ctc >= 0.9 (every output, pooled over 8 generated (unvalidated) sample(s)); simulated: all int8 0.00000, all fp16 1.00000; 1 of 2 DPU layers in fp16 -> {{(0\.9[0-9]+|1\.00000)}} with the device's arithmetic on 8 sample(s)
// REPORT: fp16 layer (tensor)
// REPORT-NEXT: c2 npu.conv 0.00000
// JSON: {'blank': 0, 'metric': 'ctc', 'value': 0.9} 0 True device arithmetic 8
// BLANK: error: accuracy target 'ctc@8=0.9': output 0: the blank class 8 is not one of the output's 8 classes
// SYNTAX: invalid accuracy target 'ctc@-1=0.9': expected cos=C {{.*}} or ctc=A / ctc@B=A {{.*}} B a whole number from 0

func.func @sequences_of_classes(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -4.0, 4.0>}) -> tensor<1x16x8x8xf32> {
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

// An output whose last axis has one element has no classes to decode: ctc
// cannot measure this model.
// expected-error@+1 {{accuracy target 'ctc=0.9' measures the greedy CTC decoding of a float output over its last axis, and no float output of this model has more than one element there: use cos=C (an integer output counts as the share of its elements equal to float's)}}
func.func @no_classes(%x: tensor<1x16x8x1xf32> {npu.range = array<f32: -4.0, 4.0>}) -> tensor<1x16x8x1xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -2.0, 2.0>}
      : (tensor<1x16x8x1xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x1xf32>
  return %c : tensor<1x16x8x1xf32>
}

// -----

// Float decodes to no label at all (every step's argmax is the blank): ctc
// measures nothing here either, unless the blank is another class.
// expected-error@+1 {{accuracy target 'ctc=0.9' measures the labels of the greedy CTC decoding of a float output (argmax over its last axis, repeats collapsed, blank class 0 dropped), and no float output of this model decodes to one on any of the 8 sample(s): use cos=C, or ctc@B=A with the model's blank class B}}
func.func @all_blank(%x: tensor<1x16x8x4xf32> {npu.range = array<f32: -4.0, 4.0>}) -> tensor<1x16x8x4xf32> {
  %w = npu.constant dense<0.0> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -2.0, 2.0>}
      : (tensor<1x16x8x4xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x4xf32>
  return %c : tensor<1x16x8x4xf32>
}
