//===- ResizeTest.cpp - Resize against ONNX's own test vectors ------------===//

#include "npu/Kernels/Resize.h"

#include "KernelTestUtils.h"

#include <cstring>

using namespace npu;
using namespace npu::kernels;
using namespace npu::testing;

namespace {
struct OnnxResizeCase {
  const char *name, *mode, *coord, *nearest;
  double cubicA;
  int excludeOutside;
  double extrapolation;
  std::vector<std::pair<double, double>> scales; // numerator, denominator
  std::vector<double> roi;
  std::vector<int64_t> inShape;
  std::vector<double> input;
  std::vector<int64_t> outShape;
  std::vector<double> output;
};

const OnnxResizeCase kCases[] = {
#include "ResizeCases.inc"
};

ResizeParams paramsOf(const OnnxResizeCase &c) {
  ResizeParams p;
  std::string mode = c.mode, coord = c.coord, nearest = c.nearest;
  p.mode = mode == "nearest"  ? ResizeParams::Mode::Nearest
           : mode == "linear" ? ResizeParams::Mode::Linear
                              : ResizeParams::Mode::Cubic;
  using C = ResizeParams::Coord;
  p.coord = coord == "half_pixel"             ? C::HalfPixel
            : coord == "half_pixel_symmetric" ? C::HalfPixelSymmetric
            : coord == "pytorch_half_pixel"   ? C::PytorchHalfPixel
            : coord == "align_corners"        ? C::AlignCorners
            : coord == "asymmetric"           ? C::Asymmetric
                                              : C::TfCropAndResize;
  using N = ResizeParams::Nearest;
  p.nearest = nearest == "round_prefer_floor"  ? N::RoundPreferFloor
              : nearest == "round_prefer_ceil" ? N::RoundPreferCeil
              : nearest == "floor"             ? N::Floor
                                               : N::Ceil;
  // A given scale is a float; sizes give an exact ratio.
  for (auto [num, den] : c.scales)
    p.scales.push_back(den == 1 ? ResizeScale(static_cast<float>(num))
                                : ResizeScale(num, den));
  for (double r : c.roi)
    p.roi.push_back(static_cast<float>(r));
  p.cubicCoeffA = static_cast<float>(c.cubicA);
  p.excludeOutside = c.excludeOutside;
  p.extrapolationValue = static_cast<float>(c.extrapolation);
  return p;
}
} // namespace

TEST(Resize, MatchesOnnxNodeTests) {
  ASSERT_GE(std::size(kCases), 20u);
  for (const OnnxResizeCase &c : kCases) {
    SCOPED_TRACE(c.name);
    HostTensor x = f32(c.inShape, c.input);
    HostTensor expected = f32(c.outShape, c.output);
    HostTensor y(DType::F32, c.outShape);
    Status s = resize(x, paramsOf(c), y);
    ASSERT_TRUE(s.ok()) << s.message();
    expectClose(y, expected, 1e-5, 1e-5);
  }
}

