//===- ExecutorTest.cpp - Device model: arithmetic, ordering, faults ------===//
//
// Runs blobs on the device model directly (no Level Zero) and compares every
// task kind with plain reference loops, including the rounding and
// saturation corners of the post-processing; checks that barriers order
// tasks and that bad accesses are device errors.
//
//===----------------------------------------------------------------------===//

#include "Reference.h"
#include "RunBlob.h"

#include "npu/Arch/CostModel.h"
#include "npu/Blob/BlobReader.h"
#include "npu/Blob/BlobWriter.h"
#include "npu/Blob/ProgramBuilder.h"
#include "npu/Blob/Samples/Samples.h"
#include "npu/Blob/Timeline.h"
#include "npu/Blob/Verifier.h"
#include "npu/Simulator/Executor.h"

#include "../../lib/Device/DpuConv.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace npu;
using namespace npu::blob;
using namespace npu::test;

namespace {

std::vector<uint8_t> sample(arch::Platform p, const std::string &name) {
  for (SampleBlob &s : makeSampleBlobs(p))
    if (s.name == name)
      return s.bytes;
  return {};
}

} // namespace

TEST(PostProcess, RoundingAndSaturationCorners) {
  arch::IntPpeParams p;
  // Half-way values round towards +infinity: 2.5 -> 3, -2.5 -> -2.
  EXPECT_EQ(arch::ppeInt(5, 1, 1, p), 3);
  EXPECT_EQ(arch::ppeInt(-5, 1, 1, p), -2);
  EXPECT_EQ(arch::ppeInt(-7, 1, 1, p), -3); // -3.5 -> -3
  EXPECT_EQ(arch::ppeInt(7, 1, 1, p), 4);   // 3.5 -> 4
  // Saturation at the output type, after the zero point.
  EXPECT_EQ(arch::ppeInt(1000, 1, 0, p), 127);
  EXPECT_EQ(arch::ppeInt(-1000, 1, 0, p), -128);
  p.outZeroPoint = 100;
  EXPECT_EQ(arch::ppeInt(30, 1, 0, p), 127);
  // A multiplier of 0xFFFF with a large accumulator needs 64-bit products.
  p.outZeroPoint = 0;
  EXPECT_EQ(arch::ppeInt(INT32_MAX, 0xFFFF, 47, p), 1); // 0.99998 -> 1
  // Clamp inside the type range.
  p.clampLow = -10;
  p.clampHigh = 20;
  EXPECT_EQ(arch::ppeInt(-50, 1, 0, p), -10);
  EXPECT_EQ(arch::ppeInt(50, 1, 0, p), 20);
  // uint8 output.
  arch::IntPpeParams u;
  u.typeMin = 0;
  u.typeMax = 255;
  EXPECT_EQ(arch::ppeInt(-3, 1, 0, u), 0);
  EXPECT_EQ(arch::ppeInt(300, 1, 0, u), 255);
  // ReLU and LeakyReLU act on the accumulator: -10 * 13 / 2^7 = -1.015 -> -1
  arch::IntPpeParams r;
  r.activation = arch::Activation::Relu;
  EXPECT_EQ(arch::ppeInt(-10, 1, 0, r), 0);
  r.activation = arch::Activation::LeakyRelu;
  r.leakyMult = 13;
  r.leakyShift = 7;
  EXPECT_EQ(arch::ppeInt(-10, 1, 0, r), -1);
  EXPECT_EQ(arch::ppeInt(-1000, 1, 0, r), -102); // -101.56 -> -102
  // Agreement with the independent reference on a sweep.
  for (int32_t acc = -70000; acc <= 70000; acc += 37)
    for (unsigned shift : {0u, 3u, 15u, 20u})
      EXPECT_EQ(
          arch::ppeInt(acc, 3001, shift, r),
          ref::requant(acc, 3001, shift, 0, r.activation, 13, 7, -128, 127))
          << acc << " >> " << shift;
}

TEST(DpuConv, VectorisedKernelMatchesPortable) {
  SplitMix rng(3);
  for (uint32_t C : {4u, 16u, 48u, 64u}) {
    uint32_t kh = 3, kw = 3, PW = 9, PH = 9, K = 8;
    std::vector<int16_t> in(PH * PW * C), w(K * kh * kw * C);
    for (int16_t &v : in)
      v = int16_t(rng.uniform(-255, 255));
    for (int16_t &v : w)
      v = int16_t(rng.uniform(-128, 127));
    device::ConvProblem p{in.data(), w.data(), PW, C, kh, kw, 1, 1};
    for (uint32_t nx : {1u, 2u, 3u, 4u})
      for (uint32_t nk : {1u, 3u, 4u}) {
        int32_t a[device::kConvBlockPixels][device::kConvBlockChannels] = {};
        int32_t b[device::kConvBlockPixels][device::kConvBlockChannels] = {};
        device::convBlock(p, 2, 3, nx, 4, nk, a);
        device::convBlockPortable(p, 2, 3, nx, 4, nk, b);
        for (uint32_t i = 0; i < nx; ++i)
          for (uint32_t j = 0; j < nk; ++j)
            EXPECT_EQ(a[i][j], b[i][j]) << C << " " << i << " " << j;
        // The AVX2 kernel (what a CPU without AVX-512 VNNI runs), where
        // the CPU has AVX2.
        int32_t c[device::kConvBlockPixels][device::kConvBlockChannels] = {};
        if (device::convBlockAvx2(p, 2, 3, nx, 4, nk, c))
          for (uint32_t i = 0; i < nx; ++i)
            for (uint32_t j = 0; j < nk; ++j)
              EXPECT_EQ(c[i][j], b[i][j]) << C << " " << i << " " << j;
      }
  }
}

TEST(DpuConv, Fp16VectorisedSumsEqualPortableBitForBit) {
  // Values over many binades (sums whose rounding depends on the order),
  // subnormal products, infinities and a NaN: each output channel's sum
  // must be the portable loop's bit for bit.
  SplitMix rng(5);
  for (uint32_t C : {1u, 16u, 35u}) {
    uint32_t kh = 3, kw = 2, PW = 7, PH = 6, K = 13;
    uint32_t kp = 16;
    std::vector<float> in(PH * PW * C), wT(kh * kw * C * kp, 0.0f);
    auto value = [&]() {
      float v = float(rng.uniform(-1000, 1000)) *
                std::ldexp(1.0f, int(rng.uniform(-30, 12)));
      return v;
    };
    for (float &v : in)
      v = value();
    for (size_t i = 0; i < kh * kw * C; ++i)
      for (uint32_t k = 0; k < K; ++k)
        wT[i * kp + k] = value();
    in[5] = 1e-30f;
    wT[3 * kp + 2] = 1e-20f;
    if (C > 1) {
      in[C + 1] = INFINITY;
      wT[(C + 1) * kp + 7] = NAN;
    }
    device::Fp16ConvProblem p{in.data(), wT.data(), PW, C, kh, kw, 2, 1, kp};
    for (uint32_t k : {0u, 8u})
      for (uint32_t oy : {0u, 1u})
        for (uint32_t ox : {0u, 3u, 5u}) {
          uint32_t nk = std::min(device::kFp16ConvChannels, K - k);
          float a[device::kFp16ConvChannels], b[device::kFp16ConvChannels];
          device::convPixelFp16Portable(p, oy, ox, k, nk, b);
          device::convPixelFp16(p, oy, ox, k, nk, a);
          float c[device::kFp16ConvChannels];
          bool avx2 = device::convPixelFp16Avx2(p, oy, ox, k, nk, c);
          for (uint32_t j = 0; j < nk; ++j) {
            uint32_t ab, bb, cb;
            std::memcpy(&ab, &a[j], 4);
            std::memcpy(&bb, &b[j], 4);
            std::memcpy(&cb, &c[j], 4);
            EXPECT_EQ(ab, bb) << C << " " << k + j;
            if (avx2)
              EXPECT_EQ(cb, bb) << C << " " << k + j;
          }
        }
  }
}

