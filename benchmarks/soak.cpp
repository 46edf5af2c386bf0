//===- soak.cpp - Long and parallel runs of one compiled model -----------===//
//
// npu-soak BLOB: the reliability soak of issue 11. On one compiled model it
// runs N sequential inferences on one infer request, then P infer requests
// in parallel (one thread each) for M inferences each, and checks that every
// output equals, byte for byte, the output of the first inference on the
// same input. It prints the process's resident memory (VmRSS) at the start,
// the middle and the end of the sequential phase and after the parallel one,
// and fails if it grew by more than --max-rss-growth-mb. --rounds R repeats
// the parallel phase with fresh requests (a leak grows round after round).
//
// Device faults: unless --no-fault, a copy of the blob whose first
// convolution has a weight-table entry pointing outside its weights (data
// the verifier cannot check; the device faults when the task runs) is
// loaded on the same device. Every 1000th sequential inference is followed
// by an inference of that copy, which must fail with a device error, and
// one more thread runs it throughout the parallel phase: the good model's
// results must not change. Run by hand (scripts/soak.sh); not a test.
//
//===----------------------------------------------------------------------===//

#include "npu/Blob/BlobReader.h"
#include "npu/Blob/BlobWriter.h"
#include "npu/Runtime/CompiledModel.h"
#include "npu/Runtime/Core.h"
#include "npu/Runtime/InferRequest.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <malloc.h>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace npu;
using namespace npu::runtime;

namespace {

/// The resident set size of this process in KiB (0 if unknown).
long rssKiB() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::atol(line.c_str() + 6);
  return 0;
}

/// Deterministic inputs of realistic magnitude for every graph input.
std::vector<HostTensor> makeInputs(const CompiledModel &m, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> real(-1.0f, 1.0f);
  std::vector<HostTensor> ins;
  for (const TensorInfo &t : m.inputs()) {
    HostTensor h(t.dtype, t.shape);
    auto *bytes = static_cast<uint8_t *>(h.raw());
    size_t n = size_t(shapeNumElements(t.shape));
    if (t.dtype == DType::F32) {
      for (size_t i = 0; i < n; ++i) {
        float v = real(rng);
        std::memcpy(bytes + 4 * i, &v, 4);
      }
    } else if (t.dtype == DType::F16) {
      for (size_t i = 0; i < n; ++i) {
        uint16_t v = floatToHalf(real(rng));
        std::memcpy(bytes + 2 * i, &v, 2);
      }
    } else {
      for (size_t i = 0; i < h.byteSize(); ++i)
        bytes[i] = uint8_t(rng());
    }
    ins.push_back(std::move(h));
  }
  return ins;
}

using Bytes = std::vector<uint8_t>;

/// Sets `ins`, runs one inference and returns every output's bytes.
Status inferOnce(InferRequest &req, const CompiledModel &m,
                 const std::vector<HostTensor> &ins, std::vector<Bytes> &out) {
  for (size_t i = 0; i < ins.size(); ++i)
    if (Status s = req.setTensor(m.inputs()[i].name, ins[i]); !s)
      return s;
  if (Status s = req.infer(); !s)
    return s;
  out.clear();
  for (const TensorInfo &t : m.outputs()) {
    Expected<Tensor> o = req.getTensor(t.name);
    if (!o)
      return o.status();
    out.emplace_back(o->as<uint8_t>(), o->as<uint8_t>() + o->byteSize);
  }
  return Status::success();
}

