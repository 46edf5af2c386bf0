//===- Passes.td - Graph-level passes on the npu dialect ---*- tablegen -*-===//

#ifndef NPU_DIALECT_NPU_TRANSFORMS_PASSES_TD
#define NPU_DIALECT_NPU_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def NPUFoldBatchNorm : Pass<"npu-fold-batch-norm", "mlir::func::FuncOp"> {
  let summary = "Folds inference batch normalisation into the producer";
  let description = [{
    A `npu.batch_norm` whose parameters are constants becomes part of the
    preceding `npu.conv` or `npu.conv_transpose` (scaled weights, shifted
    bias; a transposed convolution ungrouped or depthwise), also through an
    add of a per-channel constant between them (its bias, as paddle2onnx
    writes a transposed convolution's), when the convolution has no other
    user, and otherwise a per-channel `npu.mul` + `npu.add`.
    The arithmetic on the weights is emitted as npu ops on constants, which
    `npu-fold-constants` then evaluates.

    Before:
    ```mlir
    %c = npu.conv %x, %w, %b {...} : ... -> tensor<1x16x8x8xf32>
    %y = npu.batch_norm %c, %s, %beta, %m, %v {epsilon = 1.0e-05 : f32} : ...
    ```
    After (and after constant folding):
    ```mlir
    %y = npu.conv %x, %w2, %b2 {...} : ... -> tensor<1x16x8x8xf32>
    ```
  }];
  let dependentDialects = ["::npu::NPUDialect"];
}

def NPUFuseElementwise : Pass<"npu-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Rewrites elementwise chains as one op: hard-swish, GELU, "
                "and constant scales and shifts into the preceding "
                "convolution";
  let description = [{
    Exported models spell some operations as elementwise chains, each a
    pass over the tensor on the device (a SHAVE task that reads and writes
    it whole):

    - hard-swish `x * clip(x + 3, 0, 6) / 6` (also `* (1/6)`, or
      `x * hard_sigmoid(x)` with alpha 1/6 and beta 1/2; operands in either
      order) becomes `npu.hard_swish`, one SHAVE kernel instead of four;
    - the exact GELU `x * 0.5 * (1 + erf(x / sqrt(2)))` (the divide also as
      a multiply by 1/sqrt(2); the three products grouped and ordered in
      any way) becomes `npu.gelu`, one SHAVE kernel instead of five, when
      no intermediate is read elsewhere; so does its tanh approximation
      `x * 0.5 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))` (GPT-2's
      `gelu_new`; the cube as `Pow(x, 3)` or `x * x * x`), with
      `approximate = tanh` (the `gelu_tanh` kernel); their constants
      within 5e-4 (relative) of the exact ones: written to 5 digits, or
      stored in float16 (sqrt(2) as 1.4140625);
    - `conv(x, w, b) * c` becomes `conv(x, w * c, b * c)` and
      `conv(x, w, b) + c` becomes `conv(x, w, b + c)`, with `c` a splat or
      per-output-channel constant and the convolution used only there (a
      learnable affine block after a convolution folds into it, like a
      batch norm); the same for `npu.conv_transpose` (a scale per output
      channel when ungrouped or depthwise, else a splat);
    - `pow(x, 2)` (the exponent float or integer) becomes `x * x`
      (LayerNorm as paddle2onnx writes it
      squares with Pow: a SHAVE multiply costs 1 cycle per vector, pow 14;
      the value is the same, the square of an f16 being exact in f32);
    - `conv(pad(x))`, the pad constant zeros on the spatial axes only,
      becomes `conv(x)` with the pad's amounts added to the convolution's
      padding (tf2onnx and Keras write a stride-2 convolution's "same"
      padding as a Pad before it; a Pad alone maps to no engine) while
      that padding stays below the kernel's (dilated) extent on each side,
      which the DPU needs;
    - the other way, a convolution padded by at least its kernel's extent
      on a side (PyTorch's `Conv2d(k=1, padding=1)`) keeps extent - 1 and
      reads a zero `npu.pad` of the rest (`NAME (padding)`), which DMA
      moves, when the padded tensor holds at most 16 times the input's
      elements (or 2^20);
    - `matmul(a, b) * c` (or `/ c`), `c` a splat constant, where `a` or `b`
      comes from a projection by constants (`matmul(x, W) + B`) through
      reshapes and transposes, each read only by the next, becomes the
      matmul of the projection by `W * c` and `B * c` (attention's scores
      scaled by 1 / sqrt(d): a SHAVE pass fewer where the scores' matmul
      runs on SHAVE); the projection and those views are renamed
      `NAME (scaled)`, and the matmul takes the scale's location.

    The weight arithmetic is emitted as npu ops on constants, which
    `npu-fold-constants` then evaluates. Ops carrying a pre-quantized
    model's parameters (`npu.quant`, `npu.weight_scales`) are not folded
    into a convolution; a fused hard-swish or GELU keeps the `npu.quant` of
    the op it replaces.

    Before:
    ```mlir
    %a = npu.add %x, %three : ...
    %r = npu.clip %a {min = 0.0 : f64, max = 6.0 : f64} : ...
    %m = npu.mul %x, %r : ...
    %y = npu.div %m, %six : ...
    ```
    After:
    ```mlir
    %y = npu.hard_swish %x : ...
    ```
  }];
  let dependentDialects = ["::npu::NPUDialect"];
}

