//===- OpRegistry.cpp - ONNX operator -> importer function ----------------===//

#include "OpRegistry.h"

#include "OpImporters/OpImporters.h"

#include "llvm/ADT/Twine.h"

namespace npu::onnx_import {

llvm::StringRef normalizeDomain(llvm::StringRef domain) {
  return domain == "ai.onnx" ? llvm::StringRef() : domain;
}

static std::string key(llvm::StringRef domain, llvm::StringRef opType) {
  return (llvm::Twine(normalizeDomain(domain)) + "::" + opType).str();
}

void OpRegistry::add(llvm::StringRef opType, OpImportFn fn,
                     llvm::StringRef domain) {
  entries[key(domain, opType)] = fn;
}

OpImportFn OpRegistry::lookup(llvm::StringRef domain,
                              llvm::StringRef opType) const {
  auto it = entries.find(key(domain, opType));
  return it == entries.end() ? nullptr : it->second;
}

const OpRegistry &OpRegistry::get() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    registerActivationOps(r);
    registerConstantOps(r);
    registerControlFlowOps(r);
    registerConvolutionOps(r);
    registerElementwiseOps(r);
    registerGatherOps(r);
    registerLossOps(r);
    registerMatMulOps(r);
    registerNormalizationOps(r);
    registerPoolingOps(r);
    registerQuantizationOps(r);
    registerRecurrentOps(r);
    registerReductionOps(r);
    registerResizeOps(r);
    registerShapeOps(r);
    registerSliceOps(r);
    registerSoftmaxOps(r);
    return r;
  }();
  return registry;
}

} // namespace npu::onnx_import
