// Ranges from a directory of .npy samples (min-max, so that the values are
// exact), written to a table and read back; the percentile method; keys of
// fused, duplicated and multi-result ops; generated samples.

// RUN: rm -rf %t && mkdir -p %t/data
// RUN: %python -c "import numpy as np; np.save('%t/data/a.npy', np.array([[-1, 0.5, 2, 3]], np.float32)); np.save('%t/data/b.npy', np.array([[4, -2, 0, 1]], np.float32))"
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/data method=minmax table=%t/t.calib})' | FileCheck %s
// RUN: FileCheck %s --check-prefix=TABLE < %t/t.calib
// The same samples as .npz archives give the same ranges.
// RUN: mkdir -p %t/npz && %python -c "import numpy as np; [np.savez('%t/npz/' + n + '.npz', x=np.load('%t/data/' + n + '.npy')) for n in 'ab']"
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/npz method=minmax})' | FileCheck %s
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{use-table=%t/t.calib})' | FileCheck %s
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/data method=minmax samples=1})' | FileCheck %s --check-prefix=ONE
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/data percentile=50})' | FileCheck %s --check-prefix=P50
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/data percentile=50 symmetric=true})' | FileCheck %s --check-prefix=SYM
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{samples=2 table=%t/gen1.calib})' 2>&1 | FileCheck %s --check-prefix=GEN
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{samples=2 table=%t/gen2.calib})' -o /dev/null 2>/dev/null
// RUN: diff %t/gen1.calib %t/gen2.calib

// CHECK-LABEL: func.func @main
// CHECK-SAME: npu.name = "x", npu.range = array<f32: -2.000000e+00, 4.000000e+00>
// CHECK: npu.constant {{.*}}npu.range = array<f32: 0.000000e+00, 4.000000e+00>
// CHECK: npu.mul {{.*}}npu.range = array<f32: -4.000000e+00, 1.200000e+01>
// CHECK: npu.relu {{.*}}npu.range = array<f32: 0.000000e+00, 1.200000e+01>
// CHECK: npu.split {{.*}}npu.ranges = [array<f32: -4.000000e+00, 4.000000e+00>, array<f32: 0.000000e+00, 1.200000e+01>]
// CHECK: npu.relu {{.*}}npu.range = array<f32: 0.000000e+00, 4.000000e+00>
// CHECK: npu.topk {{.*}}npu.ranges = [array<f32: 0.000000e+00, 4.000000e+00>, array<f32>]
// CHECK: npu.sub {{.*}}npu.range = array<f32: -9.53674316E-7, 9.53674316E-7>
// CHECK: npu.constant {{.*}}npu.range = array<f32: 0.000000e+00, 5.000000e-01>
// CHECK: npu.add {{.*}}npu.range = array<f32: 0.000000e+00, 5.000000e-01>

// TABLE: @version 1
// TABLE-NEXT: @method minmax
// TABLE-NEXT: @samples 2 from '{{.*}}data' (npy)
// TABLE-NEXT: # key
// TABLE-NEXT: x         -2  4  -2  4  minmax
// TABLE-NEXT: scale      1  4   0  4  minmax
// TABLE-NEXT: mul_0     -4 12  -4 12  minmax
// TABLE-NEXT: relu_0     0 12   0 12  minmax
// TABLE-NEXT: split     -4  4  -4  4  minmax
// TABLE-NEXT: split#1    0 12   0 12  minmax
// TABLE-NEXT: relu_0#2   0  4   0  4  minmax
// TABLE-NEXT: top        1  4   0  4  minmax
// TABLE-NEXT: zero       0  0  -9.53674316e-07 9.53674316e-07 minmax
// An unnamed constant is named after its first user and operand.
// TABLE-NEXT: add_k:1    0.5 0.5 0 0.5 minmax
// TABLE-NEXT: add_k      0.5 0.5 0 0.5 minmax
// TABLE-NOT: {{.}}

// Only the first sample (x = [-1, 0.5, 2, 3]).
// ONE: npu.name = "x", npu.range = array<f32: -1.000000e+00, 3.000000e+00>

// Each sign keeps half of its own mass, interpolated in the histogram's 2048
// bins. x's positive values 0.5, 1, 2, 3, 4 (bins of [0, 8), width 1/256):
// the mass 2.5 is half way through 2's bin; negative magnitudes 1, 2 (bins
// of [0, 4), width 1/512): the mass 1 ends with 1's bin.
// P50: npu.name = "x", npu.range = array<f32: -1.00195313, 2.00195313>
// The constant keeps its min-max range.
// P50: npu.constant {{.*}}npu.range = array<f32: 0.000000e+00, 4.000000e+00>

// Symmetric: |x| = 0.5, 1, 1, 2, 2, 3, 4 (zeros excluded): the mass 3.5 is a
// quarter through 2's bin.
// SYM: npu.name = "x", npu.range = array<f32: -2.00097656, 2.00097656>

// GEN: warning: no calibration data: 2 generated samples (standard normal, 8-bit integer inputs uniform); int8 accuracy is unvalidated (give calibration samples: npu-compile --calib-data DIR, or the pass option data=DIR)
// GEN: npu.name = "x", npu.range = array<f32:

func.func @main(%x: tensor<1x4xf32> {npu.name = "x"}) -> (tensor<1x4xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xi64>, tensor<1x4xf32>) {
  %c = npu.constant dense<[[1.0, 2.0, 3.0, 4.0]]> : tensor<1x4xf32> loc("scale")
  %m = npu.mul %x, %c : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("mul_0")
  %r = npu.relu %m : tensor<1x4xf32> loc(fused["relu_0", "mul_0"])
  %s:2 = npu.split %m {axis = 1 : i64} : tensor<1x4xf32> -> tensor<1x2xf32>, tensor<1x2xf32> loc("split")
  %d = npu.relu %s#0 : tensor<1x2xf32> loc("relu_0")
  %t:2 = npu.topk %x {axis = 1 : i64, k = 2 : i64} : (tensor<1x4xf32>) -> (tensor<1x2xf32>, tensor<1x2xi64>) loc("top")
  %z = npu.sub %x, %x : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("zero")
  %k = npu.constant dense<0.5> : tensor<1x4xf32>
  %a = npu.add %z, %k : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("add_k")
  return %r, %s#1, %d, %t#0, %t#1, %a : tensor<1x4xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xi64>, tensor<1x4xf32>
}
