//===- Dump.cpp - Human-readable and JSON views of a blob -----------------===//

#include "npu/Blob/Dump.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <type_traits>

namespace npu::blob {

namespace {

std::string shapeStr(const std::vector<uint32_t> &s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? "x" : "") + std::to_string(s[i]);
  return out;
}

template <typename T> std::string listStr(const std::vector<T> &v) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < v.size(); ++i)
    os << (i ? ", " : "") << v[i];
  os << "]";
  return os.str();
}

std::string refText(const Program &p, const TensorRef &r) {
  std::ostringstream os;
  os << "buf" << r.buffer;
  if (r.buffer < p.buffers.size())
    os << "(" << printable(p.buffers[r.buffer].name) << ")";
  os << "+" << r.offset << " " << dtypeName(r.dtype) << " "
     << shapeStr(r.shape);
  if (!r.isDense())
    os << " strides " << listStr(r.strides);
  return os.str();
}

void taskText(std::ostream &os, const Program &p, const Task &t) {
  os << "    " << (t.name.empty() ? "<unnamed>" : printable(t.name));
  if (!t.waitBarriers.empty())
    os << " wait " << listStr(t.waitBarriers);
  if (!t.updateBarriers.empty())
    os << " update " << listStr(t.updateBarriers);
  os << "\n";
  switch (t.kind) {
  case Engine::Dma:
    os << "      dma " << refText(p, t.dma.src) << " -> "
       << refText(p, t.dma.dst) << "\n";
    break;
  case Engine::Dpu: {
    const DpuTask &d = t.dpu;
    os << "      " << dpuOpName(d.op) << " kernel " << int(d.kernelH) << "x"
       << int(d.kernelW) << " stride " << int(d.strideH) << "x"
       << int(d.strideW) << " pad " << int(d.padTop) << "," << int(d.padLeft)
       << "," << int(d.padBottom) << "," << int(d.padRight) << "\n";
    os << "      input  " << refText(p, d.input) << " zp " << d.inZeroPoint
       << "\n";
    if (d.input2)
      os << "      input2 " << refText(p, *d.input2) << " zp " << d.in2ZeroPoint
         << "\n";
    if (d.weights)
      os << "      weights " << refText(p, *d.weights) << "\n";
    if (d.weightTable)
      os << "      table  " << refText(p, *d.weightTable) << "\n";
    os << "      output " << refText(p, d.output) << "\n";
    const char *act[] = {"none", "relu", "leaky_relu"};
    os << "      ppe act " << act[int(d.ppe.activation) % 3] << " out_zp "
       << d.ppe.outZeroPoint << " mult " << d.ppe.mult << " shift "
       << int(d.ppe.shift) << " clamp [" << d.ppe.clampLow << ", "
       << d.ppe.clampHigh << "]\n";
    for (const Workload &w : d.workloads)
      os << "      workload x " << w.x << " y " << w.y << " k " << w.k
         << " size " << w.width << "x" << w.height << "x" << w.channels << " "
         << arch::mpeModeName(w.mpeMode) << "\n";
    break;
  }
  case Engine::Shave: {
    // A chain's kernels each as a task's, the later ones marked "then".
    auto kernel = [&](const ShaveTask &k, const char *lead) {
      os << "      " << lead << "kernel " << arch::shaveKernelName(k.kernel)
         << " fparams " << listStr(k.fparams) << " iparams "
         << listStr(k.iparams) << "\n";
      for (const TensorRef &r : k.inputs)
        os << "      in  " << refText(p, r) << "\n";
      for (const TensorRef &r : k.outputs)
        os << "      out " << refText(p, r) << "\n";
    };
    kernel(t.shave, "");
    for (const ShaveTask &k : t.shave.chained)
      kernel(k, "then ");
    break;
  }
  }
}

