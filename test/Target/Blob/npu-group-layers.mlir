// The grouped stage: npu-group-layers records which activations stay in
// CMX between DPU ops (CmxResidency.h), and code generation follows the
// record: the blob is the one planned without it, byte for byte.
// RUN: npu-opt %s --npu-group-layers=search-op-order=false | FileCheck %s
// Without weights there is no first weights slice to credit: the search of
// the credit (search-credit, on by default) changes nothing here.
// RUN: npu-opt %s --npu-group-layers="search-credit=false search-op-order=false" | FileCheck %s
// The op order search (npu-group-layers-op-order.test) moves the transpose
// before the add here; without it the grouped blob is the direct one.
// RUN: npu-opt %s --npu-group-layers=search-op-order=false --mlir-print-debuginfo -o %t.grouped.mlir
// RUN: npu-opt %t.grouped.mlir --npu-write-blob=output=%t.grouped.blob -o /dev/null
// RUN: npu-opt %s --npu-write-blob=output=%t.direct.blob -o /dev/null
// RUN: cmp %t.grouped.blob %t.direct.blob
// One tile: nothing is banded, and 'b' is kept whole.
// RUN: npu-opt %s --npu-group-layers=tiles=1 | FileCheck %s --check-prefix=ONE
// RUN: not npu-opt %s --npu-group-layers=tiles=3 -o /dev/null 2>&1 | FileCheck %s --check-prefix=TILES
// TILES: error: asks for 3 tiles; the NPU3720 has 2
// After the tiled stage: grouping tiles again the ops whose operands it
// keeps in CMX (here 'b' and 'c' take their band's rows), silently, but
// says so when that replaces a record that was edited.
// RUN: npu-opt %s --npu-tile -o %t.tiled.mlir
// RUN: FileCheck %s --check-prefix=TILED < %t.tiled.mlir
// TILED-COUNT-3: npu.tiling = {channels = 32 : i64, rows = 8 : i64, slots = 1 : i64, strategy = "split over H", weight_slots = 1 : i64}
// RUN: npu-opt %t.tiled.mlir --npu-group-layers=search-op-order=false 2>&1 | FileCheck %s
// RUN: sed -e 's/\(kernel = array<i64: 3, 3>, npu.tiling = \){[^}]*}/\1{channels = 16 : i64, rows = 4 : i64, slots = 1 : i64, weight_slots = 1 : i64}/' %t.tiled.mlir > %t.edited.mlir
// RUN: npu-opt %t.edited.mlir --npu-group-layers -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPLACED
// REPLACED: warning: its 'npu.tiling' {rows = 4, channels = 16, slots = 1, weight_slots = 1} is not what npu-tile makes with these options (an edit, or other tiles or max-piece-rows) and is replaced by {rows = 16, channels = 32, slots = 1, weight_slots = 1, banded}: grouping keeps an operand of it in CMX or shrinks its CMX, so it is tiled again (edit the grouped stage to change it)
// Records made for banded operands ('banded') apply only while they are:
// without residency code generation tiles those ops anew, the same blob as
// planned without records.
// RUN: npu-opt %s --npu-tile --npu-group-layers=search-op-order=false --mlir-print-debuginfo -o %t.regrouped.mlir
// RUN: npu-opt %t.regrouped.mlir --npu-write-blob="output=%t.nores.blob cmx-residency=false" -o /dev/null
// RUN: npu-opt %s --npu-write-blob="output=%t.nores.direct.blob cmx-residency=false" -o /dev/null
// RUN: cmp %t.nores.blob %t.nores.direct.blob
// A grouped record for other tiles than the compile's.
// RUN: not npu-opt %t.regrouped.mlir --npu-generate-tasks=tiles=1 -o /dev/null 2>&1 | FileCheck %s --check-prefix=GTILES
// GTILES: error: function 'main' was tiled for 2 tiles but is compiled for 1 (tile it again with npu-tile tiles=1, or give npu-generate-tasks tiles=2)
// RUN: npu-opt %s --npu-group-layers=tiles=1 | sed -e 's/npu.tiling = {[^}]*}, //; s/npu.tiling = {[^}]*}//; s/, npu.tiling_tiles = 1 : i64//' > %t.cmxonly.mlir
// RUN: not npu-opt %t.cmxonly.mlir --npu-generate-tasks=tiles=2 -o /dev/null 2>&1 | FileCheck %s --check-prefix=CTILES
// CTILES: error: function 'main' was grouped for 1 tiles but is compiled for 2 (group it again with npu-group-layers tiles=2, or compile for 1 tiles: npu-generate-tasks tiles=1)

// 'a' is also read by a DMA (the transpose): it stays in DDR. 'b' is read
// only by the eltwise add, row by row: banded, 8 rows per tile at the top
// of CMX. 'c' is a result. Every DPU op carries its final tiling: the ops
// touching the banded 'b' compute their band's rows on each tile.
// CHECK: func.func @main({{.*}} attributes {npu.cmx_tiles = 2 : i64, npu.tiling_tiles = 2 : i64}
// CHECK-NEXT: npuhw.dpu_conv {{ *}}max_pool %arg0 {kernel = array<i64: 1, 1>, npu.tiling = {channels = 32 : i64, rows = 8 : i64, slots = 1 : i64, strategy = "split over H", weight_slots = 1 : i64}, pads
// CHECK-NEXT: npuhw.dpu_conv {{ *}}max_pool %0 {kernel = array<i64: 3, 3>, npu.cmx = {banded, offset = 1978368 : i64, size = 4096 : i64}, npu.tiling = {banded, channels = 32 : i64, rows = 16 : i64, slots = 1 : i64, strategy = "split over H", weight_slots = 1 : i64}, pads
// CHECK-NEXT: npuhw.dpu_eltwise {{ *}}add %1, %0 {npu.tiling = {banded, channels = 32 : i64, rows = 16 : i64, slots = 1 : i64, strategy = "split over H", weight_slots = 1 : i64}, shift = 1 : i32}
// ONE: npu.cmx_tiles = 1 : i64, npu.tiling_tiles = 1 : i64
// ONE: npuhw.dpu_conv {{ *}}max_pool %0 {kernel = array<i64: 3, 3>, npu.cmx = {offset = 1974272 : i64, size = 8192 : i64}, npu.tiling = {channels = 32 : i64, rows = 16 : i64, slots = 1 : i64, strategy = "one tile", weight_slots = 1 : i64}, pads
module attributes {npu.target = #npu.target<NPU3720>} {
  func.func @main(%x: tensor<16x16x32xi8> {npu.name = "x"})
      -> (tensor<16x16x32xi8> {npu.name = "y"}, tensor<16x16x32xi8> {npu.name = "t"}) {
    %a = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>,
           pads = array<i64: 0, 0, 0, 0>} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8> loc("a")
    %b = npuhw.dpu_conv max_pool %a {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>,
           pads = array<i64: 1, 1, 1, 1>} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8> loc("b")
    %c = npuhw.dpu_eltwise add %b, %a {lhs_mult = 1 : i32, shift = 1 : i32}
        : (tensor<16x16x32xi8>, tensor<16x16x32xi8>) -> tensor<16x16x32xi8> loc("c")
    %t = npu.transpose %a {perm = array<i64: 1, 0, 2>} : (tensor<16x16x32xi8>) -> tensor<16x16x32xi8> loc("t")
    return %c, %t : tensor<16x16x32xi8>, tensor<16x16x32xi8>
  }
}
