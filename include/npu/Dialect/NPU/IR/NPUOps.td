//===- NPUOps.td - Ops of the npu dialect ------------------*- tablegen -*-===//
//
// Conventions shared by all ops:
//  - tensors are row-major, NCHW for images; spatial attributes (strides,
//    dilations, kernel_shape) have one entry per spatial dimension;
//  - `pads` lists the begin paddings of every padded dimension, then the end
//    paddings (ONNX order: [x1_begin, x2_begin, ..., x1_end, x2_end, ...]);
//  - axes are non-negative (the importer normalises negative ONNX axes).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPU_IR_NPUOPS_TD
#define NPU_DIALECT_NPU_IR_NPUOPS_TD

include "npu/Dialect/NPU/IR/NPUBase.td"

//===----------------------------------------------------------------------===//
// Constants and structure
//===----------------------------------------------------------------------===//

def NPU_ConstantOp : NPU_Op<"constant",
    [ConstantLike, AllTypesMatch<["value", "output"]>]> {
  let summary = "a constant tensor";
  let description = [{
    Produces the tensor held by its `value` attribute: initializers, ONNX
    `Constant` nodes and folded subexpressions all become `npu.constant`.
    Large weights may use `dense_resource` blobs.

    ```mlir
    %w = npu.constant dense<1.0> : tensor<16x3x3x3xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def NPU_IdentityOp : NPU_UnaryOp<"identity", "x", [], (ins),
    "Imported from ONNX `Identity` and inference-mode `Dropout`; folded away.">
{
  let hasFolder = 1;
}

def NPU_IfOp : Op<NPU_Dialect, "if", [RecursiveMemoryEffects, NoRegionArguments]> {
  let summary = "graph-level conditional";
  let description = [{
    Runs `then` when the scalar (or one-element) `i1` condition is true,
    `else` otherwise; each region ends in `npu.yield` of values whose types
    equal the results'. When the condition folds to a constant the op is
    replaced by the taken region (canonicalization).

    ```mlir
    %r = npu.if %c : tensor<i1> -> tensor<4xf32> {
      npu.yield %a : tensor<4xf32>
    } else {
      npu.yield %b : tensor<4xf32>
    }
    ```
  }];
  let arguments = (ins NPU_BoolTensor:$condition);
  let results = (outs Variadic<NPU_Tensor>:$results);
  let regions = (region SizedRegion<1>:$thenRegion, SizedRegion<1>:$elseRegion);
  let assemblyFormat = [{
    $condition `:` type($condition) (`->` type($results)^)? $thenRegion `else`
    $elseRegion attr-dict
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def NPU_YieldOp : NPU_Op<"yield", [Terminator, ReturnLike, HasParent<"IfOp">]> {
  let summary = "terminator of npu.if regions";
  let description = [{
    Returns the values of an `npu.if` branch.

    ```mlir
    npu.yield %a : tensor<4xf32>
    ```
  }];
  let arguments = (ins Variadic<NPU_Tensor>:$operands);
  let assemblyFormat = "attr-dict ($operands^ `:` type($operands))?";
  let builders = [OpBuilder<(ins), [{ /* nothing to yield */ }]>];
}

//===----------------------------------------------------------------------===//
// Elementwise unary
//===----------------------------------------------------------------------===//

def NPU_ReluOp : NPU_UnaryOp<"relu", "max(x, 0)">;
def NPU_SigmoidOp : NPU_UnaryOp<"sigmoid", "1 / (1 + exp(-x))">;
def NPU_TanhOp : NPU_UnaryOp<"tanh", "tanh(x)">;
def NPU_ExpOp : NPU_UnaryOp<"exp", "exp(x)">;
def NPU_LogOp : NPU_UnaryOp<"log", "log(x)">;
def NPU_SqrtOp : NPU_UnaryOp<"sqrt", "sqrt(x)">;
def NPU_AbsOp : NPU_UnaryOp<"abs", "|x|">;
def NPU_NegOp : NPU_UnaryOp<"neg", "-x">;
def NPU_ErfOp : NPU_UnaryOp<"erf", "erf(x)">;
def NPU_ReciprocalOp : NPU_UnaryOp<"reciprocal", "1 / x">;
def NPU_FloorOp : NPU_UnaryOp<"floor", "floor(x)">;
def NPU_CeilOp : NPU_UnaryOp<"ceil", "ceil(x)">;
def NPU_RoundOp : NPU_UnaryOp<"round", "round half to even(x)">;
def NPU_SignOp : NPU_UnaryOp<"sign", "sign(x) in {-1, 0, 1}">;
def NPU_SinOp : NPU_UnaryOp<"sin", "sin(x)">;
def NPU_CosOp : NPU_UnaryOp<"cos", "cos(x)">;
def NPU_TanOp : NPU_UnaryOp<"tan", "tan(x)">;
def NPU_AsinOp : NPU_UnaryOp<"asin", "asin(x)">;
def NPU_AcosOp : NPU_UnaryOp<"acos", "acos(x)">;
def NPU_AtanOp : NPU_UnaryOp<"atan", "atan(x)">;
def NPU_SinhOp : NPU_UnaryOp<"sinh", "sinh(x)">;
def NPU_CoshOp : NPU_UnaryOp<"cosh", "cosh(x)">;
def NPU_AsinhOp : NPU_UnaryOp<"asinh", "asinh(x)">;
def NPU_AcoshOp : NPU_UnaryOp<"acosh", "acosh(x)">;
def NPU_AtanhOp : NPU_UnaryOp<"atanh", "atanh(x)">;
def NPU_SoftplusOp : NPU_UnaryOp<"softplus", "log(1 + exp(x))">;
def NPU_SoftsignOp : NPU_UnaryOp<"softsign", "x / (1 + |x|)">;
def NPU_HardSwishOp : NPU_UnaryOp<"hard_swish", "x * max(0, min(1, x / 6 + 1 / 2))">;
def NPU_NotOp : NPU_UnaryOp<"not", "logical not (i1)">;

def NPU_LeakyReluOp : NPU_UnaryOp<"leaky_relu", "x >= 0 ? x : alpha * x", [],
    (ins DefaultValuedAttr<F32Attr, "0.01">:$alpha)>;
def NPU_EluOp : NPU_UnaryOp<"elu", "x >= 0 ? x : alpha * (exp(x) - 1)", [],
    (ins DefaultValuedAttr<F32Attr, "1.0">:$alpha)>;
def NPU_CeluOp : NPU_UnaryOp<"celu",
    "max(0, x) + min(0, alpha * (exp(x / alpha) - 1))", [],
    (ins DefaultValuedAttr<F32Attr, "1.0">:$alpha)>;
def NPU_SeluOp : NPU_UnaryOp<"selu",
    "gamma * (x > 0 ? x : alpha * (exp(x) - 1))", [],
    (ins DefaultValuedAttr<F32Attr, "1.67326319217681884765625">:$alpha,
         DefaultValuedAttr<F32Attr, "1.05070102214813232421875">:$gamma)>;
def NPU_ThresholdedReluOp : NPU_UnaryOp<"thresholded_relu",
    "x > alpha ? x : 0", [], (ins DefaultValuedAttr<F32Attr, "1.0">:$alpha)>;
def NPU_HardSigmoidOp : NPU_UnaryOp<"hard_sigmoid",
    "max(0, min(1, alpha * x + beta))", [],
    (ins DefaultValuedAttr<F32Attr, "0.2">:$alpha,
         DefaultValuedAttr<F32Attr, "0.5">:$beta)>;
def NPU_ShrinkOp : NPU_UnaryOp<"shrink",
    "x < -lambd ? x + bias : (x > lambd ? x - bias : 0)", [],
    (ins DefaultValuedAttr<F32Attr, "0.0">:$bias,
         DefaultValuedAttr<F32Attr, "0.5">:$lambd)>;
def NPU_GeluOp : NPU_UnaryOp<"gelu", "x * Phi(x)", [],
    (ins DefaultValuedAttr<NPU_GeluApproxAttr,
         "::npu::GeluApproximation::none">:$approximate),
    "`approximate = tanh` uses 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).">;
def NPU_ClipOp : NPU_UnaryOp<"clip", "min(max(x, min), max)", [],
    (ins OptionalAttr<NPU_ScalarAttr>:$min, OptionalAttr<NPU_ScalarAttr>:$max),
    "A missing bound is unbounded. Bounds are f64 for a float tensor and "
    "integers of the element type for an integer tensor (`min = "
    "9007199254740993 : i64`), never rounded."> {
  let hasVerifier = 1;
}

def NPU_IsNaNOp : NPU_Op<"is_nan", [InferTypeOpAdaptor]> {
  let summary = "elementwise NaN test";
  let description = [{
    `i1` tensor, true where the float input is NaN.

    ```mlir
    %m = npu.is_nan %x : (tensor<4xf32>) -> tensor<4xi1>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input);
  let results = (outs NPU_BoolTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def NPU_IsInfOp : NPU_Op<"is_inf", [InferTypeOpAdaptor]> {
  let summary = "elementwise infinity test";
  let description = [{
    `i1` tensor, true where the float input is +inf (when `detect_positive`)
    or -inf (when `detect_negative`).

    ```mlir
    %m = npu.is_inf %x : (tensor<4xf32>) -> tensor<4xi1>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input,
                   DefaultValuedAttr<BoolAttr, "true">:$detect_negative,
                   DefaultValuedAttr<BoolAttr, "true">:$detect_positive);
  let results = (outs NPU_BoolTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def NPU_CastOp : NPU_Op<"cast"> {
  let summary = "element type conversion";
  let description = [{
    Converts every element to the result's element type: float to integer
    truncates toward zero and saturates, integer to integer wraps, anything to
    `i1` is `x != 0`, float narrowing rounds to nearest even. The shape is
    kept.

    ```mlir
    %y = npu.cast %x : tensor<2x3xf32> to tensor<2x3xi64>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// True when the input's and the result's element types are each f16
    /// or f32: in the back end's float domain the result holds the input's
    /// tensor (npu-widen-float16's casts at a float16 model's inputs and
    /// outputs); the device moves nothing for it.
    bool isHalfSingleConversion();
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise binary (broadcasting) and ternary
//===----------------------------------------------------------------------===//

def NPU_AddOp : NPU_BinaryOp<"add", "x + y", 0, [Commutative]>;
def NPU_SubOp : NPU_BinaryOp<"sub", "x - y">;
def NPU_MulOp : NPU_BinaryOp<"mul", "x * y", 0, [Commutative]>;
def NPU_DivOp : NPU_BinaryOp<"div", "x / y", 0, [], (ins),
    "Integer division truncates toward zero.">;
def NPU_PowOp : NPU_BinaryOp<"pow", "x ^ y", 0, [], (ins),
    "The result has the element type of `x`.">;
def NPU_MaxOp : NPU_BinaryOp<"max", "max(x, y)", 0, [Commutative]>;
def NPU_MinOp : NPU_BinaryOp<"min", "min(x, y)", 0, [Commutative]>;
def NPU_ModOp : NPU_BinaryOp<"mod", "x mod y", 0, [],
    (ins DefaultValuedAttr<BoolAttr, "false">:$fmod),
    "Without `fmod` the result takes the sign of the divisor (Python); with "
    "`fmod` it takes the sign of the dividend (C fmod).">;
def NPU_PReluOp : NPU_BinaryOp<"prelu", "x >= 0 ? x : slope * x", 0, [], (ins),
    "`rhs` is the slope, broadcast to `lhs`.">;
def NPU_BitShiftOp : NPU_BinaryOp<"bit_shift", "x << y or x >> y", 0, [],
    (ins NPU_ShiftDirectionAttr:$direction), "Unsigned integers only.">;
def NPU_AndOp : NPU_BinaryOp<"and", "x and y", 1, [Commutative]>;
def NPU_OrOp : NPU_BinaryOp<"or", "x or y", 1, [Commutative]>;
def NPU_XorOp : NPU_BinaryOp<"xor", "x xor y", 1, [Commutative]>;
def NPU_EqualOp : NPU_BinaryOp<"equal", "x == y", 1, [Commutative]>;
def NPU_LessOp : NPU_BinaryOp<"less", "x < y", 1>;
def NPU_LessEqualOp : NPU_BinaryOp<"less_equal", "x <= y", 1>;
def NPU_GreaterOp : NPU_BinaryOp<"greater", "x > y", 1>;
def NPU_GreaterEqualOp : NPU_BinaryOp<"greater_equal", "x >= y", 1>;

def NPU_WhereOp : NPU_Op<"where", [InferTypeOpAdaptor]> {
  let summary = "elementwise select with broadcasting";
  let description = [{
    `condition ? x : y` elementwise after broadcasting all three operands.

    ```mlir
    %r = npu.where %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins NPU_BoolTensor:$condition, NPU_Tensor:$x, NPU_Tensor:$y);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat =
    "$condition `,` $x `,` $y attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Linear algebra, convolution and pooling
//===----------------------------------------------------------------------===//

def NPU_MatMulOp : NPU_Op<"matmul", [InferTypeOpAdaptor]> {
  let summary = "matrix product with batch broadcasting";
  let description = [{
    NumPy `matmul`: the last two dimensions multiply, leading dimensions
    broadcast; a rank-1 operand is promoted to a matrix and the promoted
    dimension removed from the result.

    ```mlir
    %c = npu.matmul %a, %b : (tensor<8x64x32xf32>, tensor<32x16xf32>) -> tensor<8x64x16xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$lhs, NPU_Tensor:$rhs);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def NPU_GemmOp : NPU_Op<"gemm", [InferTypeOpAdaptor]> {
  let summary = "general matrix multiply";
  let description = [{
    `alpha * op(A) * op(B) + beta * C` with `op` transposing when `trans_a` /
    `trans_b` is set; `C` is optional and broadcasts to the result.

    ```mlir
    %y = npu.gemm %x, %w, %b {trans_b = true} : (tensor<1x256xf32>, tensor<10x256xf32>, tensor<10xf32>) -> tensor<1x10xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$a, NPU_Tensor:$b, Optional<NPU_Tensor>:$c,
                   DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                   DefaultValuedAttr<F32Attr, "1.0">:$beta,
                   DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                   DefaultValuedAttr<BoolAttr, "false">:$trans_b);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat =
    "$a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)";
}

def NPU_ConvOp : NPU_Op<"conv", [InferTypeOpAdaptor]> {
  let summary = "N-d convolution (grouped, depthwise, dilated, padded)";
  let description = [{
    Cross-correlation of an `N x C x D1 x ... x Dn` input with an
    `M x C/group x K1 x ... x Kn` weight, plus an optional bias of `M`
    elements. `pads` may be asymmetric. Depthwise convolution is
    `group == C == M`.

    ```mlir
    %y = npu.conv %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
                              pads = array<i64: 1, 1, 0, 0>, group = 1}
        : (tensor<1x3x224x224xf32>, tensor<32x3x3x3xf32>, tensor<32xf32>) -> tensor<1x32x112x112xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, NPU_Tensor:$weight,
                   Optional<NPU_Tensor>:$bias, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$dilations, DenseI64ArrayAttr:$pads,
                   DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat =
    "$input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    int64_t getNumSpatialDims() { return getStrides().size(); }
  }];
}

def NPU_ConvTransposeOp : NPU_Op<"conv_transpose", [InferTypeOpAdaptor]> {
  let summary = "N-d transposed convolution";
  let description = [{
    The gradient of `npu.conv` with respect to its input: weight is
    `C x M/group x K1 x ... x Kn`. Output size per spatial dimension is
    `stride * (in - 1) + output_padding + ((k - 1) * dilation + 1) - pad_begin - pad_end`.

    ```mlir
    %y = npu.conv_transpose %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
                                    pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 0, 0>}
        : (tensor<1x16x8x8xf32>, tensor<16x8x2x2xf32>) -> tensor<1x8x16x16xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, NPU_Tensor:$weight,
                   Optional<NPU_Tensor>:$bias, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$dilations, DenseI64ArrayAttr:$pads,
                   DenseI64ArrayAttr:$output_padding,
                   DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat =
    "$input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
}

def NPU_MaxPoolOp : NPU_Op<"max_pool", [InferTypeOpAdaptor]> {
  let summary = "N-d max pooling";
  let description = [{
    Maximum over each window; padded positions never win. `ceil_mode`
    rounds the output size up (windows starting inside the input or its
    begin padding are kept).

    ```mlir
    %y = npu.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>,
                          pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}
        : (tensor<1x64x112x112xf32>) -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, DenseI64ArrayAttr:$kernel_shape,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                   DenseI64ArrayAttr:$dilations,
                   DefaultValuedAttr<BoolAttr, "false">:$ceil_mode);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def NPU_MaxPoolWithIndicesOp
    : NPU_Op<"max_pool_with_indices", [InferTypeOpAdaptor]> {
  let summary = "N-d max pooling that also returns where each maximum was";
  let description = [{
    `npu.max_pool` plus the `i64` flat index of every maximum in the input
    tensor (ONNX MaxPool's second output, read by MaxUnpool): row-major over
    (N, C, spatial...) or, with `column_major`, with the spatial dimensions
    in reverse order. Ties keep the first maximum in window order.

    ```mlir
    %y, %i = npu.max_pool_with_indices %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                                           pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
        : (tensor<1x16x8x8xf32>) -> (tensor<1x16x4x4xf32>, tensor<1x16x4x4xi64>)
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, DenseI64ArrayAttr:$kernel_shape,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                   DenseI64ArrayAttr:$dilations,
                   DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                   DefaultValuedAttr<BoolAttr, "false">:$column_major);
  let results = (outs NPU_Tensor:$output, NPU_IntTensor:$indices);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def NPU_AvgPoolOp : NPU_Op<"avg_pool", [InferTypeOpAdaptor]> {
  let summary = "N-d average pooling";
  let description = [{
    Mean over each window. Without `count_include_pad` the divisor counts
    only input elements; with it, explicit padding counts too (but never the
    extra positions added by `ceil_mode`).

    ```mlir
    %y = npu.avg_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                          pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
        : (tensor<1x64x8x8xf32>) -> tensor<1x64x4x4xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, DenseI64ArrayAttr:$kernel_shape,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                   DenseI64ArrayAttr:$dilations,
                   DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                   DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def NPU_GlobalAvgPoolOp : NPU_Op<"global_avg_pool", [InferTypeOpAdaptor]> {
  let summary = "mean over all spatial dimensions";
  let description = [{
    ```mlir
    %y = npu.global_avg_pool %x : (tensor<1x1280x7x7xf32>) -> tensor<1x1280x1x1xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def NPU_GlobalMaxPoolOp : NPU_Op<"global_max_pool", [InferTypeOpAdaptor]> {
  let summary = "maximum over all spatial dimensions";
  let description = [{
    ```mlir
    %y = npu.global_max_pool %x : (tensor<1x64x7x7xf32>) -> tensor<1x64x1x1xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Normalisation and softmax
//===----------------------------------------------------------------------===//

def NPU_BatchNormOp : NPU_Op<"batch_norm", [InferTypeOpAdaptor]> {
  let summary = "inference-mode batch normalisation";
  let description = [{
    `scale * (x - mean) / sqrt(var + epsilon) + bias` per channel (dim 1).
    Folded into the preceding convolution, or into a per-channel affine, by
    `npu-fold-batch-norm`.

    ```mlir
    %y = npu.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32}
        : (tensor<1x16x8x8xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, NPU_Tensor:$scale, NPU_Tensor:$bias,
                   NPU_Tensor:$mean, NPU_Tensor:$variance,
                   DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NPU_InstanceNormOp : NPU_Op<"instance_norm", [InferTypeOpAdaptor]> {
  let summary = "instance normalisation";
  let description = [{
    Normalises each (batch, channel) slice over its spatial dimensions, then
    applies per-channel `scale` and `bias`.

    ```mlir
    %y = npu.instance_norm %x, %s, %b {epsilon = 1.0e-05 : f32}
        : (tensor<1x16x8x8xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, NPU_Tensor:$scale, NPU_Tensor:$bias,
                   DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat =
    "$input `,` $scale `,` $bias attr-dict `:` functional-type(operands, results)";
}

def NPU_LayerNormOp : NPU_Op<"layer_norm", [AttrSizedResultSegments]> {
  let summary = "layer normalisation";
  let description = [{
    Normalises over the dimensions from `axis` to the last, then applies
    `scale` and the optional `bias` (both broadcast to the normalised
    dimensions). The optional `mean` and `inv_std_dev` results have the input
    shape with normalised dimensions set to 1.

    ```mlir
    %y = npu.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-05 : f32}
        : (tensor<1x128x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<1x128x768xf32>
    %z, %mean, %inv = npu.layer_norm %x, %g {axis = 2 : i64}
        : (tensor<1x128x768xf32>, tensor<768xf32>) -> tensor<1x128x768xf32>
          mean tensor<1x128x1xf32> inv_std_dev tensor<1x128x1xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, NPU_Tensor:$scale,
                   Optional<NPU_Tensor>:$bias, I64Attr:$axis,
                   DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs NPU_Tensor:$output, Optional<NPU_Tensor>:$mean,
                  Optional<NPU_Tensor>:$inv_std_dev);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:` `(` type($input) `,`
    type($scale) (`,` type($bias)^)? `)` `->` type($output)
    (`mean` type($mean)^)? (`inv_std_dev` type($inv_std_dev)^)?
  }];
  let hasVerifier = 1;
}

def NPU_MVNOp : NPU_Op<"mvn", [SameOperandsAndResultType]> {
  let summary = "mean-variance normalisation over a set of axes";
  let description = [{
    `(x - mean) / (sqrt(var) + epsilon)` (ONNX MeanVarianceNormalization),
    or `(x - mean) / sqrt(var + epsilon)` with `eps_inside_sqrt` (instance,
    group and training-mode batch normalisation without their affine part),
    where mean and the biased variance are taken over `axes` (sorted,
    distinct). The reference computes them in two passes in double, so data
    with a large mean keeps its precision and a constant block gives 0.

    ```mlir
    %y = npu.mvn %x {axes = array<i64: 0, 2, 3>} : tensor<2x3x4x4xf32>
    %z = npu.mvn %x {axes = array<i64: 2, 3>, epsilon = 1.0e-05 : f32, eps_inside_sqrt} : tensor<2x3x4x4xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, DenseI64ArrayAttr:$axes,
                   DefaultValuedAttr<F32Attr, "1.0e-9">:$epsilon,
                   UnitAttr:$eps_inside_sqrt);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def NPU_LRNOp : NPU_Op<"lrn", [SameOperandsAndResultType]> {
  let summary = "local response normalisation across channels";
  let description = [{
    `x / (bias + alpha / size * sum of squares over size neighbouring channels) ^ beta`.

    ```mlir
    %y = npu.lrn %x {size = 5 : i64, alpha = 1.0e-4 : f32, beta = 0.75 : f32, bias = 1.0 : f32} : tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, I64Attr:$size,
                   DefaultValuedAttr<F32Attr, "0.0001">:$alpha,
                   DefaultValuedAttr<F32Attr, "0.75">:$beta,
                   DefaultValuedAttr<F32Attr, "1.0">:$bias);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

class NPU_SoftmaxLikeOp<string mnemonic, string math>
    : NPU_Op<mnemonic, [SameOperandsAndResultType]> {
  let summary = math # " along one axis";
  let description = "Computes " # math # " along `axis` (ONNX opset 13 "
    # "semantics; older opsets' flattening is expressed with reshapes by the "
    # "importer).\n\nExample:\n\n```mlir\n%y = npu." # mnemonic
    # " %x {axis = 1 : i64} : tensor<8x1000xf32>\n```";
  let arguments = (ins NPU_Tensor:$input, I64Attr:$axis);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}
def NPU_SoftmaxOp : NPU_SoftmaxLikeOp<"softmax", "softmax">;
def NPU_LogSoftmaxOp : NPU_SoftmaxLikeOp<"log_softmax", "log of softmax">;
def NPU_HardmaxOp : NPU_SoftmaxLikeOp<"hardmax",
    "one-hot of the first maximum">;

//===----------------------------------------------------------------------===//
// Reductions and scans
//===----------------------------------------------------------------------===//

def NPU_ReduceMeanOp : NPU_ReduceOp<"reduce_mean", "the mean">;
def NPU_ReduceSumOp : NPU_ReduceOp<"reduce_sum", "the sum">;
def NPU_ReduceMaxOp : NPU_ReduceOp<"reduce_max", "the maximum">;
def NPU_ReduceMinOp : NPU_ReduceOp<"reduce_min", "the minimum">;
def NPU_ReduceProdOp : NPU_ReduceOp<"reduce_prod", "the product">;
def NPU_ReduceL1Op : NPU_ReduceOp<"reduce_l1", "the sum of absolute values">;
def NPU_ReduceL2Op : NPU_ReduceOp<"reduce_l2", "the Euclidean norm">;
def NPU_ReduceSumSquareOp : NPU_ReduceOp<"reduce_sum_square", "the sum of squares">;
def NPU_ReduceLogSumOp : NPU_ReduceOp<"reduce_log_sum", "log of the sum">;
def NPU_ReduceLogSumExpOp : NPU_ReduceOp<"reduce_log_sum_exp",
    "log of the sum of exponentials">;

class NPU_ArgOp<string mnemonic, string what>
    : NPU_Op<mnemonic, [InferTypeOpAdaptor]> {
  let summary = "index of the " # what # " along an axis";
  let description = "`i64` index of the " # what # " along `axis`; the first "
    # "one, or the last with `select_last_index`.\n\nExample:\n\n```mlir\n"
    # "%i = npu." # mnemonic # " %x {axis = 1 : i64, keepdims = false} : "
    # "(tensor<8x1000xf32>) -> tensor<8xi64>\n```";
  let arguments = (ins NPU_Tensor:$input, I64Attr:$axis,
                   DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                   DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs NPU_IntTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}
def NPU_ArgMaxOp : NPU_ArgOp<"argmax", "maximum">;
def NPU_ArgMinOp : NPU_ArgOp<"argmin", "minimum">;

def NPU_CumSumOp : NPU_Op<"cumsum", [SameOperandsAndResultType]> {
  let summary = "cumulative sum along an axis";
  let description = [{
    Running sum along `axis`; `exclusive` leaves out the current element,
    `reverse` runs from the end.

    ```mlir
    %y = npu.cumsum %x {axis = 0 : i64} : tensor<5xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, I64Attr:$axis,
                   DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                   DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def NPU_TopKOp : NPU_Op<"topk", [InferTypeOpAdaptor]> {
  let summary = "k largest or smallest elements along an axis";
  let description = [{
    Values and `i64` indices of the `k` largest (or smallest) elements along
    `axis`, sorted; ties keep the lower index first.

    ```mlir
    %v, %i = npu.topk %x {axis = 1 : i64, k = 5 : i64} : (tensor<1x1000xf32>) -> (tensor<1x5xf32>, tensor<1x5xi64>)
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, I64Attr:$axis, I64Attr:$k,
                   DefaultValuedAttr<BoolAttr, "true">:$largest,
                   DefaultValuedAttr<BoolAttr, "true">:$sorted);
  let results = (outs NPU_Tensor:$values, NPU_IntTensor:$indices);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def NPU_ReshapeOp : NPU_Op<"reshape"> {
  let summary = "reinterprets the shape, keeping row-major element order";
  let description = [{
    The result type carries the new shape; element count and type are kept.
    ONNX `Reshape`, `Flatten`, `Squeeze` and `Unsqueeze` all import as this.

    ```mlir
    %y = npu.reshape %x : tensor<1x64x7x7xf32> to tensor<1x3136xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def NPU_TransposeOp : NPU_Op<"transpose", [InferTypeOpAdaptor]> {
  let summary = "permutes dimensions";
  let description = [{
    Output dimension `i` is input dimension `perm[i]`.

    ```mlir
    %y = npu.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x16x8x4xf32>) -> tensor<1x8x4x16xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def NPU_ConcatOp : NPU_Op<"concat", [InferTypeOpAdaptor]> {
  let summary = "joins tensors along an axis";
  let description = [{
    ```mlir
    %y = npu.concat %a, %b {axis = 1 : i64} : (tensor<1x16x8x8xf32>, tensor<1x32x8x8xf32>) -> tensor<1x48x8x8xf32>
    ```
  }];
  let arguments = (ins Variadic<NPU_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def NPU_SplitOp : NPU_Op<"split"> {
  let summary = "splits a tensor along an axis";
  let description = [{
    The result types give each part's size along `axis`; they must add up to
    the input's.

    ```mlir
    %a, %b = npu.split %x {axis = 1 : i64} : tensor<1x48x8x8xf32> -> tensor<1x16x8x8xf32>, tensor<1x32x8x8xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, I64Attr:$axis);
  let results = (outs Variadic<NPU_Tensor>:$outputs);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($outputs)";
  let hasVerifier = 1;
}

def NPU_SliceOp : NPU_Op<"slice"> {
  let summary = "strided slice";
  let description = [{
    Output element `(i0, i1, ...)` is input element
    `(starts[0] + i0 * steps[0], starts[1] + i1 * steps[1], ...)`; the result
    type gives the sizes. Steps may be negative (reversed slices); every
    accessed index must be in bounds. One `starts` and `steps` entry per
    dimension.

    ```mlir
    %y = npu.slice %x {starts = array<i64: 0, 0, 1>, steps = array<i64: 1, 1, 2>}
        : tensor<1x16x9xf32> to tensor<1x16x4xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, DenseI64ArrayAttr:$starts,
                   DenseI64ArrayAttr:$steps);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def NPU_PadOp : NPU_Op<"pad", [InferTypeOpAdaptor]> {
  let summary = "pads (or, with negative pads, crops) every dimension";
  let description = [{
    `pads` has `2 * rank` entries: all begin pads, then all end pads.
    `constant` mode fills with `value` (zero when absent: an f64 for a float
    tensor, an integer of the element type for an integer or `i1` tensor);
    `reflect`, `edge` and `wrap` mirror, repeat or wrap the input.

    ```mlir
    %y = npu.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = #npu.pad_mode<constant>, value = 0.0}
        : (tensor<1x16x8x8xf32>) -> tensor<1x16x10x10xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, DenseI64ArrayAttr:$pads,
                   DefaultValuedAttr<NPU_PadModeAttr, "::npu::PadMode::constant">:$mode,
                   OptionalAttr<NPU_ScalarAttr>:$value);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let hasVerifier = 1;
}

def NPU_ExpandOp : NPU_Op<"expand"> {
  let summary = "broadcasts to the result shape";
  let description = [{
    NumPy broadcasting of the input to the result type's shape.

    ```mlir
    %y = npu.expand %x : tensor<1x16x1x1xf32> to tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def NPU_TileOp : NPU_Op<"tile"> {
  let summary = "repeats the input along each dimension";
  let description = [{
    Each result dimension is a whole multiple of the input's; the quotient
    is the number of repeats.

    ```mlir
    %y = npu.tile %x : tensor<2x3xf32> to tensor<4x9xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def NPU_GatherOp : NPU_Op<"gather", [InferTypeOpAdaptor]> {
  let summary = "gathers slices along an axis";
  let description = [{
    ONNX `Gather`: the result shape is
    `data.shape[:axis] + indices.shape + data.shape[axis+1:]`. Negative
    indices count from the end; an out-of-range index is an error.

    ```mlir
    %y = npu.gather %table, %ids {axis = 0 : i64} : (tensor<1000x64xf32>, tensor<1x8xi64>) -> tensor<1x8x64xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$data, NPU_IntTensor:$indices, I64Attr:$axis);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  // Constant indices (at most 256, in range) become slices of `data`, one
  // per run of consecutive indices, joined and reshaped: data movement
  // instead of a gather (a ViT's `qkv[0]`, its class token `x[:, 0]`).
  let hasCanonicalizer = 1;
}

def NPU_GatherElementsOp : NPU_Op<"gather_elements", [InferTypeOpAdaptor]> {
  let summary = "gathers single elements along an axis";
  let description = [{
    `out[i][j][k] = data[index[i][j][k]][j][k]` for `axis = 0` (and
    likewise for other axes); the result has the indices' shape.

    ```mlir
    %y = npu.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$data, NPU_IntTensor:$indices, I64Attr:$axis);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
}

def NPU_GatherNDOp : NPU_Op<"gather_nd", [InferTypeOpAdaptor]> {
  let summary = "gathers slices addressed by index tuples";
  let description = [{
    ONNX `GatherND`: the last dimension of `indices` holds index tuples into
    `data` after `batch_dims` shared leading dimensions.

    ```mlir
    %y = npu.gather_nd %x, %i {batch_dims = 0 : i64} : (tensor<2x2xf32>, tensor<2x2xi64>) -> tensor<2xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$data, NPU_IntTensor:$indices,
                   DefaultValuedAttr<I64Attr, "0">:$batch_dims);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
}

def NPU_ScatterElementsOp : NPU_Op<"scatter_elements", [InferTypeOpAdaptor]> {
  let summary = "writes single elements along an axis";
  let description = [{
    A copy of `data` with `updates` written at `indices` along `axis`,
    combined by `reduction`.

    ```mlir
    %y = npu.scatter_elements %x, %i, %u {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x4xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$data, NPU_IntTensor:$indices,
                   NPU_Tensor:$updates, I64Attr:$axis,
                   DefaultValuedAttr<NPU_ReductionAttr, "::npu::ScatterReduction::none">:$reduction);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat =
    "$data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)";
}

def NPU_ScatterNDOp : NPU_Op<"scatter_nd", [InferTypeOpAdaptor]> {
  let summary = "writes slices addressed by index tuples";
  let description = [{
    A copy of `data` with `updates` written at the index tuples in the last
    dimension of `indices`, combined by `reduction`. Canonicalization makes
    a replacing scatter of constant tuples that enumerate a box, whole in
    every dimension but one (`y[..., 0:2] = v` as exporters write it), the
    concatenation of the data's slices around it and the updates.

    ```mlir
    %y = npu.scatter_nd %x, %i, %u : (tensor<8xf32>, tensor<4x1xi64>, tensor<4xf32>) -> tensor<8xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$data, NPU_IntTensor:$indices,
                   NPU_Tensor:$updates,
                   DefaultValuedAttr<NPU_ReductionAttr, "::npu::ScatterReduction::none">:$reduction);
  let results = (outs NPU_Tensor:$output);
  let hasCanonicalizer = 1;
  let assemblyFormat =
    "$data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)";
}

def NPU_ResizeOp : NPU_Op<"resize"> {
  let summary = "resizes by interpolation (nearest, linear, cubic)";
  let description = [{
    ONNX `Resize` (opset 13 and later semantics). The result type gives the
    output shape. The scale of each dimension, which the coordinate
    transformation uses, is given by exactly one of:

    - `scales` (one per dimension): factors given as floats, which ONNX uses
      as they are rather than the size ratio;
    - `scale_ratios` (`2 * rank` entries, numerators then denominators):
      exact ratios of integers, such as output / input when ONNX gives
      `sizes`. No float holds 10 / 30, and a rounded scale moves the
      sample points.

    `roi` (`2 * rank` entries) is read only by `tf_crop_and_resize`.

    ```mlir
    %y = npu.resize %x {mode = #npu.resize_mode<nearest>, coordinate_transformation_mode = #npu.coord_mode<asymmetric>,
                        nearest_mode = #npu.nearest_mode<floor>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>}
        : tensor<1x16x8x8xf32> to tensor<1x16x16x16xf32>
    %z = npu.resize %x {mode = #npu.resize_mode<linear>, coordinate_transformation_mode = #npu.coord_mode<half_pixel>,
                        scale_ratios = array<i64: 1, 1, 3, 3, 1, 1, 8, 8>}
        : tensor<1x16x8x8xf32> to tensor<1x16x3x3xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, NPU_ResizeModeAttr:$mode,
                   NPU_CoordModeAttr:$coordinate_transformation_mode,
                   DefaultValuedAttr<NPU_NearestModeAttr, "::npu::NearestMode::round_prefer_floor">:$nearest_mode,
                   OptionalAttr<DenseF32ArrayAttr>:$scales,
                   OptionalAttr<DenseI64ArrayAttr>:$scale_ratios,
                   DefaultValuedAttr<F32Attr, "-0.75">:$cubic_coeff_a,
                   DefaultValuedAttr<BoolAttr, "false">:$exclude_outside,
                   DefaultValuedAttr<F32Attr, "0.0">:$extrapolation_value,
                   OptionalAttr<DenseF32ArrayAttr>:$roi);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($output)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The scale of dimension `d` as (numerator, denominator): (s, 1) for a
    /// float scale s, the exact integers from `scale_ratios`.
    std::pair<double, double> getScaleFraction(size_t d) {
      if (auto ratios = getScaleRatios())
        return {static_cast<double>((*ratios)[d]),
                static_cast<double>((*ratios)[ratios->size() / 2 + d])};
      return {static_cast<double>((*getScales())[d]), 1.0};
    }
  }];
}

def NPU_DepthToSpaceOp : NPU_Op<"depth_to_space", [InferTypeOpAdaptor]> {
  let summary = "moves channel blocks into spatial blocks";
  let description = [{
    `N x C x H x W` to `N x C/(b*b) x H*b x W*b`, channel order `DCR` or `CRD`.

    ```mlir
    %y = npu.depth_to_space %x {blocksize = 2 : i64, mode = #npu.d2s_mode<DCR>} : (tensor<1x16x4x4xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, I64Attr:$blocksize,
                   DefaultValuedAttr<NPU_DepthToSpaceModeAttr, "::npu::DepthToSpaceMode::DCR">:$mode);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def NPU_SpaceToDepthOp : NPU_Op<"space_to_depth", [InferTypeOpAdaptor]> {
  let summary = "moves spatial blocks into channels";
  let description = [{
    `N x C x H x W` to `N x C*b*b x H/b x W/b`.

    ```mlir
    %y = npu.space_to_depth %x {blocksize = 2 : i64} : (tensor<1x4x8x8xf32>) -> tensor<1x16x4x4xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, I64Attr:$blocksize);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def NPU_TriluOp : NPU_Op<"trilu", [SameOperandsAndResultType]> {
  let summary = "upper or lower triangle of the last two dimensions";
  let description = [{
    Keeps elements on and above (`upper`) or on and below the `k`-th
    diagonal; others become zero.

    ```mlir
    %y = npu.trilu %x {upper = true, k = 0 : i64} : tensor<4x5xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input,
                   DefaultValuedAttr<BoolAttr, "true">:$upper,
                   DefaultValuedAttr<I64Attr, "0">:$k);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def NPU_OneHotOp : NPU_Op<"one_hot", [InferTypeOpAdaptor]> {
  let summary = "one-hot encoding";
  let description = [{
    A new dimension of size `depth` inserted at `axis`; `values` holds
    `[off, on]`. Negative indices count from `depth`.

    ```mlir
    %y = npu.one_hot %i, %v {axis = 1 : i64, depth = 10 : i64} : (tensor<4xi64>, tensor<2xf32>) -> tensor<4x10xf32>
    ```
  }];
  let arguments = (ins NPU_IntTensor:$indices, NPU_Tensor:$values, I64Attr:$axis,
                   I64Attr:$depth);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$indices `,` $values attr-dict `:` functional-type(operands, results)";
}

def NPU_EinsumOp : NPU_Op<"einsum"> {
  let summary = "Einstein summation";
  let description = [{
    The explicit-form equation (`"ij,jk->ik"`, with `...` for broadcast
    dimensions) names every input's dimensions and the result's.

    ```mlir
    %y = npu.einsum %a, %b {equation = "ij,jk->ik"} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
    ```
  }];
  let arguments = (ins Variadic<NPU_Tensor>:$inputs, StrAttr:$equation);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NPU_ShapeOp : NPU_Op<"shape", [InferTypeOpAdaptor]> {
  let summary = "the input's shape as an i64 tensor";
  let description = [{
    Dimensions `start` to `end` (exclusive, clamped) of the input's shape.
    Always folds to a constant, since shapes are static.

    ```mlir
    %s = npu.shape %x : (tensor<1x3x8x8xf32>) -> tensor<4xi64>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, DefaultValuedAttr<I64Attr, "0">:$start,
                   OptionalAttr<I64Attr>:$end);
  let results = (outs NPU_IntTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def NPU_SizeOp : NPU_Op<"size", [InferTypeOpAdaptor]> {
  let summary = "the input's element count as an i64 scalar";
  let description = [{
    Always folds to a constant.

    ```mlir
    %n = npu.size %x : (tensor<1x3x8x8xf32>) -> tensor<i64>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input);
  let results = (outs NPU_IntTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Recurrent layers
//===----------------------------------------------------------------------===//

// ONNX RNN / GRU / LSTM in layout 0 (the importer transposes layout 1):
// X [seq, batch, input], W [dirs, G*H, input], R [dirs, G*H, H],
// B [dirs, 2*G*H] (Wb then Rb), sequence_lens [batch], initial states
// [dirs, batch, H]; results Y [seq, dirs, batch, H] and the last states
// [dirs, batch, H]. Every optional operand and result may be absent.
// `activations` has `numActivations` entries per direction (forward first),
// each with an explicit alpha and beta (ONNX defaults filled in at import).
class NPU_RecurrentOp<string mnemonic, int gates, int numActivations,
                      string math, dag extraOperands, dag extraAttrs,
                      dag extraResults, string extraOperandFormat,
                      string extraResultFormat, string example>
    : NPU_Op<mnemonic, [AttrSizedOperandSegments, AttrSizedResultSegments]> {
  let summary = "ONNX " # !toupper(mnemonic) # " recurrent layer";
  let description = "Runs the ONNX " # !toupper(mnemonic) # " cell (" # gates
    # " gate" # !if(!gt(gates, 1), "s", "") # ") over the first dimension "
    # "of `x`: " # math # " With `direction = reverse` the sequence is read "
    # "from its end; `bidirectional` runs both, forward as direction 0. "
    # "`clip` bounds the gates' pre-activations to [-clip, clip]. With "
    # "`sequence_lens`, steps at or beyond a batch element's length keep its "
    # "state and give zeros in `y`.\n\n"
    # "`activations` holds " # numActivations # " name(s) per direction "
    # "(Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, "
    # "HardSigmoid, Elu, Softsign, Softplus) and `activation_alpha` / "
    # "`activation_beta` one value for each.\n\nExample:\n\n```mlir\n"
    # example # "\n```";
  let arguments = !con((ins NPU_Tensor:$x, NPU_Tensor:$w, NPU_Tensor:$r,
                        Optional<NPU_Tensor>:$b,
                        Optional<NPU_IntTensor>:$sequence_lens,
                        Optional<NPU_Tensor>:$initial_h),
                       extraOperands,
                       (ins NPU_RNNDirectionAttr:$direction,
                        I64Attr:$hidden_size, StrArrayAttr:$activations,
                        DenseF32ArrayAttr:$activation_alpha,
                        DenseF32ArrayAttr:$activation_beta,
                        OptionalAttr<F32Attr>:$clip),
                       extraAttrs);
  let results = !con((outs Optional<NPU_Tensor>:$y,
                      Optional<NPU_Tensor>:$y_h), extraResults);
  let assemblyFormat = "$x `,` $w `,` $r"
    # " (`bias` `(` $b^ `:` type($b) `)`)?"
    # " (`sequence_lens` `(` $sequence_lens^ `:` type($sequence_lens) `)`)?"
    # " (`initial_h` `(` $initial_h^ `:` type($initial_h) `)`)?"
    # extraOperandFormat
    # " attr-dict `:` type($x) `,` type($w) `,` type($r) `->`"
    # " (`y` type($y)^)? (`y_h` type($y_h)^)?" # extraResultFormat;
  let hasVerifier = 1;
  int numGates = gates;
}

def NPU_RNNOp : NPU_RecurrentOp<"rnn", 1, 1,
    "`H = f(X W^T + H R^T + Wb + Rb)`.", (ins), (ins), (outs), "", "",
    "%y, %h = npu.rnn %x, %w, %r bias(%b : tensor<1x8xf32>) "
    # "{direction = #npu.rnn_direction<forward>, hidden_size = 4 : i64, "
    # "activations = [\"Tanh\"], activation_alpha = array<f32: 0.0>, "
    # "activation_beta = array<f32: 0.0>} : tensor<5x1x3xf32>, "
    # "tensor<1x4x3xf32>, tensor<1x4x4xf32> -> y tensor<5x1x1x4xf32> "
    # "y_h tensor<1x1x4xf32>">;

def NPU_GRUOp : NPU_RecurrentOp<"gru", 3, 2,
    "gates z, r, h in W's order; `z = f(X Wz^T + H Rz^T + Wbz + Rbz)`, "
    # "`r` alike, `h~ = g(X Wh^T + (r * H) Rh^T + Rbh + Wbh)` (with "
    # "`linear_before_reset`: `g(X Wh^T + r * (H Rh^T + Rbh) + Wbh)`), "
    # "`H = (1 - z) * h~ + z * H`.",
    (ins), (ins UnitAttr:$linear_before_reset), (outs), "", "",
    "%y = npu.gru %x, %w, %r {direction = #npu.rnn_direction<bidirectional>, "
    # "hidden_size = 4 : i64, activations = [\"Sigmoid\", \"Tanh\", "
    # "\"Sigmoid\", \"Tanh\"], activation_alpha = array<f32: 0.0, 0.0, 0.0, "
    # "0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0, 0.0>, "
    # "linear_before_reset} : tensor<5x1x3xf32>, tensor<2x12x3xf32>, "
    # "tensor<2x12x4xf32> -> y tensor<5x2x1x4xf32>">;

def NPU_LSTMOp : NPU_RecurrentOp<"lstm", 4, 3,
    "gates i, o, f, c in W's order; `i = f(X Wi^T + H Ri^T + Pi * C + Wbi "
    # "+ Rbi)`, `f` alike with `Pf`, `c~ = g(X Wc^T + H Rc^T + Wbc + Rbc)`, "
    # "`C = f * C + i * c~`, `o = f(X Wo^T + H Ro^T + Po * C + Wbo + Rbo)` "
    # "(the new C), `H = o * h(C)`. With `input_forget`, `f = 1 - i`.",
    (ins Optional<NPU_Tensor>:$initial_c, Optional<NPU_Tensor>:$p),
    (ins UnitAttr:$input_forget), (outs Optional<NPU_Tensor>:$y_c),
    " (`initial_c` `(` $initial_c^ `:` type($initial_c) `)`)?"
    # " (`peepholes` `(` $p^ `:` type($p) `)`)?",
    " (`y_c` type($y_c)^)?",
    "%y, %h, %c = npu.lstm %x, %w, %r {direction = "
    # "#npu.rnn_direction<forward>, hidden_size = 4 : i64, activations = "
    # "[\"Sigmoid\", \"Tanh\", \"Tanh\"], activation_alpha = array<f32: 0.0, "
    # "0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>} : "
    # "tensor<5x1x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32> -> "
    # "y tensor<5x1x1x4xf32> y_h tensor<1x1x4xf32> y_c tensor<1x1x4xf32>">;

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

def NPU_QuantizeLinearOp : NPU_Op<"quantize_linear"> {
  let summary = "float to integer with scale and zero point";
  let description = [{
    `saturate(round_half_to_even(x / scale) + zero_point)`; `scale` and
    `zero_point` are scalars or 1-d along `axis`. The result element type is
    the zero point's.

    ```mlir
    %q = npu.quantize_linear %x, %s, %z {axis = 1 : i64}
        : (tensor<1x16x8x8xf32>, tensor<f32>, tensor<i8>) -> tensor<1x16x8x8xi8>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, NPU_Tensor:$scale,
                   NPU_Tensor:$zero_point, DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat =
    "$input `,` $scale `,` $zero_point attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NPU_DequantizeLinearOp : NPU_Op<"dequantize_linear"> {
  let summary = "integer to float with scale and zero point";
  let description = [{
    `(x - zero_point) * scale`; `scale` and `zero_point` are scalars or 1-d
    along `axis`. The result element type is the scale's.

    ```mlir
    %x = npu.dequantize_linear %q, %s, %z {axis = 1 : i64}
        : (tensor<1x16x8x8xi8>, tensor<f32>, tensor<i8>) -> tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins NPU_Tensor:$input, NPU_Tensor:$scale,
                   NPU_Tensor:$zero_point, DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat =
    "$input `,` $scale `,` $zero_point attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // NPU_DIALECT_NPU_IR_NPUOPS_TD
