//===- ShaveKernelsTest.cpp - The appended SHAVE kernels on the device ----===//
//
// clamp, hsigmoid, leaky_relu, max, min, matmul, erf, abs, neg, reciprocal,
// relu, upsample_zeros, mvn (as LayerNorm, and on data with a large mean)
// and lut:
// each runs in a blob on the device model (so the reader's verifier accepts
// it) and is compared with a straightforward double-precision loop, f16 and
// f32, with strided inputs; each contract rejects malformed tasks with a
// message naming the problem.
//
//===----------------------------------------------------------------------===//

#include "Reference.h"
#include "RunBlob.h"

#include "npu/Blob/BlobWriter.h"
#include "npu/Blob/Verifier.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>

using namespace npu;
using namespace npu::blob;
using namespace npu::test;
using arch::ShaveKernel;

namespace {

TensorDesc desc(const std::string &name, DType t, std::vector<int64_t> shape) {
  return {name, t, std::move(shape), Layout::ND, {}};
}

ShaveTask task(ShaveKernel k, std::vector<float> f = {},
               std::vector<int64_t> i = {}) {
  ShaveTask t;
  t.kernel = k;
  t.fparams = std::move(f);
  t.iparams = std::move(i);
  return t;
}

/// |error| allowed for a result e stored as t: the store's rounding plus the
/// fp32 computation's.
double tolerance(DType t, double e) {
  return t == DType::F16 ? 1e-3 + std::fabs(e) * 1e-3
                         : 1e-6 + std::fabs(e) * 1e-6;
}

std::vector<uint32_t> u32(const std::vector<int64_t> &s) {
  return {s.begin(), s.end()};
}

} // namespace

