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
#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/IR/TensorKeys.h"
#include "npu/Dialect/NPU/Transforms/ChannelEqualization.h"
#include "npu/Dialect/NPU/Transforms/SampleInputs.h"
#include "npu/Import/ONNX/Importer.h"
#include "npu/Interpreter/Interpreter.h"
#include "npu/Interpreter/TensorConversion.h"
#include "npu/Kernels/ThreadPool.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstdio>

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

/// Discardable attribute names of the result.
constexpr StringLiteral kRangeAttr = "npu.range";
constexpr StringLiteral kRangesAttr = "npu.ranges";

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

  FailureOr<func::FuncOp> findFunction() {
    return findModelFunction(getOperation(), "npu-calibrate");
  }

  /// Lists the float tensors in graph order with unique keys.
  void collectTensors() {
    for (KeyedTensor &k : collectTensorKeys(func)) {
      // Tensors with a pre-quantized model's own parameters (npu.quant,
      // from npu-fold-qdq) need no range.
      if (quantAnnotationOf(k.value))
        continue;
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
    auto opened = openSamples(func, *inputs, data, samples > 0 ? samples : 8);
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
    options.observeOp = [&](Operation *op) {
      return opTensors.count(op) && !isa<ConstantOp>(op);
    };
    options.observer = [&](Operation *op,
                           ArrayRef<const HostTensor *> results) {
      auto it = opTensors.find(op);
      if (it == opTensors.end() || isa<ConstantOp>(op))
        return;
      for (auto [i, id] : llvm::enumerate(it->second)) {
        if (id < 0 || i >= results.size() || !results[i])
          continue;
        // One conversion to f32 for both observations.
        HostTensor converted;
        const HostTensor *values = results[i];
        if (values->dtype() != DType::F32) {
          converted = values->castTo(DType::F32);
          values = &converted;
        }
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
      for (Tensor &t : tensors)
        if (!t.op)
          observeHostTensor(*t.observer, sample[t.index], &pool);
      auto results = interpreter.run(func, sample);
      if (failed(results))
        return fail(llvm::formatv("npu-calibrate: the interpreter failed on "
                                  "sample {0} ({1})",
                                  s, sourceDescription));
      interpreter.recycle(*results);
    }
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
    for (auto [i, t] : llvm::enumerate(tensors)) {
      Observer &o = *t.observer;
      if (o.nonFinite())
        emitWarning(locOf(t))
            << "tensor '" << t.key << "' had " << o.nonFinite()
            << " NaN or infinite values (ignored)";
      if (!o.count()) {
        emitWarning(locOf(t))
            << "tensor '" << t.key
            << (o.nonFinite() ? "' had no finite value"
                              : "' was not computed on any sample")
            << ": no range";
        continue;
      }
      observed.push_back(i);
    }
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
      Range r = normalizeRange({e.lo, e.hi});
      if (r.lo != e.lo || r.hi != e.hi)
        emitWarning(locOf(t)) << llvm::formatv(
            "{0}:{1}: range [{2}, {3}] of '{4}' widened to [{5}, {6}] (a "
            "range includes 0 and is not empty)",
            useTable, e.line, formatNumber(e.lo), formatNumber(e.hi), t.key,
            formatNumber(r.lo), formatNumber(r.hi));
      t.range = r;
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
    }
    if (!missing.empty())
      return fail(llvm::formatv("calibration table '{0}' has no range for "
                                "{1} tensor(s): {2}",
                                useTable, missing.size(),
                                joinList(missing, missing.size())));
    std::vector<std::string> unknown;
    for (auto [i, e] : llvm::enumerate(table.entries))
      if (!usedEntry[i])
        unknown.push_back(llvm::formatv("'{0}' (line {1})", e.key, e.line));
    if (!unknown.empty())
      emitWarning(func.getLoc()) << llvm::formatv(
          "calibration table '{0}' has {1} key(s) naming no tensor: {2}",
          useTable, unknown.size(), joinList(unknown, 20));
    return success();
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
      if (!t.op && t.range)
        func.setArgAttr(t.index, kRangeAttr, rangeAttr(ctx, *t.range));
    for (auto &[op, ids] : opTensors) {
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
    if (!(percentile > 0 && percentile <= 100))
      return fail("percentile " + formatNumber(percentile) +
                  " is not in (0, 100]");
    methodOptions.percentile = percentile;
    methodOptions.symmetric = symmetric;
    if (samples < 0)
      return fail("samples must be >= 0");
    if (!useTable.empty() && (!data.empty() || !table.empty()))
      return fail("use-table excludes data and table: a table replaces "
                  "running the model");

    collectTensors();
    if (!useTable.empty()) {
      if (failed(readTable()))
        return failure();
    } else if (failed(observe(methodOptions))) {
      return failure();
    }
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
};

} // namespace
