//===- Table.cpp - The calibration table: ranges per tensor, as text ------===//
//
// Printer and parser of the calibration table format (see Table.h and
// docs/calibration.md). The parser reports the first problem with the
// file name, the line and the field.
//
//===----------------------------------------------------------------------===//

#include "npu/Calibration/Table.h"

#include "npu/Calibration/Observer.h"
#include "npu/Support/Files.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <unordered_map>

namespace npu::calib {

int CalibrationTable::find(const std::string &key) const {
  for (size_t i = 0; i < entries.size(); ++i)
    if (entries[i].key == key)
      return static_cast<int>(i);
  return -1;
}

bool isKnownEntryMethod(const std::string &method) {
  // auto records the method it chose, never itself.
  std::optional<CalibrationMethod> m = parseMethod(method);
  return (m && *m != CalibrationMethod::Auto) || method == "manual";
}

namespace {

bool needsQuotes(const std::string &s) {
  if (s.empty() || s[0] == '#' || s[0] == '@')
    return true;
  return std::any_of(s.begin(), s.end(), [](char c) {
    return c == '"' || c == '\\' || std::isspace(static_cast<unsigned char>(c));
  });
}

std::string quote(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string quoteIfNeeded(const std::string &s) {
  return needsQuotes(s) ? quote(s) : s;
}

std::string formatFloat(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));
  return buf;
}

/// Splits a line into tokens: whitespace separated, double-quoted with '\'
/// escapes, '#' outside quotes starts a comment.
bool tokenize(const std::string &line, std::vector<std::string> &tokens,
              std::string &error) {
  size_t i = 0, n = line.size();
  while (i < n) {
    char c = line[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '#')
      break;
    std::string token;
    if (c == '"') {
      ++i;
      bool closed = false;
      while (i < n) {
        char d = line[i++];
        if (d == '"') {
          closed = true;
          break;
        }
        if (d == '\\' && i < n) {
          char e = line[i++];
          token += e == 'n' ? '\n' : e;
          continue;
        }
        token += d;
      }
      if (!closed) {
        error = "unterminated quoted string";
        return false;
      }
    } else {
      while (i < n && !std::isspace(static_cast<unsigned char>(line[i])))
        token += line[i++];
    }
    tokens.push_back(std::move(token));
  }
  return true;
}

bool parseFloatField(const std::string &text, const char *field, float &out,
                     std::string &error) {
  const char *begin = text.c_str();
  char *end = nullptr;
  errno = 0;
  double v = std::strtod(begin, &end);
  if (text.empty() || end != begin + text.size()) {
    error = std::string("malformed number '") + text + "' for " + field;
    return false;
  }
  if (std::isnan(v)) {
    error = std::string(field) + " is NaN";
    return false;
  }
  // Below FLT_MAX plus half its ulp (2^128 - 2^103) the value rounds to a
  // finite float: FLT_MAX printed with 9 digits, 3.40282347e+38, is above
  // FLT_MAX itself and must parse back (a fuzzer's find).
  if (std::isinf(v) || std::fabs(v) >= 3.4028235677973366e38) {
    error = std::string(field) + " '" + text + "' is not a finite float";
    return false;
  }
  out = static_cast<float>(v);
  return true;
}

/// Why the int8 step of range [lo, hi] (lo <= hi) is not a float, or empty:
/// its width overflows (an int8 scale of infinity), or its step is below
/// the smallest normal float while not zero.
std::string rangeStepError(float lo, float hi) {
  float width = hi - lo;
  if (!std::isfinite(width))
    return "the range is wider than a float holds (hi - lo overflows)";
  if (width > 0 && width / 255 < std::numeric_limits<float>::min())
    return "the range is too narrow for an int8 step (hi - lo below 255 times "
           "the smallest normal float)";
  return "";
}

std::string joinFrom(const std::vector<std::string> &tokens, size_t from) {
  std::string out;
  for (size_t i = from; i < tokens.size(); ++i)
    out += (i > from ? " " : "") + tokens[i];
  return out;
}

/// The text of a free-form header field (@method, @samples): as is when it
/// reads back as itself (words separated by single spaces, no quotes or
/// comments), else as one quoted token, so that what was read is what is
/// written. Unquoted, "a  b" would read back as "a b" and "a # b" as "a".
std::string headerText(const std::string &s) {
  std::vector<std::string> tokens;
  std::string error;
  if (!tokenize(s, tokens, error) || joinFrom(tokens, 0) != s ||
      std::any_of(s.begin(), s.end(),
                  [](char c) { return c == '"' || c == '\\' || c == '\n'; }))
    return quote(s);
  return s;
}

} // namespace

