//===- npu-compile.cpp - The compiler driver ------------------------------===//
//
// Imports an ONNX model, runs the compile pipeline up to the requested stage
// and writes that stage's MLIR (later: the blob). Every stage on the way can
// be dumped as <stage>.mlir. Diagnostics name the model file, the ONNX node
// and its operator.
//
//===----------------------------------------------------------------------===//

#include "npu/Import/ONNX/Diagnostics.h"
#include "npu/Import/ONNX/Importer.h"
#include "npu/Pipeline/Pipeline.h"
#include "npu/Pipeline/Registration.h"
#include "npu/Support/Files.h"
#include "npu/Support/Npy.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
namespace cl = llvm::cl;

namespace {
cl::OptionCategory category("npu-compile options");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::cat(category));

cl::opt<std::string>
    outputFile("o",
               cl::desc("Output file for the last stage's result ('-' for "
                        "stdout); never the input model"),
               cl::value_desc("file"), cl::init("-"), cl::cat(category));

cl::opt<std::string> compileTo(
    "compile-to",
    cl::desc("Last stage to run: the output is this stage's IR. Stages, in "
             "order: origin (the imported graph, faithful to the ONNX "
             "file), canonical (constants and shape computations folded, "
             "batch norm folded, identities removed)"),
    cl::value_desc("stage"), cl::init("canonical"), cl::cat(category));

cl::opt<std::string>
    dumpStages("dump-stages",
               cl::desc("Also write every stage up to --compile-to as "
                        "<dir>/<stage>.mlir (the directory is created)"),
               cl::value_desc("dir"), cl::cat(category));

cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Static shape of a graph input, required for inputs with "
             "symbolic dimensions (repeatable), e.g. --input-shape "
             "x=1,3,640,640"),
    cl::value_desc("name=d0,d1,..."), cl::cat(category));

cl::list<std::string> inputValues(
    "input-value",
    cl::desc("Value of a graph input as a .npy file (repeatable). The "
             "compiler freezes the input into a constant only where it needs "
             "its value at compile time (a Reshape shape, Slice starts, an "
             "If condition, ...); a frozen input is removed from @main's "
             "signature. The value's shape also serves as --input-shape"),
    cl::value_desc("name=file.npy"), cl::cat(category));

cl::opt<bool> printDebugInfo(
    "print-locations",
    cl::desc("Print op locations (the ONNX node of every op) in the output"),
    cl::init(false), cl::cat(category));

LogicalResult writeModule(ModuleOp module, StringRef path) {
  std::string error;
  auto file = openOutputFile(path, &error);
  if (!file) {
    llvm::errs() << "npu-compile: error: cannot write '" << path
                 << "': " << error << "\n";
    return failure();
  }
  OpPrintingFlags flags;
  if (printDebugInfo)
    flags.enableDebugInfo();
  module.print(file->os(), flags);
  file->os() << "\n";
  file->keep();
  return success();
}

int fail(const Twine &message) {
  llvm::errs() << "npu-compile: error: " << message << "\n";
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "npu-compile: compiles an ONNX model for Intel NPU 3720/4000\n\n"
      "Imports MODEL.onnx into the npu dialect and runs the compile pipeline "
      "up to --compile-to, writing that stage's MLIR to -o. Inputs with "
      "symbolic dimensions need --input-shape. Errors go to stderr and the "
      "exit code is non-zero.\n");

  auto stage = npu::parseStage(compileTo);
  if (!stage) {
    std::string valid;
    for (const std::string &name : npu::allStageNames())
      valid += (valid.empty() ? "" : ", ") + name;
    return fail("unknown stage '" + compileTo +
                "' for --compile-to; valid "
                "stages: " +
                valid);
  }
  if (outputFile != "-" && npu::isSameFile(outputFile, inputFile))
    return fail("the output file '" + outputFile +
                "' is the input model; refusing to overwrite it");

  npu::ImportOptions options;
  for (const std::string &spec : inputShapes) {
    std::string error;
    if (!npu::parseInputShapeOption(spec, options, error))
      return fail(error);
  }

  for (const std::string &spec : inputValues) {
    std::string name, path;
    if (!npu::splitNameValue(spec, name, path))
      return fail("invalid --input-value '" + spec +
                  "': expected NAME=FILE.npy");
    npu::HostTensor value;
    std::string error;
    if (!npu::readNpy(path, value, error))
      return fail(error);
    options.knownInputValues[name] = std::move(value);
  }

  DialectRegistry registry;
  npu::registerAllDialects(registry);
  MLIRContext context(registry);
  npu::ONNXDiagnosticHandler diagnostics(&context);

  auto module = npu::importONNXFile(inputFile, context, options);
  if (failed(module))
    return 1;

  if (!dumpStages.empty()) {
    if (std::error_code ec = llvm::sys::fs::create_directories(dumpStages))
      return fail("cannot create directory '" + dumpStages +
                  "': " + ec.message());
  }
  auto dump = [&](npu::Stage s) -> LogicalResult {
    if (dumpStages.empty())
      return success();
    SmallString<256> path(dumpStages);
    llvm::sys::path::append(path, npu::stageName(s) + ".mlir");
    if (npu::isSameFile(std::string(path), inputFile))
      return failure();
    return writeModule(**module, path);
  };

  npu::CompileOptions compileOptions;
  compileOptions.compileTo = *stage;
  npu::Stage current = npu::Stage::Origin;
  if (failed(dump(current)))
    return 1;
  for (const std::string &name : npu::allStageNames()) {
    npu::Stage next = *npu::parseStage(name);
    if (next <= current || next > *stage)
      continue;
    PassManager pm(&context, ModuleOp::getOperationName());
    npu::buildCompilePipeline(pm, current, next, compileOptions);
    if (failed(pm.run(**module)))
      return fail("the " + name + " stage failed");
    current = next;
    if (failed(dump(current)))
      return 1;
  }
  return failed(writeModule(**module, outputFile)) ? 1 : 0;
}
