//===- ElementwiseTest.cpp - Unary, binary, where and cast kernels --------===//

#include "npu/Kernels/Elementwise.h"

#include "KernelTestUtils.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>

using namespace npu;
using namespace npu::kernels;
using namespace npu::testing;

namespace {
HostTensor runUnary(UnaryOp op, const HostTensor &in, UnaryParams p = {}) {
  HostTensor out(in.dtype(), in.shape());
  Status s = unary(op, in, out, p);
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}
HostTensor runBinary(BinaryOp op, const HostTensor &a, const HostTensor &b,
                     std::vector<int64_t> shape, DType dtype) {
  HostTensor out(dtype, std::move(shape));
  Status s = binary(op, a, b, out);
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();
} // namespace

TEST(Unary, FloatOpsMatchDefinitions) {
  HostTensor x = f32({6}, {-3, -0.5, 0, 0.5, 2.5, 7});
  expectValues(runUnary(UnaryOp::Relu, x), {0, 0, 0, 0.5, 2.5, 7});
  expectValues(runUnary(UnaryOp::HardSwish, x),
               {0, -0.5 * (2.5 / 6), 0, 0.5 * (3.5 / 6), 2.5 * (5.5 / 6), 7},
               1e-6);
  UnaryParams hs;
  hs.alpha = 0.2;
  hs.beta = 0.5;
  expectValues(runUnary(UnaryOp::HardSigmoid, x, hs), {0, 0.4, 0.5, 0.6, 1, 1},
               1e-6);
  // Round is half to even.
  expectValues(runUnary(UnaryOp::Round, f32({5}, {-2.5, -1.5, 0.5, 1.5, 2.6})),
               {-2, -2, 0, 2, 3});
  expectValues(runUnary(UnaryOp::Sign, f32({4}, {-2, 0, 3, kNaN})),
               {-1, 0, 1, kNaN});
  expectValues(runUnary(UnaryOp::Sigmoid, f32({3}, {-100, 0, 100})),
               {0, 0.5, 1}, 1e-7);
  expectValues(runUnary(UnaryOp::Softplus, f32({3}, {-100, 0, 100})),
               {0, std::log(2.0), 100}, 1e-5);
  UnaryParams clip;
  clip.lo = -1;
  clip.hi = 1;
  expectValues(runUnary(UnaryOp::Clip, f32({4}, {-5, 0.5, 5, kNaN}), clip),
               {-1, 0.5, 1, kNaN});
  UnaryParams shrink;
  shrink.alpha = 1.5; // lambd
  shrink.beta = 1;    // bias
  expectValues(runUnary(UnaryOp::Shrink, f32({5}, {-2, -1, 0, 1, 2}), shrink),
               {-1, 0, 0, 0, 1});
  UnaryParams selu;
  selu.alpha = 2;
  selu.gamma = 3;
  expectValues(runUnary(UnaryOp::Selu, f32({2}, {-1, 1}), selu),
               {3 * 2 * (std::exp(-1.0) - 1), 3}, 1e-6);
  expectValues(runUnary(UnaryOp::Gelu, f32({2}, {0, 1})),
               {0, 0.5 * (1 + std::erf(1 / std::sqrt(2.0)))}, 1e-6);
  expectValues(runUnary(UnaryOp::GeluTanh, f32({1}, {1})), {0.841192}, 1e-5);
}

TEST(Unary, IntegerAndBoolean) {
  HostTensor x = makeTensor(DType::I8, {4}, {-128, -5, 0, 7});
  expectValues(runUnary(UnaryOp::Abs, x), {-128, 5, 0, 7}); // wraps
  expectValues(runUnary(UnaryOp::Neg, x), {-128, 5, 0, -7});
  UnaryParams clip;
  clip.lo = -3.5;
  clip.hi = 1000;
  expectValues(runUnary(UnaryOp::Clip, x, clip), {-3, -3, 0, 7});
  HostTensor b = makeTensor(DType::Bool, {2}, {0, 1});
  expectValues(runUnary(UnaryOp::Not, b), {1, 0});
  HostTensor out(DType::I8, {4});
  EXPECT_TRUE(unary(UnaryOp::Exp, x, out).failed());
  HostTensor bo(DType::Bool, {2});
  EXPECT_TRUE(unary(UnaryOp::Relu, b, bo).failed());
}

TEST(Scalar, IntegersConvertExactly) {
  const int64_t big = (int64_t(1) << 53) + 1; // a double rounds it
  EXPECT_EQ(Scalar::ofInt(big).as<int64_t>(), big);
  EXPECT_EQ(Scalar::ofInt(-big).as<int64_t>(), -big);
  EXPECT_EQ(Scalar::ofUnsigned(UINT64_MAX - 1).as<uint64_t>(), UINT64_MAX - 1);
  // Out of the type's range: saturated.
  EXPECT_EQ(Scalar::ofInt(-1).as<uint64_t>(), 0u);
  EXPECT_EQ(Scalar::ofUnsigned(UINT64_MAX).as<int64_t>(), INT64_MAX);
  EXPECT_EQ(Scalar::ofInt(300).as<int8_t>(), 127);
  EXPECT_EQ(Scalar::ofInt(-300).as<uint8_t>(), 0);
  // Floats truncate toward zero and saturate; NaN is 0.
  EXPECT_EQ(Scalar(-2.7).as<int32_t>(), -2);
  EXPECT_EQ(Scalar(1e30).as<int32_t>(), INT32_MAX);
  EXPECT_EQ(Scalar(1e30).as<int64_t>(), INT64_MAX);
  EXPECT_EQ(Scalar(kNaN).as<int64_t>(), 0);
  // To float types an integer rounds to nearest.
  EXPECT_EQ(Scalar::ofInt(big).as<double>(), 9007199254740992.0);
  EXPECT_TRUE(Scalar::ofInt(2).as<bool>());
  EXPECT_FALSE(Scalar(0.0).as<bool>());
}

TEST(Unary, Int64ClipAndShrinkAreExact) {
  const int64_t big = (int64_t(1) << 53) + 1;
  HostTensor x(DType::I64, {6});
  const int64_t xs[] = {big, -big - 2, big + 1, 0, INT64_MAX, INT64_MIN};
  std::copy(std::begin(xs), std::end(xs), x.data<int64_t>());
  UnaryParams clip;
  clip.lo = -static_cast<double>(big);
  clip.hi = static_cast<double>(big);
  clip.intLo = Scalar::ofInt(-big);
  clip.intHi = Scalar::ofInt(big);
  HostTensor y = runUnary(UnaryOp::Clip, x, clip);
  const int64_t want[] = {big, -big, big, 0, big, -big};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(y.data<int64_t>()[i], want[i]) << i;

  // A uint64 bound above 2^63; the missing lower bound is unbounded.
  HostTensor u(DType::U64, {2});
  u.data<uint64_t>()[0] = UINT64_MAX;
  u.data<uint64_t>()[1] = 5;
  UnaryParams upper;
  upper.intHi = Scalar::ofUnsigned(UINT64_MAX - 1);
  HostTensor yu = runUnary(UnaryOp::Clip, u, upper);
  EXPECT_EQ(yu.data<uint64_t>()[0], UINT64_MAX - 1);
  EXPECT_EQ(yu.data<uint64_t>()[1], 5u);

  // Shrink (lambd 0.5, bias 1): exact comparisons, exact integral bias.
  UnaryParams shrink;
  shrink.alpha = 0.5;
  shrink.beta = 1;
  HostTensor s = runUnary(UnaryOp::Shrink, x, shrink);
  const int64_t shrunk[] = {big - 1, -big - 1,      big,
                            0,       INT64_MAX - 1, INT64_MIN + 1};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(s.data<int64_t>()[i], shrunk[i]) << i;
  // A lambd beyond the type's range zeroes everything.
  shrink.alpha = 1e30;
  HostTensor z = runUnary(UnaryOp::Shrink, x, shrink);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(z.data<int64_t>()[i], 0) << i;
  // Comparisons at a lambd just below an integer, in int32.
  HostTensor w = makeTensor(DType::I32, {4}, {-3, -2, 2, 3});
  UnaryParams near;
  near.alpha = 2.5;
  expectValues(runUnary(UnaryOp::Shrink, w, near), {-3, 0, 0, 3});
}

TEST(Unary, HalfPrecisionRoundsBack) {
  HostTensor x = makeTensor(DType::F16, {2}, {2, 0.1});
  HostTensor y = runUnary(UnaryOp::Sqrt, x);
  EXPECT_EQ(y.data<uint16_t>()[0], floatToHalf(std::sqrt(2.0f)));
  HostTensor bx = makeTensor(DType::BF16, {1}, {3});
  EXPECT_EQ(runUnary(UnaryOp::Exp, bx).data<uint16_t>()[0],
            floatToBF16(std::exp(3.0f)));
}

TEST(Unary, InPlaceAndParallel) {
  ThreadPool pool(3);
  HostTensor x = randomTensor({1 << 18}, 1, -4, 4);
  HostTensor ref = x;
  ASSERT_TRUE(unary(UnaryOp::Tanh, x, x, {}, &pool).ok());
  for (int64_t i = 0; i < x.numElements(); i += 997)
    EXPECT_FLOAT_EQ(x.data<float>()[i], std::tanh(ref.data<float>()[i]));
}

TEST(Binary, Broadcasting) {
  HostTensor a = f32({2, 1, 3}, {1, 2, 3, 4, 5, 6});
  HostTensor b = f32({4, 1}, {10, 20, 30, 40});
  HostTensor c = runBinary(BinaryOp::Add, a, b, {2, 4, 3}, DType::F32);
  EXPECT_EQ(c.getAsDouble(0), 11);
  EXPECT_EQ(c.getAsDouble(5), 23);  // [0][1][2] = 3 + 20
  EXPECT_EQ(c.getAsDouble(23), 46); // [1][3][2] = 6 + 40
  // Scalar operands on either side, rank 0.
  HostTensor s = f32({}, {2});
  expectValues(runBinary(BinaryOp::Sub, s, a, {2, 1, 3}, DType::F32),
               {1, 0, -1, -2, -3, -4});
  expectValues(runBinary(BinaryOp::Div, a, s, {2, 1, 3}, DType::F32),
               {0.5, 1, 1.5, 2, 2.5, 3});
  HostTensor out(DType::F32, {2, 4, 3});
  EXPECT_TRUE(binary(BinaryOp::Add, a, f32({2}, {1, 2}), out).failed());
}

TEST(Binary, BroadcastMatchesNaiveOnManyShapes) {
  ThreadPool pool(2);
  std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> cases = {
      {{1, 24, 40, 40}, {1, 24, 1, 1}},
      {{3, 1, 5}, {1, 4, 1}},
      {{2, 3, 4, 5}, {5}},
      {{7, 1}, {1, 300}},
      {{64, 1, 33}, {64, 17, 33}},
      {{1}, {2, 2, 2}}};
  for (auto &[sa, sb] : cases) {
    HostTensor a = randomTensor(sa, 3), b = randomTensor(sb, 4);
    std::vector<int64_t> shape;
    ASSERT_TRUE(broadcastShape(sa, sb, shape));
    HostTensor c(DType::F32, shape);
    ASSERT_TRUE(binary(BinaryOp::Mul, a, b, c, &pool).ok());
    // Naive: index arithmetic per element.
    std::vector<int64_t> idx(shape.size(), 0);
    for (int64_t e = 0; e < c.numElements(); ++e) {
      int64_t rem = e;
      for (size_t d = shape.size(); d-- > 0;) {
        idx[d] = rem % shape[d];
        rem /= shape[d];
      }
      auto offset = [&](const std::vector<int64_t> &s) {
        int64_t off = 0;
        for (size_t d = 0; d < s.size(); ++d) {
          int64_t i = idx[shape.size() - s.size() + d];
          off = off * s[d] + (s[d] == 1 ? 0 : i);
        }
        return off;
      };
      ASSERT_EQ(c.data<float>()[e],
                a.data<float>()[offset(sa)] * b.data<float>()[offset(sb)]);
    }
  }
}

TEST(Binary, IntegerSemantics) {
  HostTensor a = makeTensor(DType::I32, {4}, {7, -7, 7, -7});
  HostTensor b = makeTensor(DType::I32, {4}, {2, 2, -2, -2});
  expectValues(runBinary(BinaryOp::Div, a, b, {4}, DType::I32), {3, -3, -3, 3});
  expectValues(runBinary(BinaryOp::Mod, a, b, {4}, DType::I32), {1, 1, -1, -1});
  expectValues(runBinary(BinaryOp::FMod, a, b, {4}, DType::I32),
               {1, -1, 1, -1});
  expectValues(runBinary(BinaryOp::Pow, a, b, {4}, DType::I32), {49, 49, 0, 0});
  HostTensor i8a = makeTensor(DType::I8, {2}, {100, -128});
  HostTensor i8b = makeTensor(DType::I8, {2}, {100, -1});
  expectValues(runBinary(BinaryOp::Add, i8a, i8b, {2}, DType::I8), {-56, 127});
  expectValues(runBinary(BinaryOp::Div, i8a, i8b, {2}, DType::I8), {1, -128});
  HostTensor zero = makeTensor(DType::I32, {1}, {0});
  HostTensor out(DType::I32, {4});
  Status s = binary(BinaryOp::Div, a, zero, out);
  ASSERT_TRUE(s.failed());
  EXPECT_NE(s.message().find("by zero"), std::string::npos);
  HostTensor u = makeTensor(DType::U8, {3}, {1, 255, 16});
  HostTensor sh = makeTensor(DType::U8, {3}, {3, 1, 9});
  expectValues(runBinary(BinaryOp::ShiftLeft, u, sh, {3}, DType::U8),
               {8, 254, 0});
  expectValues(runBinary(BinaryOp::ShiftRight, u, sh, {3}, DType::U8),
               {0, 127, 0});
  HostTensor so(DType::I32, {4});
  EXPECT_TRUE(binary(BinaryOp::ShiftLeft, a, b, so).failed());
}

TEST(Binary, FloatSemantics) {
  HostTensor a = f32({4}, {5.5, -5.5, 5.5, kNaN});
  HostTensor b = f32({4}, {2, 2, -2, 1});
  expectValues(runBinary(BinaryOp::Mod, a, b, {4}, DType::F32),
               {1.5, 0.5, -0.5, kNaN});
  expectValues(runBinary(BinaryOp::FMod, a, b, {4}, DType::F32),
               {1.5, -1.5, 1.5, kNaN});
  expectValues(runBinary(BinaryOp::Max, a, b, {4}, DType::F32),
               {5.5, 2, 5.5, kNaN});
  expectValues(runBinary(BinaryOp::Min, b, a, {4}, DType::F32),
               {2, -5.5, -2, kNaN});
  expectValues(runBinary(BinaryOp::PRelu, a, f32({1}, {0.1}), {4}, DType::F32),
               {5.5, -0.55, 5.5, kNaN}, 1e-6);
  expectValues(runBinary(BinaryOp::Div, f32({2}, {1, -1}), f32({1}, {0}), {2},
                         DType::F32),
               {kInf, -kInf});
  // Mixed-type pow: int base, float exponent truncates.
  HostTensor ib = makeTensor(DType::I64, {3}, {4, 2, -8});
  expectValues(runBinary(BinaryOp::Pow, ib, f32({1}, {0.5}), {3}, DType::I64),
               {2, 1, 0});
  expectValues(runBinary(BinaryOp::Pow, f32({2}, {2, 3}),
                         makeTensor(DType::I64, {2}, {3, -1}), {2}, DType::F32),
               {8, 1.0 / 3}, 1e-7);
}

TEST(Binary, ComparisonsAndLogic) {
  HostTensor a = f32({3}, {1, 2, kNaN}), b = f32({3}, {2, 2, kNaN});
  expectValues(runBinary(BinaryOp::Equal, a, b, {3}, DType::Bool), {0, 1, 0});
  expectValues(runBinary(BinaryOp::Less, a, b, {3}, DType::Bool), {1, 0, 0});
  expectValues(runBinary(BinaryOp::GreaterEqual, a, b, {3}, DType::Bool),
               {0, 1, 0});
  HostTensor p = makeTensor(DType::Bool, {4}, {0, 0, 1, 1});
  HostTensor q = makeTensor(DType::Bool, {4}, {0, 1, 0, 1});
  expectValues(runBinary(BinaryOp::And, p, q, {4}, DType::Bool), {0, 0, 0, 1});
  expectValues(runBinary(BinaryOp::Or, p, q, {4}, DType::Bool), {0, 1, 1, 1});
  expectValues(runBinary(BinaryOp::Xor, p, q, {4}, DType::Bool), {0, 1, 1, 0});
  expectValues(runBinary(BinaryOp::Less, p, q, {4}, DType::Bool), {0, 1, 0, 0});
  HostTensor out(DType::Bool, {3});
  EXPECT_TRUE(binary(BinaryOp::And, a, b, out).failed());
}

TEST(Binary, HalfAndInPlace) {
  HostTensor a = makeTensor(DType::F16, {2}, {1, 2048});
  HostTensor b = makeTensor(DType::F16, {2}, {0.5, 1});
  // 2048 + 1 is not representable in f16: ties to even gives 2048.
  expectValues(runBinary(BinaryOp::Add, a, b, {2}, DType::F16), {1.5, 2048});
  HostTensor x = f32({2, 2}, {1, 2, 3, 4});
  ASSERT_TRUE(binary(BinaryOp::Mul, x, f32({2}, {10, 100}), x).ok());
  expectValues(x, {10, 200, 30, 400});
}

TEST(Where, BroadcastsAllThree) {
  HostTensor c = makeTensor(DType::Bool, {2, 1}, {1, 0});
  HostTensor x = f32({3}, {1, 2, 3});
  HostTensor y = f32({}, {-1});
  HostTensor out(DType::F32, {2, 3});
  ASSERT_TRUE(where(c, x, y, out).ok());
  expectValues(out, {1, 2, 3, -1, -1, -1});
}

TEST(Cast, Corners) {
  auto castTo = [](const HostTensor &in, DType to) {
    HostTensor out(to, in.shape());
    Status s = cast(in, out);
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  };
  HostTensor f = f32({6}, {-1.9, 1.9, 300, -300, kNaN, kInf});
  expectValues(castTo(f, DType::I8), {-1, 1, 127, -128, 0, 127});
  expectValues(castTo(f, DType::U8), {0, 1, 255, 0, 0, 255});
  expectValues(castTo(f, DType::Bool), {1, 1, 1, 1, 1, 1});
  expectValues(castTo(f32({2}, {0, -0.0}), DType::Bool), {0, 0});
  HostTensor i = makeTensor(DType::I32, {3}, {300, -1, 65536 + 7});
  expectValues(castTo(i, DType::U8), {44, 255, 7});
  expectValues(castTo(i, DType::I16), {300, -1, 7});
  HostTensor big(DType::I64, {1});
  big.data<int64_t>()[0] = (int64_t(1) << 53) + 1;
  EXPECT_EQ(castTo(big, DType::F64).data<double>()[0], 9007199254740992.0);
  HostTensor bo = makeTensor(DType::Bool, {2}, {1, 0});
  expectValues(castTo(bo, DType::F16), {1, 0});
  // f64 -> f16 without double rounding: 1 + 2^-11 + 2^-40 is just above a
  // tie, so it rounds up, although rounding to float first would give the
  // tie itself (and then even = down).
  HostTensor d(DType::F64, {1});
  d.data<double>()[0] = 1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40);
  EXPECT_EQ(castTo(d, DType::F16).data<uint16_t>()[0], 0x3c01);
  EXPECT_EQ(
      castTo(f32({1}, {1.0 + 1.0 / 2048}), DType::F16).data<uint16_t>()[0],
      0x3c00);
}
