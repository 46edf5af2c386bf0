//===- Shave.cpp - Functional model of the ACT-SHAVE kernel library -------===//
//
// Kernels read their operands (any strides) into fp32, compute in fp32 and
// round once when storing (round to nearest even for fp16, saturating
// round-half-even for integer outputs). The contract of each kernel
// (operands, parameters) is checked by verifyShaveTask before it gets here;
// docs/simulator.md lists the formulas.
//
//===----------------------------------------------------------------------===//

#include "npu/Arch/Interpolation.h"
#include "npu/Device/Engines.h"

#include "npu/Device/ThreadPool.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace npu::device {

using arch::ShaveKernel;
using blob::ShaveTask;

float loadAsFloat(const uint8_t *p, DType t) {
  switch (t) {
  case DType::F32: {
    float f;
    std::memcpy(&f, p, 4);
    return f;
  }
  case DType::F16: {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return halfToFloat(h);
  }
  case DType::BF16: {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return bf16ToFloat(h);
  }
  case DType::I8:
    return float(int8_t(*p));
  case DType::U8:
    return float(*p);
  case DType::I32: {
    int32_t v;
    std::memcpy(&v, p, 4);
    return float(v);
  }
  case DType::I64: { // Graph inputs only (token ids, attention masks).
    int64_t v;
    std::memcpy(&v, p, 8);
    return float(v);
  }
  default:
    return 0.0f;
  }
}

namespace {
template <typename T> T saturate(float v, double lo, double hi) {
  if (std::isnan(v))
    return T(0);
  double r = std::nearbyint(double(v)); // Round half to even.
  return T(std::min(std::max(r, lo), hi));
}
} // namespace

void storeFromFloat(uint8_t *p, DType t, float v) {
  switch (t) {
  case DType::F32:
    std::memcpy(p, &v, 4);
    return;
  case DType::F16: {
    uint16_t h = floatToHalf(v);
    std::memcpy(p, &h, 2);
    return;
  }
  case DType::BF16: {
    uint16_t h = floatToBF16(v);
    std::memcpy(p, &h, 2);
    return;
  }
  case DType::I8:
    *p = uint8_t(saturate<int8_t>(v, -128, 127));
    return;
  case DType::U8:
    *p = saturate<uint8_t>(v, 0, 255);
    return;
  case DType::I32: {
    int32_t i = saturate<int32_t>(v, -2147483648.0, 2147483647.0);
    std::memcpy(p, &i, 4);
    return;
  }
  default:
    return;
  }
}

