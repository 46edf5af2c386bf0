// Code generation of hand-written hardware-op functions: the tasks, barriers
// and workloads of each, and the blob verifier accepting it. Numeric
// checks of the same kinds of functions: numeric-*.test.

// H tiling of a strided, padded conv over the 2 tiles of NPU3720 and the 6
// of NPU4000: 8 pieces of 2 output rows; only the first piece keeps the
// top padding (the last needs no bottom padding at stride 2).
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=conv_h output=%t.conv2.blob target=NPU3720 max-piece-rows=2"
// RUN: npu-blob verify %t.conv2.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.conv2.blob | FileCheck %s --check-prefix=CONV2
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=conv_h output=%t.conv6.blob target=NPU4000 max-piece-rows=2"
// RUN: npu-blob verify %t.conv6.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.conv6.blob | FileCheck %s --check-prefix=CONV6
// Deterministic: the same function and options give the same bytes.
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=conv_h output=%t.conv6b.blob target=NPU4000 max-piece-rows=2"
// RUN: cmp %t.conv6.blob %t.conv6b.blob
// VERIFY: valid {{NPU3720|NPU4000}} blob
//
// CONV2: memory: DDR scratch 0 bytes, CMX used [{{[1-9][0-9]*}}, {{[1-9][0-9]*}}]
// CONV2: dma[0]
// CONV2: dpu[0] (4 tasks)
// CONV2-NEXT: conv_h.p0 wait [{{[0-9]+}}]
// CONV2-NEXT: conv kernel 3x3 stride 2x2 pad 1,1,0,1
// CONV2-NEXT: input  {{.*}} f16 4x32x16
// CONV2: output {{.*}} f16 2x16x32
// CONV2: workload x 0 y 0 k 0 size 16x2x32 CUBOID_16x16
// CONV2: conv_h.p1 wait
// CONV2-NEXT: conv kernel 3x3 stride 2x2 pad 0,1,0,1
// CONV2-NEXT: input  {{.*}} f16 5x32x16
// CONV2: dpu[1] (4 tasks)
// CONV2: conv_h.p7 wait
// CONV2-NEXT: conv kernel 3x3 stride 2x2 pad 0,1,0,1
//
// Pieces 0-1 on tile 0, 2 on tile 1, ...: every DPU works; one load of the
// weights per tile (resident for the tile's second piece).
// CONV6: memory: DDR scratch 0 bytes, CMX used [{{[1-9][0-9]*, [1-9][0-9]*, [1-9][0-9]*, [1-9][0-9]*, [1-9][0-9]*, [1-9][0-9]*}}]
// CONV6-COUNT-6: conv_h.p{{[0-9]}}.w update
// CONV6-NOT: .w update
// CONV6: dpu[0] (2 tasks)
// CONV6: dpu[1] (1 tasks)
// CONV6: dpu[2] (1 tasks)
// CONV6: dpu[3] (2 tasks)
// CONV6: dpu[4] (1 tasks)
// CONV6: dpu[5] (1 tasks)
// CONV6-NOT: dpu[
func.func @conv_h(%x: tensor<32x32x16xf16> {npu.name = "x"}) -> (tensor<16x16x32xf16> {npu.name = "y"}) {
  %w = npu.constant dense<0.5> : tensor<32x3x3x16xf16>
  %t = npu.constant dense<[[0, -1, 1065353216, 0], [288, -1, 1065353216, 0], [576, -1, 1065353216, 0], [864, -1, 1065353216, 0], [1152, -1, 1065353216, 0], [1440, -1, 1065353216, 0], [1728, -1, 1065353216, 0], [2016, -1, 1065353216, 0], [2304, -1, 1065353216, 0], [2592, -1, 1065353216, 0], [2880, -1, 1065353216, 0], [3168, -1, 1065353216, 0], [3456, -1, 1065353216, 0], [3744, -1, 1065353216, 0], [4032, -1, 1065353216, 0], [4320, -1, 1065353216, 0], [4608, -1, 1065353216, 0], [4896, -1, 1065353216, 0], [5184, -1, 1065353216, 0], [5472, -1, 1065353216, 0], [5760, -1, 1065353216, 0], [6048, -1, 1065353216, 0], [6336, -1, 1065353216, 0], [6624, -1, 1065353216, 0], [6912, -1, 1065353216, 0], [7200, -1, 1065353216, 0], [7488, -1, 1065353216, 0], [7776, -1, 1065353216, 0], [8064, -1, 1065353216, 0], [8352, -1, 1065353216, 0], [8640, -1, 1065353216, 0], [8928, -1, 1065353216, 0]]> : tensor<32x4xi32>
  %y = npuhw.dpu_conv conv %x, %w, %t {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>,
         pads = array<i64: 1, 1, 1, 1>, activation = #npuhw.activation<relu>}
      : (tensor<32x32x16xf16>, tensor<32x3x3x16xf16>, tensor<32x4xi32>) -> tensor<16x16x32xf16> loc("conv_h")
  return %y : tensor<16x16x32xf16>
}

// A 1x1 convolution computes each pixel alone: its 3 x 28 output (cells of
// 4 x 4 pixels: 4 x 28 = 112 pixels computed for 84) is presented to the
// DPU as the same contiguous pixels in the shape whose workloads cost least,
// 7 x 12 (8 x 12 = 96 pixels of cells). The interpreter's result is the
// device's (test/e2e: PP-OCRv4's recogniser has such 3-row tensors).
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=pointwise output=%t.pw.blob target=NPU3720 tiles=1"
// RUN: npu-blob verify %t.pw.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.pw.blob | FileCheck %s --check-prefix=PW
// PW: pointwise.p0 wait
// PW-NEXT: conv kernel 1x1 stride 1x1 pad 0,0,0,0
// PW-NEXT: input  {{.*}} f16 7x12x128
// PW: output {{.*}} f16 7x12x64
// PW: workload x 0 y 0 k 0 size 12x7x64 CUBOID_16x16
func.func @pointwise(%x: tensor<3x28x128xf16> {npu.name = "x"}) -> (tensor<3x28x64xf16> {npu.name = "y"}) {
  %w = npu.constant dense<0.5> : tensor<64x1x1x128xf16>
  %t = npu.constant dense<[[0, -1, 1065353216, 0], [256, -1, 1065353216, 0], [512, -1, 1065353216, 0], [768, -1, 1065353216, 0], [1024, -1, 1065353216, 0], [1280, -1, 1065353216, 0], [1536, -1, 1065353216, 0], [1792, -1, 1065353216, 0], [2048, -1, 1065353216, 0], [2304, -1, 1065353216, 0], [2560, -1, 1065353216, 0], [2816, -1, 1065353216, 0], [3072, -1, 1065353216, 0], [3328, -1, 1065353216, 0], [3584, -1, 1065353216, 0], [3840, -1, 1065353216, 0], [4096, -1, 1065353216, 0], [4352, -1, 1065353216, 0], [4608, -1, 1065353216, 0], [4864, -1, 1065353216, 0], [5120, -1, 1065353216, 0], [5376, -1, 1065353216, 0], [5632, -1, 1065353216, 0], [5888, -1, 1065353216, 0], [6144, -1, 1065353216, 0], [6400, -1, 1065353216, 0], [6656, -1, 1065353216, 0], [6912, -1, 1065353216, 0], [7168, -1, 1065353216, 0], [7424, -1, 1065353216, 0], [7680, -1, 1065353216, 0], [7936, -1, 1065353216, 0], [8192, -1, 1065353216, 0], [8448, -1, 1065353216, 0], [8704, -1, 1065353216, 0], [8960, -1, 1065353216, 0], [9216, -1, 1065353216, 0], [9472, -1, 1065353216, 0], [9728, -1, 1065353216, 0], [9984, -1, 1065353216, 0], [10240, -1, 1065353216, 0], [10496, -1, 1065353216, 0], [10752, -1, 1065353216, 0], [11008, -1, 1065353216, 0], [11264, -1, 1065353216, 0], [11520, -1, 1065353216, 0], [11776, -1, 1065353216, 0], [12032, -1, 1065353216, 0], [12288, -1, 1065353216, 0], [12544, -1, 1065353216, 0], [12800, -1, 1065353216, 0], [13056, -1, 1065353216, 0], [13312, -1, 1065353216, 0], [13568, -1, 1065353216, 0], [13824, -1, 1065353216, 0], [14080, -1, 1065353216, 0], [14336, -1, 1065353216, 0], [14592, -1, 1065353216, 0], [14848, -1, 1065353216, 0], [15104, -1, 1065353216, 0], [15360, -1, 1065353216, 0], [15616, -1, 1065353216, 0], [15872, -1, 1065353216, 0], [16128, -1, 1065353216, 0]]> : tensor<64x4xi32>
  %y = npuhw.dpu_conv conv %x, %w, %t {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>,
         pads = array<i64: 0, 0, 0, 0>}
      : (tensor<3x28x128xf16>, tensor<64x1x1x128xf16>, tensor<64x4xi32>) -> tensor<3x28x64xf16> loc("pointwise")
  return %y : tensor<3x28x64xf16>
}

// int8 depthwise (48 channels: workloads of 32 + 16, CUBOID_16x16), max pool
// and average pool, and an eltwise add on NPU4000 (CUBOID_8x16); the
// intermediate values live in the DDR scratch, the pool read twice stays
// alive until the add.
// With every tensor in DDR (no CMX residency):
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=dw_pool output=%t.dw.blob target=NPU4000 tiles=1 cmx-residency=false prefetch-weights=false"
// RUN: npu-blob verify %t.dw.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.dw.blob | FileCheck %s --check-prefix=DW
// By default the intermediate tensors stay in CMX (CmxResidency.h), placed
// by memory assignment with reuse over live ranges (the pools' results take
// the bytes of the depthwise conv's input buffer once it has read them): the
// DPU writes and reads them in place, no DMA between the ops, no DDR
// scratch.
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=dw_pool output=%t.dwres.blob target=NPU4000 tiles=1"
// RUN: npu-blob verify %t.dwres.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.dwres.blob | FileCheck %s --check-prefix=DWRES
// DWRES: memory: DDR scratch 0 bytes, CMX used [158656, 0, 0, 0, 0, 0]
// DWRES: 'dw.cmx.t0' cmx tile 0 [81856, 158656)
// DWRES-NEXT: 'maxpool.cmx.t0' cmx tile 0 [0, 19200)
// DWRES-NEXT: 'avgpool.cmx.t0' cmx tile 0 [19200, 38400)
// DWRES-NEXT: 'dw.t0.in.0' cmx tile 0 [0, 40320)
// DWRES: dma[0] (2 tasks)
// DWRES-NEXT: dw.p0.in
// DWRES: add.p0.out
// DWRES: dw.p1 wait
// DWRES: output buf{{[0-9]+}}(dw.cmx.t0)+38400 i8 20x40x48
// DWRES: maxpool.p0
// DWRES-NEXT: maxpool
// DWRES-NEXT: input buf{{[0-9]+}}(dw.cmx.t0)+0 i8 40x40x48
// DWRES-NEXT: output buf{{[0-9]+}}(maxpool.cmx.t0)+0 i8 20x20x48
// DWRES: add.p0 update
// DWRES-NEXT: eltwise_add
// DWRES-NEXT: input buf{{[0-9]+}}(avgpool.cmx.t0)+0 i8 20x20x48
// DWRES-NEXT: input2 buf{{[0-9]+}}(maxpool.cmx.t0)+0 i8 20x20x48
// DW: buf{{[0-9]+}} 'dw' scratch [0, 76800)
// DW: buf{{[0-9]+}} 'maxpool' scratch [76800, 96000)
// DW: buf{{[0-9]+}} 'avgpool' scratch [0, 19200)
// Each op is split into double-buffered pieces on the one tile (the next
// piece's input loads while the DPU works), of whole 4-row DPU cells (the
// 40 rows of the depthwise conv as 16 + 16 + 8); only edge pieces keep
// their vertical padding.
// DW: buf{{[0-9]+}} 'dw.t0.in.0' cmx tile 0
// DW: buf{{[0-9]+}} 'dw.t0.in.1' cmx tile 0
// DW: dpu[0] (7 tasks)
// DW-NEXT: dw.p0
// DW-NEXT: depthwise_conv kernel 3x3 stride 1x1 pad 1,1,0,1
// DW: table {{.*}} i32 48x4
// DW: workload x 0 y 0 k 0 size 40x16x32 CUBOID_16x16
// DW-NEXT: workload x 0 y 0 k 32 size 40x16x16 CUBOID_16x16
// DW: dw.p1 wait
// DW-NEXT: depthwise_conv kernel 3x3 stride 1x1 pad 0,1,0,1
// DW: dw.p2 wait
// DW-NEXT: depthwise_conv kernel 3x3 stride 1x1 pad 0,1,1,1
// DW: workload x 0 y 0 k 0 size 40x8x32 CUBOID_16x16
// DW: maxpool.p0 wait
// DW-NEXT: maxpool kernel 2x2 stride 2x2 pad 0,0,0,0
// DW: avgpool.p0 wait
// DW-NEXT: avgpool kernel 3x3 stride 1x1 pad 1,1,0,1
// DW: ppe act none out_zp 0 mult 7282 shift 16
// DW: add.p0 wait
// DW-NEXT: eltwise_add
// DW: workload x 0 y 0 k 0 size 20x20x48 CUBOID_8x16
func.func @dw_pool(%x: tensor<40x40x48xi8> {npu.name = "x"}) -> (tensor<20x20x48xi8> {npu.name = "y"}) {
  %w = npu.constant dense<3> : tensor<48x3x3x1xi8>
  %t = npu.constant dense<[[0, -1, 66048, 0], [9, -1, 66048, 0], [18, -1, 66048, 0], [27, -1, 66048, 0], [36, -1, 66048, 0], [45, -1, 66048, 0], [54, -1, 66048, 0], [63, -1, 66048, 0], [72, -1, 66048, 0], [81, -1, 66048, 0], [90, -1, 66048, 0], [99, -1, 66048, 0], [108, -1, 66048, 0], [117, -1, 66048, 0], [126, -1, 66048, 0], [135, -1, 66048, 0], [144, -1, 66048, 0], [153, -1, 66048, 0], [162, -1, 66048, 0], [171, -1, 66048, 0], [180, -1, 66048, 0], [189, -1, 66048, 0], [198, -1, 66048, 0], [207, -1, 66048, 0], [216, -1, 66048, 0], [225, -1, 66048, 0], [234, -1, 66048, 0], [243, -1, 66048, 0], [252, -1, 66048, 0], [261, -1, 66048, 0], [270, -1, 66048, 0], [279, -1, 66048, 0], [288, -1, 66048, 0], [297, -1, 66048, 0], [306, -1, 66048, 0], [315, -1, 66048, 0], [324, -1, 66048, 0], [333, -1, 66048, 0], [342, -1, 66048, 0], [351, -1, 66048, 0], [360, -1, 66048, 0], [369, -1, 66048, 0], [378, -1, 66048, 0], [387, -1, 66048, 0], [396, -1, 66048, 0], [405, -1, 66048, 0], [414, -1, 66048, 0], [423, -1, 66048, 0]]> : tensor<48x4xi32>
  %d = npuhw.dpu_conv depthwise %x, %w, %t {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>,
         pads = array<i64: 1, 1, 1, 1>, in_zero_point = 1 : i32}
      : (tensor<40x40x48xi8>, tensor<48x3x3x1xi8>, tensor<48x4xi32>) -> tensor<40x40x48xi8> loc("dw")
  %m = npuhw.dpu_conv max_pool %d {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
         pads = array<i64: 0, 0, 0, 0>} : (tensor<40x40x48xi8>) -> tensor<20x20x48xi8> loc("maxpool")
  %a = npuhw.dpu_conv avg_pool %m {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>,
         pads = array<i64: 1, 1, 1, 1>, mult = 7282 : i32, shift = 16 : i32}
      : (tensor<20x20x48xi8>) -> tensor<20x20x48xi8> loc("avgpool")
  %e = npuhw.dpu_eltwise add %a, %m {lhs_mult = 2 : i32, shift = 1 : i32}
      : (tensor<20x20x48xi8>, tensor<20x20x48xi8>) -> tensor<20x20x48xi8> loc("add")
  return %e : tensor<20x20x48xi8>
}

// A SHAVE chain on an f32 input: convert on the device, sigmoid, a
// multiplication by a constant and a softmax over the last axis. The
// elementwise ops are split over the 4 SHAVEs of NPU3720 in chunks, each
// chunk's three kernels one SHAVE chain, and the softmax (its 8 x 64 rows
// taken as one run) in slabs of 128 rows that are those chunks' bytes, on
// the same SHAVE, so every dependency is the queues' order: no barrier at
// all. An op fused from several nodes (here `mul` and `scale`) is named
// after the first.
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=shaves output=%t.shave.blob target=NPU3720"
// RUN: npu-blob verify %t.shave.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.shave.blob | FileCheck %s --check-prefix=SHAVE
// SHAVE: input  'x' f32 1x8x64x64 ND
// SHAVE: buf{{[0-9]+}} 'convert' scratch [0, 65536)
// SHAVE: buf{{[0-9]+}} 'sigmoid' scratch [65536, 131072)
// SHAVE: buf{{[0-9]+}} 'mul' scratch [131072, 196608)
// SHAVE: barriers:
// SHAVE-NEXT: task lists:
// SHAVE-NEXT: shave[0] (2 tasks)
// SHAVE-NEXT: convert+sigmoid+mul.c0
// SHAVE-NEXT: kernel convert
// SHAVE-NEXT: in  buf0(x)+0 f32 8192
// SHAVE-NEXT: out buf{{[0-9]+}}(convert)+0 f16 8192
// SHAVE-NEXT: then kernel sigmoid
// SHAVE: then kernel mul
// SHAVE: softmax.c0
// SHAVE-NEXT: kernel softmax fparams [] iparams [3]
// SHAVE-NEXT: in  buf{{[0-9]+}}(mul)+0 f16 1x1x128x64 strides [65536, 65536, 128, 2]
// SHAVE: shave[1] (2 tasks)
// SHAVE-NEXT: convert+sigmoid+mul.c2
// SHAVE-NEXT: kernel convert
// SHAVE-NEXT: in  buf0(x)+65536 f32 8192
// SHAVE: softmax.c2
// SHAVE-NEXT: kernel softmax fparams [] iparams [3]
// SHAVE-NEXT: in  buf{{[0-9]+}}(mul)+32768 f16 1x1x128x64
// SHAVE: shave[2] (2 tasks)
// SHAVE: shave[3] (2 tasks)
func.func @shaves(%x: tensor<1x8x64x64xf32> {npu.name = "x"}) -> (tensor<1x8x64x64xf16> {npu.name = "y"}) {
  %c = npu.constant dense<1.5> : tensor<1x8x64x64xf16>
  %h = npuhw.shave "convert" %x : (tensor<1x8x64x64xf32>) -> tensor<1x8x64x64xf16> loc("convert")
  %s = npuhw.shave "sigmoid" %h : (tensor<1x8x64x64xf16>) -> tensor<1x8x64x64xf16> loc("sigmoid")
  %m = npuhw.shave "mul" %s, %c : (tensor<1x8x64x64xf16>, tensor<1x8x64x64xf16>) -> tensor<1x8x64x64xf16> loc(fused["file.onnx":0:0, "mul"("file.onnx":0:0), "scale"("file.onnx":0:0)])
  %y = npuhw.shave "softmax" %m {iparams = array<i64: 3>} : (tensor<1x8x64x64xf16>) -> tensor<1x8x64x64xf16> loc("softmax")
  return %y : tensor<1x8x64x64xf16>
}

// A per-channel constant ([1, 1, C], broadcast over [H, W, C]) does not stop
// the flat split: each chunk starts at a multiple of C and reads the whole
// vector, its operands seen as [rows, C] (the 24 x 32 x 48 output: 36864
// elements, 4 chunks of 9216 = 192 rows of 48).
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=channel_scale output=%t.chan.blob target=NPU3720"
// RUN: npu-blob verify %t.chan.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.chan.blob | FileCheck %s --check-prefix=CHAN
// CHAN: shave[0] (1 tasks)
// CHAN-NEXT: scale.c0
// CHAN-NEXT: kernel mul
// CHAN-NEXT: in  buf{{[0-9]+}}(x)+0 f16 192x48
// CHAN-NEXT: in  buf{{[0-9]+}}({{.*}})+0 f16 1x48
// CHAN-NEXT: out buf{{[0-9]+}}(y)+0 f16 192x48
// CHAN: shave[3] (1 tasks)
// CHAN-NEXT: scale.c3
// CHAN-NEXT: kernel mul
// CHAN-NEXT: in  buf{{[0-9]+}}(x)+55296 f16 192x48
// CHAN-NEXT: in  buf{{[0-9]+}}({{.*}})+0 f16 1x48
// CHAN-NEXT: out buf{{[0-9]+}}(y)+55296 f16 192x48
func.func @channel_scale(%x: tensor<24x32x48xf16> {npu.name = "x"}) -> (tensor<24x32x48xf16> {npu.name = "y"}) {
  %c = npu.constant dense<2.0> : tensor<1x1x48xf16>
  %y = npuhw.shave "mul" %x, %c : (tensor<24x32x48xf16>, tensor<1x1x48xf16>) -> tensor<24x32x48xf16> loc("scale")
  return %y : tensor<24x32x48xf16>
}

// Data movement: a transpose (NCHW -> NHWC, permuted source strides) and a
// strided slice that only a concat reads copy nothing themselves: the
// concat copies its operand straight from `x` with the strides of both
// composed (CopyElision.h); a concat along the innermost axis (one DMA per
// operand, strided destination), a reshape (no task), and results that are
// an argument and a constant (copies). No task waits for another.
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=moves output=%t.moves.blob target=NPU3720"
// RUN: npu-blob verify %t.moves.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.moves.blob | FileCheck %s --check-prefix=MOVES
// MOVES: barriers:
// MOVES-NOT: b0
// MOVES: dma[0] (2 tasks)
// MOVES-NEXT: concat.in0
// MOVES-NEXT: dma buf0(x)+32 f16 5x16x6 strides [64, 2, 320] -> buf2(y)+0 f16 5x16x6 strides [288, 18, 2]
// MOVES-NEXT: copy.k
// MOVES-NEXT: dma buf{{[0-9]+}}(constant#4)+0 f16 16 -> buf4(k)+0 f16 16
// MOVES: dma[1] (2 tasks)
// MOVES-NEXT: concat.in1
// MOVES-NEXT: dma buf1(z)+0 f16 80x3 -> buf2(y)+12 f16 80x3 strides [18, 2]
// MOVES-NEXT: copy.x_copy
// MOVES-NEXT: dma buf0(x)+0 f16 960 -> buf3(x_copy)+0 f16 960
// MOVES-NOT: transpose
// MOVES-NOT: slice
func.func @moves(%x: tensor<1x6x10x16xf16> {npu.name = "x"}, %z: tensor<1x5x16x3xf16> {npu.name = "z"})
    -> (tensor<80x9xf16> {npu.name = "y"}, tensor<1x6x10x16xf16> {npu.name = "x_copy"}, tensor<4x4xf16> {npu.name = "k"}) {
  %t = npu.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x6x10x16xf16>) -> tensor<1x10x16x6xf16> loc("transpose")
  %s = npu.slice %t {starts = array<i64: 0, 1, 0, 0>, steps = array<i64: 1, 2, 1, 1>} : tensor<1x10x16x6xf16> to tensor<1x5x16x6xf16> loc("slice")
  %c = npu.concat %s, %z {axis = 3 : i64} : (tensor<1x5x16x6xf16>, tensor<1x5x16x3xf16>) -> tensor<1x5x16x9xf16> loc("concat")
  %r = npu.reshape %c : tensor<1x5x16x9xf16> to tensor<80x9xf16>
  %k = npu.constant dense<2.0> : tensor<4x4xf16>
  return %r, %x, %k : tensor<80x9xf16>, tensor<1x6x10x16xf16>, tensor<4x4xf16>
}

