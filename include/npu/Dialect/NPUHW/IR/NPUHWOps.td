//===- NPUHWOps.td - Hardware ops: DPU and SHAVE tasks on tensors -*- tablegen -*-===//
//
// The `npuhw` dialect: what the NPU's compute engines do, as value-semantics
// ops on whole tensors. From the `int8` / `fp16` stage on, every compute op
// of a function is one of these (data movement stays as npu.reshape /
// npu.transpose / npu.slice / npu.concat / npu.pad, which the DMA executes),
// and each op means exactly what the device computes: the reference
// interpreter executes them with the device's own arithmetic (lib/Device),
// so a blob on the simulated NPU equals the interpreter bit for bit.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPUHW_IR_NPUHWOPS_TD
#define NPU_DIALECT_NPUHW_IR_NPUHWOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def NPUHW_Dialect : Dialect {
  let name = "npuhw";
  let cppNamespace = "::npu::hw";
  let summary = "Hardware ops of the NPU: DPU and ACT-SHAVE tasks on tensors";
  let description = [{
    Value-semantics ops that each correspond to one kind of task of the NPU:
    a DPU task (convolution, depthwise convolution, max / average pooling,
    elementwise add / subtract, with fused post-processing) or an ACT-SHAVE
    kernel. Their semantics are the device's, bit for bit
    (docs/hardware-model.md "Post-processing", docs/simulator.md "SHAVE
    kernels"); the reference interpreter executes them with the same code
    as the simulated device.

    DPU operands are rank-3 `[H, W, C]` tensors (one image, channels
    innermost: NHWC without the batch); their element types are `f16`, or
    `i8` / `ui8` storage of upstream `!quant.uniform` types. SHAVE operands
    have any rank and layout.
  }];
  let useDefaultAttributePrinterParser = 1;
}

class NPUHW_Op<string mnemonic, list<Trait> traits = []>
    : Op<NPUHW_Dialect, mnemonic, !listconcat(traits, [Pure])>;

class NPUHW_EnumAttr<I32EnumAttr enumInfo, string mnemonic>
    : EnumAttr<NPUHW_Dialect, enumInfo, mnemonic> {
  let assemblyFormat = "`<` $value `>`";
}

class NPUHW_I32Enum<string name, string summary, list<I32EnumAttrCase> cases>
    : I32EnumAttr<name, summary, cases> {
  let cppNamespace = "::npu::hw";
  let genSpecializedAttr = 0;
}

// An op's kind, printed as a bare keyword after the op name.
class NPUHW_KindAttr<I32EnumAttr enumInfo, string mnemonic>
    : EnumAttr<NPUHW_Dialect, enumInfo, mnemonic> {
  let assemblyFormat = "$value";
}

// Values equal npu::blob::DpuOp's.
def NPUHW_DpuConvKindEnum : NPUHW_I32Enum<"DpuConvKind",
    "the DPU operation of an npuhw.dpu_conv", [
  I32EnumAttrCase<"conv", 0>, I32EnumAttrCase<"depthwise", 1>,
  I32EnumAttrCase<"max_pool", 2>, I32EnumAttrCase<"avg_pool", 3>]>;
def NPUHW_DpuConvKindAttr : NPUHW_KindAttr<NPUHW_DpuConvKindEnum, "conv_kind">;

def NPUHW_EltwiseKindEnum : NPUHW_I32Enum<"EltwiseKind",
    "the DPU operation of an npuhw.dpu_eltwise", [
  I32EnumAttrCase<"add", 0>, I32EnumAttrCase<"sub", 1>]>;
def NPUHW_EltwiseKindAttr : NPUHW_KindAttr<NPUHW_EltwiseKindEnum, "eltwise_kind">;

// Values equal npu::arch::Activation's.
def NPUHW_ActivationEnum : NPUHW_I32Enum<"Activation",
    "activation fused into a DPU task's post-processing", [
  I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"relu", 1>,
  I32EnumAttrCase<"leaky_relu", 2>]>;
