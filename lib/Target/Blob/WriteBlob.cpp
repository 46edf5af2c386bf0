//===- WriteBlob.cpp - The npu-write-blob pass ----------------------------===//
//
// Serialises the module's nputask.program (the addressed stage) unchanged,
// or runs generateBlob on its hardware-op function and writes that blob.
//
//===----------------------------------------------------------------------===//

#include "npu/Target/Blob/GenerateBlob.h"
#include "npu/Target/Blob/Passes.h"

#include "npu/Blob/BlobWriter.h"
#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Dialect/NPU/IR/Target.h"
#include "npu/Dialect/NPUHW/IR/NPUHWOps.h"
#include "npu/Dialect/NPUTask/IR/ProgramConversion.h"
#include "npu/Support/Files.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace npu::target {
#define GEN_PASS_DEF_NPUWRITEBLOB
#include "npu/Target/Blob/Passes.h.inc"
} // namespace npu::target

using namespace mlir;

namespace npu::target {
namespace {

struct WriteBlobPass : impl::NPUWriteBlobBase<WriteBlobPass> {
  using NPUWriteBlobBase::NPUWriteBlobBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto programs = module.getOps<task::ProgramOp>();
    if (!programs.empty()) {
      if (std::next(programs.begin()) != programs.end()) {
        module.emitError("has more than one nputask.program");
        return signalPassFailure();
      }
      // The program is generated already: code generation's options and a
      // function beside it would be silently ignored.
      std::pair<const char *, bool> given[] = {
          {"target", target.hasValue()},
          {"tiles", tiles.hasValue()},
          {"max-piece-rows", maxPieceRows.hasValue()},
          {"split-shave", splitShave.hasValue()},
          {"cmx-residency", cmxResidency.hasValue()},
          {"prefetch-weights", prefetchWeights.hasValue()},
          {"shave-epilogues", shaveEpilogues.hasValue()},
          {"function", function.hasValue()}};
      for (auto [name, isGiven] : given)
        if (isGiven) {
          module.emitError()
              << "the module holds an nputask.program (the addressed stage), "
                 "which is written as it is: option '"
              << name << "' applies to code generation only";
          return signalPassFailure();
        }
      for (auto f : module.getOps<func::FuncOp>())
        if (!f.isExternal()) {
          f.emitError("is beside an nputask.program: a module holds either "
                      "the function to generate or the generated program");
          return signalPassFailure();
        }
      task::ProgramOp program = *programs.begin();
      if (module->hasAttr(kTargetAttr)) {
        FailureOr<arch::Platform> moduleTarget = getTarget(module);
        if (failed(moduleTarget) ||
            program.getPlatform() != arch::platformName(*moduleTarget)) {
          module.emitError() << "targets another platform than its "
                                "nputask.program, which is for "
                             << program.getPlatform();
          return signalPassFailure();
        }
      }
      auto exported = task::exportProgram(program);
      if (failed(exported))
        return signalPassFailure();
      if (exported->isTasksStage()) {
        task::programError(program)
            << "is the tasks stage (tasks with a schedule and no barriers "
               "yet): "
               "run npu-assign-memory first";
        return signalPassFailure();
      }
      writeFile(exported->program, exported->weights);
      return;
    }
    auto platform = arch::parsePlatform(target);
    if (!platform) {
      module.emitError() << "unknown target '" << target
                         << "' (expected NPU3720 or NPU4000)";
      return signalPassFailure();
    }
    // Without the option, the module's npu.target (a compiled stage's).
    if (!target.hasValue() && module->hasAttr(kTargetAttr)) {
      FailureOr<arch::Platform> moduleTarget = getTarget(module);
      if (failed(moduleTarget))
        return signalPassFailure();
      platform = *moduleTarget;
    }
    func::FuncOp func;
    for (auto f : module.getOps<func::FuncOp>()) {
      if (f.isExternal())
        continue;
      if (!function.empty() ? f.getSymName() == function : !func) {
        func = f;
        continue;
      }
      if (function.empty()) {
        f.emitError("npu-write-blob needs one function in the module, or the "
                    "'function' option");
        return signalPassFailure();
      }
    }
    if (!func) {
      module.emitError() << "no function "
                         << (function.empty() ? std::string("to compile")
                                              : "named '" + function + "'");
      return signalPassFailure();
    }
    CodegenOptions opts;
    opts.tiles = tiles;
    opts.maxPieceRows = maxPieceRows;
    opts.splitShave = splitShave;
    opts.cmxResidency = cmxResidency;
    opts.prefetchWeights = prefetchWeights;
    opts.shaveEpilogues = shaveEpilogues;
    auto blob = generateBlob(func, *platform, opts);
    if (failed(blob))
      return signalPassFailure();
    writeFile(blob->program, blob->weights);
  }

  void writeFile(const blob::Program &program,
                 const std::vector<uint8_t> &weights) {
    if (output.empty())
      return;
    std::string error;
    if (!createParentDirectories(output, error) ||
        !blob::writeFile(output, blob::writeBlob(program, weights), error)) {
      getOperation().emitError()
          << "cannot write '" << output << "': " << error;
      return signalPassFailure();
    }
  }
};

} // namespace
} // namespace npu::target
