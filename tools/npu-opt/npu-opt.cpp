//===- npu-opt.cpp - MLIR's opt driver with the project's dialects --------===//
//
// Parses MLIR in the npu (and upstream) dialects, runs passes named on the
// command line and prints the result. Used by the lit tests and by compiler
// engineers to run any stage of the pipeline by hand. Like the other tools,
// it creates the missing directories of its -o file and refuses an -o that
// names its input.
//
//===----------------------------------------------------------------------===//

#include "npu/Kernels/Cpu.h"
#include "npu/Pipeline/Registration.h"
#include "npu/Support/Files.h"
#include "npu/Support/Version.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

int main(int argc, char **argv) {
  // Passes compute as npu-compile does: the same bytes on every host with
  // AVX2 (kReproducibleSimdLevel).
  npu::kernels::ReproducibleSimdScope reproducible;
  // -o FILE / -o=FILE / --o=FILE: its directories, before MLIR opens it.
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg(argv[i]);
    std::string path;
    if ((arg == "-o" || arg == "--o") && i + 1 < argc)
      path = argv[i + 1];
    else if (arg.consume_front("-o=") || arg.consume_front("--o="))
      path = arg.str();
    if (path.empty() || path == "-" ||
        llvm::StringRef(path).starts_with("/dev/"))
      continue;
    // MLIR truncates the output before it reads the input: an -o naming an
    // input file would lose it (and crash the read of its mapping).
    for (int j = 1; j < argc; ++j)
      if (j != i + 1 && npu::isSameFile(argv[j], path)) {
        llvm::errs() << "npu-opt: error: the output file '" << path
                     << "' is an input; refusing to overwrite it\n";
        return 1;
      }
    std::string error;
    if (!npu::createParentDirectories(path, error)) {
      llvm::errs() << "npu-opt: error: " << error << "\n";
      return 1;
    }
  }
  // --version: this project's, as every tool prints it, not LLVM's.
  llvm::cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << npu::versionLine("npu-opt", LLVM_VERSION_STRING);
  });
  npu::registerAllPasses();
  mlir::DialectRegistry registry;
  npu::registerAllDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "npu-compile optimizer driver\n", registry));
}