def NPUHW_ActivationAttr : NPUHW_EnumAttr<NPUHW_ActivationEnum, "activation">;

// The post-processing (PPE) fields of a DPU task: npu::blob::PostProcess.
// Attributes equal to their default are not printed.
defvar NPUHW_PpeArgs = (ins
  DefaultValuedAttr<NPUHW_ActivationAttr, "::npu::hw::Activation::none">:$activation,
  DefaultValuedAttr<I32Attr, "0">:$leaky_mult,
  DefaultValuedAttr<I32Attr, "0">:$leaky_shift,
  DefaultValuedAttr<F32Attr, "0.0f">:$leaky_alpha,
  DefaultValuedAttr<I32Attr, "0">:$out_zero_point,
  DefaultValuedAttr<I32Attr, "INT32_MIN">:$clamp_low,
  DefaultValuedAttr<I32Attr, "INT32_MAX">:$clamp_high,
  DefaultValuedAttr<F32Attr, "-INFINITY">:$fclamp_low,
  DefaultValuedAttr<F32Attr, "INFINITY">:$fclamp_high,
  DefaultValuedAttr<I32Attr, "1">:$mult,
  DefaultValuedAttr<I32Attr, "0">:$shift,
  DefaultValuedAttr<F32Attr, "1.0f">:$scale,
  DefaultValuedAttr<I32Attr, "0">:$bias,
  DefaultValuedAttr<F32Attr, "0.0f">:$fbias);

