//===- DataSourceTest.cpp - Tests of the calibration sample sources -------===//
//
// The three directory layouts (flat .npy, one folder per input, .npz
// archives written here with libzip), their errors, and the generated
// source's determinism.
//
//===----------------------------------------------------------------------===//

#include "npu/Calibration/DataSource.h"

#include "npu/Support/Npy.h"

#include "gtest/gtest.h"

#include <zip.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace fs = std::filesystem;
using namespace npu;
using namespace npu::calib;

namespace {

class DataSourceTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("npu-calib-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  static HostTensor tensor(DType dtype, std::vector<int64_t> shape,
                           double first) {
    HostTensor t(dtype, std::move(shape));
    for (int64_t i = 0; i < t.numElements(); ++i)
      t.setFromDouble(i, first + static_cast<double>(i));
    return t;
  }
  void npy(const fs::path &path, const HostTensor &t) {
    fs::create_directories(path.parent_path());
    std::string error;
    ASSERT_TRUE(writeNpy(path.string(), t, error)) << error;
  }
  void npz(const fs::path &path,
           const std::vector<std::pair<std::string, HostTensor>> &members) {
    int code = 0;
    zip_t *z =
        zip_open(path.string().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
    ASSERT_NE(z, nullptr);
    std::vector<std::string> images; // must outlive zip_close
    images.reserve(members.size());
    for (auto &[name, t] : members) {
      images.push_back(serializeNpy(t));
      zip_source_t *src =
          zip_source_buffer(z, images.back().data(), images.back().size(), 0);
      ASSERT_GE(zip_file_add(z, (name + ".npy").c_str(), src, 0), 0);
    }
    ASSERT_EQ(zip_close(z), 0);
  }
  std::string openError(const std::vector<InputInfo> &inputs) {
    std::string error;
    EXPECT_EQ(openSampleDirectory(dir.string(), inputs, error), nullptr);
    return error;
  }
  std::string loadError(const std::vector<InputInfo> &inputs, size_t index) {
    std::string error;
    auto source = openSampleDirectory(dir.string(), inputs, error);
    EXPECT_NE(source, nullptr) << error;
    if (!source)
      return error;
    std::vector<HostTensor> tensors;
    EXPECT_FALSE(source->load(index, tensors, error));
    return error;
  }

  fs::path dir;
  std::vector<InputInfo> one = {{"x", DType::F32, {1, 2}}};
  std::vector<InputInfo> two = {{"x", DType::F32, {1, 2}},
                                {"ids", DType::I64, {3}}};
};

TEST_F(DataSourceTest, FlatNpyFilesInNameOrder) {
  npy(dir / "b.npy", tensor(DType::F32, {1, 2}, 10));
  npy(dir / "a.npy", tensor(DType::F32, {1, 2}, 0));
  std::string error;
  auto source = openSampleDirectory(dir.string(), one, error);
  ASSERT_NE(source, nullptr) << error;
  ASSERT_EQ(source->numSamples(), 2u);
  EXPECT_FALSE(source->isGenerated());
  std::vector<HostTensor> t;
  ASSERT_TRUE(source->load(0, t, error)) << error;
  EXPECT_EQ(t[0].getAsDouble(1), 1.0);
  ASSERT_TRUE(source->load(1, t, error)) << error;
  EXPECT_EQ(t[0].getAsDouble(1), 11.0);
}

// An extension in capitals is the same (found by a fresh user: a.NPY was
// skipped without a word); each sample is named by its file.
TEST_F(DataSourceTest, ExtensionsInAnyCase) {
  npy(dir / "a.npy", tensor(DType::F32, {1, 2}, 0));
  npy(dir / "b.NPY", tensor(DType::F32, {1, 2}, 10));
  std::string error;
  auto source = openSampleDirectory(dir.string(), one, error);
  ASSERT_NE(source, nullptr) << error;
  ASSERT_EQ(source->numSamples(), 2u);
  EXPECT_EQ(source->sampleName(1), (dir / "b.NPY").string());
}

// Hidden files and folders (macOS's "._a.npy" companions, which hold no
// array) are no samples (found by a review: one was counted).
TEST_F(DataSourceTest, HiddenEntriesAreSkipped) {
  npy(dir / "a.npy", tensor(DType::F32, {1, 2}, 0));
  {
    std::ofstream junk(dir / "._a.npy");
    junk << "AppleDouble";
  }
  npy(dir / ".x" / "0.npy", tensor(DType::F32, {1, 2}, 0));
  std::string error;
  auto source = openSampleDirectory(dir.string(), one, error);
  ASSERT_NE(source, nullptr) << error;
  EXPECT_EQ(source->numSamples(), 1u);
}

// Files that are not samples are left out and listed, so that the user
// is told (found by a fresh user: images beside the samples were ignored
// without a word); hidden ones are not listed. In a folder per input, only
// .npy files are samples.
TEST_F(DataSourceTest, FilesThatAreNotSamplesAreListed) {
  npy(dir / "a.npy", tensor(DType::F32, {1, 2}, 0));
  std::ofstream(dir / "page.png") << "png";
  std::ofstream(dir / ".DS_Store") << "mac";
  std::string error;
  std::vector<std::string> ignored;
  auto source = openSampleDirectory(dir.string(), one, error, &ignored);
  ASSERT_NE(source, nullptr) << error;
  EXPECT_EQ(source->numSamples(), 1u);
  EXPECT_EQ(ignored, std::vector<std::string>{(dir / "page.png").string()});

  fs::remove_all(dir);
  for (int i = 0; i < 2; ++i) {
    npy(dir / "x" / (std::to_string(i) + ".npy"),
        tensor(DType::F32, {1, 2}, i));
    npy(dir / "ids" / (std::to_string(i) + ".npy"), tensor(DType::I64, {3}, i));
  }
  std::ofstream(dir / "x" / "list.txt") << "0.npy";
  std::ofstream(dir / "ids" / "b.npz") << "npz";
  std::ofstream(dir / "README") << "samples";
  source = openSampleDirectory(dir.string(), two, error, &ignored);
  ASSERT_NE(source, nullptr) << error;
  EXPECT_EQ(ignored,
            (std::vector<std::string>{(dir / "README").string(),
                                      (dir / "ids" / "b.npz").string(),
                                      (dir / "x" / "list.txt").string()}));
}

// Folders calibration does not read are listed too (found by a review: a
// sub-folder beside flat samples was skipped without a word): beside
// samples directly in the folder, every sub-folder; in a folder per input,
// its sub-folders. Hidden ones are not listed.
TEST_F(DataSourceTest, FoldersNotReadAreListed) {
  npy(dir / "a.npy", tensor(DType::F32, {1, 2}, 0));
  npy(dir / "more" / "b.npy", tensor(DType::F32, {1, 2}, 1));
  fs::create_directories(dir / "empty");
  fs::create_directories(dir / ".git");
  std::string error;
  std::vector<std::string> ignored, folders;
  auto source =
      openSampleDirectory(dir.string(), one, error, &ignored, &folders);
  ASSERT_NE(source, nullptr) << error;
  EXPECT_EQ(source->numSamples(), 1u);
  EXPECT_TRUE(ignored.empty());
  EXPECT_EQ(folders, (std::vector<std::string>{(dir / "empty").string(),
                                               (dir / "more").string()}));

  fs::remove_all(dir);
  for (int i = 0; i < 2; ++i) {
    npy(dir / "x" / (std::to_string(i) + ".npy"),
        tensor(DType::F32, {1, 2}, i));
    npy(dir / "ids" / (std::to_string(i) + ".npy"), tensor(DType::I64, {3}, i));
  }
  npy(dir / "x" / "old" / "9.npy", tensor(DType::F32, {1, 2}, 9));
  fs::create_directories(dir / "ids" / ".cache");
  source = openSampleDirectory(dir.string(), two, error, &ignored, &folders);
  ASSERT_NE(source, nullptr) << error;
  EXPECT_EQ(source->numSamples(), 2u);
  EXPECT_EQ(folders, std::vector<std::string>{(dir / "x" / "old").string()});
}

TEST_F(DataSourceTest, OneFolderPerInput) {
  for (int i = 0; i < 3; ++i) {
    npy(dir / "x" / (std::to_string(i) + ".npy"),
        tensor(DType::F32, {1, 2}, i));
    npy(dir / "ids" / (std::to_string(i) + ".npy"),
        tensor(DType::I64, {3}, 100 * i));
  }
  std::string error;
  auto source = openSampleDirectory(dir.string(), two, error);
  ASSERT_NE(source, nullptr) << error;
  EXPECT_EQ(source->numSamples(), 3u);
  std::vector<HostTensor> t;
  ASSERT_TRUE(source->load(2, t, error)) << error;
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].getAsDouble(0), 2.0);
  EXPECT_EQ(t[1].getAsInt(0), 200);
}

