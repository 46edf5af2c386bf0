//===- InterpreterTest.cpp - Execution, errors, observers, caching --------===//

#include "InterpreterTestUtils.h"
#include "KernelTestUtils.h"

#include "npu/Interpreter/TensorConversion.h"
#include "npu/Kernels/Conv.h"

#include "llvm/Support/raw_ostream.h"

using namespace npu;
using namespace npu::testing;

namespace {

const char *kConvBlock = R"mlir(
func.func @main(%x: tensor<1x3x9x9xf32>) -> tensor<1x8x5x5xf32> {
  %w = npu.constant dense<[[[[0.1, -0.2, 0.3], [0.0, 0.5, -0.5], [0.25, 0.1, -0.1]]]]> : tensor<1x1x3x3xf32>
  %wb = npu.expand %w : tensor<1x1x3x3xf32> to tensor<8x3x3x3xf32>
  %b = npu.constant dense<[0.0, 0.1, -0.1, 0.2, -0.2, 0.3, -0.3, 0.4]> : tensor<8xf32>
  %c = npu.conv %x, %wb, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (tensor<1x3x9x9xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x5x5xf32>
  %r = npu.hard_swish %c : tensor<1x8x5x5xf32>
  %s = npu.constant dense<2.0> : tensor<f32>
  %m = npu.mul %r, %s : (tensor<1x8x5x5xf32>, tensor<f32>) -> tensor<1x8x5x5xf32>
  %a = npu.add %m, %r : (tensor<1x8x5x5xf32>, tensor<1x8x5x5xf32>) -> tensor<1x8x5x5xf32>
  return %a : tensor<1x8x5x5xf32>
}
)mlir";

/// The conv block computed with the kernels directly.
HostTensor convBlockReference(const HostTensor &x) {
  float w1[9] = {0.1f, -0.2f, 0.3f, 0.0f, 0.5f, -0.5f, 0.25f, 0.1f, -0.1f};
  HostTensor w(DType::F32, {8, 3, 3, 3});
  for (int64_t i = 0; i < w.numElements(); ++i)
    w.data<float>()[i] = w1[i % 9];
  HostTensor b = f32({8}, {0.0, 0.1, -0.1, 0.2, -0.2, 0.3, -0.3, 0.4});
  kernels::ConvParams p;
  p.strides = {2, 2};
  p.dilations = {1, 1};
  p.pads = {1, 1, 1, 1};
  HostTensor y(DType::F32, {1, 8, 5, 5});
  EXPECT_TRUE(kernels::convReference(x, w, &b, y, p).ok());
  for (int64_t i = 0; i < y.numElements(); ++i) {
    float v = y.data<float>()[i];
    float hs = v * std::min(std::max(v / 6.0f + 0.5f, 0.0f), 1.0f);
    y.data<float>()[i] = hs * 2.0f + hs;
  }
  return y;
}

/// Runs `f` without fusions, then with them on 1 and 3 threads (twice each,
/// recycling results), expects bit-identical results and returns how many
/// timing entries of the last fused run satisfy `counts`.
int checkFusionIsExact(InterpreterTest &t, mlir::func::FuncOp f,
                       const std::vector<HostTensor> &in,
                       const std::function<bool(const OpTiming &)> &counts) {
  InterpreterOptions plain;
  plain.fuseElementwise = plain.fuseActivations = false;
  auto expected = Interpreter(plain).run(f, in);
  EXPECT_TRUE(mlir::succeeded(expected)) << t.allDiagnostics();
  if (mlir::failed(expected))
    return -1;
  int matches = 0;
  for (int threads : {1, 3}) {
    InterpreterOptions fused;
    fused.numThreads = threads;
    fused.collectTimings = true;
    Interpreter interp(fused);
    for (int run = 0; run < 2; ++run) {
      auto got = interp.run(f, in);
      EXPECT_TRUE(mlir::succeeded(got)) << t.allDiagnostics();
      if (mlir::failed(got))
        return -1;
      for (size_t r = 0; r < got->size(); ++r)
        EXPECT_EQ(0, std::memcmp((*got)[r].raw(), (*expected)[r].raw(),
                                 (*got)[r].byteSize()))
            << "result " << r << " with " << threads << " threads";
      interp.recycle(*got);
    }
    matches = 0;
    for (const OpTiming &timing : interp.timings())
      matches += counts(timing);
  }
  return matches;
}

} // namespace

