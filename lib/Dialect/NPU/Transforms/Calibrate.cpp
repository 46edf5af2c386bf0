//===- Calibrate.cpp - Float ranges of every tensor for int8 --------------===//
//
// The npu-calibrate pass: runs the reference interpreter over calibration
// samples with an observer on every float result, or reads a calibration
// table, and attaches the chosen ranges to the ops and function arguments
// (docs/calibration.md). The statistics, table and sample sources are the
// plain C++ library lib/Calibration.
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/Transforms/Passes.h"

#include "npu/Calibration/DataSource.h"
#include "npu/Calibration/Observer.h"
#include "npu/Calibration/Table.h"
#include "npu/Calibration/WeightRounding.h"
#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/IR/SplitSlices.h"
#include "npu/Dialect/NPU/IR/TensorKeys.h"
#include "npu/Dialect/NPU/Transforms/ChannelEqualization.h"
#include "npu/Dialect/NPU/Transforms/SampleInputs.h"
#include "npu/Import/ONNX/Importer.h"
#include "npu/Interpreter/Interpreter.h"
#include "npu/Interpreter/TensorConversion.h"
#include "npu/Kernels/ThreadPool.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <cstdio>
#include <map>

namespace npu {
#define GEN_PASS_DEF_NPUCALIBRATE
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;
using namespace npu::calib;

namespace {

// Diagnostics are emitted at locations, not ops, so that npu-opt does not
// print the whole function after each one.

// The result's ranges go in kRangeAttr / kRangesAttr (QuantAnnotations.h).

/// On a convolution whose weights data-aware rounding chose.
constexpr StringLiteral kWeightRoundingAttr = "npu.weight_rounding";

/// A float tensor of the function: an argument (op == null) or an op result.
struct Tensor {
  Operation *op = nullptr;
  unsigned index = 0;
  std::string key;
  bool isConstant = false;
  std::shared_ptr<Observer> observer; // shared: the pass is copyable
  std::optional<Range> range;
  /// Channels (dimension 1) of a rank-4 tensor read only by depthwise
  /// convolutions, whose extremes are observed per channel (0: none).
  int64_t channels = 0;
  std::vector<float> channelRanges; ///< lo0, hi0, lo1, hi1, ...
  /// For the table: statistics and how the range was chosen.
  float min = 0, max = 0;
  std::string method;
  /// The range is a table's line edited by hand (method "manual").
  bool manual = false;
};

/// A convolution whose int8 weight levels data-aware rounding chooses
/// (npu/Calibration/WeightRounding.h).
struct Rounding {
  Operation *op; ///< npu.conv, npu.matmul or npu.gemm
  ConstantOp weights;
  std::string key; ///< the convolution's result tensor
  int64_t rows = 0, k = 0;
  bool depthwise = false;
  /// The weights are stored [k, rows] (a matmul's or gemm's [K, N]).
  bool transposed = false;
  std::shared_ptr<InputMoments> moments; // shared: the pass is copyable
  /// (index, level - nearest level) where they differ, once applied.
  std::vector<std::pair<int64_t, int32_t>> deltas;
  bool applied = false;
};

/// "a, b, ... (N more)": at most `limit` items.
std::string joinList(ArrayRef<std::string> items, size_t limit) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < limit; ++i)
    out += (i ? ", " : "") + items[i];
  if (items.size() > limit)
    out += llvm::formatv(", ... ({0} more)", items.size() - limit).str();
  return out;
}

/// A number as the calibration table prints it (%.9g: "99.99", "0").
std::string formatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

/// Folds the finite values of an N x C x ... f32 tensor into per-channel
/// extremes (`ranges`: lo, hi per channel; +inf / -inf before any value).
void observeChannels(const HostTensor &t, int64_t channels,
                     std::vector<float> &ranges) {
  const float *data = t.data<float>();
  int64_t n = t.numElements();
  if (ranges.empty()) {
    ranges.resize(2 * channels);
    for (int64_t c = 0; c < channels; ++c) {
      ranges[2 * c] = INFINITY;
      ranges[2 * c + 1] = -INFINITY;
    }
  }
  int64_t inner = n / std::max<int64_t>(1, t.shape()[0] * channels);
  if (inner <= 0)
    return;
  for (int64_t i = 0; i < n; i += inner) {
    int64_t c = (i / inner) % channels;
    float &lo = ranges[2 * c], &hi = ranges[2 * c + 1];
    for (int64_t j = i; j < i + inner; ++j)
      if (std::isfinite(data[j])) {
        lo = std::min(lo, data[j]);
        hi = std::max(hi, data[j]);
      }
  }
}

void observeHostTensor(Observer &observer, const HostTensor &t,
                       kernels::ThreadPool *pool = nullptr) {
  if (t.dtype() == DType::F32) {
    observer.observe(t.data<float>(), static_cast<size_t>(t.numElements()),
                     pool);
    return;
  }
  HostTensor f = t.castTo(DType::F32);
  observer.observe(f.data<float>(), static_cast<size_t>(f.numElements()), pool);
}

DenseF32ArrayAttr rangeAttr(MLIRContext *ctx, Range r) {
  return DenseF32ArrayAttr::get(ctx, {r.lo, r.hi});
}

struct NPUCalibratePass : npu::impl::NPUCalibrateBase<NPUCalibratePass> {
  using Base::Base;

  func::FuncOp func;
  std::vector<Tensor> tensors;
  /// Tensor index of each result of the ops with float results (-1: none).
  llvm::DenseMap<Operation *, SmallVector<int, 1>> opTensors;
  std::vector<Rounding> roundings;
  /// The roundings whose convolution reads each op result (op, result
  /// index), and each function argument.
  llvm::DenseMap<std::pair<Operation *, unsigned>, SmallVector<size_t, 1>>
      roundingInputs;
  llvm::DenseMap<unsigned, SmallVector<size_t, 1>> roundingArgs;