// A transpose that something other than a concat also reads (here the
// function's result) is copied, and the slice that only the concat reads
// is read from that copy by the concat. A reshape of a transposed view
// that strides cannot express ([5, 4, 4, 3] with the 4 x 4 not contiguous,
// seen as [1, 5, 16, 3]) is copied in the shape before the reshape, the
// concat's destination seen so.
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=moves_kept output=%t.kept.blob target=NPU3720"
// RUN: npu-blob verify %t.kept.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.kept.blob | FileCheck %s --check-prefix=KEPT
// KEPT: barriers:
// KEPT-NEXT: b0 producers 1 consumers 1
// KEPT-NOT: b1
// KEPT: dma[0] (1 tasks)
// KEPT-NEXT: transpose update [0]
// KEPT-NEXT: dma buf0(x)+0 f16 160x6 strides [2, 320] -> buf[[T:[0-9]+]](t)+0 f16 160x6
// KEPT: dma[1] (2 tasks)
// KEPT-NEXT: concat.in0 wait [0]
// KEPT-NEXT: dma buf[[T]](t)+192 f16 5x16x6 strides [384, 12, 2] -> buf[[Y:[0-9]+]](y)+0 f16 5x16x6 strides [288, 18, 2]
// KEPT-NEXT: concat.in1
// KEPT-NEXT: dma buf1(z)+0 f16 5x4x4x3 strides [8, 120, 2, 40] -> buf[[Y]](y)+12 f16 5x4x4x3 strides [288, 72, 18, 2]
func.func @moves_kept(%x: tensor<1x6x10x16xf16> {npu.name = "x"}, %z: tensor<4x3x5x4xf16> {npu.name = "z"})
    -> (tensor<80x9xf16> {npu.name = "y"}, tensor<1x10x16x6xf16> {npu.name = "t"}) {
  %t = npu.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x6x10x16xf16>) -> tensor<1x10x16x6xf16> loc("transpose")
  %s = npu.slice %t {starts = array<i64: 0, 1, 0, 0>, steps = array<i64: 1, 2, 1, 1>} : tensor<1x10x16x6xf16> to tensor<1x5x16x6xf16> loc("slice")
  %zt = npu.transpose %z {perm = array<i64: 2, 0, 3, 1>} : (tensor<4x3x5x4xf16>) -> tensor<5x4x4x3xf16> loc("ztranspose")
  %zr = npu.reshape %zt : tensor<5x4x4x3xf16> to tensor<1x5x16x3xf16>
  %c = npu.concat %s, %zr {axis = 3 : i64} : (tensor<1x5x16x6xf16>, tensor<1x5x16x3xf16>) -> tensor<1x5x16x9xf16> loc("concat")
  %r = npu.reshape %c : tensor<1x5x16x9xf16> to tensor<80x9xf16>
  return %r, %t : tensor<80x9xf16>, tensor<1x10x16x6xf16>
}

