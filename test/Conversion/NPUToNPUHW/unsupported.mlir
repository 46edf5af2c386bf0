// RUN: npu-opt %s --pass-pipeline='builtin.module(func.func(npu-lower-to-hw))' -split-input-file -verify-diagnostics

// Every op that maps to no engine is reported at once, at its ONNX node;
// ops after an unsupported one are still checked.
// expected-error @+1 {{3 op(s) map to no NPU engine (DPU, SHAVE or DMA); nothing runs on the host CPU}}
func.func @main(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  // expected-note @+1 {{'npu.shrink' cannot run on the NPU}}
  %s = npu.shrink %x {lambd = 1.5 : f32} : tensor<1x16x8x8xf32>
  %e = npu.exp %s : tensor<1x16x8x8xf32>
  // expected-note @+1 {{'npu.avg_pool' cannot run on the NPU: average pooling that excludes padding from the count}}
  %p = npu.avg_pool %e {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}
      : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  // A given float scale that is not output / input (1/3 for 8 -> 2) samples
  // other points (0, 3) than the SHAVE kernel would (0, 4).
  // expected-note @+1 {{'npu.resize' cannot run on the NPU: only 4-d spatial nearest}}
  %r = npu.resize %p {mode = #npu.resize_mode<nearest>, coordinate_transformation_mode = #npu.coord_mode<asymmetric>, nearest_mode = #npu.nearest_mode<floor>, scales = array<f32: 1.0, 1.0, 1.0, 0.333333343>} : tensor<1x16x8x8xf32> to tensor<1x16x8x2xf32>
  return %p : tensor<1x16x8x8xf32>
}

// -----

// An average pool whose ceil_mode window passes the padded input divides by
// fewer positions than the kernel's: refused here (npu-decompose-avg-pool,
// a back-end entry pass, rewrites it first unless it is pre-quantized).
// expected-error @+1 {{1 op(s) map to no NPU engine}}
func.func @avg_pool_ceil(%x: tensor<1x16x5x7xf32>) -> tensor<1x16x3x4xf32> {
  // expected-note @+1 {{'npu.avg_pool' cannot run on the NPU: average pooling whose last window passes the padded input (ceil_mode): its divisor is not the kernel size}}
  %y = npu.avg_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true, count_include_pad = true} : (tensor<1x16x5x7xf32>) -> tensor<1x16x3x4xf32>
  return %y : tensor<1x16x3x4xf32>
}

// -----

