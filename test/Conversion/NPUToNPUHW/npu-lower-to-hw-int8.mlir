// RUN: npu-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(npu-lower-to-hw{precision=int8}))' | FileCheck %s

// int8: the input is quantized on a SHAVE with its calibrated range
// ([-1, 1]: scale 2/255, zero point round(-128 + 127.5) = -1 in float), the
// weights are int8 (0.1 / (0.1 / 127) = 127), ReLU is fused on the
// accumulator, and, since only the f32 output reads the result, the task
// writes f16: each channel's requantization word is the f32 value of one
// accumulator unit, (2 / 255) * (0.1 / 127) = 6.1757e-6 (bits 919550170),
// with no output zero point and no dequantize kernel. The input is
// quantized from f32 directly, then its layout change ([1, C, H, W] -> [H,
// W, C]) moves int8 (no f16 conversion: one rounding, as ONNX Runtime's).
// CHECK-LABEL: func.func @conv_relu
// CHECK-NOT: "convert"
// CHECK: %[[Q:.*]] = npuhw.shave "quantize" %arg0 {fparams = array<f32: 0.00784313772>, iparams = array<i64: -1>} : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8x!quant.uniform<i8:f32, 0.0078431377187371254:-1>>
// CHECK: %[[R:.*]] = npu.reshape %[[Q]] : tensor<1x16x8x8x!quant.uniform<{{.*}}>> to tensor<16x8x8x!quant.uniform
// CHECK: %[[T:.*]] = npu.transpose %[[R]] {perm = array<i64: 1, 2, 0>} : (tensor<16x8x8x!quant.uniform<{{.*}}>>) -> tensor<8x8x16x!quant.uniform
// CHECK: npu.constant dense<127> : tensor<16x3x3x16xi8>
// CHECK: npu.constant dense<{{\[}}[0, -1, 919550170, 0], [144, -1, 919550170, 0],
// CHECK: npuhw.dpu_conv conv %[[T]], %{{.*}}, %{{.*}} {activation = #npuhw.activation<relu>, in_zero_point = -1 : i32, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
// CHECK-SAME: (tensor<8x8x16x!quant.uniform<i8:f32, 0.0078431377187371254:-1>>, tensor<16x3x3x16xi8>, tensor<16x4xi32>) -> tensor<8x8x16xf16>
// CHECK-NOT: "dequantize"
// CHECK: npuhw.shave "convert" %{{.*}} : (tensor<1x16x8x8xf16>) -> tensor<1x16x8x8xf32>
func.func @conv_relu(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x3x3xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x8x8xf32>
  %r = npu.relu %c {npu.range = array<f32: 0.0, 4.0>} : tensor<1x16x8x8xf32>
  return %r : tensor<1x16x8x8xf32>
}

// -----

