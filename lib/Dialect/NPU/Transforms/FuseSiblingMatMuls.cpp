//===- FuseSiblingMatMuls.cpp - Matmuls of one input as one matmul --------===//
//
// Attention's query, key and value projections read one input: joined into
// one matmul (and one bias add), the DPU loads that input once and runs one
// task; each projection is a slice of the result (Passes.td,
// npu-fuse-sibling-matmuls).
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/TensorKeys.h"
#include "npu/Dialect/NPU/Transforms/FusionMatch.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/MapVector.h"

namespace npu {
#define GEN_PASS_DEF_NPUFUSESIBLINGMATMULS
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace {

/// One matmul of the shared input, and the bias add that alone reads it.
struct Sibling {
  MatMulOp matmul;
  AddOp add;  ///< Null without one.
  Value bias; ///< A constant [1, ..., 1, N] or of one value (with `add`).
  DenseElementsAttr biasValues; ///< The bias's values (with `add`).
  int64_t n = 0;

  /// The op whose result a slice of the joined result replaces.
  Operation *result() {
    return add ? add.getOperation() : matmul.getOperation();
  }
};

/// `mm` as a sibling: x [..., K] (static f32) by a constant f32 [K, N].
std::optional<Sibling> asSibling(MatMulOp mm) {
  auto x = dyn_cast<RankedTensorType>(mm.getLhs().getType());
  auto w = dyn_cast<RankedTensorType>(mm.getRhs().getType());
  auto y = dyn_cast<RankedTensorType>(mm.getType());
  if (!x || !w || !y || !x.hasStaticShape() || !w.hasStaticShape() ||
      !y.hasStaticShape() || x.getRank() < 2 || w.getRank() != 2 ||
      !x.getElementType().isF32() || !w.getElementType().isF32() ||
      !mm.getRhs().getDefiningOp<ConstantOp>() ||
      carriesModelQuantization({mm}))
    return std::nullopt;
  Sibling s;
  s.matmul = mm;
  s.n = w.getDimSize(1);
  if (!mm->hasOneUse())
    return s;
  auto add = dyn_cast<AddOp>(*mm->user_begin());
  if (!add || carriesModelQuantization({add}) || add.getType() != mm.getType())
    return s;
  // A per-column bias [N] (also as [1, ..., 1, N]) or one value.
  Value bias = add.getLhs() == mm.getResult() ? add.getRhs() : add.getLhs();
  auto b = dyn_cast<RankedTensorType>(bias.getType());
  DenseElementsAttr values;
  if (b && b.getRank() <= y.getRank() && b.getElementType().isF32() &&
      isPerColumnConstant(bias, s.n) &&
      matchPattern(bias, m_Constant(&values))) {
    s.add = add;
    s.bias = bias;
    s.biasValues = values;
  }
  return s;
}

void fuse(MutableArrayRef<Sibling> siblings) {
  Operation *first = siblings.front().matmul;
  for (Sibling &s : siblings)
    if (s.matmul->isBeforeInBlock(first))
      first = s.matmul;
  // The constants come first (they read nothing).
  for (Sibling &s : siblings)
    for (Value c : {Value(s.matmul.getRhs()), s.bias})
      if (Operation *def = c ? c.getDefiningOp() : nullptr;
          def && first->isBeforeInBlock(def))
        def->moveBefore(first);
  OpBuilder b(first);
  std::string others;
  for (Sibling &s : siblings.drop_front())
    others +=
        (others.empty() ? "with " : ", ") + locationName(s.matmul.getLoc());
  SmallVector<Value> matrices, biases;
  bool anyBias = false;
  int64_t total = 0;
  for (Sibling &s : siblings) {
    matrices.push_back(s.matmul.getRhs());
    anyBias |= bool(s.add);
    total += s.n;
  }
  Location loc = suffixedLocation(siblings.front().matmul.getLoc(), others);
  Value joined = ConcatOp::create(b, loc, matrices, 1);
  auto xType = cast<RankedTensorType>(siblings.front().matmul.getType());
  SmallVector<int64_t> shape(xType.getShape());
  shape.back() = total;
  auto yType = RankedTensorType::get(shape, xType.getElementType());
  Value y =
      MatMulOp::create(b, loc, yType, siblings.front().matmul.getLhs(), joined);
  if (anyBias) {
    for (Sibling &s : siblings) {
      auto columns = RankedTensorType::get({s.n}, b.getF32Type());
      if (!s.add) // Zeros.
        biases.push_back(ConstantOp::create(
            b, loc, DenseElementsAttr::get(columns, b.getF32FloatAttr(0.0f))));
      else if (s.biasValues.getNumElements() == s.n) // [1, ..., 1, N] as [N].
        biases.push_back(
            cast<RankedTensorType>(s.bias.getType()).getRank() == 1
                ? s.bias
                : ReshapeOp::create(b, loc, columns, s.bias).getResult());
      else // One value for every column.
        biases.push_back(ConstantOp::create(
            b, loc,
            DenseElementsAttr::get(
                columns, *s.biasValues.getValues<APFloat>().begin())));
    }
    Value bias = ConcatOp::create(b, loc, biases, 0);
    y = AddOp::create(b, loc, yType, y, bias);
  }
  int64_t offset = 0, rank = int64_t(shape.size());
  for (Sibling &s : siblings) {
    Operation *last = s.result();
    SmallVector<int64_t> starts(rank, 0), steps(rank, 1), part(shape);
    starts.back() = offset;
    part.back() = s.n;
    offset += s.n;
    Value slice = SliceOp::create(
        b, last->getLoc(), RankedTensorType::get(part, xType.getElementType()),
        y, b.getDenseI64ArrayAttr(starts), b.getDenseI64ArrayAttr(steps));
    last->getResult(0).replaceAllUsesWith(slice);
  }
  // Erased last: the builder inserts before the first of them.
  for (Sibling &s : siblings) {
    if (s.add)
      s.add->erase();
    s.matmul->erase();
  }
}

/// Whether a DPU op with constant weights reads `result` directly: in
/// int8 it reads the result's int8 codes, which a slice of the joined
/// result (moved in f16) would have to quantize again on SHAVE.
bool readByWeightedDpuOp(Operation *result) {
  return llvm::any_of(result->getUsers(), [](Operation *u) {
    if (isa<ConvOp, GemmOp>(u))
      return true;
    auto mm = dyn_cast<MatMulOp>(u);
    return mm && mm.getRhs().getDefiningOp<ConstantOp>();
  });
}

/// Whether `gemm` can join its siblings as a matmul by a constant and a
/// bias add (asMatMul): A [M, K] (static f32, not transposed) by a
/// constant f32 B, C absent or a constant of one value or one per column,
/// no pre-quantized parameters.
bool joinableGemm(GemmOp gemm) {
  auto a = dyn_cast<RankedTensorType>(gemm.getA().getType());
  auto b = dyn_cast<RankedTensorType>(gemm.getB().getType());
  auto y = dyn_cast<RankedTensorType>(gemm.getType());
  if (!a || !b || !y || !a.hasStaticShape() || !b.hasStaticShape() ||
      !y.hasStaticShape() || a.getRank() != 2 || b.getRank() != 2 ||
      !a.getElementType().isF32() || !b.getElementType().isF32() ||
      gemm.getTransA() || carriesModelQuantization({gemm}) ||
      !matchPattern(gemm.getB(), m_Constant()))
    return false;
  Value c = gemm.getC();
  return !c || (isPerColumnConstant(c, y.getDimSize(1)) &&
                cast<RankedTensorType>(c.getType()).getElementType().isF32());
}

/// A new f32 constant of `shape` holding `values`.
Value f32Constant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  ArrayRef<float> values) {
  return ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get(shape, b.getF32Type()),
                             values));
}

