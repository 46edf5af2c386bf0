//===- FusedElementwise.cpp - Fused float32 elementwise chains ------------===//

#include "FusedElementwise.h"

#include "npu/Interpreter/TensorConversion.h"
#include "npu/Kernels/Broadcast.h"

#include "mlir/IR/BuiltinTypes.h"

#include <cstring>

using namespace mlir;

namespace npu::interp {

static bool isF32Tensor(Type t) {
  auto rt = dyn_cast<RankedTensorType>(t);
  return rt && rt.hasStaticShape() && rt.getElementType().isF32();
}

std::optional<FusedMember> fusibleMember(Operation *op) {
  if (op->getNumResults() != 1 || !isF32Tensor(op->getResult(0).getType()))
    return std::nullopt;
  for (Type t : op->getOperandTypes())
    if (!isF32Tensor(t))
      return std::nullopt;
  FusedMember m;
  m.op = op;
  if (op->getNumOperands() == 1) {
    auto kind = unaryKindOf(op);
    if (!kind || kind->first == kernels::UnaryOp::Not)
      return std::nullopt;
    m.isUnary = true;
    m.unary = kind->first;
    m.params = kind->second;
    return m;
  }
  if (op->getNumOperands() != 2)
    return std::nullopt;
  auto kind = binaryKindOf(op);
  if (!kind)
    return std::nullopt;
  switch (*kind) {
  case kernels::BinaryOp::Add:
  case kernels::BinaryOp::Sub:
  case kernels::BinaryOp::Mul:
  case kernels::BinaryOp::Div:
  case kernels::BinaryOp::Max:
  case kernels::BinaryOp::Min:
  case kernels::BinaryOp::PRelu:
  case kernels::BinaryOp::Pow:
  case kernels::BinaryOp::Mod:
  case kernels::BinaryOp::FMod:
    break;
  default:
    return std::nullopt;
  }
  m.isUnary = false;
  m.binary = *kind;
  return m;
}

namespace {
constexpr int64_t kChunk = 1024;
} // namespace

FusedRunner::FusedRunner(const FusedGroup &g, Runtime &rt,
                         std::vector<Slot> &slots, const float *producer)
    : g_(g), total_(shapeNumElements(g.shape)) {
  numBuffers_ = static_cast<int>(g.members.size());
  ext_.resize(g.externalSlots.size());
  for (size_t i = 0; i < ext_.size(); ++i) {
    if (producer && static_cast<int>(i) == g.producerExternal) {
      ext_[i].data = producer;
      ext_[i].mode = ExternalInput::Full;
      continue;
    }
    const HostTensor &t = *slots[g.externalSlots[i]].view;
    ext_[i].data = t.data<float>();
    if (t.numElements() == total_) {
      ext_[i].mode = ExternalInput::Full;
    } else if (t.numElements() == 1) {
      ext_[i].mode = ExternalInput::Scalar;
    } else {
      ext_[i].mode = ExternalInput::Broadcast;
      (void)kernels::makeBroadcastPlan({&t.shape()}, g.shape, ext_[i].plan);
      ext_[i].scratch = numBuffers_++;
    }
  }
  // Outputs, in place of a dying full-size input when possible: every chunk
  // of an output is written only after all members read that chunk. With a
  // producer, the alias output writes into the producer's buffer, which
  // finishFusedGroup hands over once the producer's step is done.
  outData_.resize(g.outputSlots.size());
  std::vector<bool> taken(ext_.size(), false);
  for (size_t k = 0; k < g.outputSlots.size(); ++k) {
    if (producer && static_cast<int>(k) == g.aliasOutput) {
      outData_[k] = const_cast<float *>(producer);
      continue;
    }
    Slot &dst = slots[g.outputSlots[k]];
    bool done = false;
    for (size_t i = 0; i < ext_.size() && !done && !producer; ++i) {
      Slot &src = slots[g.externalSlots[i]];
      if (taken[i] || !g.externalDies[i] || !src.isOwned ||
          ext_[i].mode != ExternalInput::Full ||
          src.owned.dtype() != DType::F32)
        continue;
      dst.owned = std::move(src.owned);
      dst.owned.reshape(g.shape);
      src.isOwned = false;
      src.view = &dst.owned;
      taken[i] = done = true;
    }
    if (!done)
      dst.owned = rt.acquire(DType::F32, g.shape);
    dst.isOwned = true;
    dst.view = &dst.owned;
    dst.constantKey = nullptr;
    outData_[k] = dst.owned.data<float>();
  }
}

void FusedRunner::run(int64_t begin, int64_t end) const {
  const int numMembers = static_cast<int>(g_.members.size());
  thread_local std::vector<float> scratch;
  scratch.resize(static_cast<size_t>(numBuffers_) * kChunk);
  auto buffer = [&](int i) { return scratch.data() + i * kChunk; };
  for (int64_t b = begin; b < end; b += kChunk) {
    const int64_t n = std::min(kChunk, end - b);
    for (const ExternalInput &e : ext_) {
      if (e.mode != ExternalInput::Broadcast)
        continue;
      float *dst = buffer(e.scratch);
      kernels::forEachRun(e.plan, b, b + n,
                          [&](const int64_t *off, int64_t o, int64_t len,
                              const int64_t *inner) {
                            const float *src = e.data + off[0];
                            float *d = dst + (o - b);
                            if (inner[0])
                              std::memcpy(d, src, len * sizeof(float));
                            else
                              std::fill(d, d + len, *src);
                          });
    }
    auto operand = [&](const FusedOperand &o, int64_t &stride) {
      stride = 1;
      if (o.internal)
        return static_cast<const float *>(buffer(o.index));
      const ExternalInput &e = ext_[o.index];
      switch (e.mode) {
      case ExternalInput::Full:
        return e.data + b;
      case ExternalInput::Scalar:
        stride = 0;
        return e.data;
      case ExternalInput::Broadcast:
        break;
      }
      return static_cast<const float *>(buffer(e.scratch));
    };
    for (int m = 0; m < numMembers; ++m) {
      const FusedMember &fm = g_.members[m];
      float *out = buffer(m);
      int64_t sa, sb;
      const float *a = operand(fm.operands[0], sa);
      if (fm.isUnary) {
        if (sa == 0)
          std::fill(out, out + n, *a);
        kernels::unaryF32(fm.unary, sa == 0 ? out : a, out, n, fm.params);
      } else {
        const float *bp = operand(fm.operands[1], sb);
        (void)kernels::binaryF32(fm.binary, a, sa, bp, sb, out, n);
      }
    }
    for (size_t k = 0; k < outData_.size(); ++k)
      std::memcpy(outData_[k] + b, buffer(g_.outputMembers[k]),
                  n * sizeof(float));
  }
}

void runFusedGroup(const FusedGroup &g, Runtime &rt, std::vector<Slot> &slots) {
  FusedRunner runner(g, rt, slots, nullptr);
  const int64_t total = shapeNumElements(g.shape);
  // Tasks of at least 64 chunks: threads pay off only on big tensors.
  kernels::parallelForRange(rt.pool(), total, 64 * kChunk,
                            [&](int64_t b, int64_t e) { runner.run(b, e); });
}

void finishFusedGroup(const FusedGroup &g, std::vector<Slot> &slots) {
  if (g.aliasOutput < 0)
    return;
  Slot &src = slots[g.externalSlots[g.producerExternal]];
  Slot &dst = slots[g.outputSlots[g.aliasOutput]];
  if (src.isOwned) {
    dst.owned = std::move(src.owned);
    src.isOwned = false;
  } else {
    dst.owned = HostTensor(*src.view); // not expected: producers own
  }
  dst.owned.reshape(g.shape);
  dst.isOwned = true;
  dst.view = &dst.owned;
  dst.constantKey = nullptr;
  src.view = &dst.owned;
}

} // namespace npu::interp
