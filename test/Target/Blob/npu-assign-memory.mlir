// Memory assignment (AssignMemory.h) on a hand-written tasks stage. When
// CMX cannot hold "a", "b" and "c" at once, the two whose live ranges do
// not meet share bytes, and the reuse adds the wait it needs (the load of
// "b", on the other DMA port, waits for the barrier of the op group that
// last used "a"'s bytes).
// RUN: npu-opt %s -split-input-file --npu-assign-memory | FileCheck %s
// RUN: npu-opt %s -split-input-file --npu-assign-memory | npu-opt -split-input-file | FileCheck %s

// CHECK-LABEL: nputask.program attributes {cmx_used = array<i64: 1600000, 0>
// CHECK-SAME: scratch_size = 0 : i64
// CHECK: %[[A:.*]] = nputask.buffer "a" cmx[0] offset 800000 size 800000
// CHECK: %[[B:.*]] = nputask.buffer "b" cmx[0] offset 800000 size 800000
// CHECK: %[[C:.*]] = nputask.buffer "c" cmx[0] offset 0 size 800000
// CHECK: %[[BAR:.*]] = nputask.barrier producers 2 consumers 1
// CHECK-NOT: nputask.barrier
// CHECK: nputask.queue dma[0] {
// CHECK-NEXT: nputask.dma "load.a" updates(%[[BAR]]) %{{.*}} to %[[A]]
// CHECK-NEXT: nputask.dma "store.a" updates(%[[BAR]]) %[[A]]
// CHECK: nputask.queue dma[1] {
// CHECK-NEXT: nputask.dma "load.c"
// CHECK-NEXT: nputask.dma "load.b" waits(%[[BAR]]) %{{.*}} to %[[B]]
// CHECK-NEXT: nputask.dma "store.b" %[[B]]
// CHECK-NEXT: nputask.dma "store.c" %[[C]]
// CHECK-NOT: schedule
nputask.program attributes {cmx_used = array<i64: 0, 0>, compiler_version = "test", options_hash = 0 : i64, platform = "NPU3720", scratch_size = 0 : i64} {
  nputask.input "x" "f16" [400000] "ND"
  nputask.output "y" "f16" [400000] "ND"
  nputask.output "z" "f16" [400000] "ND"
  nputask.output "w" "f16" [400000] "ND"
  %x = nputask.buffer "x" input[0] offset 0 size 800000
  %y = nputask.buffer "y" output[0] offset 0 size 800000
  %z = nputask.buffer "z" output[1] offset 0 size 800000
  %w = nputask.buffer "w" output[2] offset 0 size 800000
  %a = nputask.buffer "a" cmx[0] size 800000
  %b = nputask.buffer "b" cmx[0] size 800000
  %c = nputask.buffer "c" cmx[0] size 800000
  nputask.queue dma[0] {
    nputask.dma "load.a" %x <f16 [400000] offset 0> to %a <f16 [400000] offset 0> {schedule = array<i64: 1, 1, 1>}
    nputask.dma "store.a" %a <f16 [400000] offset 0> to %y <f16 [400000] offset 0> {schedule = array<i64: 2, 1, 2>}
  }
  nputask.queue dma[1] {
    nputask.dma "load.c" %x <f16 [400000] offset 0> to %c <f16 [400000] offset 0> {schedule = array<i64: 0, 0, 0>}
    nputask.dma "load.b" %x <f16 [400000] offset 0> to %b <f16 [400000] offset 0> {schedule = array<i64: 3, 2, 3>}
    nputask.dma "store.b" %b <f16 [400000] offset 0> to %z <f16 [400000] offset 0> {schedule = array<i64: 4, 2, 4>}
    nputask.dma "store.c" %c <f16 [400000] offset 0> to %w <f16 [400000] offset 0> {schedule = array<i64: 5, 3, 5>}
  }
}

// -----

