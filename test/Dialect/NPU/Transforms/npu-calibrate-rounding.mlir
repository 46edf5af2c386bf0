// npu-calibrate with weight-rounding=gptq (the default) replaces a
// convolution's weights by the int8 levels data-aware rounding chooses:
// on a constant input (H = all equal entries) the output error is the sum
// of the weights' rounding errors, so GPTQ carries the first weight's error
// (38.4 -> 38) through the locked largest weight (-127, it keeps the scale
// 1 / 127) to the last (89.3 + 0.4 -> 90), where nearest rounding gives 89.
// The table records the difference (2:+1) and use-table reads it back;
// weight-rounding=nearest keeps the weights. The same weights as a
// matmul's [K, N] right-hand side and a gemm's transB [N, K] one, on
// constant rows: the same levels.
// RUN: rm -rf %t && mkdir -p %t/data/x %t/data/a
// RUN: %python -c "import numpy as np; [np.save('%t/data/x/%%d.npy' %% v, v * np.ones((1, 1, 1, 4), np.float32)) for v in (1, 2)]; [np.save('%t/data/a/%%d.npy' %% v, v * np.ones((2, 3), np.float32)) for v in (1, 2)]"
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/data method=minmax table=%t/t.calib})' | FileCheck %s
// RUN: FileCheck %s --check-prefix=TABLE < %t/t.calib
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{use-table=%t/t.calib})' | FileCheck %s
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/data method=minmax weight-rounding=nearest table=%t/n.calib})' | FileCheck %s --check-prefix=NEAREST
// RUN: not grep -q @rounding %t/n.calib
// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/data weight-rounding=stochastic})' 2>&1 | FileCheck %s --check-prefix=BAD
// For mixed precision the float weights stay beside the levels.
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/data method=minmax keep-float-weights=true})' | FileCheck %s --check-prefix=KEEP

// CHECK: npu.constant {npu.range = array<f32: -1.000000e+00, 0.708661437>} dense<{{\[\[\[\[}}0.299212605, -1.000000e+00, 0.708661437]]]]> : tensor<1x1x1x3xf32>
// CHECK: npu.conv {{.*}}npu.weight_rounding = "gptq"
// CHECK: npu.constant {npu.range = array<f32: -1.000000e+00, 0.708661437>} dense<{{\[\[}}0.299212605], [-1.000000e+00], [0.708661437]]> : tensor<3x1xf32>
// CHECK: npu.matmul {{.*}}npu.weight_rounding = "gptq"
// CHECK: npu.constant {npu.range = array<f32: -1.000000e+00, 0.708661437>} dense<{{\[\[}}0.299212605, -1.000000e+00, 0.708661437]]> : tensor<1x3xf32>
// CHECK: npu.gemm {{.*}}npu.weight_rounding = "gptq"
// TABLE: @rounding y 2:+1{{$}}
// TABLE: @rounding m 2:+1{{$}}
// TABLE: @rounding g 2:+1{{$}}
// NEAREST: npu.constant {npu.range = array<f32: -1.000000e+00, 0.703149616>} dense<{{\[\[\[\[}}0.302362204, -1.000000e+00, 0.703149616]]]]>
// NEAREST-NOT: weight_rounding
// KEEP: npu.conv {{.*}}npu.float_weights = dense<{{\[\[\[\[}}0.302362204, -1.000000e+00, 0.703149616]]]]> : tensor<1x1x1x3xf32>
// BAD: error: unknown weight rounding 'stochastic' (expected gptq or nearest)
func.func @main(%x: tensor<1x1x1x4xf32> {npu.name = "x"}, %a: tensor<2x3xf32> {npu.name = "a"}) -> (tensor<1x1x1x2xf32>, tensor<2x1xf32>, tensor<2x1xf32>) {
  %w = npu.constant dense<[[[[0.302362204, -1.0, 0.703149616]]]]> : tensor<1x1x1x3xf32> loc("w")
  %y = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64} : (tensor<1x1x1x4xf32>, tensor<1x1x1x3xf32>) -> tensor<1x1x1x2xf32> loc("y")
  %kn = npu.constant dense<[[0.302362204], [-1.0], [0.703149616]]> : tensor<3x1xf32> loc("kn")
  %m = npu.matmul %a, %kn : (tensor<2x3xf32>, tensor<3x1xf32>) -> tensor<2x1xf32> loc("m")
  %nk = npu.constant dense<[[0.302362204, -1.0, 0.703149616]]> : tensor<1x3xf32> loc("nk")
  %g = npu.gemm %a, %nk {trans_b = true} : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x1xf32> loc("g")
  return %y, %m, %g : tensor<1x1x1x2xf32>, tensor<2x1xf32>, tensor<2x1xf32>
}
