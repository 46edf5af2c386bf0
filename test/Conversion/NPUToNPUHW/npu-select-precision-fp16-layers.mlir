// RUN: npu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(npu-select-precision{target=none fp16-layers=c2 report=%t.none.json})' 2>%t.none.txt | FileCheck %s --check-prefix=NONE
// RUN: FileCheck %s --check-prefix=NONE-REPORT < %t.none.txt
// RUN: %python -c "import json; r = json.load(open('%t.none.json')); print(r['target'], r['fp16_layers_asked'], [(l['tensor'], l['asked']) for l in r['fp16_layers']], 'cosine_all_fp16_simulated' in r, r['cosine_chosen_from'])" | FileCheck %s --check-prefix=NONE-JSON
// RUN: npu-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(npu-select-precision{target=ctc=0.9 fp16-layers=c1 report=%t.both.json})' 2>%t.both.txt | FileCheck %s --check-prefix=BOTH
// RUN: FileCheck %s --check-prefix=BOTH-REPORT < %t.both.txt
// RUN: %python -c "import json; r = json.load(open('%t.both.json')); print(r['fp16_layers_asked'], [(l['tensor'], l['asked'], 'cosine_with_only_this_layer_int8' in l) for l in r['fp16_layers']], r['ctc_all_int8_simulated'])" | FileCheck %s --check-prefix=BOTH-JSON
// RUN: not npu-opt %s -split-input-file --pass-pipeline='builtin.module(npu-select-precision{target=none fp16-layers=t,c9,c1,c9})' 2>&1 | FileCheck %s --check-prefix=NAMES
// RUN: not npu-opt %s -split-input-file --pass-pipeline='builtin.module(npu-select-precision{target=none})' 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: not npu-opt %s -split-input-file --pass-pipeline='builtin.module(npu-select-precision{target=never fp16-layers=c1})' 2>&1 | FileCheck %s --check-prefix=SYNTAX

// fp16-layers: layers named by tensor key stay fp16 whatever the search
// finds. As in npu-select-precision-ctc.mlir, int8 reads every value of the
// second convolution's input as 0 (the first one's range is 2000 wide for
// values within about +-2) and loses every label; the second convolution in
// fp16 reads float's text.
//
// target=none: no search, exactly the named layers (c2) in fp16; the
// report gives the cosine that choice reaches, with the device's arithmetic.
// (c1 is the convolution of range +-1000, c2 the one of range +-4.)
// NONE-LABEL: func.func @sequences_of_classes
// NONE-NOT: npu.fp16
// NONE: npu.conv {{.*}}npu.range = array<f32: -1.000000e+03
// NONE-NOT: npu.fp16
// NONE: npu.conv %{{.*}}, %{{.*}} {{{.*}}npu.fp16, npu.range = array<f32: -4.000000e+00
// NONE-NOT: npu.fp16
// NONE: return
// NONE-REPORT: npu-select-precision: no accuracy target: the 1 of 2 DPU layers fp16-layers names in fp16, the others int8 -> output cosine to float {{(0\.99[0-9]+|1\.00000)}} with the device's arithmetic on 8 sample(s) (mean over 8 generated (unvalidated) sample(s); simulated {{[0-9.]+}})
// NONE-REPORT-NEXT: fp16 layer (tensor)
// NONE-REPORT-NEXT: c2 npu.conv asked
// NONE-JSON: {'metric': 'none'} 1 [('c2', True)] False device arithmetic
//
// ctc=0.9 with fp16-layers=c1: the search runs as without it (it keeps c2)
// and c1 joins its choice; c1 is reported as asked for.
// BOTH-LABEL: func.func @sequences_of_classes
// BOTH: npu.conv %{{.*}}, %{{.*}} {{{.*}}npu.fp16, npu.range = array<f32: -1.000000e+03
// BOTH: npu.conv %{{.*}}, %{{.*}} {{{.*}}npu.fp16, npu.range = array<f32: -4.000000e+00
// BOTH-REPORT: npu-select-precision: target ctc >= 0.9 (every output, pooled over 8 generated (unvalidated) sample(s)); simulated: all int8 0.00000, all fp16 1.00000; 2 of 2 DPU layers in fp16
// BOTH-REPORT: c1 npu.conv asked
// BOTH-REPORT-NEXT: c2 npu.conv 0.00000
// BOTH-JSON: 1 [('c1', True, False), ('c2', False, True)] 0{{$}}
//
// A name that is no tensor and one that is not a DPU layer (a SHAVE op,
// with the layer before it) are errors, named together and once each; the
// message names some of the layers.
// NAMES: error: --fp16-layers: 'c9' names no tensor of the model; 't' (the nearest layer before it: 'c2') is not a DPU layer (a SHAVE op computes in fp16 already; an activation or bias fused into a layer's DPU task is that layer's); the model's DPU layers (2) are named as calibration tables and npu-compare name tensors (a comma in a name written as \,), e.g. 'c1', 'c2'
// EMPTY: error: accuracy target 'none' keeps only the fp16-layers in fp16, and none are given
// SYNTAX: error: invalid accuracy target 'never': expected cos=C {{.*}} (or none, with fp16-layers)

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
