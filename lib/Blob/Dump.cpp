//===- Dump.cpp - Human-readable and JSON views of a blob -----------------===//

#include "npu/Blob/Dump.h"

#include <cstdio>
#include <sstream>

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
    os << "(" << p.buffers[r.buffer].name << ")";
  os << "+" << r.offset << " " << dtypeName(r.dtype) << " "
     << shapeStr(r.shape);
  if (!r.isDense())
    os << " strides " << listStr(r.strides);
  return os.str();
}

void taskText(std::ostream &os, const Program &p, const Task &t) {
  os << "    " << (t.name.empty() ? "<unnamed>" : t.name);
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
  os << "  " << kind << " '" << d.name << "' " << dtypeName(d.dtype) << " "
     << shapeToString(d.shape) << " " << layoutName(d.layout);
  if (!d.quant.scales.empty())
    os << " scales " << listStr(d.quant.scales) << " zero_points "
       << listStr(d.quant.zeroPoints);
  os << "\n";
}

// --- JSON --------------------------------------------------------------

class Json {
public:
  std::ostringstream os;
  std::string key(const std::string &k) {
    return "\"" + jsonEscape(k) + "\": ";
  }
  static std::string str(const std::string &s) {
    return "\"" + jsonEscape(s) + "\"";
  }
  static std::string num(double v) {
    if (std::isinf(v))
      return v > 0 ? "\"inf\"" : "\"-inf\"";
    if (std::isnan(v))
      return "\"nan\"";
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.9g", v);
    return buf;
  }
  template <typename T> static std::string arr(const std::vector<T> &v) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i)
      out += (i ? ", " : "") + num(double(v[i]));
    return out + "]";
  }
};

std::string refJson(const TensorRef &r) {
  return "{\"buffer\": " + std::to_string(r.buffer) +
         ", \"offset\": " + std::to_string(r.offset) + ", \"dtype\": \"" +
         dtypeName(r.dtype) + "\", \"shape\": " + Json::arr(r.shape) +
         ", \"strides\": " + Json::arr(r.strides) + "}";
}

std::string descJson(const TensorDesc &d) {
  std::string s = "{\"name\": " + Json::str(d.name) + ", \"dtype\": \"" +
                  dtypeName(d.dtype) + "\", \"shape\": " + Json::arr(d.shape) +
                  ", \"layout\": \"" + layoutName(d.layout) + "\"";
  if (!d.quant.scales.empty())
    s += ", \"quant\": {\"scales\": " + Json::arr(d.quant.scales) +
         ", \"zero_points\": " + Json::arr(d.quant.zeroPoints) +
         ", \"axis\": " + std::to_string(d.quant.axis) + "}";
  return s + "}";
}

std::string taskJson(const Task &t) {
  std::string s = "{\"name\": " + Json::str(t.name) + ", \"kind\": \"" +
                  engineName(t.kind) +
                  "\", \"wait\": " + Json::arr(t.waitBarriers) +
                  ", \"update\": " + Json::arr(t.updateBarriers);
  switch (t.kind) {
  case Engine::Dma:
    s +=
        ", \"src\": " + refJson(t.dma.src) + ", \"dst\": " + refJson(t.dma.dst);
    break;
  case Engine::Dpu: {
    const DpuTask &d = t.dpu;
    s += ", \"op\": \"" + std::string(dpuOpName(d.op)) + "\"";
    s += ", \"input\": " + refJson(d.input);
    if (d.input2)
      s += ", \"input2\": " + refJson(*d.input2);
    if (d.weights)
      s += ", \"weights\": " + refJson(*d.weights);
    if (d.weightTable)
      s += ", \"weight_table\": " + refJson(*d.weightTable);
    s += ", \"output\": " + refJson(d.output);
    s += ", \"kernel\": [" + std::to_string(d.kernelH) + ", " +
         std::to_string(d.kernelW) + "], \"stride\": [" +
         std::to_string(d.strideH) + ", " + std::to_string(d.strideW) +
         "], \"pad\": [" + std::to_string(d.padTop) + ", " +
         std::to_string(d.padLeft) + ", " + std::to_string(d.padBottom) + ", " +
         std::to_string(d.padRight) + "]";
    s += ", \"in_zero_point\": " + std::to_string(d.inZeroPoint) +
         ", \"in2_zero_point\": " + std::to_string(d.in2ZeroPoint) +
         ", \"in_mult\": [" + std::to_string(d.inMultA) + ", " +
         std::to_string(d.inMultB) + "]";
    const PostProcess &q = d.ppe;
    s += ", \"ppe\": {\"activation\": " + std::to_string(int(q.activation)) +
         ", \"leaky_mult\": " + std::to_string(q.leakyMult) +
         ", \"leaky_shift\": " + std::to_string(q.leakyShift) +
         ", \"leaky_alpha\": " + Json::num(q.leakyAlpha) +
         ", \"out_zero_point\": " + std::to_string(q.outZeroPoint) +
         ", \"clamp\": [" + std::to_string(q.clampLow) + ", " +
         std::to_string(q.clampHigh) + "], \"fclamp\": [" +
         Json::num(q.fclampLow) + ", " + Json::num(q.fclampHigh) +
         "], \"mult\": " + std::to_string(q.mult) +
         ", \"shift\": " + std::to_string(q.shift) +
         ", \"scale\": " + Json::num(q.scale) +
         ", \"bias\": " + std::to_string(q.bias) +
         ", \"fbias\": " + Json::num(q.fbias) + "}";
    s += ", \"workloads\": [";
    for (size_t i = 0; i < d.workloads.size(); ++i) {
      const Workload &w = d.workloads[i];
      s += std::string(i ? ", " : "") + "{\"x\": " + std::to_string(w.x) +
           ", \"y\": " + std::to_string(w.y) +
           ", \"k\": " + std::to_string(w.k) +
           ", \"width\": " + std::to_string(w.width) +
           ", \"height\": " + std::to_string(w.height) +
           ", \"channels\": " + std::to_string(w.channels) +
           ", \"mpe_mode\": \"" + arch::mpeModeName(w.mpeMode) + "\"}";
    }
    s += "]";
    break;
  }
  case Engine::Shave: {
    // The fields of one kernel, without braces.
    auto kernel = [&](const ShaveTask &k) {
      std::string f = "\"kernel\": \"" +
                      std::string(arch::shaveKernelName(k.kernel)) + "\"";
      f += ", \"inputs\": [";
      for (size_t i = 0; i < k.inputs.size(); ++i)
        f += (i ? ", " : "") + refJson(k.inputs[i]);
      f += "], \"outputs\": [";
      for (size_t i = 0; i < k.outputs.size(); ++i)
        f += (i ? ", " : "") + refJson(k.outputs[i]);
      return f + "], \"fparams\": " + Json::arr(k.fparams) +
             ", \"iparams\": " + Json::arr(k.iparams);
    };
    s += ", " + kernel(t.shave);
    if (!t.shave.chained.empty()) {
      s += ", \"chained\": [";
      for (size_t i = 0; i < t.shave.chained.size(); ++i)
        s += (i ? ", {" : "{") + kernel(t.shave.chained[i]) + "}";
      s += "]";
    }
    break;
  }
  }
  return s + "}";
}

} // namespace