TEST(ShaveKernels, UnaryMatchDoublePrecisionReference) {
  struct Case {
    ShaveTask t;
    std::function<double(double)> f;
    double lo, hi;
  };
  const Case cases[] = {
      {task(ShaveKernel::Erf), [](double x) { return std::erf(x); }, -3, 3},
      {task(ShaveKernel::Abs), [](double x) { return std::fabs(x); }, -4, 4},
      {task(ShaveKernel::Neg), [](double x) { return -x; }, -4, 4},
      {task(ShaveKernel::Reciprocal), [](double x) { return 1 / x; }, 0.1, 8},
      {task(ShaveKernel::Relu), [](double x) { return x > 0 ? x : 0; }, -4, 4},
      {task(ShaveKernel::Clamp, {-1.0f, 0.5f}),
       [](double x) { return std::min(std::max(x, -1.0), 0.5); }, -3, 3},
      {task(ShaveKernel::HSigmoid, {0.2f, 0.5f}),
       [](double x) {
         return std::max(0.0, std::min(1.0, double(0.2f) * x + 0.5));
       },
       -5, 5},
      {task(ShaveKernel::LeakyRelu, {0.1f}),
       [](double x) { return x >= 0 ? x : double(0.1f) * x; }, -4, 4},
      {task(ShaveKernel::ThresholdedRelu, {0.5f}),
       [](double x) { return x > 0.5 ? x : 0.0; }, -4, 4},
      {task(ShaveKernel::Elu, {0.7f}),
       [](double x) { return x >= 0 ? x : double(0.7f) * std::expm1(x); }, -4,
       4},
      {task(ShaveKernel::Selu, {1.6732632f, 1.0507010f}),
       [](double x) {
         return double(1.0507010f) *
                (x > 0 ? x : double(1.6732632f) * std::expm1(x));
       },
       -4, 4},
      {task(ShaveKernel::Celu, {2.0f}),
       [](double x) { return x >= 0 ? x : 2.0 * std::expm1(x / 2.0); }, -4, 4},
      {task(ShaveKernel::Softplus),
       [](double x) { return std::log1p(std::exp(x)); }, -8, 25},
      {task(ShaveKernel::Softsign),
       [](double x) { return x / (1 + std::fabs(x)); }, -4, 4},
      {task(ShaveKernel::Floor), [](double x) { return std::floor(x); }, -4, 4},
      {task(ShaveKernel::Ceil), [](double x) { return std::ceil(x); }, -4, 4},
      // Halves to even (ONNX Round): the input's halves are exact in f16.
      {task(ShaveKernel::Round), [](double x) { return std::nearbyint(x); }, -4,
       4},
      {task(ShaveKernel::Sign),
       [](double x) { return x > 0   ? 1.0
                             : x < 0 ? -1.0
                                     : 0.0; }, -4, 4},
      {task(ShaveKernel::Sin), [](double x) { return std::sin(x); }, -7, 7},
      {task(ShaveKernel::Cos), [](double x) { return std::cos(x); }, -7, 7},
      {task(ShaveKernel::Tan), [](double x) { return std::tan(x); }, -1.4, 1.4},
      {task(ShaveKernel::Asin), [](double x) { return std::asin(x); }, -0.99,
       0.99},
      {task(ShaveKernel::Acos), [](double x) { return std::acos(x); }, -0.99,
       0.99},
      {task(ShaveKernel::Atan), [](double x) { return std::atan(x); }, -8, 8},
      {task(ShaveKernel::Sinh), [](double x) { return std::sinh(x); }, -5, 5},
      {task(ShaveKernel::Cosh), [](double x) { return std::cosh(x); }, -5, 5},
      {task(ShaveKernel::Asinh), [](double x) { return std::asinh(x); }, -8, 8},
      {task(ShaveKernel::Acosh), [](double x) { return std::acosh(x); }, 1.01,
       8},
      {task(ShaveKernel::Atanh), [](double x) { return std::atanh(x); }, -0.95,
       0.95},
      {task(ShaveKernel::GeluTanh),
       [](double x) {
         return 0.5 * x *
                (1 +
                 std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
       },
       -6, 6},
      // hswish with a learnable affine block after it: [scale, shift].
      {task(ShaveKernel::HSwish, {0.75f, -0.5f}),
       [](double x) {
         return x * std::min(std::max(x + 3, 0.0), 6.0) / 6 * 0.75 - 0.5;
       },
       -5, 5},
  };
  for (const Case &c : cases)
    for (DType t : {DType::F16, DType::F32}) {
      // The task reads every other element of a [3, 200] argument.
      HostTensor x = ref::randomTensor(t, {3, 200}, 7, c.lo, c.hi);
      RunResult r = run(shaveBlob(c.t, {desc("x", t, {3, 100})},
                                  desc("y", t, {3, 100}), /*step=*/2),
                        {x});
      ASSERT_TRUE(r.ok) << shaveKernelName(c.t.kernel) << ": " << r.error;
      for (int64_t i = 0; i < 300; ++i) {
        double in = x.getAsDouble(i / 100 * 200 + i % 100 * 2);
        double e = c.f(in);
        ASSERT_NEAR(r.outputs[0].getAsDouble(i), e, tolerance(t, e))
            << shaveKernelName(c.t.kernel) << " " << dtypeName(t)
            << " x=" << in;
      }
    }
}

TEST(ShaveKernels, LogSoftmaxIsExactWhereSoftmaxUnderflows) {
  for (DType t : {DType::F16, DType::F32}) {
    // Rows spanning 60: softmax's smallest values underflow fp32's exp.
    HostTensor x = ref::randomTensor(t, {3, 200}, 11, -40, 20);
    RunResult r =
        run(shaveBlob(task(ShaveKernel::LogSoftmax, {}, {1}),
                      {desc("x", t, {3, 100})}, desc("y", t, {3, 100}),
                      /*step=*/2),
            {x});
    ASSERT_TRUE(r.ok) << r.error;
    for (int64_t row = 0; row < 3; ++row) {
      double m = -INFINITY, sum = 0;
      for (int64_t j = 0; j < 100; ++j)
        m = std::max(m, x.getAsDouble(row * 200 + j * 2));
      for (int64_t j = 0; j < 100; ++j)
        sum += std::exp(x.getAsDouble(row * 200 + j * 2) - m);
      for (int64_t j = 0; j < 100; ++j) {
        double e = x.getAsDouble(row * 200 + j * 2) - m - std::log(sum);
        ASSERT_NEAR(r.outputs[0].getAsDouble(row * 100 + j), e,
                    tolerance(t, e) + 1e-5)
            << dtypeName(t) << " row " << row << " j " << j;
      }
    }
  }
}

TEST(ShaveKernels, CompareAndWhereBroadcast) {
  using arch::CompareKind;
  const std::pair<CompareKind, std::function<bool(float, float)>> kinds[] = {
      {CompareKind::Equal, [](float a, float b) { return a == b; }},
      {CompareKind::Less, [](float a, float b) { return a < b; }},
      {CompareKind::LessEqual, [](float a, float b) { return a <= b; }},
      {CompareKind::Greater, [](float a, float b) { return a > b; }},
      {CompareKind::GreaterEqual, [](float a, float b) { return a >= b; }},
      {CompareKind::NotEqual, [](float a, float b) { return a != b; }},
  };
  // Integers in [-2, 2]: equal values are common. b broadcasts over rows.
  HostTensor a = ref::randomTensor(DType::F16, {4, 8}, 3, -2, 2);
  HostTensor b = ref::randomTensor(DType::F16, {1, 8}, 4, -2, 2);
  for (int64_t i = 0; i < 32; ++i)
    a.setFromDouble(i, std::round(a.getAsDouble(i)));
  for (int64_t i = 0; i < 8; ++i)
    b.setFromDouble(i, std::round(b.getAsDouble(i)));
  for (const auto &[kind, f] : kinds) {
    RunResult r = run(shaveBlob(task(ShaveKernel::Compare, {}, {int64_t(kind)}),
                                {desc("a", DType::F16, {4, 8}),
                                 desc("b", DType::F16, {1, 8})},
                                desc("y", DType::F16, {4, 8})),
                      {a, b});
    ASSERT_TRUE(r.ok) << r.error;
    for (int64_t i = 0; i < 32; ++i)
      ASSERT_EQ(r.outputs[0].getAsDouble(i),
                f(float(a.getAsDouble(i)), float(b.getAsDouble(i % 8))) ? 1.0
                                                                        : 0.0)
          << "kind " << int64_t(kind) << " i " << i;
  }
  // where: condition per row, x per element, y a scalar (-inf: selected
  // as it is, never multiplied).
  HostTensor c(DType::F16, {4, 1});
  for (int64_t i = 0; i < 4; ++i)
    c.setFromDouble(i, i % 2);
  HostTensor y(DType::F16, {1, 1});
  y.setFromDouble(0, -INFINITY);
  RunResult r = run(
      shaveBlob(task(ShaveKernel::Where),
                {desc("c", DType::F16, {4, 1}), desc("x", DType::F16, {4, 8}),
                 desc("y", DType::F16, {1, 1})},
                desc("out", DType::F16, {4, 8})),
      {c, a, y});
  ASSERT_TRUE(r.ok) << r.error;
  for (int64_t i = 0; i < 32; ++i)
    ASSERT_EQ(r.outputs[0].getAsDouble(i),
              (i / 8) % 2 ? a.getAsDouble(i) : -INFINITY)
        << i;
}

TEST(ShaveKernels, ArgMaxArgMinPickFirstOrLastTie) {
  // Rows with ties: [1, 3, 3, 0] and [2, 2, 0, 0].
  HostTensor x(DType::F16, {2, 4});
  const double v[] = {1, 3, 3, 0, 2, 2, 0, 0};
  for (int64_t i = 0; i < 8; ++i)
    x.setFromDouble(i, v[i]);
  struct Case {
    ShaveKernel k;
    int64_t last;
    DType out;
    int64_t want[2];
  };
  const Case cases[] = {{ShaveKernel::ArgMax, 0, DType::I64, {1, 0}},
                        {ShaveKernel::ArgMax, 1, DType::I32, {2, 1}},
                        {ShaveKernel::ArgMin, 0, DType::I64, {3, 2}},
                        {ShaveKernel::ArgMin, 1, DType::I64, {3, 3}}};
  for (const Case &c : cases) {
    RunResult r = run(shaveBlob(task(c.k, {}, {1, c.last}),
                                {desc("x", DType::F16, {2, 4})},
                                desc("i", c.out, {2, 1})),
                      {x});
    ASSERT_TRUE(r.ok) << r.error;
    for (int64_t i = 0; i < 2; ++i)
      EXPECT_EQ(r.outputs[0].getAsInt(i), c.want[i])
          << shaveKernelName(c.k) << " last " << c.last << " row " << i;
  }
}

TEST(ShaveKernels, TopKSortsTiesByLowerIndex) {
  // Rows [1, 3, 3, 0, NaN] and [2, 2, 0, 5, 0].
  HostTensor x(DType::F16, {2, 5});
  const double v[] = {1, 3, 3, 0, NAN, 2, 2, 0, 5, 0};
  for (int64_t i = 0; i < 10; ++i)
    x.setFromDouble(i, v[i]);
  struct Case {
    int64_t largest;
    double values[6];
    int64_t indices[6];
  };
  // NaN orders after every number, either way.
  const Case cases[] = {{1, {3, 3, 1, 5, 2, 2}, {1, 2, 0, 3, 0, 1}},
                        {0, {0, 1, 3, 0, 0, 2}, {3, 0, 1, 2, 4, 0}}};
  for (const Case &c : cases) {
    RunResult r =
        run(shaveBlob(task(ShaveKernel::TopK, {}, {1, 3, c.largest, 1}),
                      {desc("x", DType::F16, {2, 5})},
                      desc("v", DType::F16, {2, 3}), 1,
                      {desc("i", DType::I64, {2, 3})}),
            {x});
    ASSERT_TRUE(r.ok) << r.error;
    for (int64_t i = 0; i < 6; ++i) {
      EXPECT_EQ(r.outputs[0].getAsDouble(i), c.values[i]) << i;
      EXPECT_EQ(r.outputs[1].getAsInt(i), c.indices[i]) << i;
    }
  }
}

TEST(ShaveKernels, GatherElementsPicksAlongTheAxis) {
  // data [[1, 2, 3], [4, 5, 6]] (f16), indices of the output's shape.
  HostTensor x(DType::F16, {2, 3});
  for (int64_t i = 0; i < 6; ++i)
    x.setFromDouble(i, double(i + 1));
  // Along axis 1, i64, negative from the end: [[2, 0], [-1, 1]] -> [[3, 1],
  // [6, 5]]. Along axis 0, i32: [[1, 0, 1]] -> [[4, 2, 6]].
  HostTensor cols(DType::I64, {2, 2});
  const int64_t c[] = {2, 0, -1, 1};
  std::memcpy(cols.raw(), c, sizeof(c));
  HostTensor rows(DType::I32, {1, 3});
  const int32_t r[] = {1, 0, 1};
  std::memcpy(rows.raw(), r, sizeof(r));
  struct Case {
    int64_t axis;
    const HostTensor *idx;
    std::vector<int64_t> outShape;
    std::vector<double> want;
  };
  const Case cases[] = {{1, &cols, {2, 2}, {3, 1, 6, 5}},
                        {0, &rows, {1, 3}, {4, 2, 6}}};
  for (const Case &k : cases) {
    RunResult res =
        run(shaveBlob(task(ShaveKernel::GatherElements, {}, {k.axis}),
                      {desc("x", DType::F16, {2, 3}),
                       desc("i", k.idx->dtype(), k.idx->shape())},
                      desc("y", DType::F16, k.outShape)),
            {x, *k.idx});
    ASSERT_TRUE(res.ok) << res.error;
    for (size_t i = 0; i < k.want.size(); ++i)
      EXPECT_EQ(res.outputs[0].getAsDouble(int64_t(i)), k.want[i])
          << "axis " << k.axis << " element " << i;
  }
  // An index outside [-n, n) is a device error.
  HostTensor bad(DType::I64, {2, 2});
  const int64_t b[] = {0, 3, 0, 0};
  std::memcpy(bad.raw(), b, sizeof(b));
  RunResult res = run(
      shaveBlob(task(ShaveKernel::GatherElements, {}, {1}),
                {desc("x", DType::F16, {2, 3}), desc("i", DType::I64, {2, 2})},
                desc("y", DType::F16, {2, 2})),
      {x, bad});
  EXPECT_FALSE(res.ok);
  EXPECT_NE(res.error.find("gather_elements index 3 is outside [-3, 3)"),
            std::string::npos)
      << res.error;
}

TEST(ShaveKernels, GatherNDAndScattersFollowONNX) {
  // data [[1, 2, 3], [4, 5, 6]] (f16).
  HostTensor x(DType::F16, {2, 3});
  for (int64_t i = 0; i < 6; ++i)
    x.setFromDouble(i, double(i + 1));
  auto i64 = [](std::vector<int64_t> shape, std::vector<int64_t> v) {
    HostTensor t(DType::I64, shape);
    std::memcpy(t.raw(), v.data(), v.size() * sizeof(int64_t));
    return t;
  };
  auto f16 = [](std::vector<int64_t> shape, std::vector<double> v) {
    HostTensor t(DType::F16, shape);
    for (size_t i = 0; i < v.size(); ++i)
      t.setFromDouble(int64_t(i), v[i]);
    return t;
  };
  struct Case {
    ShaveTask t;
    std::vector<HostTensor> ins;
    std::vector<int64_t> outShape;
    std::vector<double> want;
  };
  const Case cases[] = {
      // Tuples (1, 2) and (0, -1): [6, 3].
      {task(ShaveKernel::GatherND, {}, {0}),
       {x, i64({2, 2}, {1, 2, 0, -1})},
       {2},
       {6, 3}},
      // Rows 1 and 0: [[4, 5, 6], [1, 2, 3]].
      {task(ShaveKernel::GatherND, {}, {0}),
       {x, i64({2, 1}, {1, 0})},
       {2, 3},
       {4, 5, 6, 1, 2, 3}},
      // batch_dims 1: element 2 of row 0, element 0 of row 1: [3, 4].
      {task(ShaveKernel::GatherND, {}, {1}),
       {x, i64({2, 1}, {2, 0})},
       {2},
       {3, 4}},
      // Rows 1, 0, 1 added: row 1 gets 10 and 100, row 0 gets 1.
      {task(ShaveKernel::ScatterND, {}, {int64_t(arch::ScatterReduction::Add)}),
       {x, i64({3, 1}, {1, 0, 1}),
        f16({3, 3}, {10, 10, 10, 1, 1, 1, 100, 100, 100})},
       {2, 3},
       {2, 3, 4, 114, 115, 116}},
      // Elements (0, 1) and (1, 2) replaced.
      {task(ShaveKernel::ScatterND, {},
            {int64_t(arch::ScatterReduction::None)}),
       {x, i64({2, 2}, {0, 1, -1, 2}), f16({2}, {9, 8})},
       {2, 3},
       {1, 9, 3, 4, 5, 8}},
      {task(ShaveKernel::ScatterND, {}, {int64_t(arch::ScatterReduction::Max)}),
       {x, i64({2, 2}, {0, 1, 1, 2}), f16({2}, {0, 7})},
       {2, 3},
       {1, 2, 3, 4, 5, 7}},
      // Along axis 1: [[1, 2, 7], [8, 5, 6]].
      {task(ShaveKernel::ScatterElements, {},
            {1, int64_t(arch::ScatterReduction::None)}),
       {x, i64({2, 1}, {2, 0}), f16({2, 1}, {7, 8})},
       {2, 3},
       {1, 2, 7, 8, 5, 6}},
      // Along axis 0, multiplied, twice into (1, 0): 4 * 2 * 3.
      {task(ShaveKernel::ScatterElements, {},
            {0, int64_t(arch::ScatterReduction::Mul)}),
       {x, i64({2, 1}, {1, 1}), f16({2, 1}, {2, 3})},
       {2, 3},
       {1, 2, 3, 24, 5, 6}},
  };
  for (const Case &k : cases) {
    std::vector<TensorDesc> descs;
    for (const HostTensor &t : k.ins)
      descs.push_back(
          desc("in" + std::to_string(descs.size()), t.dtype(), t.shape()));
    RunResult res =
        run(shaveBlob(k.t, descs, desc("y", DType::F16, k.outShape)), k.ins);
    std::string name = shaveKernelName(k.t.kernel);
    ASSERT_TRUE(res.ok) << name << ": " << res.error;
    for (size_t i = 0; i < k.want.size(); ++i)
      EXPECT_EQ(res.outputs[0].getAsDouble(int64_t(i)), k.want[i])
          << name << " element " << i;
  }
  // An index outside [-n, n) is a device error naming the kernel.
  RunResult res = run(
      shaveBlob(task(ShaveKernel::ScatterElements, {}, {1, 0}),
                {desc("x", DType::F16, {2, 3}), desc("i", DType::I64, {2, 1}),
                 desc("u", DType::F16, {2, 1})},
                desc("y", DType::F16, {2, 3})),
      {x, i64({2, 1}, {0, 3}), f16({2, 1}, {1, 1})});
  EXPECT_FALSE(res.ok);
  EXPECT_NE(res.error.find("scatter_elements index 3 is outside [-3, 3)"),
            std::string::npos)
      << res.error;
}

TEST(ShaveKernels, ConvertBetweenIndexTypesIsExact) {
  // i64 -> i32 keeps the low 32 bits (ONNX's Cast); 2^24 + 1 has no f32,
  // so a conversion through float would lose it.
  const int64_t wide[] = {(int64_t(1) << 24) + 1, -7, (int64_t(1) << 32) + 5,
                          2147483647};
  HostTensor x64(DType::I64, {4});
  std::memcpy(x64.raw(), wide, sizeof(wide));
  RunResult narrow =
      run(shaveBlob(task(ShaveKernel::Convert, {}, {}),
                    {desc("x", DType::I64, {4})}, desc("y", DType::I32, {4})),
          {x64});
  ASSERT_TRUE(narrow.ok) << narrow.error;
  const int64_t wantNarrow[] = {(int64_t(1) << 24) + 1, -7, 5, 2147483647};
  for (int64_t i = 0; i < 4; ++i)
    EXPECT_EQ(narrow.outputs[0].getAsInt(i), wantNarrow[i]) << i;
  // i32 -> i64 widens with the sign.
  const int32_t small[] = {-2147483647 - 1, 16777217, 0};
  HostTensor x32(DType::I32, {3});
  std::memcpy(x32.raw(), small, sizeof(small));
  RunResult widen =
      run(shaveBlob(task(ShaveKernel::Convert, {}, {}),
                    {desc("x", DType::I32, {3})}, desc("y", DType::I64, {3})),
          {x32});
  ASSERT_TRUE(widen.ok) << widen.error;
  for (int64_t i = 0; i < 3; ++i)
    EXPECT_EQ(widen.outputs[0].getAsInt(i), small[i]) << i;
}

TEST(ShaveKernels, NaNPropagatesAndInfiniteBoundsClamp) {
  HostTensor x(DType::F32, {4});
  float vals[] = {NAN, -INFINITY, 3.0f, -2.0f};
  std::memcpy(x.raw(), vals, sizeof(vals));
  TensorDesc d = desc("x", DType::F32, {4});
  auto out = [&](const ShaveTask &t) {
    RunResult r = run(shaveBlob(t, {d}, desc("y", DType::F32, {4})), {x});
    EXPECT_TRUE(r.ok) << r.error;
    return r.ok ? r.outputs[0] : HostTensor(DType::F32, {4});
  };
  for (const ShaveTask &t :
       {task(ShaveKernel::Clamp, {0.0f, 6.0f}), task(ShaveKernel::Relu),
        task(ShaveKernel::HSigmoid, {0.2f, 0.5f}),
        task(ShaveKernel::LeakyRelu, {0.1f})})
    EXPECT_TRUE(std::isnan(out(t).getAsDouble(0))) << shaveKernelName(t.kernel);
  // Clip with only a minimum: hi = +inf.
  HostTensor c = out(task(ShaveKernel::Clamp, {-1.0f, INFINITY}));
  EXPECT_EQ(c.getAsDouble(1), -1.0);
  EXPECT_EQ(c.getAsDouble(2), 3.0);
  // max / min: a NaN on either side gives NaN.
  HostTensor y(DType::F32, {4});
  float other[] = {1.0f, NAN, 4.0f, -5.0f};
  std::memcpy(y.raw(), other, sizeof(other));
  for (ShaveKernel k : {ShaveKernel::Max, ShaveKernel::Min}) {
    RunResult r = run(shaveBlob(task(k), {d, desc("b", DType::F32, {4})},
                                desc("y", DType::F32, {4})),
                      {x, y});
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(std::isnan(r.outputs[0].getAsDouble(0)));
    EXPECT_TRUE(std::isnan(r.outputs[0].getAsDouble(1)));
    EXPECT_EQ(r.outputs[0].getAsDouble(2), k == ShaveKernel::Max ? 4 : 3);
    EXPECT_EQ(r.outputs[0].getAsDouble(3), k == ShaveKernel::Max ? -2 : -5);
  }
}

TEST(ShaveKernels, MaxMinBroadcastLikeAdd) {
  for (DType t : {DType::F16, DType::F32}) {
    HostTensor a = ref::randomTensor(t, {2, 3, 8}, 3, -3, 3);
    HostTensor b = ref::randomTensor(t, {1, 3, 2}, 4, -3, 3);
    for (ShaveKernel k : {ShaveKernel::Max, ShaveKernel::Min}) {
      // b is [1, 3, 1] read with stride 2 out of [1, 3, 2].
      RunResult r = run(
          shaveBlob(task(k), {desc("a", t, {2, 3, 4}), desc("b", t, {1, 3, 1})},
                    desc("y", t, {2, 3, 4}), /*step=*/2),
          {a, b});
      ASSERT_TRUE(r.ok) << r.error;
      for (int64_t i = 0; i < 24; ++i) {
        double p = a.getAsDouble(i / 4 * 8 + i % 4 * 2);
        double q = b.getAsDouble((i / 4) % 3 * 2);
        EXPECT_EQ(r.outputs[0].getAsDouble(i),
                  k == ShaveKernel::Max ? std::max(p, q) : std::min(p, q))
            << i;
      }
    }
  }
}

namespace {

/// A [..., M, K] (or [..., K, M] with transA) times B [..., K, N] (or
/// [..., N, K]) with batch broadcasting; `f32Order` accumulates like the
/// kernel (fp32 products added in k order), otherwise in double.
std::vector<double> matmulRef(const HostTensor &a, const HostTensor &b,
                              const std::vector<int64_t> &out, bool ta, bool tb,
                              bool f32Order) {
  size_t r = out.size();
  int64_t M = out[r - 2], N = out[r - 1];
  int64_t K = ta ? a.dim(int64_t(r) - 2) : a.dim(int64_t(r) - 1);
  int64_t batches = 1;
  for (size_t d = 0; d + 2 < r; ++d)
    batches *= out[d];
  std::vector<double> y;
  for (int64_t bi = 0; bi < batches; ++bi) {
    // Batch index of A and B: a dimension of 1 always reads index 0.
    int64_t ab = 0, bb = 0, rest = bi;
    std::vector<int64_t> idx(r - 2);
    for (size_t d = r - 2; d-- > 0;) {
      idx[d] = rest % out[d];
      rest /= out[d];
    }
    for (size_t d = 0; d + 2 < r; ++d) {
      ab = ab * a.dim(int64_t(d)) + (a.dim(int64_t(d)) == 1 ? 0 : idx[d]);
      bb = bb * b.dim(int64_t(d)) + (b.dim(int64_t(d)) == 1 ? 0 : idx[d]);
    }
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) {
        double acc = 0;
        float acc32 = 0;
        for (int64_t k = 0; k < K; ++k) {
          double p = a.getAsDouble(ab * M * K + (ta ? k * M + m : m * K + k));
          double q = b.getAsDouble(bb * K * N + (tb ? n * K + k : k * N + n));
          acc += p * q;
          float prod = float(p) * float(q);
          acc32 += prod;
        }
        y.push_back(f32Order ? double(acc32) : acc);
      }
  }
  return y;
}

} // namespace

