//===- Passes.td - Lowering graph ops to hardware ops ------*- tablegen -*-===//

#ifndef NPU_CONVERSION_NPUTONPUHW_PASSES_TD
#define NPU_CONVERSION_NPUTONPUHW_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// Precision lowering: canonical -> fp16 (and, later, calibrated -> int8)
//===----------------------------------------------------------------------===//

def NPULowerToHW : Pass<"npu-lower-to-hw", "mlir::func::FuncOp"> {
  let summary = "Maps every compute op to a DPU task or a SHAVE kernel in fp16";
  let description = [{
    Takes a canonical function (float ONNX-semantics `npu` ops) to the
    `fp16` stage: every compute op becomes an `npuhw` op whose meaning is
    exactly what the device computes, and data movement stays as
    `npu.reshape` / `npu.transpose` / `npu.slice` / `npu.concat` on f16
    tensors, which the DMA executes.

    - Graph inputs keep their ONNX types; a `convert` SHAVE kernel turns
      them into f16 on the device, and another turns each result back.
    - Convolutions (2-d, or 1-d as 2-d; grouped, depthwise, dilated,
      asymmetric pads), MatMul / Gemm with a constant right-hand side (as
      1x1 convolutions), MaxPool, AveragePool and GlobalAveragePool become
      `npuhw.dpu_conv` on `[H, W, C]` tensors with channels padded to 16
      (4 for a first layer of at most 4 channels); a following Relu,
      LeakyRelu or Clip is fused into the post-processing. Kernels larger
      than the DPU's 11 are unfolded into a 1x1 convolution over window
      slices when the output is small.
    - Everything else maps to an ACT-SHAVE kernel (elementwise, softmax,
      reductions, resize, layer and mean-variance normalisation as mvn,
      matmul of two activations).

    An op that maps to no engine is reported, with every other such op, at
    its ONNX node: nothing runs on the host CPU.

    Before:
    ```mlir
    %y = npu.conv %x, %w, %b {...} : (tensor<1x16x8x8xf32>, ...) -> tensor<1x16x8x8xf32>
    %r = npu.relu %y : tensor<1x16x8x8xf32>
    ```
    After:
    ```mlir
    %h = npuhw.shave "convert" %x : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf16>
    ... transpose to [8, 8, 16] ...
    %c = npuhw.dpu_conv conv %t, %w16, %table {activation = #npuhw.activation<relu>, ...}
    ```
  }];
  let options = [
    Option<"precision", "precision", "std::string", /*default=*/"\"fp16\"",
           "fp16, or int8: DPU tasks in int8 with the calibrated ranges "
           "(`npu.range`) of their inputs and outputs, per-channel symmetric "
           "int8 weights and fixed-point requantization in the weight table; "
           "SHAVE kernels stay fp16, with quantize / dequantize between; or "
           "mixed: int8, except the DPU tasks of ops marked `npu.fp16` "
           "(npu-select-precision), which compute in fp16">,
    ListOption<"expose", "expose", "std::string",
               "Debug build: tensors of the graph (by their keys, "
               "docs/calibration.md; `all` for every computed tensor) "
               "added as extra function results named after the key, "
               "converted back to the ONNX shape and type the way a graph "
               "output is. Tensors that no device buffer holds (a "
               "convolution's result whose activation is fused into its DPU "
               "task) are skipped, with a warning when named">,
    Option<"corrupt", "debug-corrupt", "std::string", /*default=*/"\"\"",
           "Test only: marks the DPU task computing this tensor "
           "(`npu.debug_corrupt`) so that code generation perturbs its "
           "output zero point: the device then differs from this stage">,
  ];
  let dependentDialects = ["::npu::NPUDialect", "::npu::hw::NPUHWDialect",
                           "::mlir::quant::QuantDialect"];
}

//===----------------------------------------------------------------------===//
// Mixed precision: which DPU layers stay fp16
//===----------------------------------------------------------------------===//

