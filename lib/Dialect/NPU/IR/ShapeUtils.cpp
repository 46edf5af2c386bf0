//===- ShapeUtils.cpp - Shape arithmetic of npu ops -----------------------===//

#include "npu/Dialect/NPU/IR/ShapeUtils.h"

#include "llvm/Support/CheckedArithmetic.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <map>

namespace npu {

std::optional<Shape> broadcastShapes(llvm::ArrayRef<int64_t> a,
                                     llvm::ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == db || db == 1)
      out[i] = da;
    else if (da == 1)
      out[i] = db;
    else
      return std::nullopt;
  }
  return out;
}

bool broadcastsTo(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> to) {
  if (from.size() > to.size())
    return false;
  size_t off = to.size() - from.size();
  for (size_t i = 0; i < from.size(); ++i)
    if (from[i] != 1 && from[i] != to[off + i])
      return false;
  return true;
}

int64_t slidingOutputSize(int64_t in, int64_t kernel, int64_t stride,
                          int64_t dilation, int64_t padBegin, int64_t padEnd,
                          bool ceilMode) {
  // Attributes come from users: every step is overflow-checked, and an
  // overflow is a window that does not fit.
  auto effective = llvm::checkedMulAdd<int64_t>(kernel - 1, dilation, 1);
  auto padded = llvm::checkedAdd<int64_t>(in, padBegin);
  if (padded)
    padded = llvm::checkedAdd<int64_t>(*padded, padEnd);
  if (!effective || !padded || kernel < 1 || stride <= 0)
    return 0;
  auto span = llvm::checkedSub<int64_t>(*padded, *effective);
  if (!span || *span < 0)
    return 0;
  int64_t out =
      (ceilMode ? *span / stride + (*span % stride != 0) : *span / stride) + 1;
  // With ceil_mode, the last window must start inside the input or its
  // begin padding (PyTorch and ONNX agree on this rule).
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

int64_t convTransposeOutputSize(int64_t in, int64_t kernel, int64_t stride,
                                int64_t dilation, int64_t padBegin,
                                int64_t padEnd, int64_t outputPadding) {
  auto grown = llvm::checkedMul<int64_t>(stride, in - 1);
  auto effective = llvm::checkedMulAdd<int64_t>(kernel - 1, dilation, 1);
  std::optional<int64_t> out;
  if (grown && effective)
    out = llvm::checkedAdd<int64_t>(*grown, *effective);
  if (out)
    out = llvm::checkedAdd<int64_t>(*out, outputPadding);
  if (out)
    out = llvm::checkedSub<int64_t>(*out, padBegin);
  if (out)
    out = llvm::checkedSub<int64_t>(*out, padEnd);
  return out ? *out : 0;
}

std::optional<Shape> matmulShape(llvm::ArrayRef<int64_t> a,
                                 llvm::ArrayRef<int64_t> b,
                                 std::string &error) {
  if (a.empty() || b.empty()) {
    error = "matmul operands must have rank >= 1";
    return std::nullopt;
  }
  Shape sa(a.begin(), a.end()), sb(b.begin(), b.end());
  bool promoteA = sa.size() == 1, promoteB = sb.size() == 1;
  if (promoteA)
    sa.insert(sa.begin(), 1);
  if (promoteB)
    sb.push_back(1);
  int64_t k = sa.back(), k2 = sb[sb.size() - 2];
  if (k != k2) {
    error = "contracting dimensions differ: " + std::to_string(k) + " vs " +
            std::to_string(k2);
    return std::nullopt;
  }
  auto batch = broadcastShapes(llvm::ArrayRef(sa).drop_back(2),
                               llvm::ArrayRef(sb).drop_back(2));
  if (!batch) {
    error = "batch dimensions do not broadcast";
    return std::nullopt;
  }
  Shape out = *batch;
  if (!promoteA)
    out.push_back(sa[sa.size() - 2]);
  if (!promoteB)
    out.push_back(sb.back());
  return out;
}

Shape reducedShape(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> axes,
                   bool keepdims) {
  Shape out;
  for (size_t i = 0; i < in.size(); ++i) {
    bool reduced = llvm::is_contained(axes, static_cast<int64_t>(i));
    if (!reduced)
      out.push_back(in[i]);
    else if (keepdims)
      out.push_back(1);
  }
  return out;
}

std::pair<int64_t, int64_t> shapeOpRange(int64_t rank, int64_t start,
                                         std::optional<int64_t> end) {
  auto clampIdx = [rank](int64_t i) {
    if (i < 0)
      i += rank;
    return std::clamp<int64_t>(i, 0, rank);
  };
  int64_t first = clampIdx(start);
  int64_t last = end ? clampIdx(*end) : rank;
  return {first, std::max(first, last)};
}

std::optional<EinsumSpec> parseEinsum(llvm::StringRef equation,
                                      size_t numInputs, std::string &error) {
  std::string eq;
  for (char c : equation)
    if (c != ' ')
      eq.push_back(c);
  // Replace "..." by a single '.' marker.
  for (size_t p; (p = eq.find("...")) != std::string::npos;)
    eq.replace(p, 3, ".");
  EinsumSpec spec;
  llvm::StringRef lhs = eq, rhs;
  bool explicitOut = false;
  if (size_t arrow = lhs.find("->"); arrow != llvm::StringRef::npos) {
    rhs = lhs.substr(arrow + 2);
    lhs = lhs.substr(0, arrow);
    explicitOut = true;
  }
  llvm::SmallVector<llvm::StringRef> parts;
  lhs.split(parts, ',');
  if (parts.size() != numInputs) {
    error = "equation names " + std::to_string(parts.size()) +
            " inputs but the op has " + std::to_string(numInputs);
    return std::nullopt;
  }
  for (llvm::StringRef p : parts) {
    for (char c : p)
      if (!(std::isalpha(static_cast<unsigned char>(c)) || c == '.')) {
        error = std::string("invalid label '") + c + "' in equation";
        return std::nullopt;
      }
    if (p.count('.') > 1) {
      error = "more than one ellipsis in the term '" + p.str() + "'";
      return std::nullopt;
    }
    spec.inputs.push_back(p.str());
  }
  if (explicitOut) {
    spec.output = rhs.str();
    for (size_t i = 0; i < spec.output.size(); ++i) {
      char c = spec.output[i];
      if (!(std::isalpha(static_cast<unsigned char>(c)) || c == '.')) {
        error = std::string("invalid output label '") + c + "' in equation";
        return std::nullopt;
      }
      if (spec.output.find(c, i + 1) != std::string::npos) {
        error = c == '.' ? std::string("more than one ellipsis in the output")
                         : std::string("output label '") + c +
                               "' appears more than once";
        return std::nullopt;
      }
    }
  } else {
    // Implicit output: the ellipsis, then labels seen once, alphabetically.
    std::map<char, int> count;
    bool ellipsis = false;
    for (auto &in : spec.inputs)
      for (char c : in) {
        if (c == '.')
          ellipsis = true;
        else
          ++count[c];
      }
    if (ellipsis)
      spec.output.push_back('.');
    for (auto [c, n] : count)
      if (n == 1)
        spec.output.push_back(c);
  }
  return spec;
}

std::optional<Shape> einsumShape(EinsumSpec &spec,
                                 llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes,
                                 std::string &error) {
  // Ellipsis dimensions get labels from a private range ('0' + i), so the
  // rest of the code treats them as ordinary labels.
  size_t ellipsisRank = 0;
  for (size_t i = 0; i < spec.inputs.size(); ++i) {
    const std::string &in = spec.inputs[i];
    size_t named = in.size() - (in.find('.') != std::string::npos ? 1 : 0);
    if (in.find('.') == std::string::npos && named != shapes[i].size()) {
      error = "input " + std::to_string(i) + " has rank " +
              std::to_string(shapes[i].size()) + " but the equation names " +
              std::to_string(named) + " dimensions";
      return std::nullopt;
    }
    if (in.find('.') != std::string::npos) {
      if (shapes[i].size() < named) {
        error = "input " + std::to_string(i) + " has too few dimensions";
        return std::nullopt;
      }
      ellipsisRank = std::max(ellipsisRank, shapes[i].size() - named);
    }
  }
  auto expand = [&](std::string &s, size_t rank) {
    size_t p = s.find('.');
    if (p == std::string::npos)
      return;
    std::string labels;
    for (size_t j = ellipsisRank - rank; j < ellipsisRank; ++j)
      labels.push_back(static_cast<char>('0' + j));
    s.replace(p, 1, labels);
  };
  std::map<char, int64_t> sizes;
  for (size_t i = 0; i < spec.inputs.size(); ++i) {
    std::string &in = spec.inputs[i];
    size_t named = in.size() - (in.find('.') != std::string::npos ? 1 : 0);
    expand(in, shapes[i].size() - named);
    for (size_t d = 0; d < in.size(); ++d) {
      char c = in[d];
      int64_t n = shapes[i][d];
      auto it = sizes.find(c);
      if (it == sizes.end() || it->second == 1) {
        sizes[c] = n;
      } else if (n != 1 && it->second != n) {
        error = std::string("label '") + c + "' has sizes " +
                std::to_string(it->second) + " and " + std::to_string(n);
        return std::nullopt;
      }
    }
  }
  expand(spec.output, ellipsisRank);
  Shape out;
  for (char c : spec.output) {
    auto it = sizes.find(c);
    if (it == sizes.end()) {
      error = std::string("output label '") + c + "' is not an input label";
      return std::nullopt;
    }
    out.push_back(it->second);
  }
  return out;
}

} // namespace npu