// Two int8 DPU tasks in a row: no quantize / dequantize between them; max
// pooling keeps its input's quantization; the residual add rescales both
// inputs to one accumulator with integer multipliers.
// CHECK-LABEL: func.func @chain
// CHECK-COUNT-1: npuhw.shave "quantize"
// CHECK: %[[C:.*]] = npuhw.dpu_conv conv
// CHECK-NOT: npuhw.shave
// CHECK: %[[P:.*]] = npuhw.dpu_conv max_pool %[[C]] {{.*}}in_zero_point = -128 : i32{{.*}}out_zero_point = -128 : i32
// CHECK: npuhw.dpu_eltwise add %[[P]], %[[P]] {lhs_mult = 16384 : i32, lhs_zero_point = -128 : i32
func.func @chain(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x4x4xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: 0.0, 2.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %p = npu.max_pool %c {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, npu.range = array<f32: 0.0, 2.0>}
      : (tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32>
  %a = npu.add %p, %p {npu.range = array<f32: 0.0, 4.0>} : (tensor<1x16x4x4xf32>, tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32>
  return %a : tensor<1x16x4x4xf32>
}

// -----

// A pre-quantized model's parameters (npu-fold-qdq) take precedence over
// calibrated ranges: the input's scale 0.5 and zero point 3, the conv's
// output 0.25 / -128, and the model's weight scale 0.05 (weights 0.1 are 2,
// not max|w| / 127's 127).
// CHECK-LABEL: func.func @model_params
// CHECK: npuhw.shave "quantize" %{{.*}} {fparams = array<f32: 5.000000e-01>, iparams = array<i64: 3>}
// CHECK: npu.constant dense<2> : tensor<16x1x1x16xi8>
// CHECK: npuhw.dpu_conv conv {{.*}}in_zero_point = 3 : i32{{.*}}out_zero_point = -128 : i32
// CHECK-SAME: -> tensor<8x8x16x!quant.uniform<i8:f32, 2.500000e-01:-128>>
func.func @model_params(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>, npu.quant = array<f32: 0.5, 3.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.quant = array<f32: 0.25, -128.0>, npu.weight_scales = array<f32: 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  return %c : tensor<1x16x8x8xf32>
}

// -----

// An int8 first layer of stride 2 over 3 channels (ResNet's 7x7 stem, here
// on 16x16): one transpose makes the 2x2 space-to-depth blocks
// ([H/2, W/2, 12] padded to 16, SpaceToDepth.h) instead of the [H, W, C]
// layout change, and the DPU runs a 4x4 stride-1 convolution over them
// (16 taps of 16 channels instead of 49): top / left padding 3 (odd) becomes
// 2 blocks, the bottom / right 1. The input is quantized first (3 channels,
// [C, H, W]), from f32 directly (no f16 conversion before it), so the DMA
// moves int8; the 4 padding channels repeat the first input channel at the
// 4 positions of each block (their weights are 0), a slice of the blocks
// before they are seen as 12 channels (code generation copies both
// operands of the concat straight from the quantized input).
// CHECK-LABEL: func.func @stem_space_to_depth
// CHECK-NOT: "convert"
// CHECK: %[[Q:.*]] = npuhw.shave "quantize" %arg0 {{.*}} : (tensor<1x3x16x16xf32>) -> tensor<1x3x16x16x!quant.uniform
// CHECK: npu.reshape %[[Q]] : tensor<1x3x16x16x!quant.uniform<{{.*}}>> to tensor<3x8x2x8x2x!quant.uniform
// CHECK: %[[T:.*]] = npu.transpose %{{.*}} {perm = array<i64: 1, 3, 2, 4, 0>}
// CHECK: %[[B:.*]] = npu.reshape %[[T]] : {{.*}} to tensor<8x8x12x!quant.uniform
// CHECK: %[[S:.*]] = npu.slice %[[T]] {starts = array<i64: 0, 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1, 1>} : tensor<8x8x2x2x3x!quant.uniform<{{.*}}>> to tensor<8x8x2x2x1x!quant.uniform
// CHECK: %[[F:.*]] = npu.reshape %[[S]] : {{.*}} to tensor<8x8x4x!quant.uniform
// CHECK: npu.concat %[[B]], %[[F]] {axis = 2 : i64}
// CHECK: npuhw.dpu_conv conv %{{.*}} {{{.*}}kernel = array<i64: 4, 4>{{.*}}pads = array<i64: 2, 2, 1, 1>, strides = array<i64: 1, 1>}
// CHECK-SAME: tensor<64x4x4x16xi8>
// CHECK-SAME: -> tensor<8x8x64x
func.func @stem_space_to_depth(%x: tensor<1x3x16x16xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x64x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<64x3x7x7xf32>
  %c = npu.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 3, 3, 3, 3>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x3x16x16xf32>, tensor<64x3x7x7xf32>) -> tensor<1x64x8x8xf32>
  return %c : tensor<1x64x8x8xf32>
}

// -----

// Stride 1, or fp16 (npu-lower-to-hw.mlir), keeps the [H, W, 4] input.
// In int8 the input is quantized from f32 first, and its fourth, padding
// channel repeats the first (its weights are 0): no f16 zeros to quantize.
// CHECK-LABEL: func.func @stride1_first_layer
// CHECK-NOT: "convert"
// CHECK-NOT: npu.transpose %{{.*}} {perm = array<i64: 1, 3, 2, 4, 0>}
// CHECK: %[[Q:.*]] = npuhw.shave "quantize" %arg0 {{.*}} : (tensor<1x3x8x8xf32>)
// CHECK: %[[T:.*]] = npu.transpose %{{.*}} {perm = array<i64: 1, 2, 0>} : (tensor<3x8x8x!quant.uniform<{{.*}}>>) -> tensor<8x8x3x!quant.uniform
// CHECK: %[[S:.*]] = npu.slice %[[T]] {{.*}} to tensor<8x8x1x!quant.uniform
// CHECK: npu.concat %[[T]], %[[S]] {axis = 2 : i64}
// CHECK-NOT: "quantize"
// CHECK: npuhw.dpu_conv conv %{{.*}} {{{.*}}kernel = array<i64: 3, 3>{{.*}}strides = array<i64: 1, 1>}
// CHECK-SAME: (tensor<8x8x4x
func.func @stride1_first_layer(%x: tensor<1x3x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x3x3x3xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x8x8xf32>
  return %c : tensor<1x16x8x8xf32>
}

// -----

// A one-channel DPU result (padded to 16 channels) read by elementwise SHAVE
// ops: its padding is sliced off and the sigmoid computes the one real
// channel, not 16. Read only through that slice by SHAVE kernels, the task
// writes f16 and the slice slices f16 (no dequantize).
// CHECK-LABEL: func.func @one_channel_map
// CHECK: %[[C:.*]] = npuhw.dpu_conv conv {{.*}} -> tensor<8x8x16xf16>
// CHECK: %[[S:.*]] = npu.slice %[[C]] {{.*}} to tensor<8x8x1xf16>
// CHECK-NOT: "dequantize"
// CHECK: npuhw.shave "sigmoid" %[[S]] : (tensor<8x8x1xf16>) -> tensor<8x8x1xf16>
func.func @one_channel_map(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x1x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<1x16x3x3xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<1x16x3x3xf32>) -> tensor<1x1x8x8xf32>
  %s = npu.sigmoid %c {npu.range = array<f32: 0.0, 1.0>} : tensor<1x1x8x8xf32>
  return %s : tensor<1x1x8x8xf32>
}

// -----

// In int8 layers a hard-swish's learnable affine block is one hswish kernel
// that rounds to f16 after each step, its constants as f16 (iparams [1]):
// the values of separate hswish, mul and add kernels, bit for bit (rounding
// once cost the real-data OCR accuracy, docs/accuracy.md); fp16 layers
// round once (npu-lower-to-hw.mlir, @hswish_affine).
// CHECK-LABEL: func.func @hswish_affine_int8
// CHECK: npuhw.shave "hswish" %{{.*}} {fparams = array<f32: 5.000000e-01, 2.500000e-01>, iparams = array<i64: 1>} : (tensor<8x8x16xf16>) -> tensor<8x8x16xf16>
// CHECK-NOT: "mul"
// CHECK-NOT: "add"
// CHECK: return
func.func @hswish_affine_int8(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -2.0, 2.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %h = npu.hard_swish %c {npu.range = array<f32: -0.5, 2.0>} : tensor<1x16x8x8xf32>
  %s = npu.constant dense<0.5> : tensor<1xf32>
  %b = npu.constant dense<0.25> : tensor<1xf32>
  %m = npu.mul %h, %s {npu.range = array<f32: -0.25, 1.0>} : (tensor<1x16x8x8xf32>, tensor<1xf32>) -> tensor<1x16x8x8xf32>
  %y = npu.add %m, %b {npu.range = array<f32: 0.0, 1.25>} : (tensor<1x16x8x8xf32>, tensor<1xf32>) -> tensor<1x16x8x8xf32>
  return %y : tensor<1x16x8x8xf32>
}

