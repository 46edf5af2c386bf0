//===- PipelineTest.cpp - Stages, compile options and the module target --===//

#include "npu/Pipeline/Pipeline.h"
#include "npu/Dialect/NPU/IR/Target.h"
#include "npu/Pipeline/CompileOptions.h"
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

TEST(Pipeline, UnimplementedStagesFail) {
  Context c;
  mlir::PassManager pm(&c.context);
  CompileOptions options;
  options.compileTo = Stage::Canonical;
  EXPECT_TRUE(mlir::succeeded(buildCompilePipeline(pm, options)));
  mlir::PassManager pm2(&c.context);
  options.compileTo = Stage::Tiled;
  testing::internal::CaptureStderr();
  EXPECT_TRUE(mlir::failed(buildCompilePipeline(pm2, options)));
  EXPECT_NE(testing::internal::GetCapturedStderr().find(
                "the 'tiled' stage is not implemented yet; the last "
                "implemented stage is 'hwops'"),
            std::string::npos);
  // A model that cannot be read does not compile to a blob, with a reason.
  std::vector<uint8_t> blob;
  std::string error;
  testing::internal::CaptureStderr();
  EXPECT_TRUE(mlir::failed(compileToBlob("x.onnx", options, blob, error)));
  testing::internal::GetCapturedStderr();
  EXPECT_TRUE(blob.empty());
  EXPECT_NE(error.find("the model did not compile"), std::string::npos);
}

} // namespace
