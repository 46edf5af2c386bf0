//===- npu-floor.cpp - A model's physical floor on a target ---------------===//
//
// Imports MODEL.onnx to the canonical stage and prints the latency no
// schedule can beat on the target (npu/Pipeline/PhysicalFloor.h): its MACs
// at the DPUs' peak rates on the tiles in use, and the bytes that must
// cross DDR at DDR bandwidth. benchmarks/floor.sh puts it next to the
// modelled latency of the compiled blob. Takes the compile options every
// tool shares (--target, --precision, --tiles, --perf-hint, --input-shape).
//
//===----------------------------------------------------------------------===//

#include "npu/Pipeline/CommandLine.h"
#include "npu/Pipeline/PhysicalFloor.h"
#include "npu/Pipeline/Pipeline.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace cl = llvm::cl;

namespace {
cl::OptionCategory category("npu-floor options");
cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::cat(category));
cl::opt<bool> json("json", cl::desc("Print one JSON object instead of text"),
                   cl::init(false), cl::cat(category));
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  npu::CompileOptions options;
  if (failed(npu::parseCompileCommandLine(
          argc, argv, category,
          "npu-floor: the physical floor of an ONNX model on an NPU target\n\n"
          "max(MACs / (tiles x MACs per cycle x DPU clock), with depthwise "
          "and pooling at their rates; (weights + inputs + outputs) / DDR "
          "bandwidth), from the hardware description the cost model and the "
          "simulator use.\n",
          "npu-floor", options)))
    return 1;
  // The floor counts the canonical graph's work: what later stages write
  // (a calibration table, a precision report) is not written.
  options.compileTo = npu::Stage::Canonical;
  npu::warnIfStageOutputsUnwritten("npu-floor", options);

  npu::CompilerContext compilerContext;
  MLIRContext &context = compilerContext.get();
  auto module = npu::compileModel(inputFile, context, options);
  if (failed(module))
    return 1;

  const auto &hw = npu::arch::hardware(options.target);
  const unsigned tiles = options.effectiveTiles();
  npu::ModelWork work = npu::countModelWork(**module, options.precision);
  npu::PhysicalFloor floor =
      npu::physicalFloor(work, hw, tiles, options.precision);
  if (json) {
    llvm::json::Object o{{"model", inputFile},
                         {"target", hw.name},
                         {"precision", npu::precisionName(options.precision)},
                         {"tiles", tiles},
                         {"dense_macs", int64_t(work.denseMacs)},
                         {"depthwise_macs", int64_t(work.depthwiseMacs)},
                         {"pool_macs", int64_t(work.poolMacs)},
                         {"weight_bytes", int64_t(work.weightBytes)},
                         {"io_bytes", int64_t(work.ioBytes)},
                         {"compute_floor_us", floor.computeSeconds * 1e6},
                         {"ddr_floor_us", floor.ddrSeconds * 1e6},
                         {"floor_us", floor.seconds() * 1e6}};
    llvm::outs() << llvm::json::Value(std::move(o)) << "\n";
    return 0;
  }
  llvm::outs() << llvm::format(
      "%s on %s, %s, %u tiles\n"
      "  MACs: dense %llu, depthwise %llu, max pooling %llu\n"
      "  DDR bytes: weights %llu, inputs and outputs %llu\n"
      "  compute floor %.2f us, DDR floor %.2f us: physical floor %.2f us\n",
      inputFile.c_str(), hw.name,
      npu::precisionName(options.precision).str().c_str(), tiles,
      (unsigned long long)work.denseMacs,
      (unsigned long long)work.depthwiseMacs, (unsigned long long)work.poolMacs,
      (unsigned long long)work.weightBytes, (unsigned long long)work.ioBytes,
      floor.computeSeconds * 1e6, floor.ddrSeconds * 1e6,
      floor.seconds() * 1e6);
  return 0;
}
