//===- npu-run.cpp - Run a blob on an NPU through Level Zero --------------===//
//
// Loads a blob through the runtime (which finds the simulated NPU driver by
// itself), feeds .npy inputs, runs inferences on one or more parallel infer
// requests, writes the outputs as .npy files named after the outputs, and
// prints the host time and the modelled NPU latency.
//
//===----------------------------------------------------------------------===//

#include "FloatChecks.h"
#include "InputReadings.h"
#include "Report.h"
#include "RunOptions.h"

#include "npu/Blob/BlobReader.h"
#include "npu/Runtime/CompiledModel.h"
#include "npu/Runtime/Core.h"
#include "npu/Runtime/InferRequest.h"
#include "npu/Runtime/ModelProperties.h"
#include "npu/Support/Files.h"
#include "npu/Support/Npy.h"
#include "npu/Support/Version.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

using namespace npu;
using namespace npu::runtime;

namespace {

int usageError(const std::string &msg) {
  std::fprintf(stderr, "npu-run: error: %s\n(see npu-run --help)\n",
               msg.c_str());
  return 2;
}

int error(const std::string &msg) {
  std::fprintf(stderr, "npu-run: error: %s\n", msg.c_str());
  return 1;
}

int listDevices(Core &core) {
  for (const DeviceInfo &d : core.devices()) {
    std::printf("%s\n", d.name.c_str());
    std::printf("  FULL_DEVICE_NAME: %s\n", d.fullName.c_str());
    std::printf("  DEVICE_ARCHITECTURE: %s\n", d.architecture.c_str());
    std::printf("  NPU_TILES: %u\n  NPU_MAX_TILES: %u\n", d.tiles, d.maxTiles);
    std::printf("  OPTIMAL_NUMBER_OF_INFER_REQUESTS: %u (LATENCY), %u "
                "(THROUGHPUT)\n",
                d.optimalInferRequestsLatency,
                d.optimalInferRequestsThroughput);
    std::printf("  DPU clock: %u MHz, CMX: %llu KiB per tile\n", d.dpuClockMHz,
                (unsigned long long)(d.cmxBytesPerTile >> 10));
    std::printf("  NPU_DRIVER_VERSION: %s\n", d.driverVersion.c_str());
  }
  return 0;
}

/// --fill-inputs: a tensor of `info`'s type and shape, floats uniform in
/// [-1, 1) from a fixed generator (the same values on every run), other
/// types 0. The values only matter to the outputs, not to the timings.
HostTensor generatedInput(const TensorInfo &info) {
  HostTensor t(info.dtype, info.shape);
  if (!isFloat(info.dtype))
    return t;
  uint32_t state = 0x9e3779b9u;
  for (int64_t i = 0; i < t.numElements(); ++i) {
    state = state * 1664525u + 1013904223u;
    t.setFromDouble(i, double(state >> 8) / double(1u << 23) - 1.0);
  }
  return t;
}

bool isGivenInput(const std::vector<std::pair<std::string, std::string>> &ins,
                  const std::string &name) {
  for (const auto &in : ins)
    if (in.first == name)
      return true;
  return false;
}

/// Step `step` of `steps` of `stream`, the value of input `info` stacked
/// on its first axis.
Expected<HostTensor> stepOf(const HostTensor &stream, const TensorInfo &info,
                            int steps, int step) {
  std::vector<int64_t> expect = info.shape;
  if (expect.empty())
    return Status::error("--steps: input '" + info.name +
                         "' is a scalar; it has no axis to stack steps on");
  expect[0] *= steps;
  if (stream.dtype() != info.dtype || stream.shape() != expect)
    return Status::error(
        "--steps " + std::to_string(steps) + ": input '" + info.name +
        "' needs " + dtypeName(info.dtype) + " " + shapeToString(expect) +
        " (its " + shapeToString(info.shape) + " stacked " +
        std::to_string(steps) + " times on the first axis), got " +
        dtypeName(stream.dtype()) + " " + shapeToString(stream.shape()));
  HostTensor t(info.dtype, info.shape);
  std::memcpy(t.raw(),
              static_cast<const char *>(stream.raw()) + step * t.byteSize(),
              t.byteSize());
  return t;
}

double millisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  run::RunOptions opts;
  std::string usage;
  switch (run::parseRunArgs(args, opts, usage)) {
  case run::ParseResult::Help:
    std::fputs(run::kUsage, stdout);
    return 0;
  case run::ParseResult::Version:
    std::fputs(versionLine("npu-run").c_str(), stdout);
    return 0;
  case run::ParseResult::UsageError:
    return usageError(usage);
  case run::ParseResult::Run:
    break;
  }
  const std::string &blobPath = opts.blobPath, &outDir = opts.outDir,
                    &tracePath = opts.tracePath;
  ModelConfig &config = opts.config;
  const auto &inputs = opts.inputs;
  int iterations = opts.iterations, requests = opts.requests;
  bool list = opts.list, printProfile = opts.printProfile;