TEST(ShaveKernels, MatMulMatchesReference) {
  struct Case {
    std::vector<int64_t> a, b, out;
    bool ta, tb;
  };
  const Case cases[] = {
      {{7, 33}, {33, 5}, {7, 5}, false, false},
      {{2, 3, 16}, {2, 16, 4}, {2, 3, 4}, false, false},
      // Batch broadcasting on both sides.
      {{2, 1, 3, 8}, {1, 3, 8, 5}, {2, 3, 3, 5}, false, false},
      // Transposed operands (attention's Q K^T is transB).
      {{2, 8, 3}, {2, 5, 8}, {2, 3, 5}, true, true},
      {{1, 4, 64}, {3, 6, 64}, {3, 4, 6}, false, true},
  };
  for (const Case &c : cases)
    for (DType t : {DType::F16, DType::F32}) {
      HostTensor a = ref::randomTensor(t, c.a, 11, -2, 2);
      // B is stored with a doubled last dimension and read every other
      // element (a strided operand).
      std::vector<int64_t> bStored = c.b;
      bStored.back() *= 2;
      HostTensor bs = ref::randomTensor(t, bStored, 12, -2, 2);
      HostTensor b(t, c.b);
      for (int64_t i = 0; i < b.numElements(); ++i)
        b.setFromDouble(i, bs.getAsDouble(i * 2));
      ShaveTask mm = task(ShaveKernel::MatMul);
      if (c.ta || c.tb)
        mm.iparams = {c.ta, c.tb};
      // Only B is strided: A goes in through a separate dense blob input.
      ProgramBuilder pb(arch::Platform::NPU3720);
      uint32_t ab = pb.addInput(desc("a", t, c.a));
      uint32_t bb = pb.addInput(desc("b", t, bStored));
      uint32_t ob = pb.addOutput(desc("y", t, c.out));
      mm.inputs = {pb.ref(ab, t, u32(c.a)), pb.ref(bb, t, u32(c.b))};
      for (uint64_t &s : mm.inputs[1].strides)
        s *= 2;
      mm.outputs = {pb.ref(ob, t, u32(c.out))};
      pb.addShave(0, 0, mm, {}, {}, "matmul");
      RunResult r = run(pb.build(), {a, bs});
      ASSERT_TRUE(r.ok) << r.error;
      std::vector<double> e = matmulRef(a, b, c.out, c.ta, c.tb, false);
      std::vector<double> e32 = matmulRef(a, b, c.out, c.ta, c.tb, true);
      ASSERT_EQ(int64_t(e.size()), r.outputs[0].numElements());
      for (size_t i = 0; i < e.size(); ++i) {
        double got = r.outputs[0].getAsDouble(int64_t(i));
        EXPECT_NEAR(got, e[i],
                    t == DType::F16 ? 2e-3 + 1e-3 * std::fabs(e[i])
                                    : 1e-5 * (1 + std::fabs(e[i])))
            << i;
        // The documented order: fp32 products added in k order, one
        // rounding at the store.
        double stored = t == DType::F16
                            ? double(halfToFloat(floatToHalf(float(e32[i]))))
                            : e32[i];
        EXPECT_EQ(got, stored) << i;
      }
    }
}

