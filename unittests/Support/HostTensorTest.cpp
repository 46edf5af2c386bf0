//===- HostTensorTest.cpp - Host tensors and numeric conversions ----------===//

#include "npu/Support/HostTensor.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <gtest/gtest.h>

using namespace npu;

TEST(HostTensor, HalfConversionRoundsToNearestEven) {
  EXPECT_EQ(floatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(floatToHalf(65504.0f), 0x7bff);
  EXPECT_EQ(floatToHalf(65520.0f), 0x7c00) << "rounds up to infinity";
  EXPECT_EQ(floatToHalf(-0.0f), 0x8000);
  // 1 + 2^-11 is exactly between 1 and 1 + 2^-10: ties to even (1.0).
  EXPECT_EQ(floatToHalf(1.0f + std::ldexp(1.0f, -11)), 0x3c00);
  // 1 + 3 * 2^-11 is between 1+2^-10 and 1+2^-9: ties to even (1+2^-9).
  EXPECT_EQ(floatToHalf(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -24)), 0x0001) << "smallest subnormal";
  EXPECT_TRUE(std::isnan(halfToFloat(floatToHalf(NAN))));
  for (uint32_t h = 0; h < 0x7c00; ++h)
    EXPECT_EQ(floatToHalf(halfToFloat(static_cast<uint16_t>(h))), h);
}

TEST(HostTensor, BF16RoundsToNearestEven) {
  EXPECT_EQ(floatToBF16(1.0f), 0x3f80);
  EXPECT_EQ(bf16ToFloat(0x3f80), 1.0f);
  // 1 + 2^-8 is a tie between 1 and 1 + 2^-7: even is 1.
  EXPECT_EQ(floatToBF16(1.0f + std::ldexp(1.0f, -8)), 0x3f80);
}

TEST(HostTensor, CastSaturatesFloatToIntAndWrapsIntToInt) {
  HostTensor f(DType::F32, {3});
  f.data<float>()[0] = 300.7f;
  f.data<float>()[1] = -300.0f;
  f.data<float>()[2] = 2.9f;
  HostTensor i8 = f.castTo(DType::I8);
  EXPECT_EQ(i8.data<int8_t>()[0], 127);
  EXPECT_EQ(i8.data<int8_t>()[1], -128);
  EXPECT_EQ(i8.data<int8_t>()[2], 2) << "truncates toward zero";

  HostTensor i(DType::I64, {1});
  i.data<int64_t>()[0] = 0x1234567890LL;
  EXPECT_EQ(i.castTo(DType::I32).data<int32_t>()[0], 0x34567890);
  // 64-bit integers are never rounded through a double.
  i.data<int64_t>()[0] = (int64_t(1) << 53) + 1;
  EXPECT_EQ(i.castTo(DType::U64).data<uint64_t>()[0], (uint64_t(1) << 53) + 1);
  HostTensor u(DType::U64, {1});
  u.setFromInt(0, -1);
  EXPECT_EQ(u.data<uint64_t>()[0], UINT64_MAX);
  HostTensor b(DType::Bool, {1});
  b.setFromInt(0, 256);
  EXPECT_EQ(b.data<uint8_t>()[0], 1) << "bool is v != 0, not the low byte";
}

TEST(HostTensor, CopiesAreDeep) {
  HostTensor a(DType::F32, {2});
  a.data<float>()[0] = 1;
  HostTensor b = a;
  b.data<float>()[0] = 2;
  EXPECT_EQ(a.data<float>()[0], 1);
  EXPECT_EQ(sanitizeFileName("a/b:c d.e-f_g"), "a_b_c_d.e-f_g");
}

