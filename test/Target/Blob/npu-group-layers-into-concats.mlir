// npu-group-layers chooses how an elementwise SHAVE op feeding several
// concat operands from another SHAVE op's result runs, by the modelled
// latency of the generated program: once in that op's chain with copies
// (the default), or into each concat (npu.shave_into_each_concat,
// npu-write-blob.mlir's into_two_concats). With the SHAVE split off, into
// each concat is the faster here (6762 against 7585 modelled cycles on
// NPU3720) and recorded; with the split (by half a launch's work: 6220
// cycles once in the chain) it is not; nor with search-into-concats=false.
// RUN: npu-opt %s --npu-group-layers="search-shave-split=false search-op-order=false" | FileCheck %s --check-prefix=SEARCHED
// RUN: npu-opt %s --npu-group-layers="search-op-order=false" | FileCheck %s --check-prefix=NOT-SEARCHED
// RUN: npu-opt %s --npu-group-layers="search-shave-split=false search-into-concats=false search-op-order=false" | FileCheck %s --check-prefix=NOT-SEARCHED
// SEARCHED: func.func @into_two_concats({{.*}}npu.shave_into_each_concat
// NOT-SEARCHED-NOT: npu.shave_into_each_concat
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @into_two_concats(%x: tensor<1x16x64xf16> {npu.name = "x"}, %y: tensor<1x16x64xf16> {npu.name = "y"}) -> (tensor<1x32x64xf16> {npu.name = "a"}, tensor<1x32x64xf16> {npu.name = "b"}) {
  %s = npuhw.shave "sigmoid" %x : (tensor<1x16x64xf16>) -> tensor<1x16x64xf16> loc("s")
  %t = npuhw.shave "tanh" %s : (tensor<1x16x64xf16>) -> tensor<1x16x64xf16> loc("t")
  %a = npu.concat %y, %t {axis = 1 : i64} : (tensor<1x16x64xf16>, tensor<1x16x64xf16>) -> tensor<1x32x64xf16> loc("a")
  %b = npu.concat %t, %y {axis = 1 : i64} : (tensor<1x16x64xf16>, tensor<1x16x64xf16>) -> tensor<1x32x64xf16> loc("b")
  return %a, %b : tensor<1x32x64xf16>, tensor<1x32x64xf16>
}
}
