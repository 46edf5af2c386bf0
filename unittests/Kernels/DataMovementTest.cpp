//===- DataMovementTest.cpp - Layout kernels and indexed access -----------===//

#include "npu/Kernels/DataMovement.h"
#include "npu/Kernels/Gather.h"

#include "KernelTestUtils.h"

using namespace npu;
using namespace npu::kernels;
using namespace npu::testing;

namespace {
HostTensor i64(std::vector<int64_t> shape, const std::vector<double> &v) {
  return makeTensor(DType::I64, std::move(shape), v);
}
} // namespace

TEST(Transpose, PermutesAndMatchesNaive) {
  HostTensor x = iota(DType::F32, {2, 3, 4});
  HostTensor y(DType::F32, {4, 2, 3});
  ASSERT_TRUE(transpose(x, {2, 0, 1}, y).ok());
  // y[k][i][j] = x[i][j][k]
  for (int64_t k = 0; k < 4; ++k)
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t j = 0; j < 3; ++j)
        ASSERT_EQ(y.getAsDouble((k * 2 + i) * 3 + j), (i * 3 + j) * 4 + k);
  HostTensor bad(DType::F32, {4, 2, 3});
  EXPECT_TRUE(transpose(x, {2, 2, 1}, bad).failed());
  // Every element size, large enough to run in parallel.
  ThreadPool pool(2);
  for (DType t : {DType::U8, DType::F16, DType::I32, DType::F64}) {
    HostTensor a = iota(t, {3, 50, 70}, 1);
    HostTensor b(t, {70, 3, 50});
    ASSERT_TRUE(transpose(a, {2, 0, 1}, b, &pool).ok());
    EXPECT_EQ(b.getAsDouble(1 * 150 + 2 * 50 + 7),
              a.getAsDouble(2 * 3500 + 7 * 70 + 1));
  }
}

TEST(Slice, StridedAndReversed) {
  HostTensor x = iota(DType::I32, {3, 5});
  HostTensor y(DType::I32, {2, 2});
  ASSERT_TRUE(slice(x, {2, 4}, {-1, -3}, y).ok());
  expectValues(y, {14, 11, 9, 6});
  HostTensor z(DType::I32, {2, 3});
  EXPECT_TRUE(slice(x, {2, 0}, {1, 1}, z).failed()) << "row 3 is out of bounds";
}

TEST(Pad, EveryModeMatchesNumPy) {
  HostTensor x = iota(DType::F32, {2, 3}, 1);
  std::vector<int64_t> pads = {1, 2, 2, 3};
  HostTensor y(DType::F32, {5, 8});
  ASSERT_TRUE(pad(x, pads, PadMode::Reflect, 0, y).ok());
  expectValues(y, {6, 5, 4, 5, 6, 5, 4, 5, 3, 2, 1, 2, 3, 2, 1, 2, 6, 5, 4, 5,
                   6, 5, 4, 5, 3, 2, 1, 2, 3, 2, 1, 2, 6, 5, 4, 5, 6, 5, 4, 5});
  ASSERT_TRUE(pad(x, pads, PadMode::Edge, 0, y).ok());
  expectValues(y, {1, 1, 1, 2, 3, 3, 3, 3, 1, 1, 1, 2, 3, 3, 3, 3, 4, 4, 4, 5,
                   6, 6, 6, 6, 4, 4, 4, 5, 6, 6, 6, 6, 4, 4, 4, 5, 6, 6, 6, 6});
  ASSERT_TRUE(pad(x, pads, PadMode::Wrap, 0, y).ok());
  expectValues(y, {5, 6, 4, 5, 6, 4, 5, 6, 2, 3, 1, 2, 3, 1, 2, 3, 5, 6, 4, 5,
                   6, 4, 5, 6, 2, 3, 1, 2, 3, 1, 2, 3, 5, 6, 4, 5, 6, 4, 5, 6});
  ASSERT_TRUE(pad(x, pads, PadMode::Constant, -1.5, y).ok());
  expectValues(y, {-1.5, -1.5, -1.5, -1.5, -1.5, -1.5, -1.5, -1.5, -1.5, -1.5,
                   1,    2,    3,    -1.5, -1.5, -1.5, -1.5, -1.5, 4,    5,
                   6,    -1.5, -1.5, -1.5, -1.5, -1.5, -1.5, -1.5, -1.5, -1.5,
                   -1.5, -1.5, -1.5, -1.5, -1.5, -1.5, -1.5, -1.5, -1.5, -1.5});
  // Reflection wider than the input repeats, like NumPy.
  HostTensor v = iota(DType::F32, {3}, 1), w(DType::F32, {12});
  ASSERT_TRUE(pad(v, {5, 4}, PadMode::Reflect, 0, w).ok());
  expectValues(w, {2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3});
  // Negative pads crop: pad the original, then crop.
  HostTensor u = iota(DType::I64, {4}, 1), c(DType::I64, {5});
  ASSERT_TRUE(pad(u, {-1, 2}, PadMode::Wrap, 0, c).ok());
  expectValues(c, {2, 3, 4, 1, 2});
  HostTensor wrongShape(DType::F32, {5, 7});
  EXPECT_TRUE(pad(x, pads, PadMode::Edge, 0, wrongShape).failed());
}

