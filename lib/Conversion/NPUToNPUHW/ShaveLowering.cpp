//===- ShaveLowering.cpp - Ops the DPU cannot run, onto ACT-SHAVE kernels -===//
//
// Elementwise ops, softmax, reductions, resize, layer and mean-variance
// normalisation and matmuls of two activations become npuhw.shave
// invocations on f16 tensors in the op's own layout. Operands of lower rank
// are reshaped to the result's rank (the kernels broadcast dimensions of
// size 1).
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "npu/Arch/ShaveKernels.h"
#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/IR/ScalarAttr.h"
#include "npu/Dialect/NPU/IR/ShapeUtils.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"
#include "npu/Support/HostTensor.h"
#include "npu/Support/RepeatByDoubling.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;

namespace npu::lowering {

namespace {

/// Why npu-decompose-einsum left `op` (the forms it does not rewrite).
std::string einsumLeftReason(EinsumOp op) {
  auto t = cast<RankedTensorType>(op.getType());
  if (!isa<FloatType>(t.getElementType()))
    return "an einsum of integers (the NPU computes in float)";
  std::string error;
  auto spec = parseEinsum(op.getEquation(), op.getInputs().size(), error);
  if (spec) {
    for (const std::string &term : spec->inputs)
      for (size_t i = 0; i < term.size(); ++i)
        if (term[i] != '.' && term.find(term[i], i + 1) != std::string::npos)
          return std::string("label '") + term[i] +
                 "' repeated within one operand (a diagonal), which no DPU, "
                 "SHAVE or DMA op reads";
  }
  return "a dynamic shape or a pre-quantized model's op";
}

} // namespace

namespace {

/// An operand as f16 (fp32 islands: f32) of the result's rank (leading 1s
/// added).
Value atRank(Lowering &l, Location loc, Value old, int64_t rank,
             bool fp32 = false) {
  Value v = l.get(old, fp32);
  if (!v)
    return v;
  auto shape = cast<RankedTensorType>(v.getType()).getShape();
  if (int64_t(shape.size()) == rank)
    return v;
  SmallVector<int64_t> full(rank - shape.size(), 1);
  full.append(shape.begin(), shape.end());
  return l.reshape(loc, v, full);
}

bool isF32Tensor(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.getElementType().isF32();
}

/// A boolean (i1) tensor: on the device, f16 0 / 1 (the compare kernel's
/// results; boolean constants are lowered so).
bool isBoolTensor(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.getElementType().isInteger(1);
}

/// `v`, or data moved by reshapes, transposes, slices and concatenations
/// from values that are all `isSource`: data the DMA moves as bytes.
bool movedFrom(Value v, llvm::function_ref<bool(Value)> isSource,
               int depth = 0) {
  if (isSource(v))
    return true;
  Operation *def = v.getDefiningOp();
  if (depth > 64 ||
      !isa_and_present<ReshapeOp, TransposeOp, SliceOp, ConcatOp>(def))
    return false;
  return llvm::all_of(def->getOperands(), [&](Value operand) {
    return movedFrom(operand, isSource, depth + 1);
  });
}

/// `x kind 0` on the compare kernel, as f16 0 / 1 of `shape`: Not of a
/// boolean (== 0), a float cast to boolean (!= 0).
Value compareWithZero(Lowering &l, Location loc, Value x,
                      ArrayRef<int64_t> shape, arch::CompareKind kind) {
  SmallVector<int64_t> ones(shape.size(), 1);
  return l.shave(loc, "compare", {x, l.zeros(loc, ones)}, l.f16Type(shape), {},
                 {int64_t(kind)});
}

/// The comparison an op makes, as the compare kernel's kind: ONNX's
/// comparisons of floats, and Xor of booleans (not equal).
std::optional<arch::CompareKind> compareKind(Operation *op) {
  using K = arch::CompareKind;
  return llvm::TypeSwitch<Operation *, std::optional<K>>(op)
      .Case([](EqualOp) { return K::Equal; })
      .Case([](LessOp) { return K::Less; })
      .Case([](LessEqualOp) { return K::LessEqual; })
      .Case([](GreaterOp) { return K::Greater; })
      .Case([](GreaterEqualOp) { return K::GreaterEqual; })
      .Case([](XorOp) { return K::NotEqual; })
      .Default([](Operation *) { return std::nullopt; });
}

} // namespace

std::optional<UnaryKernel> unaryKernel(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::optional<UnaryKernel>>(op)
      .Case([](SigmoidOp) {
        return UnaryKernel{"sigmoid", {}};
      })
      .Case([](TanhOp) {
        return UnaryKernel{"tanh", {}};
      })
      .Case([](ExpOp) {
        return UnaryKernel{"exp", {}};
      })
      .Case([](LogOp) {
        return UnaryKernel{"log", {}};
      })
      .Case([](SqrtOp) {
        return UnaryKernel{"sqrt", {}};
      })
      .Case([](ErfOp) {
        return UnaryKernel{"erf", {}};
      })
      .Case([](AbsOp) {
        return UnaryKernel{"abs", {}};
      })
      .Case([](NegOp) {
        return UnaryKernel{"neg", {}};
      })
      .Case([](ReciprocalOp) {
        return UnaryKernel{"reciprocal", {}};
      })
      .Case([](ReluOp) {
        return UnaryKernel{"relu", {}};
      })
      .Case([](HardSwishOp) {
        return UnaryKernel{"hswish", {}};
      })
      .Case([](HardSigmoidOp o) {
        return UnaryKernel{
            "hsigmoid",
            {o.getAlpha().convertToFloat(), o.getBeta().convertToFloat()}};
      })
      .Case([](LeakyReluOp o) {
        return UnaryKernel{"leaky_relu", {o.getAlpha().convertToFloat()}};
      })
      .Case([](ThresholdedReluOp o) {
        return UnaryKernel{"thresholded_relu", {o.getAlpha().convertToFloat()}};
      })
      .Case([](EluOp o) {
        return UnaryKernel{"elu", {o.getAlpha().convertToFloat()}};
      })
      .Case([](SeluOp o) {
        return UnaryKernel{
            "selu",
            {o.getAlpha().convertToFloat(), o.getGamma().convertToFloat()}};
      })
      .Case([](CeluOp o) -> std::optional<UnaryKernel> {
        if (o.getAlpha().convertToFloat() == 0.0f)
          return std::nullopt;
        return UnaryKernel{"celu", {o.getAlpha().convertToFloat()}};
      })
      .Case([](SoftplusOp) {
        return UnaryKernel{"softplus", {}};
      })
      .Case([](SoftsignOp) {
        return UnaryKernel{"softsign", {}};
      })
      .Case([](FloorOp) {
        return UnaryKernel{"floor", {}};
      })
      .Case([](CeilOp) {
        return UnaryKernel{"ceil", {}};
      })
      .Case([](RoundOp) {
        return UnaryKernel{"round", {}};
      })
      .Case([](SignOp) {
        return UnaryKernel{"sign", {}};
      })
      .Case([](SinOp) {
        return UnaryKernel{"sin", {}};
      })
      .Case([](CosOp) {
        return UnaryKernel{"cos", {}};
      })
      .Case([](TanOp) {
        return UnaryKernel{"tan", {}};
      })
      .Case([](AsinOp) {
        return UnaryKernel{"asin", {}};
      })
      .Case([](AcosOp) {
        return UnaryKernel{"acos", {}};
      })
      .Case([](AtanOp) {
        return UnaryKernel{"atan", {}};
      })
      .Case([](SinhOp) {
        return UnaryKernel{"sinh", {}};
      })
      .Case([](CoshOp) {
        return UnaryKernel{"cosh", {}};
      })
      .Case([](AsinhOp) {
        return UnaryKernel{"asinh", {}};
      })
      .Case([](AcoshOp) {
        return UnaryKernel{"acosh", {}};
      })
      .Case([](AtanhOp) {
        return UnaryKernel{"atanh", {}};
      })
      .Case([](ClipOp o) {
        float lo = o.getMinAttr() ? float(scalarAttrToDouble(o.getMinAttr()))
                                  : -INFINITY;
        float hi = o.getMaxAttr() ? float(scalarAttrToDouble(o.getMaxAttr()))
                                  : INFINITY;
        return UnaryKernel{"clamp", {lo, hi}};
      })
      .Case([](GeluOp o) -> std::optional<UnaryKernel> {
        if (o.getApproximate() == GeluApproximation::tanh)
          return UnaryKernel{"gelu_tanh", {}};
        return UnaryKernel{"gelu", {}};
      })
      .Default([](Operation *) { return std::nullopt; });
}

namespace {

std::optional<StringRef> binaryKernel(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::optional<StringRef>>(op)
      .Case([](AddOp) { return StringRef("add"); })
      .Case([](SubOp) { return StringRef("sub"); })
      .Case([](MulOp) { return StringRef("mul"); })
      .Case([](DivOp) { return StringRef("div"); })
      .Case([](PowOp) { return StringRef("pow"); })
      .Case([](MaxOp) { return StringRef("max"); })
      .Case([](MinOp) { return StringRef("min"); })
      .Case([](PReluOp) { return StringRef("prelu"); })
      .Default([](Operation *) { return std::nullopt; });
}

/// A reduction over `axes` (keepdims or not) as the SHAVE kernel, whose
/// output keeps the rank with 1s at the reduced dimensions.
Value reduce(Lowering &l, Location loc, StringRef kernel, Value old,
             ArrayRef<int64_t> axes, Value result, bool fp32) {
  Value in = l.get(old, fp32);
  auto inType = cast<RankedTensorType>(in.getType());
  SmallVector<int64_t> kept(inType.getShape());
  for (int64_t a : axes)
    kept[a] = 1;
  Value v = l.shave(loc, kernel, {in}, inType.clone(kept));
  return l.reshape(loc, v, cast<RankedTensorType>(result.getType()).getShape());
}

/// A constant operand of an elementwise op on [1, C, H, W] as its
/// [h, w, c] form (dimensions 1 or the output's), channels padded to `cp`
/// with `pad` when it has all C of them.
Value hwcConstant(Lowering &l, Location loc, const HostTensor &t, int64_t c,
                  int64_t cp, float pad) {
  std::vector<int64_t> shape(4 - std::min<size_t>(4, t.shape().size()), 1);
  shape.insert(shape.end(), t.shape().begin(), t.shape().end());
  int64_t tc = shape[1], th = shape[2], tw = shape[3];
  int64_t oc = tc == c ? cp : tc;
  HostTensor out(DType::F32, {th, tw, oc});
  for (int64_t y = 0; y < th; ++y)
    for (int64_t x = 0; x < tw; ++x)
      for (int64_t k = 0; k < oc; ++k)
        out.data<float>()[(y * tw + x) * oc + k] =
            k < tc ? t.data<float>()[(k * th + y) * tw + x] : pad;
  return l.constant(loc, Lowering::toF16Saturated(out),
                    l.f16Type({th, tw, oc}));
}

struct ScaleShift {
  float scale = 1.0f, shift = 0.0f;
  bool hasScale = false, hasShift = false; ///< Which op was fused.
  /// A per-channel constant (f32, [C, 1, 1] or [1, C, 1, 1]) instead of
  /// `scale` / `shift` (allowPerChannel only).
  std::optional<HostTensor> scaleTensor, shiftTensor;
  Value result; ///< The last fused op's result.
};

/// `v` * a constant and / or + a constant, each a finite splat (or with
/// allowPerChannel one value per channel), each op the only user of the
/// value before it, of its type, in the same fp32 island as `v`'s producer
/// or none, and carrying no pre-quantized parameters: marks them fused and
/// returns (scale, shift, last result).
std::optional<ScaleShift> fuseScaleShift(Lowering &l, Value v,
                                         bool allowPerChannel = false) {
  ScaleShift out;
  out.result = v;
  Operation *producer = v.getDefiningOp();
  bool island = producer && producer->hasAttr(kFp32Attr);
  // In int8 a pre-quantized model's Q/DQ pair on `v` puts it on its grid
  // first (Lowering::keepQuantGrid): nothing fuses across it.
  if (l.int8 && producer && producer->hasAttr(kQuantAttr))
    return std::nullopt;
  // The constant operand of `op` (out.result's only user) beside out.result:
  // a splat, or with allowPerChannel one value per channel.
  struct Constant {
    float splat = 0.0f;
    std::optional<HostTensor> perChannel;
  };
  auto constantBeside = [&](Operation *op) -> std::optional<Constant> {
    if (op->getResult(0).getType() != out.result.getType() ||
        op->hasAttr(kQuantAttr) || op->hasAttr(kFp32Attr) != island)
      return std::nullopt;
    Value other =
        op->getOperand(0) == out.result ? op->getOperand(1) : op->getOperand(0);
    if (auto c = l.splatValue(other)) {
      // A kernel parameter must be finite; inf or NaN stays a separate op.
      if (!std::isfinite(*c))
        return std::nullopt;
      return Constant{*c, std::nullopt};
    }
    auto t = allowPerChannel ? l.constantValue(other) : std::nullopt;
    if (!t || t->dtype() != DType::F32 || t->shape().size() > 4)
      return std::nullopt;
    // [.., C, 1, 1] aligned to [N, C, H, W]: one value per channel.
    std::vector<int64_t> shape(4 - t->shape().size(), 1);
    shape.insert(shape.end(), t->shape().begin(), t->shape().end());
    if (shape[0] != 1 || shape[2] != 1 || shape[3] != 1)
      return std::nullopt;
    return Constant{0.0f, std::move(*t)};
  };
  auto user = [&]() -> Operation * {
    return out.result.hasOneUse() ? *out.result.getUsers().begin() : nullptr;
  };
  for (bool scale : {true, false}) {
    Operation *op = user();
    if (!(scale ? isa_and_nonnull<MulOp>(op) : isa_and_nonnull<AddOp>(op)))
      continue;
    if (auto c = constantBeside(op)) {
      (scale ? out.scale : out.shift) = c->splat;
      (scale ? out.scaleTensor : out.shiftTensor) = std::move(c->perChannel);
      (scale ? out.hasScale : out.hasShift) = true;
      out.result = op->getResult(0);
      l.fused.insert(op);
    }
  }
  if (!out.hasScale && !out.hasShift)
    return std::nullopt;
  return out;
}

/// An elementwise op on [1, C, H, W] values computed in the [H, W, Cp]
/// layout of its operands that have one (DPU results), so that no layout
/// change separates it from the DPU tasks around it. Padded channels hold
/// values that are never read as results. Where the padding would be most
/// of the work (Cp >= 4 C: a DPU result of one to three channels padded to
/// 16, such as a detector's probability map), the op computes the C real
/// channels only, [H, W, C], its operands' padding dropped first (a DPU
/// consumer pads it again).
LowerResult lowerInHWC(Lowering &l, Operation *op, StringRef kernel,
                       ArrayRef<float> fparams, Value result = Value(),
                       ArrayRef<int64_t> iparams = {},
                       ArrayRef<HostTensor> extraInputs = {}) {
  if (!result)
    result = op->getResult(0);
  auto type = cast<RankedTensorType>(result.getType());
  if (type.getRank() != 4 || type.getDimSize(0) != 1)
    return std::nullopt;
  int64_t c = type.getDimSize(1);
  // The [H, W, Cp] forms of operands with the result's channels set Cp; a
  // recorded operand of one channel broadcast over them is taken compact
  // ([H, W, 1], which the kernel broadcasts), never padded to Cp.
  auto spansChannels = [&](Value v) {
    auto vt = cast<RankedTensorType>(v.getType());
    return vt.getRank() == 4 && vt.getDimSize(1) == c;
  };
  int64_t cp = 0;
  for (Value v : op->getOperands())
    if (spansChannels(v))
      cp = std::max(cp, l.recordedChannels(v));
  if (cp == 0)
    return std::nullopt;
  Location loc = op->getLoc();
  bool compact = mostlyPadding(cp, c);
  if (compact)
    cp = c;
  // Division and powers by padding values of 1 stay finite.
  float pad = kernel == "div" || kernel == "pow" ? 1.0f : 0.0f;
  SmallVector<Value> ins;
  for (Value v : op->getOperands()) {
    auto vt = cast<RankedTensorType>(v.getType());
    if (l.recordedChannels(v)) {
      bool whole = spansChannels(v);
      ins.push_back(compact || !whole ? l.compactHWC(loc, v)
                                      : l.hwcFor(loc, v, cp));
    } else if (auto t = l.constantValue(v)) {
      if (t->dtype() != DType::F32 || vt.getRank() > 4)
        return std::nullopt;
      ins.push_back(hwcConstant(l, loc, *t, c, cp, pad));
    } else {
      Value n = atRank(l, loc, v, 4);
      auto ns = cast<RankedTensorType>(n.getType()).getShape();
      if (ns[0] != 1)
        return std::nullopt;
      ins.push_back(ns[1] == c ? l.hwcFor(loc, v, cp) : l.toHWC(loc, n, ns[1]));
    }
  }
  for (const HostTensor &t : extraInputs)
    ins.push_back(hwcConstant(l, loc, t, c, cp, 0.0f));
  l.setHWC(loc, result,
           l.shave(loc, kernel, ins,
                   l.f16Type({type.getDimSize(2), type.getDimSize(3), cp}),
                   fparams, iparams));
  return success();
}

bool isI32OrI64(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t &&
         (t.getElementType().isInteger(32) || t.getElementType().isInteger(64));
}

Value gatherIndices(Value indices);

/// Integer indices the device holds, as i32 or i64: a graph input (token
/// ids), a constant, the indices ArgMax / ArgMin / TopK compute, a
/// conversion between i32 and i64 of such indices (the `convert` kernel),
/// entries of an integer table of such indices gathered by such indices
/// (the gather kernels copy elements of any type), or reshapes,
/// transposes, slices and concatenations of those (TopK's indices
/// unsqueezed and expanded).
bool isDeviceIndexTensor(Value v) {
  return movedFrom(v, [](Value s) {
    if (!isI32OrI64(s))
      return false;
    if (isa<BlockArgument>(s))
      return true;
    Operation *def = s.getDefiningOp();
    if (isa_and_present<ConstantOp, ArgMaxOp, ArgMinOp, TopKOp>(def))
      return true;
    if (auto c = dyn_cast_or_null<CastOp>(def))
      return isDeviceIndexTensor(c.getInput());
    if (isa_and_present<GatherOp, GatherElementsOp, GatherNDOp>(def))
      return isDeviceIndexTensor(def->getOperand(0)) &&
             gatherIndices(def->getOperand(1));
    if (isa_and_present<ScatterNDOp, ScatterElementsOp>(def))
      return isDeviceIndexTensor(def->getOperand(0)) &&
             gatherIndices(def->getOperand(1)) &&
             isDeviceIndexTensor(def->getOperand(2));
    return false;
  });
}

/// An npu.cast of device indices from i64 to i32 (indices narrowed for a
/// gather, as exporters write token ids) or from i32 to i64.
bool isIndexNarrowing(CastOp c) {
  return isI32OrI64(c.getResult()) && isDeviceIndexTensor(c.getInput());
}

/// The indices a gather kernel reads for `indices`: through a narrowing or
/// widening cast, the integers it converts (read as they are: an index
/// outside the i32 range is outside any table the NPU holds, an error of
/// the kernel either way); null when they are not device indices.
Value gatherIndices(Value indices) {
  if (auto c = indices.getDefiningOp<CastOp>(); c && isIndexNarrowing(c))
    indices = c.getInput();
  return isDeviceIndexTensor(indices) ? indices : Value();
}

/// For constant indices: every index of `indices` (its last dimension
/// holding `depth` coordinates, coordinate j into data dimension
/// `first + j`; depth 1 for gathers along one axis) within its dimension
/// of `data`, negative ones counting from the end; false with `reason`
/// naming the first that is not (the kernel would fail at every run).
bool constantIndicesInRange(Lowering &l, Value indices, Value data,
                            int64_t first, int64_t depth, std::string &reason) {
  std::optional<HostTensor> idx = l.constantValue(indices);
  auto shape = cast<RankedTensorType>(data.getType()).getShape();
  if (!idx)
    return true;
  for (int64_t i = 0; i < idx->numElements(); ++i) {
    int64_t d = first + i % depth, n = shape[d], v = idx->getAsInt(i);
    if (v < -n || v >= n) {
      reason = "constant index " + std::to_string(v) + " is outside [" +
               std::to_string(-n) + ", " + std::to_string(n) +
               ") of the data's dimension " + std::to_string(d) +
               " (the model is invalid: every run would fail)";
      return false;
    }
  }
  return true;
}

/// The scatter kernels' reduction iparam (arch::ScatterReduction).
int64_t scatterReduction(ScatterReduction r) {
  switch (r) {
  case ScatterReduction::none:
    return int64_t(arch::ScatterReduction::None);
  case ScatterReduction::add:
    return int64_t(arch::ScatterReduction::Add);
  case ScatterReduction::mul:
    return int64_t(arch::ScatterReduction::Mul);
  case ScatterReduction::max:
    return int64_t(arch::ScatterReduction::Max);
  case ScatterReduction::min:
    return int64_t(arch::ScatterReduction::Min);
  }
  return int64_t(arch::ScatterReduction::None);
}

constexpr const char *kScatterReason =
    "a scatter maps to SHAVE with float (or boolean) data and updates, or "
    "integer data and updates the device holds (then without a reduction), "
    "and i32 or i64 indices that are a graph input, a constant or computed "
    "by ArgMax / ArgMin / TopK (also through casts between i32 and i64, "
    "views and gathers of such integers)";

constexpr const char *kGatherReason =
    "a gather maps to SHAVE with float data, or integer data the device "
    "holds, and i32 or i64 indices that are a graph input, a constant or "
    "computed by ArgMax / ArgMin / TopK (also through casts between i32 "
    "and i64, views and gathers of such integers)";

} // namespace

/// Nearest upsampling of [1, C, H, W] `old` by whole factors (sh, sw) to
/// `result`, in the [H, W, Cp] layout `old` is kept in: every pixel
/// repeated sh x sw times by data movement (DMA), with no SHAVE task and
/// no transposition to [1, C, H, W]. In int8 when the result quantizes as
/// `old` does (nearest copies values, so the int8 codes are the same),
/// else in f16.
void upsampleHWC(Lowering &l, Location loc, Value old, Value result,
                 int64_t cp) {
  auto in = cast<RankedTensorType>(old.getType()).getShape();
  auto out = cast<RankedTensorType>(result.getType()).getShape();
  int64_t h = in[2], w = in[3], sh = out[2] / h, sw = out[3] / w;
  auto upsample = [&](Value x) {
    x = l.reshape(loc, x, {h, 1, w, 1, cp});
    auto along = [&](int64_t axis) {
      return [&, axis](const std::vector<Value> &parts) {
        return l.concat(loc, parts, axis);
      };
    };
    x = repeatByDoubling(x, sw, along(3));
    x = repeatByDoubling(x, sh, along(1));
    return l.reshape(loc, x, {h * sh, w * sw, cp});
  };
  // Only from an int8 form the input already has: quantizing an f16 one
  // for this would add a kernel.
  if (l.int8 && l.quantForms.count(old)) {
    std::string ignored;
    auto qin = l.quantOf(old, ignored), qout = l.quantOf(result, ignored);
    if (succeeded(qin) && succeeded(qout) && qin->scale == qout->scale &&
        qin->zeroPoint == qout->zeroPoint) {
      if (auto q = l.quantHWC(loc, old, cp, ignored); succeeded(q)) {
        l.setQuantHWC(loc, result, upsample(*q));
        return;
      }
    }
  }
  l.setHWC(loc, result, upsample(l.hwcFor(loc, old, cp)));
}

LowerResult lowerShaveOp(Lowering &l, Operation *op, std::string &reason) {
  Location loc = op->getLoc();
  // TopK of a float tensor: one kernel writing the values (f16) and the
  // indices (the op's integer type), sorted, ties by the lower index.
  if (auto topk = dyn_cast<TopKOp>(op)) {
    // Axes are non-negative in the npu dialect (its verifiers).
    if (!isF32Tensor(topk.getInput()) || topk.getK() < 1) {
      reason = topk.getK() < 1 ? "the top 0 (an empty result)"
                               : "the top k of a non-float tensor";
      return failure();
    }
    auto valuesType = cast<RankedTensorType>(topk.getValues().getType());
    auto indicesType = cast<RankedTensorType>(topk.getIndices().getType());
    auto task = hw::ShaveOp::create(
        l.b, loc, TypeRange{l.f16Type(valuesType.getShape()), indicesType},
        l.b.getStringAttr("topk"), ValueRange{l.get(topk.getInput())},
        l.b.getDenseF32ArrayAttr({}),
        l.b.getDenseI64ArrayAttr({int64_t(topk.getAxis()), int64_t(topk.getK()),
                                  topk.getLargest() ? 1 : 0, 1}));
    l.set(topk.getValues(), task.getResult(0), false);
    l.set(topk.getIndices(), task.getResult(1), false);
    return success();
  }
  if (op->getNumResults() != 1)
    return std::nullopt;
  Value result = op->getResult(0);
  auto type = dyn_cast<RankedTensorType>(result.getType());
  if (!type)
    return std::nullopt;
  // In an fp32 island (npu-fp32-islands) the kernel reads and writes f32.
  bool fp32 = op->hasAttr(kFp32Attr) && isF32Tensor(result);
  auto outType = fp32 ? type : l.f16Type(type.getShape());
  auto in = [&](Value old) { return l.get(old, fp32); };
  auto setResult = [&](Value v) { l.set(result, v, fp32); };
  auto floatOnly = [&]() -> bool {
    for (Value v : op->getOperands())
      if (!isF32Tensor(v))
        return false;
    return isF32Tensor(result);
  };

  if (auto k = unaryKernel(op)) {
    if (!floatOnly()) {
      reason = "non-float operands";
      return failure();
    }
    // hard_swish followed by a constant scale and / or shift (PP-LCNet's
    // learnable affine block): one hswish kernel with fparams [scale,
    // shift], the mul and add fused into it. In fp16 layers it rounds once
    // (fp16 read 17 of 17 printed lines as float on the real-data table,
    // docs/accuracy.md). In int8 layers it rounds to f16 after each step,
    // with the constants as f16 (iparams [1]), as the separate hswish, mul
    // and add kernels do: their values, bit for bit, in one vector loop.
    // (Rounding once there cost every int8 configuration OCR accuracy:
    // percentile's printed-page CER 4.60 -> 5.32 %, mse's 5.23 -> 8.30 %.)
    Value last = result;
    SmallVector<int64_t> iparams;
    SmallVector<HostTensor> affineInputs;
    // SiLU as exporters write it, x * sigmoid(x) (YOLO, EfficientNet): one
    // swish kernel, the multiply fused into it, where the sigmoid is read
    // only there and both run in the same precision.
    // (Not across a pre-quantized model's Q/DQ pair on the sigmoid in int8:
    // its grid comes first, Lowering::keepQuantGrid.)
    if (isa<SigmoidOp>(op) && result.hasOneUse() &&
        !(l.int8 && op->hasAttr(kQuantAttr)))
      if (auto mul = dyn_cast<MulOp>(*result.getUsers().begin()))
        if ((mul.getLhs() == result ? mul.getRhs() : mul.getLhs()) ==
                op->getOperand(0) &&
            mul.getType() == type &&
            mul->hasAttr(kFp32Attr) == op->hasAttr(kFp32Attr) &&
            mul->hasAttr(kFp16Attr) == op->hasAttr(kFp16Attr)) {
          k = UnaryKernel{"swish", {}};
          last = mul.getResult();
          l.fused.insert(mul);
        }
    // Per-channel constants (equalized before a depthwise convolution,
    // npu-equalize-channels) in int8 layers too, as [scale, shift] inputs
    // in the [H, W, C] layout, where the hswish gets one.
    auto rType = dyn_cast<RankedTensorType>(result.getType());
    bool inHWC = rType && rType.getRank() == 4 && rType.getDimSize(0) == 1 &&
                 l.recordedChannels(op->getOperand(0)) > 0;
    if (isa<HardSwishOp>(op) && !fp32)
      if (auto affine = fuseScaleShift(l, result, l.int8 && inHWC)) {
        k->fparams = {affine->scale, affine->shift};
        last = affine->result;
        if (l.int8) {
          // The constants as the separate kernels read them (f16,
          // saturated); no shift is -0, which leaves every value, -0
          // included, as it is.
          auto f16 = [](float v) {
            HostTensor t(DType::F32, {1});
            t.setFromDouble(0, v);
            return float(Lowering::toF16Saturated(t).getAsDouble(0));
          };
          k->fparams = {affine->hasScale ? f16(affine->scale) : 1.0f,
                        affine->hasShift ? f16(affine->shift) : -0.0f};
          iparams = {1};
          if (affine->scaleTensor || affine->shiftTensor) {
            // A splat (or missing op) beside a per-channel constant as a
            // per-channel constant too: inputs of one shape, which a
            // kernel split over the SHAVEs cuts alike (EmitShave.cpp).
            std::vector<int64_t> shape =
                (affine->scaleTensor ? *affine->scaleTensor
                                     : *affine->shiftTensor)
                    .shape();
            auto tensorOf = [&](std::optional<HostTensor> &t, float splat) {
              if (t)
                return std::move(*t);
              HostTensor s(DType::F32, shape);
              for (int64_t i = 0; i < s.numElements(); ++i)
                s.setFromDouble(i, splat);
              return s;
            };
            HostTensor scale = tensorOf(affine->scaleTensor, k->fparams[0]);
            HostTensor shift = tensorOf(affine->shiftTensor, k->fparams[1]);
            affineInputs.push_back(std::move(scale));
            affineInputs.push_back(std::move(shift));
            k->fparams.clear();
          }
        }
      }
    if (!fp32)
      if (auto r = lowerInHWC(l, op, k->kernel, k->fparams, last, iparams,
                              affineInputs))
        return r;
    if (!affineInputs.empty()) {
      reason = "a per-channel affine block outside the [H, W, C] layout";
      return failure();
    }
    l.set(last,
          l.shave(loc, k->kernel, {in(op->getOperand(0))}, outType, k->fparams,
                  iparams),
          fp32);
    return success();
  }
  if (auto k = binaryKernel(op)) {
    if (!floatOnly()) {
      reason = "non-float operands";
      return failure();
    }
    if (!fp32)
      if (auto r = lowerInHWC(l, op, *k, {}))
        return r;
    Value a = atRank(l, loc, op->getOperand(0), type.getRank(), fp32);
    Value b = atRank(l, loc, op->getOperand(1), type.getRank(), fp32);
    setResult(l.shave(loc, *k, {a, b}, outType));
    return success();
  }
  // Comparisons and boolean logic on f16 0 / 1 values; Where selects by
  // them. Float operands (booleans for Xor, And, Or, Not) only: integer
  // tensors other than graph inputs are not computed on the device.
  auto floatOrBool = [&](Value v) { return isF32Tensor(v) || isBoolTensor(v); };
  if (auto kind = compareKind(op)) {
    if (llvm::all_of(op->getOperands(), isDeviceIndexTensor)) {
      // Integers the user gives (token ids: `input_ids != pad_id`),
      // constants and indices the device computes (`argmax == label`),
      // compared in fp32, which holds every integer up to 2^24 exactly; the
      // f16 0 / 1 of a boolean after.
      auto asF32 = [&](Value v) -> Value {
        auto shape = cast<RankedTensorType>(v.getType()).getShape();
        auto f32 = RankedTensorType::get(shape, l.b.getF32Type());
        if (auto c = l.constantValue(v)) {
          HostTensor t(DType::F32, c->shape());
          for (int64_t i = 0; i < c->numElements(); ++i) {
            int64_t x = c->getAsInt(i);
            if (x > (int64_t(1) << 24) || x < -(int64_t(1) << 24))
              return Value();
            t.setFromDouble(i, double(x));
          }
          return l.constant(loc, t, f32);
        }
        Value iv = l.get(v);
        return iv ? l.shave(loc, "convert", {iv}, f32) : Value();
      };
      Value a = asF32(op->getOperand(0)), b = asF32(op->getOperand(1));
      if (!a || !b) {
        reason = "a comparison with an integer constant beyond 2^24 (the "
                 "device compares integers exactly in fp32 up to 2^24)";
        return failure();
      }
      auto rankOf = [&](Value v) {
        auto shape = cast<RankedTensorType>(v.getType()).getShape();
        SmallVector<int64_t> full(type.getRank() - int64_t(shape.size()), 1);
        full.append(shape.begin(), shape.end());
        return l.reshape(loc, v, full);
      };
      auto f32Out = RankedTensorType::get(type.getShape(), l.b.getF32Type());
      Value c = l.shave(loc, "compare", {rankOf(a), rankOf(b)}, f32Out, {},
                        {int64_t(*kind)});
      setResult(l.shave(loc, "convert", {c}, outType));
      return success();
    }
    if (!llvm::all_of(op->getOperands(), floatOrBool)) {
      reason = "a comparison of integers computed on the device by other "
               "than ArgMax / ArgMin / TopK, gathers and casts (integers "
               "the user gives, constants and such indices compare)";
      return failure();
    }
    Value a = atRank(l, loc, op->getOperand(0), type.getRank());
    Value b = atRank(l, loc, op->getOperand(1), type.getRank());
    setResult(l.shave(loc, "compare", {a, b}, outType, {}, {int64_t(*kind)}));
    return success();
  }
  if (isa<AndOp, OrOp, NotOp>(op)) {
    if (!llvm::all_of(op->getOperands(), isBoolTensor)) {
      reason = "logic on non-boolean tensors";
      return failure();
    }
    Value a = atRank(l, loc, op->getOperand(0), type.getRank());
    if (isa<NotOp>(op)) {
      setResult(compareWithZero(l, loc, a, type.getShape(),
                                arch::CompareKind::Equal));
      return success();
    }
    Value b = atRank(l, loc, op->getOperand(1), type.getRank());
    setResult(l.shave(loc, isa<AndOp>(op) ? "min" : "max", {a, b}, outType));
    return success();
  }
  if (auto w = dyn_cast<WhereOp>(op)) {
    if (!isF32Tensor(w.getX()) || !isF32Tensor(w.getY()) ||
        !isBoolTensor(w.getCondition())) {
      reason = "a select between non-float tensors";
      return failure();
    }
    SmallVector<Value> ins;
    for (Value v : op->getOperands())
      ins.push_back(atRank(l, loc, v, type.getRank()));
    setResult(l.shave(loc, "where", ins, outType));
    return success();
  }
  // ArgMax / ArgMin of a float tensor: the index tensor (the op's integer
  // type) with the axis kept, reshaped when keepdims is false. In fp16 two
  // values that round to the same f16 tie, and the first (or last) wins.
  if (isa<ArgMaxOp, ArgMinOp>(op)) {
    Value x = op->getOperand(0);
    auto xt = cast<RankedTensorType>(x.getType());
    if (!isF32Tensor(x)) {
      reason = "the index of an extreme of a non-float tensor";
      return failure();
    }
    auto [axis, last] = [&]() -> std::pair<int64_t, bool> {
      if (auto m = dyn_cast<ArgMaxOp>(op))
        return {int64_t(m.getAxis()), m.getSelectLastIndex()};
      auto n = cast<ArgMinOp>(op);
      return {int64_t(n.getAxis()), n.getSelectLastIndex()};
    }();
    SmallVector<int64_t> kept(xt.getShape());
    kept[axis] = 1;
    Value idx =
        l.shave(loc, isa<ArgMaxOp>(op) ? "argmax" : "argmin", {l.get(x)},
                RankedTensorType::get(kept, type.getElementType()), {},
                {axis, last ? 1 : 0});
    l.set(result, l.reshape(loc, idx, type.getShape()), false);
    return success();
  }
  if (auto g = dyn_cast<GatherOp>(op)) {
    // The kernel takes i32 or i64 indices from device memory: a graph
    // input (sequence_lens, token ids) as the user gave it, or its
    // conversion from i64 to i32 (read as the i64 it converts: an index
    // outside the i32 range is outside any table the NPU holds, an error of
    // the kernel either way).
    Value indices = gatherIndices(g.getIndices());
    bool integerData = isDeviceIndexTensor(g.getData());
    if (!(isF32Tensor(g.getData()) || integerData) || !indices) {
      reason = kGatherReason;
      return failure();
    }
    // An integer table (a vocabulary remap, position ids) gathers its
    // integers as they are: the kernel copies elements of any type.
    if (integerData)
      outType = type;
    auto dataType = cast<RankedTensorType>(g.getData().getType());
    int64_t rank = dataType.getRank();
    int64_t axis = g.getAxis() < 0 ? g.getAxis() + rank : g.getAxis();
    if (!constantIndicesInRange(l, indices, g.getData(), axis, 1, reason))
      return failure();
    Value idx = l.get(indices);
    if (cast<RankedTensorType>(indices.getType()).getRank() == 0) {
      // A scalar index: gathered as one index, the axis then dropped.
      idx = l.reshape(loc, idx, {1});
      SmallVector<int64_t> kept(dataType.getShape());
      kept[axis] = 1;
      Value y = l.shave(loc, "gather", {in(g.getData()), idx}, l.f16Type(kept),
                        {}, {axis});
      setResult(l.reshape(loc, y, type.getShape()));
      return success();
    }
    setResult(
        l.shave(loc, "gather", {in(g.getData()), idx}, outType, {}, {axis}));
    return success();
  }
  if (auto g = dyn_cast<GatherElementsOp>(op)) {
    Value indices = gatherIndices(g.getIndices());
    auto data = cast<RankedTensorType>(g.getData().getType());
    bool integerData = isDeviceIndexTensor(g.getData());
    if (!(isF32Tensor(g.getData()) || integerData) || !indices ||
        !data.hasStaticShape()) {
      reason = kGatherReason;
      return failure();
    }
    if (integerData)
      outType = type;
    int64_t axis = g.getAxis() < 0 ? g.getAxis() + data.getRank() : g.getAxis();
    if (!constantIndicesInRange(l, indices, g.getData(), axis, 1, reason))
      return failure();
    setResult(l.shave(loc, "gather_elements", {in(g.getData()), l.get(indices)},
                      outType, {}, {axis}));
    return success();
  }
  if (auto g = dyn_cast<GatherNDOp>(op)) {
    Value indices = gatherIndices(g.getIndices());
    bool integerData = isDeviceIndexTensor(g.getData());
    if (!(isF32Tensor(g.getData()) || isBoolTensor(g.getData()) ||
          integerData) ||
        !indices) {
      reason = kGatherReason;
      return failure();
    }
    if (integerData)
      outType = type;
    // The tuples after the batch dimensions as one dimension (the device's
    // tensors have at most 5 dimensions): indices [batch..., M, k], the
    // kernel's result [batch..., M, data[batch + k:]...].
    auto idxShape = cast<RankedTensorType>(indices.getType()).getShape();
    auto dataShape = cast<RankedTensorType>(g.getData().getType()).getShape();
    int64_t b = g.getBatchDims(), k = idxShape.back();
    if (!constantIndicesInRange(l, indices, g.getData(), b, k, reason))
      return failure();
    SmallVector<int64_t> tuples(idxShape.begin(), idxShape.begin() + b);
    tuples.push_back(
        ShapedType::getNumElements(idxShape.drop_front(b).drop_back()));
    SmallVector<int64_t> idxFlat(tuples), gathered(tuples);
    idxFlat.push_back(k);
    gathered.append(dataShape.begin() + b + k, dataShape.end());
    Value y =
        l.shave(loc, "gather_nd",
                {in(g.getData()), l.reshape(loc, l.get(indices), idxFlat)},
                outType.clone(gathered), {}, {b});
    setResult(l.reshape(loc, y, type.getShape()));
    return success();
  }
  if (isa<ScatterNDOp, ScatterElementsOp>(op)) {
    Value data = op->getOperand(0), updates = op->getOperand(2);
    Value indices = gatherIndices(op->getOperand(1));
    ScatterReduction reduction =
        isa<ScatterNDOp>(op) ? cast<ScatterNDOp>(op).getReduction()
                             : cast<ScatterElementsOp>(op).getReduction();
    bool floatData = (isF32Tensor(data) && isF32Tensor(updates)) ||
                     (isBoolTensor(data) && isBoolTensor(updates) &&
                      reduction == ScatterReduction::none);
    bool integerData = isDeviceIndexTensor(data) &&
                       isDeviceIndexTensor(updates) &&
                       reduction == ScatterReduction::none;
    if (!(floatData || integerData) || !indices) {
      reason = kScatterReason;
      return failure();
    }
    if (integerData)
      outType = type;
    // ScatterElements: indices along its axis; ScatterND: tuples of the
    // indices' last dimension into the data's first dimensions.
    auto elements = dyn_cast<ScatterElementsOp>(op);
    auto idxShape = cast<RankedTensorType>(indices.getType()).getShape();
    int64_t axis = 0;
    if (elements)
      axis = elements.getAxis() < 0 ? elements.getAxis() + type.getRank()
                                    : elements.getAxis();
    if (!constantIndicesInRange(l, indices, data, axis,
                                elements ? 1 : idxShape.back(), reason))
      return failure();
    Value idx = l.get(indices), u = in(updates);
    if (!elements) {
      // The tuples as one dimension (the device's tensors have at most 5):
      // indices [N, k], updates [N, data[k:]...].
      int64_t n = ShapedType::getNumElements(idxShape.drop_back());
      SmallVector<int64_t> rows = {n};
      rows.append(type.getShape().begin() + idxShape.back(),
                  type.getShape().end());
      idx = l.reshape(loc, idx, {n, idxShape.back()});
      u = l.reshape(loc, u, rows);
    }
    SmallVector<int64_t, 2> iparams;
    if (elements)
      iparams.push_back(axis);
    iparams.push_back(scatterReduction(reduction));
    setResult(l.shave(loc, elements ? "scatter_elements" : "scatter_nd",
                      {in(data), idx, u}, outType, {}, iparams));
    return success();
  }
  if (isa<SoftmaxOp, LogSoftmaxOp>(op)) {
    int64_t axis = op->getAttrOfType<IntegerAttr>("axis").getInt();
    l.map.map(result,
              l.shave(loc, isa<SoftmaxOp>(op) ? "softmax" : "log_softmax",
                      {l.get(op->getOperand(0))}, outType, {}, {axis}));
    return success();
  }
  if (auto mm = dyn_cast<MatMulOp>(op)) {
    auto a = cast<RankedTensorType>(mm.getLhs().getType());
    auto b = cast<RankedTensorType>(mm.getRhs().getType());
    if (a.getRank() < 2 || b.getRank() < 2) {
      reason = "a 1-d matmul operand";
      return failure();
    }
    Value va = atRank(l, loc, mm.getLhs(), type.getRank(), fp32);
    Value vb = atRank(l, loc, mm.getRhs(), type.getRank(), fp32);
    setResult(l.shave(loc, "matmul", {va, vb}, outType));
    return success();
  }
  std::optional<StringRef> reduceKernel =
      llvm::TypeSwitch<Operation *, std::optional<StringRef>>(op)
          .Case([](ReduceMeanOp) { return StringRef("reduce_mean"); })
          .Case([](ReduceSumOp) { return StringRef("reduce_sum"); })
          .Case([](ReduceMaxOp) { return StringRef("reduce_max"); })
          .Case([](ReduceMinOp) { return StringRef("reduce_min"); })
          .Default([](Operation *) { return std::nullopt; });
  if (reduceKernel) {
    auto axes = op->getAttrOfType<DenseI64ArrayAttr>("axes");
    if (axes.empty()) { // The identity: a plain copy of the value.
      setResult(in(op->getOperand(0)));
      return success();
    }
    if (!floatOnly()) {
      reason = "a reduction of integers (the NPU reduces float values: cast "
               "the tensor to float first; a sum of 0 / 1 mask values is "
               "then exact up to 2048)";
      return failure();
    }
    setResult(reduce(l, loc, *reduceKernel, op->getOperand(0),
                     axes.asArrayRef(), result, fp32));
    return success();
  }
  if (auto ln = dyn_cast<LayerNormOp>(op)) {
    if (ln->getNumResults() != 1 || !l.constantValue(ln.getScale()) ||
        (ln.getBias() && !l.constantValue(ln.getBias()))) {
      reason = "layer normalisation needs constant scale and bias and no "
               "mean / inverse-deviation outputs";
      return failure();
    }
    auto rank = type.getRank();
    SmallVector<Value> ins = {l.get(ln.getInput()),
                              atRank(l, loc, ln.getScale(), rank)};
    if (ln.getBias())
      ins.push_back(atRank(l, loc, ln.getBias(), rank));
    l.map.map(result, l.shave(loc, "mvn", ins, outType,
                              {ln.getEpsilon().convertToFloat()},
                              {1, int64_t(ln.getAxis())}));
    return success();
  }
  // InstanceNormalization (and GroupNorm exported through it): the mvn
  // kernel over the spatial axes, the per-channel scale and bias as
  // [1, C, 1, ...] operands.
  if (auto norm = dyn_cast<InstanceNormOp>(op)) {
    auto inType = cast<RankedTensorType>(norm.getInput().getType());
    int64_t rank = inType.getRank();
    if (rank < 3 || !floatOnly() || !l.constantValue(norm.getScale()) ||
        !l.constantValue(norm.getBias())) {
      reason = "instance normalisation needs float operands with spatial "
               "axes and constant scale and bias";
      return failure();
    }
    SmallVector<int64_t> perChannel(rank, 1);
    perChannel[1] = inType.getDimSize(1);
    Value scale = l.reshape(loc, in(norm.getScale()), perChannel);
    Value bias = l.reshape(loc, in(norm.getBias()), perChannel);
    setResult(l.shave(loc, "mvn", {in(norm.getInput()), scale, bias}, outType,
                      {norm.getEpsilon().convertToFloat()}, {1, 2}));
    return success();
  }
  if (auto mvn = dyn_cast<MVNOp>(op)) {
    ArrayRef<int64_t> axes = mvn.getAxes();
    if (!floatOnly() || axes.empty()) {
      reason = axes.empty() ? "mean-variance normalisation over no axes"
                            : "non-float operands";
      return failure();
    }
    // The kernel normalises the last dimensions: the normalised axes are
    // moved there (kept axes first, in order) and back.
    SmallVector<int64_t> perm;
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (!llvm::is_contained(axes, d))
        perm.push_back(d);
    int64_t first = int64_t(perm.size());
    perm.append(axes.begin(), axes.end());
    Value in = l.transpose(loc, l.get(mvn.getInput()), perm);
    auto shape = cast<RankedTensorType>(in.getType()).getShape();
    Value y = l.shave(loc, "mvn", {in}, l.f16Type(shape),
                      {mvn.getEpsilon().convertToFloat()},
                      {1, first, mvn.getEpsInsideSqrt() ? 0 : 1});
    SmallVector<int64_t> inverse(perm.size());
    for (size_t i = 0; i < perm.size(); ++i)
      inverse[perm[i]] = int64_t(i);
    y = l.transpose(loc, y, inverse);
    l.map.map(result, y);
    return success();
  }
  if (auto rs = dyn_cast<ResizeOp>(op)) {
    auto opIn = cast<RankedTensorType>(rs.getInput().getType()).getShape();
    CoordinateTransformMode coord = rs.getCoordinateTransformationMode();
    NearestMode rounding = rs.getNearestMode();
    // With the output / input ratio as the scale (checked below), the
    // half-pixel modes coincide: half_pixel_symmetric's adjustment is 1,
    // and pytorch_half_pixel differs only on outputs of size 1, which it
    // samples at input coordinate 0: the input's first row (column),
    // sliced off first, then resized 1 -> 1, which half_pixel leaves as
    // it is.
    bool halfPixel = coord == CoordinateTransformMode::half_pixel ||
                     coord == CoordinateTransformMode::half_pixel_symmetric ||
                     coord == CoordinateTransformMode::pytorch_half_pixel;
    SmallVector<int64_t> in(opIn);
    bool sliceFirst = false;
    if (coord == CoordinateTransformMode::pytorch_half_pixel && in.size() == 4)
      for (size_t d = 2; d < 4; ++d)
        if (type.getDimSize(d) == 1 && in[d] > 1) {
          in[d] = 1;
          sliceFirst = true;
        }
    // Upsampling by whole factors s on the spatial axes: output x = q s + r
    // reads input q under floor of x / s, and under the half-pixel modes
    // rounded to nearest (x + 1/2) / s - 1/2 = q + (r + 1/2) / s - 1/2 is
    // within (s - 1) / 2s < 1/2 of q; tf_half_pixel_for_nn's floor of
    // (x + 1/2) / s is q too. Under asymmetric coordinates x / s = q + r / s
    // rounds to q with round_prefer_floor when r / s <= 1/2 for every r,
    // that is by factors 1 and 2 only. So these are the kernel's floor mode.
    bool wholeUpsampling =
        in.size() == 4 && llvm::all_of(llvm::seq<size_t>(2, 4), [&](size_t d) {
          return in[d] > 0 && type.getDimSize(d) % in[d] == 0;
        });
    bool byAtMost2 =
        wholeUpsampling && llvm::all_of(llvm::seq<size_t>(2, 4), [&](size_t d) {
          return type.getDimSize(d) <= 2 * in[d];
        });
    bool nearestAsFloor =
        (wholeUpsampling &&
         ((halfPixel && (rounding == NearestMode::round_prefer_floor ||
                         rounding == NearestMode::round_prefer_ceil)) ||
          (coord == CoordinateTransformMode::tf_half_pixel_for_nn &&
           rounding == NearestMode::floor))) ||
        (byAtMost2 && coord == CoordinateTransformMode::asymmetric &&
         rounding == NearestMode::round_prefer_floor);
    bool nearest = rs.getMode() == ResizeMode::nearest &&
                   ((coord == CoordinateTransformMode::asymmetric &&
                     (rounding == NearestMode::floor ||
                      rounding == NearestMode::simple)) ||
                    nearestAsFloor);
    bool linear = rs.getMode() == ResizeMode::linear && halfPixel;
    // PyTorch's align_corners=True (coordinates o (n - 1) / (m - 1) with
    // an output / input scale), and nearest under half_pixel at any ratio
    // (ONNX's default nearest mode, round_prefer_floor, and
    // round_prefer_ceil): modes of their own (found by a fresh user: both
    // did not map).
    bool alignCorners = rs.getMode() == ResizeMode::linear &&
                        coord == CoordinateTransformMode::align_corners;
    bool nearestHalfPixel = rs.getMode() == ResizeMode::nearest && !nearest &&
                            halfPixel &&
                            (rounding == NearestMode::round_prefer_floor ||
                             rounding == NearestMode::round_prefer_ceil);
    // Cubic (PyTorch's bicubic, OpenCV's INTER_CUBIC, TensorFlow's bicubic
    // with cubic_coeff_a -0.5) under the half-pixel modes, align_corners
    // and asymmetric coordinates, with or without exclude_outside.
    bool cubicAlignCorners = rs.getMode() == ResizeMode::cubic &&
                             coord == CoordinateTransformMode::align_corners;
    bool cubic = rs.getMode() == ResizeMode::cubic &&
                 (halfPixel || cubicAlignCorners ||
                  coord == CoordinateTransformMode::asymmetric);
    // The kernel resizes by output / input exactly: the op's scale must be
    // that ratio (given as one, or a float that is exactly it). So too
    // under align_corners, whose coordinates o (n - 1) / (n s - 1) take
    // the scale s, not the output's length, where they differ (found by
    // ONNX's node tests on the device: scale 0.6 of 4 columns gave 2
    // columns sampled at 0 and 3, where ONNX samples 0 and 2.14).
    bool exactScales = true;
    for (size_t d = 0; d < opIn.size(); ++d) {
      auto [num, den] = rs.getScaleFraction(d);
      exactScales &= num * double(opIn[d]) == den * double(type.getDimSize(d));
    }
    if (in.size() != 4 || in[0] != type.getDimSize(0) ||
        in[1] != type.getDimSize(1) ||
        !(nearest || linear || alignCorners || nearestHalfPixel || cubic) ||
        !exactScales) {
      reason = "only 4-d spatial nearest (asymmetric with floor or simple; "
               "half_pixel with round_prefer_floor or round_prefer_ceil; "
               "upsampling by whole factors, pytorch_half_pixel with "
               "round_prefer_floor or round_prefer_ceil, "
               "tf_half_pixel_for_nn with floor, and by 2, asymmetric with "
               "round_prefer_floor), linear "
               "(half_pixel, pytorch_half_pixel, align_corners) and cubic "
               "(half_pixel, pytorch_half_pixel, align_corners, asymmetric) "
               "resizing with output/input scales map to SHAVE; this one "
               "is " +
               std::string(stringifyResizeMode(rs.getMode())) + ", " +
               std::string(stringifyCoordinateTransformMode(coord)) +
               (rs.getMode() == ResizeMode::nearest
                    ? ", " + std::string(stringifyNearestMode(rounding))
                    : std::string()) +
               (exactScales ? "" : ", with scales other than output/input");
      return failure();
    }
    int64_t kernelMode =
        linear         ? 1
        : alignCorners ? 3
        : nearestHalfPixel
            ? (rounding == NearestMode::round_prefer_floor ? 4 : 5)
        : rounding == NearestMode::simple &&
                coord == CoordinateTransformMode::asymmetric
            ? 2
            : 0;
    if (nearest && kernelMode == 0 && wholeUpsampling && in[0] == 1 &&
        !sliceFirst)
      if (int64_t cp = l.recordedChannels(rs.getInput())) {
        upsampleHWC(l, loc, rs.getInput(), result, cp);
        return success();
      }
    Value x = l.get(rs.getInput());
    if (sliceFirst)
      x = l.slice(loc, x, {0, 0, 0, 0}, in);
    if (cubic) {
      // Modes 6 / 7 / 8: cubic under half-pixel, align_corners and
      // asymmetric coordinates, with the coefficient and exclude_outside.
      int64_t cubicMode = halfPixel ? 6 : cubicAlignCorners ? 7 : 8;
      l.map.map(result, l.shave(loc, "resize", {x}, outType,
                                {rs.getCubicCoeffA().convertToFloat()},
                                {cubicMode, rs.getExcludeOutside() ? 1 : 0}));
      return success();
    }
    l.map.map(result, l.shave(loc, "resize", {x}, outType, {}, {kernelMode}));
    return success();
  }
  return std::nullopt;
}

/// A concatenation of [1, C_i, H, W] float maps along the channels, each
/// kept as [H, W, Cp_i]: their real channels concatenated in that layout,
/// [H, W, sum C_i] (f16, as the op's own result would be), with no
/// transposition to [1, C, H, W] and back. False (nothing emitted) for any
/// other concatenation.
bool concatInHWC(Lowering &l, ConcatOp cat) {
  auto type = cast<RankedTensorType>(cat.getType());
  int64_t axis = cat.getAxis();
  if (type.getRank() != 4 || type.getDimSize(0) != 1 ||
      !type.getElementType().isF32() || (axis != 1 && axis != -3) ||
      !type.hasStaticShape())
    return false;
  if (!llvm::all_of(cat.getOperands(),
                    [&](Value v) { return l.recordedChannels(v) > 0; }))
    return false;
  Location loc = cat.getLoc();
  SmallVector<Value> parts;
  for (Value v : cat.getOperands())
    parts.push_back(l.compactHWC(loc, v));
  l.setHWC(loc, cat.getResult(),
           parts.size() == 1 ? parts[0] : l.concat(loc, parts, 2));
  return true;
}

LowerResult lowerDataMovementOp(Lowering &l, Operation *op,
                                std::string &reason) {
  // A conversion between f16 and f32 (a float16 model's inputs and outputs,
  // npu-widen-float16) moves nothing: the device's float values are f16.
  if (auto c = dyn_cast<CastOp>(op)) {
    // Device indices narrowed to i32 (or widened to i64) for gathers only:
    // they read the integers themselves (above), so the conversion moves
    // nothing.
    if (isIndexNarrowing(c) &&
        llvm::all_of(c->getUsers(), [&](Operation *user) {
          if (auto g = dyn_cast<GatherOp>(user))
            return g.getIndices() == c.getResult() &&
                   g.getData() != c.getResult();
          if (auto g = dyn_cast<GatherElementsOp>(user))
            return g.getIndices() == c.getResult() &&
                   g.getData() != c.getResult();
          return false;
        }))
      return success();
    auto from = cast<RankedTensorType>(c.getInput().getType());
    auto to = cast<RankedTensorType>(c.getType());
    bool toFloat = to.getElementType().isF32() || to.getElementType().isF16();
    auto isToFloat = [](Operation *user) {
      auto u = dyn_cast<CastOp>(user);
      auto t = u ? dyn_cast<RankedTensorType>(u.getType()) : nullptr;
      return t && (t.getElementType().isF32() || t.getElementType().isF16());
    };
    // A boolean cast to an integer only to be cast to float (`mask.long()`
    // then `.float()`): the 0 / 1 it holds is the float's, which the cast
    // to float takes from the boolean (below).
    if (isBoolTensor(c.getInput()) && isI32OrI64(c.getResult()) &&
        !c->use_empty() && llvm::all_of(c->getUsers(), isToFloat))
      return success();
    if (auto fromBool = c.getInput().getDefiningOp<CastOp>();
        toFloat && fromBool && isBoolTensor(fromBool.getInput()) &&
        isI32OrI64(fromBool.getResult())) {
      Value v = l.get(fromBool.getInput());
      if (!v) {
        reason = "an operand that is not a tensor value";
        return failure();
      }
      l.map.map(c.getResult(), v);
      return success();
    }
    // Float to boolean: x != 0.
    if (isBoolTensor(c.getResult()) && isF32Tensor(c.getInput())) {
      l.map.map(c.getResult(),
                compareWithZero(l, c.getLoc(), l.get(c.getInput()),
                                to.getShape(), arch::CompareKind::NotEqual));
      return success();
    }
    // Integers the device holds (isDeviceIndexTensor: an int32 / int64
    // graph input such as an attention mask, reshaped, expanded, sliced,
    // ArgMax's class ids, ...) to float, or between int32 and int64 (token
    // ids widened, indices narrowed then viewed): the convert kernel reads
    // them as they are.
    if ((toFloat || isI32OrI64(c.getResult())) &&
        isDeviceIndexTensor(c.getInput())) {
      Value v = l.get(c.getInput());
      if (!v) {
        reason = "an operand that is not a tensor value";
        return failure();
      }
      // To f32 exactly (an id past 2048 has no f16) where a graph output or
      // an fp32 island reads it: the f32 form, which they read as it is;
      // f16 readers convert it (Lowering::get).
      bool readInF32 = llvm::any_of(c->getUsers(), [](Operation *user) {
        return user->hasTrait<OpTrait::IsTerminator>() ||
               user->hasAttr(kFp32Attr);
      });
      if (to.getElementType().isF32() && readInF32) {
        l.set(c.getResult(), l.shave(c.getLoc(), "convert", {v}, to), true);
        return success();
      }
      if (from.getElementType() != to.getElementType())
        v = l.shave(c.getLoc(), "convert", {v},
                    toFloat ? l.f16Type(to.getShape()) : to);
      l.map.map(c.getResult(), v);
      return success();
    }
    // 8-bit integers the user gives (a uint8 image, as TensorFlow exports
    // detectors) or constants, also viewed, to float: the convert kernel
    // reads them as they are (exactly: f16 holds every 8-bit integer).
    if (toFloat && movedFrom(c.getInput(), [](Value s) {
          auto t = dyn_cast<RankedTensorType>(s.getType());
          return t && t.getElementType().isInteger(8) &&
                 (isa<BlockArgument>(s) || s.getDefiningOp<ConstantOp>());
        })) {
      Value v = l.get(c.getInput());
      if (!v) {
        reason = "an operand that is not a tensor value";
        return failure();
      }
      l.map.map(c.getResult(),
                l.shave(c.getLoc(), "convert", {v}, l.f16Type(to.getShape())));
      return success();
    }
    if (isBoolTensor(c.getInput()) && !toFloat) {
      reason = "a boolean cast to an integer read other than by a cast to "
               "float (booleans are float 0 / 1 on the device: cast them "
               "to float instead)";
      return failure();
    }
    // A boolean is f16 0 / 1 on the device already: to float it moves
    // nothing, as f16 <-> f32 does not.
    if (!c.isHalfSingleConversion() &&
        !(isBoolTensor(c.getInput()) && toFloat)) {
      reason = "a conversion to or from a type other than float16 and "
               "float32 (other than of booleans, of int32 / int64 values "
               "the device holds, as a graph input, a constant or "
               "ArgMax / ArgMin / TopK indices, to float, int32 or int64, "
               "or of 8-bit graph inputs and constants to float)";
      return failure();
    }
    Value v = l.get(c.getInput());
    if (!v) {
      reason = "an operand that is not a tensor value";
      return failure();
    }
    l.map.map(c.getResult(), v);
    return success();
  }
  // Left by npu-decompose-data-movement: what DMA cannot copy.
  if (isa<PadOp>(op)) {
    reason = "a reflect or wrap pad not smaller than its axis, or a crop "
             "to nothing";
    return failure();
  }
  if (isa<TileOp, ExpandOp, DepthToSpaceOp, SpaceToDepthOp>(op)) {
    reason = "an empty tensor or a dynamic shape";
    return failure();
  }
  // Left by npu-decompose-einsum / npu-decompose-banded-sums.
  if (auto einsum = dyn_cast<EinsumOp>(op)) {
    reason = einsumLeftReason(einsum);
    return failure();
  }
  if (auto cumsum = dyn_cast<CumSumOp>(op)) {
    auto t = cast<RankedTensorType>(cumsum.getType());
    if (!isa<FloatType>(t.getElementType()))
      reason = "a running sum of integers (the NPU computes in float; cast "
               "the tensor to float first)";
    else if (t.hasStaticShape() && t.getRank() > 0 &&
             t.getDimSize(int64_t(cumsum.getAxis())) > 1024)
      reason = "a running sum along " +
               std::to_string(t.getDimSize(int64_t(cumsum.getAxis()))) +
               " elements: more than 1024 (its 0/1 matrix on the DPU would "
               "take more than 2 MiB of weights)";
    else
      reason = "a dynamic shape or a pre-quantized model's op";
    return failure();
  }
  if (isa<LRNOp>(op)) {
    reason = "a size below 1, a tensor of rank below 2, a dynamic shape or a "
             "pre-quantized model's op";
    return failure();
  }
  if (!isa<ReshapeOp, TransposeOp, SliceOp, ConcatOp>(op))
    return std::nullopt;
  // The same op on the lowered operands, with f16 in place of f32 (f32
  // kept in an fp32 island).
  bool fp32 = op->hasAttr(kFp32Attr);
  if (l.int8 && !fp32)
    if (LowerResult r = lowerInt8ChannelMove(l, op, reason))
      return r;
  if (auto cat = dyn_cast<ConcatOp>(op); cat && !fp32 && concatInHWC(l, cat))
    return success();
  SmallVector<Value> operands;
  for (Value v : op->getOperands()) {
    Value nv = l.get(v, fp32);
    if (!nv) {
      reason = "an operand that is not a tensor value";
      return failure();
    }
    operands.push_back(nv);
  }
  SmallVector<Type> types;
  for (Type t : op->getResultTypes()) {
    // Booleans move as the f16 0 / 1 that holds them.
    auto rt = cast<RankedTensorType>(t);
    bool toF16 = (rt.getElementType().isF32() && !fp32) ||
                 rt.getElementType().isInteger(1);
    types.push_back(toF16 ? l.f16Type(rt.getShape()) : rt);
  }
  SmallVector<NamedAttribute> attrs;
  for (NamedAttribute a : op->getAttrs())
    if (a.getName() != kFp32Attr)
      attrs.push_back(a);
  Operation *clone = l.b.create(op->getLoc(), op->getName().getIdentifier(),
                                operands, types, attrs);
  for (auto [o, n] : llvm::zip(op->getResults(), clone->getResults()))
    l.set(o, n, fp32);
  return success();
}

} // namespace npu::lowering