def NPUSelectPrecision : Pass<"npu-select-precision", "mlir::ModuleOp"> {
  let summary = "Keeps the fewest DPU layers in fp16 that reach an accuracy "
                "target (mixed precision)";
  let description = [{
    Runs on the calibrated stage. A layer is an op that the int8 lowering
    makes a DPU task (convolution, matmul / gemm with constant weights,
    pooling, eltwise add / sub); in int8 its weights are int8 per output
    channel and the tensors whose int8 parameters its lowering uses (found
    by running that lowering on a copy, `lowering::QuantizedTensors`) are
    int8 on the device.

    The search runs the reference interpreter on the float graph with the
    device's precision simulated: every tensor that is int8 in a
    configuration is quantized and dequantized with its calibrated
    parameters, every other float tensor is rounded to f16, weights of int8
    layers are quantized per output channel and the others rounded to f16.
    The accuracy of a configuration is, for the output where it is lowest,
    the mean over the samples of the cosine similarity to float (`cos=C`),
    or the share of positions whose argmax over the output's last axis is
    float's, pooled over the samples (`top1=A`, for classifiers and CTC
    recognisers; outputs with one element on that axis are not measured),
    or the intersection over union of the elements above T with float's,
    pooled over the samples (`iou@T=A`, for maps the application
    thresholds, as a DB text detector does; outputs with no element above
    T in any sample, float's or the configuration's, are not measured),
    or one less the edit distance of the output's greedy CTC decoding
    (argmax per step over the last axis, steps along the axis before it,
    repeats collapsed, blank class B dropped) from float's over float's
    label count, pooled over the samples (`ctc=A` or `ctc@B=A`, B 0 by
    default, for CTC recognisers: their text as the decoder reads it;
    outputs with one element on the last axis are not measured).
    Sensitivities (below) are cosines whatever the target.

    1. All layers fp16 must reach the target, else it is an error (no
       precision choice can).
    2. All layers int8 reaching it: nothing stays fp16.
    3. Otherwise each layer's sensitivity is the accuracy with only that
       layer in int8; layers are kept fp16 from the most sensitive down, the
       smallest such prefix that reaches the target found by bisection,
       (sensitivities are measured on the first `ranking-samples` samples,
       every other evaluation on all of them)
       then every kept layer whose return to int8 still reaches the target
       goes back to int8 (least sensitive first).
    4. The choice is checked with the device's arithmetic (the mixed
       lowering of a copy, run by the interpreter, which the device equals
       bit for bit, on the first `verify-samples` samples: by default all
       for top1, iou and ctc, and for a cos target as many as 5 G multiply-accumulates
       of the DPU layers allow, at least 2); while it misses
       the target, the search runs again for a simulated target raised as
       if the device's error (1 - cosine) were proportional to the
       simulated one (three times at most), then the next
       most sensitive layers (half as many again as are kept, at least one)
       stay fp16 too.

    Layers named in `fp16-layers` (by tensor key, as calibration tables
    and npu-compare name them) stay fp16 in every configuration: the search
    adds layers to them only where the target needs more. With `target=none`
    there is no search: exactly those layers stay fp16, and the report gives
    the output cosine that choice reaches. A name that is not a DPU layer of
    the graph is an error (a SHAVE op computes in fp16 already; a tensor
    fused into its producer's DPU task is that producer's layer).

    The chosen ops get the unit attribute `npu.fp16`; `npu-lower-to-hw
    precision=mixed` lowers them in fp16. A report on stderr (and, with
    `report=FILE`, as JSON) names each fp16 layer by its tensor key with
    its sensitivity and its modelled DPU cost in int8 and fp16
    (`npu::arch::dpuWorkloadComputeCycles`, the whole layer as one workload
    on one tile).
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"cos=0.99\"",
           "Accuracy target: cos=C, the cosine similarity in (0, 1] that "
           "every model output must reach against float; top1=A, the "
           "share in (0, 1] of positions whose argmax over the last axis "
           "is float's; iou@T=A, the intersection over union in (0, 1] "
           "of the mask of elements above T with float's; or ctc=A / "
           "ctc@B=A, the share in (0, 1] of float's greedy CTC labels read "
           "the same (blank class B, default 0); none: no search, only "
           "the fp16-layers">,
    ListOption<"fp16Layers", "fp16-layers", "std::string",
               "DPU layers that stay fp16 whatever the search finds, by "
               "tensor key (the ONNX node name, as calibration tables name "
               "tensors); with target=none, the only ones">,
    Option<"data", "data", "std::string", /*default=*/"\"\"",
           "Directory of samples (as npu-calibrate's data); empty: the "
           "generated samples calibration uses (with a warning)">,
    Option<"warnGenerated", "warn-generated", "bool", /*default=*/"false",
           "Warn when the search runs on generated samples (calibration, "
           "which warns of them, did not run the model: its ranges came "
           "from a table)">,
    Option<"samples", "samples", "int64_t", /*default=*/"0",
           "Use at most this many samples (0: all)">,
    Option<"verifyChoice", "verify", "bool", /*default=*/"true",
           "Check the choice with the device's arithmetic (the mixed lowering "
           "run by the interpreter) and keep more layers until it holds">,
    Option<"verifySamples", "verify-samples", "int64_t", /*default=*/"-1",
           "Samples of the device-arithmetic checks, which are slow (the "
           "DPU's bit-exact int8 model): the first N (0: all; -1: all for "
           "top1, iou and ctc, a share that two samples of a classifier cannot tell; for "
           "cos as many as 5 G multiply-accumulates of the DPU layers "
           "allow, at least 2)">,
    Option<"rankingSamples", "ranking-samples", "int64_t", /*default=*/"2",
           "Samples of the per-layer sensitivity runs, which only order the "
           "layers (0: all)">,
    Option<"platform", "platform", "std::string", /*default=*/"\"NPU3720\"",
           "Target of the modelled costs in the report">,
    Option<"report", "report", "std::string", /*default=*/"\"\"",
           "Also write the report as JSON to this file">,
    Option<"quiet", "quiet", "bool", /*default=*/"false",
           "Print no report on stderr">,
  ];
  let dependentDialects = ["::npu::NPUDialect", "::npu::hw::NPUHWDialect",
                           "::mlir::quant::QuantDialect"];
}

#endif // NPU_CONVERSION_NPUTONPUHW_PASSES_TD
