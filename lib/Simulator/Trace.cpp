//===- Trace.cpp - Chrome / Perfetto trace of a modelled inference --------===//
//
// Trace-event JSON ("X" complete events), one track (tid) per engine, named
// through thread_name metadata so Perfetto and chrome://tracing label them.
//
//===----------------------------------------------------------------------===//

#include "npu/Simulator/Executor.h"

#include "npu/Arch/CostModel.h"
#include "npu/Blob/Dump.h"

#include <cstdio>
#include <map>
#include <sstream>

namespace npu::sim {

std::string traceJson(const RunProfile &profile, arch::Platform platform) {
  const arch::HardwareDesc &hw = arch::hardware(platform);
  auto us = [&](uint64_t cycles) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.3f",
                  arch::dpuCyclesToNs(hw, cycles) / 1000.0);
    return std::string(buf);
  };
  // Stable track ids: DMA ports, then DPUs, then SHAVEs.
  auto tid = [](blob::Engine e, uint32_t i) {
    return int(e) * 1000 + int(i) + 1;
  };
  std::ostringstream os;
  os << "{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n";
  os << "  {\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 1, "
        "\"args\": {\"name\": \""
     << hw.name << " (modelled)\"}}";
  std::map<int, std::string> tracks;
  for (const EngineBusy &e : profile.engines)
    tracks[tid(e.engine, e.index)] = std::string(blob::engineName(e.engine)) +
                                     "[" + std::to_string(e.index) + "]";
  for (auto &[id, name] : tracks)
    os << ",\n  {\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, "
          "\"tid\": "
       << id << ", \"args\": {\"name\": \"" << name << "\"}}";
  for (const TaskRecord &t : profile.tasks)
    os << ",\n  {\"name\": \"" << blob::jsonEscape(t.name) << "\", \"cat\": \""
       << blob::engineName(t.engine) << "\", \"ph\": \"X\", \"pid\": 1, "
       << "\"tid\": " << tid(t.engine, t.engineIndex)
       << ", \"ts\": " << us(t.start) << ", \"dur\": " << us(t.end - t.start)
       << ", \"args\": {\"start_cycles\": " << t.start
       << ", \"end_cycles\": " << t.end << "}}";
  os << "\n], \"otherData\": {\"platform\": \"" << hw.name
     << "\", \"total_cycles\": " << profile.totalCycles
     << ", \"dpu_clock_khz\": " << hw.dpuClockKHz << "}}\n";
  return os.str();
}

} // namespace npu::sim
