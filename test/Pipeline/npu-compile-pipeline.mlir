// RUN: npu-opt %s --npu-compile-pipeline | FileCheck %s
// RUN: npu-opt %s --npu-compile-pipeline="compile-from=canonical compile-to=canonical" | FileCheck %s --check-prefix=NOTHING
// RUN: npu-opt %s --npu-compile-pipeline="compile-to=tasks precision=fp16" | FileCheck %s --check-prefix=TASKS
// RUN: npu-opt %s --npu-compile-pipeline="compile-to=tasks precision=fp16" | npu-opt --npu-compile-pipeline="compile-from=tasks compile-to=addressed precision=fp16" | FileCheck %s --check-prefix=ADDRESSED
// RUN: not npu-opt %s --npu-compile-pipeline="compile-to=int8 precision=fp16" 2>&1 | FileCheck %s --check-prefix=BADSTAGE
// The compile pipeline for npu-opt: from origin to canonical by default;
// tasks (scratch buffers without offsets, each task's schedule) and
// addressed (placed, barriers derived) are stages like the others.

// CHECK: module attributes {npu.target = #npu.target<NPU4000>}
// CHECK: %[[C:.*]] = npu.constant dense<3.000000e+00> : tensor<2xf32>
// CHECK: npu.add %arg0, %[[C]]
// NOTHING: npu.add %{{.*}}, %{{.*}}
// NOTHING: npu.add
// TASKS: nputask.buffer "shave#1" scratch[0] size 4
// The conversion in, the add and the conversion out run one after the
// other: one SHAVE chain, one task, one schedule, no barrier.
// TASKS: nputask.shave "convert" "shave#1+shave#2+shave#3" {{.*}} schedule = array<i64: 0, 0, 0>
// TASKS-NEXT: nputask.shave "add" "" chained
// TASKS-NEXT: nputask.shave "convert" "" chained
// ADDRESSED: nputask.program attributes {{.*}}scratch_size = 128 : i64
// ADDRESSED: nputask.buffer "shave#1" scratch[0] offset 0 size 4
// ADDRESSED: nputask.buffer "shave#2" scratch[0] offset 64 size 4
// ADDRESSED-NOT: nputask.barrier
// ADDRESSED-NOT: schedule
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