std::string printTable(const CalibrationTable &table) {
  std::ostringstream os;
  os << "# npu-compile calibration table (docs/calibration.md).\n"
        "# One line per float tensor: key, observed min and max, the chosen\n"
        "# range lo..hi (includes 0, hi > lo) and how it was chosen (minmax,\n"
        "# percentile, entropy, mse, or manual after editing by hand).\n";
  os << "@version " << table.version << "\n";
  if (!table.model.empty())
    os << "@model " << quoteIfNeeded(table.model) << "\n";
  if (!table.method.empty())
    os << "@method " << headerText(table.method) << "\n";
  if (!table.samples.empty())
    os << "@samples " << headerText(table.samples) << "\n";

  std::vector<std::string> keys;
  size_t width = 3;
  for (const TableEntry &e : table.entries) {
    keys.push_back(quoteIfNeeded(e.key));
    width = std::max(width, keys.back().size());
  }
  auto pad = [](std::string s, size_t w) {
    if (s.size() < w)
      s.append(w - s.size(), ' ');
    return s;
  };
  os << pad("# key", width) << "  " << pad("min", 15) << " " << pad("max", 15)
     << " " << pad("lo", 15) << " " << pad("hi", 15) << " method\n";
  for (size_t i = 0; i < table.entries.size(); ++i) {
    const TableEntry &e = table.entries[i];
    os << pad(keys[i], width) << "  " << pad(formatFloat(e.min), 15) << " "
       << pad(formatFloat(e.max), 15) << " " << pad(formatFloat(e.lo), 15)
       << " " << pad(formatFloat(e.hi), 15) << " " << e.method << "\n";
  }
  if (!table.channels.empty())
    os << "# Per channel (dimension 1): observed min and max of each channel,\n"
          "# for channel equalization before depthwise convolutions.\n";
  for (const ChannelEntry &c : table.channels) {
    os << "@channels " << quoteIfNeeded(c.key);
    for (float v : c.ranges)
      os << " " << formatFloat(v);
    os << "\n";
  }
  if (!table.roundings.empty())
    os << "# Data-aware int8 weight rounding (convolutions, matrix products):\n"
          "# index:delta of each weight whose level differs from nearest.\n";
  for (const RoundingEntry &r : table.roundings) {
    os << "@rounding " << quoteIfNeeded(r.key);
    for (auto [index, delta] : r.deltas)
      os << " " << index << ":" << (delta > 0 ? "+" : "") << delta;
    os << "\n";
  }
  return os.str();
}

