// RUN: npu-opt %s -split-input-file -verify-diagnostics
// What the addressed stage's parser and verifier reject: malformed views and
// workloads, fields out of range, tasks in the wrong queue, and every
// program the blob verifier rejects (its message is the diagnostic).

nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
  %0 = nputask.buffer "x" input[0] offset 0 size 32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
  nputask.queue dma[0] {
    // expected-error @+1 {{unknown element type 'q8'}}
    nputask.dma "copy" %0 <q8 [16] offset 0> to %1 <f16 [16] offset 0>
  }
}

// -----

nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
  %0 = nputask.buffer "x" input[0] offset 0 size 32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
  nputask.queue dma[0] {
    // expected-error @+1 {{a view has one stride per dimension: 1 dimensions, 2 strides}}
    nputask.dma "copy" %0 <f16 [16] offset 0 strides [2, 2]> to %1 <f16 [16] offset 0>
  }
}

// -----

nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16, 1, 16] "ND"
  nputask.output "y" "f16" [16, 1, 16] "ND"
  %0 = nputask.buffer "in" cmx[0] offset 0 size 512
  %1 = nputask.buffer "out" cmx[0] offset 512 size 512
  nputask.queue dpu[0] {
    // expected-error @+1 {{unknown MPE mode 'CUBOID_2x2' (expected CUBOID_4x16, CUBOID_8x16 or CUBOID_16x16)}}
    nputask.dpu max_pool "p" in %0 <f16 [16, 1, 16] offset 0> out %1 <f16 [16, 1, 16] offset 0> {kernel = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, ppe = {}, strides = array<i64: 1, 1>, workloads = [#nputask.workload<at 0, 0, 0 size 1, 16, 16 CUBOID_2x2>]}
  }
}

// -----

// A view that reads past the end of its buffer.
// expected-error @+1 {{is not a valid task program: dma[0] task 0 'copy': source reaches byte 34 of buffer 0 'x', which has 32 bytes}}
nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
  %0 = nputask.buffer "x" input[0] offset 0 size 32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
  nputask.queue dma[0] {
    nputask.dma "copy" %0 <f16 [16] offset 2> to %1 <f16 [16] offset 0>
  }
}

// -----

// A barrier that counts two producers but has one.
// expected-error @+1 {{is not a valid task program: barrier 0 declares 2 producers but 1 tasks update it}}
nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
  %0 = nputask.buffer "x" input[0] offset 0 size 32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
  %2 = nputask.barrier producers 2 consumers 1
  nputask.queue dma[0] {
    nputask.dma "a" updates(%2) %0 <f16 [8] offset 0> to %1 <f16 [8] offset 0>
    nputask.dma "b" waits(%2) %0 <f16 [8] offset 16> to %1 <f16 [8] offset 16>
  }
}

// -----

// CMX beyond the tile's capacity.
// expected-error @+1 {{is not a valid task program: buffer 2 'big' (4194304 bytes at CMX offset 0 of tile 0) ends past the NPU3720's CMX capacity of 1982464 usable bytes}}
nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
  %0 = nputask.buffer "x" input[0] offset 0 size 32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
  %2 = nputask.buffer "big" cmx[0] offset 0 size 4194304
  nputask.queue dma[0] {
    nputask.dma "a" %0 <f16 [16] offset 0> to %1 <f16 [16] offset 0>
  }
}

// -----

nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
  %0 = nputask.buffer "x" input[0] offset 0 size 32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
  nputask.queue dpu[0] {
    // expected-error @+1 {{is a dma task in a dpu queue}}
    nputask.dma "a" %0 <f16 [16] offset 0> to %1 <f16 [16] offset 0>
  }
}

// -----

nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
  %0 = nputask.buffer "x" input[0] offset 0 size 32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
  nputask.queue shave[0] {
    // expected-error @+1 {{names unknown SHAVE kernel 'frobnicate'}}
    nputask.shave "frobnicate" "k" ins(%0) [#nputask.view<f16 [16] offset 0>] outs(%1) [#nputask.view<f16 [16] offset 0>] {fparams = array<f32>, iparams = array<i64>}
  }
}

// -----

nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
  %0 = nputask.buffer "x" input[0] offset 0 size 32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
  nputask.queue shave[0] {
    // expected-error @+1 {{has 1 inputs and 2 views}}
    nputask.shave "exp" "k" ins(%0) [#nputask.view<f16 [16] offset 0>, #nputask.view<f16 [16] offset 0>] outs(%1) [#nputask.view<f16 [16] offset 0>] {fparams = array<f32>, iparams = array<i64>}
  }
}

// -----

nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16, 1, 16] "ND"
  nputask.output "y" "f16" [16, 1, 16] "ND"
  %0 = nputask.buffer "in" cmx[0] offset 0 size 512
  %1 = nputask.buffer "out" cmx[0] offset 512 size 512
  nputask.queue dpu[0] {
    // expected-error @+1 {{has unknown ppe field 'gain'}}
    nputask.dpu max_pool "p" in %0 <f16 [16, 1, 16] offset 0> out %1 <f16 [16, 1, 16] offset 0> {kernel = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, ppe = {gain = 2 : i64}, strides = array<i64: 1, 1>, workloads = [#nputask.workload<at 0, 0, 0 size 1, 16, 16 CUBOID_16x16>]}
  }
}

// -----

nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16, 1, 16] "ND"
  nputask.output "y" "f16" [16, 1, 16] "ND"
  %0 = nputask.buffer "in" cmx[0] offset 0 size 512
  %1 = nputask.buffer "out" cmx[0] offset 512 size 512
  nputask.queue dpu[0] {
    // expected-error @+1 {{ppe field 'shift' = 300 is outside [0, 255]}}
    nputask.dpu max_pool "p" in %0 <f16 [16, 1, 16] offset 0> out %1 <f16 [16, 1, 16] offset 0> {kernel = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, ppe = {shift = 300 : i64}, strides = array<i64: 1, 1>, workloads = [#nputask.workload<at 0, 0, 0 size 1, 16, 16 CUBOID_16x16>]}
  }
}

// -----

nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16, 1, 16] "ND"
  nputask.output "y" "f16" [16, 1, 16] "ND"
  %0 = nputask.buffer "in" cmx[0] offset 0 size 512
  %1 = nputask.buffer "out" cmx[0] offset 512 size 512
  nputask.queue dpu[0] {
    // expected-error @+1 {{has 3 kernel values, expected 2}}
    nputask.dpu max_pool "p" in %0 <f16 [16, 1, 16] offset 0> out %1 <f16 [16, 1, 16] offset 0> {kernel = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0>, ppe = {}, strides = array<i64: 1, 1>, workloads = [#nputask.workload<at 0, 0, 0 size 1, 16, 16 CUBOID_16x16>]}
  }
}

// -----

// expected-error @+1 {{has unknown platform 'NPU9999' (expected NPU3720 or NPU4000)}}
nputask.program attributes {platform = "NPU9999", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16] "ND"
}

// -----

nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  // expected-error @+1 {{has unknown layout 'NCWH' (expected ND, NCHW or NHWC)}}
  nputask.input "x" "f16" [16] "NCWH"
}

// -----

nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
  %0 = nputask.buffer "x" input[0] offset 0 size 32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
  // expected-error @+1 {{expects parent op 'nputask.queue'}}
  nputask.dma "a" %0 <f16 [16] offset 0> to %1 <f16 [16] offset 0>
}

// -----

nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
  %0 = nputask.buffer "x" input[0] offset 0 size 32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
  // expected-error @+1 {{has a negative producer or consumer count}}
  %2 = nputask.barrier producers -3 consumers 1
}

// -----

nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
  // expected-error @+1 {{has a negative index, offset or size}}
  %0 = nputask.buffer "x" input[0] offset 0 size -32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
}

// -----

nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
  %0 = nputask.buffer "x" input[0] offset 0 size 32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
  nputask.queue dma[0] {
    // expected-error @+1 {{expected a count or byte offset from 0 to 18446744073709551615}}
    nputask.dma "copy" %0 <f16 [16] offset -2> to %1 <f16 [16] offset 0>
  }
}

// -----

// An output named like an input.
// expected-error @+1 {{is not a valid task program: output 0 has the name of an input, 'x' (graph argument names are unique)}}
nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "x" "f16" [16] "ND"
  %0 = nputask.buffer "x" input[0] offset 0 size 32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
  nputask.queue dma[0] {
    nputask.dma "copy" %0 <f16 [16] offset 0> to %1 <f16 [16] offset 0>
  }
}

