//===- DecomposeRecurrent.cpp - Unroll npu.rnn / npu.gru / npu.lstm -------===//
//
// The NPU has no recurrent engine: each layer becomes, per direction, one
// matrix product of the whole sequence by W^T (the input projection, with
// both biases: one DPU task), then per step a product of the state by R^T
// (DPU), the adds, gate activations and products of the cell (SHAVE), and
// slices and concats that move rows (DMA). sequence_lens becomes a 0 / 1
// mask per step (folded when the lengths are constants): a masked batch
// element keeps its state and outputs zeros. Ops are created at the layer's
// location, so anything the lowering cannot map is reported at its node.
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/ShapeUtils.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"
#include "npu/Kernels/Recurrent.h"

#include "mlir/IR/Matchers.h"

namespace npu {
#define GEN_PASS_DEF_NPUDECOMPOSERECURRENT
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace {

using kernels::RnnActivation;
using kernels::RnnCell;

/// One recurrent op's operands and attributes, whatever its kind.
struct Layer {
  RnnCell cell = RnnCell::Rnn;
  Operation *op = nullptr;
  Value x, w, r, b, lens, h0, c0, p;
  Value y, yH, yC;
  int64_t dirs = 1, hidden = 0;
  bool reverse = false, linearBeforeReset = false, inputForget = false;
  std::optional<float> clip;
  SmallVector<kernels::RnnFunction> activations;
};

template <typename OpT> Layer describe(OpT op, RnnCell cell) {
  Layer l;
  l.cell = cell;
  l.op = op;
  l.x = op.getX(), l.w = op.getW(), l.r = op.getR(), l.b = op.getB();
  l.lens = op.getSequenceLens(), l.h0 = op.getInitialH();
  l.y = op.getY(), l.yH = op.getYH();
  l.dirs = op.getDirection() == RNNDirection::bidirectional ? 2 : 1;
  l.hidden = op.getHiddenSize();
  l.reverse = op.getDirection() == RNNDirection::reverse;
  if (auto clip = op.getClip())
    l.clip = clip->convertToFloat();
  for (auto [name, alpha, beta] :
       llvm::zip(op.getActivations().template getAsValueRange<StringAttr>(),
                 op.getActivationAlpha(), op.getActivationBeta())) {
    // The verifier accepted the name.
    const kernels::RnnActivationInfo *info =
        kernels::findRnnActivation(std::string_view(name.data(), name.size()));
    l.activations.push_back({info->kind, alpha, beta});
  }
  return l;
}

bool isConstant(Value v) { return v && matchPattern(v, m_Constant()); }

/// Builds the unrolled ops at one layer's location.
class Unroller {
public:
  explicit Unroller(const Layer &l)
      : l(l), b(l.op), loc(l.op->getLoc()),
        elem(cast<RankedTensorType>(l.x.getType()).getElementType()) {}

  /// Replaces the layer's results; fails on constant lengths out of range.
  LogicalResult run();

private:
  RankedTensorType type(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, elem);
  }
  ArrayRef<int64_t> shape(Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  }
  Value splat(ArrayRef<int64_t> s, float v) {
    return ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(type(s), FloatAttr::get(elem, double(v))));
  }
  Value slice(Value v, ArrayRef<int64_t> starts, ArrayRef<int64_t> sizes) {
    SmallVector<int64_t> steps(starts.size(), 1);
    auto t = cast<RankedTensorType>(v.getType()).clone(sizes);
    return SliceOp::create(b, loc, t, v, b.getDenseI64ArrayAttr(starts),
                           b.getDenseI64ArrayAttr(steps));
  }
  Value reshape(Value v, ArrayRef<int64_t> s) {
    return ReshapeOp::create(b, loc,
                             cast<RankedTensorType>(v.getType()).clone(s), v);
  }
  template <typename OpT> Value binary(Value x, Value y) {
    Shape s = *broadcastShapes(shape(x), shape(y));
    return OpT::create(b, loc, type(s), x, y);
  }
  Value add(Value x, Value y) { return binary<AddOp>(x, y); }
  Value sub(Value x, Value y) { return binary<SubOp>(x, y); }
  Value mul(Value x, Value y) { return binary<MulOp>(x, y); }
  Value concat(ArrayRef<Value> parts, int64_t axis) {
    if (parts.size() == 1)
      return parts.front();
    Shape s(shape(parts.front()));
    s[axis] = 0;
    for (Value v : parts)
      s[axis] += shape(v)[axis];
    return ConcatOp::create(b, loc, type(s), parts, axis);
  }
  /// Part `d` of a [dirs, ...] operand without its leading dimension.
  Value direction(Value v, int64_t d) {
    ArrayRef<int64_t> s = shape(v);
    SmallVector<int64_t> starts(s.size(), 0), sizes(s);
    starts[0] = d, sizes[0] = 1;
    return reshape(slice(v, starts, sizes), s.drop_front());
  }
  /// a [M, K] times w [N, K] transposed, plus an optional bias [N]: a gemm
  /// when the weights are constants (a DPU task with the bias in its weight
  /// table), else a transpose and a matmul of two activations (SHAVE).
  Value linear(Value a, Value w, Value bias, bool constantWeights) {
    int64_t m = shape(a)[0], n = shape(w)[0];
    if (constantWeights)
      return GemmOp::create(b, loc, type({m, n}), a, w, bias,
                            b.getF32FloatAttr(1.0f), b.getF32FloatAttr(1.0f),
                            b.getBoolAttr(false), b.getBoolAttr(true));
    Value &wt = transposed[w];
    if (!wt)
      wt = TransposeOp::create(b, loc, type({shape(w)[1], n}), w,
                               b.getDenseI64ArrayAttr({1, 0}));
    Value y = MatMulOp::create(b, loc, type({m, n}), a, wt);
    return bias ? add(y, bias) : y;
  }
  Value clip(Value v) {
    if (!l.clip)
      return v;
    return ClipOp::create(b, loc, v.getType(), v, b.getF64FloatAttr(-*l.clip),
                          b.getF64FloatAttr(*l.clip));
  }
  /// f(clip(v)) (the clip only on gate pre-activations, not on LSTM's h(C)).
  Value activate(const kernels::RnnFunction &f, Value v, bool clipped = true);

