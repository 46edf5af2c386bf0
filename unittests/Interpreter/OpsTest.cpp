//===- OpsTest.cpp - Every op kind through the interpreter ----------------===//
//
// One small function per op (or op family), checking that the handler maps
// the op's attributes onto the kernel correctly. The kernels' numerics are
// tested in unittests/Kernels.
//
//===----------------------------------------------------------------------===//

#include "InterpreterTestUtils.h"
#include "KernelTestUtils.h"

#include "npu/Interpreter/TensorConversion.h"

using namespace npu;
using namespace npu::testing;

namespace {
/// Wraps one op line in a function with the given signature.
std::string fn(const std::string &args, const std::string &results,
               const std::string &body, const std::string &ret) {
  return "func.func @main(" + args + ") -> (" + results + ") {\n" + body +
         "\n  return " + ret + "\n}\n";
}
} // namespace

TEST_F(InterpreterTest, UnaryOpsWithAttributes) {
  HostTensor x = f32({4}, {-2, -0.5, 0.5, 2});
  auto unary = [&](const std::string &op, const std::string &attrs) {
    return runOne(fn("%x: tensor<4xf32>", "tensor<4xf32>",
                     "  %y = npu." + op + " %x " + attrs + " : tensor<4xf32>",
                     "%y : tensor<4xf32>"),
                  {x});
  };
  expectValues(unary("leaky_relu", "{alpha = 0.5 : f32}"), {-1, -0.25, 0.5, 2});
  expectValues(unary("clip", "{min = -1.0 : f64}"), {-1, -0.5, 0.5, 2});
  expectValues(unary("clip", "{max = 1.0 : f64}"), {-2, -0.5, 0.5, 1});
  expectValues(unary("hard_sigmoid", "{alpha = 0.25 : f32, beta = 0.5 : f32}"),
               {0, 0.375, 0.625, 1});
  expectValues(unary("thresholded_relu", "{alpha = 1.0 : f32}"), {0, 0, 0, 2});
  expectValues(unary("shrink", "{lambd = 1.0 : f32, bias = 0.5 : f32}"),
               {-1.5, 0, 0, 1.5});
  expectValues(unary("elu", "{alpha = 2.0 : f32}"),
               {2 * (std::exp(-2.0) - 1), 2 * (std::exp(-0.5) - 1), 0.5, 2},
               1e-6);
  expectValues(unary("gelu", "{approximate = #npu.gelu_approx<tanh>}"),
               {-0.04540231, -0.15428599, 0.34571401, 1.95459769}, 1e-6);
  expectValues(unary("abs", ""), {2, 0.5, 0.5, 2});
  expectValues(unary("round", ""), {-2, -0.0, 0, 2});
  expectValues(unary("softsign", ""), {-2.0 / 3, -1.0 / 3, 1.0 / 3, 2.0 / 3},
               1e-7);
  HostTensor b = runOne(fn("%x: tensor<4xf32>", "tensor<4xi1>",
                           "  %y = npu.is_inf %x {detect_negative = false} : "
                           "(tensor<4xf32>) -> tensor<4xi1>",
                           "%y : tensor<4xi1>"),
                        {f32({4}, {-INFINITY, INFINITY, NAN, 0})});
  expectValues(b, {0, 1, 0, 0});
}

TEST_F(InterpreterTest, IntegerScalarAttributesAreExact) {
  // 2^53 + 1 and 2^53 + 3: a double would round both.
  const int64_t big = (int64_t(1) << 53) + 1;
  HostTensor x(DType::I64, {2});
  x.data<int64_t>()[0] = big + 2;
  x.data<int64_t>()[1] = -big - 2;
  HostTensor c =
      runOne(fn("%x: tensor<2xi64>", "tensor<2xi64>",
                "  %y = npu.clip %x {min = -9007199254740993 : i64, max = "
                "9007199254740993 : i64} : tensor<2xi64>",
                "%y : tensor<2xi64>"),
             {x});
  ASSERT_EQ(c.numElements(), 2);
  EXPECT_EQ(c.data<int64_t>()[0], big);
  EXPECT_EQ(c.data<int64_t>()[1], -big);
  HostTensor p = runOne(fn("%x: tensor<2xi64>", "tensor<3xi64>",
                           "  %y = npu.pad %x {pads = array<i64: 0, 1>, value "
                           "= 9007199254740993 : i64} : (tensor<2xi64>) -> "
                           "tensor<3xi64>",
                           "%y : tensor<3xi64>"),
                        {x});
  ASSERT_EQ(p.numElements(), 3);
  EXPECT_EQ(p.data<int64_t>()[0], big + 2);
  EXPECT_EQ(p.data<int64_t>()[2], big);
}

