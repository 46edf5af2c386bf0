//===- ShaveVerifier.cpp - Operand rules of the SHAVE kernels -------------===//
//
// The contract of each SHAVE kernel (docs/simulator.md, "SHAVE kernels"):
// how many inputs and outputs, which element types, how the shapes relate
// and which parameters it takes. The verifier enforces it so that the
// simulator's kernels can rely on it.
//
//===----------------------------------------------------------------------===//

#include "npu/Blob/Verifier.h"

#include <algorithm>

namespace npu::blob {

namespace {

using arch::ShaveKernel;

bool isFloatType(DType t) { return t == DType::F16 || t == DType::F32; }
bool isQuantType(DType t) { return t == DType::I8 || t == DType::U8; }

class ShaveChecker {
public:
  ShaveChecker(const ShaveTask &t, std::string &error) : t(t), error(error) {}

  bool fail(const std::string &msg) {
    error = std::string(arch::shaveKernelName(t.kernel)) + ": " + msg;
    return false;
  }

  bool arity(size_t minIn, size_t maxIn, size_t outs) {
    if (t.inputs.size() < minIn || t.inputs.size() > maxIn)
      return fail("takes " + std::to_string(minIn) +
                  (maxIn != minIn ? " to " + std::to_string(maxIn) : "") +
                  " inputs, got " + std::to_string(t.inputs.size()));
    if (t.outputs.size() != outs)
      return fail("takes " + std::to_string(outs) + " output(s), got " +
                  std::to_string(t.outputs.size()));
    return true;
  }

  bool floatOperands() {
    DType d = t.outputs[0].dtype;
    if (!isFloatType(d))
      return fail("operands must be f16 or f32, output is " +
                  std::string(dtypeName(d)));
    for (const TensorRef &r : t.inputs)
      if (r.dtype != d)
        return fail("all operands must have the output's element type " +
                    std::string(dtypeName(d)));
    return true;
  }

  bool sameShape(const TensorRef &a, const TensorRef &b) {
    if (a.shape != b.shape)
      return fail("input and output shapes differ");
    return true;
  }

  /// Each input dimension is 1 or the output's (ranks equal).
  bool broadcastable(const TensorRef &in, const TensorRef &out) {
    if (in.shape.size() != out.shape.size())
      return fail("operands must have the output's rank");
    for (size_t i = 0; i < in.shape.size(); ++i)
      if (in.shape[i] != 1 && in.shape[i] != out.shape[i])
        return fail("input dimension " + std::to_string(i) + " (" +
                    std::to_string(in.shape[i]) +
                    ") does not broadcast to the output's " +
                    std::to_string(out.shape[i]));
    return true;
  }

  bool params(size_t nf, size_t ni) {
    if (t.fparams.size() < nf || t.iparams.size() < ni)
      return fail("needs " + std::to_string(nf) + " float and " +
                  std::to_string(ni) + " integer parameters");
    return true;
  }

  bool quantParams(DType q) {
    if (!params(1, 1))
      return false;
    float s = t.fparams[0];
    if (!(s > 0.0f) || !std::isfinite(s))
      return fail("scale must be positive and finite");
    int64_t zp = t.iparams[0];
    int64_t lo = q == DType::I8 ? -128 : 0, hi = q == DType::I8 ? 127 : 255;
    if (zp < lo || zp > hi)
      return fail("zero point " + std::to_string(zp) + " is outside " +
                  dtypeName(q));
    return true;
  }

