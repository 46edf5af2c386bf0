//===- Softmax.cpp - Softmax, LogSoftmax and Hardmax ----------------------===//
//
// Opset 13 semantics map directly onto the npu ops. Before opset 13 the
// input is coerced to 2-D ([prod(dims < axis), prod(dims >= axis)]) and
// normalised over the second dimension; that is expressed with reshapes.
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"

#include "../NodeImporter.h"
#include "../OpRegistry.h"

using namespace mlir;

namespace npu::onnx_import {
namespace {

template <typename OpTy> LogicalResult importSoftmaxLike(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto in = n.getInputType(0);
  int64_t rank = in.getRank();
  bool legacy = n.getOpset() < 13;
  auto axis = n.normalizeAxis(n.getAttrInt("axis", legacy ? 1 : -1),
                              std::max<int64_t>(rank, 1));
  if (failed(axis) || n.failed())
    return failure();
  auto &b = n.getBuilder();
  Value x = n.getInput(0);
  if (rank == 0)
    return n.emitError() << "expects an input of rank >= 1";
  if (!legacy || *axis == rank - 1) {
    auto r = n.createValue<OpTy>(in, x, b.getI64IntegerAttr(*axis));
    if (failed(r))
      return failure();
    n.setOutput(0, *r);
    return success();
  }
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < *axis ? outer : inner) *= in.getDimSize(d);
  auto flat = n.reshape(x, {outer, inner});
  if (failed(flat))
    return failure();
  auto r = n.createValue<OpTy>(cast<RankedTensorType>(flat->getType()), *flat,
                               b.getI64IntegerAttr(1));
  if (failed(r))
    return failure();
  auto back = n.reshape(*r, in.getShape());
  if (failed(back))
    return failure();
  n.setOutput(0, *back);
  return success();
}

} // namespace

void registerSoftmaxOps(OpRegistry &r) {
  r.add("Softmax", importSoftmaxLike<SoftmaxOp>);
  r.add("LogSoftmax", importSoftmaxLike<LogSoftmaxOp>);
  r.add("Hardmax", importSoftmaxLike<HardmaxOp>);
}

} // namespace npu::onnx_import
