//===- Reduction.cpp - Reductions, ArgMax/ArgMin, CumSum, TopK ------------===//
//
// Reduce* ops take their axes from an attribute or (ReduceSum from opset 13,
// the others from opset 18) a constant input. Empty axes (a missing or empty
// input, a missing attribute) mean "all axes" unless noop_with_empty_axes is
// set, which exists with the axes input only: then nothing is reduced, but
// the composite reductions still apply their element-wise part
// (ReduceSumSquare gives x^2, as ONNX 1.19+ specify; see npu.reduce_*).
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"

#include "../NodeImporter.h"
#include "../OpRegistry.h"

using namespace mlir;

namespace npu::onnx_import {
namespace {

template <typename OpTy, int AxesInputSince>
LogicalResult importReduce(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto in = n.getInputType(0);
  SmallVector<int64_t> axes;
  if (n.getOpset() < AxesInputSince) {
    axes = n.getAttrInts("axes");
  } else if (n.hasInput(1)) {
    auto a = n.getConstantInts(1, "axes");
    if (failed(a))
      return failure();
    axes = *a;
  }
  bool keepdims = n.getAttrInt("keepdims", 1) != 0;
  bool noop = n.getOpset() >= AxesInputSince &&
              n.getAttrInt("noop_with_empty_axes", 0) != 0;
  if (n.failed())
    return failure();
  SmallVector<int64_t> normalized;
  if (axes.empty()) {
    if (!noop)
      for (int64_t d = 0; d < in.getRank(); ++d)
        normalized.push_back(d);
  } else {
    auto a = n.normalizeAxes(axes, in.getRank());
    if (failed(a))
      return failure();
    normalized = *a;
  }
  auto &b = n.getBuilder();
  auto r = n.create<OpTy>(n.getInput(0), b.getDenseI64ArrayAttr(normalized),
                          b.getBoolAttr(keepdims));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

template <typename OpTy> LogicalResult importArg(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto axis =
      n.normalizeAxis(n.getAttrInt("axis", 0), n.getInputType(0).getRank());
  bool keepdims = n.getAttrInt("keepdims", 1) != 0;
  bool last = n.getAttrInt("select_last_index", 0) != 0;
  if (failed(axis) || n.failed())
    return failure();
  auto &b = n.getBuilder();
  auto r = n.create<OpTy>(n.getInput(0), b.getI64IntegerAttr(*axis),
                          b.getBoolAttr(keepdims), b.getBoolAttr(last));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importCumSum(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  auto in = n.getInputType(0);
  auto axisValue = n.getConstantScalarInt(1, "axis");
  if (failed(axisValue))
    return failure();
  auto axis = n.normalizeAxis(*axisValue, in.getRank());
  bool exclusive = n.getAttrInt("exclusive", 0) != 0;
  bool reverse = n.getAttrInt("reverse", 0) != 0;
  if (failed(axis) || n.failed())
    return failure();
  auto &b = n.getBuilder();
  auto r =
      n.createValue<CumSumOp>(in, n.getInput(0), b.getI64IntegerAttr(*axis),
                              b.getBoolAttr(exclusive), b.getBoolAttr(reverse));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importTopK(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto in = n.getInputType(0);
  int64_t k;
  if (n.getOpset() < 10) {
    if (failed(n.requireAttr("k")))
      return failure();
    k = n.getAttrInt("k", 0);
  } else {
    auto kv = n.getConstantScalarInt(1, "K");
    if (failed(kv))
      return failure();
    k = *kv;
  }
  auto axis = n.normalizeAxis(n.getAttrInt("axis", -1), in.getRank());
  bool largest = n.getAttrInt("largest", 1) != 0;
  bool sorted = n.getAttrInt("sorted", 1) != 0;
  if (failed(axis) || n.failed())
    return failure();
  auto &b = n.getBuilder();
  OperationState state(n.getLoc(), TopKOp::getOperationName());
  TopKOp::build(b, state, Type(), Type(), n.getInput(0),
                b.getI64IntegerAttr(*axis), b.getI64IntegerAttr(k),
                b.getBoolAttr(largest), b.getBoolAttr(sorted));
  if (failed(n.inferTypes<TopKOp>(state)))
    return failure();
  Operation *op = n.finish(state);
  if (!op)
    return failure();
  n.setOutputs(op->getResults());
  return success();
}

} // namespace

void registerReductionOps(OpRegistry &r) {
  r.add("ReduceSum", importReduce<ReduceSumOp, 13>);
  r.add("ReduceMean", importReduce<ReduceMeanOp, 18>);
  r.add("ReduceMax", importReduce<ReduceMaxOp, 18>);
  r.add("ReduceMin", importReduce<ReduceMinOp, 18>);
  r.add("ReduceProd", importReduce<ReduceProdOp, 18>);
  r.add("ReduceL1", importReduce<ReduceL1Op, 18>);
  r.add("ReduceL2", importReduce<ReduceL2Op, 18>);
  r.add("ReduceSumSquare", importReduce<ReduceSumSquareOp, 18>);
  r.add("ReduceLogSum", importReduce<ReduceLogSumOp, 18>);
  r.add("ReduceLogSumExp", importReduce<ReduceLogSumExpOp, 18>);
  r.add("ArgMax", importArg<ArgMaxOp>);
  r.add("ArgMin", importArg<ArgMinOp>);
  r.add("CumSum", importCumSum);
  r.add("TopK", importTopK);
}

} // namespace npu::onnx_import