TEST_F(InterpreterTest, RunsAConvBlock) {
  HostTensor x = randomTensor({1, 3, 9, 9}, 21);
  HostTensor y = runOne(kConvBlock, {x});
  expectClose(y, convBlockReference(x), 1e-5, 1e-5);
}

TEST_F(InterpreterTest, SameResultsWithObserverThreadsAndRepeatedRuns) {
  HostTensor x = randomTensor({1, 3, 9, 9}, 22);
  mlir::func::FuncOp f = parse(kConvBlock);
  ASSERT_TRUE(f);
  std::vector<std::string> seen;
  InterpreterOptions observed;
  observed.numThreads = 1;
  observed.observer = [&](mlir::Operation *op,
                          llvm::ArrayRef<const HostTensor *> results) {
    seen.push_back(op->getName().getStringRef().str());
    ASSERT_EQ(results.size(), op->getNumResults());
    for (const HostTensor *t : results)
      ASSERT_TRUE(t && t->numElements() > 0);
  };
  Interpreter a(observed);
  auto ra = a.run(f, {x});
  ASSERT_TRUE(mlir::succeeded(ra)) << allDiagnostics();
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "npu.constant", "npu.expand", "npu.constant", "npu.conv",
                      "npu.hard_swish", "npu.constant", "npu.mul", "npu.add"}));
  InterpreterOptions threaded;
  threaded.numThreads = 3;
  threaded.collectTimings = true;
  Interpreter b(threaded);
  for (int run = 0; run < 3; ++run) {
    auto rb = b.run(f, {x});
    ASSERT_TRUE(mlir::succeeded(rb)) << allDiagnostics();
    expectClose((*rb)[0], (*ra)[0], 1e-6, 1e-6);
  }
  // Every op is accounted for, fused ones in their group's entry.
  unsigned ops = 0;
  for (const OpTiming &t : b.timings())
    ops += t.fusedOps;
  EXPECT_EQ(ops, 8u);
  std::string report;
  llvm::raw_string_ostream os(report);
  b.printTimingReport(os);
  EXPECT_NE(os.str().find("npu.conv"), std::string::npos);
}

TEST_F(InterpreterTest, FusedActivationMatchesUnfused) {
  const char *src = R"mlir(
func.func @main(%x: tensor<1x4x6x6xf32>, %w: tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (tensor<1x4x6x6xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32>
  %r = npu.clip %c {min = -0.5 : f64, max = 0.5 : f64} : tensor<1x4x6x6xf32>
  return %r : tensor<1x4x6x6xf32>
}
)mlir";
  HostTensor x = randomTensor({1, 4, 6, 6}, 1),
             w = randomTensor({4, 4, 3, 3}, 2);
  HostTensor fused = runOne(src, {x, w});
  InterpreterOptions noFusion;
  noFusion.fuseActivations = false;
  HostTensor plain = runOne(src, {x, w}, noFusion);
  expectClose(fused, plain, 1e-6, 1e-6);
  double maxAbs = 0;
  for (int64_t i = 0; i < fused.numElements(); ++i)
    maxAbs = std::max(maxAbs, std::fabs(fused.getAsDouble(i)));
  EXPECT_LE(maxAbs, 0.5);
}

