//===- KernelTestUtils.h - Helpers for the kernel unit tests ----*- C++ -*-===//
//
// Deterministic random tensors, construction from literal values and
// element-wise comparisons with useful failure messages.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_UNITTESTS_KERNELS_KERNELTESTUTILS_H
#define NPU_UNITTESTS_KERNELS_KERNELTESTUTILS_H

#include "npu/Kernels/Conv.h"
#include "npu/Kernels/Cpu.h"
#include "npu/Support/HostTensor.h"

#include <cmath>
#include <cstdint>
#include <gtest/gtest.h>
#include <vector>

namespace npu::testing {

/// Uniform values in [lo, hi) from a fixed linear congruential sequence.
inline std::vector<float> randomFloats(size_t n, uint32_t seed, float lo = -1,
                                       float hi = 1) {
  std::vector<float> v(n);
  uint64_t s = seed * 2654435761u + 12345;
  for (float &x : v) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    double u = static_cast<double>(s >> 11) / static_cast<double>(1ull << 53);
    x = static_cast<float>(lo + (hi - lo) * u);
  }
  return v;
}

inline HostTensor randomTensor(std::vector<int64_t> shape, uint32_t seed,
                               float lo = -1, float hi = 1) {
  HostTensor t(DType::F32, std::move(shape));
  auto v = randomFloats(static_cast<size_t>(t.numElements()), seed, lo, hi);
  std::copy(v.begin(), v.end(), t.data<float>());
  return t;
}

/// A tensor of `dtype` holding `values` (converted like setFromDouble).
inline HostTensor makeTensor(DType dtype, std::vector<int64_t> shape,
                             const std::vector<double> &values) {
  HostTensor t(dtype, std::move(shape));
  EXPECT_EQ(static_cast<size_t>(t.numElements()), values.size());
  for (size_t i = 0; i < values.size() && i < size_t(t.numElements()); ++i)
    t.setFromDouble(static_cast<int64_t>(i), values[i]);
  return t;
}

/// start, start + 1, ... converted to `dtype`.
inline HostTensor iota(DType dtype, std::vector<int64_t> shape,
                       double start = 0) {
  HostTensor t(dtype, std::move(shape));
  for (int64_t i = 0; i < t.numElements(); ++i)
    t.setFromDouble(i, start + static_cast<double>(i));
  return t;
}

inline HostTensor f32(std::vector<int64_t> shape,
                      const std::vector<double> &values) {
  return makeTensor(DType::F32, std::move(shape), values);
}

inline std::vector<double> values(const HostTensor &t) {
  std::vector<double> v(static_cast<size_t>(t.numElements()));
  for (int64_t i = 0; i < t.numElements(); ++i)
    v[static_cast<size_t>(i)] = t.getAsDouble(i);
  return v;
}

/// Expects equal shape and dtype and |a - b| <= atol + rtol * |b|
/// elementwise (NaN matches NaN).
inline void expectClose(const HostTensor &actual, const HostTensor &expected,
                        double atol = 1e-5, double rtol = 1e-5) {
  ASSERT_EQ(actual.shape(), expected.shape());
  ASSERT_EQ(actual.dtype(), expected.dtype());
  int failures = 0;
  for (int64_t i = 0; i < actual.numElements(); ++i) {
    double a = actual.getAsDouble(i), e = expected.getAsDouble(i);
    if (std::isnan(e) && std::isnan(a))
      continue;
    if (std::isinf(e) && a == e)
      continue;
    if (!(std::fabs(a - e) <= atol + rtol * std::fabs(e))) {
      if (++failures <= 10)
        ADD_FAILURE() << "element " << i << ": got " << a << ", expected " << e;
    }
  }
  EXPECT_EQ(failures, 0) << "mismatching elements";
}

/// Expects exactly the given values (compared as doubles).
inline void expectValues(const HostTensor &actual,
                         const std::vector<double> &expected, double atol = 0) {
  ASSERT_EQ(static_cast<size_t>(actual.numElements()), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    double a = actual.getAsDouble(static_cast<int64_t>(i));
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(a)) << "element " << i;
      continue;
    }
    if (a == expected[i])
      continue;
    EXPECT_NEAR(a, expected[i], atol) << "element " << i;
  }
}

/// Every SIMD level this CPU can run, so that all code paths get tested.
inline std::vector<kernels::SimdLevel> simdLevels() {
  std::vector<kernels::SimdLevel> l;
  for (int i = 0; i <= static_cast<int>(kernels::detectedSimdLevel()); ++i)
    l.push_back(static_cast<kernels::SimdLevel>(i));
  return l;
}

/// Restores the active SIMD level when a test that changes it ends.
struct SimdLevelGuard {
  kernels::SimdLevel saved = kernels::activeSimdLevel();
  ~SimdLevelGuard() { kernels::setSimdLevel(saved); }
};

inline kernels::ConvParams convParams(std::vector<int64_t> strides,
                                      std::vector<int64_t> dil,
                                      std::vector<int64_t> pads,
                                      int64_t group = 1,
                                      std::vector<int64_t> outPad = {}) {
  kernels::ConvParams p;
  p.strides = std::move(strides);
  p.dilations = std::move(dil);
  p.pads = std::move(pads);
  p.group = group;
  p.outputPadding = std::move(outPad);
  return p;
}

} // namespace npu::testing

#endif // NPU_UNITTESTS_KERNELS_KERNELTESTUTILS_H