TEST(ShaveKernels, MatMulCostCountsMultiplyAccumulates) {
  ShaveTask t = task(ShaveKernel::MatMul, {}, {1, 0});
  t.inputs = {TensorRef::dense(0, 0, DType::F16, {4, 64, 8}),
              TensorRef::dense(0, 0, DType::F16, {4, 64, 16})};
  t.outputs = {TensorRef::dense(0, 0, DType::F16, {4, 8, 16})};
  EXPECT_EQ(t.workElements(), 4u * 8 * 16 * 64);
  t.kernel = ShaveKernel::Add; // Others: the larger of inputs and outputs.
  EXPECT_EQ(t.workElements(), 4u * 64 * 8 + 4u * 64 * 16);
}

TEST(ShaveKernels, GatherCostCountsLookupsNotTheTable) {
  // 64 token ids into a 16000 x 64 embedding: the ids and the 64 x 64 rows
  // copied, not the table's million elements.
  ShaveTask t = task(ShaveKernel::Gather, {}, {0});
  t.inputs = {TensorRef::dense(0, 0, DType::F16, {16000, 64}),
              TensorRef::dense(0, 0, DType::I64, {1, 64})};
  t.outputs = {TensorRef::dense(0, 0, DType::F16, {1, 64, 64})};
  EXPECT_EQ(t.workElements(), 64u + 64 * 64);
  t.kernel = ShaveKernel::GatherElements;
  t.inputs[1] = TensorRef::dense(0, 0, DType::I64, {8, 64});
  t.outputs = {TensorRef::dense(0, 0, DType::F16, {8, 64})};
  EXPECT_EQ(t.workElements(), 2u * 8 * 64);
}

