//===- NormStabilityTest.cpp - Normalisations on data with a large mean ---===//
//
// Every normalisation kernel against a float64 evaluation of its ONNX
// formula (two-pass statistics in double), on rows with a large mean and a
// small spread, where E[x^2] - E[x]^2 or a folded x * a + b in float32
// cancels catastrophically: the result must be the reference rounded to
// float32 (within 2 ulps), and a constant row must give exactly 0 (or the
// bias).
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Normalization.h"

#include "KernelTestUtils.h"

#include <cmath>
#include <functional>
#include <limits>

using namespace npu;
using namespace npu::kernels;
using namespace npu::testing;

namespace {

/// Mean and biased variance of `n` values in double, two-pass.
std::pair<double, double> meanVar(const std::function<double(int64_t)> &v,
                                  int64_t n) {
  double m = 0, s = 0;
  for (int64_t i = 0; i < n; ++i)
    m += v(i);
  m /= double(n);
  for (int64_t i = 0; i < n; ++i)
    s += (v(i) - m) * (v(i) - m);
  return {m, s / double(n)};
}

/// Expects float32 `actual` to be `expected` (double) rounded to float32,
/// within 2 ulps (and exactly 0 where expected is exactly 0).
void expectFloat32Precision(const HostTensor &actual,
                            const std::vector<double> &expected,
                            const char *what) {
  ASSERT_EQ(size_t(actual.numElements()), expected.size()) << what;
  int failures = 0;
  for (size_t i = 0; i < expected.size() && failures < 8; ++i) {
    double a = actual.getAsDouble(int64_t(i)), e = expected[i];
    float ef = float(e);
    double ulp = std::nextafter(std::fabs(ef), INFINITY) - std::fabs(ef);
    bool ok = e == 0 ? a == 0 : std::fabs(a - e) <= 2 * ulp;
    if (!ok)
      ++failures;
    EXPECT_TRUE(ok) << what << " element " << i << ": got " << a
                    << ", float64 reference " << e;
  }
}

/// Rows of `n` floats: 40000 + 0, 1, 2, ... (the issue's row), a large-mean
/// row of random spread, 1e6 + random, and constant rows.
std::vector<std::vector<double>> hardRows(int64_t n) {
  std::vector<std::vector<double>> rows;
  std::vector<double> r;
  for (int64_t i = 0; i < n; ++i)
    r.push_back(40000 + i % 4);
  rows.push_back(r);
  auto noise = randomFloats(size_t(n), 5);
  r.clear();
  for (int64_t i = 0; i < n; ++i)
    r.push_back(double(float(12345.678 + noise[size_t(i)])));
  rows.push_back(r);
  r.clear();
  for (int64_t i = 0; i < n; ++i)
    r.push_back(double(float(-1e6 + 0.25 * noise[size_t(n - 1 - i)])));
  rows.push_back(r);
  rows.push_back(std::vector<double>(size_t(n), 40000));
  rows.push_back(std::vector<double>(size_t(n), double(0.1f)));
  rows.push_back(std::vector<double>(size_t(n), -3.3e7));
  return rows;
}

HostTensor rowsTensor(const std::vector<std::vector<double>> &rows,
                      std::vector<int64_t> shape) {
  std::vector<double> flat;
  for (const auto &r : rows)
    flat.insert(flat.end(), r.begin(), r.end());
  return f32(std::move(shape), flat);
}

} // namespace

TEST(NormStability, MvnIssueRow) {
  // ONNX MeanVarianceNormalization, axes [3], on [40000, 40001, 40002,
  // 40003]: [-1.3416, -0.4472, 0.4472, 1.3416] (E[x^2] - E[x]^2 in float32
  // gives about +-1e9).
  HostTensor x = f32({1, 1, 1, 4}, {40000, 40001, 40002, 40003});
  HostTensor y(DType::F32, {1, 1, 1, 4});
  ASSERT_TRUE(mvn(x, {3}, double(1e-9f), false, y).ok());
  double sd = std::sqrt(1.25) + double(1e-9f);
  expectFloat32Precision(y, {-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd}, "mvn");
  EXPECT_NEAR(y.getAsDouble(0), -1.3416, 1e-4);
  EXPECT_NEAR(y.getAsDouble(3), 1.3416, 1e-4);
}

TEST(NormStability, MvnAnyAxesMatchesFloat64) {
  // [N=2, C=6, 3, 5]: channel c of both images holds row c (15 elements
  // each: 30 per channel); default ONNX axes [0, 2, 3] normalise per channel.
  const int64_t n = 15;
  auto rows = hardRows(2 * n);
  std::vector<double> flat(2 * 6 * n);
  for (int64_t img = 0; img < 2; ++img)
    for (int64_t c = 0; c < 6; ++c)
      for (int64_t i = 0; i < n; ++i)
        flat[size_t((img * 6 + c) * n + i)] =
            rows[size_t(c)][size_t(img * n + i)];
  HostTensor x = f32({2, 6, 3, 5}, flat);
  for (bool inside : {false, true}) {
    double eps = inside ? 1e-5 : double(1e-9f);
    HostTensor y(DType::F32, {2, 6, 3, 5});
    ASSERT_TRUE(mvn(x, {0, 2, 3}, eps, inside, y).ok());
    std::vector<double> expected(flat.size());
    for (int64_t c = 0; c < 6; ++c) {
      auto at = [&](int64_t i) {
        return flat[size_t(((i / n) * 6 + c) * n + i % n)];
      };
      auto [m, v] = meanVar(at, 2 * n);
      double denom = inside ? std::sqrt(v + eps) : std::sqrt(v) + eps;
      for (int64_t i = 0; i < 2 * n; ++i)
        expected[size_t(((i / n) * 6 + c) * n + i % n)] = (at(i) - m) / denom;
    }
    expectFloat32Precision(y, expected, inside ? "mvn inside" : "mvn");
  }
  // Axes must be sorted, distinct and in range.
  HostTensor y(DType::F32, {2, 6, 3, 5});
  EXPECT_TRUE(mvn(x, {2, 0}, 0, false, y).failed());
  EXPECT_TRUE(mvn(x, {4}, 0, false, y).failed());
  EXPECT_TRUE(mvn(x, {1, 1}, 0, false, y).failed());
}