// Samples pair by file-name order; folders named alike pair by name, and a
// renamed file that would shift the pairs is refused (found by a fresh
// user: it was read crosswise, silently). Names that differ by convention
// everywhere still pair by order.
TEST_F(DataSourceTest, PerInputFilesPairByName) {
  for (int i = 0; i < 3; ++i) {
    npy(dir / "x" / ("00" + std::to_string(i) + ".npy"),
        tensor(DType::F32, {1, 2}, i));
    npy(dir / "ids" / ("ids_" + std::to_string(i) + ".npy"),
        tensor(DType::I64, {3}, 100 * i));
  }
  std::string error;
  ASSERT_NE(openSampleDirectory(dir.string(), two, error), nullptr) << error;
  fs::remove_all(dir / "ids");
  for (const char *name : {"000", "002", "100"})
    npy(dir / "ids" / (std::string(name) + ".npy"), tensor(DType::I64, {3}, 0));
  EXPECT_EQ(openError(two),
            "calibration data '" + dir.string() +
                "': samples pair by file-name order, which pairs '" +
                (dir / "x" / "002.npy").string() + "' (input 'x') with '" +
                (dir / "ids" / "100.npy").string() +
                "' (input 'ids') though '" +
                (dir / "ids" / "002.npy").string() +
                "' exists: give each sample's files the same name in every "
                "folder (or names that sort alike)");
}