def NPUFuseLayerNorm : Pass<"npu-fuse-layer-norm", "mlir::func::FuncOp"> {
  let summary = "Rewrites a written-out layer normalisation as one "
                "npu.layer_norm";
  let description = [{
    Below opset 17 ONNX has no LayerNormalization, and exporters (PyTorch,
    paddle2onnx) write it as a chain of nine ops, each a pass over the
    tensor on the device. This pass rewrites

    - `d / sqrt(mean(d * d) + epsilon)` with `d = x - mean(x)` in f32 (the
      square also as `pow(d, 2)`, the exponent float or integer, the
      division also as `d * reciprocal(sqrt(...))`),
      the two means over the same axes kept as size 1 and `epsilon` a
      non-negative splat constant, when the axes are the trailing ones
      `[a, ..., rank - 1]`, into
      `npu.layer_norm %x, 1 {axis = a, epsilon}` when no intermediate is read
      elsewhere and none carries a pre-quantized model's parameters; with
      the means over other axes (ConvNeXt's and SAM's LayerNorm2d over the
      channels of NCHW), into `npu.mvn %x {axes, epsilon, eps_inside_sqrt}`,
      the affine step after it staying as it is;
    - tf2onnx's form of Keras' LayerNormalization, `x * k + (beta - mean(x)
      * k)` with `k = gamma * reciprocal(sqrt(...))` (or the reciprocal
      alone), the deviation as above over trailing axes, into
      `layer_norm(x, 1) * gamma +
      beta`, which the next rule folds;
    - `layer_norm(x, s, b) * c` into `layer_norm(x, s * c, b * c)` and
      `layer_norm(x, s, b) + c` into `layer_norm(x, s, b + c)`, with `c` a
      constant that varies along the normalised axes only (the norm's gamma
      and beta) and the norm read only there.

    The layer norm maps to one SHAVE kernel (`mvn` with scale and bias),
    which computes the statistics in f32 around a pivot, as the fp32 island
    the written-out chain needed did (npu-fp32-islands). It takes the
    location of the chain's last op (the multiply or add of gamma and beta
    when they fold), so its tensor is keyed by that ONNX node and compared
    with its output (TensorKeys.h); the chain's other tensors are gone. The
    scale and bias arithmetic is npu ops on constants, which
    `npu-fold-constants` evaluates.

    Before:
    ```mlir
    %m = npu.reduce_mean %x {axes = array<i64: 2>} : ...
    %d = npu.sub %x, %m : ...
    %q = npu.mul %d, %d : ...
    %v = npu.reduce_mean %q {axes = array<i64: 2>} : ...
    %e = npu.add %v, %eps : ...
    %s = npu.sqrt %e : ...
    %n = npu.div %d, %s : ...
    %g = npu.mul %n, %gamma : ...
    %y = npu.add %g, %beta : ...
    ```
    After (the constants folded):
    ```mlir
    %y = npu.layer_norm %x, %gamma, %beta {axis = 2 : i64, epsilon = 1.0e-05 : f32} : ...
    ```
  }];
  let dependentDialects = ["::npu::NPUDialect"];
}

def NPUWidenFloat16 : Pass<"npu-widen-float16", "mlir::func::FuncOp"> {
  let summary = "Computes a float16 model's tensors in float32 inside the "
                "graph, keeping its float16 inputs and outputs";
  let description = [{
    The back end's float domain is f32: calibration, the int8 and fp16
    lowerings and the fp32 islands read f32 tensors, and choose the
    device's precision themselves (`--precision`). A model exported in
    float16 (its inputs, weights and activations f16) would have none of its
    elementwise or SHAVE ops mapped. This pass gives every f16 tensor inside
    the function the type f32, exactly (f16 values are f32 values):

    - every op result of element type f16 becomes f32, inside `npu.if`
      regions too; an f16 constant becomes the f32 constant of the same
      values;
    - each f16 argument is read through `npu.cast` to f32, and each f16
      result is returned through `npu.cast` from f32, so the function's
      signature, the blob's inputs and outputs, stays the model's;
    - an `npu.cast` that now converts f32 to f32 (a model's own Cast to
      float16 inside the graph) folds away: its rounding to f16 is left to
      the precision the compile chooses.

    The device computes these tensors in fp16 or int8 as it does any float
    model's; the casts at the boundary are free there (the device's float
    values are f16). Other element types (bf16, f64) are left as they are.

    Before:
    ```mlir
    func.func @m(%x: tensor<1x8xf16>) -> tensor<1x8xf16> {
      %c = npu.constant dense<5.0e-01> : tensor<1x8xf16>
      %y = npu.mul %x, %c : (tensor<1x8xf16>, tensor<1x8xf16>) -> tensor<1x8xf16>
      return %y : tensor<1x8xf16>
    }
    ```
    After:
    ```mlir
    func.func @m(%x: tensor<1x8xf16>) -> tensor<1x8xf16> {
      %0 = npu.cast %x : tensor<1x8xf16> to tensor<1x8xf32>
      %c = npu.constant dense<5.0e-01> : tensor<1x8xf32>
      %y = npu.mul %0, %c : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
      %1 = npu.cast %y : tensor<1x8xf32> to tensor<1x8xf16>
      return %1 : tensor<1x8xf16>
    }
    ```
  }];
  let dependentDialects = ["::npu::NPUDialect"];
}

