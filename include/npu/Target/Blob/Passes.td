//===- Passes.td - Code generation to blobs ----------------*- tablegen -*-===//

#ifndef NPU_TARGET_BLOB_PASSES_TD
#define NPU_TARGET_BLOB_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// Code generation
//===----------------------------------------------------------------------===//

def NPUTile : Pass<"npu-tile", "mlir::ModuleOp"> {
  let summary = "Splits every DPU op into pieces that fit CMX, spread over "
                "the tiles, and records the split";
  let description = [{
    The `tiled` stage. Each DPU op (`npuhw.dpu_conv`, `npuhw.dpu_eltwise`)
    is split over its output rows (with halos) and output channels into
    pieces whose input rows, weights, weight table and output fit one
    tile's CMX, spread over `tiles` tiles: split over H, split over K or
    both, whichever the cost model (`npu/Arch/CostModel.h`) estimates
    fastest, with single or double buffering (docs/codegen.md, "DPU
    tiling"). Each op gets its CMX alone here; the `grouped` stage re-tiles
    the ops whose operands it keeps in CMX.

    The split is recorded, and later stages follow it:
    ```mlir
    func.func @main(...) attributes {npu.tiling_tiles = 2 : i64} {
      %1 = npuhw.dpu_conv conv %0, %w, %t {..., npu.tiling = {channels = 64,
             rows = 56, slots = 2, strategy = "split over K",
             weight_slots = 1}}
    ```
    `rows` x `channels` is one piece, `slots` its input / output buffers
    (2: double buffered), `weight_slots` its weight buffers, `strategy` how
    the pieces spread over the tiles (checked against them). An edited
    record is checked when it is used: a split whose buffers pass the CMX
    is an error at the op.
  }];
  let options = [
    Option<"tiles", "tiles", "unsigned", /*default=*/"0",
           "Tiles to spread over"
           " (0: the tiles the function's npu.tiling_tiles / npu.cmx_tiles record, else all tiles of the target)">,
    Option<"maxPieceRows", "max-piece-rows", "unsigned", /*default=*/"0",
           "Most output rows of one DPU piece (0: as many as CMX allows)">,
  ];
}

def NPUGroupLayers : Pass<"npu-group-layers", "mlir::ModuleOp"> {
  let summary = "Chooses the activations kept in CMX between DPU ops (layer "
                "grouping) and records them";
  let description = [{
    The `grouped` stage. For each tensor produced by a DPU op (or by the
    SHAVE epilogue code generation runs on its pieces, docs/codegen.md
    "SHAVE epilogues") and read only by DPU ops, keeps it in CMX instead of
    a DDR round trip when the copies to the other tiles cost less than the
    DDR store and loads, every DPU op of its live range can still be tiled
    in the CMX left, and their estimated cycles do not grow past a limit
    (docs/codegen.md, "Resident tensors"). Chains of such tensors are the
    layer groups. A tensor whose readers are all row-local is held banded
    (each tile its band of rows, never copied). Of the plans made under
    three policies, the one whose program has the lowest modelled latency
    is kept.

    The plan is recorded, and `npu-generate-tasks` follows it:
    ```mlir
    func.func @main(...) attributes {npu.cmx_tiles = 2 : i64} {
      %1 = npuhw.dpu_conv conv %0, ... {npu.cmx = {banded, offset = 1769472 : i64, size = 200704 : i64}, ...}
    ```
    `npu.cmx` on the op producing a resident tensor (for an epilogue's
    result, its last SHAVE op) gives its CMX offset
    (the same on every tile) and its bytes on one tile; `npu.cmx_tiles` the
    tiles the plan is for. An edited plan is checked by code generation
    (overlaps, capacity, readers, row-locality, tiling).

    Every DPU op then carries its final `npu.tiling` (see `npu-tile`): the
    ops that read or write a resident tensor, or whose CMX the resident
    tensors shrink, are tiled again for it (a warning says so when that
    replaces a record that was edited); the others keep their record.

    Those ops' tiling estimates take part of each tile's first weights
    slice as loaded during the op before (where the prefetch puts it): the
    part, one of a few candidate cycle counts, is the one whose program,
    generated to the addressed stage with the default code generation
    options, has the lowest modelled latency, the figure the simulated
    device charges (docs/codegen.md, "Choosing by the modelled latency").

    Last, the program so grouped is generated again with each DMA put on
    the port where code generation's estimated schedule lets it start
    first, instead of the port with the fewest bytes queued; when that
    program's modelled latency is lower, the function records
    `npu.dma_ports = "earliest-start"` and `npu-generate-tasks` follows it.
    Then it is generated once more with deep prefetch: the first weights
    slices of DPU ops several ops ahead (up to 8) load during the op being
    emitted, where CMX has room for them beside the layouts of every op
    before them and the estimated schedule has the loads end before that
    op's DPU tasks do (so they use DMA time nothing else needs); when that
    program's modelled latency is lower, the function records
    `npu.deep_prefetch`. After the SHAVE split, it is generated with each
    SHAVE task on the SHAVE where the estimated schedule lets it start
    first, instead of the SHAVEs in turn; when that is faster, the function
    records `npu.shaves = "earliest-start"`. Where an elementwise SHAVE op
    feeds several concat operands and another SHAVE op computes its input,
    it is generated with that op run into each concat rather than once in
    the other's chain; when that is faster, the function records
    `npu.shave_into_each_concat`.
  }];
  let options = [
    Option<"tiles", "tiles", "unsigned", /*default=*/"0",
           "Tiles to plan for"
           " (0: the tiles the function's npu.tiling_tiles / npu.cmx_tiles record, else all tiles of the target)">,
    Option<"maxPieceRows", "max-piece-rows", "unsigned", /*default=*/"0",
           "Most output rows of one DPU piece (0: as many as CMX allows)">,
    Option<"searchCredit", "search-credit", "bool", /*default=*/"true",
           "Choose the first weights slice's credit by the modelled latency"
           " of the generated program (false: no credit)">,
    Option<"searchDmaPorts", "search-dma-ports", "bool", /*default=*/"true",
           "Choose how code generation picks DMA ports (fewest bytes queued,"
           " or earliest estimated start) by the modelled latency of the"
           " generated program (false: fewest bytes)">,
    Option<"searchShaveSplit", "search-shave-split", "bool",
           /*default=*/"true",
           "Let code generation split small SHAVE kernels by their vector"
           " work (npu.shave_split_by_work = N: each task at least 1 / N of"
           " a launch's worth, N = 1, 2 or 4) where the modelled latency of"
           " the generated program is lowest so (false: by 8192 elements per"
           " task only)">,
    Option<"searchShaves", "search-shaves", "bool", /*default=*/"true",
           "Choose how code generation picks the SHAVE of each SHAVE task"
           " (in turn, or earliest estimated start: npu.shaves ="
           " \"earliest-start\") by the modelled latency of the generated"
           " program (false: in turn)">,
    Option<"searchIntoConcats", "search-into-concats", "bool",
           /*default=*/"true",
           "Choose how an elementwise SHAVE op feeding several concat"
           " operands, whose input another SHAVE op computes, runs (once in"
           " that op's chain with copies, or into each concat:"
           " npu.shave_into_each_concat) by the modelled latency of the"
           " generated program (false: once in the chain)">,
    Option<"searchOpOrder", "search-op-order", "bool", /*default=*/"true",
           "Order the ops by level (each after every op it reads, as early"
           " as that allows, ties in the original order) where the modelled"
           " latency of the generated program is lower so (false: the"
           " original order)">,
    Option<"searchDeepPrefetch", "search-deep-prefetch", "bool",
           /*default=*/"true",
           "Let code generation load the first weights of DPU ops several"
           " ops ahead in the DMA's idle time (npu.deep_prefetch) where the"
           " modelled latency of the generated program is lower so (false:"
           " the next op's only)">,
    Option<"shaveEpilogues", "shave-epilogues", "bool", /*default=*/"true",
           "Plan for code generation's SHAVE epilogues: a tensor that SHAVE "
           "ops compute from a DPU op's pieces may stay in CMX (code "
           "generation must then run with shave-epilogues too)">,
  ];
}

def NPUGenerateTasks : Pass<"npu-generate-tasks", "mlir::ModuleOp"> {
  let summary = "Tiles and schedules the hardware-op function: the tasks "
                "stage";
  let description = [{
    The `tasks` stage. Task generation (docs/codegen.md) turns the module's
    function, in the hardware-op form, into an `nputask.program` that
    replaces it: DPU ops tiled into pieces that fit CMX and spread over
    `tiles` tiles (split over rows with halos and over output channels),
    each piece's workloads in the MPE mode the cost model prefers,
    activations kept in CMX where they fit, the elementwise SHAVE ops after
    a DPU op run on its pieces in CMX (SHAVE epilogues), other SHAVE kernels
    split over the SHAVEs, data movement as strided DMAs, weights loaded
    ahead. The tasks
    are in their engines' queues with their `schedule` (emission position,
    op and step group); CMX and scratch buffers have no offset and there
    are no barriers: `npu-assign-memory` places the buffers and derives
    the barriers. The target is the module's `npu.target`.

    Input: the `hwops` stage (one function). Output:
    ```mlir
    nputask.program attributes {platform = "NPU3720", ...} {
      nputask.input "x" "f16" [16, 16, 16] "ND"
      nputask.output "y" "f16" [16, 16, 16] "ND"
      %0 = nputask.buffer "x" input[0] offset 0 size 8192
      %1 = nputask.buffer "conv.in.t0" cmx[0] size 8192
      nputask.queue dma[0] {
        nputask.dma "conv.in.t0" %0 <f16 [16, 16, 16] offset 0>
            to %1 <f16 [16, 16, 16] offset 0>
            {schedule = array<i64: 0, 0, 0>}
      }
      nputask.queue dpu[0] {
        nputask.dpu conv "conv.t0" in %1 <f16 [16, 16, 16] offset 0>
            ... {schedule = array<i64: 1, 0, 1>}
      }
    }
    ```
  }];
  let options = [
    Option<"tiles", "tiles", "unsigned", /*default=*/"0",
           "Tiles to use"
           " (0: the tiles the function's npu.tiling_tiles / npu.cmx_tiles record, else all tiles of the target)">,
    Option<"maxPieceRows", "max-piece-rows", "unsigned", /*default=*/"0",
           "Most output rows of one DPU piece (0: as many as CMX allows)">,
    Option<"splitShave", "split-shave", "bool", /*default=*/"true",
           "Split large elementwise SHAVE kernels across the SHAVEs">,
    Option<"cmxResidency", "cmx-residency", "bool", /*default=*/"true",
           "Keep activations between DPU ops in CMX where they fit">,
    Option<"prefetchWeights", "prefetch-weights", "bool", /*default=*/"true",
           "Load the next DPU op's first weights while the current one "
           "computes">,
    Option<"shaveEpilogues", "shave-epilogues", "bool", /*default=*/"true",
           "Run elementwise SHAVE ops after a DPU op on its output pieces "
           "in CMX (not on the whole result in DDR)">,
  ];
  let dependentDialects = ["::npu::task::NPUTaskDialect"];
}

