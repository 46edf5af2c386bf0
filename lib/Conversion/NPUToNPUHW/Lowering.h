//===- Lowering.h - Shared state of the lowering to hardware ops -*- C++
//-*-===//
//
// Private to lib/Conversion/NPUToNPUHW. The lowering walks a canonical
// function once, in order, building the hardware-op form of every op in
// front of it; `Lowering` maps each old value to its new (f16) value and
// provides the building blocks: f16 constants, the NCHW <-> [H, W, C]
// layout changes with channel padding, SHAVE kernel invocations.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_CONVERSION_NPUTONPUHW_LOWERING_H
#define NPU_LIB_CONVERSION_NPUTONPUHW_LOWERING_H

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"
#include "npu/Support/HostTensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"

#include <cmath>
#include <optional>
#include <string>

namespace npu::lowering {

/// Channel granularity of DPU tensors (HARDWARE.md: channels aligned to 16;
/// 4 for a compressed first-layer input).
constexpr int64_t kChannelAlignment = 16;
int64_t alignChannels(int64_t c);

/// Affine int8 quantization of an activation tensor (per tensor):
/// real = (q - zeroPoint) * scale.
struct QuantParams {
  float scale = 1.0f;
  int32_t zeroPoint = 0;
};

/// The calibrated range of an old value (`npu.range` on its op or argument,
/// one entry of `npu.ranges` for multi-result ops); null if it has none.
mlir::DenseF32ArrayAttr rangeAttrOf(mlir::Value old);

/// The int8 parameters of a calibrated range [lo, hi] (lo <= 0 <= hi):
/// scale (hi - lo) / 255, zero point round(-128 - lo / scale); 0 is exact.
QuantParams quantParamsForRange(float lo, float hi);

struct DebugTensors;

/// For each old op lowered with int8 DPU arithmetic, the old values whose
/// int8 parameters its lowering uses (its quantized inputs and result):
/// the tensors that are int8 on the device when that op is (the
/// mixed-precision search simulates exactly these).
using QuantizedTensors =
    llvm::DenseMap<mlir::Operation *, llvm::SmallVector<mlir::Value, 2>>;

/// The activation and clamp fused into a DPU task, in real units.
struct FusedPostProcess {
  hw::Activation activation = hw::Activation::none;
  float leakyAlpha = 0.0f;
  float clampLow = -INFINITY, clampHigh = INFINITY;
};

/// Sets `op`'s float post-processing (an f16 result: npu::arch::ppeFloat)
/// to `pp`.
template <typename OpT>
void setFloatPostProcess(OpT op, const FusedPostProcess &pp) {
  op.setActivation(pp.activation);
  op.setLeakyAlpha(llvm::APFloat(pp.leakyAlpha));
  op.setFclampLow(llvm::APFloat(pp.clampLow));
  op.setFclampHigh(llvm::APFloat(pp.clampHigh));
}

/// How an int8 DPU task writes its result as f16 instead (the PPE's float
/// path, npu::arch::ppeFloat, on the int32 accumulator): recorded for every
/// int8 DPU task, used by writeF16WhereDequantized.
struct FloatOutputForm {
  /// The old value the task computes, and the old op it was lowered for
  /// (whose QuantizedTensors entry lists that value).
  mlir::Value old;
  mlir::Operation *current = nullptr;
  /// A task with a weight table: the table with each channel's
  /// requantization word replaced by the f32 value of one accumulator unit
  /// (s_in * s_w[k]). Otherwise null, and `scale` is that value.
  std::optional<HostTensor> table;
  float scale = 1.0f;
  FusedPostProcess post;
};

class Lowering {
public:
  Lowering(mlir::OpBuilder &b, bool int8) : b(b), int8(int8) {}

