//===- Passes.td - Passes on hardware ops ------------------*- tablegen -*-===//

#ifndef NPU_DIALECT_NPUHW_TRANSFORMS_PASSES_TD
#define NPU_DIALECT_NPUHW_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// Hardware-op cleanup (the hwops stage)
//===----------------------------------------------------------------------===//

def NPUHWFoldChannelPadding : Pass<"npuhw-fold-channel-padding", "mlir::func::FuncOp"> {
  let summary = "Keeps DPU tensors channel-padded between DPU tasks";
  let description = [{
    The precision lowering pads every DPU input's channels to 16 with zeros
    and drops the padding of every DPU output. Between two DPU tasks this
    leaves `slice` (drop channels) followed by `concat` with zeros (add them
    back); when the dropped channels are already zero, the pair is the
    identity and is removed, so the padded tensor flows from task to task
    without two DMA copies. Padded channels are known to be zero for a
    float convolution whose weights and bias are zero there and whose clamp
    keeps 0, and for depthwise / pooling tasks over an input whose padded
    channels are zero.

    Before:
    ```mlir
    %c = npuhw.dpu_conv conv %x, %w, %t {...} : (...) -> tensor<8x8x16xf16>
    %s = npu.slice %c {...} : tensor<8x8x16xf16> to tensor<8x8x8xf16>
    %z = npu.constant dense<0.0> : tensor<8x8x8xf16>
    %p = npu.concat %s, %z {axis = 2 : i64} : (...) -> tensor<8x8x16xf16>
    ```
    After: uses of `%p` use `%c`.
  }];
  let dependentDialects = ["::npu::NPUDialect", "::npu::hw::NPUHWDialect"];
}

#endif // NPU_DIALECT_NPUHW_TRANSFORMS_PASSES_TD