std::string jsonEscape(const std::string &s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += char(c);
    }
  }
  return out;
}

std::string dumpText(const LoadedBlob &blob) {
  const Program &p = blob.program;
  const FileHeader &h = blob.header;
  std::ostringstream os;
  os << "blob format " << h.versionMajor << "." << h.versionMinor << ", target "
     << arch::platformName(p.platform) << ", " << h.fileSize << " bytes\n";
  os << "compiler '" << p.compilerVersion << "', options hash 0x" << std::hex
     << p.optionsHash << std::dec << "\n";
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
    os << "  '" << v.name << "': input " << v.input << " '"
       << p.inputs[v.input].name << "' -> output " << v.output << " '"
       << p.outputs[v.output].name << "'\n";
  os << "memory: DDR scratch " << p.memory.scratchSize << " bytes, CMX used "
     << listStr(p.memory.cmxUsed) << "\n";
  os << "buffers:\n";
  for (size_t i = 0; i < p.buffers.size(); ++i) {
    const Buffer &b = p.buffers[i];
    os << "  buf" << i << " '" << b.name << "' " << memSpaceName(b.space);
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
  std::ostringstream os;
  os << "{\n  \"format_version\": \"" << h.versionMajor << "." << h.versionMinor
     << "\",\n  \"platform\": \"" << arch::platformName(p.platform)
     << "\",\n  \"file_size\": " << h.fileSize
     << ",\n  \"compiler_version\": " << Json::str(p.compilerVersion)
     << ",\n  \"options_hash\": " << p.optionsHash
     << ",\n  \"metadata\": {\"offset\": " << h.metadataOffset
     << ", \"size\": " << h.metadataSize << ", \"crc32\": " << h.metadataCrc
     << "},\n  \"weights\": {\"offset\": " << h.weightsOffset
     << ", \"size\": " << h.weightsSize << ", \"crc32\": " << h.weightsCrc
     << "},\n  \"inputs\": [";
  for (size_t i = 0; i < p.inputs.size(); ++i)
    os << (i ? ", " : "") << descJson(p.inputs[i]);
  os << "],\n  \"outputs\": [";
  for (size_t i = 0; i < p.outputs.size(); ++i)
    os << (i ? ", " : "") << descJson(p.outputs[i]);
  if (!p.states.empty()) {
    os << "],\n  \"states\": [";
    for (size_t i = 0; i < p.states.size(); ++i)
      os << (i ? ", " : "") << "{\"name\": " << Json::str(p.states[i].name)
         << ", \"input\": " << p.states[i].input
         << ", \"output\": " << p.states[i].output << "}";
  }
  os << "],\n  \"memory\": {\"scratch_size\": " << p.memory.scratchSize
     << ", \"cmx_used\": " << Json::arr(p.memory.cmxUsed)
     << "},\n  \"buffers\": [";
  for (size_t i = 0; i < p.buffers.size(); ++i) {
    const Buffer &b = p.buffers[i];
    os << (i ? ",\n    " : "\n    ") << "{\"name\": " << Json::str(b.name)
       << ", \"space\": \"" << memSpaceName(b.space)
       << "\", \"index\": " << b.index << ", \"offset\": " << b.offset
       << ", \"size\": " << b.size << "}";
  }
  os << "],\n  \"barriers\": [";
  for (size_t i = 0; i < p.barriers.size(); ++i)
    os << (i ? ", " : "") << "{\"producers\": " << p.barriers[i].producerCount
       << ", \"consumers\": " << p.barriers[i].consumerCount << "}";
  os << "],\n  \"task_lists\": [";
  for (size_t l = 0; l < p.taskLists.size(); ++l) {
    const TaskList &list = p.taskLists[l];
    os << (l ? ",\n    " : "\n    ") << "{\"engine\": \""
       << engineName(list.engine) << "\", \"index\": " << list.index
       << ", \"tasks\": [";
    for (size_t i = 0; i < list.tasks.size(); ++i)
      os << (i ? ",\n      " : "\n      ") << taskJson(list.tasks[i]);
    os << "]}";
  }
  os << "]\n}\n";
  return os.str();
}

} // namespace npu::blob
