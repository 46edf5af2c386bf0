// An fp16 configuration whose output overflows to infinity where float's
// is finite fails the cosine target, not a perfect score over the finite
// elements left (found by a review: an fp16 blob with 70 % NaN outputs was
// scored 1 and written). Here the convolution sums 16 inputs of about 3e4:
// past f16's 65504, in fp16 every output is infinite.
// RUN: rm -rf %t && mkdir -p %t/data
// RUN: %python -c "import numpy as np; [np.save('%t/data/%%d.npy' %% i, (np.full((1, 16, 4, 4), 3e4) + i).astype(np.float32)) for i in range(2)]"
// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-select-precision{target=cos=0.9 data=%t/data})' 2>&1 | FileCheck %s
// CHECK: error: accuracy target cos=0.9 is out of reach: even with every {{.*}} 0.00000

func.func @overflow(%x: tensor<1x16x4x4xf32> {npu.range = array<f32: -40000.0, 40000.0>}) -> tensor<1x16x4x4xf32> {
  %w = npu.constant dense<1.0> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -700000.0, 700000.0>}
      : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x4x4xf32> loc("c1")
  return %c : tensor<1x16x4x4xf32>
}
