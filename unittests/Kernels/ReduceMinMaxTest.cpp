//===- ReduceMinMaxTest.cpp - Min / max over trailing axes ----------------===//
//
// ReduceMin / ReduceMax over trailing axes (DynamicQuantizeLinear reduces a
// whole tensor) read runs directly and split long runs over threads. They
// must give what the sequential loop gives, bit for bit: the first NaN,
// and the earliest of equal values (-0.0 or +0.0).
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Reduce.h"

#include "KernelTestUtils.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace npu;
using namespace npu::kernels;
using namespace npu::testing;

namespace {

uint32_t bitsOf(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

float nanWithPayload(uint32_t payload) {
  uint32_t b = 0x7fc00000u | payload;
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

/// The sequential reference over runs of `run` floats: the first NaN, or
/// the first value equal to the extreme.
std::vector<float> sequential(bool isMax, const std::vector<float> &v,
                              int64_t run) {
  std::vector<float> out;
  for (size_t o = 0; o < v.size() / run; ++o) {
    float r = isMax ? -INFINITY : INFINITY;
    for (int64_t i = 0; i < run; ++i) {
      float x = v[o * run + i];
      if (x != x) {
        r = x;
        break;
      }
      if (isMax ? x > r : x < r)
        r = x;
    }
    out.push_back(r);
  }
  return out;
}

/// reduce() over `axes` (trailing) with and without a thread pool, keeping
/// the reduced dimensions or not, against the sequential loop, bitwise.
void checkF32(const std::vector<int64_t> &shape,
              const std::vector<int64_t> &axes, const std::vector<float> &v) {
  HostTensor x(DType::F32, shape);
  std::copy(v.begin(), v.end(), x.data<float>());
  int64_t run = 1;
  std::vector<int64_t> outShape, keptShape;
  for (size_t d = 0; d < shape.size(); ++d) {
    bool r = std::find(axes.begin(), axes.end(), int64_t(d)) != axes.end();
    run *= r ? shape[d] : 1;
    if (!r)
      outShape.push_back(shape[d]);
    keptShape.push_back(r ? 1 : shape[d]);
  }
  ThreadPool pool(3);
  for (bool isMax : {false, true}) {
    auto want = sequential(isMax, v, run);
    for (ThreadPool *tp : {static_cast<ThreadPool *>(nullptr), &pool})
      for (bool keep : {false, true}) {
        HostTensor y(DType::F32, keep ? keptShape : outShape);
        ASSERT_TRUE(
            reduce(isMax ? ReduceOp::Max : ReduceOp::Min, x, axes, keep, y, tp)
                .ok());
        ASSERT_EQ(static_cast<size_t>(y.numElements()), want.size());
        for (size_t i = 0; i < want.size(); ++i)
          EXPECT_EQ(bitsOf(y.data<float>()[i]), bitsOf(want[i]))
              << (isMax ? "max" : "min") << " output " << i << ": "
              << y.data<float>()[i] << " vs " << want[i];
      }
  }
}

} // namespace

TEST(ReduceMinMax, WholeTensorAndTrailingAxes) {
  // Long enough to be split over the threads.
  auto v = randomFloats(3 * 5 * 70001, 1, -3, 5);
  checkF32({3, 5, 70001}, {0, 1, 2}, v);
  checkF32({3, 5, 70001}, {1, 2}, v);
  checkF32({3, 5, 70001}, {2}, v);
  checkF32({15, 70001}, {1}, v);
  // Dimensions of size 1 do not break the run.
  auto w = randomFloats(4 * 50, 2);
  checkF32({1, 4, 1, 50}, {0, 3}, w);
  checkF32({4, 1, 50}, {1, 2}, w);
}

TEST(ReduceMinMax, FirstNaNAndEarliestOfEqualValues) {
  const int64_t n = 300000;
  std::vector<float> v(n, -1.0f);
  // Signed zeros at the extreme, in different chunks, either order.
  v[150000] = -0.0f;
  v[250000] = 0.0f;
  checkF32({n}, {0}, v);
  std::swap(v[150000], v[250000]);
  checkF32({n}, {0}, v);
  for (float &x : v)
    x = -x;
  checkF32({n}, {0}, v);
  // Two NaNs with different payloads in different chunks: the first wins.
  v[120000] = nanWithPayload(1);
  v[270000] = nanWithPayload(2);
  checkF32({n}, {0}, v);
  checkF32({2, n / 2}, {1}, v);
}

TEST(ReduceMinMax, IntegerBooleanAndHalf) {
  const int64_t n = 200003;
  HostTensor i(DType::I32, {2, n});
  for (int64_t k = 0; k < 2 * n; ++k)
    i.data<int32_t>()[k] = static_cast<int32_t>((k * 7919) % 100003) - 50000;
  i.data<int32_t>()[n + 12345] = INT32_MIN;
  i.data<int32_t>()[190000] = INT32_MAX;
  ThreadPool pool(3);
  HostTensor lo(DType::I32, {2}), hi(DType::I32, {2});
  ASSERT_TRUE(reduce(ReduceOp::Min, i, {1}, false, lo, &pool).ok());
  ASSERT_TRUE(reduce(ReduceOp::Max, i, {1}, false, hi, &pool).ok());
  expectValues(lo, {-50000, double(INT32_MIN)});
  expectValues(hi, {double(INT32_MAX), 50002});

  HostTensor b(DType::Bool, {n});
  std::fill(b.data<bool>(), b.data<bool>() + n, true);
  HostTensor all(DType::Bool, {}), any(DType::Bool, {});
  ASSERT_TRUE(reduce(ReduceOp::Min, b, {0}, false, all, &pool).ok());
  expectValues(all, {1});
  b.data<bool>()[n - 1] = false;
  ASSERT_TRUE(reduce(ReduceOp::Min, b, {0}, false, all, &pool).ok());
  ASSERT_TRUE(reduce(ReduceOp::Max, b, {0}, false, any, &pool).ok());
  expectValues(all, {0});
  expectValues(any, {1});

  HostTensor h = randomTensor({3, 40000}, 3).castTo(DType::F16);
  HostTensor hmax(DType::F16, {3});
  ASSERT_TRUE(reduce(ReduceOp::Max, h, {1}, false, hmax, &pool).ok());
  for (int64_t o = 0; o < 3; ++o) {
    double m = -INFINITY;
    for (int64_t k = 0; k < 40000; ++k)
      m = std::max(m, h.getAsDouble(o * 40000 + k));
    EXPECT_EQ(hmax.getAsDouble(o), m);
  }
}