  mlir::OpBuilder &b;
  /// DPU tasks compute in int8 (calibrated ranges on the old ops); SHAVE
  /// kernels stay fp16, with quantize / dequantize kernels in between. Set
  /// per op in mixed precision.
  bool int8;
  /// The old op being lowered, and where to record the tensors it
  /// quantizes (null: not recorded).
  mlir::Operation *current = nullptr;
  QuantizedTensors *recorder = nullptr;
  /// Values the lowering made from the graph's own (a batched window op's
  /// per-image copies' results and image slices), recorded as the
  /// originals they stand for.
  llvm::DenseMap<mlir::Value, mlir::Value> valueOrigins;
  /// Records that `current` uses the int8 parameters of `old`.
  void record(mlir::Value old);
  /// Every int8 DPU task, in emission order, with its f16-output form.
  llvm::MapVector<mlir::Operation *, FloatOutputForm> floatOutputs;
  /// The value `current` records for `old` (its batch original, if any).
  mlir::Value recordedValue(mlir::Value old) const {
    mlir::Value original = valueOrigins.lookup(old);
    return original ? original : old;
  }
  /// Old values whose int8 parameters are another old value's: a max pool's
  /// result keeps its input's quantization (its own range is not used), so
  /// the readers of its int8 form record the input (transitively).
  llvm::DenseMap<mlir::Value, mlir::Value> paramsSource;
  /// The old value whose int8 parameters `old`'s are (recordedValue, then
  /// paramsSource): what record() records for it.
  mlir::Value parametersOf(mlir::Value old) const {
    mlir::Value v = recordedValue(old);
    mlir::Value source = paramsSource.lookup(v);
    return source ? source : v;
  }
  mlir::IRMapping map;
  /// Old ops folded into the lowering of an earlier op (a bias add or an
  /// activation in a DPU task's post-processing): not lowered again.
  llvm::DenseSet<mlir::Operation *> fused;
  /// [H, W, Cp] forms of old [1, C, H, W] values: f16, and int8.
  llvm::DenseMap<mlir::Value, mlir::Value> hwcForms;
  llvm::DenseMap<mlir::Value, mlir::Value> quantForms;
  /// The result of a transposed convolution whose kernel is its stride,
  /// unpadded, before its phases are interleaved: `phases` is the DPU
  /// task's [H, W, Kp] result (f16, or int8), channel (ry, rx, m) at
  /// (ry sw + rx) mp + m for m < `channels` (DpuLowering.cpp).
  struct PhaseForm {
    mlir::Value phases;
    int64_t sh = 1, sw = 1, mp = 1, channels = 1;
  };
  llvm::DenseMap<mlir::Value, PhaseForm> phaseForms;

  /// fp32 values of old values computed in an fp32 island (npu.fp32 ops,
  /// fp32 SHAVE kernels), and fp32 forms of values used by one.
  llvm::DenseMap<mlir::Value, mlir::Value> f32Forms;

  mlir::Type f16() { return b.getF16Type(); }
  mlir::RankedTensorType f16Type(llvm::ArrayRef<int64_t> shape) {
    return mlir::RankedTensorType::get(shape, f16());
  }

  /// The lowered (f16) value of an old value; constants are converted on
  /// first use, and a value known only in [H, W, C] layout is converted
  /// back to its NCHW shape right after it is computed. A value computed
  /// in fp32 is converted to f16 right after it is computed.
  mlir::Value get(mlir::Value old);
  /// The fp32 value of an old value for an fp32 kernel: its fp32 island
  /// result, an f32 graph input as it is, an f32 constant, or its f16 value
  /// converted at the current insertion point.
  mlir::Value getF32(mlir::Value old);
  /// What an op reads for `old`: getF32 in an fp32 island, else get.
  mlir::Value get(mlir::Value old, bool fp32) {
    return fp32 ? getF32(old) : get(old);
  }
  /// Records `v` as the lowered value of `old`: its f32 form when an fp32
  /// island computes it in f32, else its (f16 or integer) value.
  void set(mlir::Value old, mlir::Value v, bool fp32);

