//===- NpyTest.cpp - .npy reading and writing -----------------------------===//

#include "npu/Support/Npy.h"
#include "npu/Support/Files.h"

#include <gtest/gtest.h>

#include <cstring>

#include <filesystem>
#include <fstream>

using namespace npu;

TEST(Npy, RoundTripKeepsTypeShapeAndBytes) {
  for (auto shape : {std::vector<int64_t>{}, std::vector<int64_t>{5},
                     std::vector<int64_t>{2, 3, 4}}) {
    HostTensor t(DType::I64, shape);
    for (int64_t i = 0; i < t.numElements(); ++i)
      t.data<int64_t>()[i] = i * 1000003 - 7;
    std::string bytes = serializeNpy(t);
    EXPECT_EQ((bytes.size() - t.byteSize()) % 64, 0u) << "data is aligned";
    HostTensor back;
    std::string err;
    ASSERT_TRUE(parseNpy(bytes.data(), bytes.size(), back, err)) << err;
    EXPECT_EQ(back.dtype(), DType::I64);
    EXPECT_EQ(back.shape(), shape);
    EXPECT_EQ(0, std::memcmp(back.raw(), t.raw(), t.byteSize()));
  }
}

TEST(Npy, HeaderSpellsShapesLikeNumPy) {
  HostTensor vec(DType::F32, {7});
  EXPECT_NE(serializeNpy(vec).find("'shape': (7,)"), std::string::npos);
  HostTensor mat(DType::F32, {2, 3});
  EXPECT_NE(serializeNpy(mat).find("'shape': (2, 3)"), std::string::npos);
  HostTensor scalar(DType::F32, {});
  EXPECT_NE(serializeNpy(scalar).find("'shape': ()"), std::string::npos);
}

TEST(Npy, RejectsBadInputWithMessages) {
  HostTensor t;
  std::string err;
  EXPECT_FALSE(parseNpy("hello", 5, t, err));
  EXPECT_NE(err.find("magic"), std::string::npos);

  HostTensor f(DType::F32, {4, 4});
  std::string bytes = serializeNpy(f);
  EXPECT_FALSE(parseNpy(bytes.data(), bytes.size() - 3, t, err));
  EXPECT_NE(err.find("truncated"), std::string::npos);

  std::string fortran = bytes;
  fortran.replace(fortran.find("False"), 5, "True ");
  EXPECT_FALSE(parseNpy(fortran.data(), fortran.size(), t, err));
  EXPECT_NE(err.find("Fortran"), std::string::npos);

  std::string bigEndian = bytes;
  bigEndian.replace(bigEndian.find("<f4"), 3, ">f4");
  EXPECT_FALSE(parseNpy(bigEndian.data(), bigEndian.size(), t, err));
  EXPECT_NE(err.find(">f4"), std::string::npos);

  // Found by fuzz/npy: sizes come from the header, so they are checked
  // against the data before anything is allocated, and a count that
  // overflows (which used to be accepted as an empty tensor) is refused.
  auto withShape = [&](const std::string &shape) {
    std::string b = bytes;
    b.replace(b.find("(4, 4)"), 6, shape);
    return b;
  };
  std::string huge = withShape("(819725763, 2)");
  EXPECT_FALSE(parseNpy(huge.data(), huge.size(), t, err));
  EXPECT_NE(err.find("truncated .npy data: expected 6557806104 bytes"),
            std::string::npos)
      << err;
  std::string overflow = withShape("(4294967296, 4294967296)");
  EXPECT_FALSE(parseNpy(overflow.data(), overflow.size(), t, err));
  EXPECT_NE(err.find("more elements than a 64-bit count"), std::string::npos)
      << err;
  for (const char *bad :
       {"(4x, 4)", "(99999999999999999999, 1)", "(-4, 4)", "(+4, 4)"}) {
    std::string b = withShape(bad);
    EXPECT_FALSE(parseNpy(b.data(), b.size(), t, err)) << bad;
    EXPECT_NE(err.find("malformed .npy shape"), std::string::npos) << err;
  }
  // Two spaces fewer of padding keep the header's length (which the file
  // gives) as a writer's would; a header longer than it says leaves its
  // last bytes after the data.
  std::string spaced = withShape("( 4 ,4 )");
  spaced.erase(spaced.find("  \n"), 2);
  EXPECT_TRUE(parseNpy(spaced.data(), spaced.size(), t, err)) << err;

  // Found by a fresh user: a header without its closing brace (which
  // numpy refuses) was read; so was one with a stray character before it.
  std::string unclosed = bytes;
  unclosed[unclosed.find('}')] = ' ';
  EXPECT_FALSE(parseNpy(unclosed.data(), unclosed.size(), t, err));
  EXPECT_NE(err.find("malformed .npy header (not a {...} dictionary)"),
            std::string::npos)
      << err;
  std::string opened = bytes;
  opened[opened.find('{')] = '[';
  EXPECT_FALSE(parseNpy(opened.data(), opened.size(), t, err));
  EXPECT_NE(err.find("not a {...} dictionary"), std::string::npos) << err;

  EXPECT_FALSE(readNpy("/nonexistent/x.npy", t, err));
  EXPECT_NE(err.find("/nonexistent/x.npy"), std::string::npos);
  // Found by a fresh user: a directory threw out of the stream (SIGABRT).
  EXPECT_FALSE(readNpy("/tmp", t, err));
  EXPECT_EQ(err, "cannot read '/tmp': it is a directory, not a .npy file");
}

