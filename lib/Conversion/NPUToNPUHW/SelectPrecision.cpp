//===- SelectPrecision.cpp - The npu-select-precision pass ----------------===//
//
// Mixed precision: keeps the fewest DPU layers in fp16 that reach an
// accuracy target (the pass description in Passes.td, docs/mixed-precision.md).
// Configurations are evaluated on the float graph by the reference
// interpreter with the device's precision simulated (quantize-dequantize of
// the int8 tensors, f16 rounding of the others), which is fast; the int8
// lowering itself says which tensors each layer makes int8.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "npu/Arch/CostModel.h"
#include "npu/Arch/Hardware.h"
#include "npu/Arch/PostProcess.h"
#include "npu/Conversion/NPUToNPUHW/Passes.h"
#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/IR/TensorKeys.h"
#include "npu/Dialect/NPU/Transforms/ChannelConstant.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"
#include "npu/Dialect/NPU/Transforms/SampleInputs.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"
#include "npu/Interpreter/Interpreter.h"
#include "npu/Interpreter/TensorConversion.h"
#include "npu/Kernels/Cpu.h"
#include "npu/Kernels/Quantize.h"
#include "npu/Kernels/ThreadPool.h"
#include "npu/Support/AccuracyTarget.h"
#include "npu/Support/Files.h"
#include "npu/Support/NameList.h"
#include "npu/Support/TensorMetrics.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <cmath>
#include <numeric>

namespace npu {
#define GEN_PASS_DEF_NPUSELECTPRECISION
#include "npu/Conversion/NPUToNPUHW/Passes.h.inc"
} // namespace npu

using namespace mlir;

namespace npu {
namespace {

using lowering::QuantParams;

/// A DPU layer of the calibrated graph.
struct Layer {
  Operation *op = nullptr;
  std::string key;
  /// The tensors that are int8 on the device when this layer is.
  SmallVector<Value, 2> quantized;
  /// Its constant weights (single use) in float, int8 per output channel
  /// (dequantized) and f16 (rounded); null when it has none.
  ConstantOp weights;
  ElementsAttr floatWeights, int8Weights, fp16Weights;
  /// The mean output cosine to float with only this layer in int8.
  double sensitivity = 1.0;
};

/// Rounds floats to f16 precision (round to nearest even).
void roundRangeToF16(float *p, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    p[i] = halfToFloat(floatToHalf(p[i]));
}

#if defined(__x86_64__)
/// The same with the F16C instructions (8 at a time); NaN payloads may
/// differ, which the simulation does not look at.
__attribute__((target("avx,f16c"))) void roundRangeToF16C(float *p, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m128i h =
        _mm256_cvtps_ph(_mm256_loadu_ps(p + i), _MM_FROUND_TO_NEAREST_INT);
    _mm256_storeu_ps(p + i, _mm256_cvtph_ps(h));
  }
  roundRangeToF16(p + i, n - i);
}
#endif

/// Rounds an f32 tensor to f16 precision, as the device stores it.
void roundToF16(HostTensor &t, kernels::ThreadPool *pool = nullptr) {
  if (t.dtype() != DType::F32)
    return;
  void (*round)(float *, int64_t) = roundRangeToF16;
#if defined(__x86_64__)
  // Every CPU with AVX2 (the kernels' levels above generic) has F16C.
  if (kernels::activeSimdLevel() != kernels::SimdLevel::Generic)
    round = roundRangeToF16C;
#endif
  float *p = t.data<float>();
  kernels::parallelForRange(pool, t.numElements(), int64_t(1) << 14,
                            [p, round](int64_t begin, int64_t end) {
                              round(p + begin, end - begin);
                            });
}

/// Quantizes an f32 tensor to int8 with `q` and back (ONNX QuantizeLinear
/// and DequantizeLinear: round half to even, saturation).
void fakeQuantize(HostTensor &t, const QuantParams &q,
                  kernels::ThreadPool *pool) {
  if (t.dtype() != DType::F32)
    return;
  HostTensor scale(DType::F32, {}), zeroPoint(DType::I8, {});
  scale.data<float>()[0] = q.scale;
  zeroPoint.data<int8_t>()[0] = int8_t(q.zeroPoint);
  HostTensor quantized(DType::I8, t.shape());
  if (kernels::quantizeLinear(t, scale, zeroPoint, 0, quantized, pool).ok())
    (void)kernels::dequantizeLinear(quantized, scale, zeroPoint, 0, t, pool);
}

/// The output-channel axis of a layer's constant weights and the operand
/// holding them; nullopt for layers without weights.
std::optional<std::pair<unsigned, int64_t>> weightOperand(Operation *op) {
  if (isa<ConvOp, ConvTransposeOp>(op)) {
    // Grouped transposed convolutions: per input channel (axis 0) is
    // coarser than per output channel but a broadcast of the weights.
    return std::make_pair(1u, outputChannelAxis(op).value_or(0));
  }
  if (auto mm = dyn_cast<MatMulOp>(op)) {
    auto type = cast<RankedTensorType>(mm.getRhs().getType());
    return std::make_pair(1u, type.getRank() - 1);
  }
  if (auto gemm = dyn_cast<GemmOp>(op))
    return std::make_pair(1u, int64_t(gemm.getTransB() ? 0 : 1));
  return std::nullopt;
}

/// Symmetric per-output-channel int8 weights, dequantized: the lowering's
/// scales (the model's npu.weight_scales, else max|w_k| / 127), except
/// that the lowering takes a coarser scale for a channel whose bias would
/// not fit the accumulator (DpuLowering.cpp, kMaxBiasUnits): there the
/// simulation is finer than the device, which the device-arithmetic check
/// sees.
HostTensor quantizeWeights(const HostTensor &w, int64_t axis,
                           ArrayRef<float> modelScales) {
  HostTensor q = w;
  int64_t k = w.dim(axis);
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < w.rank(); ++d)
    inner *= w.dim(d);
  int64_t outer = w.numElements() / (k * inner);
  const float *src = w.data<float>();
  float *dst = q.data<float>();
  std::vector<float> scales(k, 0.0f);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < k; ++c)
      for (int64_t i = 0; i < inner; ++i)
        scales[c] =
            std::max(scales[c], std::fabs(src[(o * k + c) * inner + i]));
  for (int64_t c = 0; c < k; ++c)
    scales[c] = int64_t(modelScales.size()) == k
                    ? modelScales[c]
                    : arch::int8WeightScale(scales[c]);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < k; ++c)
      for (int64_t i = 0; i < inner; ++i) {
        int64_t at = (o * k + c) * inner + i;
        float s = scales[c];
        dst[at] =
            s > 0 ? std::min(127.0f,
                             std::max(-127.0f, std::nearbyint(src[at] / s))) *
                        s
                  : 0.0f;
      }
  return q;
}