  FailureOr<func::FuncOp> findFunction() {
    return findModelFunction(getOperation(), "npu-calibrate");
  }

  /// Keys of the tensors with the model's own parameters (no range).
  llvm::StringSet<> modelQuantizedKeys;

  /// Lists the float tensors in graph order with unique keys.
  void collectTensors() {
    modelQuantizedKeys.clear();
    for (KeyedTensor &k : collectTensorKeys(func)) {
      // Tensors with a pre-quantized model's own parameters (npu.quant,
      // from npu-fold-qdq) need no range.
      if (quantAnnotationOf(k.value)) {
        modelQuantizedKeys.insert(k.key);
        continue;
      }
      Tensor t;
      t.op = k.op;
      t.index = k.index;
      t.key = std::move(k.key);
      if (k.op) {
        t.isConstant = isa<ConstantOp>(k.op);
        SmallVector<int, 1> &ids = opTensors[k.op];
        if (ids.empty())
          ids.assign(k.op->getNumResults(), -1);
        ids[k.index] = static_cast<int>(tensors.size());
        if (!t.isConstant && k.op->getNumResults() == 1 &&
            readOnlyByDepthwise(k.value))
          t.channels = cast<RankedTensorType>(k.value.getType()).getDimSize(1);
      }
      tensors.push_back(std::move(t));
    }
  }

  /// The ops whose weights data-aware rounding may choose: f32 constant
  /// weights of this op alone, not a pre-quantized model's; convolutions of
  /// group 1 (C * kh * kw <= 576) or depthwise, matrix products with K <=
  /// 576.
  void collectRoundings() {
    func.walk([&](ConvOp conv) {
      auto cst = conv.getWeight().getDefiningOp<ConstantOp>();
      if (!cst || !cst->hasOneUse() || conv->hasAttr(kWeightScalesAttr) ||
          conv->hasAttr(kFp32Attr) || quantAnnotationOf(conv.getInput()))
        return;
      auto wType = dyn_cast<RankedTensorType>(cst.getType());
      auto inType = dyn_cast<RankedTensorType>(conv.getInput().getType());
      if (!wType || !inType || !wType.hasStaticShape() ||
          !inType.hasStaticShape() || wType.getRank() != 4 ||
          inType.getRank() != 4 || !wType.getElementType().isF32() ||
          conv.getStrides().size() != 2 || conv.getDilations().size() != 2 ||
          conv.getPads().size() != 4)
        return;
      int64_t o = wType.getDimSize(0), perGroup = wType.getDimSize(1),
              c = inType.getDimSize(1), group = conv.getGroup();
      ConvWindow w;
      w.channels = c;
      w.kh = wType.getDimSize(2);
      w.kw = wType.getDimSize(3);
      w.strideH = conv.getStrides()[0];
      w.strideW = conv.getStrides()[1];
      w.dilationH = conv.getDilations()[0];
      w.dilationW = conv.getDilations()[1];
      w.padTop = conv.getPads()[0];
      w.padLeft = conv.getPads()[1];
      w.padBottom = conv.getPads()[2];
      w.padRight = conv.getPads()[3];
      if (group == 1 && perGroup == c)
        w.depthwise = false;
      else if (group == c && perGroup == 1 && o == c)
        w.depthwise = true;
      else
        return;
      addRounding(conv, cst, conv.getInput(), w, o, perGroup * w.kh * w.kw,
                  /*transposed=*/false);
    });
    // Matrix products with a constant [K, N] (or gemm's transB [N, K])
    // right-hand side: per output column, as the DPU runs them.
    func.walk([&](Operation *op) {
      Value lhs, rhs;
      bool transposed = true;
      if (auto mm = dyn_cast<MatMulOp>(op)) {
        lhs = mm.getLhs();
        rhs = mm.getRhs();
      } else if (auto gemm = dyn_cast<GemmOp>(op)) {
        if (gemm.getTransA())
          return;
        lhs = gemm.getA();
        rhs = gemm.getB();
        transposed = !gemm.getTransB();
      } else {
        return;
      }
      auto cst = rhs.getDefiningOp<ConstantOp>();
      auto wType = cst ? dyn_cast<RankedTensorType>(cst.getType()) : nullptr;
      auto inType = dyn_cast<RankedTensorType>(lhs.getType());
      if (!wType || !inType || !cst->hasOneUse() ||
          op->hasAttr(kWeightScalesAttr) || op->hasAttr(kFp32Attr) ||
          quantAnnotationOf(lhs) || !wType.hasStaticShape() ||
          !inType.hasStaticShape() || wType.getRank() != 2 ||
          !wType.getElementType().isF32())
        return;
      int64_t k = wType.getDimSize(transposed ? 0 : 1);
      int64_t n = wType.getDimSize(transposed ? 1 : 0);
      if (inType.getRank() < 1 || inType.getShape().back() != k)
        return;
      ConvWindow w;
      w.channels = k;
      w.rows = true;
      addRounding(op, cst, lhs, w, n, k, transposed);
    });
  }

  void addRounding(Operation *op, ConstantOp cst, Value in, const ConvWindow &w,
                   int64_t rows, int64_t k, bool transposed) {
    auto ids = opTensors.find(op);
    if (ids == opTensors.end() || ids->second.empty() || ids->second[0] < 0)
      return;
    if (w.patchSize() < 2 || w.patchSize() > kMaxRoundingPatch)
      return;
    Rounding r;
    r.op = op;
    r.weights = cst;
    r.key = tensors[ids->second[0]].key;
    r.rows = rows;
    r.k = k;
    r.depthwise = w.depthwise;
    r.transposed = transposed;
    r.moments = std::make_shared<InputMoments>(w);
    size_t index = roundings.size();
    roundings.push_back(std::move(r));
    if (auto arg = dyn_cast<BlockArgument>(in))
      roundingArgs[arg.getArgNumber()].push_back(index);
    else
      roundingInputs[{in.getDefiningOp(), cast<OpResult>(in).getResultNumber()}]
          .push_back(index);
  }

