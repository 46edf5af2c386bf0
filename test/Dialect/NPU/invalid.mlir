// RUN: npu-opt %s -split-input-file -verify-diagnostics
// Every verifier and type inference error of the npu dialect.

func.func @broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error@+2 {{operand shapes do not broadcast: [2, 3] and [4]}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @wrong_result(%a: tensor<2x3xf32>) {
  // expected-error@+2 {{'npu.add' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3x2xf32>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.add %a, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @dynamic(%a: tensor<?x3xf32>) {
  // expected-error@+1 {{operand #0 must be statically shaped tensor of any type values}}
  %0 = npu.relu %a : tensor<?x3xf32>
  return
}

// -----

func.func @where_types(%c: tensor<2xi1>, %a: tensor<2xf32>, %b: tensor<2xi32>) {
  // expected-error@+2 {{x and y element types differ}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.where %c, %a, %b : (tensor<2xi1>, tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  return
}

// -----

func.func @matmul(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error@+2 {{invalid matmul operands [4, 3] x [4, 5]: contracting dimensions differ: 3 vs 4}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.matmul %a, %b : (tensor<4x3xf32>, tensor<4x5xf32>) -> tensor<4x5xf32>
  return
}

// -----

func.func @gemm(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error@+2 {{gemm contracting dimensions differ: 3 vs 4}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.gemm %a, %b : (tensor<4x3xf32>, tensor<4x5xf32>) -> tensor<4x5xf32>
  return
}

// -----

func.func @conv_group(%x: tensor<1x6x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+2 {{group 4 must divide input channels 6 and output channels 4}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 4 : i64} : (tensor<1x6x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_channels(%x: tensor<1x6x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error@+2 {{weight has 2 input channels per group, expected 6}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x6x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error@+2 {{bias must have 4 elements}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_pads(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+2 {{strides and dilations need 2 entries and pads 4}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_window(%x: tensor<1x3x2x2xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+2 {{window of size 3 (dilation 1) does not fit spatial dimension 0 of size 2 with its pads}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x2x2xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32>
  return
}

// -----

func.func @conv_transpose(%x: tensor<1x8x4x4xf32>, %w: tensor<4x4x2x2xf32>) {
  // expected-error@+2 {{weight must have 8 input channels, divisible by group 1}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.conv_transpose %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 0, 0>} : (tensor<1x8x4x4xf32>, tensor<4x4x2x2xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

// Output channels (weight dimension 1 x group) beyond 64 bits; an ONNX model
// cannot ask for it (its weight's element count would overflow first).
func.func @conv_transpose_channels_overflow(%x: tensor<1x4x3xf32>, %w: tensor<4x4611686018427387904x1xf32>) {
  // expected-error@+2 {{output channels 4611686018427387904 x group 4 overflow 64 bits}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.conv_transpose %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>, output_padding = array<i64: 0>, group = 4} : (tensor<1x4x3xf32>, tensor<4x4611686018427387904x1xf32>) -> tensor<1x4x3xf32>
  return
}

// -----

func.func @pool_rank(%x: tensor<1x8x4xf32>) {
  // expected-error@+2 {{expected a rank-4 input for a 2-d window, got rank 3}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x8x4xf32>) -> tensor<1x8x3xf32>
  return
}

// -----

func.func @batch_norm(%x: tensor<1x8x4x4xf32>, %c: tensor<4xf32>) {
  // expected-error@+1 {{scale, bias, mean and variance must have 8 elements (one per channel)}}
  %0 = npu.batch_norm %x, %c, %c, %c, %c : (tensor<1x8x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x8x4x4xf32>
  return
}

// -----

func.func @instance_norm(%x: tensor<1x8x4x4xf32>, %c: tensor<4xf32>) {
  // expected-error@+2 {{scale and bias must have one element per channel (8)}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.instance_norm %x, %c, %c : (tensor<1x8x4x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x8x4x4xf32>
  return
}

// -----

func.func @layer_norm(%x: tensor<2x8xf32>, %g: tensor<4xf32>) {
  // expected-error@+1 {{scale and bias must broadcast to 8}}
  %0 = npu.layer_norm %x, %g {axis = 1 : i64} : (tensor<2x8xf32>, tensor<4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @layer_norm_stats(%x: tensor<2x8xf32>, %g: tensor<8xf32>) {
  // expected-error@+1 {{mean and inv_std_dev must have shape 2x1}}
  %0:2 = npu.layer_norm %x, %g {axis = 1 : i64} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32> mean tensor<2xf32>
  return
}

// -----

func.func @mvn_axes(%x: tensor<2x8xf32>) {
  // expected-error@+1 {{axes must be sorted, distinct and in [0, 2)}}
  %0 = npu.mvn %x {axes = array<i64: 1, 0>} : tensor<2x8xf32>
  return
}

// -----

func.func @mvn_axis_range(%x: tensor<2x8xf32>) {
  // expected-error@+1 {{axes must be sorted, distinct and in [0, 2)}}
  %0 = npu.mvn %x {axes = array<i64: 2>} : tensor<2x8xf32>
  return
}

// -----

func.func @mvn_epsilon(%x: tensor<2x8xf32>) {
  // expected-error@+1 {{epsilon must be non-negative}}
  %0 = npu.mvn %x {axes = array<i64: 1>, epsilon = -1.0 : f32} : tensor<2x8xf32>
  return
}

// -----

func.func @mvn_integer(%x: tensor<2x8xi32>) {
  // expected-error@+1 {{expected a float tensor}}
  %0 = npu.mvn %x {axes = array<i64: 1>} : tensor<2x8xi32>
  return
}

// -----

func.func @softmax_axis(%x: tensor<2x8xf32>) {
  // expected-error@+1 {{axis 2 is out of range for rank 2}}
  %0 = npu.softmax %x {axis = 2 : i64} : tensor<2x8xf32>
  return
}

// -----

func.func @reduce_axes(%x: tensor<2x8xf32>) {
  // expected-error@+2 {{axes [1, 0] must be increasing and within rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.reduce_sum %x {axes = array<i64: 1, 0>} : (tensor<2x8xf32>) -> tensor<1x1xf32>
  return
}

// -----

func.func @topk(%x: tensor<2x8xf32>) {
  // expected-error@+2 {{k = 9 exceeds dimension size 8}}
  // expected-error@+1 {{failed to infer returned types}}
  %0:2 = npu.topk %x {axis = 1 : i64, k = 9 : i64} : (tensor<2x8xf32>) -> (tensor<2x9xf32>, tensor<2x9xi64>)
  return
}

// -----

func.func @reshape(%x: tensor<2x8xf32>) {
  // expected-error@+1 {{cannot reshape 2x8 (16 elements) to 3x5 (15 elements)}}
  %0 = npu.reshape %x : tensor<2x8xf32> to tensor<3x5xf32>
  return
}

// -----

func.func @transpose(%x: tensor<2x8xf32>) {
  // expected-error@+2 {{perm [0, 0] is not a permutation}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.transpose %x {perm = array<i64: 0, 0>} : (tensor<2x8xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @concat(%a: tensor<2x8xf32>, %b: tensor<3x4xf32>) {
  // expected-error@+2 {{concat inputs differ in dimension 0: [2, 8] vs [3, 4]}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.concat %a, %b {axis = 1 : i64} : (tensor<2x8xf32>, tensor<3x4xf32>) -> tensor<2x12xf32>
  return
}

// -----

func.func @split(%x: tensor<2x8xf32>) {
  // expected-error@+1 {{parts add up to 7 along axis 1, the input has 8}}
  %0:2 = npu.split %x {axis = 1 : i64} : tensor<2x8xf32> -> tensor<2x3xf32>, tensor<2x4xf32>
  return
}

// -----

func.func @slice_bounds(%x: tensor<2x8xf32>) {
  // expected-error@+1 {{slice of dimension 1 reads indices 4 to 10 of a dimension of size 8}}
  %0 = npu.slice %x {starts = array<i64: 0, 4>, steps = array<i64: 1, 2>} : tensor<2x8xf32> to tensor<2x4xf32>
  return
}

// -----

func.func @slice_step(%x: tensor<2x8xf32>) {
  // expected-error@+1 {{step of dimension 0 is zero}}
  %0 = npu.slice %x {starts = array<i64: 0, 0>, steps = array<i64: 0, 1>} : tensor<2x8xf32> to tensor<2x8xf32>
  return
}

// -----

func.func @pad_count(%x: tensor<2x8xf32>) {
  // expected-error@+2 {{pads needs 4 entries, got 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.pad %x {pads = array<i64: 1, 1>} : (tensor<2x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @pad_reflect(%x: tensor<2x8xf32>) {
  // expected-error@+2 {{reflect padding of dimension 0 must be smaller than its size 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.pad %x {pads = array<i64: 2, 0, 0, 0>, mode = #npu.pad_mode<reflect>} : (tensor<2x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @expand(%x: tensor<2x8xf32>) {
  // expected-error@+1 {{cannot broadcast 2x8 to 3x8}}
  %0 = npu.expand %x : tensor<2x8xf32> to tensor<3x8xf32>
  return
}

// -----

func.func @tile(%x: tensor<2x8xf32>) {
  // expected-error@+1 {{result dimension 1 (12) is not a multiple of 8}}
  %0 = npu.tile %x : tensor<2x8xf32> to tensor<2x12xf32>
  return
}

// -----

func.func @gather_axis(%x: tensor<2x8xf32>, %i: tensor<3xi64>) {
  // expected-error@+2 {{axis 2 is out of range for rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.gather %x, %i {axis = 2 : i64} : (tensor<2x8xf32>, tensor<3xi64>) -> tensor<2x8x3xf32>
  return
}

// -----

func.func @gather_nd(%x: tensor<2x8xf32>, %i: tensor<3x3xi64>) {
  // expected-error@+2 {{invalid batch_dims 0 or index depth 3 for data of rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.gather_nd %x, %i : (tensor<2x8xf32>, tensor<3x3xi64>) -> tensor<3xf32>
  return
}

// -----

func.func @scatter_nd(%x: tensor<8xf32>, %i: tensor<4x1xi64>, %u: tensor<3xf32>) {
  // expected-error@+2 {{updates must have shape [4]}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.scatter_nd %x, %i, %u : (tensor<8xf32>, tensor<4x1xi64>, tensor<3xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @resize(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+1 {{scales needs one entry per dimension}}
  %0 = npu.resize %x {mode = #npu.resize_mode<linear>, coordinate_transformation_mode = #npu.coord_mode<half_pixel>, scales = array<f32: 2.0, 2.0>} : tensor<1x1x4x4xf32> to tensor<1x1x8x8xf32>
  return
}

// -----

func.func @resize_both_scales(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+1 {{needs either scales or scale_ratios}}
  %0 = npu.resize %x {mode = #npu.resize_mode<linear>, coordinate_transformation_mode = #npu.coord_mode<half_pixel>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>, scale_ratios = array<i64: 1, 1, 2, 2, 1, 1, 1, 1>} : tensor<1x1x4x4xf32> to tensor<1x1x8x8xf32>
  return
}

// -----

func.func @resize_no_scales(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+1 {{needs either scales or scale_ratios}}
  %0 = npu.resize %x {mode = #npu.resize_mode<linear>, coordinate_transformation_mode = #npu.coord_mode<half_pixel>} : tensor<1x1x4x4xf32> to tensor<1x1x8x8xf32>
  return
}

// -----

func.func @resize_ratios_size(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+1 {{scale_ratios needs 8 entries (numerators, then denominators)}}
  %0 = npu.resize %x {mode = #npu.resize_mode<linear>, coordinate_transformation_mode = #npu.coord_mode<half_pixel>, scale_ratios = array<i64: 1, 1, 2, 2>} : tensor<1x1x4x4xf32> to tensor<1x1x8x8xf32>
  return
}

// -----

func.func @resize_ratios_positive(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+1 {{scale_ratios must be positive}}
  %0 = npu.resize %x {mode = #npu.resize_mode<linear>, coordinate_transformation_mode = #npu.coord_mode<half_pixel>, scale_ratios = array<i64: 1, 1, 2, 2, 1, 1, 0, 1>} : tensor<1x1x4x4xf32> to tensor<1x1x8x8xf32>
  return
}

// -----

func.func @resize_roi(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+1 {{tf_crop_and_resize needs a roi of 8 entries}}
  %0 = npu.resize %x {mode = #npu.resize_mode<linear>, coordinate_transformation_mode = #npu.coord_mode<tf_crop_and_resize>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : tensor<1x1x4x4xf32> to tensor<1x1x8x8xf32>
  return
}

// -----

func.func @depth_to_space(%x: tensor<1x6x4x4xf32>) {
  // expected-error@+2 {{channels 6 are not divisible by blocksize^2 = 4}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.depth_to_space %x {blocksize = 2 : i64} : (tensor<1x6x4x4xf32>) -> tensor<1x1x8x8xf32>
  return
}

// -----

func.func @one_hot(%i: tensor<3xi64>, %v: tensor<3xf32>) {
  // expected-error@+2 {{values must hold exactly [off, on]}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = npu.one_hot %i, %v {axis = 1 : i64, depth = 4 : i64} : (tensor<3xi64>, tensor<3xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @einsum(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error@+1 {{equation 'ij,jk->ik': label 'j' has sizes 3 and 4}}
  %0 = npu.einsum %a, %b {equation = "ij,jk->ik"} : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @einsum_inputs(%a: tensor<2x3xf32>) {
  // expected-error@+1 {{invalid equation 'ij,jk->ik': equation names 2 inputs but the op has 1}}
  %0 = npu.einsum %a {equation = "ij,jk->ik"} : (tensor<2x3xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @clip(%x: tensor<4xf32>) {
  // expected-error@+1 {{min 6.000000e+00 is greater than max 0.000000e+00}}
  %0 = npu.clip %x {min = 6.0, max = 0.0} : tensor<4xf32>
  return
}

// -----

func.func @clip_int64_order(%x: tensor<4xi64>) {
  // expected-error@+1 {{min 9007199254740993 is greater than max 9007199254740992}}
  %0 = npu.clip %x {min = 9007199254740993 : i64, max = 9007199254740992 : i64} : tensor<4xi64>
  return
}

// -----

func.func @clip_int_bound_of_float(%x: tensor<4xf32>) {
  // expected-error@+1 {{min must be an f64 float for a tensor of}}
  %0 = npu.clip %x {min = 1 : i64} : tensor<4xf32>
  return
}

// -----

func.func @clip_float_bound_of_int(%x: tensor<4xi64>) {
  // expected-error@+1 {{max must be an integer of type}}
  %0 = npu.clip %x {max = 1.0} : tensor<4xi64>
  return
}

// -----

func.func @clip_bound_of_other_int(%x: tensor<4xi64>) {
  // expected-error@+1 {{max must be an integer of type}}
  %0 = npu.clip %x {max = 1 : i32} : tensor<4xi64>
  return
}

// -----

func.func @pad_value_kind(%x: tensor<2xi64>) {
  // expected-error@+1 {{value must be an integer of type}}
  %0 = npu.pad %x {pads = array<i64: 1, 1>, value = 1.5} : (tensor<2xi64>) -> tensor<4xi64>
  return
}

// -----

// expected-error@+1 {{npu.default of argument 0 is 'tensor<2xf32>', the argument is 'tensor<3xf32>'}}
func.func @default_type(%w: tensor<3xf32> {npu.default = dense<1.0> : tensor<2xf32>}) {
  return
}

// -----

func.func @cast(%x: tensor<4xf32>) {
  // expected-error@+1 {{cast must keep the shape}}
  %0 = npu.cast %x : tensor<4xf32> to tensor<2x2xi32>
  return
}

// -----

func.func @quantize(%x: tensor<1x4xf32>, %s: tensor<3xf32>, %z: tensor<3xi8>) {
  // expected-error@+1 {{per-axis scale of 3 elements does not match axis 1}}
  %0 = npu.quantize_linear %x, %s, %z : (tensor<1x4xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<1x4xi8>
  return
}

// -----

func.func @quantize_type(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<i8>) {
  // expected-error@+1 {{result element type must be the zero point's}}
  %0 = npu.quantize_linear %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xui8>
  return
}

// -----

func.func @if_types(%c: tensor<i1>, %a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'npu.if' op branch yields 'tensor<4xf32>' but the op returns 'tensor<2xf32>'}}
  %r = npu.if %c : tensor<i1> -> tensor<2xf32> {
    npu.yield %a : tensor<4xf32>
  } else {
    npu.yield %a : tensor<4xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @if_condition(%c: tensor<2xi1>, %a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{condition must have exactly one element}}
  %r = npu.if %c : tensor<2xi1> -> tensor<4xf32> {
    npu.yield %a : tensor<4xf32>
  } else {
    npu.yield %a : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @rnn_w_shape(%x: tensor<5x2x3xf32>, %w: tensor<1x4x2xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error@+1 {{W must have shape 1x4x3 [num_directions, 1*hidden_size, input_size], got 1x4x2}}
  %y = npu.rnn %x, %w, %r {direction = #npu.rnn_direction<forward>, hidden_size = 4 : i64, activations = ["Tanh"], activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>} : tensor<5x2x3xf32>, tensor<1x4x2xf32>, tensor<1x4x4xf32> -> y tensor<5x1x2x4xf32>
  return
}

// -----

func.func @lstm_r_shape(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x12x4xf32>) {
  // expected-error@+1 {{R must have shape 1x16x4 [num_directions, 4*hidden_size, hidden_size], got 1x12x4}}
  %y = npu.lstm %x, %w, %r {direction = #npu.rnn_direction<forward>, hidden_size = 4 : i64, activations = ["Sigmoid", "Tanh", "Tanh"], activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>} : tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x12x4xf32> -> y tensor<5x1x2x4xf32>
  return
}

// -----

func.func @gru_bias_shape(%x: tensor<5x2x3xf32>, %w: tensor<2x12x3xf32>, %r: tensor<2x12x4xf32>, %b: tensor<2x12xf32>) {
  // expected-error@+1 {{B must have shape 2x24 [num_directions, 2*3*hidden_size], got 2x12}}
  %y = npu.gru %x, %w, %r bias(%b : tensor<2x12xf32>) {direction = #npu.rnn_direction<bidirectional>, hidden_size = 4 : i64, activations = ["Sigmoid", "Tanh", "Sigmoid", "Tanh"], activation_alpha = array<f32: 0.0, 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0, 0.0>} : tensor<5x2x3xf32>, tensor<2x12x3xf32>, tensor<2x12x4xf32> -> y tensor<5x2x2x4xf32>
  return
}

// -----

func.func @lstm_peephole_shape(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>, %p: tensor<1x16xf32>) {
  // expected-error@+1 {{P must have shape 1x12 [num_directions, 3*hidden_size], got 1x16}}
  %y = npu.lstm %x, %w, %r peepholes(%p : tensor<1x16xf32>) {direction = #npu.rnn_direction<forward>, hidden_size = 4 : i64, activations = ["Sigmoid", "Tanh", "Tanh"], activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>} : tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32> -> y tensor<5x1x2x4xf32>
  return
}

// -----

func.func @lstm_initial_c_shape(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>, %c: tensor<1x1x4xf32>) {
  // expected-error@+1 {{initial_c must have shape 1x2x4 [num_directions, batch_size, hidden_size], got 1x1x4}}
  %y = npu.lstm %x, %w, %r initial_c(%c : tensor<1x1x4xf32>) {direction = #npu.rnn_direction<forward>, hidden_size = 4 : i64, activations = ["Sigmoid", "Tanh", "Tanh"], activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>} : tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32> -> y tensor<5x1x2x4xf32>
  return
}

// -----

func.func @rnn_initial_h_shape(%x: tensor<5x2x3xf32>, %w: tensor<2x4x3xf32>, %r: tensor<2x4x4xf32>, %h: tensor<1x2x4xf32>) {
  // expected-error@+1 {{initial_h must have shape 2x2x4 [num_directions, batch_size, hidden_size], got 1x2x4}}
  %y = npu.rnn %x, %w, %r initial_h(%h : tensor<1x2x4xf32>) {direction = #npu.rnn_direction<bidirectional>, hidden_size = 4 : i64, activations = ["Tanh", "Tanh"], activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>} : tensor<5x2x3xf32>, tensor<2x4x3xf32>, tensor<2x4x4xf32> -> y tensor<5x2x2x4xf32>
  return
}

// -----

func.func @rnn_y_shape(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error@+1 {{y must have shape 5x1x2x4 [seq_length, num_directions, batch_size, hidden_size], got 5x2x4}}
  %y = npu.rnn %x, %w, %r {direction = #npu.rnn_direction<forward>, hidden_size = 4 : i64, activations = ["Tanh"], activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>} : tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32> -> y tensor<5x2x4xf32>
  return
}

// -----

func.func @rnn_sequence_lens_shape(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>, %l: tensor<3xi32>) {
  // expected-error@+1 {{sequence_lens must have shape 2 [batch_size], got 3}}
  %y = npu.rnn %x, %w, %r sequence_lens(%l : tensor<3xi32>) {direction = #npu.rnn_direction<forward>, hidden_size = 4 : i64, activations = ["Tanh"], activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>} : tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32> -> y tensor<5x1x2x4xf32>
  return
}

// -----

func.func @rnn_bad_activation(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error@+1 {{unknown activation 'Swish' (expected Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign or Softplus)}}
  %y = npu.rnn %x, %w, %r {direction = #npu.rnn_direction<forward>, hidden_size = 4 : i64, activations = ["Swish"], activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>} : tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32> -> y tensor<5x1x2x4xf32>
  return
}

// -----

func.func @gru_activation_count(%x: tensor<5x2x3xf32>, %w: tensor<2x12x3xf32>, %r: tensor<2x12x4xf32>) {
  // expected-error@+1 {{expects 4 activation(s) (2 direction(s)), got 2}}
  %y = npu.gru %x, %w, %r {direction = #npu.rnn_direction<bidirectional>, hidden_size = 4 : i64, activations = ["Sigmoid", "Tanh"], activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>} : tensor<5x2x3xf32>, tensor<2x12x3xf32>, tensor<2x12x4xf32> -> y tensor<5x2x2x4xf32>
  return
}

// -----

func.func @rnn_alpha_count(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error@+1 {{activation_alpha and activation_beta must have one value per activation}}
  %y = npu.rnn %x, %w, %r {direction = #npu.rnn_direction<forward>, hidden_size = 4 : i64, activations = ["Tanh"], activation_alpha = array<f32>, activation_beta = array<f32: 0.0>} : tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32> -> y tensor<5x1x2x4xf32>
  return
}

// -----

func.func @rnn_weight_type(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf16>, %r: tensor<1x4x4xf32>) {
  // expected-error@+1 {{W must have x's element type 'f32', got 'f16'}}
  %y = npu.rnn %x, %w, %r {direction = #npu.rnn_direction<forward>, hidden_size = 4 : i64, activations = ["Tanh"], activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>} : tensor<5x2x3xf32>, tensor<1x4x3xf16>, tensor<1x4x4xf32> -> y tensor<5x1x2x4xf32>
  return
}

// -----

func.func @rnn_clip(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error@+1 {{clip must be positive, got -1.000000e+00}}
  %y = npu.rnn %x, %w, %r {direction = #npu.rnn_direction<forward>, hidden_size = 4 : i64, activations = ["Tanh"], activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, clip = -1.0 : f32} : tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32> -> y tensor<5x1x2x4xf32>
  return
}

// -----

// Quantization annotations (found by a compiler engineer editing stages: a
// scale of 0 or an inverted range compiled to a blob that computed zeros).
func.func @quant_scale_zero(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'npu.relu' op 'npu.quant' must be array<f32: scale, zero point> with a positive finite scale and an integer zero point in [-128, 127], not array<f32: 0.000000e+00, -1.280000e+02>}}
  %y = npu.relu %x {npu.quant = array<f32: 0.0, -128.0>} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @quant_zero_point(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'npu.quant' must be array<f32: scale, zero point>}}
  %y = npu.relu %x {npu.quant = array<f32: 0.1, 200.0>} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @quant_fractional_zero_point(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'npu.quant' must be array<f32: scale, zero point>}}
  %y = npu.relu %x {npu.quant = array<f32: 0.1, 2.5>} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @range_inverted(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'npu.relu' op 'npu.range' must be array<f32: lo, hi> with finite lo <= hi and a finite width, not array<f32: 3.200000e+01, 0.000000e+00>}}
  %y = npu.relu %x {npu.range = array<f32: 32.0, 0.0>} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @range_nan(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'npu.range' must be array<f32: lo, hi>}}
  %y = npu.relu %x {npu.range = array<f32: 0.0, 0x7FC00000>} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @range_width(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'npu.range' must be array<f32: lo, hi>}}
  %y = npu.relu %x {npu.range = array<f32: -3.0e38, 3.0e38>} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @range_length(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'npu.range' must be array<f32: lo, hi>}}
  %y = npu.relu %x {npu.range = array<f32: 0.0, 1.0, 2.0>} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// expected-error@+1 {{'func.func' op argument 0: 'npu.range' must be array<f32: lo, hi>}}
func.func @range_argument(%x: tensor<4xf32> {npu.range = array<f32: 1.0, -1.0>}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

func.func @weight_scales(%x: tensor<1x2xf32>, %w: tensor<2x2xf32>) -> tensor<1x2xf32> {
  // expected-error@+1 {{'npu.matmul' op 'npu.weight_scales' must be an array<f32: ...> of positive finite scales, not array<f32: 1.000000e-01, -1.000000e-01>}}
  %y = npu.matmul %x, %w {npu.weight_scales = array<f32: 0.1, -0.1>} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