TEST(Dpu, ConvInt8MatchesReferenceOnBothPlatforms) {
  for (arch::Platform plat : {arch::Platform::NPU3720, arch::Platform::NPU4000})
    for (arch::Activation act : {arch::Activation::None, arch::Activation::Relu,
                                 arch::Activation::LeakyRelu}) {
      ConvBlobSpec s;
      s.platform = plat;
      s.height = 13;
      s.width = 11;
      s.inChannels = 32;
      s.outChannels = 48;
      s.nchw = act == arch::Activation::Relu;
      s.activation = act;
      s.leakyMult = 26;
      s.leakyShift = 8;
      s.inZeroPoint = -7;
      s.outZeroPoint = 4;
      s.tiles = 2;
      s.workloadsPerTile = 3;
      fillConvParams(s, 11);
      // Small multipliers push many outputs to the saturation bounds.
      for (uint16_t &m : s.mult)
        m = uint16_t(m / 2);
      HostTensor in =
          ref::randomTensor(DType::I8,
                            s.nchw ? std::vector<int64_t>{1, 32, 13, 11}
                                   : std::vector<int64_t>{1, 13, 11, 32},
                            5, -128, 127);
      RunResult r = run(buildConvBlob(s), {in});
      ASSERT_TRUE(r.ok) << r.error;
      HostTensor expect = ref::convInt8(s, in);
      ASSERT_EQ(
          std::memcmp(expect.raw(), r.outputs[0].raw(), expect.byteSize()), 0);
      // Saturation was exercised.
      int sat = 0;
      for (int64_t i = 0; i < expect.numElements(); ++i)
        sat +=
            expect.data<int8_t>()[i] == 127 || expect.data<int8_t>()[i] == -128;
      EXPECT_GT(sat, 0);
    }
}

/// int8 inputs and weights, fp16 output: float(acc) * scale, LeakyReLU
/// with a float slope, rounded once to fp16.
TEST(Dpu, DequantizingConvMatchesReference) {
  ConvBlobSpec s;
  s.platform = arch::Platform::NPU4000;
  s.height = s.width = 9;
  s.inChannels = 16;
  s.outChannels = 32;
  s.nchw = true;
  s.inZeroPoint = 2;
  s.activation = arch::Activation::LeakyRelu;
  s.outputType = DType::F16;
  s.tiles = 3;
  fillConvParams(s, 21);
  for (uint32_t k = 0; k < 32; ++k)
    s.floatScale.push_back(1e-4f * float(k + 1));
  std::vector<uint8_t> bytes = buildConvBlob(s);
  // The integer reference with a unit requantization gives the raw
  // accumulators (before activation) when mult = 1, shift = 0 and no clamp.
  LoadedBlob lb;
  std::string error;
  ASSERT_TRUE(readBlob(bytes.data(), bytes.size(), {}, lb, error)) << error;
  for (TaskList &l : lb.program.taskLists)
    for (Task &t : l.tasks)
      if (t.kind == Engine::Dpu)
        t.dpu.ppe.leakyAlpha = 0.25f;
  std::vector<uint8_t> w(lb.weights, lb.weights + lb.weightsSize);
  HostTensor in = ref::randomTensor(DType::I8, {1, 16, 9, 9}, 6, -128, 127);
  RunResult r = run(writeBlob(lb.program, w), {in});
  ASSERT_TRUE(r.ok) << r.error;
  for (uint32_t o = 0; o < 32; ++o)
    for (uint32_t y = 0; y < 9; ++y)
      for (uint32_t x = 0; x < 9; ++x) {
        int64_t acc = s.bias[o];
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx) {
            int iy = int(y) + ky - 1, ix = int(x) + kx - 1;
            if (iy < 0 || ix < 0 || iy >= 9 || ix >= 9)
              continue;
            for (uint32_t c = 0; c < 16; ++c)
              acc += int64_t(in.data<int8_t>()[(c * 9 + iy) * 9 + ix] - 2) *
                     s.weights[((o * 3 + ky) * 3 + kx) * 16 + c];
          }
        float v = float(acc) * s.floatScale[o];
        if (v < 0)
          v *= 0.25f;
        uint16_t got = r.outputs[0].data<uint16_t>()[(o * 9 + y) * 9 + x];
        ASSERT_EQ(got, floatToHalf(v)) << o << "," << y << "," << x;
      }
}

TEST(Dpu, StridedConvMatchesReference) {
  ConvBlobSpec s;
  s.height = s.width = 15;
  s.inChannels = 16;
  s.outChannels = 16;
  s.kernel = 5;
  s.stride = 2;
  s.pad = 2;
  s.tiles = 2;
  fillConvParams(s, 4);
  HostTensor in = ref::randomTensor(DType::I8, {1, 15, 15, 16}, 8, -128, 127);
  RunResult r = run(buildConvBlob(s), {in});
  ASSERT_TRUE(r.ok) << r.error;
  HostTensor expect = ref::convInt8(s, in);
  EXPECT_EQ(std::memcmp(expect.raw(), r.outputs[0].raw(), expect.byteSize()),
            0);
}

TEST(Dpu, EltwiseAddMatchesReference) {
  for (arch::Platform plat :
       {arch::Platform::NPU3720, arch::Platform::NPU4000}) {
    HostTensor a = ref::randomTensor(DType::I8, {1, 16, 16, 32}, 1, -128, 127);
    HostTensor b = ref::randomTensor(DType::I8, {1, 16, 16, 32}, 2, -128, 127);
    RunResult r = run(sample(plat, "eltwise_add_int8"), {a, b});
    ASSERT_TRUE(r.ok) << r.error;
    for (int64_t i = 0; i < a.numElements(); ++i) {
      int64_t acc = int64_t(a.data<int8_t>()[i] - 3) * 8192 +
                    int64_t(b.data<int8_t>()[i] + 2) * 16384;
      int32_t expect = ref::requant(acc, 27307, 29, 1, arch::Activation::None,
                                    0, 0, -128, 127);
      ASSERT_EQ(r.outputs[0].data<int8_t>()[i], expect) << i;
    }
  }
}