  // Where results go is checked before the inferences, not after them
  // (missing directories are created now).
  // Nothing it reads (the blob, an input or initial state) is overwritten.
  std::vector<NamedFile> reads = {{blobPath, "the blob"}};
  for (const auto &[name, file] : inputs)
    reads.push_back({file, "the --input file of '" + name + "'"});
  for (const auto &[name, file] : opts.stateIn)
    reads.push_back({file, "the --state-in file of '" + name + "'"});
  if (!list) {
    std::string err;
    if (!outDir.empty() && !createDirectories(outDir, err))
      return error(err);
    if (!opts.stateOutDir.empty() && !createDirectories(opts.stateOutDir, err))
      return error(err);
    if (!checkOutputFiles({{tracePath, "the --trace file"},
                           {opts.jsonPath, "the --json file"}},
                          reads, err))
      return error(err);
  }

  auto initStart = std::chrono::steady_clock::now();
  auto core = Core::create();
  if (!core)
    return error(core.message());
  run::RunTimings timings;
  timings.runtimeInitMs = millisecondsSince(initStart);
  timings.requests = requests;
  timings.iterations = iterations;
  for (const std::string &n : (*core)->notes())
    std::fprintf(stderr, "npu-run: note: %s\n", n.c_str());
  if (list)
    return listDevices(**core);
  if (opts.properties) {
    auto props = readModelProperties(blobPath);
    if (!props)
      return error(props.message());
    auto device =
        (*core)->device(config.device.empty() ? props->target : config.device);
    if (!device)
      return error(device.message());
    // As loading it would: figures of a blob on a device it cannot run on
    // mean nothing.
    if (device->architecture != props->target)
      return error("blob was compiled for " + props->target + ", not for the " +
                   device->architecture + " device");
    if (!inputs.empty())
      std::fprintf(stderr, "npu-run: warning: --properties runs nothing: the "
                           "--input files are not read\n");
    Status s = run::reportProperties(*props, *device, opts.jsonPath);
    return s ? 0 : error(s.message());
  }

  config.hint =
      requests > 1 ? PerformanceHint::Throughput : PerformanceHint::Latency;
  config.profiling = !tracePath.empty() || printProfile;
  auto loadStart = std::chrono::steady_clock::now();
  auto model = (*core)->importModel(blobPath, config);
  if (!model)
    return error(model.message());
  CompiledModel &m = **model;

  // Inputs: every one given exactly once, with the right type and shape.
  std::map<std::string, HostTensor> values;
  for (auto &[name, file] : inputs) {
    bool known = false;
    for (const TensorInfo &t : m.inputs())
      known |= t.name == name;
    for (const VariableInfo &v : m.variables())
      if (!known && v.inputName == name)
        return error("'" + name + "' is the input of state variable '" +
                     v.name +
                     "': the request feeds it; give its initial value with "
                     "--state-in " +
                     v.name + "=FILE.npy");
    if (!known) {
      std::string names;
      for (const TensorInfo &t : m.inputs())
        names += (names.empty() ? "" : ", ") + t.name;
      return error("the blob has no input '" + name + "' (inputs: " + names +
                   ")");
    }
    if (values.count(name))
      return error("input '" + name + "' is given twice");
    HostTensor t;
    std::string err;
    if (!readNpy(file, t, err))
      return error(err);
    values.emplace(name, std::move(t));
  }
  for (const TensorInfo &t : m.inputs())
    if (!values.count(t.name) && opts.fillInputs)
      values.emplace(t.name, generatedInput(t));
  for (const TensorInfo &t : m.inputs())
    if (!values.count(t.name))
      return error("input '" + t.name + "' (" + dtypeName(t.dtype) + " " +
                   shapeToString(t.shape) + ") has no --input " + t.name +
                   "=FILE.npy (or --fill-inputs for generated values)");