  /// `r`'s weights as [rows, k] row-major values.
  static std::vector<float> rowsOf(const Rounding &r, const HostTensor &w) {
    const float *p = w.data<float>();
    std::vector<float> out(p, p + r.rows * r.k);
    if (r.transposed)
      for (int64_t i = 0; i < r.k; ++i)
        for (int64_t j = 0; j < r.rows; ++j)
          out[j * r.k + i] = p[i * r.rows + j];
    return out;
  }

  /// The weights of `r` as f32 values ([O, C/group * kh * kw]).
  FailureOr<HostTensor> weightsOf(Rounding &r) {
    std::string error;
    FailureOr<HostTensor> host =
        elementsAttrToHostTensor(r.weights.getValue(), error);
    if (failed(host) || host->dtype() != DType::F32)
      return emitError(r.weights.getLoc())
             << "cannot read the convolution weights: " << error;
    return host;
  }

  /// Replaces `r`'s weights by the grid values of `levels` and records how
  /// they differ from nearest rounding.
  void applyLevels(Rounding &r, const HostTensor &weights,
                   const std::vector<int32_t> &levels) {
    std::vector<float> rows = rowsOf(r, weights);
    const float *w = rows.data();
    std::vector<int32_t> nearest = nearestLevels(w, r.rows, r.k);
    r.deltas.clear();
    for (size_t i = 0; i < levels.size(); ++i)
      if (levels[i] != nearest[i])
        r.deltas.push_back({static_cast<int64_t>(i), levels[i] - nearest[i]});
    std::vector<float> values = weightsOfLevels(w, r.rows, r.k, levels);
    if (r.transposed) {
      std::vector<float> stored(values.size());
      for (int64_t i = 0; i < r.k; ++i)
        for (int64_t j = 0; j < r.rows; ++j)
          stored[i * r.rows + j] = values[j * r.k + i];
      values = std::move(stored);
    }
    auto type = cast<RankedTensorType>(r.weights.getType());
    if (keepFloatWeights && !r.op->hasAttr(kFloatWeightsAttr)) {
      const float *original = weights.data<float>();
      r.op->setAttr(
          kFloatWeightsAttr,
          DenseElementsAttr::get(
              type, ArrayRef<float>(original, weights.numElements())));
    }
    r.weights.setValueAttr(
        DenseElementsAttr::get(type, ArrayRef<float>(values)));
    r.op->setAttr(kWeightRoundingAttr, StringAttr::get(&getContext(), "gptq"));
    r.applied = true;
    // The constant's own range (min-max) follows its new values.
    auto ids = opTensors.find(r.weights);
    if (ids != opTensors.end() && !ids->second.empty() && ids->second[0] >= 0) {
      Tensor &t = tensors[ids->second[0]];
      auto observer = std::make_shared<MinMaxObserver>();
      observer->observe(values.data(), values.size(), nullptr);
      t.observer = observer;
      if (t.range) {
        t.range = normalizeRange({observer->min(), observer->max()});
        t.min = observer->min();
        t.max = observer->max();
      }
    }
  }

  /// GPTQ levels of every convolution whose inputs were observed.
  LogicalResult roundWeights(kernels::ThreadPool &pool) {
    std::vector<HostTensor> weights(roundings.size());
    std::vector<std::vector<int32_t>> levels(roundings.size());
    for (auto [i, r] : llvm::enumerate(roundings)) {
      if (!r.moments->count())
        continue;
      FailureOr<HostTensor> w = weightsOf(r);
      if (failed(w))
        return failure();
      weights[i] = std::move(*w);
    }
    // Output channels rounded to nearest because their input's moments
    // could not be used.
    std::vector<int64_t> fallbacks(roundings.size(), 0);
    pool.parallelFor(static_cast<int64_t>(roundings.size()), [&](int64_t i) {
      Rounding &r = roundings[i];
      if (!r.moments->count())
        return;
      std::vector<float> rows = rowsOf(r, weights[i]);
      const float *w = rows.data();
      int64_t groups = r.depthwise ? r.rows : 1;
      int64_t perGroup = r.depthwise ? 1 : r.rows;
      levels[i].reserve(static_cast<size_t>(r.rows * r.k));
      for (int64_t g = 0; g < groups; ++g) {
        const float *gw = w + g * perGroup * r.k;
        std::optional<std::vector<int32_t>> chosen =
            gptqLevels(gw, perGroup, r.k, r.moments->moments(g));
        if (!chosen) {
          chosen = nearestLevels(gw, perGroup, r.k);
          fallbacks[i] += perGroup;
        }
        levels[i].insert(levels[i].end(), chosen->begin(), chosen->end());
      }
    });
    for (auto [i, r] : llvm::enumerate(roundings)) {
      if (fallbacks[i])
        emitWarning(r.op->getLoc()) << llvm::formatv(
            "'{0}': {1} of {2} output channel(s) rounded to nearest: the "
            "second moments of the input on the samples cannot be used (no "
            "finite, non-zero input, or not positive definite)",
            r.key, fallbacks[i], r.rows);
      if (!levels[i].empty() && fallbacks[i] < r.rows)
        applyLevels(r, weights[i], levels[i]);
    }
    return success();
  }

  /// Observes at most `patches` patches of `value` (any float type) for
  /// the roundings `ids`.
  void observeMoments(ArrayRef<size_t> ids, const HostTensor &value,
                      int64_t patches, kernels::ThreadPool &pool) {
    HostTensor converted;
    const HostTensor *v = &value;
    if (v->dtype() != DType::F32) {
      converted = v->castTo(DType::F32);
      v = &converted;
    }
    for (size_t id : ids)
      roundings[id].moments->observe(*v, patches, &pool);
  }

