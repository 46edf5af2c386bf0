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
/// How an external input is read for a chunk of the output.
struct ExternalInput {
  const float *data = nullptr;
  enum Mode { Full, Scalar, Broadcast } mode = Full;
  kernels::BroadcastPlan plan; // Broadcast mode
  int scratch = -1;            // buffer index for Broadcast mode
};
constexpr int64_t kChunk = 1024;
} // namespace

void runFusedGroup(const FusedGroup &g, Runtime &rt, std::vector<Slot> &slots) {
  const int64_t total = shapeNumElements(g.shape);
  const int numMembers = static_cast<int>(g.members.size());
  std::vector<ExternalInput> ext(g.externalSlots.size());
  int numBuffers = numMembers;
  for (size_t i = 0; i < ext.size(); ++i) {
    const HostTensor &t = *slots[g.externalSlots[i]].view;
    ext[i].data = t.data<float>();
    if (t.numElements() == total) {
      ext[i].mode = ExternalInput::Full;
    } else if (t.numElements() == 1) {
      ext[i].mode = ExternalInput::Scalar;
    } else {
      ext[i].mode = ExternalInput::Broadcast;
      (void)kernels::makeBroadcastPlan({&t.shape()}, g.shape, ext[i].plan);
      ext[i].scratch = numBuffers++;
    }
  }
  // Outputs, in place of a dying full-size input when possible: every
  // chunk of an output is written only after all members read that chunk.
  std::vector<float *> outData(g.outputSlots.size());
  std::vector<bool> taken(ext.size(), false);
  for (size_t k = 0; k < g.outputSlots.size(); ++k) {
    Slot &dst = slots[g.outputSlots[k]];
    bool done = false;
    for (size_t i = 0; i < ext.size() && !done; ++i) {
      Slot &src = slots[g.externalSlots[i]];
      if (taken[i] || !g.externalDies[i] || !src.isOwned ||
          ext[i].mode != ExternalInput::Full || src.owned.dtype() != DType::F32)
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
    outData[k] = dst.owned.data<float>();
  }

  const int64_t numChunks = (total + kChunk - 1) / kChunk;
  kernels::parallelForRange(
      rt.pool(), numChunks, 64, [&](int64_t cb, int64_t ce) {
        thread_local std::vector<float> scratch;
        scratch.resize(static_cast<size_t>(numBuffers) * kChunk);
        auto buffer = [&](int i) { return scratch.data() + i * kChunk; };
        for (int64_t c = cb; c < ce; ++c) {
          const int64_t b = c * kChunk, n = std::min(kChunk, total - b);
          for (const ExternalInput &e : ext) {
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
            const ExternalInput &e = ext[o.index];
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
            const FusedMember &fm = g.members[m];
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
          for (size_t k = 0; k < outData.size(); ++k)
            std::memcpy(outData[k] + b, buffer(g.outputMembers[k]),
                        n * sizeof(float));
        }
      });
}

} // namespace npu::interp
