//===- InterpreterBench.cpp - Times npu functions in the interpreter ------===//
//
// npu-interpreter-bench FILE.mlir... runs each file's @main (or first
// function) a number of times with deterministic inputs (or .npy inputs)
// and prints the best and median wall time and the GMAC/s of its
// convolutions and matrix products. Used by run.sh next to ONNX Runtime;
// --profile prints where the time goes, --output writes the results.
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Interpreter/Interpreter.h"
#include "npu/Interpreter/TensorConversion.h"
#include "npu/Support/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>

using namespace mlir;
namespace cl = llvm::cl;

static cl::list<std::string> files(cl::Positional, cl::OneOrMore,
                                   cl::desc("<file.mlir>..."));
static cl::opt<int>
    threads("num-threads", cl::desc("kernel threads (0: all hardware threads)"),
            cl::init(1));
static cl::opt<int> runs("num-runs", cl::desc("timed runs"), cl::init(10));
static cl::opt<int> warmup("num-warmup", cl::desc("untimed runs first"),
                           cl::init(2));
static cl::list<std::string>
    inputs("input", cl::desc("input .npy for argument i (in order)"));
static cl::opt<std::string> output("output",
                                   cl::desc("write the first result (.npy)"));
static cl::opt<bool> fuse("fuse",
                          cl::desc("let the interpreter fuse ops (default on)"),
                          cl::init(true));
static cl::opt<bool> profile("profile",
                             cl::desc("print per-op times of the last run"));

/// Multiply-accumulates of the convolutions and matrix products.
static double countMacs(func::FuncOp f) {
  double macs = 0;
  f.walk([&](Operation *op) {
    auto shape = [](Value v) {
      return cast<RankedTensorType>(v.getType()).getShape();
    };
    if (auto conv = dyn_cast<npu::ConvOp>(op)) {
      auto w = shape(conv.getWeight());
      double perOut = 1;
      for (size_t i = 1; i < w.size(); ++i)
        perOut *= w[i];
      macs += perOut * cast<RankedTensorType>(conv.getType()).getNumElements();
    } else if (auto ct = dyn_cast<npu::ConvTransposeOp>(op)) {
      auto w = shape(ct.getWeight());
      double perIn = 1;
      for (size_t i = 1; i < w.size(); ++i)
        perIn *= w[i];
      macs += perIn *
              cast<RankedTensorType>(ct.getInput().getType()).getNumElements();
    } else if (auto mm = dyn_cast<npu::MatMulOp>(op)) {
      auto a = shape(mm.getLhs());
      macs += double(cast<RankedTensorType>(mm.getType()).getNumElements()) *
              a.back();
    } else if (auto g = dyn_cast<npu::GemmOp>(op)) {
      auto a = shape(g.getA());
      macs += double(cast<RankedTensorType>(g.getType()).getNumElements()) *
              (g.getTransA() ? a[0] : a[1]);
    }
  });
  return macs;
}

/// Deterministic values in [-1, 1) (or 0/1 for booleans).
static npu::HostTensor
syntheticInput(npu::DType dtype, std::vector<int64_t> shape, uint64_t seed) {
  npu::HostTensor t(dtype, std::move(shape));
  uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
  for (int64_t i = 0; i < t.numElements(); ++i) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    double u = static_cast<double>(s >> 11) / static_cast<double>(1ull << 53);
    t.setFromDouble(i, dtype == npu::DType::Bool ? (u < 0.5) : 2 * u - 1);
  }
  return t;
}

static int benchFile(MLIRContext &context, const std::string &path) {
  llvm::SourceMgr sourceMgr;
  std::string error;
  auto file = openInputFile(path, &error);
  if (!file) {
    llvm::errs() << error << "\n";
    return 1;
  }
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  auto t0 = std::chrono::steady_clock::now();
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  double parseMs = std::chrono::duration<double, std::milli>(
                       std::chrono::steady_clock::now() - t0)
                       .count();
  if (!module)
    return 1;
  func::FuncOp f = module->lookupSymbol<func::FuncOp>("main");
  if (!f)
    for (auto fn : module->getOps<func::FuncOp>()) {
      f = fn;
      break;
    }
  if (!f) {
    llvm::errs() << path << ": no function\n";
    return 1;
  }
  std::vector<npu::HostTensor> args;
  for (auto [i, type] : llvm::enumerate(f.getArgumentTypes())) {
    auto rt = cast<RankedTensorType>(type);
    auto dtype = npu::dtypeForElementType(rt.getElementType());
    if (!dtype) {
      llvm::errs() << path << ": unsupported argument type " << type << "\n";
      return 1;
    }
    if (i < inputs.size()) {
      npu::HostTensor t;
      if (!npu::readNpy(inputs[i], t, error)) {
        llvm::errs() << error << "\n";
        return 1;
      }
      args.push_back(std::move(t));
    } else {
      args.push_back(syntheticInput(
          *dtype,
          std::vector<int64_t>(rt.getShape().begin(), rt.getShape().end()),
          i + 1));
    }
  }
  npu::InterpreterOptions options;
  options.numThreads = threads;
  options.fuseActivations = options.fuseElementwise = fuse;
  npu::Interpreter interpreter(options);
  std::vector<double> times;
  llvm::SmallVector<npu::HostTensor> results;
  for (int i = 0; i < warmup; ++i) {
    interpreter.recycle(results);
    auto r = interpreter.run(f, args);
    if (failed(r))
      return 1;
    results = std::move(*r);
  }
  for (int i = 0; i < std::max(1, runs.getValue()); ++i) {
    if (profile && i + 1 == runs) {
      options.collectTimings = true;
      npu::Interpreter profiled(options);
      (void)profiled.run(f, args); // warm caches of the new instance
      auto start = std::chrono::steady_clock::now();
      auto r = profiled.run(f, args);
      times.push_back(std::chrono::duration<double>(
                          std::chrono::steady_clock::now() - start)
                          .count());
      if (failed(r))
        return 1;
      profiled.printTimingReport(llvm::outs());
      results = std::move(*r);
      break;
    }
    interpreter.recycle(results);
    auto start = std::chrono::steady_clock::now();
    auto r = interpreter.run(f, args);
    times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
    if (failed(r))
      return 1;
    results = std::move(*r);
  }
  std::sort(times.begin(), times.end());
  double best = times.front(), median = times[times.size() / 2];
  double macs = countMacs(f);
  llvm::outs() << llvm::format(
      "%-40s threads=%d parse=%.0fms best=%.3fms median=%.3fms GMAC=%.4f "
      "GMAC/s=%.2f\n",
      path.c_str(), interpreter.options().numThreads, parseMs, best * 1e3,
      median * 1e3, macs / 1e9, best > 0 ? macs / best / 1e9 : 0.0);
  if (!output.empty() && !results.empty() &&
      !npu::writeNpy(output, results[0], error)) {
    llvm::errs() << error << "\n";
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "npu-interpreter-bench: times npu functions in the reference "
      "interpreter\n");
  MLIRContext context;
  context
      .loadDialect<npu::NPUDialect, func::FuncDialect, quant::QuantDialect>();
  int status = 0;
  for (const std::string &f : files)
    status |= benchFile(context, f);
  return status;
}