  // --steps: each input file is the stream of its steps; the request gets
  // one step at a time.
  std::map<std::string, HostTensor> streams;
  if (opts.steps > 0)
    for (const TensorInfo &t : m.inputs()) {
      HostTensor &v = values[t.name];
      if (!isGivenInput(inputs, t.name))
        continue; // Generated: the same value at every step.
      Expected<HostTensor> first = stepOf(v, t, opts.steps, 0);
      if (!first)
        return error(first.message());
      streams[t.name] = std::move(v);
      v = std::move(*first);
    }

  // --state-in: initial values, by variable name.
  std::map<std::string, HostTensor> initialState;
  for (auto &[name, file] : opts.stateIn) {
    bool known = false;
    std::string names;
    for (const VariableInfo &v : m.variables()) {
      known |= v.name == name;
      names += (names.empty() ? "" : ", ") + v.name;
    }
    if (!known)
      return error("the blob has no state variable '" + name + "' (" +
                   (names.empty() ? "it has none" : "it has: " + names) + ")");
    HostTensor t;
    std::string err;
    if (!readNpy(file, t, err))
      return error(err);
    initialState[name] = std::move(t);
  }

  std::vector<std::shared_ptr<InferRequest>> reqs;
  for (int r = 0; r < requests; ++r) {
    auto req = m.createInferRequest();
    if (!req)
      return error(req.message());
    for (auto &[name, t] : values) {
      Status s = (*req)->setTensor(name, t);
      if (!s) {
        // Name the file the value came from (or say it was generated).
        std::string from = "generated";
        for (const auto &[in, file] : inputs)
          if (in == name)
            from = file;
        return error(s.message() + " (from " + from + ")");
      }
    }
    for (VariableState &v : (*req)->queryState()) {
      auto it = initialState.find(v.name());
      Status s =
          it == initialState.end() ? Status::success() : v.setState(it->second);
      if (!s)
        return error(s.message() + " (from --state-in " + v.name() + ")");
    }
    reqs.push_back(*req);
  }

  timings.loadMs = millisecondsSince(loadStart);

  // Each request runs its iterations on its own thread; every inference
  // is timed (the first ones apart: they may initialise).
  std::vector<Status> results(requests);
  std::vector<double> firstMs(requests, 0), laterMs(requests, 0);
  auto start = std::chrono::steady_clock::now();
  // --steps: outputs stacked over the steps.
  std::map<std::string, HostTensor> stacked;
  for (int step = 0; step < opts.steps && results[0].ok(); ++step) {
    for (auto &[name, stream] : streams) { // Step 0: set with the request.
      if (step == 0)
        break;
      const TensorInfo &info = *reqs[0]->getTensor(name)->info;
      Expected<HostTensor> t = stepOf(stream, info, opts.steps, step);
      Status s = t ? reqs[0]->setTensor(name, *t) : t.status();
      if (!s)
        return error(s.message());
    }
    auto inferStart = std::chrono::steady_clock::now();
    results[0] = reqs[0]->infer();
    (step == 0 ? firstMs[0] : laterMs[0]) += millisecondsSince(inferStart);
    for (const TensorInfo &o : m.outputs()) {
      Tensor t = *reqs[0]->getTensor(o.name);
      HostTensor &all = stacked[o.name];
      if (step == 0) {
        // A scalar output becomes a vector of its steps.
        std::vector<int64_t> shape = o.shape;
        if (shape.empty())
          shape.push_back(1);
        shape[0] *= opts.steps;
        all = HostTensor(o.dtype, shape);
      }
      std::memcpy(static_cast<char *>(all.raw()) + step * t.byteSize, t.data,
                  t.byteSize);
    }
  }
  if (opts.steps > 0) {
    iterations = opts.steps;
    timings.iterations = opts.steps;
  }
  std::vector<std::thread> threads;
  for (int r = 0; r < requests && opts.steps == 0; ++r)
    threads.emplace_back([&, r] {
      for (int i = 0; i < iterations && results[r].ok(); ++i) {
        auto inferStart = std::chrono::steady_clock::now();
        results[r] = reqs[r]->infer();
        (i == 0 ? firstMs[r] : laterMs[r]) += millisecondsSince(inferStart);
      }
    });
  for (std::thread &t : threads)
    t.join();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  for (const Status &s : results)
    if (!s)
      return error(s.message());
  timings.loopMs = seconds * 1e3;
  timings.firstInferenceMs = firstMs[0];
  if (iterations > 1) {
    double later = 0;
    for (double ms : laterMs)
      later += ms;
    timings.steadyInferenceMs = later / (double(requests) * (iterations - 1));
  }

