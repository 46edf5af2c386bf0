// RUN: npu-opt %s -split-input-file -verify-diagnostics

func.func @rank(%x: tensor<1x8x8x16xf16>) -> tensor<8x8x16xf16> {
  // expected-error @+1 {{input must be a static [H, W, C] tensor}}
  %y = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x8x8x16xf16>) -> tensor<8x8x16xf16>
  return %y : tensor<8x8x16xf16>
}

// -----

func.func @out_shape(%x: tensor<8x8x16xf16>) -> tensor<8x8x16xf16> {
  // expected-error @+1 {{output must be 4x4xK for this input, kernel, strides and pads}}
  %y = npuhw.dpu_conv max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<8x8x16xf16>) -> tensor<8x8x16xf16>
  return %y : tensor<8x8x16xf16>
}

// -----

func.func @kernel(%x: tensor<16x16x16xf16>) -> tensor<4x4x16xf16> {
  // expected-error @+1 {{kernel must be 1..11 in each dimension}}
  %y = npuhw.dpu_conv max_pool %x {kernel = array<i64: 13, 13>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<16x16x16xf16>) -> tensor<4x4x16xf16>
  return %y : tensor<4x4x16xf16>
}

// -----

func.func @pads(%x: tensor<8x8x16xf16>) -> tensor<8x8x16xf16> {
  // expected-error @+1 {{pads must be non-negative and smaller than the kernel}}
  %y = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 1, 0, 0, 0>} : (tensor<8x8x16xf16>) -> tensor<8x8x16xf16>
  return %y : tensor<8x8x16xf16>
}

// -----

func.func @channels(%x: tensor<8x8x8xf16>, %w: tensor<8x1x1x8xf16>, %t: tensor<8x4xi32>) -> tensor<8x8x8xf16> {
  // expected-error @+1 {{output channels must be a multiple of 16, got 8}}
  %y = npuhw.dpu_conv conv %x, %w, %t {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<8x8x8xf16>, tensor<8x1x1x8xf16>, tensor<8x4xi32>) -> tensor<8x8x8xf16>
  return %y : tensor<8x8x8xf16>
}

// -----

func.func @no_weights(%x: tensor<8x8x16xf16>) -> tensor<8x8x16xf16> {
  // expected-error @+1 {{a conv task needs weights and weight table}}
  %y = npuhw.dpu_conv conv %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<8x8x16xf16>) -> tensor<8x8x16xf16>
  return %y : tensor<8x8x16xf16>
}

// -----

func.func @weights_shape(%x: tensor<8x8x16xf16>, %w: tensor<16x3x3x16xf16>, %t: tensor<16x4xi32>) -> tensor<8x8x16xf16> {
  // expected-error @+1 {{weights must be [16, 1, 1, 16]}}
  %y = npuhw.dpu_conv conv %x, %w, %t {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<8x8x16xf16>, tensor<16x3x3x16xf16>, tensor<16x4xi32>) -> tensor<8x8x16xf16>
  return %y : tensor<8x8x16xf16>
}

// -----

func.func @pool_channels(%x: tensor<8x8x16xf16>) -> tensor<8x8x32xf16> {
  // expected-error @+1 {{a max_pool task keeps the channels: input has 16, output 32}}
  %y = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<8x8x16xf16>) -> tensor<8x8x32xf16>
  return %y : tensor<8x8x32xf16>
}

// -----

func.func @f16_to_quant(%x: tensor<8x8x16xf16>) -> tensor<8x8x16xi8> {
  // expected-error @+1 {{an f16 task cannot write a quantized output}}
  %y = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<8x8x16xf16>) -> tensor<8x8x16xi8>
  return %y : tensor<8x8x16xi8>
}

// -----

func.func @eltwise_shape(%a: tensor<8x8x16xf16>, %b: tensor<8x4x16xf16>) -> tensor<8x8x16xf16> {
  // expected-error @+1 {{lhs, rhs and output must have one shape}}
  %y = npuhw.dpu_eltwise add %a, %b : (tensor<8x8x16xf16>, tensor<8x4x16xf16>) -> tensor<8x8x16xf16>
  return %y : tensor<8x8x16xf16>
}

// -----

func.func @unknown_kernel(%x: tensor<4xf16>) -> tensor<4xf16> {
  // expected-error @+1 {{unknown SHAVE kernel 'frobnicate'}}
  %y = npuhw.shave "frobnicate" %x : (tensor<4xf16>) -> tensor<4xf16>
  return %y : tensor<4xf16>
}

// -----

func.func @shave_contract(%x: tensor<4xf16>) -> tensor<5xf16> {
  // expected-error @+1 {{'sigmoid':}}
  %y = npuhw.shave "sigmoid" %x : (tensor<4xf16>) -> tensor<5xf16>
  return %y : tensor<5xf16>
}

// -----

func.func @shave_type(%x: tensor<4xf64>) -> tensor<4xf64> {
  // expected-error @+1 {{operand type 'tensor<4xf64>' is not a static tensor of a device type}}
  %y = npuhw.shave "exp" %x : (tensor<4xf64>) -> tensor<4xf64>
  return %y : tensor<4xf64>
}

// -----

// i64 is a device type (token ids for the gather kernel), but not one exp
// takes.
func.func @shave_kernel_type(%x: tensor<4xi64>) -> tensor<4xi64> {
  // expected-error @+1 {{'npuhw.shave' op 'exp': exp: operands must be f16 or f32, output is i64}}
  %y = npuhw.shave "exp" %x : (tensor<4xi64>) -> tensor<4xi64>
  return %y : tensor<4xi64>
}