TEST(Dpu, MaxPoolMatchesReference) {
  HostTensor in = ref::randomTensor(DType::I8, {1, 32, 32, 16}, 9, -128, 127);
  RunResult r = run(sample(arch::Platform::NPU3720, "maxpool_int8"), {in});
  ASSERT_TRUE(r.ok) << r.error;
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 16; ++x)
      for (int c = 0; c < 16; ++c) {
        int m = -128;
        for (int dy = 0; dy < 2; ++dy)
          for (int dx = 0; dx < 2; ++dx)
            m = std::max<int>(
                m,
                in.data<int8_t>()[((2 * y + dy) * 32 + 2 * x + dx) * 16 + c]);
        ASSERT_EQ(r.outputs[0].data<int8_t>()[(y * 16 + x) * 16 + c], m);
      }
}

/// Depthwise 3x3 and average pooling 3x3 (padding 1) on uint8 data.
TEST(Dpu, DepthwiseAndAvgPoolMatchReference) {
  const uint32_t H = 9, W = 10, C = 32;
  SplitMix rng(12);
  std::vector<int8_t> dw(C * 9);
  for (int8_t &v : dw)
    v = int8_t(rng.uniform(-128, 127));
  for (DpuOp op : {DpuOp::DepthwiseConv, DpuOp::AvgPool}) {
    ProgramBuilder b(arch::Platform::NPU3720);
    uint32_t in = b.addInput({"x", DType::U8, {1, H, W, C}, Layout::NHWC, {}});
    uint32_t out =
        b.addOutput({"y", DType::U8, {1, H, W, C}, Layout::NHWC, {}});
    uint32_t ci = b.addCmx("x", 0, H * W * C), co = b.addCmx("y", 0, H * W * C);
    uint32_t l = b.addBarrier(), d = b.addBarrier();
    b.addDma(0, b.ref(in, DType::U8, {H, W, C}),
             b.ref(ci, DType::U8, {H, W, C}), {}, {l});
    DpuTask t;
    t.op = op;
    t.input = b.ref(ci, DType::U8, {H, W, C});
    t.output = b.ref(co, DType::U8, {H, W, C});
    t.kernelH = t.kernelW = 3;
    t.padTop = t.padLeft = t.padBottom = t.padRight = 1;
    t.inZeroPoint = 128;
    t.ppe.outZeroPoint = 128;
    std::vector<WeightTableEntry> table(C);
    for (uint32_t k = 0; k < C; ++k)
      table[k] = {int32_t(k * 9), packRequant(700 + k, 12), int32_t(k) - 16};
    if (op == DpuOp::DepthwiseConv) {
      uint32_t wb = b.addWeights("w", dw.data(), dw.size());
      uint32_t tb = b.addWeights("t", encodeWeightTable(table));
      uint32_t cw = b.addCmx("w", 0, dw.size()), ct = b.addCmx("t", 0, C * 16);
      b.addDma(1, b.ref(wb, DType::I8, {C * 9}), b.ref(cw, DType::I8, {C * 9}),
               {}, {l});
      b.addDma(1, b.ref(tb, DType::I32, {C, 4}), b.ref(ct, DType::I32, {C, 4}),
               {}, {l});
      t.weights = b.ref(cw, DType::I8, {C, 3, 3, 1});
      t.weightTable = b.ref(ct, DType::I32, {C, 4});
    } else {
      t.ppe.mult = 7282; // ~ 2^16 / 9
      t.ppe.shift = 16;
    }
    t.workloads = {{0, 0, 0, W, H, 16, arch::MpeMode::Cuboid16x16},
                   {0, 0, 16, W, H, 16, arch::MpeMode::Cuboid16x16}};
    b.addDpu(0, t, {l}, {d});
    b.addDma(0, b.ref(co, DType::U8, {H, W, C}),
             b.ref(out, DType::U8, {H, W, C}), {d}, {});
    HostTensor x = ref::randomTensor(DType::U8, {1, H, W, C}, 3, 0, 255);
    RunResult r = run(b.build(), {x});
    ASSERT_TRUE(r.ok) << r.error;
    for (uint32_t y = 0; y < H; ++y)
      for (uint32_t xx = 0; xx < W; ++xx)
        for (uint32_t k = 0; k < C; ++k) {
          int64_t acc = op == DpuOp::DepthwiseConv ? table[k].bias : 0;
          for (int ky = 0; ky < 3; ++ky)
            for (int kx = 0; kx < 3; ++kx) {
              int iy = int(y) + ky - 1, ix = int(xx) + kx - 1;
              if (iy < 0 || ix < 0 || iy >= int(H) || ix >= int(W))
                continue;
              int v = x.data<uint8_t>()[(iy * W + ix) * C + k] - 128;
              acc +=
                  op == DpuOp::DepthwiseConv ? v * dw[k * 9 + ky * 3 + kx] : v;
            }
          int32_t e = op == DpuOp::DepthwiseConv
                          ? ref::requant(acc, 700 + k, 12, 128,
                                         arch::Activation::None, 0, 0, 0, 255)
                          : ref::requant(acc, 7282, 16, 128,
                                         arch::Activation::None, 0, 0, 0, 255);
          ASSERT_EQ(r.outputs[0].data<uint8_t>()[(y * W + xx) * C + k], e)
              << dpuOpName(op) << " " << y << "," << xx << "," << k;
        }
  }
}

TEST(Dpu, Fp16ConvMatchesReference) {
  HostTensor in = ref::randomTensor(DType::F16, {1, 8, 8, 16}, 4, -2, 2);
  std::vector<uint8_t> bytes = sample(arch::Platform::NPU3720, "conv_fp16");
  RunResult r = run(bytes, {in});
  ASSERT_TRUE(r.ok) << r.error;
  // Weights as the sample generated them.
  SplitMix rng(7);
  std::vector<float> w(16 * 9 * 16), bias(16);
  for (float &v : w)
    v = halfToFloat(floatToHalf(rng.uniformFloat(-0.25f, 0.25f)));
  for (float &v : bias)
    v = rng.uniformFloat(-0.5f, 0.5f);
  // The simulator sums in fp32; a double reference agrees to fp16 rounding.
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x)
      for (int k = 0; k < 16; ++k) {
        double acc = bias[k];
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx) {
            int iy = y + ky - 1, ix = x + kx - 1;
            if (iy < 0 || ix < 0 || iy >= 8 || ix >= 8)
              continue;
            for (int c = 0; c < 16; ++c)
              acc += double(halfToFloat(
                         in.data<uint16_t>()[(iy * 8 + ix) * 16 + c])) *
                     w[((k * 3 + ky) * 3 + kx) * 16 + c];
          }
        if (acc < 0)
          acc *= 0.125;
        float got =
            halfToFloat(r.outputs[0].data<uint16_t>()[(y * 8 + x) * 16 + k]);
        EXPECT_NEAR(got, acc, 2e-3 + std::fabs(acc) * 1e-3);
      }
}

