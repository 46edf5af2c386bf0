// Maps split and concatenated along their channels ([1, C, H, W], C a
// multiple of 16) share the union of their ranges, in the table too, so
// that int8 moves their codes (docs/calibration.md, "Channel splits and
// concatenations"). A join that would leave a map of its group with a
// range less than half as wide as the union is left out whole; a map
// joined to none keeps its own. A table read back gives the same ranges.

// RUN: rm -rf %t && mkdir -p %t/data
// RUN: %python -c "import numpy as np; x = np.zeros((1, 32, 1, 1), np.float32); x[0, :16, 0, 0] = np.linspace(-1, 2, 16); x[0, 16:, 0, 0] = np.linspace(0.5, 3, 16); np.save('%t/data/a.npy', x)"
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/data method=minmax table=%t/t.calib})' | FileCheck %s
// RUN: FileCheck %s --check-prefix=TABLE < %t/t.calib
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{use-table=%t/t.calib})' | FileCheck %s

// The input, its halves ([-1, 2] and [0.5, 3]) and their join take
// [-1, 3]; the join of a half with the narrow map ([0, 0.3]) is left out,
// so both keep their own ranges, and so does the map outside any join.
// CHECK-LABEL: func.func @main
// CHECK-SAME: npu.range = array<f32: -1.000000e+00, 3.000000e+00>
// CHECK: npu.split {{.*}}npu.ranges = [array<f32: -1.000000e+00, 3.000000e+00>, array<f32: -1.000000e+00, 3.000000e+00>]
// CHECK: npu.mul {{.*}}npu.range = array<f32: 0.000000e+00, 3.000000e-01>
// CHECK: npu.concat {{.*}}npu.range = array<f32: -1.000000e+00, 3.000000e+00>
// CHECK: npu.concat {{.*}}npu.range = array<f32: -1.000000e+00, 2.000000e+00>
// CHECK: npu.relu {{.*}}npu.range = array<f32: 0.000000e+00, 2.000000e+00>
// TABLE: x        -1  3    -1  3    minmax
// TABLE: split    -1  2    -1  3    minmax
// TABLE-NEXT: split#1  0.5  3  -1  3  minmax
// TABLE: narrow 0.0500000007 0.300000012 0 0.300000012 minmax
// TABLE-NEXT: join    -1  3    -1  3    minmax
// TABLE-NEXT: joinnarrow    -1  2    -1  2    minmax
// TABLE-NEXT: alone    0  2     0  2    minmax
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @main(%x: tensor<1x32x1x1xf32> {npu.name = "x"}) -> (tensor<1x32x1x1xf32>, tensor<1x32x1x1xf32>, tensor<1x16x1x1xf32>) {
  %a, %b = npu.split %x {axis = 1 : i64} : tensor<1x32x1x1xf32> -> tensor<1x16x1x1xf32>, tensor<1x16x1x1xf32> loc("split")
  %k = npu.constant dense<0.1> : tensor<f32> loc("k")
  %n = npu.mul %b, %k : (tensor<1x16x1x1xf32>, tensor<f32>) -> tensor<1x16x1x1xf32> loc("narrow")
  %c = npu.concat %a, %b {axis = 1 : i64} : (tensor<1x16x1x1xf32>, tensor<1x16x1x1xf32>) -> tensor<1x32x1x1xf32> loc("join")
  %d = npu.concat %a, %n {axis = 1 : i64} : (tensor<1x16x1x1xf32>, tensor<1x16x1x1xf32>) -> tensor<1x32x1x1xf32> loc("joinnarrow")
  %r = npu.relu %a : tensor<1x16x1x1xf32> loc("alone")
  return %c, %d, %r : tensor<1x32x1x1xf32>, tensor<1x32x1x1xf32>, tensor<1x16x1x1xf32>
}
}
