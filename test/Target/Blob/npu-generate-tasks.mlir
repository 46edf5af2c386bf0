// The tasks and addressed stages: npu-generate-tasks replaces the
// hardware-op function by the tasks-stage nputask.program (here a 3x3 conv
// over the 2 tiles of the NPU3720 in pieces of 4 rows, two per tile): CMX
// buffers without offsets, no barriers, each task's schedule; then
// npu-assign-memory places the buffers and derives the barriers, and
// npu-write-blob serialises that program to the same bytes it writes from
// the function directly.
// RUN: npu-opt %s --npu-generate-tasks="max-piece-rows=4" | FileCheck %s --check-prefix=TASKS
// RUN: npu-opt %s --npu-generate-tasks="max-piece-rows=4" -o %t.tasks.mlir
// RUN: npu-opt %t.tasks.mlir | diff %t.tasks.mlir -
// RUN: npu-opt %t.tasks.mlir --npu-assign-memory | FileCheck %s
// RUN: npu-opt %t.tasks.mlir --npu-assign-memory -o %t.mlir
// RUN: npu-opt %t.mlir --npu-write-blob=output=%t.from-program.blob -o /dev/null
// RUN: npu-opt %s --npu-write-blob="output=%t.direct.blob max-piece-rows=4" -o /dev/null
// RUN: cmp %t.from-program.blob %t.direct.blob
// RUN: npu-blob verify --races %t.from-program.blob | FileCheck %s --check-prefix=VERIFY
// The printed program parses back to the same text (resource included).
// RUN: npu-opt %t.mlir | diff %t.mlir -
// npu-opt creates the missing directories of -o and of the blob.
// RUN: rm -rf %t.dir
// RUN: npu-opt %t.mlir -o %t.dir/a/p.mlir --npu-write-blob=output=%t.dir/b/p.blob
// RUN: cmp %t.dir/b/p.blob %t.direct.blob
// A generated program is written as it is: code generation's options are
// an error, not silently ignored.
// RUN: not npu-opt %t.mlir --npu-write-blob="output=%t.x.blob target=NPU4000" -o /dev/null 2>&1 | FileCheck %s --check-prefix=OPTION
// OPTION: error: the module holds an nputask.program (the addressed stage), which is written as it is: option 'target' applies to code generation only
// The tasks stage is not a blob yet; an addressed program is not assigned
// again; assignment needs a program.
// RUN: not npu-opt %t.tasks.mlir --npu-write-blob=output=%t.y.blob -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNPLACED
// UNPLACED: error: 'nputask.program' op is the tasks stage (tasks with a schedule and no barriers yet): run npu-assign-memory first
// RUN: not npu-opt %t.mlir --npu-assign-memory -o /dev/null 2>&1 | FileCheck %s --check-prefix=TWICE
// TWICE: error: 'nputask.program' op is already addressed (its buffers have offsets and its tasks no schedule): memory assignment takes the tasks stage
// RUN: not npu-opt %s --npu-assign-memory -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOPROGRAM
// NOPROGRAM: error: has no nputask.program to assign memory to (run npu-generate-tasks first: the tasks stage)
// Errors: no target, two functions.
// RUN: not npu-opt %S/Inputs/no-target.mlir --npu-generate-tasks -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOTARGET
// RUN: not npu-opt %S/Inputs/two-functions.mlir --npu-generate-tasks -o /dev/null 2>&1 | FileCheck %s --check-prefix=TWO
// VERIFY: valid NPU3720 blob
// NOTARGET: error: the module has no target: expected a 'npu.target' attribute
// TWO: error: code generation needs exactly one function in the module