TEST(Resize, NearestUpsampleOfIntegersAndHalf) {
  ResizeParams p;
  p.coord = ResizeParams::Coord::Asymmetric;
  p.nearest = ResizeParams::Nearest::Floor;
  p.scales = {1, 2, 2};
  HostTensor x = makeTensor(DType::U8, {1, 2, 2}, {1, 2, 3, 4});
  HostTensor y(DType::U8, {1, 4, 4});
  ASSERT_TRUE(resize(x, p, y).ok());
  expectValues(y, {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
  HostTensor xh = makeTensor(DType::F16, {1, 2, 2}, {1, 2, 3, 4});
  HostTensor yh(DType::F16, {1, 4, 4});
  p.mode = ResizeParams::Mode::Linear;
  p.coord = ResizeParams::Coord::AlignCorners;
  ASSERT_TRUE(resize(xh, p, yh).ok());
  EXPECT_NEAR(yh.getAsDouble(1), 1 + 1.0 / 3, 1e-3);
}

TEST(Resize, SourceCoordinates) {
  using C = ResizeParams::Coord;
  EXPECT_DOUBLE_EQ(resizeSourceCoordinate(3, 2, 4, 8, C::HalfPixel, 0, 1),
                   1.25);
  EXPECT_DOUBLE_EQ(resizeSourceCoordinate(3, 2, 4, 8, C::Asymmetric, 0, 1),
                   1.5);
  EXPECT_DOUBLE_EQ(resizeSourceCoordinate(7, 2, 4, 8, C::AlignCorners, 0, 1),
                   3);
  EXPECT_DOUBLE_EQ(
      resizeSourceCoordinate(0, 0.25, 4, 1, C::PytorchHalfPixel, 0, 1), 0);
  // half_pixel_symmetric with an output size that is not scale * input.
  double x = resizeSourceCoordinate(0, 1.7, 3, 5, C::HalfPixelSymmetric, 0, 1);
  double adj = 5 / (1.7 * 3), offset = 1.5 * (1 - adj);
  EXPECT_DOUBLE_EQ(x, offset + 0.5 / 1.7 - 0.5);
}

/// With the exact ratio output / input as the scale, a source coordinate that
/// is a whole or half number is computed exactly, and any other stays on its
/// side of every half step, for every (input, output) length up to 64: the
/// points where nearest rounding and the taps change. A float (or double)
/// scale misses some: 7 -> 9 with half_pixel in double, 30 -> 10 asymmetric
/// in float.
TEST(Resize, ExactRatioCoordinates) {
  using C = ResizeParams::Coord;
  for (C mode : {C::Asymmetric, C::HalfPixel, C::PytorchHalfPixel,
                 C::HalfPixelSymmetric, C::AlignCorners})
    for (int64_t in = 1; in <= 64; ++in)
      for (int64_t out = 2; out <= 64; ++out)
        for (int64_t x = 0; x < out; ++x) {
          // The exact coordinate as num / den.
          int64_t num = (2 * x + 1) * in - out, den = 2 * out;
          if (mode == C::Asymmetric)
            num = x * in, den = out;
          if (mode == C::AlignCorners)
            num = x * (in - 1), den = out - 1;
          double src = resizeSourceCoordinate(x, ResizeScale(out, in), in, out,
                                              mode, 0, 1);
          // floor(2 * src) must be floor(2 * num / den), and equality hold.
          int64_t twice = 2 * num, q = twice / den - (twice % den < 0);
          ASSERT_EQ(std::floor(2 * src), double(q))
              << in << " -> " << out << " at " << x;
          if (twice % den == 0)
            ASSERT_EQ(2 * src, double(q)) << in << " -> " << out << " at " << x;
        }
}

TEST(Resize, SimpleNearestOfResize10AndUpsample) {
  // Floor where a dimension grows, the ceiling where it shrinks:
  // arange(8) by 0.75 takes 0, 2, 3, 4, 6, 7; [[1, 2], [3, 4]] by 1 x 3
  // repeats each column three times.
  ResizeParams p;
  p.coord = ResizeParams::Coord::Asymmetric;
  p.nearest = ResizeParams::Nearest::Simple;
  p.scales = {1, 0.75f};
  HostTensor x = iota(DType::F32, {1, 8}, 0);
  HostTensor y(DType::F32, {1, 6});
  ASSERT_TRUE(resize(x, p, y).ok());
  expectValues(y, {0, 2, 3, 4, 6, 7});
  p.scales = {0.6f, 3};
  HostTensor x2 = iota(DType::F32, {2, 2}, 1);
  HostTensor y2(DType::F32, {1, 6});
  ASSERT_TRUE(resize(x2, p, y2).ok());
  expectValues(y2, {1, 1, 1, 2, 2, 2});
}

TEST(Resize, SizesScaleTakesTheExactSamples) {
  // arange(30) to 10 samples, asymmetric, floor: 0, 3, ..., 27 (a float
  // scale 10 / 30 gives 0, 2, 5, ...).
  ResizeParams p;
  p.coord = ResizeParams::Coord::Asymmetric;
  p.nearest = ResizeParams::Nearest::Floor;
  p.scales = {1, ResizeScale(10, 30)};
  HostTensor x = iota(DType::F32, {1, 30}, 0);
  HostTensor y(DType::F32, {1, 10});
  ASSERT_TRUE(resize(x, p, y).ok());
  expectValues(y, {0, 3, 6, 9, 12, 15, 18, 21, 24, 27});
}
