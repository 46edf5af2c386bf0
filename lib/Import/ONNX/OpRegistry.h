//===- OpRegistry.h - ONNX operator -> importer function -------*- C++ -*-===//
//
// Maps (domain, op_type) to the function that imports such a node. Each
// op family registers itself (OpImporters/OpImporters.h); opset-dependent
// semantics are handled inside the functions using the node's opset.
//
//===----------------------------------------------------------------------===//

#ifndef NPU_LIB_IMPORT_ONNX_OPREGISTRY_H
#define NPU_LIB_IMPORT_ONNX_OPREGISTRY_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringMap.h"

namespace npu::onnx_import {

class NodeImporter;
using OpImportFn = mlir::LogicalResult (*)(NodeImporter &);

class OpRegistry {
public:
  /// The registry with every op family registered.
  static const OpRegistry &get();

  /// Registers `fn` for `opType` in `domain` ("" is the default domain).
  void add(llvm::StringRef opType, OpImportFn fn, llvm::StringRef domain = "");
  /// The importer of `opType`, or null. "ai.onnx" is the default domain.
  OpImportFn lookup(llvm::StringRef domain, llvm::StringRef opType) const;

private:
  llvm::StringMap<OpImportFn> entries;
};

/// "" for the default domain ("" or "ai.onnx"), else the domain.
llvm::StringRef normalizeDomain(llvm::StringRef domain);

} // namespace npu::onnx_import

#endif // NPU_LIB_IMPORT_ONNX_OPREGISTRY_H