/// NPU4000's DPU can write fp32: the same accumulators as the f16 output,
/// without the final rounding to f16.
TEST(Dpu, Fp32OutputOnNpu4000) {
  std::vector<uint8_t> bytes = sample(arch::Platform::NPU4000, "conv_fp16");
  LoadedBlob b;
  std::string error;
  ASSERT_TRUE(readBlob(bytes.data(), bytes.size(), {}, b, error));
  Program p = b.program;
  p.outputs[0].dtype = DType::F32;
  for (Buffer &buf : p.buffers)
    if (buf.name == "output")
      buf.size *= 2;
  p.buffers.back().offset = 0;
  for (TaskList &l : p.taskLists)
    for (Task &t : l.tasks) {
      TensorRef *r = t.kind == Engine::Dpu ? &t.dpu.output
                     : t.name == "store"   ? &t.dma.src
                                           : nullptr;
      if (!r)
        continue;
      *r = TensorRef::dense(r->buffer, 0, DType::F32, r->shape);
      if (t.kind == Engine::Dma)
        t.dma.dst =
            TensorRef::dense(t.dma.dst.buffer, 0, DType::F32, t.dma.dst.shape);
    }
  // Move the (now 8 KiB) CMX output past the other buffers.
  uint64_t top = 0;
  for (size_t i = 0; i + 1 < p.buffers.size(); ++i)
    if (p.buffers[i].space == MemSpace::Cmx)
      top = std::max(top, p.buffers[i].offset + p.buffers[i].size);
  p.buffers.back().offset = (top + 63) / 64 * 64;
  p.memory.cmxUsed[0] = p.buffers.back().offset + p.buffers.back().size;
  std::vector<uint8_t> w(b.weights, b.weights + b.weightsSize);
  HostTensor in = ref::randomTensor(DType::F16, {1, 8, 8, 16}, 4, -2, 2);
  RunResult f16 = run(bytes, {in});
  RunResult f32 = run(writeBlob(p, w), {in});
  ASSERT_TRUE(f16.ok && f32.ok) << f16.error << f32.error;
  int differ = 0;
  for (int64_t i = 0; i < f16.outputs[0].numElements(); ++i) {
    float a = halfToFloat(f16.outputs[0].data<uint16_t>()[i]);
    float x = f32.outputs[0].data<float>()[i];
    ASSERT_EQ(a, halfToFloat(floatToHalf(x))) << i;
    differ += a != x;
  }
  EXPECT_GT(differ, 0); // fp32 keeps bits that fp16 rounds away.
  // The same blob is refused on NPU3720.
  p.platform = arch::Platform::NPU3720;
  p.memory.cmxUsed.resize(2);
  std::string msg;
  EXPECT_FALSE(verifyProgram(p, w.size(), msg));
  EXPECT_NE(msg.find("DPU cannot write f32 on the NPU3720"), std::string::npos)
      << msg;
}

TEST(Shave, KernelsMatchDoublePrecisionReference) {
  struct Case {
    arch::ShaveKernel k;
    double (*f)(double);
    double lo, hi;
  };
  const Case cases[] = {
      {arch::ShaveKernel::Sigmoid,
       [](double x) { return 1 / (1 + std::exp(-x)); }, -8, 8},
      {arch::ShaveKernel::Tanh, [](double x) { return std::tanh(x); }, -4, 4},
      {arch::ShaveKernel::Gelu,
       [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); },
       -5, 5},
      {arch::ShaveKernel::Swish,
       [](double x) { return x / (1 + std::exp(-x)); }, -6, 6},
      {arch::ShaveKernel::HSwish,
       [](double x) { return x * std::min(std::max(x + 3, 0.0), 6.0) / 6; }, -5,
       5},
      {arch::ShaveKernel::Exp, [](double x) { return std::exp(x); }, -5, 5},
      {arch::ShaveKernel::Log, [](double x) { return std::log(x); }, 0.01, 50},
      {arch::ShaveKernel::Sqrt, [](double x) { return std::sqrt(x); }, 0, 100},
  };
  for (const Case &c : cases)
    for (DType t : {DType::F16, DType::F32}) {
      ShaveTask task;
      task.kernel = c.k;
      TensorDesc d{"x", t, {3, 100}, Layout::ND, {}};
      HostTensor x = ref::randomTensor(t, {3, 100}, 1, c.lo, c.hi);
      RunResult r =
          run(shaveBlob(task, {d}, {"y", t, {3, 100}, Layout::ND, {}}), {x});
      ASSERT_TRUE(r.ok) << r.error;
      for (int64_t i = 0; i < x.numElements(); ++i) {
        double e = c.f(x.getAsDouble(i));
        double tol = t == DType::F16 ? 1e-3 + std::fabs(e) * 1.5e-3
                                     : 1e-6 + std::fabs(e) * 1e-6;
        ASSERT_NEAR(r.outputs[0].getAsDouble(i), e, tol)
            << arch::shaveKernelName(c.k) << " " << dtypeName(t)
            << " x=" << x.getAsDouble(i);
      }
    }
}

