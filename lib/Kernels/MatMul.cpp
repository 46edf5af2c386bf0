//===- MatMul.cpp - NumPy matmul and ONNX Gemm on tensors -----------------===//

#include "npu/Kernels/MatMul.h"

#include "ExactInt32.h"
#include "KernelSupport.h"
#include "npu/Kernels/DataMovement.h"
#include "npu/Kernels/ElementTypes.h"
#include "npu/Kernels/Elementwise.h"
#include "npu/Kernels/Gemm.h"
#include "npu/Kernels/Scalar.h"

#include <cmath>
#include <cstring>
#include <type_traits>

namespace npu::kernels {

Status matmulShape(const std::vector<int64_t> &a, const std::vector<int64_t> &b,
                   std::vector<int64_t> &out) {
  if (a.empty() || b.empty())
    return Status::error("matmul operands must have rank >= 1");
  std::vector<int64_t> sa = a, sb = b;
  if (sa.size() == 1)
    sa.insert(sa.begin(), 1);
  if (sb.size() == 1)
    sb.push_back(1);
  if (sa.back() != sb[sb.size() - 2])
    return Status::error("matmul contracting dimensions differ: " +
                         shapeStr(a) + " x " + shapeStr(b));
  std::vector<int64_t> ba(sa.begin(), sa.end() - 2),
      bb(sb.begin(), sb.end() - 2);
  if (!broadcastShape(ba, bb, out))
    return Status::error("matmul batch dimensions do not broadcast: " +
                         shapeStr(a) + " x " + shapeStr(b));
  if (a.size() > 1)
    out.push_back(sa[sa.size() - 2]);
  if (b.size() > 1)
    out.push_back(sb.back());
  return Status::success();
}

namespace {

/// c[m x n] (+)= a[m x k] * b[k x n] for a generic element type, row-major
/// with the given leading dimensions.
template <typename T>
void naiveMatmul(const T *a, int64_t lda, bool ta, const T *b, int64_t ldb,
                 bool tb, T *c, int64_t m, int64_t n, int64_t k, double alpha,
                 const std::vector<double> *addend) {
  using Acc = std::conditional_t<isIntStorage<T>, uint64_t, double>;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      Acc acc = 0;
      for (int64_t p = 0; p < k; ++p) {
        T x = ta ? a[p * lda + i] : a[i * lda + p];
        T y = tb ? b[j * ldb + p] : b[p * ldb + j];
        if constexpr (std::is_same_v<T, bool>)
          acc = acc || (x && y);
        else
          acc += static_cast<Acc>(loadElem(x)) * static_cast<Acc>(loadElem(y));
      }
      if constexpr (isIntStorage<T> || std::is_same_v<T, bool>) {
        c[i * n + j] = static_cast<T>(acc);
      } else {
        double v = alpha * static_cast<double>(acc);
        if (addend)
          v += (*addend)[i * n + j];
        c[i * n + j] = storeElem<T>(static_cast<ComputeType<T>>(v));
      }
    }
}

/// c (m x n, int32) = op(a) * op(b) from the float copies of int32
/// matrices, in exact K blocks of `blockDepth` (ExactInt32.h).
void exactInt32Product(bool ta, bool tb, int64_t m, int64_t n, int64_t k,
                       const float *a, int64_t lda, const float *b, int64_t ldb,
                       int64_t blockDepth, int32_t *c, ThreadPool *pool) {
  PackedLhs packed(a, lda, ta, m, k, 1.0f, activeSimdLevel(), blockDepth);
  gemmPackedInt32(packed, MatrixRhs(b, ldb, tb), n, c, n, nullptr, nullptr,
                  pool);
}

/// out = alpha * out + beta * c for an integer Gemm: exact, wrapping, when
/// alpha and beta are integers (usually 1); otherwise in double, truncated
/// and saturated.
template <typename T>
void scaleIntGemm(T *out, const T *c, int64_t n, float alpha, float beta) {
  using U = std::make_unsigned_t<T>;
  auto integral = [](float v) {
    return std::trunc(v) == v && std::fabs(v) < 9.2e18f;
  };
  if (integral(alpha) && integral(beta)) {
    const U a = static_cast<U>(static_cast<int64_t>(alpha));
    const U b = static_cast<U>(static_cast<int64_t>(beta));
    for (int64_t i = 0; i < n; ++i)
      out[i] = static_cast<T>(static_cast<U>(
          static_cast<U>(out[i]) * a + (c ? static_cast<U>(c[i]) * b : U(0))));
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    double v = static_cast<double>(alpha) * static_cast<double>(out[i]);
    if (c)
      v += static_cast<double>(beta) * static_cast<double>(c[i]);
    out[i] = Scalar(v).as<T>();
  }
}

} // namespace

