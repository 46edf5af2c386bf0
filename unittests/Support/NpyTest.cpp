//===- NpyTest.cpp - .npy reading and writing -----------------------------===//

#include "npu/Support/Npy.h"
#include "npu/Support/Files.h"

#include <gtest/gtest.h>

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

  EXPECT_FALSE(readNpy("/nonexistent/x.npy", t, err));
  EXPECT_NE(err.find("/nonexistent/x.npy"), std::string::npos);
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
