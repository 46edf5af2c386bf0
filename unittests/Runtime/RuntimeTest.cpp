//===- RuntimeTest.cpp - The runtime through the real Level Zero loader ---===//
//
// Everything here goes runtime -> libze_loader -> the simulated driver,
// found by the runtime without any environment variable.
//
//===----------------------------------------------------------------------===//

#include "Reference.h"
#include "RuntimeHelpers.h"

#include "npu/Blob/BlobReader.h"
#include "npu/Blob/BlobWriter.h"
#include "npu/Blob/Samples/Samples.h"
#include "npu/Runtime/CompiledModel.h"
#include "npu/Runtime/Core.h"
#include "npu/Runtime/InferRequest.h"
#include "npu/Simulator/Executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>

using namespace npu;
using namespace npu::runtime;
using npu::test::core;
using npu::test::load;
using npu::test::sample;

namespace {

/// Outputs of the device model run directly (no Level Zero), the oracle
/// for the Level Zero path.
std::vector<HostTensor> direct(const std::vector<uint8_t> &bytes,
                               std::vector<HostTensor> ins) {
  blob::LoadedBlob b;
  std::string error;
  EXPECT_TRUE(blob::readBlob(bytes.data(), bytes.size(), {}, b, error));
  std::vector<sim::ArgMemory> im, om;
  std::vector<HostTensor> outs;
  for (HostTensor &t : ins)
    im.push_back({t.raw(), t.byteSize()});
  for (const blob::TensorDesc &d : b.program.outputs)
    outs.emplace_back(d.dtype, d.shape);
  for (HostTensor &t : outs)
    om.push_back({t.raw(), t.byteSize()});
  sim::DeviceState st;
  EXPECT_TRUE(sim::execute(b, im, om, st, nullptr, error)) << error;
  return outs;
}

} // namespace

TEST(Runtime, EnumeratesBothPlatformsWithTheirProperties) {
  auto c = core();
  ASSERT_TRUE(c);
  ASSERT_EQ(c->devices().size(), 2u);
  EXPECT_EQ(*c->getProperty("NPU3720", "NPU_TILES"), "2");
  EXPECT_EQ(*c->getProperty("NPU4000", "NPU_TILES"), "6");
  EXPECT_EQ(*c->getProperty("3720", "DEVICE_ARCHITECTURE"), "NPU3720");
  EXPECT_EQ(*c->getProperty("NPU3720", "OPTIMAL_NUMBER_OF_INFER_REQUESTS",
                            PerformanceHint::Throughput),
            "4");
  EXPECT_EQ(*c->getProperty("NPU4000", "OPTIMAL_NUMBER_OF_INFER_REQUESTS",
                            PerformanceHint::Throughput),
            "8");
  EXPECT_EQ(*c->getProperty("NPU4000", "OPTIMAL_NUMBER_OF_INFER_REQUESTS",
                            PerformanceHint::Latency),
            "1");
  EXPECT_NE(c->getProperty("NPU4000", "FULL_DEVICE_NAME")->find("Lunar Lake"),
            std::string::npos);
  EXPECT_EQ(*c->getProperty("NPU4000", "NPU_SIMULATED"), "YES");
  EXPECT_NE(c->getProperty("NPU3720", "NPU_DRIVER_VERSION")->find("0.1.0"),
            std::string::npos);
  EXPECT_EQ(c->device("NPU3720")->deviceId, 0x7D1Du);
  EXPECT_EQ(c->device("NPU4000")->cmxBytesPerTile, 1440u << 10);
  auto bad = c->getProperty("NPU9999", "NPU_TILES");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("available: NPU3720, NPU4000"),
            std::string::npos);
  EXPECT_FALSE(c->getProperty("NPU3720", "NO_SUCH_KEY").ok());
}

TEST(Runtime, EverySampleMatchesTheDeviceModel) {
  for (arch::Platform p : {arch::Platform::NPU3720, arch::Platform::NPU4000})
    for (const blob::SampleBlob &s : blob::makeSampleBlobs(p)) {
      auto m = load(s.bytes);
      ASSERT_TRUE(m) << s.name;
      EXPECT_EQ(m->device().name, arch::platformName(p));
      auto req = m->createInferRequest();
      ASSERT_TRUE(req.ok()) << req.message();
      std::vector<HostTensor> ins;
      uint64_t seed = 1;
      for (const TensorInfo &t : m->inputs()) {
        ins.push_back(ref::randomTensor(t.dtype, t.shape, seed++, -100, 100));
        ASSERT_TRUE((*req)->setTensor(t.name, ins.back()).ok());
      }
      Status st = (*req)->infer();
      ASSERT_TRUE(st.ok()) << s.name << ": " << st.message();
      std::vector<HostTensor> expect = direct(s.bytes, ins);
      for (size_t i = 0; i < m->outputs().size(); ++i) {
        Tensor t = *(*req)->getTensor(m->outputs()[i].name);
        ASSERT_EQ(t.byteSize, expect[i].byteSize());
        EXPECT_EQ(std::memcmp(t.data, expect[i].raw(), t.byteSize), 0)
            << s.name;
      }
      auto prof = (*req)->profile();
      ASSERT_TRUE(prof.ok()) << prof.message();
      EXPECT_GT(prof->totalCycles, 0u);
    }
}

