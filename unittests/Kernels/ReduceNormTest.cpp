//===- ReduceNormTest.cpp - Reductions, scans, norms, softmax, pooling ----===//

#include "npu/Kernels/Einsum.h"
#include "npu/Kernels/Normalization.h"
#include "npu/Kernels/Pool.h"
#include "npu/Kernels/Quantize.h"
#include "npu/Kernels/Reduce.h"

#include "KernelTestUtils.h"

#include <cmath>
#include <limits>

using namespace npu;
using namespace npu::kernels;
using namespace npu::testing;

namespace {
HostTensor reduced(ReduceOp op, const HostTensor &x, std::vector<int64_t> axes,
                   bool keepdims, std::vector<int64_t> shape) {
  HostTensor y(x.dtype(), std::move(shape));
  Status s = reduce(op, x, axes, keepdims, y);
  EXPECT_TRUE(s.ok()) << s.message();
  return y;
}
const double kInf = std::numeric_limits<double>::infinity();
} // namespace

TEST(Reduce, AxesAndOps) {
  HostTensor x = iota(DType::F32, {2, 3, 2}, 1); // 1..12
  expectValues(reduced(ReduceOp::Sum, x, {1}, true, {2, 1, 2}),
               {9, 12, 27, 30});
  expectValues(
      reduced(ReduceOp::Mean, x, {0, 2}, false, {3}),
      {(1 + 2 + 7 + 8) / 4.0, (3 + 4 + 9 + 10) / 4.0, (5 + 6 + 11 + 12) / 4.0});
  expectValues(reduced(ReduceOp::Max, x, {0, 1, 2}, false, {}), {12});
  expectValues(reduced(ReduceOp::Min, x, {2}, false, {2, 3}),
               {1, 3, 5, 7, 9, 11});
  expectValues(reduced(ReduceOp::Prod, x, {2}, false, {2, 3}),
               {2, 12, 30, 56, 90, 132});
  expectValues(reduced(ReduceOp::L2, x, {0}, false, {3, 2}),
               {std::sqrt(50.0), std::sqrt(68.0), std::sqrt(90.0),
                std::sqrt(116.0), std::sqrt(146.0), std::sqrt(180.0)},
               1e-5);
  expectValues(
      reduced(ReduceOp::LogSumExp, f32({2}, {1000, 1000}), {0}, false, {}),
      {1000 + std::log(2.0)}, 1e-3);
  expectValues(reduced(ReduceOp::LogSum, f32({2}, {1, 2}), {0}, false, {}),
               {std::log(3.0)}, 1e-6);
  // Empty axes: every element reduced on its own, so the identity for the
  // plain reductions and the element-wise part for the composite ones.
  expectClose(reduced(ReduceOp::Sum, x, {}, true, {2, 3, 2}), x);
  HostTensor v = f32({5}, {-2, 0.5, -kInf, kInf, NAN});
  expectValues(reduced(ReduceOp::L1, v, {}, true, {5}),
               {2, 0.5, kInf, kInf, NAN});
  expectValues(reduced(ReduceOp::L2, v, {}, true, {5}),
               {2, 0.5, kInf, kInf, NAN});
  expectValues(reduced(ReduceOp::SumSquare, v, {}, true, {5}),
               {4, 0.25, kInf, kInf, NAN});
  expectValues(reduced(ReduceOp::LogSum, v, {}, true, {5}),
               {NAN, std::log(0.5), NAN, kInf, NAN}, 1e-6);
  expectValues(reduced(ReduceOp::LogSumExp, v, {}, true, {5}),
               {-2, 0.5, -kInf, kInf, NAN});
  expectValues(reduced(ReduceOp::L1, makeTensor(DType::I32, {2}, {-3, 4}), {},
                       true, {2}),
               {3, 4});
  // NaN propagates through log-sum-exp wherever it is.
  expectValues(
      reduced(ReduceOp::LogSumExp, f32({2}, {NAN, -kInf}), {0}, false, {}),
      {NAN});
  // Integers wrap; the mean truncates.
  HostTensor i = makeTensor(DType::I8, {3}, {100, 100, -1});
  expectValues(reduced(ReduceOp::Sum, i, {0}, false, {}), {-57});
  expectValues(reduced(ReduceOp::Mean, makeTensor(DType::I32, {2}, {-3, 0}),
                       {0}, false, {}),
               {-1});
  // Empty reductions give identities.
  HostTensor e(DType::F32, {2, 0});
  expectValues(reduced(ReduceOp::Sum, e, {1}, false, {2}), {0, 0});
  expectValues(reduced(ReduceOp::Max, e, {1}, false, {2}), {-kInf, -kInf});
  expectValues(reduced(ReduceOp::Prod, e, {1}, false, {2}), {1, 1});
  // NaN propagates through max.
  expectValues(reduced(ReduceOp::Max, f32({3}, {1, NAN, 2}), {0}, false, {}),
               {NAN});
  HostTensor bad(DType::F32, {2, 3});
  EXPECT_TRUE(reduce(ReduceOp::Sum, x, {1}, false, bad).failed());
}

