// The tasks stage's verifier and memory assignment's errors.
// RUN: npu-opt %s -split-input-file -verify-diagnostics --npu-assign-memory -o /dev/null

// expected-error @+1 {{'nputask.program' op is not a valid tasks-stage program: task 'store' has no schedule (every task of the tasks stage has one)}}
nputask.program attributes {cmx_used = array<i64: 0, 0>, compiler_version = "test", options_hash = 0 : i64, platform = "NPU3720", scratch_size = 0 : i64} {
  nputask.input "x" "f16" [1024] "ND"
  nputask.output "y" "f16" [1024] "ND"
  %x = nputask.buffer "x" input[0] offset 0 size 2048
  %y = nputask.buffer "y" output[0] offset 0 size 2048
  %a = nputask.buffer "a" cmx[0] size 2048
  nputask.queue dma[0] {
    nputask.dma "load" %x <f16 [1024] offset 0> to %a <f16 [1024] offset 0> {schedule = array<i64: 0, 0, 0>}
    nputask.dma "store" %a <f16 [1024] offset 0> to %y <f16 [1024] offset 0>
  }
}

// -----

// expected-error @+1 {{'nputask.program' op is not a valid tasks-stage program: task 'load' has schedule position 0, which task 'store' has}}
nputask.program attributes {cmx_used = array<i64: 0, 0>, compiler_version = "test", options_hash = 0 : i64, platform = "NPU3720", scratch_size = 0 : i64} {
  nputask.input "x" "f16" [1024] "ND"
  nputask.output "y" "f16" [1024] "ND"
  %x = nputask.buffer "x" input[0] offset 0 size 2048
  %y = nputask.buffer "y" output[0] offset 0 size 2048
  %a = nputask.buffer "a" cmx[0] size 2048
  nputask.queue dma[0] {
    nputask.dma "store" %a <f16 [1024] offset 0> to %y <f16 [1024] offset 0> {schedule = array<i64: 0, 0, 0>}
  }
  nputask.queue dma[1] {
    nputask.dma "load" %x <f16 [1024] offset 0> to %a <f16 [1024] offset 0> {schedule = array<i64: 0, 0, 0>}
  }
}

// -----

// expected-error @+1 {{'nputask.program' op is not a valid tasks-stage program: task 'store' comes after task 'load' in its queue but before it in the schedule}}
nputask.program attributes {cmx_used = array<i64: 0, 0>, compiler_version = "test", options_hash = 0 : i64, platform = "NPU3720", scratch_size = 0 : i64} {
  nputask.input "x" "f16" [1024] "ND"
  nputask.output "y" "f16" [1024] "ND"
  %x = nputask.buffer "x" input[0] offset 0 size 2048
  %y = nputask.buffer "y" output[0] offset 0 size 2048
  %a = nputask.buffer "a" cmx[0] size 2048
  nputask.queue dma[0] {
    nputask.dma "load" %x <f16 [1024] offset 0> to %a <f16 [1024] offset 0> {schedule = array<i64: 1, 0, 0>}
    nputask.dma "store" %a <f16 [1024] offset 0> to %y <f16 [1024] offset 0> {schedule = array<i64: 0, 0, 0>}
  }
}

// -----

// expected-error @+1 {{'nputask.program' op is not a valid tasks-stage program: has barriers before memory assignment (the tasks stage has none: npu-assign-memory derives them)}}
nputask.program attributes {cmx_used = array<i64: 0, 0>, compiler_version = "test", options_hash = 0 : i64, platform = "NPU3720", scratch_size = 0 : i64} {
  nputask.input "x" "f16" [1024] "ND"
  nputask.output "y" "f16" [1024] "ND"
  %x = nputask.buffer "x" input[0] offset 0 size 2048
  %y = nputask.buffer "y" output[0] offset 0 size 2048
  %a = nputask.buffer "a" cmx[0] size 2048
  %b = nputask.barrier producers 1 consumers 1
  nputask.queue dma[0] {
    nputask.dma "load" updates(%b) %x <f16 [1024] offset 0> to %a <f16 [1024] offset 0> {schedule = array<i64: 0, 0, 0>}
  }
  nputask.queue dma[1] {
    nputask.dma "store" waits(%b) %a <f16 [1024] offset 0> to %y <f16 [1024] offset 0> {schedule = array<i64: 1, 1, 1>}
  }
}

// -----

