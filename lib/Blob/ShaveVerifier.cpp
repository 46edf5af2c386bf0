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
#include <cmath>
#include <initializer_list>

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

  /// gather / gather_elements: data and i32 or i64 indices in, one output
  /// of the data's type, iparams = [axis] within the data's rank.
  bool gatherOperands() {
    if (!arity(2, 2, 1) || !params(0, 1))
      return false;
    const TensorRef &data = t.inputs[0], &idx = t.inputs[1];
    if (idx.dtype != DType::I32 && idx.dtype != DType::I64)
      return fail("indices must be i32 or i64");
    if (t.outputs[0].dtype != data.dtype)
      return fail("output must have the data's element type");
    int64_t axis = t.iparams[0];
    if (axis < 0 || axis >= int64_t(data.shape.size()))
      return fail("axis " + std::to_string(axis) + " is outside the rank");
    return true;
  }

  /// gather_nd / scatter_nd: i32 or i64 indices whose last dimension k
  /// holds index tuples into data's dimensions batch_dims .. batch_dims + k.
  bool indexTuples(const TensorRef &data, const TensorRef &idx,
                   int64_t batchDims) {
    if (idx.dtype != DType::I32 && idx.dtype != DType::I64)
      return fail("indices must be i32 or i64");
    if (idx.shape.empty() || idx.shape.back() < 1)
      return fail("indices need a last dimension of at least 1");
    int64_t k = idx.shape.back();
    if (batchDims < 0 || batchDims >= int64_t(idx.shape.size()) ||
        batchDims + k > int64_t(data.shape.size()))
      return fail("batch_dims " + std::to_string(batchDims) +
                  " and index depth " + std::to_string(k) +
                  " do not fit the data's rank " +
                  std::to_string(data.shape.size()));
    return true;
  }

  /// scatter_nd / scatter_elements: data, indices, updates of the data's
  /// type in; the output is the data's shape and type; iparams[at] is the
  /// reduction, which needs f16 or f32 data unless it is none.
  bool scatterOperands(size_t at) {
    const TensorRef &data = t.inputs[0], &upd = t.inputs[2],
                    &out = t.outputs[0];
    if (upd.dtype != data.dtype || out.dtype != data.dtype)
      return fail("updates and output must have the data's element type");
    if (out.shape != data.shape)
      return fail("output shape must be the data's");
    int64_t r = t.iparams[at];
    if (r < int64_t(arch::ScatterReduction::None) ||
        r > int64_t(arch::ScatterReduction::Min))
      return fail("reduction " + std::to_string(r) + " is outside [0, 4]");
    if (r != int64_t(arch::ScatterReduction::None) && !isFloatType(data.dtype))
      return fail("a reduction needs f16 or f32 data");
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
    return broadcastableTrailing(in, out);
  }

  /// Like broadcastable, but `in` may have fewer dimensions than the output:
  /// they align with the output's last ones (numpy-style), the missing
  /// leading ones count as 1.
  bool broadcastableTrailing(const TensorRef &in, const TensorRef &out) {
    if (in.shape.size() > out.shape.size())
      return fail("operands must not have more dimensions than the output");
    size_t lead = out.shape.size() - in.shape.size();
    for (size_t i = 0; i < in.shape.size(); ++i)
      if (in.shape[i] != 1 && in.shape[i] != out.shape[lead + i])
        return fail("input dimension " + std::to_string(i) + " (" +
                    std::to_string(in.shape[i]) +
                    ") does not broadcast to the output's " +
                    std::to_string(out.shape[lead + i]));
    return true;
  }

  bool fparamCount(size_t n) {
    if (t.fparams.size() != n)
      return fail("needs " + std::to_string(n) + " float parameter(s), got " +
                  std::to_string(t.fparams.size()));
    return true;
  }

  /// The float parameters, named `names`, which must be finite.
  bool finiteParams(std::initializer_list<const char *> names) {
    if (!fparamCount(names.size()))
      return false;
    size_t i = 0;
    for (const char *n : names)
      if (!std::isfinite(t.fparams[i++]))
        return fail(std::string(n) + " must be finite");
    return true;
  }

  bool matmul() {
    if (!arity(2, 2, 1) || !floatOperands())
      return false;
    const auto &a = t.inputs[0].shape, &b = t.inputs[1].shape,
               &o = t.outputs[0].shape;
    if (a.size() < 2 || a.size() != b.size() || a.size() != o.size())
      return fail("A, B and the output must have one rank >= 2, got " +
                  std::to_string(a.size()) + ", " + std::to_string(b.size()) +
                  " and " + std::to_string(o.size()));
    if (!t.fparams.empty() || (!t.iparams.empty() && t.iparams.size() != 2))
      return fail("takes no float parameters and either no integer "
                  "parameters or [transA, transB]");
    for (int64_t p : t.iparams)
      if (p != 0 && p != 1)
        return fail("transA and transB must be 0 or 1");
    bool ta = !t.iparams.empty() && t.iparams[0],
         tb = t.iparams.size() > 1 && t.iparams[1];
    size_t r = a.size();
    uint32_t m = ta ? a[r - 1] : a[r - 2], ka = ta ? a[r - 2] : a[r - 1];
    uint32_t kb = tb ? b[r - 1] : b[r - 2], n = tb ? b[r - 2] : b[r - 1];
    if (ka != kb)
      return fail("A's K (" + std::to_string(ka) + ") differs from B's (" +
                  std::to_string(kb) + ")");
    if (o[r - 2] != m || o[r - 1] != n)
      return fail("output must be [..., " + std::to_string(m) + ", " +
                  std::to_string(n) + "], got [..., " +
                  std::to_string(o[r - 2]) + ", " + std::to_string(o[r - 1]) +
                  "]");
    for (size_t i = 0; i + 2 < r; ++i)
      for (const auto *in : {&a, &b})
        if ((*in)[i] != 1 && (*in)[i] != o[i])
          return fail(
              std::string(in == &a ? "A" : "B") + "'s batch dimension " +
              std::to_string(i) + " (" + std::to_string((*in)[i]) +
              ") does not broadcast to the output's " + std::to_string(o[i]));
    return true;
  }

  bool upsampleZeros() {
    if (!arity(1, 1, 1))
      return false;
    const TensorRef &in = t.inputs[0], &out = t.outputs[0];
    if (in.dtype != out.dtype)
      return fail("input and output element types differ");
    if (in.shape.size() != 3 || out.shape.size() != 3)
      return fail("input and output must be rank-3 [H, W, C]");
    if (!t.fparams.empty() || t.iparams.size() != 6)
      return fail("needs 6 integer parameters [stride_h, stride_w, pad_top, "
                  "pad_left, pad_bottom, pad_right], got " +
                  std::to_string(t.iparams.size()));
    const auto &p = t.iparams;
    // Bounded so that the shape arithmetic below cannot overflow.
    if (p[0] < 1 || p[1] < 1 || p[0] > 65535 || p[1] > 65535)
      return fail("strides must be in [1, 65535]");
    for (size_t i = 2; i < 6; ++i)
      if (p[i] < 0 || p[i] > 65535)
        return fail("pads must be in [0, 65535]");
    if (in.shape[0] == 0 || in.shape[1] == 0)
      return fail("input height and width must not be 0");
    int64_t oh = (int64_t(in.shape[0]) - 1) * p[0] + 1 + p[2] + p[4];
    int64_t ow = (int64_t(in.shape[1]) - 1) * p[1] + 1 + p[3] + p[5];
    if (out.shape[0] != oh || out.shape[1] != ow || out.shape[2] != in.shape[2])
      return fail("output must be [" + std::to_string(oh) + ", " +
                  std::to_string(ow) + ", " + std::to_string(in.shape[2]) +
                  "] ((H-1)*stride+1+pads), got [" +
                  std::to_string(out.shape[0]) + ", " +
                  std::to_string(out.shape[1]) + ", " +
                  std::to_string(out.shape[2]) + "]");
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
    if (arch::isPlainUnaryKernel(t.kernel))
      return arity(1, 1, 1) && floatOperands() &&
             sameShape(in[0], t.outputs[0]) && fparamCount(0);
    switch (t.kernel) {
    case ShaveKernel::HSwish:
      // Optionally [scale, shift] applied after it; iparams [1]: rounded
      // to f16 after each step. Inputs [x, scale, shift] (broadcast like
      // add's, same rank) instead of fparams: rounded after each step.
      {
        bool eachStep = t.iparams.size() == 1 && t.iparams[0] == 1;
        if (in.size() == 3)
          return arity(3, 3, 1) && floatOperands() &&
                 sameShape(in[0], t.outputs[0]) &&
                 broadcastable(in[1], t.outputs[0]) &&
                 broadcastable(in[2], t.outputs[0]) && fparamCount(0) &&
                 (eachStep || fail("[x, scale, shift] needs iparams [1]"));
        return arity(1, 1, 1) && floatOperands() &&
               sameShape(in[0], t.outputs[0]) &&
               (t.fparams.empty() || finiteParams({"scale", "shift"})) &&
               (t.iparams.empty() || (eachStep && t.fparams.size() == 2) ||
                fail("iparams must be empty or [1] with [scale, shift]"));
      }
    case ShaveKernel::Sigmoid:
    case ShaveKernel::Tanh:
    case ShaveKernel::Gelu:
    case ShaveKernel::GeluTanh:
    case ShaveKernel::Swish:
    case ShaveKernel::Exp:
    case ShaveKernel::Log:
    case ShaveKernel::Sqrt:
    case ShaveKernel::Erf:
    case ShaveKernel::Abs:
    case ShaveKernel::Neg:
    case ShaveKernel::Reciprocal:
    case ShaveKernel::Relu:
      return arity(1, 1, 1) && floatOperands() &&
             sameShape(in[0], t.outputs[0]);
    case ShaveKernel::Clamp:
      if (!arity(1, 1, 1) || !floatOperands() ||
          !sameShape(in[0], t.outputs[0]) || !fparamCount(2))
        return false;
      if (std::isnan(t.fparams[0]) || std::isnan(t.fparams[1]) ||
          t.fparams[0] > t.fparams[1])
        return fail("bounds [lo, hi] must be ordered numbers, got [" +
                    std::to_string(t.fparams[0]) + ", " +
                    std::to_string(t.fparams[1]) + "]");
      return true;
    case ShaveKernel::HSigmoid:
      return arity(1, 1, 1) && floatOperands() &&
             sameShape(in[0], t.outputs[0]) && finiteParams({"alpha", "beta"});
    case ShaveKernel::LeakyRelu:
    case ShaveKernel::ThresholdedRelu:
    case ShaveKernel::Elu:
      return arity(1, 1, 1) && floatOperands() &&
             sameShape(in[0], t.outputs[0]) && finiteParams({"alpha"});
    case ShaveKernel::Selu:
      return arity(1, 1, 1) && floatOperands() &&
             sameShape(in[0], t.outputs[0]) && finiteParams({"alpha", "gamma"});
    case ShaveKernel::Celu:
      if (!arity(1, 1, 1) || !floatOperands() ||
          !sameShape(in[0], t.outputs[0]) || !finiteParams({"alpha"}))
        return false;
      if (t.fparams[0] == 0.0f)
        return fail("alpha must not be 0");
      return true;
    case ShaveKernel::MatMul:
      return matmul();
    case ShaveKernel::UpsampleZeros:
      return upsampleZeros();
    case ShaveKernel::Div:
    case ShaveKernel::Mul:
    case ShaveKernel::Pow:
    case ShaveKernel::Add:
    case ShaveKernel::Sub:
    case ShaveKernel::Max:
    case ShaveKernel::Min:
    case ShaveKernel::PRelu:
      return arity(2, 2, 1) && floatOperands() &&
             broadcastable(in[0], t.outputs[0]) &&
             broadcastable(in[1], t.outputs[0]);
    case ShaveKernel::Compare:
      if (!arity(2, 2, 1) || !floatOperands() || !params(0, 1) ||
          !broadcastable(in[0], t.outputs[0]) ||
          !broadcastable(in[1], t.outputs[0]))
        return false;
      if (t.iparams[0] < 0 || t.iparams[0] > 5)
        return fail("comparison " + std::to_string(t.iparams[0]) +
                    " is not one of 0..5 (==, <, <=, >, >=, !=)");
      return true;
    case ShaveKernel::ArgMax:
    case ShaveKernel::ArgMin: {
      if (!arity(1, 1, 1) || !params(0, 2))
        return false;
      const TensorRef &x = in[0], &out = t.outputs[0];
      if (!isFloatType(x.dtype))
        return fail("input must be f16 or f32");
      if (out.dtype != DType::I32 && out.dtype != DType::I64)
        return fail("output must be i32 or i64");
      int64_t axis = t.iparams[0];
      if (axis < 0 || axis >= int64_t(x.shape.size()))
        return fail("axis " + std::to_string(axis) + " is outside the rank");
      if (t.iparams[1] != 0 && t.iparams[1] != 1)
        return fail("select_last_index must be 0 or 1");
      std::vector<uint32_t> want = x.shape;
      want[size_t(axis)] = 1;
      if (out.shape != want)
        return fail("output must be the input's shape with the axis 1");
      return true;
    }
    case ShaveKernel::TopK: {
      if (!arity(1, 1, 2) || !params(0, 4))
        return false;
      const TensorRef &x = in[0], &values = t.outputs[0],
                      &indices = t.outputs[1];
      if (!isFloatType(x.dtype) || values.dtype != x.dtype)
        return fail("input and values must be f16 or f32 alike");
      if (indices.dtype != DType::I32 && indices.dtype != DType::I64)
        return fail("indices must be i32 or i64");
      int64_t axis = t.iparams[0], k = t.iparams[1];
      if (axis < 0 || axis >= int64_t(x.shape.size()))
        return fail("axis " + std::to_string(axis) + " is outside the rank");
      if (k < 1 || k > int64_t(x.shape[size_t(axis)]))
        return fail("k " + std::to_string(k) + " is outside [1, " +
                    std::to_string(x.shape[size_t(axis)]) + "]");
      std::vector<uint32_t> want = x.shape;
      want[size_t(axis)] = uint32_t(k);
      if (values.shape != want || indices.shape != want)
        return fail("values and indices must be the input's shape with k "
                    "along the axis");
      return true;
    }
    case ShaveKernel::Where:
      return arity(3, 3, 1) && floatOperands() && fparamCount(0) &&
             broadcastable(in[0], t.outputs[0]) &&
             broadcastable(in[1], t.outputs[0]) &&
             broadcastable(in[2], t.outputs[0]);
    case ShaveKernel::Softmax:
    case ShaveKernel::LogSoftmax:
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
      if (t.iparams.size() > 2 && t.iparams[2] != 0 && t.iparams[2] != 1)
        return fail("epsilon placement must be 0 (inside the square root) or "
                    "1 (added to the standard deviation), got " +
                    std::to_string(t.iparams[2]));
      // Scale and bias may have fewer dimensions (LayerNorm's [C] over
      // [..., C]): they align with the output's last dimensions.
      for (size_t i = 1; i < in.size(); ++i)
        if (!broadcastableTrailing(in[i], t.outputs[0]))
          return false;
      return true;
    }
    case ShaveKernel::Resize: {
      if (!arity(1, 1, 1) || !floatOperands() || !params(0, 1))
        return false;
      const auto &a = in[0].shape, &b = t.outputs[0].shape;
      if (a.size() != 4 || b.size() != 4 || a[0] != b[0] || a[1] != b[1])
        return fail("resizes the last two dimensions of a rank-4 tensor");
      if (t.iparams[0] < 0 || t.iparams[0] > 8)
        return fail("mode must be 0 (nearest), 1 (linear), 2 (nearest, "
                    "ceiling where a dimension shrinks), 3 (linear, "
                    "align_corners), 4 or 5 (nearest, half_pixel, ties "
                    "down or up), 6, 7 or 8 (cubic: half_pixel, "
                    "align_corners, asymmetric)");
      if (t.iparams[0] >= 6) {
        if (!params(1, 2))
          return false;
        if (!std::isfinite(t.fparams[0]))
          return fail("the cubic coefficient must be finite");
        if (t.iparams[1] != 0 && t.iparams[1] != 1)
          return fail("exclude_outside must be 0 or 1, got " +
                      std::to_string(t.iparams[1]));
      }
      return true;
    }
    case ShaveKernel::Gather: {
      if (!gatherOperands())
        return false;
      const TensorRef &data = in[0], &idx = in[1], &out = t.outputs[0];
      int64_t axis = t.iparams[0];
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
    case ShaveKernel::GatherND: {
      if (!arity(2, 2, 1) || !params(0, 1))
        return false;
      const TensorRef &data = in[0], &idx = in[1], &out = t.outputs[0];
      if (!indexTuples(data, idx, t.iparams[0]))
        return false;
      if (out.dtype != data.dtype)
        return fail("output must have the data's element type");
      // indices[:-1] + data[batch_dims + k:].
      size_t b = size_t(t.iparams[0]), k = idx.shape.back();
      for (size_t d = 0; d < b; ++d)
        if (idx.shape[d] != data.shape[d])
          return fail("batch dimension " + std::to_string(d) +
                      " of the indices differs from the data's");
      std::vector<uint32_t> expect(idx.shape.begin(), idx.shape.end() - 1);
      expect.insert(expect.end(), data.shape.begin() + b + k, data.shape.end());
      if (out.shape != expect)
        return fail("output shape must be indices[:-1] + data[batch_dims + "
                    "k:]");
      return true;
    }
    case ShaveKernel::ScatterND: {
      if (!arity(3, 3, 1) || !params(0, 1) || !scatterOperands(0))
        return false;
      const TensorRef &data = in[0], &idx = in[1], &upd = in[2];
      if (!indexTuples(data, idx, 0))
        return false;
      // updates: indices[:-1] + data[k:].
      size_t k = idx.shape.back();
      std::vector<uint32_t> expect(idx.shape.begin(), idx.shape.end() - 1);
      expect.insert(expect.end(), data.shape.begin() + k, data.shape.end());
      if (upd.shape != expect)
        return fail("updates shape must be indices[:-1] + data[k:]");
      return true;
    }
    case ShaveKernel::ScatterElements: {
      if (!arity(3, 3, 1) || !params(0, 2) || !scatterOperands(1))
        return false;
      const TensorRef &data = in[0], &idx = in[1], &upd = in[2];
      int64_t axis = t.iparams[0];
      if (axis < 0 || axis >= int64_t(data.shape.size()))
        return fail("axis " + std::to_string(axis) + " is outside the rank");
      if (idx.shape != upd.shape || idx.shape.size() != data.shape.size())
        return fail("indices and updates must have one shape, of the data's "
                    "rank");
      for (size_t d = 0; d < data.shape.size(); ++d)
        if (int64_t(d) != axis && idx.shape[d] > data.shape[d])
          return fail("indices exceed the data in dimension " +
                      std::to_string(d));
      return true;
    }
    case ShaveKernel::GatherElements: {
      if (!gatherOperands())
        return false;
      const TensorRef &data = in[0], &idx = in[1], &out = t.outputs[0];
      int64_t axis = t.iparams[0];
      if (idx.shape != out.shape)
        return fail("output shape must be the indices' shape");
      if (idx.shape.size() != data.shape.size())
        return fail("indices must have the data's rank");
      for (size_t d = 0; d < data.shape.size(); ++d)
        if (int64_t(d) != axis && idx.shape[d] > data.shape[d])
          return fail("indices exceed the data in dimension " +
                      std::to_string(d));
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
      auto convertible = [](DType d) {
        return isFloatType(d) || isQuantType(d) || d == DType::I32;
      };
      // i64 as the source (an attention mask given as int64), or as the
      // output of i32 indices widened (an exact integer conversion).
      if (!convertible(in[0].dtype) && in[0].dtype != DType::I64)
        return fail(std::string("cannot convert ") + dtypeName(in[0].dtype));
      bool widening = t.outputs[0].dtype == DType::I64 &&
                      (in[0].dtype == DType::I32 || in[0].dtype == DType::I64);
      if (!convertible(t.outputs[0].dtype) && !widening)
        return fail(std::string("cannot convert ") + dtypeName(in[0].dtype) +
                    " to " + dtypeName(t.outputs[0].dtype));
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
    case ShaveKernel::Lut:
      if (!arity(2, 2, 1) || !sameShape(in[0], t.outputs[0]) || !fparamCount(0))
        return false;
      if (!t.iparams.empty())
        return fail("takes no integer parameters");
      if (!isQuantType(in[0].dtype) || !isQuantType(t.outputs[0].dtype))
        return fail("maps i8/u8 to i8/u8");
      if (in[1].dtype != t.outputs[0].dtype)
        return fail("the table must have the output's element type");
      if (in[1].numElements() != 256)
        return fail("the table must have 256 entries, got " +
                    std::to_string(in[1].numElements()));
      return true;
    default: // The plain unary kernels are checked above.
      break;
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