namespace {

std::vector<float> readAll(const View &v) {
  std::vector<float> out(v.numElements());
  for (uint64_t i = 0; i < out.size(); ++i)
    out[i] = loadAsFloat(v.data + v.offsetOf(i), v.dtype);
  return out;
}

void writeAll(const View &v, const std::vector<float> &vals) {
  for (uint64_t i = 0; i < vals.size(); ++i)
    storeFromFloat(v.data + v.offsetOf(i), v.dtype, vals[i]);
}

/// Row-major linear index into `in` (whose dims are 1 or the output's) of
/// output element `i`.
uint64_t broadcastIndex(uint64_t i, const std::vector<uint32_t> &out,
                        const std::vector<uint32_t> &in) {
  uint64_t idx = 0, stride = 1;
  for (size_t d = out.size(); d-- > 0;) {
    uint64_t c = i % out[d];
    i /= out[d];
    if (in[d] != 1)
      idx += c * stride;
    stride *= in[d];
  }
  return idx;
}

bool isIndexType(DType d) { return d == DType::I32 || d == DType::I64; }

/// i32 <-> i64 exactly, as ONNX's Cast does (an i64 outside the i32 range
/// keeps its low 32 bits, two's complement): indices computed by ArgMax /
/// TopK narrowed for a gather, i32 token ids widened.
void convertIndices(const View &in, const View &out) {
  for (uint64_t i = 0, n = in.numElements(); i < n; ++i) {
    int64_t v = 0;
    if (in.dtype == DType::I64) {
      std::memcpy(&v, in.data + in.offsetOf(i), 8);
    } else {
      int32_t w;
      std::memcpy(&w, in.data + in.offsetOf(i), 4);
      v = w;
    }
    if (out.dtype == DType::I64) {
      std::memcpy(out.data + out.offsetOf(i), &v, 8);
    } else {
      auto w = int32_t(uint32_t(uint64_t(v)));
      std::memcpy(out.data + out.offsetOf(i), &w, 4);
    }
  }
}

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

float hswish(float x) {
  return x * std::min(std::max(x + 3.0f, 0.0f), 6.0f) / 6.0f;
}

/// hswish(x) * scale + shift as the hswish, mul and add kernels give it one
/// after the other: each result stored as f16 (hswish's iparams [1]).
float hswishAffineEachStep(float x, float scale, float shift) {
  auto f16 = [](float v) { return halfToFloat(floatToHalf(v)); };
  return f16(f16(f16(hswish(x)) * scale) + shift);
}

/// hswish's iparams [1]: its affine block rounded to f16 after each step.
bool roundsEachStep(const ShaveTask &t) {
  return t.iparams.size() == 1 && t.iparams[0] == 1;
}

float unary(ShaveKernel k, float x, const ShaveTask &t) {
  switch (k) {
  case ShaveKernel::Sigmoid:
    return sigmoid(x);
  case ShaveKernel::Tanh:
    return std::tanh(x);
  case ShaveKernel::Gelu:
    return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
  case ShaveKernel::GeluTanh:
    // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))), as ONNX defines
    // Gelu with approximate="tanh".
    return 0.5f * x *
           (1.0f +
            std::tanh(0.79788456080286536f * (x + 0.044715f * x * x * x)));
  case ShaveKernel::Swish: {
    float beta = t.fparams.empty() ? 1.0f : t.fparams[0];
    return x * sigmoid(beta * x);
  }
  case ShaveKernel::HSwish:
    // With fparams [scale, shift]: a learnable affine block after it,
    // rounded once, or with iparams [1] after each step.
    if (t.fparams.size() != 2)
      return hswish(x);
    if (roundsEachStep(t))
      return hswishAffineEachStep(x, t.fparams[0], t.fparams[1]);
    return hswish(x) * t.fparams[0] + t.fparams[1];
  case ShaveKernel::Exp:
    return std::exp(x);
  case ShaveKernel::Log:
    return std::log(x);
  case ShaveKernel::Sqrt:
    return std::sqrt(x);
  case ShaveKernel::Erf:
    return std::erf(x);
  case ShaveKernel::Abs:
    return std::fabs(x);
  case ShaveKernel::Neg:
    return -x;
  case ShaveKernel::Reciprocal:
    return 1.0f / x;
  // The comparisons below are written so that a NaN input stays NaN.
  case ShaveKernel::Relu:
    return x < 0.0f ? 0.0f : x;
  case ShaveKernel::Clamp:
    return x < t.fparams[0]   ? t.fparams[0]
           : x > t.fparams[1] ? t.fparams[1]
                              : x;
  case ShaveKernel::HSigmoid: {
    float ax = t.fparams[0] * x; // Two statements: never fused into an FMA.
    float v = ax + t.fparams[1];
    return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
  }
  case ShaveKernel::LeakyRelu:
    return x >= 0.0f ? x : t.fparams[0] * x;
  // ONNX ThresholdedRelu: x where x > alpha, else 0 (so NaN gives 0, as in
  // the interpreter's kernel).
  case ShaveKernel::ThresholdedRelu:
    return x > t.fparams[0] ? x : 0.0f;
  // ONNX Elu, Selu, Celu, Softplus, Softsign; exp(x) - 1 as expm1, and
  // log(1 + exp(x)) as x beyond 20, where it is x in f32.
  case ShaveKernel::Elu:
    return x >= 0.0f ? x : t.fparams[0] * std::expm1(x);
  case ShaveKernel::Selu:
    return x > 0.0f ? t.fparams[1] * x
                    : t.fparams[1] * (t.fparams[0] * std::expm1(x));
  case ShaveKernel::Celu:
    return x >= 0.0f ? x : t.fparams[0] * std::expm1(x / t.fparams[0]);
  case ShaveKernel::Softplus:
    return x > 20.0f ? x : std::log1p(std::exp(x));
  case ShaveKernel::Softsign:
    return x / (1.0f + std::fabs(x));
  // ONNX Floor, Ceil, Round (halves to even, as nearbyint in the default
  // rounding mode), Sign (0 for 0 and -0), Sin, Cos; NaN stays NaN.
  case ShaveKernel::Floor:
    return std::floor(x);
  case ShaveKernel::Ceil:
    return std::ceil(x);
  case ShaveKernel::Round:
    return std::nearbyint(x);
  case ShaveKernel::Sign:
    return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x == 0.0f ? 0.0f : x;
  case ShaveKernel::Sin:
    return std::sin(x);
  case ShaveKernel::Cos:
    return std::cos(x);
  // The other trigonometric and hyperbolic functions of ONNX, in fp32 (NaN
  // outside their domains: asin, acos, atanh beyond [-1, 1], acosh below 1).
  case ShaveKernel::Tan:
    return std::tan(x);
  case ShaveKernel::Asin:
    return std::asin(x);
  case ShaveKernel::Acos:
    return std::acos(x);
  case ShaveKernel::Atan:
    return std::atan(x);
  case ShaveKernel::Sinh:
    return std::sinh(x);
  case ShaveKernel::Cosh:
    return std::cosh(x);
  case ShaveKernel::Asinh:
    return std::asinh(x);
  case ShaveKernel::Acosh:
    return std::acosh(x);
  case ShaveKernel::Atanh:
    return std::atanh(x);
  default:
    return x;
  }
}

float binary(ShaveKernel k, float a, float b) {
  switch (k) {
  case ShaveKernel::Div:
    return a / b;
  case ShaveKernel::Mul:
    return a * b;
  case ShaveKernel::Pow:
    return std::pow(a, b);
  case ShaveKernel::Add:
    return a + b;
  case ShaveKernel::Sub:
    return a - b;
  // ONNX PRelu: a where a >= 0, else slope b times a (NaN stays NaN).
  case ShaveKernel::PRelu:
    return a >= 0.0f ? a : b * a;
  case ShaveKernel::Max:
  case ShaveKernel::Min:
    if (std::isnan(a) || std::isnan(b))
      return std::isnan(a) ? a : b;
    return k == ShaveKernel::Max ? std::max(a, b) : std::min(a, b);
  default:
    return a;
  }
}

/// 1 where `a kind b` holds, else 0.
float compare(arch::CompareKind kind, float a, float b) {
  bool r = false;
  switch (kind) {
  case arch::CompareKind::Equal:
    r = a == b;
    break;
  case arch::CompareKind::Less:
    r = a < b;
    break;
  case arch::CompareKind::LessEqual:
    r = a <= b;
    break;
  case arch::CompareKind::Greater:
    r = a > b;
    break;
  case arch::CompareKind::GreaterEqual:
    r = a >= b;
    break;
  case arch::CompareKind::NotEqual:
    r = a != b;
    break;
  }
  return r ? 1.0f : 0.0f;
}

/// outer x axis x inner decomposition of a shape around `axis`.
void splitAround(const std::vector<uint32_t> &s, size_t first, size_t last,
                 uint64_t &outer, uint64_t &mid, uint64_t &inner) {
  outer = mid = inner = 1;
  for (size_t d = 0; d < s.size(); ++d)
    (d < first ? outer : d < last ? mid : inner) *= s[d];
}

/// Stores index `i` as the i64 or i32 element at `p`.
void storeIndex(uint8_t *p, DType t, int64_t i) {
  if (t == DType::I64) {
    std::memcpy(p, &i, 8);
  } else {
    auto narrow = int32_t(i);
    std::memcpy(p, &narrow, 4);
  }
}

/// ONNX ArgMax / ArgMin along iparams[0]: the index of the first extreme
/// (the last with iparams[1] = 1), as i64 or i32; a NaN is never chosen
/// over a number it follows (comparisons with it are false).
void argExtreme(const ShaveTask &t, const View &in, const View &out) {
  std::vector<float> x = readAll(in);
  uint64_t outer, n, inner;
  size_t axis = size_t(t.iparams[0]);
  bool last = t.iparams[1] != 0, max = t.kernel == ShaveKernel::ArgMax;
  splitAround(in.shape, axis, axis + 1, outer, n, inner);
  for (uint64_t o = 0; o < outer; ++o)
    for (uint64_t i = 0; i < inner; ++i) {
      const float *base = &x[o * n * inner + i];
      int64_t best = 0;
      for (uint64_t j = 1; j < n; ++j) {
        float v = base[j * inner], b = base[best * inner];
        bool better = max ? (last ? v >= b : v > b) : (last ? v <= b : v < b);
        if (better)
          best = int64_t(j);
      }
      storeIndex(out.data + out.offsetOf(o * inner + i), out.dtype, best);
    }
}

/// ONNX TopK along iparams[0]: the iparams[1] largest (iparams[2] = 1) or
/// smallest values of each slice, sorted, ties by the lower index first,
/// into outs[0] (values) and outs[1] (i64 or i32 indices). NaN orders
/// after every number.
void topK(const ShaveTask &t, const View &in, const View &values,
          const View &indices) {
  std::vector<float> x = readAll(in);
  uint64_t outer, n, inner;
  size_t axis = size_t(t.iparams[0]);
  auto k = uint64_t(t.iparams[1]);
  bool largest = t.iparams[2] != 0;
  splitAround(in.shape, axis, axis + 1, outer, n, inner);
  std::vector<int64_t> order(n);
  for (uint64_t o = 0; o < outer; ++o)
    for (uint64_t i = 0; i < inner; ++i) {
      const float *base = &x[o * n * inner + i];
      for (uint64_t j = 0; j < n; ++j)
        order[j] = int64_t(j);
      std::partial_sort(order.begin(), order.begin() + k, order.end(),
                        [&](int64_t a, int64_t b) {
                          float va = base[a * inner], vb = base[b * inner];
                          bool na = std::isnan(va), nb = std::isnan(vb);
                          if (na != nb)
                            return nb; // A number before a NaN.
                          if (!na && va != vb)
                            return largest ? va > vb : va < vb;
                          return a < b;
                        });
      for (uint64_t j = 0; j < k; ++j) {
        uint64_t at = (o * k + j) * inner + i;
        storeFromFloat(values.data + values.offsetOf(at), values.dtype,
                       base[order[j] * inner]);
        storeIndex(indices.data + indices.offsetOf(at), indices.dtype,
                   order[j]);
      }
    }
}

/// softmax, or (LogSoftmax) its logarithm, along iparams[0].
void softmax(const ShaveTask &t, const View &in, const View &out) {
  std::vector<float> x = readAll(in);
  bool isLog = t.kernel == ShaveKernel::LogSoftmax;
  uint64_t outer, n, inner;
  size_t axis = size_t(t.iparams[0]);
  splitAround(in.shape, axis, axis + 1, outer, n, inner);
  for (uint64_t o = 0; o < outer; ++o)
    for (uint64_t i = 0; i < inner; ++i) {
      float *base = &x[o * n * inner + i];
      float m = -INFINITY;
      for (uint64_t j = 0; j < n; ++j)
        m = std::max(m, base[j * inner]);
      float sum = 0.0f;
      for (uint64_t j = 0; j < n; ++j) {
        float e = std::exp(base[j * inner] - m);
        sum += e;
        if (!isLog)
          base[j * inner] = e;
      }
      // log: x - max - log(sum), finite where softmax underflows to 0.
      float logSum = isLog ? std::log(sum) : 0.0f;
      for (uint64_t j = 0; j < n; ++j)
        base[j * inner] =
            isLog ? (base[j * inner] - m) - logSum : base[j * inner] / sum;
    }
  writeAll(out, x);
}

void reduce(ShaveKernel k, const View &in, const View &out) {
  std::vector<float> x = readAll(in);
  uint64_t n = out.numElements();
  float init = k == ShaveKernel::ReduceMax   ? -INFINITY
               : k == ShaveKernel::ReduceMin ? INFINITY
                                             : 0.0f;
  std::vector<float> acc(n, init);
  for (uint64_t i = 0; i < x.size(); ++i) {
    float &a = acc[broadcastIndex(i, in.shape, out.shape)];
    if (k == ShaveKernel::ReduceMax)
      a = std::max(a, x[i]);
    else if (k == ShaveKernel::ReduceMin)
      a = std::min(a, x[i]);
    else
      a += x[i];
  }
  if (k == ShaveKernel::ReduceMean) {
    float count = float(x.size() / std::max<uint64_t>(n, 1));
    for (float &a : acc)
      a /= count;
  }
  writeAll(out, acc);
}

/// Normalises each row over axes first..rank-1 in fp32, two-pass and
/// shifted: deviations are taken from the row's first element (exact for
/// nearby values) before anything is summed or subtracted, so a large common
/// offset never enters a sum or a rounded mean, and a constant row gives
/// exactly 0. Never E[x^2] - E[x]^2, which cancels catastrophically.
void mvn(const ShaveTask &t, const std::vector<View> &ins, const View &out) {
  std::vector<float> x = readAll(ins[0]);
  bool normVariance = t.iparams[0] != 0;
  bool epsOutside = t.iparams.size() > 2 && t.iparams[2] != 0;
  float eps = t.fparams[0];
  uint64_t outer, n, inner;
  splitAround(ins[0].shape, size_t(t.iparams[1]), ins[0].shape.size(), outer, n,
              inner);
  n *= inner;
  for (uint64_t o = 0; o < outer && n; ++o) {
    float *base = &x[o * n];
    const float pivot = base[0];
    float sum = 0.0f;
    for (uint64_t j = 0; j < n; ++j)
      sum += base[j] - pivot;
    const float shift = sum / float(n); // The mean minus the pivot.
    float var = 0.0f;
    for (uint64_t j = 0; j < n; ++j) {
      float d = (base[j] - pivot) - shift;
      float d2 = d * d; // Two statements: never fused into an FMA.
      var += d2;
    }
    var /= float(n);
    float inv = !normVariance ? 1.0f
                : epsOutside  ? 1.0f / (std::sqrt(var) + eps)
                              : 1.0f / std::sqrt(var + eps);
    for (uint64_t j = 0; j < n; ++j)
      base[j] = ((base[j] - pivot) - shift) * inv;
  }
  for (size_t s = 1; s < ins.size(); ++s) {
    std::vector<float> p = readAll(ins[s]);
    // Scale and bias may have fewer dimensions: they align with the last.
    std::vector<uint32_t> shape(out.shape.size() - ins[s].shape.size(), 1);
    shape.insert(shape.end(), ins[s].shape.begin(), ins[s].shape.end());
    for (uint64_t i = 0; i < x.size(); ++i) {
      float v = p[broadcastIndex(i, out.shape, shape)];
      x[i] = s == 1 ? x[i] * v : x[i] + v;
    }
  }
  writeAll(out, x);
}

/// One output index's source along a dimension of n inputs resized to m
/// (scale m / n): the nearest sample, or the two linear taps and the second
/// one's weight. Coordinates are exact fractions of integers, so whole and
/// half coordinates are hit exactly (with a float n / m they are not:
/// 11 * (26 / 22) falls just below 13 in float).
struct ResizeTap {
  uint32_t i0, i1;
  float w1;
};

/// Asymmetric coordinates, floor: o * n / m.
ResizeTap nearestTap(uint32_t o, uint32_t n, uint32_t m) {
  uint32_t i = uint32_t(uint64_t(o) * n / m);
  i = std::min(n - 1, i);
  return {i, i, 0.0f};
}

/// Asymmetric coordinates, the ceiling where the dimension shrinks (m < n)
/// and the floor elsewhere (ONNX Resize-10 and Upsample).
ResizeTap nearestSimpleTap(uint32_t o, uint32_t n, uint32_t m) {
  if (m >= n)
    return nearestTap(o, n, m);
  uint32_t i = uint32_t((uint64_t(o) * n + m - 1) / m);
  i = std::min(n - 1, i);
  return {i, i, 0.0f};
}

/// half_pixel coordinates, clamped at the borders:
/// (o + 0.5) * n / m - 0.5 = ((2o + 1) n - m) / 2m.
ResizeTap linearTap(uint32_t o, uint32_t n, uint32_t m) {
  int64_t num = (2 * int64_t(o) + 1) * n - m, den = 2 * int64_t(m);
  if (num <= 0)
    return {0, 0, 0.0f};
  int64_t i = num / den;
  if (i >= int64_t(n) - 1)
    return {n - 1, n - 1, 0.0f};
  return {uint32_t(i), uint32_t(i + 1), float(num - i * den) / float(den)};
}

/// align_corners coordinates: o (n - 1) / (m - 1), 0 where m is 1.
ResizeTap alignCornersTap(uint32_t o, uint32_t n, uint32_t m) {
  if (m <= 1 || n <= 1)
    return {0, 0, 0.0f};
  int64_t num = int64_t(o) * (n - 1), den = int64_t(m) - 1;
  int64_t i = num / den;
  if (i >= int64_t(n) - 1)
    return {n - 1, n - 1, 0.0f};
  return {uint32_t(i), uint32_t(i + 1), float(num - i * den) / float(den)};
}

/// half_pixel coordinates v = ((2o + 1) n - m) / 2m rounded to the nearest
/// sample, ties down (round_prefer_floor, ONNX Resize's default):
/// ceil(v - 1/2) = ceil(((2o + 1) n - 2m) / 2m), clamped to [0, n - 1].
ResizeTap nearestHalfPixelTap(uint32_t o, uint32_t n, uint32_t m) {
  int64_t num = (2 * int64_t(o) + 1) * n - 2 * int64_t(m), den = 2 * int64_t(m);
  int64_t i = num <= 0 ? -((-num) / den) : (num + den - 1) / den;
  i = std::clamp<int64_t>(i, 0, int64_t(n) - 1);
  return {uint32_t(i), uint32_t(i), 0.0f};
}

/// The same, ties up (round_prefer_ceil): floor(v + 1/2) = floor((2o + 1) n
/// / 2m), clamped.
ResizeTap nearestHalfPixelCeilTap(uint32_t o, uint32_t n, uint32_t m) {
  int64_t i = (2 * int64_t(o) + 1) * n / (2 * int64_t(m));
  i = std::clamp<int64_t>(i, 0, int64_t(n) - 1);
  return {uint32_t(i), uint32_t(i), 0.0f};
}

/// The four cubic taps of one output index: input indices i0 - 1 .. i0 + 2
/// (clamped to the borders, or with exclude_outside weight 0 outside and
/// the others scaled to sum to 1) for the source coordinate num / den
/// (den > 0), with the weights of Keys' kernel with coefficient `a` at the
/// distances from it (ONNX Resize's cubic), computed in double and rounded
/// once to fp32.
struct CubicTaps {
  uint32_t index[4];
  float weight[4];
};

CubicTaps cubicTaps(int64_t num, int64_t den, uint32_t n, double a,
                    bool excludeOutside) {
  // Floor division, the numerator may be negative (half_pixel's first
  // outputs).
  int64_t i0 = num >= 0 ? num / den : -((-num + den - 1) / den);
  double r = double(num - i0 * den) / double(den);
  double w[4], sum = 0;
  CubicTaps t;
  for (int k = 0; k < 4; ++k) {
    int64_t i = i0 - 1 + k;
    w[k] = arch::cubicInterpolationWeight(r - (k - 1), a);
    if (excludeOutside && (i < 0 || i >= int64_t(n)))
      w[k] = 0;
    sum += w[k];
    t.index[k] = uint32_t(std::clamp<int64_t>(i, 0, int64_t(n) - 1));
  }
  for (int k = 0; k < 4; ++k)
    t.weight[k] = float(excludeOutside && sum != 0 ? w[k] / sum : w[k]);
  return t;
}

/// The cubic taps of output index o of n inputs resized to m under the
/// coordinates of `mode` (6 half_pixel, 7 align_corners, 8 asymmetric).
CubicTaps cubicTapsFor(int64_t mode, uint32_t o, uint32_t n, uint32_t m,
                       double a, bool excludeOutside) {
  if (mode == 6) // ((2o + 1) n - m) / 2m
    return cubicTaps((2 * int64_t(o) + 1) * n - m, 2 * int64_t(m), n, a,
                     excludeOutside);
  if (mode == 7) // o (n - 1) / (m - 1), 0 where m is 1
    return m <= 1 ? cubicTaps(0, 1, n, a, excludeOutside)
                  : cubicTaps(int64_t(o) * (n - 1), int64_t(m) - 1, n, a,
                              excludeOutside);
  return cubicTaps(int64_t(o) * n, m, n, a, excludeOutside); // o n / m
}

/// Cubic resizing (modes 6-8): per plane, rows of the 4 x 4 taps summed
/// along x, then those along y, in fp32.
void resizeCubic(const ShaveTask &t, const std::vector<float> &x,
                 const View &in, const View &out) {
  uint32_t N = in.shape[0], C = in.shape[1], H = in.shape[2], W = in.shape[3];
  uint32_t OH = out.shape[2], OW = out.shape[3];
  int64_t mode = t.iparams[0];
  double a = t.fparams[0];
  bool exclude = t.iparams[1] != 0;
  std::vector<CubicTaps> ty(OH), tx(OW);
  for (uint32_t oy = 0; oy < OH; ++oy)
    ty[oy] = cubicTapsFor(mode, oy, H, OH, a, exclude);
  for (uint32_t ox = 0; ox < OW; ++ox)
    tx[ox] = cubicTapsFor(mode, ox, W, OW, a, exclude);
  std::vector<float> y(uint64_t(N) * C * OH * OW);
  for (uint32_t nc = 0; nc < N * C; ++nc) {
    const float *plane = &x[uint64_t(nc) * H * W];
    for (uint32_t oy = 0; oy < OH; ++oy)
      for (uint32_t ox = 0; ox < OW; ++ox) {
        const CubicTaps &cy = ty[oy], &cx = tx[ox];
        float v = 0;
        for (int j = 0; j < 4; ++j) {
          const float *row = plane + uint64_t(cy.index[j]) * W;
          float h = 0;
          for (int i = 0; i < 4; ++i)
            h += cx.weight[i] * row[cx.index[i]];
          v += cy.weight[j] * h;
        }
        y[(uint64_t(nc) * OH + oy) * OW + ox] = v;
      }
  }
  writeAll(out, y);
}

void resize(const ShaveTask &t, const View &in, const View &out) {
  std::vector<float> x = readAll(in);
  if (t.iparams[0] >= 6)
    return resizeCubic(t, x, in, out);
  uint32_t N = in.shape[0], C = in.shape[1], H = in.shape[2], W = in.shape[3];
  uint32_t OH = out.shape[2], OW = out.shape[3];
  // Modes (docs/simulator.md): 0 nearest, asymmetric floor; 1 linear,
  // half_pixel; 2 nearest, asymmetric, the ceiling where a dimension
  // shrinks; 3 linear, align_corners; 4 / 5 nearest, half_pixel, ties down
  // / up; 6 / 7 / 8 cubic (resizeCubic).
  int64_t mode = t.iparams[0];
  bool linear = mode == 1 || mode == 3;
  auto tap = mode == 1   ? linearTap
             : mode == 2 ? nearestSimpleTap
             : mode == 3 ? alignCornersTap
             : mode == 4 ? nearestHalfPixelTap
             : mode == 5 ? nearestHalfPixelCeilTap
                         : nearestTap;
  std::vector<ResizeTap> ty(OH), tx(OW);
  for (uint32_t oy = 0; oy < OH; ++oy)
    ty[oy] = tap(oy, H, OH);
  for (uint32_t ox = 0; ox < OW; ++ox)
    tx[ox] = tap(ox, W, OW);
  std::vector<float> y(uint64_t(N) * C * OH * OW);
  for (uint32_t nc = 0; nc < N * C; ++nc)
    for (uint32_t oy = 0; oy < OH; ++oy)
      for (uint32_t ox = 0; ox < OW; ++ox) {
        const float *plane = &x[uint64_t(nc) * H * W];
        const ResizeTap &a = ty[oy], &b = tx[ox];
        float v;
        if (!linear) {
          v = plane[a.i0 * W + b.i0];
        } else {
          float dy = a.w1, dx = b.w1;
          float top =
              plane[a.i0 * W + b.i0] * (1 - dx) + plane[a.i0 * W + b.i1] * dx;
          float bot =
              plane[a.i1 * W + b.i0] * (1 - dx) + plane[a.i1 * W + b.i1] * dx;
          v = top * (1 - dy) + bot * dy;
        }
        y[(uint64_t(nc) * OH + oy) * OW + ox] = v;
      }
  writeAll(out, y);
}

/// Index j of `idx` (i32 or i64: token ids as exporters write them) into an
/// axis of `n`, negative ones counting from the end; false with `error`
/// outside [-n, n).
bool readIndex(const View &idx, uint64_t j, uint64_t n, const char *kernel,
               int64_t &index, std::string &error) {
  int64_t raw;
  if (idx.dtype == DType::I64) {
    std::memcpy(&raw, idx.data + idx.offsetOf(j), 8);
  } else {
    int32_t narrow;
    std::memcpy(&narrow, idx.data + idx.offsetOf(j), 4);
    raw = narrow;
  }
  index = raw < 0 ? raw + int64_t(n) : raw;
  if (index < 0 || index >= int64_t(n)) {
    error = std::string(kernel) + " index " + std::to_string(raw) +
            " is outside [" + std::to_string(-int64_t(n)) + ", " +
            std::to_string(n) + ")";
    return false;
  }
  return true;
}

bool gather(const ShaveTask &t, const View &data, const View &idx,
            const View &out, std::string &error) {
  size_t axis = size_t(t.iparams[0]);
  uint64_t outer, n, inner;
  splitAround(data.shape, axis, axis + 1, outer, n, inner);
  uint64_t nIdx = idx.numElements();
  uint64_t elem = dtypeSize(data.dtype);
  for (uint64_t j = 0; j < nIdx; ++j) {
    int64_t i;
    if (!readIndex(idx, j, n, "gather", i, error))
      return false;
    for (uint64_t o = 0; o < outer; ++o)
      for (uint64_t in = 0; in < inner; ++in) {
        uint64_t src = (o * n + uint64_t(i)) * inner + in;
        uint64_t dst = (o * nIdx + j) * inner + in;
        std::memcpy(out.data + out.offsetOf(dst),
                    data.data + data.offsetOf(src), elem);
      }
  }
  return true;
}

/// ONNX GatherElements: out[..., j, ...] = data[..., idx[..., j, ...], ...]
/// along iparams[0]; the index tensor has the output's shape and is at most
/// the data's size in every other dimension.
bool gatherElements(const ShaveTask &t, const View &data, const View &idx,
                    const View &out, std::string &error) {
  size_t axis = size_t(t.iparams[0]), rank = out.shape.size();
  uint64_t n = data.shape[axis], total = out.numElements();
  uint64_t elem = dtypeSize(data.dtype);
  std::vector<uint32_t> at(rank, 0);
  for (uint64_t e = 0; e < total; ++e) {
    int64_t i;
    if (!readIndex(idx, e, n, "gather_elements", i, error))
      return false;
    // The data element: the output's coordinates, the axis' replaced.
    uint64_t src = 0;
    for (size_t d = 0; d < rank; ++d)
      src = src * data.shape[d] + (d == axis ? uint64_t(i) : at[d]);
    std::memcpy(out.data + out.offsetOf(e), data.data + data.offsetOf(src),
                elem);
    for (size_t d = rank; d-- > 0;) {
      if (++at[d] < out.shape[d])
        break;
      at[d] = 0;
    }
  }
  return true;
}

/// Element offsets into `data` of every index tuple of `idx` (its last
/// dimension k), after batch_dims shared leading dimensions: ONNX
/// GatherND / ScatterND addressing. False with `error` for an index
/// outside its dimension.
bool tupleOffsets(const View &data, const View &idx, size_t batchDims,
                  const char *kernel, std::vector<uint64_t> &offsets,
                  uint64_t &slice, std::string &error) {
  size_t k = idx.shape.back(), rank = data.shape.size();
  std::vector<uint64_t> strides(rank, 1);
  for (size_t d = rank - 1; d-- > 0;)
    strides[d] = strides[d + 1] * data.shape[d + 1];
  slice = batchDims + k < rank ? strides[batchDims + k - 1] : 1;
  uint64_t batches = 1;
  for (size_t d = 0; d < batchDims; ++d)
    batches *= data.shape[d];
  uint64_t tuples = idx.numElements() / k;
  uint64_t perBatch = tuples / batches;
  offsets.resize(tuples);
  for (uint64_t j = 0; j < tuples; ++j) {
    uint64_t off = batchDims ? (j / perBatch) * strides[batchDims - 1] : 0;
    for (size_t e = 0; e < k; ++e) {
      int64_t i;
      if (!readIndex(idx, j * k + e, data.shape[batchDims + e], kernel, i,
                     error))
        return false;
      off += uint64_t(i) * strides[batchDims + e];
    }
    offsets[j] = off;
  }
  return true;
}

bool gatherND(const ShaveTask &t, const View &data, const View &idx,
              const View &out, std::string &error) {
  std::vector<uint64_t> offsets;
  uint64_t slice;
  if (!tupleOffsets(data, idx, size_t(t.iparams[0]), "gather_nd", offsets,
                    slice, error))
    return false;
  uint64_t elem = dtypeSize(data.dtype);
  for (uint64_t j = 0; j < offsets.size(); ++j)
    for (uint64_t e = 0; e < slice; ++e)
      std::memcpy(out.data + out.offsetOf(j * slice + e),
                  data.data + data.offsetOf(offsets[j] + e), elem);
  return true;
}

/// Element `at` of `out` combined with element `from` of `upd`: replaced,
/// or (float data) reduced in f32 and stored rounded to the data's type.
void scatterOne(arch::ScatterReduction r, const View &upd, uint64_t from,
                const View &out, uint64_t at) {
  uint8_t *dst = out.data + out.offsetOf(at);
  const uint8_t *src = upd.data + upd.offsetOf(from);
  if (r == arch::ScatterReduction::None) {
    std::memcpy(dst, src, dtypeSize(out.dtype));
    return;
  }
  float a = loadAsFloat(dst, out.dtype), b = loadAsFloat(src, upd.dtype);
  float v = r == arch::ScatterReduction::Add   ? a + b
            : r == arch::ScatterReduction::Mul ? a * b
            : r == arch::ScatterReduction::Max ? std::max(a, b)
                                               : std::min(a, b);
  storeFromFloat(dst, out.dtype, v);
}

/// ONNX ScatterND: a copy of the data with the update slices at the index
/// tuples, in the indices' order.
bool scatterND(const ShaveTask &t, const std::vector<View> &ins,
               const View &out, std::string &error) {
  std::vector<uint64_t> offsets;
  uint64_t slice;
  if (!tupleOffsets(ins[0], ins[1], 0, "scatter_nd", offsets, slice, error))
    return false;
  runDma(ins[0], out);
  auto r = arch::ScatterReduction(t.iparams[0]);
  for (uint64_t j = 0; j < offsets.size(); ++j)
    for (uint64_t e = 0; e < slice; ++e)
      scatterOne(r, ins[2], j * slice + e, out, offsets[j] + e);
  return true;
}

/// ONNX ScatterElements: a copy of the data with update (..., j, ...) at
/// (..., indices[..., j, ...], ...) along iparams[0], in row-major order.
bool scatterElements(const ShaveTask &t, const std::vector<View> &ins,
                     const View &out, std::string &error) {
  const View &data = ins[0], &idx = ins[1], &upd = ins[2];
  size_t axis = size_t(t.iparams[0]), rank = data.shape.size();
  auto r = arch::ScatterReduction(t.iparams[1]);
  // Indices first, so that a bad one leaves the output untouched.
  uint64_t total = idx.numElements(), n = data.shape[axis];
  std::vector<int64_t> at(total);
  for (uint64_t e = 0; e < total; ++e)
    if (!readIndex(idx, e, n, "scatter_elements", at[e], error))
      return false;
  runDma(data, out);
  std::vector<uint32_t> pos(rank, 0);
  for (uint64_t e = 0; e < total; ++e) {
    uint64_t dst = 0;
    for (size_t d = 0; d < rank; ++d)
      dst = dst * data.shape[d] + (d == axis ? uint64_t(at[e]) : pos[d]);
    scatterOne(r, upd, e, out, dst);
    for (size_t d = rank; d-- > 0;) {
      if (++pos[d] < idx.shape[d])
        break;
      pos[d] = 0;
    }
  }
  return true;
}

void permute(const ShaveTask &t, const View &in, const View &out) {
  size_t rank = in.shape.size();
  uint64_t elem = dtypeSize(in.dtype), n = out.numElements();
  std::vector<uint32_t> idx(rank, 0);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t so = 0, dof = 0;
    for (size_t d = 0; d < rank; ++d) {
      dof += idx[d] * out.strides[d];
      so += idx[d] * in.strides[size_t(t.iparams[d])];
    }
    std::memcpy(out.data + dof, in.data + so, elem);
    for (size_t d = rank; d-- > 0;) {
      if (++idx[d] < out.shape[d])
        break;
      idx[d] = 0;
    }
  }
}

