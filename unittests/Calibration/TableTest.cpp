//===- TableTest.cpp - Tests of the calibration table format --------------===//
//
// Printing then parsing gives the same table bit for bit (including keys
// that need quotes); every parse error names the line and the problem.
//
//===----------------------------------------------------------------------===//

#include "npu/Calibration/Table.h"

#include "gtest/gtest.h"

#include <cstring>
#include <limits>

using namespace npu::calib;

namespace {

CalibrationTable sampleTable() {
  CalibrationTable t;
  t.model = "models/my det.onnx";
  t.method = "percentile 99.99";
  t.samples = "8 generated (standard normal, seed 0)";
  t.entries.push_back({"x", -4.2100001f, 4.03f, -3.8712f, 3.91f, "percentile"});
  t.entries.push_back(
      {"conv_0", 0.1f, 1.0f / 3.0f, 0.0f, 1.0f / 3.0f, "minmax"});
  t.entries.push_back(
      {"node with space", -1e-30f, 7e20f, -1e-30f, 7e20f, "manual"});
  t.entries.push_back({"#hash\"quote\\", -1, 1, -1, 1, "minmax"});
  t.entries.push_back(
      {"", 0, 0, -9.5367431640625e-07f, 9.5367431640625e-07f, "minmax"});
  t.entries.push_back({"@at", -0.0f, 0.0f, -1, 1, "minmax"});
  t.channels.push_back({"conv_0", {0.1f, 0.2f, -1.0f / 3.0f, 1.0f / 3.0f}});
  t.channels.push_back({"node with space", {-1e-30f, 7e20f}});
  t.roundings.push_back({"conv_0", {{0, 1}, {17, -2}, {4000000000LL, 1}}});
  t.roundings.push_back({"node with space", {}});
  return t;
}

bool sameBits(float a, float b) { return std::memcmp(&a, &b, 4) == 0; }

TEST(TableTest, RoundTrip) {
  CalibrationTable t = sampleTable();
  std::string text = printTable(t);
  CalibrationTable back;
  std::string error;
  ASSERT_TRUE(parseTable(text, "t.calib", back, error)) << error << "\n"
                                                        << text;
  EXPECT_EQ(back.version, kTableVersion);
  EXPECT_EQ(back.model, t.model);
  EXPECT_EQ(back.method, t.method);
  EXPECT_EQ(back.samples, t.samples);
  ASSERT_EQ(back.entries.size(), t.entries.size());
  for (size_t i = 0; i < t.entries.size(); ++i) {
    const TableEntry &a = t.entries[i], &b = back.entries[i];
    EXPECT_EQ(a.key, b.key);
    EXPECT_TRUE(sameBits(a.min, b.min)) << a.key;
    EXPECT_TRUE(sameBits(a.max, b.max)) << a.key;
    EXPECT_TRUE(sameBits(a.lo, b.lo)) << a.key;
    EXPECT_TRUE(sameBits(a.hi, b.hi)) << a.key;
    EXPECT_EQ(a.method, b.method);
  }
  ASSERT_EQ(back.channels.size(), t.channels.size());
  for (size_t i = 0; i < t.channels.size(); ++i) {
    const ChannelEntry &a = t.channels[i], &b = back.channels[i];
    EXPECT_EQ(a.key, b.key);
    ASSERT_EQ(a.ranges.size(), b.ranges.size()) << a.key;
    for (size_t j = 0; j < a.ranges.size(); ++j)
      EXPECT_TRUE(sameBits(a.ranges[j], b.ranges[j])) << a.key << " " << j;
  }
  // Deterministic: printing the parsed table gives the same text.
  ASSERT_EQ(back.roundings.size(), t.roundings.size());
  for (size_t i = 0; i < t.roundings.size(); ++i) {
    EXPECT_EQ(back.roundings[i].key, t.roundings[i].key);
    EXPECT_EQ(back.roundings[i].deltas, t.roundings[i].deltas);
  }
  EXPECT_NE(text.find("\n@rounding conv_0 0:+1 17:-2 4000000000:+1\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(printTable(back), text);
  EXPECT_EQ(back.find("conv_0"), 1);
  EXPECT_EQ(back.find("nope"), -1);
}

// Found by fuzz/calib-table: free-form header fields that would not read
// back as themselves unquoted (an empty quoted word, '#', a quote, runs of
// spaces) are written as one quoted string.
TEST(TableTest, HeaderFieldsRoundTrip) {
  for (const char *text : {"8 gen lo  teih", "a # b", "say \"hi\"", " lead",
                           "tab\there", "back\\slash", "#all", "plain words"}) {
    CalibrationTable t;
    t.method = text;
    t.samples = text;
    std::string printed = printTable(t);
    CalibrationTable back;
    std::string error;
    ASSERT_TRUE(parseTable(printed, "t.calib", back, error)) << error;
    EXPECT_EQ(back.method, text) << printed;
    EXPECT_EQ(back.samples, text) << printed;
  }
  // Simple text stays unquoted, as users write it.
  CalibrationTable t = sampleTable();
  EXPECT_NE(printTable(t).find("\n@method percentile 99.99\n"),
            std::string::npos);
  // The fuzzer's input: an empty quoted word in @samples.
  CalibrationTable fromText;
  std::string error;
  ASSERT_TRUE(parseTable("@version 1\n@samples 8 gen lo \"\" teih\n", "f.calib",
                         fromText, error))
      << error;
  EXPECT_EQ(fromText.samples, "8 gen lo  teih");
}

// FLT_MAX prints as 3.40282347e+38 (9 digits), above FLT_MAX as a
// double: the printed table must parse back to the same floats (the
// calib-table fuzzer's find: "x 1e-45 3.40282346e+38 -1.17549435e-38 1").
TEST(TableTest, LargestFloatRoundTrips) {
  CalibrationTable t;
  std::string error;
  ASSERT_TRUE(parseTable("@version 1\nx 1e-45 3.40282346e+38 "
                         "-1.17549435e-38 1 percentile\n",
                         "f.calib", t, error))
      << error;
  ASSERT_EQ(t.entries.size(), 1u);
  EXPECT_EQ(t.entries[0].max, std::numeric_limits<float>::max());
  std::string printed = printTable(t);
  EXPECT_NE(printed.find("3.40282347e+38"), std::string::npos) << printed;
  CalibrationTable back;
  ASSERT_TRUE(parseTable(printed, "p.calib", back, error)) << error;
  EXPECT_EQ(back.entries[0].max, std::numeric_limits<float>::max());
}

TEST(TableTest, CommentsAndBlankLines) {
  std::string text = "# a table\n\n@version 1   # trailing comment\n"
                     "  a 0 1 0 1 minmax # why\n\r\n";
  CalibrationTable t;
  std::string error;
  ASSERT_TRUE(parseTable(text, "f", t, error)) << error;
  ASSERT_EQ(t.entries.size(), 1u);
  EXPECT_EQ(t.entries[0].key, "a");
  EXPECT_EQ(t.entries[0].line, 4);
}

std::string parseError(const std::string &body) {
  CalibrationTable t;
  std::string error;
  EXPECT_FALSE(parseTable("@version 1\n" + body, "f.calib", t, error));
  return error;
}

TEST(TableTest, Errors) {
  EXPECT_EQ(parseError("a 0 1 0 x1 minmax\n"),
            "f.calib:2: malformed number 'x1' for hi (key 'a')");
  EXPECT_EQ(parseError("a 0 1 0 1.5e minmax\n"),
            "f.calib:2: malformed number '1.5e' for hi (key 'a')");
  EXPECT_EQ(parseError("a nan 1 0 1 minmax\n"),
            "f.calib:2: min is NaN (key 'a')");
  EXPECT_EQ(parseError("a 0 1 0 inf minmax\n"),
            "f.calib:2: hi 'inf' is not a finite float (key 'a')");
  EXPECT_EQ(parseError("a 0 1 0 1e39 minmax\n"),
            "f.calib:2: hi '1e39' is not a finite float (key 'a')");
  // Half an ulp above FLT_MAX rounds to infinity (to even), just below it
  // to FLT_MAX.
  EXPECT_EQ(parseError("a 0 3.4028235677973366e38 0 1 minmax\n"),
            "f.calib:2: max '3.4028235677973366e38' is not a finite float "
            "(key 'a')");
  // Finite bounds whose width is not (found by a fresh user: an infinite
  // int8 scale, and a dump that did not parse back).
  EXPECT_EQ(parseError("a 0 3 -3e38 3e38 manual\n"),
            "f.calib:2: the range is wider than a float holds (hi - lo "
            "overflows) (key 'a')");
  EXPECT_EQ(parseError("a 0 1 0 1e-40 manual\n"),
            "f.calib:2: the range is too narrow for an int8 step (hi - lo "
            "below 255 times the smallest normal float) (key 'a')");
  EXPECT_EQ(parseError("a 0 1 0 1 minmax\n@channels a -3e38 3e38\n"),
            "f.calib:3: the range is wider than a float holds (hi - lo "
            "overflows) (@channels 'a', channel 0)");
  EXPECT_EQ(parseError("\na 0 1 2 1 minmax\n"),
            "f.calib:3: lo 2 > hi 1 (key 'a')");
  EXPECT_EQ(parseError("a 2 1 0 1 minmax\n"),
            "f.calib:2: min 2 > max 1 (key 'a')");
  EXPECT_EQ(parseError("a 0 1 0 1\n"),
            "f.calib:2: expected 6 fields (key min max lo hi method), found 5");
  EXPECT_EQ(parseError("a 0 1 0 1 kl\n"),
            "f.calib:2: unknown method 'kl' (key 'a'; expected minmax, "
            "percentile, entropy, mse or manual)");
  // auto records the method it chose, never itself.
  EXPECT_EQ(parseError("a 0 1 0 1 auto\n"),
            "f.calib:2: unknown method 'auto' (key 'a'; expected minmax, "
            "percentile, entropy, mse or manual)");
  EXPECT_EQ(parseError("a 0 1 0 1 minmax\na 0 1 0 1 minmax\n"),
            "f.calib:3: duplicate key 'a' (first on line 2)");
  EXPECT_EQ(parseError("\"a 0 1 0 1 minmax\n"),
            "f.calib:2: unterminated quoted string");
  EXPECT_EQ(parseError("@version 1\n"), "f.calib:2: '@version' given twice");
  EXPECT_EQ(parseError("@modle x\n"),
            "f.calib:2: unknown header '@modle' (expected @version, @model, "
            "@method, @samples, @channels or @rounding)");
  EXPECT_EQ(parseError("a 0 1 0 1 minmax\n@channels a 0 1 2\n"),
            "f.calib:3: expected '@channels KEY lo0 hi0 lo1 hi1 ...' (two "
            "numbers per channel)");
  EXPECT_EQ(parseError("a 0 1 0 1 minmax\n@channels a 0 1 2 1\n"),
            "f.calib:3: lo 2 > hi 1 (@channels 'a', channel 1)");
  EXPECT_EQ(parseError("a 0 1 0 1 minmax\n@channels a 0 x\n"),
            "f.calib:3: malformed number 'x' for hi (@channels 'a', channel "
            "0)");
  EXPECT_EQ(parseError("@channels b 0 1\n"),
            "f.calib:2: @channels 'b' names no entry above (give the "
            "tensor's range line first)");
  EXPECT_EQ(parseError("a 0 1 0 1 minmax\n@channels a 0 1\n@channels a 0 1\n"),
            "f.calib:4: duplicate '@channels a' (first on line 3)");

  CalibrationTable t;
  std::string error;
  EXPECT_FALSE(parseTable("@version 2\n", "f", t, error));
  EXPECT_EQ(error, "f:1: unsupported table version 2 (this build reads 1)");
  EXPECT_FALSE(parseTable("a 0 1 0 1 minmax\n", "f", t, error));
  EXPECT_EQ(error, "f:1: expected '@version 1' before the first entry");
  EXPECT_FALSE(parseTable("# nothing\n", "f", t, error));
  EXPECT_EQ(error, "f: not a calibration table (no '@version 1' line)");
  EXPECT_FALSE(readTableFile("/nonexistent/t.calib", t, error));
  EXPECT_EQ(error, "cannot open calibration table '/nonexistent/t.calib': "
                   "No such file or directory");
  EXPECT_FALSE(readTableFile("/tmp", t, error));
  EXPECT_EQ(error, "cannot open calibration table '/tmp': it is a directory");
}

TEST(TableTest, ByteOrderMarkIsNotText) {
  CalibrationTable t;
  std::string error;
  EXPECT_TRUE(parseTable("\xEF\xBB\xBF@version 1\na 0 1 0 1 minmax\n",
                         "f.calib", t, error))
      << error;
  EXPECT_EQ(t.entries.size(), 1u);
}

TEST(TableTest, RoundingErrors) {
  const std::string a = "a 0 1 0 1 minmax\n";
  EXPECT_EQ(parseError(a + "@rounding\n"),
            "f.calib:3: expected '@rounding KEY INDEX:DELTA ...'");
  EXPECT_EQ(parseError(a + "@rounding a 3\n"),
            "f.calib:3: malformed '3' (@rounding 'a': expected INDEX:DELTA, "
            "e.g. 17:+1)");
  EXPECT_EQ(parseError(a + "@rounding a 3:x\n"),
            "f.calib:3: malformed '3:x' (@rounding 'a': expected "
            "INDEX:DELTA, e.g. 17:+1)");
  EXPECT_EQ(parseError(a + "@rounding a -3:1\n"),
            "f.calib:3: malformed '-3:1' (@rounding 'a': expected "
            "INDEX:DELTA, e.g. 17:+1)");
  EXPECT_EQ(parseError(a + "@rounding a 3:0\n"),
            "f.calib:3: delta 0 of '3:0' (@rounding 'a') is 0 or not in "
            "[-254, 254]");
  EXPECT_EQ(parseError(a + "@rounding a 3:+300\n"),
            "f.calib:3: delta +300 of '3:+300' (@rounding 'a') is 0 or not in "
            "[-254, 254]");
  EXPECT_EQ(parseError(a + "@rounding a 3:1 3:-1\n"),
            "f.calib:3: index 3 (@rounding 'a') is not above the one before "
            "it");
  EXPECT_EQ(parseError("@rounding b 1:1\n"),
            "f.calib:2: @rounding 'b' names no entry above (give the tensor's "
            "range line first)");
  EXPECT_EQ(parseError(a + "@rounding a 1:1\n@rounding a 2:1\n"),
            "f.calib:4: duplicate '@rounding a' (first on line 3)");
}

} // namespace