TEST(Runtime, ConvThroughLevelZeroMatchesReference) {
  blob::ConvBlobSpec s;
  s.platform = arch::Platform::NPU4000;
  s.height = 20;
  s.width = 12;
  s.inChannels = 32;
  s.outChannels = 64;
  s.nchw = true;
  s.inZeroPoint = 9;
  s.tiles = 6;
  s.workloadsPerTile = 2;
  s.mpeMode = arch::MpeMode::Cuboid8x16;
  blob::fillConvParams(s, 99);
  auto m = load(blob::buildConvBlob(s));
  ASSERT_TRUE(m);
  auto req = *m->createInferRequest();
  HostTensor in = ref::randomTensor(DType::I8, {1, 32, 20, 12}, 3, -128, 127);
  // get_tensor is the device memory itself: fill it in place.
  Tensor t = *req->getTensor("input");
  std::memcpy(t.data, in.raw(), in.byteSize());
  ASSERT_TRUE(req->infer().ok());
  HostTensor expect = ref::convInt8(s, in);
  Tensor out = *req->getTensor("output");
  EXPECT_EQ(std::memcmp(out.data, expect.raw(), expect.byteSize()), 0);
}

TEST(Runtime, ClearErrorsForWrongInputs) {
  auto m = load(sample(arch::Platform::NPU3720, "eltwise_add_int8"));
  ASSERT_TRUE(m);
  auto req = *m->createInferRequest();
  Status s = req->setTensor("c", HostTensor(DType::I8, {1, 16, 16, 32}));
  EXPECT_NE(s.message().find("no input 'c' (inputs: a, b)"), std::string::npos)
      << s.message();
  s = req->setTensor("a", HostTensor(DType::F32, {1, 16, 16, 32}));
  EXPECT_NE(s.message().find("input 'a' expects i8 1x16x16x32, got f32 "
                             "1x16x16x32"),
            std::string::npos)
      << s.message();
  s = req->setTensor("b", HostTensor(DType::I8, {1, 16, 16, 16}));
  EXPECT_NE(s.message().find("got i8 1x16x16x16"), std::string::npos);
  s = req->setTensor("sum", HostTensor(DType::I8, {1, 16, 16, 32}));
  EXPECT_NE(s.message().find("is an output"), std::string::npos);
  EXPECT_FALSE(req->getTensor("nope").ok());
}

TEST(Runtime, RejectsBadBlobsWithTheVerifiersMessage) {
  auto c = core();
  std::vector<uint8_t> b = sample(arch::Platform::NPU3720, "maxpool_int8");
  ModelConfig cfg;
  cfg.device = "NPU4000";
  auto m = c->importModel(b.data(), b.size(), cfg);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.message().find("compiled for NPU3720, not for the NPU4000"),
            std::string::npos)
      << m.message();
  std::vector<uint8_t> cut(b.begin(), b.begin() + 100);
  m = c->importModel(cut.data(), cut.size());
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.message().find("truncated"), std::string::npos) << m.message();
  m = c->importModel(std::string("/nonexistent/model.blob"));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.message().find("cannot open blob"), std::string::npos);
}

TEST(Runtime, DeferredWeightLoadingChecksWeightsAtFirstInference) {
  std::vector<uint8_t> b = sample(arch::Platform::NPU3720, "conv_relu_int8");
  blob::FileHeader h;
  std::memcpy(&h, b.data(), sizeof(h));
  b[h.weightsOffset + 17] ^= 0x10;
  auto c = core();
  // Eager: rejected at import.
  auto eager = c->importModel(b.data(), b.size());
  ASSERT_FALSE(eager.ok());
  EXPECT_NE(eager.message().find("weights are corrupted"), std::string::npos)
      << eager.message();
  // Deferred: imported, rejected by the first inference.
  ModelConfig cfg;
  cfg.deferWeightsLoad = true;
  auto m = c->importModel(b.data(), b.size(), cfg);
  ASSERT_TRUE(m.ok()) << m.message();
  auto req = *(*m)->createInferRequest();
  Status s = req->infer();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("weights are corrupted"), std::string::npos)
      << s.message();
}

