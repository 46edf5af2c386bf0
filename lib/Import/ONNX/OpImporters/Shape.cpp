//===- Shape.cpp - Shape manipulation and shape queries -------------------===//
//
// Reshape, Flatten, Squeeze and Unsqueeze all become npu.reshape with the
// result shape resolved at import time; Transpose, Concat, Split, Expand,
// Tile, Shape, Size, DepthToSpace and SpaceToDepth map onto their npu ops.
// Axes given as inputs (opset 13+) must be compile-time constants.
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"

#include "../NodeImporter.h"
#include "../OpRegistry.h"

#include "npu/Dialect/NPU/IR/ShapeUtils.h"

#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;

namespace npu::onnx_import {
namespace {

int64_t product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    p *= d;
  return p;
}

LogicalResult importReshape(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto in = n.getInputType(0);
  SmallVector<int64_t> requested;
  if (n.getOpset() < 5) {
    requested = n.getAttrInts("shape");
  } else {
    auto shape = n.getConstantInts(1, "shape");
    if (failed(shape))
      return failure();
    requested = *shape;
  }
  bool allowZero = n.getAttrInt("allowzero", 0) != 0;
  if (n.failed())
    return failure();
  SmallVector<int64_t> out;
  int64_t inferred = -1, known = 1;
  for (auto [i, d] : llvm::enumerate(requested)) {
    if (d == 0 && !allowZero) {
      if (static_cast<int64_t>(i) >= in.getRank())
        return n.emitError()
               << "shape " << formatList(requested) << " copies dimension " << i
               << " of a rank-" << in.getRank() << " input";
      d = in.getDimSize(i);
    }
    if (d == -1) {
      if (inferred >= 0)
        return n.emitError()
               << "shape " << formatList(requested) << " has more than one -1";
      inferred = static_cast<int64_t>(i);
    } else if (d < 0) {
      return n.emitError() << "shape " << formatList(requested)
                           << " has an invalid dimension " << d;
    } else if (auto k = llvm::checkedMul<int64_t>(known, d)) {
      known = *k;
    } else {
      // Found by fuzz/onnx: the product used to overflow.
      return n.emitError() << "shape " << formatList(requested)
                           << " has more elements than a 64-bit count";
    }
    out.push_back(d);
  }
  int64_t total = in.getNumElements();
  if (inferred >= 0) {
    if (known == 0 || total % known != 0)
      return n.emitError() << "cannot reshape " << formatList(in.getShape())
                           << " to " << formatList(requested);
    out[inferred] = total / known;
  }
  // known * (total / known) <= total: no overflow.
  int64_t count = inferred >= 0 ? known * out[inferred] : known;
  if (count != total)
    return n.emitError() << "cannot reshape " << formatList(in.getShape())
                         << " (" << total << " elements) to "
                         << formatList(out);
  return n.setResult(n.createValue<ReshapeOp>(in.clone(out), n.getInput(0)));
}

LogicalResult importFlatten(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto in = n.getInputType(0);
  int64_t rank = in.getRank();
  int64_t axis = n.getAttrInt("axis", 1);
  if (axis < -rank || axis > rank)
    return n.emitError() << "axis " << axis << " is out of range for rank "
                         << rank;
  if (axis < 0)
    axis += rank;
  int64_t outer = product(in.getShape().take_front(axis));
  int64_t inner = product(in.getShape().drop_front(axis));
  return n.setResult(
      n.createValue<ReshapeOp>(in.clone({outer, inner}), n.getInput(0)));
}

/// Axes from the `axes` attribute (before `inputSince`) or input 1.
FailureOr<std::optional<SmallVector<int64_t>>> axesOperand(NodeImporter &n,
                                                           int64_t inputSince) {
  if (n.getOpset() < inputSince) {
    if (!n.hasAttr("axes"))
      return std::optional<SmallVector<int64_t>>();
    return std::optional<SmallVector<int64_t>>(n.getAttrInts("axes"));
  }
  if (!n.hasInput(1))
    return std::optional<SmallVector<int64_t>>();
  auto axes = n.getConstantInts(1, "axes");
  if (failed(axes))
    return failure();
  return std::optional<SmallVector<int64_t>>(*axes);
}

LogicalResult importSqueeze(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto in = n.getInputType(0);
  auto axes = axesOperand(n, 13);
  if (failed(axes) || n.failed())
    return failure();
  SmallVector<bool> drop(in.getRank(), false);
  if (*axes) {
    auto normalized = n.normalizeAxes(**axes, in.getRank());
    if (failed(normalized))
      return failure();
    for (int64_t a : *normalized) {
      if (in.getDimSize(a) != 1)
        return n.emitError() << "cannot squeeze dimension " << a << " of size "
                             << in.getDimSize(a);
      drop[a] = true;
    }
  } else {
    for (int64_t d = 0; d < in.getRank(); ++d)
      drop[d] = in.getDimSize(d) == 1;
  }
  SmallVector<int64_t> out;
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (!drop[d])
      out.push_back(in.getDimSize(d));
  return n.setResult(n.createValue<ReshapeOp>(in.clone(out), n.getInput(0)));
}

LogicalResult importUnsqueeze(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto in = n.getInputType(0);
  auto axes = axesOperand(n, 13);
  if (failed(axes) || n.failed())
    return failure();
  if (!*axes)
    return n.emitError() << "the axes are required";
  int64_t outRank = in.getRank() + static_cast<int64_t>((*axes)->size());
  auto normalized = n.normalizeAxes(**axes, outRank);
  if (failed(normalized))
    return failure();
  SmallVector<int64_t> out;
  auto rest = in.getShape();
  size_t next = 0;
  for (int64_t d = 0; d < outRank; ++d) {
    if (next < normalized->size() && (*normalized)[next] == d) {
      out.push_back(1);
      ++next;
    } else {
      out.push_back(rest.front());
      rest = rest.drop_front();
    }
  }
  return n.setResult(n.createValue<ReshapeOp>(in.clone(out), n.getInput(0)));
}

LogicalResult importTranspose(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  int64_t rank = n.getInputType(0).getRank();
  SmallVector<int64_t> perm;
  for (int64_t i = rank - 1; i >= 0; --i)
    perm.push_back(i);
  perm = n.getAttrInts("perm", perm);
  if (n.failed())
    return failure();
  for (int64_t &p : perm)
    if (p < 0)
      p += rank;
  return n.setResult(n.create<TransposeOp>(
      n.getInput(0), n.getBuilder().getDenseI64ArrayAttr(perm)));
}

LogicalResult importConcat(NodeImporter &n) {
  SmallVector<Value> inputs = n.getPresentInputs();
  if (inputs.empty())
    return n.emitError() << "expects at least one input";
  int64_t rank = cast<RankedTensorType>(inputs[0].getType()).getRank();
  if (n.getOpset() >= 4 && failed(n.requireAttr("axis")))
    return failure();
  auto axis = n.normalizeAxis(n.getAttrInt("axis", 1), rank);
  if (failed(axis) || n.failed())
    return failure();
  return n.setResult(
      n.create<ConcatOp>(inputs, n.getBuilder().getI64IntegerAttr(*axis)));
}

LogicalResult importSplit(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto in = n.getInputType(0);
  auto axis = n.normalizeAxis(n.getAttrInt("axis", 0), in.getRank());
  if (failed(axis))
    return failure();
  int64_t dim = in.getDimSize(*axis);
  SmallVector<int64_t> sizes;
  if (n.getOpset() >= 13 || (n.getOpset() < 2 && n.hasInput(1))) {
    if (n.hasInput(1)) {
      auto s = n.getConstantInts(1, "split");
      if (failed(s))
        return failure();
      sizes = *s;
    }
  } else {
    sizes = n.getAttrInts("split");
  }
  int64_t numOutputs = n.getNumOutputs();
  if (sizes.empty()) {
    if (n.hasAttr("num_outputs"))
      numOutputs = n.getAttrInt("num_outputs", numOutputs);
    if (numOutputs < 1)
      return n.emitError() << "needs at least one output";
    // Checked before it sizes anything (found by fuzz/onnx).
    if (numOutputs != n.getNumOutputs())
      return n.emitError() << "num_outputs " << numOutputs << " differs from "
                           << "the node's " << n.getNumOutputs() << " outputs";
    if (n.getOpset() >= 18) {
      // Opset 18: equal chunks of ceil(dim / n), the last one smaller.
      int64_t chunk = (dim + numOutputs - 1) / numOutputs;
      for (int64_t i = 0; i < numOutputs; ++i)
        sizes.push_back(std::max<int64_t>(0, std::min(chunk, dim - i * chunk)));
    } else {
      if (dim % numOutputs != 0)
        return n.emitError()
               << "dimension " << *axis << " of size " << dim
               << " does not split into " << numOutputs << " equal parts";
      sizes.assign(numOutputs, dim / numOutputs);
    }
  }
  if (n.failed())
    return failure();
  if (static_cast<int64_t>(sizes.size()) != n.getNumOutputs())
    return n.emitError() << "split sizes " << formatList(sizes) << " give "
                         << sizes.size() << " parts for " << n.getNumOutputs()
                         << " outputs";
  SmallVector<Type> types;
  for (int64_t s : sizes) {
    if (s < 0)
      return n.emitError() << "split sizes " << formatList(sizes)
                           << " must not be negative";
    SmallVector<int64_t> shape(in.getShape());
    shape[*axis] = s;
    types.push_back(in.clone(shape));
  }
  auto op = n.createTyped<SplitOp>(TypeRange(types), n.getInput(0),
                                   n.getBuilder().getI64IntegerAttr(*axis));
  if (failed(op))
    return failure();
  n.setOutputs(op->getResults());
  return success();
}

LogicalResult importExpand(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  auto in = n.getInputType(0);
  auto shape = n.getConstantInts(1, "shape");
  if (failed(shape))
    return failure();
  // Expand broadcasts both ways: the result is the broadcast of the two.
  auto out = broadcastShapes(in.getShape(), *shape);
  if (!out)
    return n.emitError() << "cannot expand " << formatList(in.getShape())
                         << " to " << formatList(*shape);
  return n.setResult(n.createValue<ExpandOp>(in.clone(*out), n.getInput(0)));
}

LogicalResult importTile(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  auto in = n.getInputType(0);
  auto repeats = n.getConstantInts(1, "repeats");
  if (failed(repeats))
    return failure();
  if (static_cast<int64_t>(repeats->size()) != in.getRank())
    return n.emitError() << "repeats " << formatList(*repeats)
                         << " need one entry per input dimension ("
                         << in.getRank() << ")";
  SmallVector<int64_t> out;
  for (auto [d, r] : llvm::zip(in.getShape(), *repeats)) {
    if (r < 0)
      return n.emitError() << "repeats " << formatList(*repeats)
                           << " must not be negative";
    auto tiled = llvm::checkedMul<int64_t>(d, r);
    if (!tiled)
      return n.emitError() << "repeats " << formatList(*repeats)
                           << " make a dimension overflow 64 bits";
    out.push_back(*tiled);
  }
  return n.setResult(n.createValue<TileOp>(in.clone(out), n.getInput(0)));
}

LogicalResult importShape(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  auto &b = n.getBuilder();
  int64_t start = n.getAttrInt("start", 0);
  IntegerAttr end;
  if (n.hasAttr("end"))
    end = b.getI64IntegerAttr(n.getAttrInt("end", 0));
  if (n.failed())
    return failure();
  return n.setResult(
      n.create<ShapeOp>(n.getInput(0), b.getI64IntegerAttr(start), end));
}

LogicalResult importSize(NodeImporter &n) {
  if (failed(n.requireInputs(1)))
    return failure();
  return n.setResult(n.create<SizeOp>(n.getInput(0)));
}

LogicalResult importDepthToSpace(NodeImporter &n) {
  if (failed(n.requireInputs(1)) || failed(n.requireAttr("blocksize")))
    return failure();
  int64_t blocksize = n.getAttrInt("blocksize", 1);
  std::string mode = n.getAttrString("mode", "DCR");
  DepthToSpaceMode m;
  if (mode == "DCR")
    m = DepthToSpaceMode::DCR;
  else if (mode == "CRD")
    m = DepthToSpaceMode::CRD;
  else
    return n.unsupportedAttr("mode", "'" + mode + "'");
  if (n.failed())
    return failure();
  return n.setResult(n.create<DepthToSpaceOp>(
      n.getInput(0), n.getBuilder().getI64IntegerAttr(blocksize),
      DepthToSpaceModeAttr::get(n.getContext(), m)));
}

LogicalResult importSpaceToDepth(NodeImporter &n) {
  if (failed(n.requireInputs(1)) || failed(n.requireAttr("blocksize")))
    return failure();
  int64_t blocksize = n.getAttrInt("blocksize", 1);
  if (n.failed())
    return failure();
  return n.setResult(n.create<SpaceToDepthOp>(
      n.getInput(0), n.getBuilder().getI64IntegerAttr(blocksize)));
}

} // namespace

void registerShapeOps(OpRegistry &r) {
  r.add("Reshape", importReshape);
  r.add("Flatten", importFlatten);
  r.add("Squeeze", importSqueeze);
  r.add("Unsqueeze", importUnsqueeze);
  r.add("Transpose", importTranspose);
  r.add("Concat", importConcat);
  r.add("Split", importSplit);
  r.add("Expand", importExpand);
  r.add("Tile", importTile);
  r.add("Shape", importShape);
  r.add("Size", importSize);
  r.add("DepthToSpace", importDepthToSpace);
  r.add("SpaceToDepth", importSpaceToDepth);
}

} // namespace npu::onnx_import