// Found by a review: bytes after the data were ignored, where ONNX
// Runtime refuses the file. The error gives both sizes; readNpy names the
// file.
TEST(Npy, RejectsBytesAfterTheData) {
  HostTensor f(DType::F32, {2, 3});
  std::string bytes = serializeNpy(f) + "tail";
  HostTensor t;
  std::string err;
  EXPECT_FALSE(parseNpy(bytes.data(), bytes.size(), t, err));
  EXPECT_EQ(err, "4 byte(s) after the .npy data: the header declares 2x3 f32, "
                 "24 bytes after a 128-byte header (152 bytes in all), but "
                 "the file has 156 bytes");
  std::string path = ::testing::TempDir() + "/npy_trailing_bytes.npy";
  std::ofstream(path, std::ios::binary) << bytes;
  EXPECT_FALSE(readNpy(path, t, err));
  EXPECT_EQ(err.rfind(path + ": 4 byte(s) after the .npy data", 0), 0u) << err;
  std::filesystem::remove(path);
}

TEST(Npy, HeaderAsNumpyReadsIt) {
  HostTensor f(DType::F32, {2, 3});
  std::string bytes = serializeNpy(f);
  HostTensor t;
  std::string err;
  // Double quotes and the machine's byte order '=' are numpy's too.
  std::string quoted = bytes;
  for (const char *key : {"'descr'", "'fortran_order'", "'shape'", "'<f4'"}) {
    size_t at = quoted.find(key);
    quoted[at] = '"';
    quoted[at + std::strlen(key) - 1] = '"';
  }
  EXPECT_TRUE(parseNpy(quoted.data(), quoted.size(), t, err)) << err;
  EXPECT_EQ(t.dtype(), DType::F32);
  std::string native = bytes;
  native.replace(native.find("<f4"), 3, "=f4");
  EXPECT_TRUE(parseNpy(native.data(), native.size(), t, err)) << err;
  // fortran_order is True or False, nothing else.
  std::string maybe = bytes;
  maybe.replace(maybe.find("False"), 5, "Maybe");
  EXPECT_FALSE(parseNpy(maybe.data(), maybe.size(), t, err));
  EXPECT_NE(err.find("fortran_order is 'Maybe', not True or False"),
            std::string::npos)
      << err;
}

TEST(Files, SplitNameValueAtTheFirstEquals) {
  std::string name, value;
  ASSERT_TRUE(splitNameValue("x=a=b.npy", name, value));
  EXPECT_EQ(name, "x");
  EXPECT_EQ(value, "a=b.npy");
  ASSERT_TRUE(splitNameValue("onnx::Flatten_0=in.npy", name, value));
  EXPECT_EQ(name, "onnx::Flatten_0");
  EXPECT_FALSE(splitNameValue("=x.npy", name, value));
  EXPECT_FALSE(splitNameValue("x.npy", name, value));
}

TEST(Files, SameFileFollowsPathsNotSpelling) {
  std::string dir = ::testing::TempDir();
  std::string a = dir + "/same_file_a.npy";
  std::string err;
  ASSERT_TRUE(writeNpy(a, HostTensor(DType::F32, {1}), err)) << err;
  EXPECT_TRUE(isSameFile(a, dir + "/./same_file_a.npy"));
  EXPECT_FALSE(isSameFile(a, dir + "/same_file_missing.npy"));
}

TEST(Files, PrepareOutputFile) {
  std::string dir = ::testing::TempDir() + "/prepare_output_file";
  std::filesystem::remove_all(dir);
  std::string err;
  // Missing directories are created; the file itself is not.
  EXPECT_TRUE(prepareOutputFile(dir + "/a/b/out.json", err)) << err;
  EXPECT_TRUE(std::filesystem::is_directory(dir + "/a/b"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/a/b/out.json"));
  // A directory is not a file to write.
  EXPECT_FALSE(prepareOutputFile(dir + "/a", err));
  EXPECT_EQ(err, "cannot write '" + dir + "/a': it is a directory");
  std::filesystem::remove_all(dir);
}