  Location locOf(const Tensor &t) {
    return t.op ? t.op->getLoc() : func.getArgument(t.index).getLoc();
  }

  LogicalResult fail(const Twine &message) {
    return emitError(func.getLoc()) << message;
  }

  /// Runs the model on the samples and chooses the ranges; without a
  /// tensor that needs them (a fully pre-quantized model), only the
  /// constants' ranges are taken.
  LogicalResult observe(MethodOptions methodOptions) {
    if (llvm::all_of(tensors, [](const Tensor &t) { return t.isConstant; })) {
      sourceDescription = "none (every activation has the model's own "
                          "quantization parameters)";
      return observeConstants(methodOptions);
    }
    FailureOr<std::vector<InputInfo>> inputs =
        sampleInputsOf(func, "npu-calibrate");
    if (failed(inputs))
      return failure();
    auto opened = openSamples(func, *inputs, data, samples > 0 ? samples : 8,
                              /*warn=*/true, toolFolders);
    if (failed(opened))
      return failure();
    std::unique_ptr<SampleSource> source = std::move(*opened);
    std::string error;
    size_t numSamples = source->numSamples();
    if (samples > 0)
      numSamples = std::min<size_t>(numSamples, static_cast<size_t>(samples));
    sourceDescription = source->describe();
    if (numSamples < source->numSamples())
      sourceDescription += llvm::formatv(", first {0} used", numSamples).str();

    if (failed(observeConstantValues()))
      return failure();
    for (Tensor &t : tensors)
      if (!t.isConstant)
        t.observer = createObserver(methodOptions.method);

    // The observers bin on threads of their own while the interpreter's
    // wait (the callback runs between ops).
    kernels::ThreadPool pool(0);
    InterpreterOptions options;
    options.numThreads = 0;
    int64_t patches =
        roundingPatchesPerSample(static_cast<int64_t>(numSamples));
    llvm::DenseSet<Operation *> roundingProducers;
    for (auto &entry : roundingInputs)
      roundingProducers.insert(entry.first.first);
    options.observeOp = [&](Operation *op) {
      return (opTensors.count(op) && !isa<ConstantOp>(op)) ||
             roundingProducers.count(op);
    };
    options.observer = [&](Operation *op,
                           ArrayRef<const HostTensor *> results) {
      // Constants' ranges come from their values (observeConstantValues).
      auto it = isa<ConstantOp>(op) ? opTensors.end() : opTensors.find(op);
      for (auto [i, result] : llvm::enumerate(results)) {
        int id =
            it != opTensors.end() && i < it->second.size() ? it->second[i] : -1;
        auto moments = roundingProducers.count(op)
                           ? roundingInputs.find({op, unsigned(i)})
                           : roundingInputs.end();
        if (!result || (id < 0 && moments == roundingInputs.end()))
          continue;
        // One conversion to f32 for every observation.
        HostTensor converted;
        const HostTensor *values = result;
        if (values->dtype() != DType::F32) {
          converted = values->castTo(DType::F32);
          values = &converted;
        }
        if (moments != roundingInputs.end())
          observeMoments(moments->second, *values, patches, pool);
        if (id < 0)
          continue;
        Tensor &t = tensors[id];
        observeHostTensor(*t.observer, *values, &pool);
        if (t.channels)
          observeChannels(*values, t.channels, t.channelRanges);
      }
    };
    Interpreter interpreter(options);
    std::vector<HostTensor> sample;
    for (size_t s = 0; s < numSamples; ++s) {
      if (!source->load(s, sample, error))
        return fail(error);
      // NaN or infinite input values: the statistics skip them (each
      // tensor they reach says so); the sample is named once here, and one
      // with no finite value of a float input is no sample.
      for (auto [i, input] : llvm::enumerate(sample)) {
        if (input.dtype() != DType::F32 && input.dtype() != DType::F16)
          continue;
        HostTensor f32 = input.dtype() == DType::F32 ? HostTensor()
                                                     : input.castTo(DType::F32);
        const HostTensor &v = input.dtype() == DType::F32 ? input : f32;
        int64_t n = v.numElements(), bad = 0;
        for (int64_t e = 0; e < n; ++e)
          bad += !std::isfinite(v.data<float>()[e]);
        if (!bad)
          continue;
        const std::string &name = (*inputs)[i].name;
        if (bad == n)
          return fail(llvm::formatv("calibration sample '{0}': input '{1}' "
                                    "has no finite value",
                                    source->sampleName(s), name));
        emitWarning(func.getLoc()) << llvm::formatv(
            "calibration sample '{0}': input '{1}' has {2} NaN or infinite "
            "value(s) of {3}; the statistics skip them",
            source->sampleName(s), name, bad, n);
      }
      for (Tensor &t : tensors)
        if (!t.op)
          observeHostTensor(*t.observer, sample[t.index], &pool);
      for (auto &[arg, ids] : roundingArgs)
        if (arg < sample.size())
          observeMoments(ids, sample[arg], patches, pool);
      auto results = interpreter.run(func, sample);
      if (failed(results))
        return fail(llvm::formatv("npu-calibrate: the interpreter failed on "
                                  "sample {0} ({1})",
                                  s, sourceDescription));
      interpreter.recycle(*results);
    }
    if (failed(roundWeights(pool)))
      return failure();
    return chooseRanges(methodOptions);
  }

  /// Constants: their exact min-max, once.
  LogicalResult observeConstantValues() {
    std::string error;
    for (Tensor &t : tensors) {
      if (!t.isConstant)
        continue;
      t.observer = std::make_shared<MinMaxObserver>();
      auto value = cast<ConstantOp>(t.op).getValue();
      FailureOr<HostTensor> host = elementsAttrToHostTensor(value, error);
      if (failed(host))
        return emitError(t.op->getLoc())
               << "cannot read the constant: " << error;
      observeHostTensor(*t.observer, *host);
    }
    return success();
  }