TEST(ShaveKernels, UpsampleZerosMovesBytes) {
  // [2, 3, 4] -> stride 2x3, pads top 1, left 0, bottom 2, right 1:
  // [(2-1)*2+1+3, (3-1)*3+1+1, 4] = [6, 8, 4].
  for (DType t : {DType::I8, DType::F16, DType::F32}) {
    HostTensor x = ref::randomTensor(t, {2, 3, 8}, 5, -100, 100);
    ShaveTask u = task(ShaveKernel::UpsampleZeros, {}, {2, 3, 1, 0, 2, 1});
    RunResult r = run(shaveBlob(u, {desc("x", t, {2, 3, 4})},
                                desc("y", t, {6, 8, 4}), /*step=*/2),
                      {x});
    ASSERT_TRUE(r.ok) << r.error;
    size_t elem = dtypeSize(t);
    const uint8_t *got = static_cast<const uint8_t *>(r.outputs[0].raw());
    const uint8_t *in = static_cast<const uint8_t *>(x.raw());
    for (int oy = 0; oy < 6; ++oy)
      for (int ox = 0; ox < 8; ++ox)
        for (int c = 0; c < 4; ++c) {
          const uint8_t *o = got + ((oy * 8 + ox) * 4 + c) * elem;
          bool hit = oy >= 1 && (oy - 1) % 2 == 0 && (oy - 1) / 2 < 2 &&
                     ox % 3 == 0 && ox / 3 < 3;
          std::vector<uint8_t> expect(elem, 0);
          if (hit) {
            int y = (oy - 1) / 2, xx = ox / 3;
            std::memcpy(expect.data(), in + ((y * 3 + xx) * 8 + c * 2) * elem,
                        elem);
          }
          ASSERT_EQ(std::memcmp(o, expect.data(), elem), 0)
              << dtypeName(t) << " " << oy << "," << ox << "," << c;
        }
  }
}

TEST(ShaveKernels, MvnIsLayerNormWithRankOneScaleAndBias) {
  for (DType t : {DType::F16, DType::F32}) {
    const int64_t S = 5, C = 24;
    HostTensor x = ref::randomTensor(t, {2, S, C}, 21, -3, 3);
    HostTensor g = ref::randomTensor(t, {C}, 22, 0.5, 2);
    HostTensor b = ref::randomTensor(t, {C}, 23, -1, 1);
    ShaveTask ln = task(ShaveKernel::Mvn, {1e-5f}, {1, 2});
    RunResult r = run(shaveBlob(ln,
                                {desc("x", t, {2, S, C}), desc("g", t, {C}),
                                 desc("b", t, {C})},
                                desc("y", t, {2, S, C})),
                      {x, g, b});
    ASSERT_TRUE(r.ok) << r.error;
    for (int64_t row = 0; row < 2 * S; ++row) {
      double m = 0, v = 0;
      for (int64_t c = 0; c < C; ++c)
        m += x.getAsDouble(row * C + c) / C;
      for (int64_t c = 0; c < C; ++c)
        v += std::pow(x.getAsDouble(row * C + c) - m, 2) / C;
      for (int64_t c = 0; c < C; ++c) {
        double e = (x.getAsDouble(row * C + c) - m) /
                       std::sqrt(v + double(1e-5f)) * g.getAsDouble(c) +
                   b.getAsDouble(c);
        EXPECT_NEAR(r.outputs[0].getAsDouble(row * C + c), e,
                    t == DType::F16 ? 3e-3 + 1e-3 * std::fabs(e) : 1e-5)
            << dtypeName(t) << " " << row << "," << c;
      }
    }
  }
}

/// mvn on rows with a large mean and a small spread, and on constant rows:
/// the fp32 kernel must match a float64 evaluation of the formula (eps
/// inside the square root, and added to the standard deviation as ONNX
/// MeanVarianceNormalization does) to fp32 precision, and a constant row
/// must give exactly 0. A mean accumulated in fp32 from the raw values (or
/// E[x^2] - E[x]^2) fails both.
TEST(ShaveKernels, MvnIsStableOnLargeMeansAndConstantRows) {
  const int64_t n = 1000;
  std::vector<std::vector<double>> rows(5);
  HostTensor noise = ref::randomTensor(DType::F32, {n}, 31, -1, 1);
  for (int64_t i = 0; i < n; ++i) {
    rows[0].push_back(40000 + i % 4);
    rows[1].push_back(double(float(1e4 + noise.getAsDouble(i))));
    rows[2].push_back(double(0.1f));
    rows[3].push_back(-65504);
    rows[4].push_back(noise.getAsDouble(n - 1 - i));
  }
  for (DType t : {DType::F32, DType::F16})
    for (int64_t outside : {0, 1}) {
      const int64_t R = int64_t(rows.size());
      HostTensor x(t, {R, n});
      for (int64_t r = 0; r < R; ++r)
        for (int64_t i = 0; i < n; ++i)
          x.setFromDouble(r * n + i, rows[size_t(r)][size_t(i)]);
      const float eps = outside ? 1e-9f : 1e-5f;
      RunResult res =
          run(shaveBlob(task(ShaveKernel::Mvn, {eps}, {1, 1, outside}),
                        {desc("x", t, {R, n})}, desc("y", t, {R, n})),
              {x});
      ASSERT_TRUE(res.ok) << res.error;
      for (int64_t r = 0; r < R; ++r) {
        double m = 0, v = 0; // Exact for the constant rows.
        for (int64_t i = 0; i < n; ++i)
          m += x.getAsDouble(r * n + i);
        m /= double(n);
        for (int64_t i = 0; i < n; ++i)
          v += std::pow(x.getAsDouble(r * n + i) - m, 2);
        v /= double(n);
        double sd =
            outside ? std::sqrt(v) + double(eps) : std::sqrt(v + double(eps));
        for (int64_t i = 0; i < n; ++i) {
          double e = (x.getAsDouble(r * n + i) - m) / sd;
          double got = res.outputs[0].getAsDouble(r * n + i);
          if (v == 0)
            ASSERT_EQ(got, 0.0) << dtypeName(t) << " constant row " << r;
          else // fp32 sums of 1000 terms: a few ulps more than one op.
            ASSERT_NEAR(got, e,
                        t == DType::F16 ? tolerance(t, e)
                                        : 1e-5 * (1 + std::fabs(e)))
                << dtypeName(t) << " row " << r << " element " << i
                << (outside ? " (eps outside)" : "");
        }
      }
    }
}