/// `gemm` (joinableGemm) rewritten as the matmul of A by alpha * op(B)
/// ([K, N]) and the add of beta * C (as [N], or one value), both at the
/// Gemm's location (the join names itself after its first matmul, and the
/// slice replacing the add holds the ONNX tensor); returns the matmul.
MatMulOp asMatMul(GemmOp gemm) {
  OpBuilder b(gemm);
  Location loc = gemm.getLoc();
  auto bType = cast<RankedTensorType>(gemm.getB().getType());
  auto yType = cast<RankedTensorType>(gemm.getType());
  int64_t k = cast<RankedTensorType>(gemm.getA().getType()).getDimSize(1),
          n = yType.getDimSize(1);
  DenseElementsAttr bValues;
  matchPattern(gemm.getB(), m_Constant(&bValues));
  std::vector<float> from(bValues.getValues<float>().begin(),
                          bValues.getValues<float>().end()),
      w(size_t(k * n));
  float alpha = gemm.getAlpha().convertToFloat();
  bool transB = gemm.getTransB();
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < n; ++j)
      w[i * n + j] =
          alpha * from[transB ? j * bType.getDimSize(1) + i : i * n + j];
  auto mm =
      MatMulOp::create(b, loc, yType, gemm.getA(),
                       f32Constant(b, suffixedLocation(loc, "B"), {k, n}, w));
  Value result = mm.getResult();
  if (Value c = gemm.getC()) {
    DenseElementsAttr cValues;
    matchPattern(c, m_Constant(&cValues));
    float beta = gemm.getBeta().convertToFloat();
    std::vector<float> bias;
    for (float v : cValues.getValues<float>())
      bias.push_back(beta * v);
    int64_t count = int64_t(bias.size());
    result = AddOp::create(
        b, loc, yType, result,
        f32Constant(b, suffixedLocation(loc, "C"), {count}, bias));
  }
  gemm.getResult().replaceAllUsesWith(result);
  gemm.erase();
  return mm;
}

/// The op whose result a slice of the joined result would replace: the
/// Gemm itself, or a matmul's sibling result.
Operation *joinedResult(Operation *op) {
  if (auto mm = dyn_cast<MatMulOp>(op))
    return asSibling(mm)->result();
  return op;
}

struct NPUFuseSiblingMatMulsPass
    : npu::impl::NPUFuseSiblingMatMulsBase<NPUFuseSiblingMatMulsPass> {
  void runOnOperation() override {
    // Matmuls by constants (asSibling) and Gemms that can be such
    // (joinableGemm), by their input, in the block's order.
    llvm::MapVector<Value, SmallVector<Operation *>> byInput;
    getOperation().walk([&](Operation *op) {
      if (auto mm = dyn_cast<MatMulOp>(op); mm && asSibling(mm))
        byInput[mm.getLhs()].push_back(op);
      else if (auto gemm = dyn_cast<GemmOp>(op); gemm && joinableGemm(gemm))
        byInput[gemm.getA()].push_back(op);
    });
    for (auto &entry : byInput) {
      SmallVector<Operation *> &ops = entry.second;
      // Siblings in one block, none read by a DPU op with constant
      // weights.
      if (ops.size() < 2 || llvm::any_of(ops, [&](Operation *op) {
            return op->getBlock() != ops.front()->getBlock() ||
                   readByWeightedDpuOp(joinedResult(op));
          }))
        continue;
      SmallVector<Sibling> siblings;
      for (Operation *op : ops) {
        auto mm = dyn_cast<MatMulOp>(op);
        siblings.push_back(*asSibling(mm ? mm : asMatMul(cast<GemmOp>(op))));
      }
      fuse(siblings);
    }
  }
};

} // namespace
