//===- Report.cpp - npu-benchmark's table and JSON ------------------------===//

#include "Report.h"

#include "llvm/Support/Format.h"

#include <functional>

namespace json = llvm::json;

namespace npu::bench {

namespace {

using Field = std::function<double(const Sample &)>;

/// The median of `field` over samples (of npu-benchmark's runs or of ONNX
/// Runtime's).
template <typename SampleT, typename FieldT>
double medianOf(const std::vector<SampleT> &samples, const FieldT &field) {
  std::vector<double> values;
  for (const SampleT &s : samples)
    values.push_back(field(s));
  return median(values);
}

/// {"median": m, "runs": [...]}, or null without samples.
json::Value stat(const std::vector<Sample> &samples, const Field &field) {
  if (samples.empty())
    return nullptr;
  json::Array runs;
  for (const Sample &s : samples)
    runs.push_back(field(s));
  return json::Object{{"median", medianOf(samples, field)},
                      {"runs", std::move(runs)}};
}

/// The compile phases of the first sample, each with its median over the
/// samples (every compile of one model runs the same phases).
std::vector<std::pair<std::string, double>>
phaseMedians(const std::vector<Sample> &samples) {
  std::vector<std::pair<std::string, double>> out;
  if (samples.empty())
    return out;
  for (size_t i = 0; i < samples.front().compilePhases.size(); ++i)
    out.emplace_back(samples.front().compilePhases[i].first,
                     medianOf(samples, [i](const Sample &s) {
                       return i < s.compilePhases.size()
                                  ? s.compilePhases[i].second
                                  : 0.0;
                     }));
  return out;
}

json::Value breakdown(const std::vector<Sample> &samples, bool compiles) {
  if (samples.empty())
    return nullptr;
  json::Array phases;
  for (const auto &[name, ms] : phaseMedians(samples))
    phases.push_back(json::Object{{"name", name}, {"ms", ms}});
  json::Object o{
      {"runtime_init_ms",
       medianOf(samples, [](const Sample &s) { return s.runtimeInitMs; })},
      {"load_and_initialize_ms",
       medianOf(samples, [](const Sample &s) { return s.loadMs; })},
      {"first_inference_ms",
       medianOf(samples, [](const Sample &s) { return s.firstInferenceMs; })},
      {"run_process_ms",
       medianOf(samples, [](const Sample &s) { return s.runProcessMs; })}};
  if (compiles) {
    o["compile_phases"] = std::move(phases);
    o["compile_ms"] =
        medianOf(samples, [](const Sample &s) { return s.compileMs; });
    o["compile_process_ms"] =
        medianOf(samples, [](const Sample &s) { return s.compileProcessMs; });
  }
  return o;
}

const Field feil = [](const Sample &s) { return s.feil(); };
const Field fil = [](const Sample &s) { return s.fil(); };

/// `field` with the simulator's first inference replaced by the modelled
/// NPU latency: the figure a device as fast as the model would give.
Field withModelledInference(const Results &r, const Field &field) {
  double modelledMs = r.steady.modelledLatencyUs / 1e3;
  return [=](const Sample &s) {
    return field(s) - s.firstInferenceMs + modelledMs;
  };
}

} // namespace

json::Value reportJson(const BenchmarkOptions &o, const Results &r) {
  bool compiles = !o.modelIsBlob;
  json::Array compileArgs;
  for (const std::string &a : o.compileArgs)
    compileArgs.push_back(a);
  json::Object root{
      {"model", o.model},
      {"device", r.device},
      {"runs", o.runs},
      {"iterations", o.iterations},
      {"perf_hint", o.perfHint},
      {"compile_args", std::move(compileArgs)},
      {"feil_ms", compiles ? stat(r.fresh, feil) : json::Value(nullptr)},
      {"fil_ms", stat(r.fresh, fil)},
      {"fil_cache_hit_ms", stat(r.cached, feil)},
      {"breakdown", breakdown(r.fresh, compiles)},
      {"cache_hit_breakdown", breakdown(r.cached, true)},
  };
  json::Object steady{
      {"modelled_npu_latency_us", r.steady.modelledLatencyUs},
      {"modelled_cycles", int64_t(r.steady.modelledCycles)},
      {"host_ms_per_inference", r.steady.hostMsPerInference
                                    ? json::Value(*r.steady.hostMsPerInference)
                                    : json::Value(nullptr)},
      {"throughput_requests", r.steady.throughputRequests},
      {"throughput_per_s", r.steady.throughputPerSecond}};
  root["steady_state"] = std::move(steady);
  root["with_modelled_first_inference"] = json::Object{
      {"feil_ms",
       compiles ? json::Value(medianOf(r.fresh, withModelledInference(r, feil)))
                : json::Value(nullptr)},
      {"fil_ms", medianOf(r.fresh, withModelledInference(r, fil))}};
  if (r.ort.empty()) {
    root["ort"] = nullptr;
    root["ratios"] = nullptr;
  } else {
    double ort = medianOf(r.ort, [](const OrtSample &s) { return s.total(); });
    root["ort"] = json::Object{
        {"session_create_ms",
         medianOf(r.ort, [](const OrtSample &s) { return s.sessionCreateMs; })},
        {"first_run_ms",
         medianOf(r.ort, [](const OrtSample &s) { return s.firstRunMs; })},
        {"total_ms", ort}};
    json::Object ratios{{"feil_over_ort", medianOf(r.fresh, feil) / ort},
                        {"fil_over_ort", medianOf(r.fresh, fil) / ort}};
    ratios["fil_cache_hit_over_ort"] =
        r.cached.empty() ? json::Value(nullptr)
                         : json::Value(medianOf(r.cached, feil) / ort);
    root["ratios"] = std::move(ratios);
  }
  root["properties"] = r.properties;
  return root;
}

void printTable(llvm::raw_ostream &os, const BenchmarkOptions &o,
                const Results &r) {
  bool compiles = !o.modelIsBlob;
  double ort = r.ort.empty() ? 0 : medianOf(r.ort, [](const OrtSample &s) {
    return s.total();
  });
  auto row = [&](llvm::StringRef name, double ms, bool ratio = false) {
    os << llvm::format("  %-40s %10.1f ms", name.str().c_str(), ms);
    if (ratio && ort > 0)
      os << llvm::format("  %6.2fx ORT", ms / ort);
    os << "\n";
  };
  os << "npu-benchmark: " << o.model << " on " << r.device << ", median of "
     << o.runs << " run(s) in separate processes after a warm-up\n";
  if (compiles) {
    row("FEIL (compile + load + first inference)", medianOf(r.fresh, feil),
        true);
    for (const auto &[name, ms] : phaseMedians(r.fresh))
      row("  " + name, ms);
  }
  row("FIL (load + first inference)", medianOf(r.fresh, fil), true);
  row("  runtime start",
      medianOf(r.fresh, [](const Sample &s) { return s.runtimeInitMs; }));
  row("  load and initialise on the device",
      medianOf(r.fresh, [](const Sample &s) { return s.loadMs; }));
  row("  first inference",
      medianOf(r.fresh, [](const Sample &s) { return s.firstInferenceMs; }));
  if (!r.cached.empty()) {
    row("FIL from the cache (--cache-dir)", medianOf(r.cached, feil), true);
    for (const auto &[name, ms] : phaseMedians(r.cached))
      row("  " + name, ms);
    row("  load + first inference", medianOf(r.cached, fil));
  }
  if (!r.ort.empty()) {
    row("ONNX Runtime session + first run", ort);
    row("  session creation",
        medianOf(r.ort, [](const OrtSample &s) { return s.sessionCreateMs; }));
    row("  first run",
        medianOf(r.ort, [](const OrtSample &s) { return s.firstRunMs; }));
  }
  os << "process wall times (with process start):";
  if (compiles)
    os << llvm::format(
        " npu-compile %.1f ms,",
        medianOf(r.fresh, [](const Sample &s) { return s.compileProcessMs; }));
  os << llvm::format(
      " npu-run %.1f ms\n",
      medianOf(r.fresh, [](const Sample &s) { return s.runProcessMs; }));
  os << "with the first inference at its modelled NPU latency instead of "
        "the simulator's time:";
  if (compiles)
    os << llvm::format(" FEIL %.1f ms,",
                       medianOf(r.fresh, withModelledInference(r, feil)));
  os << llvm::format(" FIL %.1f ms\n",
                     medianOf(r.fresh, withModelledInference(r, fil)));
  os << llvm::format("steady state: modelled NPU latency %.2f us; ",
                     r.steady.modelledLatencyUs);
  if (r.steady.hostMsPerInference)
    os << llvm::format("simulator %.3f ms per inference; ",
                       *r.steady.hostMsPerInference);
  os << llvm::format("%.1f inferences/s with %d request(s)\n",
                     r.steady.throughputPerSecond, r.steady.throughputRequests);
}

} // namespace npu::bench
