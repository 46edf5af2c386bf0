//===- Fp32Islands.cpp - Power-domain chains stay fp32 on ACT-SHAVE -------===//
//
// Marks the chains that square values and end in a logarithm or a square
// root `npu.fp32` (the lowering runs them as fp32 SHAVE kernels), and scales
// the weights of the convolution or matmul feeding such a chain by a power
// of two so that its fp16 output cannot overflow (Passes.td).
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/Transforms/Passes.h"
#include "npu/Interpreter/TensorConversion.h"

#include "llvm/ADT/SetVector.h"

#include <cmath>

namespace npu {
#define GEN_PASS_DEF_NPUFP32ISLANDS
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace {

/// The largest finite fp16 value.
constexpr double kF16Max = 65504.0;

bool isF32Result(Operation *op) {
  if (op->getNumResults() != 1)
    return false;
  auto t = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  return t && t.getElementType().isF32();
}

/// The value of an f32 `npu.constant`, or nullopt.
std::optional<HostTensor> constantOf(Value v) {
  auto t = constantHostTensor(v);
  if (!t || t->dtype() != DType::F32)
    return std::nullopt;
  return t;
}

/// Erases the constant defining `v` once nothing uses it (null: nothing).
void eraseIfUnused(Value v) {
  if (v && v.use_empty())
    v.getDefiningOp()->erase();
}

/// An op that makes squares: a power by a constant exponent > 1, a value
/// times itself, an exponential.
bool isSquaring(Operation *op) {
  if (auto pow = dyn_cast<PowOp>(op)) {
    auto e = constantOf(pow.getRhs());
    if (!e || e->numElements() == 0)
      return false;
    for (int64_t i = 0; i < e->numElements(); ++i)
      if (!(e->data<float>()[i] > 1.0f))
        return false;
    return true;
  }
  if (auto mul = dyn_cast<MulOp>(op))
    return mul.getLhs() == mul.getRhs();
  return isa<ExpOp>(op);
}

/// An op an island may hold between its squaring ops and its sink.
bool isIslandOp(Operation *op) {
  if (auto mm = dyn_cast<MatMulOp>(op))
    return cast<RankedTensorType>(mm.getLhs().getType()).getRank() >= 2 &&
           cast<RankedTensorType>(mm.getRhs().getType()).getRank() >= 2;
  return isa<AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, ClipOp, AbsOp, ReluOp,
             ReduceSumOp, ReduceMeanOp, ReduceMaxOp, ReshapeOp, TransposeOp>(
      op);
}

/// The island ending at `sink` (in program order), or empty.
SmallVector<Operation *> islandOf(Operation *sink) {
  llvm::SetVector<Operation *> cone;
  SmallVector<Operation *> work;
  auto visit = [&](Value v) {
    Operation *def = v.getDefiningOp();
    if (def && !cone.contains(def) && isF32Result(def) &&
        (isSquaring(def) || isIslandOp(def)))
      work.push_back(def);
  };
  visit(sink->getOperand(0));
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    if (!cone.insert(op))
      continue;
    if (isSquaring(op))
      continue; // What is squared stays outside.
    for (Value v : op->getOperands())
      visit(v);
  }
  // Keep the ops that depend on a squaring op, in program order.
  SmallVector<Operation *> ordered(cone.begin(), cone.end());
  llvm::sort(ordered,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  llvm::DenseSet<Operation *> powered;
  SmallVector<Operation *> island;
  for (Operation *op : ordered) {
    bool p = isSquaring(op);
    for (Value v : op->getOperands())
      p |= powered.contains(v.getDefiningOp());
    if (p) {
      powered.insert(op);
      island.push_back(op);
    }
  }
  if (!island.empty())
    island.push_back(sink);
  return island;
}

/// The largest L1 norm of one output's weights: per output channel of a
/// convolution weight [M, C/g, K...], per column of a matmul's constant
/// right operand [..., K, N].
double maxOutputL1(const HostTensor &w, bool convWeight) {
  const float *p = w.data<float>();
  double best = 0;
  if (convWeight) {
    int64_t m = w.dim(0), per = m ? w.numElements() / m : 0;
    for (int64_t o = 0; o < m; ++o) {
      double s = 0;
      for (int64_t i = 0; i < per; ++i)
        s += std::fabs(p[o * per + i]);
      best = std::max(best, s);
    }
    return best;
  }
  int64_t n = w.dim(w.rank() - 1), k = w.dim(w.rank() - 2);
  int64_t batches = k * n ? w.numElements() / (k * n) : 0;
  for (int64_t b = 0; b < batches; ++b)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t i = 0; i < k; ++i)
        s += std::fabs(p[(b * k + i) * n + j]);
      best = std::max(best, s);
    }
  return best;
}