// -----

// A scale alone: the f16 value of 0.1 the mul kernel would read, and a shift
// of -0, which leaves every value as it is.
// CHECK-LABEL: func.func @hswish_scale_int8
// CHECK: npuhw.shave "hswish" %{{.*}} {fparams = array<f32: 0.0999755859, -0.000000e+00>, iparams = array<i64: 1>}
// CHECK-NOT: "mul"
// CHECK: return
func.func @hswish_scale_int8(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -2.0, 2.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %h = npu.hard_swish %c {npu.range = array<f32: -0.5, 2.0>} : tensor<1x16x8x8xf32>
  %s = npu.constant dense<0.1> : tensor<1xf32>
  %m = npu.mul %h, %s {npu.range = array<f32: -0.05, 0.2>} : (tensor<1x16x8x8xf32>, tensor<1xf32>) -> tensor<1x16x8x8xf32>
  return %m : tensor<1x16x8x8xf32>
}

// -----

// Per-channel constants (npu-equalize-channels makes a block before a
// depthwise convolution so): [x, scale, shift] inputs in the [H, W, C]
// layout, a missing shift as -0 in every channel (inputs of one shape, which
// a kernel split over the SHAVEs cuts alike).
// CHECK-LABEL: func.func @hswish_channel_scale_int8
// CHECK-DAG: %[[S:.*]] = npu.constant dense<{{\[\[\[}}5.000000e-01, 1.000000e+00{{.*}}> : tensor<1x1x16xf16>
// CHECK-DAG: %[[B:.*]] = npu.constant dense<-0.000000e+00> : tensor<1x1x16xf16>
// CHECK: npuhw.shave "hswish" %{{.*}}, %[[S]], %[[B]] {iparams = array<i64: 1>} : (tensor<8x8x16xf16>, tensor<1x1x16xf16>, tensor<1x1x16xf16>) -> tensor<8x8x16xf16>
// CHECK-NOT: "mul"
// CHECK: return
func.func @hswish_channel_scale_int8(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -2.0, 2.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %h = npu.hard_swish %c {npu.range = array<f32: -0.5, 2.0>} : tensor<1x16x8x8xf32>
  %s = npu.constant dense<[[[0.5]], [[1.0]], [[2.0]], [[4.0]], [[0.5]], [[1.0]], [[2.0]], [[4.0]], [[0.5]], [[1.0]], [[2.0]], [[4.0]], [[0.5]], [[1.0]], [[2.0]], [[4.0]]]> : tensor<16x1x1xf32>
  %m = npu.mul %h, %s {npu.range = array<f32: -2.0, 8.0>} : (tensor<1x16x8x8xf32>, tensor<16x1x1xf32>) -> tensor<1x16x8x8xf32>
  return %m : tensor<1x16x8x8xf32>
}

// -----

