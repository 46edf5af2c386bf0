//===- NPUTaskOps.td - The addressed task program ---------*- tablegen -*-===//
//
// The `nputask` dialect: the NPU's task program after tiling, scheduling and
// memory assignment (the `addressed` stage). One `nputask.program` holds
// what a blob holds: the graph arguments, the buffers (every one at its
// address), the barriers, one in-order queue per engine (DMA ports, each
// tile's DPU, each SHAVE) and the weights section. It converts to and from
// npu::blob::Program one to one (ProgramConversion.h), so the blob is a
// serialisation of this IR and this IR can be edited and compiled on.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_DIALECT_NPUTASK_IR_NPUTASKOPS_TD
#define NPU_DIALECT_NPUTASK_IR_NPUTASKOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

def NPUTask_Dialect : Dialect {
  let name = "nputask";
  let cppNamespace = "::npu::task";
  let summary = "The NPU's addressed task program: DMA, DPU and SHAVE tasks, "
                "buffers and barriers";
  let description = [{
    The last IR before the blob. Every tensor a task touches is a strided
    view (`#nputask.view`) of a buffer (`nputask.buffer`) placed in one
    memory space at a byte offset: a graph input or output, the DDR scratch
    of one inference, the weights section, or the CMX of one tile. Tasks sit
    in the in-order queue of the engine that runs them (`nputask.queue`) and
    synchronise only through barriers (`nputask.barrier`): a task waits for
    the barriers in `waits` and, when done, counts down those in `updates`.

    The semantics of every field are the blob format's
    (docs/blob-format.md); `npu-write-blob` serialises a program unchanged,
    and the blob verifier's checks (docs/blob-format.md, "Verification")
    are this dialect's verifier.
  }];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
}

class NPUTask_Op<string mnemonic, list<Trait> traits = []>
    : Op<NPUTask_Dialect, mnemonic, traits>;

// Printed as a bare keyword.
class NPUTask_I32Enum<string name, string summary,
                      list<I32EnumAttrCase> cases>
    : I32EnumAttr<name, summary, cases> {
  let cppNamespace = "::npu::task";
}

// Values equal npu::blob::MemSpace's.
def NPUTask_MemSpaceEnum : NPUTask_I32Enum<"MemSpace",
    "the memory space of a buffer", [
  I32EnumAttrCase<"input", 0>, I32EnumAttrCase<"output", 1>,
  I32EnumAttrCase<"scratch", 2>, I32EnumAttrCase<"weights", 3>,
  I32EnumAttrCase<"cmx", 4>]>;

// Values equal npu::blob::Engine's.
def NPUTask_EngineEnum : NPUTask_I32Enum<"Engine",
    "the engine kind of a task queue", [
  I32EnumAttrCase<"dma", 0>, I32EnumAttrCase<"dpu", 1>,
  I32EnumAttrCase<"shave", 2>]>;

// Values equal npu::blob::DpuOp's.
def NPUTask_DpuKindEnum : NPUTask_I32Enum<"DpuKind",
    "the operation of a DPU task", [
  I32EnumAttrCase<"conv", 0>, I32EnumAttrCase<"depthwise_conv", 1>,
  I32EnumAttrCase<"max_pool", 2>, I32EnumAttrCase<"avg_pool", 3>,
  I32EnumAttrCase<"eltwise_add", 4>, I32EnumAttrCase<"eltwise_sub", 5>]>;

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

def NPUTask_BufferType : TypeDef<NPUTask_Dialect, "Buffer"> {
  let mnemonic = "buffer";
  let summary = "a placed region of one memory space";
}