TEST(NormStability, InstanceAndLayerNormMatchFloat64) {
  const int64_t n = 64;
  auto rows = hardRows(n);
  const int64_t c = int64_t(rows.size());
  HostTensor x = rowsTensor(rows, {1, c, n});
  std::vector<double> scale, bias;
  for (int64_t i = 0; i < c; ++i) {
    scale.push_back(double(float(0.5 + 0.25 * double(i))));
    bias.push_back(double(float(i % 2 ? -0.125 : 0.0)));
  }
  const double eps = double(1e-5f);
  std::vector<double> expected, normalised;
  for (int64_t r = 0; r < c; ++r) {
    const auto &row = rows[size_t(r)];
    auto [m, v] = meanVar([&](int64_t i) { return row[size_t(i)]; }, n);
    for (int64_t i = 0; i < n; ++i) {
      double z = (row[size_t(i)] - m) / std::sqrt(v + eps);
      normalised.push_back(z);
      expected.push_back(z * scale[size_t(r)] + bias[size_t(r)]);
    }
  }
  HostTensor y(DType::F32, {1, c, n});
  ASSERT_TRUE(instanceNorm(x, f32({c}, scale), f32({c}, bias), eps, y).ok());
  expectFloat32Precision(y, expected, "instance_norm");
  // Layer norm over the last axis of the same rows, unit scale.
  HostTensor ly(DType::F32, {1, c, n});
  ASSERT_TRUE(
      layerNorm(x, f32({1}, {1}), nullptr, 2, eps, ly, nullptr, nullptr).ok());
  expectFloat32Precision(ly, normalised, "layer_norm");
  // Constant rows: exactly the bias.
  for (int64_t r = 3; r < c; ++r)
    for (int64_t i = 0; i < n; ++i)
      EXPECT_EQ(y.getAsDouble(r * n + i), bias[size_t(r)]) << r << "," << i;
}

TEST(NormStability, BatchNormAtItsMeanMatchesFloat64) {
  // Inference batch norm whose running mean is large: x - mean must be
  // formed before scaling (x * a + (bias - mean * a) loses it).
  HostTensor x = f32({1, 2, 4}, {40000, 40001, 40002, 40003, 1e6, 1e6 + 0.0625,
                                 1e6 - 0.0625, 1e6});
  std::vector<double> mean = {40001.5, 1e6}, var = {1.25, double(0.0025f)};
  std::vector<double> scale = {1, 2}, bias = {0, 0.5};
  const double eps = double(1e-5f);
  HostTensor y(DType::F32, {1, 2, 4});
  ASSERT_TRUE(batchNorm(x, f32({2}, scale), f32({2}, bias), f32({2}, mean),
                        f32({2}, var), eps, y)
                  .ok());
  std::vector<double> expected;
  for (int64_t c = 0; c < 2; ++c)
    for (int64_t i = 0; i < 4; ++i)
      expected.push_back((x.getAsDouble(c * 4 + i) - mean[size_t(c)]) /
                             std::sqrt(var[size_t(c)] + eps) *
                             scale[size_t(c)] +
                         bias[size_t(c)]);
  expectFloat32Precision(y, expected, "batch_norm");
  // At the mean: exactly the bias.
  EXPECT_EQ(y.getAsDouble(4), 0.5);
  EXPECT_EQ(y.getAsDouble(7), 0.5);
}

TEST(NormStability, LrnOnLargeValuesMatchesFloat64) {
  // LRN has no mean to cancel, but its squares must not overflow or lose
  // precision in float32 either.
  const int64_t c = 5, n = 3;
  std::vector<double> v;
  for (int64_t i = 0; i < c * n; ++i)
    v.push_back(double(float(3e4 + 1e3 * double(i % 7) - 1e2 * double(i))));
  HostTensor x = f32({1, c, n}, v);
  HostTensor y(DType::F32, {1, c, n});
  const double alpha = double(1e-4f), beta = 0.75, bias = 2;
  ASSERT_TRUE(lrn(x, 3, alpha, beta, bias, y).ok());
  std::vector<double> expected;
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t i = 0; i < n; ++i) {
      double sq = 0;
      for (int64_t k = std::max<int64_t>(0, ch - 1);
           k <= std::min<int64_t>(c - 1, ch + 1); ++k)
        sq += v[size_t(k * n + i)] * v[size_t(k * n + i)];
      expected.push_back(v[size_t(ch * n + i)] /
                         std::pow(bias + alpha / 3 * sq, beta));
    }
  expectFloat32Precision(y, expected, "lrn");
}

TEST(NormStability, HalfPrecisionConstantRowsAreZero) {
  // f16 rows: statistics in double, one rounding to f16.
  HostTensor x = makeTensor(DType::F16, {2, 4},
                            {1000, 1001, 1002, 1003, 2048, 2048, 2048, 2048});
  HostTensor y(DType::F16, {2, 4});
  ASSERT_TRUE(mvn(x, {1}, double(1e-9f), false, y).ok());
  double sd = std::sqrt(1.25);
  expectValues(y, {-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd, 0, 0, 0, 0}, 1e-3);
  for (int64_t i = 4; i < 8; ++i)
    EXPECT_EQ(y.getAsDouble(i), 0.0);
}