TEST(Shave, BinaryBroadcastSoftmaxReduceMvn) {
  TensorDesc a{"a", DType::F32, {2, 3, 4}, Layout::ND, {}};
  TensorDesc b{"b", DType::F32, {1, 3, 1}, Layout::ND, {}};
  HostTensor x = ref::randomTensor(DType::F32, {2, 3, 4}, 1, 0.5, 3);
  HostTensor y = ref::randomTensor(DType::F32, {1, 3, 1}, 2, 0.5, 3);
  for (auto k :
       {arch::ShaveKernel::Add, arch::ShaveKernel::Sub, arch::ShaveKernel::Mul,
        arch::ShaveKernel::Div, arch::ShaveKernel::Pow}) {
    ShaveTask t;
    t.kernel = k;
    RunResult r =
        run(shaveBlob(t, {a, b}, {"o", DType::F32, {2, 3, 4}, Layout::ND, {}}),
            {x, y});
    ASSERT_TRUE(r.ok) << r.error;
    for (int i = 0; i < 24; ++i) {
      double p = x.getAsDouble(i), q = y.getAsDouble((i / 4) % 3);
      double e = k == arch::ShaveKernel::Add   ? p + q
                 : k == arch::ShaveKernel::Sub ? p - q
                 : k == arch::ShaveKernel::Mul ? p * q
                 : k == arch::ShaveKernel::Div ? p / q
                                               : std::pow(p, q);
      EXPECT_NEAR(r.outputs[0].getAsDouble(i), e, 1e-5 * (1 + std::fabs(e)));
    }
  }
  { // Softmax over axis 1.
    ShaveTask t;
    t.kernel = arch::ShaveKernel::Softmax;
    t.iparams = {1};
    RunResult r = run(
        shaveBlob(t, {a}, {"o", DType::F32, {2, 3, 4}, Layout::ND, {}}), {x});
    ASSERT_TRUE(r.ok) << r.error;
    for (int n = 0; n < 2; ++n)
      for (int i = 0; i < 4; ++i) {
        double sum = 0;
        for (int c = 0; c < 3; ++c)
          sum += std::exp(x.getAsDouble((n * 3 + c) * 4 + i));
        for (int c = 0; c < 3; ++c)
          EXPECT_NEAR(r.outputs[0].getAsDouble((n * 3 + c) * 4 + i),
                      std::exp(x.getAsDouble((n * 3 + c) * 4 + i)) / sum, 1e-6);
      }
  }
  { // Reductions keep dims: [2,3,4] -> [2,1,4].
    for (auto k :
         {arch::ShaveKernel::ReduceSum, arch::ShaveKernel::ReduceMean,
          arch::ShaveKernel::ReduceMax, arch::ShaveKernel::ReduceMin}) {
      ShaveTask t;
      t.kernel = k;
      RunResult r = run(
          shaveBlob(t, {a}, {"o", DType::F32, {2, 1, 4}, Layout::ND, {}}), {x});
      ASSERT_TRUE(r.ok) << r.error;
      for (int n = 0; n < 2; ++n)
        for (int i = 0; i < 4; ++i) {
          double s = 0, mx = -1e9, mn = 1e9;
          for (int c = 0; c < 3; ++c) {
            double v = x.getAsDouble((n * 3 + c) * 4 + i);
            s += v;
            mx = std::max(mx, v);
            mn = std::min(mn, v);
          }
          double e = k == arch::ShaveKernel::ReduceSum    ? s
                     : k == arch::ShaveKernel::ReduceMean ? s / 3
                     : k == arch::ShaveKernel::ReduceMax  ? mx
                                                          : mn;
          EXPECT_NEAR(r.outputs[0].getAsDouble(n * 4 + i), e, 1e-5);
        }
    }
  }
  { // MVN over the last two axes with a scale.
    ShaveTask t;
    t.kernel = arch::ShaveKernel::Mvn;
    t.iparams = {1, 1};
    t.fparams = {1e-5f};
    RunResult r =
        run(shaveBlob(t, {a, b}, {"o", DType::F32, {2, 3, 4}, Layout::ND, {}}),
            {x, y});
    ASSERT_TRUE(r.ok) << r.error;
    for (int n = 0; n < 2; ++n) {
      double m = 0, v = 0;
      for (int i = 0; i < 12; ++i)
        m += x.getAsDouble(n * 12 + i) / 12;
      for (int i = 0; i < 12; ++i)
        v += std::pow(x.getAsDouble(n * 12 + i) - m, 2) / 12;
      for (int i = 0; i < 12; ++i) {
        double e = (x.getAsDouble(n * 12 + i) - m) / std::sqrt(v + 1e-5) *
                   y.getAsDouble(i / 4);
        EXPECT_NEAR(r.outputs[0].getAsDouble(n * 12 + i), e, 1e-4);
      }
    }
  }
}

