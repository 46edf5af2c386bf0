//===- Recurrent.h - ONNX RNN, GRU and LSTM reference kernels ---*- C++ -*-===//
//
// Direct float implementations of the ONNX recurrent layers in layout 0
// (X [seq, batch, input], Y [seq, dirs, batch, hidden]): the golden model
// that the back end's unrolled decomposition (npu-decompose-recurrent) is
// checked against. The activation table is header-only so that the npu
// dialect's verifier can check names without linking the kernels.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_KERNELS_RECURRENT_H
#define NPU_KERNELS_RECURRENT_H

#include "npu/Kernels/Status.h"
#include "npu/Support/HostTensor.h"

#include <optional>
#include <string_view>
#include <vector>

namespace npu::kernels {

/// The activation functions ONNX allows in recurrent layers.
enum class RnnActivation {
  Relu,
  Tanh,
  Sigmoid,
  Affine,
  LeakyRelu,
  ThresholdedRelu,
  ScaledTanh,
  HardSigmoid,
  Elu,
  Softsign,
  Softplus,
};

/// One activation: its name in the ONNX spelling, how many of alpha and
/// beta it takes (ONNX's activation_alpha / activation_beta lists hold values
/// only for the activations that take them, in order) and the values ONNX
/// Runtime uses when the model gives none.
struct RnnActivationInfo {
  RnnActivation kind;
  const char *name;
  int numParams; // 0: none, 1: alpha, 2: alpha and beta
  float defaultAlpha;
  float defaultBeta;
};

inline constexpr RnnActivationInfo kRnnActivations[] = {
    {RnnActivation::Relu, "Relu", 0, 0.0f, 0.0f},
    {RnnActivation::Tanh, "Tanh", 0, 0.0f, 0.0f},
    {RnnActivation::Sigmoid, "Sigmoid", 0, 0.0f, 0.0f},
    {RnnActivation::Affine, "Affine", 2, 1.0f, 0.0f},
    {RnnActivation::LeakyRelu, "LeakyRelu", 1, 0.01f, 0.0f},
    {RnnActivation::ThresholdedRelu, "ThresholdedRelu", 1, 1.0f, 0.0f},
    {RnnActivation::ScaledTanh, "ScaledTanh", 2, 1.0f, 1.0f},
    {RnnActivation::HardSigmoid, "HardSigmoid", 2, 0.2f, 0.5f},
    {RnnActivation::Elu, "Elu", 1, 1.0f, 0.0f},
    {RnnActivation::Softsign, "Softsign", 0, 0.0f, 0.0f},
    {RnnActivation::Softplus, "Softplus", 0, 0.0f, 0.0f},
};

/// The activation named `name` (case-insensitive, as ONNX Runtime reads
/// them), or null.
inline const RnnActivationInfo *findRnnActivation(std::string_view name) {
  for (const RnnActivationInfo &info : kRnnActivations) {
    std::string_view known(info.name);
    if (known.size() != name.size())
      continue;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i) {
      auto lower = [](char c) {
        return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
      };
      same = lower(known[i]) == lower(name[i]);
    }
    if (same)
      return &info;
  }
  return nullptr;
}

enum class RnnCell { Rnn, Gru, Lstm };

/// Gates of a cell: 1 (RNN), 3 (GRU: z, r, h) or 4 (LSTM: i, o, f, c).
inline int rnnGates(RnnCell cell) {
  return cell == RnnCell::Rnn ? 1 : cell == RnnCell::Gru ? 3 : 4;
}
/// Activations per direction: 1 (RNN), 2 (GRU) or 3 (LSTM).
inline int rnnActivationsPerDirection(RnnCell cell) {
  return cell == RnnCell::Rnn ? 1 : cell == RnnCell::Gru ? 2 : 3;
}

struct RnnFunction {
  RnnActivation kind = RnnActivation::Tanh;
  float alpha = 0.0f, beta = 0.0f;
};

/// f(x) for one activation.
float applyRnnActivation(const RnnFunction &f, float x);

struct RecurrentParams {
  RnnCell cell = RnnCell::Rnn;
  /// 1 or 2; with 1, `reverse` reads the sequence from its end.
  int numDirections = 1;
  bool reverse = false;
  int64_t hiddenSize = 0;
  /// rnnActivationsPerDirection(cell) per direction, forward first.
  std::vector<RnnFunction> activations;
  std::optional<float> clip;
  bool linearBeforeReset = false; // GRU
  bool inputForget = false;       // LSTM
};

/// Runs the layer. Inputs are float tensors of any float dtype (computed in
/// float32, sums in double); `sequenceLens` is any integer dtype. Absent
/// optional inputs are null; absent outputs are null. Outputs must be
/// allocated with the dtype of `x`.
Status recurrent(const RecurrentParams &params, const HostTensor &x,
                 const HostTensor &w, const HostTensor &r, const HostTensor *b,
                 const HostTensor *sequenceLens, const HostTensor *initialH,
                 const HostTensor *initialC, const HostTensor *p, HostTensor *y,
                 HostTensor *yH, HostTensor *yC);

} // namespace npu::kernels

#endif // NPU_KERNELS_RECURRENT_H