TEST(Pad, Int64FillValueIsExact) {
  const int64_t big = (int64_t(1) << 53) + 1; // a double rounds it
  HostTensor x(DType::I64, {1}), y(DType::I64, {3});
  x.data<int64_t>()[0] = -1;
  ASSERT_TRUE(pad(x, {1, 1}, PadMode::Constant, Scalar::ofInt(big), y).ok());
  EXPECT_EQ(y.data<int64_t>()[0], big);
  EXPECT_EQ(y.data<int64_t>()[1], -1);
  EXPECT_EQ(y.data<int64_t>()[2], big);
  HostTensor u(DType::U64, {1}), v(DType::U64, {2});
  u.data<uint64_t>()[0] = 1;
  ASSERT_TRUE(
      pad(u, {1, 0}, PadMode::Constant, Scalar::ofUnsigned(UINT64_MAX), v)
          .ok());
  EXPECT_EQ(v.data<uint64_t>()[0], UINT64_MAX);
}

TEST(ConcatSplit, RoundTrip) {
  HostTensor a = iota(DType::F32, {2, 1, 3}),
             b = iota(DType::F32, {2, 2, 3}, 100);
  HostTensor c(DType::F32, {2, 3, 3});
  ASSERT_TRUE(concat({&a, &b}, 1, c).ok());
  expectValues(c, {0, 1, 2, 100, 101, 102, 103, 104, 105, 3, 4, 5, 106, 107,
                   108, 109, 110, 111});
  HostTensor a2(DType::F32, {2, 1, 3}), b2(DType::F32, {2, 2, 3});
  ASSERT_TRUE(split(c, 1, {&a2, &b2}).ok());
  expectClose(a2, a);
  expectClose(b2, b);
  HostTensor wrong(DType::F32, {2, 4, 3});
  EXPECT_TRUE(concat({&a, &b}, 1, wrong).failed());
}

TEST(ExpandTile, Broadcasts) {
  HostTensor x = iota(DType::I32, {3, 1});
  HostTensor e(DType::I32, {2, 3, 2});
  ASSERT_TRUE(expand(x, e).ok());
  expectValues(e, {0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2});
  HostTensor t(DType::I32, {6, 2});
  ASSERT_TRUE(tile(x, t).ok());
  expectValues(t, {0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2});
  HostTensor y = iota(DType::I32, {2, 2}), t2(DType::I32, {4, 6});
  ASSERT_TRUE(tile(y, t2).ok());
  expectValues(t2, {0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3,
                    0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3});
  HostTensor bad(DType::I32, {3, 3});
  EXPECT_TRUE(expand(iota(DType::I32, {2}), bad).failed());
}

TEST(DepthSpace, MatchesOnnxExamples) {
  // ONNX DepthToSpace DCR example: x = arange(48).reshape(1, 8, 2, 3), b=2.
  HostTensor x = iota(DType::F32, {1, 8, 2, 3});
  HostTensor y(DType::F32, {1, 2, 4, 6});
  ASSERT_TRUE(depthToSpace(x, 2, false, y).ok());
  expectValues(y, {0, 12, 1,  13, 2,  14, 24, 36, 25, 37, 26, 38,
                   3, 15, 4,  16, 5,  17, 27, 39, 28, 40, 29, 41,
                   6, 18, 7,  19, 8,  20, 30, 42, 31, 43, 32, 44,
                   9, 21, 10, 22, 11, 23, 33, 45, 34, 46, 35, 47});
  ASSERT_TRUE(depthToSpace(x, 2, true, y).ok());
  expectValues(y, {0,  6,  1,  7,  2,  8,  12, 18, 13, 19, 14, 20,
                   3,  9,  4,  10, 5,  11, 15, 21, 16, 22, 17, 23,
                   24, 30, 25, 31, 26, 32, 36, 42, 37, 43, 38, 44,
                   27, 33, 28, 34, 29, 35, 39, 45, 40, 46, 41, 47});
  // SpaceToDepth inverts DCR depth-to-space.
  HostTensor back(DType::F32, {1, 8, 2, 3});
  ASSERT_TRUE(depthToSpace(x, 2, false, y).ok());
  ASSERT_TRUE(spaceToDepth(y, 2, back).ok());
  expectClose(back, x);
}

TEST(Trilu, UpperAndLower) {
  HostTensor x = iota(DType::I64, {3, 4}, 1);
  HostTensor y(DType::I64, {3, 4});
  ASSERT_TRUE(trilu(x, true, 1, y).ok());
  expectValues(y, {0, 2, 3, 4, 0, 0, 7, 8, 0, 0, 0, 12});
  ASSERT_TRUE(trilu(x, false, -1, y).ok());
  expectValues(y, {0, 0, 0, 0, 5, 0, 0, 0, 9, 10, 0, 0});
}

