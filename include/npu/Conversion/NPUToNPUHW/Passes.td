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
           "SHAVE kernels stay fp16, with quantize / dequantize between">,
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

#endif // NPU_CONVERSION_NPUTONPUHW_PASSES_TD
