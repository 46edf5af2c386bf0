//===- PipelineTest.cpp - Stages, compile options and the module target --===//

#include "npu/Pipeline/Pipeline.h"
#include "npu/Dialect/NPU/IR/Target.h"
#include "npu/Pipeline/CompileOptions.h"
#include "npu/Pipeline/PhysicalFloor.h"
#include "npu/Pipeline/Registration.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

using namespace npu;

namespace {

TEST(Stages, NamesDependOnPrecision) {
  EXPECT_EQ(stageName(Stage::Lowered, Precision::Int8), "int8");
  EXPECT_EQ(stageName(Stage::Lowered, Precision::Fp16), "fp16");
  EXPECT_EQ(parseStage("fp16", Precision::Fp16), Stage::Lowered);
  EXPECT_EQ(parseStage("fp16", Precision::Int8), std::nullopt);
  EXPECT_EQ(parseStage("calibrated", Precision::Fp16), std::nullopt);
  EXPECT_EQ(parseStage("hwops"), Stage::HwOps);
  EXPECT_EQ(joinNames(allStageNames(Precision::Int8)),
            "origin, canonical, calibrated, int8, hwops, tiled, grouped, "
            "tasks, addressed, blob");
  EXPECT_EQ(allStageNames(Precision::Fp16).size(), 9u);
  for (Precision p : {Precision::Int8, Precision::Fp16})
    for (const std::string &name : allStageNames(p))
      EXPECT_EQ(stageName(*parseStage(name, p), p), name);
}

TEST(CompileOptions, TilesComeFromTheHint) {
  CompileOptions options;
  options.target = arch::Platform::NPU4000;
  const arch::HardwareDesc &hw = arch::hardware(arch::Platform::NPU4000);
  options.perfHint = PerfHint::Latency;
  EXPECT_EQ(options.effectiveTiles(), hw.latency.tiles);
  options.perfHint = PerfHint::Throughput;
  EXPECT_EQ(options.effectiveTiles(), hw.throughput.tiles);
  options.tiles = 1;
  EXPECT_EQ(options.effectiveTiles(), 1u);
}

TEST(CompileOptions, EnumNamesRoundTrip) {
  EXPECT_EQ(parsePrecision("FP16"), Precision::Fp16);
  EXPECT_EQ(parsePerfHint("throughput"), PerfHint::Throughput);
  EXPECT_EQ(parseCalibrationMethod("percentile"),
            CalibrationMethod::Percentile);
  EXPECT_EQ(parseCalibrationMethod("kl"), std::nullopt);
  for (const std::string &name : allCalibrationMethodNames())
    EXPECT_EQ(calibrationMethodName(*parseCalibrationMethod(name)), name);
}

TEST(CompileOptions, NameListsEscapeCommas) {
  std::vector<std::string> names = {"conv", "a,b", "x\\y", ""};
  // Names without a comma or backslash are joined as they are (the
  // options hash of such lists is unchanged).
  EXPECT_EQ(joinNameList({"conv", "relu"}), "conv,relu");
  EXPECT_EQ(joinNameList(names), "conv,a\\,b,x\\\\y,");
  EXPECT_EQ(splitNameLists({joinNameList(names)}), names);
  // Each value is split; a trailing backslash stays.
  EXPECT_EQ(splitNameLists({"a,b", "c\\"}),
            (std::vector<std::string>{"a", "b", "c\\"}));
}

struct Context {
  Context() {
    mlir::DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }
  mlir::MLIRContext context;
};

TEST(Target, ReadsTheModuleAttribute) {
  Context c;
  auto module = mlir::parseSourceString<mlir::ModuleOp>(
      "module attributes {npu.target = #npu.target<NPU4000>} {}", &c.context);
  ASSERT_TRUE(module);
  auto target = getTarget(*module);
  ASSERT_TRUE(mlir::succeeded(target));
  EXPECT_EQ(*target, arch::Platform::NPU4000);
  const arch::HardwareDesc *hw = getHardware(*module);
  ASSERT_NE(hw, nullptr);
  EXPECT_EQ(hw->numTiles, arch::hardware(arch::Platform::NPU4000).numTiles);

  setTarget(*module, arch::Platform::NPU3720);
  EXPECT_EQ(getHardware(*module)->platform, arch::Platform::NPU3720);
}

TEST(Target, MissingIsAnError) {
  Context c;
  std::string message;
  mlir::ScopedDiagnosticHandler handler(&c.context, [&](mlir::Diagnostic &d) {
    message = d.str();
    return mlir::success();
  });
  auto module =
      mlir::parseSourceString<mlir::ModuleOp>("module {}", &c.context);
  ASSERT_TRUE(module);
  EXPECT_EQ(getHardware(*module), nullptr);
  EXPECT_NE(message.find("the module has no target"), std::string::npos);
}

TEST(Pipeline, EveryStageCanBeCompiledTo) {
  Context c;
  mlir::PassManager pm(&c.context);
  CompileOptions options;
  options.compileTo = Stage::Canonical;
  EXPECT_TRUE(mlir::succeeded(buildCompilePipeline(pm, options)));
  // Tasks (before memory assignment) is a stage of its own.
  mlir::PassManager pm2(&c.context);
  options.compileTo = Stage::Tasks;
  EXPECT_TRUE(mlir::succeeded(buildCompilePipeline(pm2, options)));
  // Tiled is a stage of its own.
  mlir::PassManager pmTiled(&c.context);
  options.compileTo = Stage::Tiled;
  EXPECT_TRUE(mlir::succeeded(buildCompilePipeline(pmTiled, options)));
  // Addressed passes through tasks.
  mlir::PassManager pm3(&c.context);
  options.compileTo = Stage::Addressed;
  EXPECT_TRUE(mlir::succeeded(buildCompilePipeline(pm3, options)));
  // A model that cannot be read does not compile to a blob, with a reason.
  std::vector<uint8_t> blob;
  std::string error;
  testing::internal::CaptureStderr();
  EXPECT_TRUE(mlir::failed(compileToBlob("x.onnx", options, blob, error)));
  testing::internal::GetCapturedStderr();
  EXPECT_TRUE(blob.empty());
  EXPECT_NE(error.find("the model did not compile"), std::string::npos);
}

// What a cache entry keeps for a hit to print again (ModelCache.cpp): the
// tools' warnings and a compile's MLIR diagnostics, in order, as printed;
// not the other lines on stderr.
TEST(Diagnostics, RecorderKeepsWhatIsPrinted) {
  CompilerContext compiler;
  mlir::MLIRContext &context = compiler.get();
  testing::internal::CaptureStderr();
  std::string outer, inner;
  {
    DiagnosticRecorder recorder;
    printWarning("t", "first");
    {
      DiagnosticRecorder nested;
      mlir::emitRemark(mlir::UnknownLoc::get(&context)) << "second";
      inner = nested.text();
    }
    llvm::errs() << "t: [1/2] progress\n";
    mlir::emitWarning(mlir::UnknownLoc::get(&context)) << "third";
    outer = recorder.text();
  }
  printWarning("t", "after");
  std::string printed = testing::internal::GetCapturedStderr();
  EXPECT_EQ(outer, "t: warning: first\nremark: second\nwarning: third\n");
  EXPECT_EQ(inner, "remark: second\n");
  EXPECT_EQ(printed, "t: warning: first\nremark: second\nt: [1/2] "
                     "progress\nwarning: third\nt: warning: after\n");
}

} // namespace