/// The layer as one DPU workload (for the report's modelled cost).
std::optional<arch::DpuWorkloadShape> workloadOf(Operation *op) {
  arch::DpuWorkloadShape s;
  auto out = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  auto in = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  if (!out || !in || !out.hasStaticShape() || !in.hasStaticShape() ||
      out.getRank() < 2)
    return std::nullopt;
  auto dim = [](RankedTensorType t, int64_t d) {
    return d < t.getRank() ? uint32_t(t.getDimSize(d)) : 1u;
  };
  if (isa<ConvOp, ConvTransposeOp, MaxPoolOp, AvgPoolOp, GlobalAvgPoolOp,
          GlobalMaxPoolOp, AddOp, SubOp>(op)) {
    s.outChannels = dim(out, 1);
    s.outHeight = dim(out, 2);
    s.outWidth = out.getRank() > 3 ? dim(out, 3) : 1;
  }
  if (auto conv = dyn_cast<ConvOp>(op)) {
    auto w = cast<RankedTensorType>(conv->getOperand(1).getType());
    bool depthwise = conv.getGroup() > 1 && w.getDimSize(1) == 1 &&
                     static_cast<int64_t>(conv.getGroup()) == in.getDimSize(1);
    s.opClass =
        depthwise ? arch::DpuOpClass::Depthwise : arch::DpuOpClass::Conv;
    s.inChannels = depthwise ? 1 : dim(w, 1);
    s.kernelH = dim(w, 2);
    s.kernelW = w.getRank() > 3 ? dim(w, 3) : 1;
    ArrayRef<int64_t> strides = conv.getStrides();
    s.strideH = strides.empty() ? 1 : uint32_t(strides[0]);
    s.strideW = strides.size() > 1 ? uint32_t(strides[1]) : 1;
  } else if (isa<ConvTransposeOp>(op)) {
    s.opClass = arch::DpuOpClass::Conv;
    auto w = cast<RankedTensorType>(op->getOperand(1).getType());
    s.inChannels = dim(w, 0);
    s.kernelH = dim(w, 2);
    s.kernelW = w.getRank() > 3 ? dim(w, 3) : 1;
  } else if (isa<MatMulOp, GemmOp>(op)) {
    s.opClass = arch::DpuOpClass::Conv;
    int64_t rank = out.getRank();
    s.outChannels = uint32_t(out.getDimSize(rank - 1));
    s.outWidth = uint32_t(out.getDimSize(rank - 2));
    s.outHeight = uint32_t(out.getNumElements() / (out.getDimSize(rank - 1) *
                                                   out.getDimSize(rank - 2)));
    s.inChannels = uint32_t(in.getDimSize(in.getRank() - 1));
  } else if (isa<MaxPoolOp, GlobalMaxPoolOp>(op)) {
    s.opClass = arch::DpuOpClass::MaxPool;
  } else if (isa<AvgPoolOp, GlobalAvgPoolOp>(op)) {
    s.opClass = arch::DpuOpClass::Depthwise;
  } else if (isa<AddOp, SubOp>(op)) {
    s.opClass = arch::DpuOpClass::Eltwise;
  } else {
    return std::nullopt;
  }
  if (isa<GlobalAvgPoolOp, GlobalMaxPoolOp>(op)) {
    s.kernelH = dim(in, 2);
    s.kernelW = in.getRank() > 3 ? dim(in, 3) : 1;
  } else if (auto pool = dyn_cast<MaxPoolOp>(op)) {
    ArrayRef<int64_t> k = pool.getKernelShape();
    s.kernelH = k.empty() ? 1 : uint32_t(k[0]);
    s.kernelW = k.size() > 1 ? uint32_t(k[1]) : 1;
  } else if (auto pool = dyn_cast<AvgPoolOp>(op)) {
    ArrayRef<int64_t> k = pool.getKernelShape();
    s.kernelH = k.empty() ? 1 : uint32_t(k[0]);
    s.kernelW = k.size() > 1 ? uint32_t(k[1]) : 1;
  }
  return s;
}

/// The float weights npu-calibrate kept (npu.float_weights) of the ops of
/// `func` not in `keep`, put back into their weight constants; `restore()`
/// puts the int8 levels back, `drop()` keeps the float weights and removes
/// every npu.float_weights of `func`.
class KeptFloatWeights {
public:
  KeptFloatWeights(func::FuncOp func, const llvm::DenseSet<Operation *> &keep)
      : func(func) {
    func.walk([&](Operation *op) {
      auto kept = op->getAttrOfType<DenseElementsAttr>(kFloatWeightsAttr);
      auto operand = weightOperand(op);
      if (!kept || !operand || keep.contains(op))
        return;
      auto cst = op->getOperand(operand->first).getDefiningOp<ConstantOp>();
      if (!cst || cst.getType() != kept.getType())
        return;
      swapped.push_back({cst, cst.getValue()});
      cst.setValueAttr(kept);
    });
  }
  void restore() {
    for (auto &[cst, levels] : swapped)
      cst.setValueAttr(levels);
    swapped.clear();
  }
  void drop() {
    swapped.clear();
    func.walk([](Operation *op) { op->removeAttr(kFloatWeightsAttr); });
  }

private:
  func::FuncOp func;
  std::vector<std::pair<ConstantOp, ElementsAttr>> swapped;
};