void argText(std::ostream &os, const char *kind, const TensorDesc &d) {
  os << "  " << kind << " '" << printable(d.name) << "' " << dtypeName(d.dtype)
     << " " << shapeToString(d.shape) << " " << layoutName(d.layout);
  if (!d.quant.scales.empty())
    os << " scales " << listStr(d.quant.scales) << " zero_points "
       << listStr(d.quant.zeroPoints);
  os << "\n";
}

// --- JSON --------------------------------------------------------------

using Json = nlohmann::ordered_json;

std::string hexString(uint64_t v) {
  char text[19];
  std::snprintf(text, sizeof(text), "0x%llx", (unsigned long long)v);
  return text;
}

/// A float as JSON: a number, or "inf" / "-inf" / "nan" (JSON has none).
/// A float (f32) is written as the shortest decimal that reads back as the
/// same float (0.05, not 0.05000000074505806).
template <typename T> Json num(T v) {
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  if (std::isnan(v))
    return "nan";
  if constexpr (std::is_same_v<T, float>) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
    if (ec == std::errc())
      return std::strtod(std::string(buf, end).c_str(), nullptr);
  }
  return double(v);
}

template <typename T> Json arr(const std::vector<T> &v) {
  Json out = Json::array();
  for (const T &x : v) {
    if constexpr (std::is_floating_point_v<T>)
      out.push_back(num(x));
    else
      out.push_back(x);
  }
  return out;
}

Json refJson(const TensorRef &r) {
  return {{"buffer", r.buffer},
          {"offset", r.offset},
          {"dtype", dtypeName(r.dtype)},
          {"shape", arr(r.shape)},
          {"strides", arr(r.strides)}};
}

Json descJson(const TensorDesc &d) {
  Json j = {{"name", d.name},
            {"dtype", dtypeName(d.dtype)},
            {"shape", arr(d.shape)},
            {"layout", layoutName(d.layout)}};
  if (!d.quant.scales.empty())
    j["quant"] = {{"scales", arr(d.quant.scales)},
                  {"zero_points", arr(d.quant.zeroPoints)},
                  {"axis", d.quant.axis}};
  return j;
}

/// The fields of one SHAVE kernel.
Json shaveKernelJson(const ShaveTask &k) {
  Json inputs = Json::array(), outputs = Json::array();
  for (const TensorRef &r : k.inputs)
    inputs.push_back(refJson(r));
  for (const TensorRef &r : k.outputs)
    outputs.push_back(refJson(r));
  return {{"kernel", arch::shaveKernelName(k.kernel)},
          {"inputs", std::move(inputs)},
          {"outputs", std::move(outputs)},
          {"fparams", arr(k.fparams)},
          {"iparams", arr(k.iparams)}};
}

Json taskJson(const Task &t) {
  Json j = {{"name", t.name},
            {"kind", engineName(t.kind)},
            {"wait", arr(t.waitBarriers)},
            {"update", arr(t.updateBarriers)}};
  switch (t.kind) {
  case Engine::Dma:
    j["src"] = refJson(t.dma.src);
    j["dst"] = refJson(t.dma.dst);
    break;
  case Engine::Dpu: {
    const DpuTask &d = t.dpu;
    j["op"] = dpuOpName(d.op);
    j["input"] = refJson(d.input);
    if (d.input2)
      j["input2"] = refJson(*d.input2);
    if (d.weights)
      j["weights"] = refJson(*d.weights);
    if (d.weightTable)
      j["weight_table"] = refJson(*d.weightTable);
    j["output"] = refJson(d.output);
    j["kernel"] = {d.kernelH, d.kernelW};
    j["stride"] = {d.strideH, d.strideW};
    j["pad"] = {d.padTop, d.padLeft, d.padBottom, d.padRight};
    j["in_zero_point"] = d.inZeroPoint;
    j["in2_zero_point"] = d.in2ZeroPoint;
    j["in_mult"] = {d.inMultA, d.inMultB};
    const PostProcess &q = d.ppe;
    j["ppe"] = {{"activation", int(q.activation)},
                {"leaky_mult", q.leakyMult},
                {"leaky_shift", q.leakyShift},
                {"leaky_alpha", num(q.leakyAlpha)},
                {"out_zero_point", q.outZeroPoint},
                {"clamp", {q.clampLow, q.clampHigh}},
                {"fclamp", {num(q.fclampLow), num(q.fclampHigh)}},
                {"mult", q.mult},
                {"shift", q.shift},
                {"scale", num(q.scale)},
                {"bias", q.bias},
                {"fbias", num(q.fbias)}};
    Json workloads = Json::array();
    for (const Workload &w : d.workloads)
      workloads.push_back({{"x", w.x},
                           {"y", w.y},
                           {"k", w.k},
                           {"width", w.width},
                           {"height", w.height},
                           {"channels", w.channels},
                           {"mpe_mode", arch::mpeModeName(w.mpeMode)}});
    j["workloads"] = std::move(workloads);
    break;
  }
  case Engine::Shave: {
    j.update(shaveKernelJson(t.shave));
    if (!t.shave.chained.empty()) {
      Json chained = Json::array();
      for (const ShaveTask &k : t.shave.chained)
        chained.push_back(shaveKernelJson(k));
      j["chained"] = std::move(chained);
    }
    break;
  }
  }
  return j;
}

} // namespace

