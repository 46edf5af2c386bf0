//===- Convolution.cpp - Conv and ConvTranspose ---------------------------===//
//
// N-d convolutions with ONNX's attribute defaults; auto_pad is resolved to
// explicit pads, and ConvTranspose's output_shape to pads (or to extra
// output padding when the requested output is larger than the natural one).
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"
#include "WindowAttrs.h"

#include "../NodeImporter.h"
#include "../OpRegistry.h"

using namespace mlir;

namespace npu::onnx_import {
namespace {

LogicalResult importConv(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  auto g = readConvGeometry(n, 0, 1);
  if (failed(g))
    return failure();
  return n.setResult(
      createConv(n, n.getInput(0), n.getInput(1), n.getInput(2), *g));
}

LogicalResult importConvTranspose(NodeImporter &n) {
  if (failed(n.requireInputs(2)))
    return failure();
  auto x = n.getInputType(0), w = n.getInputType(1);
  if (failed(checkConvOperands(n, 0, 1)))
    return failure();
  size_t num = w.getRank() - 2;
  auto attrs = readWindowAttrs(n, num, w.getShape().drop_front(2));
  if (failed(attrs))
    return failure();
  SmallVector<int64_t> outPad =
      n.getAttrInts("output_padding", SmallVector<int64_t>(num, 0));
  SmallVector<int64_t> outShape = n.getAttrInts("output_shape");
  int64_t group = n.getAttrInt("group", 1);
  if (n.failed())
    return failure();
  if (outPad.size() != num)
    return n.emitError() << "output_padding " << formatList(outPad) << " needs "
                         << num << " entries";
  // output_shape may list the full shape or only the spatial dimensions.
  if (outShape.size() == num + 2)
    outShape.erase(outShape.begin(), outShape.begin() + 2);
  if (!outShape.empty() && outShape.size() != num)
    return n.emitError() << "output_shape " << formatList(outShape) << " needs "
                         << num << " spatial entries";
  bool same = attrs->autoPad == "SAME_UPPER" || attrs->autoPad == "SAME_LOWER";
  if (outShape.empty() && same)
    for (size_t i = 0; i < num; ++i)
      outShape.push_back(x.getDimSize(i + 2) * attrs->strides[i]);
  if (attrs->autoPad == "VALID" && outShape.empty())
    attrs->pads.assign(2 * num, 0);
  if (!outShape.empty()) {
    for (size_t i = 0; i < num; ++i) {
      int64_t natural = attrs->strides[i] * (x.getDimSize(i + 2) - 1) +
                        outPad[i] +
                        (attrs->kernel[i] - 1) * attrs->dilations[i] + 1;
      int64_t total = natural - outShape[i];
      if (total < 0) {
        // A larger output than the kernel covers: extend at the end.
        outPad[i] -= total;
        attrs->pads[i] = attrs->pads[num + i] = 0;
        continue;
      }
      int64_t half = total / 2;
      bool upper = attrs->autoPad == "SAME_UPPER";
      attrs->pads[i] = upper ? half : total - half;
      attrs->pads[num + i] = upper ? total - half : half;
    }
  }
  auto &b = n.getBuilder();
  auto r = n.create<ConvTransposeOp>(
      n.getInput(0), n.getInput(1), n.getInput(2),
      b.getDenseI64ArrayAttr(attrs->strides),
      b.getDenseI64ArrayAttr(attrs->dilations),
      b.getDenseI64ArrayAttr(attrs->pads), b.getDenseI64ArrayAttr(outPad),
      b.getI64IntegerAttr(group));
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

} // namespace

void registerConvolutionOps(OpRegistry &r) {
  r.add("Conv", importConv);
  r.add("ConvTranspose", importConvTranspose);
}

} // namespace npu::onnx_import
