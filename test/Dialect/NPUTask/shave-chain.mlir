// A SHAVE chain (blob format 1.2): kernels that run in one SHAVE launch, in
// order, each reading and writing as a task of its own would. The addressed
// stage writes the later kernels as `chained` ops; the blob holds them as
// one task, and the text, the blob and the dump give each other back.
// RUN: npu-opt %s | npu-opt | FileCheck %s
// RUN: npu-opt %s --npu-write-blob=output=%t.blob -o /dev/null
// RUN: npu-blob verify --races %t.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.blob | FileCheck %s --check-prefix=DUMP
// RUN: npu-blob dump --json %t.blob | FileCheck %s --check-prefix=JSON
//
// y = exp(-exp(x)): the same bytes as the three kernels as three tasks
// (format 1.0), in one launch.
// RUN: sed -e 's/"" chained/"u"/' %s | npu-opt --npu-write-blob=output=%t.tasks.blob -o /dev/null
// RUN: npu-blob verify %t.tasks.blob | FileCheck %s --check-prefix=TASKS
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.linspace(-2, 2, 16).astype(np.float16))"
// RUN: npu-run %t.blob --input x=%t.x.npy --output-dir %t.chain --profile | FileCheck %s --check-prefix=PROFILE
// RUN: npu-run %t.tasks.blob --input x=%t.x.npy --output-dir %t.tasks
// RUN: cmp %t.chain/y.npy %t.tasks/y.npy
// RUN: %python -c "import numpy as np; x = np.load('%t.x.npy').astype(np.float64); y = np.load('%t.chain/y.npy'); assert np.allclose(y, np.exp(-np.exp(x)), rtol=2e-3), y; print('order kept')" | FileCheck %s --check-prefix=VALUES

// CHECK: nputask.shave "exp" "k" ins(%{{.*}}) [#nputask.view<f16 [16] offset 0>] outs
// CHECK-NEXT: nputask.shave "neg" "" chained ins
// CHECK-NEXT: nputask.shave "exp" "" chained ins
// VERIFY: valid NPU3720 blob, format 1.2, 1 tasks
// TASKS: valid NPU3720 blob, format 1.0, 3 tasks
// DUMP: shave[0] (1 tasks)
// DUMP-NEXT: {{^ +}}k{{$}}
// DUMP-NEXT: kernel exp fparams [] iparams []
// DUMP-NEXT: in  buf0(x)+0 f16 16
// DUMP-NEXT: out buf1(y)+0 f16 16
// DUMP-NEXT: then kernel neg fparams [] iparams []
// DUMP-NEXT: in  buf1(y)+0 f16 16
// DUMP-NEXT: out buf1(y)+0 f16 16
// DUMP-NEXT: then kernel exp
// JSON: "kernel":"exp"
// JSON-SAME: "chained":[{"kernel":"neg",{{.*}}},{"kernel":"exp",
// One launch: 1500 SHAVE cycles + 2 vectors (16 f16 elements, 8 lanes) of
// exp x 6 + neg x 1 + exp x 6 = 1526 SHAVE cycles at 975 MHz = 2035 DPU
// cycles at 1.3 GHz.
// PROFILE: shave[0]{{ +}}0{{ +}}2035{{ +}}2035{{ +}}k
// VALUES: order kept

nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
  %0 = nputask.buffer "x" input[0] offset 0 size 32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
  nputask.queue shave[0] {
    nputask.shave "exp" "k" ins(%0) [#nputask.view<f16 [16] offset 0>] outs(%1) [#nputask.view<f16 [16] offset 0>] {fparams = array<f32>, iparams = array<i64>}
    nputask.shave "neg" "" chained ins(%1) [#nputask.view<f16 [16] offset 0>] outs(%1) [#nputask.view<f16 [16] offset 0>] {fparams = array<f32>, iparams = array<i64>}
    nputask.shave "exp" "" chained ins(%1) [#nputask.view<f16 [16] offset 0>] outs(%1) [#nputask.view<f16 [16] offset 0>] {fparams = array<f32>, iparams = array<i64>}
  }
}
