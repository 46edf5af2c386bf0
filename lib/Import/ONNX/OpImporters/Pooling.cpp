//===- Pooling.cpp - Max, average and global pooling ----------------------===//

#include "OpImporters.h"
#include "WindowAttrs.h"

#include "../NodeImporter.h"
#include "../OpRegistry.h"

using namespace mlir;

namespace npu::onnx_import {
namespace {

template <typename OpTy> LogicalResult importPool(NodeImporter &n) {
  constexpr bool isMax = std::is_same_v<OpTy, MaxPoolOp>;
  if (failed(n.requireInputs(1)) || failed(n.requireAttr("kernel_shape")))
    return failure();
  // MaxPool's optional second output (the indices of the maxima) needs the
  // op that computes them.
  bool withIndices = isMax && n.hasOutput(1);
  if (!isMax && failed(n.onlyOutputs(1)))
    return failure();
  auto x = n.getInputType(0);
  if (x.getRank() < 3)
    return n.emitError() << "expects an input of rank >= 3, got rank "
                         << x.getRank();
  size_t num = x.getRank() - 2;
  auto attrs = readWindowAttrs(n, num, {});
  if (failed(attrs) ||
      failed(resolveAutoPad(n, *attrs, x.getShape().drop_front(2))))
    return failure();
  // A window wholly in the padding would have no value (ONNX Runtime
  // refuses such a model: "Pad should be smaller than kernel").
  for (size_t i = 0; i < num; ++i)
    if (attrs->pads[i] >= attrs->kernel[i] ||
        attrs->pads[num + i] >= attrs->kernel[i])
      return n.emitError() << "pads " << formatList(attrs->pads)
                           << " must each be smaller than kernel_shape "
                           << formatList(attrs->kernel)
                           << " on its axis: a window wholly in the padding "
                              "has no value";
  bool ceilMode = n.getAttrInt("ceil_mode", 0) != 0;
  auto &b = n.getBuilder();
  FailureOr<Value> r;
  if constexpr (isMax) {
    int64_t storageOrder = n.getAttrInt("storage_order", 0);
    if (storageOrder != 0 && storageOrder != 1)
      return n.unsupportedAttr("storage_order", Twine(storageOrder));
    if (n.failed())
      return failure();
    if (withIndices) {
      // One placeholder type per result: the TypeRange builder asserts that
      // it gets both.
      auto op = n.createInferred<MaxPoolWithIndicesOp>(
          Type(), Type(), n.getInput(0), b.getDenseI64ArrayAttr(attrs->kernel),
          b.getDenseI64ArrayAttr(attrs->strides),
          b.getDenseI64ArrayAttr(attrs->pads),
          b.getDenseI64ArrayAttr(attrs->dilations), b.getBoolAttr(ceilMode),
          b.getBoolAttr(storageOrder == 1));
      if (failed(op))
        return failure();
      n.setOutputs((*op)->getResults());
      return success();
    }
    r = n.create<MaxPoolOp>(
        n.getInput(0), b.getDenseI64ArrayAttr(attrs->kernel),
        b.getDenseI64ArrayAttr(attrs->strides),
        b.getDenseI64ArrayAttr(attrs->pads),
        b.getDenseI64ArrayAttr(attrs->dilations), b.getBoolAttr(ceilMode));
  } else {
    bool includePad = n.getAttrInt("count_include_pad", 0) != 0;
    if (n.failed())
      return failure();
    r = n.create<AvgPoolOp>(n.getInput(0),
                            b.getDenseI64ArrayAttr(attrs->kernel),
                            b.getDenseI64ArrayAttr(attrs->strides),
                            b.getDenseI64ArrayAttr(attrs->pads),
                            b.getDenseI64ArrayAttr(attrs->dilations),
                            b.getBoolAttr(ceilMode), b.getBoolAttr(includePad));
  }
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

template <typename OpTy> LogicalResult importGlobalPool(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto r = n.create<OpTy>(n.getInput(0));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

} // namespace

void registerPoolingOps(OpRegistry &r) {
  r.add("MaxPool", importPool<MaxPoolOp>);
  r.add("AveragePool", importPool<AvgPoolOp>);
  r.add("GlobalAveragePool", importGlobalPool<GlobalAvgPoolOp>);
  r.add("GlobalMaxPool", importGlobalPool<GlobalMaxPoolOp>);
}

} // namespace npu::onnx_import