/// out[..., m, n] = sum over k in order of A[..., m, k] * B[..., k, n]: each
/// product is rounded to fp32, then added to an fp32 accumulator (separate
/// statements, so that the compiler cannot fuse them into an FMA and the
/// result does not depend on the host's instruction set).
void matmul(const ShaveTask &t, const View &a, const View &b, const View &out) {
  std::vector<float> av = readAll(a), bv = readAll(b);
  size_t r = out.shape.size();
  bool ta = !t.iparams.empty() && t.iparams[0] != 0;
  bool tb = t.iparams.size() > 1 && t.iparams[1] != 0;
  uint64_t M = out.shape[r - 2], N = out.shape[r - 1];
  uint64_t K = ta ? a.shape[r - 2] : a.shape[r - 1];
  std::vector<uint32_t> ob(out.shape.begin(), out.shape.end() - 2),
      abatch(a.shape.begin(), a.shape.end() - 2),
      bbatch(b.shape.begin(), b.shape.end() - 2);
  uint64_t batches = 1;
  for (uint32_t d : ob)
    batches *= d;
  // Element strides of A[m, k] and B[k, n] within one matrix.
  uint64_t amS = ta ? 1 : K, akS = ta ? M : 1;
  uint64_t bkS = tb ? 1 : N, bnS = tb ? K : 1;
  ThreadPool::global().parallelFor(
      batches * M, std::max<uint64_t>(1, 4096 / std::max<uint64_t>(N * K, 1)),
      [&](size_t begin, size_t end) {
        for (size_t row = begin; row < end; ++row) {
          uint64_t bi = row / M, m = row % M;
          const float *ap = &av[broadcastIndex(bi, ob, abatch) * M * K];
          const float *bp = &bv[broadcastIndex(bi, ob, bbatch) * K * N];
          for (uint64_t n = 0; n < N; ++n) {
            float acc = 0.0f;
            for (uint64_t k = 0; k < K; ++k) {
              float p = ap[m * amS + k * akS] * bp[k * bkS + n * bnS];
              acc += p;
            }
            storeFromFloat(out.data + out.offsetOf(row * N + n), out.dtype,
                           acc);
          }
        }
      });
}

