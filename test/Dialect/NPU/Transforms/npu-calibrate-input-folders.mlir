// Calibration sub-folders are named after the inputs, or after their
// file-name-safe form where that names one input alone: 'in put' and
// 'in_put' are both 'in_put', and one folder 'in_put' fed both inputs the
// same samples (found by a fresh user; the ranges came out alike, without a
// word).

// RUN: rm -rf %t && mkdir -p %t/one/in_put %t/both/in_put "%t/both/in put"
// RUN: %python -c "import numpy as np, sys; [np.save(d + '/0.npy', np.ones((1, 4), np.float32)) for d in sys.argv[1:]]" %t/one/in_put %t/both/in_put "%t/both/in put"
// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/one})' 2>&1 | FileCheck %s --check-prefix=SHARED
// SHARED: error: calibration data '{{.*}}/one': input 'in put' needs a sub-folder of its own name: 'in_put', its file-name-safe form, is also input 'in_put''s
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/both})' -o /dev/null

func.func @main(%a: tensor<1x4xf32> {npu.name = "in put"}, %b: tensor<1x4xf32> {npu.name = "in_put"}) -> tensor<1x4xf32> {
  %s = npu.add %a, %b : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %s : tensor<1x4xf32>
}