/// Every appended kernel: a well-formed one-task blob is accepted by the
/// reader (blob::verifyProgram) and runs; a malformed variant is rejected
/// when the blob is read, with a message saying what is wrong.
TEST(ShaveKernels, BlobsVerifyRunAndRejectMalformed) {
  struct Case {
    ShaveTask good;
    std::vector<TensorDesc> ins;
    TensorDesc out;
    std::function<void(ShaveTask &)> breakIt;
    std::vector<TensorDesc> badIns;
    TensorDesc badOut;
    std::string message;
    std::vector<TensorDesc> extraOuts = {}; ///< Outputs after `out`.
  };
  DType h = DType::F16;
  TensorDesc x = desc("x", h, {4, 8}), y = desc("y", h, {4, 8});
  auto keep = [](ShaveTask &) {};
  const Case cases[] = {
      {task(ShaveKernel::Clamp, {0, 6}),
       {x},
       y,
       [](ShaveTask &t) {
         t.fparams = {6, 0};
       },
       {x},
       y,
       "clamp: bounds [lo, hi] must be ordered numbers, got [6.000000, "
       "0.000000]"},
      {task(ShaveKernel::Convert),
       {desc("x", DType::I32, {4, 8})},
       desc("y", DType::I64, {4, 8}),
       keep,
       {x},
       desc("y", DType::I64, {4, 8}),
       "convert: cannot convert f16 to i64"},
      {task(ShaveKernel::HSigmoid, {0.2f, 0.5f}),
       {x},
       y,
       [](ShaveTask &t) { t.fparams = {0.2f}; },
       {x},
       y,
       "hsigmoid: needs 2 float parameter(s), got 1"},
      {task(ShaveKernel::HSwish, {0.5f, 0.25f}),
       {x},
       y,
       [](ShaveTask &t) { t.fparams = {0.5f}; },
       {x},
       y,
       "hswish: needs 2 float parameter(s), got 1"},
      {task(ShaveKernel::HSwish, {0.5f, 0.25f}),
       {x},
       y,
       [](ShaveTask &t) {
         t.fparams = {0.5f, INFINITY};
       },
       {x},
       y,
       "hswish: shift must be finite"},
      {task(ShaveKernel::HSwish, {0.5f, 0.25f}),
       {x},
       y,
       [](ShaveTask &t) { t.iparams = {2}; },
       {x},
       y,
       "hswish: iparams must be empty or [1] with [scale, shift]"},
      {task(ShaveKernel::HSwish, {}, {1}),
       {x, desc("s", h, {1, 8}), desc("b", h, {1, 8})},
       y,
       [](ShaveTask &t) { t.iparams = {}; },
       {x, desc("s", h, {1, 8}), desc("b", h, {1, 8})},
       y,
       "hswish: [x, scale, shift] needs iparams [1]"},
      {task(ShaveKernel::ThresholdedRelu, {1.0f}),
       {x},
       y,
       [](ShaveTask &t) { t.fparams = {NAN}; },
       {x},
       y,
       "thresholded_relu: alpha must be finite"},
      {task(ShaveKernel::LeakyRelu, {0.1f}),
       {x},
       y,
       [](ShaveTask &t) { t.fparams = {INFINITY}; },
       {x},
       y,
       "leaky_relu: alpha must be finite"},
      {task(ShaveKernel::Max),
       {x, desc("b", h, {1, 8})},
       y,
       keep,
       {x, desc("b", h, {3, 8})},
       y,
       "max: input dimension 0 (3) does not broadcast to the output's 4"},
      {task(ShaveKernel::Elu, {1.0f}),
       {x},
       y,
       [](ShaveTask &t) { t.fparams = {INFINITY}; },
       {x},
       y,
       "elu: alpha must be finite"},
      {task(ShaveKernel::Selu, {1.67f, 1.05f}),
       {x},
       y,
       [](ShaveTask &t) { t.fparams = {1.67f}; },
       {x},
       y,
       "selu:"},
      {task(ShaveKernel::Celu, {1.0f}),
       {x},
       y,
       [](ShaveTask &t) { t.fparams = {0.0f}; },
       {x},
       y,
       "celu: alpha must not be 0"},
      {task(ShaveKernel::Softplus),
       {x},
       y,
       keep,
       {x},
       desc("y", h, {8, 4}),
       "softplus: input and output shapes differ"},
      {task(ShaveKernel::Softsign),
       {x},
       y,
       keep,
       {desc("x", DType::I8, {4, 8})},
       desc("y", DType::I8, {4, 8}),
       "softsign: operands must be f16 or f32"},
      {task(ShaveKernel::PRelu),
       {x, desc("slope", h, {4, 1})},
       y,
       keep,
       {x, desc("slope", h, {2, 1})},
       y,
       "prelu: input dimension 0 (2) does not broadcast to the output's 4"},
      {task(ShaveKernel::Floor),
       {x},
       y,
       keep,
       {x},
       desc("y", h, {8, 4}),
       "floor: input and output shapes differ"},
      {task(ShaveKernel::Ceil),
       {x},
       y,
       keep,
       {desc("x", DType::I8, {4, 8})},
       desc("y", DType::I8, {4, 8}),
       "ceil: operands must be f16 or f32"},
      {task(ShaveKernel::Round),
       {x},
       y,
       [](ShaveTask &t) { t.fparams = {1.0f}; },
       {x},
       y,
       "round: needs 0 float parameter(s), got 1"},
      {task(ShaveKernel::Sign),
       {x},
       y,
       keep,
       {x},
       desc("y", h, {4, 4}),
       "sign: input and output shapes differ"},
      {task(ShaveKernel::Sin),
       {x},
       y,
       keep,
       {desc("x", DType::I8, {4, 8})},
       desc("y", DType::I8, {4, 8}),
       "sin: operands must be f16 or f32"},
      {task(ShaveKernel::Cos),
       {x},
       y,
       keep,
       {x},
       desc("y", h, {8, 4}),
       "cos: input and output shapes differ"},
      {task(ShaveKernel::Tan),
       {x},
       y,
       keep,
       {x},
       desc("y", h, {8, 4}),
       "tan: input and output shapes differ"},
      {task(ShaveKernel::Asin),
       {x},
       y,
       keep,
       {x},
       desc("y", h, {8, 4}),
       "asin: input and output shapes differ"},
      {task(ShaveKernel::Acos),
       {x},
       y,
       keep,
       {x},
       desc("y", h, {8, 4}),
       "acos: input and output shapes differ"},
      {task(ShaveKernel::Atan),
       {x},
       y,
       keep,
       {x},
       desc("y", h, {8, 4}),
       "atan: input and output shapes differ"},
      {task(ShaveKernel::Sinh),
       {x},
       y,
       keep,
       {x},
       desc("y", h, {8, 4}),
       "sinh: input and output shapes differ"},
      {task(ShaveKernel::Cosh),
       {x},
       y,
       keep,
       {x},
       desc("y", h, {8, 4}),
       "cosh: input and output shapes differ"},
      {task(ShaveKernel::Asinh),
       {x},
       y,
       keep,
       {x},
       desc("y", h, {8, 4}),
       "asinh: input and output shapes differ"},
      {task(ShaveKernel::Acosh),
       {x},
       y,
       keep,
       {x},
       desc("y", h, {8, 4}),
       "acosh: input and output shapes differ"},
      {task(ShaveKernel::Atanh),
       {x},
       y,
       keep,
       {x},
       desc("y", h, {8, 4}),
       "atanh: input and output shapes differ"},
      {task(ShaveKernel::GeluTanh),
       {x},
       y,
       keep,
       {x},
       desc("y", h, {8, 4}),
       "gelu_tanh: input and output shapes differ"},
      {task(ShaveKernel::Lut),
       {desc("x", DType::I8, {4, 8}), desc("t", DType::I8, {256})},
       desc("y", DType::I8, {4, 8}),
       keep,
       {desc("x", DType::I8, {4, 8}), desc("t", DType::I8, {255})},
       desc("y", DType::I8, {4, 8}),
       "lut: the table must have 256 entries, got 255"},
      {task(ShaveKernel::Lut),
       {desc("x", DType::I8, {4, 8}), desc("t", DType::I8, {256})},
       desc("y", DType::I8, {4, 8}),
       keep,
       {x, desc("t", DType::I8, {256})},
       desc("y", DType::I8, {4, 8}),
       "lut: maps i8/u8 to i8/u8"},
      {task(ShaveKernel::LogSoftmax, {}, {1}),
       {x},
       y,
       [](ShaveTask &t) { t.iparams = {2}; },
       {x},
       y,
       "log_softmax: axis 2 is outside the rank"},
      {task(ShaveKernel::Compare, {}, {1}),
       {x, desc("b", h, {1, 8})},
       y,
       [](ShaveTask &t) { t.iparams = {6}; },
       {x, desc("b", h, {1, 8})},
       y,
       "compare: comparison 6 is not one of 0..5"},
      {task(ShaveKernel::ArgMax, {}, {1, 0}),
       {x},
       desc("i", DType::I64, {4, 1}),
       keep,
       {x},
       desc("i", DType::I64, {4, 8}),
       "argmax: output must be the input's shape with the axis 1"},
      {task(ShaveKernel::ArgMin, {}, {1, 0}),
       {x},
       desc("i", DType::I32, {4, 1}),
       keep,
       {x},
       desc("i", h, {4, 1}),
       "argmin: output must be i32 or i64"},
      {task(ShaveKernel::TopK, {}, {1, 3, 1, 1}),
       {x},
       desc("v", h, {4, 3}),
       [](ShaveTask &t) { t.iparams[1] = 9; },
       {x},
       desc("v", h, {4, 3}),
       "topk: k 9 is outside [1, 8]",
       {desc("i", DType::I64, {4, 3})}},
      {task(ShaveKernel::GatherElements, {}, {1}),
       {x, desc("i", DType::I64, {4, 2})},
       desc("y", h, {4, 2}),
       keep,
       {x, desc("i", DType::I64, {4, 2})},
       desc("y", h, {4, 3}),
       "gather_elements: output shape must be the indices' shape"},
      {task(ShaveKernel::GatherElements, {}, {1}),
       {x, desc("i", DType::I64, {4, 2})},
       desc("y", h, {4, 2}),
       keep,
       {x, desc("i", DType::I64, {5, 2})},
       desc("y", h, {5, 2}),
       "gather_elements: indices exceed the data in dimension 0"},
      {task(ShaveKernel::GatherElements, {}, {1}),
       {x, desc("i", DType::I64, {4, 2})},
       desc("y", h, {4, 2}),
       keep,
       {x, desc("i", h, {4, 2})},
       desc("y", h, {4, 2}),
       "gather_elements: indices must be i32 or i64"},
      {task(ShaveKernel::GatherND, {}, {0}),
       {x, desc("i", DType::I64, {2, 1})},
       desc("y", h, {2, 8}),
       keep,
       {x, desc("i", DType::I64, {2, 3})},
       desc("y", h, {2}),
       "gather_nd: batch_dims 0 and index depth 3 do not fit the data's rank "
       "2"},
      {task(ShaveKernel::GatherND, {}, {0}),
       {x, desc("i", DType::I64, {2, 1})},
       desc("y", h, {2, 8}),
       keep,
       {x, desc("i", DType::I64, {2, 1})},
       desc("y", h, {2, 4}),
       "gather_nd: output shape must be indices[:-1] + data[batch_dims + k:]"},
      {task(ShaveKernel::ScatterND, {}, {0}),
       {x, desc("i", DType::I64, {2, 1}), desc("u", h, {2, 8})},
       y,
       keep,
       {x, desc("i", DType::I64, {2, 1}), desc("u", h, {2, 4})},
       y,
       "scatter_nd: updates shape must be indices[:-1] + data[k:]"},
      {task(ShaveKernel::ScatterND, {}, {1}),
       {x, desc("i", DType::I32, {2, 1}), desc("u", h, {2, 8})},
       y,
       keep,
       {desc("x", DType::I32, {4, 8}), desc("i", DType::I32, {2, 1}),
        desc("u", DType::I32, {2, 8})},
       desc("y", DType::I32, {4, 8}),
       "scatter_nd: a reduction needs f16 or f32 data"},
      {task(ShaveKernel::ScatterND, {}, {4}),
       {x, desc("i", DType::I64, {2, 1}), desc("u", h, {2, 8})},
       y,
       [](ShaveTask &t) { t.iparams = {5}; },
       {x, desc("i", DType::I64, {2, 1}), desc("u", h, {2, 8})},
       y,
       "scatter_nd: reduction 5 is outside [0, 4]"},
      {task(ShaveKernel::ScatterElements, {}, {1, 0}),
       {x, desc("i", DType::I64, {4, 2}), desc("u", h, {4, 2})},
       y,
       keep,
       {x, desc("i", DType::I64, {4, 2}), desc("u", h, {4, 3})},
       y,
       "scatter_elements: indices and updates must have one shape, of the "
       "data's rank"},
      {task(ShaveKernel::ScatterElements, {}, {1, 0}),
       {x, desc("i", DType::I64, {4, 2}), desc("u", h, {4, 2})},
       y,
       keep,
       {x, desc("i", DType::I64, {4, 2}), desc("u", h, {4, 2})},
       desc("y", h, {4, 2}),
       "scatter_elements: output shape must be the data's"},
      {task(ShaveKernel::Where),
       {desc("c", h, {4, 1}), x, desc("b", h, {1, 8})},
       y,
       keep,
       {desc("c", h, {4, 1}), x},
       y,
       "where: takes 3 inputs, got 2"},
      {task(ShaveKernel::Min),
       {x, desc("b", h, {4, 8})},
       y,
       keep,
       {x},
       y,
       "min: takes 2 inputs, got 1"},
      {task(ShaveKernel::MatMul),
       {x, desc("b", h, {8, 3})},
       desc("y", h, {4, 3}),
       keep,
       {x, desc("b", h, {8, 3})},
       desc("y", h, {4, 4}),
       "matmul: output must be [..., 4, 3], got [..., 4, 4]"},
      {task(ShaveKernel::MatMul, {}, {0, 1}),
       {desc("a", h, {2, 4, 8}), desc("b", h, {1, 3, 8})},
       desc("y", h, {2, 4, 3}),
       [](ShaveTask &t) {
         t.iparams = {0, 2};
       },
       {desc("a", h, {2, 4, 8}), desc("b", h, {1, 3, 8})},
       desc("y", h, {2, 4, 3}),
       "matmul: transA and transB must be 0 or 1"},
      {task(ShaveKernel::MatMul),
       {desc("a", h, {3, 4, 8}), desc("b", h, {1, 8, 8})},
       desc("y", h, {3, 4, 8}),
       keep,
       {desc("a", h, {3, 4, 8}), desc("b", h, {2, 8, 8})},
       desc("y", h, {3, 4, 8}),
       "matmul: B's batch dimension 0 (2) does not broadcast to the "
       "output's 3"},
      {task(ShaveKernel::Erf),
       {x},
       y,
       keep,
       {x},
       desc("y", h, {4, 9}),
       "erf: input and output shapes differ"},
      {task(ShaveKernel::Abs),
       {x},
       y,
       keep,
       {desc("x", DType::I8, {4, 8})},
       desc("y", DType::I8, {4, 8}),
       "abs: operands must be f16 or f32"},
      {task(ShaveKernel::Neg),
       {x},
       y,
       keep,
       {x, desc("b", h, {4, 8})},
       y,
       "neg: takes 1 inputs, got 2"},
      {task(ShaveKernel::Reciprocal),
       {x},
       y,
       keep,
       {x},
       desc("y", DType::F32, {4, 8}),
       "reciprocal: all operands must have the output's element type f32"},
      {task(ShaveKernel::Relu),
       {x},
       y,
       keep,
       {x},
       desc("y", h, {8, 4}),
       "relu: input and output shapes differ"},
      {task(ShaveKernel::UpsampleZeros, {}, {2, 2, 1, 1, 0, 0}),
       {desc("x", DType::I8, {3, 3, 16})},
       desc("y", DType::I8, {6, 6, 16}),
       [](ShaveTask &t) {
         t.iparams = {2, 2, 1, 1};
       },
       {desc("x", DType::I8, {3, 3, 16})},
       desc("y", DType::I8, {6, 6, 16}),
       "upsample_zeros: needs 6 integer parameters [stride_h, stride_w, "
       "pad_top, pad_left, pad_bottom, pad_right], got 4"},
      {task(ShaveKernel::UpsampleZeros, {}, {2, 2, 0, 0, 0, 0}),
       {desc("x", h, {3, 3, 16})},
       desc("y", h, {5, 5, 16}),
       [](ShaveTask &t) { t.iparams[0] = 0; },
       {desc("x", h, {3, 3, 16})},
       desc("y", h, {5, 5, 16}),
       "upsample_zeros: strides must be in [1, 65535]"},
      {task(ShaveKernel::Mvn, {1e-5f}, {1, 1}),
       {x, desc("g", h, {8})},
       y,
       keep,
       {x, desc("g", h, {4})},
       y,
       "mvn: input dimension 0 (4) does not broadcast to the output's 8"},
      {task(ShaveKernel::Mvn, {1e-9f}, {1, 1, 1}),
       {x},
       y,
       [](ShaveTask &t) { t.iparams[2] = 2; },
       {x},
       y,
       "mvn: epsilon placement must be 0 (inside the square root) or 1 "
       "(added to the standard deviation), got 2"},
  };
  uint64_t covered = 0;
  for (const Case &c : cases) {
    std::string name = shaveKernelName(c.good.kernel);
    std::vector<HostTensor> ins;
    for (const TensorDesc &d : c.ins)
      ins.push_back(ref::randomTensor(d.dtype, d.shape, 9, 0.5, 2));
    RunResult r = run(shaveBlob(c.good, c.ins, c.out, 1, c.extraOuts), ins);
    EXPECT_TRUE(r.ok) << name << ": " << r.error;
    ShaveTask bad = c.good;
    c.breakIt(bad);
    std::vector<uint8_t> bytes =
        shaveBlob(bad, c.badIns, c.badOut, 1, c.extraOuts);
    LoadedBlob b;
    std::string error;
    EXPECT_FALSE(readBlob(bytes.data(), bytes.size(), {}, b, error)) << name;
    EXPECT_NE(error.find(c.message), std::string::npos)
        << "message: " << error << "\nexpected: " << c.message;
    if (c.good.kernel >= ShaveKernel::Clamp) // Not mvn.
      covered |= uint64_t(1)
                 << (unsigned(c.good.kernel) - unsigned(ShaveKernel::Clamp));
  }
  EXPECT_EQ(covered, (uint64_t(1) << (arch::kNumShaveKernels - 25)) - 1)
      << "a case for every appended kernel";
}