TEST(PhysicalFloor, CountsTheModelAsWritten) {
  Context c;
  // A dense 3x3 conv (3 -> 4 channels, 6x6 out), a depthwise 3x3 conv with
  // pads (6x6 out) and a 2x2 max pooling (3x3 out).
  auto module = mlir::parseSourceString<mlir::ModuleOp>(R"mlir(
    func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x3x3xf32> {
      %w = npu.constant dense<1.0> : tensor<4x3x3x3xf32>
      %b = npu.constant dense<0.5> : tensor<4xf32>
      %dw = npu.constant dense<1.0> : tensor<4x1x3x3xf32>
      %0 = npu.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
      %1 = npu.conv %0, %dw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 4 : i64} : (tensor<1x4x6x6xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>
      %2 = npu.max_pool %1 {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x3x3xf32>
      return %2 : tensor<1x4x3x3xf32>
    })mlir",
                                                        &c.context);
  ASSERT_TRUE(module);
  ModelWork w = countModelWork(*module, Precision::Int8);
  EXPECT_EQ(w.denseMacs, 144u * 27);        // 4x6x6 outputs, 3x3x3 each
  EXPECT_EQ(w.depthwiseMacs, 144u * 9);     // 4x6x6 outputs, 3x3 each
  EXPECT_EQ(w.poolMacs, 36u * 4);           // 4x3x3 outputs, 2x2 each
  EXPECT_EQ(w.weightBytes, 108u + 16 + 36); // int8 weights, int32 bias
  EXPECT_EQ(w.ioBytes, (192u + 36) * 4);    // f32 at the boundary
  EXPECT_EQ(countModelWork(*module, Precision::Fp16).weightBytes,
            216u + 16 + 72);

  // The floor on NPU3720's two tiles, from its hardware description.
  const arch::HardwareDesc &hw = arch::hardware(arch::Platform::NPU3720);
  PhysicalFloor f = physicalFloor(w, hw, 2, Precision::Int8);
  const double tileCycles = 2.0 * hw.dpuClockKHz * 1000.0;
  EXPECT_DOUBLE_EQ(f.computeSeconds,
                   3888.0 / (hw.int8MacsPerCycle * tileCycles) +
                       1296.0 / (hw.depthwiseMacsPerCycle * tileCycles) +
                       144.0 / (hw.maxPoolMacsPerCycle * tileCycles));
  EXPECT_DOUBLE_EQ(f.ddrSeconds, (160.0 + 912.0) / hw.ddrBytesPerSecond);
  EXPECT_DOUBLE_EQ(f.seconds(), std::max(f.computeSeconds, f.ddrSeconds));
  // fp16 halves the depthwise and pooling rates; one tile doubles all.
  PhysicalFloor f16 = physicalFloor(w, hw, 1, Precision::Fp16);
  EXPECT_DOUBLE_EQ(f16.computeSeconds,
                   2 * (3888.0 / (hw.fp16MacsPerCycle * tileCycles) +
                        1296.0 / (hw.depthwiseMacsPerCycle / 2 * tileCycles) +
                        144.0 / (hw.maxPoolMacsPerCycle / 2 * tileCycles)));
}