// A DPU result read by a DPU task and a SHAVE kernel stays int8 (the DPU
// reads it so) and is dequantized for the SHAVE kernel; a DPU result read
// only by SHAVE kernels is written f16 by its task, with no dequantize.
// CHECK-LABEL: func.func @int8_where_a_dpu_task_reads
// CHECK: %[[A:.*]] = npuhw.dpu_conv conv {{.*}} -> tensor<8x8x16x!quant.uniform<i8:f32, 0.031372550874948502:-1>>
// CHECK: %[[D:.*]] = npuhw.shave "dequantize" %[[A]]
// CHECK: npuhw.shave "sigmoid" %{{.*}}
// CHECK: %[[B:.*]] = npuhw.dpu_conv conv %[[A]], {{.*}} -> tensor<8x8x16xf16>
// CHECK-NOT: "dequantize"
// CHECK: npuhw.shave "tanh"
func.func @int8_where_a_dpu_task_reads(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> (tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>) {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %a = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %s = npu.sigmoid %a {npu.range = array<f32: 0.0, 1.0>} : tensor<1x16x8x8xf32>
  %b = npu.conv %a, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -8.0, 8.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %t = npu.tanh %b {npu.range = array<f32: -1.0, 1.0>} : tensor<1x16x8x8xf32>
  return %s, %t : tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>
}

// -----

// openWakeWord's max(leaky_relu(conv), -0.4): the max with a scalar constant
// is a clamp in the PPE, in the output's quantized domain (range [-0.4, 2.15]:
// scale 0.01, zero point -88, so -0.4 is -128), and the next convolution
// reads the int8 result (no SHAVE kernel between). A clamp with a non-zero
// minimum needs a quantized output on NPU3720, so the second task, read by
// a sigmoid, keeps writing int8 (and is dequantized) instead of f16.
// CHECK-LABEL: func.func @max_with_scalar_is_a_clamp
// CHECK: %[[A:.*]] = npuhw.dpu_conv conv {{.*}}activation = #npuhw.activation<leaky_relu>{{.*}}clamp_low = -128 : i32{{.*}}leaky_mult = 13107 : i32, leaky_shift = 16 : i32{{.*}} -> tensor<8x8x16x!quant.uniform<i8:f32, 0.010000000707805157:-88>>
// CHECK-NOT: npuhw.shave "max"
// CHECK: %[[B:.*]] = npuhw.dpu_conv conv %[[A]], {{.*}}clamp_low = -128 : i32{{.*}} -> tensor<8x8x16x!quant.uniform<i8:f32, 0.010000000707805157:-88>>
// CHECK: npuhw.shave "dequantize" %[[B]]
// CHECK: npuhw.shave "sigmoid"
func.func @max_with_scalar_is_a_clamp(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %lim = npu.constant dense<-0.4> : tensor<1x1x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %l = npu.leaky_relu %c {alpha = 0.2 : f32, npu.range = array<f32: -0.8, 2.15>} : tensor<1x16x8x8xf32>
  %m = npu.max %l, %lim {npu.range = array<f32: -0.4, 2.15>} : (tensor<1x16x8x8xf32>, tensor<1x1x1x1xf32>) -> tensor<1x16x8x8xf32>
  %d = npu.conv %m, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %n = npu.max %lim, %d {npu.range = array<f32: -0.4, 2.15>} : (tensor<1x1x1x1xf32>, tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  %s = npu.sigmoid %n {npu.range = array<f32: 0.0, 1.0>} : tensor<1x16x8x8xf32>
  return %s : tensor<1x16x8x8xf32>
}

// -----

// A batch of 2 through conv -> leaky_relu -> max(-0.4) -> conv: each image
// gets its own DPU tasks with the leaky ReLU and the clamp fused (the
// elementwise ops a task fuses are split per image with the convolution),
// and the second convolution of an image reads the first one's int8 result
// directly: no SHAVE kernel, no quantize, no join and re-slice between them.
// The images are joined once, for the graph output. The input is quantized
// once, from f32, before it is split (HoistQuantize.cpp).
// CHECK-LABEL: func.func @batched_chain
// CHECK: npuhw.shave "quantize" %arg0 {{.*}} : (tensor<2x16x8x8xf32>)
// CHECK-NOT: npuhw.shave
// CHECK: %[[A0:.*]] = npuhw.dpu_conv conv {{.*}}activation = #npuhw.activation<leaky_relu>{{.*}}clamp_low = -128
// CHECK-NOT: npuhw.shave
// CHECK: %[[A1:.*]] = npuhw.dpu_conv conv {{.*}}activation = #npuhw.activation<leaky_relu>{{.*}}clamp_low = -128
// CHECK-NOT: npuhw.shave
// CHECK: npuhw.dpu_conv conv %[[A0]],
// CHECK-NOT: npuhw.shave
// CHECK: npuhw.dpu_conv conv %[[A1]],
// CHECK: npu.concat %{{.*}}, %{{.*}} {axis = 0 : i64
// CHECK-NOT: npu.concat
// CHECK: return
func.func @batched_chain(%x: tensor<2x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<2x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %lim = npu.constant dense<-0.4> : tensor<1x1x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<2x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<2x16x8x8xf32>
  %l = npu.leaky_relu %c {alpha = 0.2 : f32, npu.range = array<f32: -0.8, 2.15>} : tensor<2x16x8x8xf32>
  %m = npu.max %l, %lim {npu.range = array<f32: -0.4, 2.15>} : (tensor<2x16x8x8xf32>, tensor<1x1x1x1xf32>) -> tensor<2x16x8x8xf32>
  %d = npu.conv %m, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<2x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<2x16x8x8xf32>
  return %d : tensor<2x16x8x8xf32>
}

// -----

// A residual add of two batched tensors (ResNet at batch 2): one DPU
// eltwise task per image, with its ReLU, reading each image's int8 results
// of the convolutions before it, and the next convolution reading the
// add's: no SHAVE kernel between them (found by a fresh user: the add ran
// batched on SHAVE and batch 2 cost 3x batch 1).
// CHECK-LABEL: func.func @batched_residual
// CHECK: npuhw.shave "quantize" %arg0 {{.*}} : (tensor<2x16x8x8xf32>)
// CHECK-NOT: npuhw.shave
// CHECK-COUNT-2: npuhw.dpu_conv conv
// CHECK-NOT: npuhw.shave
// CHECK: %[[E0:.*]] = npuhw.dpu_eltwise add {{.*}}activation = #npuhw.activation<relu>
// CHECK-NOT: npuhw.shave
// CHECK: %[[E1:.*]] = npuhw.dpu_eltwise add {{.*}}activation = #npuhw.activation<relu>
// CHECK-NOT: npuhw.shave
// CHECK: npuhw.dpu_conv conv %[[E0]],
// CHECK-NOT: npuhw.shave
// CHECK: npuhw.dpu_conv conv %[[E1]],
// CHECK: npu.concat %{{.*}}, %{{.*}} {axis = 0 : i64
// CHECK: return
func.func @batched_residual(%x: tensor<2x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<2x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<2x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<2x16x8x8xf32>
  %a = npu.add %c, %x {npu.range = array<f32: -5.0, 5.0>} : (tensor<2x16x8x8xf32>, tensor<2x16x8x8xf32>) -> tensor<2x16x8x8xf32>
  %r = npu.relu %a {npu.range = array<f32: 0.0, 5.0>} : tensor<2x16x8x8xf32>
  %d = npu.conv %r, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<2x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<2x16x8x8xf32>
  return %d : tensor<2x16x8x8xf32>
}

// -----

// min(x, -0.5) then max(x, 0.5) is 0.5 everywhere; the PPE's one clamp,
// min(max(v, 0.5), -0.5), would be -0.5: only the min is fused, the max
// stays a SHAVE kernel.
// CHECK-LABEL: func.func @crossed_bounds
// CHECK: npuhw.dpu_conv conv {{.*}}clamp_high
// CHECK: npuhw.shave "max"
func.func @crossed_bounds(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %lo = npu.constant dense<0.5> : tensor<1x1x1x1xf32>
  %hi = npu.constant dense<-0.5> : tensor<1x1x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %n = npu.min %c, %hi {npu.range = array<f32: -4.0, -0.5>} : (tensor<1x16x8x8xf32>, tensor<1x1x1x1xf32>) -> tensor<1x16x8x8xf32>
  %m = npu.max %n, %lo {npu.range = array<f32: 0.0, 0.5>} : (tensor<1x16x8x8xf32>, tensor<1x1x1x1xf32>) -> tensor<1x16x8x8xf32>
  return %m : tensor<1x16x8x8xf32>
}

// -----

// int8 nearest upsampling whose result quantizes as its input does (the
// same calibrated range, as nearest copies values): the int8 codes
// themselves are repeated in the [H, W, C] layout, with no dequantize,
// resize or quantize kernel; the next convolution reads them.
// CHECK-LABEL: func.func @upsample_int8
// CHECK: %[[C:.*]] = npuhw.dpu_conv conv {{.*}} -> tensor<4x4x16x!quant.uniform<i8:f32, 0.031372{{[0-9]*}}:-128>>
// CHECK-NOT: npuhw.shave
// CHECK: %[[V:.*]] = npu.reshape %[[C]] : tensor<4x4x16x!quant.uniform<i8:f32, 0.031372{{[0-9]*}}:-128>> to tensor<4x1x4x1x16x!quant.uniform<i8:f32, 0.031372{{[0-9]*}}:-128>>
// CHECK: npu.concat %[[V]], %[[V]] {axis = 3 : i64}
// CHECK: npu.concat %{{.*}}, %{{.*}} {axis = 1 : i64}
// CHECK: %[[U:.*]] = npu.reshape %{{.*}} to tensor<8x8x16x!quant.uniform<i8:f32, 0.031372{{[0-9]*}}:-128>>
// CHECK-NOT: npuhw.shave "quantize"
// CHECK: npuhw.dpu_conv conv %[[U]]
func.func @upsample_int8(%x: tensor<1x16x4x4xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: 0.0, 8.0>}
      : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x4x4xf32>
  %u = npu.resize %c {mode = #npu.resize_mode<nearest>, coordinate_transformation_mode = #npu.coord_mode<asymmetric>, nearest_mode = #npu.nearest_mode<floor>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>, npu.range = array<f32: 0.0, 8.0>} : tensor<1x16x4x4xf32> to tensor<1x16x8x8xf32>
  %d = npu.conv %u, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  return %d : tensor<1x16x8x8xf32>
}

// -----

// LeakyReLU slopes of 0.5 and more in magnitude: the PPE's signed 16-bit
// multiplier takes a smaller shift (0.5 = 16384 / 2^15, 2.5 = 20480 / 2^13,
// -1 = -32768 / 2^15); a slope no shift fits (|alpha| >= 32767.5) is not
// fused and runs as a SHAVE kernel.
// CHECK-LABEL: func.func @leaky_slopes
// CHECK: npuhw.dpu_conv conv {{.*}}activation = #npuhw.activation<leaky_relu>{{.*}}leaky_mult = 16384 : i32, leaky_shift = 15 : i32
// CHECK: npuhw.dpu_conv conv {{.*}}activation = #npuhw.activation<leaky_relu>{{.*}}leaky_mult = 20480 : i32, leaky_shift = 13 : i32
// CHECK: npuhw.dpu_conv conv {{.*}}activation = #npuhw.activation<leaky_relu>{{.*}}leaky_mult = -32768 : i32, leaky_shift = 15 : i32
// CHECK: %[[D:.*]] = npuhw.dpu_conv conv
// CHECK-NOT: activation
// CHECK-SAME: -> tensor<8x8x16xf16>
// CHECK: npuhw.shave "leaky_relu" %[[D]] {fparams = array<f32: 4.000000e+04>}
func.func @leaky_slopes(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %l = npu.leaky_relu %c {alpha = 0.5 : f32, npu.range = array<f32: -2.0, 4.0>} : tensor<1x16x8x8xf32>
  %d = npu.conv %l, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %m = npu.leaky_relu %d {alpha = 2.5 : f32, npu.range = array<f32: -10.0, 4.0>} : tensor<1x16x8x8xf32>
  %e = npu.conv %m, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %n = npu.leaky_relu %e {alpha = -1.0 : f32, npu.range = array<f32: 0.0, 4.0>} : tensor<1x16x8x8xf32>
  %f = npu.conv %n, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %o = npu.leaky_relu %f {alpha = 40000.0 : f32, npu.range = array<f32: -160000.0, 4.0>} : tensor<1x16x8x8xf32>
  return %o : tensor<1x16x8x8xf32>
}

// -----

// A sigmoid alone after a polyphase transposed convolution (4x4, stride 2,
// pad 1) runs on the phases before the interleave and crop; the int8 task
// then writes f16 for it (its only reader was the dequantize), so its
// logits are never rounded to the int8 grid. A sigmoid in an fp32 island
// stays where it is.
// CHECK-LABEL: func.func @transposed_conv_then_sigmoid
// CHECK: %[[Y:.*]] = npuhw.dpu_conv conv {{.*}} -> tensor<5x5x64xf16>
// CHECK-NEXT: %[[S:.*]] = npuhw.shave "sigmoid" %[[Y]] : (tensor<5x5x64xf16>) -> tensor<5x5x64xf16>
// CHECK-NEXT: npu.reshape %[[S]]
func.func @transposed_conv_then_sigmoid(%x: tensor<1x16x4x4xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.125> : tensor<16x16x4x4xf32>
  %a = npu.conv_transpose %x, %w {dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, npu.range = array<f32: -4.0, 4.0>} : (tensor<1x16x4x4xf32>, tensor<16x16x4x4xf32>) -> tensor<1x16x8x8xf32>
  %t = npu.sigmoid %a {npu.range = array<f32: 0.0, 1.0>} : tensor<1x16x8x8xf32>
  return %t : tensor<1x16x8x8xf32>
}

// CHECK-LABEL: func.func @transposed_conv_then_fp32_sigmoid
// CHECK: npuhw.dpu_conv conv {{.*}} -> tensor<5x5x64x!quant
// CHECK-NOT: npuhw.shave "sigmoid" %{{.*}} : (tensor<5x5x64
// CHECK: npuhw.shave "sigmoid" {{.*}} : (tensor<{{.*}}xf32>) -> tensor<{{.*}}xf32>
func.func @transposed_conv_then_fp32_sigmoid(%x: tensor<1x16x4x4xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.125> : tensor<16x16x4x4xf32>
  %a = npu.conv_transpose %x, %w {dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, npu.range = array<f32: -4.0, 4.0>} : (tensor<1x16x4x4xf32>, tensor<16x16x4x4xf32>) -> tensor<1x16x8x8xf32>
  %t = npu.sigmoid %a {npu.fp32, npu.range = array<f32: 0.0, 1.0>} : tensor<1x16x8x8xf32>
  return %t : tensor<1x16x8x8xf32>
}

// -----

// An activation between two int8 DPU tasks, which the lowering runs as
// dequantize -> f16 kernel -> quantize, is one `lut` kernel where the
// target's cycle model charges the table less (LookupTables.cpp): the
// first task keeps its int8 result and the table holds the chain's result
// for each of the 256 codes, at index code + 128 (gelu of 0 is 0: code
// -1, the zero point of the input's range [-4, 4], maps to the output's
// zero point, -64 = 0xC0 for [-0.2, 0.6], as does code -128, gelu(-4)
// rounding to 0). A hardswish, cheaper per element in f16, stays a kernel
// and the task before it writes f16. Without a target (the cases above)
// nothing is looked up.
// CHECK-LABEL: func.func @activation_tables
// CHECK: %[[A:.*]] = npuhw.dpu_conv conv {{.*}} -> tensor<8x8x16x!quant.uniform<i8:f32, 0.031372550874948502:-1>>
// CHECK: %[[T:.*]] = npu.constant dense<"0xC0{{(([0-9A-F][0-9A-F]){126})}}C0{{(([0-9A-F][0-9A-F]){128})}}"> : tensor<256xi8>
// CHECK: %[[G:.*]] = npuhw.shave "lut" %[[A]], %[[T]] : (tensor<8x8x16x!quant.uniform<i8:f32, 0.031372550874948502:-1>>, tensor<256xi8>) -> tensor<8x8x16x!quant.uniform<i8:f32, 0.0031372548546642065:-64>>
// CHECK-NOT: "gelu"
// CHECK: npuhw.dpu_conv conv %[[G]]
// CHECK-SAME: -> tensor<8x8x16xf16>
// CHECK: npuhw.shave "hswish"
// CHECK-NOT: "lut"
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @activation_tables(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x8x8xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %a = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %g = npu.gelu %a {npu.range = array<f32: -0.2, 0.6>} : tensor<1x16x8x8xf32>
  %b = npu.conv %g, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %h = npu.hard_swish %b {npu.range = array<f32: -0.4, 4.0>} : tensor<1x16x8x8xf32>
  %c = npu.conv %h, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  return %c : tensor<1x16x8x8xf32>
}
}

// -----

// The activation's result is also a graph output (through the layout change
// back to NCHW and a conversion): the lookup is made all the same, and the
// output is the f16 kernel on the same int8 input (a debug build exposing
// the tensor computes what the real one does).
// CHECK-LABEL: func.func @table_and_output
// CHECK: %[[A:.*]] = npuhw.dpu_conv conv {{.*}} -> tensor<8x8x16x!quant.uniform<i8:f32, 0.031372550874948502:-1>>
// CHECK-DAG: npuhw.shave "lut" %[[A]]
// CHECK-DAG: %[[D:.*]] = npuhw.shave "dequantize" %[[A]]
// CHECK-DAG: npuhw.shave "gelu" %[[D]]
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @table_and_output(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> (tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>) {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %a = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %g = npu.gelu %a {npu.range = array<f32: -0.2, 0.6>} : tensor<1x16x8x8xf32>
  %b = npu.conv %g, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1, npu.range = array<f32: -4.0, 4.0>}
      : (tensor<1x16x8x8xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  return %g, %b : tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>
}
}

// -----

// A matmul over the channels of [1, H, W, C] (ConvNeXt's MLP after its
// transpose to NHWC) is a 1x1 convolution of [H, W, C] with reshapes
// around it: the lookup looks through the reshapes between the
// dequantize, the activation and the quantize.
// CHECK-LABEL: func.func @table_through_reshapes
// CHECK: %[[A:.*]] = npuhw.dpu_conv conv {{.*}} -> tensor<8x8x16x!quant.uniform<i8:f32, 0.031372550874948502:-1>>
// CHECK: npuhw.shave "lut" %[[A]], {{.*}} : (tensor<8x8x16x!quant.uniform<i8:f32, 0.031372550874948502:-1>>, tensor<256xi8>) -> tensor<8x8x16x!quant.uniform<i8:f32, 0.0031372548546642065:-64>>
// CHECK-NOT: "gelu"
// CHECK-NOT: "quantize"
// CHECK: return
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @table_through_reshapes(%x: tensor<1x8x8x16xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x8x8x16xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16xf32>
  %a = npu.matmul %x, %w {npu.range = array<f32: -4.0, 4.0>} : (tensor<1x8x8x16xf32>, tensor<16x16xf32>) -> tensor<1x8x8x16xf32>
  %g = npu.gelu %a {npu.range = array<f32: -0.2, 0.6>} : tensor<1x8x8x16xf32>
  %b = npu.matmul %g, %w {npu.range = array<f32: -4.0, 4.0>} : (tensor<1x8x8x16xf32>, tensor<16x16xf32>) -> tensor<1x8x8x16xf32>
  return %b : tensor<1x8x8x16xf32>
}
}

