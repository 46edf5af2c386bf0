//===- LongRunTest.cpp - Repeated, parallel and faulting inferences -------===//
//
// The short version of the soak (benchmarks/soak.cpp, scripts/soak.sh):
// hundreds of sequential inferences and parallel infer requests on one model
// give the first run's results; a task that faults on the device reports a
// device error naming the task, and leaves the request, the model and the
// device usable; every corrupted byte of a blob is rejected at import.
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

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <functional>
#include <thread>

using namespace npu;
using namespace npu::runtime;
using npu::test::core;
using npu::test::load;

namespace {

using Bytes = std::vector<uint8_t>;

/// Sets the inputs (in order), infers and returns the first output's bytes.
Status infer(InferRequest &req, const CompiledModel &m,
             const std::vector<HostTensor> &ins, Bytes &out) {
  for (size_t i = 0; i < ins.size(); ++i)
    if (Status s = req.setTensor(m.inputs()[i].name, ins[i]); !s)
      return s;
  if (Status s = req.infer(); !s)
    return s;
  Tensor t = *req.getTensor(m.outputs()[0].name);
  out.assign(t.as<uint8_t>(), t.as<uint8_t>() + t.byteSize);
  return Status::success();
}

/// The small convolution of the samples (16x16x16 -> 16, one tile) whose
/// weight table is not in the weights section but a second graph input,
/// "weight_table" (i32 [16, 4]), that a DMA copies into CMX. The table is
/// data the verifier cannot check: a bad entry is a device error when the
/// DPU task runs, and a good one gives the original convolution. `table`
/// receives the original (good) table.
Bytes tableInputConvBlob(Bytes &original, HostTensor &table) {
  blob::ConvBlobSpec spec;
  blob::fillConvParams(spec, 2);
  original = blob::buildConvBlob(spec);
  blob::LoadedBlob b;
  std::string error;
  EXPECT_TRUE(blob::readBlob(original.data(), original.size(), {}, b, error))
      << error;
  blob::Program p = b.program;
  std::vector<uint8_t> weights(b.weights, b.weights + b.weightsSize);
  uint32_t K = spec.outChannels;
  p.inputs.push_back(
      {"weight_table", DType::I32, {K, 4}, blob::Layout::ND, {}});
  uint32_t argBuf = uint32_t(p.buffers.size());
  p.buffers.push_back(
      {"weight_table_arg", blob::MemSpace::Input, 1, 0, uint64_t(K) * 16});
  bool found = false;
  for (blob::TaskList &l : p.taskLists)
    for (blob::Task &t : l.tasks)
      if (t.name == "load_weight_table_t0") {
        const blob::Buffer &src = p.buffers[t.dma.src.buffer];
        table = HostTensor(DType::I32, {K, 4});
        std::memcpy(table.raw(), &weights[src.offset + t.dma.src.offset],
                    table.byteSize());
        t.dma.src.buffer = argBuf;
        t.dma.src.offset = 0;
        found = true;
      }
  EXPECT_TRUE(found) << "the conv sample has no load_weight_table_t0 DMA";
  return blob::writeBlob(p, weights);
}

/// Creates `n` requests of `m` and runs `body(request index, request)` on
/// one thread per request, all at once.
void inParallel(CompiledModel &m, int n,
                const std::function<void(int, InferRequest &)> &body) {
  std::vector<std::shared_ptr<InferRequest>> reqs;
  for (int r = 0; r < n; ++r)
    reqs.push_back(*m.createInferRequest());
  std::vector<std::thread> threads;
  for (int r = 0; r < n; ++r)
    threads.emplace_back([&, r] { body(r, *reqs[r]); });
  for (std::thread &t : threads)
    t.join();
}

} // namespace

