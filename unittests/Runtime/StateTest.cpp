//===- StateTest.cpp - State variables in the blob and the runtime --------===//
//
// A hand-built stateful blob, a delay line: y = s_in and s_out = x, two DMA
// copies, with (s_in, s_out) a state variable. Each inference outputs the
// previous one's input, so every step shows whether the runtime fed and
// updated the state. The blob side: the field round-trips, a blob without
// state keeps format 1.0 bytes, and the verifier rejects bad pairs.
//
//===----------------------------------------------------------------------===//

#include "RuntimeHelpers.h"

#include "npu/Blob/BlobReader.h"
#include "npu/Blob/BlobWriter.h"
#include "npu/Blob/Dump.h"
#include "npu/Blob/ProgramBuilder.h"
#include "npu/Blob/Verifier.h"
#include "npu/Runtime/InferRequest.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace npu;
using namespace npu::blob;
using namespace npu::runtime;
using npu::test::load;
using npu::test::sample;

namespace {

constexpr uint32_t kN = 16;

/// The delay line's program: inputs x, s_in; outputs y, s_out.
Program delayLine(std::vector<uint8_t> &weights) {
  ProgramBuilder b(arch::Platform::NPU3720);
  TensorDesc d{"x", DType::F16, {1, kN}, Layout::ND, {}};
  uint32_t x = b.addInput(d);
  d.name = "s_in";
  uint32_t sIn = b.addInput(d);
  d.name = "y";
  uint32_t y = b.addOutput(d);
  d.name = "s_out";
  uint32_t sOut = b.addOutput(d);
  b.addDma(0, b.ref(sIn, DType::F16, {kN}), b.ref(y, DType::F16, {kN}), {}, {},
           "y");
  b.addDma(1, b.ref(x, DType::F16, {kN}), b.ref(sOut, DType::F16, {kN}), {}, {},
           "s_out");
  b.program().states.push_back({"s", 1, 1});
  b.finalize();
  weights = b.weights();
  return b.program();
}

std::vector<uint8_t> delayLineBlob() {
  std::vector<uint8_t> weights;
  Program p = delayLine(weights);
  return writeBlob(p, weights);
}

HostTensor ramp(float start) {
  HostTensor t(DType::F16, {1, kN});
  for (uint32_t i = 0; i < kN; ++i)
    t.setFromDouble(i, start + i);
  return t;
}

std::string verifyError(const Program &p) {
  std::string error;
  EXPECT_FALSE(verifyProgram(p, 0, error));
  return error;
}

} // namespace

TEST(BlobStates, RoundTripAsFormat11) {
  std::vector<uint8_t> weights;
  Program p = delayLine(weights);
  std::vector<uint8_t> bytes = writeBlob(p, weights);
  LoadedBlob b;
  std::string error;
  ASSERT_TRUE(readBlob(bytes.data(), bytes.size(), {}, b, error)) << error;
  EXPECT_EQ(b.header.versionMinor, 1);
  EXPECT_TRUE(b.program == p);
  ASSERT_EQ(b.program.states.size(), 1u);
  EXPECT_EQ(b.program.states[0].name, "s");
  EXPECT_NE(dumpText(b).find("'s': input 1 's_in' -> output 1 's_out'"),
            std::string::npos)
      << dumpText(b);
  std::vector<StateVar> vars;
  ASSERT_TRUE(readStateVars(bytes.data(), bytes.size(), vars, error));
  EXPECT_TRUE(vars == b.program.states);
}

TEST(BlobStates, ABlobWithoutStateKeepsItsBytes) {
  std::vector<uint8_t> bytes =
      sample(arch::Platform::NPU3720, "conv_relu_int8");
  LoadedBlob b;
  std::string error;
  ASSERT_TRUE(readBlob(bytes.data(), bytes.size(), {}, b, error)) << error;
  EXPECT_EQ(b.header.versionMinor, 0);
  EXPECT_TRUE(b.program.states.empty());
  std::vector<uint8_t> weights(b.weights, b.weights + b.weightsSize);
  EXPECT_TRUE(writeBlob(b.program, weights) == bytes);
  std::vector<StateVar> vars{{"stale", 0, 0}};
  ASSERT_TRUE(readStateVars(bytes.data(), bytes.size(), vars, error));
  EXPECT_TRUE(vars.empty());
}