TEST_F(InterpreterTest, FusedElementwiseChainsMatchOpByOp) {
  // A hard-swish chain with per-channel, scalar and full-size operands, an
  // intermediate value read after the chain, and a size that is not a
  // multiple of the fusion chunk.
  const char *src = R"mlir(
func.func @main(%x: tensor<1x3x37x41xf32>, %s: tensor<1x3x1x1xf32>, %y: tensor<1x3x37x41xf32>) -> (tensor<1x3x37x41xf32>, tensor<1x3x37x41xf32>) {
  %c3 = npu.constant dense<3.0> : tensor<f32>
  %a = npu.mul %s, %x : (tensor<1x3x1x1xf32>, tensor<1x3x37x41xf32>) -> tensor<1x3x37x41xf32>
  %b = npu.add %a, %c3 : (tensor<1x3x37x41xf32>, tensor<f32>) -> tensor<1x3x37x41xf32>
  %c = npu.clip %b {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x3x37x41xf32>
  %d = npu.mul %a, %c : (tensor<1x3x37x41xf32>, tensor<1x3x37x41xf32>) -> tensor<1x3x37x41xf32>
  %c6 = npu.constant dense<6.0> : tensor<1xf32>
  %e = npu.div %d, %c6 : (tensor<1x3x37x41xf32>, tensor<1xf32>) -> tensor<1x3x37x41xf32>
  %f = npu.sub %e, %y : (tensor<1x3x37x41xf32>, tensor<1x3x37x41xf32>) -> tensor<1x3x37x41xf32>
  %g = npu.tanh %f : tensor<1x3x37x41xf32>
  %h = npu.transpose %b {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x3x37x41xf32>) -> tensor<1x3x41x37xf32>
  %i = npu.reshape %h : tensor<1x3x41x37xf32> to tensor<1x3x37x41xf32>
  return %g, %i : tensor<1x3x37x41xf32>, tensor<1x3x37x41xf32>
}
)mlir";
  std::vector<HostTensor> in = {randomTensor({1, 3, 37, 41}, 5, -8, 8),
                                randomTensor({1, 3, 1, 1}, 6),
                                randomTensor({1, 3, 37, 41}, 7)};
  mlir::func::FuncOp f = parse(src);
  ASSERT_TRUE(f);
  EXPECT_EQ(
      1, checkFusionIsExact(*this, f, in,
                            [](const OpTiming &t) { return t.fusedOps == 7; }))
      << "mul..tanh should form one group";
}

TEST_F(InterpreterTest, SelectiveObserverKeepsFusionsAndSeesItsOps) {
  HostTensor x = randomTensor({1, 3, 9, 9}, 23);
  mlir::func::FuncOp f = parse(kConvBlock);
  ASSERT_TRUE(f);
  std::vector<std::string> seen;
  InterpreterOptions options;
  options.collectTimings = true;
  options.observer = [&](mlir::Operation *op,
                         llvm::ArrayRef<const HostTensor *> results) {
    seen.push_back(op->getName().getStringRef().str());
    EXPECT_EQ(results[0]->shape(), (std::vector<int64_t>{1, 8, 5, 5}));
  };
  options.observeOp = [](mlir::Operation *op) {
    return mlir::isa<HardSwishOp>(op);
  };
  Interpreter interp(options);
  auto r = interp.run(f, {x});
  ASSERT_TRUE(mlir::succeeded(r)) << allDiagnostics();
  expectClose((*r)[0], convBlockReference(x), 1e-5, 1e-5);
  EXPECT_EQ(seen, (std::vector<std::string>{"npu.hard_swish"}));
  // hard_swish is observed, so it is not fused into the conv; mul and add
  // are not, and still form a group.
  bool sawGroup = false;
  for (const OpTiming &t : interp.timings())
    sawGroup |= t.fusedOps == 2;
  EXPECT_TRUE(sawGroup);
}