/// `t` times 2^shift (exact for normal values) as a constant like `like`.
Value scaledConstant(OpBuilder &b, Value like, HostTensor t, int shift) {
  for (int64_t i = 0; i < t.numElements(); ++i)
    t.data<float>()[i] = std::ldexp(t.data<float>()[i], shift);
  auto attr = hostTensorToDenseAttr(t, cast<ShapedType>(like.getType()));
  if (failed(attr))
    return Value();
  return ConstantOp::create(b, like.getLoc(), *attr);
}

/// The op producing `x` through single-use reshapes and transposes (those
/// in `chain`, from `x` back), or null.
Operation *producerOf(Value x, SmallVectorImpl<Operation *> &chain) {
  Value v = x;
  while (Operation *def = v.getDefiningOp()) {
    if (!isa<ReshapeOp, TransposeOp>(def) || !def->getOperand(0).hasOneUse())
      break;
    chain.push_back(def);
    v = def->getOperand(0);
  }
  return v.getDefiningOp();
}

/// The most multiply-accumulates a convolution turned into fp32 SHAVE
/// matmuls may have (2^26: about 8 ms of one ACT-SHAVE at fp32 rate).
constexpr int64_t kMaxFp32ConvMacs = int64_t(1) << 26;

/// A 1-D convolution of a graph input (through reshapes) with one input
/// channel, no padding or dilation, as fp32 ops: the input as rows of
/// `stride` samples, and the sum over the ceil(K / stride) row offsets j of
/// rows [j, j + T) times weights [j * stride, (j + 1) * stride) (zero past
/// K), transposed to the convolution's [N, M, T]. This is how an audio front
/// end frames raw samples (a DFT as a strided convolution): the samples keep
/// their f32 precision, which fp16 would round to 11 bits. Returns the new
/// result, or null when the convolution is not of that form.
Value convAsFp32Matmuls(ConvOp conv, OpBuilder &b) {
  auto in = cast<RankedTensorType>(conv.getInput().getType());
  auto out = cast<RankedTensorType>(conv.getResult().getType());
  auto wt = cast<RankedTensorType>(conv.getWeight().getType());
  if (in.getRank() != 3 || in.getDimSize(1) != 1 || conv.getGroup() != 1 ||
      conv.getDilations()[0] != 1 || conv.getPads()[0] != 0 ||
      conv.getPads()[1] != 0 || !in.hasStaticShape() || !out.hasStaticShape())
    return Value();
  Value src = conv.getInput();
  while (auto r = src.getDefiningOp<ReshapeOp>())
    src = r.getInput();
  auto srcType = dyn_cast<RankedTensorType>(src.getType());
  // A float16 model's input is read through its cast to f32
  // (npu-widen-float16): its f16 samples are kept exactly.
  auto widened = src.getDefiningOp<CastOp>();
  bool input =
      isa<BlockArgument>(src) || (widened && widened.isHalfSingleConversion() &&
                                  isa<BlockArgument>(widened.getInput()));
  if (!input || !srcType || !srcType.getElementType().isF32())
    return Value();
  auto w = constantOf(conv.getWeight());
  std::optional<HostTensor> bias;
  if (conv.getBias() && !(bias = constantOf(conv.getBias())))
    return Value();
  if (!w)
    return Value();
  int64_t n = in.getDimSize(0), len = in.getDimSize(2), m = wt.getDimSize(0),
          k = wt.getDimSize(2), stride = conv.getStrides()[0],
          t = out.getDimSize(2);
  int64_t offsets = (k + stride - 1) / stride, rows = t - 1 + offsets;
  if (stride <= 0 || rows * stride > len || n * m * k * t > kMaxFp32ConvMacs)
    return Value();

  Location loc = conv.getLoc();
  Type f32 = b.getF32Type();
  auto unit = b.getUnitAttr();
  auto island = [&](Operation *op) {
    op->setAttr(kFp32Attr, unit);
    return op->getResult(0);
  };
  auto constant = [&](const HostTensor &h) -> Value {
    auto type = RankedTensorType::get(h.shape(), f32);
    auto attr = hostTensorToDenseAttr(h, type);
    return failed(attr) ? Value() : ConstantOp::create(b, loc, *attr);
  };
  b.setInsertionPoint(conv);
  Value x = island(
      ReshapeOp::create(b, loc, RankedTensorType::get({n, len}, f32), src));
  if (rows * stride < len)
    x = island(SliceOp::create(
        b, loc, RankedTensorType::get({n, rows * stride}, f32), x,
        b.getDenseI64ArrayAttr({0, 0}), b.getDenseI64ArrayAttr({1, 1})));
  Value blocks = island(ReshapeOp::create(
      b, loc, RankedTensorType::get({n, rows, stride}, f32), x));
  Value sum;
  for (int64_t j = 0; j < offsets; ++j) {
    Value part = island(SliceOp::create(
        b, loc, RankedTensorType::get({n, t, stride}, f32), blocks,
        b.getDenseI64ArrayAttr({0, j, 0}), b.getDenseI64ArrayAttr({1, 1, 1})));
    HostTensor wj(DType::F32, {stride, m});
    for (int64_t i = 0; i < stride; ++i)
      for (int64_t o = 0; o < m; ++o)
        wj.data<float>()[i * m + o] =
            j * stride + i < k ? w->data<float>()[o * k + j * stride + i]
                               : 0.0f;
    Value wc = constant(wj);
    if (!wc)
      return Value();
    Value product = island(MatMulOp::create(b, loc, part, wc));
    sum = sum ? island(AddOp::create(b, loc, sum, product)) : product;
  }
  if (bias) {
    Value bc = constant(*bias);
    if (!bc)
      return Value();
    sum = island(AddOp::create(b, loc, sum, bc));
  }
  return island(
      TransposeOp::create(b, loc, sum, b.getDenseI64ArrayAttr({0, 2, 1})));
}

