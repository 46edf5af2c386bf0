// RUN: npu-opt %s | npu-opt | FileCheck %s
// RUN: npu-opt %s --mlir-print-op-generic | npu-opt | FileCheck %s
// Round trip of every npu op: printed forms parse back to the same IR.

// CHECK-LABEL: func.func @constants_and_structure
func.func @constants_and_structure(%c: tensor<i1>, %x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: npu.constant dense<1.000000e+00> : tensor<4xf32>
  %a = npu.constant dense<1.0> : tensor<4xf32>
  // CHECK: npu.identity %{{.*}} : tensor<4xf32>
  %i = npu.identity %x : tensor<4xf32>
  // CHECK: npu.if %{{.*}} : tensor<i1> -> tensor<4xf32> {
  // CHECK:   npu.yield %{{.*}} : tensor<4xf32>
  // CHECK: } else {
  %r = npu.if %c : tensor<i1> -> tensor<4xf32> {
    npu.yield %a : tensor<4xf32>
  } else {
    npu.yield %i : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// CHECK-LABEL: func.func @unary
func.func @unary(%x: tensor<2x3xf32>, %b: tensor<2x3xi1>) {
  // CHECK: npu.relu
  %0 = npu.relu %x : tensor<2x3xf32>
  // CHECK: npu.sigmoid
  %1 = npu.sigmoid %x : tensor<2x3xf32>
  // CHECK: npu.tanh
  %2 = npu.tanh %x : tensor<2x3xf32>
  // CHECK: npu.exp
  %3 = npu.exp %x : tensor<2x3xf32>
  // CHECK: npu.log
  %4 = npu.log %x : tensor<2x3xf32>
  // CHECK: npu.sqrt
  %5 = npu.sqrt %x : tensor<2x3xf32>
  // CHECK: npu.abs
  %6 = npu.abs %x : tensor<2x3xf32>
  // CHECK: npu.neg
  %7 = npu.neg %x : tensor<2x3xf32>
  // CHECK: npu.erf
  %8 = npu.erf %x : tensor<2x3xf32>
  // CHECK: npu.reciprocal
  %9 = npu.reciprocal %x : tensor<2x3xf32>
  // CHECK: npu.floor
  %10 = npu.floor %x : tensor<2x3xf32>
  // CHECK: npu.ceil
  %11 = npu.ceil %x : tensor<2x3xf32>
  // CHECK: npu.round
  %12 = npu.round %x : tensor<2x3xf32>
  // CHECK: npu.sign
  %13 = npu.sign %x : tensor<2x3xf32>
  // CHECK: npu.sin
  %14 = npu.sin %x : tensor<2x3xf32>
  // CHECK: npu.cos
  %15 = npu.cos %x : tensor<2x3xf32>
  // CHECK: npu.tan
  %16 = npu.tan %x : tensor<2x3xf32>
  // CHECK: npu.asin
  %17 = npu.asin %x : tensor<2x3xf32>
  // CHECK: npu.acos
  %18 = npu.acos %x : tensor<2x3xf32>
  // CHECK: npu.atan
  %19 = npu.atan %x : tensor<2x3xf32>
  // CHECK: npu.sinh
  %20 = npu.sinh %x : tensor<2x3xf32>
  // CHECK: npu.cosh
  %21 = npu.cosh %x : tensor<2x3xf32>
  // CHECK: npu.asinh
  %22 = npu.asinh %x : tensor<2x3xf32>
  // CHECK: npu.acosh
  %23 = npu.acosh %x : tensor<2x3xf32>
  // CHECK: npu.atanh
  %24 = npu.atanh %x : tensor<2x3xf32>
  // CHECK: npu.softplus
  %25 = npu.softplus %x : tensor<2x3xf32>
  // CHECK: npu.softsign
  %26 = npu.softsign %x : tensor<2x3xf32>
  // CHECK: npu.hard_swish
  %27 = npu.hard_swish %x : tensor<2x3xf32>
  // CHECK: npu.not
  %28 = npu.not %b : tensor<2x3xi1>
  // CHECK: npu.leaky_relu %{{.*}} {alpha = 2.000000e-01 : f32}
  %29 = npu.leaky_relu %x {alpha = 0.2 : f32} : tensor<2x3xf32>
  // CHECK: npu.elu
  %30 = npu.elu %x : tensor<2x3xf32>
  // CHECK: npu.celu
  %31 = npu.celu %x {alpha = 2.0 : f32} : tensor<2x3xf32>
  // CHECK: npu.selu
  %32 = npu.selu %x : tensor<2x3xf32>
  // CHECK: npu.thresholded_relu
  %33 = npu.thresholded_relu %x : tensor<2x3xf32>
  // Default-valued attributes are elided when printing.
  // CHECK: npu.hard_sigmoid %{{.*}} {alpha = 0.166666672 : f32} : tensor<2x3xf32>
  %34 = npu.hard_sigmoid %x {alpha = 0.16666667 : f32, beta = 0.5 : f32} : tensor<2x3xf32>
  // CHECK: npu.shrink
  %35 = npu.shrink %x {lambd = 1.5 : f32} : tensor<2x3xf32>
  // CHECK: npu.gelu %{{.*}} {approximate = #npu.gelu_approx<tanh>}
  %36 = npu.gelu %x {approximate = #npu.gelu_approx<tanh>} : tensor<2x3xf32>
  // CHECK: npu.clip %{{.*}} {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64}
  %37 = npu.clip %x {min = 0.0, max = 6.0} : tensor<2x3xf32>
  // Integer tensors have integer bounds of their type, never rounded.
  // CHECK: npu.clip %{{.*}} {max = 9007199254740993 : i64, min = -9007199254740993 : i64} : tensor<2xi64>
  %i64 = npu.constant dense<0> : tensor<2xi64>
  %clipi = npu.clip %i64 {min = -9007199254740993 : i64, max = 9007199254740993 : i64} : tensor<2xi64>
  // CHECK: npu.is_nan %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xi1>
  %38 = npu.is_nan %x : (tensor<2x3xf32>) -> tensor<2x3xi1>
  // CHECK: npu.is_inf %{{.*}} {detect_negative = false}
  %39 = npu.is_inf %x {detect_negative = false} : (tensor<2x3xf32>) -> tensor<2x3xi1>
  // CHECK: npu.cast %{{.*}} : tensor<2x3xf32> to tensor<2x3xi64>
  %40 = npu.cast %x : tensor<2x3xf32> to tensor<2x3xi64>
  return
}

// CHECK-LABEL: func.func @binary
func.func @binary(%x: tensor<2x3xf32>, %y: tensor<3xf32>, %i: tensor<2x3xi32>, %u: tensor<2x3xui8>, %b: tensor<2x3xi1>) {
  // CHECK: npu.add %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = npu.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: npu.sub
  %1 = npu.sub %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: npu.mul
  %2 = npu.mul %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: npu.div
  %3 = npu.div %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: npu.pow
  %4 = npu.pow %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: npu.max
  %5 = npu.max %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: npu.min
  %6 = npu.min %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: npu.mod %{{.*}}, %{{.*}} {fmod = true}
  %7 = npu.mod %x, %y {fmod = true} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: npu.prelu
  %8 = npu.prelu %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: npu.bit_shift %{{.*}}, %{{.*}} {direction = #npu.shift_direction<right>}
  %9 = npu.bit_shift %u, %u {direction = #npu.shift_direction<right>} : (tensor<2x3xui8>, tensor<2x3xui8>) -> tensor<2x3xui8>
  // CHECK: npu.and
  %10 = npu.and %b, %b : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  // CHECK: npu.or
  %11 = npu.or %b, %b : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  // CHECK: npu.xor
  %12 = npu.xor %b, %b : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  // CHECK: npu.equal %{{.*}}, %{{.*}} : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi1>
  %13 = npu.equal %i, %i : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi1>
  // CHECK: npu.less
  %14 = npu.less %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: npu.less_equal
  %15 = npu.less_equal %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: npu.greater
  %16 = npu.greater %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: npu.greater_equal
  %17 = npu.greater_equal %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: npu.where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %18 = npu.where %b, %x, %y : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// CHECK-LABEL: func.func @linear_conv_pool
func.func @linear_conv_pool(%a: tensor<8x64x32xf32>, %b: tensor<32x16xf32>, %v: tensor<32xf32>, %c16: tensor<16xf32>,
                            %x: tensor<1x8x16x16xf32>, %w: tensor<8x1x3x3xf32>, %wt: tensor<8x4x2x2xf32>) {
  // CHECK: npu.matmul %{{.*}}, %{{.*}} : (tensor<8x64x32xf32>, tensor<32x16xf32>) -> tensor<8x64x16xf32>
  %0 = npu.matmul %a, %b : (tensor<8x64x32xf32>, tensor<32x16xf32>) -> tensor<8x64x16xf32>
  // CHECK: npu.matmul %{{.*}}, %{{.*}} : (tensor<32xf32>, tensor<32x16xf32>) -> tensor<16xf32>
  %1 = npu.matmul %v, %b : (tensor<32xf32>, tensor<32x16xf32>) -> tensor<16xf32>
  // CHECK: npu.gemm %{{.*}}, %{{.*}}, %{{.*}} {alpha = 5.000000e-01 : f32, trans_a = true}
  %2 = npu.gemm %b, %b, %c16 {trans_a = true, alpha = 0.5 : f32} : (tensor<32x16xf32>, tensor<32x16xf32>, tensor<16xf32>) -> tensor<16x16xf32>
  // Depthwise, dilated, asymmetric padding.
  // CHECK: npu.conv %{{.*}}, %{{.*}} {dilations = array<i64: 2, 2>, group = 8 : i64, pads = array<i64: 2, 1, 2, 3>, strides = array<i64: 1, 1>}
  %3 = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 2, 2>, pads = array<i64: 2, 1, 2, 3>, group = 8 : i64} : (tensor<1x8x16x16xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x16x16xf32>
  // CHECK: npu.conv_transpose
  %4 = npu.conv_transpose %x, %wt {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 0, 0>} : (tensor<1x8x16x16xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x32x32xf32>
  // CHECK: npu.max_pool %{{.*}} {ceil_mode = true
  %5 = npu.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true} : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32>
  // CHECK: npu.max_pool_with_indices %{{.*}} {column_major = true, {{.*}}} : (tensor<1x8x16x16xf32>) -> (tensor<1x8x8x8xf32>, tensor<1x8x8x8xi64>)
  %mi:2 = npu.max_pool_with_indices %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, column_major = true} : (tensor<1x8x16x16xf32>) -> (tensor<1x8x8x8xf32>, tensor<1x8x8x8xi64>)
  // CHECK: npu.avg_pool %{{.*}} {count_include_pad = true
  %6 = npu.avg_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, count_include_pad = true} : (tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  // CHECK: npu.global_avg_pool
  %7 = npu.global_avg_pool %x : (tensor<1x8x16x16xf32>) -> tensor<1x8x1x1xf32>
  // CHECK: npu.global_max_pool
  %8 = npu.global_max_pool %x : (tensor<1x8x16x16xf32>) -> tensor<1x8x1x1xf32>
  return
}

// CHECK-LABEL: func.func @normalisation
func.func @normalisation(%x: tensor<1x8x4x4xf32>, %c: tensor<8xf32>, %s: tensor<1x8x32xf32>, %g: tensor<32xf32>) {
  // CHECK: npu.batch_norm
  %0 = npu.batch_norm %x, %c, %c, %c, %c {epsilon = 1.0e-3 : f32} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  // CHECK: npu.instance_norm
  %1 = npu.instance_norm %x, %c, %c : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  // CHECK: npu.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {axis = 2 : i64}
  %2 = npu.layer_norm %s, %g, %g {axis = 2 : i64} : (tensor<1x8x32xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<1x8x32xf32>
  // CHECK: npu.layer_norm %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<1x8x32xf32>, tensor<32xf32>) -> tensor<1x8x32xf32> mean tensor<1x1x1xf32> inv_std_dev tensor<1x1x1xf32>
  %3:3 = npu.layer_norm %s, %g {axis = 1 : i64} : (tensor<1x8x32xf32>, tensor<32xf32>) -> tensor<1x8x32xf32> mean tensor<1x1x1xf32> inv_std_dev tensor<1x1x1xf32>
  // CHECK: npu.lrn %{{.*}} {size = 3 : i64}
  %4 = npu.lrn %x {size = 3 : i64} : tensor<1x8x4x4xf32>
  // CHECK: npu.mvn %{{.*}} {axes = array<i64: 0, 2, 3>} : tensor<1x8x4x4xf32>
  %m0 = npu.mvn %x {axes = array<i64: 0, 2, 3>} : tensor<1x8x4x4xf32>
  // CHECK: npu.mvn %{{.*}} {axes = array<i64: 2>, eps_inside_sqrt, epsilon = 9.99999974E-6 : f32} : tensor<1x8x32xf32>
  %m1 = npu.mvn %s {axes = array<i64: 2>, epsilon = 1.0e-5 : f32, eps_inside_sqrt} : tensor<1x8x32xf32>
  // CHECK: npu.softmax %{{.*}} {axis = 1 : i64}
  %5 = npu.softmax %x {axis = 1 : i64} : tensor<1x8x4x4xf32>
  // CHECK: npu.log_softmax
  %6 = npu.log_softmax %x {axis = 3 : i64} : tensor<1x8x4x4xf32>
  // CHECK: npu.hardmax
  %7 = npu.hardmax %x {axis = 0 : i64} : tensor<1x8x4x4xf32>
  return
}

// CHECK-LABEL: func.func @reductions
func.func @reductions(%x: tensor<2x3x4xf32>) {
  // CHECK: npu.reduce_mean %{{.*}} {axes = array<i64: 1, 2>} : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32>
  %0 = npu.reduce_mean %x {axes = array<i64: 1, 2>} : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32>
  // CHECK: npu.reduce_sum %{{.*}} {axes = array<i64: 0>, keepdims = false}
  %1 = npu.reduce_sum %x {axes = array<i64: 0>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3x4xf32>
  // CHECK: npu.reduce_max
  %2 = npu.reduce_max %x {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  // CHECK: npu.reduce_min
  %3 = npu.reduce_min %x {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  // CHECK: npu.reduce_prod
  %4 = npu.reduce_prod %x {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  // CHECK: npu.reduce_l1
  %5 = npu.reduce_l1 %x {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  // CHECK: npu.reduce_l2
  %6 = npu.reduce_l2 %x {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  // CHECK: npu.reduce_sum_square
  %7 = npu.reduce_sum_square %x {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  // CHECK: npu.reduce_log_sum
  %8 = npu.reduce_log_sum %x {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  // CHECK: npu.reduce_log_sum_exp
  %9 = npu.reduce_log_sum_exp %x {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  // CHECK: npu.argmax %{{.*}} {axis = 1 : i64, keepdims = false, select_last_index = true} : (tensor<2x3x4xf32>) -> tensor<2x4xi64>
  %10 = npu.argmax %x {axis = 1 : i64, keepdims = false, select_last_index = true} : (tensor<2x3x4xf32>) -> tensor<2x4xi64>
  // CHECK: npu.argmin
  %11 = npu.argmin %x {axis = 2 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x1xi64>
  // CHECK: npu.cumsum %{{.*}} {axis = 2 : i64, exclusive = true, reverse = true}
  %12 = npu.cumsum %x {axis = 2 : i64, exclusive = true, reverse = true} : tensor<2x3x4xf32>
  // CHECK: npu.topk %{{.*}} {axis = 2 : i64, k = 2 : i64} : (tensor<2x3x4xf32>) -> (tensor<2x3x2xf32>, tensor<2x3x2xi64>)
  %13:2 = npu.topk %x {axis = 2 : i64, k = 2 : i64} : (tensor<2x3x4xf32>) -> (tensor<2x3x2xf32>, tensor<2x3x2xi64>)
  return
}

// CHECK-LABEL: func.func @data_movement
func.func @data_movement(%x: tensor<1x16x4x4xf32>, %i: tensor<2x3xi64>, %t: tensor<5x4xf32>, %n: tensor<2x1xi64>) {
  // CHECK: npu.reshape %{{.*}} : tensor<1x16x4x4xf32> to tensor<1x256xf32>
  %0 = npu.reshape %x : tensor<1x16x4x4xf32> to tensor<1x256xf32>
  // CHECK: npu.transpose %{{.*}} {perm = array<i64: 0, 2, 3, 1>}
  %1 = npu.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x16x4x4xf32>) -> tensor<1x4x4x16xf32>
  // CHECK: npu.concat %{{.*}}, %{{.*}} {axis = 1 : i64}
  %2 = npu.concat %x, %x {axis = 1 : i64} : (tensor<1x16x4x4xf32>, tensor<1x16x4x4xf32>) -> tensor<1x32x4x4xf32>
  // CHECK: npu.split %{{.*}} {axis = 1 : i64} : tensor<1x16x4x4xf32> -> tensor<1x4x4x4xf32>, tensor<1x12x4x4xf32>
  %3:2 = npu.split %x {axis = 1 : i64} : tensor<1x16x4x4xf32> -> tensor<1x4x4x4xf32>, tensor<1x12x4x4xf32>
  // CHECK: npu.slice %{{.*}} {starts = array<i64: 0, 15, 0, 1>, steps = array<i64: 1, -2, 1, 2>} : tensor<1x16x4x4xf32> to tensor<1x8x4x2xf32>
  %4 = npu.slice %x {starts = array<i64: 0, 15, 0, 1>, steps = array<i64: 1, -2, 1, 2>} : tensor<1x16x4x4xf32> to tensor<1x8x4x2xf32>
  // CHECK: npu.pad %{{.*}} {mode = #npu.pad_mode<reflect>, pads = array<i64: 0, 0, 1, 1, 0, 0, 2, 2>}
  %5 = npu.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 2, 2>, mode = #npu.pad_mode<reflect>} : (tensor<1x16x4x4xf32>) -> tensor<1x16x7x7xf32>
  // CHECK: npu.pad %{{.*}} {pads = array<i64: 1, 0>, value = 18446744073709551615 : ui64} : (tensor<2xui64>) -> tensor<3xui64>
  %u64 = npu.constant dense<0> : tensor<2xui64>
  %padu = npu.pad %u64 {pads = array<i64: 1, 0>, value = 18446744073709551615 : ui64} : (tensor<2xui64>) -> tensor<3xui64>
  // CHECK: npu.expand %{{.*}} : tensor<1x16x4x4xf32> to tensor<2x16x4x4xf32>
  %6 = npu.expand %x : tensor<1x16x4x4xf32> to tensor<2x16x4x4xf32>
  // CHECK: npu.tile %{{.*}} : tensor<1x16x4x4xf32> to tensor<1x16x8x12xf32>
  %7 = npu.tile %x : tensor<1x16x4x4xf32> to tensor<1x16x8x12xf32>
  // CHECK: npu.gather %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<5x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  %8 = npu.gather %t, %i {axis = 0 : i64} : (tensor<5x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  // CHECK: npu.gather_elements
  %9 = npu.gather_elements %t, %n {axis = 1 : i64} : (tensor<5x4xf32>, tensor<2x1xi64>) -> tensor<2x1xf32>
  // CHECK: npu.gather_nd
  %10 = npu.gather_nd %t, %n : (tensor<5x4xf32>, tensor<2x1xi64>) -> tensor<2x4xf32>
  %u = npu.constant dense<1.0> : tensor<2x1xf32>
  // CHECK: npu.scatter_elements %{{.*}} {axis = 1 : i64, reduction = #npu.reduction<add>}
  %11 = npu.scatter_elements %t, %n, %u {axis = 1 : i64, reduction = #npu.reduction<add>} : (tensor<5x4xf32>, tensor<2x1xi64>, tensor<2x1xf32>) -> tensor<5x4xf32>
  %u2 = npu.constant dense<1.0> : tensor<2x4xf32>
  // CHECK: npu.scatter_nd
  %12 = npu.scatter_nd %t, %n, %u2 : (tensor<5x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<5x4xf32>
  // CHECK: npu.resize %{{.*}} {coordinate_transformation_mode = #npu.coord_mode<asymmetric>, mode = #npu.resize_mode<nearest>, nearest_mode = #npu.nearest_mode<floor>, scales = array<f32: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>}
  %13 = npu.resize %x {mode = #npu.resize_mode<nearest>, coordinate_transformation_mode = #npu.coord_mode<asymmetric>, nearest_mode = #npu.nearest_mode<floor>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : tensor<1x16x4x4xf32> to tensor<1x16x8x8xf32>
  // CHECK: npu.resize %{{.*}} {coordinate_transformation_mode = #npu.coord_mode<half_pixel>, mode = #npu.resize_mode<linear>, scale_ratios = array<i64: 1, 1, 3, 3, 1, 1, 4, 4>}
  %r = npu.resize %x {mode = #npu.resize_mode<linear>, coordinate_transformation_mode = #npu.coord_mode<half_pixel>, scale_ratios = array<i64: 1, 1, 3, 3, 1, 1, 4, 4>} : tensor<1x16x4x4xf32> to tensor<1x16x3x3xf32>
  // CHECK: npu.depth_to_space %{{.*}} {blocksize = 2 : i64, mode = #npu.d2s_mode<CRD>}
  %14 = npu.depth_to_space %x {blocksize = 2 : i64, mode = #npu.d2s_mode<CRD>} : (tensor<1x16x4x4xf32>) -> tensor<1x4x8x8xf32>
  // CHECK: npu.space_to_depth
  %15 = npu.space_to_depth %x {blocksize = 2 : i64} : (tensor<1x16x4x4xf32>) -> tensor<1x64x2x2xf32>
  // CHECK: npu.trilu %{{.*}} {k = -1 : i64, upper = false}
  %16 = npu.trilu %t {upper = false, k = -1 : i64} : tensor<5x4xf32>
  %v = npu.constant dense<[0.0, 1.0]> : tensor<2xf32>
  // CHECK: npu.one_hot
  %17 = npu.one_hot %i, %v {axis = 2 : i64, depth = 7 : i64} : (tensor<2x3xi64>, tensor<2xf32>) -> tensor<2x3x7xf32>
  // CHECK: npu.einsum %{{.*}}, %{{.*}} {equation = "ij,kj->ik"}
  %18 = npu.einsum %t, %t {equation = "ij,kj->ik"} : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x5xf32>
  // CHECK: npu.shape %{{.*}} {start = 1 : i64} : (tensor<1x16x4x4xf32>) -> tensor<3xi64>
  %19 = npu.shape %x {start = 1 : i64} : (tensor<1x16x4x4xf32>) -> tensor<3xi64>
  // CHECK: npu.size
  %20 = npu.size %x : (tensor<1x16x4x4xf32>) -> tensor<i64>
  return
}

// CHECK-LABEL: func.func @quantization
func.func @quantization(%x: tensor<1x4x2x2xf32>, %s: tensor<4xf32>, %z: tensor<4xi8>) {
  // CHECK: npu.quantize_linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xi8>) -> tensor<1x4x2x2xi8>
  %q = npu.quantize_linear %x, %s, %z : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xi8>) -> tensor<1x4x2x2xi8>
  // CHECK: npu.dequantize_linear
  %d = npu.dequantize_linear %q, %s, %z : (tensor<1x4x2x2xi8>, tensor<4xf32>, tensor<4xi8>) -> tensor<1x4x2x2xf32>
  return
}

// CHECK-LABEL: func.func @recurrent
func.func @recurrent(%x: tensor<5x2x3xf32>, %w1: tensor<1x4x3xf32>, %r1: tensor<1x4x4xf32>,
                     %b1: tensor<1x8xf32>, %len: tensor<2xi32>, %h1: tensor<1x2x4xf32>,
                     %w3: tensor<2x12x3xf32>, %r3: tensor<2x12x4xf32>,
                     %w4: tensor<1x16x3xf32>, %r4: tensor<1x16x4xf32>, %b4: tensor<1x32xf32>,
                     %p: tensor<1x12xf32>) {
  // CHECK: npu.rnn %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<1x8xf32>) sequence_lens(%{{.*}} : tensor<2xi32>) initial_h(%{{.*}} : tensor<1x2x4xf32>) {activation_alpha = array<f32: 0.000000e+00>, activation_beta = array<f32: 0.000000e+00>, activations = ["Tanh"], clip = 2.000000e+00 : f32, direction = #npu.rnn_direction<reverse>, hidden_size = 4 : i64} : tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32> -> y tensor<5x1x2x4xf32> y_h tensor<1x2x4xf32>
  %0:2 = npu.rnn %x, %w1, %r1 bias(%b1 : tensor<1x8xf32>) sequence_lens(%len : tensor<2xi32>) initial_h(%h1 : tensor<1x2x4xf32>) {direction = #npu.rnn_direction<reverse>, hidden_size = 4 : i64, activations = ["Tanh"], activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, clip = 2.0 : f32} : tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32> -> y tensor<5x1x2x4xf32> y_h tensor<1x2x4xf32>
  // CHECK: npu.gru %{{.*}}, %{{.*}}, %{{.*}} {{{.*}}linear_before_reset} : tensor<5x2x3xf32>, tensor<2x12x3xf32>, tensor<2x12x4xf32> -> y_h tensor<2x2x4xf32>
  %1 = npu.gru %x, %w3, %r3 {direction = #npu.rnn_direction<bidirectional>, hidden_size = 4 : i64, activations = ["Sigmoid", "Tanh", "HardSigmoid", "Tanh"], activation_alpha = array<f32: 0.0, 0.0, 0.2, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.5, 0.0>, linear_before_reset} : tensor<5x2x3xf32>, tensor<2x12x3xf32>, tensor<2x12x4xf32> -> y_h tensor<2x2x4xf32>
  // CHECK: npu.lstm %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<1x32xf32>) initial_h(%{{.*}} : tensor<1x2x4xf32>) initial_c(%{{.*}} : tensor<1x2x4xf32>) peepholes(%{{.*}} : tensor<1x12xf32>) {{{.*}}input_forget} : tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32> -> y tensor<5x1x2x4xf32> y_c tensor<1x2x4xf32>
  %2:2 = npu.lstm %x, %w4, %r4 bias(%b4 : tensor<1x32xf32>) initial_h(%h1 : tensor<1x2x4xf32>) initial_c(%h1 : tensor<1x2x4xf32>) peepholes(%p : tensor<1x12xf32>) {direction = #npu.rnn_direction<forward>, hidden_size = 4 : i64, activations = ["Sigmoid", "Tanh", "Tanh"], activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>, input_forget} : tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32> -> y tensor<5x1x2x4xf32> y_c tensor<1x2x4xf32>
  return
}
