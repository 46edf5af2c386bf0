//===- Resize.cpp - Resize and Upsample -----------------------------------===//
//
// Every Resize version and Upsample become npu.resize with opset 13+
// semantics: the output shape resolved at import time, the scales that the
// coordinate transformation uses, and the modes as enum attributes.
// Resize-10 and Upsample have asymmetric coordinates and, for nearest, their
// own rounding (`simple`). Given `scales` are used as the floats they are;
// with `sizes`, the scale is the exact ratio of integers that ONNX defines.
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"

#include "../NodeImporter.h"
#include "../OpRegistry.h"

#include "llvm/Support/CheckedArithmetic.h"

#include <cmath>

using namespace mlir;

namespace npu::onnx_import {
namespace {

struct ResizeSpec {
  ResizeMode mode = ResizeMode::nearest;
  CoordinateTransformMode coord = CoordinateTransformMode::half_pixel;
  NearestMode nearest = NearestMode::round_prefer_floor;
  float cubicA = -0.75f;
  bool excludeOutside = false;
  float extrapolation = 0.0f;
  SmallVector<float> scales;   // given scales, or
  SmallVector<int64_t> ratios; // numerators, then denominators
  SmallVector<int64_t> outShape;
  SmallVector<float> roi;
};

LogicalResult parseMode(NodeImporter &n, StringRef name, ResizeMode &mode) {
  if (name == "nearest")
    mode = ResizeMode::nearest;
  else if (name == "linear" || name == "bilinear")
    mode = ResizeMode::linear;
  else if (name == "cubic")
    mode = ResizeMode::cubic;
  else
    return n.unsupportedAttr("mode", "'" + name + "'");
  return success();
}

LogicalResult build(NodeImporter &n, const ResizeSpec &s) {
  auto type = n.getInputType(0);
  auto &b = n.getBuilder();
  auto *ctx = n.getContext();
  DenseF32ArrayAttr roi =
      s.roi.empty() ? DenseF32ArrayAttr() : b.getDenseF32ArrayAttr(s.roi);
  DenseF32ArrayAttr scales =
      s.ratios.empty() ? b.getDenseF32ArrayAttr(s.scales) : DenseF32ArrayAttr();
  DenseI64ArrayAttr ratios =
      s.ratios.empty() ? DenseI64ArrayAttr() : b.getDenseI64ArrayAttr(s.ratios);
  auto r = n.createValue<ResizeOp>(
      type.clone(s.outShape), n.getInput(0), ResizeModeAttr::get(ctx, s.mode),
      CoordinateTransformModeAttr::get(ctx, s.coord),
      NearestModeAttr::get(ctx, s.nearest), scales, ratios,
      b.getF32FloatAttr(s.cubicA), b.getBoolAttr(s.excludeOutside),
      b.getF32FloatAttr(s.extrapolation), roi);
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

/// Output dimensions floor(in * scale) (computed in float as ONNX does).
LogicalResult shapeFromScales(NodeImporter &n, ResizeSpec &s) {
  auto type = n.getInputType(0);
  if (static_cast<int64_t>(s.scales.size()) != type.getRank())
    return n.emitError() << "needs one scale per dimension (" << type.getRank()
                         << "), got " << s.scales.size();
  for (auto [i, scale] : llvm::enumerate(s.scales)) {
    if (!(scale > 0))
      return n.emitError() << "scales must be positive";
    double extent = 1.0;
    if (s.coord == CoordinateTransformMode::tf_crop_and_resize &&
        !s.roi.empty())
      extent = s.roi[type.getRank() + i] - s.roi[i];
    double size =
        std::floor(static_cast<double>(type.getDimSize(i)) * extent * scale);
    // Converting a double beyond int64_t is undefined: refuse it first.
    if (!(size >= 0 && size < 0x1p62))
      return n.emitError() << "scale " << scale << " of dimension " << i
                           << " gives an output size out of range";
    s.outShape.push_back(static_cast<int64_t>(size));
  }
  return success();
}

/// With `sizes`, the scale of a resized axis is the exact ratio size / input
/// (with a keep_aspect_ratio_policy, the smallest or largest of them for
/// every axis, and the output round(scale * input), halves up), kept as
/// integers: output / input rounded to a float (or a double) moves the
/// sample points off whole and half coordinates.
LogicalResult scalesFromSizes(NodeImporter &n, ResizeSpec &s,
                              ArrayRef<int64_t> axes, ArrayRef<int64_t> sizes,
                              StringRef policy) {
  auto in = n.getInputType(0).getShape();
  int64_t rank = static_cast<int64_t>(in.size());
  for (auto [axis, size] : llvm::zip(axes, sizes)) {
    if (size <= 0)
      return n.emitError() << "sizes must be positive, got " << size;
    if (in[axis] == 0)
      return n.emitError() << "cannot resize the empty dimension " << axis;
  }
  SmallVector<int64_t> num(rank, 1), den(rank, 1);
  s.outShape.assign(in.begin(), in.end());
  if (policy == "stretch") {
    for (auto [axis, size] : llvm::zip(axes, sizes)) {
      num[axis] = size;
      den[axis] = in[axis];
      s.outShape[axis] = size;
    }
  } else {
    // The smallest (not_larger) or largest (not_smaller) ratio p / q,
    // compared exactly: a / b < c / d when a * d < c * b.
    size_t pick = 0;
    for (size_t i = 1; i < axes.size(); ++i) {
      auto lhs = llvm::checkedMul(sizes[i], in[axes[pick]]);
      auto rhs = llvm::checkedMul(sizes[pick], in[axes[i]]);
      if (!lhs || !rhs)
        return n.emitError() << "sizes are too large";
      if (policy == "not_larger" ? *lhs < *rhs : *lhs > *rhs)
        pick = i;
    }
    int64_t p = sizes[pick], q = in[axes[pick]];
    for (int64_t axis : axes) {
      // round(p * in / q), halves up: floor((2 * p * in + q) / (2 * q)).
      auto scaled = llvm::checkedMul(p, in[axis]);
      auto twice = scaled ? llvm::checkedMul<int64_t>(*scaled, 2) : scaled;
      auto sum = twice ? llvm::checkedAdd(*twice, q) : twice;
      if (!sum)
        return n.emitError() << "sizes are too large";
      num[axis] = p;
      den[axis] = q;
      s.outShape[axis] = *sum / (2 * q);
    }
  }
  s.ratios.assign(num.begin(), num.end());
  s.ratios.append(den.begin(), den.end());
  return success();
}

/// Upsample (opsets 7 to 9) and Resize-10: scales only, asymmetric
/// coordinates; nearest takes the floor where a dimension keeps its size or
/// grows and the ceiling where it shrinks, as ONNX's opset-10 tests expect
/// (resize_downsample_nearest: [[1, 2, 3, 4], [5, 6, 7, 8]] by 0.6 gives
/// [[1, 3]]) and ONNX Runtime does for these versions.
LogicalResult importLegacy(NodeImporter &n, unsigned scalesInput) {
  if (failed(n.requireInputs(1)))
    return failure();
  ResizeSpec s;
  if (failed(parseMode(n, n.getAttrString("mode", "nearest"), s.mode)))
    return failure();
  s.coord = CoordinateTransformMode::asymmetric;
  s.nearest = NearestMode::simple;
  if (n.getOpType() == "Upsample" && n.getOpset() < 9) {
    s.scales = n.getAttrFloats("scales");
  } else {
    auto scales = n.getConstantDoubles(scalesInput, "scales");
    if (failed(scales))
      return failure();
    for (double v : *scales)
      s.scales.push_back(static_cast<float>(v));
  }
  if (n.failed() || failed(shapeFromScales(n, s)))
    return failure();
  return build(n, s);
}

LogicalResult importUpsample(NodeImporter &n) { return importLegacy(n, 1); }

LogicalResult importResize(NodeImporter &n) {
  if (n.getOpset() < 11)
    return importLegacy(n, 1);
  if (failed(n.requireInputs(1)))
    return failure();
  auto type = n.getInputType(0);
  int64_t rank = type.getRank();
  ResizeSpec s;
  if (failed(parseMode(n, n.getAttrString("mode", "nearest"), s.mode)))
    return failure();
  std::string coord =
      n.getAttrString("coordinate_transformation_mode", "half_pixel");
  // The dialect's enum cases are spelled as ONNX spells the attribute.
  auto coordMode = symbolizeCoordinateTransformMode(coord);
  if (!coordMode)
    return n.unsupportedAttr("coordinate_transformation_mode",
                             "'" + coord + "'");
  s.coord = *coordMode;
  std::string nearest = n.getAttrString("nearest_mode", "round_prefer_floor");
  auto nearestMode = symbolizeNearestMode(nearest);
  if (!nearestMode || *nearestMode == NearestMode::simple) // not Resize-11's
    return n.unsupportedAttr("nearest_mode", "'" + nearest + "'");
  s.nearest = *nearestMode;
  s.cubicA = n.getAttrFloat("cubic_coeff_a", -0.75f);
  s.excludeOutside = n.getAttrInt("exclude_outside", 0) != 0;
  s.extrapolation = n.getAttrFloat("extrapolation_value", 0.0f);
  if (n.getAttrInt("antialias", 0) != 0)
    return n.unsupportedAttr("antialias", "1");
  std::string policy = n.getAttrString("keep_aspect_ratio_policy", "stretch");
  if (policy != "stretch" && policy != "not_larger" && policy != "not_smaller")
    return n.unsupportedAttr("keep_aspect_ratio_policy", "'" + policy + "'");
  SmallVector<int64_t> axes;
  for (int64_t a : n.getAttrInts("axes")) {
    auto axis = n.normalizeAxis(a, rank);
    if (failed(axis))
      return failure();
    axes.push_back(*axis);
  }
  if (n.failed())
    return failure();
  if (axes.empty())
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  size_t numAxes = axes.size();

  // Per-axis values spread over every dimension (others keep scale 1).
  auto spread = [&](ArrayRef<double> values, double fill) {
    SmallVector<double> full(rank, fill);
    for (size_t i = 0; i < numAxes; ++i)
      full[axes[i]] = values[i];
    return full;
  };

  if (s.coord == CoordinateTransformMode::tf_crop_and_resize) {
    auto roi = n.getConstantDoubles(1, "roi");
    if (failed(roi))
      return failure();
    if (roi->size() != 2 * numAxes)
      return n.emitError() << "roi needs " << 2 * numAxes << " values";
    SmallVector<double> starts(roi->begin(), roi->begin() + numAxes);
    SmallVector<double> ends(roi->begin() + numAxes, roi->end());
    for (double v : spread(starts, 0.0))
      s.roi.push_back(static_cast<float>(v));
    for (double v : spread(ends, 1.0))
      s.roi.push_back(static_cast<float>(v));
  }

  SmallVector<double> scales;
  if (n.hasInput(2)) {
    auto v = n.getConstantDoubles(2, "scales");
    if (failed(v))
      return failure();
    scales = *v;
  }
  if (!scales.empty()) {
    if (scales.size() != numAxes)
      return n.emitError() << "scales need " << numAxes << " values, got "
                           << scales.size();
    for (double v : spread(scales, 1.0))
      s.scales.push_back(static_cast<float>(v));
    if (failed(shapeFromScales(n, s)))
      return failure();
    return build(n, s);
  }
  if (!n.hasInput(3))
    return n.emitError() << "needs either scales or sizes";
  auto sizes = n.getConstantInts(3, "sizes");
  if (failed(sizes))
    return failure();
  if (sizes->size() != numAxes)
    return n.emitError() << "sizes need " << numAxes << " values, got "
                         << sizes->size();
  if (failed(scalesFromSizes(n, s, axes, *sizes, policy)))
    return failure();
  return build(n, s);
}

} // namespace

void registerResizeOps(OpRegistry &r) {
  r.add("Resize", importResize);
  r.add("Upsample", importUpsample);
}

} // namespace npu::onnx_import