TEST_F(InterpreterTest, DefaultArgumentValue) {
  mlir::func::FuncOp f =
      parse(fn("%x: tensor<2xf32>, %w: tensor<2xi64> {npu.default = "
               "dense<[9007199254740993, 2]> : tensor<2xi64>}",
               "tensor<2xi64>", "", "%w : tensor<2xi64>"));
  ASSERT_TRUE(f);
  std::string error;
  auto required = defaultArgumentValue(f, 0, error);
  ASSERT_TRUE(mlir::succeeded(required)) << error;
  EXPECT_FALSE(required->has_value());
  auto optional = defaultArgumentValue(f, 1, error);
  ASSERT_TRUE(mlir::succeeded(optional)) << error;
  ASSERT_TRUE(optional->has_value());
  EXPECT_EQ((*optional)->data<int64_t>()[0], (int64_t(1) << 53) + 1);
  EXPECT_EQ((*optional)->data<int64_t>()[1], 2);
}

TEST_F(InterpreterTest, BinaryOpsCastAndWhere) {
  HostTensor a = makeTensor(DType::I32, {3}, {7, -7, 9});
  HostTensor c = makeTensor(DType::I32, {1}, {2});
  auto binary = [&](const std::string &op, const std::string &attrs,
                    const std::string &resultType) {
    return runOne(fn("%a: tensor<3xi32>, %b: tensor<1xi32>", resultType,
                     "  %y = npu." + op + " %a, %b " + attrs +
                         " : (tensor<3xi32>, tensor<1xi32>) -> " + resultType,
                     "%y : " + resultType),
                  {a, c});
  };
  expectValues(binary("mod", "", "tensor<3xi32>"), {1, 1, 1});
  expectValues(binary("mod", "{fmod = true}", "tensor<3xi32>"), {1, -1, 1});
  expectValues(binary("div", "", "tensor<3xi32>"), {3, -3, 4});
  expectValues(binary("greater", "", "tensor<3xi1>"), {1, 0, 1});
  HostTensor u = makeTensor(DType::U8, {2}, {1, 128});
  HostTensor s = runOne(
      fn("%a: tensor<2xui8>", "tensor<2xui8>",
         "  %s = npu.constant dense<1> : tensor<ui8>\n"
         "  %y = npu.bit_shift %a, %s {direction = #npu.shift_direction<right>}"
         " : (tensor<2xui8>, tensor<ui8>) -> tensor<2xui8>",
         "%y : tensor<2xui8>"),
      {u});
  expectValues(s, {0, 64});
  HostTensor cast =
      runOne(fn("%a: tensor<3xf32>", "tensor<3xi8>",
                "  %y = npu.cast %a : tensor<3xf32> to tensor<3xi8>",
                "%y : tensor<3xi8>"),
             {f32({3}, {-1.7, 300, 2.9})});
  expectValues(cast, {-1, 127, 2});
  HostTensor w =
      runOne(fn("%c: tensor<2x1xi1>, %x: tensor<3xf32>", "tensor<2x3xf32>",
                "  %z = npu.constant dense<0.0> : tensor<f32>\n"
                "  %y = npu.where %c, %x, %z : (tensor<2x1xi1>, tensor<3xf32>, "
                "tensor<f32>) -> tensor<2x3xf32>",
                "%y : tensor<2x3xf32>"),
             {makeTensor(DType::Bool, {2, 1}, {0, 1}), f32({3}, {1, 2, 3})});
  expectValues(w, {0, 0, 0, 1, 2, 3});
}

