// RUN: npu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(npu-select-precision{target=iou@0.6=0.9 quiet=true})' | FileCheck %s
// RUN: npu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(npu-select-precision{target=iou@0.6=0.9 report=%t.json})' 2>&1 >/dev/null | FileCheck %s --check-prefix=REPORT
// RUN: %python -c "import json; r = json.load(open('%t.json')); print(r['target'], r['iou_all_int8_simulated'], r['iou_chosen'], r['iou_chosen_from'], r['samples_checked'], 'cosine_chosen' in r)" | FileCheck %s --check-prefix=JSON

// iou@T=A: the intersection over union of the elements above T with
// float's, pooled over the samples, as a DB text detector's application
// binarizes its probability map. In int8 the second convolution reads its
// input on a grid 2000 wide for values within a few units, so the
// sigmoid's map is about 0.5 wherever float's is above 0.6: the mask is
// lost. With the second convolution in fp16 the mask is float's but where
// int8's rounding of the first convolution's input moves a value across
// the threshold. Like top1, an iou target is checked with the device's
// arithmetic on every sample.
// CHECK-LABEL: func.func @thresholded_map
// CHECK-NOT: npu.fp16
// CHECK: npu.conv %{{.*}}, %{{.*}} {{{.*}}npu.fp16
// CHECK-NOT: npu.fp16
// CHECK: return
// REPORT: npu-select-precision: target iou@0.6 >= 0.9 (every output, pooled over 8 generated (unvalidated) sample(s)); simulated: all int8 0.00000, all fp16 1.00000; 1 of 2 DPU layers in fp16 -> 1.00000 with the device's arithmetic on 8 sample(s)
// REPORT: fp16 layer (tensor)
// REPORT-NEXT: c2 npu.conv
// JSON: {'metric': 'iou', 'threshold': 0.6, 'value': 0.9} 0 1 device arithmetic 8 False

func.func @thresholded_map(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -4.0, 4.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -1000.0, 1000.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32> loc("c1")
  %w2 = npu.constant dense<0.2> : tensor<16x16x1x1xf32>
  %d = npu.conv %c, %w2 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -8.0, 8.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32> loc("c2")
  %s = npu.sigmoid %d {npu.range = array<f32: 0.0, 1.0>} : tensor<1x16x8x8xf32> loc("s")
  return %s : tensor<1x16x8x8xf32>
}

// -----

// A map that never exceeds the threshold in float on the samples (a
// sigmoid is below 1): the target would measure nothing.
// expected-error@+1 {{accuracy target 'iou@0.6=0.9' measures the elements above 0.6, and no float output of this model has one on any of the 8 sample(s) in float: use cos=C (an integer output counts as the share of its elements equal to float's)}}
func.func @never_above(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -4.0, 4.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.001> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -0.1, 0.1>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %s = npu.sigmoid %c {npu.range = array<f32: 0.0, 1.0>} : tensor<1x16x8x8xf32>
  return %s : tensor<1x16x8x8xf32>
}
