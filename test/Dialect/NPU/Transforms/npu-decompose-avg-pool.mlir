// RUN: npu-opt %s -split-input-file -npu-decompose-avg-pool -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s

// ceil_mode with count_include_pad (PyTorch's AvgPool2d(2, ceil_mode=True)
// on 5x7): the last row and column windows hold one input row / column, so
// they divide by 2 (edges) and 1 (corner), not 4. The pool becomes a
// depthwise sum (weights 1/4, exact) with the end padding grown by one,
// times the map of 4 / divisor.
// CHECK-LABEL: func.func @ceil_include_pad
// CHECK: %[[ONES:.*]] = npu.constant dense<2.500000e-01> : tensor<16x1x2x2xf32> loc("p (window sum)"("p"))
// CHECK: %[[SUM:.*]] = npu.conv %arg0, %[[ONES]] {dilations = array<i64: 1, 1>, group = 16 : i64, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x16x5x7xf32>, tensor<16x1x2x2xf32>) -> tensor<1x16x3x4xf32> loc("p (window sum)"("p"))
// CHECK: %[[MAP:.*]] = npu.constant dense<{{\[\[\[}}[1.000000e+00, 1.000000e+00, 1.000000e+00, 2.000000e+00], [1.000000e+00, 1.000000e+00, 1.000000e+00, 2.000000e+00], [2.000000e+00, 2.000000e+00, 2.000000e+00, 4.000000e+00]]]]> : tensor<1x1x3x4xf32>
// CHECK: %[[Y:.*]] = npu.mul %[[SUM]], %[[MAP]] : (tensor<1x16x3x4xf32>, tensor<1x1x3x4xf32>) -> tensor<1x16x3x4xf32> loc("p")
// CHECK-NOT: npu.avg_pool
// CHECK: return %[[Y]]
func.func @ceil_include_pad(%x: tensor<1x16x5x7xf32>) -> tensor<1x16x3x4xf32> {
  %y = npu.avg_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                        pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                        ceil_mode = true, count_include_pad = true}
      : (tensor<1x16x5x7xf32>) -> tensor<1x16x3x4xf32> loc("p")
  return %y : tensor<1x16x3x4xf32>
}

// -----

// ONNX's default (count_include_pad = 0) with padding: the windows at the
// edges count only the input elements in them (6 at an edge, 4 at a
// corner), in 1-d likewise (2 at each end). A 3x3 kernel sums with weights
// 1/16, so the map is 16 / divisor.
// CHECK-LABEL: func.func @exclude_pad
// CHECK: npu.constant dense<6.250000e-02> : tensor<8x1x3x3xf32>
// CHECK: npu.conv %arg0, %{{.*}} {dilations = array<i64: 1, 1>, group = 8 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
// CHECK: npu.constant dense<{{\[\[\[}}[4.000000e+00, 2.66666675, 2.66666675, 4.000000e+00], [2.66666675, 1.77777779, 1.77777779, 2.66666675], [2.66666675, 1.77777779, 1.77777779, 2.66666675], [4.000000e+00, 2.66666675, 2.66666675, 4.000000e+00]]]]> : tensor<1x1x4x4xf32>
// CHECK: npu.mul
// CHECK-LABEL: func.func @exclude_pad_1d
// CHECK: npu.conv %arg0, %{{.*}} {dilations = array<i64: 1>, group = 8 : i64, pads = array<i64: 1, 1>, strides = array<i64: 1>} : (tensor<1x8x6xf32>, tensor<8x1x3xf32>) -> tensor<1x8x6xf32>
// CHECK: npu.constant dense<{{\[\[}}[2.000000e+00, 1.33333337, 1.33333337, 1.33333337, 1.33333337, 2.000000e+00]]]> : tensor<1x1x6xf32>
func.func @exclude_pad(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %y = npu.avg_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>,
                        pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}
      : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}
func.func @exclude_pad_1d(%x: tensor<1x8x6xf32>) -> tensor<1x8x6xf32> {
  %y = npu.avg_pool %x {kernel_shape = array<i64: 3>, strides = array<i64: 1>,
                        pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x8x6xf32>) -> tensor<1x8x6xf32>
  return %y : tensor<1x8x6xf32>
}

// -----

// Every window counts the whole kernel: the DPU's average pooling does it,
// the pool stays (with padding counted, and a ceil_mode that adds no
// window).
// CHECK-LABEL: func.func @uniform
// CHECK-NEXT: npu.avg_pool
// CHECK-NEXT: npu.avg_pool
// CHECK-NOT: npu.conv
func.func @uniform(%x: tensor<1x8x8x8xf32>) -> (tensor<1x8x8x8xf32>, tensor<1x8x4x4xf32>) {
  %a = npu.avg_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>,
                        pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>,
                        count_include_pad = true}
      : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %b = npu.avg_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                        pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                        ceil_mode = true}
      : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
  return %a, %b : tensor<1x8x8x8xf32>, tensor<1x8x4x4xf32>
}

// -----

// A pre-quantized model's pool (npu.quant, scale 0.05): the multiply keeps
// its parameters; the window sum (weights 1/16, 9 taps) takes scale
// 0.05 * 9 / 16 = 0.028125, marked as not a pair of the model's own.
// CHECK-LABEL: func.func @annotated
// CHECK: npu.conv {{.*}}npu.quant = array<f32: 0.0281250011, 0.000000e+00>, npu.quant_from_consumer
// CHECK: npu.mul {{.*}}npu.quant = array<f32: 5.000000e-02, 0.000000e+00>
// CHECK-NOT: npu.avg_pool
func.func @annotated(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %y = npu.avg_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>,
                        pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>,
                        npu.quant = array<f32: 0.05, 0.0>}
      : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}
