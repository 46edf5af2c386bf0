//===- Resize.cpp - ONNX Resize (nearest, linear, cubic) ------------------===//
//
// For each dimension and output index the source taps (clamped indices and
// weights) are computed once. An output element is then the sum over the
// product of its dimensions' taps; dimensions with a single tap of weight 1
// (nearest, or unscaled dimensions) cost nothing, so nearest-neighbour
// upsampling is a pure gather along the innermost dimension.
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Resize.h"

#include "KernelSupport.h"
#include "npu/Arch/Interpolation.h"
#include "npu/Kernels/ElementTypes.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

namespace npu::kernels {

double resizeSourceCoordinate(int64_t x, ResizeScale scale, int64_t inLen,
                              int64_t outLen, ResizeParams::Coord mode,
                              double roiStart, double roiEnd) {
  using Coord = ResizeParams::Coord;
  // Division by the scale is multiplication by `den` before one division by
  // `num` (with den = 1 exactly ONNX's formulas on a given scale).
  const double xd = static_cast<double>(x), in = static_cast<double>(inLen);
  const double num = scale.num, den = scale.den;
  switch (mode) {
  case Coord::HalfPixel:
    return (xd + 0.5) * den / num - 0.5;
  case Coord::HalfPixelSymmetric: {
    double adjustment = static_cast<double>(outLen) * den / (num * in);
    double center = in / 2.0;
    double offset = center * (1.0 - adjustment);
    return offset + (xd + 0.5) * den / num - 0.5;
  }
  case Coord::PytorchHalfPixel:
    return outLen > 1 ? (xd + 0.5) * den / num - 0.5 : 0.0;
  case Coord::AlignCorners:
    // ONNX's reference divides by the unrounded output length scale * in
    // (they differ when the scale does not give a whole size).
    return outLen == 1 ? 0.0 : xd * (in - 1) * den / (num * in - den);
  case Coord::Asymmetric:
    return xd * den / num;
  case Coord::TfHalfPixelForNN:
    return (xd + 0.5) * den / num;
  case Coord::TfCropAndResize:
    if (outLen > 1)
      return roiStart * (in - 1) +
             xd * (roiEnd - roiStart) * (in - 1) * den / (num * in - den);
    return 0.5 * (roiStart + roiEnd) * (in - 1);
  }
  return xd;
}

namespace {

/// Taps of one output index along one dimension.
struct DimTaps {
  int count = 0;
  int64_t index[4];
  double weight[4];
  bool outside = false; // tf_crop_and_resize extrapolation
};

DimTaps computeTaps(int64_t x, int64_t inLen, int64_t outLen, ResizeScale scale,
                    const ResizeParams &p, double roiStart, double roiEnd) {
  DimTaps t;
  const double raw = resizeSourceCoordinate(x, scale, inLen, outLen, p.coord,
                                            roiStart, roiEnd);
  if (p.coord == ResizeParams::Coord::TfCropAndResize &&
      !(raw >= 0 && raw <= static_cast<double>(inLen - 1)))
    t.outside = true;
  // Beyond a few pixels past the input every tap clamps to the same edge
  // pixel (or lies outside), so bounding the coordinate changes no result;
  // it keeps the index conversions below defined for a huge or NaN
  // coordinate (from an extreme roi).
  const double src =
      std::isnan(raw) ? 0.0
                      : std::clamp(raw, -4.0, static_cast<double>(inLen) + 4.0);
  auto clampIdx = [&](int64_t i) {
    return std::min(std::max<int64_t>(i, 0), inLen - 1);
  };
  switch (p.mode) {
  case ResizeParams::Mode::Nearest: {
    double fl = std::floor(src);
    int64_t i;
    switch (p.nearest) {
    case ResizeParams::Nearest::RoundPreferFloor:
      i = static_cast<int64_t>(src == fl + 0.5 ? fl : std::round(src));
      break;
    case ResizeParams::Nearest::RoundPreferCeil:
      i = static_cast<int64_t>(src == fl + 0.5 ? fl + 1 : std::round(src));
      break;
    case ResizeParams::Nearest::Floor:
      i = static_cast<int64_t>(fl);
      break;
    case ResizeParams::Nearest::Ceil:
      i = static_cast<int64_t>(std::ceil(src));
      break;
    case ResizeParams::Nearest::Simple:
      i = static_cast<int64_t>(scale.downsamples() ? std::ceil(src) : fl);
      break;
    }
    t.count = 1;
    t.index[0] = clampIdx(i);
    t.weight[0] = 1;
    break;
  }
  case ResizeParams::Mode::Linear: {
    double fl = std::floor(src), r = src - fl;
    int64_t i0 = static_cast<int64_t>(fl);
    t.count = 2;
    t.index[0] = clampIdx(i0);
    t.index[1] = clampIdx(i0 + 1);
    t.weight[0] = 1 - r;
    t.weight[1] = r;
    break;
  }
  case ResizeParams::Mode::Cubic: {
    double fl = std::floor(src), r = src - fl;
    int64_t i0 = static_cast<int64_t>(fl);
    double sum = 0;
    t.count = 4;
    for (int k = 0; k < 4; ++k) {
      int64_t i = i0 - 1 + k;
      double w = arch::cubicInterpolationWeight(r - (k - 1), p.cubicCoeffA);
      if (p.excludeOutside && (i < 0 || i >= inLen))
        w = 0;
      t.index[k] = clampIdx(i);
      t.weight[k] = w;
      sum += w;
    }
    if (p.excludeOutside && sum != 0)
      for (int k = 0; k < 4; ++k)
        t.weight[k] /= sum;
    break;
  }
  }
  // Drop zero-weight taps (e.g. linear at integer coordinates).
  int n = 0;
  for (int k = 0; k < t.count; ++k)
    if (t.weight[k] != 0 || (k == t.count - 1 && n == 0)) {
      t.index[n] = t.index[k];
      t.weight[n] = t.weight[k];
      ++n;
    }
  t.count = n;
  return t;
}

} // namespace

Status resize(const HostTensor &x, const ResizeParams &p, HostTensor &y,
              ThreadPool *pool) {
  const int64_t rank = x.rank();
  if (int64_t(p.scales.size()) != rank)
    return Status::error("resize needs one scale per dimension");
  if (y.rank() != rank)
    return Status::error("resize keeps the rank");
  NPU_RETURN_IF_ERROR(expectSameDType(x, y, "resize"));
  if (x.dtype() == DType::Bool)
    return Status::error("resize is not defined on booleans");
  const bool crop = p.coord == ResizeParams::Coord::TfCropAndResize;
  if (crop && int64_t(p.roi.size()) != 2 * rank)
    return Status::error("tf_crop_and_resize needs a roi of 2 * rank values");
  for (int64_t d = 0; d < rank; ++d) {
    if (!(p.scales[d].num > 0 && p.scales[d].den > 0))
      return Status::error("resize scales must be positive");
    if (x.dim(d) == 0 && y.dim(d) != 0)
      return Status::error("cannot resize an empty dimension");
  }
  if (y.numElements() == 0)
    return Status::success();

  // Taps per dimension and output index.
  std::vector<std::vector<DimTaps>> taps(rank);
  for (int64_t d = 0; d < rank; ++d) {
    taps[d].resize(y.dim(d));
    double rs = crop ? p.roi[d] : 0, re = crop ? p.roi[rank + d] : 1;
    for (int64_t i = 0; i < y.dim(d); ++i)
      taps[d][i] = computeTaps(i, x.dim(d), y.dim(d), p.scales[d], p, rs, re);
  }
  const auto xs = stridesOf(x.shape());
  const int64_t inner = y.dim(rank - 1);
  const int64_t rows = y.numElements() / inner;
  const std::vector<DimTaps> &lastTaps = taps[rank - 1];
  bool lastSingle = true;
  std::vector<int64_t> lastIndex(inner);
  for (int64_t j = 0; j < inner; ++j) {
    lastSingle &= lastTaps[j].count == 1 && lastTaps[j].weight[0] == 1 &&
                  !lastTaps[j].outside;
    lastIndex[j] = lastTaps[j].index[0];
  }

  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, bool>) {
      using C = ComputeType<T>;
      const T *src = x.data<T>();
      T *dst = y.data<T>();
      auto store = [](double v) -> T {
        if constexpr (isIntStorage<T>)
          return static_cast<T>(std::nearbyint(v));
        else
          return storeElem<T>(static_cast<C>(v));
      };
      const T extrapolated = store(p.extrapolationValue);
      parallelForRange(
          pool, rows, std::max<int64_t>(1, 4096 / inner),
          [&](int64_t rb, int64_t re) {
            std::vector<int64_t> idx(rank, 0);
            // Row taps: the product over the outer dimensions, as (offset,
            // weight) pairs.
            std::vector<std::pair<int64_t, double>> rowTaps, next;
            int64_t previousSource = -1; // source row of output row r - 1
            for (int64_t r = rb; r < re; ++r) {
              int64_t rem = r;
              for (int64_t d = rank - 2; d >= 0; --d) {
                idx[d] = rem % y.dim(d);
                rem /= y.dim(d);
              }
              rowTaps.assign(1, {0, 1.0});
              bool outside = false;
              for (int64_t d = 0; d < rank - 1; ++d) {
                const DimTaps &t = taps[d][idx[d]];
                outside |= t.outside;
                next.clear();
                for (auto [off, w] : rowTaps)
                  for (int k = 0; k < t.count; ++k)
                    next.push_back({off + t.index[k] * xs[d], w * t.weight[k]});
                rowTaps.swap(next);
              }
              T *o = dst + r * inner;
              if (outside) {
                std::fill(o, o + inner, extrapolated);
                previousSource = -1;
                continue;
              }
              if (lastSingle && rowTaps.size() == 1 &&
                  rowTaps[0].second == 1.0) {
                // Nearest (or unscaled) rows: a gather, or a copy of the
                // previous output row when upsampling repeats it.
                if (rowTaps[0].first == previousSource) {
                  std::memcpy(o, o - inner, inner * sizeof(T));
                  continue;
                }
                const T *row = src + rowTaps[0].first;
                for (int64_t j = 0; j < inner; ++j)
                  o[j] = row[lastIndex[j]];
                previousSource = rowTaps[0].first;
                continue;
              }
              previousSource = -1;
              for (int64_t j = 0; j < inner; ++j) {
                const DimTaps &t = lastTaps[j];
                if (t.outside) {
                  o[j] = extrapolated;
                  continue;
                }
                double acc = 0;
                for (auto [off, w] : rowTaps)
                  for (int k = 0; k < t.count; ++k)
                    acc += w * t.weight[k] *
                           static_cast<double>(loadElem(src[off + t.index[k]]));
                o[j] = store(acc);
              }
            }
          });
    }
  });
  return Status::success();
}

} // namespace npu::kernels
