//===- WeightRounding.cpp - Data-aware int8 weight rounding ---------------===//

#include "npu/Calibration/WeightRounding.h"

#include "npu/Arch/PostProcess.h"
#include "npu/Kernels/ThreadPool.h"
#include "npu/Support/HostTensor.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>

namespace npu::calib {

namespace {
/// Eigen blocks its matrix products by the host's cache sizes, which it
/// reads from CPUID, so the sums' order (their last bits, and so the levels
/// chosen) would follow the CPU: an AMD host (48 KiB L1, 1 MiB L2) rounded
/// PP-OCRv4's weights otherwise than an Intel one. Every product here is
/// blocked as for one fixed cache, so the same samples give the same levels
/// on every host. Called before the products; sets the sizes only when
/// they differ (once per process unless another caller changes them).
constexpr std::ptrdiff_t kBlockingL1 = 32 * 1024, kBlockingL2 = 4 << 20,
                         kBlockingL3 = 16 << 20;
void useHostIndependentBlocking() {
  if (Eigen::l1CacheSize() != kBlockingL1 ||
      Eigen::l2CacheSize() != kBlockingL2 ||
      Eigen::l3CacheSize() != kBlockingL3)
    Eigen::setCpuCacheSizes(kBlockingL1, kBlockingL2, kBlockingL3);
}
} // namespace

struct InputMoments::Impl {
  ConvWindow window;
  /// Finite patches summed, per matrix.
  std::vector<int64_t> patches;
  /// One matrix, or one per channel (depthwise); the lower triangle holds
  /// the sums of x x^T.
  std::vector<Eigen::MatrixXd> sums;
};

InputMoments::InputMoments(const ConvWindow &window)
    : impl(std::make_unique<Impl>()) {
  useHostIndependentBlocking();
  impl->window = window;
  int64_t k = window.patchSize();
  impl->sums.assign(window.depthwise ? window.channels : 1,
                    Eigen::MatrixXd::Zero(k, k));
  impl->patches.assign(impl->sums.size(), 0);
}
InputMoments::~InputMoments() = default;
InputMoments::InputMoments(InputMoments &&) noexcept = default;
InputMoments &InputMoments::operator=(InputMoments &&) noexcept = default;

const ConvWindow &InputMoments::window() const { return impl->window; }
int64_t InputMoments::count() const {
  return *std::max_element(impl->patches.begin(), impl->patches.end());
}

namespace {

/// Zeroes the patches (columns) holding NaN or infinity, which the moments
/// leave out as the range observers do; returns how many are finite.
int64_t dropNonFinite(Eigen::MatrixXf &patches) {
  int64_t finite = 0;
  for (Eigen::Index j = 0; j < patches.cols(); ++j) {
    if (patches.col(j).allFinite())
      ++finite;
    else
      patches.col(j).setZero();
  }
  return finite;
}

} // namespace

bool InputMoments::observeRows(const HostTensor &input, int64_t maxPatches) {
  int64_t k = impl->window.channels;
  if (input.dtype() != DType::F32 || input.rank() < 1 ||
      input.dim(input.rank() - 1) != k || input.numElements() == 0)
    return false;
  int64_t total = input.numElements() / k;
  int64_t m = std::min(total, std::max<int64_t>(1, maxPatches));
  Eigen::MatrixXf patches(k, m);
  const float *x = input.data<float>();
  for (int64_t j = 0; j < m; ++j) {
    int64_t row = total == m ? j : j * total / m;
    std::copy(x + row * k, x + (row + 1) * k, patches.col(j).data());
  }
  int64_t finite = dropNonFinite(patches);
  Eigen::MatrixXf products = Eigen::MatrixXf::Zero(k, k);
  products.selfadjointView<Eigen::Lower>().rankUpdate(patches);
  impl->sums[0].triangularView<Eigen::Lower>() += products.cast<double>();
  impl->patches[0] += finite;
  return true;
}

int64_t roundingPatchesPerSample(int64_t samples) {
  return std::min(
      kRoundingPatchesPerSampleMax,
      std::max(kRoundingPatchesPerSampleMin,
               kRoundingPatchBudget / std::max<int64_t>(1, samples)));
}

bool InputMoments::observe(const HostTensor &input, int64_t maxPatches,
                           kernels::ThreadPool *pool) {
  const ConvWindow &w = impl->window;
  if (w.rows)
    return observeRows(input, maxPatches);
  if (input.dtype() != DType::F32 || input.rank() != 4 ||
      input.dim(1) != w.channels)
    return false;
  int64_t n = input.dim(0), c = w.channels, h = input.dim(2), wd = input.dim(3);
  int64_t oh =
      (h + w.padTop + w.padBottom - w.dilationH * (w.kh - 1) - 1) / w.strideH +
      1;
  int64_t ow =
      (wd + w.padLeft + w.padRight - w.dilationW * (w.kw - 1) - 1) / w.strideW +
      1;
  if (oh <= 0 || ow <= 0 || n <= 0)
    return false;
  int64_t total = n * oh * ow;
  int64_t m = std::min(total, std::max<int64_t>(1, maxPatches));
  const float *x = input.data<float>();
  // Each patch's image and top-left input position.
  std::vector<int64_t> image(m), top(m), left(m);
  for (int64_t j = 0; j < m; ++j) {
    int64_t p = total == m ? j : j * total / m;
    image[j] = p / (oh * ow);
    top[j] = p / ow % oh * w.strideH - w.padTop;
    left[j] = p % ow * w.strideW - w.padLeft;
  }
  int64_t groups = w.depthwise ? c : 1;
  int64_t k = w.patchSize();
  kernels::parallelFor(pool, groups, [&](int64_t g) {
    // f32 patches and products (twice the rate of f64), summed per call
    // into the f64 totals.
    Eigen::MatrixXf patches(k, m);
    int64_t firstChannel = w.depthwise ? g : 0;
    int64_t channels = w.depthwise ? 1 : c;
    for (int64_t j = 0; j < m; ++j) {
      float *col = patches.col(j).data();
      for (int64_t ci = 0; ci < channels; ++ci) {
        const float *plane = x + (image[j] * c + firstChannel + ci) * h * wd;
        for (int64_t ky = 0; ky < w.kh; ++ky) {
          int64_t y = top[j] + ky * w.dilationH;
          bool rowInside = y >= 0 && y < h;
          for (int64_t kx = 0; kx < w.kw; ++kx) {
            int64_t xx = left[j] + kx * w.dilationW;
            *col++ =
                rowInside && xx >= 0 && xx < wd ? plane[y * wd + xx] : 0.0f;
          }
        }
      }
    }
    int64_t finite = dropNonFinite(patches);
    Eigen::MatrixXf products = Eigen::MatrixXf::Zero(k, k);
    products.selfadjointView<Eigen::Lower>().rankUpdate(patches);
    impl->sums[g].triangularView<Eigen::Lower>() += products.cast<double>();
    impl->patches[g] += finite;
  });
  return true;
}

std::vector<double> InputMoments::moments(int64_t g) const {
  const Eigen::MatrixXd &s = impl->sums[static_cast<size_t>(g)];
  int64_t k = s.rows();
  std::vector<double> out(static_cast<size_t>(k * k), 0.0);
  int64_t n = impl->patches[static_cast<size_t>(g)];
  double inv = n ? 1.0 / double(n) : 0.0;
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j <= i; ++j)
      out[i * k + j] = out[j * k + i] = s(i, j) * inv;
  return out;
}