/// Scatters input[y][x] to output[pad_top + y*sh][pad_left + x*sw]; every
/// other output element is zero bytes. Bytes are copied, not converted.
void upsampleZeros(const ShaveTask &t, const View &in, const View &out) {
  uint64_t sh = t.iparams[0], sw = t.iparams[1];
  uint64_t pt = t.iparams[2], pl = t.iparams[3];
  uint64_t H = in.shape[0], W = in.shape[1];
  uint64_t OH = out.shape[0], OW = out.shape[1], C = out.shape[2];
  size_t elem = dtypeSize(in.dtype);
  ThreadPool::global().parallelFor(
      OH, std::max<uint64_t>(1, 4096 / std::max<uint64_t>(OW * C, 1)),
      [&](size_t begin, size_t end) {
        for (uint64_t oy = begin; oy < end; ++oy) {
          bool rowHit = oy >= pt && (oy - pt) % sh == 0 && (oy - pt) / sh < H;
          for (uint64_t ox = 0; ox < OW; ++ox) {
            bool hit =
                rowHit && ox >= pl && (ox - pl) % sw == 0 && (ox - pl) / sw < W;
            uint64_t y = (oy - pt) / sh, x = (ox - pl) / sw;
            for (uint64_t c = 0; c < C; ++c) {
              uint8_t *dst = out.data + out.offsetOf((oy * OW + ox) * C + c);
              if (hit)
                std::memcpy(dst, in.data + in.offsetOf((y * W + x) * C + c),
                            elem);
              else
                std::memset(dst, 0, elem);
            }
          }
        }
      });
}