  LogicalResult observeConstants(MethodOptions methodOptions) {
    if (failed(observeConstantValues()))
      return failure();
    return chooseRanges(methodOptions);
  }

  /// Each observed tensor's range by `methodOptions` (constants: min-max).
  LogicalResult chooseRanges(MethodOptions methodOptions) {
    // Diagnostics first (in graph order), then the range searches, which
    // are independent per tensor, on a pool.
    kernels::ThreadPool pool(0);
    std::vector<size_t> observed;
    std::vector<std::string> noFinite;
    for (auto [i, t] : llvm::enumerate(tensors)) {
      Observer &o = *t.observer;
      if (o.nonFinite() && o.count())
        emitWarning(locOf(t))
            << "tensor '" << t.key << "' had " << o.nonFinite()
            << " NaN or infinite values (ignored)";
      if (!o.count()) {
        // A constant of infinities (a mask's -inf fill) is read by SHAVE
        // kernels in float: it has no range and needs none.
        if (o.nonFinite() && !t.isConstant)
          noFinite.push_back("'" + t.key + "'");
        else if (o.nonFinite())
          continue;
        else
          emitWarning(locOf(t)) << "tensor '" << t.key
                                << "' was not computed on any sample: no range";
        continue;
      }
      observed.push_back(i);
    }
    // int8 needs a range for every tensor it quantizes: one that only ever
    // held NaN or infinity has none (the samples are broken, or the model
    // overflows on them).
    if (!noFinite.empty())
      return fail(llvm::formatv(
          "{0} tensor(s) had no finite value on any calibration sample (only "
          "NaN or infinity), so int8 has no range for them: {1} (check the "
          "calibration data: {2})",
          noFinite.size(), joinList(noFinite, 10), sourceDescription));
    pool.parallelFor(static_cast<int64_t>(observed.size()), [&](int64_t i) {
      Tensor &t = tensors[observed[i]];
      MethodOptions m = methodOptions;
      if (t.isConstant)
        m.method = CalibrationMethod::MinMax;
      std::optional<Choice> choice = t.observer->choose(m);
      if (!choice)
        return;
      t.range = choice->range;
      t.min = t.observer->min();
      t.max = t.observer->max();
      t.method = methodName(choice->method);
    });
    return success();
  }

  /// Takes the ranges from a calibration table.
  LogicalResult readTable() {
    CalibrationTable table;
    std::string error;
    if (!readTableFile(useTable, table, error))
      return fail(error);
    // A table made for another model may still name its tensors (the same
    // architecture retrained, another export): say so. Files are compared
    // by name, as the table records the path it was given.
    if (auto source =
            getOperation()->getAttrOfType<StringAttr>(kONNXSourceAttr))
      if (!table.model.empty() && llvm::sys::path::filename(table.model) !=
                                      llvm::sys::path::filename(source))
        emitWarning(func.getLoc()) << llvm::formatv(
            "{0} was written for '{1}' (its @model line), not '{2}': its "
            "ranges are used for the tensors of the same names",
            useTable, table.model, source.getValue());
    llvm::StringMap<size_t> byKey;
    for (auto [i, e] : llvm::enumerate(table.entries))
      byKey[e.key] = i;
    std::vector<bool> usedEntry(table.entries.size(), false);
    std::vector<std::string> missing;
    for (Tensor &t : tensors) {
      auto it = byKey.find(t.key);
      if (it == byKey.end()) {
        missing.push_back("'" + t.key + "'");
        continue;
      }
      const TableEntry &e = table.entries[it->second];
      usedEntry[it->second] = true;
      t.manual = e.method == "manual";
      Range r = normalizeRange({e.lo, e.hi});
      if (r.lo != e.lo || r.hi != e.hi)
        emitWarning(locOf(t)) << llvm::formatv(
            "{0}:{1}: range [{2}, {3}] of '{4}' widened to [{5}, {6}] (a "
            "range includes 0 and is not empty)",
            useTable, e.line, formatNumber(e.lo), formatNumber(e.hi), t.key,
            formatNumber(r.lo), formatNumber(r.hi));
      t.range = r;
      // An edited range far wider than the values seen leaves them a few
      // int8 steps (a review's [-1e30, 1e30] took a classifier's output
      // cosine to 0.645 without a word).
      double steps = (double(e.max) - double(e.min)) * 255.0 /
                     (double(r.hi) - double(r.lo));
      if (!t.isConstant && e.max > e.min && steps < 4)
        emitWarning(locOf(t)) << llvm::formatv(
            "{0}:{1}: range [{2}, {3}] of '{4}' is far wider than its "
            "observed values [{5}, {6}]: they fall in {7} of int8's 255 "
            "steps",
            useTable, e.line, formatNumber(r.lo), formatNumber(r.hi), t.key,
            formatNumber(e.min), formatNumber(e.max),
            steps < 1 ? std::string("less than one")
                      : llvm::formatv("{0:F1}", steps).str());
    }
    llvm::StringMap<Tensor *> tensorByKey;
    for (Tensor &t : tensors)
      tensorByKey[t.key] = &t;
    for (const ChannelEntry &c : table.channels) {
      Tensor *t = tensorByKey.lookup(c.key);
      if (!t || !t->channels) {
        emitWarning(func.getLoc()) << llvm::formatv(
            "{0}:{1}: '@channels {2}' ignored: the tensor is not read only "
            "by depthwise convolutions",
            useTable, c.line, c.key);
        continue;
      }
      if (static_cast<int64_t>(c.ranges.size()) != 2 * t->channels)
        return fail(llvm::formatv("{0}:{1}: '@channels {2}' gives {3} "
                                  "channel(s); the tensor has {4}",
                                  useTable, c.line, c.key, c.ranges.size() / 2,
                                  t->channels));
      t->channelRanges = c.ranges;
      // A channel's extremes lie within the tensor's: an edited line that
      // says otherwise is suspect (equalization does not rescale such a
      // channel past the tensor's range, so it is kept, with a warning).
      const TableEntry &e = table.entries[byKey.lookup(c.key)];
      std::vector<std::string> outside;
      for (size_t i = 0; i + 1 < c.ranges.size(); i += 2)
        if (c.ranges[i] < e.min || c.ranges[i + 1] > e.max)
          outside.push_back(llvm::formatv("{0} [{1}, {2}]", i / 2,
                                          formatNumber(c.ranges[i]),
                                          formatNumber(c.ranges[i + 1])));
      if (!outside.empty())
        emitWarning(func.getLoc()) << llvm::formatv(
            "{0}:{1}: '@channels {2}': {3} channel(s) reach outside the "
            "tensor's observed range [{4}, {5}]: {6}",
            useTable, c.line, c.key, outside.size(), formatNumber(e.min),
            formatNumber(e.max), joinList(outside, 8));
    }
    std::vector<std::string> unknown, modelQuantized;
    for (auto [i, e] : llvm::enumerate(table.entries))
      if (!usedEntry[i])
        (modelQuantizedKeys.contains(e.key) ? modelQuantized : unknown)
            .push_back(llvm::formatv("'{0}' (line {1})", e.key, e.line));
    // A pre-quantized model's own scales and zero points take priority.
    if (!modelQuantized.empty())
      emitWarning(func.getLoc()) << llvm::formatv(
          "calibration table '{0}': {1} key(s) name tensors the model "
          "quantizes itself (QDQ / QOperator), whose own scales and zero "
          "points are used: {2}",
          useTable, modelQuantized.size(), joinList(modelQuantized, 20));
    // A key edited by mistake is missing under one name and unknown under
    // the other: both are said.
    if (!missing.empty())
      return fail(llvm::formatv(
          "calibration table '{0}' has no range for {1} tensor(s): {2}{3}",
          useTable, missing.size(), joinList(missing, missing.size()),
          unknown.empty() ? std::string()
                          : llvm::formatv("; its key(s) naming no tensor "
                                          "(renamed?): {0}",
                                          joinList(unknown, 20))
                                .str()));
    if (!unknown.empty())
      emitWarning(func.getLoc()) << llvm::formatv(
          "calibration table '{0}' has {1} key(s) naming no tensor: {2}",
          useTable, unknown.size(), joinList(unknown, 20));
    // After the ranges, so that a table of another model fails on its
    // missing ranges first.
    if (failed(readRoundings(table)))
      return failure();
    // (The weights of unapplied @rounding lines differ from the table's.)
    if (!roundingsIgnored)
      checkConstants(table, byKey);
    return success();
  }

