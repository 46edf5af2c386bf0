//===- DecomposeEinsum.cpp - Einsum as transposes, reshapes and matmuls ---===//
//
// Einsum has no engine of its own. Its operands are contracted two at a
// time, left to right; each contraction is a (batched) matrix product, or a
// broadcast multiplication when no label is summed, between transposes and
// reshapes, which the lowering maps to the DPU, SHAVE and DMA. Labels that
// only one operand has and that are not kept are summed first.
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/QuantAnnotations.h"
#include "npu/Dialect/NPU/IR/ShapeUtils.h"
#include "npu/Dialect/NPU/IR/TensorKeys.h"
#include "npu/Dialect/NPU/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

#include <map>

namespace npu {
#define GEN_PASS_DEF_NPUDECOMPOSEEINSUM
#include "npu/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace npu

using namespace mlir;
using namespace npu;

namespace {

/// A tensor with one label per dimension.
struct Term {
  Value value;
  std::string labels;
};

bool has(StringRef labels, char c) { return labels.contains(c); }

/// Builds the replacement of one einsum; intermediate ops are named
/// "NAME (suffix)", the last one takes the op's own location.
class EinsumRewriter {
public:
  explicit EinsumRewriter(EinsumOp op)
      : op(op), b(op), loc(op.getLoc()),
        element(cast<RankedTensorType>(op.getType()).getElementType()) {}

  /// Replaces the op; false (nothing changed) for the forms left alone:
  /// dynamic shapes or a label repeated within one operand (a diagonal).
  bool run() {
    SmallVector<ArrayRef<int64_t>> shapes;
    for (Value v : op.getInputs()) {
      auto t = dyn_cast<RankedTensorType>(v.getType());
      if (!t || !t.hasStaticShape())
        return false;
      shapes.push_back(t.getShape());
    }
    auto outType = dyn_cast<RankedTensorType>(op.getType());
    if (!outType || !outType.hasStaticShape())
      return false;
    std::string error;
    auto spec = parseEinsum(op.getEquation(), shapes.size(), error);
    if (!spec || !einsumShape(*spec, shapes, error))
      return false;
    auto repeats = [](StringRef s) {
      for (size_t i = 0; i < s.size(); ++i)
        if (s.find(s[i], i + 1) != StringRef::npos)
          return true;
      return false;
    };
    if (repeats(spec->output))
      return false;
    std::map<char, SmallVector<int64_t>> sizes;
    for (size_t i = 0; i < shapes.size(); ++i) {
      if (repeats(spec->inputs[i]))
        return false;
      for (size_t d = 0; d < shapes[i].size(); ++d)
        sizes[spec->inputs[i][d]].push_back(shapes[i][d]);
    }
    // A label of size 1 in one operand and n in another broadcasts: that
    // operand drops it (a reshape), and the label is the others' alone.
    SmallVector<Term> terms;
    for (auto [i, v] : llvm::enumerate(op.getInputs())) {
      Term t{v, spec->inputs[i]};
      std::string kept;
      SmallVector<int64_t> shape;
      for (size_t d = 0; d < t.labels.size(); ++d) {
        char c = t.labels[d];
        if (shapes[i][d] == 1 && *llvm::max_element(sizes[c]) > 1)
          continue;
        kept.push_back(c);
        shape.push_back(shapes[i][d]);
      }
      if (kept != t.labels)
        t = {reshape(v, shape, "operand " + std::to_string(i) + " squeezed"),
             kept};
      terms.push_back(t);
    }
    // The labels needed outside terms i and j: the output's and the other
    // terms'.
    auto neededOutside = [&](size_t i, size_t j) {
      std::string keep = spec->output;
      for (size_t k = 0; k < terms.size(); ++k)
        if (k != i && k != j)
          keep += terms[k].labels;
      return keep;
    };
    if (terms.size() == 1)
      terms[0] = sumOut(terms[0], spec->output, "operand 0 summed");
    // Greedily, the pair whose product has the fewest elements (the first
    // such pair on a tie), so that no outer product is formed that a later
    // contraction sums away.
    for (int step = 1; terms.size() > 1; ++step) {
      size_t bi = 0, bj = 1;
      int64_t best = -1;
      for (size_t i = 0; i < terms.size(); ++i)
        for (size_t j = i + 1; j < terms.size(); ++j) {
          std::string keep = neededOutside(i, j);
          int64_t n = 1;
          std::string seen;
          for (const Term *t : {&terms[i], &terms[j]})
            for (size_t d = 0; d < t->labels.size(); ++d) {
              char c = t->labels[d];
              if (has(keep, c) && !has(seen, c)) {
                seen.push_back(c);
                n *= sizes[c].empty() ? 1 : *llvm::max_element(sizes[c]);
              }
            }
          if (best < 0 || n < best) {
            best = n;
            bi = i;
            bj = j;
          }
        }
      std::string keep = neededOutside(bi, bj);
      std::string name = "product " + std::to_string(step);
      Term lhs =
          sumOut(terms[bi], keep + terms[bj].labels, name + " lhs summed");
      Term rhs = sumOut(terms[bj], keep + lhs.labels, name + " rhs summed");
      terms[bi] = contract(lhs, rhs, keep, name);
      terms.erase(terms.begin() + bj);
    }
    Term acc = terms.front();
    // Into the output's order.
    SmallVector<int64_t> perm;
    for (char c : spec->output)
      perm.push_back(int64_t(acc.labels.find(c)));
    Value y = acc.value;
    if (!llvm::equal(perm, llvm::seq<int64_t>(0, int64_t(perm.size()))))
      y = TransposeOp::create(b, loc, y, b.getDenseI64ArrayAttr(perm));
    else if (y.getDefiningOp() && !llvm::is_contained(op.getInputs(), y))
      y.getDefiningOp()->setLoc(loc);
    else
      y = ReshapeOp::create(b, loc, outType, y);
    op.replaceAllUsesWith(y);
    op.erase();
    return true;
  }

private:
  EinsumOp op;
  OpBuilder b;
  Location loc;
  Type element;

