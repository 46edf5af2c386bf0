//===- Table.h - The calibration table, as editable text --------*- C++ -*-===//
//
// The result of calibration in an editable text form, so that ranges can be
// inspected, versioned, tuned by hand and reused without running the model
// again (docs/calibration.md describes the format):
//
//   # comment
//   @version 1
//   @model "det.mlir"
//   @method percentile 99.99
//   @samples 8 generated
//   # key  observed-min  observed-max  lo  hi  method
//   x      -4.21   4.03   -3.87   3.91   percentile
//   conv_0 -1.5    2.25   -1.5    2.25   minmax
//   @channels conv_0  -1.5 0.25  -0.75 2.25
//   @rounding conv_1  17:+1 40:-1
//
// Keys that are empty or contain whitespace, '"', '\', or start with '#'
// or '@' are written in double quotes with '\' escapes. Numbers are written
// with %.9g, so that floats read back bit for bit. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_CALIBRATION_TABLE_H
#define NPU_CALIBRATION_TABLE_H

#include <string>
#include <vector>

namespace npu::calib {

/// The table format version this code reads and writes.
constexpr int kTableVersion = 1;

struct TableEntry {
  std::string key;
  float min = 0; ///< observed minimum (finite values)
  float max = 0; ///< observed maximum
  float lo = 0;  ///< chosen range
  float hi = 0;
  /// How lo/hi were chosen: "minmax", "percentile", "entropy", "mse" (for
  /// the auto method, the one it chose) or "manual" (a range edited by
  /// hand).
  std::string method;
  /// Line in the file it was read from (0 when built in memory).
  int line = 0;
};

/// The observed minimum and maximum of each channel (dimension 1) of a
/// tensor that calibration measures per channel (read only by depthwise
/// convolutions: channel equalization uses them, docs/calibration.md).
struct ChannelEntry {
  std::string key;
  /// lo0, hi0, lo1, hi1, ...: two per channel, lo <= hi.
  std::vector<float> ranges;
  /// Line in the file it was read from (0 when built in memory).
  int line = 0;
};

/// The int8 weight levels of a convolution that data-aware rounding (GPTQ,
/// npu/Calibration/WeightRounding.h) chose where they differ from nearest
/// rounding: (index into the weights flattened as [O, C/group * kh * kw],
/// level - nearest level). The key is the convolution's result tensor.
struct RoundingEntry {
  std::string key;
  std::vector<std::pair<int64_t, int32_t>> deltas; ///< ascending index
  /// Line in the file it was read from (0 when built in memory).
  int line = 0;
};

struct CalibrationTable {
  int version = kTableVersion;
  std::string model;   ///< the model (or IR file) calibrated
  std::string method;  ///< e.g. "percentile 99.99"
  std::string samples; ///< e.g. "8 from data/" or "8 generated"
  /// In the order written (graph order when produced by npu-calibrate).
  std::vector<TableEntry> entries;
  /// `@channels` lines, after the entries; each names an entry's key.
  std::vector<ChannelEntry> channels;
  /// `@rounding` lines, after the channels; each names an entry's key.
  std::vector<RoundingEntry> roundings;

  /// Index of the entry with `key`, or -1.
  int find(const std::string &key) const;
};

/// The methods an entry may name.
bool isKnownEntryMethod(const std::string &method);

/// Serialises a table (entries in their order).
std::string printTable(const CalibrationTable &table);
/// Parses table text; `name` (the file) prefixes errors, which give the line
/// and what is wrong. Returns false with `error` set on the first error.
bool parseTable(const std::string &text, const std::string &name,
                CalibrationTable &table, std::string &error);

bool readTableFile(const std::string &path, CalibrationTable &table,
                   std::string &error);
bool writeTableFile(const std::string &path, const CalibrationTable &table,
                    std::string &error);

} // namespace npu::calib

#endif // NPU_CALIBRATION_TABLE_H