TEST(Shave, DataMovementAndConversions) {
  HostTensor x = ref::randomTensor(DType::F32, {2, 3, 4}, 5, -3, 3);
  TensorDesc a{"a", DType::F32, {2, 3, 4}, Layout::ND, {}};
  { // Permute [2,3,4] -> [4,2,3].
    ShaveTask t;
    t.kernel = arch::ShaveKernel::Permute;
    t.iparams = {2, 0, 1};
    RunResult r = run(
        shaveBlob(t, {a}, {"o", DType::F32, {4, 2, 3}, Layout::ND, {}}), {x});
    ASSERT_TRUE(r.ok) << r.error;
    for (int i = 0; i < 4; ++i)
      for (int n = 0; n < 2; ++n)
        for (int c = 0; c < 3; ++c)
          EXPECT_EQ(r.outputs[0].getAsDouble((i * 2 + n) * 3 + c),
                    x.getAsDouble((n * 3 + c) * 4 + i));
  }
  { // Gather along axis 1 with a negative index; then out of range.
    TensorDesc idx{"i", DType::I32, {2}, Layout::ND, {}};
    HostTensor ind(DType::I32, {2});
    ind.data<int32_t>()[0] = 2;
    ind.data<int32_t>()[1] = -3;
    ShaveTask t;
    t.kernel = arch::ShaveKernel::Gather;
    t.iparams = {1};
    auto bytes =
        shaveBlob(t, {a, idx}, {"o", DType::F32, {2, 2, 4}, Layout::ND, {}});
    RunResult r = run(bytes, {x, ind});
    ASSERT_TRUE(r.ok) << r.error;
    for (int n = 0; n < 2; ++n)
      for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(r.outputs[0].getAsDouble((n * 2 + 0) * 4 + i),
                  x.getAsDouble((n * 3 + 2) * 4 + i));
        EXPECT_EQ(r.outputs[0].getAsDouble((n * 2 + 1) * 4 + i),
                  x.getAsDouble((n * 3 + 0) * 4 + i));
      }
    ind.data<int32_t>()[1] = 3;
    r = run(bytes, {x, ind});
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("gather index 3 is outside [-3, 3)"),
              std::string::npos)
        << r.error;
  }
  { // Quantize: round half to even, then saturate; dequantize back.
    HostTensor v(DType::F32, {6});
    float vals[] = {0.25f, 0.75f, -0.25f, 100.0f, -100.0f, 1.0f};
    std::memcpy(v.raw(), vals, sizeof(vals));
    ShaveTask q;
    q.kernel = arch::ShaveKernel::Quantize;
    q.fparams = {0.5f};
    q.iparams = {10};
    RunResult r = run(shaveBlob(q, {{"x", DType::F32, {6}, Layout::ND, {}}},
                                {"q", DType::I8, {6}, Layout::ND, {}}),
                      {v});
    ASSERT_TRUE(r.ok) << r.error;
    // 0.5 -> 0 (even), 1.5 -> 2, -0.5 -> -0 -> 0, 200 -> 127, -200 -> -128.
    int8_t expect[] = {10, 12, 10, 127, -128, 12};
    for (int i = 0; i < 6; ++i)
      EXPECT_EQ(r.outputs[0].data<int8_t>()[i], expect[i]) << i;
    ShaveTask dq;
    dq.kernel = arch::ShaveKernel::Dequantize;
    dq.fparams = {0.5f};
    dq.iparams = {10};
    RunResult back = run(shaveBlob(dq, {{"q", DType::I8, {6}, Layout::ND, {}}},
                                   {"x", DType::F16, {6}, Layout::ND, {}}),
                         {r.outputs[0]});
    ASSERT_TRUE(back.ok) << back.error;
    EXPECT_EQ(back.outputs[0].getAsDouble(3), 58.5);
    EXPECT_EQ(back.outputs[0].getAsDouble(4), -69.0);
  }
  { // Resize nearest 2x and linear; convert f32 -> u8 saturating.
    HostTensor img(DType::F32, {1, 1, 2, 2});
    float p[] = {0, 1, 2, 3};
    std::memcpy(img.raw(), p, sizeof(p));
    ShaveTask t;
    t.kernel = arch::ShaveKernel::Resize;
    t.iparams = {0};
    TensorDesc d{"x", DType::F32, {1, 1, 2, 2}, Layout::NCHW, {}};
    TensorDesc o{"y", DType::F32, {1, 1, 4, 4}, Layout::NCHW, {}};
    RunResult r = run(shaveBlob(t, {d}, o), {img});
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.outputs[0].getAsDouble(5), 0);
    EXPECT_EQ(r.outputs[0].getAsDouble(6), 1);
    EXPECT_EQ(r.outputs[0].getAsDouble(15), 3);
    t.iparams = {1};
    r = run(shaveBlob(t, {d}, o), {img});
    ASSERT_TRUE(r.ok) << r.error;
    // half_pixel: output x=1 samples input 0.25 -> 0.25; y=1,x=1 -> 0.75.
    EXPECT_FLOAT_EQ(float(r.outputs[0].getAsDouble(1)), 0.25f);
    EXPECT_FLOAT_EQ(float(r.outputs[0].getAsDouble(5)), 0.75f);
    // Sample points are exact ratios: 26 -> 22 nearest takes input
    // 11 * 26 / 22 = 13 at output 11 (a float scale 26 / 22 gives 12), and
    // 13 -> 11 linear samples exactly input 6 at output 5 (half_pixel:
    // 5.5 * 13 / 11 - 0.5).
    HostTensor row(DType::F32, {1, 1, 1, 26});
    for (int i = 0; i < 26; ++i)
      row.data<float>()[i] = float(i % 2 ? i : 0);
    t.iparams = {0};
    r = run(shaveBlob(t, {{"x", DType::F32, {1, 1, 1, 26}, Layout::NCHW, {}}},
                      {"y", DType::F32, {1, 1, 1, 22}, Layout::NCHW, {}}),
            {row});
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.outputs[0].getAsDouble(11), 13);
    HostTensor row13(DType::F32, {1, 1, 1, 13});
    std::memcpy(row13.raw(), row.raw(), 13 * sizeof(float));
    t.iparams = {1};
    r = run(shaveBlob(t, {{"x", DType::F32, {1, 1, 1, 13}, Layout::NCHW, {}}},
                      {"y", DType::F32, {1, 1, 1, 11}, Layout::NCHW, {}}),
            {row13});
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.outputs[0].getAsDouble(5), 0); // input 6, exactly
    // Mode 2 (Resize-10, Upsample): the ceiling where a dimension shrinks,
    // 8 -> 6 takes inputs 0, 2, 3, 4, 6, 7; the floor where it grows.
    HostTensor row8(DType::F32, {1, 1, 1, 8});
    for (int i = 0; i < 8; ++i)
      row8.data<float>()[i] = float(i);
    t.iparams = {2};
    r = run(shaveBlob(t, {{"x", DType::F32, {1, 1, 1, 8}, Layout::NCHW, {}}},
                      {"y", DType::F32, {1, 1, 1, 6}, Layout::NCHW, {}}),
            {row8});
    ASSERT_TRUE(r.ok) << r.error;
    for (int i = 0; i < 6; ++i)
      EXPECT_EQ(r.outputs[0].getAsDouble(i),
                (std::vector<int>{0, 2, 3, 4, 6, 7}[i]));
    r = run(shaveBlob(t, {{"x", DType::F32, {1, 1, 1, 8}, Layout::NCHW, {}}},
                      {"y", DType::F32, {1, 1, 1, 24}, Layout::NCHW, {}}),
            {row8});
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.outputs[0].getAsDouble(5), 1); // floor(5 / 3)
    // Cubic, mode 6 (half_pixel, a = -0.75): output 0 of 4 -> 8 samples
    // -0.25, its taps -2 .. 1 clamped to inputs 0, 0, 0, 1, so it is the
    // last tap's weight W(1.25) = -0.10546875. Mode 8 (asymmetric, a =
    // -0.5, exclude_outside): output 1 samples 0.5, tap -1 is dropped and
    // the others, W(0.5) = 0.5625, 0.5625 and W(1.5) = -0.0625, are scaled
    // by 1 / 1.0625: (0.5625 * 1 - 0.0625 * 2) / 1.0625.
    HostTensor row4(DType::F32, {1, 1, 1, 4});
    for (int i = 0; i < 4; ++i)
      row4.data<float>()[i] = float(i);
    TensorDesc in4{"x", DType::F32, {1, 1, 1, 4}, Layout::NCHW, {}};
    TensorDesc out8{"y", DType::F32, {1, 1, 1, 8}, Layout::NCHW, {}};
    t.iparams = {6, 0};
    t.fparams = {-0.75f};
    r = run(shaveBlob(t, {in4}, out8), {row4});
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_FLOAT_EQ(float(r.outputs[0].getAsDouble(0)), -0.10546875f);
    t.iparams = {8, 1};
    t.fparams = {-0.5f};
    r = run(shaveBlob(t, {in4}, out8), {row4});
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_NEAR(r.outputs[0].getAsDouble(1), 0.4375 / 1.0625, 1e-6);
    // The verifier: cubic needs its coefficient and exclude_outside.
    t.fparams = {};
    r = run(shaveBlob(t, {in4}, out8), {row4});
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("needs 1 float and 2 integer parameters"),
              std::string::npos)
        << r.error;
    ShaveTask c;
    c.kernel = arch::ShaveKernel::Convert;
    HostTensor v(DType::F32, {4});
    float vals[] = {-5.0f, 2.5f, 3.5f, 300.0f};
    std::memcpy(v.raw(), vals, sizeof(vals));
    r = run(shaveBlob(c, {{"x", DType::F32, {4}, Layout::ND, {}}},
                      {"y", DType::U8, {4}, Layout::ND, {}}),
            {v});
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.outputs[0].data<uint8_t>()[0], 0);
    EXPECT_EQ(r.outputs[0].data<uint8_t>()[1], 2);
    EXPECT_EQ(r.outputs[0].data<uint8_t>()[2], 4);
    EXPECT_EQ(r.outputs[0].data<uint8_t>()[3], 255);
  }
}

/// The consumer sits in the first queue the executor looks at and the
/// producer in another: only the barrier makes the copy see the data.
TEST(Barriers, OrderTasksAcrossQueues) {
  ProgramBuilder b(arch::Platform::NPU3720);
  uint32_t in = b.addInput({"x", DType::U8, {4096}, Layout::ND, {}});
  uint32_t out = b.addOutput({"y", DType::U8, {4096}, Layout::ND, {}});
  uint32_t c0 = b.addCmx("a", 0, 4096), c1 = b.addCmx("b", 1, 4096);
  uint32_t b0 = b.addBarrier(), b1 = b.addBarrier();
  auto v = [&](uint32_t buf) { return b.ref(buf, DType::U8, {4096}); };
  b.addDma(0, v(c1), v(out), {b1}, {}, "last");
  b.addDma(1, v(in), v(c0), {}, {b0}, "first");
  b.addDma(1, v(c0), v(c1), {b0}, {b1}, "second");
  HostTensor x = ref::randomTensor(DType::U8, {4096}, 1, 0, 255);
  RunResult r = run(b.build(), {x});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(std::memcmp(x.raw(), r.outputs[0].raw(), 4096), 0);
  ASSERT_EQ(r.profile.tasks.size(), 3u);
  const auto &t = r.profile.tasks;
  const arch::HardwareDesc &hw = arch::hardware(arch::Platform::NPU3720);
  // first -> barrier -> second -> barrier -> last, each barrier costing
  // barrierCycles on top of its producer's end.
  EXPECT_EQ(t[0].name, "first");
  EXPECT_EQ(t[1].name, "second");
  EXPECT_EQ(t[2].name, "last");
  EXPECT_EQ(t[1].start, t[0].end + hw.barrierCycles);
  EXPECT_EQ(t[2].start, t[1].end + hw.barrierCycles);
  EXPECT_EQ(r.profile.totalCycles, t[2].end);
}

