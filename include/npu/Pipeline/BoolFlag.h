//===- BoolFlag.h - Strict parsing of the tools' on/off options -*- C++ -*-===//
//
// LLVM's boolean option parser accepts "--flag=" as true and answers
// "--flag=maybe" with "'maybe' is invalid value for boolean argument! Try 0
// or 1". The tools' on/off options take `--flag` (true), `--flag=true` or
// `--flag=false` (and, as LLVM's tools do, 1 and 0), and say so otherwise:
//
//   cl::opt<bool, false, npu::BoolFlagParser> flag("flag", ...);
//
//===----------------------------------------------------------------------===//

#ifndef NPU_PIPELINE_BOOLFLAG_H
#define NPU_PIPELINE_BOOLFLAG_H

#include "llvm/Support/CommandLine.h"

namespace npu {

class BoolFlagParser : public llvm::cl::parser<bool> {
public:
  using llvm::cl::parser<bool>::parser;

  /// True for `--flag` and `--flag=true`, false for `--flag=false`; an
  /// error (returns true) for anything else, including `--flag=`.
  bool parse(llvm::cl::Option &option, llvm::StringRef, llvm::StringRef arg,
             bool &value) {
    if (arg.data() == nullptr || arg == "true" || arg == "1") {
      value = true;
      return false;
    }
    if (arg == "false" || arg == "0") {
      value = false;
      return false;
    }
    return option.error("expected true or false, not '" + arg + "'");
  }
};

} // namespace npu

#endif // NPU_PIPELINE_BOOLFLAG_H
