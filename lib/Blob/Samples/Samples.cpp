//===- Samples.cpp - Sample blobs built with the ProgramBuilder -----------===//

#include "npu/Blob/Samples/Samples.h"
#include "npu/Blob/ProgramBuilder.h"

#include <algorithm>
#include <cstring>

namespace npu::blob {

uint64_t SplitMix::next() {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

int32_t SplitMix::uniform(int32_t lo, int32_t hi) {
  return lo + int32_t(next() % uint64_t(int64_t(hi) - lo + 1));
}

float SplitMix::uniformFloat(float lo, float hi) {
  return lo + (hi - lo) * float(next() >> 40) / float(1ull << 24);
}

void fillConvParams(ConvBlobSpec &s, uint32_t seed) {
  SplitMix rng(seed);
  size_t n = size_t(s.outChannels) * s.kernel * s.kernel * s.inChannels;
  s.weights.resize(n);
  for (int8_t &w : s.weights)
    w = int8_t(rng.uniform(-127, 127));
  s.bias.resize(s.outChannels);
  s.mult.resize(s.outChannels);
  s.shift.resize(s.outChannels);
  // Accumulators of a k*k*C dot product of int8 values reach about
  // 127*127*sqrt(k*k*C); scale them into int8 with a multiplier near 2^14
  // and a shift that brings that magnitude down to about 100.
  for (uint32_t k = 0; k < s.outChannels; ++k) {
    s.bias[k] = rng.uniform(-2000, 2000);
    s.mult[k] = uint16_t(rng.uniform(12000, 30000));
    s.shift[k] = uint8_t(24 + rng.uniform(0, 2));
  }
}

std::vector<uint8_t> buildConvBlob(const ConvBlobSpec &s) {
  ProgramBuilder b(s.platform);
  const uint32_t H = s.height, W = s.width, C = s.inChannels, K = s.outChannels,
                 k = s.kernel;
  const uint32_t OH = (H + 2 * s.pad - k) / s.stride + 1;
  const uint32_t OW = (W + 2 * s.pad - k) / s.stride + 1;
  Layout layout = s.nchw ? Layout::NCHW : Layout::NHWC;
  std::vector<int64_t> inShape = s.nchw ? std::vector<int64_t>{1, C, H, W}
                                        : std::vector<int64_t>{1, H, W, C};
  std::vector<int64_t> outShape = s.nchw ? std::vector<int64_t>{1, K, OH, OW}
                                         : std::vector<int64_t>{1, OH, OW, K};
  TensorDesc in{
      "input", DType::I8, inShape, layout, {{0.05f}, {s.inZeroPoint}, -1}};
  TensorDesc out{"output", s.outputType, outShape, layout,
                 isFloat(s.outputType)
                     ? QuantParams{}
                     : QuantParams{{0.1f}, {s.outZeroPoint}, -1}};
  const DType ot = s.outputType;
  const uint64_t oes = dtypeSize(ot);
  uint32_t inBuf = b.addInput(in), outBuf = b.addOutput(out);

  uint32_t wBytes = k * k * C;
  uint32_t weights =
      b.addWeights("weights", s.weights.data(), s.weights.size());
  std::vector<WeightTableEntry> table(K);
  for (uint32_t o = 0; o < K; ++o)
    table[o] = {int32_t(o * wBytes),
                isFloat(s.outputType) ? floatWord(s.floatScale[o])
                                      : packRequant(s.mult[o], s.shift[o]),
                s.bias[o]};
  uint32_t tableBuf = b.addWeights("weight_table", encodeWeightTable(table));

  uint32_t tiles = std::max(1u, std::min(s.tiles, OH));
  const arch::HardwareDesc &hw = arch::hardware(s.platform);
  tiles = std::min(tiles, hw.numTiles);
  uint32_t r0 = 0;
  for (uint32_t t = 0; t < tiles; ++t) {
    uint32_t r1 = r0 + (OH - r0) / (tiles - t);
    // Input rows this tile needs, and the padding left at its borders.
    int64_t first = int64_t(r0) * s.stride - s.pad;
    int64_t last = int64_t(r1 - 1) * s.stride - s.pad + k; // exclusive
    uint32_t inStart = uint32_t(std::max<int64_t>(0, first));
    uint32_t inEnd = uint32_t(std::min<int64_t>(H, last));
    uint8_t padTop = uint8_t(std::max<int64_t>(0, -first));
    uint8_t padBottom = uint8_t(std::max<int64_t>(0, last - H));
    uint32_t rows = inEnd - inStart, outRows = r1 - r0;
    std::string sfx = "_t" + std::to_string(t);

    uint32_t cmxIn = b.addCmx("input" + sfx, t, uint64_t(rows) * W * C);
    uint32_t cmxW = b.addCmx("weights" + sfx, t, s.weights.size());
    uint32_t cmxTable = b.addCmx("weight_table" + sfx, t, uint64_t(K) * 16);
    uint32_t cmxOut =
        b.addCmx("output" + sfx, t, uint64_t(outRows) * OW * K * oes);
    uint32_t loaded = b.addBarrier(), computed = b.addBarrier();
    uint32_t port = t % hw.dmaPorts;

    // DDR -> CMX: the input rows (transposed from NCHW when needed).
    TensorRef src;
    if (s.nchw) {
      src.buffer = inBuf;
      src.offset = uint64_t(inStart) * W;
      src.dtype = DType::I8;
      src.shape = {rows, W, C};
      src.strides = {W, 1, uint64_t(H) * W};
    } else {
      src = b.ref(inBuf, DType::I8, {rows, W, C}, uint64_t(inStart) * W * C);
    }
    b.addDma(port, src, b.ref(cmxIn, DType::I8, {rows, W, C}), {}, {loaded},
             "load_input" + sfx);
    b.addDma(port, b.ref(weights, DType::I8, {uint32_t(s.weights.size())}),
             b.ref(cmxW, DType::I8, {uint32_t(s.weights.size())}), {}, {loaded},
             "load_weights" + sfx);
    b.addDma(port, b.ref(tableBuf, DType::I32, {K, 4}),
             b.ref(cmxTable, DType::I32, {K, 4}), {}, {loaded},
             "load_weight_table" + sfx);

    DpuTask d;
    d.op = DpuOp::Conv;
    d.input = b.ref(cmxIn, DType::I8, {rows, W, C});
    d.weights = b.ref(cmxW, DType::I8, {K, k, k, C});
    d.weightTable = b.ref(cmxTable, DType::I32, {K, 4});
    d.output = b.ref(cmxOut, ot, {outRows, OW, K});
    d.kernelH = d.kernelW = uint8_t(k);
    d.strideH = d.strideW = uint8_t(s.stride);
    d.padTop = padTop;
    d.padBottom = padBottom;
    d.padLeft = d.padRight = uint8_t(s.pad);
    d.inZeroPoint = s.inZeroPoint;
    d.ppe.activation = s.activation;
    d.ppe.leakyMult = s.leakyMult;
    d.ppe.leakyShift = s.leakyShift;
    d.ppe.outZeroPoint = s.outZeroPoint;
    d.workloads =
        splitWorkloadsByRows(outRows, OW, K, s.workloadsPerTile, s.mpeMode);
    b.addDpu(t, d, {loaded}, {computed}, "conv" + sfx);

    TensorRef dst;
    if (s.nchw) {
      dst.buffer = outBuf;
      dst.offset = uint64_t(r0) * OW;
      dst.dtype = ot;
      dst.shape = {outRows, OW, K};
      dst.strides = {OW * oes, oes, uint64_t(OH) * OW * oes};
      dst.offset *= oes;
    } else {
      dst = b.ref(outBuf, ot, {outRows, OW, K}, uint64_t(r0) * OW * K * oes);
    }
    b.addDma(port, b.ref(cmxOut, ot, {outRows, OW, K}), dst, {computed}, {},
             "store_output" + sfx);
    r0 = r1;
  }
  return b.build();
}

ConvBlobSpec benchmarkConvSpec(arch::Platform platform) {
  ConvBlobSpec s;
  s.platform = platform;
  s.height = s.width = 56;
  s.inChannels = s.outChannels = 64;
  s.inZeroPoint = 3;
  s.outZeroPoint = -5;
  s.tiles = 2;
  s.workloadsPerTile = 1;
  s.mpeMode = arch::MpeMode::Cuboid16x16;
  fillConvParams(s, 56);
  return s;
}

namespace {

std::vector<uint8_t> eltwiseAddSample(arch::Platform platform) {
  ProgramBuilder b(platform);
  const uint32_t H = 16, W = 16, C = 32;
  std::vector<int64_t> shape{1, H, W, C};
  uint32_t a =
      b.addInput({"a", DType::I8, shape, Layout::NHWC, {{0.05f}, {3}, -1}});
  uint32_t c =
      b.addInput({"b", DType::I8, shape, Layout::NHWC, {{0.1f}, {-2}, -1}});
  uint32_t out =
      b.addOutput({"sum", DType::I8, shape, Layout::NHWC, {{0.12f}, {1}, -1}});
  uint64_t bytes = uint64_t(H) * W * C;
  uint32_t ca = b.addCmx("a", 0, bytes), cb = b.addCmx("b", 0, bytes),
           co = b.addCmx("sum", 0, bytes);
  uint32_t loaded = b.addBarrier(), done = b.addBarrier();
  b.addDma(0, b.ref(a, DType::I8, {H, W, C}), b.ref(ca, DType::I8, {H, W, C}),
           {}, {loaded}, "load_a");
  b.addDma(1, b.ref(c, DType::I8, {H, W, C}), b.ref(cb, DType::I8, {H, W, C}),
           {}, {loaded}, "load_b");
  DpuTask d;
  d.op = DpuOp::EltwiseAdd;
  d.input = b.ref(ca, DType::I8, {H, W, C});
  d.input2 = b.ref(cb, DType::I8, {H, W, C});
  d.output = b.ref(co, DType::I8, {H, W, C});
  d.inZeroPoint = 3;
  d.in2ZeroPoint = -2;
  // 0.05 * a + 0.1 * b with a 2^14 fixed point: a * 8192 + b * 16384
  // counts units of 0.1 / 16384; 0.1 / 16384 / 0.12 * 2^29 = 27307.
  d.inMultA = 8192;
  d.inMultB = 16384;
  d.ppe.mult = 27307;
  d.ppe.shift = 29;
  d.ppe.outZeroPoint = 1;
  arch::MpeMode mode = platform == arch::Platform::NPU4000
                           ? arch::MpeMode::Cuboid8x16
                           : arch::MpeMode::Cuboid16x16;
  d.workloads = splitWorkloadsByRows(H, W, C, 2, mode);
  b.addDpu(0, d, {loaded}, {done}, "add");
  b.addDma(0, b.ref(co, DType::I8, {H, W, C}), b.ref(out, DType::I8, {H, W, C}),
           {done}, {}, "store");
  return b.build();
}

std::vector<uint8_t> maxPoolSample(arch::Platform platform) {
  ProgramBuilder b(platform);
  const uint32_t H = 32, W = 32, C = 16, OH = 16, OW = 16;
  uint32_t in = b.addInput(
      {"input", DType::I8, {1, H, W, C}, Layout::NHWC, {{0.1f}, {0}, -1}});
  uint32_t out = b.addOutput(
      {"output", DType::I8, {1, OH, OW, C}, Layout::NHWC, {{0.1f}, {0}, -1}});
  uint32_t ci = b.addCmx("input", 0, uint64_t(H) * W * C);
  uint32_t co = b.addCmx("output", 0, uint64_t(OH) * OW * C);
  uint32_t loaded = b.addBarrier(), done = b.addBarrier();
  b.addDma(0, b.ref(in, DType::I8, {H, W, C}), b.ref(ci, DType::I8, {H, W, C}),
           {}, {loaded}, "load");
  DpuTask d;
  d.op = DpuOp::MaxPool;
  d.input = b.ref(ci, DType::I8, {H, W, C});
  d.output = b.ref(co, DType::I8, {OH, OW, C});
  d.kernelH = d.kernelW = 2;
  d.strideH = d.strideW = 2;
  d.workloads = splitWorkloadsByRows(OH, OW, C, 1, arch::MpeMode::Cuboid16x16);
  b.addDpu(0, d, {loaded}, {done}, "maxpool");
  b.addDma(0, b.ref(co, DType::I8, {OH, OW, C}),
           b.ref(out, DType::I8, {OH, OW, C}), {done}, {}, "store");
  return b.build();
}

std::vector<uint8_t> softmaxSample(arch::Platform platform) {
  ProgramBuilder b(platform);
  const uint32_t N = 1000;
  uint32_t in = b.addInput({"logits", DType::F16, {1, N}, Layout::ND, {}});
  uint32_t out =
      b.addOutput({"probabilities", DType::F16, {1, N}, Layout::ND, {}});
  uint32_t ci = b.addCmx("logits", 0, N * 2), co = b.addCmx("probs", 0, N * 2);
  uint32_t loaded = b.addBarrier(), done = b.addBarrier();
  b.addDma(0, b.ref(in, DType::F16, {1, N}), b.ref(ci, DType::F16, {1, N}), {},
           {loaded}, "load");
  ShaveTask s;
  s.kernel = arch::ShaveKernel::Softmax;
  s.inputs = {b.ref(ci, DType::F16, {1, N})};
  s.outputs = {b.ref(co, DType::F16, {1, N})};
  s.iparams = {1};
  b.addShave(0, 0, s, {loaded}, {done}, "softmax");
  b.addDma(0, b.ref(co, DType::F16, {1, N}), b.ref(out, DType::F16, {1, N}),
           {done}, {}, "store");
  return b.build();
}

std::vector<uint8_t> convFp16Sample(arch::Platform platform) {
  ProgramBuilder b(platform);
  const uint32_t H = 8, W = 8, C = 16, K = 16;
  SplitMix rng(7);
  std::vector<uint16_t> w(K * 9 * C);
  for (uint16_t &v : w)
    v = floatToHalf(rng.uniformFloat(-0.25f, 0.25f));
  std::vector<WeightTableEntry> table(K);
  for (uint32_t k = 0; k < K; ++k)
    table[k] = {int32_t(k * 9 * C * 2), floatWord(1.0f),
                floatWord(rng.uniformFloat(-0.5f, 0.5f))};
  uint32_t in =
      b.addInput({"input", DType::F16, {1, H, W, C}, Layout::NHWC, {}});
  uint32_t out =
      b.addOutput({"output", DType::F16, {1, H, W, K}, Layout::NHWC, {}});
  uint32_t wb = b.addWeights("weights", w.data(), w.size() * 2);
  uint32_t tb = b.addWeights("weight_table", encodeWeightTable(table));
  uint32_t ci = b.addCmx("input", 0, H * W * C * 2);
  uint32_t cw = b.addCmx("weights", 0, w.size() * 2);
  uint32_t ct = b.addCmx("weight_table", 0, K * 16);
  uint32_t co = b.addCmx("output", 0, H * W * K * 2);
  uint32_t loaded = b.addBarrier(), done = b.addBarrier();
  b.addDma(0, b.ref(in, DType::F16, {H, W, C}),
           b.ref(ci, DType::F16, {H, W, C}), {}, {loaded}, "load_input");
  b.addDma(1, b.ref(wb, DType::F16, {uint32_t(w.size())}),
           b.ref(cw, DType::F16, {uint32_t(w.size())}), {}, {loaded},
           "load_weights");
  b.addDma(1, b.ref(tb, DType::I32, {K, 4}), b.ref(ct, DType::I32, {K, 4}), {},
           {loaded}, "load_weight_table");
  DpuTask d;
  d.op = DpuOp::Conv;
  d.input = b.ref(ci, DType::F16, {H, W, C});
  d.weights = b.ref(cw, DType::F16, {K, 3, 3, C});
  d.weightTable = b.ref(ct, DType::I32, {K, 4});
  d.output = b.ref(co, DType::F16, {H, W, K});
  d.kernelH = d.kernelW = 3;
  d.padTop = d.padLeft = d.padBottom = d.padRight = 1;
  d.ppe.activation = arch::Activation::LeakyRelu;
  d.ppe.leakyAlpha = 0.125f;
  d.workloads = splitWorkloadsByRows(H, W, K, 1, arch::MpeMode::Cuboid16x16);
  b.addDpu(0, d, {loaded}, {done}, "conv");
  b.addDma(0, b.ref(co, DType::F16, {H, W, K}),
           b.ref(out, DType::F16, {H, W, K}), {done}, {}, "store");
  return b.build();
}

} // namespace

std::vector<SampleBlob> makeSampleBlobs(arch::Platform platform) {
  std::vector<SampleBlob> out;
  ConvBlobSpec conv;
  conv.platform = platform;
  conv.height = conv.width = 32;
  conv.inChannels = 16;
  conv.outChannels = 32;
  conv.nchw = true;
  conv.inZeroPoint = 5;
  conv.outZeroPoint = -3;
  conv.tiles = 2;
  conv.workloadsPerTile = 2;
  fillConvParams(conv, 1);
  out.push_back({"conv_relu_int8",
                 "3x3 int8 convolution + ReLU, 1x16x32x32 -> 1x32x32x32 "
                 "NCHW, split over two tiles",
                 buildConvBlob(conv)});
  out.push_back({"eltwise_add_int8",
                 "int8 a + b with requantization, 1x16x16x32 NHWC",
                 eltwiseAddSample(platform)});
  out.push_back({"maxpool_int8", "2x2/2 int8 max pooling, 1x32x32x16 NHWC",
                 maxPoolSample(platform)});
  out.push_back({"softmax_fp16", "fp16 softmax over 1000 logits on a SHAVE",
                 softmaxSample(platform)});
  out.push_back({"conv_fp16",
                 "3x3 fp16 convolution + LeakyReLU(0.125), "
                 "1x8x8x16 NHWC",
                 convFp16Sample(platform)});
  return out;
}

} // namespace npu::blob
