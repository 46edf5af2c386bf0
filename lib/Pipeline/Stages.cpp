//===- Stages.cpp - The stage table: which passes produce each stage ------===//
//
// The one list of stages. A back-end stage plugs in by giving its entry a
// builder: a function adding the passes that take the previous stage's IR to
// this stage's (reading the target through npu::getHardware, and the other
// choices from CompileOptions).
//
//===----------------------------------------------------------------------===//

#include "ProgramIdentity.h"
#include "StageTable.h"

#include "npu/Conversion/NPUToNPUHW/Passes.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"
#include "npu/Dialect/NPUHW/Transforms/Passes.h"
#include "npu/Target/Blob/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace npu {

void addCanonicalizationPasses(OpPassManager &pm) {
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  // A float16 model computes in the back end's float domain (f32) inside,
  // its inputs and outputs staying f16.
  fpm.addPass(createNPUWidenFloat16());
  // A pre-quantized model's parameters become annotations before constant
  // folding turns its dequantized weights into plain float constants.
  fpm.addPass(createNPUFoldQDQ());
  // Fold shape subgraphs first, so that ops depending on them become
  // static, then fold batch norms, whose weight arithmetic folds again.
  fpm.addPass(createNPUFoldConstants());
  fpm.addPass(createCanonicalizerPass());
  fpm.addPass(createNPUFoldBatchNorm());
  // Hard-swish chains and a convolution's constant scale / shift, after
  // batch norms (a folded batch norm leaves the convolution to scale).
  fpm.addPass(createNPUFuseElementwise());
  // Layer norms written out below opset 17 (after the square became a
  // multiply) as one op; its gamma and beta fold next.
  fpm.addPass(createNPUFuseLayerNorm());
  fpm.addPass(createNPUFoldConstants());
  fpm.addPass(createCanonicalizerPass());
  fpm.addPass(createCSEPass());
}

static LogicalResult buildCanonical(OpPassManager &pm, const CompileOptions &) {
  addCanonicalizationPasses(pm);
  return success();
}

/// The back end's first passes: optional inputs (ONNX initializers that are
/// also graph inputs) become constants with a warning, since a blob's
/// weights are constants, and what they feed folds like the other constants;
/// recurrent layers are unrolled; then the fp32 islands are marked.
static void addBackEndEntryPasses(OpPassManager &pm) {
  pm.nest<func::FuncOp>().addPass(createNPUFreezeDefaultInputs());
  // Recurrent layers unroll into ops the lowering maps (before calibration,
  // so that int8 calibrates every step); canonicalization then folds the
  // slices of their constant weights.
  pm.nest<func::FuncOp>().addPass(createNPUDecomposeRecurrent());
  // Average pools whose edge windows have other divisors than the kernel
  // size, which the DPU's average pooling cannot give.
  pm.nest<func::FuncOp>().addPass(createNPUDecomposeAvgPool());
  // Dilations whose zero-expanded kernel is larger than the DPU's.
  pm.nest<func::FuncOp>().addPass(createNPUDecomposeDilatedConv());
  // Layout ops (DepthToSpace, Tile, Expand, Pad, ...) as the DMA's
  // reshapes, transposes, slices and concatenations.
  pm.nest<func::FuncOp>().addPass(createNPUDecomposeDataMovement());
  // Norms and log-sums as the kernels' sums and maxima.
  pm.nest<func::FuncOp>().addPass(createNPUDecomposeReductions());
  // Einsum as matmuls.
  pm.nest<func::FuncOp>().addPass(createNPUDecomposeEinsum());
  // Gemm with trans_a or a C that is no per-column bias: a transpose and an
  // add around a Gemm the DPU takes.
  pm.nest<func::FuncOp>().addPass(createNPUDecomposeGemm());
  // Matmuls of one input by constant matrices (attention's projections)
  // as one; the joined constants fold next.
  pm.nest<func::FuncOp>().addPass(createNPUFuseSiblingMatMuls());
  addCanonicalizationPasses(pm);
  // LRN as an fp32 island, CumSum as a matmul with a 0/1 triangle (after
  // canonicalization, which would fold the island's ops into unmarked
  // ones).
  pm.nest<func::FuncOp>().addPass(createNPUDecomposeBandedSums());
  // Power-domain chains (squares summed into a log or sqrt) exceed fp16's
  // range in every precision: they stay fp32 on SHAVE.
  pm.nest<func::FuncOp>().addPass(createNPUFp32Islands());
}

