//===- GenerateBlob.cpp - Hardware-op functions to blob Programs ----------===//
//
// The driver: memory plan first (BufferAssignment), then every op in program
// order emits its tasks through the scheduler, which derives the barriers;
// finally the queues, the memory plan and the metadata complete the
// Program, which must pass the blob verifier.
//
//===----------------------------------------------------------------------===//

#include "npu/Target/Blob/GenerateBlob.h"
#include "Emitter.h"

#include "npu/Blob/Verifier.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

namespace npu::target {

uint64_t hashOptions(arch::Platform platform, const CodegenOptions &opts) {
  // FNV-1a over the option values: stable across runs and hosts.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xFF;
      h *= 1099511628211ull;
    }
  };
  mix(uint64_t(platform));
  mix(opts.tiles);
  mix(opts.maxPieceRows);
  mix(opts.splitShave);
  return h;
}

FailureOr<GeneratedBlob> generateBlob(func::FuncOp func,
                                      arch::Platform platform,
                                      const CodegenOptions &opts) {
  const arch::HardwareDesc &hw = arch::hardware(platform);
  if (opts.tiles > hw.numTiles)
    return func.emitOpError() << "asks for " << opts.tiles << " tiles; the "
                              << hw.name << " has " << hw.numTiles;
  uint32_t tiles = opts.tiles ? opts.tiles : hw.numTiles;

  GeneratedBlob out;
  blob::Program &program = out.program;
  program.platform = platform;
  program.compilerVersion = "npu-compile 0.1.0 (codegen v1)";
  program.optionsHash = hashOptions(platform, opts);

  WeightsSection weights(program);
  auto plan = assignBuffers(func, program, weights);
  if (failed(plan))
    return failure();

  Emitter e(hw, opts, tiles, program, weights, *plan);
  Block &body = func.getBody().front();
  unsigned index = 0;
  for (Operation &op : body) {
    std::string label = opLabel(&op, index++);
    if (isa<npu::ConstantOp, npu::ReshapeOp>(op))
      continue;
    e.sched.beginOp();
    LogicalResult r =
        llvm::TypeSwitch<Operation *, LogicalResult>(&op)
            .Case([&](hw::DpuConvOp o) { return emitDpuConv(e, o, label); })
            .Case(
                [&](hw::DpuEltwiseOp o) { return emitDpuEltwise(e, o, label); })
            .Case([&](hw::ShaveOp o) { return emitShave(e, o, label); })
            .Case(
                [&](npu::TransposeOp o) { return emitTranspose(e, o, label); })
            .Case([&](npu::SliceOp o) { return emitSlice(e, o, label); })
            .Case([&](npu::ConcatOp o) { return emitConcat(e, o, label); })
            .Case([&](func::ReturnOp o) {
              for (const auto &c : plan->resultCopies) {
                e.sched.endOp();
                e.sched.beginOp();
                if (failed(emitResultCopy(e, o, c.value, c.output)))
                  return failure();
              }
              return success();
            })
            .Default([&](Operation *o) {
              return o->emitOpError()
                     << "is not supported by code generation (expected the "
                        "hardware-op form: npu.constant, npuhw.*, "
                        "npu.reshape / transpose / slice / concat)";
            });
    e.sched.endOp();
    if (failed(r))
      return failure();
  }
  if (e.sched.numTasks() == 0)
    return func.emitOpError("has nothing to execute");

  e.sched.finalize(program);
  program.memory.scratchSize = plan->scratchSize;
  program.memory.cmxUsed = e.cmxUsed;
  out.weights = std::move(weights.bytes());
  out.scratchSize = plan->scratchSize;
  out.cmxUsed = e.cmxUsed;
  out.dpuPieces = e.dpuPieces;
  out.deduplicatedConstants = weights.deduplicated();

  std::string error;
  if (!blob::verifyProgram(program, out.weights.size(), error))
    return func.emitOpError()
           << "internal error: the generated program fails verification: "
           << error;
  return out;
}

} // namespace npu::target