TEST(ArgReduce, FirstAndLastIndex) {
  HostTensor x = f32({2, 3}, {1, 5, 5, 7, 2, 7});
  HostTensor y(DType::I64, {2});
  ASSERT_TRUE(argReduce(true, x, 1, false, false, y).ok());
  expectValues(y, {1, 0});
  ASSERT_TRUE(argReduce(true, x, 1, false, true, y).ok());
  expectValues(y, {2, 2});
  HostTensor z(DType::I64, {1, 3});
  ASSERT_TRUE(argReduce(false, x, 0, true, false, z).ok());
  expectValues(z, {0, 1, 0});
}

TEST(CumSum, ExclusiveReverse) {
  HostTensor x = f32({5}, {1, 2, 3, 4, 5});
  HostTensor y(DType::F32, {5});
  ASSERT_TRUE(cumSum(x, 0, false, false, y).ok());
  expectValues(y, {1, 3, 6, 10, 15});
  ASSERT_TRUE(cumSum(x, 0, true, false, y).ok());
  expectValues(y, {0, 1, 3, 6, 10});
  ASSERT_TRUE(cumSum(x, 0, false, true, y).ok());
  expectValues(y, {15, 14, 12, 9, 5});
  ASSERT_TRUE(cumSum(x, 0, true, true, y).ok());
  expectValues(y, {14, 12, 9, 5, 0});
  HostTensor m = iota(DType::I32, {2, 3}), n(DType::I32, {2, 3});
  ASSERT_TRUE(cumSum(m, 0, false, false, n).ok());
  expectValues(n, {0, 1, 2, 3, 5, 7});
}

TEST(TopK, LargestSmallestTies) {
  HostTensor x = f32({2, 4}, {1, 3, 3, 2, 0, -1, 9, -1});
  HostTensor v(DType::F32, {2, 2}), i(DType::I64, {2, 2});
  ASSERT_TRUE(topK(x, 1, 2, true, v, i).ok());
  expectValues(v, {3, 3, 9, 0});
  expectValues(i, {1, 2, 2, 0});
  ASSERT_TRUE(topK(x, 1, 2, false, v, i).ok());
  expectValues(v, {1, 2, -1, -1});
  expectValues(i, {0, 3, 1, 3});
  HostTensor v5(DType::F32, {2, 5}), i5(DType::I64, {2, 5});
  EXPECT_TRUE(topK(x, 1, 5, true, v5, i5).failed());
}

TEST(Normalization, BatchInstanceLayer) {
  HostTensor x = f32({1, 2, 2}, {1, 2, 3, 5});
  HostTensor y(DType::F32, {1, 2, 2});
  ASSERT_TRUE(batchNorm(x, f32({2}, {2, 1}), f32({2}, {0, 1}), f32({2}, {1, 3}),
                        f32({2}, {4, 1}), 0, y)
                  .ok());
  expectValues(y, {0, 1, 1, 3});
  ASSERT_TRUE(instanceNorm(x, f32({2}, {1, 2}), f32({2}, {0, 1}), 0, y).ok());
  expectValues(y, {-1, 1, -1, 3}, 1e-6);
  HostTensor mean(DType::F32, {2, 1}), inv(DType::F32, {2, 1});
  HostTensor ln(DType::F32, {2, 2});
  HostTensor bias = f32({2}, {0, 10});
  ASSERT_TRUE(layerNorm(f32({2, 2}, {1, 3, 0, 4}), f32({2}, {1, 2}), &bias, 1,
                        0, ln, &mean, &inv)
                  .ok());
  expectValues(ln, {-1, 12, -1, 12}, 1e-6);
  expectValues(mean, {2, 2});
  expectValues(inv, {1, 0.5}, 1e-6);
  // Scale of a lower rank broadcasts over the normalised dimensions.
  HostTensor x3 = f32({1, 2, 2}, {1, 3, 5, 7}), y3(DType::F32, {1, 2, 2});
  ASSERT_TRUE(
      layerNorm(x3, f32({1}, {2}), nullptr, 1, 0, y3, nullptr, nullptr).ok());
  double sd = std::sqrt(5.0);
  expectValues(y3, {-3 / sd * 2, -1 / sd * 2, 1 / sd * 2, 3 / sd * 2}, 1e-6);
}