// Nearest resizing under half_pixel with floor rounding that does not
// upsample by whole factors reads other pixels than the kernel's modes:
// refused, saying which modes it has (round_prefer_floor and
// round_prefer_ceil map at any ratio).
// expected-error @+1 {{1 op(s) map to no NPU engine}}
func.func @resize_half_pixel_down(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32> {
  // expected-note @+1 {{'npu.resize' cannot run on the NPU: only 4-d spatial nearest (asymmetric with floor or simple; half_pixel with round_prefer_floor or round_prefer_ceil; upsampling by whole factors, pytorch_half_pixel with round_prefer_floor or round_prefer_ceil, tf_half_pixel_for_nn with floor, and by 2, asymmetric with round_prefer_floor), linear (half_pixel, pytorch_half_pixel, align_corners) and cubic (half_pixel, pytorch_half_pixel, align_corners, asymmetric) resizing with output/input scales map to SHAVE; this one is nearest, half_pixel, floor}}
  %r = npu.resize %x {mode = #npu.resize_mode<nearest>, coordinate_transformation_mode = #npu.coord_mode<half_pixel>, nearest_mode = #npu.nearest_mode<floor>, scales = array<f32: 1.0, 1.0, 0.5, 0.5>} : tensor<1x16x8x8xf32> to tensor<1x16x4x4xf32>
  return %r : tensor<1x16x4x4xf32>
}

// -----

// align_corners samples o (n - 1) / (n s - 1): with scale 0.6 of 4 columns
// (2 of them) at 0 and 2.14, not at 0 and 3 as the kernel would (the
// output's length, o (n - 1) / (m - 1)); cubic under tf_crop_and_resize
// has no kernel mode. Both refused, each at its node.
// expected-error @+1 {{2 op(s) map to no NPU engine}}
func.func @resize_align_corners_scale(%x: tensor<1x16x4x4xf32>) -> (tensor<1x16x2x2xf32>, tensor<1x16x8x8xf32>) {
  // expected-note @+1 {{this one is linear, align_corners, with scales other than output/input}}
  %r = npu.resize %x {mode = #npu.resize_mode<linear>, coordinate_transformation_mode = #npu.coord_mode<align_corners>, scales = array<f32: 1.0, 1.0, 0.6, 0.6>} : tensor<1x16x4x4xf32> to tensor<1x16x2x2xf32>
  // expected-note @+1 {{this one is cubic, tf_crop_and_resize}}
  %c = npu.resize %x {mode = #npu.resize_mode<cubic>, coordinate_transformation_mode = #npu.coord_mode<tf_crop_and_resize>, roi = array<f32: 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : tensor<1x16x4x4xf32> to tensor<1x16x8x8xf32>
  return %r, %c : tensor<1x16x2x2xf32>, tensor<1x16x8x8xf32>
}

// -----

// Asymmetric coordinates with round_prefer_floor read floor's pixels only
// upsampling by 2 (x / s = q + r / s, r / s <= 1/2); by 3 the output with
// r = 2 of each 3 reads the next pixel: refused.
// expected-error @+1 {{1 op(s) map to no NPU engine}}
func.func @resize_asymmetric_prefer_floor_by_3(%x: tensor<1x16x4x4xf32>) -> tensor<1x16x12x12xf32> {
  // expected-note @+1 {{this one is nearest, asymmetric, round_prefer_floor}}
  %r = npu.resize %x {mode = #npu.resize_mode<nearest>, coordinate_transformation_mode = #npu.coord_mode<asymmetric>, nearest_mode = #npu.nearest_mode<round_prefer_floor>, scales = array<f32: 1.0, 1.0, 3.0, 3.0>} : tensor<1x16x4x4xf32> to tensor<1x16x12x12xf32>
  return %r : tensor<1x16x12x12xf32>
}

// -----

// Scatters and GatherND with indices computed by integer arithmetic do not
// map, nor does a reduction of integers (the kernels reduce float data);
// a scatter of integers the device holds without a reduction does.
// expected-error @+1 {{4 op(s) map to no NPU engine (DPU, SHAVE or DMA); nothing runs on the host CPU}}
func.func @scatter_computed_indices(%x: tensor<8x3xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3xf32>, %t: tensor<8xi64>, %v: tensor<2xi64>) -> (tensor<8x3xf32>, tensor<2x3xf32>, tensor<8xi64>, tensor<8xi64>) {
  // expected-note @+1 {{'npu.add' cannot run on the NPU}}
  %a = npu.add %i, %i : (tensor<2x1xi64>, tensor<2x1xi64>) -> tensor<2x1xi64>
  // expected-note @+1 {{'npu.scatter_nd' cannot run on the NPU: a scatter maps to SHAVE with float (or boolean) data and updates, or integer data and updates the device holds (then without a reduction), and i32 or i64 indices that are a graph input, a constant or computed by ArgMax / ArgMin / TopK (also through casts between i32 and i64, views and gathers of such integers)}}
  %s = npu.scatter_nd %x, %a, %u : (tensor<8x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<8x3xf32>
  // expected-note @+1 {{'npu.gather_nd' cannot run on the NPU: a gather maps to SHAVE}}
  %g = npu.gather_nd %x, %a : (tensor<8x3xf32>, tensor<2x1xi64>) -> tensor<2x3xf32>
  // expected-note @+1 {{'npu.scatter_nd' cannot run on the NPU: a scatter maps to SHAVE}}
  %r = npu.scatter_nd %t, %i, %v {reduction = #npu.reduction<add>} : (tensor<8xi64>, tensor<2x1xi64>, tensor<2xi64>) -> tensor<8xi64>
  %k = npu.scatter_nd %t, %i, %v : (tensor<8xi64>, tensor<2x1xi64>, tensor<2xi64>) -> tensor<8xi64>
  return %s, %g, %r, %k : tensor<8x3xf32>, tensor<2x3xf32>, tensor<8xi64>, tensor<8xi64>
}

// -----

// Gather indices computed on the device by other ops than ArgMax, ArgMin
// or TopK (here integer arithmetic, itself unmapped) do not map; a slice of
// a graph input's indices does (DMA moves it).
// expected-error @+1 {{2 op(s) map to no NPU engine (DPU, SHAVE or DMA); nothing runs on the host CPU}}
func.func @gather_computed_indices(%x: tensor<4x3xf32>, %i: tensor<4xi64>) -> (tensor<4x3xf32>, tensor<2x3xf32>) {
  // expected-note @+1 {{'npu.add' cannot run on the NPU}}
  %a = npu.add %i, %i : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  // expected-note @+1 {{'npu.gather' cannot run on the NPU: a gather maps to SHAVE with float data, or integer data the device holds, and i32 or i64 indices that are a graph input, a constant or computed by ArgMax / ArgMin / TopK (also through casts between i32 and i64, views and gathers of such integers)}}
  %g = npu.gather %x, %a {axis = 0 : i64} : (tensor<4x3xf32>, tensor<4xi64>) -> tensor<4x3xf32>
  %s = npu.slice %i {starts = array<i64: 1>, steps = array<i64: 1>} : tensor<4xi64> to tensor<2xi64>
  %h = npu.gather %x, %s {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %g, %h : tensor<4x3xf32>, tensor<2x3xf32>
}

// -----

// A stage lowered already is not lowered again (found by a compiler
// engineer: its DPU ops were reported as "cannot run on the NPU").
// expected-error @+1 {{holds hardware ops already (the hwops stage or later): the lowering reads the canonical or calibrated stage}}
func.func @lowered(%x: tensor<8x8x16xf16>) -> tensor<8x8x16xf16> {
  // expected-note @+1 {{'npuhw.dpu_conv' here}}
  %y = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<8x8x16xf16>) -> tensor<8x8x16xf16>
  return %y : tensor<8x8x16xf16>
}

// -----

// Casts between f16 and f32 (a float16 model's boundary, npu-widen-float16)
// move nothing; a cast of an activation to an integer type has no engine.
// expected-error @+1 {{1 op(s) map to no NPU engine (DPU, SHAVE or DMA); nothing runs on the host CPU}}
func.func @casts(%x: tensor<1x16x8x8xf16>) -> (tensor<1x16x8x8xf16>, tensor<1x16x8x8xi32>) {
  %w = npu.cast %x : tensor<1x16x8x8xf16> to tensor<1x16x8x8xf32>
  %r = npu.relu %w : tensor<1x16x8x8xf32>
  %h = npu.cast %r : tensor<1x16x8x8xf32> to tensor<1x16x8x8xf16>
  // expected-note @+1 {{'npu.cast' cannot run on the NPU: a conversion to or from a type other than float16 and float32 (other than of booleans, of int32 / int64 values the device holds, as a graph input, a constant or ArgMax / ArgMin / TopK indices, to float, int32 or int64, or of 8-bit graph inputs and constants to float)}}
  %i = npu.cast %r : tensor<1x16x8x8xf32> to tensor<1x16x8x8xi32>
  return %h, %i : tensor<1x16x8x8xf16>, tensor<1x16x8x8xi32>
}

// -----

// bfloat16 and float64 tensors have no engine, DPU ops included (a float64
// convolution concatenated with an f16 value aborted the lowering; found by
// a fresh user).
// expected-error @+1 {{3 op(s) map to no NPU engine (DPU, SHAVE or DMA); nothing runs on the host CPU}}
func.func @other_floats(%x: tensor<1x16x8x8xf64>, %b: tensor<1x16x8x8xbf16>) -> (tensor<1x32x8x8xf64>, tensor<1x16x8x8xbf16>) {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf64>
  // expected-note @+1 {{'npu.conv' cannot run on the NPU: a float64 tensor (models in float32 or float16 map to the NPU)}}
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1}
      : (tensor<1x16x8x8xf64>, tensor<16x16x1x1xf64>) -> tensor<1x16x8x8xf64>
  // expected-note @+1 {{'npu.concat' cannot run on the NPU: a float64 tensor (models in float32 or float16 map to the NPU)}}
  %k = npu.concat %c, %x {axis = 1 : i64} : (tensor<1x16x8x8xf64>, tensor<1x16x8x8xf64>) -> tensor<1x32x8x8xf64>
  // expected-note @+1 {{'npu.sigmoid' cannot run on the NPU: a bfloat16 tensor (models in float32 or float16 map to the NPU)}}
  %s = npu.sigmoid %b : tensor<1x16x8x8xbf16>
  return %k, %s : tensor<1x32x8x8xf64>, tensor<1x16x8x8xbf16>
}

// -----

// Comparisons of integer tensors computed on the device (here from a
// cast of an activation) have no engine: integers the user gives,
// constants and ArgMax / ArgMin / TopK indices compare (id-masks.test,
// index-casts.test).
// expected-error @+1 {{2 op(s) map to no NPU engine}}
func.func @integer_compare(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-note @+1 {{'npu.cast' cannot run on the NPU}}
  %i = npu.cast %x : tensor<1x8xf32> to tensor<1x8xi32>
  %z = npu.constant dense<0> : tensor<1x8xi32>
  // expected-note @+1 {{'npu.equal' cannot run on the NPU: a comparison of integers computed on the device by other than ArgMax / ArgMin / TopK, gathers and casts}}
  %e = npu.equal %i, %z : (tensor<1x8xi32>, tensor<1x8xi32>) -> tensor<1x8xi1>
  %f = npu.cast %e : tensor<1x8xi1> to tensor<1x8xf32>
  return %f : tensor<1x8xf32>
}

// -----

// Booleans are f16 0 / 1 inside the blob: a boolean graph output (or
// input) is reported, not passed to the device as i1.
// expected-error @+1 {{1 op(s) map to no NPU engine}}
func.func @bool_output(%x: tensor<1x8xf32>, %y: tensor<1x8xf32>) -> tensor<1x8xi1> {
  // expected-note @+1 {{'npu.greater' cannot run on the NPU: a boolean graph input or output (the device holds booleans as float16 0 / 1: give or take them as float)}}
  %c = npu.greater %x, %y : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xi1>
  return %c : tensor<1x8xi1>
}

// -----

// A boolean graph input is reported where it is read, here by a cast to
// float.
// expected-error @+1 {{1 op(s) map to no NPU engine}}
func.func @bool_input(%m: tensor<1x8xi1>) -> tensor<1x8xf32> {
  // expected-note @+1 {{'npu.cast' cannot run on the NPU: a boolean graph input or output}}
  %f = npu.cast %m : tensor<1x8xi1> to tensor<1x8xf32>
  return %f : tensor<1x8xf32>
}

// -----

// What npu-decompose-einsum and npu-decompose-banded-sums leave says why:
// a diagonal, integers, a running sum longer than 1024.
// expected-error @+1 {{4 op(s) map to no NPU engine}}
func.func @left_by_decompositions(%a: tensor<3x3xf32>, %b: tensor<1x1025xf32>, %c: tensor<4xi32>, %d: tensor<2x2xi32>) -> (tensor<3xf32>, tensor<1x1025xf32>, tensor<4xi32>, tensor<2x2xi32>) {
  // expected-note @+1 {{'npu.einsum' cannot run on the NPU: label 'i' repeated within one operand (a diagonal), which no DPU, SHAVE or DMA op reads}}
  %0 = npu.einsum %a {equation = "ii->i"} : (tensor<3x3xf32>) -> tensor<3xf32>
  // expected-note @+1 {{'npu.cumsum' cannot run on the NPU: a running sum along 1025 elements: more than 1024}}
  %1 = npu.cumsum %b {axis = 1 : i64} : tensor<1x1025xf32>
  // expected-note @+1 {{'npu.cumsum' cannot run on the NPU: a running sum of integers (the NPU computes in float; cast the tensor to float first)}}
  %2 = npu.cumsum %c {axis = 0 : i64} : tensor<4xi32>
  // expected-note @+1 {{'npu.einsum' cannot run on the NPU: an einsum of integers (the NPU computes in float)}}
  %3 = npu.einsum %d, %d {equation = "ij,jk->ik"} : (tensor<2x2xi32>, tensor<2x2xi32>) -> tensor<2x2xi32>
  return %0, %1, %2, %3 : tensor<3xf32>, tensor<1x1025xf32>, tensor<4xi32>, tensor<2x2xi32>
}

// -----

// Ops a decomposition made ("NAME (suffix)" around the node's location)
// are reported once, as their ONNX node, at the node's location.
// expected-error @+1 {{1 op(s) map to no NPU engine}}
func.func @decomposed_node(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-note @unknown {{Einsum cannot run on the NPU: a conversion to or from a type other than float16 and float32}}
  %i = npu.cast %x : tensor<1x8xf32> to tensor<1x8xi32> loc("e (operand 0 cast)"("e"(fused<"Einsum">[unknown])))
  %f = npu.cast %i : tensor<1x8xi32> to tensor<1x8xf32> loc("e (operand 0 back)"("e"(fused<"Einsum">[unknown])))
  return %f : tensor<1x8xf32>
}

// -----

// An integer constant past 2^24 is not compared: fp32 holds integers
// exactly only up to there.
// expected-error @+1 {{1 op(s) map to no NPU engine}}
func.func @integer_compare_large(%i: tensor<1x8xi64>) -> tensor<1x8xf32> {
  %z = npu.constant dense<16777217> : tensor<1x8xi64>
  // expected-note @+1 {{'npu.equal' cannot run on the NPU: a comparison with an integer constant beyond 2^24}}
  %e = npu.equal %i, %z : (tensor<1x8xi64>, tensor<1x8xi64>) -> tensor<1x8xi1>
  %f = npu.cast %e : tensor<1x8xi1> to tensor<1x8xf32>
  return %f : tensor<1x8xf32>
}

// -----

// Integer reductions (`attention_mask.sum(-1)`) are reported at the
// reduction, with what to do; a boolean cast to an integer that no cast to
// float reads (`(ids != pad).long()` as an output) names booleans' form.
// expected-error @+1 {{2 op(s) map to no NPU engine}}
func.func @integer_reductions(%m: tensor<1x8xi64>, %x: tensor<1x8xf32>) -> (tensor<1x1xi64>, tensor<1x8xi64>) {
  // expected-note @+1 {{'npu.reduce_sum' cannot run on the NPU: a reduction of integers (the NPU reduces float values: cast the tensor to float first; a sum of 0 / 1 mask values is then exact up to 2048)}}
  %s = npu.reduce_sum %m {axes = array<i64: 1>, keepdims = true} : (tensor<1x8xi64>) -> tensor<1x1xi64>
  %z = npu.constant dense<0.0> : tensor<1x8xf32>
  %b = npu.greater %x, %z : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xi1>
  // expected-note @+1 {{'npu.cast' cannot run on the NPU: a boolean cast to an integer read other than by a cast to float (booleans are float 0 / 1 on the device: cast them to float instead)}}
  %l = npu.cast %b : tensor<1x8xi1> to tensor<1x8xi64>
  return %s, %l : tensor<1x1xi64>, tensor<1x8xi64>
}

// -----

// Tensors the device has no form for are reported at their ops, not as an
// internal error later: a constant boolean or float64 graph output (ONNX
// Dropout's mask, EyeLike with dtype double), a uint8 max pool, a softmax
// of rank 7.
// expected-error @+1 {{4 op(s) map to no NPU engine (DPU, SHAVE or DMA); nothing runs on the host CPU}}
func.func @no_device_form(%x: tensor<1x1x5x5xui8>, %s: tensor<1x2x1x1x1x1x3xf32>) -> (tensor<3xi1>, tensor<2xf64>, tensor<1x1x5x5xui8>, tensor<1x2x1x1x1x1x3xf32>) {
  // expected-note @+1 {{'npu.constant' cannot run on the NPU: a boolean graph output (the device holds booleans as float16 0 / 1: take it as float)}}
  %m = npu.constant dense<true> : tensor<3xi1>
  // expected-note @+1 {{'npu.constant' cannot run on the NPU: a float64 tensor (models in float32 or float16 map to the NPU)}}
  %e = npu.constant dense<[1.0, 0.0]> : tensor<2xf64>
  // expected-note @+1 {{'npu.max_pool' cannot run on the NPU: a uint8 tensor (the NPU computes on float tensors: cast it to float first; a cast of an 8-bit graph input runs on the device)}}
  %p = npu.max_pool %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x5x5xui8>) -> tensor<1x1x5x5xui8>
  // expected-note @+1 {{'npu.softmax' cannot run on the NPU: a tensor of rank 7 (SHAVE kernels address at most 5 dimensions)}}
  %y = npu.softmax %s {axis = 6 : i64} : tensor<1x2x1x1x1x1x3xf32>
  return %m, %e, %p, %y : tensor<3xi1>, tensor<2xf64>, tensor<1x1x5x5xui8>, tensor<1x2x1x1x1x1x3xf32>
}

// -----

// Constant indices outside the data are reported at compile time (every
// run of the blob would fail in the kernel).
// expected-error @+1 {{2 op(s) map to no NPU engine (DPU, SHAVE or DMA); nothing runs on the host CPU}}
func.func @constant_indices_out_of_range(%x: tensor<4x3xf32>, %u: tensor<2xf32>) -> (tensor<2xf32>, tensor<4x3xf32>) {
  %i = npu.constant dense<[[1, 2], [0, 3]]> : tensor<2x2xi64>
  // expected-note @+1 {{'npu.gather_nd' cannot run on the NPU: constant index 3 is outside [-3, 3) of the data's dimension 1 (the model is invalid: every run would fail)}}
  %g = npu.gather_nd %x, %i : (tensor<4x3xf32>, tensor<2x2xi64>) -> tensor<2xf32>
  %j = npu.constant dense<[[1, 2], [-5, 0]]> : tensor<2x2xi64>
  // expected-note @+1 {{'npu.scatter_nd' cannot run on the NPU: constant index -5 is outside [-4, 4) of the data's dimension 0}}
  %s = npu.scatter_nd %x, %j, %u : (tensor<4x3xf32>, tensor<2x2xi64>, tensor<2xf32>) -> tensor<4x3xf32>
  return %g, %s : tensor<2xf32>, tensor<4x3xf32>
}