// -----

// A gated 1-d convolution (tanh times the input) then a grouped one: the
// lowering quantizes the grouped convolution's input after its layout
// change to [1, L, C] and per group (4 channel slices); each quantize moves
// before the views onto the multiply's result, and the four become one,
// right after the multiply (in its SHAVE chain). The views move int8.
// CHECK-LABEL: func.func @quantize_before_views
// CHECK: npuhw.shave "quantize" %arg0
// CHECK: %[[M:.*]] = npuhw.shave "mul"
// CHECK-NEXT: %[[Q:.*]] = npuhw.shave "quantize" %[[M]] {{.*}} : (tensor<1x16x64xf16>) -> tensor<1x16x64x!quant.uniform
// CHECK-NEXT: %[[R:.*]] = npu.reshape %[[Q]] : tensor<1x16x64x!quant.uniform
// CHECK-NEXT: %[[T:.*]] = npu.transpose %[[R]] {{.*}} -> tensor<1x64x16x!quant.uniform
// CHECK-NEXT: npu.slice %[[T]] {starts = array<i64: 0, 0, 0>
// CHECK-NOT: "quantize"
// CHECK: npu.slice %[[T]] {starts = array<i64: 0, 0, 4>
// CHECK-NOT: "quantize"
// CHECK: npu.slice %[[T]] {starts = array<i64: 0, 0, 8>
// CHECK-NOT: "quantize"
// CHECK: npu.slice %[[T]] {starts = array<i64: 0, 0, 12>
// CHECK-NOT: "quantize"
// CHECK: return
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @quantize_before_views(%x: tensor<1x16x64xf32> {npu.range = array<f32: -4.0, 4.0>}) -> tensor<1x16x64xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x3xf32>
  %b = npu.constant dense<0.0> : tensor<16xf32>
  %c = npu.conv %x, %w, %b {dilations = array<i64: 1>, npu.range = array<f32: -4.0, 4.0>, pads = array<i64: 2, 0>, strides = array<i64: 1>} : (tensor<1x16x64xf32>, tensor<16x16x3xf32>, tensor<16xf32>) -> tensor<1x16x64xf32>
  %t = npu.tanh %c {npu.range = array<f32: -1.0, 1.0>} : tensor<1x16x64xf32>
  %m = npu.mul %t, %x {npu.range = array<f32: -4.0, 4.0>} : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %w2 = npu.constant dense<0.1> : tensor<16x4x5xf32>
  %g = npu.conv %m, %w2 {dilations = array<i64: 1>, group = 4 : i64, npu.range = array<f32: -4.0, 4.0>, pads = array<i64: 2, 2>, strides = array<i64: 1>} : (tensor<1x16x64xf32>, tensor<16x4x5xf32>) -> tensor<1x16x64xf32>
  return %g : tensor<1x16x64xf32>
}
}