def NPUAssignMemory : Pass<"npu-assign-memory", "mlir::ModuleOp"> {
  let summary = "Places the tasks stage's buffers and derives its barriers: "
                "the addressed task program";
  let description = [{
    The `addressed` stage (docs/codegen.md, "Memory assignment"). Each CMX
    buffer lives from the first to the last task touching it in schedule
    order, each scratch buffer from the first to the last op group; buffers
    are placed per tile's CMX and in the DDR scratch with reuse, 64-byte
    aligned, in order of birth where reusing bytes makes no task wait
    (bytes never used, or whose old and new tasks the true dependencies
    already order), else where the old buffer's last task is the earliest;
    a tile that does not fit that way takes its `planned_offset`s (code
    generation's own layout) or is packed. The barriers are
    then derived from the tasks' memory hazards at their addresses, by
    replaying the schedule with its op and step groups, and the memory plan
    records the CMX used per tile and the scratch size. The result is
    checked by the blob verifier and race check; `npu-write-blob`
    serialises it.

    Errors: a tile whose buffers do not fit its usable CMX (bytes placed,
    bytes live at once, bytes usable); a module without a tasks-stage
    program. The memory plan (CMX used per tile, scratch bytes) is the
    program's `cmx_used` and `scratch_size`, and `npu-blob dump`'s
    `memory:` line.

    Output:
    ```mlir
    nputask.program attributes {cmx_used = array<i64: 16384, 0>, ...} {
      %0 = nputask.buffer "x" input[0] offset 0 size 8192
      %1 = nputask.buffer "conv.in.t0" cmx[0] offset 0 size 8192
      %2 = nputask.barrier producers 1 consumers 1
      nputask.queue dma[0] {
        nputask.dma "conv.in.t0" updates(%2) %0 <f16 [16, 16, 16] offset 0>
            to %1 <f16 [16, 16, 16] offset 0>
      }
      ...
    }
    ```
  }];
  let dependentDialects = ["::npu::task::NPUTaskDialect"];
}

def NPUWriteBlob : Pass<"npu-write-blob", "mlir::ModuleOp"> {
  let summary = "Writes the blob of an addressed program or a hardware-op "
                "function";
  let description = [{
    With an `nputask.program` in the module (the `addressed` stage), the
    program is serialised unchanged: the same bytes `npu-compile` writes
    (the blob's `options_hash` is the program's). Otherwise:

    Code generation (docs/codegen.md): the module's function, in the
    hardware-op form (`npu.constant`, `npuhw.dpu_conv` / `dpu_eltwise` /
    `shave`, `npu.reshape` / `transpose` / `slice` / `concat`,
    `func.return`), becomes a blob for `target`: DPU ops tiled into pieces
    that fit CMX and spread over `tiles` tiles, SHAVE kernels on DDR
    operands, data movement as strided DMAs, the DDR scratch allocated by
    liveness and barriers derived from the tasks' memory hazards. The
    program is verified with the blob verifier and written to `output`
    (nothing is written when `output` is empty). The IR is not changed.

    Input:
    ```mlir
    func.func @main(%x: tensor<16x16x16xf16> {npu.name = "x"})
        -> (tensor<16x16x16xf16> {npu.name = "y"}) {
      %w = npu.constant dense<...> : tensor<16x3x3x16xf16>
      %t = npu.constant dense<...> : tensor<16x4xi32>
      %y = npuhw.dpu_conv conv %x, %w, %t {kernel = array<i64: 3, 3>,
             strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>}
          : (...) -> tensor<16x16x16xf16>
      return %y : tensor<16x16x16xf16>
    }
    ```
    Output (`npu-blob dump`): per piece a DMA of the input rows, the weights
    and the table into CMX, the DPU task with its workloads, a DMA of the
    output rows into the Output argument `y`, and the barriers between them.
  }];
  let options = [
    Option<"output", "output", "std::string", /*default=*/"\"\"",
           "Path of the blob to write (empty: generate and verify only)">,
    Option<"target", "target", "std::string", /*default=*/"\"NPU3720\"",
           "Target platform: NPU3720 or NPU4000 (without it: the module's "
           "npu.target, else NPU3720)">,
    Option<"tiles", "tiles", "unsigned", /*default=*/"0",
           "Tiles to use"
           " (0: the tiles the function's npu.tiling_tiles / npu.cmx_tiles record, else all tiles of the target)">,
    Option<"maxPieceRows", "max-piece-rows", "unsigned", /*default=*/"0",
           "Most output rows of one DPU piece (0: as many as CMX allows)">,
    Option<"splitShave", "split-shave", "bool", /*default=*/"true",
           "Split large elementwise SHAVE kernels across the SHAVEs">,
    Option<"cmxResidency", "cmx-residency", "bool", /*default=*/"true",
           "Keep activations between DPU ops in CMX where they fit">,
    Option<"prefetchWeights", "prefetch-weights", "bool", /*default=*/"true",
           "Load the next DPU op's first weights while the current one "
           "computes">,
    Option<"shaveEpilogues", "shave-epilogues", "bool", /*default=*/"true",
           "Run elementwise SHAVE ops after a DPU op on its output pieces "
           "in CMX (not on the whole result in DDR)">,
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "The function to compile (empty: the module's only function)">,
  ];
}

#endif // NPU_TARGET_BLOB_PASSES_TD