/// A copy of `bytes` whose first DPU convolution faults on the device: the
/// first entry of its weight table (in the weights section, loaded into CMX
/// by a DMA) points far outside the task's weights. The blob stays valid:
/// the table is data, checked by the device when the task runs.
bool makeFaultingBlob(const std::vector<uint8_t> &bytes, Bytes &out,
                      std::string &error) {
  blob::LoadedBlob b;
  if (!blob::readBlob(bytes.data(), bytes.size(), {}, b, error))
    return false;
  std::vector<uint8_t> weights(b.weights, b.weights + b.weightsSize);
  const blob::Program &p = b.program;
  for (const blob::TaskList &l : p.taskLists)
    for (const blob::Task &t : l.tasks) {
      if (t.kind != blob::Engine::Dpu || !t.dpu.weightTable)
        continue;
      uint32_t table = t.dpu.weightTable->buffer;
      for (const blob::TaskList &dl : p.taskLists)
        for (const blob::Task &d : dl.tasks) {
          if (d.kind != blob::Engine::Dma || d.dma.dst.buffer != table)
            continue;
          const blob::Buffer &src = p.buffers[d.dma.src.buffer];
          if (src.space != blob::MemSpace::Weights)
            continue;
          uint64_t at = src.offset + d.dma.src.offset;
          if (at + 4 > weights.size())
            continue;
          int32_t bad = 0x7fff0000;
          std::memcpy(&weights[at], &bad, 4);
          out = blob::writeBlob(p, weights);
          return true;
        }
    }
  error = "the model has no DPU convolution whose weight table is loaded "
          "from the weights section";
  return false;
}

struct Options {
  std::string blob, device;
  long sequential = 10000, requests = 16, perRequest = 1000, inputs = 16;
  long rounds = 1;
  long maxRssGrowthMiB = 16;
  bool fault = true;
};

int usage(const char *msg) {
  if (msg)
    std::fprintf(stderr, "npu-soak: %s\n", msg);
  std::fprintf(stderr, "usage: npu-soak BLOB [--device NPU3720|NPU4000] "
                       "[--sequential N] [--requests P] [--per-request M]\n"
                       "                [--rounds R] [--inputs K] "
                       "[--max-rss-growth-mb MB] "
                       "[--no-fault]\n");
  return msg ? 2 : 0;
}

} // namespace

