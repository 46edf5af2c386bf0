// Keys of a node a pass decomposed into several ops of its name: the one
// op whose result leaves them (read by another op, or returned) holds the
// node's output and takes the plain name; the others #2, #3 in graph order
// (found by a review: the key of openWakeWord's decomposed strided 1-d
// convolution was its first slice of the input, so the calibration table
// and npu-compare named the input's range and values by the node). A node
// duplicated for two readers (two such ops) keeps graph order.

// RUN: rm -rf %t && mkdir -p %t
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{samples=2 table=%t/t.calib})' -o /dev/null 2>/dev/null
// RUN: FileCheck %s < %t/t.calib

// CHECK: # key
// CHECK-NEXT: {{^}}x {{.*}}
// The decomposed node: a slice of the input, a negation, then the sum that
// leaves (read by "after").
// CHECK-NEXT: {{^}}conv#2 {{.*}}
// CHECK-NEXT: {{^}}conv#3 {{.*}}
// CHECK-NEXT: {{^}}conv {{.*}}
// CHECK-NEXT: {{^}}after {{.*}}
// Duplicated: both read elsewhere.
// CHECK-NEXT: {{^}}dup {{.*}}
// CHECK-NEXT: {{^}}dup#2 {{.*}}
// CHECK-NOT: {{.}}

func.func @main(%x: tensor<1x4xf32> {npu.name = "x"}) -> (tensor<1x2xf32>, tensor<1x4xf32>, tensor<1x4xf32>) {
  %s = npu.slice %x {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<1x4xf32> to tensor<1x2xf32> loc("conv")
  %n = npu.neg %s : tensor<1x2xf32> loc("conv")
  %sum = npu.add %s, %n : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32> loc("conv")
  %after = npu.relu %sum : tensor<1x2xf32> loc("after")
  %d1 = npu.abs %x : tensor<1x4xf32> loc("dup")
  %d2 = npu.abs %x : tensor<1x4xf32> loc("dup")
  return %after, %d1, %d2 : tensor<1x2xf32>, tensor<1x4xf32>, tensor<1x4xf32>
}
