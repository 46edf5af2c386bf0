//===- NameList.h - Names in comma-separated option lists -------*- C++ -*-===//
//
// Options such as --fp16-layers and --expose-tensors take comma-separated
// lists of tensor names (ONNX node names); a comma or backslash inside a
// name is written with a backslash before it ("conv\,2"). Messages listing
// names write them so, to be copied back into the option. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_SUPPORT_NAMELIST_H
#define NPU_SUPPORT_NAMELIST_H

#include <string>
#include <string_view>

namespace npu {

/// `name` as an item of a comma-separated name list: each ',' and '\'
/// preceded by '\'.
inline std::string escapeListName(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ',' || c == '\\')
      out += '\\';
    out += c;
  }
  return out;
}

/// Whether `name` names one of the ONNX nodes of `key`, the name of sibling
/// MatMuls fused into one (npu-fuse-sibling-matmuls): "q (with k, v)",
/// perhaps with a suffix a later pass added to the first ("q (scaled)
/// (with k, v)"): "q", "q (scaled)", "k" and "v" are its nodes.
inline bool namesFusedSibling(std::string_view key, std::string_view name) {
  constexpr std::string_view kWith = " (with ";
  size_t with = key.rfind(kWith);
  if (with == std::string_view::npos || key.empty() || key.back() != ')')
    return false;
  std::string_view first = key.substr(0, with);
  for (;;) {
    if (name == first)
      return true;
    size_t open = first.rfind(" (");
    if (open == std::string_view::npos || first.back() != ')')
      break;
    first = first.substr(0, open);
  }
  std::string_view rest =
      key.substr(with + kWith.size(), key.size() - with - kWith.size() - 1);
  while (!rest.empty()) {
    size_t comma = rest.find(", ");
    if (rest.substr(0, comma) == name)
      return true;
    if (comma == std::string_view::npos)
      break;
    rest = rest.substr(comma + 2);
  }
  return false;
}

} // namespace npu

#endif // NPU_SUPPORT_NAMELIST_H