TEST_F(InterpreterTest, ElementwiseGroupsRunInsideConvolutions) {
  // conv -> relu -> (mul by a per-channel constant, hard-swish as
  // add/clip/mul/div, residual add of an earlier value): the group runs
  // inside each convolution kind; %keep (a second convolution's result is
  // read after its group) must stay unattached.
  const char *src = R"mlir(
func.func @main(%x: tensor<1x4x13x15xf32>, %w: tensor<4x4x3x3xf32>, %dw: tensor<4x1x3x3xf32>, %tw: tensor<4x4x1x1xf32>) -> (tensor<1x4x13x15xf32>, tensor<1x4x13x15xf32>, tensor<1x4x13x15xf32>, tensor<1x4x13x15xf32>) {
  %c = npu.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (tensor<1x4x13x15xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x13x15xf32>
  %r = npu.relu %c : tensor<1x4x13x15xf32>
  %s = npu.constant dense<[[[[0.5]], [[1.5]], [[-1.0]], [[2.0]]]]> : tensor<1x4x1x1xf32>
  %a = npu.mul %r, %s : (tensor<1x4x13x15xf32>, tensor<1x4x1x1xf32>) -> tensor<1x4x13x15xf32>
  %three = npu.constant dense<3.0> : tensor<f32>
  %b = npu.add %a, %three : (tensor<1x4x13x15xf32>, tensor<f32>) -> tensor<1x4x13x15xf32>
  %cl = npu.clip %b {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x4x13x15xf32>
  %m = npu.mul %a, %cl : (tensor<1x4x13x15xf32>, tensor<1x4x13x15xf32>) -> tensor<1x4x13x15xf32>
  %six = npu.constant dense<6.0> : tensor<f32>
  %d = npu.div %m, %six : (tensor<1x4x13x15xf32>, tensor<f32>) -> tensor<1x4x13x15xf32>
  %y = npu.add %d, %x : (tensor<1x4x13x15xf32>, tensor<1x4x13x15xf32>) -> tensor<1x4x13x15xf32>
  %e = npu.conv %y, %dw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 4 : i64} : (tensor<1x4x13x15xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x13x15xf32>
  %f = npu.sigmoid %e : tensor<1x4x13x15xf32>
  %g = npu.mul %f, %y : (tensor<1x4x13x15xf32>, tensor<1x4x13x15xf32>) -> tensor<1x4x13x15xf32>
  %t = npu.conv_transpose %g, %tw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 0, 0>} : (tensor<1x4x13x15xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x13x15xf32>
  %u = npu.tanh %t : tensor<1x4x13x15xf32>
  %v = npu.sub %u, %g : (tensor<1x4x13x15xf32>, tensor<1x4x13x15xf32>) -> tensor<1x4x13x15xf32>
  %keep = npu.conv %v, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64} : (tensor<1x4x13x15xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x13x15xf32>
  %k1 = npu.neg %keep : tensor<1x4x13x15xf32>
  %k2 = npu.exp %k1 : tensor<1x4x13x15xf32>
  %z = npu.add %k2, %keep : (tensor<1x4x13x15xf32>, tensor<1x4x13x15xf32>) -> tensor<1x4x13x15xf32>
  return %y, %v, %keep, %z : tensor<1x4x13x15xf32>, tensor<1x4x13x15xf32>, tensor<1x4x13x15xf32>, tensor<1x4x13x15xf32>
}
)mlir";
  std::vector<HostTensor> in = {
      randomTensor({1, 4, 13, 15}, 41), randomTensor({4, 4, 3, 3}, 42),
      randomTensor({4, 1, 3, 3}, 43), randomTensor({4, 4, 1, 1}, 44)};
  mlir::func::FuncOp f = parse(src);
  ASSERT_TRUE(f);
  EXPECT_EQ(3, checkFusionIsExact(*this, f, in,
                                  [](const OpTiming &t) {
                                    return mlir::isa<ConvOp, ConvTransposeOp>(
                                               t.op) &&
                                           t.fusedOps > 1;
                                  }))
      << "conv, depthwise conv and conv_transpose";
}

TEST_F(InterpreterTest, InPlaceUpdatesKeepSharedValuesIntact) {
  // %a is used by three ops: none of them may overwrite it.
  const char *src = R"mlir(
func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %a = npu.exp %x : tensor<4xf32>
  %b = npu.neg %a : tensor<4xf32>
  %c = npu.add %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %d = npu.sub %c, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %e = npu.reshape %d : tensor<4xf32> to tensor<2x2xf32>
  %f = npu.reshape %e : tensor<2x2xf32> to tensor<4xf32>
  return %b, %f : tensor<4xf32>, tensor<4xf32>
}
)mlir";
  HostTensor x = f32({4}, {0, 1, -1, 2});
  auto r = run(src, {x});
  ASSERT_TRUE(mlir::succeeded(r)) << allDiagnostics();
  for (int i = 0; i < 4; ++i) {
    double e = std::exp(x.getAsDouble(i));
    EXPECT_NEAR((*r)[0].getAsDouble(i), -e, 1e-6);
    EXPECT_NEAR((*r)[1].getAsDouble(i), e, 1e-5);
  }
  // The caller's input is never modified.
  expectValues(x, {0, 1, -1, 2});
}