TEST(Normalization, LrnAndSoftmax) {
  HostTensor x = f32({1, 3, 1, 1}, {1, 2, 3});
  HostTensor y(DType::F32, {1, 3, 1, 1});
  ASSERT_TRUE(lrn(x, 3, 3, 1, 1, y).ok());
  // sq sums over neighbouring channels: (1+4), (1+4+9), (4+9).
  expectValues(y, {1 / (1 + 5.0), 2 / (1 + 14.0), 3 / (1 + 13.0)}, 1e-6);
  HostTensor s = f32({2, 2}, {0, 1000, 1, 1});
  HostTensor o(DType::F32, {2, 2});
  ASSERT_TRUE(softmax(SoftmaxKind::Softmax, s, 1, o).ok());
  expectValues(o, {0, 1, 0.5, 0.5}, 1e-7);
  ASSERT_TRUE(softmax(SoftmaxKind::LogSoftmax, s, 1, o).ok());
  expectValues(o, {-1000, 0, -std::log(2.0), -std::log(2.0)}, 1e-4);
  ASSERT_TRUE(
      softmax(SoftmaxKind::Hardmax, f32({2, 2}, {3, 3, 1, 2}), 1, o).ok());
  expectValues(o, {1, 0, 0, 1});
  // Along axis 0 (strided).
  ASSERT_TRUE(
      softmax(SoftmaxKind::Softmax, f32({2, 2}, {0, 5, 0, 5}), 0, o).ok());
  expectValues(o, {0.5, 0.5, 0.5, 0.5}, 1e-7);
}

TEST(Pool, MaxAvgPadsCeilDilation) {
  HostTensor x = iota(DType::F32, {1, 1, 4, 4}, 1);
  PoolParams p;
  p.kernel = {2, 2};
  p.strides = {2, 2};
  p.pads = {0, 0, 0, 0};
  p.dilations = {1, 1};
  HostTensor y(DType::F32, {1, 1, 2, 2});
  ASSERT_TRUE(maxPool(x, p, y).ok());
  expectValues(y, {6, 8, 14, 16});
  ASSERT_TRUE(avgPool(x, p, y).ok());
  expectValues(y, {3.5, 5.5, 11.5, 13.5});
  // 3x3 window, stride 2, pads 1, ceil: output 3x3 (last window starts in
  // the input); avg excludes padding unless count_include_pad.
  PoolParams q = p;
  q.kernel = {3, 3};
  q.pads = {1, 1, 1, 1};
  q.ceilMode = true;
  std::vector<int64_t> shape;
  ASSERT_TRUE(poolOutputShape(x.shape(), q, shape).ok());
  EXPECT_EQ(shape, (std::vector<int64_t>{1, 1, 3, 3}));
  HostTensor z(DType::F32, shape);
  ASSERT_TRUE(avgPool(x, q, z).ok());
  EXPECT_FLOAT_EQ(z.getAsDouble(0), (1 + 2 + 5 + 6) / 4.0);
  EXPECT_DOUBLE_EQ(z.getAsDouble(8), 16);
  q.countIncludePad = true;
  ASSERT_TRUE(avgPool(x, q, z).ok());
  EXPECT_FLOAT_EQ(z.getAsDouble(0), (1 + 2 + 5 + 6) / 9.0);
  // Last window: rows 3..5 of which 3 is input, 4 is padding (counted),
  // 5 is beyond the padding (ceil mode, not counted): 2x2 counted taps.
  EXPECT_DOUBLE_EQ(z.getAsDouble(8), 16 / 4.0);
  ASSERT_TRUE(maxPool(x, q, z).ok());
  expectValues(z, {6, 8, 8, 14, 16, 16, 14, 16, 16});
  // Dilation 2, 1-D.
  PoolParams d;
  d.kernel = {2};
  d.strides = {1};
  d.pads = {0, 0};
  d.dilations = {2};
  HostTensor v = f32({1, 1, 5}, {1, 5, 2, 4, 3}), w(DType::F32, {1, 1, 3});
  ASSERT_TRUE(maxPool(v, d, w).ok());
  expectValues(w, {2, 5, 3});
  HostTensor g(DType::F32, {1, 1, 1, 1});
  ASSERT_TRUE(globalPool(false, x, g).ok());
  expectValues(g, {8.5});
  ASSERT_TRUE(globalPool(true, x, g).ok());
  expectValues(g, {16});
  // int8 max pool.
  HostTensor xi = makeTensor(DType::I8, {1, 1, 1, 3}, {-5, 7, -128});
  HostTensor yi(DType::I8, {1, 1, 1, 2});
  PoolParams pi = p;
  pi.kernel = {1, 2};
  pi.strides = {1, 1};
  ASSERT_TRUE(maxPool(xi, pi, yi).ok());
  expectValues(yi, {7, 7});
}