def NPUTask_BarrierType : TypeDef<NPUTask_Dialect, "Barrier"> {
  let mnemonic = "barrier";
  let summary = "a hardware barrier";
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

def NPUTask_ViewAttr : AttrDef<NPUTask_Dialect, "View"> {
  let mnemonic = "view";
  let summary = "a strided view of a buffer";
  let description = [{
    Elements of `dtype` at byte `offset` of the buffer, with `shape` and
    byte `strides` (outermost first). Printed as
    `<f16 [16, 8, 32] offset 1024>` when dense (row-major strides) and
    `<i8 [16, 8, 32] offset 0 strides [512, 64, 1]>` otherwise.
  }];
  let parameters = (ins "uint64_t":$offset, "::npu::DType":$dtype,
                        ArrayRefParameter<"uint32_t">:$shape,
                        ArrayRefParameter<"uint64_t">:$strides);
  let hasCustomAssemblyFormat = 1;
}

def NPUTask_WorkloadAttr : AttrDef<NPUTask_Dialect, "Workload"> {
  let mnemonic = "workload";
  let summary = "one DPU workload (variant): an output box and an MPE mode";
  let description = [{
    The output box [x, x + width) x [y, y + height) x [k, k + channels) of
    a DPU task, computed in one MPE mode. Printed as
    `<at 0, 8, 0 size 16, 8, 64 CUBOID_16x16>` (x, y, k; width, height,
    channels).
  }];
  let parameters = (ins "uint32_t":$x, "uint32_t":$y, "uint32_t":$k,
                        "uint32_t":$width, "uint32_t":$height,
                        "uint32_t":$channels,
                        "::npu::arch::MpeMode":$mpeMode);
  let hasCustomAssemblyFormat = 1;
}

//===----------------------------------------------------------------------===//
// Program structure
//===----------------------------------------------------------------------===//

def NPUTask_ProgramOp : NPUTask_Op<"program",
    [IsolatedFromAbove, SingleBlock, NoTerminator]> {
  let summary = "an addressed task program: what one blob holds";
  let description = [{
    Its body holds, in this order: the graph arguments (`nputask.input`,
    `nputask.output`), the state variables (`nputask.state`), the buffers,
    the barriers and the engine queues. The attributes are the blob
    header's: the target platform, the compiler version, the options hash,
    the DDR scratch bytes of one inference and the CMX bytes used on each
    tile of the platform. `weights` is the weights section (an `i8` dense
    resource; absent when empty).

    The verifier is the blob verifier: buffers inside their memory space,
    views inside their buffers, every engine queue's tasks well formed for
    the platform, barrier counts equal to their producers and consumers and
    no task list that can deadlock; and no race: two tasks touching the
    same bytes, one writing, are ordered by their queue or their barriers
    (npu/Target/Blob/RaceCheck.h).

    **The `tasks` stage** is the same op before memory assignment: its CMX
    and scratch buffers have no offset, it has no barriers, `scratch_size`
    and `cmx_used` are 0, and every task carries `schedule = array<i64:
    position, op, step>`: its position in the emission order (a legal
    serial execution of the program), and the op and step groups the
    barriers are derived by (npu/Target/Blob/TaskScheduler.h). The verifier
    then checks the blob verifier's per-task rules with every unplaced
    buffer at offset 0, that the positions number the tasks 0 .. N-1 and
    increase along each queue, and that no task waits or updates.
  }];
  let arguments = (ins StrAttr:$platform, StrAttr:$compiler_version,
                       I64Attr:$options_hash, I64Attr:$scratch_size,
                       DenseI64ArrayAttr:$cmx_used,
                       OptionalAttr<ElementsAttr>:$weights);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "attr-dict-with-keyword $body";
  let hasRegionVerifier = 1;
}

class NPUTask_ArgumentOp<string mnemonic>
    : NPUTask_Op<mnemonic, [HasParent<"ProgramOp">]> {
  let arguments = (ins StrAttr:$name, StrAttr:$dtype,
                       DenseI64ArrayAttr:$shape, StrAttr:$layout,
                       OptionalAttr<DenseF32ArrayAttr>:$quant_scales,
                       OptionalAttr<DenseI32ArrayAttr>:$quant_zero_points,
                       DefaultValuedAttr<I32Attr, "-1">:$quant_axis);
  let assemblyFormat = "$name $dtype $shape $layout attr-dict";
}

def NPUTask_InputOp : NPUTask_ArgumentOp<"input"> {
  let summary = "a graph input";
  let description = [{
    The blob's graph input number N is the program's N-th `nputask.input`:
    its ONNX name, element type (`f32`, `f16`, `u8`, ...), shape, layout
    (`nd`, `nchw`, `nhwc`) and, for a quantized argument, its scales and
    zero points (per tensor, or along `quant_axis`).
  }];
}

def NPUTask_OutputOp : NPUTask_ArgumentOp<"output"> {
  let summary = "a graph output";
  let description = [{
    The blob's graph output number N is the program's N-th
    `nputask.output`; the fields are those of `nputask.input`.
  }];
}

def NPUTask_StateOp : NPUTask_Op<"state", [HasParent<"ProgramOp">]> {
  let summary = "a state variable carried between inferences";
  let description = [{
    Before each inference the runtime feeds the variable's value to graph
    input `input`; after it, it reads the next value from graph output
    `output` (docs/state.md).
  }];
  let arguments = (ins StrAttr:$name, I32Attr:$input, I32Attr:$output);
  let assemblyFormat = "$name `input` $input `output` $output attr-dict";
}

def NPUTask_BufferOp : NPUTask_Op<"buffer", [HasParent<"ProgramOp">]> {
  let summary = "a region of a memory space";
  let description = [{
    `size` bytes at byte `offset` of memory space `space`: graph input or
    output `index`, the DDR scratch, the weights section, or the CMX of
    tile `index`. Tasks touch only bytes of the buffers they name.

    ```mlir
    %0 = nputask.buffer "conv1.in.t0" cmx[0] offset 0 size 12544
    ```

    In the `tasks` stage a CMX or scratch buffer has no `offset` yet:
    `npu-assign-memory` gives it one (docs/codegen.md). A CMX buffer may
    then carry `planned_offset`, where code generation's own layout (the
    one its tiling was planned against) put it: memory assignment falls
    back on that layout for a tile its allocator cannot fit.
  }];
  let arguments = (ins StrAttr:$name, NPUTask_MemSpaceEnum:$space,
                       I32Attr:$index, OptionalAttr<I64Attr>:$offset,
                       I64Attr:$size, OptionalAttr<I64Attr>:$planned_offset);
  let results = (outs NPUTask_BufferType:$result);
  let assemblyFormat = [{
    $name $space `[` $index `]` (`offset` $offset^)? `size` $size attr-dict
  }];
}