// With room to spare, "b" takes bytes nothing used before rather than wait
// for "a"'s store: no barrier at all.
// CHECK-LABEL: nputask.program attributes {cmx_used = array<i64: 6144, 0>
// CHECK: nputask.buffer "a" cmx[0] offset 2048 size 2048
// CHECK: nputask.buffer "b" cmx[0] offset 4096 size 2048
// CHECK: nputask.buffer "c" cmx[0] offset 0 size 2048
// CHECK-NOT: nputask.barrier
// CHECK: nputask.queue dma[0] {
nputask.program attributes {cmx_used = array<i64: 0, 0>, compiler_version = "test", options_hash = 0 : i64, platform = "NPU3720", scratch_size = 0 : i64} {
  nputask.input "x" "f16" [1024] "ND"
  nputask.output "y" "f16" [1024] "ND"
  nputask.output "z" "f16" [1024] "ND"
  nputask.output "w" "f16" [1024] "ND"
  %x = nputask.buffer "x" input[0] offset 0 size 2048
  %y = nputask.buffer "y" output[0] offset 0 size 2048
  %z = nputask.buffer "z" output[1] offset 0 size 2048
  %w = nputask.buffer "w" output[2] offset 0 size 2048
  %a = nputask.buffer "a" cmx[0] size 2048
  %b = nputask.buffer "b" cmx[0] size 2048
  %c = nputask.buffer "c" cmx[0] size 2048
  nputask.queue dma[0] {
    nputask.dma "load.a" %x <f16 [1024] offset 0> to %a <f16 [1024] offset 0> {schedule = array<i64: 1, 1, 1>}
    nputask.dma "store.a" %a <f16 [1024] offset 0> to %y <f16 [1024] offset 0> {schedule = array<i64: 2, 1, 2>}
  }
  nputask.queue dma[1] {
    nputask.dma "load.c" %x <f16 [1024] offset 0> to %c <f16 [1024] offset 0> {schedule = array<i64: 0, 0, 0>}
    nputask.dma "load.b" %x <f16 [1024] offset 0> to %b <f16 [1024] offset 0> {schedule = array<i64: 3, 2, 3>}
    nputask.dma "store.b" %b <f16 [1024] offset 0> to %z <f16 [1024] offset 0> {schedule = array<i64: 4, 2, 4>}
    nputask.dma "store.c" %c <f16 [1024] offset 0> to %w <f16 [1024] offset 0> {schedule = array<i64: 5, 3, 5>}
  }
}

// -----

// Scratch buffers share bytes only across op groups: "s" and "t" are both
// touched by op 1, so they do not; "u" (op 2 only) takes "s"'s bytes.
// CHECK-LABEL: nputask.program attributes {cmx_used = array<i64: 0, 0>
// CHECK-SAME: scratch_size = 4096 : i64
// CHECK: nputask.buffer "s" scratch[0] offset 0 size 2048
// CHECK: nputask.buffer "t" scratch[0] offset 2048 size 2048
// CHECK: nputask.buffer "u" scratch[0] offset 0 size 2048
nputask.program attributes {cmx_used = array<i64: 0, 0>, compiler_version = "test", options_hash = 0 : i64, platform = "NPU3720", scratch_size = 0 : i64} {
  nputask.input "x" "f16" [1024] "ND"
  nputask.output "y" "f16" [1024] "ND"
  %x = nputask.buffer "x" input[0] offset 0 size 2048
  %y = nputask.buffer "y" output[0] offset 0 size 2048
  %s = nputask.buffer "s" scratch[0] size 2048
  %t = nputask.buffer "t" scratch[0] size 2048
  %u = nputask.buffer "u" scratch[0] size 2048
  nputask.queue dma[0] {
    nputask.dma "x.s" %x <f16 [1024] offset 0> to %s <f16 [1024] offset 0> {schedule = array<i64: 0, 0, 0>}
    nputask.dma "s.t" %s <f16 [1024] offset 0> to %t <f16 [1024] offset 0> {schedule = array<i64: 1, 1, 1>}
    nputask.dma "t.u" %t <f16 [1024] offset 0> to %u <f16 [1024] offset 0> {schedule = array<i64: 2, 2, 2>}
    nputask.dma "u.y" %u <f16 [1024] offset 0> to %y <f16 [1024] offset 0> {schedule = array<i64: 3, 3, 3>}
  }
}

// -----

