//===- Slice.cpp - Slice and Pad -----------------------------------------===//
//
// Slice resolves ONNX's clamping rules (negative indices, INT_MAX ends,
// negative steps) into npu.slice's per-dimension start/step and a result
// shape. Pad reads pads and the fill value from attributes (opset < 11) or
// constant inputs, with the opset 18 `axes` input.
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"

#include "../NodeImporter.h"
#include "../OpRegistry.h"

#include "npu/Dialect/NPU/IR/ScalarAttr.h"

using namespace mlir;

namespace npu::onnx_import {
namespace {

LogicalResult importSlice(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto in = n.getInputType(0);
  int64_t rank = in.getRank();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (n.getOpset() < 10) {
    if (failed(n.requireAttr("starts")) || failed(n.requireAttr("ends")))
      return failure();
    starts = n.getAttrInts("starts");
    ends = n.getAttrInts("ends");
    axes = n.getAttrInts("axes");
  } else {
    if (failed(n.requireInputs(3)))
      return failure();
    auto s = n.getConstantInts(1, "starts");
    if (failed(s))
      return failure();
    auto e = n.getConstantInts(2, "ends");
    if (failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (n.hasInput(3)) {
      auto a = n.getConstantInts(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (n.hasInput(4)) {
      auto st = n.getConstantInts(4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  if (n.failed())
    return failure();
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(static_cast<int64_t>(i));
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (starts.size() != ends.size() || starts.size() != axes.size() ||
      starts.size() != steps.size())
    return n.emitError() << "starts, ends, axes and steps must have the same "
                            "length; got "
                         << starts.size() << ", " << ends.size() << ", "
                         << axes.size() << " and " << steps.size();

  SmallVector<int64_t> outStarts(rank, 0), outSteps(rank, 1);
  SmallVector<int64_t> shape(in.getShape());
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    auto axis = n.normalizeAxis(axes[i], rank);
    if (failed(axis))
      return failure();
    if (seen[*axis])
      return n.emitError() << "axis " << *axis << " is sliced twice";
    seen[*axis] = true;
    int64_t dim = in.getDimSize(*axis);
    int64_t step = steps[i];
    if (step == 0)
      return n.emitError() << "step of axis " << *axis << " is zero";
    int64_t start = starts[i], end = ends[i];
    if (start < 0)
      start += dim;
    if (end < 0)
      end += dim;
    // ceil(span / |step|) without overflow for any int64 step (a step of
    // INT64_MIN has no int64 magnitude): span >= 1 and both within the
    // dimension.
    uint64_t magnitude =
        step > 0 ? uint64_t(step) : uint64_t(0) - uint64_t(step);
    auto count = [&](int64_t span) {
      return span > 0 ? int64_t(1 + uint64_t(span - 1) / magnitude) : 0;
    };
    int64_t size;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      size = count(end - start);
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      size = count(start - end);
    }
    outStarts[*axis] = size > 0 ? start : 0;
    // One element (or none) is taken whatever the step: 1 keeps huge steps
    // out of the offset arithmetic of later stages.
    outSteps[*axis] = size > 1 ? step : 1;
    shape[*axis] = size;
  }
  auto &b = n.getBuilder();
  return n.setResult(n.createValue<SliceOp>(in.clone(shape), n.getInput(0),
                                            b.getDenseI64ArrayAttr(outStarts),
                                            b.getDenseI64ArrayAttr(outSteps)));
}

LogicalResult importPad(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto in = n.getInputType(0);
  int64_t rank = in.getRank();
  std::string modeName = n.getAttrString("mode", "constant");
  PadMode mode;
  if (modeName == "constant")
    mode = PadMode::constant;
  else if (modeName == "reflect")
    mode = PadMode::reflect;
  else if (modeName == "edge")
    mode = PadMode::edge;
  else if (modeName == "wrap")
    mode = PadMode::wrap;
  else
    return n.unsupportedAttr("mode", "'" + modeName + "'");

  SmallVector<int64_t> pads;
  // The fill value in the input's kind (ScalarAttr.h): integers stay exact.
  Type element = in.getElementType();
  Attribute value;
  SmallVector<int64_t> axes;
  if (n.getOpset() < 11) {
    pads = n.getAttrInts(n.getOpset() < 2 ? "paddings" : "pads");
    value = getScalarAttr(element, n.getAttrFloat("value", 0.0f));
  } else {
    if (failed(n.requireInputs(2)))
      return failure();
    auto p = n.getConstantInts(1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (n.hasInput(2)) {
      auto v = n.getConstantInput(2, "constant_value");
      if (failed(v))
        return failure();
      if (v->getNumElements() > 1)
        return n.emitError() << "constant_value must hold one value";
      // ONNX gives it the input's type; another type is converted.
      if (v->getNumElements() == 1)
        value =
            v->getElementType() == element
                ? getScalarAttr(*v)
                : getScalarAttr(element, scalarAttrToDouble(getScalarAttr(*v)));
    }
    if (n.hasInput(3)) {
      auto a = n.getConstantInts(3, "axes");
      if (failed(a))
        return failure();
      for (int64_t axis : *a) {
        auto normalized = n.normalizeAxis(axis, rank);
        if (failed(normalized))
          return failure();
        axes.push_back(*normalized);
      }
    }
  }
  if (n.failed())
    return failure();
  if (!axes.empty()) {
    if (pads.size() != 2 * axes.size())
      return n.emitError() << "pads " << formatList(pads) << " need "
                           << 2 * axes.size() << " entries for axes "
                           << formatList(axes);
    SmallVector<int64_t> full(2 * rank, 0);
    for (auto [i, axis] : llvm::enumerate(axes)) {
      full[axis] = pads[i];
      full[rank + axis] = pads[axes.size() + i];
    }
    pads = full;
  }
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return n.emitError() << "pads " << formatList(pads) << " need " << 2 * rank
                         << " entries for a rank-" << rank << " input";
  // A zero fill is the default; other modes fill nothing.
  if (mode != PadMode::constant || isZeroScalarAttr(value))
    value = Attribute();
  auto &b = n.getBuilder();
  return n.setResult(
      n.create<PadOp>(n.getInput(0), b.getDenseI64ArrayAttr(pads),
                      PadModeAttr::get(n.getContext(), mode), value));
}

} // namespace

void registerSliceOps(OpRegistry &r) {
  r.add("Slice", importSlice);
  r.add("Pad", importPad);
}

} // namespace npu::onnx_import