std::string printable(const std::string &s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    // The length of a well-formed UTF-8 sequence starting with c (RFC 3629:
    // no overlong forms, no surrogates, at most U+10FFFF), 0 if none.
    size_t n = c < 0x80                 ? 1
               : c >= 0xC2 && c <= 0xDF ? 2
               : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4
                                        : 0;
    bool ok = n && i + n <= s.size();
    for (size_t k = 1; ok && k < n; ++k)
      ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok && n >= 3) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0) &&
           !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
    }
    if (ok && (n > 1 || (c >= 0x20 && c != 0x7F))) {
      out.append(s, i, n);
      i += n;
      continue;
    }
    char buf[8];
    std::snprintf(buf, sizeof(buf), "\\x%02X", c);
    out += buf;
    ++i;
  }
  return out;
}

std::string jsonText(const nlohmann::ordered_json &j, int indent) {
  return j.dump(indent, ' ', false,
                nlohmann::ordered_json::error_handler_t::replace);
}

std::string dumpText(const LoadedBlob &blob) {
  const Program &p = blob.program;
  const FileHeader &h = blob.header;
  std::ostringstream os;
  os << "blob format " << h.versionMajor << "." << h.versionMinor << ", target "
     << arch::platformName(p.platform) << ", " << h.fileSize << " bytes\n";
  os << "compiler '" << printable(p.compilerVersion) << "', options hash 0x"
     << std::hex << p.optionsHash << std::dec << "\n";
  os << "sections: metadata " << h.metadataSize << " bytes at "
     << h.metadataOffset << ", weights " << h.weightsSize << " bytes at "
     << h.weightsOffset << "\n";
  os << "arguments:\n";
  for (const TensorDesc &d : p.inputs)
    argText(os, "input ", d);
  for (const TensorDesc &d : p.outputs)
    argText(os, "output", d);
  if (!p.states.empty())
    os << "state variables:\n";
  for (const StateVar &v : p.states)
    os << "  '" << printable(v.name) << "': input " << v.input << " '"
       << printable(p.inputs[v.input].name) << "' -> output " << v.output
       << " '" << printable(p.outputs[v.output].name) << "'\n";
  os << "memory: DDR scratch " << p.memory.scratchSize << " bytes, CMX used "
     << listStr(p.memory.cmxUsed) << "\n";
  os << "buffers:\n";
  for (size_t i = 0; i < p.buffers.size(); ++i) {
    const Buffer &b = p.buffers[i];
    os << "  buf" << i << " '" << printable(b.name) << "' "
       << memSpaceName(b.space);
    if (b.space == MemSpace::Cmx)
      os << " tile " << b.index;
    else if (b.space == MemSpace::Input || b.space == MemSpace::Output)
      os << " " << b.index;
    os << " [" << b.offset << ", " << b.offset + b.size << ")\n";
  }
  os << "barriers:\n";
  for (size_t i = 0; i < p.barriers.size(); ++i)
    os << "  b" << i << " producers " << p.barriers[i].producerCount
       << " consumers " << p.barriers[i].consumerCount << "\n";
  os << "task lists:\n";
  for (const TaskList &l : p.taskLists) {
    os << "  " << engineName(l.engine) << "[" << l.index << "] ("
       << l.tasks.size() << " tasks)\n";
    for (const Task &t : l.tasks)
      taskText(os, p, t);
  }
  return os.str();
}

