//===- Report.cpp - npu-run's --properties and --json reports -------------===//

#include "Report.h"

#include "npu/Blob/Dump.h"
#include "npu/Support/Files.h"
#include "npu/Support/HostTensor.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

namespace npu::run {

using runtime::DeviceInfo;
using runtime::ModelProperties;
using runtime::Status;

namespace {

using Json = nlohmann::ordered_json;

/// A figure rounded to 6 significant digits (timings are not exact beyond).
double rounded(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return std::strtod(buf, nullptr);
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

Json deviceJson(const DeviceInfo &d) {
  return {
      {"name", d.name},
      {"full_name", d.fullName},
      {"architecture", d.architecture},
      {"tiles", d.tiles},
      {"max_tiles", d.maxTiles},
      {"optimal_infer_requests",
       {{"latency", d.optimalInferRequestsLatency},
        {"throughput", d.optimalInferRequestsThroughput}}},
      {"peak_int8_gops", rounded(runtime::peakInt8Gops(d.name, d.maxTiles))},
      {"dpu_clock_mhz", d.dpuClockMHz},
      {"cmx_bytes_per_tile", d.cmxBytesPerTile},
      {"driver_version", d.driverVersion},
      {"simulated", d.simulated}};
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
  Json model = {{"target", m.target},
                {"compiler_version", m.compilerVersion},
                {"tiles_in_use", m.tilesInUse},
                {"weights_bytes", m.weightsBytes},
                {"scratch_bytes", m.scratchBytes},
                {"io_bytes", m.ioBytes},
                {"cmx_bytes_per_tile", m.cmxBytesPerTile},
                {"ddr_bytes_in_use", m.ddrBytesInUse(1)},
                {"peak_int8_gops", rounded(gopsInUse)}};
  if (!m.stateVariables.empty()) {
    Json states = Json::array();
    for (const runtime::StateVariableProperty &v : m.stateVariables)
      states.push_back({{"name", v.name},
                        {"input", v.input},
                        {"output", v.output},
                        {"dtype", dtypeName(v.dtype)},
                        {"shape", v.shape}});
    model["state_variables"] = std::move(states);
  }
  return writeText(jsonPath, blob::jsonText(Json{{"model", std::move(model)},
                                                 {"device", deviceJson(d)}},
                                            2));
}

Status writeRunJson(const std::string &path, const std::string &blobPath,
                    const DeviceInfo &device, const RunTimings &t) {
  int total = t.requests * t.iterations;
  Json o = {{"blob", blobPath},
            {"device", device.name},
            {"requests", t.requests},
            {"iterations", t.iterations},
            {"runtime_init_ms", rounded(t.runtimeInitMs)},
            {"load_ms", rounded(t.loadMs)},
            {"first_inference_ms", rounded(t.firstInferenceMs)}};
  o["steady_inference_ms"] =
      t.steadyInferenceMs ? Json(rounded(*t.steadyInferenceMs)) : Json();
  o["loop_ms"] = rounded(t.loopMs);
  o["throughput_per_s"] = rounded(t.loopMs > 0 ? total * 1e3 / t.loopMs : 0);
  o["modelled_cycles"] = t.modelledCycles;
  o["modelled_latency_us"] = rounded(t.modelledLatencyUs);
  return writeText(path, blob::jsonText(o, 2));
}

} // namespace npu::run
