// RUN: npu-opt %s -split-input-file -npu-widen-float16 | FileCheck %s

// A float16 model computes in f32 inside: its f16 arguments are read
// through a cast, its constants and results become f32, and its f16
// results are returned through a cast; the signature stays the model's.

// CHECK-LABEL: func.func @elementwise
// CHECK-SAME: (%[[X:.*]]: tensor<1x8xf16>) -> tensor<1x8xf16>
// CHECK-NEXT: %[[W:.*]] = npu.cast %[[X]] : tensor<1x8xf16> to tensor<1x8xf32>
// CHECK-NEXT: %[[C:.*]] = npu.constant dense<5.000000e-01> : tensor<1x8xf32>
// CHECK-NEXT: %[[M:.*]] = npu.mul %[[W]], %[[C]] : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
// CHECK-NEXT: %[[S:.*]] = npu.sigmoid %[[M]] : tensor<1x8xf32>
// CHECK-NEXT: %[[N:.*]] = npu.cast %[[S]] : tensor<1x8xf32> to tensor<1x8xf16>
// CHECK-NEXT: return %[[N]] : tensor<1x8xf16>
func.func @elementwise(%x: tensor<1x8xf16>) -> tensor<1x8xf16> {
  %c = npu.constant dense<5.000000e-01> : tensor<1x8xf16>
  %m = npu.mul %x, %c : (tensor<1x8xf16>, tensor<1x8xf16>) -> tensor<1x8xf16>
  %s = npu.sigmoid %m : tensor<1x8xf16>
  return %s : tensor<1x8xf16>
}

// -----

// Constants keep their values exactly (f16 values are f32 values), dense
// ones included.
// CHECK-LABEL: func.func @constants
// CHECK: npu.constant dense<[6.550400e+04, -6.10351563E-5, 1.00097656, 0.000000e+00]> : tensor<4xf32>
func.func @constants(%x: tensor<4xf16>) -> tensor<4xf16> {
  %c = npu.constant dense<[65504.0, -6.103515625e-05, 1.0009765625, 0.0]> : tensor<4xf16>
  %a = npu.add %x, %c : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xf16>
  return %a : tensor<4xf16>
}

// -----

// A model's own casts to float16 inside the graph fold away; casts to
// other types read the widened value. Integer and f32 tensors are left as
// they are.
// CHECK-LABEL: func.func @casts
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[I:.*]]: tensor<4xi64>) -> (tensor<4xf32>, tensor<4xi32>)
// CHECK-NEXT: %[[R:.*]] = npu.relu %[[X]] : tensor<4xf32>
// CHECK-NEXT: %[[T:.*]] = npu.cast %[[R]] : tensor<4xf32> to tensor<4xi32>
// CHECK-NEXT: %[[F:.*]] = npu.cast %[[I]] : tensor<4xi64> to tensor<4xf32>
// CHECK-NEXT: %[[A:.*]] = npu.add %[[R]], %[[F]] : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT: return %[[A]], %[[T]]
func.func @casts(%x: tensor<4xf32>, %i: tensor<4xi64>) -> (tensor<4xf32>, tensor<4xi32>) {
  %r = npu.relu %x : tensor<4xf32>
  %h = npu.cast %r : tensor<4xf32> to tensor<4xf16>
  %t = npu.cast %h : tensor<4xf16> to tensor<4xi32>
  %f = npu.cast %i : tensor<4xi64> to tensor<4xf16>
  %hf = npu.cast %h : tensor<4xf16> to tensor<4xf32>
  %ff = npu.cast %f : tensor<4xf16> to tensor<4xf32>
  %a = npu.add %hf, %ff : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %a, %t : tensor<4xf32>, tensor<4xi32>
}

// -----

// Inside a conditional's regions too; an input returned as it is stays
// the same value (no cast pair).
// CHECK-LABEL: func.func @regions
// CHECK-SAME: (%[[C:.*]]: tensor<i1>, %[[X:.*]]: tensor<4xf16>) -> (tensor<4xf16>, tensor<4xf16>)
// CHECK: %[[W:.*]] = npu.cast %[[X]] : tensor<4xf16> to tensor<4xf32>
// CHECK: %[[R:.*]] = npu.if %[[C]] : tensor<i1> -> tensor<4xf32> {
// CHECK:   npu.relu %[[W]] : tensor<4xf32>
// CHECK:   npu.yield %{{.*}} : tensor<4xf32>
// CHECK: } else {
// CHECK:   npu.yield %[[W]] : tensor<4xf32>
// CHECK: }
// CHECK: %[[N:.*]] = npu.cast %[[R]] : tensor<4xf32> to tensor<4xf16>
// CHECK: return %[[N]], %[[X]] : tensor<4xf16>, tensor<4xf16>
func.func @regions(%c: tensor<i1>, %x: tensor<4xf16>) -> (tensor<4xf16>, tensor<4xf16>) {
  %r = npu.if %c : tensor<i1> -> tensor<4xf16> {
    %y = npu.relu %x : tensor<4xf16>
    npu.yield %y : tensor<4xf16>
  } else {
    npu.yield %x : tensor<4xf16>
  }
  return %r, %x : tensor<4xf16>, tensor<4xf16>
}

// -----

// bf16 and f64 are not widened.
// CHECK-LABEL: func.func @others
// CHECK-NEXT: npu.relu %{{.*}} : tensor<4xbf16>
// CHECK-NEXT: npu.relu %{{.*}} : tensor<4xf64>
func.func @others(%x: tensor<4xbf16>, %y: tensor<4xf64>) -> (tensor<4xbf16>, tensor<4xf64>) {
  %a = npu.relu %x : tensor<4xbf16>
  %b = npu.relu %y : tensor<4xf64>
  return %a, %b : tensor<4xbf16>, tensor<4xf64>
}