// Blobs that compilers before format 1.1 wrote (the blob fuzzer's seeds),
// decoded and written again: the same bytes, to the last one.
TEST(BlobStates, BlobsWrittenBeforeStatesAreRewrittenByteForByte) {
  int checked = 0;
  for (const auto &entry :
       std::filesystem::directory_iterator(NPU_BLOB_CORPUS_DIR)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("compiled_", 0) != 0)
      continue;
    std::vector<uint8_t> bytes;
    std::string error;
    ASSERT_TRUE(readFile(entry.path().string(), bytes, error)) << error;
    LoadedBlob b;
    ASSERT_TRUE(readBlob(bytes.data(), bytes.size(), {}, b, error))
        << name << ": " << error;
    EXPECT_EQ(b.header.versionMinor, 0) << name;
    std::vector<uint8_t> weights(b.weights, b.weights + b.weightsSize);
    EXPECT_TRUE(writeBlob(b.program, weights) == bytes) << name;
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

TEST(BlobStates, VerifierRejectsBadPairs) {
  std::vector<uint8_t> weights;
  Program p = delayLine(weights);
  std::string error;
  EXPECT_TRUE(verifyProgram(p, weights.size(), error)) << error;

  Program bad = p;
  bad.states[0].input = 2;
  EXPECT_NE(verifyError(bad).find("state variable 0 's' names input 2; the "
                                  "blob has 2"),
            std::string::npos);
  bad = p;
  bad.states[0].output = 7;
  EXPECT_NE(verifyError(bad).find("names output 7"), std::string::npos);
  bad = p;
  bad.states[0].input = 0; // x: same type, so only the name check differs.
  bad.states.push_back({"s", 1, 0});
  EXPECT_NE(verifyError(bad).find("repeats the name"), std::string::npos);
  bad.states[1].name = "t";
  EXPECT_NE(verifyError(bad).find("every output of the blob is a state"),
            std::string::npos);
  bad = p;
  bad.outputs[1].shape = {1, kN / 2};
  EXPECT_NE(verifyError(bad).find("input 's_in' (f16 1x16) and output "
                                  "'s_out' (f16 1x8) differ"),
            std::string::npos)
      << verifyError(bad);
  bad = p;
  bad.outputs[1].dtype = DType::F32;
  EXPECT_NE(verifyError(bad).find("output 's_out' (f32 1x16) differ"),
            std::string::npos);
  bad = p;
  bad.states[0].name.clear();
  EXPECT_NE(verifyError(bad).find("state variable 0 has no name"),
            std::string::npos);
}

TEST(RuntimeStates, StateArgumentsAreHiddenAndCarried) {
  auto m = load(delayLineBlob());
  ASSERT_TRUE(m);
  ASSERT_EQ(m->inputs().size(), 1u);
  EXPECT_EQ(m->inputs()[0].name, "x");
  ASSERT_EQ(m->outputs().size(), 1u);
  EXPECT_EQ(m->outputs()[0].name, "y");
  ASSERT_EQ(m->variables().size(), 1u);
  EXPECT_EQ(m->variables()[0].name, "s");
  EXPECT_EQ(m->variables()[0].inputName, "s_in");
  EXPECT_EQ(m->variables()[0].outputName, "s_out");

  auto req = *m->createInferRequest();
  Status s = req->setTensor("s_in", ramp(0));
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("'s_in' is the input of state variable 's'"),
            std::string::npos);
  EXPECT_NE(s.message().find("queryState()"), std::string::npos);
  EXPECT_FALSE(req->getTensor("s_out").ok());
  EXPECT_NE(req->getTensor("s_out").message().find("output of state variable"),
            std::string::npos);

  // A new request starts from zeros; each inference outputs the input of
  // the one before.
  for (int step = 0; step < 4; ++step) {
    ASSERT_TRUE(req->setTensor("x", ramp(100.0f * step)));
    ASSERT_TRUE(req->infer());
    HostTensor y = req->getTensor("y")->toHost();
    for (uint32_t i = 0; i < kN; ++i)
      EXPECT_EQ(y.getAsDouble(i), step ? 100.0 * (step - 1) + i : 0.0)
          << "step " << step << " element " << i;
  }
}