  // Outputs of request 0; the others must agree.
  std::string err;
  if (!createDirectories(outDir, err))
    return error(err);
  std::vector<std::string> outputNames;
  for (const TensorInfo &o : m.outputs())
    outputNames.push_back(o.name);
  std::vector<std::string> outputFiles = uniqueFileNames(outputNames);
  // Every output's file is checked before the first is written: none is
  // a file the run reads, nor the trace or the JSON, written after them.
  std::vector<NamedFile> writes = {{tracePath, "the --trace file"},
                                   {opts.jsonPath, "the --json file"}};
  for (size_t i = 0; i < m.outputs().size(); ++i) {
    const std::string &name = m.outputs()[i].name;
    std::string path = outDir + "/" + outputFiles[i] + ".npy";
    for (const NamedFile &r : reads)
      if (isSameFile(path, r.path))
        return error("output '" + name + "' would overwrite " + r.what + " '" +
                     r.path + "'; choose another --output-dir");
    writes.push_back({path, "the file of output '" + name + "'"});
  }
  if (!checkOutputFiles(writes, {}, err))
    return error(err);
  for (size_t i = 0; i < m.outputs().size(); ++i) {
    const TensorInfo &o = m.outputs()[i];
    Tensor t0 = *reqs[0]->getTensor(o.name);
    for (int r = 1; r < requests; ++r) {
      Tensor tr = *reqs[r]->getTensor(o.name);
      if (std::memcmp(t0.data, tr.data, t0.byteSize) != 0)
        return error("infer request " + std::to_string(r) +
                     " produced a different '" + o.name + "' than request 0");
    }
    std::string path = outDir + "/" + outputFiles[i] + ".npy";
    const HostTensor &value =
        opts.steps > 0 ? stacked[o.name] : (stacked[o.name] = t0.toHost());
    if (!writeNpy(path, value, err))
      return error(err);
    std::printf("output '%s' %s %s -> %s\n", o.name.c_str(), dtypeName(o.dtype),
                shapeToString(value.shape()).c_str(), path.c_str());
  }
  // inf or NaN in an output, and the fp16 overflow that usually causes it
  // (FloatChecks.h).
  {
    // How the tasks read each input (the blob was read and verified when
    // the model was imported; a failure here only drops the detail).
    std::vector<run::InputReading> readings;
    std::vector<uint8_t> bytes;
    blob::ReadOptions readOptions;
    readOptions.verifyWeights = false;
    blob::LoadedBlob loaded;
    std::string readError;
    if (blob::readFile(blobPath, bytes, readError) &&
        blob::readBlob(bytes.data(), bytes.size(), readOptions, loaded,
                       readError))
      readings = run::inputReadings(loaded.program);
    std::vector<run::InputValue> in;
    std::vector<std::pair<std::string, const HostTensor *>> out;
    for (const TensorInfo &t : m.inputs()) {
      auto stream = streams.find(t.name);
      run::InputValue v;
      v.name = t.name;
      v.value = stream != streams.end() ? &stream->second : &values[t.name];
      v.reading.toFloat16 = true; // Unless the blob says otherwise.
      for (size_t i = 0; i < loaded.program.inputs.size(); ++i)
        if (loaded.program.inputs[i].name == t.name && i < readings.size())
          v.reading = readings[i];
      in.push_back(std::move(v));
    }
    for (const TensorInfo &o : m.outputs())
      out.emplace_back(o.name, &stacked[o.name]);
    for (const std::string &line : npu::run::floatWarnings(in, out))
      std::fprintf(stderr, "npu-run: %s\n", line.c_str());
  }
  if (!opts.stateOutDir.empty()) {
    if (!createDirectories(opts.stateOutDir, err))
      return error(err);
    std::vector<VariableState> states = reqs[0]->queryState();
    std::vector<std::string> stateNames;
    for (VariableState &v : states)
      stateNames.push_back(v.name());
    std::vector<std::string> stateFiles = uniqueFileNames(stateNames);
    for (size_t i = 0; i < states.size(); ++i) {
      VariableState &v = states[i];
      std::string path = opts.stateOutDir + "/" + stateFiles[i] + ".npy";
      Expected<HostTensor> value = v.getState();
      if (!value)
        return error(value.message());
      if (!writeNpy(path, *value, err))
        return error(err);
      std::printf("state '%s' %s %s -> %s\n", v.name().c_str(),
                  dtypeName(v.info().dtype),
                  shapeToString(v.info().shape).c_str(), path.c_str());
    }
  }

