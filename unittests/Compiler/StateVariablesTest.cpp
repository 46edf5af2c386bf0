//===- StateVariablesTest.cpp - Finding a model's state pairs -------------===//

#include "npu/Pipeline/StateVariables.h"

#include <gtest/gtest.h>

using namespace npu;

namespace {

const std::string kF = "f32 1x4";

struct Resolved {
  bool ok = false;
  std::vector<blob::StateVar> vars;
  std::string stderrText;
};

Resolved resolve(const std::vector<GraphArg> &ins,
                 const std::vector<GraphArg> &outs,
                 const StateOptions &options = {}) {
  testing::internal::CaptureStderr();
  auto r = resolveStateVariables(ins, outs, options, "t", /*quiet=*/false);
  Resolved out;
  out.stderrText = testing::internal::GetCapturedStderr();
  out.ok = mlir::succeeded(r);
  if (out.ok)
    out.vars = *r;
  return out;
}

std::string pairs(const std::vector<blob::StateVar> &vars) {
  std::string s;
  for (const blob::StateVar &v : vars)
    s += v.name + ":" + std::to_string(v.input) + ">" +
         std::to_string(v.output) + " ";
  return s;
}

} // namespace

TEST(StateVariables, EveryNameRule) {
  std::vector<GraphArg> ins = {{"x", kF},      {"a", kF},      {"b", kF},
                               {"c", kF},      {"d", kF},      {"h_in", kF},
                               {"k_prev", kF}, {"m_prev", kF}, {"_in", kF}};
  std::vector<GraphArg> outs = {{"y", kF},      {"a_out", kF}, {"b.out", kF},
                                {"c_next", kF}, {"d_new", kF}, {"h_out", kF},
                                {"k_next", kF}, {"m_out", kF}, {"_out", kF}};
  Resolved r = resolve(ins, outs);
  ASSERT_TRUE(r.ok) << r.stderrText;
  // "_in" has no stem: not X_in.
  EXPECT_EQ(pairs(r.vars),
            "a:1>1 b:2>2 c:3>3 d:4>4 h_in:5>5 k_prev:6>6 m_prev:7>7 ");
}

TEST(StateVariables, FirstRuleWinsAndMismatchesAreNotState) {
  // a_out before a_next; b's name match differs in shape: a warning.
  Resolved r =
      resolve({{"x", kF}, {"a", kF}, {"b", kF}},
              {{"y", kF}, {"a_next", kF}, {"a_out", kF}, {"b_out", "f32 1x5"}});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(pairs(r.vars), "a:1>2 ");
  EXPECT_NE(r.stderrText.find("input 'b' (f32 1x4) and output 'b_out' (f32 "
                              "1x5) are named as a state variable but differ"),
            std::string::npos)
      << r.stderrText;
}

TEST(StateVariables, TwoInputsMatchingOneOutputIsAnError) {
  Resolved r = resolve({{"h", kF}, {"h_in", kF}}, {{"y", kF}, {"h_out", kF}});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.stderrText.find("inputs 'h' and 'h_in' both match output "
                              "'h_out' by name; say which is its state with "
                              "--state IN=OUT"),
            std::string::npos)
      << r.stderrText;
}

TEST(StateVariables, ExplicitPairsOnlyInInputOrder) {
  StateOptions o;
  o.pairs = {{"s2", "n2"}, {"s1", "n1"}};
  Resolved r = resolve({{"x", kF}, {"s1", kF}, {"s2", kF}, {"a", kF}},
                       {{"y", kF}, {"n1", kF}, {"n2", kF}, {"a_out", kF}}, o);
  ASSERT_TRUE(r.ok) << r.stderrText;
  EXPECT_EQ(pairs(r.vars), "s1:1>1 s2:2>2 "); // No a -> a_out.
}

TEST(StateVariables, NoneAndErrors) {
  StateOptions none;
  none.autoDetect = false;
  Resolved r =
      resolve({{"x", kF}, {"a", kF}}, {{"y", kF}, {"a_out", kF}}, none);
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.vars.empty());

  r = resolve({{"a", kF}}, {{"a_out", kF}});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.stderrText.find("every output of the model is a state "
                              "variable's"),
            std::string::npos);

  StateOptions o;
  o.pairs = {{"a", "y"}};
  r = resolve({{"a", kF}}, {{"y", "f16 1x4"}, {"z", kF}}, o);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.stderrText.find("--state a=y: input 'a' (f32 1x4) and output "
                              "'y' (f16 1x4) differ"),
            std::string::npos)
      << r.stderrText;
}