struct NPUSelectPrecisionPass
    : impl::NPUSelectPrecisionBase<NPUSelectPrecisionPass> {
  using Base::Base;

  func::FuncOp func;
  std::vector<Layer> layers;
  llvm::DenseMap<Value, QuantParams> params;
  std::vector<std::vector<HostTensor>> sampleSet;
  std::vector<std::vector<HostTensor>> reference;
  std::shared_ptr<Interpreter> interpreter; // shared: the pass is copied
  std::shared_ptr<kernels::ThreadPool> pool;
  unsigned evaluations = 0;

  FailureOr<func::FuncOp> findFunction() {
    return findModelFunction(getOperation(), "npu-select-precision");
  }

  /// The layers and what each makes int8: the int8 lowering of a copy of
  /// the module, with the tensors it quantizes recorded per op.
  LogicalResult findLayers() {
    OwningOpRef<ModuleOp> copy(getOperation().clone());
    func::FuncOp copyFunc;
    for (auto f : copy->getOps<func::FuncOp>())
      if (f.getSymName() == func.getSymName())
        copyFunc = f;
    // Keys of the copy's tensors and ops, taken before the lowering erases
    // them (the recorded pointers are only looked up, never dereferenced).
    llvm::DenseMap<Value, std::string> valueKeys;
    llvm::DenseMap<Operation *, std::string> opKeys;
    for (KeyedTensor &k : collectTensorKeys(copyFunc)) {
      valueKeys[k.value] = k.key;
      if (k.op && k.index == 0)
        opKeys[k.op] = k.key;
    }
    std::vector<Operation *> order;
    copyFunc.walk([&](Operation *op) { order.push_back(op); });
    lowering::QuantizedTensors recorded;
    lowering::DebugTensors debug;
    if (failed(lowering::lowerFunction(copyFunc, "int8", debug, &recorded,
                                       /*warn=*/false)))
      return failure();

    llvm::StringMap<Value> originals;
    llvm::StringMap<Operation *> originalOps;
    for (KeyedTensor &k : collectTensorKeys(func)) {
      originals[k.key] = k.value;
      if (k.op && k.index == 0)
        originalOps[k.key] = k.op;
    }
    // In graph order.
    for (Operation *op : order) {
      auto it = recorded.find(op);
      auto key = opKeys.find(op);
      if (it == recorded.end() || key == opKeys.end())
        continue; // Not an int8 DPU layer, or one the lowering created.
      Layer layer;
      layer.key = key->second;
      layer.op = originalOps.lookup(layer.key);
      if (!layer.op)
        continue;
      llvm::DenseSet<Value> seen;
      for (Value v : it->second) {
        auto k = valueKeys.find(v);
        Value original =
            k == valueKeys.end() ? Value() : originals.lookup(k->second);
        if (original && seen.insert(original).second)
          layer.quantized.push_back(original);
      }
      layers.push_back(std::move(layer));
    }
    return success();
  }

  /// The int8 parameters of every tensor some layer quantizes, and each
  /// layer's weight variants.
  LogicalResult prepare() {
    std::string reason;
    for (Layer &layer : layers) {
      for (Value v : layer.quantized) {
        if (params.count(v))
          continue;
        QuantParams q;
        if (auto quant = quantAnnotationOf(v)) {
          q = {quant[0], int32_t(quant[1])};
        } else if (auto range = lowering::rangeAttrOf(v)) {
          q = lowering::quantParamsForRange(range[0], range[1]);
        } else {
          return emitError(layer.op->getLoc())
                 << "no calibrated range for '" << layer.key
                 << "' (npu-select-precision runs on the calibrated stage)";
        }
        params[v] = q;
      }
      auto operand = weightOperand(layer.op);
      if (!operand)
        continue;
      Value w = layer.op->getOperand(operand->first);
      auto cst = w.getDefiningOp<ConstantOp>();
      if (!cst || !w.hasOneUse())
        continue;
      std::string error;
      auto host = elementsAttrToHostTensor(cst.getValue(), error);
      if (failed(host) || host->dtype() != DType::F32 ||
          operand->second >= host->rank())
        continue;
      auto type = cast<ShapedType>(cst.getType());
      auto attrOf = [&](const HostTensor &t) -> ElementsAttr {
        auto attr = hostTensorToDenseAttr(t, type);
        return failed(attr) ? ElementsAttr() : ElementsAttr(*attr);
      };
      // fp16 rounds the float weights (npu.float_weights, when calibration
      // moved the weights to their int8 levels), int8 quantizes the levels.
      HostTensor f16 = *host;
      if (auto kept =
              layer.op->getAttrOfType<DenseElementsAttr>(kFloatWeightsAttr)) {
        auto original = elementsAttrToHostTensor(kept, error);
        if (succeeded(original) && original->dtype() == DType::F32 &&
            original->shape() == host->shape())
          f16 = std::move(*original);
      }
      roundToF16(f16);
      layer.weights = cst;
      layer.floatWeights = cst.getValue();
      layer.int8Weights = attrOf(quantizeWeights(
          *host, operand->second,
          weightScalesOf(layer.op, host->dim(operand->second))));
      layer.fp16Weights = attrOf(f16);
      if (!layer.int8Weights || !layer.fp16Weights)
        layer.weights = ConstantOp();
    }
    return success();
  }

  LogicalResult loadSamples() {
    auto inputs = sampleInputsOf(func, "npu-select-precision");
    if (failed(inputs))
      return failure();
    // Calibration, which ran before on the same samples, warned about
    // generated ones (unless its ranges came from a table: warnGenerated);
    // the report says so again.
    auto source = openSamples(func, *inputs, data, 8, /*warn=*/false);
    if (failed(source))
      return failure();
    if ((*source)->isGenerated() && warnGenerated)
      emitWarning(func.getLoc())
          << "no calibration data: the mixed-precision search measures the "
             "layers on "
          << (*source)->numSamples()
          << " generated samples (standard normal), so the fp16 layers it "
             "keeps are chosen on noise (give --calib-data DIR with the "
             "calibration table)";
    size_t n = (*source)->numSamples();
    if (samples > 0)
      n = std::min<size_t>(n, size_t(samples));
    std::string error;
    generatedSamples = (*source)->isGenerated();
    for (size_t i = 0; i < n; ++i) {
      std::vector<HostTensor> sample;
      if (!(*source)->load(i, sample, error))
        return emitError(func.getLoc()) << error;
      sampleSet.push_back(std::move(sample));
    }
    InterpreterOptions options;
    Interpreter plain(options);
    // The reference is the float model: the weights calibration moved to
    // their int8 levels are float again for it.
    KeptFloatWeights floatAgain(func, /*keep=*/{});
    for (auto [s, sample] : llvm::enumerate(sampleSet)) {
      auto results = plain.run(func, sample);
      if (failed(results))
        return emitError(func.getLoc())
               << "npu-select-precision: the interpreter failed on a sample";
      // A float output that is not finite measures nothing: every target
      // would read it its own way.
      for (auto [o, r] : llvm::enumerate(*results)) {
        if (!isFloat(r.dtype()))
          continue;
        for (int64_t i = 0, n = r.numElements(); i < n; ++i)
          if (!std::isfinite(r.getAsDouble(i)))
            return emitError(func.getLoc())
                   << "the float model's output " << o
                   << " is not finite (inf or NaN) on sample " << s << " of "
                   << (*source)->describe()
                   << ": the accuracy target cannot be measured on it; fix "
                      "or remove that sample";
      }
      reference.emplace_back(std::make_move_iterator(results->begin()),
                             std::make_move_iterator(results->end()));
    }
    floatAgain.restore();
    return success();
  }

  /// The accuracy of a configuration, the smallest over the outputs of:
  /// the mean over the samples of the cosine similarity to float, or for an
  /// integer output the share of its elements equal to float's
  /// (`cosine()`); the share of positions whose argmax over the last axis
  /// is float's, pooled over the samples (`top1()`, outputs with more than
  /// one element on their last axis; counted only with `countClasses`, the
  /// search's every simulation does not pay for it under a cos target); the
  /// intersection over union of the elements above `maskThreshold` with
  /// float's, pooled over the samples (`maskIou()`, outputs with such
  /// elements; counted only with `countMask`); one less the edit distance
  /// of the greedy CTC decoding from float's over float's labels, pooled
  /// over the samples (`ctc()`, outputs with more than one element on
  /// their last axis; counted only with `countCtc`).
  struct Accuracy {
    bool countClasses = false;
    bool countMask = false;
    bool countCtc = false;
    double maskThreshold = 0;
    int64_t blank = 0;
    std::vector<double> sums;
    std::vector<int64_t> matches, positions, intersections, unions;
    std::vector<int64_t> ctcErrors, ctcLabels;
    /// Per output: whether the CTC figure measures it (its last axis has
    /// more than one element).
    std::vector<bool> ctcMeasured;
    size_t samples = 0;
    void add(ArrayRef<HostTensor> results, ArrayRef<HostTensor> expected) {
      sums.resize(expected.size(), 0.0);
      matches.resize(expected.size(), 0);
      positions.resize(expected.size(), 0);
      intersections.resize(expected.size(), 0);
      unions.resize(expected.size(), 0);
      ctcErrors.resize(expected.size(), 0);
      ctcLabels.resize(expected.size(), 0);
      ctcMeasured.resize(expected.size(), false);
      for (auto [o, pair] : llvm::enumerate(llvm::zip(results, expected))) {
        auto &[r, ref] = pair;
        if (r.numElements() != ref.numElements() || r.dtype() != ref.dtype()) {
          continue; // A shape that differs: nothing in common.
        }
        if (!isFloat(r.dtype())) {
          // An integer output (an argmax's indices) counts as the share of
          // its elements equal to float's.
          int64_t n = r.numElements(), same = 0;
          for (int64_t i = 0; i < n; ++i)
            same += r.getAsDouble(i) == ref.getAsDouble(i);
          sums[o] += n ? double(same) / double(n) : 1.0;
          continue;
        }
        TensorMetrics metrics;
        std::string error;
        // Float's outputs are finite (checked on the samples): an element
        // the configuration makes NaN or infinite (an fp16 overflow) is
        // a failure, not an element left out of the cosine.
        sums[o] += compareTensors(ref, r, metrics, error) && !metrics.nonFinite
                       ? metrics.cosine
                       : 0.0;
        int64_t before = positions[o];
        if (countClasses &&
            !countArgmaxMatches(ref, r, matches[o], positions[o], error))
          positions[o] = before + 1; // A shape that differs: no match.
        before = unions[o];
        if (countMask && !countMaskOverlap(ref, r, maskThreshold,
                                           intersections[o], unions[o], error))
          unions[o] = before + 1; // A shape that differs: no overlap.
        if (countCtc && ref.rank() && ref.shape().back() > 1) {
          ctcMeasured[o] = true;
          int64_t labelsBefore = ctcLabels[o];
          if (!countCtcErrors(ref, r, blank, ctcErrors[o], ctcLabels[o],
                              error)) {
            // A shape that differs: every label of float's is lost.
            ctcLabels[o] = labelsBefore + 1;
            ctcErrors[o] += 1;
          }
        }
      }
      ++samples;
    }
    double cosine() const {
      double worst = 1.0;
      for (double sum : sums)
        worst = std::min(worst, samples ? sum / double(samples) : 1.0);
      return worst;
    }
    double top1() const {
      double worst = 1.0;
      for (auto [m, n] : llvm::zip(matches, positions))
        if (n)
          worst = std::min(worst, double(m) / double(n));
      return worst;
    }
    double maskIou() const {
      double worst = 1.0;
      for (auto [i, u] : llvm::zip(intersections, unions))
        if (u)
          worst = std::min(worst, double(i) / double(u));
      return worst;
    }
    double ctc() const {
      double worst = 1.0;
      for (auto [measured, errors, labels] :
           llvm::zip(ctcMeasured, ctcErrors, ctcLabels))
        if (measured)
          worst = std::min(
              worst, labels
                         ? std::max(0.0, 1.0 - double(errors) / double(labels))
                         : (errors ? 0.0 : 1.0));
      return worst;
    }
    bool hasLabels() const {
      return llvm::any_of(ctcLabels, [](int64_t n) { return n > 0; });
    }
    bool hasClasses() const {
      return llvm::any_of(positions, [](int64_t n) { return n > 0; });
    }
    bool hasMask() const {
      return llvm::any_of(unions, [](int64_t n) { return n > 0; });
    }
    double value(AccuracyMetric metric) const {
      switch (metric) {
      case AccuracyMetric::Top1:
        return top1();
      case AccuracyMetric::MaskIou:
        return maskIou();
      case AccuracyMetric::Ctc:
        return ctc();
      case AccuracyMetric::Cosine:
        break;
      }
      return cosine();
    }
  };

  /// An Accuracy that counts what the target's figure needs.
  Accuracy accuracyForGoal() const {
    Accuracy accuracy;
    accuracy.countClasses = goal.metric == AccuracyMetric::Top1;
    accuracy.countMask = goal.metric == AccuracyMetric::MaskIou;
    accuracy.countCtc = goal.metric == AccuracyMetric::Ctc;
    accuracy.maskThreshold = goal.threshold;
    accuracy.blank = goal.blank;
    return accuracy;
  }

  /// A value of the simulated configuration as the device holds it: int8
  /// (quantized and dequantized) or f16 (rounded).
  void simulate(Value v, HostTensor &t) {
    if (int8Tensors.contains(v)) {
      fakeQuantize(t, params.lookup(v), pool.get());
      return;
    }
    // fp32 islands (npu-fp32-islands) keep f32.
    if (Operation *def = v.getDefiningOp(); def && def->hasAttr(kFp32Attr))
      return;
    roundToF16(t, pool.get());
  }

  /// The accuracy (see Accuracy) of the simulated configuration (`int8[i]`:
  /// layer i in int8) over the first `count` samples (0: all).
  FailureOr<Accuracy> measure(const std::vector<bool> &int8, size_t count = 0) {
    ++evaluations;
    int8Tensors.clear();
    for (auto [i, layer] : llvm::enumerate(layers)) {
      if (int8[i])
        int8Tensors.insert(layer.quantized.begin(), layer.quantized.end());
      if (layer.weights)
        layer.weights.setValueAttr(int8[i] ? layer.int8Weights
                                           : layer.fp16Weights);
    }
    Accuracy accuracy = accuracyForGoal();
    for (auto [s, sample] : llvm::enumerate(sampleSet)) {
      if (count && s >= count)
        break;
      std::vector<HostTensor> inputs = sample;
      for (auto [i, t] : llvm::enumerate(inputs))
        simulate(func.getArgument(i), t);
      auto results = interpreter->run(func, inputs);
      if (failed(results))
        return emitError(func.getLoc())
               << "npu-select-precision: the interpreter failed";
      accuracy.add(*results, reference[s]);
      interpreter->recycle(*results);
    }
    return accuracy;
  }

  /// The target's figure (see Accuracy) of the simulated configuration.
  FailureOr<double> evaluate(const std::vector<bool> &int8, size_t count = 0) {
    auto accuracy = measure(int8, count);
    if (failed(accuracy))
      return failure();
    return accuracy->value(goal.metric);
  }

  /// The accuracy of a configuration with the device's arithmetic: the
  /// mixed lowering of a copy of the module, run by the interpreter (the
  /// device equals it bit for bit) on the first `verifiedSamples()`.
  FailureOr<double> verify(const std::vector<bool> &int8) {
    restoreWeights();
    std::vector<Operation *> ops;
    func.walk([&](Operation *op) { ops.push_back(op); });
    llvm::DenseMap<Operation *, size_t> index;
    for (auto [i, op] : llvm::enumerate(ops))
      index[op] = i;
    OwningOpRef<ModuleOp> copy(getOperation().clone());
    func::FuncOp copyFunc;
    for (auto f : copy->getOps<func::FuncOp>())
      if (f.getSymName() == func.getSymName())
        copyFunc = f;
    std::vector<Operation *> copyOps;
    copyFunc.walk([&](Operation *op) { copyOps.push_back(op); });
    if (copyOps.size() != ops.size())
      return emitError(func.getLoc())
             << "npu-select-precision: internal error: copy differs";
    llvm::DenseSet<Operation *> int8Copies;
    for (auto [i, layer] : llvm::enumerate(layers)) {
      Operation *copied = copyOps[index.lookup(layer.op)];
      if (!int8[i])
        copied->setAttr(lowering::kFp16Attr, UnitAttr::get(&getContext()));
      else
        int8Copies.insert(copied);
    }
    // Ops not in int8 take their float weights back, as the chosen
    // configuration will.
    KeptFloatWeights(copyFunc, int8Copies).drop();
    lowering::DebugTensors debug;
    if (failed(lowering::lowerFunction(copyFunc, "mixed", debug,
                                       /*recorder=*/nullptr, /*warn=*/false)))
      return failure();
    Interpreter device;
    Accuracy accuracy = accuracyForGoal();
    for (auto [s, sample] : llvm::enumerate(sampleSet)) {
      if (s >= verifiedSamples())
        break;
      auto results = device.run(copyFunc, sample);
      if (failed(results))
        return emitError(func.getLoc())
               << "npu-select-precision: the interpreter failed on the "
                  "lowered model";
      accuracy.add(*results, reference[s]);
    }
    ++verifications;
    return accuracy.value(goal.metric);
  }
  unsigned verifications = 0;
  bool generatedSamples = false;
  /// The samples of the device-arithmetic checks: the first
  /// `verify-samples`, 0 for all. By default (-1): all for a top1 or iou
  /// target (a share of positions or elements needs them: a classifier has
  /// one position per sample, a detector's page may have no text); for a
  /// cos target as many as kVerifyMacBudget multiply-accumulates of the DPU
  /// layers allow (the DPU's bit-exact model is slow: PP-OCRv4's detector at
  /// 640x640, 2.3 G per sample, takes about 11 s), at least 2. Two samples
  /// flatter a small classifier whose first two are easy.
  size_t verifiedSamples() const {
    int64_t n = verifySamples;
    if (n < 0) {
      n = 0;
      // Without a search there is time to check every sample.
      if (goal.metric == AccuracyMetric::Cosine && !noSearch()) {
        uint64_t affordable =
            kVerifyMacBudget / std::max<uint64_t>(1, layerMacsPerSample);
        if (affordable < sampleSet.size())
          n = int64_t(std::max<uint64_t>(2, affordable));
      }
    }
    return n > 0 ? std::min(sampleSet.size(), size_t(n)) : sampleSet.size();
  }
  /// Multiply-accumulates of a default cos check (see verifiedSamples): a
  /// deterministic budget, so that the same inputs give the same choice.
  static constexpr uint64_t kVerifyMacBudget = 5'000'000'000ull;
  /// The DPU layers' multiply-accumulates (window elements for pooling,
  /// one per output for eltwise) in one sample.
  uint64_t layerMacsPerSample = 0;
  /// The tensors int8 in the simulated configuration.
  llvm::DenseSet<Value> int8Tensors;

  void restoreWeights() {
    for (Layer &layer : layers)
      if (layer.weights)
        layer.weights.setValueAttr(layer.floatWeights);
  }

  /// The parsed `target` option.
  AccuracyTarget goal;

  /// What the target's figure is, for messages.
  StringRef figureName() const {
    switch (goal.metric) {
    case AccuracyMetric::Top1:
      return "share of positions with float's argmax";
    case AccuracyMetric::MaskIou:
      return "mask IoU with float";
    case AccuracyMetric::Ctc:
      return "share of float's CTC labels read the same";
    case AccuracyMetric::Cosine:
      break;
    }
    return "output cosine to float";
  }

  /// Whether there is no search: only the fp16-layers stay fp16.
  bool noSearch() const { return target == "none"; }
  /// The layers fp16-layers names (fp16 in every configuration).
  std::vector<bool> requested;

  /// The layer nearest before `v` in the graph (breadth first through the
  /// operands of its producers), or "" if none.
  std::string layerBefore(Value v) const {
    llvm::DenseMap<Operation *, size_t> layerOf;
    for (auto [i, layer] : llvm::enumerate(layers))
      layerOf[layer.op] = i;
    SmallVector<Operation *> queue;
    llvm::DenseSet<Operation *> seen;
    if (Operation *def = v.getDefiningOp())
      queue.push_back(def);
    for (size_t q = 0; q < queue.size() && q < 64; ++q) {
      auto it = layerOf.find(queue[q]);
      if (it != layerOf.end())
        return layers[it->second].key;
      for (Value operand : queue[q]->getOperands())
        if (Operation *def = operand.getDefiningOp())
          if (!isa<ConstantOp>(def) && seen.insert(def).second)
            queue.push_back(def);
    }
    return "";
  }

  /// The layers named in fp16-layers, true at their index; an error names
  /// each name that is not a layer.
  FailureOr<std::vector<bool>> forcedLayers() {
    std::vector<bool> forced(layers.size(), false);
    llvm::StringMap<size_t> index;
    for (auto [i, layer] : llvm::enumerate(layers))
      index[layer.key] = i;
    llvm::StringMap<Value> tensors;
    for (KeyedTensor &k : collectTensorKeys(func))
      tensors[k.key] = k.value;
    // A tensor channel equalization rescaled is keyed "NAME (equalized)"
    // (docs/calibration.md); NAME finds it too.
    auto lookup = [](const auto &map, const std::string &name) {
      auto it = map.find(name);
      return it != map.end() ? it : map.find(name + " (equalized)");
    };
    // The ops a (transposed) convolution's DPU task fuses (a bias add, an
    // activation, a clamp) and its constant operands (weights, a bias an
    // Add folded into it: an ONNX node's name) name its layer too: the user
    // sees the ONNX nodes.
    llvm::DenseMap<Operation *, size_t> fusedInto;
    {
      OpBuilder b(func.getContext());
      lowering::Lowering l(b, /*int8=*/true);
      for (auto [i, layer] : llvm::enumerate(layers)) {
        if (!isa<ConvOp, ConvTransposeOp>(layer.op))
          continue;
        for (Operation *op : lowering::convEpilogue(l, layer.op))
          fusedInto[op] = i;
        for (Value operand : layer.op->getOperands().drop_front())
          if (auto c = operand.getDefiningOp<ConstantOp>())
            fusedInto.try_emplace(c, i);
      }
    }
    std::vector<std::string> unknown, notLayers;
    std::string commaNamed;
    llvm::StringSet<> named;
    for (const std::string &name : fp16Layers) {
      if (!named.insert(name).second)
        continue; // Given twice.
      auto it = lookup(index, name);
      if (it != index.end()) {
        forced[it->second] = true;
        continue;
      }
      // One node of sibling MatMuls fused into one DPU layer (an attention
      // block's q / k / v projections, as npu-compare lists them): that
      // layer, said (found by a fresh user: no listed name was taken).
      auto sibling = llvm::find_if(layers, [&](const Layer &layer) {
        return namesFusedSibling(layer.key, name);
      });
      if (sibling != layers.end()) {
        size_t i = size_t(sibling - layers.begin());
        if (!forced[i])
          emitWarning(func.getLoc())
              << "--fp16-layers: '" << escapeListName(name)
              << "' is computed in one DPU layer with its sibling MatMuls, '"
              << escapeListName(sibling->key)
              << "': that layer is kept in fp16";
        forced[i] = true;
        continue;
      }
      auto tensor = lookup(tensors, name);
      if (tensor == tensors.end()) {
        unknown.push_back("'" + escapeListName(name) + "'");
        // A name with a comma, split by the list.
        for (const Layer &layer : layers)
          if (StringRef(layer.key).starts_with(name + ",") &&
              commaNamed.empty())
            commaNamed = layer.key;
        continue;
      }
      if (Operation *def = tensor->second.getDefiningOp())
        if (auto f = fusedInto.find(def); f != fusedInto.end()) {
          forced[f->second] = true;
          continue;
        }
      std::string before = layerBefore(tensor->second);
      notLayers.push_back("'" + escapeListName(name) + "'" +
                          (before.empty() ? ""
                                          : " (the nearest layer before it: '" +
                                                escapeListName(before) + "')"));
    }
    if (unknown.empty() && notLayers.empty())
      return forced;
    InFlightDiagnostic d = emitError(func.getLoc());
    d << "--fp16-layers: ";
    if (!unknown.empty())
      d << llvm::join(unknown, ", ")
        << (unknown.size() == 1 ? " names" : " name")
        << " no tensor of the model"
        << (commaNamed.empty()
                ? std::string()
                : ", but there is a layer '" + escapeListName(commaNamed) +
                      "': a comma in a name is written as \\, (the list "
                      "splits at the others)");
    if (!notLayers.empty())
      d << (unknown.empty() ? "" : "; ") << llvm::join(notLayers, ", ")
        << (notLayers.size() == 1 ? " is not a DPU layer"
                                  : " are not DPU layers")
        << " (a SHAVE op computes in fp16 already; an activation or bias "
           "fused into a layer's DPU task is that layer's)";
    std::vector<std::string> keys;
    for (const Layer &layer : llvm::ArrayRef(layers).take_front(8))
      keys.push_back("'" + escapeListName(layer.key) + "'");
    d << "; the model's DPU layers (" << layers.size()
      << ") are named as calibration tables and npu-compare name tensors "
         "(a comma in a name written as \\,)"
      << (keys.empty() ? "" : ", e.g. " + llvm::join(keys, ", "));
    return failure();
  }

  LogicalResult run() {
    std::string why;
    if (noSearch()) {
      // No target to reach: the report gives the cosine of the choice.
      goal = AccuracyTarget();
      goal.value = 0;
    } else {
      auto parsed = parseAccuracyTarget(target, why);
      if (!parsed)
        return emitError(func.getLoc())
               << "invalid accuracy target '" << target << "': " << why
               << " (or none, with fp16-layers)";
      goal = *parsed;
    }
    if (noSearch() && fp16Layers.empty())
      return emitError(func.getLoc())
             << "accuracy target 'none' keeps only the fp16-layers in fp16, "
                "and none are given";
    if (failed(findLayers()))
      return failure();
    FailureOr<std::vector<bool>> forced = forcedLayers();
    if (failed(forced))
      return failure();
    requested = std::move(*forced);
    if (failed(prepare()) || failed(loadSamples()))
      return failure();
    for (const Layer &layer : layers) {
      auto w = workloadOf(layer.op);
      if (!w)
        continue;
      // workloadOf describes one image of an NCHW batch.
      auto out = cast<RankedTensorType>(layer.op->getResult(0).getType());
      uint64_t images = out.getRank() == 4 && !isa<MatMulOp, GemmOp>(layer.op)
                            ? uint64_t(out.getDimSize(0))
                            : 1;
      layerMacsPerSample += images * w->outWidth * w->outHeight *
                            w->outChannels * w->inChannels * w->kernelH *
                            w->kernelW;
    }
    // A figure that float's own outputs give nothing to count measures
    // nothing.
    Accuracy probe = accuracyForGoal();
    for (const std::vector<HostTensor> &r : reference)
      probe.add(r, r);
    if (goal.metric == AccuracyMetric::Top1 && !probe.hasClasses())
      return emitError(func.getLoc())
             << "accuracy target '" << target
             << "' measures the argmax over a float output's last axis, "
                "and no float output of this model has more than one "
                "element there: use cos=C (an integer output counts as the "
                "share of its elements equal to float's)";
    if (goal.metric == AccuracyMetric::Ctc) {
      // The blank class must be a class of every output measured (every
      // sample gives the outputs the same shapes).
      ArrayRef<HostTensor> outputs;
      if (!reference.empty())
        outputs = reference.front();
      for (auto [o, t] : llvm::enumerate(outputs)) {
        int64_t errors = 0, labels = 0;
        std::string error;
        if (isFloat(t.dtype()) && t.rank() && t.shape().back() > 1 &&
            !countCtcErrors(t, t, goal.blank, errors, labels, error))
          return emitError(func.getLoc()) << "accuracy target '" << target
                                          << "': output " << o << ": " << error;
      }
      if (llvm::none_of(probe.ctcMeasured, [](bool m) { return m; }))
        return emitError(func.getLoc())
               << "accuracy target '" << target
               << "' measures the greedy CTC decoding of a float output "
                  "over its last axis, and no float output of this model "
                  "has more than one element there: use cos=C (an integer "
                  "output counts as the share of its elements equal to "
                  "float's)";
      if (!probe.hasLabels())
        return emitError(func.getLoc())
               << "accuracy target '" << target
               << "' measures the labels of the greedy CTC decoding of a "
                  "float output (argmax over its last axis, repeats "
                  "collapsed, blank class "
               << goal.blank
               << " dropped), and no float output of this model decodes "
                  "to one on any of the "
               << sampleSet.size()
               << " sample(s): use cos=C, or ctc@B=A with the model's "
                  "blank class B";
    }
    if (goal.metric == AccuracyMetric::MaskIou && !probe.hasMask())
      return emitError(func.getLoc())
             << "accuracy target '" << target
             << "' measures the elements above "
             << StringRef(target).split('=').first.drop_front(4)
             << ", and no float output of this model has one on any of "
                "the "
             << sampleSet.size()
             << " sample(s) in float: use cos=C (an integer output counts "
                "as the share of its elements equal to float's)";
    // Every computed tensor as the current configuration holds it.
    InterpreterOptions options;
    options.observeOp = [](Operation *op) { return !isa<ConstantOp>(op); };
    options.rewriter = [this](Operation *op, unsigned i, HostTensor &t) {
      simulate(op->getResult(i), t);
    };
    interpreter = std::make_shared<Interpreter>(options);
    pool = std::make_shared<kernels::ThreadPool>(0);

    size_t n = layers.size();
    // int8 everywhere the user did not ask for fp16.
    std::vector<bool> int8Base(n);
    for (size_t i = 0; i < n; ++i)
      int8Base[i] = !requested[i];
    if (noSearch()) {
      auto reached = evaluate(int8Base);
      if (failed(reached))
        return failure();
      std::optional<double> verified;
      if (verifyChoice) {
        auto cos = verify(int8Base);
        if (failed(cos))
          return failure();
        verified = *cos;
      }
      return finish(*reached, std::nullopt, *reached, verified, int8Base);
    }
    auto allFp16 = evaluate(std::vector<bool>(n, false));
    if (failed(allFp16))
      return failure();
    if (*allFp16 < goal.value)
      return emitError(func.getLoc()) << llvm::formatv(
                 "accuracy target {0} is out of reach: even with every "
                 "layer in fp16 the smallest {1} is {2:F9} on {3} sample(s)",
                 target, figureName(), *allFp16, sampleSet.size());
    // Where the simulated all-fp16 figure clears the target by no more than
    // it misses perfection (a target of 1: top1=1, ctc=1), the device's
    // fp16 arithmetic, which the simulation does not follow, may miss it:
    // check that first, so that an unreachable target is said before the
    // search rather than after it (PP-OCRv4's recogniser with top1=1: the
    // whole search took 176 s to find it out of reach).
    if (verifyChoice && *allFp16 - goal.value <= 1.0 - *allFp16) {
      auto device = verify(std::vector<bool>(n, false));
      if (failed(device))
        return failure();
      if (*device < goal.value)
        return emitError(func.getLoc()) << llvm::formatv(
                   "accuracy target {0} is out of reach: with every layer "
                   "in fp16 the smallest {1} is {2:F9} with the device's "
                   "arithmetic ({3:F9} simulated) on {4} sample(s)",
                   target, figureName(), *device, *allFp16,
                   std::min(sampleSet.size(), verifiedSamples()));
    }
    // The search runs as without fp16-layers; the layers asked for join its
    // choice (withAsked), so asking for a layer the search would choose
    // anyway changes nothing.
    auto allInt8 = evaluate(std::vector<bool>(n, true));
    if (failed(allInt8))
      return failure();
    std::vector<bool> chosen(n, true);
    double reached = *allInt8;
    // Layers from the most sensitive down.
    std::vector<size_t> order;
    auto rank = [&]() -> LogicalResult {
      if (!order.empty())
        return success();
      // Sensitivity: the accuracy with only that layer in int8, on the
      // first samples (it only orders the layers).
      // It is the cosine whatever the target: a finer figure than the
      // argmax, which one layer alone rarely changes.
      for (size_t i = 0; i < n; ++i) {
        std::vector<bool> one(n, false);
        one[i] = true;
        auto accuracy =
            measure(one, size_t(std::max<int64_t>(rankingSamples, 0)));
        if (failed(accuracy))
          return failure();
        layers[i].sensitivity = accuracy->cosine();
      }
      order.resize(n);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return layers[a].sensitivity < layers[b].sensitivity;
      });
      return success();
    };
    // The layers asked for join `chosen`; `reached` is then that choice's.
    auto withAsked = [&]() -> LogicalResult {
      bool changed = false;
      for (size_t i = 0; i < n; ++i)
        if (requested[i] && chosen[i]) {
          chosen[i] = false;
          changed = true;
        }
      if (!changed)
        return success();
      auto accuracy = evaluate(chosen);
      if (failed(accuracy))
        return failure();
      reached = *accuracy;
      return success();
    };
    // The fewest layers in fp16 whose simulated accuracy reaches `want`.
    auto searchAlone = [&](double want) -> LogicalResult {
      chosen.assign(n, true);
      reached = *allInt8;
      if (*allInt8 >= want)
        return success();
      if (failed(rank()))
        return failure();
      auto configWith = [&](size_t k) {
        std::vector<bool> c(n, true);
        for (size_t i = 0; i < k; ++i)
          c[order[i]] = false;
        return c;
      };
      // The smallest k with the k most sensitive layers in fp16 that
      // reaches it (k = n: all fp16, the most the simulation can do).
      size_t lo = 0, hi = n;
      double hiValue = *allFp16;
      while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        auto cos = evaluate(configWith(mid));
        if (failed(cos))
          return failure();
        if (*cos >= want) {
          hi = mid;
          hiValue = *cos;
        } else {
          lo = mid;
        }
      }
      chosen = configWith(hi);
      reached = hiValue;
      // Layers that can go back to int8, least sensitive first.
      for (size_t j = hi; j-- > 0;) {
        size_t i = order[j];
        chosen[i] = true;
        auto cos = evaluate(chosen);
        if (failed(cos))
          return failure();
        if (*cos >= want)
          reached = *cos;
        else
          chosen[i] = false;
      }
      return success();
    };
    // ... and the layers asked for.
    auto search = [&](double want) -> LogicalResult {
      if (failed(searchAlone(want)))
        return failure();
      return withAsked();
    };
    if (failed(search(goal.value)))
      return failure();
    // The simulation is close to the device, not equal: check the choice
    // with the device's arithmetic. While it misses, search again for a
    // simulated target raised as if the device's error (1 - cosine) were
    // proportional to the simulated one (three times at most), then keep
    // the next most sensitive layers (half as many again as are kept, at
    // least one) until it holds.
    std::optional<double> verified;
    if (verifyChoice) {
      auto cos = verify(chosen);
      if (failed(cos))
        return failure();
      double want = goal.value;
      for (int round = 0; round < 3 && *cos < goal.value; ++round) {
        // The device's error taken as proportional to the simulated one.
        double ratio = (1.0 - *cos) / std::max(1.0 - reached, 1e-9);
        want = std::min(
            *allFp16, std::max(want + 1e-4, 1.0 - (1.0 - goal.value) / ratio));
        std::vector<bool> before = chosen;
        if (failed(search(want)))
          return failure();
        if (chosen == before)
          break;
        cos = verify(chosen);
        if (failed(cos))
          return failure();
      }
      while (*cos < goal.value) {
        if (failed(rank()))
          return failure();
        size_t kept = llvm::count(chosen, false);
        if (kept == n)
          return emitError(func.getLoc()) << llvm::formatv(
                     "accuracy target {0} is out of reach: with every "
                     "layer in fp16 the smallest {1} is {2:F9} with the "
                     "device's arithmetic on {3} sample(s)",
                     target, figureName(), *cos,
                     std::min(sampleSet.size(), verifiedSamples()));
        size_t more = std::max<size_t>(1, kept / 2);
        for (size_t i : order)
          if (more && chosen[i]) {
            chosen[i] = false;
            --more;
          }
        cos = verify(chosen);
        if (failed(cos))
          return failure();
      }
      verified = *cos;
    }
    return finish(*allInt8, *allFp16, reached, verified, chosen);
  }

  /// Marks the layers `chosen` leaves in fp16 (false) and reports.
  /// `allInt8` is the figure with every layer int8 that need not be fp16;
  /// `allFp16` is unknown without a search.
  LogicalResult finish(double allInt8, std::optional<double> allFp16,
                       double reached, std::optional<double> verified,
                       const std::vector<bool> &chosen) {
    restoreWeights();
    interpreter.reset();
    pool.reset();
    llvm::DenseSet<Operation *> int8Ops;
    for (auto [i, layer] : llvm::enumerate(layers)) {
      if (!chosen[i])
        layer.op->setAttr(lowering::kFp16Attr, UnitAttr::get(&getContext()));
      else
        int8Ops.insert(layer.op);
    }
    KeptFloatWeights(func, int8Ops).drop();
    return reportChoice(allInt8, allFp16, reached, verified, chosen);
  }

  LogicalResult reportChoice(double allInt8, std::optional<double> allFp16,
                             double reached, std::optional<double> verified,
                             const std::vector<bool> &chosen) {
    std::optional<arch::Platform> platformId =
        arch::parsePlatform(platform.getValue());
    if (!platformId)
      return emitError(func.getLoc())
             << "unknown platform '" << platform << "'";
    const arch::HardwareDesc &hw = arch::hardware(*platformId);
    auto us = [&](uint64_t cycles) {
      return arch::dpuCyclesToNs(hw, cycles) / 1000.0;
    };
    llvm::json::Array fp16Json;
    double totalInt8 = 0, totalFp16 = 0;
    size_t kept = 0;
    std::string table;
    llvm::raw_string_ostream os(table);
    for (auto [i, layer] : llvm::enumerate(layers)) {
      if (chosen[i])
        continue;
      ++kept;
      double cInt8 = 0, cFp16 = 0;
      if (auto s = workloadOf(layer.op)) {
        s->fp16 = false;
        cInt8 = us(arch::dpuWorkloadComputeCycles(hw, *s));
        s->fp16 = true;
        cFp16 = us(arch::dpuWorkloadComputeCycles(hw, *s));
      }
      totalInt8 += cInt8;
      totalFp16 += cFp16;
      // The ONNX op type the importer recorded (Conv, MatMul), else the
      // npu op's name (an op a pass made).
      std::string opType = locationOpType(layer.op->getLoc());
      if (opType.empty())
        opType = layer.op->getName().getStringRef().str();
      // A layer fp16-layers asked for is not ranked: no sensitivity.
      bool asked = requested[i];
      os << llvm::formatv(
          "  {0,-40} {1,-16} {2,10} {3,10:F2} {4,10:F2}\n", layer.key, opType,
          asked ? std::string("asked")
                : llvm::formatv("{0:F7}", layer.sensitivity).str(),
          cInt8, cFp16);
      llvm::json::Object entry{{"tensor", layer.key},
                               {"op", opType},
                               {"asked", asked},
                               {"dpu_us_int8", cInt8},
                               {"dpu_us_fp16", cFp16}};
      if (!asked)
        entry["cosine_with_only_this_layer_int8"] = layer.sensitivity;
      fp16Json.push_back(std::move(entry));
    }
    size_t asked = llvm::count(requested, true);
    if (!quiet) {
      // Enough decimals to tell the figures from a target close to 1
      // (cos=0.999998 needs 8; 5 at least).
      int decimals = std::clamp(
          int(std::ceil(-std::log10(std::max(1.0 - goal.value, 1e-12)))) + 2, 5,
          12);
      auto figure = [&](double v) {
        return llvm::formatv("{0}", llvm::format("%.*f", decimals, v)).str();
      };
      std::string checked =
          verified ? llvm::formatv("with the device's arithmetic on {0} "
                                   "sample(s)",
                                   verifiedSamples())
                         .str()
                   : std::string("simulated");
      if (!allFp16)
        llvm::errs() << llvm::formatv(
            "npu-select-precision: no accuracy target: the {0} of {1} DPU "
            "layers fp16-layers names in fp16, the others int8 -> output "
            "cosine to float {2} {3} (mean over {4} {5}sample(s){6})\n",
            kept, layers.size(), figure(verified ? *verified : reached),
            checked, sampleSet.size(),
            generatedSamples ? "generated (unvalidated) " : "",
            verified ? "; simulated " + figure(reached) : std::string());
      else
        llvm::errs() << llvm::formatv(
            "npu-select-precision: target {11} >= {0} (every output, {12} "
            "over {1} {10}sample(s)); simulated: all int8 {2}, all fp16 {3}; "
            "{4} of {5} DPU layers in fp16 -> {6} {7} ({8} simulations, {9} "
            "device-arithmetic runs)\n",
            StringRef(target).split('=').second, sampleSet.size(),
            figure(allInt8), figure(*allFp16), kept, layers.size(),
            figure(verified ? *verified : reached), checked, evaluations,
            verifications, generatedSamples ? "generated (unvalidated) " : "",
            StringRef(target).split('=').first,
            goal.metric == AccuracyMetric::Cosine ? "mean" : "pooled");
      if (kept) {
        llvm::errs() << llvm::formatv(
            "  {0,-40} {1,-16} {2,10} {3,10} {4,10}\n", "fp16 layer (tensor)",
            "op", "cos alone", "int8 us", "fp16 us");
        llvm::errs() << table;
        llvm::errs() << llvm::formatv(
            "  modelled DPU compute of these layers (each as one workload "
            "on one tile, {0}): {1:F2} us in int8 -> {2:F2} us in fp16 "
            "(+{3:F2} us)\n",
            hw.name, totalInt8, totalFp16, totalFp16 - totalInt8);
      }
    }
    if (report.empty())
      return success();
    // The figures are named after the target's metric: cosine_* for cos,
    // top1_* for top1, iou_* for iou, ctc_* for ctc.
    std::string figure = goal.metric == AccuracyMetric::Cosine
                             ? "cosine"
                             : accuracyMetricName(goal.metric);
    llvm::json::Object targetJson{{"metric", accuracyMetricName(goal.metric)},
                                  {"value", goal.value}};
    if (!allFp16)
      targetJson = llvm::json::Object{{"metric", "none"}};
    if (goal.metric == AccuracyMetric::MaskIou)
      targetJson["threshold"] = goal.threshold;
    if (goal.metric == AccuracyMetric::Ctc)
      targetJson["blank"] = goal.blank;
    llvm::json::Object root{
        {"target", std::move(targetJson)},
        {"samples", int64_t(sampleSet.size())},
        {"samples_generated", generatedSamples},
        {"platform", hw.name},
        {"layers", int64_t(layers.size())},
        {"evaluations", int64_t(evaluations)},
        {figure +
             (allFp16 ? "_all_int8_simulated" : "_int8_but_asked_simulated"),
         allInt8},
        {figure + "_chosen", verified ? *verified : reached},
        {figure + "_chosen_from",
         verified ? "device arithmetic" : "simulation"},
        {"samples_checked", verified ? int64_t(verifiedSamples()) : int64_t(0)},
        {"fp16_layers", std::move(fp16Json)},
        {"fp16_layers_asked", int64_t(asked)},
        {"dpu_us_int8", totalInt8},
        {"dpu_us_fp16", totalFp16}};
    if (allFp16)
      root[figure + "_all_fp16_simulated"] = *allFp16;
    // Missing parent folders are created, as for -o and --dump-stages.
    std::string folderError;
    if (!createParentDirectories(report, folderError))
      return emitError(func.getLoc()) << folderError;
    std::error_code ec;
    llvm::raw_fd_ostream out(report, ec);
    if (ec)
      return emitError(func.getLoc()) << "cannot write the precision report '"
                                      << report << "': " << ec.message();
    out << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
    return success();
  }

  void runOnOperation() override {
    FailureOr<func::FuncOp> found = findFunction();
    if (failed(found))
      return signalPassFailure();
    func = *found;
    if (failed(run())) {
      restoreWeights();
      signalPassFailure();
    }
  }
};

} // namespace
} // namespace npu