/// Both DMA ports load a large input into CMX at once. They share one DDR
/// (arch::SharedDdr), so together they take as long as one port moving
/// both inputs, less the one fixed (dispatch + latency) term they overlap.
TEST(Timeline, DmaPortsShareDdrBandwidth) {
  for (arch::Platform plat :
       {arch::Platform::NPU3720, arch::Platform::NPU4000}) {
    const arch::HardwareDesc &hw = arch::hardware(plat);
    const uint64_t n = 512 << 10;
    auto program = [&](bool twoPorts) {
      ProgramBuilder b(plat);
      uint32_t x0 = b.addInput({"x0", DType::U8, {n}, Layout::ND, {}});
      uint32_t x1 = b.addInput({"x1", DType::U8, {n}, Layout::ND, {}});
      b.addOutput({"y", DType::U8, {1}, Layout::ND, {}});
      uint32_t c0 = b.addCmx("a", 0, n), c1 = b.addCmx("b", 1, n);
      b.addDma(0, b.ref(x0, DType::U8, {n}), b.ref(c0, DType::U8, {n}), {}, {},
               "load0");
      b.addDma(twoPorts ? 1 : 0, b.ref(x1, DType::U8, {n}),
               b.ref(c1, DType::U8, {n}), {}, {}, "load1");
      return b.build();
    };
    HostTensor x = ref::randomTensor(DType::U8, {n}, 3, 0, 255);
    RunResult both = run(program(true), {x, x});
    RunResult one = run(program(false), {x, x});
    ASSERT_TRUE(both.ok) << both.error;
    ASSERT_TRUE(one.ok) << one.error;
    uint64_t fixed = arch::dmaFixedCycles(hw, true);
    // One port: two whole transfers back to back.
    EXPECT_EQ(one.profile.totalCycles, 2 * arch::dmaTaskCycles(hw, n, true));
    // Two ports: the data of both crosses DDR at the DDR's rate.
    uint64_t ddrFloor = (2 * n * hw.dpuClockKHz * 1000) / hw.ddrBytesPerSecond;
    EXPECT_GE(both.profile.totalCycles, fixed + ddrFloor);
    EXPECT_NEAR(double(both.profile.totalCycles),
                double(one.profile.totalCycles - fixed),
                0.01 * double(one.profile.totalCycles));
    // Both transfers end together; the timeline is the same on every run.
    EXPECT_EQ(both.profile.tasks[0].end, both.profile.tasks[1].end);
    RunResult again = run(program(true), {x, x});
    EXPECT_EQ(again.profile.totalCycles, both.profile.totalCycles);
  }
}

/// The timeline is a function of the program alone (npu/Blob/Timeline.h):
/// computed without running anything, as the compiler reports a blob's
/// modelled latency, it is the run's task for task; tasks waiting for each
/// other are a hang, not a latency.
TEST(Timeline, ComputedFromTheProgramEqualsTheRun) {
  const uint64_t n = 64 << 10;
  ProgramBuilder b(arch::Platform::NPU3720);
  uint32_t x = b.addInput({"x", DType::U8, {n}, Layout::ND, {}});
  uint32_t y = b.addOutput({"y", DType::U8, {n}, Layout::ND, {}});
  uint32_t c0 = b.addCmx("a", 0, n), c1 = b.addCmx("b", 1, n);
  uint32_t b0 = b.addBarrier(), b1 = b.addBarrier();
  auto v = [&](uint32_t buf) { return b.ref(buf, DType::U8, {n}); };
  b.addDma(0, v(x), v(c0), {}, {b0}, "load");
  b.addDma(1, v(c0), v(c1), {b0}, {b1}, "copy");
  b.addDma(0, v(c1), v(y), {b1}, {}, "store");
  std::vector<uint8_t> bytes = b.build(); // finalize(): barrier counts.
  const blob::Program &program = b.program();
  HostTensor in = ref::randomTensor(DType::U8, {n}, 5, 0, 255);
  RunResult r = run(bytes, {in});
  ASSERT_TRUE(r.ok) << r.error;
  blob::Timeline tl;
  ASSERT_TRUE(blob::computeTimeline(program, tl));
  EXPECT_EQ(tl.total, r.profile.totalCycles);
  const arch::HardwareDesc &hw = arch::hardware(arch::Platform::NPU3720);
  // load, then copy on port 1, then store on port 0, a barrier between.
  EXPECT_EQ(tl.start[0][0], 0u);
  EXPECT_EQ(tl.end[0][0], arch::dmaTaskCycles(hw, n, true));
  EXPECT_EQ(tl.start[1][0], tl.end[0][0] + hw.barrierCycles);
  EXPECT_EQ(tl.end[1][0], tl.start[1][0] + arch::dmaTaskCycles(hw, n, false));
  EXPECT_EQ(tl.start[0][1], tl.end[1][0] + hw.barrierCycles);
  EXPECT_EQ(tl.total, tl.end[0][1]);
  for (const sim::TaskRecord &t : r.profile.tasks) {
    size_t list = t.name == "copy" ? 1 : 0, task = t.name == "store" ? 1 : 0;
    EXPECT_EQ(t.start, tl.start[list][task]) << t.name;
    EXPECT_EQ(t.end, tl.end[list][task]) << t.name;
  }

  // Two copies each waiting for the barrier the other updates.
  ProgramBuilder h(arch::Platform::NPU3720);
  uint32_t hx = h.addInput({"x", DType::U8, {n}, Layout::ND, {}});
  h.addOutput({"y", DType::U8, {1}, Layout::ND, {}});
  uint32_t ha = h.addCmx("a", 0, n), hb = h.addCmx("b", 1, n);
  uint32_t first = h.addBarrier(), second = h.addBarrier();
  h.addDma(0, h.ref(hx, DType::U8, {n}), h.ref(ha, DType::U8, {n}), {first},
           {second}, "stuck0");
  h.addDma(1, h.ref(hx, DType::U8, {n}), h.ref(hb, DType::U8, {n}), {second},
           {first}, "stuck1");
  h.finalize();
  blob::Timeline hung;
  EXPECT_FALSE(blob::computeTimeline(h.program(), hung));
}