  /// The table records each constant's min and max (after data-aware
  /// rounding): constants whose values differ mean that the table was
  /// written for other weights (another version of the model), whose
  /// ranges and @rounding lines need not fit this one. A warning. Weights
  /// that data-aware rounding may change are compared by their largest
  /// magnitude, which it keeps (each output channel's largest weight keeps
  /// its level): a table's @rounding lines deleted by hand give nearest
  /// rounding, whose other extreme may differ by a level.
  void checkConstants(const CalibrationTable &table,
                      const llvm::StringMap<size_t> &byKey) {
    llvm::SmallPtrSet<Operation *, 16> rounded;
    for (const Rounding &r : roundings)
      rounded.insert(r.weights);
    std::vector<std::string> differ;
    for (const Tensor &t : tensors) {
      auto it = byKey.find(t.key);
      if (!t.isConstant || it == byKey.end())
        continue;
      std::string error;
      FailureOr<HostTensor> host =
          elementsAttrToHostTensor(cast<ConstantOp>(t.op).getValue(), error);
      if (failed(host) || host->dtype() != DType::F32 ||
          host->numElements() == 0)
        continue;
      MinMaxObserver o;
      o.observe(host->data<float>(), static_cast<size_t>(host->numElements()),
                nullptr);
      const TableEntry &e = table.entries[it->second];
      bool same = rounded.contains(t.op)
                      ? std::max(-o.min(), o.max()) == std::max(-e.min, e.max)
                      : o.min() == e.min && o.max() == e.max;
      if (o.count() && !same)
        differ.push_back(
            llvm::formatv("'{0}' (table [{1}, {2}], model "
                          "[{3}, {4}])",
                          t.key, formatNumber(e.min), formatNumber(e.max),
                          formatNumber(o.min()), formatNumber(o.max())));
    }
    if (!differ.empty())
      emitWarning(func.getLoc()) << llvm::formatv(
          "calibration table '{0}' was written for other weights: {1} "
          "constant(s) differ from this model's: {2}; its ranges and "
          "@rounding lines may not fit this model (calibrate it again)",
          useTable, differ.size(), joinList(differ, 3));
  }

