//===- Einsum.cpp - Einstein summation ------------------------------------===//
//
// The general path walks every output index and, inside, every contracted
// label, reading each input through per-label strides (a repeated label
// sums its strides, which walks the diagonal; a size-1 dimension has stride
// 0, which broadcasts). Two float32 inputs without diagonals or
// broadcasting are rearranged into [batch, m, k] x [batch, k, n] and
// multiplied with the GEMM.
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Einsum.h"

#include "KernelSupport.h"
#include "npu/Kernels/DataMovement.h"
#include "npu/Kernels/ElementTypes.h"
#include "npu/Kernels/Gemm.h"

#include <map>
#include <type_traits>

namespace npu::kernels {

namespace {

struct LabelInfo {
  std::map<char, int64_t> size;
};

/// Permutes `t` (labelled `from`) into the label order `to` (a
/// permutation of `from`).
HostTensor permuteLabels(const HostTensor &t, const std::string &from,
                         const std::string &to, ThreadPool *pool) {
  std::vector<int64_t> perm, shape;
  for (char c : to) {
    int64_t d = static_cast<int64_t>(from.find(c));
    perm.push_back(d);
    shape.push_back(t.dim(d));
  }
  HostTensor out(t.dtype(), shape);
  Status s = transpose(t, perm, out, pool);
  (void)s; // the permutation is valid by construction
  return out;
}

bool tryGemmPath(const std::vector<const HostTensor *> &inputs,
                 const std::vector<std::string> &labels,
                 const std::string &outLabels, const LabelInfo &info,
                 HostTensor &out, ThreadPool *pool) {
  if (inputs.size() != 2 || inputs[0]->dtype() != DType::F32)
    return false;
  const std::string &a = labels[0], &b = labels[1];
  for (int i = 0; i < 2; ++i) {
    const std::string &l = labels[i];
    for (size_t d = 0; d < l.size(); ++d) {
      if (l.find(l[d]) != d)
        return false; // diagonal
      if (inputs[i]->dim(d) != info.size.at(l[d]))
        return false; // broadcast
    }
  }
  std::string batch, m, n, k;
  auto in = [](const std::string &s, char c) {
    return s.find(c) != std::string::npos;
  };
  for (char c : a) {
    bool inB = in(b, c), inOut = in(outLabels, c);
    if (inB && inOut)
      batch += c;
    else if (inOut)
      m += c;
    else if (inB)
      k += c;
    else
      return false; // summed over one operand only
  }
  for (char c : b)
    if (!in(a, c)) {
      if (!in(outLabels, c))
        return false;
      n += c;
    }
  auto prod = [&](const std::string &s) {
    int64_t p = 1;
    for (char c : s)
      p *= info.size.at(c);
    return p;
  };
  const int64_t B = prod(batch), M = prod(m), N = prod(n), K = prod(k);
  HostTensor pa = permuteLabels(*inputs[0], a, batch + m + k, pool);
  HostTensor pb = permuteLabels(*inputs[1], b, batch + k + n, pool);
  HostTensor pc(DType::F32, {B, M, N});
  for (int64_t i = 0; i < B; ++i)
    sgemm(false, false, M, N, K, 1.0f, pa.data<float>() + i * M * K, K,
          pb.data<float>() + i * K * N, N, 0.0f, pc.data<float>() + i * M * N,
          N, pool);
  // pc is labelled batch + m + n; permute into the output order.
  std::string cl = batch + m + n;
  std::vector<int64_t> cshape;
  for (char c : cl)
    cshape.push_back(info.size.at(c));
  pc.reshape(cshape);
  HostTensor res = permuteLabels(pc, cl, outLabels, pool);
  std::memcpy(out.raw(), res.raw(), res.byteSize());
  return true;
}

template <typename T>
void directEinsum(const std::vector<const HostTensor *> &inputs,
                  const std::vector<std::string> &labels,
                  const std::string &outLabels, const LabelInfo &info,
                  HostTensor &out) {
  using Acc = std::conditional_t<isIntStorage<T>, uint64_t, double>;
  // Loop labels: output labels, then contracted ones.
  std::string all = outLabels;
  for (const std::string &l : labels)
    for (char c : l)
      if (all.find(c) == std::string::npos)
        all += c;
  const size_t numOut = outLabels.size(), numAll = all.size();
  std::vector<int64_t> sizes(numAll);
  for (size_t i = 0; i < numAll; ++i)
    sizes[i] = info.size.at(all[i]);
  // strides[input][loop label]
  std::vector<std::vector<int64_t>> strides(inputs.size(),
                                            std::vector<int64_t>(numAll, 0));
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto st = stridesOf(inputs[i]->shape());
    for (size_t d = 0; d < labels[i].size(); ++d)
      if (inputs[i]->dim(d) != 1)
        strides[i][all.find(labels[i][d])] += st[d];
  }
  std::vector<int64_t> idx(numAll, 0);
  T *dst = out.data<T>();
  int64_t contracted = 1;
  for (size_t i = numOut; i < numAll; ++i)
    contracted *= sizes[i];
  for (int64_t o = 0; o < out.numElements(); ++o) {
    int64_t rem = o;
    for (size_t d = numOut; d-- > 0;) {
      idx[d] = rem % sizes[d];
      rem /= sizes[d];
    }
    Acc acc = 0;
    for (int64_t c = 0; c < contracted; ++c) {
      int64_t r = c;
      for (size_t d = numAll; d-- > numOut;) {
        idx[d] = r % sizes[d];
        r /= sizes[d];
      }
      Acc prod = 1;
      for (size_t i = 0; i < inputs.size(); ++i) {
        int64_t off = 0;
        for (size_t d = 0; d < numAll; ++d)
          off += idx[d] * strides[i][d];
        if constexpr (std::is_same_v<T, bool>)
          prod = prod && inputs[i]->data<T>()[off];
        else
          prod *= static_cast<Acc>(loadElem(inputs[i]->data<T>()[off]));
      }
      acc += prod;
    }
    if constexpr (isIntStorage<T> || std::is_same_v<T, bool>)
      dst[o] = static_cast<T>(acc);
    else
      dst[o] = storeElem<T>(static_cast<ComputeType<T>>(acc));
  }
}

} // namespace