  static ArrayRef<int64_t> shapeOf(Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  }
  RankedTensorType type(ArrayRef<int64_t> shape) const {
    return RankedTensorType::get(shape, element);
  }
  Location named(const std::string &suffix) const {
    return suffixedLocation(loc, suffix);
  }
  Value reshape(Value v, ArrayRef<int64_t> shape, const std::string &suffix) {
    if (shapeOf(v) == shape)
      return v;
    return ReshapeOp::create(b, named(suffix), type(shape), v);
  }
  /// `t` with its dimensions in the order of `labels` (a permutation).
  Value permute(const Term &t, StringRef labels, const std::string &suffix) {
    SmallVector<int64_t> perm;
    for (char c : labels)
      perm.push_back(int64_t(t.labels.find(c)));
    if (llvm::equal(perm, llvm::seq<int64_t>(0, int64_t(perm.size()))))
      return t.value;
    return TransposeOp::create(b, named(suffix), t.value,
                               b.getDenseI64ArrayAttr(perm));
  }
  int64_t sizeOf(const Term &t, char c) const {
    return shapeOf(t.value)[t.labels.find(c)];
  }

  /// `t` summed over its labels that `keep` does not hold.
  Term sumOut(const Term &t, StringRef keep, const std::string &name) {
    SmallVector<int64_t> axes, shape;
    std::string labels;
    for (size_t d = 0; d < t.labels.size(); ++d) {
      if (has(keep, t.labels[d])) {
        labels.push_back(t.labels[d]);
        shape.push_back(shapeOf(t.value)[d]);
      } else {
        axes.push_back(int64_t(d));
      }
    }
    if (axes.empty())
      return t;
    Value v =
        ReduceSumOp::create(b, named(name), type(shape), t.value,
                            b.getDenseI64ArrayAttr(axes), b.getBoolAttr(false));
    return {v, labels};
  }

