// Tensors with a pre-quantized model's parameters (npu.quant, from
// npu-fold-qdq) get no range. When every activation has them, no samples
// are generated and no "unvalidated" warning is printed; the constants still
// get their exact ranges. A tensor without them is calibrated as usual.

// RUN: npu-opt %s -split-input-file --pass-pipeline='builtin.module(npu-calibrate)' 2>%t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=ERR < %t.err

// Only the second function needs samples.
// ERR-NOT: warning
// ERR: prequantized.mlir:[[@LINE+21]]:3: warning: no calibration data
// ERR-NOT: warning

// CHECK-LABEL: func.func @main
// CHECK-SAME: {npu.name = "x", npu.quant = array<f32: 1.000000e-01, -1.000000e+01>}
// CHECK-NEXT: npu.constant {npu.range = array<f32: 0.000000e+00, 5.000000e-01>}
// CHECK-NEXT: npu.add %arg0, %0 {npu.quant = array<f32: 2.000000e-01, 0.000000e+00>}
module {
  func.func @main(%x: tensor<1x4xf32> {npu.name = "x", npu.quant = array<f32: 0.1, -10.0>}) -> tensor<1x4xf32> {
    %c = npu.constant dense<0.5> : tensor<1x4xf32>
    %y = npu.add %x, %c {npu.quant = array<f32: 0.2, 0.0>} : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
    return %y : tensor<1x4xf32>
  }
}

// -----

// CHECK-LABEL: func.func @main
// CHECK: npu.add {{.*}}npu.quant
// CHECK: npu.relu {{.*}}npu.range
module {
  func.func @main(%x: tensor<1x4xf32> {npu.name = "x", npu.quant = array<f32: 0.1, -10.0>}) -> tensor<1x4xf32> {
    %c = npu.constant dense<0.5> : tensor<1x4xf32>
    %y = npu.add %x, %c {npu.quant = array<f32: 0.2, 0.0>} : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
    %r = npu.relu %y : tensor<1x4xf32>
    return %r : tensor<1x4xf32>
  }
}