def NPUTask_BarrierOp : NPUTask_Op<"barrier", [HasParent<"ProgramOp">]> {
  let summary = "a hardware barrier";
  let description = [{
    Released when `producers` tasks that update it have finished; then the
    `consumers` tasks that wait for it may start.
  }];
  let arguments = (ins I32Attr:$producers, I32Attr:$consumers);
  let results = (outs NPUTask_BarrierType:$result);
  let assemblyFormat = "`producers` $producers `consumers` $consumers attr-dict";
}

def NPUTask_QueueOp : NPUTask_Op<"queue",
    [HasParent<"ProgramOp">, SingleBlock, NoTerminator]> {
  let summary = "the in-order task queue of one engine";
  let description = [{
    DMA port `index`, the DPU of tile `index`, or SHAVE `index`
    (tile * SHAVEs per tile + SHAVE). The engine runs the tasks in order,
    each once its `waits` barriers are released.
  }];
  let arguments = (ins NPUTask_EngineEnum:$engine, I32Attr:$index);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$engine `[` $index `]` attr-dict-with-keyword $body";
}

//===----------------------------------------------------------------------===//
// Tasks
//===----------------------------------------------------------------------===//

def NPUTask_DmaOp : NPUTask_Op<"dma",
    [HasParent<"QueueOp">, AttrSizedOperandSegments]> {
  let summary = "a strided copy between two buffers";
  let description = [{
    Copies the elements of `src_view` of buffer `src` to `dst_view` of
    buffer `dst` (same element count and type; the shapes may differ in
    how they group the elements).

    ```mlir
    nputask.dma "conv1.w" waits(%b0) updates(%b1)
        %w <i8 [16, 3, 3, 16] offset 0> to %c <i8 [16, 3, 3, 16] offset 0>
    ```
  }];
  let arguments = (ins StrAttr:$name, NPUTask_BufferType:$src,
                       NPUTask_BufferType:$dst,
                       Variadic<NPUTask_BarrierType>:$waits,
                       Variadic<NPUTask_BarrierType>:$updates,
                       NPUTask_ViewAttr:$src_view,
                       NPUTask_ViewAttr:$dst_view,
                       OptionalAttr<DenseI64ArrayAttr>:$schedule);
  let assemblyFormat = [{
    $name (`waits` `(` $waits^ `)`)? (`updates` `(` $updates^ `)`)?
    $src $src_view `to` $dst $dst_view attr-dict
  }];
}