def NPUFoldQDQ : Pass<"npu-fold-qdq", "mlir::func::FuncOp"> {
  let summary = "Turns a pre-quantized model's QDQ pairs into quantization "
                "parameters for the int8 lowering";
  let description = [{
    A model quantized by ONNX Runtime's or NNCF's quantizers (QDQ format, or
    QOperator ops imported as dequantize -> float op -> quantize) carries
    its own scales and zero points. This pass keeps them, as annotations the
    int8 lowering reads, and removes the quantize / dequantize ops, so that
    the graph is the float model (docs/prequantized.md):

    - an activation pair `Q(x, s, zp) -> DQ(same s, zp)` (per tensor) is
      removed; x's producer (or function argument) gets `npu.quant =
      array<f32: s, zp8>`, zp8 the device's int8 zero point (a uint8 zero
      point minus 128, exactly). A ReLU / Clip / constant add consuming a
      single-use value also hands its parameters back to that value (the
      lowering fuses them into the producer's DPU task);
    - `DQ` of an integer constant becomes the float constant; when it is
      the weight of a `npu.conv`, `npu.matmul` or `npu.gemm` with symmetric
      parameters along the output channel (or per tensor), the consumer gets
      `npu.weight_scales` (one scale per output channel) so that the int8
      weights are the model's, exactly;
    - a max pool, reshape, transpose or identity on a quantized tensor is
      moved into the float domain (Q(op(DQ(q)))), so that its pairs fold.
    - ConvInteger / MatMulInteger as ONNX Runtime's quantize_dynamic writes
      them (an int32 `npu.conv` / `npu.matmul` of a (Dynamic)QuantizeLinear
      output and constant 8-bit weights, cast to float and multiplied by the
      activation's scale times the weights' scale, per tensor or per output
      channel) become the float op on dequantized operands, whose pairs then
      fold as above;
    - a pair whose scale and zero point are computed at run time (a
      DynamicQuantizeLinear's) is removed without parameters: the tensor is
      calibrated;
    - a reshape or transpose of a tensor with parameters, without its own,
      takes them (the same values: tf2onnx's NHWC input with its pair
      before the Transpose to NCHW), and a graph input read only by
      reshapes / transposes of one parameter set takes it.

    What the device cannot represent is reported with a warning naming the
    node and then calibrated: per-channel activation scales (the DPU
    quantizes activations per tensor), asymmetric weights or weights
    quantized along another axis (the DPU's weights are symmetric per output
    channel), weight values of -128 (clamped to -127).

    Before:
    ```mlir
    %q = npu.quantize_linear %x, %s, %z : (tensor<1x8x4x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x8x4x4xui8>
    %d = npu.dequantize_linear %q, %s, %z : (tensor<1x8x4x4xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x8x4x4xf32>
    %y = npu.relu %d : tensor<1x8x4x4xf32>
    ```
    After (s = 0.1, z = 3):
    ```mlir
    %y = npu.relu %x : tensor<1x8x4x4xf32>
    ```
    with `npu.quant = array<f32: 0.1, -125.0>` on the producer of `%x`.
  }];
  let dependentDialects = ["::npu::NPUDialect"];
}

def NPUFoldConstants : Pass<"npu-fold-constants", "mlir::func::FuncOp"> {
  let summary = "Evaluates ops whose operands are all constants";
  let description = [{
    Runs the reference interpreter on every op whose operands are constants
    and replaces it with an `npu.constant` of the result: shape-computation
    subgraphs (Shape/Gather/Concat/Unsqueeze/Cast chains), weight
    transformations left by other passes (e.g. batch-norm folding) and any
    other constant subexpression. Results much larger than their operands
    (broadcasts, tiles of small constants) are left alone unless they are
    splats, so that folding never bloats the model.

    Before:
    ```mlir
    %s = npu.shape %x : (tensor<1x64x7x7xf32>) -> tensor<4xi64>
    %i = npu.constant dense<1> : tensor<i64>
    %c = npu.gather %s, %i {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
    ```
    After:
    ```mlir
    %c = npu.constant dense<64> : tensor<i64>
    ```
  }];
  let options = [
    Option<"minElements", "min-elements", "int64_t", /*default=*/"65536",
           "Results up to this many elements are always folded; larger ones "
           "only when no bigger than their constant operands together">,
  ];
  let dependentDialects = ["::npu::NPUDialect"];
}

def NPUFreezeDefaultInputs
    : Pass<"npu-freeze-default-inputs", "mlir::func::FuncOp"> {
  let summary = "Fixes the optional inputs of a function to their defaults";
  let description = [{
    An argument with a default (`npu.default`, an ONNX initializer that is
    also a graph input) becomes an `npu.constant` of that value and leaves
    the signature, with a warning naming the input: the compiled model no
    longer takes it. The back end runs this first (a blob's weights are
    constants), after which the constants fold like any other.

    Before:
    ```mlir
    func.func @main(%x: tensor<3xf32>,
                    %w: tensor<3xf32> {npu.default = dense<2.0> : tensor<3xf32>})
    ```
    After:
    ```mlir
    func.func @main(%x: tensor<3xf32>) {
      %w = npu.constant dense<2.0> : tensor<3xf32>
    ```
  }];
  let dependentDialects = ["::npu::NPUDialect"];
}

def NPUDecomposeAvgPool : Pass<"npu-decompose-avg-pool", "mlir::func::FuncOp"> {
  let summary = "Average pools whose windows have different divisors become "
                "a window sum times a divisor map";
  let description = [{
    The DPU divides every window of an average pool by the kernel size.
    ONNX divides a window by the input elements in it (without
    `count_include_pad`), or by the positions of the explicitly padded
    input in it (with it): with padding, or with a `ceil_mode` window that
    passes the padded input, the divisors differ at the edges. Such a pool
    (1-d or 2-d, f32, static shapes, no dilation) becomes

    ```mlir
    %s = npu.conv %x, %ones {group = C, pads = ...}   // "NAME (window sum)"
    %y = npu.mul %s, %map                             // "NAME"
    ```

    with `%ones` = 2^-e as [C, 1, k...] weights (a depthwise convolution;
    2^e the kernel size rounded up to a power of two, so that the scaled
    sum is exact and its fp16 result stays within the inputs' range), the
    end padding grown so that the convolution gives the pool's output size
    (the extra positions add zeros), and `%map` = 2^e / divisor per output
    position, [1, 1, spatial...]. Pools whose windows all count the whole
    kernel are left alone. A pre-quantized model's pool (`npu.quant`, scale
    s): the multiply keeps its parameters, and the sum, which the model does
    not have, takes scale s 2^-e window (a whole window's sum on the mean's
    grid) with `npu.quant_from_consumer`, so that its DPU task writes f16.
  }];
  let dependentDialects = ["::npu::NPUDialect"];
}

def NPUDecomposeDataMovement
    : Pass<"npu-decompose-data-movement", "mlir::func::FuncOp"> {
  let summary = "DepthToSpace, SpaceToDepth, Tile, Expand and Pad become "
                "reshapes, transposes, slices and concatenations";
  let description = [{
    These ops only move data, and code generation moves data by DMA through
    `npu.reshape`, `npu.transpose`, `npu.slice`, `npu.concat` and constants,
    so each becomes those (the same values bit for bit, in every precision;
    intermediate ops are named `NAME (suffix)`, the last keeps the node's
    name):

    - `npu.depth_to_space` / `npu.space_to_depth` (4-d, DCR or CRD): a
      reshape to the blocks, one transpose, a reshape back;
    - `npu.tile`, and `npu.expand` after a reshape to the result's rank:
      each repeated axis by concatenations of doubling copies (log2 of the
      repeats joins, about twice the result's bytes moved);
    - `npu.pad`: negative pads as slices, then per padded axis a
      concatenation of the fill (`constant`: a constant of `value`),
      one-row slices (`reflect`), repeats of the edge row (`edge`) or the
      opposite end (`wrap`) around the input.

    A pre-quantized model's op (`npu.quant`, its Q/DQ parameters) passes
    them to every op it becomes (each holds some of its elements; a
    constant pad's fill too). Ops with dynamic shapes and `reflect` /
    `wrap` pads not smaller than the axis are left alone.
  }];
  let dependentDialects = ["::npu::NPUDialect"];
}

def NPUDecomposeReductions
    : Pass<"npu-decompose-reductions", "mlir::func::FuncOp"> {
  let summary = "L1 / L2 norms, sums of squares and log-sums become sums "
                "and maxima with elementwise ops";
  let description = [{
    The SHAVE kernels reduce by sum, mean, maximum and minimum only. So,
    over the same axes and with the same `keepdims`:

    - `npu.reduce_l1` becomes `reduce_sum(abs(x))`;
    - `npu.reduce_sum_square` becomes `reduce_sum(x * x)`, and
      `npu.reduce_l2` its `sqrt` (then a power-domain chain that
      `npu-fp32-islands` keeps in fp32: squares overflow fp16);
    - `npu.reduce_log_sum` becomes `log(reduce_sum(x))`;
    - `npu.reduce_log_sum_exp` becomes `m + log(reduce_sum(exp(x - m)))`
      with `m` the maximum over the axes (kept, to broadcast), so that no
      `exp` overflows.

    LpNormalization is imported as `x / reduce_l2(x)` (or `reduce_l1`), so
    it maps through these. Intermediate ops are named `NAME (suffix)`, the
    last keeps the node's name. Ops without axes and a pre-quantized
    model's ops are left alone.

    `npu.layer_norm` maps to one SHAVE `mvn` kernel when its scale and bias
    are constants and its `mean` / `inv_std_dev` results are unread (those
    are dropped). Otherwise (a scale given as a graph input, the statistics
    read) it becomes ONNX's function body: `mean = reduce_mean(x)`,
    `d = x - mean`, `inv_std_dev = reciprocal(sqrt(reduce_mean(d * d) +
    epsilon))`, `d * inv_std_dev * scale + bias`.

    `npu.hardmax` becomes `cast(equal(argmax(x), positions))` along its
    axis: the first maximum's one-hot (the argmax kernel; the indices
    compared with a constant [0, ..., n - 1] exactly).
  }];
  let dependentDialects = ["::npu::NPUDialect"];
}

def NPUFuseSiblingMatMuls : Pass<"npu-fuse-sibling-matmuls",
                                  "mlir::func::FuncOp"> {
  let summary = "Joins the matmuls of one input by constant matrices into "
                "one matmul";
  let description = [{
    Attention's query, key and value projections (and any other matmuls of
    one input `x` by constant 2-D matrices `W_i` [K, N_i], each read only
    by an add of a constant bias [N_i] (or [1, ..., 1, N_i], or of one
    value), or by anything when no sibling has such an add) become one matmul by the matrices joined along N, one add
    of the joined biases (zeros for a sibling without one), and a slice of
    the result per sibling, which takes the sibling's location (its tensor
    keeps its ONNX name). On the DPU that is one task that loads `x` once,
    where each projection loaded it, ran and stored before the next one's
    load could start on the DMA queues; the slices are views the next
    DPU ops load through (docs/codegen.md). Each output channel is computed
    as before, from the same weights and bias. A Gemm of such an `x`
    ([M, K], not transposed) by a constant B, with C absent or a constant
    of one value or one per column (2-D projections as torch.onnx writes
    `nn.Linear`), joins its siblings as the matmul by `alpha * op(B)` and
    the add of `beta * C`; a Gemm without sibling stays a Gemm. Matmuls with a
    pre-quantized model's parameters, of other element types than f32 and
    whose matrix is not a constant are left alone, and so are siblings one
    of whose results a convolution or a matmul by a constant reads (in
    int8 it reads that result's int8 codes, which a slice of the joined
    result would quantize again on a SHAVE). The joined matrices and
    biases are `npu.concat` of the constants, which `npu-fold-constants`
    folds.

    Before:
    ```mlir
    %q = npu.matmul %x, %wq : (tensor<1x128x256xf32>, tensor<256x256xf32>) -> tensor<1x128x256xf32>
    %qb = npu.add %q, %bq : (tensor<1x128x256xf32>, tensor<256xf32>) -> tensor<1x128x256xf32>
    %k = npu.matmul %x, %wk : ...
    %kb = npu.add %k, %bk : ...
    ```
    After:
    ```mlir
    %w = npu.concat %wq, %wk {axis = 1 : i64} : ... -> tensor<256x512xf32>
    %y = npu.matmul %x, %w : (tensor<1x128x256xf32>, tensor<256x512xf32>) -> tensor<1x128x512xf32>
    %b = npu.concat %bq, %bk {axis = 0 : i64} : ... -> tensor<512xf32>
    %yb = npu.add %y, %b : ...
    %qb = npu.slice %yb {starts = array<i64: 0, 0, 0>, steps = array<i64: 1, 1, 1>} : tensor<1x128x512xf32> to tensor<1x128x256xf32>
    %kb = npu.slice %yb {starts = array<i64: 0, 0, 256>, steps = array<i64: 1, 1, 1>} : tensor<1x128x512xf32> to tensor<1x128x256xf32>
    ```
  }];
  let dependentDialects = ["::npu::NPUDialect"];
}

def NPUDecomposeGemm : Pass<"npu-decompose-gemm", "mlir::func::FuncOp"> {
  let summary = "Gemm forms the DPU does not take become a transpose, a "
                "Gemm and an add";
  let description = [{
    The DPU runs `npu.gemm` as a convolution whose weights are `alpha *
    op(B)` and whose bias is `beta * C`, so it needs `A` untransposed and
    `C` absent or a constant of N elements or one. Other Gemms are
    rewritten (a pre-quantized model's annotated ones are left alone):

    - `trans_a`: `A` is transposed by an `npu.transpose` (`NAME (A
      transposed)`), a DMA;
    - any other `C` (an `[M, N]` or `[M, 1]` constant, a computed tensor):
      the Gemm drops it (`NAME (product)`) and an `npu.add` of `C` (times
      `beta` by an `npu.mul` when beta is not 1, `NAME (C scaled)`) gives
      the result (`NAME`).

    Before:
    ```mlir
    %y = npu.gemm %a, %w, %c {trans_a = true, beta = 2.0 : f32}
        : (tensor<64x8xf32>, tensor<64x32xf32>, tensor<8x32xf32>) -> tensor<8x32xf32>
    ```
    After:
    ```mlir
    %t = npu.transpose %a {perm = array<i64: 1, 0>} : (tensor<64x8xf32>) -> tensor<8x64xf32>
    %p = npu.gemm %t, %w : (tensor<8x64xf32>, tensor<64x32xf32>) -> tensor<8x32xf32>
    %s = npu.mul %c, %two : (tensor<8x32xf32>, tensor<f32>) -> tensor<8x32xf32>
    %y = npu.add %p, %s : (tensor<8x32xf32>, tensor<8x32xf32>) -> tensor<8x32xf32>
    ```
  }];
  let dependentDialects = ["::npu::NPUDialect"];
}

def NPUDecomposeEinsum : Pass<"npu-decompose-einsum", "mlir::func::FuncOp"> {
  let summary = "Einsum becomes transposes, reshapes and (batched) matmuls";
  let description = [{
    No engine runs an `npu.einsum` as such. Its operands are contracted two
    at a time (every equation form ONNX allows: explicit or implicit
    output, `...` broadcast dimensions, any number of operands):

    - an operand whose label has size 1 where another operand's has more
      drops it (it broadcasts; `NAME (operand i squeezed)`);
    - the pair whose product has the fewest elements goes first (greedy, as
      opt_einsum's greedy path; the first pair on a tie), so that no outer
      product is formed that a later contraction sums away;
    - labels that one operand of the pair holds and nothing else needs
      (the output, the other operands) are summed first (`npu.reduce_sum`,
      `NAME (product k lhs summed)`);
    - the pair is transposed to `[shared kept labels..., own labels...,
      summed labels...]` and `[shared kept..., summed..., own...]`, reshaped
      to `[batch..., M, K]` and `[batch..., K, N]` (`NAME (product k
      lhs)`, `NAME (product k rhs)`; more than 3 batch labels become one
      dimension, as SHAVE kernels and DMAs take 5) and multiplied by
      `npu.matmul` (`NAME (product k)`), then reshaped back to one
      dimension per label; a pair that sums no label is a broadcast
      `npu.mul` of `[batch..., M, 1]` and `[batch..., 1, N]` instead
      (outer and elementwise products);
    - the result is transposed to the output's order (`NAME`).

    So `bhqd,bhkd->bhqk` is one batched matmul with a transposed right-hand
    side, and `i,j->ij` one broadcast product. Left alone (and reported by
    the lowering with the reason): a label repeated within one operand (a
    diagonal), dynamic shapes, non-float tensors, and a pre-quantized
    model's ops (`npu.quant`).
  }];
  let dependentDialects = ["::npu::NPUDialect"];
}

def NPUDecomposeBandedSums
    : Pass<"npu-decompose-banded-sums", "mlir::func::FuncOp"> {
  let summary = "LRN becomes an fp32 island of shifted sums, CumSum a "
                "matmul with a constant 0/1 triangle";
  let description = [{
    Both sum a window of one axis:

    - `npu.lrn` (ONNX: `x / (bias + alpha / size * s)^beta`, `s` the sum
      of squares over channels `[c - floor((size - 1) / 2),
      c + ceil((size - 1) / 2)]`) runs its squares in fp32 on SHAVE, marked
      `npu.fp32` as `npu-fp32-islands` marks power-domain chains (squares of
      activations past 256 overflow fp16, and an int8 range of squares rounds
      the small ones to 0): `x * x` (`NAME (square)`), the window as the sum
      of `size` copies shifted along the channels, each a slice joined with
      zeros (`NAME (window)`, `NAME (window sum)`), times `alpha / size`,
      plus `bias`, to the power `-beta` (`NAME (denominator)`); then the
      product with `x` (`NAME`), outside the island;
    - `npu.cumsum` of a float tensor: the axis moved last (`NAME (axis
      last)`), the rows `[R, L]` (`NAME (rows)`) times an `[L, L]` triangle
      of ones (`NAME (running sum)`; lower-left, upper-right, with or
      without the diagonal for `reverse` and `exclusive`) on the DPU with
      fp32 accumulation, then the shape and order back (`NAME`).

    Runs after the back end's entry canonicalization (which would fold the
    island's ops into unmarked ones). Left alone (reported by the lowering
    as unmapped, with the reason): an LRN of rank below 2, a CumSum along
    an axis longer than 1024 (its matrix would take more than 2 MiB of fp16
    weights) or of integers, dynamic shapes, and a pre-quantized model's
    ops.
  }];
  let dependentDialects = ["::npu::NPUDialect"];
}

def NPUDecomposeDilatedConv
    : Pass<"npu-decompose-dilated-conv", "mlir::func::FuncOp"> {
  let summary = "Dilated convolutions past the DPU's kernel size become "
                "undilated ones, per phase or per tap";
  let description = [{
    The DPU has no dilation: a dilated convolution runs with its kernel
    expanded by zero taps, which fits only while the expanded kernel is at
    most 11 x 11 (a 3 x 3 kernel up to dilation 5). A 2-d convolution of one
    image, dilation dh x dw (not both 1), whose expanded kernel is larger,
    or a 1-d one as a 2-d one of one row (dilation 1 x d: a TCN's, a
    WaveNet's; the input and weights reshaped, the result reshaped back),
    is decomposed in one of two ways.

    **Per phase** (stride 1, padding a multiple of the dilation on every
    side: DeepLab's atrous convolutions, padding d (k - 1) / 2), for each
    phase (a, b) in dh x dw (below for dh = dw = d):

    - the input rows a, a + d, ... and columns b, b + d, ...: a strided
      `npu.slice` (`NAME (phase a,b input)`);
    - the undilated convolution of that phase with the same weights, bias
      and groups, padding the original's / d at the top and left and what
      gives ceil(OH / d) x ceil(OW / d) outputs at the bottom and right
      (`NAME (phase a,b)`);

    then the phases' outputs interleaved back, output (i d + a, j d + b)
    from phase (a, b) output (i, j), by reshapes and concatenations along
    the columns and then the rows, and cropped to the output's size
    (`NAME`). The input's phases are one `npu.range_group`, the outputs'
    another (one int8 scale each).

    **Per tap** (group 1, at most 25 taps, any stride and padding): the
    input padded (`npu.pad`) and, for each tap (ky, kx), sliced from (ky dh,
    kx dw) with the strides (`NAME (tap ky,kx)`), the slices concatenated
    along the channels (one `npu.range_group`), and one 1x1 convolution
    whose input channel t C + c is tap t of channel c (the weights
    transposed to [K, kh, kw, C] and reshaped: constants, folded), keeping
    the bias and the node's name.

    Each phase loads the whole weights again and is a strided slice moved
    element by element; each tap copies the input in runs of rows:
    `strategy=auto` takes taps for an ungrouped convolution and phases for
    a grouped one (per tap, a grouped 1x1 convolution would be one DPU task
    per group); `phases` and `taps` force one where it applies.

    An undilated kernel past 11 is decomposed per tap too (any number of
    taps whose copies hold at most 25 times the input's elements: an audio
    net's first layer, M5's 80 taps at stride 16 over a waveform), unless
    it is unpadded and its windows tile the input (kernel = stride) or
    number at most 256, which the lowering unfolds itself. A depthwise one
    of stride 1 with constant weights is the sum of depthwise convolutions
    of chunks of at most 11 taps per axis (`NAME (chunk y,x)`), each over
    the padded input sliced from its chunk's first tap, the bias with the
    first (a Conformer's 31 taps: chunks of 11, 11 and 9).

    The arithmetic of every output is the original's. Others
    stay unmapped and are reported by the lowering, and so do a
    pre-quantized model's (`npu.quant`, `npu.weight_scales`).
  }];
  let options = [
    Option<"strategy", "strategy", "std::string", "\"auto\"",
           "auto, phases or taps (see the description)">,
  ];
  let dependentDialects = ["::npu::NPUDialect"];
}

def NPUDecomposeRecurrent
    : Pass<"npu-decompose-recurrent", "mlir::func::FuncOp"> {
  let summary = "Unrolls npu.rnn, npu.gru and npu.lstm into matmuls and "
                "elementwise ops";
  let description = [{
    The NPU has no recurrent engine. Each layer becomes, for each direction
    (reverse and the second direction of a bidirectional layer run from the
    last step), over its static sequence length:

    - one `npu.gemm` of X, as [seq * batch, input], by W^T with Wb + Rb as
      its bias: the input projection of every step at once (a DPU task);
    - per step: the state times R^T (`npu.gemm`, a DPU task; a transpose
      and `npu.matmul` when R is not a constant), adds, the clip and gate
      activations (`npu.sigmoid`, `npu.tanh`, `npu.relu`, ...; Affine and
      ScaledTanh as multiplies and adds), products and slices (one per
      gate): GRU with `linear_before_reset` adds Rbh to the state product
      before the reset gate; LSTM peepholes multiply the cell state;
    - `sequence_lens` as a 0 / 1 mask per step, `[batch, 1]`: a masked
      element keeps its state (`H + m * (H' - H)`) and outputs `m * H'`. The
      masks of constant lengths are constants, and a step no element runs is
      skipped; lengths known only at run time compare the step with them
      (`npu.less`, `npu.cast`);
    - Y as a concat of the steps' states, Y_h / Y_c as the last ones.

    It runs at the back end's entry, before calibration, so that int8
    calibrates every step's tensors; the canonicalization after it folds the
    slices and transposes of constant weights.

    Before:
    ```mlir
    %y, %h = npu.rnn %x, %w, %r {direction = #npu.rnn_direction<forward>,
        hidden_size = 4 : i64, activations = ["Tanh"], ...}
        : tensor<2x1x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>
        -> y tensor<2x1x1x4xf32> y_h tensor<1x1x4xf32>
    ```
    After (W and R sliced to [4, 3] and [4, 4]):
    ```mlir
    %xw = npu.gemm %x2, %w0 {trans_b = true} : ... -> tensor<2x4xf32>
    %g0 = npu.slice %xw {starts = array<i64: 0, 0>, ...} : ... to tensor<1x4xf32>
    %s0 = npu.gemm %zeros, %r0 {trans_b = true} : ... -> tensor<1x4xf32>
    %h0 = npu.tanh (npu.add %g0, %s0)
    %g1 = npu.slice %xw {starts = array<i64: 1, 0>, ...}
    %h1 = npu.tanh (npu.add %g1, (npu.gemm %h0, %r0 {trans_b = true}))
    %y = npu.concat (reshapes of %h0, %h1) {axis = 0 : i64}
    ```
  }];
  let dependentDialects = ["::npu::NPUDialect"];
}

def NPUFp32Islands : Pass<"npu-fp32-islands", "mlir::func::FuncOp"> {
  let summary = "Keeps power-domain chains ending in a log or sqrt in fp32";
  let description = [{
    fp16 holds magnitudes from 2^-24 to 65504: 120 dB of power. A power
    spectrum (|STFT|^2 summed by a mel filter bank, then a logarithm, as in
    audio front ends) or a sum of squares under a square root needs more:
    int16-range audio squared reaches 10^13, and the quiet bins that a
    log-mel keeps sit 80 dB below the loud ones. Such chains are marked
    `npu.fp32` (unit attribute) and the lowering runs them as fp32 ACT-SHAVE
    kernels (docs/lowering.md, "fp32 islands").

    A chain (an island) is found backwards from each `npu.log` / `npu.sqrt`
    through add, sub, mul, div, max, min, clip, abs, relu, reduce_sum,
    reduce_mean, reduce_max, matmul, reshape and transpose, up to the ops
    that square: `npu.pow` by a constant exponent > 1, `npu.mul` of a value
    by itself, `npu.exp`. The island is the sink and every op of that cone
    that depends on a squaring op.

    The values squared may overflow before the island too. When one is
    produced, through reshapes and transposes each used once, by
    - a framing convolution of the raw input (1-D, one input channel, no
      padding or dilation, a graph input through reshapes: an audio front
      end's DFT) of at most 2^26 multiply-accumulates, that convolution
      joins the island as fp32 matmuls over rows of `stride` samples (one
      per row offset, summed), so the samples keep their f32 precision;
    - another convolution or matmul with constant weights, which stays on
      the DPU (f16 output), its weights and bias are scaled by 2^-k, where
      k is the smallest shift that keeps 65504 x max_m(sum |w_m|) + max |b|
      (the output's bound for any fp16 input) within 65504, and an fp32
      multiply by 2^k starts the island. Powers of two scale exactly: the
      float graph computes the same values.

    Before:
    ```mlir
    %s = npu.conv %x, %w {...} : (tensor<1x1x1760xf32>, tensor<257x1x512xf32>) -> tensor<1x257x8xf32>
    %p = npu.pow %s, %two : (tensor<1x257x8xf32>, tensor<f32>) -> tensor<1x257x8xf32>
    %l = npu.log %p : tensor<1x257x8xf32>
    ```
    After:
    ```mlir
    %s = npu.conv %x, %w_scaled {...} : ...
    %e = npu.mul %s, %c256 {npu.fp32} : (tensor<1x257x8xf32>, tensor<f32>) -> tensor<1x257x8xf32>
    %p = npu.pow %e, %two {npu.fp32} : ...
    %l = npu.log %p {npu.fp32} : tensor<1x257x8xf32>
    ```
  }];
  let dependentDialects = ["::npu::NPUDialect"];
}

//===----------------------------------------------------------------------===//
// Calibration
//===----------------------------------------------------------------------===//

def NPUEqualizeChannels
    : Pass<"npu-equalize-channels", "mlir::func::FuncOp"> {
  let summary = "Rescales the channels of depthwise convolutions' int8 "
                "inputs to the tensor's whole range";
  let description = [{
    Runs on the calibrated stage (int8 and mixed precision), after
    `npu-calibrate`. A tensor read only by depthwise convolutions, with
    per-channel extremes from calibration (`npu.channel_range`), and whose
    producer can scale each output channel for free (an `npu.conv`'s
    weights and bias; the constants of `npu.mul` by a constant, or of
    `npu.add` by a constant of such a product) gets channel c multiplied by
    r_c, the largest power of two up to `max-scale` that keeps the channel's
    observed extremes inside the tensor's calibrated range divided by
    `headroom`; the depthwise
    weights of channel c are divided by r_c. The float function is the same
    (powers of two: exactly, up to the producer's rounding); int8 gives a
    channel that used a tenth of the range ten times as many levels, and
    per-channel int8 weights absorb 1 / r_c exactly.

    The rescaled tensor no longer holds the ONNX tensor: its producer's
    location becomes `NAME (equalized)` (so npu-compare and
    `--expose-tensors` do not compare it with ONNX Runtime's), and it
    records the factors as `npu.channel_scale`. Tensors without
    `npu.channel_range` (fp16, tables without `@channels`) are unchanged.

    Before (channel 1 observed in [0, 0.5] of the range [0, 4]):
    ```mlir
    %t = npu.conv %x, %w, %b {npu.channel_range = array<f32: 0.0, 4.0, 0.0, 0.5>,
                               npu.range = array<f32: 0.0, 4.0>, ...}
    %y = npu.conv %t, %dw, %db {group = 2 : i64, ...}
    ```
    After: `%w` and `%b` of channel 1 times 4 (the 8 that fills the range,
    halved by the default `headroom`), `%dw` of channel 1 divided by 4,
    `npu.channel_scale = array<f32: 1.0, 4.0>`.
  }];
  let options = [
    Option<"maxScale", "max-scale", "double", "8.0",
           "Largest factor applied to a channel">,
    Option<"headroom", "headroom", "double", "2.0",
           "Margin left above each channel's calibrated extremes: a channel "
           "fills at most 1 / headroom of the tensor's range">,
  ];
  let dependentDialects = ["::npu::NPUDialect"];
}

def NPUCalibrate : Pass<"npu-calibrate", "mlir::ModuleOp"> {
  let summary = "Records the float range of every tensor for int8 quantization";
  let description = [{
    Runs the reference interpreter on calibration samples over the module's
    function (its only `func.func`, or `@main`), observes every float op
    result and float function argument, and chooses a range per tensor
    (min-max; the range keeping `percentile` % of the |values| mass; the
    per-sign KL-divergence thresholds; the range of least expected squared
    int8 error; or auto, per tensor the one of these whose fake-quantized
    values have the highest cosine similarity to the float values;
    docs/calibration.md). The range is attached as a discardable attribute:
    `npu.range = array<f32: lo, hi>` on single-result ops and as an
    argument attribute; multi-result ops get `npu.ranges`, one array per
    result (empty for non-float results). Ranges include 0 and have
    hi > lo. Constants get their min-max range.

    Samples come from `data` (a directory of `.npy` files, one sub-folder
    of `.npy` files per input, or `.npz` archives), or, without `data`,
    8 generated standard-normal samples (a warning says that int8 accuracy
    is then unvalidated). `table` writes the ranges as an editable text
    table; `use-table` reads them back instead of running the model (every
    float tensor must be in the table). Tensors are keyed by the op's
    location name (the ONNX node name), `#i` for result i > 0, and the
    argument's `npu.name`; duplicates get `#2`, `#3`, ... in graph order.

    Ops with the same `npu.range_group` take the union of their ranges. So
    do the `[1, C, H, W]` maps (C a multiple of 16) joined by
    concatenations, splits and channel slices along the channels, join by
    join in graph order, where every map keeps a range at least half as
    wide as its group's union (docs/calibration.md, "Channel splits and
    concatenations"), so that int8 moves their codes; not on a table read
    back with `use-table`, which holds these ranges already and whose edits
    stand.

    With `weight-rounding=gptq` (the default), the f32 weights of every
    convolution (group 1 with C * kh * kw <= 576, or depthwise) and of
    every matmul / gemm with a constant 2-d right-hand side (K <= 576) are
    replaced by the int8 levels that data-aware rounding chooses, times the
    channel's scale max|w| / 127: the pass measures the second moments H of
    the op's input patches (rows, for a matrix product) on the samples and
    rounds each output channel's weights one after the other, in the order
    of decreasing input power, spreading each rounding error over the
    weights not yet rounded (GPTQ; docs/calibration.md). The int8
    lowering then quantizes them exactly, and the layer's output error
    dw^T H dw is smaller than with nearest rounding. Such an op
    gets `npu.weight_rounding = "gptq"`; the table records the levels that
    differ from nearest rounding (`@rounding` lines), so `use-table` gives
    the same weights. Skipped: pre-quantized weights (`npu.weight_scales`),
    weights shared by several ops, grouped convolutions, fp32 ops
    (`npu.fp32`).

    Before:
    ```mlir
    func.func @main(%x: tensor<1x8xf32> {npu.name = "x"}) -> tensor<1x8xf32> {
      %r = npu.relu %x : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("relu_0")
      return %r : tensor<1x8xf32>
    }
    ```
    After:
    ```mlir
    func.func @main(%x: tensor<1x8xf32> {npu.name = "x",
                                          npu.range = array<f32: -3.1, 2.9>}) ... {
      %r = npu.relu %x {npu.range = array<f32: 0.0, 2.9>} : ... loc("relu_0")
      return %r : tensor<1x8xf32>
    }
    ```
  }];
  let options = [
    Option<"data", "data", "std::string", /*default=*/"\"\"",
           "Directory of calibration samples (.npy, per-input folders, .npz); "
           "empty: generated samples">,
    ListOption<"toolFolders", "tool-folders", "std::string",
               "Sub-folders of data that a tool writes there (npu-compare's "
               "ort): left out, as other sub-folders beside samples, but "
               "not named in the warning">,
    Option<"method", "method", "std::string", /*default=*/"\"percentile\"",
           "How ranges are chosen: minmax, percentile, entropy, mse or auto">,
    Option<"percentile", "percentile", "double", /*default=*/"99.99",
           "Percentile method (and auto's percentile candidate): % of the "
           "|values| mass the range keeps, in [50, 100]">,
    Option<"symmetric", "symmetric", "bool", /*default=*/"false",
           "Percentile method: one threshold for both signs ([-T, T])">,
    Option<"samples", "samples", "int64_t", /*default=*/"0",
           "Use at most this many samples (0: all; generated: 8)">,
    Option<"table", "table", "std::string", /*default=*/"\"\"",
           "Write the calibration table to this file">,
    Option<"useTable", "use-table", "std::string", /*default=*/"\"\"",
           "Read the ranges from this calibration table instead of running "
           "the model">,
    Option<"weightRounding", "weight-rounding", "std::string",
           /*default=*/"\"gptq\"",
           "int8 weight levels of convolutions: gptq (data-aware, from the "
           "samples or the table's @rounding lines) or nearest">,
    Option<"keepFloatWeights", "keep-float-weights", "bool",
           /*default=*/"false",
           "Keep the float weights of the ops whose weights data-aware "
           "rounding chose as npu.float_weights (for npu-select-precision: "
           "fp16 layers use them)">,
  ];
  let dependentDialects = ["::npu::NPUDialect"];
}

#endif // NPU_DIALECT_NPU_TRANSFORMS_PASSES_TD
