//===- SpaceToDepth.cpp - Stride-2 first layers as stride-1 convs ---------===//
//
// The block tensor is [H/2, W/2, 4C] (padded to 16): channel
// (dy * 2 + dx) * C + c of block (by, bx) is input channel c at row
// 2 by + dy, column 2 bx + dx. Output row y of a stride-2 convolution reads the
// padded input rows 2y - pt + t, t in [0, k). With e = pt % 2 and a = pt + e,
// write t + e = 2j + dy (dy in {0, 1}): the row is 2(y + j - a/2) + dy, i.e.
// row dy of the 2x2 block y + j - a/2. So the block tensor is read with stride
// 1, kernel ceil((k + e) / 2), top padding a/2 blocks, and tap j holds the
// original taps 2j + dy - e (none for dy = 0, j = 0 when e = 1). Columns
// likewise. Blocks past the input are padding, as the rows they stand for
// were.
//
//===----------------------------------------------------------------------===//

#include "npu/Conversion/NPUToNPUHW/SpaceToDepth.h"

#include <algorithm>
#include <cstring>

namespace npu::lowering {

namespace {
/// Kernel, top padding and bottom padding along one axis of the block
/// tensor; false if the DPU cannot pad that way.
bool blockAxis(int64_t k, int64_t pad, int64_t in, int64_t out, int64_t &kb,
               int64_t &padBegin, int64_t &padEnd) {
  int64_t e = pad % 2;
  kb = (k + e + 1) / 2;
  padBegin = (pad + e) / 2;
  padEnd = std::max<int64_t>(0, (out - 1) + kb - in / 2 - padBegin);
  return padBegin < kb && padEnd < kb;
}
} // namespace

std::optional<SpaceToDepthConv> spaceToDepthConv(const HostTensor &weights,
                                                 const ConvWindow &win) {
  if (weights.dtype() != DType::F32 || weights.rank() != 4)
    return std::nullopt;
  int64_t m = weights.dim(0), c = weights.dim(1);
  if (c > 4 || win.sh != 2 || win.sw != 2 || win.h % 2 || win.w % 2 ||
      win.kh * win.kw == 1 || weights.dim(2) != win.kh ||
      weights.dim(3) != win.kw || win.pt < 0 || win.pl < 0)
    return std::nullopt;
  SpaceToDepthConv r;
  ConvWindow &b = r.window;
  b.sh = b.sw = 1;
  b.h = win.h / 2, b.w = win.w / 2, b.oh = win.oh, b.ow = win.ow;
  if (!blockAxis(win.kh, win.pt, win.h, win.oh, b.kh, b.pt, b.pb) ||
      !blockAxis(win.kw, win.pl, win.w, win.ow, b.kw, b.pl, b.pr))
    return std::nullopt;
  int64_t eh = win.pt % 2, ew = win.pl % 2;
  r.weights = HostTensor(DType::F32, {m, 16, b.kh, b.kw});
  std::memset(r.weights.raw(), 0, r.weights.byteSize());
  const float *src = weights.data<float>();
  float *dst = r.weights.data<float>();
  for (int64_t o = 0; o < m; ++o)
    for (int64_t j = 0; j < b.kh; ++j)
      for (int64_t i = 0; i < b.kw; ++i)
        for (int64_t dy = 0; dy < 2; ++dy)
          for (int64_t dx = 0; dx < 2; ++dx) {
            int64_t y = 2 * j + dy - eh, x = 2 * i + dx - ew;
            if (y < 0 || y >= win.kh || x < 0 || x >= win.kw)
              continue;
            for (int64_t ci = 0; ci < c; ++ci)
              dst[((o * 16 + (dy * 2 + dx) * c + ci) * b.kh + j) * b.kw + i] =
                  src[((o * c + ci) * win.kh + y) * win.kw + x];
          }
  return r;
}

} // namespace npu::lowering
