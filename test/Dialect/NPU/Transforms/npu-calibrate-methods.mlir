// The entropy, mse and auto methods through the pass, on 4 samples of 256
// standard Cauchy values: the ranges, which method each tensor's range comes
// from (the table's last column) and constants keeping their min-max range.
// The rules themselves are tested against hand-computed and brute-force
// ranges in unittests/Calibration/RangeSearchTest.cpp.

// RUN: rm -rf %t && mkdir -p %t/data
// RUN: %python -c "import numpy as np; r = np.random.RandomState(0); [np.save('%t/data/s%d.npy' % i, r.standard_cauchy((1, 256)).astype(np.float32)) for i in range(4)]"
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/data method=minmax table=%t/minmax.calib})' -o /dev/null
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/data method=entropy table=%t/entropy.calib})' | FileCheck %s --check-prefix=IR
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/data method=mse table=%t/mse.calib})' -o /dev/null
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/data method=auto table=%t/auto.calib})' -o %t/auto.mlir
// RUN: FileCheck %s --check-prefix=MINMAX < %t/minmax.calib
// RUN: FileCheck %s --check-prefix=ENTROPY < %t/entropy.calib
// RUN: FileCheck %s --check-prefix=MSE < %t/mse.calib
// RUN: FileCheck %s --check-prefix=AUTO < %t/auto.calib
// A table written by auto reads back to the same ranges.
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{use-table=%t/auto.calib})' -o %t/readback.mlir
// RUN: diff %t/auto.mlir %t/readback.mlir

// The ranges are attached as with any method.
// IR: func.func @main(%arg0: tensor<1x256xf32> {npu.name = "x", npu.range = array<f32: -1.320000e+02, 3.575000e+01>}
// IR: npu.constant {{.*}}npu.range = array<f32: 0.000000e+00, 5.000000e-01>
// IR: npu.relu {{.*}}npu.range = array<f32: 0.000000e+00, 2.031250e+01>

// MINMAX:      x       -632.062561 185.223465 -632.062561 185.223465 minmax
// MINMAX-NEXT: half    0.5 0.5 0 0.5 minmax
// MINMAX-NEXT: mul_0   -316.031281 92.6117325 -316.031281 92.6117325 minmax
// MINMAX-NEXT: relu_0  0 92.6117325 0 92.6117325 minmax

// Entropy clips the Cauchy tails at bin edges (each sign on its own); the
// constant keeps its min-max range.
// ENTROPY:      @method entropy
// ENTROPY:      x       -632.062561 185.223465 -132 35.75 entropy
// ENTROPY-NEXT: half    0.5 0.5 0 0.5 minmax
// ENTROPY-NEXT: mul_0   -316.031281 92.6117325 -66 17.875 entropy
// ENTROPY-NEXT: relu_0  0 92.6117325 0 20.3125 entropy
// ENTROPY-NOT: {{.}}

// With 1024 values the few far ones carry most of the squared error: the
// MSE range keeps nearly all of them, on a grid of 255 steps with 0 on it.
// MSE:      @method mse
// MSE:      x       -632.062561 185.223465 -63{{[0-2]}}.{{[0-9]+}} 18{{[4-6]}}.{{[0-9]+}} mse
// MSE-NEXT: half    0.5 0.5 0 0.5 minmax
// MSE-NEXT: mul_0   -316.031281 92.6117325 -31{{[5-6]}}.{{[0-9]+}} 9{{[2-3]}}.{{[0-9]+}} mse
// MSE-NEXT: relu_0  0 92.6117325 0 9{{[2-3]}}.{{[0-9]+}} mse

// auto records the method it chose per tensor, never itself (here min-max
// and MSE are about as good; entropy's clipping is not).
// AUTO:      @method auto 99.99
// AUTO:      x       -632.062561 185.223465 {{[-0-9.]+ [0-9.]+}} {{minmax|mse}}
// AUTO-NEXT: half    0.5 0.5 0 0.5 minmax
// AUTO-NEXT: mul_0   -316.031281 92.6117325 {{[-0-9.]+ [0-9.]+}} {{minmax|mse}}
// AUTO-NEXT: relu_0  0 92.6117325 0 {{[0-9.]+}} {{minmax|mse}}

func.func @main(%x: tensor<1x256xf32> {npu.name = "x"}) -> tensor<1x256xf32> {
  %c = npu.constant dense<0.5> : tensor<1x256xf32> loc("half")
  %m = npu.mul %x, %c : (tensor<1x256xf32>, tensor<1x256xf32>) -> tensor<1x256xf32> loc("mul_0")
  %r = npu.relu %m : tensor<1x256xf32> loc("relu_0")
  return %r : tensor<1x256xf32>
}
