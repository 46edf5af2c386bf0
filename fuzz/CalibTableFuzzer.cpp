//===- CalibTableFuzzer.cpp - libFuzzer target for calibration tables -----===//
//
// Parses arbitrary text as a calibration table. A table the parser accepts
// must print and parse again to the same table (keys, header fields and
// the floats bit for bit); a rejected one must say why.
//
//===----------------------------------------------------------------------===//

#include "npu/Calibration/Table.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace npu::calib;

namespace {

bool sameFloat(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool sameTable(const CalibrationTable &a, const CalibrationTable &b) {
  if (a.version != b.version || a.model != b.model || a.method != b.method ||
      a.samples != b.samples || a.entries.size() != b.entries.size())
    return false;
  for (size_t i = 0; i < a.entries.size(); ++i) {
    const TableEntry &x = a.entries[i], &y = b.entries[i];
    if (x.key != y.key || x.method != y.method || !sameFloat(x.min, y.min) ||
        !sameFloat(x.max, y.max) || !sameFloat(x.lo, y.lo) ||
        !sameFloat(x.hi, y.hi))
      return false;
  }
  return true;
}

[[noreturn]] void fail(const char *what, const std::string &detail) {
  std::fprintf(stderr, "calib-table fuzzer: %s\n%s\n", what, detail.c_str());
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  CalibrationTable table;
  std::string error;
  if (!parseTable(text, "fuzz.calib", table, error)) {
    if (error.empty())
      fail("rejected without an error", text);
    return 0;
  }
  std::string printed = printTable(table);
  CalibrationTable back;
  if (!parseTable(printed, "printed.calib", back, error))
    fail("the printed table does not parse", error + "\n" + printed);
  if (!sameTable(table, back))
    fail("the printed table parses to another table", printed);
  return 0;
}