TEST(LongRun, SequentialAndParallelInferencesGiveTheFirstResults) {
  blob::ConvBlobSpec spec;
  blob::fillConvParams(spec, 7);
  auto m = load(blob::buildConvBlob(spec), {"", PerformanceHint::Throughput});
  ASSERT_TRUE(m);
  const int kInputs = 8, kSequential = 400, kRequests = 8, kPerRequest = 30;
  std::vector<std::vector<HostTensor>> inputs;
  std::vector<Bytes> expected(kInputs);
  auto req = *m->createInferRequest();
  for (int k = 0; k < kInputs; ++k) {
    inputs.push_back({ref::randomTensor(DType::I8, {1, 16, 16, 16},
                                        uint32_t(100 + k), -128, 127)});
    ASSERT_TRUE(infer(*req, *m, inputs[k], expected[k]).ok());
  }
  // Distinct inputs give distinct outputs: the comparison can fail.
  ASSERT_NE(expected[0], expected[1]);
  int failures = 0, mismatches = 0;
  for (int i = 0; i < kSequential; ++i) {
    Bytes got;
    if (!infer(*req, *m, inputs[i % kInputs], got).ok())
      ++failures;
    else if (got != expected[i % kInputs])
      ++mismatches;
  }
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(mismatches, 0);

  std::atomic<int> parFailures{0}, parMismatches{0};
  inParallel(*m, kRequests, [&](int r, InferRequest &req) {
    for (int i = 0; i < kPerRequest; ++i) {
      // Each request cycles through the inputs, offset by its index, so
      // that concurrent requests run different data.
      int k = (r + i) % kInputs;
      Bytes got;
      if (!infer(req, *m, inputs[k], got).ok())
        ++parFailures;
      else if (got != expected[k])
        ++parMismatches;
    }
  });
  EXPECT_EQ(parFailures, 0);
  EXPECT_EQ(parMismatches, 0);

  // Asynchronous requests, all in flight at once.
  std::vector<std::shared_ptr<InferRequest>> reqs;
  for (int r = 0; r < kRequests; ++r)
    reqs.push_back(*m->createInferRequest());
  for (int round = 0; round < 5; ++round) {
    for (int r = 0; r < kRequests; ++r) {
      ASSERT_TRUE(reqs[r]->setTensor("input", inputs[r % kInputs][0]).ok());
      ASSERT_TRUE(reqs[r]->startAsync().ok());
    }
    for (int r = 0; r < kRequests; ++r) {
      ASSERT_TRUE(reqs[r]->wait().ok());
      Tensor t = *reqs[r]->getTensor("output");
      EXPECT_EQ(Bytes(t.as<uint8_t>(), t.as<uint8_t>() + t.byteSize),
                expected[r % kInputs]);
    }
  }
}

TEST(LongRun, DeviceFaultLeavesRequestModelAndDeviceUsable) {
  Bytes original;
  HostTensor goodTable;
  Bytes bytes = tableInputConvBlob(original, goodTable);
  auto m = load(bytes);
  auto plain = load(original);
  ASSERT_TRUE(m && plain);
  HostTensor badTable = goodTable;
  badTable.data<int32_t>()[2 * 4] = -64; // Entry 2's weights offset.
  HostTensor input =
      ref::randomTensor(DType::I8, {1, 16, 16, 16}, 5, -128, 127);

  Bytes expected, got;
  auto plainReq = *plain->createInferRequest();
  ASSERT_TRUE(infer(*plainReq, *plain, {input}, expected).ok());
  auto req = *m->createInferRequest();
  ASSERT_TRUE(infer(*req, *m, {input, goodTable}, got).ok());
  EXPECT_EQ(got, expected); // The table input gives the same convolution.

  for (int i = 0; i < 3; ++i) {
    Status s = infer(*req, *m, {input, badTable}, got);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("inference failed (ZE_RESULT_ERROR_UNKNOWN): "
                               "device error in dpu[0] task 0 'conv_t0': "
                               "weight table entry 2"),
              std::string::npos)
        << s.message();
    // The same request, the same graph and another model on the device all
    // run correctly right after the fault.
    ASSERT_TRUE(infer(*req, *m, {input, goodTable}, got).ok());
    EXPECT_EQ(got, expected);
    ASSERT_TRUE(infer(*plainReq, *plain, {input}, got).ok());
    EXPECT_EQ(got, expected);
  }
  // Asynchronously too: the fault reaches wait() and the callback.
  ASSERT_TRUE(req->setTensor("weight_table", badTable).ok());
  std::atomic<bool> callbackSawError{false};
  ASSERT_TRUE(
      req->startAsync([&](const Status &s) { callbackSawError = !s.ok(); })
          .ok());
  EXPECT_FALSE(req->wait().ok());
  EXPECT_TRUE(callbackSawError);
  ASSERT_TRUE(infer(*req, *m, {input, goodTable}, got).ok());
  EXPECT_EQ(got, expected);
}