/// calibrated (int8): every float tensor gets its range from the reference
/// interpreter on the calibration data (or from an edited table).
static LogicalResult buildCalibrated(OpPassManager &pm,
                                     const CompileOptions &options) {
  // Without data the pass calibrates on generated samples and warns that
  // the int8 accuracy is unvalidated.
  addBackEndEntryPasses(pm);
  const CalibrationOptions &c = options.calibration;
  NPUCalibrateOptions calibrate;
  // A table replaces calibration; with mixed precision the samples still
  // drive the layer search.
  calibrate.data = c.tableInputPath.empty() ? c.dataDir : "";
  calibrate.toolFolders.assign(c.toolFolders.begin(), c.toolFolders.end());
  calibrate.method = calibrationMethodName(c.method).str();
  calibrate.percentile = c.percentile;
  calibrate.table = c.tableOutputPath;
  calibrate.useTable = c.tableInputPath;
  calibrate.weightRounding = c.weightRounding;
  // Mixed precision keeps the float weights for the layers it leaves in
  // fp16.
  calibrate.keepFloatWeights = options.precision == Precision::Mixed;
  pm.addPass(createNPUCalibrate(calibrate));
  // Depthwise inputs whose channels differ in range: rescaled so that each
  // channel uses the whole int8 range (the float function is unchanged).
  if (c.equalizeChannels)
    pm.nest<func::FuncOp>().addPass(createNPUEqualizeChannels());
  if (options.precision == Precision::Mixed) {
    NPUSelectPrecisionOptions select;
    select.target = options.accuracyTarget;
    select.fp16Layers.assign(options.fp16Layers.begin(),
                             options.fp16Layers.end());
    select.data = c.dataDir;
    // With a table, calibration did not run the model on samples, nor warn
    // of generated ones: the search does.
    select.warnGenerated = !c.tableInputPath.empty();
    select.platform = arch::hardware(options.target).name;
    select.report = options.precisionReportPath;
    pm.addPass(createNPUSelectPrecision(select));
  }
  return success();
}

/// int8 / fp16: every compute op becomes a DPU task or a SHAVE kernel with
/// the device's arithmetic (the reference for bit-exact comparison).
static LogicalResult buildLowered(OpPassManager &pm,
                                  const CompileOptions &options) {
  // fp16 has no calibrated stage: the back end starts here.
  if (options.precision == Precision::Fp16)
    addBackEndEntryPasses(pm);
  NPULowerToHWOptions lower;
  lower.precision = precisionName(options.precision).str();
  lower.expose.assign(options.exposeTensors.begin(),
                      options.exposeTensors.end());
  lower.corrupt = options.debugCorruptTensor;
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  fpm.addPass(createNPULowerToHW(lower));
  fpm.addPass(createCanonicalizerPass());
  fpm.addPass(createCSEPass());
  return success();
}

/// hwops: the hardware ops cleaned up for tiling (channel padding kept
/// between DPU tasks, layout changes cancelled).
static LogicalResult buildHwOps(OpPassManager &pm, const CompileOptions &) {
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  fpm.addPass(hw::createNPUHWFoldChannelPadding());
  fpm.addPass(createCanonicalizerPass());
  fpm.addPass(createCSEPass());
  return success();
}

/// tiled: every DPU op split into pieces that fit CMX and spread over the
/// tiles, as if alone in CMX, recorded on the op.
static LogicalResult buildTiled(OpPassManager &pm,
                                const CompileOptions &options) {
  target::NPUTileOptions tile;
  tile.tiles = options.effectiveTiles();
  pm.addPass(target::createNPUTile(tile));
  return success();
}

/// grouped: the activations kept in CMX between DPU ops (layer groups),
/// recorded on the function for code generation; the DPU ops they change
/// are tiled again.
static LogicalResult buildGrouped(OpPassManager &pm,
                                  const CompileOptions &options) {
  target::NPUGroupLayersOptions group;
  group.tiles = options.effectiveTiles();
  pm.addPass(target::createNPUGroupLayers(group));
  return success();
}

/// tasks: task generation (tiling, CMX residency and DMA / DPU / SHAVE
/// tasks following the grouped stage's plan, in their schedule;
/// docs/codegen.md) replaces the function by the tasks-stage
/// nputask.program: no addresses in CMX and scratch, no barriers.
static LogicalResult buildTasks(OpPassManager &pm,
                                const CompileOptions &options) {
  target::NPUGenerateTasksOptions codegen;
  codegen.tiles = options.effectiveTiles();
  pm.addPass(target::createNPUGenerateTasks(codegen));
  return success();
}

/// addressed: memory assignment places the buffers and derives the
/// barriers, giving the program the blob serialises; then the program
/// records the compile's options hash and state variables.
static LogicalResult buildAddressed(OpPassManager &pm,
                                    const CompileOptions &options) {
  pm.addPass(target::createNPUAssignMemory());
  pm.addPass(createRecordProgramIdentityPass(options));
  return success();
}

llvm::ArrayRef<StageInfo> stageTable() {
  static const StageInfo table[] = {
      {Stage::Origin, "origin", "origin", nullptr},
      {Stage::Canonical, "canonical", "canonical", buildCanonical},
      {Stage::Calibrated, "calibrated", nullptr, buildCalibrated},
      {Stage::Lowered, "int8", "fp16", buildLowered},
      {Stage::HwOps, "hwops", "hwops", buildHwOps},
      {Stage::Tiled, "tiled", "tiled", buildTiled},
      {Stage::Grouped, "grouped", "grouped", buildGrouped},
      {Stage::Tasks, "tasks", "tasks", buildTasks},
      {Stage::Addressed, "addressed", "addressed", buildAddressed},
      {Stage::Blob, "blob", "blob", nullptr},
  };
  return table;
}

const StageInfo &stageInfo(Stage stage) {
  // The table is in enum order.
  return stageTable()[static_cast<size_t>(stage)];
}

bool isSeparateStage(Stage stage) {
  return stage == Stage::Origin || stage == Stage::Blob ||
         stageInfo(stage).build;
}

} // namespace npu
