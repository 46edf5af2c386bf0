// npu-calibrate measures the extremes of each channel of tensors read only
// by depthwise convolutions (npu.channel_range), writes them to the table as
// @channels lines, and reads them back with use-table.
// RUN: rm -rf %t && mkdir -p %t/data
// RUN: %python -c "import numpy as np; x = np.zeros((1, 2, 2, 2), np.float32); x[0, 0] = [[-1, 2], [0.5, 0]]; x[0, 1] = [[0.25, 0], [0, -0.125]]; np.save('%t/data/a.npy', x); np.save('%t/data/b.npy', -x)"
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/data method=minmax table=%t/t.calib})' | FileCheck %s
// RUN: FileCheck %s --check-prefix=TABLE < %t/t.calib
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{use-table=%t/t.calib})' | FileCheck %s
// Calibrated then equalized: channel 1 uses [-0.5, 0.5] of [-4, 4] (r = 8, halved for headroom).
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/data method=minmax}, func.func(npu-equalize-channels))' | FileCheck %s --check-prefix=EQ
// A table without @channels: no per-channel ranges, nothing to equalize.
// RUN: grep -v '^@channels' %t/t.calib > %t/plain.calib
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{use-table=%t/plain.calib}, func.func(npu-equalize-channels))' | FileCheck %s --check-prefix=PLAIN
// Errors: a wrong channel count; a tensor not read only by depthwise
// convolutions is a warning.
// RUN: sed 's/^@channels t .*/@channels t 0 1/' %t/t.calib > %t/count.calib
// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{use-table=%t/count.calib})' 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: sed 's/^@channels t /@channels u /' %t/t.calib > %t/other.calib
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{use-table=%t/other.calib})' 2>&1 >/dev/null | FileCheck %s --check-prefix=OTHER

// CHECK: npu.mul %{{.*}} {npu.channel_range = array<f32: -4.000000e+00, 4.000000e+00, -5.000000e-01, 5.000000e-01>, npu.range = array<f32: -4.000000e+00, 4.000000e+00>}
// CHECK: npu.relu %{{.*}} {npu.range
// CHECK-NOT: channel_range
// TABLE: @channels t -4 4 -0.5 0.5
// TABLE-NOT: @channels
// EQ: npu.mul {{.*}}npu.channel_scale = array<f32: 1.000000e+00, 4.000000e+00>
// PLAIN-NOT: channel_range
// PLAIN-NOT: channel_scale
// COUNT: count.calib:{{[0-9]+}}: '@channels t' gives 1 channel(s); the tensor has 2
// OTHER: other.calib:{{[0-9]+}}: '@channels u' ignored: the tensor is not read only by depthwise convolutions
func.func @main(%x: tensor<1x2x2x2xf32> {npu.name = "x"}) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %two = npu.constant dense<2.0> : tensor<1xf32> loc("two")
  %w = npu.constant dense<1.0> : tensor<2x1x1x1xf32> loc("w")
  %t = npu.mul %x, %two : (tensor<1x2x2x2xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32> loc("t")
  %y = npu.conv %t, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2 : i64} : (tensor<1x2x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32> loc("y")
  %u = npu.relu %x : tensor<1x2x2x2xf32> loc("u")
  %z = npu.conv %u, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2 : i64} : (tensor<1x2x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32> loc("z")
  %v = npu.add %u, %z : (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("v")
  return %y, %v : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}