  bool check() {
    const auto &in = t.inputs;
    switch (t.kernel) {
    case ShaveKernel::Sigmoid:
    case ShaveKernel::Tanh:
    case ShaveKernel::Gelu:
    case ShaveKernel::Swish:
    case ShaveKernel::HSwish:
    case ShaveKernel::Exp:
    case ShaveKernel::Log:
    case ShaveKernel::Sqrt:
      return arity(1, 1, 1) && floatOperands() &&
             sameShape(in[0], t.outputs[0]);
    case ShaveKernel::Div:
    case ShaveKernel::Mul:
    case ShaveKernel::Pow:
    case ShaveKernel::Add:
    case ShaveKernel::Sub:
      return arity(2, 2, 1) && floatOperands() &&
             broadcastable(in[0], t.outputs[0]) &&
             broadcastable(in[1], t.outputs[0]);
    case ShaveKernel::Softmax:
      if (!arity(1, 1, 1) || !floatOperands() ||
          !sameShape(in[0], t.outputs[0]) || !params(0, 1))
        return false;
      if (t.iparams[0] < 0 || t.iparams[0] >= int64_t(in[0].shape.size()))
        return fail("axis " + std::to_string(t.iparams[0]) +
                    " is outside the rank");
      return true;
    case ShaveKernel::ReduceSum:
    case ShaveKernel::ReduceMean:
    case ShaveKernel::ReduceMax:
    case ShaveKernel::ReduceMin:
      return arity(1, 1, 1) && floatOperands() &&
             broadcastable(t.outputs[0], in[0]);
    case ShaveKernel::Mvn: {
      if (!arity(1, 3, 1) || !floatOperands() ||
          !sameShape(in[0], t.outputs[0]) || !params(1, 2))
        return false;
      int64_t first = t.iparams[1];
      if (first < 0 || first >= int64_t(in[0].shape.size()))
        return fail("first normalised axis " + std::to_string(first) +
                    " is outside the rank");
      if (!(t.fparams[0] >= 0.0f))
        return fail("epsilon must be non-negative");
      for (size_t i = 1; i < in.size(); ++i)
        if (!broadcastable(in[i], t.outputs[0]))
          return false;
      return true;
    }
    case ShaveKernel::Resize: {
      if (!arity(1, 1, 1) || !floatOperands() || !params(0, 1))
        return false;
      const auto &a = in[0].shape, &b = t.outputs[0].shape;
      if (a.size() != 4 || b.size() != 4 || a[0] != b[0] || a[1] != b[1])
        return fail("resizes the last two dimensions of a rank-4 tensor");
      if (t.iparams[0] != 0 && t.iparams[0] != 1)
        return fail("mode must be 0 (nearest) or 1 (linear)");
      return true;
    }
    case ShaveKernel::Gather: {
      if (!arity(2, 2, 1) || !params(0, 1))
        return false;
      const TensorRef &data = in[0], &idx = in[1], &out = t.outputs[0];
      if (idx.dtype != DType::I32)
        return fail("indices must be i32");
      if (out.dtype != data.dtype)
        return fail("output must have the data's element type");
      int64_t axis = t.iparams[0];
      if (axis < 0 || axis >= int64_t(data.shape.size()))
        return fail("axis " + std::to_string(axis) + " is outside the rank");
      std::vector<uint32_t> expect(data.shape.begin(),
                                   data.shape.begin() + axis);
      expect.insert(expect.end(), idx.shape.begin(), idx.shape.end());
      expect.insert(expect.end(), data.shape.begin() + axis + 1,
                    data.shape.end());
      if (out.shape != expect)
        return fail("output shape must be data[:axis] + indices + "
                    "data[axis+1:]");
      return true;
    }
    case ShaveKernel::Permute: {
      if (!arity(1, 1, 1))
        return false;
      const TensorRef &a = in[0], &b = t.outputs[0];
      if (a.dtype != b.dtype)
        return fail("input and output element types differ");
      if (t.iparams.size() != a.shape.size() ||
          b.shape.size() != a.shape.size())
        return fail("needs one permutation entry per dimension");
      std::vector<bool> seen(a.shape.size(), false);
      for (size_t i = 0; i < t.iparams.size(); ++i) {
        int64_t p = t.iparams[i];
        if (p < 0 || p >= int64_t(a.shape.size()) || seen[p])
          return fail("parameters are not a permutation");
        seen[p] = true;
        if (b.shape[i] != a.shape[p])
          return fail("output dimension " + std::to_string(i) +
                      " must equal input dimension " + std::to_string(p));
      }
      return true;
    }
    case ShaveKernel::Convert: {
      if (!arity(1, 1, 1) || !sameShape(in[0], t.outputs[0]))
        return false;
      for (DType d : {in[0].dtype, t.outputs[0].dtype})
        if (!isFloatType(d) && !isQuantType(d) && d != DType::I32)
          return fail(std::string("cannot convert ") + dtypeName(d));
      return true;
    }
    case ShaveKernel::Quantize:
      if (!arity(1, 1, 1) || !sameShape(in[0], t.outputs[0]))
        return false;
      if (!isFloatType(in[0].dtype) || !isQuantType(t.outputs[0].dtype))
        return fail("quantizes f16/f32 into i8/u8");
      return quantParams(t.outputs[0].dtype);
    case ShaveKernel::Dequantize:
      if (!arity(1, 1, 1) || !sameShape(in[0], t.outputs[0]))
        return false;
      if (!isQuantType(in[0].dtype) || !isFloatType(t.outputs[0].dtype))
        return fail("dequantizes i8/u8 into f16/f32");
      return quantParams(in[0].dtype);
    }
    return fail("unknown kernel");
  }

private:
  const ShaveTask &t;
  std::string &error;
};

} // namespace

bool verifyShaveTask(const ShaveTask &task, std::string &error) {
  return ShaveChecker(task, error).check();
}

} // namespace npu::blob