int main(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    // Options taking a count: flag, value, whether 0 is allowed.
    struct Count {
      const char *flag;
      long *value;
      bool zeroOk;
    } counts[] = {{"--sequential", &o.sequential, true},
                  {"--requests", &o.requests, false},
                  {"--per-request", &o.perRequest, true},
                  {"--rounds", &o.rounds, false},
                  {"--inputs", &o.inputs, false},
                  {"--max-rss-growth-mb", &o.maxRssGrowthMiB, true}};
    const Count *count = nullptr;
    for (const Count &c : counts)
      if (a == c.flag)
        count = &c;
    if (count) {
      char *end = nullptr;
      long v = i + 1 < argc ? std::strtol(argv[++i], &end, 10) : -1;
      if (!end || *end != '\0' || v < 0 || (v == 0 && !count->zeroOk))
        return usage(
            (a + " takes a " + (count->zeroOk ? "" : "positive ") + "number")
                .c_str());
      *count->value = v;
    } else if (a == "--help" || a == "-h")
      return usage(nullptr);
    else if (a == "--device" && i + 1 < argc)
      o.device = argv[++i];
    else if (a == "--no-fault")
      o.fault = false;
    else if (a.rfind("--", 0) == 0 || !o.blob.empty())
      return usage(("unexpected argument '" + a + "'").c_str());
    else
      o.blob = a;
  }
  if (o.blob.empty())
    return usage("no blob given");

  auto start = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  std::vector<uint8_t> bytes;
  std::string error;
  if (!blob::readFile(o.blob, bytes, error)) {
    std::fprintf(stderr, "npu-soak: %s\n", error.c_str());
    return 1;
  }
  auto core = Core::create();
  if (!core) {
    std::fprintf(stderr, "npu-soak: %s\n", core.message().c_str());
    return 1;
  }
  ModelConfig cfg;
  cfg.device = o.device;
  cfg.hint = PerformanceHint::Throughput;
  auto model = (*core)->importModel(bytes.data(), bytes.size(), cfg);
  if (!model) {
    std::fprintf(stderr, "npu-soak: %s\n", model.message().c_str());
    return 1;
  }
  CompiledModel &m = **model;
  std::shared_ptr<CompiledModel> faulty;
  std::shared_ptr<InferRequest> faultReq;
  if (o.fault) {
    Bytes bad;
    if (!makeFaultingBlob(bytes, bad, error)) {
      std::fprintf(stderr, "npu-soak: cannot inject a fault: %s\n",
                   error.c_str());
      return 1;
    }
    auto f = (*core)->importModel(bad.data(), bad.size(), cfg);
    if (!f) {
      std::fprintf(stderr, "npu-soak: the faulting copy: %s\n",
                   f.message().c_str());
      return 1;
    }
    faulty = *f;
    auto r = faulty->createInferRequest();
    if (!r) {
      std::fprintf(stderr, "npu-soak: %s\n", r.message().c_str());
      return 1;
    }
    faultReq = *r;
  }
  std::atomic<long> faultsSeen{0}, faultsMissed{0};
  std::string faultMessage;
  auto runFault = [&](std::vector<HostTensor> &ins) {
    std::vector<Bytes> ignored;
    Status s = inferOnce(*faultReq, *faulty, ins, ignored);
    if (!s && s.message().find("device error") != std::string::npos) {
      if (faultsSeen++ == 0)
        faultMessage = s.message();
    } else {
      ++faultsMissed;
    }
  };

  // Reference outputs: the first inference on each input.
  std::vector<std::vector<HostTensor>> inputs;
  std::vector<std::vector<Bytes>> expected(size_t(o.inputs));
  auto firstReq = m.createInferRequest();
  if (!firstReq) {
    std::fprintf(stderr, "npu-soak: %s\n", firstReq.message().c_str());
    return 1;
  }
  InferRequest &req = **firstReq;
  for (long k = 0; k < o.inputs; ++k) {
    inputs.push_back(makeInputs(m, uint32_t(1000 + k)));
    if (Status s = inferOnce(req, m, inputs[k], expected[k]); !s) {
      std::fprintf(stderr, "npu-soak: first inference: %s\n",
                   s.message().c_str());
      return 1;
    }
  }
  // Warm up the faulting copy too: its request's device memory (CMX) is
  // allocated by its first inference.
  if (o.fault)
    runFault(inputs[0]);
  long rssStart = rssKiB();
  std::printf("model %s on %s: %zu input(s), %zu output(s)\n", o.blob.c_str(),
              m.device().name.c_str(), m.inputs().size(), m.outputs().size());
  std::printf("RSS start:            %8ld KiB (%.1f s)\n", rssStart, seconds());
  std::fflush(stdout);

  // Sequential phase.
  long mismatches = 0, failures = 0;
  long rssMid = rssStart;
  std::string firstFailure;
  for (long i = 0; i < o.sequential; ++i) {
    std::vector<Bytes> got;
    size_t k = size_t(i % o.inputs);
    Status s = inferOnce(req, m, inputs[k], got);
    if (!s) {
      if (failures++ == 0)
        firstFailure = s.message();
    } else if (got != expected[k]) {
      ++mismatches;
    }
    if (o.fault && (i + 1) % 1000 == 0)
      runFault(inputs[k]);
    if (o.sequential >= 10 && (i + 1) % (o.sequential / 10) == 0 &&
        i + 1 < o.sequential) {
      long rss = rssKiB();
      if (i + 1 == o.sequential / 10 * 5)
        rssMid = rss;
      std::printf("RSS after %6ld seq:  %8ld KiB (%.1f s)\n", i + 1, rss,
                  seconds());
      std::fflush(stdout);
    }
  }
  long rssSeq = rssKiB();
  double seqEnd = seconds();
  std::printf("RSS after %6ld seq:  %8ld KiB (%.1f s)\n", o.sequential, rssSeq,
              seqEnd);
  std::fflush(stdout);

  // Parallel phase, `rounds` times: P fresh requests, one thread each, plus
  // a faulting thread. Every round creates and destroys its requests, so a
  // leak per request or per inference shows as growth from round to round.
  std::atomic<long> parMismatches{0}, parFailures{0}, parDone{0};
  long rssEnd = 0;
  for (long round = 0; round < o.rounds; ++round) {
    std::vector<std::shared_ptr<InferRequest>> reqs;
    for (long r = 0; r < o.requests; ++r) {
      auto x = m.createInferRequest();
      if (!x) {
        std::fprintf(stderr, "npu-soak: %s\n", x.message().c_str());
        return 1;
      }
      reqs.push_back(*x);
    }
    std::atomic<bool> parallelRunning{true};
    std::thread faulter;
    if (o.fault)
      faulter = std::thread([&] {
        std::vector<HostTensor> ins = inputs[0];
        while (parallelRunning)
          runFault(ins);
      });
    long before = parDone;
    std::vector<std::thread> threads;
    for (long r = 0; r < o.requests; ++r)
      threads.emplace_back([&, r] {
        size_t k = size_t(r % o.inputs);
        for (long i = 0; i < o.perRequest; ++i) {
          std::vector<Bytes> got;
          Status s = inferOnce(*reqs[r], m, inputs[k], got);
          if (!s)
            ++parFailures;
          else if (got != expected[k])
            ++parMismatches;
          ++parDone;
        }
      });
    // Resident memory half way and at the end, with every request alive.
    long total = before + o.requests * o.perRequest;
    bool midDone = false;
    while (parDone < total) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (!midDone && parDone - before >= (total - before) / 2) {
        midDone = true;
        std::printf("RSS parallel round %ld, %6ld:  %8ld KiB (%.1f s)\n",
                    round + 1, parDone - before, rssKiB(), seconds());
        std::fflush(stdout);
      }
    }
    for (std::thread &t : threads)
      t.join();
    parallelRunning = false;
    if (faulter.joinable())
      faulter.join();
    std::printf("RSS parallel round %ld, %6ld:  %8ld KiB (%.1f s)\n", round + 1,
                parDone - before, rssKiB(), seconds());
    reqs.clear();
    // Freed memory the allocator keeps in its per-thread arenas is not a
    // leak: return it to the system before measuring.
    malloc_trim(0);
    rssEnd = rssKiB();
    std::printf("RSS after round %ld (requests destroyed): %ld KiB\n",
                round + 1, rssEnd);
    std::fflush(stdout);
  }
  double parSeconds = seconds() - seqEnd;

  // After every fault (and one more now), the first request still computes
  // the same results.
  if (o.fault)
    runFault(inputs[0]);
  long after = 0;
  for (long k = 0; k < o.inputs; ++k) {
    std::vector<Bytes> got;
    if (inferOnce(req, m, inputs[k], got) && got == expected[k])
      ++after;
  }
  std::printf("sequential: %ld inferences, %ld failed, %ld differ from the "
              "first run (%.0f inferences/s)\n",
              o.sequential, failures, mismatches,
              seqEnd > 0 ? double(o.sequential) / seqEnd : 0.0);
  std::printf("parallel: %ld round(s) of %ld requests x %ld inferences = "
              "%ld, %ld failed, %ld differ from the sequential results (%.1f "
              "s, %.0f inferences/s)\n",
              o.rounds, o.requests, o.perRequest, long(parDone),
              long(parFailures), long(parMismatches), parSeconds,
              parSeconds > 0 ? double(parDone) / parSeconds : 0.0);
  if (o.fault)
    std::printf("faults: %ld faulting inferences reported a device error, "
                "%ld did not; first: %s\n",
                long(faultsSeen), long(faultsMissed), faultMessage.c_str());
  std::printf("after the faults: %ld of %ld inputs give the same results\n",
              after, o.inputs);
  long growth = rssEnd - rssStart;
  std::printf("RSS growth: %ld KiB from the start, %ld KiB from the middle "
              "of the sequential phase (limit %ld MiB); wall time %.1f s\n",
              growth, rssEnd - rssMid, o.maxRssGrowthMiB, seconds());
  if (!firstFailure.empty())
    std::printf("first failure: %s\n", firstFailure.c_str());
  bool ok = failures == 0 && mismatches == 0 && parFailures == 0 &&
            parMismatches == 0 && after == o.inputs &&
            growth <= o.maxRssGrowthMiB * 1024 &&
            (!o.fault || (faultsMissed == 0 && faultsSeen > 0));
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
