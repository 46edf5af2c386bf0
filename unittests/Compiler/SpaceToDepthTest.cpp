//===- SpaceToDepthTest.cpp - Stride-2 first layers as stride-1 convs -----===//
//
// spaceToDepthConv's convolution over the block tensor must compute exactly
// the original stride-2 convolution: both are evaluated here directly, with
// integer-valued data (exact in float), over kernels, paddings (both
// parities, ceil-mode extensions) and channel counts.
//
//===----------------------------------------------------------------------===//

#include "npu/Conversion/NPUToNPUHW/SpaceToDepth.h"

#include "gtest/gtest.h"

#include <cstring>
#include <random>

using namespace npu;
using namespace npu::lowering;

namespace {

/// out[m][oy][ox] of a convolution over in[c][h][w] (zero padding) with
/// weights [M, C, kh, kw].
std::vector<float> conv(const std::vector<float> &in, int64_t c, int64_t h,
                        int64_t w, const HostTensor &wt,
                        const ConvWindow &win) {
  int64_t m = wt.dim(0);
  std::vector<float> out(size_t(m * win.oh * win.ow), 0.0f);
  const float *k = wt.data<float>();
  for (int64_t o = 0; o < m; ++o)
    for (int64_t oy = 0; oy < win.oh; ++oy)
      for (int64_t ox = 0; ox < win.ow; ++ox) {
        float acc = 0.0f;
        for (int64_t ci = 0; ci < c; ++ci)
          for (int64_t ky = 0; ky < win.kh; ++ky)
            for (int64_t kx = 0; kx < win.kw; ++kx) {
              int64_t y = oy * win.sh - win.pt + ky;
              int64_t x = ox * win.sw - win.pl + kx;
              if (y < 0 || y >= h || x < 0 || x >= w)
                continue;
              acc += in[(ci * h + y) * w + x] *
                     k[((o * c + ci) * win.kh + ky) * win.kw + kx];
            }
        out[(o * win.oh + oy) * win.ow + ox] = acc;
      }
  return out;
}

/// The lowering's block tensor as [16, H/2, W/2]: channel (dy*2+dx)*C + c.
std::vector<float> blocks(const std::vector<float> &in, int64_t c, int64_t h,
                          int64_t w) {
  std::vector<float> out(size_t(16 * (h / 2) * (w / 2)), 0.0f);
  for (int64_t ci = 0; ci < c; ++ci)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x) {
        int64_t ch = ((y % 2) * 2 + x % 2) * c + ci;
        out[(ch * (h / 2) + y / 2) * (w / 2) + x / 2] =
            in[(ci * h + y) * w + x];
      }
  return out;
}

struct Case {
  int64_t c, h, w, k, pt, pl, pb, pr;
};

TEST(SpaceToDepth, EqualsTheStrideTwoConvolution) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> value(-8, 8);
  const Case cases[] = {
      {3, 16, 16, 7, 3, 3, 3, 3}, // ResNet's stem
      {3, 16, 12, 3, 1, 1, 1, 1}, // MobileNet / PP-OCR stems
      {1, 10, 14, 3, 0, 0, 0, 0}, {4, 8, 8, 2, 0, 0, 0, 0},
      {2, 12, 8, 5, 2, 1, 2, 2},  {3, 14, 10, 4, 1, 2, 2, 1},
      {3, 8, 8, 3, 1, 1, 2, 2}, // ceil mode: extended bottom / right
      {1, 6, 6, 11, 5, 5, 5, 5},
  };
  for (const Case &t : cases) {
    ConvWindow win;
    win.kh = win.kw = t.k, win.sh = win.sw = 2;
    win.pt = t.pt, win.pl = t.pl, win.pb = t.pb, win.pr = t.pr;
    win.h = t.h, win.w = t.w;
    win.oh = (t.h + t.pt + t.pb - t.k) / 2 + 1;
    win.ow = (t.w + t.pl + t.pr - t.k) / 2 + 1;
    int64_t m = 5;
    HostTensor wt(DType::F32, {m, t.c, t.k, t.k});
    for (int64_t i = 0; i < wt.numElements(); ++i)
      wt.data<float>()[i] = float(value(rng));
    std::vector<float> in(size_t(t.c * t.h * t.w));
    for (float &v : in)
      v = float(value(rng));

    auto s2d = spaceToDepthConv(wt, win);
    ASSERT_TRUE(s2d) << "k " << t.k << " pads " << t.pt << "," << t.pl;
    const ConvWindow &b = s2d->window;
    EXPECT_EQ(b.sh, 1);
    EXPECT_EQ(b.sw, 1);
    EXPECT_EQ(b.kh, (t.k + t.pt % 2 + 1) / 2);
    EXPECT_LT(b.pt, b.kh);
    EXPECT_LT(b.pb, b.kh);
    // The DPU's output size over the block tensor is the original one.
    EXPECT_GE((b.h + b.pt + b.pb - b.kh) + 1, win.oh);
    EXPECT_GE((b.w + b.pl + b.pr - b.kw) + 1, win.ow);
    std::vector<float> expected = conv(in, t.c, t.h, t.w, wt, win);
    std::vector<float> got =
        conv(blocks(in, t.c, t.h, t.w), 16, t.h / 2, t.w / 2, s2d->weights, b);
    EXPECT_EQ(got, expected) << "c " << t.c << " k " << t.k << " pads " << t.pt
                             << "," << t.pl << "," << t.pb << "," << t.pr;
  }
}

TEST(SpaceToDepth, RefusesWhatItCannotRewrite) {
  HostTensor wt(DType::F32, {8, 3, 3, 3});
  std::memset(wt.raw(), 0, wt.byteSize());
  ConvWindow win;
  win.kh = win.kw = 3, win.sh = win.sw = 2,
  win.pt = win.pl = win.pb = win.pr = 1;
  win.h = win.w = 16, win.oh = win.ow = 8;
  EXPECT_TRUE(spaceToDepthConv(wt, win));
  ConvWindow stride1 = win;
  stride1.sh = stride1.sw = 1, stride1.oh = stride1.ow = 16;
  EXPECT_FALSE(spaceToDepthConv(wt, stride1));
  ConvWindow odd = win;
  odd.h = 15;
  EXPECT_FALSE(spaceToDepthConv(wt, odd));
  HostTensor wide(DType::F32, {8, 5, 3, 3});
  EXPECT_FALSE(spaceToDepthConv(wide, win)); // 4 x 5 channels > 16
  HostTensor one(DType::F32, {8, 3, 1, 1});
  ConvWindow pointwise = win;
  pointwise.kh = pointwise.kw = 1, pointwise.pt = pointwise.pl = 0;
  pointwise.pb = pointwise.pr = 0;
  EXPECT_FALSE(spaceToDepthConv(one, pointwise));
}

} // namespace