  /// Layout of DPU data. A [1, C, H, W] value computed by a DPU task (or by
  /// a SHAVE elementwise op on such values) is kept as its [H, W, Cp]
  /// channel-padded form, so that chains of DPU tasks and the elementwise
  /// ops between them need no layout change; `get` converts to NCHW only
  /// for consumers that need it.
  /// Records `hwc` ([H, W, Cp]) as the layout of the 4-d `old`; other
  /// shapes are mapped to their NCHW form at once.
  void setHWC(mlir::Location loc, mlir::Value old, mlir::Value hwc);
  /// The recorded f16 [H, W, Cp] form of `old` (dequantized from the int8
  /// form on first use), or null.
  mlir::Value cachedHWC(mlir::Value old);
  /// Cp of the recorded [H, W, Cp] form (f16 or int8) of `old`, without
  /// converting anything; 0 when it has none.
  int64_t recordedChannels(mlir::Value old) const;
  /// `old` ([1, C, H, W], with a recorded [H, W, Cp] form) as f16
  /// [H, W, C], its real channels only: sliced from the int8 form before
  /// dequantizing (only the real channels are converted) or from the f16
  /// form.
  mlir::Value compactHWC(mlir::Location loc, mlir::Value old);

  /// int8: the calibrated quantization of an old value; failure (with
  /// `reason`) when it has no range.
  mlir::FailureOr<QuantParams> quantOf(mlir::Value old, std::string &reason);
  /// The quantized element type of `q`.
  mlir::Type quantType(const QuantParams &q);
  /// int8: `old` ([1, C, H, W]) as a quantized [H, W, cp] tensor: the
  /// recorded int8 form (one of fewer channels padded by repeatChannels,
  /// not dequantized, padded with zeros and quantized again), or the f16
  /// form quantized on a SHAVE.
  mlir::FailureOr<mlir::Value> quantHWC(mlir::Location loc, mlir::Value old,
                                        int64_t cp, std::string &reason);
  /// Quantizes an f16 value with `old`'s parameters.
  mlir::FailureOr<mlir::Value> quantize(mlir::Location loc, mlir::Value f16,
                                        mlir::Value old, std::string &reason);
  /// An int8 value back to f16.
  mlir::Value dequantize(mlir::Location loc, mlir::Value q);
  /// int8: a SHAVE op's result `old` that carries a pre-quantized model's
  /// own parameters (`npu.quant`, a Q/DQ pair in the model) is put on their
  /// grid as the pair does: quantized (rounded, clamped to the int8 range)
  /// and dequantized on SHAVE. An [H, W, Cp] result keeps the int8 form for
  /// DPU readers and dequantizes for the others on first use. A ReLU the
  /// model leaves to the pair's saturation (uint8, zero point 0) is applied
  /// so. No-op for other values, and in fp16.
  mlir::LogicalResult keepQuantGrid(mlir::Location loc, mlir::Value old,
                                    std::string &reason);
  /// Records the int8 [H, W, Cp] result of a DPU task as `old`'s value.
  void setQuantHWC(mlir::Location loc, mlir::Value old, mlir::Value q);

  /// The input of a DPU task: `old` ([1, C, H, W]) as [H, W, cp], f16 or
  /// (int8) quantized.
  mlir::FailureOr<mlir::Value> dpuInput(mlir::Location loc, mlir::Value old,
                                        int64_t cp, std::string &reason);
  /// An f16 value computed for `old` made a DPU input (quantized in int8).
  mlir::FailureOr<mlir::Value> dpuDomain(mlir::Location loc, mlir::Value f16,
                                         mlir::Value old, std::string &reason);
  /// Records a DPU task's [H, W, Cp] result (f16 or int8) as `old`'s value.
  void setDpuResult(mlir::Location loc, mlir::Value old, mlir::Value y);
  /// `old` ([1, C, H, W]) as [H, W, cp]: the recorded form with its
  /// channels adjusted, or a layout change of the NCHW value.
  mlir::Value hwcFor(mlir::Location loc, mlir::Value old, int64_t cp);
  /// The value of every element of a float constant operand of the old
  /// graph whose elements are all equal; nullopt otherwise.
  std::optional<float> splatValue(mlir::Value old);
  /// The value of a constant operand of the old graph as a host tensor
  /// (f32 for float constants); nullopt when it is not a constant.
  std::optional<HostTensor> constantValue(mlir::Value old);
  /// A float (or boolean) constant as f16, finite values beyond f16's range
  /// saturated to +-65504 instead of becoming infinite: a mask of
  /// finfo(float32).min times 0 stays 0 (inf times 0 would be NaN), and
  /// -65504 masks a softmax as -3.4e38 does. Infinities stay infinite.
  static HostTensor toF16Saturated(const HostTensor &t);

