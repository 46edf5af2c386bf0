//===- Resize.cpp - Resize and Upsample -----------------------------------===//
//
// Every Resize version and Upsample become npu.resize with opset 13+
// semantics: the output shape resolved at import time, the scales that the
// coordinate transformation uses, and the modes as enum attributes.
// Resize-10 and Upsample behave like asymmetric coordinates with floor
// rounding for nearest.
//
//===----------------------------------------------------------------------===//

#include "OpImporters.h"

#include "../NodeImporter.h"
#include "../OpRegistry.h"

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
  SmallVector<float> scales;
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
  auto r = n.createValue<ResizeOp>(
      type.clone(s.outShape), n.getInput(0), ResizeModeAttr::get(ctx, s.mode),
      CoordinateTransformModeAttr::get(ctx, s.coord),
      NearestModeAttr::get(ctx, s.nearest), b.getDenseF32ArrayAttr(s.scales),
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
    s.outShape.push_back(static_cast<int64_t>(
        std::floor(static_cast<double>(type.getDimSize(i)) * extent * scale)));
  }
  return success();
}

/// Upsample (opsets 7 to 9) and Resize-10: scales only.
LogicalResult importLegacy(NodeImporter &n, unsigned scalesInput) {
  if (failed(n.requireInputs(1)))
    return failure();
  ResizeSpec s;
  if (failed(parseMode(n, n.getAttrString("mode", "nearest"), s.mode)))
    return failure();
  s.coord = CoordinateTransformMode::asymmetric;
  s.nearest = NearestMode::floor;
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
  if (!nearestMode)
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
  SmallVector<double> axisScales;
  for (size_t i = 0; i < numAxes; ++i)
    axisScales.push_back(static_cast<double>((*sizes)[i]) /
                         static_cast<double>(type.getDimSize(axes[i])));
  SmallVector<int64_t> out(type.getShape());
  if (policy != "stretch") {
    double scale = axisScales.front();
    for (double v : axisScales)
      scale = policy == "not_larger" ? std::min(scale, v) : std::max(scale, v);
    for (size_t i = 0; i < numAxes; ++i) {
      axisScales[i] = scale;
      out[axes[i]] = static_cast<int64_t>(
          std::round(scale * static_cast<double>(type.getDimSize(axes[i]))));
    }
  } else {
    for (size_t i = 0; i < numAxes; ++i)
      out[axes[i]] = (*sizes)[i];
  }
  for (double v : spread(axisScales, 1.0))
    s.scales.push_back(static_cast<float>(v));
  s.outShape = out;
  return build(n, s);
}

} // namespace

void registerResizeOps(OpRegistry &r) {
  r.add("Resize", importResize);
  r.add("Upsample", importUpsample);
}

} // namespace npu::onnx_import