// Names longer than a file system takes (found by a review: 300 characters
// failed with "File name too long" after some outputs were written) are
// cut, and two that agree in their first 200 characters still get files of
// their own.
TEST(HostTensor, LongNamesGiveFileNamesOfAtMost200Characters) {
  std::string a(300, 'a'), b = std::string(250, 'a') + "b";
  EXPECT_EQ(sanitizeFileName(a), std::string(kMaxFileNameStem, 'a'));
  std::vector<std::string> files = uniqueFileNames({a, b});
  EXPECT_EQ(files[0], std::string(200, 'a'));
  EXPECT_EQ(files[1], std::string(200, 'a') + "_1");
}

TEST(HostTensorSizes, CheckedCountsRejectOverflowAndNegativeDimensions) {
  EXPECT_EQ(checkedNumElements({}), 1);
  EXPECT_EQ(checkedNumElements({2, 0, 5}), 0);
  EXPECT_EQ(checkedNumElements({1 << 20, 1 << 20}), int64_t(1) << 40);
  EXPECT_EQ(checkedNumElements({3, 4, INT64_MAX}), std::nullopt);
  EXPECT_EQ(checkedNumElements({int64_t(1) << 32, int64_t(1) << 31}),
            std::nullopt);
  EXPECT_EQ(checkedNumElements({2, -12}), std::nullopt);
  EXPECT_EQ(checkedByteSize(DType::F32, {int64_t(1) << 61}), std::nullopt);
  EXPECT_EQ(checkedByteSize(DType::F32, {int64_t(1) << 60}), int64_t(1) << 62);
  EXPECT_EQ(checkedByteSize(DType::F64, {3, 5}), 120);
}

TEST(HostTensorSizes, TooLargeForMemoryIsAnErrorNotACrash) {
  EXPECT_EQ(hostAllocationError(DType::F32, {1024, 1024}), "");
  std::string why = hostAllocationError(DType::F32, {int64_t(1) << 36});
  EXPECT_NE(why.find("68719476736 (f32) needs 256.0 GiB, more than this "
                     "machine's"),
            std::string::npos)
      << why;
  why = hostAllocationError(DType::F32, {3, 4, INT64_MAX});
  EXPECT_NE(why.find("more bytes than a 64-bit size can count"),
            std::string::npos)
      << why;
  // The constructor refuses instead of zero-filling past the machine's
  // memory.
  HostTensor huge(DType::F32, {int64_t(1) << 36});
  EXPECT_FALSE(huge.isAllocated());
  HostTensor overflow(DType::F32, {3, 4, INT64_MAX});
  EXPECT_FALSE(overflow.isAllocated());
  HostTensor fine(DType::F32, {2, 3});
  EXPECT_TRUE(fine.isAllocated());
  EXPECT_EQ(formatBytes(512), "512 B");
  EXPECT_EQ(formatBytes(uint64_t(4) << 40), "4.0 TiB");
}

TEST(HostTensorSizes, ScratchTheMachineCannotHoldEndsWithAMessage) {
  void *p = allocateAlignedOrExit(100, "a test buffer");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
  std::free(p);
  // Beyond physical memory (or a size that overflowed to SIZE_MAX): exit 1
  // with what asked and how much, not a null pointer for the caller to use.
  EXPECT_EXIT(allocateAlignedOrExit(SIZE_MAX, "a test buffer"),
              ::testing::ExitedWithCode(1),
              "npu: out of memory: a test buffer needs .* and this "
              "machine has .* of memory");
  EXPECT_EXIT(allocateAlignedOrExit(size_t(1) << 50, "a packed operand"),
              ::testing::ExitedWithCode(1), "a packed operand needs 1.0 PiB");
}

TEST(HostTensor, FloatsReadAsIntegersSaturate) {
  HostTensor t = HostTensor(DType::F64, {4});
  t.data<double>()[0] = NAN;
  t.data<double>()[1] = 1e300;
  t.data<double>()[2] = -1e300;
  t.data<double>()[3] = -2.9;
  EXPECT_EQ(t.getAsInt(0), 0);
  EXPECT_EQ(t.getAsInt(1), INT64_MAX);
  EXPECT_EQ(t.getAsInt(2), INT64_MIN);
  EXPECT_EQ(t.getAsInt(3), -2);
}