Status einsum(const std::vector<const HostTensor *> &inputs,
              const std::vector<std::string> &labels,
              const std::string &outLabels, HostTensor &out,
              ThreadPool *pool) {
  if (inputs.empty() || inputs.size() != labels.size())
    return Status::error("einsum needs one label string per input");
  LabelInfo info;
  for (size_t i = 0; i < inputs.size(); ++i) {
    NPU_RETURN_IF_ERROR(expectSameDType(*inputs[0], *inputs[i], "einsum"));
    if (labels[i].size() != size_t(inputs[i]->rank()))
      return Status::error("einsum labels '" + labels[i] + "' do not match " +
                           "rank " + std::to_string(inputs[i]->rank()));
    for (size_t d = 0; d < labels[i].size(); ++d) {
      int64_t s = inputs[i]->dim(d);
      auto [it, inserted] = info.size.insert({labels[i][d], s});
      if (!inserted && it->second != s) {
        if (it->second == 1)
          it->second = s;
        else if (s != 1)
          return Status::error(std::string("einsum label '") + labels[i][d] +
                               "' has sizes " + std::to_string(it->second) +
                               " and " + std::to_string(s));
      }
    }
  }
  std::vector<int64_t> shape;
  for (char c : outLabels) {
    auto it = info.size.find(c);
    if (it == info.size.end())
      return Status::error(std::string("einsum output label '") + c +
                           "' is not an input label");
    shape.push_back(it->second);
  }
  NPU_RETURN_IF_ERROR(expectShape(out, shape, "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(*inputs[0], out, "einsum"));
  if (out.numElements() == 0)
    return Status::success();
  if (tryGemmPath(inputs, labels, outLabels, info, out, pool))
    return Status::success();
  dispatchDType(out.dtype(), [&](auto tag) {
    directEinsum<decltype(tag)>(inputs, labels, outLabels, info, out);
  });
  return Status::success();
}

} // namespace npu::kernels
