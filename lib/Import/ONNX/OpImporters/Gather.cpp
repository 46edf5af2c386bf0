//===- Gather.cpp - Indexing: gathers, scatters, one-hot, selections ------===//
//
// Gather/GatherElements/GatherND and the scatters map onto npu ops. Ops
// whose output shape depends on input values (Compress, NonZero) or that
// index by a compile-time table (ReverseSequence, MaxUnpool) are resolved
// at import time into gathers and scatters with constant indices.
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"

#include "../NodeImporter.h"
#include "../OpRegistry.h"
#include "../TensorConverter.h"

using namespace mlir;

namespace npu::onnx_import {
namespace {

/// Gather and GatherElements: data, indices and a normalised axis.
template <typename OpTy> LogicalResult importAxisGather(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  auto axis =
      n.normalizeAxis(n.getAttrInt("axis", 0), n.getInputType(0).getRank());
  if (failed(axis) || n.failed())
    return failure();
  return n.setResult(n.create<OpTy>(n.getInput(0), n.getInput(1),
                                    n.getBuilder().getI64IntegerAttr(*axis)));
}

LogicalResult importGatherND(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  int64_t batchDims = n.getAttrInt("batch_dims", 0);
  if (n.failed())
    return failure();
  return n.setResult(
      n.create<GatherNDOp>(n.getInput(0), n.getInput(1),
                           n.getBuilder().getI64IntegerAttr(batchDims)));
}

FailureOr<ScatterReduction> readReduction(NodeImporter &n) {
  std::string name = n.getAttrString("reduction", "none");
  if (name == "none")
    return ScatterReduction::none;
  if (name == "add")
    return ScatterReduction::add;
  if (name == "mul")
    return ScatterReduction::mul;
  if (name == "max")
    return ScatterReduction::max;
  if (name == "min")
    return ScatterReduction::min;
  return n.unsupportedAttr("reduction", "'" + name + "'");
}

LogicalResult importScatterElements(NodeImporter &n) {
  if (failed(n.requireInputs(3)))
    return failure();
  auto axis =
      n.normalizeAxis(n.getAttrInt("axis", 0), n.getInputType(0).getRank());
  auto reduction = readReduction(n);
  if (failed(axis) || failed(reduction) || n.failed())
    return failure();
  return n.setResult(n.create<ScatterElementsOp>(
      n.getInput(0), n.getInput(1), n.getInput(2),
      n.getBuilder().getI64IntegerAttr(*axis),
      ScatterReductionAttr::get(n.getContext(), *reduction)));
}

LogicalResult importScatterND(NodeImporter &n) {
  if (failed(n.requireInputs(3)))
    return failure();
  auto reduction = readReduction(n);
  if (failed(reduction) || n.failed())
    return failure();
  return n.setResult(n.create<ScatterNDOp>(
      n.getInput(0), n.getInput(1), n.getInput(2),
      ScatterReductionAttr::get(n.getContext(), *reduction)));
}

LogicalResult importOneHot(NodeImporter &n) {
  if (failed(n.requireInputs(3)))
    return failure();
  auto depth = n.getConstantScalarInt(1, "depth");
  if (failed(depth))
    return failure();
  Value indices = n.getInput(0);
  auto idxType = n.getInputType(0);
  auto axis = n.normalizeAxis(n.getAttrInt("axis", -1), idxType.getRank() + 1);
  if (failed(axis) || n.failed())
    return failure();
  auto intType = dyn_cast<IntegerType>(idxType.getElementType());
  if (!intType || !intType.isSignless()) {
    // Float or unsigned indices are converted to int64 as ONNX specifies.
    auto converted = n.castTo(indices, n.getBuilder().getI64Type());
    if (failed(converted))
      return failure();
    indices = *converted;
  }
  auto &b = n.getBuilder();
  return n.setResult(n.create<OneHotOp>(indices, n.getInput(2),
                                        b.getI64IntegerAttr(*axis),
                                        b.getI64IntegerAttr(*depth)));
}

LogicalResult importTrilu(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  int64_t k = 0;
  if (n.hasInput(1)) {
    auto v = n.getConstantScalarInt(1, "k");
    if (failed(v))
      return failure();
    k = *v;
  }
  bool upper = n.getAttrInt("upper", 1) != 0;
  if (n.failed())
    return failure();
  auto &b = n.getBuilder();
  return n.setResult(n.createValue<TriluOp>(n.getInputType(0), n.getInput(0),
                                            b.getBoolAttr(upper),
                                            b.getI64IntegerAttr(k)));
}

/// Compress with a compile-time condition: a gather of the selected
/// indices along the axis (of the flattened input when there is no axis).
LogicalResult importCompress(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  auto condition = n.getConstantInts(1, "condition");
  if (failed(condition))
    return failure();
  Value data = n.getInput(0);
  auto type = n.getInputType(0);
  int64_t axis = 0;
  if (n.hasAttr("axis")) {
    auto a = n.normalizeAxis(n.getAttrInt("axis", 0), type.getRank());
    if (failed(a))
      return failure();
    axis = *a;
  } else {
    auto flat = n.reshape(data, {type.getNumElements()});
    if (failed(flat))
      return failure();
    data = *flat;
  }
  int64_t dim = cast<RankedTensorType>(data.getType()).getDimSize(axis);
  SmallVector<int64_t> selected;
  for (auto [i, c] : llvm::enumerate(*condition))
    if (c && static_cast<int64_t>(i) < dim)
      selected.push_back(static_cast<int64_t>(i));
  return n.setResult(n.create<GatherOp>(
      data, n.constantI64(selected), n.getBuilder().getI64IntegerAttr(axis)));
}

/// NonZero of a compile-time tensor is a constant [rank, count] table.
LogicalResult importNonZero(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto value = n.getConstantInput(0, "data");
  if (failed(value))
    return failure();
  SmallVector<double> values = attrToDoubles(*value);
  auto shape = value->getType().getShape();
  int64_t rank = static_cast<int64_t>(shape.size());
  SmallVector<SmallVector<int64_t>> coords(std::max<int64_t>(rank, 1));
  int64_t count = 0;
  for (int64_t flat = 0; flat < static_cast<int64_t>(values.size()); ++flat) {
    if (values[flat] == 0)
      continue;
    ++count;
    int64_t rem = flat;
    for (int64_t d = rank - 1; d >= 0; --d) {
      coords[d].push_back(rem % shape[d]);
      rem /= shape[d];
    }
  }
  SmallVector<int64_t> table;
  for (int64_t d = 0; d < rank; ++d)
    table.append(coords[d]);
  n.setOutput(0, n.constantI64(table, ArrayRef<int64_t>{rank, count}));
  return success();
}

/// ReverseSequence: a gather along the time axis with a constant index
/// table that reverses the first seq_len[b] steps of every batch entry.
LogicalResult importReverseSequence(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  auto lens = n.getConstantInts(1, "sequence_lens");
  if (failed(lens))
    return failure();
  auto type = n.getInputType(0);
  auto batchAxis =
      n.normalizeAxis(n.getAttrInt("batch_axis", 1), type.getRank());
  auto timeAxis = n.normalizeAxis(n.getAttrInt("time_axis", 0), type.getRank());
  if (failed(batchAxis) || failed(timeAxis) || n.failed())
    return failure();
  if (*batchAxis == *timeAxis ||
      static_cast<int64_t>(lens->size()) != type.getDimSize(*batchAxis))
    return n.emitError() << "needs distinct batch and time axes and one "
                            "sequence length per batch entry";
  auto shape = type.getShape();
  SmallVector<int64_t> index(type.getNumElements());
  SmallVector<int64_t> pos(shape.size(), 0);
  for (int64_t flat = 0; flat < type.getNumElements(); ++flat) {
    int64_t t = pos[*timeAxis], len = (*lens)[pos[*batchAxis]];
    index[flat] = t < len ? len - 1 - t : t;
    for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
      if (++pos[d] < shape[d])
        break;
      pos[d] = 0;
    }
  }
  return n.setResult(
      n.create<GatherElementsOp>(n.getInput(0), n.constantI64(index, shape),
                                 n.getBuilder().getI64IntegerAttr(*timeAxis)));
}

/// MaxUnpool: scatter the values into a zero tensor at their flat indices.
LogicalResult importMaxUnpool(NodeImporter &n) {
  if (failed(n.requireInputs(2)) || failed(n.requireAttr("kernel_shape")))
    return failure();
  auto x = n.getInputType(0);
  if (x.getRank() < 3)
    return n.emitError() << "expects an input of rank >= 3 (N x C x D1 ...), "
                            "got rank "
                         << x.getRank();
  size_t num = x.getRank() - 2;
  auto kernel = n.getAttrInts("kernel_shape");
  auto strides = n.getAttrInts("strides", SmallVector<int64_t>(num, 1));
  auto pads = n.getAttrInts("pads", SmallVector<int64_t>(2 * num, 0));
  if (n.failed())
    return failure();
  if (kernel.size() != num || strides.size() != num || pads.size() != 2 * num)
    return n.emitError() << "kernel_shape, strides and pads do not match the "
                            "input's "
                         << num << " spatial dimensions";
  SmallVector<int64_t> out;
  if (n.hasInput(2)) {
    auto s = n.getConstantInts(2, "output_shape");
    if (failed(s))
      return failure();
    out = *s;
  } else {
    out = {x.getDimSize(0), x.getDimSize(1)};
    for (size_t i = 0; i < num; ++i)
      out.push_back((x.getDimSize(i + 2) - 1) * strides[i] + kernel[i] -
                    pads[i] - pads[num + i]);
  }
  if (static_cast<int64_t>(out.size()) != x.getRank())
    return n.emitError() << "output_shape " << formatList(out)
                         << " must have rank " << x.getRank();
  int64_t total = 1;
  for (int64_t d : out)
    total *= d;
  auto flatType = RankedTensorType::get({total}, x.getElementType());
  auto values = n.reshape(n.getInput(0), {x.getNumElements()});
  auto indices = n.reshape(n.getInput(1), {x.getNumElements()});
  if (failed(values) || failed(indices))
    return failure();
  auto scattered = n.create<ScatterElementsOp>(
      n.splat(flatType, 0.0), *indices, *values,
      n.getBuilder().getI64IntegerAttr(0),
      ScatterReductionAttr::get(n.getContext(), ScatterReduction::none));
  if (failed(scattered))
    return failure();
  return n.setResult(n.reshape(*scattered, out));
}

} // namespace

void registerGatherOps(OpRegistry &r) {
  r.add("Gather", importAxisGather<GatherOp>);
  r.add("GatherElements", importAxisGather<GatherElementsOp>);
  r.add("GatherND", importGatherND);
  r.add("ScatterElements", importScatterElements);
  r.add("Scatter", importScatterElements);
  r.add("ScatterND", importScatterND);
  r.add("OneHot", importOneHot);
  r.add("Trilu", importTrilu);
  r.add("Compress", importCompress);
  r.add("NonZero", importNonZero);
  r.add("ReverseSequence", importReverseSequence);
  r.add("MaxUnpool", importMaxUnpool);
}

} // namespace npu::onnx_import