// lut maps each int8 code through its 256-entry table (index code + 128),
// on every code, in a blob the reader verifies.
TEST(ShaveKernels, LutMapsEachCodeThroughTheTable) {
  HostTensor x(DType::I8, {2, 128});
  for (int i = 0; i < 256; ++i)
    x.data<int8_t>()[i] = int8_t(i - 128);
  HostTensor table = ref::randomTensor(DType::I8, {256}, 21, -128, 127);
  RunResult r = run(
      shaveBlob(task(ShaveKernel::Lut),
                {desc("x", DType::I8, {2, 128}), desc("t", DType::I8, {256})},
                desc("y", DType::I8, {2, 128})),
      {x, table});
  ASSERT_TRUE(r.ok) << r.error;
  for (int i = 0; i < 256; ++i)
    EXPECT_EQ(r.outputs[0].data<int8_t>()[i], table.data<int8_t>()[i])
        << "code " << i - 128;
}

TEST(ShaveKernels, ReaderRejectsKernelPastTheLast) {
  ProgramBuilder b(arch::Platform::NPU3720);
  uint32_t in = b.addInput(desc("x", DType::F16, {8}));
  uint32_t out = b.addOutput(desc("y", DType::F16, {8}));
  ShaveTask t = task(ShaveKernel::Relu);
  t.inputs = {b.ref(in, DType::F16, {8})};
  t.outputs = {b.ref(out, DType::F16, {8})};
  b.addShave(0, 0, t, {}, {}, "future");
  b.finalize();
  b.program().taskLists.back().tasks.back().shave.kernel =
      ShaveKernel(arch::kNumShaveKernels);
  std::vector<uint8_t> bytes = writeBlob(b.program(), b.weights());
  LoadedBlob l;
  std::string error;
  EXPECT_FALSE(readBlob(bytes.data(), bytes.size(), {}, l, error));
  EXPECT_NE(error.find("unknown SHAVE kernel " +
                       std::to_string(arch::kNumShaveKernels)),
            std::string::npos)
      << error;
}

