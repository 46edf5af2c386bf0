// RUN: npu-opt %s -split-input-file -npu-fold-qdq -verify-diagnostics | FileCheck %s

// Pairs whose readers would not see their grid if the tensor took the
// parameters (found by a fresh user's review, each a silent wrong answer
// against ONNX Runtime; prequantized.test runs them end to end).

// A tensor read by a pair and by a float op (a partly quantized model)
// takes the pair's parameters: the float reader reads it on the grid (a
// clip of its own for the pair would cost SHAVE kernels on every such
// tensor, whose pairs' ranges cover them: a second review measured +8 to
// +51 % latency for the same outputs).
// CHECK-LABEL: func.func @float_reader
// CHECK: %[[C:.*]] = npu.conv {{.*}}npu.quant = array<f32: 1.000000e-01, 0.000000e+00>
// CHECK-NOT: npu.clip
// CHECK: %[[F:.*]] = npu.sigmoid %[[C]]
// CHECK: return %[[C]], %[[F]]
func.func @float_reader(%x: tensor<1x4x4x4xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) {
  %w = npu.constant dense<0.5> : tensor<4x4x1x1xf32>
  %c = npu.conv %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x4x4xf32>
  %s = npu.constant dense<0.1> : tensor<f32>
  %z = npu.constant dense<0> : tensor<i8>
  %q = npu.quantize_linear %c, %s, %z : (tensor<1x4x4x4xf32>, tensor<f32>, tensor<i8>) -> tensor<1x4x4x4xi8>
  %d = npu.dequantize_linear %q, %s, %z : (tensor<1x4x4x4xi8>, tensor<f32>, tensor<i8>) -> tensor<1x4x4x4xf32>
  %f = npu.sigmoid %c : tensor<1x4x4x4xf32>
  return %d, %f : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>
}

// -----