// -----

func.func @matmul_k_mismatch(%a: tensor<8x16xf16>, %b: tensor<12x4xf16>) -> tensor<8x4xf16> {
  // expected-error @+1 {{'matmul': matmul: A's K (16) differs from B's (12)}}
  %y = npuhw.shave "matmul" %a, %b : (tensor<8x16xf16>, tensor<12x4xf16>) -> tensor<8x4xf16>
  return %y : tensor<8x4xf16>
}

// -----

func.func @upsample_zeros_shape(%x: tensor<4x4x16xi8>) -> tensor<8x8x16xi8> {
  // expected-error @+1 {{upsample_zeros: output must be [7, 7, 16] ((H-1)*stride+1+pads), got [8, 8, 16]}}
  %y = npuhw.shave "upsample_zeros" %x {iparams = array<i64: 2, 2, 0, 0, 0, 0>} : (tensor<4x4x16xi8>) -> tensor<8x8x16xi8>
  return %y : tensor<8x8x16xi8>
}

// -----

// Post-processing the device cannot take is rejected at the op, by the blob
// verifier's rules (found by a compiler engineer editing a stage: the
// interpreter ran such ops and code generation blamed itself for them).
!q = !quant.uniform<i8:f32, 0.1:-128>
func.func @out_zero_point(%x: tensor<8x8x16x!q>) -> tensor<8x8x16x!q> {
  // expected-error@+1 {{output zero point 300 is outside i8}}
  %y = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, out_zero_point = 300 : i32} : (tensor<8x8x16x!q>) -> tensor<8x8x16x!q>
  return %y : tensor<8x8x16x!q>
}

// -----

func.func @empty_clamp(%x: tensor<8x8x16xf16>) -> tensor<8x8x16xf16> {
  // expected-error@+1 {{clamp range is empty}}
  %y = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, fclamp_low = 0.5 : f32, fclamp_high = 0.25 : f32} : (tensor<8x8x16xf16>) -> tensor<8x8x16xf16>
  return %y : tensor<8x8x16xf16>
}

// -----

func.func @mult(%x: tensor<8x8x16xf16>) -> tensor<8x8x16xf16> {
  // expected-error@+1 {{requantization multiplier 4294914806 does not fit 16 bits}}
  %y = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, mult = -52490 : i32} : (tensor<8x8x16xf16>) -> tensor<8x8x16xf16>
  return %y : tensor<8x8x16xf16>
}

// -----

func.func @shift(%x: tensor<8x8x16xf16>) -> tensor<8x8x16xf16> {
  // expected-error@+1 {{post-processing shift out of range (shift 0..63, leaky_shift 0..31)}}
  %y = npuhw.dpu_conv max_pool %x {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, shift = 300 : i32} : (tensor<8x8x16xf16>) -> tensor<8x8x16xf16>
  return %y : tensor<8x8x16xf16>
}

// -----

!q = !quant.uniform<i8:f32, 0.1:-128>
func.func @eltwise_mult(%a: tensor<8x8x16x!q>, %b: tensor<8x8x16x!q>) -> tensor<8x8x16x!q> {
  // expected-error@+1 {{eltwise input multiplier 40000 does not fit 16 bits}}
  %y = npuhw.dpu_eltwise add %a, %b {lhs_mult = 40000 : i32} : (tensor<8x8x16x!q>, tensor<8x8x16x!q>) -> tensor<8x8x16x!q>
  return %y : tensor<8x8x16x!q>
}

// -----

!q = !quant.uniform<i8:f32, 0.1:-128>
func.func @eltwise_zero_point(%a: tensor<8x8x16x!q>, %b: tensor<8x8x16x!q>) -> tensor<8x8x16x!q> {
  // expected-error@+1 {{input zero point -200 is outside i8}}
  %y = npuhw.dpu_eltwise add %a, %b {rhs_zero_point = -200 : i32} : (tensor<8x8x16x!q>, tensor<8x8x16x!q>) -> tensor<8x8x16x!q>
  return %y : tensor<8x8x16x!q>
}

// -----

// A constant weight table whose pointer leaves the weights (found by a
// compiler engineer: the blob verified and failed at inference).
func.func @weight_table(%x: tensor<4x4x16xf16>) -> tensor<4x4x16xf16> {
  %t = npu.constant dense<[[0, -1, 1065353216, 0], [100000, -1, 1065353216, 0], [64, -1, 1065353216, 0], [96, -1, 1065353216, 0], [128, -1, 1065353216, 0], [160, -1, 1065353216, 0], [192, -1, 1065353216, 0], [224, -1, 1065353216, 0], [256, -1, 1065353216, 0], [288, -1, 1065353216, 0], [320, -1, 1065353216, 0], [352, -1, 1065353216, 0], [384, -1, 1065353216, 0], [416, -1, 1065353216, 0], [448, -1, 1065353216, 0], [480, -1, 1065353216, 0]]> : tensor<16x4xi32>
  %w = npu.constant dense<0.5> : tensor<16x1x1x16xf16>
  // expected-error@+1 {{weight table entry 1 points at weights bytes [100000, 100032), outside the 512 bytes of the weights}}
  %y = npuhw.dpu_conv conv %x, %w, %t {kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<4x4x16xf16>, tensor<16x1x1x16xf16>, tensor<16x4xi32>) -> tensor<4x4x16xf16>
  return %y : tensor<4x4x16xf16>
}