  /// The state after a step: `next` where the batch element's step is
  /// within its length, else `prev`.
  Value masked(Value next, Value prev, Value mask) {
    return mask ? add(prev, mul(mask, sub(next, prev))) : next;
  }

  /// The [B, 1] mask of step t (null: every element runs); `allMasked`
  /// when no element runs it (constant lengths).
  Value stepMask(int64_t t, bool &allMasked);
  /// One direction: appends Y [S, 1, B, H] and the final states [1, B, H].
  void runDirection(int64_t d, SmallVector<Value> &ys, SmallVector<Value> &hs,
                    SmallVector<Value> &cs);

  const Layer &l;
  OpBuilder b;
  Location loc;
  Type elem;
  std::optional<SmallVector<int64_t>> constantLens;
  /// Run-time lengths: every step's mask, [B, S] (built on first use).
  Value lengthMasks;
  /// w^T of non-constant weights, built once for every step.
  llvm::DenseMap<Value, Value> transposed;
};

Value Unroller::activate(const kernels::RnnFunction &f, Value v, bool clipped) {
  if (clipped)
    v = clip(v);
  Type t = v.getType();
  ArrayRef<int64_t> s = shape(v);
  switch (f.kind) {
  case RnnActivation::Relu:
    return ReluOp::create(b, loc, t, v);
  case RnnActivation::Tanh:
    return TanhOp::create(b, loc, t, v);
  case RnnActivation::Sigmoid:
    return SigmoidOp::create(b, loc, t, v);
  case RnnActivation::Affine:
    return add(mul(v, splat(s, f.alpha)), splat(s, f.beta));
  case RnnActivation::LeakyRelu:
    return LeakyReluOp::create(b, loc, t, v, b.getF32FloatAttr(f.alpha));
  case RnnActivation::ThresholdedRelu:
    return ThresholdedReluOp::create(b, loc, t, v, b.getF32FloatAttr(f.alpha));
  case RnnActivation::ScaledTanh:
    return mul(TanhOp::create(b, loc, t, mul(v, splat(s, f.beta))),
               splat(s, f.alpha));
  case RnnActivation::HardSigmoid:
    return HardSigmoidOp::create(b, loc, t, v, b.getF32FloatAttr(f.alpha),
                                 b.getF32FloatAttr(f.beta));
  // Elu, Softsign and Softplus as ops that have SHAVE kernels.
  case RnnActivation::Elu: {
    // max(x, 0) + alpha (exp(min(x, 0)) - 1).
    Value zero = splat(s, 0.0f);
    Value e = ExpOp::create(b, loc, t, binary<MinOp>(v, zero));
    return add(ReluOp::create(b, loc, t, v),
               mul(sub(e, splat(s, 1.0f)), splat(s, f.alpha)));
  }
  case RnnActivation::Softsign: // x / (1 + |x|)
    return binary<DivOp>(v, add(AbsOp::create(b, loc, t, v), splat(s, 1.0f)));
  case RnnActivation::Softplus: // log(1 + exp(x))
    return LogOp::create(b, loc, t,
                         add(ExpOp::create(b, loc, t, v), splat(s, 1.0f)));
  }
  return v;
}

