//===- Recurrent.cpp - RNN, GRU and LSTM ----------------------------------===//
//
// Onto npu.rnn / npu.gru / npu.lstm with the ONNX defaults made explicit:
// every direction's activations listed, each with its alpha and beta
// (activation_alpha / activation_beta hold values only for the activations
// that take them, in order), hidden_size from R when it is not given.
// Layout 1 (batch first, opset 14) is transposed to layout 0 around the op.
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"

#include "../NodeImporter.h"
#include "../OpRegistry.h"

#include "npu/Kernels/Recurrent.h"

using namespace mlir;

namespace npu::onnx_import {
namespace {

using kernels::RnnCell;

FailureOr<Value> transposed(NodeImporter &n, Value v, ArrayRef<int64_t> perm) {
  return n.create<TransposeOp>(v, n.getBuilder().getDenseI64ArrayAttr(perm));
}

struct Activations {
  SmallVector<Attribute> names;
  SmallVector<float> alpha, beta;
};

/// The node's activations for `dirs` directions in their ONNX spelling, each
/// with its alpha and beta.
FailureOr<Activations> importActivations(NodeImporter &n, RnnCell cell,
                                         int64_t dirs) {
  static const char *const defaults[3][3] = {
      {"Tanh"}, {"Sigmoid", "Tanh"}, {"Sigmoid", "Tanh", "Tanh"}};
  int64_t perDir = kernels::rnnActivationsPerDirection(cell);
  SmallVector<std::string> names;
  if (n.hasAttr("activations")) {
    const onnx::AttributeProto *attr = nullptr;
    for (const auto &a : n.getNode().attribute())
      if (a.name() == "activations")
        attr = &a;
    for (const std::string &s : attr->strings())
      names.push_back(s);
  }
  // A given list names each direction's activations (ONNX Runtime rejects
  // one direction's list for a bidirectional layer).
  if (names.empty())
    for (int64_t d = 0; d < dirs; ++d)
      for (int64_t i = 0; i < perDir; ++i)
        names.push_back(defaults[perDir - 1][i]);
  if (int64_t(names.size()) != dirs * perDir)
    return n.emitError() << "expects " << perDir * dirs << " activations for "
                         << dirs << " direction(s), got " << names.size();
  SmallVector<float> alphas = n.getAttrFloats("activation_alpha");
  SmallVector<float> betas = n.getAttrFloats("activation_beta");
  if (n.failed())
    return failure();
  Activations result;
  size_t nextAlpha = 0, nextBeta = 0;
  auto &b = n.getBuilder();
  for (const std::string &name : names) {
    const kernels::RnnActivationInfo *info = kernels::findRnnActivation(name);
    if (!info) {
      n.unsupportedAttr("activations", "'" + name + "'");
      return failure();
    }
    result.names.push_back(b.getStringAttr(info->name));
    float alpha = info->defaultAlpha, beta = info->defaultBeta;
    if (info->numParams >= 1 && nextAlpha < alphas.size())
      alpha = alphas[nextAlpha++];
    if (info->numParams >= 2 && nextBeta < betas.size())
      beta = betas[nextBeta++];
    result.alpha.push_back(alpha);
    result.beta.push_back(beta);
  }
  if (nextAlpha != alphas.size() || nextBeta != betas.size())
    return n.emitError() << "activation_alpha / activation_beta have "
                         << alphas.size() << " / " << betas.size()
                         << " values, but the activations take " << nextAlpha
                         << " / " << nextBeta;
  return result;
}

template <typename OpT> LogicalResult importRecurrent(NodeImporter &n) {
  constexpr RnnCell cell = std::is_same_v<OpT, RNNOp>   ? RnnCell::Rnn
                           : std::is_same_v<OpT, GRUOp> ? RnnCell::Gru
                                                        : RnnCell::Lstm;
  constexpr bool isLstm = cell == RnnCell::Lstm;
  if (failed(n.requireInputs(3)))
    return failure();
  std::string directionName = n.getAttrString("direction", "forward");
  int64_t layout = n.getAttrInt("layout", 0);
  float clip = n.getAttrFloat("clip", 0.0f);
  bool hasClip = n.hasAttr("clip");
  int64_t linearBeforeReset = n.getAttrInt("linear_before_reset", 0);
  int64_t inputForget = n.getAttrInt("input_forget", 0);
  if (n.failed())
    return failure();
  std::optional<RNNDirection> direction = symbolizeRNNDirection(directionName);
  if (!direction)
    return n.unsupportedAttr("direction", "'" + directionName + "'");
  if (layout != 0 && layout != 1)
    return n.unsupportedAttr("layout", Twine(layout));
  if (hasClip && !(clip > 0.0f))
    return n.unsupportedAttr("clip", std::to_string(clip));
  if (linearBeforeReset != 0 && linearBeforeReset != 1)
    return n.unsupportedAttr("linear_before_reset", Twine(linearBeforeReset));
  if (inputForget != 0 && inputForget != 1)
    return n.unsupportedAttr("input_forget", Twine(inputForget));
  if (!isLstm && n.getNumOutputs() > 2 && n.hasOutput(2))
    return n.emitError() << "has no output 3";

  auto xType = n.getInputType(0);
  auto rType = n.getInputType(2);
  if (xType.getRank() != 3 || rType.getRank() != 3)
    return n.emitError() << "expects a 3-d X and R";
  if (!isa<FloatType>(xType.getElementType()))
    return n.emitError() << "expects a float X, got " << xType.getElementType();
  int64_t dirs = *direction == RNNDirection::bidirectional ? 2 : 1;
  int64_t hidden = n.getAttrInt("hidden_size", rType.getDimSize(2));
  auto activations = importActivations(n, cell, dirs);
  if (n.failed() || failed(activations))
    return failure();

  // Layout 1 ([batch, seq, ...], [batch, dirs, hidden]) to layout 0.
  Value x = n.getInput(0);
  Value initialH = n.getInput(5);
  Value initialC = isLstm ? n.getInput(6) : Value();
  if (layout == 1) {
    for (Value *v : {&x, &initialH, &initialC}) {
      if (!*v)
        continue;
      auto t = transposed(n, *v, {1, 0, 2});
      if (failed(t))
        return failure();
      *v = *t;
    }
  }
  auto x0 = cast<RankedTensorType>(x.getType());
  int64_t seq = x0.getDimSize(0), batch = x0.getDimSize(1);
  Type elem = x0.getElementType();
  auto yType = RankedTensorType::get({seq, dirs, batch, hidden}, elem);
  auto stateType = RankedTensorType::get({dirs, batch, hidden}, elem);
  Type yT = n.hasOutput(0) ? Type(yType) : Type();
  Type hT = n.hasOutput(1) ? Type(stateType) : Type();
  Type cT = n.hasOutput(2) ? Type(stateType) : Type();

  auto &b = n.getBuilder();
  auto common = [&](auto &&...extra) {
    if constexpr (isLstm)
      return n.createTyped<OpT>(
          yT, hT, cT, x, n.getInput(1), n.getInput(2), n.getInput(3),
          n.getInput(4), initialH, initialC, n.getInput(7),
          RNNDirectionAttr::get(n.getContext(), *direction),
          b.getI64IntegerAttr(hidden), b.getArrayAttr(activations->names),
          b.getDenseF32ArrayAttr(activations->alpha),
          b.getDenseF32ArrayAttr(activations->beta),
          hasClip ? b.getF32FloatAttr(clip) : FloatAttr(), extra...);
    else
      return n.createTyped<OpT>(
          yT, hT, x, n.getInput(1), n.getInput(2), n.getInput(3), n.getInput(4),
          initialH, RNNDirectionAttr::get(n.getContext(), *direction),
          b.getI64IntegerAttr(hidden), b.getArrayAttr(activations->names),
          b.getDenseF32ArrayAttr(activations->alpha),
          b.getDenseF32ArrayAttr(activations->beta),
          hasClip ? b.getF32FloatAttr(clip) : FloatAttr(), extra...);
  };
  FailureOr<OpT> op;
  if constexpr (cell == RnnCell::Rnn)
    op = common();
  else if constexpr (cell == RnnCell::Gru)
    op = common(linearBeforeReset ? b.getUnitAttr() : UnitAttr());
  else
    op = common(inputForget ? b.getUnitAttr() : UnitAttr());
  if (failed(op))
    return failure();

  SmallVector<Value, 3> results = {op->getY(), op->getYH()};
  if constexpr (isLstm)
    results.push_back(op->getYC());
  for (auto [i, v] : llvm::enumerate(results)) {
    if (!v)
      continue;
    if (layout == 1) {
      auto t = transposed(n, v,
                          i == 0 ? ArrayRef<int64_t>{2, 0, 1, 3}
                                 : ArrayRef<int64_t>{1, 0, 2});
      if (failed(t))
        return failure();
      v = *t;
    }
    n.setOutput(i, v);
  }
  return success();
}

} // namespace

void registerRecurrentOps(OpRegistry &r) {
  r.add("RNN", importRecurrent<RNNOp>);
  r.add("GRU", importRecurrent<GRUOp>);
  r.add("LSTM", importRecurrent<LSTMOp>);
}

} // namespace npu::onnx_import