// An f32 input converted to f16 by a SHAVE, then a 1x1 conv: the DPU piece's
// input DMA waits for the conversion; the weights and weight table of the
// program's first DPU op load from the start, during the conversion.
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=f32_input output=%t.f32.blob target=NPU3720 tiles=1"
// RUN: npu-blob verify %t.f32.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.f32.blob | FileCheck %s --check-prefix=F32
// F32: input  'x' f32 16x16x16 ND
// F32: b0 producers 1 consumers 1
// F32: dma[0]
// F32-NEXT: conv.p0.w update [{{[0-9]+}}]
// F32: dma[1]
// F32-NEXT: conv.p0.wt update [{{[0-9]+}}]
// F32: conv.p0.in wait [0] update [{{[0-9]+}}]
// F32-NEXT: dma buf{{[0-9]+}}(convert)+0 f16 16x16x16
// F32: shave[0] (1 tasks)
// F32-NEXT: convert update [0]
func.func @f32_input(%x: tensor<16x16x16xf32> {npu.name = "x"}) -> (tensor<16x16x16xf16> {npu.name = "y"}) {
  %h = npuhw.shave "convert" %x : (tensor<16x16x16xf32>) -> tensor<16x16x16xf16> loc("convert")
  %w = npu.constant dense<0.25> : tensor<16x1x1x16xf16>
  %t = npu.constant dense<[[0, -1, 1065353216, 0], [32, -1, 1065353216, 0], [64, -1, 1065353216, 0], [96, -1, 1065353216, 0], [128, -1, 1065353216, 0], [160, -1, 1065353216, 0], [192, -1, 1065353216, 0], [224, -1, 1065353216, 0], [256, -1, 1065353216, 0], [288, -1, 1065353216, 0], [320, -1, 1065353216, 0], [352, -1, 1065353216, 0], [384, -1, 1065353216, 0], [416, -1, 1065353216, 0], [448, -1, 1065353216, 0], [480, -1, 1065353216, 0]]> : tensor<16x4xi32>
  %y = npuhw.dpu_conv conv %h, %w, %t {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>,
         pads = array<i64: 0, 0, 0, 0>}
      : (tensor<16x16x16xf16>, tensor<16x1x1x16xf16>, tensor<16x4xi32>) -> tensor<16x16x16xf16> loc("conv")
  return %y : tensor<16x16x16xf16>
}