TEST_F(InterpreterTest, IfRunsTheTakenBranch) {
  const char *src = R"mlir(
func.func @main(%c: tensor<i1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  %r = npu.if %c : tensor<i1> -> tensor<2xf32> {
    %n = npu.neg %x : tensor<2xf32>
    npu.yield %n : tensor<2xf32>
  } else {
    %e = npu.exp %x : tensor<2xf32>
    npu.yield %e : tensor<2xf32>
  }
  %s = npu.add %r, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %s : tensor<2xf32>
}
)mlir";
  HostTensor x = f32({2}, {1, 2});
  expectValues(runOne(src, {makeTensor(DType::Bool, {}, {1}), x}), {0, 0});
  expectValues(runOne(src, {makeTensor(DType::Bool, {}, {0}), x}),
               {std::exp(1.0) + 1, std::exp(2.0) + 2}, 1e-5);
}

TEST_F(InterpreterTest, ReportsBadInputs) {
  const char *src = R"mlir(
func.func @main(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = npu.relu %x : tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}
)mlir";
  EXPECT_TRUE(mlir::failed(run(src, {})));
  EXPECT_TRUE(hasDiagnostic("expected 1 inputs, got 0")) << allDiagnostics();
  diagnostics.clear();
  EXPECT_TRUE(mlir::failed(run(src, {HostTensor(DType::F32, {3, 2})})));
  EXPECT_TRUE(hasDiagnostic("input #0 must be f32 2x3, got f32 3x2"))
      << allDiagnostics();
  diagnostics.clear();
  EXPECT_TRUE(mlir::failed(run(src, {HostTensor(DType::I32, {2, 3})})));
  EXPECT_TRUE(hasDiagnostic("got i32 2x3")) << allDiagnostics();
}

TEST_F(InterpreterTest, ReportsEveryUnsupportedOpAtItsLocation) {
  const char *src = R"mlir(
func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %a = "test.mystery"(%x) : (tensor<2xf32>) -> tensor<2xf32> loc("first")
  %b = "test.enigma"(%a) : (tensor<2xf32>) -> tensor<2xf32> loc("second")
  return %b : tensor<2xf32>
}
)mlir";
  EXPECT_TRUE(mlir::failed(run(src, {HostTensor(DType::F32, {2})})));
  EXPECT_TRUE(hasDiagnostic("loc(\"first\"): 'test.mystery' is not supported"))
      << allDiagnostics();
  EXPECT_TRUE(hasDiagnostic("loc(\"second\"): 'test.enigma' is not supported"))
      << allDiagnostics();
}

TEST_F(InterpreterTest, ReportsOutOfRangeIndicesAtTheOp) {
  const char *src = R"mlir(
func.func @main(%x: tensor<3x2xf32>, %i: tensor<2xi64>) -> tensor<2x2xf32> {
  %g = npu.gather %x, %i {axis = 0 : i64} : (tensor<3x2xf32>, tensor<2xi64>) -> tensor<2x2xf32> loc("the_gather")
  return %g : tensor<2x2xf32>
}
)mlir";
  HostTensor x(DType::F32, {3, 2});
  EXPECT_TRUE(mlir::failed(run(src, {x, makeTensor(DType::I64, {2}, {0, 5})})));
  EXPECT_TRUE(
      hasDiagnostic("loc(\"the_gather\"): index 5 (at position 1) is out of "
                    "range [-3, 3)"))
      << allDiagnostics();
}

TEST_F(InterpreterTest, ReportsIntegerDivisionByZeroAndRecyclesBuffers) {
  const char *src = R"mlir(
func.func @main(%x: tensor<3xi32>, %y: tensor<3xi32>) -> tensor<3xi32> {
  %d = npu.div %x, %y : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32> loc("the_div")
  return %d : tensor<3xi32>
}
)mlir";
  mlir::func::FuncOp f = parse(src);
  ASSERT_TRUE(f);
  Interpreter interp;
  HostTensor x = makeTensor(DType::I32, {3}, {6, 7, 8});
  auto ok = interp.run(f, {x, makeTensor(DType::I32, {3}, {3, -7, 2})});
  ASSERT_TRUE(mlir::succeeded(ok)) << allDiagnostics();
  expectValues((*ok)[0], {2, -1, 4});
  // Handing the results back lets the next run reuse their buffers.
  const void *buffer = (*ok)[0].raw();
  interp.recycle(*ok);
  EXPECT_EQ((*ok)[0].numElements(), 0);
  auto again = interp.run(f, {x, makeTensor(DType::I32, {3}, {1, 1, 1})});
  ASSERT_TRUE(mlir::succeeded(again));
  EXPECT_EQ((*again)[0].raw(), buffer);
  expectValues((*again)[0], {6, 7, 8});
  EXPECT_TRUE(
      mlir::failed(interp.run(f, {x, makeTensor(DType::I32, {3}, {1, 0, 1})})));
  EXPECT_TRUE(hasDiagnostic("loc(\"the_div\"): integer div by zero"))
      << allDiagnostics();
}