  /// The product of `a` and `x` summed over the labels both hold that
  /// `keep` does not; labels: the shared kept ones, then `a`'s own, then
  /// `x`'s own.
  Term contract(const Term &a, const Term &x, StringRef keep,
                const std::string &name) {
    std::string batch, summed, aOwn, xOwn;
    for (char c : a.labels) {
      if (!has(x.labels, c))
        aOwn.push_back(c);
      else if (has(keep, c))
        batch.push_back(c);
      else
        summed.push_back(c);
    }
    for (char c : x.labels)
      if (!has(a.labels, c))
        xOwn.push_back(c);
    SmallVector<int64_t> aBatch, xBatch, outShape;
    for (char c : batch) {
      aBatch.push_back(sizeOf(a, c));
      xBatch.push_back(sizeOf(x, c));
      outShape.push_back(std::max(aBatch.back(), xBatch.back()));
    }
    int64_t m = 1, k = 1, n = 1;
    for (char c : aOwn) {
      m *= sizeOf(a, c);
      outShape.push_back(sizeOf(a, c));
    }
    for (char c : xOwn) {
      n *= sizeOf(x, c);
      outShape.push_back(sizeOf(x, c));
    }
    for (char c : summed)
      k *= sizeOf(a, c);
    std::string labels = batch + aOwn + xOwn;

    // The batch as one dimension where it has more than 3 and neither side
    // broadcasts it (SHAVE kernels and DMAs take up to 5 dimensions).
    SmallVector<int64_t> aLead(aBatch), xLead(xBatch), lead;
    if (aBatch == xBatch && batch.size() > 3) {
      int64_t count = 1;
      for (int64_t d : aBatch)
        count *= d;
      aLead = xLead = {count};
    }
    for (auto [p, q] : llvm::zip(aLead, xLead))
      lead.push_back(std::max(p, q));
    SmallVector<int64_t> aShape(aLead), xShape(xLead), yShape(lead);
    yShape.append({m, n});
    Value y;
    if (summed.empty()) {
      // Nothing is summed: a broadcast multiplication of [lead..., M, 1]
      // and [lead..., 1, N] (outer and elementwise products).
      aShape.append({m, 1});
      xShape.append({1, n});
      Value lhs = reshape(permute(a, batch + aOwn, name + " lhs transposed"),
                          aShape, name + " lhs");
      Value rhs = reshape(permute(x, batch + xOwn, name + " rhs transposed"),
                          xShape, name + " rhs");
      y = MulOp::create(b, named(name), type(yShape), lhs, rhs);
    } else {
      // [lead..., M, K] x [lead..., K, N]; a broadcast batch broadcasts.
      aShape.append({m, k});
      xShape.append({k, n});
      Value lhs =
          reshape(permute(a, batch + aOwn + summed, name + " lhs transposed"),
                  aShape, name + " lhs");
      Value rhs =
          reshape(permute(x, batch + summed + xOwn, name + " rhs transposed"),
                  xShape, name + " rhs");
      y = MatMulOp::create(b, named(name), type(yShape), lhs, rhs);
    }
    return {reshape(y, outShape, name + " result"), labels};
  }
};

struct NPUDecomposeEinsumPass
    : npu::impl::NPUDecomposeEinsumBase<NPUDecomposeEinsumPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<EinsumOp> ops;
    getOperation().walk([&](EinsumOp op) { ops.push_back(op); });
    for (EinsumOp op : ops) {
      // Float tensors only; a pre-quantized model's op keeps its parameters.
      auto t = dyn_cast<RankedTensorType>(op.getType());
      if (!t || !isa<FloatType>(t.getElementType()) || op->hasAttr(kQuantAttr))
        continue;
      EinsumRewriter(op).run();
    }
  }
};

} // namespace
