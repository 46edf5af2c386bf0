//===- Passes.td - Code generation to blobs ----------------*- tablegen -*-===//

#ifndef NPU_TARGET_BLOB_PASSES_TD
#define NPU_TARGET_BLOB_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// Code generation
//===----------------------------------------------------------------------===//

def NPUWriteBlob : Pass<"npu-write-blob", "mlir::ModuleOp"> {
  let summary = "Generates the blob of a hardware-op function and writes it";
  let description = [{
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
           "Target platform: NPU3720 or NPU4000">,
    Option<"tiles", "tiles", "unsigned", /*default=*/"0",
           "Tiles to use (0: all tiles of the platform)">,
    Option<"maxPieceRows", "max-piece-rows", "unsigned", /*default=*/"0",
           "Most output rows of one DPU piece (0: as many as CMX allows)">,
    Option<"splitShave", "split-shave", "bool", /*default=*/"true",
           "Split large elementwise SHAVE kernels across the SHAVEs">,
    Option<"cmxResidency", "cmx-residency", "bool", /*default=*/"true",
           "Keep activations between DPU ops in CMX where they fit">,
    Option<"prefetchWeights", "prefetch-weights", "bool", /*default=*/"true",
           "Load the next DPU op's first weights while the current one "
           "computes">,
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "The function to compile (empty: the module's only function)">,
  ];
}

#endif // NPU_TARGET_BLOB_PASSES_TD