  /// A constant from a host tensor, with `type`'s element type (which must
  /// match the tensor's dtype).
  mlir::Value constant(mlir::Location loc, const HostTensor &t,
                       mlir::RankedTensorType type);
  /// A zero-filled f16 constant.
  mlir::Value zeros(mlir::Location loc, llvm::ArrayRef<int64_t> shape);

  /// [1, C, H, W] f16 -> [H, W, Cp] with channels zero-padded to `cp`.
  mlir::Value toHWC(mlir::Location loc, mlir::Value nchw, int64_t cp);
  /// [H, W, Kp] -> [1, K, H, W], dropping padded channels.
  mlir::Value toNCHW(mlir::Location loc, mlir::Value hwc, int64_t k);
  /// A row-major reinterpretation (no data movement).
  mlir::Value reshape(mlir::Location loc, mlir::Value v,
                      llvm::ArrayRef<int64_t> shape);
  /// The box [offsets, offsets + sizes) of `v`, unit steps.
  mlir::Value slice(mlir::Location loc, mlir::Value v,
                    llvm::ArrayRef<int64_t> offsets,
                    llvm::ArrayRef<int64_t> sizes);
  mlir::Value concat(mlir::Location loc, mlir::ValueRange values, int64_t axis);
  mlir::Value transpose(mlir::Location loc, mlir::Value v,
                        llvm::ArrayRef<int64_t> perm);

