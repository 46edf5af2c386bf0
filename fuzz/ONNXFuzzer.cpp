//===- ONNXFuzzer.cpp - libFuzzer target for the importer + canonical -----===//
//
// Feeds arbitrary bytes to the ONNX importer as a model; a model it accepts
// must be valid IR, and is then compiled to the canonical stage (the float
// graph after folding and canonicalization), as `npu-compile
// --compile-to=canonical` would. Errors are expected and swallowed; a
// crash, an abort (an LLVM fatal error or a failed assertion), a hang or an
// allocation beyond libFuzzer's -malloc_limit_mb is a bug. Importing
// successfully but producing IR that does not verify is one too, and the
// target aborts on it. Set NPU_FUZZ_VERBOSE=1 to see the diagnostics.
//
//===----------------------------------------------------------------------===//

#include "npu/Dialect/NPU/IR/Target.h"
#include "npu/Import/ONNX/Diagnostics.h"
#include "npu/Import/ONNX/Importer.h"
#include "npu/Pipeline/Pipeline.h"
#include "npu/Pipeline/Registration.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace mlir;

namespace {

bool verbose() {
  static const bool v = [] {
    const char *e = std::getenv("NPU_FUZZ_VERBOSE");
    return e && *e && *e != '0';
  }();
  return v;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A fresh context per input: attributes and types are uniqued in the
  // context forever, so a shared one would grow with every input.
  DialectRegistry registry;
  npu::registerAllDialects(registry);
  MLIRContext context(registry, MLIRContext::Threading::DISABLED);
  context.printOpOnDiagnostic(false);
  std::optional<npu::ONNXDiagnosticHandler> printer;
  std::optional<ScopedDiagnosticHandler> silencer;
  if (verbose())
    printer.emplace(&context);
  else
    silencer.emplace(&context, [](Diagnostic &) { return success(); });

  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  auto module = npu::importONNXBuffer(bytes, "fuzz.onnx", context);
  if (failed(module))
    return 0;
  if (failed(verify(**module))) {
    std::fprintf(stderr, "onnx fuzzer: the importer accepted the model but "
                         "produced invalid IR\n");
    if (verbose())
      (**module)->print(llvm::errs());
    std::abort();
  }
  npu::setTarget(**module, npu::arch::Platform::NPU3720);
  npu::CompileOptions options;
  options.compileTo = npu::Stage::Canonical;
  options.toolName = "onnx-fuzzer";
  options.progressDelaySeconds = 1e9;
  (void)npu::runCompilePipeline(**module, options);
  return 0;
}