TEST(RuntimeStates, QueryStateGetsSetsAndResets) {
  auto m = load(delayLineBlob());
  ASSERT_TRUE(m);
  auto req = *m->createInferRequest();
  std::vector<VariableState> states = req->queryState();
  ASSERT_EQ(states.size(), 1u);
  VariableState &v = states[0];
  EXPECT_EQ(v.name(), "s");
  EXPECT_EQ(v.info().shape, (std::vector<int64_t>{1, kN}));
  HostTensor zeros(DType::F16, {1, kN});
  EXPECT_EQ(std::memcmp(v.getState()->raw(), zeros.raw(), zeros.byteSize()), 0);

  ASSERT_TRUE(req->setTensor("x", ramp(7)));
  ASSERT_TRUE(req->infer());
  HostTensor after = *v.getState();
  EXPECT_EQ(after.getAsDouble(3), 10.0); // The state is now x.

  ASSERT_TRUE(v.setState(ramp(-50)));
  ASSERT_TRUE(req->infer());
  EXPECT_EQ(req->getTensor("y")->toHost().getAsDouble(0), -50.0);

  Status wrong = v.setState(HostTensor(DType::F32, {1, kN}));
  ASSERT_FALSE(wrong);
  EXPECT_NE(
      wrong.message().find("state variable 's' expects f16 1x16, got f32 1x16"),
      std::string::npos)
      << wrong.message();

  ASSERT_TRUE(v.reset());
  ASSERT_TRUE(req->infer());
  EXPECT_EQ(req->getTensor("y")->toHost().getAsDouble(5), 0.0);

  // Asynchronous: the state is busy until wait(), then advanced.
  ASSERT_TRUE(req->setTensor("x", ramp(1000)));
  ASSERT_TRUE(req->startAsync());
  EXPECT_NE(v.getState().message().find("in use by a running inference"),
            std::string::npos);
  EXPECT_FALSE(v.setState(ramp(0)));
  EXPECT_FALSE(v.reset());
  ASSERT_TRUE(req->wait());
  EXPECT_EQ(v.getState()->getAsDouble(1), 1001.0);
}

TEST(RuntimeStates, RequestsHaveTheirOwnState) {
  auto m = load(delayLineBlob());
  ASSERT_TRUE(m);
  auto a = *m->createInferRequest(), b = *m->createInferRequest();
  ASSERT_TRUE(a->setTensor("x", ramp(1)));
  ASSERT_TRUE(b->setTensor("x", ramp(2)));
  ASSERT_TRUE(a->infer());
  ASSERT_TRUE(b->infer());
  EXPECT_EQ(a->queryState()[0].getState()->getAsDouble(0), 1.0);
  EXPECT_EQ(b->queryState()[0].getState()->getAsDouble(0), 2.0);
  ASSERT_TRUE(a->infer());
  EXPECT_EQ(a->getTensor("y")->toHost().getAsDouble(0), 1.0);
}

TEST(RuntimeStates, AModelWithoutStateHasNone) {
  auto m = load(sample(arch::Platform::NPU3720, "maxpool_int8"));
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->variables().empty());
  EXPECT_TRUE((*m->createInferRequest())->queryState().empty());
}
