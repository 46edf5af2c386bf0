//===- Samples.h - Random values for the calibration tests ------*- C++ -*-===//
//
// Deterministic samples (std::mt19937 with a seed) of the distributions the
// observer and range-search tests use.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_UNITTESTS_CALIBRATION_SAMPLES_H
#define NPU_UNITTESTS_CALIBRATION_SAMPLES_H

#include <cstddef>
#include <random>
#include <vector>

namespace npu::calib::test {

/// `n` values uniform on [lo, hi).
inline std::vector<float> uniformSamples(size_t n, float lo, float hi,
                                         unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

/// `n` values of Student's t with `dof` degrees of freedom: heavy tails
/// (infinite variance for dof <= 2).
inline std::vector<float> studentTSamples(size_t n, float dof, unsigned seed) {
  std::mt19937 gen(seed);
  std::student_t_distribution<float> dist(dof);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

} // namespace npu::calib::test

#endif // NPU_UNITTESTS_CALIBRATION_SAMPLES_H
