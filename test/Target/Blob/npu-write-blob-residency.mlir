// Which activations stay in CMX (CmxResidency.h): only those produced by a
// DPU op and read only by DPU ops, that fit beside the pieces' buffers.
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=mixed output=%t.mixed.blob target=NPU3720"
// RUN: npu-blob verify %t.mixed.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.mixed.blob | FileCheck %s --check-prefix=MIXED
// RUN: npu-opt %s -o /dev/null --npu-write-blob="function=big output=%t.big.blob target=NPU3720"
// RUN: npu-blob verify %t.big.blob | FileCheck %s --check-prefix=VERIFY
// RUN: npu-blob dump %t.big.blob | FileCheck %s --check-prefix=BIG
// VERIFY: valid NPU3720 blob

// 'a' is also read by a DMA (the transpose): it stays in DDR. 'b' is read
// only by the eltwise add, which reads row y for output row y: it is held
// banded, tile t holding only the 8 rows of its band (4096 bytes of its
// CMX), written in place by the max pool's pieces of that band and read
// there by the add's, never copied. 'c' is a result: it goes to its Output.
// MIXED: buf{{[0-9]+}} 'a' scratch
// MIXED-NOT: 'a.cmx
// MIXED: buf{{[0-9]+}} 'b.cmx.t0' cmx tile 0 [4608, 8704)
// MIXED-NEXT: buf{{[0-9]+}} 'b.cmx.t1' cmx tile 1 [4608, 8704)
// MIXED-NOT: 'c.cmx
// MIXED-NOT: 'b' scratch
// MIXED-NOT: b.p{{[0-9]}}.out.t
// MIXED: b.p0 wait
// MIXED: output buf[[B0:[0-9]+]](b.cmx.t0)+0 i8 8x16x32
// MIXED: c.p0 wait
// MIXED: input buf[[B0]](b.cmx.t0)+0 i8 8x16x32
// MIXED: b.p1 wait
// MIXED: output buf[[B1:[0-9]+]](b.cmx.t1)+0 i8 8x16x32
// MIXED: c.p1 wait
// MIXED: input buf[[B1]](b.cmx.t1)+0 i8 8x16x32
func.func @mixed(%x: tensor<16x16x32xi8> {npu.name = "x"})
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

// A 2 MiB tensor does not fit in a tile's 1936 KiB of usable CMX: it is
// spilled to DDR like before; the small one after it stays in CMX.
// BIG: buf{{[0-9]+}} 'p1' scratch [0, 2097152)
// BIG-NOT: 'p1.cmx
// BIG: 'p2.cmx.t0' cmx tile 0
func.func @big(%x: tensor<256x256x32xi8> {npu.name = "x"}) -> (tensor<64x64x32xi8> {npu.name = "y"}) {
  %p1 = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>,
         pads = array<i64: 0, 0, 0, 0>} : (tensor<256x256x32xi8>) -> tensor<256x256x32xi8> loc("p1")
  %p2 = npuhw.dpu_conv max_pool %p1 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
         pads = array<i64: 0, 0, 0, 0>} : (tensor<256x256x32xi8>) -> tensor<128x128x32xi8> loc("p2")
  %p3 = npuhw.dpu_conv max_pool %p2 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
         pads = array<i64: 0, 0, 0, 0>} : (tensor<128x128x32xi8>) -> tensor<64x64x32xi8> loc("p3")
  return %p3 : tensor<64x64x32xi8>
}