// A graph input's pair whose values reach a graph output: no op would put
// them on the grid, so a clip does.
// CHECK-LABEL: func.func @input_to_output
// CHECK: %[[Q:.*]] = npu.clip %arg0 {{.*}}npu.quant = array<f32: 1.000000e-01, 0.000000e+00>}
// CHECK: return %[[Q]]
func.func @input_to_output(%x: tensor<4xf32>) -> tensor<4xf32> {
  %s = npu.constant dense<0.1> : tensor<f32>
  %z = npu.constant dense<0> : tensor<i8>
  %q = npu.quantize_linear %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xi8>
  %d = npu.dequantize_linear %q, %s, %z : (tensor<4xi8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// A graph input's pair read by transposes (data movement, which does not
// quantize): a clip puts it on the grid. A pair after one transpose, of
// other parameters, read by a SHAVE op: clipped. A pair after the other, of
// the same parameters (ONNX Runtime's quantizer's usual form): its values
// are on the grid already, the transpose's result takes the parameters.
// CHECK-LABEL: func.func @after_data_movement
// CHECK: %[[X:.*]] = npu.clip %arg0 {{.*}}npu.quant = array<f32: 5.000000e-02, 0.000000e+00>}
// CHECK: %[[T:.*]] = npu.transpose %[[X]]
// CHECK: %[[Q:.*]] = npu.clip %[[T]] {{.*}}npu.quant = array<f32: 0.00999999977, 0.000000e+00>}
// CHECK: npu.sigmoid %[[Q]]
// CHECK: %[[U:.*]] = npu.transpose %[[X]] {npu.quant = array<f32: 5.000000e-02, 0.000000e+00>
// CHECK: npu.sigmoid %[[U]]
func.func @after_data_movement(%x: tensor<2x4xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %s1 = npu.constant dense<0.05> : tensor<f32>
  %s2 = npu.constant dense<0.01> : tensor<f32>
  %z = npu.constant dense<0> : tensor<i8>
  %q0 = npu.quantize_linear %x, %s1, %z : (tensor<2x4xf32>, tensor<f32>, tensor<i8>) -> tensor<2x4xi8>
  %d0 = npu.dequantize_linear %q0, %s1, %z : (tensor<2x4xi8>, tensor<f32>, tensor<i8>) -> tensor<2x4xf32>
  %t = npu.transpose %d0 {perm = array<i64: 1, 0>} : (tensor<2x4xf32>) -> tensor<4x2xf32>
  %q1 = npu.quantize_linear %t, %s2, %z : (tensor<4x2xf32>, tensor<f32>, tensor<i8>) -> tensor<4x2xi8>
  %d1 = npu.dequantize_linear %q1, %s2, %z : (tensor<4x2xi8>, tensor<f32>, tensor<i8>) -> tensor<4x2xf32>
  %y = npu.sigmoid %d1 : tensor<4x2xf32>
  %u = npu.transpose %d0 {perm = array<i64: 1, 0>} : (tensor<2x4xf32>) -> tensor<4x2xf32>
  %q2 = npu.quantize_linear %u, %s1, %z : (tensor<4x2xf32>, tensor<f32>, tensor<i8>) -> tensor<4x2xi8>
  %d2 = npu.dequantize_linear %q2, %s1, %z : (tensor<4x2xi8>, tensor<f32>, tensor<i8>) -> tensor<4x2xf32>
  %v = npu.sigmoid %d2 : tensor<4x2xf32>
  return %y, %v : tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// A graph input's pair read by a 3-D add (which may run on SHAVE in f16):
// clipped. Read by a 4-D add (a DPU eltwise, which quantizes its input):
// the input takes the parameters.
// CHECK-LABEL: func.func @input_to_add
// CHECK: %[[Q:.*]] = npu.clip %arg0 {{.*}}npu.quant = array<f32: 1.000000e-01, 0.000000e+00>}
// CHECK: npu.add %[[Q]], %[[Q]]
// CHECK-LABEL: func.func @input_to_add_4d
// CHECK-SAME: npu.quant = array<f32: 1.000000e-01, 0.000000e+00>
// CHECK-NOT: npu.clip
func.func @input_to_add(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %s = npu.constant dense<0.1> : tensor<f32>
  %z = npu.constant dense<0> : tensor<i8>
  %q = npu.quantize_linear %x, %s, %z : (tensor<1x4x8xf32>, tensor<f32>, tensor<i8>) -> tensor<1x4x8xi8>
  %d = npu.dequantize_linear %q, %s, %z : (tensor<1x4x8xi8>, tensor<f32>, tensor<i8>) -> tensor<1x4x8xf32>
  %y = npu.add %d, %d : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  return %y : tensor<1x4x8xf32>
}
func.func @input_to_add_4d(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %s = npu.constant dense<0.1> : tensor<f32>
  %z = npu.constant dense<0> : tensor<i8>
  %q = npu.quantize_linear %x, %s, %z : (tensor<1x4x8x8xf32>, tensor<f32>, tensor<i8>) -> tensor<1x4x8x8xi8>
  %d = npu.dequantize_linear %q, %s, %z : (tensor<1x4x8x8xi8>, tensor<f32>, tensor<i8>) -> tensor<1x4x8x8xf32>
  %y = npu.add %d, %d : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// A split's parts with pairs of the split's input's parameters (as ONNX
// Runtime's quantizer writes them): the split becomes slices, which take
// them (was: calibrated instead, with a warning).
// CHECK-LABEL: func.func @split_parts
// CHECK-NOT: npu.split
// CHECK: %[[X:.*]] = npu.clip %arg0 {{.*}}npu.quant = array<f32: 1.000000e-01, 0.000000e+00>}
// CHECK: %[[A:.*]] = npu.slice %[[X]] {npu.quant = array<f32: 1.000000e-01, 0.000000e+00>, starts = array<i64: 0, 0>
// CHECK: %[[B:.*]] = npu.slice %[[X]] {npu.quant = array<f32: 1.000000e-01, 0.000000e+00>, starts = array<i64: 2, 0>
// CHECK-NOT: npu.clip
// CHECK: npu.relu %[[A]]
// CHECK: npu.relu %[[B]]
func.func @split_parts(%x: tensor<4x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %s = npu.constant dense<0.1> : tensor<f32>
  %z = npu.constant dense<0> : tensor<i8>
  %qx = npu.quantize_linear %x, %s, %z : (tensor<4x2xf32>, tensor<f32>, tensor<i8>) -> tensor<4x2xi8>
  %dx = npu.dequantize_linear %qx, %s, %z : (tensor<4x2xi8>, tensor<f32>, tensor<i8>) -> tensor<4x2xf32>
  %a, %b = npu.split %dx {axis = 0 : i64} : tensor<4x2xf32> -> tensor<2x2xf32>, tensor<2x2xf32>
  %qa = npu.quantize_linear %a, %s, %z : (tensor<2x2xf32>, tensor<f32>, tensor<i8>) -> tensor<2x2xi8>
  %da = npu.dequantize_linear %qa, %s, %z : (tensor<2x2xi8>, tensor<f32>, tensor<i8>) -> tensor<2x2xf32>
  %qb = npu.quantize_linear %b, %s, %z : (tensor<2x2xf32>, tensor<f32>, tensor<i8>) -> tensor<2x2xi8>
  %db = npu.dequantize_linear %qb, %s, %z : (tensor<2x2xi8>, tensor<f32>, tensor<i8>) -> tensor<2x2xf32>
  %ra = npu.relu %da : tensor<2x2xf32>
  %rb = npu.relu %db : tensor<2x2xf32>
  return %ra, %rb : tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

// A ReLU with a pair of its own after a conv with another: the ReLU fuses
// into the conv, which takes the ReLU's parameters, so it becomes a clip to
// both ranges (the conv's pair: [-0.64, 0.635]).
// CHECK-LABEL: func.func @relu_after_pair
// CHECK: %[[C:.*]] = npu.conv {{.*}}npu.quant = array<f32: 5.000000e-03, 0.000000e+00>
// CHECK: npu.clip %[[C]] {max = 0.63{{[0-9]*}} : f64, min = 0.000000e+00 : f64, npu.quant = array<f32: 2.000000e-02, -1.280000e+02>}
// CHECK-NOT: npu.relu
func.func @relu_after_pair(%x: tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> {
  %w = npu.constant dense<0.5> : tensor<4x4x1x1xf32>
  %c = npu.conv %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x4x4xf32>
  %s1 = npu.constant dense<0.005> : tensor<f32>
  %z1 = npu.constant dense<0> : tensor<i8>
  %q1 = npu.quantize_linear %c, %s1, %z1 : (tensor<1x4x4x4xf32>, tensor<f32>, tensor<i8>) -> tensor<1x4x4x4xi8>
  %d1 = npu.dequantize_linear %q1, %s1, %z1 : (tensor<1x4x4x4xi8>, tensor<f32>, tensor<i8>) -> tensor<1x4x4x4xf32>
  %r = npu.relu %d1 : tensor<1x4x4x4xf32>
  %s2 = npu.constant dense<0.02> : tensor<f32>
  %z2 = npu.constant dense<0> : tensor<ui8>
  %q2 = npu.quantize_linear %r, %s2, %z2 : (tensor<1x4x4x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x4x4x4xui8>
  %d2 = npu.dequantize_linear %q2, %s2, %z2 : (tensor<1x4x4x4xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x4x4x4xf32>
  %w2 = npu.constant dense<0.5> : tensor<4x4x1x1xf32>
  %y = npu.conv %d2, %w2 {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// A scale given as a graph input is known only at run time: the pair stays
// (the interpreter runs it; the int8 lowering names it as mapping to no NPU
// engine). Was: folded like a DynamicQuantizeLinear's, the input ignored.
// CHECK-LABEL: func.func @run_time_scale
// CHECK: npu.quantize_linear %arg0, %arg1
// CHECK: npu.dequantize_linear
func.func @run_time_scale(%x: tensor<4xf32>, %s: tensor<f32>) -> tensor<4xf32> {
  %z = npu.constant dense<0> : tensor<i8>
  %q = npu.quantize_linear %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xi8>
  %d = npu.dequantize_linear %q, %s, %z : (tensor<4xi8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}
