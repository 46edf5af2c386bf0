//===- OptionsTest.cpp - Hand-parsed command-line helpers -----------------===//
//
// parseCount and matchCountOptions (npu/Support/Files.h), shared by npu-run
// and npu-benchmark.
//
//===----------------------------------------------------------------------===//

#include "npu/Support/Files.h"

#include <gtest/gtest.h>

using namespace npu;

TEST(ParseCount, AcceptsOnlyPositiveDecimalsUpToAMillion) {
  int n = 0;
  EXPECT_TRUE(parseCount("1", n));
  EXPECT_EQ(n, 1);
  EXPECT_TRUE(parseCount("1000000", n));
  EXPECT_EQ(n, 1000000);
  for (const char *bad : {"", "0", "-3", "1000001", "12x", "x", "3 "})
    EXPECT_FALSE(parseCount(bad, n)) << bad;
  EXPECT_EQ(n, 1000000) << "a rejected value leaves the count unchanged";
}

TEST(MatchCountOptions, BothFormsAndErrors) {
  std::vector<std::string> args{"--runs",   "3",       "--iterations=7",
                                "--runs=0", "--other", "--runs"};
  int runs = 5, iterations = 20;
  std::string error;
  size_t i = 0;
  auto match = [&] {
    return matchCountOptions(
        args, i, {{"--runs", &runs}, {"--iterations", &iterations}}, error);
  };
  ASSERT_TRUE(match());
  EXPECT_EQ(error, "");
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(i, 1u) << "on the value's argument";
  i = 2;
  ASSERT_TRUE(match());
  EXPECT_EQ(iterations, 7);
  i = 3;
  ASSERT_TRUE(match());
  EXPECT_EQ(error, "--runs takes a whole number from 1 to 1000000");
  EXPECT_EQ(runs, 3);
  i = 4;
  EXPECT_FALSE(match());
  i = 5;
  ASSERT_TRUE(match());
  EXPECT_EQ(error, "--runs takes a whole number from 1 to 1000000")
      << "missing value";
}
