//===- Quantize.cpp - Linear quantization and dequantization --------------===//

#include "npu/Kernels/Quantize.h"

#include "KernelSupport.h"
#include "npu/Kernels/ElementTypes.h"

#include <cmath>
#include <limits>
#include <type_traits>

namespace npu::kernels {

namespace {

/// Number of scale values and the (outer, channels, inner) split of x.
Status quantGeometry(const HostTensor &x, const HostTensor &scale,
                     const HostTensor &zeroPoint, int64_t axis, int64_t &outer,
                     int64_t &channels, int64_t &inner) {
  const int64_t n = scale.numElements();
  if (zeroPoint.numElements() != n)
    return Status::error("scale and zero point sizes differ");
  outer = 1;
  channels = 1;
  inner = x.numElements();
  if (n == 1 && scale.rank() <= 1)
    return Status::success();
  if (scale.rank() != 1 || axis < 0 || axis >= x.rank() || x.dim(axis) != n)
    return Status::error("per-axis scale of " + std::to_string(n) +
                         " values does not match dimension " +
                         std::to_string(axis) + " of " + shapeStr(x.shape()));
  channels = n;
  inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= x.dim(d);
  for (int64_t d = axis + 1; d < x.rank(); ++d)
    inner *= x.dim(d);
  return Status::success();
}

} // namespace

Status quantizeLinear(const HostTensor &x, const HostTensor &scale,
                      const HostTensor &zeroPoint, int64_t axis, HostTensor &y,
                      ThreadPool *pool) {
  NPU_RETURN_IF_ERROR(expectShape(y, x.shape(), "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(y, zeroPoint, "quantize_linear"));
  if (!isFloat(x.dtype()) || !isFloat(scale.dtype()))
    return Status::error("quantize_linear needs float input and scale");
  if (isFloat(y.dtype()) || y.dtype() == DType::Bool)
    return Status::error("quantize_linear produces integers");
  int64_t outer, channels, inner;
  NPU_RETURN_IF_ERROR(
      quantGeometry(x, scale, zeroPoint, axis, outer, channels, inner));
  dispatchDType(x.dtype(), [&](auto xt) {
    using TX = decltype(xt);
    dispatchDType(y.dtype(), [&](auto yt) {
      using TY = decltype(yt);
      if constexpr (isFloatStorage<TX> && isIntStorage<TY>) {
        const TX *src = x.data<TX>();
        TY *dst = y.data<TY>();
        const double lo =
            static_cast<double>(std::numeric_limits<TY>::lowest());
        const double hi = static_cast<double>(std::numeric_limits<TY>::max());
        parallelFor(pool, outer * channels, [&](int64_t t) {
          const int64_t c = t % channels;
          using CX = ComputeType<TX>; // float, or double for f64
          const CX s = static_cast<CX>(scale.getAsDouble(c));
          const double zp = static_cast<double>(zeroPoint.getAsInt(c));
          for (int64_t i = 0; i < inner; ++i) {
            CX v = loadElem(src[t * inner + i]) / s;
            double q = static_cast<double>(std::nearbyint(v)) + zp;
            if (q != q)
              q = zp;
            dst[t * inner + i] = static_cast<TY>(std::min(std::max(q, lo), hi));
          }
        });
      }
    });
  });
  return Status::success();
}

Status dequantizeLinear(const HostTensor &x, const HostTensor &scale,
                        const HostTensor &zeroPoint, int64_t axis,
                        HostTensor &y, ThreadPool *pool) {
  NPU_RETURN_IF_ERROR(expectShape(y, x.shape(), "output"));
  NPU_RETURN_IF_ERROR(expectSameDType(y, scale, "dequantize_linear"));
  NPU_RETURN_IF_ERROR(expectSameDType(x, zeroPoint, "dequantize_linear"));
  if (!isFloat(y.dtype()) || isFloat(x.dtype()) || x.dtype() == DType::Bool)
    return Status::error("dequantize_linear maps integers to floats");
  int64_t outer, channels, inner;
  NPU_RETURN_IF_ERROR(
      quantGeometry(x, scale, zeroPoint, axis, outer, channels, inner));
  dispatchDType(x.dtype(), [&](auto xt) {
    using TX = decltype(xt);
    if constexpr (isIntStorage<TX>)
      dispatchDType(y.dtype(), [&](auto yt) {
        using TY = decltype(yt);
        if constexpr (isFloatStorage<TY>) {
          const TX *src = x.data<TX>();
          TY *dst = y.data<TY>();
          parallelFor(pool, outer * channels, [&](int64_t t) {
            const int64_t c = t % channels;
            using CY = ComputeType<TY>; // float, or double for f64
            const CY s = static_cast<CY>(scale.getAsDouble(c));
            const int64_t zp = zeroPoint.getAsInt(c);
            for (int64_t i = 0; i < inner; ++i) {
              int64_t q = static_cast<int64_t>(src[t * inner + i]) - zp;
              dst[t * inner + i] = storeElem<TY>(static_cast<CY>(q) * s);
            }
          });
        }
      });
  });
  return Status::success();
}

} // namespace npu::kernels
