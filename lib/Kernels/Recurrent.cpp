//===- Recurrent.cpp - ONNX RNN, GRU and LSTM reference kernels -----------===//
//
// One loop over time per direction, in the order ONNX specifies the cell
// equations (and ONNX Runtime computes them): gate pre-activations as double
// sums of products, clipped, activated in float. Steps at or beyond a batch
// element's sequence length keep its state and give zeros; since the state
// is kept, the reverse direction can run from the last step for every batch
// element (its first steps are then no-ops), which is ONNX's per-element
// reversal of the first `length` steps.
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Recurrent.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace npu::kernels {

float applyRnnActivation(const RnnFunction &f, float x) {
  switch (f.kind) {
  case RnnActivation::Relu:
    return std::max(x, 0.0f);
  case RnnActivation::Tanh:
    return std::tanh(x);
  case RnnActivation::Sigmoid:
    return 1.0f / (1.0f + std::exp(-x));
  case RnnActivation::Affine:
    return f.alpha * x + f.beta;
  case RnnActivation::LeakyRelu:
    return x >= 0.0f ? x : f.alpha * x;
  case RnnActivation::ThresholdedRelu:
    return x > f.alpha ? x : 0.0f;
  case RnnActivation::ScaledTanh:
    return f.alpha * std::tanh(f.beta * x);
  case RnnActivation::HardSigmoid:
    return std::min(1.0f, std::max(0.0f, f.alpha * x + f.beta));
  case RnnActivation::Elu:
    return x >= 0.0f ? x : f.alpha * (std::exp(x) - 1.0f);
  case RnnActivation::Softsign:
    return x / (1.0f + std::fabs(x));
  case RnnActivation::Softplus:
    return std::log1p(std::exp(x));
  }
  return x;
}

namespace {

std::vector<float> asFloats(const HostTensor &t) {
  HostTensor f = t.dtype() == DType::F32 ? t : t.castTo(DType::F32);
  return std::vector<float>(f.data<float>(), f.data<float>() + f.numElements());
}

Status expectShape(const char *what, const HostTensor *t,
                   std::vector<int64_t> shape) {
  if (t && t->shape() != shape)
    return Status::error(std::string(what) + " has shape " +
                         shapeToString(t->shape()) + ", expected " +
                         shapeToString(shape));
  return Status::success();
}

/// sum_k a[k] * b[k] in double.
double dot(const float *a, const float *b, int64_t n) {
  double s = 0.0;
  for (int64_t k = 0; k < n; ++k)
    s += double(a[k]) * double(b[k]);
  return s;
}

} // namespace

Status recurrent(const RecurrentParams &params, const HostTensor &x,
                 const HostTensor &w, const HostTensor &r, const HostTensor *b,
                 const HostTensor *sequenceLens, const HostTensor *initialH,
                 const HostTensor *initialC, const HostTensor *p, HostTensor *y,
                 HostTensor *yH, HostTensor *yC) {
  const int gates = rnnGates(params.cell);
  const int perDir = rnnActivationsPerDirection(params.cell);
  const int64_t dirs = params.numDirections, h = params.hiddenSize;
  if (x.rank() != 3 || (dirs != 1 && dirs != 2) || h <= 0)
    return Status::error("recurrent: expected a 3-d input, 1 or 2 "
                         "directions and a positive hidden size");
  const int64_t seq = x.dim(0), batch = x.dim(1), in = x.dim(2);
  const int64_t gh = gates * h;
  NPU_RETURN_IF_ERROR(expectShape("W", &w, {dirs, gh, in}));
  NPU_RETURN_IF_ERROR(expectShape("R", &r, {dirs, gh, h}));
  NPU_RETURN_IF_ERROR(expectShape("B", b, {dirs, 2 * gh}));
  NPU_RETURN_IF_ERROR(expectShape("sequence_lens", sequenceLens, {batch}));
  NPU_RETURN_IF_ERROR(expectShape("initial_h", initialH, {dirs, batch, h}));
  NPU_RETURN_IF_ERROR(expectShape("initial_c", initialC, {dirs, batch, h}));
  NPU_RETURN_IF_ERROR(expectShape("P", p, {dirs, 3 * h}));
  NPU_RETURN_IF_ERROR(expectShape("Y", y, {seq, dirs, batch, h}));
  NPU_RETURN_IF_ERROR(expectShape("Y_h", yH, {dirs, batch, h}));
  NPU_RETURN_IF_ERROR(expectShape("Y_c", yC, {dirs, batch, h}));
  if (int64_t(params.activations.size()) != dirs * perDir)
    return Status::error("recurrent: expected " +
                         std::to_string(dirs * perDir) + " activations");

  std::vector<int64_t> lengths(batch, seq);
  if (sequenceLens)
    for (int64_t n = 0; n < batch; ++n) {
      lengths[n] = sequenceLens->getAsInt(n);
      if (lengths[n] < 0 || lengths[n] > seq)
        return Status::error("sequence_lens[" + std::to_string(n) +
                             "] = " + std::to_string(lengths[n]) +
                             " is outside [0, " + std::to_string(seq) + "]");
    }
  std::vector<float> xs = asFloats(x), ws = asFloats(w), rs = asFloats(r);
  std::vector<float> bs = b ? asFloats(*b) : std::vector<float>(dirs * 2 * gh);
  std::vector<float> ps = p ? asFloats(*p) : std::vector<float>(dirs * 3 * h);
  std::vector<float> h0 =
      initialH ? asFloats(*initialH) : std::vector<float>(dirs * batch * h);
  std::vector<float> c0 =
      initialC ? asFloats(*initialC) : std::vector<float>(dirs * batch * h);
  std::vector<float> ys(seq * dirs * batch * h, 0.0f);
  std::vector<float> hs(dirs * batch * h), cs(dirs * batch * h);

  auto clip = [&](double v) {
    float f = float(v);
    if (params.clip)
      f = std::min(*params.clip, std::max(-*params.clip, f));
    return f;
  };

  for (int64_t d = 0; d < dirs; ++d) {
    bool reverse = dirs == 2 ? d == 1 : params.reverse;
    const RnnFunction *act = &params.activations[d * perDir];
    const float *wd = &ws[d * gh * in], *rd = &rs[d * gh * h];
    const float *wb = &bs[d * 2 * gh], *rb = wb + gh;
    const float *pd = &ps[d * 3 * h];
    std::vector<float> hPrev(&h0[d * batch * h], &h0[(d + 1) * batch * h]);
    std::vector<float> cPrev(&c0[d * batch * h], &c0[(d + 1) * batch * h]);
    std::vector<float> hNew(h), cNew(h), gate(gh), rh(h);
    for (int64_t step = 0; step < seq; ++step) {
      int64_t t = reverse ? seq - 1 - step : step;
      for (int64_t n = 0; n < batch; ++n) {
        if (t >= lengths[n])
          continue; // State kept; Y stays 0.
        const float *xt = &xs[(t * batch + n) * in];
        float *hp = &hPrev[n * h], *cp = &cPrev[n * h];
        // X W^T + Wb (+ H R^T + Rb, except GRU's candidate gate).
        auto inputPart = [&](int64_t row) {
          return dot(xt, wd + row * in, in) + wb[row];
        };
        auto statePart = [&](int64_t row, const float *state) {
          return dot(state, rd + row * h, h) + rb[row];
        };
        switch (params.cell) {
        case RnnCell::Rnn:
          for (int64_t j = 0; j < h; ++j)
            hNew[j] = applyRnnActivation(act[0],
                                         clip(inputPart(j) + statePart(j, hp)));
          break;
        case RnnCell::Gru: {
          // z and r.
          for (int64_t j = 0; j < 2 * h; ++j)
            gate[j] = applyRnnActivation(act[0],
                                         clip(inputPart(j) + statePart(j, hp)));
          const float *z = &gate[0], *rg = &gate[h];
          for (int64_t k = 0; k < h; ++k)
            rh[k] = rg[k] * hp[k];
          for (int64_t j = 0; j < h; ++j) {
            int64_t row = 2 * h + j;
            double pre = params.linearBeforeReset
                             ? inputPart(row) + rg[j] * statePart(row, hp)
                             : inputPart(row) + statePart(row, rh.data());
            float cand = applyRnnActivation(act[1], clip(pre));
            hNew[j] = (1.0f - z[j]) * cand + z[j] * hp[j];
          }
          break;
        }
        case RnnCell::Lstm: {
          // Gate rows: i [0, h), o [h, 2h), f [2h, 3h), c [3h, 4h).
          for (int64_t j = 0; j < h; ++j) {
            double pi = inputPart(j) + statePart(j, hp) + pd[j] * cp[j];
            double pf = inputPart(2 * h + j) + statePart(2 * h + j, hp) +
                        pd[2 * h + j] * cp[j];
            double pc = inputPart(3 * h + j) + statePart(3 * h + j, hp);
            float i = applyRnnActivation(act[0], clip(pi));
            float f = params.inputForget ? 1.0f - i
                                         : applyRnnActivation(act[0], clip(pf));
            float c = applyRnnActivation(act[1], clip(pc));
            cNew[j] = f * cp[j] + i * c;
            double po =
                inputPart(h + j) + statePart(h + j, hp) + pd[h + j] * cNew[j];
            float o = applyRnnActivation(act[0], clip(po));
            hNew[j] = o * applyRnnActivation(act[2], cNew[j]);
          }
          std::copy(cNew.begin(), cNew.end(), cp);
          break;
        }
        }
        std::copy(hNew.begin(), hNew.end(), hp);
        std::copy(hNew.begin(), hNew.end(),
                  &ys[((t * dirs + d) * batch + n) * h]);
      }
    }
    std::copy(hPrev.begin(), hPrev.end(), &hs[d * batch * h]);
    std::copy(cPrev.begin(), cPrev.end(), &cs[d * batch * h]);
  }

  auto store = [](const std::vector<float> &v, HostTensor *out) {
    if (!out)
      return;
    for (size_t i = 0; i < v.size(); ++i)
      out->setFromDouble(int64_t(i), v[i]);
  };
  store(ys, y);
  store(hs, yH);
  store(cs, yC);
  return Status::success();
}

} // namespace npu::kernels