// -----

// A global average pool flattened for a matmul, both results of the same
// range: the quantize of the flattened f16 value would read the pool's
// dequantized int8 result through the layout change and the reshapes with
// the same parameters; the matmul reads the pool's int8 codes through
// those views instead, and the pool keeps writing int8.
// CHECK-LABEL: func.func @round_trip_through_views
// CHECK: %[[P:.*]] = npuhw.dpu_conv avg_pool {{.*}} -> tensor<1x1x16x!quant.uniform<i8:f32, 0.015686275437474251:-1>>
// CHECK-NOT: npuhw.shave
// CHECK: npu.transpose %[[P]]
// CHECK-NOT: npuhw.shave
// CHECK: npuhw.dpu_conv conv
// CHECK: npuhw.shave "convert"
// CHECK-NEXT: return
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @round_trip_through_views(%x: tensor<1x16x4x4xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {dilations = array<i64: 1, 1>, npu.range = array<f32: -2.0, 2.0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x4x4xf32>
  %p = npu.global_avg_pool %c {npu.range = array<f32: -2.0, 2.0>} : (tensor<1x16x4x4xf32>) -> tensor<1x16x1x1xf32>
  %r = npu.reshape %p {npu.range = array<f32: -2.0, 2.0>} : tensor<1x16x1x1xf32> to tensor<1x16xf32>
  %w2 = npu.constant dense<0.1> : tensor<16x16xf32>
  %m = npu.matmul %r, %w2 {npu.range = array<f32: -4.0, 4.0>} : (tensor<1x16xf32>, tensor<16x16xf32>) -> tensor<1x16xf32>
  return %m : tensor<1x16xf32>
}
}