/// Every output element from the input's by unary().
void runUnary(const ShaveTask &t, const View &in, const View &out) {
  uint64_t n = out.numElements();
  ThreadPool::global().parallelFor(n, 4096, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i)
      storeFromFloat(
          out.data + out.offsetOf(i), out.dtype,
          unary(t.kernel, loadAsFloat(in.data + in.offsetOf(i), in.dtype), t));
  });
}

} // namespace

bool runShave(const ShaveTask &t, const std::vector<View> &ins,
              const std::vector<View> &outs, std::string &error) {
  const View &out = outs[0];
  if (t.kernel == ShaveKernel::HSwish && ins.size() == 3) {
    // hswish(x) * scale + shift with broadcast scale and shift, rounded to
    // f16 after each step (iparams [1]).
    std::vector<float> s = readAll(ins[1]), b = readAll(ins[2]);
    uint64_t n = out.numElements();
    ThreadPool::global().parallelFor(n, 4096, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i)
        storeFromFloat(
            out.data + out.offsetOf(i), out.dtype,
            hswishAffineEachStep(
                loadAsFloat(ins[0].data + ins[0].offsetOf(i), ins[0].dtype),
                s[broadcastIndex(i, out.shape, ins[1].shape)],
                b[broadcastIndex(i, out.shape, ins[2].shape)]));
    });
    return true;
  }
  if (arch::isPlainUnaryKernel(t.kernel)) {
    runUnary(t, ins[0], out);
    return true;
  }
  switch (t.kernel) {
  case ShaveKernel::Sigmoid:
  case ShaveKernel::Tanh:
  case ShaveKernel::Gelu:
  case ShaveKernel::GeluTanh:
  case ShaveKernel::Swish:
  case ShaveKernel::HSwish:
  case ShaveKernel::Exp:
  case ShaveKernel::Log:
  case ShaveKernel::Sqrt:
  case ShaveKernel::Erf:
  case ShaveKernel::Abs:
  case ShaveKernel::Neg:
  case ShaveKernel::Reciprocal:
  case ShaveKernel::Relu:
  case ShaveKernel::Clamp:
  case ShaveKernel::HSigmoid:
  case ShaveKernel::LeakyRelu:
  case ShaveKernel::ThresholdedRelu:
  case ShaveKernel::Elu:
  case ShaveKernel::Selu:
  case ShaveKernel::Celu:
    runUnary(t, ins[0], out);
    return true;
  case ShaveKernel::Div:
  case ShaveKernel::Mul:
  case ShaveKernel::Pow:
  case ShaveKernel::Add:
  case ShaveKernel::Sub:
  case ShaveKernel::Max:
  case ShaveKernel::Min:
  case ShaveKernel::PRelu: {
    std::vector<float> a = readAll(ins[0]), b = readAll(ins[1]);
    uint64_t n = out.numElements();
    ThreadPool::global().parallelFor(n, 4096, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i)
        storeFromFloat(out.data + out.offsetOf(i), out.dtype,
                       binary(t.kernel,
                              a[broadcastIndex(i, out.shape, ins[0].shape)],
                              b[broadcastIndex(i, out.shape, ins[1].shape)]));
    });
    return true;
  }
  case ShaveKernel::Compare: {
    std::vector<float> a = readAll(ins[0]), b = readAll(ins[1]);
    auto kind = arch::CompareKind(t.iparams[0]);
    uint64_t n = out.numElements();
    ThreadPool::global().parallelFor(n, 4096, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i)
        storeFromFloat(out.data + out.offsetOf(i), out.dtype,
                       compare(kind,
                               a[broadcastIndex(i, out.shape, ins[0].shape)],
                               b[broadcastIndex(i, out.shape, ins[1].shape)]));
    });
    return true;
  }
  // ONNX Where: x where the condition is not 0, else y (bytes as loaded:
  // the three operands are float).
  case ShaveKernel::Where: {
    std::vector<float> c = readAll(ins[0]), x = readAll(ins[1]),
                       y = readAll(ins[2]);
    uint64_t n = out.numElements();
    ThreadPool::global().parallelFor(n, 4096, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i)
        storeFromFloat(out.data + out.offsetOf(i), out.dtype,
                       c[broadcastIndex(i, out.shape, ins[0].shape)] != 0.0f
                           ? x[broadcastIndex(i, out.shape, ins[1].shape)]
                           : y[broadcastIndex(i, out.shape, ins[2].shape)]);
    });
    return true;
  }
  case ShaveKernel::ArgMax:
  case ShaveKernel::ArgMin:
    argExtreme(t, ins[0], out);
    return true;
  case ShaveKernel::TopK:
    topK(t, ins[0], outs[0], outs[1]);
    return true;
  case ShaveKernel::MatMul:
    matmul(t, ins[0], ins[1], out);
    return true;
  case ShaveKernel::UpsampleZeros:
    upsampleZeros(t, ins[0], out);
    return true;
  case ShaveKernel::Softmax:
  case ShaveKernel::LogSoftmax:
    softmax(t, ins[0], out);
    return true;
  case ShaveKernel::ReduceSum:
  case ShaveKernel::ReduceMean:
  case ShaveKernel::ReduceMax:
  case ShaveKernel::ReduceMin:
    reduce(t.kernel, ins[0], out);
    return true;
  case ShaveKernel::Mvn:
    mvn(t, ins, out);
    return true;
  case ShaveKernel::Resize:
    resize(t, ins[0], out);
    return true;
  case ShaveKernel::Gather:
    return gather(t, ins[0], ins[1], out, error);
  case ShaveKernel::GatherElements:
    return gatherElements(t, ins[0], ins[1], out, error);
  case ShaveKernel::GatherND:
    return gatherND(t, ins[0], ins[1], out, error);
  case ShaveKernel::ScatterND:
    return scatterND(t, ins, out, error);
  case ShaveKernel::ScatterElements:
    return scatterElements(t, ins, out, error);
  case ShaveKernel::Permute:
    permute(t, ins[0], out);
    return true;
  case ShaveKernel::Convert:
    if (isIndexType(ins[0].dtype) && isIndexType(out.dtype)) {
      convertIndices(ins[0], out);
      return true;
    }
    writeAll(out, readAll(ins[0]));
    return true;
  case ShaveKernel::Quantize: {
    std::vector<float> x = readAll(ins[0]);
    float scale = t.fparams[0];
    float zp = float(t.iparams[0]);
    for (float &v : x)
      v = std::nearbyint(v / scale) + zp; // Saturated by storeFromFloat.
    writeAll(out, x);
    return true;
  }
  case ShaveKernel::Dequantize: {
    std::vector<float> x = readAll(ins[0]);
    float scale = t.fparams[0];
    float zp = float(t.iparams[0]);
    for (float &v : x)
      v = (v - zp) * scale;
    writeAll(out, x);
    return true;
  }
  case ShaveKernel::Lut: {
    // out = table[in - min(in's type)], bytes as they are.
    const View &x = ins[0], &table = ins[1];
    bool isSigned = x.dtype == DType::I8;
    uint64_t n = out.numElements();
    ThreadPool::global().parallelFor(n, 4096, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        uint8_t byte = x.data[x.offsetOf(i)];
        uint64_t index =
            isSigned ? uint64_t(int64_t(int8_t(byte)) + 128) : uint64_t(byte);
        out.data[out.offsetOf(i)] = table.data[table.offsetOf(index)];
      }
    });
    return true;
  }
  default: // The plain unary kernels ran above.
    break;
  }
  error = "unknown SHAVE kernel";
  return false;
}

} // namespace npu::device