// An op split into chunks over the SHAVEs and the elementwise op right
// after it (a multiply by a per-channel vector, then an int8 layer's
// quantize), split alike: each chunk's two kernels run as one SHAVE chain,
// the quantize reading exactly what the same chunk's multiply wrote. The
// output equals the blob without splitting, bit for bit, race-free.
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=chunk_chains output=%t.chunks.blob target=NPU3720"
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=chunk_chains output=%t.whole.blob target=NPU3720 split-shave=false"
// RUN: npu-blob verify --races %t.chunks.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.chunks.blob | FileCheck %s --check-prefix=CHUNKS
// RUN: %python -c "import numpy as np; r = np.random.default_rng(5); np.save('%t.cx.npy', r.standard_normal((64, 512)).astype(np.float16)); np.save('%t.cs.npy', r.standard_normal((1, 512)).astype(np.float16))"
// RUN: rm -rf %t.co %t.wo
// RUN: npu-run %t.chunks.blob --input x=%t.cx.npy --input s=%t.cs.npy --output-dir %t.co > /dev/null
// RUN: npu-run %t.whole.blob --input x=%t.cx.npy --input s=%t.cs.npy --output-dir %t.wo > /dev/null
// RUN: cmp %t.co/y.npy %t.wo/y.npy
// CHUNKS: m+q.c0
// CHUNKS-NEXT: kernel mul
// CHUNKS-NEXT: in  buf{{[0-9]+}}(x)+0 f16 16x512
// CHUNKS-NEXT: in  buf{{[0-9]+}}(s)+0 f16 1x512
// CHUNKS-NEXT: out buf[[M:[0-9]+]](m)+0 f16 16x512
// CHUNKS-NEXT: then kernel quantize
// CHUNKS-NEXT: in  buf[[M]](m)+0 f16 8192
// CHUNKS-NEXT: out buf{{[0-9]+}}(y)+0 i8 8192
// CHUNKS: m+q.c2
// CHUNKS-NEXT: kernel mul
// CHUNKS-NEXT: in  buf{{[0-9]+}}(x)+32768 f16 16x512
// CHUNKS-NOT: kernel quantize
// CHUNKS: then kernel quantize
// CHUNKS-NEXT: in  buf[[M]](m)+32768 f16 8192
// CHUNKS-NEXT: out buf{{[0-9]+}}(y)+16384 i8 8192
func.func @chunk_chains(%x: tensor<64x512xf16> {npu.name = "x"}, %s: tensor<1x512xf16> {npu.name = "s"}) -> (tensor<64x512x!quant.uniform<i8:f32, 0.05:3>> {npu.name = "y"}) {
  %m = npuhw.shave "mul" %x, %s : (tensor<64x512xf16>, tensor<1x512xf16>) -> tensor<64x512xf16> loc("m")
  %q = npuhw.shave "quantize" %m {fparams = array<f32: 0.05>, iparams = array<i64: 3>} : (tensor<64x512xf16>) -> tensor<64x512x!quant.uniform<i8:f32, 0.05:3>> loc("q")
  return %q : tensor<64x512x!quant.uniform<i8:f32, 0.05:3>>
}

