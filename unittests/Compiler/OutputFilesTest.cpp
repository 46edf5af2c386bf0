//===- OutputFilesTest.cpp - Checking the files a compile writes ----------===//

#include "npu/Pipeline/OutputFiles.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace npu;

namespace {

struct OutputFilesTest : ::testing::Test {
  // One directory per test: ctest runs the tests of a suite in parallel.
  std::string dir =
      ::testing::TempDir() + "/output_files_test_" +
      ::testing::UnitTest::GetInstance()->current_test_info()->name();
  void SetUp() override {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/model.onnx") << "model";
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
};

TEST_F(OutputFilesTest, RefusesAFileItReads) {
  std::string error;
  EXPECT_FALSE(checkOutputFiles({{dir + "/./model.onnx", "the output file"}},
                                {{dir + "/model.onnx", "the input model"}},
                                error));
  EXPECT_EQ(error, "the output file '" + dir +
                       "/./model.onnx' is the input model; refusing to "
                       "overwrite it");
}

TEST_F(OutputFilesTest, RefusesTwoOutputsInOneFile) {
  std::string error;
  // Neither exists: the same path after removing "." and "..".
  EXPECT_FALSE(checkOutputFiles({{dir + "/a/out.blob", "the output file"},
                                 {dir + "/b/../a/out.blob", "the report"}},
                                {}, error));
  EXPECT_EQ(error, "the report '" + dir +
                       "/b/../a/out.blob' is also the output file; give "
                       "them different files");
}

TEST_F(OutputFilesTest, CreatesDirectoriesAndSkipsStreams) {
  std::string error;
  EXPECT_TRUE(checkOutputFiles({{dir + "/x/y/out.blob", "the output file"},
                                {"-", "standard output"},
                                {"-", "standard output too"},
                                {"", "no file"},
                                {"/dev/null", "a device"}},
                               {{dir + "/model.onnx", "the input model"}},
                               error))
      << error;
  EXPECT_TRUE(std::filesystem::is_directory(dir + "/x/y"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/x/y/out.blob"));
}

TEST_F(OutputFilesTest, RefusesADirectory) {
  std::string error;
  EXPECT_FALSE(checkOutputFiles({{dir, "the output file"}}, {}, error));
  EXPECT_EQ(error, "cannot write '" + dir + "': it is a directory");
}

// The samples calibration reads, by its layouts: those in the folder, else
// those in its sub-folders; --input-value files are read too.
TEST_F(OutputFilesTest, CalibrationSamplesAreInputs) {
  std::filesystem::create_directories(dir + "/calib/x");
  std::ofstream(dir + "/calib/x/0.npy") << "npy";
  std::ofstream(dir + "/calib/x/notes.txt") << "text";
  CompileOptions options;
  options.calibration.dataDir = dir + "/calib";
  options.calibration.tableInputPath = dir + "/t.calib";
  options.inputValueFiles["shape"] = dir + "/shape.npy";
  std::vector<NamedFile> reads =
      compileInputFiles(dir + "/model.onnx", options);
  ASSERT_EQ(reads.size(), 4u); // Model, table, input value, sample.
  EXPECT_EQ(reads[0].what, "the input model");
  EXPECT_EQ(reads[1].what, "the --use-calib-table input");
  EXPECT_EQ(reads[2].what, "the --input-value file of 'shape'");
  EXPECT_EQ(reads[3].path, dir + "/calib/x/0.npy");
  // Flat samples: a sub-folder beside them is not read (npu-compare's ort/
  // when its --output-dir is the calibration folder).
  std::ofstream(dir + "/calib/1.npy") << "npy";
  std::vector<NamedFile> flat = compileInputFiles(dir + "/model.onnx", options);
  ASSERT_EQ(flat.size(), 4u);
  EXPECT_EQ(flat[3].path, dir + "/calib/1.npy");
  std::filesystem::remove(dir + "/calib/1.npy");
  std::string error;
  EXPECT_FALSE(
      checkOutputFiles({{dir + "/calib/x/0.npy", "the table"}}, reads, error));
  EXPECT_EQ(error, "the table '" + dir +
                       "/calib/x/0.npy' is a calibration sample; refusing "
                       "to overwrite it");
}

} // namespace