TEST_F(DataSourceTest, NpzArchives) {
  npz(dir / "s0.npz", {{"x", tensor(DType::F32, {1, 2}, 5)},
                       {"ids", tensor(DType::I64, {3}, 7)}});
  npz(dir / "s1.npz", {{"ids", tensor(DType::I64, {3}, 8)},
                       {"x", tensor(DType::F32, {1, 2}, 6)}});
  std::string error;
  auto source = openSampleDirectory(dir.string(), two, error);
  ASSERT_NE(source, nullptr) << error;
  EXPECT_EQ(source->numSamples(), 2u);
  std::vector<HostTensor> t;
  ASSERT_TRUE(source->load(1, t, error)) << error;
  EXPECT_EQ(t[0].getAsDouble(0), 6.0);
  EXPECT_EQ(t[1].getAsInt(2), 10);
}

TEST_F(DataSourceTest, MissingOrEmptyDirectory) {
  std::string error;
  EXPECT_EQ(openSampleDirectory((dir / "nope").string(), one, error), nullptr);
  EXPECT_EQ(error, "calibration data directory '" + (dir / "nope").string() +
                       "' does not exist");
  EXPECT_EQ(openError(one), "no calibration samples in '" + dir.string() +
                                "' (expected .npy files, .npz archives or "
                                "one sub-folder per input: 'x')");
}

TEST_F(DataSourceTest, ShapeAndDtypeMismatch) {
  npy(dir / "a.npy", tensor(DType::F32, {2, 2}, 0));
  EXPECT_EQ(loadError(one, 0), "'" + (dir / "a.npy").string() +
                                   "' has f32[2x2] but input 'x' is f32[1x2]");
  npy(dir / "a.npy", tensor(DType::F64, {1, 2}, 0));
  EXPECT_EQ(loadError(one, 0),
            "'" + (dir / "a.npy").string() +
                "' has f64[1x2] but input 'x' is f32[1x2] (save it with "
                ".astype(numpy.float32))");
  // Integers for a float input are raw data (an image's pixels): the hint
  // is the preprocessing, not a bare cast.
  npy(dir / "a.npy", tensor(DType::U8, {1, 2}, 0));
  EXPECT_EQ(loadError(one, 0),
            "'" + (dir / "a.npy").string() +
                "' has u8[1x2] but input 'x' is f32[1x2] (calibration samples "
                "are the model's input as its preprocessing makes it -- an "
                "image resized, normalized and laid out as the model expects "
                "-- saved with .astype(numpy.float32); raw data cast alone "
                "gives int8 ranges of values the model never sees)");
}

TEST_F(DataSourceTest, FlatFilesNeedASingleInput) {
  npy(dir / "a.npy", tensor(DType::F32, {1, 2}, 0));
  EXPECT_EQ(openError(two),
            "calibration data '" + dir.string() +
                "' holds .npy files directly, but the model has 2 inputs "
                "('x', 'ids'): give one sub-folder per input or .npz "
                "archives");
}

TEST_F(DataSourceTest, FilesBesideAnInputsFolderAreAmbiguous) {
  npy(dir / "a.npy", tensor(DType::F32, {1, 2}, 0));
  npy(dir / "x" / "0.npy", tensor(DType::F32, {1, 2}, 0));
  EXPECT_EQ(openError(one),
            "calibration data '" + dir.string() +
                "' holds .npy files and a sub-folder for input 'x'; use one "
                "layout (the files directly for a single-input model, or one "
                "sub-folder per input)");
}