// TASKS: nputask.program attributes {cmx_used = array<i64: 0, 0>, {{.*}}scratch_size = 0 : i64
// TASKS-NOT: nputask.barrier
// TASKS: nputask.buffer "conv.t0.in.0" cmx[0] size 3072 {planned_offset = {{[0-9]+}} : i64}
// TASKS: nputask.buffer "conv.t1.wt" cmx[1] size 256
// TASKS: nputask.queue dma[0] {
// TASKS-NEXT: nputask.dma "conv.p0.in" %0 <f16 [5, 16, 16] offset 0> to %4 <f16 [5, 16, 16] offset 0> {schedule = array<i64: 0, 0, 0>}
// TASKS: nputask.queue dpu[0] {
// TASKS-NEXT: nputask.dpu conv "conv.p0" in %4 {{.*}}schedule = array<i64: 8, 0, 4>
// TASKS-NOT: waits(

// CHECK: module attributes {{.*}}npu.target = #npu.target<NPU3720>
// CHECK-NOT: func.func
// CHECK: nputask.program attributes {{[{]}}cmx_used = array<i64: [[CMX:[0-9]+]], [[CMX]]>, compiler_version = "npu-compile 0.1.0 (codegen v1)", options_hash = {{.*}}, platform = "NPU3720", scratch_size = 0 : i64, weights = dense_resource<npu_weights> : tensor<{{[0-9]+}}xi8>}
// CHECK-NEXT: nputask.input "x" "f16" [16, 16, 16] "ND"
// CHECK-NEXT: nputask.output "y" "f16" [16, 16, 16] "ND"
// CHECK: %[[X:.*]] = nputask.buffer "x" input[0] offset 0 size 8192
// CHECK: %[[Y:.*]] = nputask.buffer "y" output[0] offset 0 size 8192
// CHECK: nputask.barrier producers
// CHECK: nputask.queue dma[0] {
// CHECK: nputask.dma "conv.p0.in" {{.*}}%[[X]] <f16 [5, 16, 16] offset 0> to
// CHECK: nputask.queue dpu[0] {
// CHECK-NEXT: nputask.dpu conv "conv.p0" waits(%{{.*}}) updates(%{{.*}}) in %{{.*}} <f16 [5, 16, 16] offset 0> weights %{{.*}} <f16 [16, 3, 3, 16] offset 0> table %{{.*}} <i32 [16, 4] offset 0> out %{{.*}} <f16 [4, 16, 16] offset 0> {{[{]}}kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 0, 1>, ppe = {{[{]}}activation = 1 : i64}, strides = array<i64: 1, 1>, workloads = [#nputask.workload<at 0, 0, 0 size 16, 4, 16 CUBOID_16x16>]}
// CHECK: nputask.queue dpu[1] {
// CHECK: dialect_resources
// CHECK-NEXT: builtin
// CHECK-NEXT: npu_weights: "0x
module attributes {npu.target = #npu.target<NPU3720>} {
  func.func @main(%x: tensor<16x16x16xf16> {npu.name = "x"}) -> (tensor<16x16x16xf16> {npu.name = "y"}) {
    %w = npu.constant dense<0.25> : tensor<16x3x3x16xf16>
    %t = npu.constant dense<[[0, -1, 1065353216, 0], [288, -1, 1065353216, 0], [576, -1, 1065353216, 0], [864, -1, 1065353216, 0], [1152, -1, 1065353216, 0], [1440, -1, 1065353216, 0], [1728, -1, 1065353216, 0], [2016, -1, 1065353216, 0], [2304, -1, 1065353216, 0], [2592, -1, 1065353216, 0], [2880, -1, 1065353216, 0], [3168, -1, 1065353216, 0], [3456, -1, 1065353216, 0], [3744, -1, 1065353216, 0], [4032, -1, 1065353216, 0], [4320, -1, 1065353216, 0]]> : tensor<16x4xi32>
    %y = npuhw.dpu_conv conv %x, %w, %t {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>,
           pads = array<i64: 1, 1, 1, 1>, activation = #npuhw.activation<relu>}
        : (tensor<16x16x16xf16>, tensor<16x3x3x16xf16>, tensor<16x4xi32>) -> tensor<16x16x16xf16> loc("conv")
    return %y : tensor<16x16x16xf16>
  }
}
