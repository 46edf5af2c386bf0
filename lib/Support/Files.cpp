//===- Files.cpp - Small helpers the command-line tools share -------------===//

#include "npu/Support/Files.h"

#include <filesystem>

namespace npu {

bool splitNameValue(const std::string &spec, std::string &name,
                    std::string &value) {
  size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0)
    return false;
  name = spec.substr(0, eq);
  value = spec.substr(eq + 1);
  return true;
}

bool isSameFile(const std::string &a, const std::string &b) {
  std::error_code ec;
  bool same = std::filesystem::equivalent(a, b, ec);
  return !ec && same;
}

} // namespace npu