// A multiply and the quantize after it, neither alone worth a second SHAVE
// (8192 elements or, with npu.shave_split_by_work = 1, a launch's worth of
// vector work per task), are together (arch::shaveChainCycles): the chain
// goes to chunks as above. Without the attribute it is one chain of one
// task. The outputs are the same bit for bit.
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=chain_by_work output=%t.cw.blob target=NPU3720"
// RUN: sed -e 's/@chain_by_work(\(.*\)) attributes {npu.shave_split_by_work = 1 : i64} {/@chain_by_work(\1) {/' %s > %t.cw-off.mlir
// RUN: npu-opt %t.cw-off.mlir -o /dev/null --npu-write-blob="function=chain_by_work output=%t.cw-off.blob target=NPU3720"
// RUN: npu-blob verify --races %t.cw.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.cw.blob | FileCheck %s --check-prefix=CHAIN-SPLIT
// RUN: npu-blob dump %t.cw-off.blob | FileCheck %s --check-prefix=CHAIN-WHOLE
// RUN: %python -c "import numpy as np; r = np.random.default_rng(6); np.save('%t.wx.npy', r.standard_normal((8, 8, 240)).astype(np.float16)); np.save('%t.ws.npy', r.standard_normal((1, 1, 240)).astype(np.float16))"
// RUN: rm -rf %t.wso %t.wwo
// RUN: npu-run %t.cw.blob --input x=%t.wx.npy --input s=%t.ws.npy --output-dir %t.wso > /dev/null
// RUN: npu-run %t.cw-off.blob --input x=%t.wx.npy --input s=%t.ws.npy --output-dir %t.wwo > /dev/null
// RUN: cmp %t.wso/y.npy %t.wwo/y.npy
// CHAIN-SPLIT: m+q.c0
// CHAIN-SPLIT-NEXT: kernel mul
// CHAIN-SPLIT-NEXT: in  buf{{[0-9]+}}(x)+0 f16 24x240
// CHAIN-SPLIT: then kernel quantize
// CHAIN-SPLIT: m+q.c2
// CHAIN-SPLIT-NEXT: kernel mul
// CHAIN-SPLIT-NEXT: in  buf{{[0-9]+}}(x)+23040 f16 16x240
// CHAIN-SPLIT: then kernel quantize
// CHAIN-SPLIT: m+q.c1
// CHAIN-SPLIT-NEXT: kernel mul
// CHAIN-SPLIT-NEXT: in  buf{{[0-9]+}}(x)+11520 f16 24x240
// CHAIN-SPLIT: then kernel quantize
// CHAIN-WHOLE-NOT: .c0
// CHAIN-WHOLE: m+q
// CHAIN-WHOLE-NEXT: kernel mul
// CHAIN-WHOLE-NEXT: in  buf{{[0-9]+}}(x)+0 f16 8x8x240
// CHAIN-WHOLE: then kernel quantize
// CHAIN-WHOLE-NOT: .c1
func.func @chain_by_work(%x: tensor<8x8x240xf16> {npu.name = "x"}, %s: tensor<1x1x240xf16> {npu.name = "s"}) -> (tensor<8x8x240x!quant.uniform<i8:f32, 0.05:3>> {npu.name = "y"}) attributes {npu.shave_split_by_work = 1 : i64} {
  %m = npuhw.shave "mul" %x, %s : (tensor<8x8x240xf16>, tensor<1x1x240xf16>) -> tensor<8x8x240xf16> loc("m")
  %q = npuhw.shave "quantize" %m {fparams = array<f32: 0.05>, iparams = array<i64: 3>} : (tensor<8x8x240xf16>) -> tensor<8x8x240x!quant.uniform<i8:f32, 0.05:3>> loc("q")
  return %q : tensor<8x8x240x!quant.uniform<i8:f32, 0.05:3>>
}