// "b" is born beside "a", so when "a" dies the 1.3 MB "c" finds no run of
// free bytes that long: the buffers' planned offsets (code generation's
// own layout, valid for these live ranges) are taken instead.
// CHECK-LABEL: nputask.program attributes {cmx_used = array<i64: 1982464, 0>
// CHECK: nputask.buffer "a" cmx[0] offset 0 size 600000
// CHECK: nputask.buffer "b" cmx[0] offset 1382464 size 600000
// CHECK: nputask.buffer "c" cmx[0] offset 0 size 1300000
// CHECK-NOT: planned_offset
nputask.program attributes {cmx_used = array<i64: 0, 0>, compiler_version = "test", options_hash = 0 : i64, platform = "NPU3720", scratch_size = 0 : i64} {
  nputask.input "x" "f16" [650000] "ND"
  nputask.output "y" "f16" [650000] "ND"
  %x = nputask.buffer "x" input[0] offset 0 size 1300000
  %y = nputask.buffer "y" output[0] offset 0 size 1300000
  %a = nputask.buffer "a" cmx[0] size 600000 {planned_offset = 0 : i64}
  %b = nputask.buffer "b" cmx[0] size 600000 {planned_offset = 1382464 : i64}
  %c = nputask.buffer "c" cmx[0] size 1300000 {planned_offset = 0 : i64}
  nputask.queue dma[0] {
    nputask.dma "load.a" %x <f16 [300000] offset 0> to %a <f16 [300000] offset 0> {schedule = array<i64: 0, 0, 0>}
    nputask.dma "load.b" %x <f16 [300000] offset 0> to %b <f16 [300000] offset 0> {schedule = array<i64: 1, 0, 1>}
    nputask.dma "store.a" %a <f16 [300000] offset 0> to %y <f16 [300000] offset 0> {schedule = array<i64: 2, 0, 2>}
    nputask.dma "load.c" %x <f16 [650000] offset 0> to %c <f16 [650000] offset 0> {schedule = array<i64: 3, 0, 3>}
    nputask.dma "store.c" %c <f16 [650000] offset 0> to %y <f16 [650000] offset 0> {schedule = array<i64: 4, 0, 4>}
    nputask.dma "store.b" %b <f16 [300000] offset 0> to %y <f16 [300000] offset 0> {schedule = array<i64: 5, 0, 5>}
  }
}

// -----

// The same with planned offsets that are not valid for these live ranges
// ("b" planned over "a" while both are alive): they are not taken, the
// buffers are packed instead (largest first into the smallest gap).
// CHECK-LABEL: nputask.program attributes {cmx_used = array<i64: 1900032, 0>
// CHECK: nputask.buffer "a" cmx[0] offset 0 size 600000
// CHECK: nputask.buffer "b" cmx[0] offset 1300032 size 600000
// CHECK: nputask.buffer "c" cmx[0] offset 0 size 1300000
nputask.program attributes {cmx_used = array<i64: 0, 0>, compiler_version = "test", options_hash = 0 : i64, platform = "NPU3720", scratch_size = 0 : i64} {
  nputask.input "x" "f16" [650000] "ND"
  nputask.output "y" "f16" [650000] "ND"
  %x = nputask.buffer "x" input[0] offset 0 size 1300000
  %y = nputask.buffer "y" output[0] offset 0 size 1300000
  %a = nputask.buffer "a" cmx[0] size 600000 {planned_offset = 0 : i64}
  %b = nputask.buffer "b" cmx[0] size 600000 {planned_offset = 0 : i64}
  %c = nputask.buffer "c" cmx[0] size 1300000 {planned_offset = 0 : i64}
  nputask.queue dma[0] {
    nputask.dma "load.a" %x <f16 [300000] offset 0> to %a <f16 [300000] offset 0> {schedule = array<i64: 0, 0, 0>}
    nputask.dma "load.b" %x <f16 [300000] offset 0> to %b <f16 [300000] offset 0> {schedule = array<i64: 1, 0, 1>}
    nputask.dma "store.a" %a <f16 [300000] offset 0> to %y <f16 [300000] offset 0> {schedule = array<i64: 2, 0, 2>}
    nputask.dma "load.c" %x <f16 [650000] offset 0> to %c <f16 [650000] offset 0> {schedule = array<i64: 3, 0, 3>}
    nputask.dma "store.c" %c <f16 [650000] offset 0> to %y <f16 [650000] offset 0> {schedule = array<i64: 4, 0, 4>}
    nputask.dma "store.b" %b <f16 [300000] offset 0> to %y <f16 [300000] offset 0> {schedule = array<i64: 5, 0, 5>}
  }
}