def NPUHW_DpuConvOp : NPUHW_Op<"dpu_conv", [AttrSizedOperandSegments]> {
  let summary = "A DPU convolution, depthwise convolution or pooling task";
  let description = [{
    One DPU task over a whole `[H, W, C]` input, producing `[OH, OW, K]`
    with `OH = (H + pad_top + pad_bottom - kh) / stride_h + 1` (same for W).

    - `conv`: `weights` is `[K, kh, kw, C]`, `weight_table` `[K, 4]` i32
      (per output channel: byte offset of its weights, -1, requantization
      word, bias; docs/blob-format.md "Weight table"); C and K are
      multiples of 16 (C may be 4 for a first layer).
    - `depthwise`: `weights` `[K, kh, kw, 1]`, K == C.
    - `max_pool`, `avg_pool`: no weights; K == C; the average's 1/(kh*kw)
      is in `scale` (float) or `mult` / `shift` (integer).

    Padded input positions hold the input zero point (they contribute 0).
    The accumulator goes through the post-processing attributes exactly as
    `npu::arch::ppeInt` / `ppeFloat` define.

    ```mlir
    %y = npuhw.dpu_conv conv %x, %w, %t {kernel = array<i64: 3, 3>,
           strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
           activation = #npuhw.activation<relu>}
        : (tensor<56x56x64xf16>, tensor<64x3x3x64xf16>, tensor<64x4xi32>)
          -> tensor<56x56x64xf16>
    ```
  }];
  let arguments = !con((ins
    NPUHW_DpuConvKindAttr:$kind,
    AnyRankedTensor:$input,
    Optional<AnyRankedTensor>:$weights,
    Optional<AnyRankedTensor>:$weight_table,
    DenseI64ArrayAttr:$kernel,
    DenseI64ArrayAttr:$strides,
    DenseI64ArrayAttr:$pads,
    DefaultValuedAttr<I32Attr, "0">:$in_zero_point), NPUHW_PpeArgs);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = [{
    $kind $input (`,` $weights^)? (`,` $weight_table^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let builders = [
    // Default post-processing (no activation, scale 1, no clamp); set the
    // PPE attributes afterwards.
    OpBuilder<(ins "::mlir::Type":$output, "DpuConvKind":$kind,
                   "::mlir::Value":$input, "::mlir::Value":$weights,
                   "::mlir::Value":$weight_table,
                   "::llvm::ArrayRef<int64_t>":$kernel,
                   "::llvm::ArrayRef<int64_t>":$strides,
                   "::llvm::ArrayRef<int64_t>":$pads), [{
      build($_builder, $_state, output, kind, input, weights, weight_table,
            kernel, strides, pads, 0, Activation::none, 0, 0,
            ::llvm::APFloat(0.0f), 0, uint32_t(INT32_MIN), uint32_t(INT32_MAX),
            ::llvm::APFloat(-INFINITY), ::llvm::APFloat(INFINITY), 1, 0,
            ::llvm::APFloat(1.0f), 0, ::llvm::APFloat(0.0f));
    }]>];
  let hasVerifier = 1;
}

def NPUHW_DpuEltwiseOp : NPUHW_Op<"dpu_eltwise"> {
  let summary = "A DPU elementwise add or subtract task";
  let description = [{
    `acc = (lhs - lhs_zero_point) * lhs_mult +/- (rhs - rhs_zero_point) *
    rhs_mult + bias` on integer inputs, `lhs +/- rhs + fbias` in fp32 on f16
    inputs, then the post-processing. Both inputs and the output are
    `[H, W, C]` of one shape, C a multiple of 16.

    ```mlir
    %y = npuhw.dpu_eltwise add %a, %b : (tensor<56x56x64xf16>, tensor<56x56x64xf16>) -> tensor<56x56x64xf16>
    ```
  }];
  let arguments = !con((ins
    NPUHW_EltwiseKindAttr:$kind,
    AnyRankedTensor:$lhs,
    AnyRankedTensor:$rhs,
    DefaultValuedAttr<I32Attr, "0">:$lhs_zero_point,
    DefaultValuedAttr<I32Attr, "0">:$rhs_zero_point,
    DefaultValuedAttr<I32Attr, "1">:$lhs_mult,
    DefaultValuedAttr<I32Attr, "1">:$rhs_mult), NPUHW_PpeArgs);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = [{
    $kind $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let builders = [
    // Float inputs, default post-processing; set the PPE attributes after.
    OpBuilder<(ins "::mlir::Type":$output, "EltwiseKind":$kind,
                   "::mlir::Value":$lhs, "::mlir::Value":$rhs), [{
      build($_builder, $_state, output, kind, lhs, rhs, 0, 0, 1, 1,
            Activation::none, 0, 0, ::llvm::APFloat(0.0f), 0,
            uint32_t(INT32_MIN), uint32_t(INT32_MAX),
            ::llvm::APFloat(-INFINITY), ::llvm::APFloat(INFINITY), 1, 0,
            ::llvm::APFloat(1.0f), 0, ::llvm::APFloat(0.0f));
    }]>];
  let hasVerifier = 1;
}

def NPUHW_ShaveOp : NPUHW_Op<"shave"> {
  let summary = "An ACT-SHAVE kernel invocation";
  let description = [{
    Runs the SHAVE kernel named `kernel` (npu::arch::ShaveKernel:
    "sigmoid", "softmax", "convert", ...) on its operands, of any rank and
    layout, with the kernel's parameters. Each kernel's operands,
    parameters and formula are in docs/simulator.md ("SHAVE kernels"); the
    verifier applies the same contract as the blob verifier.

    ```mlir
    %y = npuhw.shave "convert" %x : (tensor<1x3x48x320xf32>) -> tensor<1x3x48x320xf16>
    %s = npuhw.shave "softmax" %z {iparams = array<i64: 2>} : (tensor<1x40x6625xf16>) -> tensor<1x40x6625xf16>
    ```
  }];
  let arguments = (ins
    StrAttr:$kernel,
    Variadic<AnyRankedTensor>:$inputs,
    DefaultValuedAttr<DenseF32ArrayAttr, "{}">:$fparams,
    DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$iparams);
  let results = (outs Variadic<AnyRankedTensor>:$outputs);
  let assemblyFormat = [{
    $kernel $inputs attr-dict `:` functional-type($inputs, results)
  }];
  let hasVerifier = 1;
}

#endif // NPU_DIALECT_NPUHW_IR_NPUHWOPS_TD