TEST_F(DataSourceTest, FolderErrors) {
  npy(dir / "x" / "0.npy", tensor(DType::F32, {1, 2}, 0));
  EXPECT_EQ(openError(two), "calibration data '" + dir.string() +
                                "' has no sub-folder for input 'ids' "
                                "(inputs: 'x', 'ids')");
  // A name no folder can hold: its file-name-safe form is said too.
  std::vector<InputInfo> slashed = {{"x", DType::F32, {1, 2}},
                                    {"right/image:0", DType::I64, {3}}};
  EXPECT_EQ(openError(slashed),
            "calibration data '" + dir.string() +
                "' has no sub-folder for input 'right/image:0' (or "
                "'right_image_0', its file-name-safe form) (inputs: 'x', "
                "'right/image:0')");
  npy(dir / "ids" / "0.npy", tensor(DType::I64, {3}, 0));
  npy(dir / "ids" / "1.npy", tensor(DType::I64, {3}, 0));
  EXPECT_EQ(openError(two), "inputs have different sample counts in '" +
                                dir.string() + "': 'x' has 1, 'ids' has 2");
  fs::create_directories(dir / "y");
  EXPECT_EQ(openError(two), "sub-folder 'y' of '" + dir.string() +
                                "' names no model input (inputs: 'x', 'ids')");
  fs::remove_all(dir / "ids");
  fs::remove_all(dir / "y");
  fs::create_directories(dir / "ids");
  EXPECT_EQ(openError(two), "no .npy samples in '" + (dir / "ids").string() +
                                "' (input 'ids')");
}

TEST_F(DataSourceTest, NpzErrors) {
  npz(dir / "s0.npz", {{"x", tensor(DType::F32, {1, 2}, 0)}});
  EXPECT_EQ(openError(two),
            "'" + (dir / "s0.npz").string() +
                "' has no member for input(s) 'ids' (members are named after "
                "the inputs: numpy.savez(path, x=...))");
  npz(dir / "s0.npz", {{"x", tensor(DType::F32, {1, 2}, 0)},
                       {"idz", tensor(DType::I64, {3}, 0)}});
  EXPECT_EQ(openError(one), "'" + (dir / "s0.npz").string() +
                                "' has member(s) 'idz.npy' naming no model "
                                "input (inputs: 'x')");
  npz(dir / "s0.npz", {{"x", tensor(DType::F32, {3}, 0)}});
  EXPECT_EQ(loadError(one, 0), "'" + (dir / "s0.npz").string() +
                                   ":x.npy' has f32[3] but input 'x' is "
                                   "f32[1x2]");
  std::ofstream(dir / "s0.npz") << "not a zip";
  EXPECT_EQ(openError(one).rfind("cannot open '" + (dir / "s0.npz").string() +
                                     "' as a .npz (zip) archive: ",
                                 0),
            0u);
  npy(dir / "a.npy", tensor(DType::F32, {1, 2}, 0));
  EXPECT_EQ(openError(one), "calibration data '" + dir.string() +
                                "' mixes .npy files and .npz archives; use "
                                "one layout");
}

TEST_F(DataSourceTest, GeneratedIsDeterministicStandardNormal) {
  std::vector<InputInfo> inputs = {{"x", DType::F32, {4096}},
                                   {"ids", DType::I64, {3}}};
  auto a = makeGeneratedSource(inputs, 8, 0);
  auto b = makeGeneratedSource(inputs, 8, 0);
  EXPECT_TRUE(a->isGenerated());
  EXPECT_EQ(a->numSamples(), 8u);
  std::vector<HostTensor> ta, tb, tc;
  std::string error;
  ASSERT_TRUE(a->load(3, ta, error));
  ASSERT_TRUE(b->load(3, tb, error));
  ASSERT_TRUE(b->load(4, tc, error));
  ASSERT_EQ(ta.size(), 2u);
  EXPECT_EQ(std::memcmp(ta[0].raw(), tb[0].raw(), ta[0].byteSize()), 0);
  EXPECT_NE(std::memcmp(ta[0].raw(), tc[0].raw(), ta[0].byteSize()), 0);
  double sum = 0, sq = 0;
  for (int64_t i = 0; i < 4096; ++i) {
    double v = ta[0].getAsDouble(i);
    sum += v;
    sq += v * v;
  }
  EXPECT_NEAR(sum / 4096, 0.0, 0.1);
  EXPECT_NEAR(sq / 4096, 1.0, 0.1);
  EXPECT_EQ(ta[1].getAsInt(0), 0);
}

} // namespace