TEST_F(InterpreterTest, DenseResourceConstants) {
  // Four little-endian f32 values 1, 2, 3, 4 after the 4-byte alignment
  // header of the blob.
  const char *src = R"mlir(
func.func @main() -> tensor<4xf32> {
  %c = npu.constant dense_resource<weights> : tensor<4xf32>
  %d = npu.add %c, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}
{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
)mlir";
  expectValues(runOne(src, {}), {2, 4, 6, 8});
}

TEST_F(InterpreterTest, QuantizedTypesOnlyInDataMovementForNow) {
  const char *reshape = R"mlir(
func.func @main(%x: tensor<2x2x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<4x!quant.uniform<i8:f32, 0.5:3>> {
  %r = npu.reshape %x : tensor<2x2x!quant.uniform<i8:f32, 0.5:3>> to tensor<4x!quant.uniform<i8:f32, 0.5:3>>
  return %r : tensor<4x!quant.uniform<i8:f32, 0.5:3>>
}
)mlir";
  HostTensor q = makeTensor(DType::I8, {2, 2}, {1, -2, 3, -4});
  HostTensor r = runOne(reshape, {q});
  EXPECT_EQ(r.dtype(), DType::I8);
  expectValues(r, {1, -2, 3, -4});
  const char *add = R"mlir(
func.func @main(%x: tensor<2x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<2x!quant.uniform<i8:f32, 0.5:3>> {
  %r = npu.add %x, %x : (tensor<2x!quant.uniform<i8:f32, 0.5:3>>, tensor<2x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<2x!quant.uniform<i8:f32, 0.5:3>>
  return %r : tensor<2x!quant.uniform<i8:f32, 0.5:3>>
}
)mlir";
  EXPECT_TRUE(mlir::failed(run(add, {HostTensor(DType::I8, {2})})));
  EXPECT_TRUE(hasDiagnostic("quantized element types are not supported by "
                            "'npu.add'"))
      << allDiagnostics();
}

TEST_F(InterpreterTest, AttributeConversionsRoundTrip) {
  mlir::Builder b(&context);
  for (DType t : {DType::F32, DType::F16, DType::BF16, DType::F64, DType::I8,
                  DType::U8, DType::I64, DType::U16, DType::Bool}) {
    HostTensor h(t, {2, 3});
    for (int64_t i = 0; i < 6; ++i)
      h.setFromDouble(i, t == DType::Bool ? (i % 2) : i - 2);
    if (!isFloat(t) && isUnsignedInt(t))
      for (int64_t i = 0; i < 6; ++i)
        h.setFromDouble(i, i);
    auto type =
        mlir::RankedTensorType::get({2, 3}, elementTypeForDType(&context, t));
    auto attr = hostTensorToDenseAttr(h, type);
    ASSERT_TRUE(mlir::succeeded(attr)) << dtypeName(t);
    std::string error;
    auto back = elementsAttrToHostTensor(*attr, error);
    ASSERT_TRUE(mlir::succeeded(back)) << error;
    EXPECT_EQ(back->dtype(), t);
    EXPECT_EQ(0, std::memcmp(back->raw(), h.raw(), h.byteSize()))
        << dtypeName(t);
  }
  // Splats fill the whole tensor.
  auto splat = mlir::DenseElementsAttr::get(
      mlir::RankedTensorType::get({3}, b.getI1Type()), true);
  std::string error;
  auto s = elementsAttrToHostTensor(splat, error);
  ASSERT_TRUE(mlir::succeeded(s));
  expectValues(*s, {1, 1, 1});
  EXPECT_EQ(dtypeForElementType(b.getIntegerType(8, false)), DType::U8);
  EXPECT_EQ(dtypeForElementType(b.getIntegerType(32)), DType::I32);
  EXPECT_FALSE(dtypeForElementType(b.getIntegerType(4)).has_value());
}