  /// Applies the table's `@rounding` lines (levels that differ from
  /// nearest rounding); a convolution without one keeps nearest rounding.
  LogicalResult readRoundings(const CalibrationTable &table) {
    if (table.roundings.empty())
      return success();
    if (weightRounding == "nearest") {
      roundingsIgnored = true;
      emitWarning(func.getLoc()) << llvm::formatv(
          "{0}: the @rounding lines are not applied (weight-rounding="
          "nearest)",
          useTable);
      return success();
    }
    llvm::StringMap<size_t> byKey;
    for (auto [i, r] : llvm::enumerate(roundings))
      byKey[r.key] = i;
    for (const RoundingEntry &e : table.roundings) {
      auto it = byKey.find(e.key);
      if (it == byKey.end()) {
        emitWarning(func.getLoc()) << llvm::formatv(
            "{0}:{1}: '@rounding {2}' ignored: no convolution with "
            "data-aware int8 weights has this key",
            useTable, e.line, e.key);
        continue;
      }
      Rounding &r = roundings[it->second];
      FailureOr<HostTensor> w = weightsOf(r);
      if (failed(w))
        return failure();
      std::vector<float> rows = rowsOf(r, *w);
      std::vector<int32_t> levels = nearestLevels(rows.data(), r.rows, r.k);
      for (auto [index, delta] : e.deltas) {
        if (index >= r.rows * r.k)
          return fail(llvm::formatv("{0}:{1}: '@rounding {2}': index {3} is "
                                    "out of the {4} weights",
                                    useTable, e.line, e.key, index,
                                    r.rows * r.k));
        int32_t level = levels[index] + delta;
        if (level < -127 || level > 127)
          return fail(llvm::formatv("{0}:{1}: '@rounding {2}': weight {3} "
                                    "would have level {4} (outside "
                                    "[-127, 127])",
                                    useTable, e.line, e.key, index, level));
        levels[index] = level;
      }
      // Each output channel keeps a largest weight at +-127 with its sign,
      // so that the scale max|w| / 127 is unchanged; a channel of zeros
      // (scale 0) keeps its zeros.
      for (int64_t row = 0; row < r.rows; ++row) {
        const float *rw = rows.data() + row * r.k;
        const int32_t *rl = levels.data() + row * r.k;
        float most = 0.0f;
        for (int64_t i = 0; i < r.k; ++i)
          most = std::max(most, std::fabs(rw[i]));
        bool kept = most == 0.0f;
        for (int64_t i = 0; i < r.k && !kept; ++i)
          kept = std::fabs(rw[i]) == most && rl[i] == (rw[i] > 0 ? 127 : -127);
        if (most == 0.0f)
          for (int64_t i = 0; i < r.k; ++i)
            if (rl[i] != 0)
              return fail(llvm::formatv(
                  "{0}:{1}: '@rounding {2}': output channel {3} has only zero "
                  "weights (scale 0): its levels stay 0",
                  useTable, e.line, e.key, row));
        if (!kept)
          return fail(llvm::formatv(
              "{0}:{1}: '@rounding {2}': output channel {3}'s largest weight "
              "does not keep its level (+-127 with its sign), so the "
              "channel's scale max|w| / 127 would change",
              useTable, e.line, e.key, row));
      }
      applyLevels(r, *w, levels);
    }
    return success();
  }

  /// The tensors of each npu.range_group take the union of their ranges
  /// (QuantAnnotations.h), before the table is written: the table shows
  /// the ranges int8 uses, and a table read back gives the same.
  void unifyRangeGroups() {
    std::map<int64_t, SmallVector<size_t>> groups;
    for (auto [i, t] : llvm::enumerate(tensors))
      if (t.op && t.op->getNumResults() == 1 && t.range)
        if (auto g = t.op->getAttrOfType<IntegerAttr>(kRangeGroupAttr))
          groups[g.getInt()].push_back(i);
    for (auto &[group, ids] : groups)
      giveUnion(ids);
  }

  /// The union of the ranges of tensors `ids` (each has one).
  Range unionOf(ArrayRef<size_t> ids) const {
    Range all = *tensors[ids.front()].range;
    for (size_t i : ids) {
      all.lo = std::min(all.lo, tensors[i].range->lo);
      all.hi = std::max(all.hi, tensors[i].range->hi);
    }
    return all;
  }

  /// Gives tensors `ids` the union of their ranges.
  void giveUnion(ArrayRef<size_t> ids) {
    Range all = unionOf(ids);
    for (size_t i : ids)
      tensors[i].range = all;
  }

  /// Maps split and concatenated along their channels share one range,
  /// so that int8 moves their codes as they are (docs/calibration.md,
  /// "Channel splits and concatenations"). A join is a concatenation's
  /// operands and result, or a split's or channel slice's input and parts,
  /// all [1, C, H, W] with C a multiple of 16. Joins are taken in graph
  /// order, each merging the groups of its maps, as long as every map of
  /// the merged group has a range at least half as wide as the union of
  /// their ranges (at most one bit of its resolution lost); a join that
  /// would break that is left out whole. Each group then takes its union.
  /// Not on a table read back: it holds these ranges already, and a range
  /// edited there stands as written.
  void unifyChannelJoins() {
    llvm::DenseMap<Value, size_t> idOf;
    for (auto [i, t] : llvm::enumerate(tensors))
      if (!t.isConstant && t.range)
        idOf[t.op ? Value(t.op->getResult(t.index))
                  : Value(func.getArgument(t.index))] = i;
    auto isChannelMap = [&](Value v) {
      auto type = dyn_cast<RankedTensorType>(v.getType());
      return type && type.hasStaticShape() && type.getRank() == 4 &&
             type.getDimSize(0) == 1 && type.getElementType().isF32() &&
             type.getDimSize(1) % 16 == 0 && idOf.count(v);
    };
    llvm::EquivalenceClasses<size_t> groups;
    auto width = [](const Range &r) {
      return double(std::max(r.hi, 0.0f)) - double(std::min(r.lo, 0.0f));
    };
    auto join = [&](ArrayRef<Value> values) {
      if (!llvm::all_of(values, isChannelMap))
        return;
      SmallVector<size_t> leaders, all;
      for (Value v : values) {
        size_t leader = groups.getOrInsertLeaderValue(idOf[v]);
        if (!llvm::is_contained(leaders, leader)) {
          leaders.push_back(leader);
          llvm::append_range(all, groups.members(leader));
        }
      }
      if (leaders.size() < 2)
        return;
      Range merged = unionOf(all);
      if (llvm::any_of(all, [&](size_t i) {
            return width(merged) > 2 * width(*tensors[i].range);
          }))
        return;
      for (size_t leader : ArrayRef(leaders).drop_front())
        groups.unionSets(leaders.front(), leader);
    };
    // A concatenation's or split's maps along the channels, result or input
    // first.
    auto joinAlong = [&](int64_t axis, Value whole, ValueRange parts) {
      if (!isChannelAxis(axis))
        return;
      SmallVector<Value> values = {whole};
      llvm::append_range(values, parts);
      join(values);
    };
    func.walk([&](Operation *op) {
      if (auto cat = dyn_cast<ConcatOp>(op))
        joinAlong(cat.getAxis(), cat.getResult(), cat.getOperands());
      else if (auto split = dyn_cast<SplitOp>(op))
        joinAlong(split.getAxis(), split.getInput(), split.getResults());
      else if (auto slice = dyn_cast<SliceOp>(op);
               slice && channelSliceStart(slice))
        join({slice.getInput(), slice.getResult()});
    });
    for (const auto *group : groups)
      if (group->isLeader())
        giveUnion(llvm::to_vector(groups.members(*group)));
  }