def NPUTask_DpuOp : NPUTask_Op<"dpu",
    [HasParent<"QueueOp">, AttrSizedOperandSegments]> {
  let summary = "a DPU task (invariant) and its workloads (variants)";
  let description = [{
    `kind` over `[H, W, C]` views in the CMX of the queue's tile: the input,
    the second input of an eltwise task, the weights and the weight table
    of a convolution, and the output. `kernel` and `strides` are
    [height, width], `pads` [top, left, bottom, right]. Eltwise tasks
    accumulate (a - in_zero_point) * in_mult_a +/- (b - in2_zero_point) *
    in_mult_b. `ppe` holds the post-processing fields that differ from
    their defaults (docs/blob-format.md, "Post-processing"): `activation`
    (0 none, 1 ReLU, 2 LeakyReLU), `leaky_mult`, `leaky_shift`,
    `leaky_alpha`, `out_zero_point`, `clamp_low`, `clamp_high`,
    `fclamp_low`, `fclamp_high`, `mult`, `shift`, `scale`, `bias`,
    `fbias`. `workloads` cover the output, each in one MPE mode.
  }];
  let arguments = (ins StrAttr:$name, NPUTask_DpuKindEnum:$kind,
                       NPUTask_BufferType:$input,
                       Optional<NPUTask_BufferType>:$input2,
                       Optional<NPUTask_BufferType>:$weights,
                       Optional<NPUTask_BufferType>:$weight_table,
                       NPUTask_BufferType:$output,
                       Variadic<NPUTask_BarrierType>:$waits,
                       Variadic<NPUTask_BarrierType>:$updates,
                       NPUTask_ViewAttr:$input_view,
                       OptionalAttr<NPUTask_ViewAttr>:$input2_view,
                       OptionalAttr<NPUTask_ViewAttr>:$weights_view,
                       OptionalAttr<NPUTask_ViewAttr>:$weight_table_view,
                       NPUTask_ViewAttr:$output_view,
                       DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<I32Attr, "0">:$in_zero_point,
                       DefaultValuedAttr<I32Attr, "0">:$in2_zero_point,
                       DefaultValuedAttr<I32Attr, "1">:$in_mult_a,
                       DefaultValuedAttr<I32Attr, "1">:$in_mult_b,
                       DictionaryAttr:$ppe,
                       TypedArrayAttrBase<NPUTask_WorkloadAttr,
                                          "DPU workloads">:$workloads,
                       OptionalAttr<DenseI64ArrayAttr>:$schedule);
  let assemblyFormat = [{
    $kind $name (`waits` `(` $waits^ `)`)? (`updates` `(` $updates^ `)`)?
    `in` $input $input_view
    (`in2` $input2^ $input2_view)?
    (`weights` $weights^ $weights_view)?
    (`table` $weight_table^ $weight_table_view)?
    `out` $output $output_view attr-dict
  }];
}

def NPUTask_ShaveOp : NPUTask_Op<"shave",
    [HasParent<"QueueOp">, AttrSizedOperandSegments]> {
  let summary = "an ACT-SHAVE kernel invocation";
  let description = [{
    Runs kernel `kernel` (its name, e.g. "softmax", "matmul"; the kernel
    set is npu/Arch/ShaveKernels.h) on the views `input_views` of buffers
    `inputs`, writing the views `output_views` of buffers `outputs`, with
    the kernel's float and integer parameters.

    With `chained`, the kernel runs in the same launch as the nputask.shave
    before it in its queue, right after it (a SHAVE chain: the launch is
    paid once, docs/blob-format.md): such an op has an empty name, no
    barriers and no schedule of its own (the chain's first op has them).
  }];
  let arguments = (ins StrAttr:$name, StrAttr:$kernel,
                       Variadic<NPUTask_BufferType>:$inputs,
                       Variadic<NPUTask_BufferType>:$outputs,
                       Variadic<NPUTask_BarrierType>:$waits,
                       Variadic<NPUTask_BarrierType>:$updates,
                       TypedArrayAttrBase<NPUTask_ViewAttr,
                                          "views">:$input_views,
                       TypedArrayAttrBase<NPUTask_ViewAttr,
                                          "views">:$output_views,
                       DenseF32ArrayAttr:$fparams,
                       DenseI64ArrayAttr:$iparams,
                       OptionalAttr<DenseI64ArrayAttr>:$schedule,
                       UnitAttr:$chained);
  let assemblyFormat = [{
    $kernel $name (`chained` $chained^)? (`waits` `(` $waits^ `)`)? (`updates` `(` $updates^ `)`)?
    `ins` `(` $inputs `)` $input_views `outs` `(` $outputs `)` $output_views
    attr-dict
  }];
}

#endif // NPU_DIALECT_NPUTASK_IR_NPUTASKOPS_TD