// -----

// A global max pool flattened for a matmul that reads it with its own,
// narrower calibrated range ([-1, 1.5]: scale 2.5 / 255, zero point -26):
// the pool keeps its input's quantization ([-2, 2]), so its result would be
// dequantized and quantized again on a SHAVE; instead the PPE requantizes,
// 0.0156863 / 0.0098039 = 1.6 as 52429 / 2^15, and the matmul reads the
// pool's int8 codes with the matmul's parameters through the views.
// CHECK-LABEL: func.func @requantize_in_pool
// CHECK: %[[P:.*]] = npuhw.dpu_conv max_pool {{.*}}mult = 52429 : i32, out_zero_point = -26 : i32{{.*}}shift = 15 : i32
// CHECK-SAME: -> tensor<1x1x16x!quant.uniform<i8:f32, 0.0098039219{{[0-9]*}}:-26>>
// CHECK-NOT: npuhw.shave
// CHECK: npu.transpose %[[P]]
// CHECK-NOT: npuhw.shave
// CHECK: npuhw.dpu_conv conv {{.*}}in_zero_point = -26 : i32
// CHECK: npuhw.shave "convert"
// CHECK-NEXT: return
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @requantize_in_pool(%x: tensor<1x16x4x4xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16xf32> {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {dilations = array<i64: 1, 1>, npu.range = array<f32: -2.0, 2.0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x4x4xf32>
  %p = npu.global_max_pool %c {npu.range = array<f32: -1.0, 1.5>} : (tensor<1x16x4x4xf32>) -> tensor<1x16x1x1xf32>
  %r = npu.reshape %p {npu.range = array<f32: -1.0, 1.5>} : tensor<1x16x1x1xf32> to tensor<1x16xf32>
  %w2 = npu.constant dense<0.1> : tensor<16x16xf32>
  %m = npu.matmul %r, %w2 {npu.range = array<f32: -4.0, 4.0>} : (tensor<1x16xf32>, tensor<16x16xf32>) -> tensor<1x16xf32>
  return %m : tensor<1x16xf32>
}
}

// -----

// A concatenation of a constant (a causal convolution's zero padding) and a
// SHAVE op's result that another convolution reads too, quantized with the
// same parameters: quantize(concat(zeros, s)) becomes concat(quantize(zeros),
// quantize(s)), and the quantize of s is the one the other convolution
// reads (right after the sigmoid: they chain), so the concatenation moves
// int8 and no quantize runs after it.
// CHECK-LABEL: func.func @quantized_concat
// CHECK: %[[S:.*]] = npuhw.shave "sigmoid"
// CHECK-NEXT: %[[QS:.*]] = npuhw.shave "quantize" %[[S]]
// CHECK: %[[Z:.*]] = npu.constant dense<0.000000e+00> : tensor<1x16x1x8xf16>
// CHECK-NEXT: %[[QZ:.*]] = npuhw.shave "quantize" %[[Z]]
// CHECK-NEXT: npu.concat %[[QZ]], %{{.*}} {axis = 3 : i64} : (tensor<1x16x1x8x!quant.uniform<i8:f32, 0.0039215688593685627:-128>>, tensor<1x16x1x32x!quant.uniform<i8:f32, 0.0039215688593685627:-128>>)
// CHECK-NOT: npuhw.shave "quantize"
// CHECK: npuhw.dpu_conv conv %[[QS]]
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @quantized_concat(%x: tensor<1x16x1x32xf32> {npu.range = array<f32: -1.0, 1.0>}) -> (tensor<1x16x1x32xf32>, tensor<1x16x1x32xf32>) {
  %w = npu.constant dense<0.1> : tensor<16x16x1x1xf32>
  %c = npu.conv %x, %w {dilations = array<i64: 1, 1>, npu.range = array<f32: -2.0, 2.0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x16x1x32xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x1x32xf32>
  %s = npu.sigmoid %c {npu.range = array<f32: 0.0, 1.0>} : tensor<1x16x1x32xf32>
  %z = npu.constant dense<0.0> : tensor<1x16x1x8xf32>
  %p = npu.concat %z, %s {axis = 3 : i64, npu.range = array<f32: 0.0, 1.0>} : (tensor<1x16x1x8xf32>, tensor<1x16x1x32xf32>) -> tensor<1x16x1x40xf32>
  %w2 = npu.constant dense<0.1> : tensor<16x16x1x9xf32>
  %a = npu.conv %p, %w2 {dilations = array<i64: 1, 1>, npu.range = array<f32: -2.0, 2.0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x16x1x40xf32>, tensor<16x16x1x9xf32>) -> tensor<1x16x1x32xf32>
  %b = npu.conv %s, %w {dilations = array<i64: 1, 1>, npu.range = array<f32: -2.0, 2.0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x16x1x32xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x1x32xf32>
  return %a, %b : tensor<1x16x1x32xf32>, tensor<1x16x1x32xf32>
}
}

// -----

// A grouped convolution of 4 channels per group as the graph's output: its
// groups' DPU tasks, concatenated, were dequantized together; the
// dequantize is split over the concatenation's operands, so each task
// writes f16 and no dequantize kernel runs.
// CHECK-LABEL: func.func @dequantized_concat
// CHECK-COUNT-4: npuhw.dpu_conv conv {{.*}} -> tensor<1x32x16xf16>
// CHECK: npu.concat {{.*}} -> tensor<1x32x16xf16>
// CHECK-NOT: "dequantize"
// CHECK: npuhw.shave "convert"
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @dequantized_concat(%x: tensor<1x16x1x32xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x1x32xf32> {
  %w = npu.constant dense<0.1> : tensor<16x4x1x3xf32>
  %c = npu.conv %x, %w {dilations = array<i64: 1, 1>, group = 4 : i64, npu.range = array<f32: -2.0, 2.0>, pads = array<i64: 0, 1, 0, 1>, strides = array<i64: 1, 1>} : (tensor<1x16x1x32xf32>, tensor<16x4x1x3xf32>) -> tensor<1x16x1x32xf32>
  return %c : tensor<1x16x1x32xf32>
}
}

// -----

// A transposed convolution's 8 real channels (its phases interleaved, in
// int8) read by a convolution over 16: padded in int8 by repeating the 8
// channels (the convolution's weights for channels 8-15 are 0), not
// dequantized, padded with zeros and quantized again.
// CHECK-LABEL: func.func @int8_channel_padding
// CHECK: %[[S:.*]] = npu.slice {{.*}} to tensor<16x16x8x!quant.uniform
// CHECK-NEXT: %[[P:.*]] = npu.concat %[[S]], %[[S]] {axis = 2 : i64}
// CHECK-NOT: npuhw.shave
// CHECK: npuhw.dpu_conv conv %[[P]]
module attributes {npu.target = #npu.target<NPU3720>} {
func.func @int8_channel_padding(%x: tensor<1x16x8x8xf32> {npu.range = array<f32: -1.0, 1.0>}) -> tensor<1x16x16x16xf32> {
  %w = npu.constant dense<0.1> : tensor<16x8x3x3xf32>
  %b = npu.constant dense<0.0> : tensor<8xf32>
  %t = npu.conv_transpose %x, %w, %b {dilations = array<i64: 1, 1>, npu.range = array<f32: -2.0, 2.0>, output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x16x8x8xf32>, tensor<16x8x3x3xf32>, tensor<8xf32>) -> tensor<1x8x16x16xf32>
  %w2 = npu.constant dense<0.1> : tensor<16x8x3x3xf32>
  %c = npu.conv %t, %w2 {dilations = array<i64: 1, 1>, npu.range = array<f32: -4.0, 4.0>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x8x16x16xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x16x16xf32>
  return %c : tensor<1x16x16x16xf32>
}
}
