//===- Trace.cpp - Chrome / Perfetto trace of a modelled inference --------===//
//
// Trace-event JSON ("X" complete events), one track (tid) per engine, named
// through thread_name metadata so Perfetto and chrome://tracing label them.
//
//===----------------------------------------------------------------------===//

#include "npu/Simulator/Executor.h"

#include "npu/Arch/CostModel.h"
#include "npu/Blob/Dump.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace npu::sim {

std::string traceJson(const RunProfile &profile, arch::Platform platform) {
  using Json = nlohmann::ordered_json;
  const arch::HardwareDesc &hw = arch::hardware(platform);
  // Whole nanoseconds (the trace format's unit), written as microseconds;
  // a task's duration is the difference of its rounded ends, so that tasks
  // back to back on one track never overlap (Perfetto nests slices).
  auto ns = [&](uint64_t cycles) {
    return std::llround(arch::dpuCyclesToNs(hw, cycles));
  };
  auto us = [](long long ns) { return double(ns) / 1000.0; };
  // Stable track ids: DMA ports, then DPUs, then SHAVEs.
  auto tid = [](blob::Engine e, uint32_t i) {
    return int(e) * 1000 + int(i) + 1;
  };
  std::vector<Json> events;
  events.push_back(
      {{"name", "process_name"},
       {"ph", "M"},
       {"pid", 1},
       {"args", {{"name", std::string(hw.name) + " (modelled)"}}}});
  std::map<int, std::string> tracks;
  for (const EngineBusy &e : profile.engines)
    tracks[tid(e.engine, e.index)] = std::string(blob::engineName(e.engine)) +
                                     "[" + std::to_string(e.index) + "]";
  for (auto &[id, name] : tracks)
    events.push_back({{"name", "thread_name"},
                      {"ph", "M"},
                      {"pid", 1},
                      {"tid", id},
                      {"args", {{"name", name}}}});
  for (const TaskRecord &t : profile.tasks)
    events.push_back(
        {{"name", t.name},
         {"cat", blob::engineName(t.engine)},
         {"ph", "X"},
         {"pid", 1},
         {"tid", tid(t.engine, t.engineIndex)},
         {"ts", us(ns(t.start))},
         {"dur", us(ns(t.end) - ns(t.start))},
         {"args", {{"start_cycles", t.start}, {"end_cycles", t.end}}}});
  Json other = {{"platform", hw.name},
                {"total_cycles", profile.totalCycles},
                {"dpu_clock_khz", hw.dpuClockKHz}};
  // One event per line (the file of a large model stays readable).
  std::string out = "{\"displayTimeUnit\": \"ns\", \"traceEvents\": [";
  for (size_t i = 0; i < events.size(); ++i)
    out += (i ? ",\n  " : "\n  ") + blob::jsonText(events[i]);
  return out + "\n], \"otherData\": " + blob::jsonText(other) + "}\n";
}

} // namespace npu::sim