  void attachRanges() {
    MLIRContext *ctx = &getContext();
    for (const Tensor &t : tensors) {
      bool observed =
          !t.channelRanges.empty() &&
          llvm::all_of(
              llvm::seq<size_t>(0, t.channelRanges.size() / 2), [&](size_t c) {
                return t.channelRanges[2 * c] <= t.channelRanges[2 * c + 1];
              });
      if (t.op && t.range && observed)
        t.op->setAttr(kChannelRangeAttr,
                      DenseF32ArrayAttr::get(ctx, t.channelRanges));
    }
    for (const Tensor &t : tensors)
      if (!t.op && t.range) {
        func.setArgAttr(t.index, kRangeAttr, rangeAttr(ctx, *t.range));
        if (t.manual)
          func.setArgAttr(t.index, kRangeManualAttr, UnitAttr::get(ctx));
      }
    for (auto &[op, ids] : opTensors) {
      SmallVector<int64_t> manual;
      for (auto [i, id] : llvm::enumerate(ids))
        if (id >= 0 && tensors[id].range && tensors[id].manual)
          manual.push_back(int64_t(i));
      if (!manual.empty())
        op->setAttr(kRangeManualAttr, DenseI64ArrayAttr::get(ctx, manual));
      if (op->getNumResults() == 1) {
        if (tensors[ids[0]].range)
          op->setAttr(kRangeAttr, rangeAttr(ctx, *tensors[ids[0]].range));
        continue;
      }
      SmallVector<Attribute> ranges;
      for (int id : ids)
        ranges.push_back(id >= 0 && tensors[id].range
                             ? rangeAttr(ctx, *tensors[id].range)
                             : DenseF32ArrayAttr::get(ctx, {}));
      op->setAttr(kRangesAttr, ArrayAttr::get(ctx, ranges));
    }
  }

  LogicalResult writeTable(const std::string &methodText) {
    CalibrationTable out;
    if (auto source =
            getOperation()->getAttrOfType<StringAttr>(kONNXSourceAttr))
      out.model = source.str();
    out.method = methodText;
    out.samples = sourceDescription;
    for (const Tensor &t : tensors)
      if (t.range)
        out.entries.push_back(
            {t.key, t.min, t.max, t.range->lo, t.range->hi, t.method});
    for (const Tensor &t : tensors)
      if (t.op && t.range && t.op->hasAttr(kChannelRangeAttr))
        out.channels.push_back({t.key, t.channelRanges});
    for (const Rounding &r : roundings)
      if (r.applied)
        out.roundings.push_back({r.key, r.deltas});
    std::string error;
    if (!writeTableFile(table, out, error))
      return fail(error);
    return success();
  }

  void runOnOperation() override {
    FailureOr<func::FuncOp> found = findFunction();
    if (failed(found))
      return signalPassFailure();
    func = *found;
    if (failed(run()))
      signalPassFailure();
  }

  LogicalResult run() {
    MethodOptions methodOptions;
    std::optional<CalibrationMethod> m = parseMethod(method);
    if (!m)
      return fail("unknown calibration method '" + method +
                  "' (expected minmax, percentile, entropy, mse or auto)");
    methodOptions.method = *m;
    if (!calib::validPercentile(percentile))
      return fail("percentile " + formatNumber(percentile) +
                  " is not in [50, 100] (a percent of each sign's values)");
    methodOptions.percentile = percentile;
    methodOptions.symmetric = symmetric;
    if (samples < 0)
      return fail("samples must be >= 0");
    if (!useTable.empty() && (!data.empty() || !table.empty()))
      return fail("use-table excludes data and table: a table replaces "
                  "running the model");

    if (weightRounding != "gptq" && weightRounding != "nearest")
      return fail("unknown weight rounding '" + weightRounding +
                  "' (expected gptq or nearest)");
    collectTensors();
    if (weightRounding == "gptq")
      collectRoundings();
    if (!useTable.empty()) {
      if (failed(readTable()))
        return failure();
    } else if (failed(observe(methodOptions))) {
      return failure();
    }
    unifyRangeGroups();
    // A table holds the joins' ranges already, and its edits stand as
    // written.
    if (useTable.empty())
      unifyChannelJoins();
    attachRanges();

    if (table.empty())
      return success();
    std::string methodText = method;
    if (methodOptions.method == CalibrationMethod::Percentile ||
        methodOptions.method == CalibrationMethod::Auto)
      methodText +=
          " " + formatNumber(percentile) + (symmetric ? " symmetric" : "");
    return writeTable(methodText);
  }

  std::string sourceDescription;
  bool roundingsIgnored = false;
};

} // namespace