/// DDR is charged for every byte that crosses it (found by a review: SHAVE
/// tasks moved their DDR tensors for free and a copy within DDR was charged
/// once, so models modelled below their physical floor): a copy from DDR to
/// DDR moves its bytes through it twice, and a SHAVE task reading and
/// writing DDR takes at least its bytes at the DDR's bandwidth, which it
/// shares with a DMA running at the same time.
TEST(Timeline, ChargesDdrForEveryByteThatCrossesIt) {
  const uint64_t n = 256 << 10;
  const arch::HardwareDesc &hw = arch::hardware(arch::Platform::NPU3720);
  ProgramBuilder b(arch::Platform::NPU3720);
  uint32_t x = b.addInput({"x", DType::F16, {n}, Layout::ND, {}});
  uint32_t y = b.addOutput({"y", DType::F16, {n}, Layout::ND, {}});
  uint32_t s = b.addScratch("s", n * 2);
  auto v = [&](uint32_t buf) { return b.ref(buf, DType::F16, {n}); };
  Task copy = b.addDma(0, v(x), v(s), {}, {}, "copy");
  ShaveTask abs;
  abs.kernel = arch::ShaveKernel::Abs;
  abs.inputs = {v(x)};
  abs.outputs = {v(y)};
  Task shave = b.addShave(0, 0, abs, {}, {}, "abs");
  const blob::Program &p = b.program();
  EXPECT_EQ(blob::ddrBytes(p, copy), 4 * n);
  EXPECT_EQ(blob::taskCycles(p, copy), arch::dmaTaskCycles(hw, 4 * n, true));
  EXPECT_EQ(blob::ddrBytes(p, shave), 4 * n);
  EXPECT_GE(blob::taskCycles(p, shave),
            arch::dmaTransferCycles(hw, 4 * n, true));
  b.build();
  blob::Timeline tl;
  ASSERT_TRUE(blob::computeTimeline(b.program(), tl));
  // Together they share the DDR: the two end no sooner than their 8n
  // bytes at its bandwidth.
  EXPECT_GE(tl.total, arch::dmaTransferCycles(hw, 8 * n, true));
}

/// A small pipeline on NPU4000's tile 5: DMA in, eltwise add on the DPU,
/// dequantize then sigmoid on the tile's two SHAVEs (CMX to CMX), DMA out.
/// Four barriers chain five engines.
TEST(Barriers, PipelineAcrossDpuAndShavesOnNpu4000) {
  const uint32_t H = 4, W = 8, C = 16, N = H * W * C;
  ProgramBuilder b(arch::Platform::NPU4000);
  uint32_t x = b.addInput({"x", DType::I8, {1, H, W, C}, Layout::NHWC, {}});
  uint32_t y = b.addOutput({"y", DType::F16, {1, H, W, C}, Layout::NHWC, {}});
  uint32_t cx = b.addCmx("x", 5, N), cs = b.addCmx("sum", 5, N);
  uint32_t cf = b.addCmx("f", 5, N * 2), cy = b.addCmx("y", 5, N * 2);
  uint32_t b0 = b.addBarrier(), b1 = b.addBarrier(), b2 = b.addBarrier(),
           b3 = b.addBarrier();
  b.addDma(1, b.ref(x, DType::I8, {H, W, C}), b.ref(cx, DType::I8, {H, W, C}),
           {}, {b0}, "load");
  DpuTask d; // x + x, requantized by 1/2: returns x.
  d.op = DpuOp::EltwiseAdd;
  d.input = d.input2.emplace(b.ref(cx, DType::I8, {H, W, C}));
  d.output = b.ref(cs, DType::I8, {H, W, C});
  d.ppe.mult = 1;
  d.ppe.shift = 1;
  d.workloads = splitWorkloadsByRows(H, W, C, 2, arch::MpeMode::Cuboid8x16);
  b.addDpu(5, d, {b0}, {b1}, "add");
  ShaveTask dq;
  dq.kernel = arch::ShaveKernel::Dequantize;
  dq.inputs = {b.ref(cs, DType::I8, {N})};
  dq.outputs = {b.ref(cf, DType::F16, {N})};
  dq.fparams = {0.125f};
  dq.iparams = {0};
  b.addShave(5, 0, dq, {b1}, {b2}, "dequantize");
  ShaveTask sg;
  sg.kernel = arch::ShaveKernel::Sigmoid;
  sg.inputs = {b.ref(cf, DType::F16, {N})};
  sg.outputs = {b.ref(cy, DType::F16, {N})};
  b.addShave(5, 1, sg, {b2}, {b3}, "sigmoid");
  b.addDma(0, b.ref(cy, DType::F16, {H, W, C}), b.ref(y, DType::F16, {H, W, C}),
           {b3}, {}, "store");
  HostTensor in = ref::randomTensor(DType::I8, {1, H, W, C}, 8, -128, 127);
  RunResult r = run(b.build(), {in});
  ASSERT_TRUE(r.ok) << r.error;
  for (uint32_t i = 0; i < N; ++i) {
    // (x + x) / 2 rounds back to x exactly.
    float v = float(in.data<int8_t>()[i]) * 0.125f;
    float e = halfToFloat(floatToHalf(1.0f / (1.0f + std::exp(-v))));
    ASSERT_NEAR(halfToFloat(r.outputs[0].data<uint16_t>()[i]), e, 1e-3f) << i;
  }
  // Each task starts after its producer's end plus the barrier cost.
  const auto &t = r.profile.tasks;
  ASSERT_EQ(t.size(), 5u);
  for (size_t i = 1; i < t.size(); ++i)
    EXPECT_EQ(t[i].start,
              t[i - 1].end +
                  arch::hardware(arch::Platform::NPU4000).barrierCycles)
        << t[i].name;
  EXPECT_EQ(t[2].engine, Engine::Shave);
  EXPECT_EQ(t[2].engineIndex, 10u); // tile 5, SHAVE 0
  EXPECT_EQ(t[3].engineIndex, 11u);
}

TEST(Faults, ArgumentMemoryTooSmall) {
  std::vector<uint8_t> bytes = sample(arch::Platform::NPU3720, "maxpool_int8");
  HostTensor small(DType::I8, {1, 16, 32, 16});
  RunResult r = run(bytes, {small});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("input 'input' is bound to 8192 bytes of memory, the "
                         "graph needs 16384"),
            std::string::npos)
      << r.error;
}

TEST(Faults, WeightTableOutsideDeclaredWeights) {
  ConvBlobSpec s;
  fillConvParams(s, 2);
  std::vector<uint8_t> bytes = buildConvBlob(s);
  LoadedBlob b;
  std::string error;
  ASSERT_TRUE(readBlob(bytes.data(), bytes.size(), {}, b, error));
  // Corrupt one weight-table entry in the weights section (the table is
  // data: only the device can see it is wrong).
  std::vector<uint8_t> weights(b.weights, b.weights + b.weightsSize);
  const Buffer &table = b.program.buffers[3];
  ASSERT_EQ(table.name, "weight_table");
  int32_t bad = 1 << 20;
  std::memcpy(&weights[table.offset + 5 * 16], &bad, 4);
  RunResult r = run(writeBlob(b.program, weights),
                    {HostTensor(DType::I8, {1, 16, 16, 16})});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("device error in dpu[0] task 0 'conv_t0': weight "
                         "table entry 5 points at weights bytes [1048576"),
            std::string::npos)
      << r.error;
}
