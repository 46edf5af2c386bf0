//===- ProgramIdentity.cpp - The compile's options and state in the program
//===//

#include "ProgramIdentity.h"

#include "npu/Dialect/NPUTask/IR/ProgramConversion.h"
#include "npu/Pipeline/StateVariables.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/xxhash.h"

using namespace mlir;

namespace npu {
namespace {

class RecordProgramIdentityPass
    : public PassWrapper<RecordProgramIdentityPass, OperationPass<ModuleOp>> {
public:
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(RecordProgramIdentityPass)

  explicit RecordProgramIdentityPass(const CompileOptions &options)
      : options(options) {}

  StringRef getArgument() const override {
    return "npu-record-program-identity";
  }
  StringRef getDescription() const override {
    return "Records the compile options' hash and the state variables in the "
           "nputask.program";
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto programs = module.getOps<task::ProgramOp>();
    if (programs.empty())
      return;
    task::ProgramOp op = *programs.begin();
    FailureOr<task::ExportedProgram> exported =
        task::exportProgram(op, /*withWeights=*/false);
    if (failed(exported))
      return signalPassFailure();
    auto states = resolveStateVariables(exported->program, options.state,
                                        options.toolName, options.state.quiet);
    if (failed(states))
      return signalPassFailure();

    // Only the calibration options that apply to the compile, the others
    // as their defaults (found by a review: fp16 with --calib-data gave
    // other bytes than without, and a cache hit a blob that differs from a
    // compile without the cache, whose key has only those that apply).
    CalibrationOptions c;
    if (isCalibrated(options.precision)) {
      c.tableInputPath = options.calibration.tableInputPath;
      c.dataDir = options.calibration.dataDir;
      if (c.tableInputPath.empty()) {
        c.method = options.calibration.method;
        if (c.method == CalibrationMethod::Percentile ||
            c.method == CalibrationMethod::Auto)
          c.percentile = options.calibration.percentile;
      }
    }
    const char *rangesFrom = !c.tableInputPath.empty() ? "table"
                             : !c.dataDir.empty()      ? "data"
                                                       : "generated";
    std::string key = std::to_string(exported->program.optionsHash) + "|" +
                      precisionName(options.precision).str() + "|" +
                      calibrationMethodName(c.method).str() + "|" +
                      std::to_string(c.percentile) + "|" + rangesFrom + "|" +
                      joinNameList(options.exposeTensors) + "|" +
                      options.debugCorruptTensor;
    if (options.precision == Precision::Mixed) {
      key += "|" + options.accuracyTarget;
      // Absent when empty: other mixed blobs keep their options hash.
      if (!options.fp16Layers.empty())
        key += "|fp16-layers " + joinNameList(options.fp16Layers);
    }
    // Only a stateful blob hashes its states: the others keep their bytes.
    for (const blob::StateVar &v : *states)
      key += "|state " + v.name + "=" + std::to_string(v.input) + ">" +
             std::to_string(v.output);
    OpBuilder builder(op.getContext());
    op.setOptionsHashAttr(
        builder.getI64IntegerAttr(int64_t(llvm::xxh3_64bits(key))));

    // The state ops follow the graph arguments (and replace earlier ones).
    Block &body = op.getBody().front();
    for (auto s : llvm::make_early_inc_range(body.getOps<task::StateOp>()))
      s.erase();
    Operation *after = nullptr;
    for (Operation &child : body)
      if (isa<task::InputOp, task::OutputOp>(child))
        after = &child;
    if (after)
      builder.setInsertionPointAfter(after);
    else
      builder.setInsertionPointToStart(&body);
    for (const blob::StateVar &v : *states)
      task::StateOp::create(builder, op.getLoc(), v.name, v.input, v.output);
  }

private:
  /// A copy: npu-opt builds the pipeline from options that do not outlive it.
  CompileOptions options;
};

} // namespace

std::unique_ptr<Pass>
createRecordProgramIdentityPass(const CompileOptions &options) {
  return std::make_unique<RecordProgramIdentityPass>(options);
}

} // namespace npu