// hswish with iparams [1] rounds to f16 after each step, the constants as
// f16: the int8 lowering's learnable affine block in one vector loop must
// give, bit for bit, what the hswish, mul and add kernels give in a row
// (ShaveLowering.cpp), on every f16 input in [-8, 8]. A missing add is a
// shift of -0, a missing mul a scale of 1.
TEST(ShaveKernels, HSwishRoundedEachStepIsTheThreeKernels) {
  std::vector<float> values;
  for (uint32_t h = 0; h < 0x10000; ++h) {
    float f = halfToFloat(uint16_t(h));
    if (std::isfinite(f) && std::fabs(f) <= 8.0f)
      values.push_back(f);
  }
  int64_t n = int64_t(values.size());
  HostTensor x(DType::F16, {n});
  for (int64_t i = 0; i < n; ++i)
    x.setFromDouble(i, values[size_t(i)]);
  auto f16 = [](float v) { return halfToFloat(floatToHalf(v)); };
  auto scalar = [](float v) {
    HostTensor t(DType::F16, {1});
    t.setFromDouble(0, v);
    return t;
  };
  auto step = [&](ShaveKernel k, const HostTensor &a,
                  const HostTensor *b) -> HostTensor {
    std::vector<TensorDesc> ins = {desc("a", DType::F16, {n})};
    std::vector<HostTensor> args = {a};
    if (b) {
      ins.push_back(desc("b", DType::F16, {1}));
      args.push_back(*b);
    }
    RunResult r =
        run(shaveBlob(task(k), ins, desc("y", DType::F16, {n})), args);
    EXPECT_TRUE(r.ok) << r.error;
    return r.ok ? r.outputs[0] : HostTensor(DType::F16, {n});
  };
  struct Case {
    float scale, shift;
    bool mul, add;
  } cases[] = {{f16(0.1f), f16(-0.3f), true, true},
               {f16(1.7f), -0.0f, true, false},
               {1.0f, f16(0.4f), false, true},
               {f16(-2.3f), f16(5.9f), true, true}};
  HostTensor h = step(ShaveKernel::HSwish, x, nullptr);
  for (const Case &c : cases) {
    HostTensor want = h;
    if (c.mul) {
      HostTensor s = scalar(c.scale);
      want = step(ShaveKernel::Mul, want, &s);
    }
    if (c.add) {
      HostTensor b = scalar(c.shift);
      want = step(ShaveKernel::Add, want, &b);
    }
    RunResult r =
        run(shaveBlob(task(ShaveKernel::HSwish, {c.scale, c.shift}, {1}),
                      {desc("x", DType::F16, {n})}, desc("y", DType::F16, {n})),
            {x});
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.outputs[0].byteSize(), want.byteSize());
    EXPECT_EQ(std::memcmp(r.outputs[0].raw(), want.raw(), want.byteSize()), 0)
        << "scale " << c.scale << " shift " << c.shift;
  }
}

// The same with [x, scale, shift] inputs, one scale and shift per channel
// (a block npu-equalize-channels made per-channel), against mul and add
// kernels reading the same f16 vectors.
TEST(ShaveKernels, HSwishPerChannelAffineIsTheThreeKernels) {
  const int64_t rows = 2048, channels = 16;
  HostTensor x = ref::randomTensor(DType::F16, {rows, channels}, 11, -8, 8);
  HostTensor s = ref::randomTensor(DType::F16, {1, channels}, 12, -3, 3);
  HostTensor b = ref::randomTensor(DType::F16, {1, channels}, 13, -3, 3);
  auto xd = desc("x", DType::F16, {rows, channels});
  auto cd = [](const char *n) { return desc(n, DType::F16, {1, channels}); };
  auto yd = desc("y", DType::F16, {rows, channels});
  RunResult h = run(shaveBlob(task(ShaveKernel::HSwish), {xd}, yd), {x});
  ASSERT_TRUE(h.ok) << h.error;
  RunResult m = run(shaveBlob(task(ShaveKernel::Mul), {xd, cd("s")}, yd),
                    {h.outputs[0], s});
  ASSERT_TRUE(m.ok) << m.error;
  RunResult want = run(shaveBlob(task(ShaveKernel::Add), {xd, cd("b")}, yd),
                       {m.outputs[0], b});
  ASSERT_TRUE(want.ok) << want.error;
  RunResult r = run(
      shaveBlob(task(ShaveKernel::HSwish, {}, {1}), {xd, cd("s"), cd("b")}, yd),
      {x, s, b});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(std::memcmp(r.outputs[0].raw(), want.outputs[0].raw(),
                        want.outputs[0].byteSize()),
            0);
}