TEST(Gather, AxesNegativeIndicesAndErrors) {
  HostTensor data = iota(DType::F32, {3, 4});
  HostTensor out(DType::F32, {2, 2, 4});
  ASSERT_TRUE(gather(data, i64({2, 2}, {0, 2, -1, 1}), 0, out).ok());
  expectValues(out, {0, 1, 2, 3, 8, 9, 10, 11, 8, 9, 10, 11, 4, 5, 6, 7});
  HostTensor out1(DType::F32, {3, 1});
  ASSERT_TRUE(gather(data, makeTensor(DType::I32, {1}, {-4}), 1, out1).ok());
  expectValues(out1, {0, 4, 8});
  HostTensor out2(DType::F32, {1, 4});
  Status s = gather(data, i64({1}, {3}), 0, out2);
  ASSERT_TRUE(s.failed());
  EXPECT_NE(s.message().find("out of range"), std::string::npos);
  // Scalar index removes the dimension.
  HostTensor out3(DType::F32, {4});
  ASSERT_TRUE(gather(data, i64({}, {1}), 0, out3).ok());
  expectValues(out3, {4, 5, 6, 7});
}

TEST(Gather, ElementsAndND) {
  HostTensor data = f32({2, 2}, {1, 2, 3, 4});
  HostTensor out(DType::F32, {2, 2});
  ASSERT_TRUE(gatherElements(data, i64({2, 2}, {0, 0, 1, 0}), 1, out).ok());
  expectValues(out, {1, 1, 4, 3});
  HostTensor d3 = iota(DType::I32, {2, 2, 2});
  HostTensor nd(DType::I32, {2, 2});
  ASSERT_TRUE(gatherND(d3, i64({2, 2}, {0, 1, 1, 0}), 0, nd).ok());
  expectValues(nd, {2, 3, 4, 5});
  // batch_dims = 1: indices [[1], [0]] pick row 1 of batch 0, row 0 of 1.
  HostTensor nb(DType::I32, {2, 2});
  ASSERT_TRUE(gatherND(d3, i64({2, 1}, {1, 0}), 1, nb).ok());
  expectValues(nb, {2, 3, 4, 5});
  EXPECT_TRUE(gatherND(d3, i64({1, 2}, {0, 2}), 0, nd).failed());
}

TEST(Scatter, ElementsAndNDWithReductions) {
  HostTensor data = f32({1, 5}, {1, 2, 3, 4, 5});
  HostTensor idx = i64({1, 2}, {1, 3}), upd = f32({1, 2}, {1.1, 2.1});
  HostTensor out(DType::F32, {1, 5});
  ASSERT_TRUE(
      scatterElements(data, idx, upd, 1, ScatterReduction::None, out).ok());
  expectValues(out, {1, 1.1, 3, 2.1, 5}, 1e-6);
  HostTensor dup = i64({1, 2}, {1, 1});
  ASSERT_TRUE(
      scatterElements(data, dup, upd, 1, ScatterReduction::Add, out).ok());
  expectValues(out, {1, 5.2, 3, 4, 5}, 1e-6);
  ASSERT_TRUE(
      scatterElements(data, dup, upd, 1, ScatterReduction::Max, out).ok());
  expectValues(out, {1, 2.1, 3, 4, 5}, 1e-6);
  HostTensor d8 = iota(DType::I32, {8}, 1), o8(DType::I32, {8});
  HostTensor ui = i64({4, 1}, {4, 3, 1, 7}),
             uu = makeTensor(DType::I32, {4}, {9, 10, 11, 12});
  ASSERT_TRUE(scatterND(d8, ui, uu, ScatterReduction::None, o8).ok());
  expectValues(o8, {1, 11, 3, 10, 9, 6, 7, 12});
  ASSERT_TRUE(scatterND(d8, ui, uu, ScatterReduction::Mul, o8).ok());
  expectValues(o8, {1, 22, 3, 40, 45, 6, 7, 96});
  EXPECT_TRUE(scatterND(d8, i64({1, 1}, {8}), makeTensor(DType::I32, {1}, {0}),
                        ScatterReduction::None, o8)
                  .failed());
}

TEST(OneHot, AxisAndNegativeIndices) {
  HostTensor idx = i64({3}, {0, -1, 5});
  HostTensor values = f32({2}, {0, 3});
  HostTensor out(DType::F32, {3, 3});
  ASSERT_TRUE(oneHot(idx, values, 1, 3, out).ok());
  expectValues(out, {3, 0, 0, 0, 0, 3, 0, 0, 0});
  HostTensor outT(DType::F32, {3, 3});
  ASSERT_TRUE(oneHot(idx, values, 0, 3, outT).ok());
  expectValues(outT, {3, 0, 0, 0, 0, 0, 0, 3, 0});
}