bool parseTable(const std::string &text, const std::string &name,
                CalibrationTable &table, std::string &error) {
  table = CalibrationTable();
  table.version = 0;
  std::unordered_map<std::string, int> firstLine;
  // A UTF-8 byte order mark (editors on Windows write one) is not text.
  std::istringstream in(text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? text.substr(3)
                                                                : text);
  std::string line;
  int lineNo = 0;
  auto fail = [&](const std::string &what) {
    error = name + ":" + std::to_string(lineNo) + ": " + what;
    return false;
  };
  // A per-tensor line (@channels, @rounding) names an entry above and is
  // the only one of its kind for that key.
  auto keyedLineFits = [&](const std::string &head, const std::string &key,
                           const auto &lines) {
    if (table.find(key) < 0)
      return fail(head + " '" + key +
                  "' names no entry above (give the tensor's range line "
                  "first)");
    for (const auto &other : lines)
      if (other.key == key)
        return fail("duplicate '" + head + " " + key + "' (first on line " +
                    std::to_string(other.line) + ")");
    return true;
  };
  while (std::getline(in, line)) {
    ++lineNo;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    std::vector<std::string> tokens;
    std::string tokenError;
    if (!tokenize(line, tokens, tokenError))
      return fail(tokenError);
    if (tokens.empty())
      continue;
    const std::string &head = tokens[0];
    bool quotedHead = line.find_first_not_of(" \t") != std::string::npos &&
                      line[line.find_first_not_of(" \t")] == '"';
    if (!quotedHead && head[0] == '@') {
      if (head == "@version") {
        if (table.version != 0)
          return fail("'@version' given twice");
        if (tokens.size() != 2)
          return fail("expected '@version " + std::to_string(kTableVersion) +
                      "'");
        const std::string &v = tokens[1];
        if (v.empty() ||
            v.find_first_not_of("0123456789") != std::string::npos ||
            v.size() > 6)
          return fail("malformed version '" + v + "'");
        table.version = std::atoi(v.c_str());
        if (table.version != kTableVersion)
          return fail("unsupported table version " + v + " (this build reads " +
                      std::to_string(kTableVersion) + ")");
        continue;
      }
      if (table.version == 0)
        return fail("expected '@version " + std::to_string(kTableVersion) +
                    "' before anything else");
      if (head == "@model") {
        if (tokens.size() != 2)
          return fail("expected '@model FILE' (quote names with spaces)");
        table.model = tokens[1];
      } else if (head == "@method") {
        table.method = joinFrom(tokens, 1);
      } else if (head == "@samples") {
        table.samples = joinFrom(tokens, 1);
      } else if (head == "@channels") {
        if (tokens.size() < 4 || tokens.size() % 2 != 0)
          return fail("expected '@channels KEY lo0 hi0 lo1 hi1 ...' (two "
                      "numbers per channel)");
        ChannelEntry c;
        c.key = tokens[1];
        c.line = lineNo;
        std::string fieldError;
        for (size_t i = 2; i < tokens.size(); ++i) {
          float v = 0;
          if (!parseFloatField(tokens[i], i % 2 == 0 ? "lo" : "hi", v,
                               fieldError))
            return fail(fieldError + " (@channels '" + c.key + "', channel " +
                        std::to_string((i - 2) / 2) + ")");
          c.ranges.push_back(v);
        }
        for (size_t i = 0; i + 1 < c.ranges.size(); i += 2)
          if (c.ranges[i] > c.ranges[i + 1])
            return fail("lo " + tokens[2 + i] + " > hi " + tokens[3 + i] +
                        " (@channels '" + c.key + "', channel " +
                        std::to_string(i / 2) + ")");
          else if (std::string why =
                       rangeStepError(c.ranges[i], c.ranges[i + 1]);
                   !why.empty())
            return fail(why + " (@channels '" + c.key + "', channel " +
                        std::to_string(i / 2) + ")");
        if (!keyedLineFits(head, c.key, table.channels))
          return false;
        table.channels.push_back(std::move(c));
      } else if (head == "@rounding") {
        if (tokens.size() < 2)
          return fail("expected '@rounding KEY INDEX:DELTA ...'");
        RoundingEntry r;
        r.key = tokens[1];
        r.line = lineNo;
        for (size_t i = 2; i < tokens.size(); ++i) {
          const std::string &t = tokens[i];
          size_t colon = t.find(':');
          std::string index = t.substr(0, colon);
          std::string delta =
              colon == std::string::npos ? "" : t.substr(colon + 1);
          std::string digits =
              !delta.empty() && (delta[0] == '+' || delta[0] == '-')
                  ? delta.substr(1)
                  : delta;
          if (index.empty() || index.size() > 12 ||
              index.find_first_not_of("0123456789") != std::string::npos ||
              digits.empty() || digits.size() > 3 ||
              digits.find_first_not_of("0123456789") != std::string::npos)
            return fail("malformed '" + t + "' (@rounding '" + r.key +
                        "': expected INDEX:DELTA, e.g. 17:+1)");
          int64_t at = std::stoll(index);
          int32_t d = std::stoi(delta);
          if (d == 0 || d < -254 || d > 254)
            return fail("delta " + delta + " of '" + t + "' (@rounding '" +
                        r.key + "') is 0 or not in [-254, 254]");
          if (!r.deltas.empty() && at <= r.deltas.back().first)
            return fail("index " + index + " (@rounding '" + r.key +
                        "') is not above the one before it");
          r.deltas.push_back({at, d});
        }
        if (!keyedLineFits(head, r.key, table.roundings))
          return false;
        table.roundings.push_back(std::move(r));
      } else {
        return fail("unknown header '" + head +
                    "' (expected @version, @model, @method, @samples, "
                    "@channels or @rounding)");
      }
      continue;
    }
    if (table.version == 0)
      return fail("expected '@version " + std::to_string(kTableVersion) +
                  "' before the first entry");
    if (tokens.size() != 6)
      return fail("expected 6 fields (key min max lo hi method), found " +
                  std::to_string(tokens.size()));
    TableEntry entry;
    entry.key = tokens[0];
    entry.line = lineNo;
    std::string fieldError;
    if (!parseFloatField(tokens[1], "min", entry.min, fieldError) ||
        !parseFloatField(tokens[2], "max", entry.max, fieldError) ||
        !parseFloatField(tokens[3], "lo", entry.lo, fieldError) ||
        !parseFloatField(tokens[4], "hi", entry.hi, fieldError))
      return fail(fieldError + " (key '" + entry.key + "')");
    if (entry.min > entry.max)
      return fail("min " + tokens[1] + " > max " + tokens[2] + " (key '" +
                  entry.key + "')");
    if (entry.lo > entry.hi)
      return fail("lo " + tokens[3] + " > hi " + tokens[4] + " (key '" +
                  entry.key + "')");
    if (std::string why = rangeStepError(entry.lo, entry.hi); !why.empty())
      return fail(why + " (key '" + entry.key + "')");
    entry.method = tokens[5];
    if (!isKnownEntryMethod(entry.method))
      return fail("unknown method '" + entry.method + "' (key '" + entry.key +
                  "'; expected minmax, percentile, entropy, mse or manual)");
    auto [it, inserted] = firstLine.emplace(entry.key, lineNo);
    if (!inserted)
      return fail("duplicate key '" + entry.key + "' (first on line " +
                  std::to_string(it->second) + ")");
    table.entries.push_back(std::move(entry));
  }
  if (table.version == 0) {
    error = name + ": not a calibration table (no '@version " +
            std::to_string(kTableVersion) + "' line)";
    return false;
  }
  return true;
}

bool readTableFile(const std::string &path, CalibrationTable &table,
                   std::string &error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = "cannot open calibration table '" + path + "': it is a directory";
    return false;
  }
  // A table is a line per tensor: 256 MiB is far beyond any model's (a
  // device or a pipe without end is not read forever).
  std::string text;
  if (!readFileBounded(path, uint64_t(256) << 20, text, error, nullptr,
                       "calibration table"))
    return false;
  return parseTable(text, path, table, error);
}

bool writeTableFile(const std::string &path, const CalibrationTable &table,
                    std::string &error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    error = "cannot write calibration table '" + path +
            "': " + std::strerror(errno);
    return false;
  }
  out << printTable(table);
  out.close();
  if (!out) {
    error = "error writing calibration table '" + path + "'";
    return false;
  }
  return true;
}

} // namespace npu::calib
