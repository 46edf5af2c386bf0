//===- DmaViews.cpp - Strided copies as DMA tasks of rank <= 5 ------------===//

#include "npu/Target/Blob/DmaViews.h"

namespace npu::target {

std::vector<uint64_t> denseStrides(const std::vector<uint64_t> &shape,
                                   uint64_t elemBytes) {
  std::vector<uint64_t> s(shape.size(), elemBytes);
  for (size_t i = shape.size(); i-- > 1;)
    s[i - 1] = s[i] * shape[i];
  return s;
}

bool planCopies(const CopyRequest &req, std::vector<CopyPiece> &out,
                std::string &error) {
  // Drop unit dimensions, then merge dimensions contiguous in both views.
  std::vector<uint64_t> shape, src, dst;
  for (size_t i = 0; i < req.shape.size(); ++i) {
    if (req.shape[i] == 0) {
      error = "empty copy";
      return false;
    }
    if (req.shape[i] == 1)
      continue;
    if (!shape.empty() && src.back() == req.srcStrides[i] * req.shape[i] &&
        dst.back() == req.dstStrides[i] * req.shape[i]) {
      shape.back() *= req.shape[i];
      src.back() = req.srcStrides[i];
      dst.back() = req.dstStrides[i];
      continue;
    }
    shape.push_back(req.shape[i]);
    src.push_back(req.srcStrides[i]);
    dst.push_back(req.dstStrides[i]);
  }
  if (shape.empty()) {
    shape = {1};
    src = dst = {req.elemBytes};
  }
  // Split a large copy in two over its outer dimension.
  uint64_t bytes = req.elemBytes;
  for (uint64_t d : shape)
    bytes *= d;
  if (req.splitBytes && bytes >= req.splitBytes && shape.size() < req.maxRank &&
      shape[0] >= 2 && shape[0] % 2 == 0) {
    shape.insert(shape.begin(), 2);
    shape[1] /= 2;
    src.insert(src.begin(), src[0] * shape[1]);
    dst.insert(dst.begin(), dst[0] * shape[1]);
  }
  for (uint64_t d : shape)
    if (d > UINT32_MAX) {
      error = "a copy dimension of " + std::to_string(d) +
              " elements exceeds 32 bits";
      return false;
    }
  size_t outer = shape.size() > req.maxRank ? shape.size() - req.maxRank : 0;
  // A split copy always becomes separate DMAs over its outer dimension.
  if (outer == 0 && req.splitBytes && bytes >= req.splitBytes &&
      shape.size() >= 2 && shape[0] == 2)
    outer = 1;
  uint64_t count = 1;
  for (size_t i = 0; i < outer; ++i)
    count *= shape[i];
  if (count > req.maxPieces) {
    error = "the copy needs " + std::to_string(count) + " DMAs (at most " +
            std::to_string(req.maxPieces) + ")";
    return false;
  }
  std::vector<uint64_t> idx(outer, 0);
  for (uint64_t n = 0; n < count; ++n) {
    CopyPiece p;
    p.srcOffset = req.srcOffset;
    p.dstOffset = req.dstOffset;
    for (size_t i = 0; i < outer; ++i) {
      p.srcOffset += idx[i] * src[i];
      p.dstOffset += idx[i] * dst[i];
    }
    for (size_t i = outer; i < shape.size(); ++i) {
      p.shape.push_back(uint32_t(shape[i]));
      p.srcStrides.push_back(src[i]);
      p.dstStrides.push_back(dst[i]);
    }
    out.push_back(std::move(p));
    for (size_t i = outer; i-- > 0;) {
      if (++idx[i] < shape[i])
        break;
      idx[i] = 0;
    }
  }
  return true;
}

} // namespace npu::target
