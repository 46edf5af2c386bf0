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

} // namespace npu

#endif // NPU_SUPPORT_NAMELIST_H