// -----

// The weights section has one index.
// expected-error @+1 {{is not a valid task program: buffer 2 'w' has index 1 in weights, which has only index 0}}
nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>, weights = dense_resource<w> : tensor<4xi8>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
  %0 = nputask.buffer "x" input[0] offset 0 size 32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
  %2 = nputask.buffer "w" weights[1] offset 0 size 4
  nputask.queue dma[0] {
    nputask.dma "copy" %0 <f16 [16] offset 0> to %1 <f16 [16] offset 0>
  }
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x0100000001020304"
    }
  }
#-}

// -----

// The weights' type must give their size.
// expected-error @+1 {{has weights that are not a 1-D i8 dense resource with its data and its byte count as its size}}
nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>, weights = dense_resource<w> : tensor<8xi8>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x0100000001020304"
    }
  }
#-}

// -----

// Two DMA ports writing the same bytes with no barrier between them.
// expected-error @+1 {{is not a valid task program: tasks 'a' (dma[0]) and 'b' (dma[1]) race: both touch output 0 bytes [0, 32), both writing, and neither waits (through its queue or its barriers) for the other}}
nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
  %0 = nputask.buffer "x" input[0] offset 0 size 32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
  nputask.queue dma[0] {
    nputask.dma "a" %0 <f16 [16] offset 0> to %1 <f16 [16] offset 0>
  }
  nputask.queue dma[1] {
    nputask.dma "b" %0 <f16 [16] offset 0> to %1 <f16 [16] offset 0>
  }
}

// -----

// A chained SHAVE kernel runs in the launch of the SHAVE task before it in
// its queue: there must be one.
nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
  %0 = nputask.buffer "x" input[0] offset 0 size 32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
  nputask.queue shave[0] {
    // expected-error @+1 {{is chained but does not follow a SHAVE task in its queue}}
    nputask.shave "exp" "" chained ins(%0) [#nputask.view<f16 [16] offset 0>] outs(%1) [#nputask.view<f16 [16] offset 0>] {fparams = array<f32>, iparams = array<i64>}
  }
}

// -----

// The chain's first op holds its name, barriers and schedule.
nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 0>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
  %0 = nputask.buffer "x" input[0] offset 0 size 32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
  nputask.queue shave[0] {
    nputask.shave "exp" "k" ins(%0) [#nputask.view<f16 [16] offset 0>] outs(%1) [#nputask.view<f16 [16] offset 0>] {fparams = array<f32>, iparams = array<i64>}
    // expected-error @+1 {{is chained: its name must be empty and it takes no barriers or schedule (the chain's first op has them)}}
    nputask.shave "neg" "k2" chained ins(%1) [#nputask.view<f16 [16] offset 0>] outs(%1) [#nputask.view<f16 [16] offset 0>] {fparams = array<f32>, iparams = array<i64>}
  }
}

// -----

// A chained kernel is checked as a task would be: here it reads the CMX of
// another tile than its SHAVE's.
// expected-error @+1 {{is not a valid task program: shave[0] task 0 'k', chained kernel 1: operand is in the CMX of tile 1; this SHAVE is on tile 0}}
nputask.program attributes {platform = "NPU3720", compiler_version = "test", options_hash = 0, scratch_size = 0, cmx_used = array<i64: 0, 32>} {
  nputask.input "x" "f16" [16] "ND"
  nputask.output "y" "f16" [16] "ND"
  %0 = nputask.buffer "x" input[0] offset 0 size 32
  %1 = nputask.buffer "y" output[0] offset 0 size 32
  %2 = nputask.buffer "t" cmx[1] offset 0 size 32
  nputask.queue shave[0] {
    nputask.shave "exp" "k" ins(%0) [#nputask.view<f16 [16] offset 0>] outs(%1) [#nputask.view<f16 [16] offset 0>] {fparams = array<f32>, iparams = array<i64>}
    nputask.shave "neg" "" chained ins(%2) [#nputask.view<f16 [16] offset 0>] outs(%1) [#nputask.view<f16 [16] offset 0>] {fparams = array<f32>, iparams = array<i64>}
  }
}
