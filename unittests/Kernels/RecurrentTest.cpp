//===- RecurrentTest.cpp - RNN / GRU / LSTM kernels against hand values ---===//
//
// Scalar layers (hidden 1, input 1) whose steps are computed here by hand,
// and the sequence_lens and reverse semantics: a masked step keeps the state
// and outputs 0, and the reverse direction reads each element's first
// `length` steps from the last.
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Recurrent.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace npu;
using namespace npu::kernels;

namespace {

HostTensor values(std::vector<int64_t> shape, std::vector<float> v) {
  HostTensor t(DType::F32, std::move(shape));
  std::copy(v.begin(), v.end(), t.data<float>());
  return t;
}

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

RecurrentParams params(RnnCell cell, int dirs, bool reverse) {
  RecurrentParams p;
  p.cell = cell;
  p.numDirections = dirs;
  p.reverse = reverse;
  p.hiddenSize = 1;
  const RnnActivation defaults[] = {RnnActivation::Sigmoid, RnnActivation::Tanh,
                                    RnnActivation::Tanh};
  for (int d = 0; d < dirs; ++d)
    for (int i = 0; i < rnnActivationsPerDirection(cell); ++i)
      p.activations.push_back(
          {cell == RnnCell::Rnn ? RnnActivation::Tanh : defaults[i], 0, 0});
  return p;
}

TEST(RecurrentTest, RnnForwardByHand) {
  // H_t = tanh(0.5 x_t + 0.25 H_{t-1} + 0.1 + 0.2).
  HostTensor x = values({3, 1, 1}, {1, -2, 3});
  HostTensor w = values({1, 1, 1}, {0.5f}), r = values({1, 1, 1}, {0.25f});
  HostTensor b = values({1, 2}, {0.1f, 0.2f});
  HostTensor y(DType::F32, {3, 1, 1, 1}), yh(DType::F32, {1, 1, 1});
  ASSERT_TRUE(recurrent(params(RnnCell::Rnn, 1, false), x, w, r, &b, nullptr,
                        nullptr, nullptr, nullptr, &y, &yh, nullptr)
                  .ok());
  float h = 0;
  for (int t = 0; t < 3; ++t) {
    h = std::tanh(0.5f * x.data<float>()[t] + 0.25f * h + 0.3f);
    EXPECT_NEAR(y.data<float>()[t], h, 1e-6f) << "step " << t;
  }
  EXPECT_NEAR(yh.data<float>()[0], h, 1e-6f);
}

TEST(RecurrentTest, ReverseWithSequenceLengths) {
  // Two batch elements, lengths 3 and 1 of 3 steps; the reverse direction
  // of element 1 sees only its step 0, steps 1 and 2 output 0.
  HostTensor x = values({3, 2, 1}, {1, 10, 2, 20, 3, 30});
  HostTensor w = values({1, 1, 1}, {0.5f}), r = values({1, 1, 1}, {0.25f});
  HostTensor lens(DType::I32, {2});
  lens.data<int32_t>()[0] = 3, lens.data<int32_t>()[1] = 1;
  HostTensor h0 = values({1, 2, 1}, {0.5f, -0.5f});
  HostTensor y(DType::F32, {3, 1, 2, 1}), yh(DType::F32, {1, 2, 1});
  ASSERT_TRUE(recurrent(params(RnnCell::Rnn, 1, true), x, w, r, nullptr, &lens,
                        &h0, nullptr, nullptr, &y, &yh, nullptr)
                  .ok());
  float h = 0.5f;
  float expect0[3];
  for (int t = 2; t >= 0; --t)
    expect0[t] = h = std::tanh(0.5f * x.data<float>()[t * 2] + 0.25f * h);
  float h1 = std::tanh(0.5f * 10 + 0.25f * -0.5f);
  for (int t = 0; t < 3; ++t)
    EXPECT_NEAR(y.data<float>()[t * 2], expect0[t], 1e-6f) << "step " << t;
  EXPECT_NEAR(y.data<float>()[1], h1, 1e-6f);
  EXPECT_EQ(y.data<float>()[3], 0.0f);
  EXPECT_EQ(y.data<float>()[5], 0.0f);
  EXPECT_NEAR(yh.data<float>()[0], expect0[0], 1e-6f);
  EXPECT_NEAR(yh.data<float>()[1], h1, 1e-6f);
}

TEST(RecurrentTest, LstmPeepholesAndGruLinearBeforeReset) {
  HostTensor x = values({1, 1, 1}, {0.7f});
  // LSTM gates i, o, f, c with weights 1, 2, 3, 4, R 0, peepholes 0.5 (i),
  // 0.25 (o), 0.125 (f), C0 = 2.
  HostTensor w = values({1, 4, 1}, {1, 2, 3, 4});
  HostTensor r = values({1, 4, 1}, {0, 0, 0, 0});
  HostTensor p = values({1, 3}, {0.5f, 0.25f, 0.125f});
  HostTensor c0 = values({1, 1, 1}, {2.0f});
  HostTensor yh(DType::F32, {1, 1, 1}), yc(DType::F32, {1, 1, 1});
  ASSERT_TRUE(recurrent(params(RnnCell::Lstm, 1, false), x, w, r, nullptr,
                        nullptr, nullptr, &c0, &p, nullptr, &yh, &yc)
                  .ok());
  float i = sigmoid(0.7f + 0.5f * 2), f = sigmoid(2.1f + 0.125f * 2);
  float c = f * 2 + i * std::tanh(2.8f);
  float o = sigmoid(1.4f + 0.25f * c);
  EXPECT_NEAR(yc.data<float>()[0], c, 1e-6f);
  EXPECT_NEAR(yh.data<float>()[0], o * std::tanh(c), 1e-6f);

  // GRU z, r, h with W 1, 2, 3, R 0.5, 0.25, 2, Rbh 0.3, H0 = 1.
  HostTensor gw = values({1, 3, 1}, {1, 2, 3});
  HostTensor gr = values({1, 3, 1}, {0.5f, 0.25f, 2});
  HostTensor gb = values({1, 6}, {0, 0, 0, 0, 0, 0.3f});
  HostTensor h0 = values({1, 1, 1}, {1.0f});
  HostTensor gh(DType::F32, {1, 1, 1});
  RecurrentParams gp = params(RnnCell::Gru, 1, false);
  gp.linearBeforeReset = true;
  ASSERT_TRUE(recurrent(gp, x, gw, gr, &gb, nullptr, &h0, nullptr, nullptr,
                        nullptr, &gh, nullptr)
                  .ok());
  float z = sigmoid(0.7f + 0.5f), rg = sigmoid(1.4f + 0.25f);
  float cand = std::tanh(2.1f + rg * (2 * 1 + 0.3f));
  EXPECT_NEAR(gh.data<float>()[0], (1 - z) * cand + z * 1, 1e-6f);
}

TEST(RecurrentTest, RejectsLengthsOutOfRange) {
  HostTensor x = values({2, 1, 1}, {1, 2});
  HostTensor w = values({1, 1, 1}, {1}), r = values({1, 1, 1}, {1});
  HostTensor lens(DType::I32, {1});
  lens.data<int32_t>()[0] = 3;
  HostTensor y(DType::F32, {2, 1, 1, 1});
  Status s = recurrent(params(RnnCell::Rnn, 1, false), x, w, r, nullptr, &lens,
                       nullptr, nullptr, nullptr, &y, nullptr, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("sequence_lens[0] = 3 is outside [0, 2]"),
            std::string::npos);
}

} // namespace
