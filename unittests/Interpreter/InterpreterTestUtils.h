//===- InterpreterTestUtils.h - Running MLIR snippets in tests --*- C++ -*-===//
//
// Parses an MLIR module from a string, runs its function @main through the
// interpreter and captures the diagnostics, so tests can check both values
// and error messages (with their locations).
//
//===----------------------------------------------------------------------===//

#ifndef NPU_UNITTESTS_INTERPRETER_INTERPRETERTESTUTILS_H
#define NPU_UNITTESTS_INTERPRETER_INTERPRETERTESTUTILS_H

#include "npu/Dialect/NPU/IR/NPUOps.h"
#include "npu/Interpreter/Interpreter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace npu::testing {

class InterpreterTest : public ::testing::Test {
public:
  InterpreterTest() {
    context.loadDialect<NPUDialect, mlir::func::FuncDialect,
                        mlir::quant::QuantDialect>();
    context.allowUnregisteredDialects();
    handler = std::make_unique<mlir::ScopedDiagnosticHandler>(
        &context, [this](mlir::Diagnostic &d) {
          std::string s;
          llvm::raw_string_ostream os(s);
          os << d.getLocation() << ": " << d;
          diagnostics.push_back(os.str());
          return mlir::success();
        });
  }

  /// Parses `source`; returns its @main (or the first function).
  mlir::func::FuncOp parse(const std::string &source) {
    module = mlir::parseSourceString<mlir::ModuleOp>(source, &context);
    EXPECT_TRUE(module) << "parse failed: " << allDiagnostics();
    if (!module)
      return nullptr;
    if (auto f = module->lookupSymbol<mlir::func::FuncOp>("main"))
      return f;
    for (auto f : module->getOps<mlir::func::FuncOp>())
      return f;
    return nullptr;
  }

  mlir::FailureOr<llvm::SmallVector<HostTensor>>
  run(const std::string &source, const std::vector<HostTensor> &inputs,
      InterpreterOptions options = {}) {
    mlir::func::FuncOp f = parse(source);
    if (!f)
      return mlir::failure();
    Interpreter interpreter(std::move(options));
    return interpreter.run(f, inputs);
  }

  /// Runs and expects success with one result.
  HostTensor runOne(const std::string &source,
                    const std::vector<HostTensor> &inputs,
                    InterpreterOptions options = {}) {
    auto r = run(source, inputs, std::move(options));
    EXPECT_TRUE(mlir::succeeded(r)) << allDiagnostics();
    if (mlir::failed(r) || r->empty())
      return HostTensor();
    return std::move((*r)[0]);
  }

  std::string allDiagnostics() const {
    std::string s;
    for (const std::string &d : diagnostics)
      s += d + "\n";
    return s;
  }
  bool hasDiagnostic(const std::string &part) const {
    return allDiagnostics().find(part) != std::string::npos;
  }

  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::vector<std::string> diagnostics;
  std::unique_ptr<mlir::ScopedDiagnosticHandler> handler;
};

} // namespace npu::testing

#endif // NPU_UNITTESTS_INTERPRETER_INTERPRETERTESTUTILS_H
