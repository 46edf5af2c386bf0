//===- ConstantEvaluatorTest.cpp - Folding through the interpreter --------===//

#include "InterpreterTestUtils.h"
#include "KernelTestUtils.h"

#include "npu/Interpreter/ConstantEvaluator.h"

using namespace npu;
using namespace npu::testing;

namespace {
mlir::Value returnedValue(mlir::func::FuncOp f, unsigned i = 0) {
  return f.getBody().front().getTerminator()->getOperand(i);
}
} // namespace

TEST_F(InterpreterTest, EvaluatesAnySupportedOpOnConstants) {
  mlir::func::FuncOp f = parse(R"mlir(
func.func @main(%x: tensor<2xf32>) -> (tensor<3xi64>, tensor<2xf32>, tensor<2x2xf32>) {
  %a = npu.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %r = npu.reshape %a : tensor<4xf32> to tensor<2x2xf32>
  %s = npu.shape %r : (tensor<2x2xf32>) -> tensor<2xi64>
  %t = npu.concat %s, %s {axis = 0 : i64} : (tensor<2xi64>, tensor<2xi64>) -> tensor<4xi64>
  %g = npu.constant dense<[3, 0, 1]> : tensor<3xi64>
  %u = npu.gather %t, %g {axis = 0 : i64} : (tensor<4xi64>, tensor<3xi64>) -> tensor<3xi64>
  %e = npu.exp %x : tensor<2xf32>
  %m = npu.matmul %r, %r : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %u, %e, %m : tensor<3xi64>, tensor<2xf32>, tensor<2x2xf32>
}
)mlir");
  ASSERT_TRUE(f);
  auto u = evaluateConstant(returnedValue(f, 0));
  ASSERT_TRUE(mlir::succeeded(u));
  EXPECT_EQ(llvm::to_vector(u->getValues<int64_t>()),
            (llvm::SmallVector<int64_t>{2, 2, 2}));
  EXPECT_TRUE(mlir::failed(evaluateConstant(returnedValue(f, 1))))
      << "depends on an argument";
  auto m = evaluateConstant(returnedValue(f, 2));
  ASSERT_TRUE(mlir::succeeded(m));
  EXPECT_EQ(llvm::to_vector(m->getValues<float>()),
            (llvm::SmallVector<float>{7, 10, 15, 22}));
  ConstantEvaluatorOptions small;
  small.maxElements = 2;
  EXPECT_TRUE(mlir::failed(evaluateConstant(returnedValue(f, 2), small)));
  EXPECT_TRUE(diagnostics.empty()) << allDiagnostics();
}

TEST_F(InterpreterTest, EvaluateOpFailsQuietlyOnBadIndices) {
  mlir::func::FuncOp f = parse(R"mlir(
func.func @main() -> tensor<1xf32> {
  %a = npu.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %i = npu.constant dense<[7]> : tensor<1xi64>
  %g = npu.gather %a, %i {axis = 0 : i64} : (tensor<2xf32>, tensor<1xi64>) -> tensor<1xf32>
  return %g : tensor<1xf32>
}
)mlir");
  ASSERT_TRUE(f);
  mlir::Operation *gather = returnedValue(f).getDefiningOp();
  auto a = mlir::DenseElementsAttr::get(
      mlir::RankedTensorType::get({2}, mlir::Float32Type::get(&context)),
      llvm::ArrayRef<float>{1, 2});
  auto i = mlir::DenseElementsAttr::get(
      mlir::RankedTensorType::get({1}, mlir::IntegerType::get(&context, 64)),
      llvm::ArrayRef<int64_t>{7});
  EXPECT_TRUE(mlir::failed(evaluateOp(gather, {a, i})));
  EXPECT_TRUE(mlir::failed(evaluateOp(gather, {a, nullptr})));
  EXPECT_TRUE(diagnostics.empty()) << allDiagnostics();
}