  /// One SHAVE kernel invocation with a single result of `type`.
  mlir::Value shave(mlir::Location loc, llvm::StringRef kernel,
                    mlir::ValueRange inputs, mlir::RankedTensorType type,
                    llvm::ArrayRef<float> fparams = {},
                    llvm::ArrayRef<int64_t> iparams = {});
};

/// The ops that stay fp16 in a mixed-precision compile carry this unit
/// attribute (npu-select-precision sets it on the op a DPU task is lowered
/// from).
constexpr llvm::StringLiteral kFp16Attr = "npu.fp16";

/// Lowers the body of `func` (a canonical function; for int8 and mixed,
/// calibrated): `precision` is "int8", "fp16" or "mixed" (int8 except the
/// ops marked kFp16Attr). All ops that map to no engine are reported at
/// once and the function is left unchanged. With `recorder`, the tensors
/// each int8 op quantizes are recorded. With `warn`, a tensor held in f16
/// whose calibrated range passes f16's is warned about (off for the
/// mixed-precision search's lowered copies).
mlir::LogicalResult lowerFunction(mlir::func::FuncOp func,
                                  llvm::StringRef precision,
                                  DebugTensors &debug,
                                  QuantizedTensors *recorder = nullptr,
                                  bool warn = true);

/// After the whole function is lowered: every int8 DPU task whose result is
/// read only by `dequantize` kernels (SHAVE consumers, fp16 layers, graph
/// outputs) writes f16 directly, and those kernels go. Its result is then
/// neither rounded to the int8 grid nor clipped to the calibrated range.
/// `recorder` no longer lists a result as its producer's when only
/// dequantize kernels and DPU tasks read it (the DPU tasks list it when
/// they read it in int8). A task marked npu.debug_corrupt stays int8 (the
/// corruption perturbs its output zero point); so does a value with a
/// pre-quantized model's own parameters (npu.quant).
void writeF16WhereDequantized(Lowering &l, QuantizedTensors *recorder);
/// Before writeF16WhereDequantized: each dequantize -> elementwise f16
/// kernel -> quantize chain between int8 tensors (each op read only by the
/// next) becomes one `lut` kernel through a 256-entry table of the chain's
/// results, where the cycle model of `func`'s target charges the lookup
/// less (LookupTables.cpp). Bit for bit the chain's results.
void lookUpInt8Activations(Lowering &l, mlir::func::FuncOp func);
/// The ops after convolution or transposed convolution `conv` that its DPU
/// task fuses (a bias add, an activation, a clamp; DpuLowering.cpp), in
/// order, in `l`'s precision; nothing is changed.
llvm::SmallVector<mlir::Operation *, 4> convEpilogue(Lowering &l,
                                                     mlir::Operation *conv);
/// Lowers one op of the canonical graph. Returns failure() after recording
/// why in `reason` when the op maps to no engine (nothing is emitted then);
/// success() when `op` is not of this family is signalled by returning
/// std::nullopt.
using LowerResult = std::optional<mlir::LogicalResult>;
LowerResult lowerDpuOp(Lowering &l, mlir::Operation *op, std::string &reason);
LowerResult lowerShaveOp(Lowering &l, mlir::Operation *op, std::string &reason);
LowerResult lowerDataMovementOp(Lowering &l, mlir::Operation *op,
                                std::string &reason);
/// int8: a slice along the channels (from a multiple of 16) of a
/// [1, C, H, W] map whose result has the input's calibrated range, or a
/// concatenation along them of such maps whose operands all have the
/// result's range (npu-calibrate joins such maps), all with C a multiple
/// of 16 and read only by convolutions, pools, adds or further such moves,
/// moves int8 [H, W, C] codes: a slice of the input's int8 form (quantized
/// once where it has none), or the operands' int8 forms concatenated along
/// C (one whose form kept other parameters, a max pool's input's,
/// requantized). std::nullopt for any other op (Int8DataMovement.cpp).
LowerResult lowerInt8ChannelMove(Lowering &l, mlir::Operation *op,
                                 std::string &reason);

/// A DPU input `v` whose last axis holds its channels, padded along it to
/// `cp` by repeating its first channels: every DPU task reads padding
/// channels with zero weights (convolutions) or computes only padding
/// channels of its result from them (the lowering slices them off), so
/// their values do not matter, and an int8 tensor needs no quantized zeros
/// (Lowering.cpp).
mlir::Value repeatChannels(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value v, int64_t cp);
/// Clones `views` (reshapes, transposes, slices, in order, each reading the
/// one before) at `b`'s insertion point onto `v`, which has the first
/// view's input shape, in `v`'s element type; returns the last one's
/// result (`v` when there are none).
mlir::Value replayViews(mlir::OpBuilder &b,
                        llvm::ArrayRef<mlir::Operation *> views, mlir::Value v);

/// After the lowering: each quantize that reads a value through reshapes,
/// transposes or slices moves before them, onto the value itself, where
/// that quantizes no more elements than before (the quantizes of slices
/// covering the value together); quantizes of one value with the same
/// parameters become one. Bit for bit the same results (HoistQuantize.cpp).
void hoistQuantizes(mlir::Block &body);
/// After hoistQuantizes and the graph inputs' direct quantization (whose
/// channel padding by a concatenation of zeros it leaves alone): each
/// quantize of a concatenation whose operands are constants or views of
/// values quantized so already, but one, quantizes the operands instead
/// (the constants' quantizes depend on nothing), then hoistQuantizes
/// again: the concatenation moves int8 (a causal convolution's zero padding
/// before its input). Bit for bit the same results.
void hoistQuantizesThroughConcats(mlir::Block &body);
/// Before writeF16WhereDequantized: a quantize that reads a dequantize
/// (directly or through reshapes, transposes or slices) with the same
/// parameters
/// becomes those views of the dequantize's int8 input (exact where
/// roundTripExact holds): the DPU task computing it keeps writing int8.
void foldRoundTripsThroughViews(mlir::Block &body);
/// Whether int8 codes dequantized to f16 with `scale` and quantized back
/// with the same parameters are the same codes.
bool roundTripExact(float scale);
/// Before writeF16WhereDequantized, after foldRoundTripsThroughViews: an
/// int8 pooling task (max or average: no weight table) whose result is read
/// only by one dequantize, itself read only by quantizes with one set of
/// other parameters (directly or through reshapes, transposes or slices),
/// writes its result with those parameters: the PPE requantizes (mult and
/// shift of its scale over theirs) where the f16 result was quantized again
/// on a SHAVE. A global max pool before a classifier's Gemm, whose result
/// keeps its input's quantization while the Gemm reads it with its own
/// calibrated range (HoistQuantize.cpp).
void requantizeInPools(Lowering &l);
/// Before writeF16WhereDequantized: a dequantize of a concatenation (read
/// by nothing else) of DPU tasks' results, or slices of them, each read
/// only so, becomes the concatenation of their dequantizes: each task then
/// writes f16 (a grouped convolution's groups, concatenated as a graph
/// output or a SHAVE op's input).
void splitDequantizedConcats(mlir::Block &body);
/// The PPE's fixed-point form of a positive real multiplier M:
/// M ~= mult / 2^shift with mult a 16-bit unsigned integer, the largest
/// shift (most precision) that keeps mult <= 65535; {0, 0} for M <= 0.
std::pair<uint32_t, unsigned> fixedPoint(double m);

/// Reports the ops that map to no engine (with why, when known) as one
/// error at `func` and one note per ONNX node, in the model's terms
/// (Unsupported.cpp).
void reportUnsupported(
    mlir::func::FuncOp func,
    llvm::ArrayRef<std::pair<mlir::Operation *, std::string>> unsupported);

/// Whether an [H, W, Cp] form of C real channels is mostly padding (Cp >=
/// 4 C: a DPU result of one to three channels padded to 16, such as a
/// detector's probability map), so that SHAVE work on it takes the C real
/// channels only (Lowering::compactHWC).
inline bool mostlyPadding(int64_t cp, int64_t c) { return cp >= 4 * c; }

/// Whether `op` (may be null) is a DPU task: a convolution (matmul, pool)
/// or an elementwise add / subtract of npuhw.
inline bool isDpuTask(mlir::Operation *op) {
  return llvm::isa_and_present<hw::DpuConvOp, hw::DpuEltwiseOp>(op);
}

/// The location of the ONNX node `loc` belongs to: the name whose child
/// holds the node's operator (a decomposed node's ops are named "NAME
/// (suffix)" around it); null for ops without one (Unsupported.cpp).
mlir::NameLoc nodeLocation(mlir::Location loc);

/// The SHAVE kernel an elementwise op of one operand lowers to, with its
/// float parameters (sigmoid, tanh, hsigmoid [alpha, beta], clamp [lo, hi],
/// ...; ShaveLowering.cpp).
struct UnaryKernel {
  llvm::StringRef kernel;
  llvm::SmallVector<float> fparams;
};
/// nullopt when `op` is no such op.
std::optional<UnaryKernel> unaryKernel(mlir::Operation *op);

/// The tensors a debug build exposes or corrupts (DebugTensors.cpp), as old
/// values with their keys (TensorKeys.h).
struct DebugTensors {
  std::vector<std::pair<mlir::Value, std::string>> exposed;
  std::pair<mlir::Value, std::string> corrupted;
  /// Warn about named tensors that cannot be exposed (not for `all`).
  bool warnSkipped = false;
  /// Follows a pass that replaced `from` by `to`.
  void replace(mlir::Value from, mlir::Value to);
  /// Whether `v` is exposed or corrupted.
  bool selects(mlir::Value v) const;
};

/// Chooses the tensors: `expose` holds keys or the single name "all" (every
/// computed tensor); `corrupt` a key or "". An unknown name is an error at
/// the function naming some valid ones.
mlir::LogicalResult selectDebugTensors(mlir::func::FuncOp func,
                                       llvm::ArrayRef<std::string> expose,
                                       llvm::StringRef corrupt,
                                       DebugTensors &selected);
/// After the whole function is lowered: appends every exposed tensor that a
/// device buffer holds as a function result named (`npu.name`) after its
/// key, in the ONNX shape and type, as graph outputs are.
mlir::LogicalResult exposeTensors(Lowering &l, mlir::func::FuncOp func,
                                  const DebugTensors &selected);
/// Marks the DPU task computing the corrupted tensor with the unit
/// attribute `npu.debug_corrupt` (code generation perturbs its output zero
/// point); an error when no DPU task computes it.
mlir::LogicalResult markCorrupted(Lowering &l, const DebugTensors &selected);

} // namespace npu::lowering

#endif // NPU_LIB_CONVERSION_NPUTONPUHW_LOWERING_H
