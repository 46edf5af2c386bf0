//===- NPUBase.td - The npu dialect, its enums and op classes -*- tablegen -*-===//
//
// The `npu` dialect: value-semantics graph ops on static-shape tensors. Ops
// follow ONNX semantics with every shape-determining parameter resolved to an
// attribute (or to the result type), so that the back end never has to
// evaluate a tensor to know a shape.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPU_IR_NPUBASE_TD
#define NPU_DIALECT_NPU_IR_NPUBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

def NPU_Dialect : Dialect {
  let name = "npu";
  let cppNamespace = "::npu";
  let summary = "Graph-level ops of the npu-compile compiler";
  let description = [{
    Value-semantics ops on statically shaped tensors, imported from ONNX and
    transformed by the compiler's graph-level passes. Element types are any
    integer, float or boolean (`i1`) type; quantized element types of the
    upstream `quant` dialect are accepted wherever an op's semantics allow.

    Every op's shape-determining parameters are attributes or are carried by
    the result type (e.g. `npu.reshape`, `npu.expand`, `npu.slice`), so a
    function is compute-only once constants are folded.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

// Enum attributes print as `#npu.<mnemonic><case>`, e.g. #npu.pad_mode<reflect>.
class NPU_EnumAttr<I32EnumAttr enumInfo, string mnemonic>
    : EnumAttr<NPU_Dialect, enumInfo, mnemonic> {
  let assemblyFormat = "`<` $value `>`";
}

class NPU_I32Enum<string name, string summary, list<I32EnumAttrCase> cases>
    : I32EnumAttr<name, summary, cases> {
  let cppNamespace = "::npu";
  let genSpecializedAttr = 0;
}

def NPU_PadModeEnum : NPU_I32Enum<"PadMode", "how padded elements are filled", [
  I32EnumAttrCase<"constant", 0>, I32EnumAttrCase<"reflect", 1>,
  I32EnumAttrCase<"edge", 2>, I32EnumAttrCase<"wrap", 3>]>;
def NPU_PadModeAttr : NPU_EnumAttr<NPU_PadModeEnum, "pad_mode">;

def NPU_ResizeModeEnum : NPU_I32Enum<"ResizeMode", "interpolation of npu.resize", [
  I32EnumAttrCase<"nearest", 0>, I32EnumAttrCase<"linear", 1>,
  I32EnumAttrCase<"cubic", 2>]>;
def NPU_ResizeModeAttr : NPU_EnumAttr<NPU_ResizeModeEnum, "resize_mode">;

def NPU_CoordModeEnum : NPU_I32Enum<"CoordinateTransformMode",
    "how npu.resize maps output coordinates to input coordinates", [
  I32EnumAttrCase<"half_pixel", 0>, I32EnumAttrCase<"half_pixel_symmetric", 1>,
  I32EnumAttrCase<"pytorch_half_pixel", 2>, I32EnumAttrCase<"align_corners", 3>,
  I32EnumAttrCase<"asymmetric", 4>, I32EnumAttrCase<"tf_crop_and_resize", 5>,
  // Resize-11 only: (x + 0.5) / scale, for nearest interpolation.
  I32EnumAttrCase<"tf_half_pixel_for_nn", 6>]>;
def NPU_CoordModeAttr : NPU_EnumAttr<NPU_CoordModeEnum, "coord_mode">;

def NPU_NearestModeEnum : NPU_I32Enum<"NearestMode",
    "rounding of npu.resize in nearest mode", [
  I32EnumAttrCase<"round_prefer_floor", 0>, I32EnumAttrCase<"round_prefer_ceil", 1>,
  I32EnumAttrCase<"floor", 2>, I32EnumAttrCase<"ceil", 3>,
  // Resize-10 and Upsample: floor on dimensions that keep or grow, ceil on
  // dimensions that shrink (scale < 1).
  I32EnumAttrCase<"simple", 4>]>;
def NPU_NearestModeAttr : NPU_EnumAttr<NPU_NearestModeEnum, "nearest_mode">;

def NPU_GeluApproxEnum : NPU_I32Enum<"GeluApproximation", "approximation of GELU", [
  I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"tanh", 1>]>;
def NPU_GeluApproxAttr : NPU_EnumAttr<NPU_GeluApproxEnum, "gelu_approx">;

def NPU_DepthToSpaceModeEnum : NPU_I32Enum<"DepthToSpaceMode",
    "channel order of npu.depth_to_space", [
  I32EnumAttrCase<"DCR", 0>, I32EnumAttrCase<"CRD", 1>]>;
def NPU_DepthToSpaceModeAttr
    : NPU_EnumAttr<NPU_DepthToSpaceModeEnum, "d2s_mode">;

def NPU_ShiftDirectionEnum : NPU_I32Enum<"ShiftDirection", "bit shift direction", [
  I32EnumAttrCase<"left", 0>, I32EnumAttrCase<"right", 1>]>;
def NPU_ShiftDirectionAttr
    : NPU_EnumAttr<NPU_ShiftDirectionEnum, "shift_direction">;

def NPU_ReductionEnum : NPU_I32Enum<"ScatterReduction",
    "how scattered updates combine with existing elements", [
  I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"add", 1>, I32EnumAttrCase<"mul", 2>,
  I32EnumAttrCase<"max", 3>, I32EnumAttrCase<"min", 4>]>;
def NPU_ReductionAttr : NPU_EnumAttr<NPU_ReductionEnum, "reduction">;

def NPU_RNNDirectionEnum : NPU_I32Enum<"RNNDirection",
    "which way a recurrent op runs over the sequence", [
  I32EnumAttrCase<"forward", 0>, I32EnumAttrCase<"reverse", 1>,
  I32EnumAttrCase<"bidirectional", 2>]>;
def NPU_RNNDirectionAttr : NPU_EnumAttr<NPU_RNNDirectionEnum, "rnn_direction">;

// The NPU generation a module is compiled for, recorded once on the module as
// `npu.target = #npu.target<NPU3720>` right after import. Values match
// npu::arch::Platform (include/npu/Arch/Hardware.h); passes read the hardware
// description through npu::getHardware (Target.h), never from options.
def NPU_TargetEnum : NPU_I32Enum<"Target", "the NPU generation compiled for", [
  I32EnumAttrCase<"NPU3720", 0>, I32EnumAttrCase<"NPU4000", 1>]>;
def NPU_TargetAttr : NPU_EnumAttr<NPU_TargetEnum, "target"> {
  let summary = "the NPU generation a module is compiled for";
  let description = [{
    Set on the module as `npu.target` by the compile pipeline right after
    import. Example:

    ```mlir
    module attributes {npu.target = #npu.target<NPU4000>} {}
    ```
  }];
}

//===----------------------------------------------------------------------===//
// Types and op classes
//===----------------------------------------------------------------------===//

// Any statically shaped tensor: int, float, i1 or quantized elements.
def NPU_Tensor : StaticShapeTensorOf<[AnyType]>;
def NPU_IntTensor : StaticShapeTensorOf<[AnySignlessInteger]>;
def NPU_BoolTensor : StaticShapeTensorOf<[I1]>;

// A scalar parameter in the kind of a tensor's elements (ScalarAttr.h): an
// f64 float for float tensors, an integer of the element type for integer
// tensors, so that 64-bit integers stay exact.
def NPU_ScalarAttr : AnyAttrOf<[F64Attr, APIntAttr],
    "f64 float or integer scalar">;

class NPU_Op<string mnemonic, list<Trait> traits = []>
    : Op<NPU_Dialect, mnemonic, !listconcat([Pure], traits)>;

// Elementwise op with one operand and a result of the same type.
class NPU_UnaryOp<string mnemonic, string math, list<Trait> traits = [],
                  dag extraArgs = (ins), string extraDoc = "">
    : NPU_Op<mnemonic, !listconcat([SameOperandsAndResultType], traits)> {
  let summary = "elementwise " # math;
  let description = "Computes `" # math # "` for every element of the input; "
    # "shape and element type are kept. " # extraDoc # "\n\n"
    # "Example:\n\n```mlir\n%y = npu." # mnemonic
    # " %x : tensor<1x16x8x8xf32>\n```";
  let arguments = !con((ins NPU_Tensor:$input), extraArgs);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

// Elementwise op on two operands with NumPy (multidirectional) broadcasting.
// The result element type is the operands' unless `boolResult` is set.
class NPU_BinaryOp<string mnemonic, string math, bit boolResult = 0,
                   list<Trait> traits = [], dag extraArgs = (ins),
                   string extraDoc = "">
    : NPU_Op<mnemonic, !listconcat([InferTypeOpAdaptor], traits)> {
  let summary = "elementwise " # math # " with broadcasting";
  let description = "Computes `" # math # "` elementwise after broadcasting "
    # "both operands to a common shape (NumPy rules). "
    # !if(boolResult, "The result is `i1`. ", "")
    # extraDoc # "\n\nExample:\n\n```mlir\n%z = npu." # mnemonic
    # " %x, %y : (tensor<1x16x8x8xf32>, tensor<1x16x1x1xf32>) -> tensor<1x16x8x8x"
    # !if(boolResult, "i1", "f32") # ">\n```";
  let arguments = !con((ins NPU_Tensor:$lhs, NPU_Tensor:$rhs), extraArgs);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat =
    "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  bit isBoolResult = boolResult;
}

// A reduction over `axes` (non-negative, strictly increasing; empty means
// the op is the identity), keeping reduced dimensions as 1 when `keepdims`.
class NPU_ReduceOp<string mnemonic, string math>
    : NPU_Op<mnemonic, [InferTypeOpAdaptor]> {
  let summary = "reduction: " # math;
  let description = "Reduces the input over `axes` with " # math # ". "
    # "`axes` are non-negative and strictly increasing; with an empty list "
    # "every element is reduced on its own (the identity for sum, mean, max, "
    # "min, prod and log-sum-exp; |x|, x^2 or log(x) for the composite "
    # "reductions). With `keepdims` the reduced dimensions stay as "
    # "size 1, otherwise they are removed.\n\nExample:\n\n```mlir\n"
    # "%y = npu." # mnemonic # " %x {axes = array<i64: 2, 3>, keepdims = true}"
    # " : (tensor<1x16x8x8xf32>) -> tensor<1x16x1x1xf32>\n```";
  let arguments = (ins NPU_Tensor:$input, DenseI64ArrayAttr:$axes,
                   DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs NPU_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

#endif // NPU_DIALECT_NPU_IR_NPUBASE_TD