std::string dumpJson(const LoadedBlob &blob) {
  const Program &p = blob.program;
  const FileHeader &h = blob.header;
  Json inputs = Json::array(), outputs = Json::array();
  for (const TensorDesc &d : p.inputs)
    inputs.push_back(descJson(d));
  for (const TensorDesc &d : p.outputs)
    outputs.push_back(descJson(d));
  Json top = {{"format_version", std::to_string(h.versionMajor) + "." +
                                     std::to_string(h.versionMinor)},
              {"platform", arch::platformName(p.platform)},
              {"file_size", h.fileSize},
              {"compiler_version", p.compilerVersion},
              // As text, "0x..." as the text dump prints it: a 64-bit
              // number loses its low bits in JavaScript's JSON.parse (found
              // by a review).
              {"options_hash", hexString(p.optionsHash)},
              {"metadata",
               {{"offset", h.metadataOffset},
                {"size", h.metadataSize},
                {"crc32", h.metadataCrc}}},
              {"weights",
               {{"offset", h.weightsOffset},
                {"size", h.weightsSize},
                {"crc32", h.weightsCrc}}},
              {"inputs", std::move(inputs)},
              {"outputs", std::move(outputs)}};
  if (!p.states.empty()) {
    Json states = Json::array();
    for (const StateVar &v : p.states)
      states.push_back(
          {{"name", v.name}, {"input", v.input}, {"output", v.output}});
    top["states"] = std::move(states);
  }
  top["memory"] = {{"scratch_size", p.memory.scratchSize},
                   {"cmx_used", arr(p.memory.cmxUsed)}};
  Json barriers = Json::array();
  for (const Barrier &b : p.barriers)
    barriers.push_back(
        {{"producers", b.producerCount}, {"consumers", b.consumerCount}});

  // One line per key, buffer, task list and task (diffable, greppable);
  // each line is compact JSON.
  std::string out = "{";
  bool first = true;
  auto key = [&](const char *k) {
    out += first ? "\n  \"" : ",\n  \"";
    out += k;
    out += "\": ";
    first = false;
  };
  for (auto &[k, v] : top.items()) {
    key(k.c_str());
    out += jsonText(v);
  }
  key("buffers");
  out += "[";
  for (size_t i = 0; i < p.buffers.size(); ++i) {
    const Buffer &b = p.buffers[i];
    out += i ? ",\n    " : "\n    ";
    out += jsonText(Json{{"name", b.name},
                         {"space", memSpaceName(b.space)},
                         {"index", b.index},
                         {"offset", b.offset},
                         {"size", b.size}});
  }
  out += "]";
  key("barriers");
  out += jsonText(barriers);
  key("task_lists");
  out += "[";
  for (size_t l = 0; l < p.taskLists.size(); ++l) {
    const TaskList &list = p.taskLists[l];
    out += l ? ",\n    {\"engine\": " : "\n    {\"engine\": ";
    out += jsonText(Json(engineName(list.engine))) +
           ", \"index\": " + std::to_string(list.index) + ", \"tasks\": [";
    for (size_t i = 0; i < list.tasks.size(); ++i)
      out += (i ? ",\n      " : "\n      ") + jsonText(taskJson(list.tasks[i]));
    out += "]}";
  }
  return out + "]\n}\n";
}

} // namespace npu::blob