struct NPUFp32IslandsPass : npu::impl::NPUFp32IslandsBase<NPUFp32IslandsPass> {
  using Base::Base;

  /// Scales `producer` (the DPU op whose result an island squares) so that
  /// its fp16 output cannot overflow; returns the shift k (0: nothing to do
  /// or not a constant-weight convolution or matmul).
  int scaleProducer(Operation *producer, OpBuilder &b) {
    Value weight, bias;
    bool convWeight = false;
    if (auto conv = dyn_cast<ConvOp>(producer)) {
      weight = conv.getWeight();
      bias = conv.getBias();
      convWeight = true;
    } else if (auto mm = dyn_cast<MatMulOp>(producer)) {
      weight = mm.getRhs();
    } else {
      return 0;
    }
    auto w = constantOf(weight);
    std::optional<HostTensor> bv;
    if (bias && !(bv = constantOf(bias)))
      return 0;
    if (!w || w->rank() < 2)
      return 0;
    double maxBias = 0;
    if (bv)
      for (int64_t i = 0; i < bv->numElements(); ++i)
        maxBias = std::max(maxBias, double(std::fabs(bv->data<float>()[i])));
    double bound = kF16Max * maxOutputL1(*w, convWeight) + maxBias;
    if (!(bound > kF16Max) || !std::isfinite(bound))
      return 0;
    int shift = int(std::ceil(std::log2(bound / kF16Max)));
    b.setInsertionPoint(producer);
    Value nw = scaledConstant(b, weight, *w, -shift);
    Value nb = bv ? scaledConstant(b, bias, *bv, -shift) : Value();
    if (!nw || (bv && !nb))
      return 0;
    producer->replaceUsesOfWith(weight, nw);
    if (nb)
      producer->replaceUsesOfWith(bias, nb);
    eraseIfUnused(weight);
    eraseIfUnused(bias);
    return shift;
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    SmallVector<Operation *> sinks;
    func.walk([&](Operation *op) {
      if (isa<LogOp, SqrtOp>(op) && isF32Result(op) && !op->hasAttr(kFp32Attr))
        sinks.push_back(op);
    });
    OpBuilder b(&getContext());
    auto unit = UnitAttr::get(&getContext());
    for (Operation *sink : sinks) {
      SmallVector<Operation *> island = islandOf(sink);
      if (island.empty())
        continue;
      for (Operation *op : island)
        op->setAttr(kFp32Attr, unit);
      // The values squared: entries of the island from outside it.
      for (Operation *op : island) {
        if (!isa<PowOp, MulOp>(op) || !isSquaring(op))
          continue;
        Value x = op->getOperand(0);
        if (x.getDefiningOp() && x.getDefiningOp()->hasAttr(kFp32Attr))
          continue;
        if (llvm::any_of(x.getUsers(),
                         [&](Operation *user) { return user != op; }))
          continue;
        SmallVector<Operation *> chain;
        Operation *producer = producerOf(x, chain);
        if (!producer)
          continue;
        // A framing convolution of the raw input joins the island.
        if (auto conv = dyn_cast<ConvOp>(producer)) {
          if (Value y = convAsFp32Matmuls(conv, b)) {
            Value weight = conv.getWeight(), bias = conv.getBias();
            conv.getResult().replaceAllUsesWith(y);
            conv.erase();
            eraseIfUnused(weight);
            eraseIfUnused(bias);
            for (Operation *c : chain)
              c->setAttr(kFp32Attr, unit);
            continue;
          }
        }
        int shift = scaleProducer(producer, b);
        if (shift == 0)
          continue;
        b.setInsertionPoint(op);
        auto scaleType = RankedTensorType::get({}, b.getF32Type());
        Value c = ConstantOp::create(
            b, x.getLoc(),
            DenseElementsAttr::get(scaleType, std::ldexp(1.0f, shift)));
        auto entry = MulOp::create(b, x.getLoc(), x, c);
        entry->setAttr(kFp32Attr, unit);
        op->replaceUsesOfWith(x, entry.getResult());
      }
    }
  }
};

} // namespace
