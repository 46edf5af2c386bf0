// RUN: npu-opt %s --npu-compile-pipeline | FileCheck %s
// RUN: npu-opt %s --npu-compile-pipeline="compile-from=canonical compile-to=canonical" | FileCheck %s --check-prefix=NOTHING
// RUN: not npu-opt %s --npu-compile-pipeline="compile-to=tasks" 2>&1 | FileCheck %s --check-prefix=NOTYET
// RUN: not npu-opt %s --npu-compile-pipeline="compile-to=int8 precision=fp16" 2>&1 | FileCheck %s --check-prefix=BADSTAGE
// The compile pipeline for npu-opt: from origin to canonical by default;
// tasks is not a separate stage yet.

// CHECK: module attributes {npu.target = #npu.target<NPU4000>}
// CHECK: %[[C:.*]] = npu.constant dense<3.000000e+00> : tensor<2xf32>
// CHECK: npu.add %arg0, %[[C]]
// NOTHING: npu.add %{{.*}}, %{{.*}}
// NOTHING: npu.add
// NOTYET: npu-opt: error: the 'tasks' stage is not a separate stage yet: task scheduling and memory assignment run together inside code generation, whose result is the 'addressed' stage
// BADSTAGE: unknown stage 'int8' for compile-to; valid stages: origin, canonical, fp16, hwops, tiled, grouped, tasks, addressed, blob
module attributes {npu.target = #npu.target<NPU4000>} {
  func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
    %a = npu.constant dense<1.0> : tensor<2xf32>
    %b = npu.constant dense<2.0> : tensor<2xf32>
    %c = npu.add %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    %y = npu.add %x, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    return %y : tensor<2xf32>
  }
}
