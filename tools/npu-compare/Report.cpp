//===- Report.cpp - npu-compare's table, JSON and HTML report -------------===//

#include "Report.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Locale.h"

#include <algorithm>
#include <cmath>

namespace npu::compare {

namespace {

constexpr const char *kColors[kNumPairs] = {"#1f77b4", "#ff7f0e", "#2ca02c"};

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s.empty() ? "scalar" : s;
}

/// A tensor key as the terminal table shows it: control characters (a tab
/// or a newline in an ONNX node name) escaped as \t, \n or \xHH, so that
/// each tensor stays one row; the JSON and HTML keep the name as it is.
std::string terminalName(const std::string &key) {
  std::string s;
  for (unsigned char c : key) {
    if (c == '\t')
      s += "\\t";
    else if (c == '\n')
      s += "\\n";
    else if (c < 0x20 || c == 0x7f)
      s += "\\x" + llvm::utohexstr(c, /*LowerCase=*/true, /*Width=*/2);
    else
      s += char(c);
  }
  return s;
}

/// The terminal columns `text` takes: its UTF-8 characters' display width,
/// or its bytes when it is not valid UTF-8.
size_t displayWidth(const std::string &text) {
  int columns = llvm::sys::locale::columnWidth(text);
  return columns < 0 ? text.size() : size_t(columns);
}

/// `text` padded with spaces to `width` terminal columns (displayWidth),
/// or cut to width - 3 columns and "...".
std::string padded(const std::string &text, size_t width) {
  size_t columns = displayWidth(text);
  if (columns <= width)
    return text + std::string(width - columns, ' ');
  std::string cut;
  for (size_t i = 0; i < text.size();) {
    size_t n = llvm::getNumBytesForUTF8(text[i]);
    std::string next = cut + text.substr(i, n);
    int w = llvm::sys::locale::columnWidth(next);
    if (w < 0 || size_t(w) > width - 3)
      break;
    cut = next;
    i += n;
  }
  return padded(cut + "...", width);
}

std::string number(double v, const char *format) {
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  if (std::isnan(v))
    return "nan";
  return llvm::formatv(format, v).str();
}

std::string toleranceText(const Report &r, Pair pair) {
  switch (pair) {
  case FloatVsOrt:
    return llvm::formatv("cosine >= {0}",
                         llvm::format("%.15g", r.tolerances.floatMinCosine))
        .str();
  case LoweredVsFloat:
    return llvm::formatv("cosine >= {0}",
                         llvm::format("%.15g", r.tolerances.loweredMinCosine))
        .str();
  default:
    return "bit-exact";
  }
}

/// A comparison of a tensor with elements of which none is finite on both
/// sides: its figures measure nothing.
bool noFiniteElements(const TensorRow &row, const TensorMetrics &m) {
  int64_t elements = 1;
  for (int64_t d : row.shape)
    elements *= d;
  return elements > 0 && m.finite == 0;
}

std::string breakText(const Report &r, Pair pair) {
  int i = r.firstBroken[pair];
  if (i < 0)
    return "none";
  const TensorRow &row = r.rows[i];
  const TensorMetrics &m = row.pairs[pair].metrics;
  // Six decimals, or as many as tell a cosine just below 1 from 1.
  std::string cosine =
      m.cosine < 1.0 && m.cosine >= 0.9999995
          ? llvm::formatv("{0}", llvm::format("%.15g", m.cosine)).str()
          : number(m.cosine, "{0:F6}");
  std::string s = terminalName(row.key) + " (#" + std::to_string(i) +
                  ", cosine " + cosine + ", max |error| " +
                  number(m.maxAbs, "{0:E3}");
  if (m.nonFinite)
    s += ", " + std::to_string(m.nonFinite) +
         " NaN or infinite elements that differ";
  bool vacuous = noFiniteElements(row, m);
  if (vacuous)
    s += ", no element finite on both sides";
  s += ")";
  if (pair == DeviceVsLowered)
    s += ": the device differs from the " + r.lowered +
         " interpreter, a compiler or simulator bug";
  else if (vacuous || m.nonFinite)
    s += ": non-finite values (NaN or infinity), not a tolerance: check "
         "the inputs and the first tensor that holds them";
  else if (pair == LoweredVsFloat)
    s += r.lowered == "fp16" ? ": fp16 rounding" : ": quantization loss";
  return s;
}

std::string htmlEscape(llvm::StringRef s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

llvm::json::Value jsonNumber(double v) {
  if (std::isfinite(v))
    return v;
  return number(v, "{0}"); // JSON has no infinities: "inf", "-inf", "nan"
}

} // namespace

std::string pairTitle(const Report &report, Pair pair) {
  switch (pair) {
  case FloatVsOrt:
    return "canonical vs ONNX Runtime";
  case LoweredVsFloat:
    return report.lowered + " vs canonical";
  default:
    return "device vs " + report.lowered;
  }
}

void applyTolerances(Report &report) {
  report.firstBroken = {-1, -1, -1};
  for (size_t i = 0; i < report.rows.size(); ++i)
    for (unsigned p = 0; p < kNumPairs; ++p) {
      Comparison &c = report.rows[i].pairs[p];
      if (!c.present)
        continue;
      const TensorMetrics &m = c.metrics;
      if (p == DeviceVsLowered)
        c.broken = !m.exact;
      else
        c.broken = m.nonFinite > 0 || noFiniteElements(report.rows[i], m) ||
                   !(m.cosine >= (p == FloatVsOrt
                                      ? report.tolerances.floatMinCosine
                                      : report.tolerances.loweredMinCosine));
      if (c.broken && report.firstBroken[p] < 0)
        report.firstBroken[p] = int(i);
    }
}

void printTable(llvm::raw_ostream &os, const Report &r) {
  size_t width = 6;
  for (const TensorRow &row : r.rows)
    width = std::max(width, displayWidth(terminalName(row.key)));
  width = std::min<size_t>(width, 40);
  os << llvm::format("%4s  %-*s %-16s", "#", int(width), "tensor", "shape");
  for (unsigned p = 0; p < kNumPairs; ++p)
    os << " | " << llvm::format("%-33s", pairTitle(r, Pair(p)).c_str());
  os << "\n" << llvm::format("%4s  %-*s %-16s", "", int(width), "", "");
  for (unsigned p = 0; p < kNumPairs; ++p)
    os << " | "
       << llvm::format("%-9s %-6s %-6s %-9s", "cosine", "eucl", "SQNR",
                       "max|err|");
  os << "\n";
  for (size_t i = 0; i < r.rows.size(); ++i) {
    const TensorRow &row = r.rows[i];
    os << llvm::format("%4zu  ", i) << padded(terminalName(row.key), width)
       << llvm::format(" %-16s", shapeText(row.shape).c_str());
    for (unsigned p = 0; p < kNumPairs; ++p) {
      const Comparison &c = row.pairs[p];
      os << " | ";
      if (!c.present) {
        os << llvm::format("%-33s", ("- " + c.note).substr(0, 33).c_str());
        continue;
      }
      const TensorMetrics &m = c.metrics;
      if (noFiniteElements(row, m)) {
        std::string text = m.nonFinite ? std::to_string(m.nonFinite) +
                                             " NaN/Inf differ, none finite"
                                       : "NaN/Inf alike, none finite";
        os << llvm::format("%-32s%s", text.substr(0, 32).c_str(),
                           c.broken ? "!" : " ");
        continue;
      }
      if (m.nonFinite) {
        // The figures cover only the elements finite on both sides.
        std::string text =
            std::to_string(m.nonFinite) +
            " NaN/Inf differ, finite: " + number(m.cosine, "{0:F4}");
        os << llvm::format("%-32s%s", text.substr(0, 32).c_str(),
                           c.broken ? "!" : " ");
        continue;
      }
      os << llvm::format(
          "%-9s %-6s %-6s %-8s%s", number(m.cosine, "{0:F6}").c_str(),
          number(m.euclidean, "{0:F3}").c_str(),
          number(m.sqnrDb, "{0:F1}").c_str(),
          number(m.maxAbs, "{0:E1}").c_str(), c.broken ? "!" : " ");
    }
    os << "\n";
  }
  os << "\n";
  for (unsigned p = 0; p < kNumPairs; ++p) {
    if (p == FloatVsOrt && !r.withOrt)
      continue;
    os << "first tensor breaking " << pairTitle(r, Pair(p)) << " ("
       << toleranceText(r, Pair(p)) << "): " << breakText(r, Pair(p)) << "\n";
  }
}

llvm::json::Value toJson(const Report &r) {
  llvm::json::Array rows;
  for (size_t i = 0; i < r.rows.size(); ++i) {
    const TensorRow &row = r.rows[i];
    llvm::json::Object o{{"index", int64_t(i)},
                         {"tensor", row.key},
                         {"onnx_tensor", row.onnxTensor},
                         {"op", row.op},
                         {"shape", llvm::json::Array(row.shape)}};
    static const char *names[kNumPairs] = {
        "canonical_vs_ort", "lowered_vs_canonical", "device_vs_lowered"};
    for (unsigned p = 0; p < kNumPairs; ++p) {
      const Comparison &c = row.pairs[p];
      if (!c.present) {
        o[names[p]] = llvm::json::Object{{"note", c.note}};
        continue;
      }
      const TensorMetrics &m = c.metrics;
      o[names[p]] = llvm::json::Object{{"cosine", jsonNumber(m.cosine)},
                                       {"euclidean", jsonNumber(m.euclidean)},
                                       {"sqnr_db", jsonNumber(m.sqnrDb)},
                                       {"max_abs", jsonNumber(m.maxAbs)},
                                       {"exact", m.exact},
                                       {"non_finite", m.nonFinite},
                                       {"finite", m.finite},
                                       {"broken", c.broken}};
    }
    rows.push_back(std::move(o));
  }
  auto first = [&](Pair p) -> llvm::json::Value {
    int i = r.firstBroken[p];
    if (i < 0)
      return nullptr;
    return r.rows[i].key;
  };
  llvm::json::Object seconds;
  for (const auto &[step, s] : r.seconds)
    seconds[step] = s;
  return llvm::json::Object{
      {"model", r.model},
      {"target", r.target},
      {"lowered_stage", r.lowered},
      {"ort", r.withOrt},
      {"tolerances",
       llvm::json::Object{
           {"canonical_vs_ort_min_cosine", r.tolerances.floatMinCosine},
           {"lowered_vs_canonical_min_cosine", r.tolerances.loweredMinCosine},
           {"device_vs_lowered", "bit-exact"}}},
      {"first_broken",
       llvm::json::Object{{"canonical_vs_ort", first(FloatVsOrt)},
                          {"lowered_vs_canonical", first(LoweredVsFloat)},
                          {"device_vs_lowered", first(DeviceVsLowered)}}},
      {"seconds", std::move(seconds)},
      {"tensors", std::move(rows)}};
}

void writeHtml(llvm::raw_ostream &os, const Report &r) {
  // The plot: cosine similarity of each comparison along the graph, on a
  // y axis from the lowest cosine shown (rounded down to 0.05, at least 0)
  // to 1.
  const double w = 1000, h = 360, left = 60, right = 20, top = 20, bottom = 40;
  double lo = 1;
  for (const TensorRow &row : r.rows)
    for (const Comparison &c : row.pairs)
      if (c.present && std::isfinite(c.metrics.cosine))
        lo = std::min(lo, c.metrics.cosine);
  lo = std::max(0.0, std::floor(std::min(lo, 0.99) * 20) / 20);
  size_t n = std::max<size_t>(r.rows.size(), 2);
  auto x = [&](size_t i) { return left + (w - left - right) * i / (n - 1); };
  auto y = [&](double v) {
    v = std::clamp(v, lo, 1.0);
    return top + (h - top - bottom) * (1 - (v - lo) / (1 - lo));
  };
  os << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
     << "npu-compare: " << htmlEscape(r.model) << "</title>\n<style>"
     << "body{font-family:sans-serif;margin:1.5em}"
     << "table{border-collapse:collapse;font-size:12px}"
     << "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
     << "td.k{text-align:left}tr.bad td{background:#fdd}"
     << "td.bad{background:#f99;font-weight:bold}</style></head><body>\n";
  os << "<h1>npu-compare: " << htmlEscape(r.model) << "</h1>\n<p>target "
     << htmlEscape(r.target) << ", lowered stage " << htmlEscape(r.lowered)
     << ", " << r.rows.size() << " tensors in graph order.</p>\n<ul>\n";
  for (unsigned p = 0; p < kNumPairs; ++p) {
    if (p == FloatVsOrt && !r.withOrt)
      continue;
    os << "<li><b>" << htmlEscape(pairTitle(r, Pair(p))) << "</b> ("
       << htmlEscape(toleranceText(r, Pair(p)))
       << "): first break: " << htmlEscape(breakText(r, Pair(p))) << "</li>\n";
  }
  os << "</ul>\n";
  os << llvm::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
                     "height=\"%.0f\" style=\"border:1px solid #ccc\">\n",
                     w, h);
  for (int t = 0; t <= 4; ++t) {
    double v = lo + (1 - lo) * t / 4;
    os << llvm::format("<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
                       "stroke=\"#eee\"/><text x=\"%.1f\" y=\"%.1f\" "
                       "font-size=\"11\" text-anchor=\"end\">%.3f</text>\n",
                       left, w - right, y(v), y(v), left - 4, y(v) + 4, v);
  }
  os << llvm::format("<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
                     "text-anchor=\"middle\">tensor (graph order)</text>\n",
                     (left + w - right) / 2, h - 8);
  os << llvm::format("<text x=\"14\" y=\"%.1f\" font-size=\"12\" "
                     "transform=\"rotate(-90 14 %.1f)\" "
                     "text-anchor=\"middle\">cosine similarity</text>\n",
                     (top + h - bottom) / 2, (top + h - bottom) / 2);
  for (unsigned p = 0; p < kNumPairs; ++p) {
    std::string points;
    for (size_t i = 0; i < r.rows.size(); ++i) {
      const Comparison &c = r.rows[i].pairs[p];
      if (c.present && std::isfinite(c.metrics.cosine))
        points += llvm::formatv("{0:F1},{1:F1} ", x(i), y(c.metrics.cosine));
    }
    os << "<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"" << kColors[p]
       << "\" points=\"" << points << "\"/>\n";
    for (size_t i = 0; i < r.rows.size(); ++i) {
      const Comparison &c = r.rows[i].pairs[p];
      if (!c.present || !std::isfinite(c.metrics.cosine))
        continue;
      bool first = int(i) == r.firstBroken[p];
      os << llvm::format(
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\">", x(i),
                y(c.metrics.cosine), first ? 6 : 2, first ? "red" : kColors[p])
         << "<title>" << htmlEscape(r.rows[i].key) << " ("
         << htmlEscape(pairTitle(r, Pair(p))) << "): cosine "
         << number(c.metrics.cosine, "{0:F6}") << "</title></circle>\n";
    }
    os << llvm::format("<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"4\" "
                       "fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" "
                       "font-size=\"12\">%s</text>\n",
                       left + 10 + 230.0 * p, h - bottom + 18, kColors[p],
                       left + 26 + 230.0 * p, h - bottom + 23,
                       htmlEscape(pairTitle(r, Pair(p))).c_str());
  }
  os << "</svg>\n<table><tr><th>#</th><th>tensor</th><th>ONNX tensor</th>"
     << "<th>shape</th>";
  for (unsigned p = 0; p < kNumPairs; ++p)
    os << "<th colspan=\"4\">" << htmlEscape(pairTitle(r, Pair(p))) << "</th>";
  os << "</tr>\n<tr><th></th><th></th><th></th><th></th>";
  for (unsigned p = 0; p < kNumPairs; ++p)
    os << "<th>cosine</th><th>eucl.</th><th>SQNR dB</th><th>max |err|</th>";
  os << "</tr>\n";
  for (size_t i = 0; i < r.rows.size(); ++i) {
    const TensorRow &row = r.rows[i];
    bool first = llvm::is_contained(r.firstBroken, int(i));
    os << "<tr" << (first ? " class=\"bad\"" : "") << "><td>" << i
       << "</td><td class=\"k\">" << htmlEscape(row.key)
       << "</td><td class=\"k\">" << htmlEscape(row.onnxTensor) << "</td><td>"
       << shapeText(row.shape) << "</td>";
    for (const Comparison &c : row.pairs) {
      if (!c.present) {
        os << "<td colspan=\"4\" class=\"k\">" << htmlEscape(c.note) << "</td>";
        continue;
      }
      const TensorMetrics &m = c.metrics;
      os << "<td" << (c.broken ? " class=\"bad\"" : "") << ">"
         << number(m.cosine, "{0:F6}") << "</td><td>"
         << number(m.euclidean, "{0:F4}") << "</td><td>"
         << number(m.sqnrDb, "{0:F1}") << "</td><td>"
         << number(m.maxAbs, "{0:E2}") << "</td>";
    }
    os << "</tr>\n";
  }
  os << "</table>\n</body></html>\n";
}

} // namespace npu::compare
