//===- WindowAttrs.cpp - Sliding-window attributes ------------------------===//

#include "WindowAttrs.h"

#include "../NodeImporter.h"

using namespace mlir;

namespace npu::onnx_import {

FailureOr<WindowAttrs> readWindowAttrs(NodeImporter &n, size_t numSpatial,
                                       ArrayRef<int64_t> defaultKernel) {
  WindowAttrs w;
  w.kernel = n.getAttrInts("kernel_shape", defaultKernel);
  w.strides = n.getAttrInts("strides", SmallVector<int64_t>(numSpatial, 1));
  w.dilations = n.getAttrInts("dilations", SmallVector<int64_t>(numSpatial, 1));
  w.pads = n.getAttrInts("pads", SmallVector<int64_t>(2 * numSpatial, 0));
  w.autoPad = n.getAttrString("auto_pad", "NOTSET");
  if (n.failed())
    return failure();
  if (w.kernel.size() != numSpatial)
    return n.emitError() << "kernel_shape " << formatList(w.kernel) << " needs "
                         << numSpatial << " entries";
  if (w.strides.size() != numSpatial || w.dilations.size() != numSpatial ||
      w.pads.size() != 2 * numSpatial)
    return n.emitError() << "strides " << formatList(w.strides)
                         << " and dilations " << formatList(w.dilations)
                         << " need " << numSpatial << " entries, pads "
                         << formatList(w.pads) << " " << 2 * numSpatial;
  for (size_t i = 0; i < numSpatial; ++i)
    if (w.kernel[i] < 1 || w.strides[i] < 1 || w.dilations[i] < 1)
      return n.emitError() << "kernel_shape, strides and dilations must be "
                              "positive";
  if (w.autoPad != "NOTSET" && w.autoPad != "SAME_UPPER" &&
      w.autoPad != "SAME_LOWER" && w.autoPad != "VALID" && !w.autoPad.empty())
    return n.unsupportedAttr("auto_pad", "'" + w.autoPad + "'");
  return w;
}

LogicalResult checkConvOperands(NodeImporter &n, unsigned x, unsigned w) {
  int64_t xRank = n.getInputType(x).getRank(),
          wRank = n.getInputType(w).getRank();
  if (wRank < 3 || xRank != wRank)
    return n.emitError() << "input (rank " << xRank << ") and weight (rank "
                         << wRank << ") must have the same rank >= 3";
  return success();
}

LogicalResult resolveAutoPad(NodeImporter &n, WindowAttrs &w,
                             ArrayRef<int64_t> inSpatial) {
  size_t num = w.kernel.size();
  if (w.autoPad == "VALID") {
    w.pads.assign(2 * num, 0);
    return success();
  }
  if (w.autoPad != "SAME_UPPER" && w.autoPad != "SAME_LOWER")
    return success();
  for (size_t i = 0; i < num; ++i) {
    int64_t out = (inSpatial[i] + w.strides[i] - 1) / w.strides[i];
    int64_t extent = (w.kernel[i] - 1) * w.dilations[i] + 1;
    int64_t total =
        std::max<int64_t>(0, (out - 1) * w.strides[i] + extent - inSpatial[i]);
    int64_t small = total / 2, large = total - small;
    bool upper = w.autoPad == "SAME_UPPER";
    w.pads[i] = upper ? small : large;
    w.pads[num + i] = upper ? large : small;
  }
  return success();
}

FailureOr<ConvGeometry> readConvGeometry(NodeImporter &n, unsigned x,
                                         unsigned w) {
  if (failed(checkConvOperands(n, x, w)))
    return failure();
  auto xType = n.getInputType(x), wType = n.getInputType(w);
  auto weightKernel = wType.getShape().drop_front(2);
  auto attrs = readWindowAttrs(n, weightKernel.size(), weightKernel);
  if (failed(attrs))
    return failure();
  if (ArrayRef<int64_t>(attrs->kernel) != weightKernel)
    return n.emitError() << "kernel_shape " << formatList(attrs->kernel)
                         << " does not match the weight's "
                         << formatList(weightKernel);
  if (failed(resolveAutoPad(n, *attrs, xType.getShape().drop_front(2))))
    return failure();
  ConvGeometry g{*attrs, n.getAttrInt("group", 1)};
  if (n.failed())
    return failure();
  return g;
}

FailureOr<Value> createConv(NodeImporter &n, Value x, Value w, Value bias,
                            const ConvGeometry &g) {
  auto &b = n.getBuilder();
  return n.create<ConvOp>(x, w, bias, b.getDenseI64ArrayAttr(g.window.strides),
                          b.getDenseI64ArrayAttr(g.window.dilations),
                          b.getDenseI64ArrayAttr(g.window.pads),
                          b.getI64IntegerAttr(g.group));
}

} // namespace npu::onnx_import