  auto prof = reqs[0]->profile();
  if (!prof)
    return error(prof.message());
  int total = iterations * requests;
  std::printf("device: %s (%s)\n", m.device().name.c_str(),
              m.device().fullName.c_str());
  std::printf("host time: %.3f ms for %d inference(s) on %d request(s): "
              "%.3f ms per inference, %.1f inferences/s\n",
              seconds * 1e3, total, requests, seconds * 1e3 / total,
              total / seconds);
  std::printf("modelled NPU latency: %llu cycles = %.2f us (busy cycles "
              "summed over the engines of a kind: DPUs %llu, DMA ports %llu, "
              "SHAVEs %llu)\n",
              (unsigned long long)prof->totalCycles, prof->latencyUs,
              (unsigned long long)prof->dpuBusyCycles,
              (unsigned long long)prof->dmaBusyCycles,
              (unsigned long long)prof->shaveBusyCycles);
  if (iterations > 1)
    std::printf("load: %.3f ms, first inference: %.3f ms, later inferences: "
                "%.3f ms each\n",
                timings.loadMs, timings.firstInferenceMs,
                *timings.steadyInferenceMs);
  else
    std::printf("load: %.3f ms, first inference: %.3f ms\n", timings.loadMs,
                timings.firstInferenceMs);
  timings.modelledCycles = prof->totalCycles;
  timings.modelledLatencyUs = prof->latencyUs;
  if (!opts.jsonPath.empty()) {
    Status s = run::writeRunJson(opts.jsonPath, blobPath, m.device(), timings);
    if (!s)
      return error(s.message());
  }
  if (printProfile) {
    std::printf("%-10s %12s %12s %12s  %s\n", "engine", "start", "end",
                "cycles", "task");
    for (const TaskProfile &t : prof->tasks)
      std::printf(
          "%-10s %12llu %12llu %12llu  %s\n", t.engine.c_str(),
          (unsigned long long)t.startCycles, (unsigned long long)t.endCycles,
          (unsigned long long)(t.endCycles - t.startCycles), t.name.c_str());
  }
  if (!tracePath.empty()) {
    auto trace = reqs[0]->traceJson();
    if (!trace)
      return error(trace.message());
    if (!createParentDirectories(tracePath, err))
      return error(err);
    std::ofstream f(tracePath);
    if (f)
      f << *trace << std::flush;
    if (!f)
      return error("cannot write trace '" + tracePath +
                   "': " + std::strerror(errno));
    std::printf("trace: %s\n", tracePath.c_str());
  }
  return 0;
}