TEST(Runtime, DeviceErrorReachesTheCaller) {
  blob::ConvBlobSpec s;
  blob::fillConvParams(s, 2);
  std::vector<uint8_t> bytes = blob::buildConvBlob(s);
  blob::LoadedBlob b;
  std::string error;
  ASSERT_TRUE(blob::readBlob(bytes.data(), bytes.size(), {}, b, error));
  std::vector<uint8_t> w(b.weights, b.weights + b.weightsSize);
  int32_t bad = -64;
  std::memcpy(&w[b.program.buffers[3].offset + 2 * 16], &bad, 4);
  auto m = load(blob::writeBlob(b.program, w));
  ASSERT_TRUE(m);
  auto req = *m->createInferRequest();
  Status st = req->infer();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("device error in dpu[0] task 0 'conv_t0': "
                              "weight table entry 2"),
            std::string::npos)
      << st.message();
  // The request stays usable: the device error did not wedge the queue.
  EXPECT_FALSE(req->infer().ok());
}

TEST(Runtime, ParallelRequestsMatchSequentialRuns) {
  blob::ConvBlobSpec s = blob::benchmarkConvSpec(arch::Platform::NPU3720);
  s.height = s.width = 28;
  auto m = load(blob::buildConvBlob(s), {"", PerformanceHint::Throughput});
  ASSERT_TRUE(m);
  const int kRequests = 4, kRounds = 3;
  std::vector<HostTensor> inputs;
  std::vector<std::vector<uint8_t>> expected;
  {
    auto req = *m->createInferRequest();
    for (int r = 0; r < kRequests; ++r) {
      inputs.push_back(
          ref::randomTensor(DType::I8, {1, 28, 28, 64}, 10 + r, -128, 127));
      ASSERT_TRUE(req->setTensor("input", inputs[r]).ok());
      ASSERT_TRUE(req->infer().ok());
      Tensor t = *req->getTensor("output");
      expected.emplace_back(t.as<uint8_t>(), t.as<uint8_t>() + t.byteSize);
    }
  }
  std::vector<std::shared_ptr<InferRequest>> reqs;
  for (int r = 0; r < kRequests; ++r) {
    reqs.push_back(*m->createInferRequest());
    ASSERT_TRUE(reqs[r]->setTensor("input", inputs[r]).ok());
  }
  std::atomic<int> mismatches{0}, failures{0};
  std::vector<std::thread> threads;
  for (int r = 0; r < kRequests; ++r)
    threads.emplace_back([&, r] {
      for (int i = 0; i < kRounds; ++i) {
        if (!reqs[r]->infer().ok()) {
          ++failures;
          return;
        }
        Tensor t = *reqs[r]->getTensor("output");
        if (std::memcmp(t.data, expected[r].data(), t.byteSize) != 0)
          ++mismatches;
      }
    });
  for (auto &t : threads)
    t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(mismatches, 0);
}

TEST(Runtime, AsyncWithCallbackAndProfiling) {
  ModelConfig cfg;
  cfg.profiling = true;
  std::vector<uint8_t> bytes = sample(arch::Platform::NPU4000, "softmax_fp16");
  auto m = load(bytes, cfg);
  ASSERT_TRUE(m);
  auto req = *m->createInferRequest();
  ASSERT_TRUE(req->setTensor("logits",
                             ref::randomTensor(DType::F16, {1, 1000}, 4, -3, 3))
                  .ok());
  std::atomic<bool> called{false};
  ASSERT_TRUE(req->startAsync([&](const Status &s) { called = s.ok(); }).ok());
  EXPECT_FALSE(req->startAsync().ok()); // One at a time per request.
  ASSERT_TRUE(req->wait().ok());
  EXPECT_TRUE(called);
  EXPECT_FALSE(req->wait().ok()); // Nothing started.
  auto prof = req->profile();
  ASSERT_TRUE(prof.ok()) << prof.message();
  ASSERT_EQ(prof->tasks.size(), 3u);
  EXPECT_EQ(prof->tasks[1].name, "softmax");
  EXPECT_EQ(prof->tasks[1].engine, "shave[0]");
  // Same figure as the device model's own timeline.
  blob::LoadedBlob b;
  std::string error;
  ASSERT_TRUE(blob::readBlob(bytes.data(), bytes.size(), {}, b, error));
  std::vector<uint16_t> in(1000, 0), out(1000);
  sim::DeviceState st;
  sim::RunProfile rp;
  ASSERT_TRUE(sim::execute(b, {{in.data(), 2000}}, {{out.data(), 2000}}, st,
                           &rp, error));
  EXPECT_EQ(prof->totalCycles, rp.totalCycles);
  auto trace = req->traceJson();
  ASSERT_TRUE(trace.ok());
  EXPECT_NE(trace->find("\"shave[0]\""), std::string::npos);
  // Probabilities sum to 1.
  Tensor t = *req->getTensor("probabilities");
  double sum = 0;
  for (int i = 0; i < 1000; ++i)
    sum += halfToFloat(t.as<uint16_t>()[i]);
  EXPECT_NEAR(sum, 1.0, 1e-2);
}
