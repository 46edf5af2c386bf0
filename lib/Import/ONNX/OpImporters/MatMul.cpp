//===- MatMul.cpp - MatMul, Gemm and Einsum -------------------------------===//

#include "OpImporters.h"

#include "../NodeImporter.h"
#include "../OpRegistry.h"

#include "npu/Dialect/NPU/IR/ShapeUtils.h"

using namespace mlir;

namespace npu::onnx_import {
namespace {

LogicalResult importMatMul(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  auto r = n.create<MatMulOp>(n.getInput(0), n.getInput(1));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importGemm(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  if (n.getOpset() < 11 && failed(n.requireInputs(3)))
    return failure();
  auto &b = n.getBuilder();
  float alpha = n.getAttrFloat("alpha", 1.0f);
  float beta = n.getAttrFloat("beta", 1.0f);
  bool transA = n.getAttrInt("transA", 0) != 0;
  bool transB = n.getAttrInt("transB", 0) != 0;
  if (n.failed())
    return failure();
  auto r = n.create<GemmOp>(n.getInput(0), n.getInput(1), n.getInput(2),
                            b.getF32FloatAttr(alpha), b.getF32FloatAttr(beta),
                            b.getBoolAttr(transA), b.getBoolAttr(transB));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importEinsum(NodeImporter &n) {
  if (failed(n.requireAttr("equation")))
    return failure();
  std::string equation = n.getAttrString("equation");
  if (n.failed())
    return failure();
  llvm::erase_if(equation, [](char c) { return c == ' '; });
  SmallVector<Value> inputs = n.getPresentInputs();
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : inputs)
    shapes.push_back(cast<RankedTensorType>(v.getType()).getShape());
  std::string error;
  auto spec = parseEinsum(equation, inputs.size(), error);
  if (!spec)
    return n.emitError() << "invalid equation '" << equation << "': " << error;
  auto shape = einsumShape(*spec, shapes, error);
  if (!shape)
    return n.emitError() << "equation '" << equation << "': " << error;
  if (inputs.empty())
    return n.emitError() << "expects at least one input";
  auto type = cast<RankedTensorType>(inputs[0].getType()).clone(*shape);
  auto r = n.createValue<EinsumOp>(type, inputs,
                                   n.getBuilder().getStringAttr(equation));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

} // namespace

void registerMatMulOps(OpRegistry &r) {
  r.add("MatMul", importMatMul);
  r.add("Gemm", importGemm);
  r.add("Einsum", importEinsum);
}

} // namespace npu::onnx_import