// expected-error @+1 {{'nputask.program' op is not a valid tasks-stage program: buffer 0 ('x') has no offset; only CMX and scratch buffers are placed by memory assignment}}
nputask.program attributes {cmx_used = array<i64: 0, 0>, compiler_version = "test", options_hash = 0 : i64, platform = "NPU3720", scratch_size = 0 : i64} {
  nputask.input "x" "f16" [1024] "ND"
  nputask.output "y" "f16" [1024] "ND"
  %x = nputask.buffer "x" input[0] size 2048
  %y = nputask.buffer "y" output[0] offset 0 size 2048
  nputask.queue dma[0] {
    nputask.dma "copy" %x <f16 [1024] offset 0> to %y <f16 [1024] offset 0> {schedule = array<i64: 0, 0, 0>}
  }
}

// -----

// Each buffer fits CMX, but the two live at once do not.
// expected-error @+1 {{'nputask.program' op memory assignment failed: the CMX of tile 0 cannot hold its buffers: placing them takes 2400000 bytes (2400000 live at once), 1982464 are usable}}
nputask.program attributes {cmx_used = array<i64: 0, 0>, compiler_version = "test", options_hash = 0 : i64, platform = "NPU3720", scratch_size = 0 : i64} {
  nputask.input "x" "f16" [600000] "ND"
  nputask.output "y" "f16" [600000] "ND"
  %x = nputask.buffer "x" input[0] offset 0 size 1200000
  %y = nputask.buffer "y" output[0] offset 0 size 1200000
  %a = nputask.buffer "a" cmx[0] size 1200000
  %b = nputask.buffer "b" cmx[0] size 1200000
  nputask.queue dma[0] {
    nputask.dma "load.a" %x <f16 [600000] offset 0> to %a <f16 [600000] offset 0> {schedule = array<i64: 0, 0, 0>}
    nputask.dma "load.b" %x <f16 [600000] offset 0> to %b <f16 [600000] offset 0> {schedule = array<i64: 1, 0, 1>}
    nputask.dma "a.y" %a <f16 [600000] offset 0> to %y <f16 [600000] offset 0> {schedule = array<i64: 2, 0, 2>}
    nputask.dma "b.y" %b <f16 [600000] offset 0> to %y <f16 [600000] offset 0> {schedule = array<i64: 3, 0, 3>}
  }
}

// -----

nputask.program attributes {cmx_used = array<i64: 0, 0>, compiler_version = "test", options_hash = 0 : i64, platform = "NPU3720", scratch_size = 0 : i64} {
  nputask.input "x" "f16" [1024] "ND"
  nputask.output "y" "f16" [1024] "ND"
  %x = nputask.buffer "x" input[0] offset 0 size 2048
  %y = nputask.buffer "y" output[0] offset 0 size 2048
  // expected-error @+1 {{'nputask.buffer' op has a planned offset that is negative or beside an offset (only an unplaced buffer of the tasks stage has one)}}
  %a = nputask.buffer "a" cmx[0] offset 0 size 2048 {planned_offset = 0 : i64}
  nputask.queue dma[0] {
    nputask.dma "load" %x <f16 [1024] offset 0> to %a <f16 [1024] offset 0> {schedule = array<i64: 0, 0, 0>}
  }
}

// -----

// expected-error @+1 {{'nputask.program' op is not a valid tasks-stage program: buffer 2 ('a') has planned offset 32; a planned offset is a 64-byte aligned place for a CMX buffer within the usable CMX (1982464 bytes)}}
nputask.program attributes {cmx_used = array<i64: 0, 0>, compiler_version = "test", options_hash = 0 : i64, platform = "NPU3720", scratch_size = 0 : i64} {
  nputask.input "x" "f16" [1024] "ND"
  nputask.output "y" "f16" [1024] "ND"
  %x = nputask.buffer "x" input[0] offset 0 size 2048
  %y = nputask.buffer "y" output[0] offset 0 size 2048
  %a = nputask.buffer "a" cmx[0] size 2048 {planned_offset = 32 : i64}
  nputask.queue dma[0] {
    nputask.dma "load" %x <f16 [1024] offset 0> to %a <f16 [1024] offset 0> {schedule = array<i64: 0, 0, 0>}
    nputask.dma "store" %a <f16 [1024] offset 0> to %y <f16 [1024] offset 0> {schedule = array<i64: 1, 0, 1>}
  }
}