TEST_F(InterpreterTest, LinearAlgebraAndPooling) {
  HostTensor y = runOne(
      fn("%a: tensor<2x3xf32>, %b: tensor<2x3xf32>, %c: tensor<2xf32>",
         "tensor<2x2xf32>",
         "  %y = npu.gemm %a, %b, %c {trans_b = true, alpha = 2.0 : f32} : "
         "(tensor<2x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x2xf32>",
         "%y : tensor<2x2xf32>"),
      {f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({2, 3}, {1, 0, 0, 0, 1, 0}),
       f32({2}, {100, 200})});
  expectValues(y, {102, 204, 108, 210});
  HostTensor m = runOne(
      fn("%a: tensor<2x2x3xf32>, %b: tensor<3xf32>", "tensor<2x2xf32>",
         "  %y = npu.matmul %a, %b : (tensor<2x2x3xf32>, tensor<3xf32>) -> "
         "tensor<2x2xf32>",
         "%y : tensor<2x2xf32>"),
      {f32({2, 2, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1}),
       f32({3}, {1, 2, 3})});
  expectValues(m, {1, 2, 3, 6});
  HostTensor x = f32({1, 1, 4, 4},
                     {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
  HostTensor p = runOne(
      fn("%x: tensor<1x1x4x4xf32>", "tensor<1x1x2x2xf32>",
         "  %y = npu.avg_pool %x {kernel_shape = array<i64: 3, 3>, strides = "
         "array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>, dilations = "
         "array<i64: 1, 1>, count_include_pad = true} : (tensor<1x1x4x4xf32>) "
         "-> tensor<1x1x2x2xf32>",
         "%y : tensor<1x1x2x2xf32>"),
      {x});
  expectValues(p, {14 / 9.0, 30 / 9.0, 57 / 9.0, 99 / 9.0}, 1e-6);
  HostTensor g =
      runOne(fn("%x: tensor<1x1x4x4xf32>", "tensor<1x1x1x1xf32>",
                "  %y = npu.global_max_pool %x : (tensor<1x1x4x4xf32>) -> "
                "tensor<1x1x1x1xf32>",
                "%y : tensor<1x1x1x1xf32>"),
             {x});
  expectValues(g, {16});
  HostTensor t = runOne(
      fn("%x: tensor<1x1x2x2xf32>, %w: tensor<1x1x2x2xf32>",
         "tensor<1x1x4x4xf32>",
         "  %y = npu.conv_transpose %x, %w {strides = array<i64: 2, 2>, "
         "dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, "
         "output_padding = array<i64: 0, 0>} : (tensor<1x1x2x2xf32>, "
         "tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>",
         "%y : tensor<1x1x4x4xf32>"),
      {f32({1, 1, 2, 2}, {1, 2, 3, 4}), f32({1, 1, 2, 2}, {1, 1, 1, 1})});
  expectValues(t, {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
}

TEST_F(InterpreterTest, NormalisationAndSoftmax) {
  HostTensor x = f32({2, 2}, {1, 3, 2, 6});
  HostTensor s =
      runOne(fn("%x: tensor<2x2xf32>", "tensor<2x2xf32>",
                "  %y = npu.softmax %x {axis = 0 : i64} : tensor<2x2xf32>",
                "%y : tensor<2x2xf32>"),
             {x});
  double e1 = 1 / (1 + std::exp(1.0)), e3 = 1 / (1 + std::exp(3.0));
  expectValues(s, {e1, e3, 1 - e1, 1 - e3}, 1e-6);
  auto r =
      run(fn("%x: tensor<2x2xf32>, %g: tensor<2xf32>",
             "tensor<2x2xf32>, tensor<2x1xf32>, tensor<2x1xf32>",
             "  %y, %m, %v = npu.layer_norm %x, %g {axis = 1 : i64, "
             "epsilon = 0.0 : f32} : (tensor<2x2xf32>, tensor<2xf32>) -> "
             "tensor<2x2xf32> mean tensor<2x1xf32> inv_std_dev tensor<2x1xf32>",
             "%y, %m, %v : tensor<2x2xf32>, tensor<2x1xf32>, tensor<2x1xf32>"),
          {x, f32({2}, {1, 2})});
  ASSERT_TRUE(mlir::succeeded(r)) << allDiagnostics();
  expectValues((*r)[0], {-1, 2, -1, 2}, 1e-6);
  expectValues((*r)[1], {2, 4});
  expectValues((*r)[2], {1, 0.5}, 1e-6);
  HostTensor bn = runOne(
      fn("%x: tensor<1x2x1x1xf32>", "tensor<1x2x1x1xf32>",
         "  %s = npu.constant dense<[1.0, 2.0]> : tensor<2xf32>\n"
         "  %b = npu.constant dense<[0.0, 1.0]> : tensor<2xf32>\n"
         "  %m = npu.constant dense<[1.0, 1.0]> : tensor<2xf32>\n"
         "  %v = npu.constant dense<[4.0, 1.0]> : tensor<2xf32>\n"
         "  %y = npu.batch_norm %x, %s, %b, %m, %v {epsilon = 0.0 : f32} : "
         "(tensor<1x2x1x1xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, "
         "tensor<2xf32>) -> tensor<1x2x1x1xf32>",
         "%y : tensor<1x2x1x1xf32>"),
      {f32({1, 2, 1, 1}, {3, 3})});
  expectValues(bn, {1, 5});
  // mvn: the axes, epsilon and its placement reach the kernel.
  HostTensor m = f32({2, 2}, {1, 3, 5, 5});
  auto mvn = [&](const std::string &attrs) {
    return runOne(fn("%x: tensor<2x2xf32>", "tensor<2x2xf32>",
                     "  %y = npu.mvn %x {" + attrs + "} : tensor<2x2xf32>",
                     "%y : tensor<2x2xf32>"),
                  {m});
  };
  expectValues(mvn("axes = array<i64: 1>, epsilon = 1.0 : f32"),
               {-0.5, 0.5, 0, 0});
  expectValues(mvn("axes = array<i64: 1>, epsilon = 3.0 : f32, "
                   "eps_inside_sqrt"),
               {-0.5, 0.5, 0, 0});
  double sd = std::sqrt(2.75); // Over both axes: mean 3.5.
  expectValues(mvn("axes = array<i64: 0, 1>, epsilon = 0.0 : f32"),
               {-2.5 / sd, -0.5 / sd, 1.5 / sd, 1.5 / sd}, 1e-6);
}

TEST_F(InterpreterTest, ReductionsScansTopK) {
  HostTensor x = f32({2, 3}, {1, 5, 2, 8, 0, 8});
  expectValues(
      runOne(fn("%x: tensor<2x3xf32>", "tensor<2xf32>",
                "  %y = npu.reduce_max %x {axes = array<i64: 1>, "
                "keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>",
                "%y : tensor<2xf32>"),
             {x}),
      {5, 8});
  expectValues(runOne(fn("%x: tensor<2x3xf32>", "tensor<2xi64>",
                         "  %y = npu.argmax %x {axis = 1 : i64, keepdims = "
                         "false, select_last_index = true} : (tensor<2x3xf32>) "
                         "-> tensor<2xi64>",
                         "%y : tensor<2xi64>"),
                      {x}),
               {1, 2});
  expectValues(runOne(fn("%x: tensor<2x3xf32>", "tensor<2x3xf32>",
                         "  %y = npu.cumsum %x {axis = 1 : i64, reverse = "
                         "true} : tensor<2x3xf32>",
                         "%y : tensor<2x3xf32>"),
                      {x}),
               {8, 7, 2, 16, 8, 8});
  auto r = run(fn("%x: tensor<2x3xf32>", "tensor<2x1xf32>, tensor<2x1xi64>",
                  "  %v, %i = npu.topk %x {axis = 1 : i64, k = 1 : i64, "
                  "largest = false} : (tensor<2x3xf32>) -> (tensor<2x1xf32>, "
                  "tensor<2x1xi64>)",
                  "%v, %i : tensor<2x1xf32>, tensor<2x1xi64>"),
               {x});
  ASSERT_TRUE(mlir::succeeded(r)) << allDiagnostics();
  expectValues((*r)[0], {1, 0});
  expectValues((*r)[1], {0, 1});
}

TEST_F(InterpreterTest, DataMovementOps) {
  HostTensor x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  expectValues(runOne(fn("%x: tensor<2x3xf32>", "tensor<3x2xf32>",
                         "  %y = npu.transpose %x {perm = array<i64: 1, 0>} : "
                         "(tensor<2x3xf32>) -> tensor<3x2xf32>",
                         "%y : tensor<3x2xf32>"),
                      {x}),
               {1, 4, 2, 5, 3, 6});
  expectValues(
      runOne(fn("%x: tensor<2x3xf32>", "tensor<2x2xf32>",
                "  %y = npu.slice %x {starts = array<i64: 1, 2>, steps "
                "= array<i64: -1, -2>} : tensor<2x3xf32> to "
                "tensor<2x2xf32>",
                "%y : tensor<2x2xf32>"),
             {x}),
      {6, 4, 3, 1});
  expectValues(
      runOne(fn("%x: tensor<2x3xf32>", "tensor<2x5xf32>",
                "  %y = npu.pad %x {pads = array<i64: 0, 1, 0, 1>, mode "
                "= #npu.pad_mode<reflect>} : (tensor<2x3xf32>) -> "
                "tensor<2x5xf32>",
                "%y : tensor<2x5xf32>"),
             {x}),
      {2, 1, 2, 3, 2, 5, 4, 5, 6, 5});
  auto parts = run(fn("%x: tensor<2x3xf32>", "tensor<2x1xf32>, tensor<2x2xf32>",
                      "  %a, %b = npu.split %x {axis = 1 : i64} : "
                      "tensor<2x3xf32> -> tensor<2x1xf32>, tensor<2x2xf32>\n"
                      "  %c = npu.concat %b, %a {axis = 1 : i64} : "
                      "(tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>",
                      "%a, %b : tensor<2x1xf32>, tensor<2x2xf32>"),
                   {x});
  ASSERT_TRUE(mlir::succeeded(parts)) << allDiagnostics();
  expectValues((*parts)[0], {1, 4});
  expectValues((*parts)[1], {2, 3, 5, 6});
  expectValues(
      runOne(fn("%x: tensor<2x3xf32>", "tensor<4x3xf32>",
                "  %y = npu.tile %x : tensor<2x3xf32> to tensor<4x3xf32>",
                "%y : tensor<4x3xf32>"),
             {x}),
      {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6});
  expectValues(
      runOne(fn("%x: tensor<2x3xf32>", "tensor<2x3xf32>",
                "  %y = npu.trilu %x {upper = false} : tensor<2x3xf32>",
                "%y : tensor<2x3xf32>"),
             {x}),
      {1, 0, 0, 4, 5, 0});
  expectValues(
      runOne(fn("%x: tensor<2x3xf32>", "tensor<2xi64>",
                "  %y = npu.shape %x : (tensor<2x3xf32>) -> tensor<2xi64>",
                "%y : tensor<2xi64>"),
             {x}),
      {2, 3});
  expectValues(
      runOne(fn("%x: tensor<2x3xf32>, %i: tensor<2x1xi64>", "tensor<2x1xf32>",
                "  %y = npu.gather_elements %x, %i {axis = 1 : i64} : "
                "(tensor<2x3xf32>, tensor<2x1xi64>) -> tensor<2x1xf32>",
                "%y : tensor<2x1xf32>"),
             {x, makeTensor(DType::I64, {2, 1}, {2, -3})}),
      {3, 4});
  expectValues(
      runOne(
          fn("%x: tensor<2x3xf32>, %i: tensor<1x1xi64>, %u: tensor<1x3xf32>",
             "tensor<2x3xf32>",
             "  %y = npu.scatter_nd %x, %i, %u {reduction = "
             "#npu.reduction<add>} : (tensor<2x3xf32>, tensor<1x1xi64>, "
             "tensor<1x3xf32>) -> tensor<2x3xf32>",
             "%y : tensor<2x3xf32>"),
          {x, makeTensor(DType::I64, {1, 1}, {1}), f32({1, 3}, {10, 20, 30})}),
      {1, 2, 3, 14, 25, 36});
  expectValues(
      runOne(fn("%i: tensor<2xi64>", "tensor<2x3xf32>",
                "  %v = npu.constant dense<[0.0, 1.0]> : tensor<2xf32>\n"
                "  %y = npu.one_hot %i, %v {axis = 1 : i64, depth = 3 "
                ": i64} : (tensor<2xi64>, tensor<2xf32>) -> "
                "tensor<2x3xf32>",
                "%y : tensor<2x3xf32>"),
             {makeTensor(DType::I64, {2}, {2, -3})}),
      {0, 0, 1, 1, 0, 0});
}

TEST_F(InterpreterTest, ResizeQuantizeEinsumDepthToSpace) {
  HostTensor x = f32({1, 1, 1, 2}, {1, 3});
  expectValues(
      runOne(
          fn("%x: tensor<1x1x1x2xf32>", "tensor<1x1x1x4xf32>",
             "  %y = npu.resize %x {mode = #npu.resize_mode<linear>, "
             "coordinate_transformation_mode = #npu.coord_mode<align_corners>, "
             "scales = array<f32: 1.0, 1.0, 1.0, 2.0>} : tensor<1x1x1x2xf32> "
             "to tensor<1x1x1x4xf32>",
             "%y : tensor<1x1x1x4xf32>"),
          {x}),
      {1, 1 + 2.0 / 3, 1 + 4.0 / 3, 3}, 1e-6);
  expectValues(
      runOne(
          fn("%x: tensor<1x1x1x2xf32>", "tensor<1x1x1x4xf32>",
             "  %y = npu.resize %x {mode = #npu.resize_mode<nearest>, "
             "coordinate_transformation_mode = #npu.coord_mode<asymmetric>, "
             "nearest_mode = #npu.nearest_mode<floor>, "
             "scales = array<f32: 1.0, 1.0, 1.0, 2.0>} : tensor<1x1x1x2xf32> "
             "to tensor<1x1x1x4xf32>",
             "%y : tensor<1x1x1x4xf32>"),
          {x}),
      {1, 1, 3, 3});
  // scale_ratios (10 / 30) and Resize-10's nearest rounding reach the kernel.
  HostTensor row = iota(DType::F32, {1, 1, 1, 30}, 0);
  expectValues(
      runOne(fn("%x: tensor<1x1x1x30xf32>", "tensor<1x1x1x10xf32>",
                "  %y = npu.resize %x {mode = #npu.resize_mode<nearest>, "
                "coordinate_transformation_mode = "
                "#npu.coord_mode<asymmetric>, "
                "nearest_mode = #npu.nearest_mode<floor>, "
                "scale_ratios = array<i64: 1, 1, 1, 10, 1, 1, 1, 30>} : "
                "tensor<1x1x1x30xf32> to tensor<1x1x1x10xf32>",
                "%y : tensor<1x1x1x10xf32>"),
             {row}),
      {0, 3, 6, 9, 12, 15, 18, 21, 24, 27});
  expectValues(
      runOne(fn("%x: tensor<1x1x1x30xf32>", "tensor<1x1x1x10xf32>",
                "  %y = npu.resize %x {mode = #npu.resize_mode<nearest>, "
                "coordinate_transformation_mode = "
                "#npu.coord_mode<asymmetric>, "
                "nearest_mode = #npu.nearest_mode<simple>, "
                "scales = array<f32: 1.0, 1.0, 1.0, 0.35>} : "
                "tensor<1x1x1x30xf32> to tensor<1x1x1x10xf32>",
                "%y : tensor<1x1x1x10xf32>"),
             {row}),
      {0, 3, 6, 9, 12, 15, 18, 21, 23, 26}); // ceil(x / 0.35f)
  HostTensor q = runOne(
      fn("%x: tensor<3xf32>", "tensor<3xui8>",
         "  %s = npu.constant dense<0.5> : tensor<f32>\n"
         "  %z = npu.constant dense<10> : tensor<ui8>\n"
         "  %y = npu.quantize_linear %x, %s, %z : (tensor<3xf32>, tensor<f32>, "
         "tensor<ui8>) -> tensor<3xui8>",
         "%y : tensor<3xui8>"),
      {f32({3}, {0.25, 0.75, -100})});
  expectValues(q, {10, 12, 0});
  HostTensor e = runOne(
      fn("%a: tensor<2x3xf32>, %b: tensor<2x3xf32>", "tensor<2x2xf32>",
         "  %y = npu.einsum %a, %b {equation = \"ij,kj->ik\"} : "
         "(tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x2xf32>",
         "%y : tensor<2x2xf32>"),
      {f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({2, 3}, {1, 0, 0, 0, 0, 1})});
  expectValues(e, {1, 3, 4, 6});
  HostTensor d = runOne(
      fn("%x: tensor<1x4x1x1xf32>", "tensor<1x1x2x2xf32>",
         "  %y = npu.depth_to_space %x {blocksize = 2 : i64, mode = "
         "#npu.d2s_mode<CRD>} : (tensor<1x4x1x1xf32>) -> tensor<1x1x2x2xf32>",
         "%y : tensor<1x1x2x2xf32>"),
      {f32({1, 4, 1, 1}, {1, 2, 3, 4})});
  expectValues(d, {1, 2, 3, 4});
}