Status matmul(const HostTensor &a, const HostTensor &b, HostTensor &out,
              ThreadPool *pool) {
  std::vector<int64_t> shape;
  NPU_RETURN_IF_ERROR(matmulShape(a.shape(), b.shape(), shape));
  NPU_RETURN_IF_ERROR(expectShape(out, shape, "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(a, b, "matmul"));
  NPU_RETURN_IF_ERROR(expectSameDType(a, out, "matmul"));
  if (out.numElements() == 0)
    return Status::success();
  std::vector<int64_t> sa = a.shape(), sb = b.shape();
  if (sa.size() == 1)
    sa.insert(sa.begin(), 1);
  if (sb.size() == 1)
    sb.push_back(1);
  const int64_t m = sa[sa.size() - 2], k = sa.back(), n = sb.back();
  std::vector<int64_t> ba(sa.begin(), sa.end() - 2),
      bb(sb.begin(), sb.end() - 2);
  std::vector<int64_t> batch;
  (void)broadcastShape(ba, bb, batch);
  int64_t numBatch = 1;
  for (int64_t d : batch)
    numBatch *= d;
  // Offset of each batch's matrix in a and b (broadcast batches repeat).
  auto offsets = [&](const std::vector<int64_t> &bs, int64_t matSize) {
    std::vector<int64_t> off(numBatch);
    auto st = stridesOf(bs);
    for (int64_t i = 0; i < numBatch; ++i) {
      int64_t rem = i, o = 0;
      for (size_t d = batch.size(); d-- > 0;) {
        int64_t idx = rem % batch[d];
        rem /= batch[d];
        size_t bd = d + bs.size() - batch.size();
        if (d >= batch.size() - bs.size() && bs[bd] != 1)
          o += idx * st[bd];
      }
      off[i] = o * matSize;
    }
    return off;
  };
  auto offA = offsets(ba, m * k), offB = offsets(bb, k * n);
  if (a.dtype() == DType::F32) {
    const float *ad = a.data<float>(), *bd = b.data<float>();
    float *od = out.data<float>();
    for (int64_t i = 0; i < numBatch; ++i)
      sgemm(false, false, m, n, k, 1.0f, ad + offA[i], k, bd + offB[i], n, 0.0f,
            od + i * m * n, n, pool);
    return Status::success();
  }
  ExactInt32Operands exact;
  if (prepareExactInt32(a, b, pool, exact)) {
    const float *ad = exact.a, *bd = exact.b;
    for (int64_t i = 0; i < numBatch; ++i)
      exactInt32Product(false, false, m, n, k, ad + offA[i], k, bd + offB[i], n,
                        exact.blockDepth, out.data<int32_t>() + i * m * n,
                        pool);
    return Status::success();
  }
  dispatchDType(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < numBatch; ++i)
      naiveMatmul<T>(a.data<T>() + offA[i], k, false, b.data<T>() + offB[i], n,
                     false, out.data<T>() + i * m * n, m, n, k, 1.0, nullptr);
  });
  return Status::success();
}

Status gemm(const HostTensor &a, const HostTensor &b, const HostTensor *c,
            float alpha, float beta, bool transA, bool transB, HostTensor &out,
            ThreadPool *pool) {
  if (a.rank() != 2 || b.rank() != 2)
    return Status::error("gemm operands must be matrices");
  const int64_t m = transA ? a.dim(1) : a.dim(0),
                k = transA ? a.dim(0) : a.dim(1);
  const int64_t k2 = transB ? b.dim(1) : b.dim(0),
                n = transB ? b.dim(0) : b.dim(1);
  if (k != k2)
    return Status::error("gemm contracting dimensions differ");
  NPU_RETURN_IF_ERROR(expectShape(out, {m, n}, "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(a, b, "gemm"));
  NPU_RETURN_IF_ERROR(expectSameDType(a, out, "gemm"));
  // beta * C broadcast to the output.
  HostTensor cb;
  if (c && beta != 0.0f) {
    NPU_RETURN_IF_ERROR(expectSameDType(a, *c, "gemm"));
    cb = HostTensor(out.dtype(), {m, n});
    NPU_RETURN_IF_ERROR(expand(*c, cb));
  }
  const bool hasC = cb.numElements() > 0 || (c && beta != 0.0f);
  if (a.dtype() == DType::F32) {
    if (hasC)
      std::memcpy(out.raw(), cb.raw(), cb.byteSize());
    sgemm(transA, transB, m, n, k, alpha, a.data<float>(), a.dim(1),
          b.data<float>(), b.dim(1), hasC ? beta : 0.0f, out.data<float>(), n,
          pool);
    return Status::success();
  }
  std::vector<double> addend;
  if (hasC && isFloat(a.dtype())) {
    addend.resize(m * n);
    for (int64_t i = 0; i < m * n; ++i)
      addend[i] = beta * cb.getAsDouble(i);
  }
  // Integers: the exact product (int32 through the blocked float kernels),
  // then alpha and beta.
  ExactInt32Operands exact;
  if (prepareExactInt32(a, b, pool, exact)) {
    exactInt32Product(transA, transB, m, n, k, exact.a, a.dim(1), exact.b,
                      b.dim(1), exact.blockDepth, out.data<int32_t>(), pool);
    scaleIntGemm(out.data<int32_t>(), hasC ? cb.data<int32_t>() : nullptr,
                 m * n, alpha, beta);
    return Status::success();
  }
  dispatchDType(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (isIntStorage<T>) {
      naiveMatmul<T>(a.data<T>(), a.dim(1), transA, b.data<T>(), b.dim(1),
                     transB, out.data<T>(), m, n, k, 1.0, nullptr);
      scaleIntGemm(out.data<T>(), hasC ? cb.data<T>() : nullptr, m * n, alpha,
                   beta);
    } else {
      naiveMatmul<T>(a.data<T>(), a.dim(1), transA, b.data<T>(), b.dim(1),
                     transB, out.data<T>(), m, n, k, alpha,
                     hasC ? &addend : nullptr);
    }
  });
  return Status::success();
}

} // namespace npu::kernels
