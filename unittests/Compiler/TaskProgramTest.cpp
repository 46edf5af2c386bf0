//===- TaskProgramTest.cpp - nputask.program <-> blob::Program ------------===//
//
// The addressed stage holds exactly what a blob holds: every sample blob of
// both platforms, converted to an nputask.program, printed, parsed back and
// exported, gives the same Program, weights and blob bytes.
//
//===----------------------------------------------------------------------===//

#include "npu/Blob/BlobReader.h"
#include "npu/Blob/BlobWriter.h"
#include "npu/Blob/Samples/Samples.h"
#include "npu/Dialect/NPUTask/IR/ProgramConversion.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

std::string print(ModuleOp module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  module.print(os);
  return text;
}

class TaskProgramTest : public ::testing::TestWithParam<npu::arch::Platform> {};

TEST_P(TaskProgramTest, SampleBlobsRoundTripThroughText) {
  MLIRContext context;
  context.loadDialect<npu::task::NPUTaskDialect>();
  for (const npu::blob::SampleBlob &sample :
       npu::blob::makeSampleBlobs(GetParam())) {
    SCOPED_TRACE(sample.name);
    npu::blob::LoadedBlob loaded;
    std::string error;
    ASSERT_TRUE(npu::blob::readBlob(sample.bytes.data(), sample.bytes.size(),
                                    {}, loaded, error))
        << error;
    std::vector<uint8_t> weights(loaded.weights,
                                 loaded.weights + loaded.weightsSize);

    OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&context));
    OpBuilder builder(&context);
    builder.setInsertionPointToStart(module->getBody());
    npu::task::buildProgramOp(builder, builder.getUnknownLoc(), loaded.program,
                              weights);
    ASSERT_TRUE(succeeded(verify(*module)));

    // Printed and parsed back: the text form loses nothing.
    std::string text = print(*module);
    OwningOpRef<ModuleOp> parsed =
        parseSourceString<ModuleOp>(text, ParserConfig(&context));
    ASSERT_TRUE(parsed) << text;
    auto programs = parsed->getOps<npu::task::ProgramOp>();
    ASSERT_FALSE(programs.empty());
    auto exported = npu::task::exportProgram(*programs.begin());
    ASSERT_TRUE(succeeded(exported));
    EXPECT_TRUE(exported->program == loaded.program);
    EXPECT_EQ(exported->weights, weights);
    EXPECT_EQ(npu::blob::writeBlob(exported->program, exported->weights),
              sample.bytes);
  }
}

INSTANTIATE_TEST_SUITE_P(Platforms, TaskProgramTest,
                         ::testing::Values(npu::arch::Platform::NPU3720,
                                           npu::arch::Platform::NPU4000));

} // namespace
