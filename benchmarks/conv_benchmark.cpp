//===- conv_benchmark.cpp - Simulator speed on a ResNet-style conv --------===//
//
// Runs the int8 3x3 convolution 56x56x64 -> 64 (blob::benchmarkConvSpec: DPU
// tasks on two tiles, DMAs in and out) through the runtime and the simulated
// driver, and prints the functional execution rate in GMAC/s next to the
// modelled NPU latency. Run by hand (benchmarks/run-conv-benchmark.sh puts
// it beside ONNX Runtime); it is not a test.
//
//===----------------------------------------------------------------------===//

#include "npu/Blob/Samples/Samples.h"
#include "npu/Runtime/CompiledModel.h"
#include "npu/Runtime/Core.h"
#include "npu/Runtime/InferRequest.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace npu;
using namespace npu::runtime;

int main(int argc, char **argv) {
  std::string device = "NPU3720";
  int iterations = 50;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--device" && i + 1 < argc)
      device = argv[++i];
    else if (a == "--iterations" && i + 1 < argc)
      iterations = std::max(1, std::atoi(argv[++i]));
    else if (a == "--json")
      json = true;
    else {
      std::fprintf(stderr,
                   "usage: npu-conv-benchmark [--device NPU3720|NPU4000] "
                   "[--iterations N] [--json]\n");
      return a == "--help" || a == "-h" ? 0 : 2;
    }
  }
  auto platform = arch::parsePlatform(device);
  if (!platform) {
    std::fprintf(stderr, "npu-conv-benchmark: unknown device '%s'\n",
                 device.c_str());
    return 2;
  }
  blob::ConvBlobSpec spec = blob::benchmarkConvSpec(*platform);
  std::vector<uint8_t> bytes = blob::buildConvBlob(spec);
  auto core = Core::create();
  if (!core) {
    std::fprintf(stderr, "npu-conv-benchmark: %s\n", core.message().c_str());
    return 1;
  }
  auto model = (*core)->importModel(bytes.data(), bytes.size());
  if (!model) {
    std::fprintf(stderr, "npu-conv-benchmark: %s\n", model.message().c_str());
    return 1;
  }
  auto req = (*model)->createInferRequest();
  if (!req) {
    std::fprintf(stderr, "npu-conv-benchmark: %s\n", req.message().c_str());
    return 1;
  }
  Tensor in = *(*req)->getTensor("input");
  blob::SplitMix rng(1);
  for (size_t i = 0; i < in.byteSize; ++i)
    in.as<int8_t>()[i] = int8_t(rng.uniform(-128, 127));

  const double macs = 56.0 * 56 * 64 * 64 * 9;
  std::vector<double> ms;
  for (int i = 0; i < iterations + 3; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    Status s = (*req)->infer();
    auto t1 = std::chrono::steady_clock::now();
    if (!s) {
      std::fprintf(stderr, "npu-conv-benchmark: %s\n", s.message().c_str());
      return 1;
    }
    if (i >= 3) // Warm-up runs are not counted.
      ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  double median = ms[ms.size() / 2];
  double gmacs = macs / (median * 1e-3) / 1e9;
  auto prof = (*req)->profile();
  uint64_t cycles = prof ? prof->totalCycles : 0;
  double us = prof ? prof->latencyUs : 0.0;
  if (json)
    std::printf("{\"device\": \"%s\", \"median_ms\": %.4f, \"gmacs\": %.3f, "
                "\"modelled_cycles\": %llu, \"modelled_us\": %.3f}\n",
                device.c_str(), median, gmacs, (unsigned long long)cycles, us);
  else
    std::printf("simulator (%s, int8, DPU tasks on %u tiles): %.3f ms per "
                "inference (median of %d), %.2f GMAC/s; modelled NPU latency "
                "%llu cycles = %.2f us\n",
                device.c_str(), spec.tiles, median, iterations, gmacs,
                (unsigned long long)cycles, us);
  return 0;
}