Value Unroller::stepMask(int64_t t, bool &allMasked) {
  allMasked = false;
  if (!l.lens)
    return Value();
  int64_t batch = shape(l.x)[1];
  if (constantLens) {
    SmallVector<float> mask;
    for (int64_t len : *constantLens)
      mask.push_back(t < len ? 1.0f : 0.0f);
    if (llvm::all_of(mask, [](float m) { return m == 1.0f; }))
      return Value();
    allMasked = llvm::all_of(mask, [](float m) { return m == 0.0f; });
    return ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(type({batch, 1}), ArrayRef<float>(mask)));
  }
  // Lengths known only at run time: row `len` of a constant [S + 1, S]
  // table holds (t < len) as 0 / 1 for every t; one gather of the rows the
  // lengths name gives every step's mask at once ([B, S], a SHAVE task with
  // exact 0 / 1 values in any precision), and step t is its column t. A
  // length outside [0, S] is a gather index out of range: an error on the
  // device, as in the interpreter.
  int64_t seq = shape(l.x)[0];
  if (!lengthMasks) {
    SmallVector<float> table;
    for (int64_t len = 0; len <= seq; ++len)
      for (int64_t step = 0; step < seq; ++step)
        table.push_back(step < len ? 1.0f : 0.0f);
    Value rows = ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(type({seq + 1, seq}), ArrayRef<float>(table)));
    lengthMasks = GatherOp::create(b, loc, type({batch, seq}), rows, l.lens,
                                   b.getI64IntegerAttr(0));
  }
  return slice(lengthMasks, {0, t}, {batch, 1});
}

void Unroller::runDirection(int64_t d, SmallVector<Value> &ys,
                            SmallVector<Value> &hs, SmallVector<Value> &cs) {
  int64_t seq = shape(l.x)[0], batch = shape(l.x)[1], in = shape(l.x)[2];
  int64_t h = l.hidden, gh = kernels::rnnGates(l.cell) * h;
  bool reverse = l.dirs == 2 ? d == 1 : l.reverse;
  const kernels::RnnFunction *act =
      &l.activations[d * kernels::rnnActivationsPerDirection(l.cell)];
  bool gru = l.cell == RnnCell::Gru, lstm = l.cell == RnnCell::Lstm;
  bool wConst = isConstant(l.w), rConst = isConstant(l.r);

  // Biases: Wb + Rb go into the input projection, except GRU's Rbh with
  // linear_before_reset, which is added to H Rh^T before the reset gate.
  Value inBias, rbh;
  if (l.b) {
    Value bd = direction(l.b, d);
    Value wb = slice(bd, {0}, {gh}), rb = slice(bd, {gh}, {gh});
    if (gru && l.linearBeforeReset) {
      rbh = slice(rb, {2 * h}, {h});
      rb = concat({slice(rb, {0}, {2 * h}), splat({h}, 0.0f)}, 0);
    }
    inBias = add(wb, rb);
  }
  Value projected = linear(reshape(l.x, {seq * batch, in}), direction(l.w, d),
                           inBias, wConst);
  Value rd = direction(l.r, d);
  Value rzr = gru ? slice(rd, {0, 0}, {2 * h, h}) : Value();
  Value rh = gru ? slice(rd, {2 * h, 0}, {h, h}) : Value();
  auto state = [&](Value init) {
    return init ? direction(init, d) : splat({batch, h}, 0.0f);
  };
  Value hPrev = state(l.h0), cPrev = lstm ? state(l.c0) : Value();
  Value pi, po, pf;
  if (l.p) {
    Value pd = direction(l.p, d);
    pi = reshape(slice(pd, {0}, {h}), {1, h});
    po = reshape(slice(pd, {h}, {h}), {1, h});
    pf = reshape(slice(pd, {2 * h}, {h}), {1, h});
  }

  SmallVector<Value> yt(seq);
  for (int64_t step = 0; step < seq; ++step) {
    int64_t t = reverse ? seq - 1 - step : step;
    bool allMasked;
    Value mask = stepMask(t, allMasked);
    if (allMasked) { // No batch element has step t: nothing changes.
      yt[t] = splat({batch, h}, 0.0f);
      continue;
    }
    Value gx = slice(projected, {t * batch, 0}, {batch, gh});
    auto gate = [&](Value v, int64_t k) {
      return slice(v, {0, k * h}, {batch, h});
    };
    Value hNew, cNew;
    switch (l.cell) {
    case RnnCell::Rnn:
      hNew = activate(act[0], add(gx, linear(hPrev, rd, {}, rConst)));
      break;
    case RnnCell::Gru: {
      Value zr = add(slice(gx, {0, 0}, {batch, 2 * h}),
                     linear(hPrev, rzr, {}, rConst));
      Value z = activate(act[0], gate(zr, 0));
      Value rg = activate(act[0], gate(zr, 1));
      Value pre =
          l.linearBeforeReset
              ? add(gate(gx, 2), mul(rg, linear(hPrev, rh, rbh, rConst)))
              : add(gate(gx, 2), linear(mul(rg, hPrev), rh, {}, rConst));
      Value cand = activate(act[1], pre);
      // (1 - z) h~ + z H = h~ + z (H - h~).
      hNew = add(cand, mul(z, sub(hPrev, cand)));
      break;
    }
    case RnnCell::Lstm: {
      Value pre = add(gx, linear(hPrev, rd, {}, rConst));
      Value gi = gate(pre, 0), go = gate(pre, 1), gf = gate(pre, 2);
      if (pi) {
        gi = add(gi, mul(pi, cPrev));
        gf = add(gf, mul(pf, cPrev));
      }
      Value i = activate(act[0], gi);
      Value f = l.inputForget ? sub(splat({batch, h}, 1.0f), i)
                              : activate(act[0], gf);
      Value c = activate(act[1], gate(pre, 3));
      cNew = add(mul(f, cPrev), mul(i, c));
      if (po)
        go = add(go, mul(po, cNew));
      Value o = activate(act[0], go);
      hNew = mul(o, activate(act[2], cNew, /*clipped=*/false));
      break;
    }
    }
    yt[t] = mask ? mul(mask, hNew) : hNew;
    hPrev = masked(hNew, hPrev, mask);
    if (lstm)
      cPrev = masked(cNew, cPrev, mask);
  }
  if (l.y) {
    SmallVector<Value> rows;
    for (Value v : yt)
      rows.push_back(reshape(v, {1, 1, batch, h}));
    ys.push_back(concat(rows, 0));
  }
  if (l.yH)
    hs.push_back(reshape(hPrev, {1, batch, h}));
  if (l.yC)
    cs.push_back(reshape(cPrev, {1, batch, h}));
}