// An LSTM-style cell: the gates are slices of one projection, each read
// by a SHAVE kernel. Contiguous, they are views (findElidedCopies): each
// kernel reads its gate at an offset of the projection's bytes, no DMA
// copies a gate, and the cell runs as one SHAVE chain. The chain also
// takes the multiply by the state, which the first op of the function
// wrote: the chain's head waits for it already (it depends on it through
// the concat, a DMA copy, which ends the first chain).
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=cell_chain output=%t.cell.blob target=NPU3720"
// RUN: npu-blob verify --races %t.cell.blob | FileCheck %s --check-prefix=CELL-TASKS
// CELL-TASKS: valid NPU3720 blob, format 1.2, 4 tasks
// RUN: npu-blob dump %t.cell.blob | FileCheck %s --check-prefix=CELL
// RUN: %python -c "import numpy as np; r = np.random.default_rng(7); np.save('%t.lx.npy', r.standard_normal((1, 32)).astype(np.float16)); np.save('%t.lc.npy', r.standard_normal((1, 32)).astype(np.float16))"
// RUN: rm -rf %t.lo
// RUN: npu-run %t.cell.blob --input x=%t.lx.npy --input c=%t.lc.npy --output-dir %t.lo > /dev/null
// RUN: %python -c "import numpy as np; f, F = np.float16, np.float32; x = np.load('%t.lx.npy').astype(F); c = np.load('%t.lc.npy').astype(F); s = np.tanh(c); g = -np.concatenate([s, x], 1); sig = lambda v: 1 / (1 + np.exp(-v)); y = sig(g[:, :16]) * sig(g[:, 16:32]) * s[:, :16]; e = float(np.abs(np.load('%t.lo/y.npy').astype(F) - y).max()); assert e < 0.01, e"
// Four tasks: the state's tanh, the concat's two copies, the chain.
// CELL: g+i+o+h+y
// CELL-NEXT: kernel neg
// CELL: out buf[[G:[0-9]+]](g)+0 f16 1x64
// CELL-NEXT: then kernel sigmoid
// CELL-NEXT: in  buf[[G]](g)+0 f16 1x16
// CELL: then kernel sigmoid
// CELL-NEXT: in  buf[[G]](g)+32 f16 1x16
// CELL: then kernel mul
// CELL: then kernel mul
// CELL-NEXT: in  buf{{[0-9]+}}(h)+0 f16 1x16
// CELL-NEXT: in  buf{{[0-9]+}}(s)+0 f16 1x16
func.func @cell_chain(%x: tensor<1x32xf16> {npu.name = "x"}, %c: tensor<1x32xf16> {npu.name = "c"}) -> (tensor<1x16xf16> {npu.name = "y"}) {
  %s = npuhw.shave "tanh" %c : (tensor<1x32xf16>) -> tensor<1x32xf16> loc("s")
  %k = npu.concat %s, %x {axis = 1 : i64} : (tensor<1x32xf16>, tensor<1x32xf16>) -> tensor<1x64xf16> loc("k")
  %g = npuhw.shave "neg" %k : (tensor<1x64xf16>) -> tensor<1x64xf16> loc("g")
  %gi = npu.slice %g {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<1x64xf16> to tensor<1x16xf16> loc("gi")
  %go = npu.slice %g {starts = array<i64: 0, 16>, steps = array<i64: 1, 1>} : tensor<1x64xf16> to tensor<1x16xf16> loc("go")
  %i = npuhw.shave "sigmoid" %gi : (tensor<1x16xf16>) -> tensor<1x16xf16> loc("i")
  %o = npuhw.shave "sigmoid" %go : (tensor<1x16xf16>) -> tensor<1x16xf16> loc("o")
  %h = npuhw.shave "mul" %i, %o : (tensor<1x16xf16>, tensor<1x16xf16>) -> tensor<1x16xf16> loc("h")
  %ss = npu.slice %s {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<1x32xf16> to tensor<1x16xf16> loc("ss")
  %y = npuhw.shave "mul" %h, %ss : (tensor<1x16xf16>, tensor<1x16xf16>) -> tensor<1x16xf16> loc("y")
  return %y : tensor<1x16xf16>
}

// A global average pool split over its channels (slabs of [1, 1, C] whose
// strides of extent 1 are not dense ones) and the int8 quantize of its
// result: each slab's quantize joins its chain, as many channels each,
// the operand of the output's own shape cut like the output (not read
// whole as a channel vector). The outputs equal the unsplit blob's.
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=pool_quantize output=%t.pq.blob target=NPU4000"
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=pool_quantize output=%t.pq-whole.blob target=NPU4000 split-shave=false"
// RUN: npu-blob verify --races %t.pq.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.pq.blob | FileCheck %s --check-prefix=POOLQ
// RUN: %python -c "import numpy as np; np.save('%t.px.npy', np.random.default_rng(8).standard_normal((3, 96, 32)).astype(np.float16))"
// RUN: rm -rf %t.pqo %t.pqw
// RUN: npu-run %t.pq.blob --input x=%t.px.npy --output-dir %t.pqo > /dev/null
// RUN: npu-run %t.pq-whole.blob --input x=%t.px.npy --output-dir %t.pqw > /dev/null
// RUN: cmp %t.pqo/y.npy %t.pqw/y.npy
// POOLQ: m+q.c0
// POOLQ-NEXT: kernel reduce_mean
// POOLQ-NEXT: in  buf{{[0-9]+}}(x)+0 f16 3x96x11 strides [6144, 64, 2]
// POOLQ-NEXT: out buf[[M:[0-9]+]](m)+0 f16 1x1x11 strides [64, 64, 2]
// POOLQ-NEXT: then kernel quantize
// POOLQ-NEXT: in  buf[[M]](m)+0 f16 11
// POOLQ-NEXT: out buf{{[0-9]+}}(y)+0 i8 11
// POOLQ: m+q.c1
// POOLQ: then kernel quantize
// POOLQ-NEXT: in  buf[[M]](m)+22 f16 11
// POOLQ-NEXT: out buf{{[0-9]+}}(y)+11 i8 11
// POOLQ: m+q.c2
// POOLQ: then kernel quantize
// POOLQ-NEXT: in  buf[[M]](m)+44 f16 10
// POOLQ-NEXT: out buf{{[0-9]+}}(y)+22 i8 10
func.func @pool_quantize(%x: tensor<3x96x32xf16> {npu.name = "x"}) -> (tensor<1x1x32x!quant.uniform<i8:f32, 0.01:-5>> {npu.name = "y"}) attributes {npu.shave_split_by_work = 4 : i64} {
  %m = npuhw.shave "reduce_mean" %x : (tensor<3x96x32xf16>) -> tensor<1x1x32xf16> loc("m")
  %q = npuhw.shave "quantize" %m {fparams = array<f32: 0.01>, iparams = array<i64: -5>} : (tensor<1x1x32xf16>) -> tensor<1x1x32x!quant.uniform<i8:f32, 0.01:-5>> loc("q")
  return %q : tensor<1x1x32x!quant.uniform<i8:f32, 0.01:-5>>
}

// Whole-tensor SHAVE ops that run one after the other form one SHAVE
// chain (one launch): the exp, the negation of its result, then the add of
// that and the input (which the chain reads already). The second exp reads
// only the input, so it starts a chain of its own, free to run beside the
// first (a constant operand, the mul's, does not break a chain); the last
// add reads the first chain's result, which the second chain cannot wait
// for: it is a task of its own.
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=serial_shaves output=%t.serial.blob target=NPU3720"
// RUN: npu-blob verify --races %t.serial.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.serial.blob | FileCheck %s --check-prefix=SERIAL
// SERIAL: task lists:
// SERIAL-NEXT: shave[0] (1 tasks)
// SERIAL-NEXT: e1+n+a update
// SERIAL-NEXT: kernel exp
// SERIAL: then kernel neg
// SERIAL: then kernel add
// SERIAL: shave[1] (1 tasks)
// SERIAL-NEXT: z wait
// SERIAL-NEXT: kernel add
// SERIAL: shave[2] (1 tasks)
// SERIAL-NEXT: e2+s+m update
// SERIAL-NEXT: kernel exp
// SERIAL: then kernel sigmoid
// SERIAL: then kernel mul
func.func @serial_shaves(%x: tensor<1x16x4x4xf16> {npu.name = "x"}) -> (tensor<1x16x4x4xf16> {npu.name = "y"}, tensor<1x16x4x4xf16> {npu.name = "z"}) {
  %c = npu.constant dense<1.5> : tensor<1x16x4x4xf16>
  %e = npuhw.shave "exp" %x : (tensor<1x16x4x4xf16>) -> tensor<1x16x4x4xf16> loc("e1")
  %n = npuhw.shave "neg" %e : (tensor<1x16x4x4xf16>) -> tensor<1x16x4x4xf16> loc("n")
  %a = npuhw.shave "add" %n, %x : (tensor<1x16x4x4xf16>, tensor<1x16x4x4xf16>) -> tensor<1x16x4x4xf16> loc("a")
  %e2 = npuhw.shave "exp" %x : (tensor<1x16x4x4xf16>) -> tensor<1x16x4x4xf16> loc("e2")
  %s = npuhw.shave "sigmoid" %e2 : (tensor<1x16x4x4xf16>) -> tensor<1x16x4x4xf16> loc("s")
  %m = npuhw.shave "mul" %s, %c : (tensor<1x16x4x4xf16>, tensor<1x16x4x4xf16>) -> tensor<1x16x4x4xf16> loc("m")
  %z = npuhw.shave "add" %m, %a : (tensor<1x16x4x4xf16>, tensor<1x16x4x4xf16>) -> tensor<1x16x4x4xf16> loc("z")
  return %a, %z : tensor<1x16x4x4xf16>, tensor<1x16x4x4xf16>
}

// SHAVEs by estimated start (npu.shaves = "earliest-start"): a tanh of
// 8192 elements runs as one task; the add after it, of 4 x 8192, is split
// over the 4 SHAVEs of NPU3720's 2 tiles. In turn, its last chunk queues
// behind the tanh on the first SHAVE; by estimate, behind the add's first
// chunk, which ends sooner. Faster (modelled cycles, exact), the same
// outputs, race-free.
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=shaves_by_estimate output=%t.sh.blob target=NPU3720"
// RUN: sed -e 's/@shaves_by_estimate(\(.*\)) attributes {npu.shaves = "earliest-start"} {/@shaves_by_estimate(\1) {/' %s > %t.sh-off.mlir
// RUN: npu-opt %t.sh-off.mlir -o /dev/null --npu-write-blob="function=shaves_by_estimate output=%t.sh-off.blob target=NPU3720"
// RUN: npu-blob verify --races %t.sh.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.sh.blob | FileCheck %s --check-prefix=SHAVES-EST
// RUN: npu-blob dump %t.sh-off.blob | FileCheck %s --check-prefix=SHAVES-TURN
// RUN: rm -rf %t.sho %t.sho-off
// RUN: npu-run %t.sh.blob --fill-inputs --json %t.sh.json --output-dir %t.sho > /dev/null
// RUN: npu-run %t.sh-off.blob --fill-inputs --json %t.sh-off.json --output-dir %t.sho-off > /dev/null
// RUN: cmp %t.sho/a.npy %t.sho-off/a.npy
// RUN: cmp %t.sho/b.npy %t.sho-off/b.npy
// RUN: %python -c "import json, sys; e, t = (json.load(open(f))['modelled_cycles'] for f in sys.argv[1:]); print('faster' if e < t else 'not faster: %%d >= %%d' %% (e, t))" %t.sh.json %t.sh-off.json | FileCheck %s --check-prefix=SHAVES-FASTER
// SHAVES-FASTER: {{^}}faster
// SHAVES-EST: shave[0] (1 tasks)
// SHAVES-EST-NEXT: {{^    a$}}
// SHAVES-EST: shave[2] (2 tasks)
// SHAVES-EST-NEXT: {{^    b.c0$}}
// SHAVES-EST: {{^    b.c3$}}
// SHAVES-TURN: shave[0] (2 tasks)
// SHAVES-TURN-NEXT: {{^    a$}}
// SHAVES-TURN: {{^    b.c3$}}
func.func @shaves_by_estimate(%x: tensor<8192xf16> {npu.name = "x"}, %y: tensor<32768xf16> {npu.name = "y"}) -> (tensor<8192xf16> {npu.name = "a"}, tensor<32768xf16> {npu.name = "b"}) attributes {npu.shaves = "earliest-start"} {
  %a = npuhw.shave "tanh" %x : (tensor<8192xf16>) -> tensor<8192xf16> loc("a")
  %b = npuhw.shave "add" %y, %y : (tensor<32768xf16>, tensor<32768xf16>) -> tensor<32768xf16> loc("b")
  return %a, %b : tensor<8192xf16>, tensor<32768xf16>
}

// An elementwise SHAVE op whose result only concats read is computed
// straight into them, once per concat operand it feeds; when it feeds
// several and its input is another SHAVE op's result, it runs once,
// chained with that op (one launch), and the concats copy its result
// (findShaveOpsIntoConcats). The outputs are the kernels' bit for bit.
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=into_two_concats output=%t.ic.blob target=NPU3720"
// RUN: npu-blob verify --races %t.ic.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.ic.blob | FileCheck %s --check-prefix=INTO-TWO
// RUN: %python -c "import numpy as np; r = np.random.default_rng(8); np.save('%t.icx.npy', r.standard_normal((1, 16, 64)).astype(np.float16)); np.save('%t.icy.npy', r.standard_normal((1, 16, 64)).astype(np.float16))"
// RUN: rm -rf %t.ico
// RUN: npu-run %t.ic.blob --input x=%t.icx.npy --input y=%t.icy.npy --output-dir %t.ico > /dev/null
// RUN: %python -c "import numpy as np; f = np.float32; x, y, a, b = (np.load(p).astype(f) for p in ('%t.icx.npy', '%t.icy.npy', '%t.ico/a.npy', '%t.ico/b.npy')); t = np.tanh(1 / (1 + np.exp(-x))); e = max(abs(a - np.concatenate([y, t], 1)).max(), abs(b - np.concatenate([t, y], 1)).max()); assert e < 2e-3, e"
// INTO-TWO: s+t
// INTO-TWO-NEXT: kernel sigmoid
// INTO-TWO: then kernel tanh
// INTO-TWO-NOT: kernel tanh
// With npu.shave_into_each_concat (npu-group-layers records it where the
// program is faster so) the tanh runs into each concat: two tanh launches,
// no copies, faster here (modelled cycles, exact), the same outputs.
// RUN: sed -e 's/@into_two_concats(\(.*\)) {/@into_two_concats(\1) attributes {npu.shave_into_each_concat} {/' %s > %t.ice.mlir
// RUN: npu-opt %t.ice.mlir -o /dev/null --npu-write-blob="function=into_two_concats output=%t.ice.blob target=NPU3720"
// RUN: npu-blob verify --races %t.ice.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.ice.blob | FileCheck %s --check-prefix=INTO-EACH
// RUN: rm -rf %t.iceo
// RUN: npu-run %t.ice.blob --input x=%t.icx.npy --input y=%t.icy.npy --output-dir %t.iceo --json %t.ice.json > /dev/null
// RUN: npu-run %t.ic.blob --input x=%t.icx.npy --input y=%t.icy.npy --output-dir %t.ico --json %t.ic.json > /dev/null
// RUN: cmp %t.iceo/a.npy %t.ico/a.npy
// RUN: cmp %t.iceo/b.npy %t.ico/b.npy
// RUN: %python -c "import json, sys; e, t = (json.load(open(f))['modelled_cycles'] for f in sys.argv[1:]); print('faster' if e < t else 'not faster: %%d >= %%d' %% (e, t))" %t.ice.json %t.ic.json | FileCheck %s --check-prefix=SHAVES-FASTER
// INTO-EACH: kernel tanh
// INTO-EACH: kernel tanh
// The search that records it: npu-group-layers-into-concats.mlir.
func.func @into_two_concats(%x: tensor<1x16x64xf16> {npu.name = "x"}, %y: tensor<1x16x64xf16> {npu.name = "y"}) -> (tensor<1x32x64xf16> {npu.name = "a"}, tensor<1x32x64xf16> {npu.name = "b"}) {
  %s = npuhw.shave "sigmoid" %x : (tensor<1x16x64xf16>) -> tensor<1x16x64xf16> loc("s")
  %t = npuhw.shave "tanh" %s : (tensor<1x16x64xf16>) -> tensor<1x16x64xf16> loc("t")
  %a = npu.concat %y, %t {axis = 1 : i64} : (tensor<1x16x64xf16>, tensor<1x16x64xf16>) -> tensor<1x32x64xf16> loc("a")
  %b = npu.concat %t, %y {axis = 1 : i64} : (tensor<1x16x64xf16>, tensor<1x16x64xf16>) -> tensor<1x32x64xf16> loc("b")
  return %a, %b : tensor<1x32x64xf16>, tensor<1x32x64xf16>
}