TEST(LongRun, FaultsInParallelDoNotDisturbOtherRequests) {
  Bytes original;
  HostTensor goodTable;
  Bytes bytes = tableInputConvBlob(original, goodTable);
  auto m = load(bytes, {"", PerformanceHint::Throughput});
  ASSERT_TRUE(m);
  HostTensor badTable = goodTable;
  badTable.data<int32_t>()[5 * 4] = 1 << 20;
  const int kRequests = 4, kPerRequest = 30;
  std::vector<std::vector<HostTensor>> inputs;
  std::vector<Bytes> expected(kRequests);
  auto first = *m->createInferRequest();
  for (int r = 0; r < kRequests; ++r) {
    inputs.push_back({ref::randomTensor(DType::I8, {1, 16, 16, 16},
                                        uint32_t(40 + r), -128, 127),
                      goodTable});
    ASSERT_TRUE(infer(*first, *m, inputs[r], expected[r]).ok());
  }
  // Request 0 alternates faulting and good inferences; the others run good
  // ones throughout.
  std::atomic<int> unexpected{0}, faults{0};
  inParallel(*m, kRequests, [&](int r, InferRequest &req) {
    for (int i = 0; i < kPerRequest; ++i) {
      bool fault = r == 0 && i % 2 == 1;
      std::vector<HostTensor> ins = inputs[r];
      if (fault)
        ins[1] = badTable;
      Bytes got;
      Status s = infer(req, *m, ins, got);
      if (fault && !s.ok() &&
          s.message().find("weight table entry 5") != std::string::npos)
        ++faults;
      else if (fault || !s.ok() || got != expected[r])
        ++unexpected;
    }
  });
  EXPECT_EQ(faults, kPerRequest / 2);
  EXPECT_EQ(unexpected, 0);
}

TEST(LongRun, EveryCorruptedByteIsRejectedAtImport) {
  // Every byte of a sample with weights, inverted, through Core::importModel
  // (the runtime's header peek, then zeGraphCreate's reader and the weights
  // check at initialisation): rejected with a message, never accepted. With
  // deferred weights loading a corrupted weight is rejected by the first
  // inference instead.
  std::vector<uint8_t> bytes =
      test::sample(arch::Platform::NPU3720, "conv_relu_int8");
  ASSERT_FALSE(bytes.empty());
  ASSERT_TRUE(load(bytes));
  blob::FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof(h));
  ASSERT_GT(h.weightsSize, 0u);
  ModelConfig deferred;
  deferred.deferWeightsLoad = true;
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::vector<uint8_t> flipped = bytes;
    flipped[i] ^= 0xff;
    auto m = core()->importModel(flipped.data(), flipped.size());
    ASSERT_FALSE(m.ok()) << "byte " << i << " accepted";
    ASSERT_NE(m.message().find("blob"), std::string::npos)
        << "byte " << i << ": " << m.message();
    if (i < h.weightsOffset)
      continue;
    auto d = core()->importModel(flipped.data(), flipped.size(), deferred);
    ASSERT_TRUE(d.ok()) << d.message();
    Status s = (*(*d)->createInferRequest())->infer();
    ASSERT_FALSE(s.ok()) << "byte " << i << " accepted by the inference";
    ASSERT_NE(s.message().find("blob weights are corrupted"), std::string::npos)
        << s.message();
  }
}
