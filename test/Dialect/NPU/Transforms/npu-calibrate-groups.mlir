// The results of ops with the same npu.range_group (the phases of a dilated
// convolution, npu-decompose-dilated-conv) share the union of their ranges,
// in the table too; a result outside any group keeps its own.

// RUN: rm -rf %t && mkdir -p %t/data
// RUN: %python -c "import numpy as np; np.save('%t/data/a.npy', np.array([[-1, 0.5, 2, 3]], np.float32)); np.save('%t/data/b.npy', np.array([[4, -2, 0, 1]], np.float32))"
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/data method=minmax table=%t/t.calib})' | FileCheck %s
// RUN: FileCheck %s --check-prefix=TABLE < %t/t.calib
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{use-table=%t/t.calib})' | FileCheck %s

// Columns 0-1 hold [-2, 4], columns 2-3 [0, 3].
// CHECK-LABEL: func.func @main
// CHECK: npu.slice {{.*}}npu.range = array<f32: -2.000000e+00, 4.000000e+00>, npu.range_group = 0
// CHECK: npu.slice {{.*}}npu.range = array<f32: -2.000000e+00, 4.000000e+00>, npu.range_group = 0
// CHECK: npu.slice {{.*}}npu.range = array<f32: 0.000000e+00, 3.000000e+00>,
// CHECK-NOT: range_group
// TABLE: left     -2  4  -2  4  minmax
// TABLE-NEXT: right     0  3  -2  4  minmax
// TABLE-NEXT: alone     0  3   0  3  minmax
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @main(%x: tensor<1x4xf32> {npu.name = "x"}) -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) {
  %l = npu.slice %x {npu.range_group = 0 : i64, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<1x4xf32> to tensor<1x2xf32> loc("left")
  %r = npu.slice %x {npu.range_group = 0 : i64, starts = array<i64: 0, 2>, steps = array<i64: 1, 1>} : tensor<1x4xf32> to tensor<1x2xf32> loc("right")
  %a = npu.slice %x {starts = array<i64: 0, 2>, steps = array<i64: 1, 1>} : tensor<1x4xf32> to tensor<1x2xf32> loc("alone")
  return %l, %r, %a : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>
}
}
