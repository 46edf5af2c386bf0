//===- Report.cpp - npu-run's --properties and --json reports -------------===//

#include "Report.h"

#include "npu/Blob/Dump.h"
#include "npu/Support/Files.h"
#include "npu/Support/HostTensor.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

namespace npu::run {

using runtime::DeviceInfo;
using runtime::ModelProperties;
using runtime::Status;

namespace {

/// One JSON object, its members in the order added.
class JsonObject {
public:
  JsonObject &add(const std::string &key, const std::string &rawValue) {
    text_ += (text_.empty() ? "{" : ", ") + quote(key) + ": " + rawValue;
    return *this;
  }
  JsonObject &str(const std::string &key, const std::string &v) {
    return add(key, quote(v));
  }
  JsonObject &num(const std::string &key, double v) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.6g", v);
    return add(key, buf);
  }
  JsonObject &count(const std::string &key, uint64_t v) {
    return add(key, std::to_string(v));
  }
  JsonObject &boolean(const std::string &key, bool v) {
    return add(key, v ? "true" : "false");
  }
  std::string text() const { return (text_.empty() ? "{" : text_) + "}"; }

private:
  static std::string quote(const std::string &s) {
    return "\"" + blob::jsonEscape(s) + "\"";
  }
  std::string text_;
};

std::string countArray(const std::vector<uint64_t> &values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i)
    s += (i ? ", " : "") + std::to_string(values[i]);
  return s + "]";
}

Status writeText(const std::string &path, const std::string &text) {
  std::string err;
  if (!createParentDirectories(path, err))
    return Status::error(err);
  std::ofstream f(path);
  if (f)
    f << text << "\n" << std::flush;
  if (!f)
    return Status::error("cannot write '" + path +
                         "': " + std::strerror(errno));
  return Status::success();
}

std::string deviceJson(const DeviceInfo &d) {
  JsonObject requests;
  requests.count("latency", d.optimalInferRequestsLatency)
      .count("throughput", d.optimalInferRequestsThroughput);
  return JsonObject()
      .str("name", d.name)
      .str("full_name", d.fullName)
      .str("architecture", d.architecture)
      .count("tiles", d.tiles)
      .count("max_tiles", d.maxTiles)
      .add("optimal_infer_requests", requests.text())
      .num("peak_int8_gops", runtime::peakInt8Gops(d.name, d.maxTiles))
      .count("dpu_clock_mhz", d.dpuClockMHz)
      .count("cmx_bytes_per_tile", d.cmxBytesPerTile)
      .str("driver_version", d.driverVersion)
      .boolean("simulated", d.simulated)
      .text();
}

} // namespace

Status reportProperties(const ModelProperties &m, const DeviceInfo &d,
                        const std::string &jsonPath) {
  uint64_t cmxTotal = 0;
  for (uint64_t b : m.cmxBytesPerTile)
    cmxTotal += b;
  double gopsInUse = runtime::peakInt8Gops(d.name, m.tilesInUse);
  std::printf("model (compiled for %s by %s)\n", m.target.c_str(),
              m.compilerVersion.c_str());
  std::printf("  NPU_TILES in use: %u\n", m.tilesInUse);
  std::printf("  weights: %s (DDR, once per model)\n",
              formatBytes(m.weightsBytes).c_str());
  std::printf("  scratch: %s, inputs and outputs: %s (DDR, per infer "
              "request)\n",
              formatBytes(m.scratchBytes).c_str(),
              formatBytes(m.ioBytes).c_str());
  std::string cmx;
  for (uint64_t b : m.cmxBytesPerTile)
    cmx += (cmx.empty() ? "" : ", ") + formatBytes(b);
  std::printf("  CMX per tile: %s\n", cmx.c_str());
  std::printf(
      "  memory in use: %s DDR with 1 infer request, %s with %u "
      "(THROUGHPUT), + %s CMX\n",
      formatBytes(m.ddrBytesInUse(1)).c_str(),
      formatBytes(m.ddrBytesInUse(d.optimalInferRequestsThroughput)).c_str(),
      d.optimalInferRequestsThroughput, formatBytes(cmxTotal).c_str());
  std::printf("  peak int8: %.1f GOPS on the tiles in use\n", gopsInUse);
  for (const runtime::StateVariableProperty &v : m.stateVariables)
    std::printf("  state variable '%s': %s %s, input '%s' -> output '%s'\n",
                v.name.c_str(), dtypeName(v.dtype),
                shapeToString(v.shape).c_str(), v.input.c_str(),
                v.output.c_str());
  std::printf("device %s (%s)\n", d.name.c_str(), d.fullName.c_str());
  std::printf("  DEVICE_ARCHITECTURE: %s\n", d.architecture.c_str());
  std::printf("  NPU_TILES: %u\n  NPU_MAX_TILES: %u\n", d.tiles, d.maxTiles);
  std::printf("  OPTIMAL_NUMBER_OF_INFER_REQUESTS: %u (LATENCY), %u "
              "(THROUGHPUT)\n",
              d.optimalInferRequestsLatency, d.optimalInferRequestsThroughput);
  std::printf("  peak int8: %.1f GOPS (%u tiles at %u MHz)\n",
              runtime::peakInt8Gops(d.name, d.maxTiles), d.maxTiles,
              d.dpuClockMHz);
  if (jsonPath.empty())
    return Status::success();
  std::string states;
  for (const runtime::StateVariableProperty &v : m.stateVariables) {
    std::vector<uint64_t> shape(v.shape.begin(), v.shape.end());
    JsonObject var;
    var.str("name", v.name)
        .str("input", v.input)
        .str("output", v.output)
        .str("dtype", dtypeName(v.dtype))
        .add("shape", countArray(shape));
    states += (states.empty() ? "" : ", ") + var.text();
  }
  JsonObject model;
  model.str("target", m.target)
      .str("compiler_version", m.compilerVersion)
      .count("tiles_in_use", m.tilesInUse)
      .count("weights_bytes", m.weightsBytes)
      .count("scratch_bytes", m.scratchBytes)
      .count("io_bytes", m.ioBytes)
      .add("cmx_bytes_per_tile", countArray(m.cmxBytesPerTile))
      .count("ddr_bytes_in_use", m.ddrBytesInUse(1))
      .num("peak_int8_gops", gopsInUse);
  if (!m.stateVariables.empty())
    model.add("state_variables", "[" + states + "]");
  return writeText(jsonPath, JsonObject()
                                 .add("model", model.text())
                                 .add("device", deviceJson(d))
                                 .text());
}

Status writeRunJson(const std::string &path, const std::string &blobPath,
                    const DeviceInfo &device, const RunTimings &t) {
  int total = t.requests * t.iterations;
  JsonObject o;
  o.str("blob", blobPath)
      .str("device", device.name)
      .count("requests", t.requests)
      .count("iterations", t.iterations)
      .num("runtime_init_ms", t.runtimeInitMs)
      .num("load_ms", t.loadMs)
      .num("first_inference_ms", t.firstInferenceMs);
  if (t.steadyInferenceMs)
    o.num("steady_inference_ms", *t.steadyInferenceMs);
  else
    o.add("steady_inference_ms", "null");
  o.num("loop_ms", t.loopMs)
      .num("throughput_per_s", t.loopMs > 0 ? total * 1e3 / t.loopMs : 0)
      .count("modelled_cycles", t.modelledCycles)
      .num("modelled_latency_us", t.modelledLatencyUs);
  return writeText(path, o.text());
}

} // namespace npu::run