namespace {

float rowScale(const float *w, int64_t k) {
  float maxAbs = 0.0f;
  for (int64_t i = 0; i < k; ++i)
    maxAbs = std::max(maxAbs, std::fabs(w[i]));
  return arch::int8WeightScale(maxAbs);
}

int32_t levelOf(double v) {
  return static_cast<int32_t>(
      std::min(127.0, std::max(-127.0, std::nearbyint(v))));
}

} // namespace

std::vector<int32_t> nearestLevels(const float *weights, int64_t rows,
                                   int64_t k) {
  std::vector<int32_t> out(static_cast<size_t>(rows * k));
  for (int64_t r = 0; r < rows; ++r) {
    const float *w = weights + r * k;
    float s = rowScale(w, k);
    for (int64_t i = 0; i < k; ++i)
      out[r * k + i] = levelOf(std::nearbyint(w[i] / s));
  }
  return out;
}

std::vector<float> weightsOfLevels(const float *weights, int64_t rows,
                                   int64_t k,
                                   const std::vector<int32_t> &levels) {
  std::vector<float> out(static_cast<size_t>(rows * k));
  for (int64_t r = 0; r < rows; ++r) {
    float s = rowScale(weights + r * k, k);
    for (int64_t i = 0; i < k; ++i)
      out[r * k + i] = static_cast<float>(levels[r * k + i]) * s;
  }
  return out;
}