LogicalResult Unroller::run() {
  if (l.lens) {
    DenseElementsAttr lens;
    if (matchPattern(l.lens, m_Constant(&lens))) {
      int64_t seq = shape(l.x)[0];
      constantLens.emplace();
      for (APInt v : lens.getValues<APInt>()) {
        int64_t len = v.getSExtValue();
        if (len < 0 || len > seq)
          return l.op->emitOpError("sequence_lens value ")
                 << len << " is outside [0, " << seq << "]";
        constantLens->push_back(len);
      }
    }
  }
  SmallVector<Value> ys, hs, cs;
  for (int64_t d = 0; d < l.dirs; ++d)
    runDirection(d, ys, hs, cs);
  if (l.y)
    Value(l.y).replaceAllUsesWith(concat(ys, 1));
  if (l.yH)
    Value(l.yH).replaceAllUsesWith(concat(hs, 0));
  if (l.yC)
    Value(l.yC).replaceAllUsesWith(concat(cs, 0));
  return success();
}

struct NPUDecomposeRecurrentPass
    : npu::impl::NPUDecomposeRecurrentBase<NPUDecomposeRecurrentPass> {
  void runOnOperation() override {
    SmallVector<Layer> layers;
    getOperation().walk([&](Operation *op) {
      if (auto rnn = dyn_cast<RNNOp>(op))
        layers.push_back(describe(rnn, RnnCell::Rnn));
      else if (auto gru = dyn_cast<GRUOp>(op)) {
        layers.push_back(describe(gru, RnnCell::Gru));
        layers.back().linearBeforeReset = gru.getLinearBeforeReset();
      } else if (auto lstm = dyn_cast<LSTMOp>(op)) {
        layers.push_back(describe(lstm, RnnCell::Lstm));
        Layer &l = layers.back();
        l.c0 = lstm.getInitialC(), l.p = lstm.getP(), l.yC = lstm.getYC();
        l.inputForget = lstm.getInputForget();
      }
    });
    // Results nobody reads are not built.
    for (Layer &l : layers)
      for (Value *v : {&l.y, &l.yH, &l.yC})
        if (*v && v->use_empty())
          *v = Value();
    for (const Layer &l : layers) {
      if (failed(Unroller(l).run()))
        return signalPassFailure();
      l.op->erase();
    }
  }
};

} // namespace