TEST(Pool, MaxIndicesRowAndColumnMajorTiesAndPadding) {
  // Two planes (N=1, C=2) of 3x4; 2x2 windows, stride 2, end padding 1x0.
  HostTensor x = f32({1, 2, 3, 4}, {1, 9, 2, 2, //
                                    3, 4, 2, 5, //
                                    7, 7, 0, 8, //
                                    0, 0, 0, 0, //
                                    0, 6, 0, 0, //
                                    0, 0, 0, 0});
  PoolParams p;
  p.kernel = {2, 2};
  p.strides = {2, 2};
  p.pads = {0, 0, 1, 0};
  p.dilations = {1, 1};
  HostTensor y(DType::F32, {1, 2, 2, 2}), idx(DType::I64, {1, 2, 2, 2});
  ASSERT_TRUE(maxPoolWithIndices(x, p, false, y, idx).ok());
  expectValues(y, {9, 5, 7, 8, 6, 0, 0, 0});
  // Row major over (N, C, H, W): plane 1 starts at 12. The second window of
  // the last row reads (2,2) and (2,3): 8 at 11. Ties keep the first: the
  // 7s at (2,0) and (2,1) give 8; the all-zero windows of plane 1 give
  // their first tap.
  expectValues(idx, {1, 7, 8, 11, 17, 14, 20, 22});
  // Column major: spatial index = w * H + h.
  ASSERT_TRUE(maxPoolWithIndices(x, p, true, y, idx).ok());
  expectValues(idx, {3, 10, 2, 11, 12 + 4, 12 + 6, 12 + 2, 12 + 8});
  // The indices must be i64 of the output's shape.
  HostTensor bad(DType::I32, {1, 2, 2, 2});
  EXPECT_FALSE(maxPoolWithIndices(x, p, false, y, bad).ok());
}

TEST(Quantize, RoundHalfEvenSaturatePerAxis) {
  HostTensor x = f32({1, 2, 3}, {0.5, 1.5, 2.5, -1, 1000, -1000});
  HostTensor s = f32({2}, {1, 2}), zp = makeTensor(DType::I8, {2}, {0, 10});
  HostTensor q(DType::I8, {1, 2, 3});
  ASSERT_TRUE(quantizeLinear(x, s, zp, 1, q).ok());
  expectValues(q, {0, 2, 2, 10, 127, -128});
  HostTensor su = f32({}, {0.5}), zu = makeTensor(DType::U8, {}, {128});
  HostTensor qu(DType::U8, {1, 2, 3});
  ASSERT_TRUE(quantizeLinear(x, su, zu, 1, qu).ok());
  expectValues(qu, {129, 131, 133, 126, 255, 0});
  HostTensor d(DType::F32, {1, 2, 3});
  ASSERT_TRUE(dequantizeLinear(qu, su, zu, 1, d).ok());
  expectValues(d, {0.5, 1.5, 2.5, -1, 63.5, -64});
  ASSERT_TRUE(dequantizeLinear(q, s, zp, 1, d).ok());
  expectValues(d, {0, 2, 2, 0, 234, -276});
  HostTensor wrongAxis(DType::I8, {1, 2, 3});
  EXPECT_TRUE(quantizeLinear(x, s, zp, 2, wrongAxis).failed());
}

TEST(Einsum, GemmPathAndGeneralPath) {
  HostTensor a = iota(DType::F32, {2, 3}), b = iota(DType::F32, {3, 2});
  HostTensor c(DType::F32, {2, 2});
  ASSERT_TRUE(einsum({&a, &b}, {"ij", "jk"}, "ik", c).ok());
  expectValues(c, {10, 13, 28, 40});
  // Batched, output transposed.
  HostTensor x = iota(DType::F32, {2, 2, 3}), y = iota(DType::F32, {2, 3, 2});
  HostTensor z(DType::F32, {2, 2, 2});
  ASSERT_TRUE(einsum({&x, &y}, {"bij", "bjk"}, "bki", z).ok());
  expectValues(z, {10, 28, 13, 40, 172, 244, 193, 274});
  // Trace (diagonal), transposes, sums over one operand, integers.
  HostTensor m = iota(DType::I32, {3, 3}), t(DType::I32, {});
  ASSERT_TRUE(einsum({&m}, {"ii"}, "", t).ok());
  expectValues(t, {12});
  HostTensor r(DType::I32, {3});
  ASSERT_TRUE(einsum({&m}, {"ij"}, "j", r).ok());
  expectValues(r, {9, 12, 15});
  HostTensor outer(DType::F32, {2, 3});
  HostTensor u = f32({2}, {1, 2}), v = f32({3}, {1, 10, 100});
  ASSERT_TRUE(einsum({&u, &v}, {"i", "j"}, "ij", outer).ok());
  expectValues(outer, {1, 10, 100, 2, 20, 200});
  HostTensor bad(DType::F32, {2});
  EXPECT_TRUE(einsum({&a, &b}, {"ij", "kl"}, "iq", bad).failed());
}