std::optional<std::vector<int32_t>> gptqLevels(const float *weights,
                                               int64_t rows, int64_t k,
                                               const std::vector<double> &h,
                                               double damping) {
  useHostIndependentBlocking();
  if (k <= 1 || static_cast<int64_t>(h.size()) != k * k ||
      !std::all_of(h.begin(), h.end(),
                   [](double v) { return std::isfinite(v); }))
    return std::nullopt;
  // The weights are rounded in the order of decreasing input power (GPTQ's
  // "act order"): the error of the inputs that matter most is spread over
  // the most weights.
  std::vector<int64_t> order(static_cast<size_t>(k));
  for (int64_t i = 0; i < k; ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return h[a * k + a] > h[b * k + b];
  });
  Eigen::MatrixXd hm(k, k);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < k; ++j)
      hm(i, j) = h[order[i] * k + order[j]];
  double meanDiag = hm.diagonal().mean();
  if (!(meanDiag > 0.0) || !std::isfinite(meanDiag))
    return std::nullopt;
  // Inputs that are always 0 (padding-only positions): their weights do
  // not matter; a unit diagonal keeps H invertible.
  for (int64_t i = 0; i < k; ++i)
    if (hm(i, i) <= 0.0)
      hm(i, i) = 1.0;
  hm.diagonal().array() += damping * meanDiag;
  Eigen::LLT<Eigen::MatrixXd> llt(hm);
  if (llt.info() != Eigen::Success)
    return std::nullopt;
  Eigen::MatrixXd inverse = llt.solve(Eigen::MatrixXd::Identity(k, k));
  Eigen::LLT<Eigen::MatrixXd> lltInv(inverse);
  if (lltInv.info() != Eigen::Success)
    return std::nullopt;
  // Upper factor U of H^-1 = U^T U: row i gives how the error of weight i
  // is spread over the weights after it.
  Eigen::MatrixXd u = lltInv.matrixU();

  std::vector<int32_t> out(static_cast<size_t>(rows * k));
  std::vector<double> w(static_cast<size_t>(k));
  for (int64_t r = 0; r < rows; ++r) {
    const float *src = weights + r * k;
    float s = rowScale(src, k);
    int64_t keep = 0; // in `order`
    for (int64_t i = 0; i < k; ++i) {
      w[i] = src[order[i]];
      if (std::fabs(w[i]) > std::fabs(w[keep]))
        keep = i;
    }
    if (w[keep] == 0.0) {
      std::fill(out.begin() + r * k, out.begin() + (r + 1) * k, 0);
      continue;
    }
    bool positive = w[keep] > 0;
    for (int64_t i = 0; i < k; ++i) {
      // The largest weight keeps +-127, so that max|w| / 127 stays the
      // scale; its error (from the updates before it) is spread as well.
      int32_t q = i == keep ? (positive ? 127 : -127) : levelOf(w[i] / s);
      out[r * k + order[i]] = q;
      double err = (w[i] - double(q) * s) / u(i, i);
      for (int64_t j = i + 1; j < k; ++j)
        w[j] -= err * u(i, j);
    }
  }
  return out;
}

} // namespace npu::calib
